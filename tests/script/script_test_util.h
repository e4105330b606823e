// Helpers for the script tests: run a snippet in a fresh interpreter, read what it printed,
// its globals, or the error it raised.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "script/interpreter.h"

namespace cad::script::test {

/// Runs `source` in a fresh interpreter and returns it for inspection; errors propagate.
inline std::unique_ptr<Interpreter> run(const std::string& source, Limits limits = {}) {
  auto in = std::make_unique<Interpreter>(limits);
  in->run_source(source);
  return in;
}

/// What `source` printed.
inline std::string output(const std::string& source, Limits limits = {}) {
  return run(source, limits)->printed();
}

/// repr() of the Python expression `expr`, as the script computes it.
inline std::string repr_of(const std::string& expr) {
  std::string out = output("print(repr(" + expr + "))");
  return out.substr(0, out.size() - 1);  // drop print's newline
}

/// The ScriptError that running `source` raises; fails the test when it runs cleanly.
inline ScriptError error_of(const std::string& source, Limits limits = {}) {
  Interpreter in(limits);
  try {
    in.run_source(source);
  } catch (const ScriptError& e) {
    return e;
  }
  FAIL("script ran without error:\n" << source);
  return ScriptError(ErrorKind::Runtime, "", "");  // not reached: FAIL throws
}

/// Global `name` after running `source`; fails the test when it is unbound.
inline Value global_of(const std::string& source, const std::string& name) {
  auto in = run(source);
  auto v = in->global(name);
  if (!v) FAIL("global '" << name << "' is unbound after:\n" << source);
  return *v;
}

}  // namespace cad::script::test
