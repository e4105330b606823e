// A pool of forked worker processes that isolates crash-prone work (OpenCASCADE can segfault).
#include "core/process_pool.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <mutex>
#include <new>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/error.h"

namespace cad::core {
namespace {

using Clock = std::chrono::steady_clock;

// AddressSanitizer reserves terabytes of address space and handles allocation failure
// itself, so RLIMIT_AS cannot express a memory limit there.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSpaceLimits = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSpaceLimits = false;
#else
constexpr bool kAddressSpaceLimits = true;
#endif
#else
constexpr bool kAddressSpaceLimits = true;
#endif

// Result frame: [code u8][retiring u8][length u64][data]; data is the payload for
// kFrameOk and the detail otherwise. "Retiring" means the worker exits after it.
constexpr std::size_t kHeaderBytes = 10;
constexpr std::uint8_t kFrameOk = 0, kFrameError = 1, kFrameMemory = 2;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Names of the signals a worker may die from; async-signal-safe (static strings).
const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGABRT:
      return "SIGABRT";
    case SIGILL:
      return "SIGILL";
    case SIGFPE:
      return "SIGFPE";
    case SIGKILL:
      return "SIGKILL";
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGHUP:
      return "SIGHUP";
    case SIGQUIT:
      return "SIGQUIT";
    case SIGPIPE:
      return "SIGPIPE";
    case SIGTRAP:
      return "SIGTRAP";
    case SIGSYS:
      return "SIGSYS";
    case SIGXCPU:
      return "SIGXCPU";
    case SIGXFSZ:
      return "SIGXFSZ";
    case SIGALRM:
      return "SIGALRM";
    case SIGUSR1:
      return "SIGUSR1";
    case SIGUSR2:
      return "SIGUSR2";
    default:
      return nullptr;
  }
}

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = signal_name(sig);
    return name ? fmt::format("killed by signal {} ({})", sig, name)
                : fmt::format("killed by signal {}", sig);
  }
  if (WIFEXITED(status))
    return fmt::format("worker exited unexpectedly with status {}", WEXITSTATUS(status));
  return "worker stopped unexpectedly";
}

bool write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool read_all(int fd, void* data, std::size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

void encode_header(char* out, std::uint8_t code, bool retiring, std::uint64_t length) {
  out[0] = static_cast<char>(code);
  out[1] = retiring ? 1 : 0;
  std::memcpy(out + 2, &length, sizeof length);  // both ends are the same machine
}

// Writes to a worker's pipe without dying from SIGPIPE if the worker is gone: the
// signal is blocked in this thread and a pending one we caused is consumed.
bool write_to_worker(int fd, const std::string& header, const std::string& body) {
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  const bool ok =
      write_all(fd, header.data(), header.size()) && write_all(fd, body.data(), body.size());
  if (!ok && errno == EPIPE && !was_pending) {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  return ok;
}

// Parent-side descriptors of every pool in this process; a new worker closes them
// all so that it never keeps a sibling's pipe open (which would hide EOFs).
std::mutex g_fd_mutex;
std::vector<int> g_parent_fds;

void register_fds(int a, int b) {
  std::lock_guard<std::mutex> lock(g_fd_mutex);
  g_parent_fds.push_back(a);
  g_parent_fds.push_back(b);
}

void close_parent_fd(int& fd) {
  if (fd < 0) return;
  {
    std::lock_guard<std::mutex> lock(g_fd_mutex);
    g_parent_fds.erase(std::remove(g_parent_fds.begin(), g_parent_fds.end(), fd),
                       g_parent_fds.end());
  }
  ::close(fd);
  fd = -1;
}

// ---- worker side --------------------------------------------------------------

// State read by the fatal-signal handler; each worker process is single-purpose.
volatile std::sig_atomic_t g_alloc_failed = 0;
int g_result_fd = -1;
std::size_t g_limit_bytes = 0;  // absolute RLIMIT_AS, 0 = none
std::size_t g_limit_mib = 0;
long g_page_size = 4096;

// Current address-space size from /proc/self/statm, async-signal-safe; 0 if unknown.
std::size_t address_space_bytes() {
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[64];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  std::size_t pages = 0;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i)
    pages = pages * 10 + (buf[i] - '0');
  return pages * static_cast<std::size_t>(g_page_size);
}

void append(char* buf, std::size_t& pos, std::size_t cap, const char* text) {
  while (*text && pos + 1 < cap) buf[pos++] = *text++;
}

void append_number(char* buf, std::size_t& pos, std::size_t cap, std::size_t value) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  while (n > 0 && pos + 1 < cap) buf[pos++] = digits[--n];
}

