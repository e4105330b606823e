// Reading and writing whole files, with errors that name the file.
#pragma once

#include <string>
#include <string_view>

namespace cad::core {

/// The whole content of `path`, as bytes. Throws cad::Error("path: <strerror>") when it cannot
/// be opened or read.
std::string read_file(const std::string& path);

/// Replaces the content of `path` with `text` (bytes written as given). Throws
/// cad::Error("path: write failed: <strerror>") when it cannot be written.
void write_file(const std::string& path, std::string_view text);

}  // namespace cad::core
