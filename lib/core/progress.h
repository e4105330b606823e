// Progress reporting on stderr: a redrawn bar on a terminal, periodic log lines otherwise.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace cad::core {

/// How a Progress reports.
enum class ProgressMode {
  Auto,  ///< Bar when stderr is a terminal, else Log
  Bar,   ///< single redrawn line on stderr, at most ~10 redraws per second
  Log,   ///< an info log line every ~10 % or 30 s
  Off,   ///< silent
};

/// "label 120/1200 (10%) 35.2/s ETA 0:31" for `done` of `total` items after
/// `elapsed_s` seconds; rate and ETA are omitted until they are meaningful.
std::string progress_text(const std::string& label, std::size_t done, std::size_t total,
                          double elapsed_s);

/// Counts finished items of a known total and reports them on stderr. Silent when
/// `total` is 0, when the mode is Off, or when the log level is above info.
/// Thread-safe; never throws from advance()/finish().
class Progress {
 public:
  Progress(std::string label, std::size_t total, ProgressMode mode = ProgressMode::Auto);
  /// Calls finish() if it was not called.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Records `n` more finished items (clamped to the total).
  void advance(std::size_t n = 1);
  /// Draws the final state (and ends the bar's line); later calls do nothing.
  void finish();
  /// Items finished so far.
  std::size_t done() const;

 private:
  using Clock = std::chrono::steady_clock;
  void report(bool final_report);  // caller holds mutex_
  double elapsed_s(Clock::time_point now) const;

  std::string label_;
  std::size_t total_;
  ProgressMode mode_;
  mutable std::mutex mutex_;
  std::size_t done_ = 0;
  bool finished_ = false;
  Clock::time_point start_;
  Clock::time_point last_report_;
  std::size_t next_log_at_ = 0;  // Log mode: next count that triggers a line
  std::size_t last_logged_ = 0;  // Log mode: count shown by the last line
};

}  // namespace cad::core
