// The process-wide logger: everything goes to stderr as "[tool] level: message".
#pragma once

#include <string>

#include <spdlog/spdlog.h>

namespace cad::core {

/// The shared logger (thread-safe, stderr only, also installed as spdlog's default
/// logger so that `spdlog::info(...)` lands in the same place). Never throws.
spdlog::logger& logger();

/// Sets the minimum level: one of trace, debug, info, warn, error, off.
/// Throws cad::UsageError for any other name.
void set_log_level(const std::string& level);

/// Sets the tool name shown in every line ("[cad-exec] info: ..."); default "cad".
void set_log_tool_name(const std::string& tool_name);

}  // namespace cad::core
