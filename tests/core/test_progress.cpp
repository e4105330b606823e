// Tests of progress reporting (text, log mode, thread safety).
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>
#include <vector>

#include "core/log.h"
#include "core/progress.h"
#include "log_capture.h"

using cad::core::Progress;
using cad::core::progress_text;
using cad::core::ProgressMode;

namespace {
std::size_t count_lines(const std::string& text) {
  return std::count(text.begin(), text.end(), '\n');
}
}  // namespace

TEST_CASE("progress_text shows count, percentage, rate and ETA", "[core]") {
  CHECK(progress_text("exec", 0, 1200, 0.0) == "exec 0/1200 (0%)");
  CHECK(progress_text("exec", 120, 1200, 10.0) == "exec 120/1200 (10%) 12.0/s ETA 1:30");
  CHECK(progress_text("exec", 1200, 1200, 100.0) == "exec 1200/1200 (100%) 12.0/s in 1:40");
  CHECK(progress_text("x", 1, 100000, 1.0) == "x 1/100000 (0%) 1.0/s ETA 27:46:39");
}

TEST_CASE("Progress in log mode writes a line about every 10 percent", "[core]") {
  cad::test::LogCapture capture("tool");
  {
    Progress progress("items", 100, ProgressMode::Log);
    for (int i = 0; i < 100; ++i) progress.advance();
    CHECK(progress.done() == 100);
  }  // the destructor finishes without repeating the 100 % line
  const std::string text = capture.text();
  CHECK(count_lines(text) == 10);
  CHECK(text.rfind("[tool] info: items 10/100 (10%)", 0) == 0);
  CHECK(text.find("items 100/100 (100%)") != std::string::npos);
}

TEST_CASE("Progress reports an unfinished count at finish and clamps to the total", "[core]") {
  cad::test::LogCapture capture;
  Progress progress("items", 100, ProgressMode::Log);
  progress.advance(3);  // below the first 10 % step: no line yet
  CHECK(capture.text().empty());
  progress.finish();  // says where it stopped
  progress.advance(100);
  progress.finish();
  CHECK(count_lines(capture.text()) == 1);
  CHECK(capture.text().find("items 3/100 (3%)") != std::string::npos);
  CHECK(progress.done() == 3);
  Progress clamped("c", 5, ProgressMode::Off);
  clamped.advance(9);
  CHECK(clamped.done() == 5);
}

TEST_CASE("Progress is silent when the total is 0, when off, or above info level", "[core]") {
  cad::test::LogCapture capture;
  {
    Progress empty("none", 0, ProgressMode::Log);
    empty.advance();
    Progress off("off", 10, ProgressMode::Off);
    off.advance(10);
    cad::core::set_log_level("warn");
    Progress quiet("quiet", 10, ProgressMode::Log);
    quiet.advance(10);
  }
  CHECK(capture.text().empty());
}

TEST_CASE("Progress counts every advance from concurrent threads", "[core]") {
  Progress progress("threads", 4000, ProgressMode::Off);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&progress] {
      for (int i = 0; i < 1000; ++i) progress.advance();
    });
  for (auto& th : threads) th.join();
  CHECK(progress.done() == 4000);
}
