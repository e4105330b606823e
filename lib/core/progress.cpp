// Progress reporting on stderr: a redrawn bar on a terminal, periodic log lines otherwise.
#include "core/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

#include "core/log.h"

namespace cad::core {
namespace {

constexpr double kRedrawInterval_s = 0.1;
constexpr double kLogInterval_s = 30.0;
constexpr int kBarWidth = 24;

std::string format_duration(double seconds) {
  const auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::size_t log_step(std::size_t total) {
  return std::max<std::size_t>(1, (total + 9) / 10);
}

}  // namespace

std::string progress_text(const std::string& label, std::size_t done, std::size_t total,
                          double elapsed_s) {
  const double pct = total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
  std::string text = fmt::format("{} {}/{} ({:.0f}%)", label, done, total, std::floor(pct));
  if (done > 0 && elapsed_s > 0) {
    const double rate = static_cast<double>(done) / elapsed_s;
    text += fmt::format(" {:.1f}/s", rate);
    if (done < total)
      text += " ETA " + format_duration(static_cast<double>(total - done) / rate);
    else
      text += " in " + format_duration(elapsed_s);
  }
  return text;
}

Progress::Progress(std::string label, std::size_t total, ProgressMode mode)
    : label_(std::move(label)),
      total_(total),
      mode_(mode),
      start_(Clock::now()),
      last_report_(start_) {
  if (mode_ == ProgressMode::Auto)
    mode_ = ::isatty(STDERR_FILENO) ? ProgressMode::Bar : ProgressMode::Log;
  if (total_ == 0 || !logger().should_log(spdlog::level::info)) mode_ = ProgressMode::Off;
  next_log_at_ = log_step(total_);
}

Progress::~Progress() {
  finish();
}

double Progress::elapsed_s(Clock::time_point now) const {
  return std::chrono::duration<double>(now - start_).count();
}

void Progress::advance(std::size_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  done_ = std::min(total_, done_ + n);
  if (mode_ != ProgressMode::Off) report(false);
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (mode_ != ProgressMode::Off) report(true);
}

std::size_t Progress::done() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return done_;
}

void Progress::report(bool final_report) {
  const auto now = Clock::now();
  const double since_last = std::chrono::duration<double>(now - last_report_).count();
  try {
    if (mode_ == ProgressMode::Bar) {
      if (!final_report && since_last < kRedrawInterval_s && done_ < total_) return;
      const auto filled = static_cast<int>(kBarWidth * done_ / total_);
      std::string line = "\r[" + std::string(filled, '#') + std::string(kBarWidth - filled, '-') +
                         "] " + progress_text(label_, done_, total_, elapsed_s(now)) + "\x1b[K";
      if (final_report) line.push_back('\n');
      std::fputs(line.c_str(), stderr);
      std::fflush(stderr);
    } else {
      if (final_report ? done_ == last_logged_
                       : done_ < next_log_at_ && since_last < kLogInterval_s)
        return;
      while (next_log_at_ <= done_) next_log_at_ += log_step(total_);
      last_logged_ = done_;
      logger().info("{}", progress_text(label_, done_, total_, elapsed_s(now)));
    }
  } catch (...) {
    // Reporting progress must never break the work being measured.
  }
  last_report_ = now;
}

}  // namespace cad::core
