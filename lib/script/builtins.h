// Built-in functions, the math and typing modules, and the operators on primitive values.
#pragma once

#include <string>

#include "script/ast.h"
#include "script/interpreter.h"

namespace cad::script {

/// Installs print, range, len, min, max, ... and the `math` and `typing` modules.
void install_builtins(Interpreter& in);

/// `a op b` for arithmetic/bitwise ops, with Python's numeric rules; host objects'
/// binary_op overloads are tried (a first, then b reflected). TypeError otherwise.
Value binary_op(Op op, const Value& a, const Value& b);
/// `a op b` for ==, !=, <, <=, >, >= with Python's rules.
bool compare_values(Op op, const Value& a, const Value& b);
/// `items` sorted stably by `key` (a callable, or None for the items themselves), as
/// sorted() and list.sort() do; TypeError when two keys cannot be ordered.
std::vector<Value> sorted_items(Interpreter& in, std::vector<Value> items, const Value& key,
                                bool reverse);
/// format(v, spec) for the common format-spec mini-language (".3f", "d", ">8", "e").
std::string format_value(const Value& v, const std::string& spec);
/// Attributes of str/int/float values (str.format, str.join, float.is_integer, ...).
Value primitive_attribute(Interpreter& in, const Value& v, const std::string& name);
/// An exception class value (ValueError, ...) usable in raise/except.
Value make_exception_type(const std::string& name);

}  // namespace cad::script
