// Captures what the core logger writes, for the duration of a scope.
#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>

#include "core/log.h"

namespace cad::test {

/// Points cad::core::logger() at a string (with the tool name `tool`) instead of stderr,
/// then restores its sinks, level "info" and the name "cad".
class LogCapture {
 public:
  explicit LogCapture(const std::string& tool = "test")
      : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_)) {
    saved_ = cad::core::logger().sinks();
    cad::core::logger().sinks() = {sink_};
    cad::core::set_log_tool_name(tool);
  }
  ~LogCapture() {
    cad::core::logger().sinks() = saved_;
    cad::core::set_log_level("info");
    cad::core::set_log_tool_name("cad");
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string text() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  std::vector<spdlog::sink_ptr> saved_;
};

}  // namespace cad::test
