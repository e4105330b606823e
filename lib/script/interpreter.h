// The interpreter of the Python subset that CAD scripts use: parse, then evaluate the AST.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "script/value.h"

namespace cad::script {

struct Program;  // parsed module (ast.h)

/// Budgets that stop runaway scripts. 0 = unlimited.
struct Limits {
  std::uint64_t max_steps = 50'000'000;  ///< evaluated expressions + statements
  int max_depth = 200;                   ///< nested user-function calls
  double timeout_s = 0;                  ///< wall clock from run(); 0 = none
};

/// Parses `source` (file name used in messages). Throws ScriptError(Syntax) with
/// line/column on the first error.
std::shared_ptr<Program> parse(const std::string& source, const std::string& filename = "<script>");

class Interpreter {
 public:
  explicit Interpreter(Limits limits = {});
  ~Interpreter();

  /// Makes `import name` / `from name import x` resolve to the module built by
  /// `factory` (called once per interpreter, on first import). Dotted names
  /// ("cadquery.exporters") are allowed. Importing anything unregistered (other
  /// than math and typing, which are built in) raises a Forbidden error.
  void register_module(const std::string& name, std::function<Value(Interpreter&)> factory);
  /// Defines a global builtin visible to the script (e.g. show_object).
  void set_builtin(const std::string& name, Value v);

  /// Runs the program in this interpreter's globals. Throws ScriptError with the
  /// line/column of the failing statement or expression.
  void run(const Program& program);
  /// parse() + run().
  void run_source(const std::string& source, const std::string& filename = "<script>");

  /// Calls a script or host callable from host code (e.g. eachpoint's callback).
  Value call(const Value& callee, CallArgs& args);
  /// CadQuery's get_arity: the positional parameters of a script function (def or lambda)
  /// without a default; 0 for host callables (builtins cannot be introspected).
  static int arity(const Value& callee);

  /// Global variable lookup after run(); nullopt if unbound.
  std::optional<Value> global(const std::string& name) const;
  /// Names of module-level assignments in the order they last happened (a name
  /// assigned twice appears once, at its last position).
  std::vector<std::string> assignment_order() const;

  /// Counts one step and checks the step budget and the deadline; host code
  /// calls it inside long loops.
  void tick();
  /// Checks only the wall-clock deadline (host code calls it before long kernel work).
  void check_deadline();
  std::uint64_t steps() const { return steps_; }
  /// Text the script printed with print() (capped at 64 KiB); never written to stdout.
  const std::string& printed() const;
  void append_output(const std::string& text);
  const Limits& limits() const { return limits_; }

 private:
  friend class Evaluator;
  /// Raises RecursionError when the script's C++ recursion (nested expressions, calls)
  /// has used more stack than a default 8 MiB thread can spare.
  void check_stack() const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Limits limits_;
  std::uint64_t steps_ = 0;
  std::chrono::steady_clock::time_point deadline_{};
  bool has_deadline_ = false;
  const char* stack_base_ = nullptr;  // a stack address from where run() or call() began
};

}  // namespace cad::script
