// Runtime values of the Python-subset language and the interface host objects implement.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.h"

namespace cad::script {

class Interpreter;
struct Object;
using ObjectPtr = std::shared_ptr<Object>;

/// How a script failed; maps one-to-one onto cad-exec's `status` values.
enum class ErrorKind {
  Syntax,       // syntax_error: lexer/parser
  Runtime,      // runtime_error: NameError, TypeError, ZeroDivisionError, OCCT failures, ...
  Unsupported,  // unsupported: valid CadQuery/Python this interpreter does not implement
  Forbidden,    // runtime_error with type "SecurityError": import os, open, eval, dunders
  StepLimit,    // timeout: the step budget ran out
  Timeout,      // timeout: the wall-clock deadline passed
  Recursion,    // runtime_error with type "RecursionError"
  Geometry,     // invalid_geometry: a kernel operation produced no valid shape
};

/// Error raised while running a script. `type` is the Python-style exception name
/// ("TypeError", "ValueError", ...); line/column are 1-based, 0 when unknown (the
/// interpreter fills them from the statement/expression being evaluated).
class ScriptError : public cad::Error {
 public:
  ScriptError(ErrorKind kind, std::string type, const std::string& message, int line = 0,
              int column = 0)
      : cad::Error(message), kind(kind), type(std::move(type)), line(line), column(column) {}
  ErrorKind kind;
  std::string type;
  int line;
  int column;
};

/// Shorthands for host code: throw a runtime error of a Python exception type.
[[noreturn]] void throw_type_error(const std::string& message);
[[noreturn]] void throw_value_error(const std::string& message);
[[noreturn]] void throw_runtime(const std::string& type, const std::string& message);
[[noreturn]] void throw_unsupported(const std::string& message);
[[noreturn]] void throw_geometry(const std::string& message);

struct None {
  bool operator==(const None&) const { return true; }
};

/// A value: None, bool, int, float, str, or a shared object (list, tuple, dict,
/// function, module, or a host object such as cq.Workplane). Copies share objects.
class Value {
 public:
  Value() : v_(None{}) {}
  Value(None) : v_(None{}) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(static_cast<std::int64_t>(i)) {}
  Value(std::int64_t i) : v_(i) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(ObjectPtr o) : v_(std::move(o)) {}
  template <class T, class = std::enable_if_t<std::is_base_of_v<Object, T>>>
  Value(std::shared_ptr<T> o) : v_(ObjectPtr(std::move(o))) {}

  bool is_none() const { return std::holds_alternative<None>(v_); }
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_int() const { return std::holds_alternative<std::int64_t>(v_); }
  bool is_float() const { return std::holds_alternative<double>(v_); }
  /// int, float or bool (Python's numbers).
  bool is_number() const { return is_int() || is_float() || is_bool(); }
  bool is_str() const { return std::holds_alternative<std::string>(v_); }
  bool is_object() const { return std::holds_alternative<ObjectPtr>(v_); }

  bool as_bool() const { return std::get<bool>(v_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  double as_float() const { return std::get<double>(v_); }
  const std::string& as_str() const { return std::get<std::string>(v_); }
  const ObjectPtr& as_object() const { return std::get<ObjectPtr>(v_); }

  /// The object as host type T, or nullptr when it is something else.
  template <class T>
  std::shared_ptr<T> as() const {
    if (!is_object()) return nullptr;
    return std::dynamic_pointer_cast<T>(as_object());
  }

  /// Python truthiness.
  bool truthy() const;
  /// Python type name: "NoneType", "int", "float", "str", "list", "Workplane", ...
  std::string type_name() const;
  /// Python repr() / str().
  std::string repr() const;
  std::string str() const;

 private:
  std::variant<None, bool, std::int64_t, double, std::string, ObjectPtr> v_;
};

/// Size caps that turn runaway growth ([0] * 10**9, s = s + s in a loop) into MemoryError.
constexpr std::size_t kMaxSequenceItems = 10'000'000;
constexpr std::size_t kMaxStringBytes = 100'000'000;

/// Binary operators that host objects may overload.
enum class BinOp { Add, Sub, Mul, Div, FloorDiv, Mod, Pow, BitAnd, BitOr, BitXor };

/// Arguments of a call: positional then keyword, in source order.
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keywords;
};

/// Base of every non-primitive value. Host objects override what they support;
/// the defaults raise the Python error a missing feature would.
struct Object : std::enable_shared_from_this<Object> {
  virtual ~Object() = default;
  virtual std::string type_name() const = 0;
  /// `obj.name`; default raises AttributeError.
  virtual Value get_attr(Interpreter& in, const std::string& name);
  /// `obj.name = v`; default raises AttributeError.
  virtual void set_attr(Interpreter& in, const std::string& name, const Value& v);
  /// `obj(...)`; default raises TypeError "object is not callable".
  virtual Value call(Interpreter& in, CallArgs& args);
  /// `obj op rhs` (reflected: `rhs op obj`); nullopt = not supported (TypeError).
  virtual std::optional<Value> binary_op(BinOp op, const Value& rhs, bool reflected);
  /// `-obj`; nullopt = not supported.
  virtual std::optional<Value> negate() { return std::nullopt; }
  virtual bool truthy() const { return true; }
  virtual std::string repr() const;
  /// str(obj); defaults to repr().
  virtual std::string str() const { return repr(); }
  /// Iteration (for loops, list(), unpacking); nullopt = not iterable.
  virtual std::optional<std::vector<Value>> iterate() const { return std::nullopt; }
  /// `obj[key]`; default raises TypeError.
  virtual Value get_item(const Value& key);
  /// Identity-free equality for `==`; default: same object.
  virtual bool equals(const Value& other) const;
  /// isinstance(v, this) for class objects that decide it themselves (script classes);
  /// nullopt = not such a class (isinstance falls back to names).
  virtual std::optional<bool> instance_check(const Value&) const { return std::nullopt; }
  /// len(obj) for objects that define it themselves (a script class's __len__); nullopt = the
  /// number of items iterate() gives.
  virtual std::optional<std::int64_t> length() const { return std::nullopt; }
};

/// Frees objects one at a time instead of recursively: a container's destructor hands its
/// values to a ReleaseQueue so that freeing data nested a million deep ([[[...]]], chains
/// of closures) cannot overflow the C++ stack.
class ReleaseQueue {
 public:
  ReleaseQueue();
  ~ReleaseQueue();
  /// Takes v's object when v holds its last reference (leaving v None).
  void add(Value& v);

