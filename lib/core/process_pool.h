// A pool of forked worker processes that isolates crash-prone work (OpenCASCADE can segfault).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cad::core {

/// Per-task limits of a ProcessPool.
struct TaskLimits {
  double timeout_s = 10;  ///< wall-clock seconds per task, enforced by the parent; <= 0 = none
  std::size_t memory_mib =
      2048;  ///< address space (MiB) a worker may add to what it had at fork; 0 = none
};

/// Outcome of one task.
enum class TaskStatus {
  Ok,       ///< `work` returned; `payload` holds its result
  Error,    ///< `work` threw an exception other than std::bad_alloc; `detail` holds what()
  Timeout,  ///< exceeded TaskLimits::timeout_s; the worker was killed and replaced
  Memory,   ///< std::bad_alloc, or a fatal signal while at the memory limit; worker replaced
  Crash,    ///< the worker died (signal or exit) while running the task; worker replaced
};

/// "ok", "error", "timeout", "memory" or "crash".
const char* to_string(TaskStatus status);

/// Result of one task.
struct TaskResult {
  TaskStatus status = TaskStatus::Ok;
  std::string payload;  ///< the string returned by `work` (Ok only)
  std::string detail;   ///< why it is not Ok, e.g. "killed by signal 11 (SIGSEGV)"
  double wall_ms = 0;   ///< wall-clock time from dispatch to result, milliseconds
};

/// Runs `work(task)` for many tasks in forked worker processes. Workers are forked
/// once at construction (construct the pool before starting other threads: a fork
/// copies only the calling thread) and reused; a worker that crashes, times out or
/// runs out of memory is killed and replaced by a fresh fork, and the other tasks go
/// on. Tasks and results travel over pipes as length-prefixed byte strings. Workers'
/// stdin is /dev/null and their stdout goes to stderr, so they never write to the
/// parent's stdout. Use a pool from the thread that created it: workers are killed
/// when that thread exits.
///
/// With 0 workers, tasks run in the calling process, in order, without isolation or
/// limits (for debugging and for measuring the isolation overhead); std::bad_alloc
/// still maps to Memory and other exceptions to Error.
class ProcessPool {
 public:
  /// Runs in the worker: turns a task into a result. May throw.
  using WorkFn = std::function<std::string(const std::string& task)>;
  /// Called in the calling thread as each task finishes (completion order).
  using DoneFn = std::function<void(std::size_t index, const TaskResult& result)>;

  /// Forks `workers` processes. Throws cad::Error if a pipe or a fork fails.
  ProcessPool(std::size_t workers, WorkFn work, TaskLimits limits = {});
  /// Kills and reaps the workers.
  ~ProcessPool();
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  /// Runs every task and returns the results in input order; `on_done` (optional)
  /// sees each result as it completes. Throws cad::Error if a replacement worker cannot
  /// be forked; exceptions from `on_done` propagate (in-flight tasks are abandoned).
  std::vector<TaskResult> run_all(const std::vector<std::string>& tasks,
                                  const DoneFn& on_done = {});

  /// Number of worker processes (0 = in-process mode).
  std::size_t workers() const;
  /// Workers replaced so far after a crash, timeout or memory failure.
  std::size_t restarts() const;
  /// False in AddressSanitizer builds, where TaskLimits::memory_mib is ignored (ASAN
  /// reserves terabytes of address space, so RLIMIT_AS cannot limit it).
  static bool memory_limits_enforced();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cad::core
