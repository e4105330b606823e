// Running the other tools (cad-eval, cad-render, gnuplot) as child processes.
#pragma once

#include <string>
#include <vector>

namespace cad::report {

/// Runs `argv` (argv[0] a path, or a name looked up on PATH) with stdin from `in`, stdout to
/// `out` and stderr to `err` ("" = /dev/null for each). Returns the exit status, or -1 with
/// `why` set when the program could not be started (not found, not executable) or was killed
/// by a signal. Never throws for the child's failures.
int run_process(const std::vector<std::string>& argv, const std::string& in, const std::string& out,
                const std::string& err, std::string& why);

/// The program to run for `name`: `dir`/`name` when `dir` is given, else the file next to this
/// executable when there is one, else `name` (looked up on PATH when run).
std::string find_tool(const std::string& name, const std::string& dir);

/// True when `program` (a path, or a name looked up on PATH) is an executable file.
bool tool_exists(const std::string& program);

}  // namespace cad::report
