// Streaming JSON Lines input and output over files or stdin/stdout ("-").
#include "core/jsonl.h"

#include <sys/types.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "core/error.h"

namespace cad::core {

bool valid_utf8(std::string_view text, std::size_t* bad_offset) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    }
    bool ok = len != 0 && i + len <= n && s[i + 1] >= lo && s[i + 1] <= hi;
    for (std::size_t k = 2; ok && k < len; ++k) ok = (s[i + k] & 0xC0) == 0x80;
    if (!ok) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

std::string dump_line(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

JsonlReader::JsonlReader(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    file_ = stdin;
  } else {
    file_ = std::fopen(path_.c_str(), "rb");
    if (!file_) throw Error(fmt::format("{}: {}", path_, std::strerror(errno)));
  }
}

JsonlReader::~JsonlReader() {
  if (file_ && file_ != stdin) std::fclose(file_);
  std::free(buffer_);
}

bool JsonlReader::next(JsonlLine& out) {
  for (;;) {
    errno = 0;
    const ssize_t got = ::getline(&buffer_, &capacity_, file_);
    if (got < 0) {
      if (std::ferror(file_)) {
        const int err = errno ? errno : EIO;
        std::clearerr(file_);
        throw Error(fmt::format("{}: {}", path_, std::strerror(err)));
      }
      return false;
    }
    ++line_;
    std::string_view text(buffer_, static_cast<std::size_t>(got));
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;

    out.line = line_;
    out.text.assign(text);
    out.record.reset();
    out.error.clear();
    out.id.reset();
    std::size_t bad = 0;
    if (!valid_utf8(text, &bad)) {
      out.error = fmt::format("line {}: invalid UTF-8 at byte {}", line_, bad + 1);
      // The record stays unusable, but its id may be intact: read it from a copy whose invalid
      // bytes are replaced, so that the failure is reported under the right id.
      std::string repaired(text);
      for (std::size_t at = 0; !valid_utf8(repaired, &at);) repaired[at] = '?';
      try {
        const auto j = nlohmann::json::parse(repaired);
        // An id that contained a replaced byte is not the record's: it must appear as it is.
        if (j.is_object() && j.contains("id") && j["id"].is_string() &&
            text.find(j["id"].dump()) != std::string_view::npos)
          out.id = j["id"].get<std::string>();
      } catch (const nlohmann::json::parse_error&) {
      }
      return true;
    }
    try {
      out.record = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      // Drop nlohmann's "[json.exception.parse_error.101] " prefix; keep the position.
      std::string_view what = e.what();
      if (const auto pos = what.find("] "); pos != std::string_view::npos)
        what.remove_prefix(pos + 2);
      out.error = fmt::format("line {}: invalid JSON: {}", line_, what);
    }
    return true;
  }
}

JsonlWriter::JsonlWriter(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    file_ = stdout;
  } else {
    file_ = std::fopen(path_.c_str(), "wb");
    if (!file_) throw Error(fmt::format("{}: {}", path_, std::strerror(errno)));
  }
}

JsonlWriter::~JsonlWriter() {
  if (file_ && file_ != stdout) std::fclose(file_);
}

void JsonlWriter::write(const nlohmann::json& value) {
  std::string line = dump_line(value);
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mutex_);
  errno = 0;
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    const int err = errno ? errno : EIO;
    std::clearerr(file_);
    throw Error(fmt::format("{}: write failed: {}", path_, std::strerror(err)));
  }
  ++count_;
}

std::size_t JsonlWriter::count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return count_;
}

}  // namespace cad::core