// A fatal signal at the memory limit (e.g. code that dereferences a failed malloc) is
// reported as Memory before the worker dies from the signal as it would have.
void on_fatal_signal(int sig) {
  if (g_limit_bytes > 0 && g_result_fd >= 0) {
    const std::size_t slack = std::max<std::size_t>(g_limit_bytes / 16, std::size_t{8} << 20);
    if (g_alloc_failed || address_space_bytes() + slack >= g_limit_bytes) {
      char frame[256];
      std::size_t pos = kHeaderBytes;
      append(frame, pos, sizeof frame, "killed by signal ");
      append_number(frame, pos, sizeof frame, static_cast<std::size_t>(sig));
      if (const char* name = signal_name(sig)) {
        append(frame, pos, sizeof frame, " (");
        append(frame, pos, sizeof frame, name);
        append(frame, pos, sizeof frame, ")");
      }
      append(frame, pos, sizeof frame, " while out of memory (limit ");
      append_number(frame, pos, sizeof frame, g_limit_mib);
      append(frame, pos, sizeof frame, " MiB)");
      encode_header(frame, kFrameMemory, true, pos - kHeaderBytes);
      write_all(g_result_fd, frame, pos);
    }
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);  // delivered when the handler returns
}

void on_new_failure() {
  g_alloc_failed = 1;
  throw std::bad_alloc();
}

void setup_worker_process(int result_fd, pid_t parent, const TaskLimits& limits) {
  // Die with the parent instead of lingering in a hung task.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(0);

  const int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) {
    ::dup2(devnull, STDIN_FILENO);
    ::close(devnull);
  }
  ::dup2(STDERR_FILENO, STDOUT_FILENO);

  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) std::signal(sig, SIG_DFL);

  static char alt_stack[64 * 1024];  // the handler must run even after a stack overflow
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  ::sigaltstack(&ss, nullptr);
  struct sigaction action {};
  action.sa_handler = on_fatal_signal;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE}) ::sigaction(sig, &action, nullptr);

  g_result_fd = result_fd;
  g_page_size = ::sysconf(_SC_PAGESIZE);
  std::set_new_handler(on_new_failure);
  if (limits.memory_mib > 0 && kAddressSpaceLimits) {
    g_limit_mib = limits.memory_mib;
    g_limit_bytes = address_space_bytes() + (limits.memory_mib << 20);
    rlimit rl{};
    ::getrlimit(RLIMIT_AS, &rl);
    rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, g_limit_bytes);
    ::setrlimit(RLIMIT_AS, &rl);
  }
}

[[noreturn]] void worker_main(int task_fd, int result_fd, pid_t parent,
                              const ProcessPool::WorkFn& work, const TaskLimits& limits) {
  setup_worker_process(result_fd, parent, limits);
  for (;;) {
    std::uint64_t length = 0;
    if (!read_all(task_fd, &length, sizeof length)) ::_exit(0);  // parent closed the pipe
    std::uint8_t code = kFrameOk;
    bool retiring = false;
    std::string data;
    try {
      std::string task(length, '\0');
      if (!read_all(task_fd, task.data(), task.size())) ::_exit(0);
      g_alloc_failed = 0;
      data = work(task);
    } catch (const std::bad_alloc&) {
      code = kFrameMemory;
      retiring = true;  // the heap may be in any state now
      data = limits.memory_mib ? fmt::format("out of memory (limit {} MiB)", limits.memory_mib)
                               : "out of memory";
    } catch (const std::exception& e) {
      code = kFrameError;
      data = e.what();
    } catch (...) {
      code = kFrameError;
      data = "unknown exception";
    }
    char header[kHeaderBytes];
    encode_header(header, code, retiring, data.size());
    if (!write_all(result_fd, header, sizeof header) ||
        !write_all(result_fd, data.data(), data.size()))
      ::_exit(1);
    if (retiring) ::_exit(0);
  }
}

}  // namespace

const char* to_string(TaskStatus status) {
  switch (status) {
    case TaskStatus::Ok:
      return "ok";
    case TaskStatus::Error:
      return "error";
    case TaskStatus::Timeout:
      return "timeout";
    case TaskStatus::Memory:
      return "memory";
    case TaskStatus::Crash:
      return "crash";
  }
  return "unknown";
}

// ---- parent side ----------------------------------------------------------------

struct ProcessPool::Impl {
  struct Worker {
    pid_t pid = -1;
    int task_fd = -1;    // parent writes tasks
    int result_fd = -1;  // parent reads results (non-blocking)
    std::string inbox;   // bytes of a result frame received so far
    bool busy = false;
    bool retiring = false;
    std::size_t task = 0;
    Clock::time_point started;
  };

