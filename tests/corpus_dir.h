// Tests that read ../shared/corpus: skipped with a warning on a machine without it, a failure
// under CI (CI=true), which has every dependency, so that a skip there cannot hide a test.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace cad::test {
inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}
}  // namespace cad::test

/// Returns from the test case when `dir` is not a folder (FAIL under CI).
#define CAD_REQUIRE_CORPUS(dir)                                              \
  do {                                                                       \
    if (!std::filesystem::is_directory(dir)) {                               \
      if (cad::test::running_in_ci()) FAIL("corpus not found at " << (dir)); \
      WARN("corpus not found at " << (dir) << ": skipped");                  \
      return;                                                                \
    }                                                                        \
  } while (false)
