// Streaming JSON Lines input and output over files or stdin/stdout ("-").
#pragma once

#include <cstddef>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cad::core {

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code
/// points above U+10FFFF). On failure, if `bad_offset` is given, it receives the
/// 0-based byte offset of the first byte of the offending sequence. Never throws.
bool valid_utf8(std::string_view text, std::size_t* bad_offset = nullptr);

/// `value` serialized as one compact JSON line (no trailing newline). Invalid
/// UTF-8 inside strings is replaced by U+FFFD instead of throwing.
std::string dump_line(const nlohmann::json& value);

/// One non-blank input line: either `record` is set, or `error` says why not.
struct JsonlLine {
  std::size_t line = 0;                  ///< 1-based line number in the input
  std::optional<nlohmann::json> record;  ///< the parsed value (any JSON type)
  std::string error;                     ///< e.g. "line 7: invalid JSON: ..."; empty on success
  std::string text;  ///< the raw line, without the newline (and without a trailing '\r')
  /// The record's string `id` when the line cannot be used but its id can still be read (an
  /// invalid UTF-8 byte inside another field): the failure record keeps the id.
  std::optional<std::string> id;
};

/// Reads a JSONL file (or stdin for "-") one line at a time; blank lines are skipped,
/// malformed lines are reported through JsonlLine::error and reading continues.
class JsonlReader {
 public:
  /// Opens `path` ("-" = stdin). Throws cad::Error("path: <strerror>") if it cannot be opened.
  explicit JsonlReader(std::string path);
  ~JsonlReader();
  JsonlReader(const JsonlReader&) = delete;
  JsonlReader& operator=(const JsonlReader&) = delete;

  /// Fills `out` with the next non-blank line; false at end of input.
  /// Throws cad::Error("path: <strerror>") on a read error (e.g. a directory).
  bool next(JsonlLine& out);

  /// The path given to the constructor ("-" for stdin).
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  char* buffer_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t line_ = 0;
};

/// Writes one compact JSON value per line to a file (or stdout for "-"), flushing
/// after each line so that downstream tools see records as they are produced.
/// Thread-safe: lines from concurrent writers never interleave.
class JsonlWriter {
 public:
  /// Creates/truncates `path` ("-" = stdout). Throws cad::Error("path: <strerror>") on failure.
  explicit JsonlWriter(std::string path);
  ~JsonlWriter();
  JsonlWriter(const JsonlWriter&) = delete;
  JsonlWriter& operator=(const JsonlWriter&) = delete;

  /// Appends `value` as one line and flushes. Invalid UTF-8 in strings becomes U+FFFD.
  /// Throws cad::Error("path: write failed: <strerror>") if the output cannot be written.
  void write(const nlohmann::json& value);

  /// Number of lines written so far.
  std::size_t count() const;

  /// The path given to the constructor ("-" for stdout).
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  mutable std::mutex mutex_;
  std::size_t count_ = 0;
};

}  // namespace cad::core