 private:
  bool outermost_;
};

/// Counts how deep repr/==/< have walked into nested containers and raises RecursionError
/// past Python's limit (1000) rather than overflowing the C++ stack.
struct NestingGuard {
  NestingGuard();
  ~NestingGuard();
};

/// list and tuple.
struct Sequence : Object {
  Sequence(bool is_tuple, std::vector<Value> items) : is_tuple(is_tuple), items(std::move(items)) {}
  ~Sequence() override;
  bool is_tuple;
  std::vector<Value> items;
  std::string type_name() const override { return is_tuple ? "tuple" : "list"; }
  Value get_attr(Interpreter& in, const std::string& name) override;
  std::optional<Value> binary_op(BinOp op, const Value& rhs, bool reflected) override;
  bool truthy() const override { return !items.empty(); }
  std::string repr() const override;
  std::optional<std::vector<Value>> iterate() const override { return items; }
  Value get_item(const Value& key) override;
  bool equals(const Value& other) const override;
};

struct Dict : Object {
  ~Dict() override;
  std::vector<std::pair<Value, Value>> items;  // insertion order; linear lookup (small dicts)
  std::string type_name() const override { return "dict"; }
  Value get_attr(Interpreter& in, const std::string& name) override;
  bool truthy() const override { return !items.empty(); }
  std::string repr() const override;
  std::optional<std::vector<Value>> iterate() const override;
  Value get_item(const Value& key) override;
  void set_item(const Value& key, const Value& v);
  bool equals(const Value& other) const override;
};

/// A callable implemented in C++ (builtins, bound methods of host objects).
struct Builtin : Object {
  using Fn = std::function<Value(Interpreter&, CallArgs&)>;
  Builtin(std::string name, Fn fn) : name(std::move(name)), fn(std::move(fn)) {}
  std::string name;
  Fn fn;
  std::string type_name() const override { return "builtin_function_or_method"; }
  Value call(Interpreter& in, CallArgs& args) override { return fn(in, args); }
  std::string repr() const override { return "<built-in function " + name + ">"; }
};

/// A module: a named bag of attributes (cadquery, math, cadquery.exporters, ...).
struct Module : Object {
  explicit Module(std::string name) : name(std::move(name)) {}
  std::string name;
  std::vector<std::pair<std::string, Value>> attrs;
  std::string type_name() const override { return "module"; }
  Value get_attr(Interpreter& in, const std::string& name) override;
  void set(const std::string& attr, Value v);
};

Value make_list(std::vector<Value> items);
Value make_tuple(std::vector<Value> items);

// ---- Argument binding for host functions --------------------------------------------

/// One parameter of a host function: its Python name and default. A parameter
/// without a default is required.
struct Param {
  Param(const char* name) : name(name) {}
  Param(const char* name, Value def) : name(name), def(std::move(def)) {}
  const char* name;
  std::optional<Value> def;
};

/// Binds a call's arguments to parameters like Python does (positional first,
/// then keywords, then defaults). Raises TypeError naming `function` for a missing
/// required argument, an unknown keyword, a duplicate, or too many positionals.
/// Returns one value per parameter, in parameter order.
std::vector<Value> bind_args(const CallArgs& args, const std::string& function,
                             std::initializer_list<Param> params);

/// Conversions with Python's rules and a TypeError naming `what` on mismatch.
double to_float(const Value& v, const std::string& what);
std::int64_t to_int(const Value& v, const std::string& what);
const std::string& to_str(const Value& v, const std::string& what);
/// Elements of a list/tuple (or any iterable); TypeError otherwise. A str gives its
/// characters (code points, each as its UTF-8 bytes), as Python's iteration does.
std::vector<Value> to_items(const Value& v, const std::string& what);
/// The characters of a UTF-8 string (a byte that starts no valid sequence is one character).
std::vector<std::string> utf8_chars(const std::string& s);
/// Code point `cp` (at most 0x10FFFF) as UTF-8.
std::string utf8_encode(std::uint32_t cp);
/// True when every byte is ASCII (then bytes and characters coincide).
bool is_ascii(const std::string& s);
/// Python's len(): characters of a str, __len__ of objects that define it, else the items.
std::int64_t python_len(const Value& v);

}  // namespace cad::script
