// The process-wide logger: everything goes to stderr as "[tool] level: message".
#include "core/log.h"

#include <memory>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "core/error.h"

namespace cad::core {
namespace {

std::string pattern_for(const std::string& tool_name) {
  std::string escaped;  // '%' starts a spdlog flag
  for (char c : tool_name) {
    if (c == '%') escaped.push_back('%');
    escaped.push_back(c);
  }
  return "[" + escaped + "] %^%l%$: %v";
}

std::shared_ptr<spdlog::logger> make_logger() {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto log = std::make_shared<spdlog::logger>("cad", sink);
  log->set_pattern(pattern_for("cad"));
  log->set_level(spdlog::level::info);
  log->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(log);
  return log;
}

}  // namespace

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = make_logger();
  return *instance;
}

void set_log_level(const std::string& level) {
  static const std::pair<const char*, spdlog::level::level_enum> levels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"off", spdlog::level::off}};
  for (const auto& [name, value] : levels) {
    if (level == name) {
      logger().set_level(value);
      return;
    }
  }
  throw UsageError("invalid log level '" + level +
                   "' (expected trace, debug, info, warn, error or off)");
}

void set_log_tool_name(const std::string& tool_name) {
  logger().set_pattern(pattern_for(tool_name));
}

}  // namespace cad::core
