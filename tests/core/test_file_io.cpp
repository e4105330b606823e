#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/file_io.h"
#include "temp_file.h"

TEST_CASE("whole files round-trip as bytes", "[core][file_io]") {
  cad::test::TempFile file("file_io");
  const std::string bytes("a\0b\r\n\xff", 6);
  cad::core::write_file(file.path(), bytes);
  CHECK(cad::core::read_file(file.path()) == bytes);
  cad::core::write_file(file.path(), "short");
  CHECK(cad::core::read_file(file.path()) == "short");
}

TEST_CASE("file errors name the file and the reason", "[core][file_io]") {
  CHECK_THROWS_WITH(cad::core::read_file("/nonexistent/x.py"),
                    "/nonexistent/x.py: No such file or directory");
  CHECK_THROWS_WITH(cad::core::write_file("/nonexistent/dir/x.txt", "x"),
                    Catch::StartsWith("/nonexistent/dir/x.txt: write failed"));
}
