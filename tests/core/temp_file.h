// Temporary files for the core tests, removed when the helper goes out of scope.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

namespace cad::test {

/// A unique path under the system temporary directory, deleted on destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& stem = "core") {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                .string();
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  /// Replaces the file's content with `text` (bytes written as given).
  void write(const std::string& text) const { std::ofstream(path_, std::ios::binary) << text; }
  /// The file's whole content.
  std::string read() const {
    std::ifstream in(path_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

 private:
  std::string path_;
};

}  // namespace cad::test