  WorkFn work;
  TaskLimits limits;
  std::vector<Worker> workers;
  std::size_t restarts = 0;

  void spawn(Worker& w) {
    int task_pipe[2], result_pipe[2];
    if (::pipe2(task_pipe, O_CLOEXEC) != 0)
      throw Error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    if (::pipe2(result_pipe, O_CLOEXEC) != 0) {
      const int err = errno;
      ::close(task_pipe[0]);
      ::close(task_pipe[1]);
      throw Error(fmt::format("cannot create a pipe: {}", std::strerror(err)));
    }
    // Buffered output would otherwise be flushed twice, once by each process.
    std::cout.flush();
    std::fflush(nullptr);
    const pid_t parent = ::getpid();
    std::unique_lock<std::mutex> lock(g_fd_mutex);  // no other thread may hold it across fork
    const pid_t pid = ::fork();
    if (pid == 0) {
      for (int fd : g_parent_fds) ::close(fd);
      lock.unlock();
      ::close(task_pipe[1]);
      ::close(result_pipe[0]);
      worker_main(task_pipe[0], result_pipe[1], parent, work, limits);
    }
    lock.unlock();
    const int fork_errno = errno;
    ::close(task_pipe[0]);
    ::close(result_pipe[1]);
    if (pid < 0) {
      ::close(task_pipe[1]);
      ::close(result_pipe[0]);
      throw Error(fmt::format("cannot start a worker process: {}", std::strerror(fork_errno)));
    }
    ::fcntl(result_pipe[0], F_SETFL, ::fcntl(result_pipe[0], F_GETFL) | O_NONBLOCK);
    register_fds(task_pipe[1], result_pipe[0]);
    w = Worker{};
    w.pid = pid;
    w.task_fd = task_pipe[1];
    w.result_fd = result_pipe[0];
  }

  // Ends a worker (SIGKILL first if `kill_first`, else waits up to ~2 s for it to
  // exit on its own) and returns its wait status.
  int reap(Worker& w, bool kill_first) {
    close_parent_fd(w.task_fd);
    close_parent_fd(w.result_fd);
    int status = 0;
    if (w.pid > 0) {
      if (kill_first) ::kill(w.pid, SIGKILL);
      for (int waited_ms = 0;; ++waited_ms) {
        const pid_t r = ::waitpid(w.pid, &status, kill_first || waited_ms >= 2000 ? 0 : WNOHANG);
        if (r == w.pid || (r < 0 && errno != EINTR)) break;
        if (r == 0 && waited_ms == 1999) ::kill(w.pid, SIGKILL);
        if (r == 0) ::usleep(1000);
      }
    }
    w.pid = -1;
    return status;
  }

  void replace(Worker& w, bool kill_first) {
    reap(w, kill_first);
    spawn(w);
    ++restarts;
  }

  bool send(Worker& w, std::size_t index, const std::string& task) {
    std::string header(sizeof(std::uint64_t), '\0');
    const std::uint64_t length = task.size();
    std::memcpy(header.data(), &length, sizeof length);
    w.started = Clock::now();
    if (!write_to_worker(w.task_fd, header, task)) return false;
    w.busy = true;
    w.task = index;
    return true;
  }

