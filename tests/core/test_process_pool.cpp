// Tests of the forked worker pool: ordering, crashes, timeouts, memory limits, in-process mode.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <set>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include "core/process_pool.h"
#include "temp_file.h"

using cad::core::ProcessPool;
using cad::core::TaskLimits;
using cad::core::TaskResult;
using cad::core::TaskStatus;

// Blocks allocated by "malloc-then-segv"; global so that the allocations cannot be elided.
void* g_blocks[1 << 16];

namespace {

// The work every test uses: the task names what to do.
std::string misbehave(const std::string& task) {
  if (task == "segv") std::raise(SIGSEGV);
  if (task == "abort") std::abort();
  if (task == "exit") std::exit(3);
  if (task == "loop") {
    volatile unsigned long spin = 0;
    for (;;) spin = spin + 1;
  }
  if (task == "throw") throw std::runtime_error("bad task");
  if (task == "alloc") {
    std::vector<char> huge(std::size_t{4} << 30, 1);  // 4 GiB
    return std::to_string(huge[12345]);
  }
  if (task == "malloc-then-segv") {
    // Exhausts the address space with malloc (no bad_alloc), then crashes as code
    // that dereferences a null result would.
    for (std::size_t i = 0; i < std::size(g_blocks); ++i) {
      if (!(g_blocks[i] = std::malloc(std::size_t{1} << 20))) break;
      static_cast<char*>(g_blocks[i])[0] = 1;
    }
    std::raise(SIGSEGV);
  }
  if (task == "print") {
    std::printf("stdout from printf\n");
    std::cout << "stdout from cout" << std::endl;
    return "printed";
  }
  if (task.rfind("sleep ", 0) == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(task.substr(6))));
  return "done " + task;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("ProcessPool returns results in input order and reports each completion once", "[core]") {
  ProcessPool pool(3, misbehave, TaskLimits{5, 512});
  std::vector<std::string> tasks;
  for (int i = 0; i < 12; ++i) tasks.push_back("sleep " + std::to_string((12 - i) * 3));
  std::vector<std::size_t> completed;
  const auto results = pool.run_all(tasks, [&](std::size_t index, const TaskResult& r) {
    CHECK(r.status == TaskStatus::Ok);
    completed.push_back(index);
  });
  REQUIRE(results.size() == tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    CHECK(results[i].status == TaskStatus::Ok);
    CHECK(results[i].payload == "done " + tasks[i]);
    CHECK(results[i].wall_ms >= 0);
  }
  CHECK(std::set<std::size_t>(completed.begin(), completed.end()).size() == tasks.size());
  CHECK(pool.restarts() == 0);
  CHECK(pool.run_all({}).empty());
}

TEST_CASE("ProcessPool reports a segfault as Crash and carries on", "[core]") {
  ProcessPool pool(1, misbehave, TaskLimits{5, 512});
  const auto results = pool.run_all({"a", "segv", "b", "abort", "exit", "c"});
  CHECK(results[0].payload == "done a");
  CHECK(results[1].status == TaskStatus::Crash);
  CHECK(results[1].detail == "killed by signal 11 (SIGSEGV)");
  CHECK(results[2].status == TaskStatus::Ok);
  CHECK(results[2].payload == "done b");
  CHECK(results[3].status == TaskStatus::Crash);
  CHECK(results[3].detail == "killed by signal 6 (SIGABRT)");
  CHECK(results[4].status == TaskStatus::Crash);
  CHECK(results[4].detail == "worker exited unexpectedly with status 3");
  CHECK(results[5].payload == "done c");
  CHECK(pool.restarts() == 3);
}

TEST_CASE("ProcessPool kills a task that runs past its timeout", "[core]") {
  ProcessPool pool(2, misbehave, TaskLimits{0.5, 512});
  const auto start = std::chrono::steady_clock::now();
  const auto results = pool.run_all({"loop", "x", "loop", "y"});
  CHECK(seconds_since(start) < 5.0);
  CHECK(results[0].status == TaskStatus::Timeout);
  CHECK(results[0].detail == "exceeded the time limit of 0.5 s");
  CHECK(results[0].wall_ms >= 500);
  CHECK(results[1].payload == "done x");
  CHECK(results[2].status == TaskStatus::Timeout);
  CHECK(results[3].payload == "done y");
  CHECK(pool.restarts() == 2);
}

TEST_CASE("ProcessPool reports exhausting the memory limit as Memory", "[core]") {
  if (!ProcessPool::memory_limits_enforced()) {
    WARN("memory limits are not enforced in this (AddressSanitizer) build");
    return;
  }
  ProcessPool pool(1, misbehave, TaskLimits{5, 256});
  const auto results = pool.run_all({"alloc", "a", "malloc-then-segv", "b"});
  CHECK(results[0].status == TaskStatus::Memory);
  CHECK(results[0].detail == "out of memory (limit 256 MiB)");
  CHECK(results[1].payload == "done a");
  CHECK(results[2].status == TaskStatus::Memory);
  CHECK(results[2].detail == "killed by signal 11 (SIGSEGV) while out of memory (limit 256 MiB)");
  CHECK(results[3].payload == "done b");
}

TEST_CASE("ProcessPool reports exceptions as Error without restarting the worker", "[core]") {
  ProcessPool pool(1, misbehave, TaskLimits{5, 512});
  const auto results = pool.run_all({"throw", "a"});
  CHECK(results[0].status == TaskStatus::Error);
  CHECK(results[0].detail == "bad task");
  CHECK(results[1].payload == "done a");
  CHECK(pool.restarts() == 0);
}

TEST_CASE("ProcessPool moves large tasks and results intact", "[core]") {
  ProcessPool pool(
      2, [](const std::string& task) { return task + task; }, TaskLimits{5, 512});
  std::string big(3 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + i / 251);
  const auto results = pool.run_all({big, "", big});
  CHECK(results[0].payload == big + big);
  CHECK(results[1].payload.empty());
  CHECK(results[2].payload == big + big);
}

TEST_CASE("ProcessPool workers never write to the parent's stdout", "[core]") {
  cad::test::TempFile captured("stdout");
  ProcessPool pool(1, misbehave, TaskLimits{5, 512});
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  const int file = ::open(captured.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(file >= 0);
  ::dup2(file, STDOUT_FILENO);
  ::close(file);
  // A fresh worker (forked after the redirection) must not write there either.
  const auto results = pool.run_all({"print", "segv", "print"});
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  CHECK(results[0].payload == "printed");
  CHECK(results[2].payload == "printed");
  CHECK(captured.read().empty());
}

TEST_CASE("ProcessPool stays usable after on_done throws", "[core]") {
  ProcessPool pool(2, misbehave, TaskLimits{5, 512});
  CHECK_THROWS_AS(
      pool.run_all({"a", "sleep 200", "b"},
                   [](std::size_t, const TaskResult&) { throw std::runtime_error("stop"); }),
      std::runtime_error);
  const auto results = pool.run_all({"c", "d"});
  CHECK(results[0].payload == "done c");
  CHECK(results[1].payload == "done d");
}

TEST_CASE("ProcessPool with 0 workers runs tasks in-process", "[core]") {
  ProcessPool pool(0, misbehave, TaskLimits{});
  CHECK(pool.workers() == 0);
  std::size_t calls = 0;
  const auto results = pool.run_all(
      {"a", "throw", "b"}, [&](std::size_t index, const TaskResult&) { CHECK(index == calls++); });
  CHECK(calls == 3);
  CHECK(results[0].payload == "done a");
  CHECK(results[1].status == TaskStatus::Error);
  CHECK(results[1].detail == "bad task");
  CHECK(results[2].payload == "done b");
  CHECK(std::string(cad::core::to_string(TaskStatus::Timeout)) == "timeout");
}
