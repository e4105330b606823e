// Child processes through posix_spawn, with their streams redirected to files.
#include "report/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

extern char** environ;

namespace cad::report {
namespace fs = std::filesystem;

int run_process(const std::vector<std::string>& argv, const std::string& in, const std::string& out,
                const std::string& err, std::string& why) {
  why.clear();
  if (argv.empty()) {
    why = "no program to run";
    return -1;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.empty() ? "/dev/null" : in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.empty() ? "/dev/null" : out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.empty() ? "/dev/null" : err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    why = argv[0] + ": cannot run: " + std::strerror(rc);
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      why = argv[0] + ": waitpid failed: " + std::strerror(errno);
      return -1;
    }
  if (WIFEXITED(status)) {
    // posix_spawnp reports a missing program as exit 127 of the child on some systems.
    if (WEXITSTATUS(status) == 127 && !tool_exists(argv[0])) {
      why = argv[0] + ": not found";
      return -1;
    }
    return WEXITSTATUS(status);
  }
  why = argv[0] + ": killed by signal " + std::to_string(WTERMSIG(status));
  return -1;
}

std::string find_tool(const std::string& name, const std::string& dir) {
  if (!dir.empty()) return (fs::path(dir) / name).string();
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path sibling = self.parent_path() / name;
    if (access(sibling.c_str(), X_OK) == 0) return sibling.string();
  }
  return name;
}

bool tool_exists(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::stringstream dirs(path);
  std::string d;
  while (std::getline(dirs, d, ':')) {
    if (d.empty()) continue;
    const fs::path candidate = fs::path(d) / program;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0)
      return true;
  }
  return false;
}

}  // namespace cad::report