  // Reads what a worker sent; returns false on EOF (the worker is gone).
  bool drain(Worker& w, const std::function<void(std::size_t, TaskResult)>& complete) {
    bool open = true;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(w.result_fd, buf, sizeof buf);
      if (n > 0) {
        w.inbox.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) open = false;
      break;
    }
    while (w.inbox.size() >= kHeaderBytes) {
      std::uint64_t length = 0;
      std::memcpy(&length, w.inbox.data() + 2, sizeof length);
      if (w.inbox.size() < kHeaderBytes + length) break;
      const auto code = static_cast<std::uint8_t>(w.inbox[0]);
      w.retiring = w.retiring || w.inbox[1] != 0;
      std::string data = w.inbox.substr(kHeaderBytes, length);
      w.inbox.erase(0, kHeaderBytes + length);
      if (!w.busy) continue;
      w.busy = false;
      TaskResult result;
      result.wall_ms = ms_between(w.started, Clock::now());
      if (code == kFrameOk) {
        result.payload = std::move(data);
      } else {
        result.status = code == kFrameMemory ? TaskStatus::Memory : TaskStatus::Error;
        result.detail = std::move(data);
      }
      complete(w.task, std::move(result));
    }
    return open;
  }

  std::vector<TaskResult> run_in_process(const std::vector<std::string>& tasks,
                                         const DoneFn& on_done) {
    std::vector<TaskResult> results(tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      TaskResult& r = results[i];
      const auto start = Clock::now();
      try {
        r.payload = work(tasks[i]);
      } catch (const std::bad_alloc&) {
        r.status = TaskStatus::Memory;
        r.detail = "out of memory";
      } catch (const std::exception& e) {
        r.status = TaskStatus::Error;
        r.detail = e.what();
      } catch (...) {
        r.status = TaskStatus::Error;
        r.detail = "unknown exception";
      }
      r.wall_ms = ms_between(start, Clock::now());
      if (on_done) on_done(i, r);
    }
    return results;
  }

  std::vector<TaskResult> run(const std::vector<std::string>& tasks, const DoneFn& on_done) {
    std::vector<TaskResult> results(tasks.size());
    std::size_t next = 0, remaining = tasks.size();
    std::vector<char> refused(tasks.size(), 0);  // a task already refused by a dead worker
    auto complete = [&](std::size_t index, TaskResult result) {
      results[index] = std::move(result);
      --remaining;
      if (on_done) on_done(index, results[index]);
    };

    while (remaining > 0) {
      for (auto& w : workers) {
        while (!w.busy && next < tasks.size()) {
          if (send(w, next, tasks[next])) {
            ++next;
            break;
          }
          // The worker died while idle: replace it; a task refused twice is reported.
          replace(w, true);
          if (refused[next]) {
            complete(next, {TaskStatus::Crash, {}, "worker died before the task started", 0});
            ++next;
          } else {
            refused[next] = 1;
          }
        }
      }
      if (remaining == 0) break;

      std::vector<pollfd> fds;
      int timeout_ms = -1;
      const auto now = Clock::now();
      for (const auto& w : workers) {
        fds.push_back({w.result_fd, POLLIN, 0});
        if (w.busy && limits.timeout_s > 0) {
          const double left = limits.timeout_s * 1000.0 - ms_between(w.started, now);
          const int ms = static_cast<int>(std::clamp(left + 1.0, 0.0, 3.6e6));
          timeout_ms = timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
        }
      }
      if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR)
        throw Error(fmt::format("poll failed: {}", std::strerror(errno)));

      for (std::size_t i = 0; i < workers.size(); ++i) {
        Worker& w = workers[i];
        if (fds[i].revents == 0) continue;
        const bool open = drain(w, complete);
        if (!open || w.retiring) {
          const int status = reap(w, false);
          if (w.busy) {
            w.busy = false;
            complete(w.task, {TaskStatus::Crash,
                              {},
                              describe_exit(status),
                              ms_between(w.started, Clock::now())});
          }
          spawn(w);
          ++restarts;
        }
      }
      if (limits.timeout_s > 0) {
        for (auto& w : workers) {
          if (!w.busy || ms_between(w.started, Clock::now()) < limits.timeout_s * 1000.0) continue;
          const std::size_t index = w.task;
          const double wall = ms_between(w.started, Clock::now());
          w.busy = false;
          replace(w, true);
          complete(index, {TaskStatus::Timeout,
                           {},
                           fmt::format("exceeded the time limit of {:g} s", limits.timeout_s),
                           wall});
        }
      }
    }
    return results;
  }
};

ProcessPool::ProcessPool(std::size_t workers, WorkFn work, TaskLimits limits)
    : impl_(std::make_unique<Impl>()) {
  impl_->work = std::move(work);
  impl_->limits = limits;
  impl_->workers.resize(workers);
  try {
    for (auto& w : impl_->workers) impl_->spawn(w);
  } catch (...) {
    for (auto& w : impl_->workers) impl_->reap(w, true);
    throw;
  }
}

ProcessPool::~ProcessPool() {
  for (auto& w : impl_->workers) impl_->reap(w, true);
}

std::vector<TaskResult> ProcessPool::run_all(const std::vector<std::string>& tasks,
                                             const DoneFn& on_done) {
  if (impl_->workers.empty()) return impl_->run_in_process(tasks, on_done);
  try {
    return impl_->run(tasks, on_done);
  } catch (...) {
    // Abandon in-flight tasks so that the next run_all starts from idle workers.
    for (auto& w : impl_->workers) {
      if (w.busy || w.retiring || w.pid < 0) {
        try {
          impl_->replace(w, true);
        } catch (...) {
        }
      }
    }
    throw;
  }
}

std::size_t ProcessPool::workers() const {
  return impl_->workers.size();
}

std::size_t ProcessPool::restarts() const {
  return impl_->restarts;
}

bool ProcessPool::memory_limits_enforced() {
  return kAddressSpaceLimits;
}

}  // namespace cad::core
