// Tree-walking evaluator of the Python subset: scopes, control flow, operators, calls, imports.
#include "script/interpreter.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <new>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "script/ast.h"
#include "script/builtins.h"
#include "script/slice.h"

namespace cad::script {

namespace {

/// Variables of one scope. Function frames know which names are local.
struct Frame {
  ~Frame() {
    ReleaseQueue queue;  // closures can chain frames arbitrarily deep
    for (auto& kv : vars) queue.add(kv.second);
  }
  std::unordered_map<std::string, Value> vars;
  const std::vector<std::string>* locals = nullptr;  // null: module scope
  std::shared_ptr<Frame> enclosing;                  // closure of a nested function
  std::set<std::string> globals_declared;
  bool is_class = false;  // a class body's namespace (functions defined in it skip it)
  ObjectPtr owner;        // a method's frame: the class that defines it (for super())
  std::string self_name;  // ... and its first parameter
  bool is_local(const std::string& n) const {
    if (!locals) return false;
    return std::find(locals->begin(), locals->end(), n) != locals->end() &&
           !globals_declared.count(n);
  }
};
using FramePtr = std::shared_ptr<Frame>;

/// A user function (def or lambda).
struct Function : Object {
  ~Function() override {
    ReleaseQueue queue;  // defaults can chain functions arbitrarily deep
    for (Value& v : defaults) queue.add(v);
  }
  std::string name;
  const std::vector<Parameter>* params = nullptr;
  const Body* body = nullptr;         // def
  const Expr* lambda_body = nullptr;  // lambda
  const std::vector<std::string>* locals = nullptr;
  std::vector<std::string> lambda_locals;
  std::vector<Value> defaults;  // one per parameter (None-valued optional when required)
  std::vector<bool> has_default;
  FramePtr closure;                     // enclosing function frame, null at module level
  std::shared_ptr<const Program> keep;  // keeps the AST alive
  std::weak_ptr<Object> owner;          // the class whose body defined it (methods)
  std::string type_name() const override { return "function"; }
  std::string repr() const override { return "<function " + name + ">"; }
  Value call(Interpreter& in, CallArgs& args) override { return in.call(shared_from_this(), args); }
};

// ---- classes ----------------------------------------------------------------------
// `class` statements: attributes, methods, single and multiple inheritance (C3 order),
// __init__, super(). Special methods other than __init__, metaclasses and subclasses of
// host types are refused; the sandbox's rule against reflection (dunder access) stays.

struct Instance;

struct UserClass : Object {
  std::string name;
  std::vector<std::shared_ptr<UserClass>> bases;
  std::vector<std::shared_ptr<UserClass>> mro;  // after this class itself
  std::vector<std::pair<std::string, Value>> attrs;
  ~UserClass() override {
    ReleaseQueue queue;
    for (auto& kv : attrs) queue.add(kv.second);
  }
  std::string type_name() const override { return "type"; }
  std::string repr() const override { return "<class '__main__." + name + "'>"; }
  Value* own(const std::string& attr) {
    for (auto& kv : attrs)
      if (kv.first == attr) return &kv.second;
    return nullptr;
  }
  /// The attribute from this class or the first class of its MRO that has it.
  Value* find(const std::string& attr, const UserClass* after = nullptr) {
    bool searching = after == nullptr;
    if (searching)
      if (Value* v = own(attr)) return v;
    if (after == this) searching = true;
    for (auto& c : mro) {
      if (searching)
        if (Value* v = c->own(attr)) return v;
      if (c.get() == after) searching = true;
    }
    return nullptr;
  }
  bool derives_from(const UserClass* c) const {
    if (c == this) return true;
    for (auto& m : mro)
      if (m.get() == c) return true;
    return false;
  }
  Value get_attr(Interpreter& in, const std::string& attr) override {
    if (Value* v = find(attr)) return *v;
    if (attr == "__name__") return Value(name);
    return Object::get_attr(in, attr);
  }
  void set_attr(Interpreter&, const std::string& attr, const Value& v) override {
    if (Value* slot = own(attr))
      *slot = v;
    else
      attrs.emplace_back(attr, v);
  }
  Value call(Interpreter& in, CallArgs& args) override;
  std::optional<bool> instance_check(const Value& v) const override;
};

/// The special methods a script class may define; the interpreter calls them for operators,
/// len(), indexing, iteration, truth, str()/repr(), == and calls. Scripts still cannot reach
/// them as attributes (only __init__).
const std::set<std::string>& special_methods() {
  static const std::set<std::string> s = {
      "__init__",    "__add__",      "__radd__",     "__sub__", "__rsub__", "__mul__", "__rmul__",
      "__truediv__", "__rtruediv__", "__floordiv__", "__mod__", "__pow__",  "__neg__", "__len__",
      "__getitem__", "__iter__",     "__bool__",     "__str__", "__repr__", "__eq__",  "__call__"};
  return s;
}

struct Instance : Object {
  std::shared_ptr<UserClass> cls;
  std::vector<std::pair<std::string, Value>> attrs;
  Interpreter* in = nullptr;  // the interpreter that made it (special methods run in it)
  ~Instance() override {
    ReleaseQueue queue;
    for (auto& kv : attrs) queue.add(kv.second);
  }
  std::string type_name() const override { return cls->name; }
  std::string repr() const override {
    if (auto r = special("__repr__")) return to_str(*r, "__repr__() result");
    return "<__main__." + cls->name + " object>";
  }
  std::string str() const override {
    if (auto r = special("__str__")) return to_str(*r, "__str__() result");
    return repr();
  }
  std::optional<Value> binary_op(BinOp op, const Value& rhs, bool reflected) override {
    static const std::map<BinOp, std::pair<const char*, const char*>> names = {
        {BinOp::Add, {"__add__", "__radd__"}},
        {BinOp::Sub, {"__sub__", "__rsub__"}},
        {BinOp::Mul, {"__mul__", "__rmul__"}},
        {BinOp::Div, {"__truediv__", "__rtruediv__"}},
        {BinOp::FloorDiv, {"__floordiv__", ""}},
        {BinOp::Mod, {"__mod__", ""}},
        {BinOp::Pow, {"__pow__", ""}}};
    auto it = names.find(op);
    if (it == names.end()) return std::nullopt;
    const char* name = reflected ? it->second.second : it->second.first;
    if (!*name) return std::nullopt;
    return special(name, {rhs});
  }
  std::optional<Value> negate() override { return special("__neg__"); }
  Value get_item(const Value& key) override {
    if (auto r = special("__getitem__", {key})) return *r;
    return Object::get_item(key);
  }
  std::optional<std::vector<Value>> iterate() const override {
    if (auto r = special("__iter__")) return to_items(*r, "__iter__() result");
    if (!cls->find("__getitem__")) return std::nullopt;
    std::vector<Value> out;  // the sequence protocol: [0], [1], ... until IndexError
    for (std::int64_t i = 0;; ++i) {
      in->tick();
      try {
        out.push_back(*special("__getitem__", {Value(i)}));
      } catch (const ScriptError& e) {
        if (e.type == "IndexError" || e.type == "StopIteration") break;
        throw;
      }
    }
    return out;
  }
  std::optional<std::int64_t> length() const override {
    auto r = special("__len__");
    if (!r) return std::nullopt;
    if (!r->is_int() || r->as_int() < 0)
      throw_type_error("__len__() should return a non-negative int");
    return r->as_int();
  }
  bool truthy() const override {
    if (auto r = special("__bool__")) return r->truthy();
    if (auto n = length()) return *n != 0;
    return true;
  }
  bool equals(const Value& other) const override {
    if (auto r = special("__eq__", {other})) return r->truthy();
    return Object::equals(other);
  }
  Value call(Interpreter& interp, CallArgs& args) override;
  Value get_attr(Interpreter& in, const std::string& attr) override;
  /// Calls the class's special method `name` on this instance; nullopt when it has none.
  std::optional<Value> special(const char* name, std::vector<Value> args = {}) const;
  void set_attr(Interpreter&, const std::string& attr, const Value& v) override {
    for (auto& kv : attrs)
      if (kv.first == attr) {
        kv.second = v;
        return;
      }
    attrs.emplace_back(attr, v);
  }
};

/// A function bound to its instance: calling it passes the instance first.
struct BoundMethod : Object {
  BoundMethod(Value self, Value fn) : self(std::move(self)), fn(std::move(fn)) {}
  Value self, fn;
  std::string type_name() const override { return "method"; }
  std::string repr() const override { return "<bound method " + fn.repr() + ">"; }
  Value call(Interpreter& in, CallArgs& args) override {
    args.positional.insert(args.positional.begin(), self);
    return in.call(fn, args);
  }
};

/// A class attribute read through an instance: functions become bound methods.
Value bind_to(const Value& v, const Value& self) {
  if (v.as<Function>()) return Value(std::make_shared<BoundMethod>(self, v));
  return v;
}

Value Instance::get_attr(Interpreter&, const std::string& attr) {
  for (auto& kv : attrs)
    if (kv.first == attr) return kv.second;
  if (Value* v = cls->find(attr)) return bind_to(*v, Value(shared_from_this()));
  throw_runtime("AttributeError", "'" + cls->name + "' object has no attribute '" + attr + "'");
}

/// super(): the attributes of the classes after `owner` in the instance's MRO, bound to it.
struct SuperProxy : Object {
  std::shared_ptr<UserClass> owner;
  Value self;
  std::string type_name() const override { return "super"; }
  std::string repr() const override { return "<super: <class '" + owner->name + "'>>"; }
  Value get_attr(Interpreter&, const std::string& attr) override {
    std::shared_ptr<UserClass> cls;
    if (auto inst = self.as<Instance>()) cls = inst->cls;
    Value* v = cls ? cls->find(attr, owner.get()) : nullptr;
    if (v) return bind_to(*v, self);
    if (attr == "__init__")  // object.__init__: takes nothing, does nothing
      return Value(std::make_shared<Builtin>("__init__", [](Interpreter&, CallArgs& a) {
        if (!a.positional.empty() || !a.keywords.empty())
          throw_type_error("object.__init__() takes exactly one argument (the instance)");
        return Value();
      }));
    throw_runtime("AttributeError", "'super' object has no attribute '" + attr + "'");
  }
};

std::optional<Value> Instance::special(const char* name, std::vector<Value> args) const {
  Value* fn = cls->find(name);
  if (!fn || !in) return std::nullopt;
  CallArgs ca;
  ca.positional.push_back(Value(std::const_pointer_cast<Object>(shared_from_this())));
  for (auto& a : args) ca.positional.push_back(std::move(a));
  return in->call(*fn, ca);
}

Value Instance::call(Interpreter& interp, CallArgs& args) {
  Value* fn = cls->find("__call__");
  if (!fn) return Object::call(interp, args);
  args.positional.insert(args.positional.begin(), Value(shared_from_this()));
  return interp.call(*fn, args);
}

Value UserClass::call(Interpreter& in, CallArgs& args) {
  auto inst = std::make_shared<Instance>();
  inst->in = &in;
  inst->cls = std::static_pointer_cast<UserClass>(shared_from_this());
  if (Value* init = find("__init__")) {
    Value result = bind_to(*init, Value(inst)).as_object()->call(in, args);
    if (!result.is_none())
      throw_type_error("__init__() should return None, not '" + result.type_name() + "'");
  } else if (!args.positional.empty() || !args.keywords.empty()) {
    throw_type_error(name + "() takes no arguments");
  }
  return Value(inst);
}

std::optional<bool> UserClass::instance_check(const Value& v) const {
  auto inst = v.as<Instance>();
  return inst && inst->cls->derives_from(this);
}

/// C3 linearization of a class's bases (Python's method resolution order), without the
/// class itself. TypeError when the bases admit no consistent order.
std::vector<std::shared_ptr<UserClass>> c3_order(
    const std::vector<std::shared_ptr<UserClass>>& bases) {
  std::vector<std::vector<std::shared_ptr<UserClass>>> seqs;
  for (const auto& b : bases) {
    std::vector<std::shared_ptr<UserClass>> l{b};
    l.insert(l.end(), b->mro.begin(), b->mro.end());
    seqs.push_back(std::move(l));
  }
  seqs.push_back(bases);
  std::vector<std::shared_ptr<UserClass>> out;
  for (;;) {
    seqs.erase(std::remove_if(seqs.begin(), seqs.end(), [](auto& q) { return q.empty(); }),
               seqs.end());
    if (seqs.empty()) return out;
    std::shared_ptr<UserClass> head;
    for (auto& q : seqs) {
      bool in_tail = false;
      for (auto& r : seqs)
        if (std::find(r.begin() + 1, r.end(), q.front()) != r.end()) in_tail = true;
      if (!in_tail) {
        head = q.front();
        break;
      }
    }
    if (!head)
      throw_type_error("Cannot create a consistent method resolution order (MRO) for bases");
    out.push_back(head);
    for (auto& q : seqs)
      if (!q.empty() && q.front() == head) q.erase(q.begin());
  }
}

/// An exception class (ValueError, ...) and an instance of it (for raise).
struct ExceptionType : Object {
  explicit ExceptionType(std::string n) : name(std::move(n)) {}
  std::string name;
  std::string type_name() const override { return "type"; }
  std::string repr() const override { return "<class '" + name + "'>"; }
  Value call(Interpreter&, CallArgs& args) override;
};
struct ExceptionValue : Object {
  std::string name, message;
  std::string type_name() const override { return name; }
  std::string repr() const override { return name + "(" + Value(message).repr() + ")"; }
  std::string str() const override { return message; }
  Value get_attr(Interpreter& in, const std::string& attr) override {
    if (attr == "args") return make_tuple({Value(message)});
    return Object::get_attr(in, attr);
  }
};
Value ExceptionType::call(Interpreter&, CallArgs& args) {
  auto e = std::make_shared<ExceptionValue>();
  e->name = name;
  for (std::size_t i = 0; i < args.positional.size(); ++i)
    e->message += (i ? ", " : "") + args.positional[i].str();
  return Value(e);
}

bool exception_matches(const std::string& raised, const std::string& handler) {
  if (handler == raised || handler == "Exception" || handler == "BaseException") return true;
  if (handler == "ArithmeticError")
    return raised == "ZeroDivisionError" || raised == "OverflowError";
  if (handler == "LookupError") return raised == "IndexError" || raised == "KeyError";
  return false;
}

enum class Flow { Normal, Break, Continue, Return };

const std::set<std::string>& forbidden_names() {
  static const std::set<std::string> s = {
      "open",         "eval",         "exec",     "compile", "__import__", "getattr",
      "setattr",      "delattr",      "globals",  "locals",  "vars",       "dir",
      "input",        "breakpoint",   "exit",     "quit",    "help",       "memoryview",
      "__builtins__", "__loader__",   "__spec__", "object",  "type",       "super",
      "classmethod",  "staticmethod", "property", "id",      "hash"};
  return s;
}

const std::set<std::string>& dangerous_modules() {
  static const std::set<std::string> s = {"os",
                                          "sys",
                                          "subprocess",
                                          "socket",
                                          "shutil",
                                          "pathlib",
                                          "io",
                                          "builtins",
                                          "importlib",
                                          "ctypes",
                                          "pickle",
                                          "marshal",
                                          "multiprocessing",
                                          "threading",
                                          "signal",
                                          "urllib",
                                          "http",
                                          "requests",
                                          "glob",
                                          "tempfile",
                                          "inspect",
                                          "code",
                                          "codeop",
                                          "pty",
                                          "posix",
                                          "fcntl",
                                          "resource",
                                          "gc",
                                          "asyncio",
                                          "select",
                                          "mmap",
                                          "runpy",
                                          "zipimport",
                                          "webbrowser"};
  return s;
}

}  // namespace

struct Interpreter::Impl {
  FramePtr globals = std::make_shared<Frame>();
  std::unordered_map<std::string, Value> builtins;
  std::unordered_map<std::string, std::function<Value(Interpreter&)>> module_factories;
  std::unordered_map<std::string, Value> modules;
  std::unordered_map<std::string, std::uint64_t> assigned_seq;
  std::uint64_t seq = 0;
  std::vector<std::shared_ptr<const Program>> programs;
  /// Frames that functions closed over: a frame holding such a function (a nested def, a class
  /// defined in a function) is a cycle, broken when the interpreter goes away.
  std::vector<std::weak_ptr<Frame>> captured;
  std::size_t captured_prune_at = 1024;
  int depth = 0;
  std::string output;  // print() text
};

/// Evaluates statements and expressions against a frame.
class Evaluator {
 public:
  Evaluator(Interpreter& in, FramePtr frame) : in_(in), im_(*in.impl_), frame_(std::move(frame)) {}

  Flow exec_block(const Body& body) {
    for (const auto& s : body) {
      Flow f = exec(*s);
      if (f != Flow::Normal) return f;
    }
    return Flow::Normal;
  }
  Value return_value;

  Value eval(const Expr& e) {
    in_.check_stack();
    try {
      return eval_inner(e);
    } catch (ScriptError& err) {
      if (err.line == 0) {
        err.line = e.pos.line;
        err.column = e.pos.column;
      }
      throw;
    }
  }

 private:
  [[noreturn]] void fail(const Pos& p, ErrorKind kind, const std::string& type,
                         const std::string& msg) {
    throw ScriptError(kind, type, msg, p.line, p.column);
  }

  // ---- names ----
  Value lookup(const std::string& name, const Pos& p) {
    for (Frame* f = frame_.get(); f && f != im_.globals.get(); f = f->enclosing.get()) {
      auto it = f->vars.find(name);
      if (it != f->vars.end()) return it->second;
      if (f == frame_.get() && f->is_local(name))
        fail(p, ErrorKind::Runtime, "UnboundLocalError",
             "local variable '" + name + "' referenced before assignment");
    }
    auto it = im_.globals->vars.find(name);
    if (it != im_.globals->vars.end()) return it->second;
    auto b = im_.builtins.find(name);
    if (b != im_.builtins.end()) return b->second;
    if (name == "__name__") return Value("__main__");
    if (forbidden_names().count(name) || (name.size() > 4 && name.rfind("__", 0) == 0))
      fail(p, ErrorKind::Forbidden, "SecurityError",
           "'" + name + "' is not available: scripts have no file, process or reflection access");
    fail(p, ErrorKind::Runtime, "NameError", "name '" + name + "' is not defined");
  }

  void store_name(const std::string& name, Value v) {
    const bool special = frame_->is_class && special_methods().count(name) > 0;
    if (frame_->is_class && !special && name.size() > 4 && name.rfind("__", 0) == 0 &&
        name.compare(name.size() - 2, 2, "__") == 0)
      throw ScriptError(ErrorKind::Unsupported, "NotImplementedError",
                        "special method '" + name + "' is not supported");
    if (name.size() > 4 && name.rfind("__", 0) == 0 && !special)
      throw ScriptError(ErrorKind::Forbidden, "SecurityError",
                        "assigning to '" + name + "' is not allowed");
    if (frame_->locals && !frame_->globals_declared.count(name)) {
      frame_->vars[name] = std::move(v);
      return;
    }
    if (frame_->locals && frame_->globals_declared.count(name)) {
      im_.globals->vars[name] = std::move(v);
      im_.assigned_seq[name] = ++im_.seq;
      return;
    }
    frame_->vars[name] = std::move(v);
    if (frame_ == im_.globals) im_.assigned_seq[name] = ++im_.seq;
  }

  void assign(const Expr& target, const Value& v) {
    switch (target.kind) {
      case ExprKind::Name:
        store_name(target.name, v);
        return;
      case ExprKind::Attribute: {
        check_attr_name(target.name, target.pos);
        Value obj = eval(*target.a);
        if (!obj.is_object())
          fail(target.pos, ErrorKind::Runtime, "AttributeError",
               "'" + obj.type_name() + "' object attribute '" + target.name + "' is read-only");
        obj.as_object()->set_attr(in_, target.name, v);
        return;
      }
      case ExprKind::Subscript: {
        if (target.b->kind == ExprKind::Slice)
          fail(target.pos, ErrorKind::Unsupported, "NotImplementedError",
               "assignment to a slice is not supported");
        Value obj = eval(*target.a);
        Value key = eval(*target.b);
        if (auto d = obj.as<Dict>()) return d->set_item(key, v);
        if (auto s = obj.as<Sequence>(); s && !s->is_tuple) {
          std::int64_t i = to_int(key, "list index"), n = s->items.size();
          if (i < 0) i += n;
          if (i < 0 || i >= n)
            fail(target.pos, ErrorKind::Runtime, "IndexError",
                 "list assignment index out of range");
          s->items[i] = v;
          return;
        }
        fail(target.pos, ErrorKind::Runtime, "TypeError",
             "'" + obj.type_name() + "' object does not support item assignment");
      }
      case ExprKind::Tuple:
      case ExprKind::List: {
        std::vector<Value> items = iterate(v, target.pos);
        std::size_t star = target.items.size();
        for (std::size_t i = 0; i < target.items.size(); ++i)
          if (target.items[i]->kind == ExprKind::Starred) star = i;
        if (star == target.items.size()) {
          if (items.size() != target.items.size())
            fail(target.pos, ErrorKind::Runtime, "ValueError",
                 items.size() > target.items.size()
                     ? "too many values to unpack (expected " +
                           std::to_string(target.items.size()) + ")"
                     : "not enough values to unpack (expected " +
                           std::to_string(target.items.size()) + ", got " +
                           std::to_string(items.size()) + ")");
          for (std::size_t i = 0; i < items.size(); ++i) assign(*target.items[i], items[i]);
          return;
        }
        std::size_t after = target.items.size() - star - 1;
        if (items.size() < star + after)
          fail(target.pos, ErrorKind::Runtime, "ValueError", "not enough values to unpack");
        for (std::size_t i = 0; i < star; ++i) assign(*target.items[i], items[i]);
        assign(*target.items[star]->a, make_list({items.begin() + star, items.end() - after}));
        for (std::size_t i = 0; i < after; ++i)
          assign(*target.items[star + 1 + i], items[items.size() - after + i]);
        return;
      }
      default:
        fail(target.pos, ErrorKind::Syntax, "SyntaxError", "cannot assign to expression");
    }
  }

  void check_attr_name(const std::string& name, const Pos& p) {
    if (name.rfind("__", 0) == 0 && name != "__init__" && name != "__name__")
      fail(p, ErrorKind::Forbidden, "SecurityError",
           "attribute '" + name + "' is not accessible: scripts have no reflection access");
  }

  std::vector<Value> iterate(const Value& v, const Pos& p) {
    if (v.is_object()) {
      if (auto items = v.as_object()->iterate()) return std::move(*items);
    } else if (v.is_str()) {
      return to_items(v, "iteration");
    }
    fail(p, ErrorKind::Runtime, "TypeError", "'" + v.type_name() + "' object is not iterable");
  }

  // ---- statements ----
  Flow exec(const Stmt& s) {
    in_.tick();
    in_.check_stack();
    try {
      return exec_inner(s);
    } catch (ScriptError& err) {
      if (err.line == 0) {
        err.line = s.pos.line;
        err.column = s.pos.column;
      }
      throw;
    }
  }

  Flow exec_inner(const Stmt& s) {
    switch (s.kind) {
      case StmtKind::Expr:
        eval(*s.value);
        return Flow::Normal;
      case StmtKind::Assign: {
        Value v = eval(*s.value);
        for (const auto& t : s.targets) assign(*t, v);
        return Flow::Normal;
      }
      case StmtKind::AnnAssign:
        if (s.value) assign(*s.target, eval(*s.value));
        return Flow::Normal;
      case StmtKind::AugAssign: {
        Value cur = eval(*s.target);
        Value rhs = eval(*s.value);
        Value out;
        auto seq = cur.as<Sequence>();
        if (s.op == Op::Add && seq && !seq->is_tuple) {  // list += iterable extends in place
          auto more = iterate(rhs, s.pos);
          if (seq->items.size() + more.size() > kMaxSequenceItems)
            fail(s.pos, ErrorKind::Runtime, "MemoryError", "list too large");
          seq->items.insert(seq->items.end(), more.begin(), more.end());
          out = cur;
        } else {
          out = binary(s.op, cur, rhs, s.pos);
        }
        assign(*s.target, out);
        return Flow::Normal;
      }
      case StmtKind::If:
        if (eval(*s.value).truthy()) return exec_block(s.body);
        return exec_block(s.orelse);
      case StmtKind::For: {
        std::vector<Value> items = iterate(eval(*s.iter), s.iter->pos);
        for (const Value& item : items) {
          in_.tick();
          assign(*s.target, item);
          Flow f = exec_block(s.body);
          if (f == Flow::Break) return Flow::Normal;
          if (f == Flow::Return) return f;
        }
        return exec_block(s.orelse);
      }
      case StmtKind::While: {
        while (eval(*s.value).truthy()) {
          in_.tick();
          Flow f = exec_block(s.body);
          if (f == Flow::Break) return Flow::Normal;
          if (f == Flow::Return) return f;
        }
        return exec_block(s.orelse);
      }
      case StmtKind::FunctionDef: {
        auto fn = make_function(s.name, s.params, s.pos);
        fn->body = &s.body;
        fn->locals = &s.locals;
        store_name(s.name, Value(fn));
        return Flow::Normal;
      }
      case StmtKind::ClassDef:
        return exec_class(s);
      case StmtKind::Return:
        return_value = s.value ? eval(*s.value) : Value();
        return Flow::Return;
      case StmtKind::Pass:
        return Flow::Normal;
      case StmtKind::Break:
        return Flow::Break;
      case StmtKind::Continue:
        return Flow::Continue;
      case StmtKind::Import:
        for (const auto& n : s.names) {
          Value mod = import_module(n.name, s.pos);
          if (!n.alias.empty()) {
            store_name(n.alias, mod);
          } else {
            std::string top = n.name.substr(0, n.name.find('.'));
            store_name(top, top == n.name ? mod : import_module(top, s.pos));
          }
        }
        return Flow::Normal;
      case StmtKind::ImportFrom: {
        Value mod = import_module(s.name, s.pos);
        for (const auto& n : s.names) {
          if (n.name == "*") {
            if (auto m = mod.as<Module>())
              for (auto& kv : m->attrs) store_name(kv.first, kv.second);
            continue;
          }
          Value v;
          try {
            v = mod.as_object()->get_attr(in_, n.name);
          } catch (const ScriptError&) {
            // `from cadquery import exporters` where exporters is a submodule
            if (im_.module_factories.count(s.name + "." + n.name)) {
              v = import_module(s.name + "." + n.name, s.pos);
            } else {
              fail(s.pos, ErrorKind::Runtime, "ImportError",
                   "cannot import name '" + n.name + "' from '" + s.name + "'");
            }
          }
          store_name(n.alias.empty() ? n.name : n.alias, v);
        }
        return Flow::Normal;
      }
      case StmtKind::Global:
        for (const auto& n : s.names) frame_->globals_declared.insert(n.name);
        return Flow::Normal;
      case StmtKind::Nonlocal:
        fail(s.pos, ErrorKind::Unsupported, "SyntaxError", "'nonlocal' is not supported");
      case StmtKind::Assert:
        if (!eval(*s.value).truthy())
          fail(s.pos, ErrorKind::Runtime, "AssertionError", s.target ? eval(*s.target).str() : "");
        return Flow::Normal;
      case StmtKind::Raise: {
        if (!s.value) {
          if (handling_) throw *handling_;
          fail(s.pos, ErrorKind::Runtime, "RuntimeError", "No active exception to reraise");
        }
        Value ex = eval(*s.value);
        if (auto t = ex.as<ExceptionType>()) fail(s.pos, ErrorKind::Runtime, t->name, "");
        if (auto v = ex.as<ExceptionValue>()) fail(s.pos, ErrorKind::Runtime, v->name, v->message);
        fail(s.pos, ErrorKind::Runtime, "TypeError", "exceptions must derive from BaseException");
      }
      case StmtKind::Del:
        for (const auto& t : s.targets) {
          if (t->kind == ExprKind::Name) {
            if (!frame_->vars.erase(t->name))
              fail(t->pos, ErrorKind::Runtime, "NameError",
                   "name '" + t->name + "' is not defined");
          } else if (t->kind == ExprKind::Subscript) {
            Value obj = eval(*t->a);
            Value key = eval(*t->b);
            if (auto seq = obj.as<Sequence>(); seq && !seq->is_tuple) {
              std::int64_t i = to_int(key, "list index"), n = seq->items.size();
              if (i < 0) i += n;
              if (i < 0 || i >= n)
                fail(t->pos, ErrorKind::Runtime, "IndexError", "list index out of range");
              seq->items.erase(seq->items.begin() + i);
            } else if (auto d = obj.as<Dict>()) {
              auto it = std::find_if(d->items.begin(), d->items.end(), [&](auto& kv) {
                return Sequence(true, {kv.first}).equals(make_tuple({key}));
              });
              if (it == d->items.end()) fail(t->pos, ErrorKind::Runtime, "KeyError", key.repr());
              d->items.erase(it);
            } else {
              fail(t->pos, ErrorKind::Runtime, "TypeError",
                   "object does not support item deletion");
            }
          } else {
            fail(t->pos, ErrorKind::Unsupported, "SyntaxError", "this del target is not supported");
          }
        }
        return Flow::Normal;
      case StmtKind::Try:
        return exec_try(s);
      default:
        fail(s.pos, ErrorKind::Unsupported, "SyntaxError", "statement not supported");
    }
  }

  Flow exec_try(const Stmt& s) {
    Flow result;
    try {
      result = exec_try_handlers(s);
    } catch (ScriptError& err) {
      // Limit, security and syntax errors end the script: no script code (which could
      // `return` from `finally` and swallow a timeout) runs after them.
      bool catchable = err.kind == ErrorKind::Runtime || err.kind == ErrorKind::Geometry;
      if (!catchable || s.finalbody.empty()) throw;
      Flow f = exec_block(s.finalbody);
      if (f != Flow::Normal) return f;  // return/break in finally drops the error, as in Python
      throw;
    }
    if (!s.finalbody.empty()) {
      Flow f = exec_block(s.finalbody);
      if (f != Flow::Normal) result = f;
    }
    return result;
  }

  // try body, except clauses and else; the caller runs finally.
  Flow exec_try_handlers(const Stmt& s) {
    Flow result = Flow::Normal;
    try {
      result = exec_block(s.body);
    } catch (ScriptError& err) {
      bool catchable = err.kind == ErrorKind::Runtime || err.kind == ErrorKind::Geometry;
      const ExceptClause* handler = nullptr;
      if (catchable) {
        for (const auto& h : s.handlers) {
          if (!h.type) {
            handler = &h;
            break;
          }
          Value t = eval(*h.type);
          std::vector<Value> types =
              t.as<Sequence>() ? t.as<Sequence>()->items : std::vector<Value>{t};
          for (const Value& ty : types) {
            auto et = ty.as<ExceptionType>();
            if (et && exception_matches(err.type, et->name)) handler = &h;
          }
          if (handler) break;
        }
      }
      if (!handler) throw;
      if (!handler->name.empty()) {
        auto ev = std::make_shared<ExceptionValue>();
        ev->name = err.type;
        ev->message = err.what();
        store_name(handler->name, Value(ev));
      }
      const ScriptError* outer = handling_;
      handling_ = &err;  // a bare `raise` in the handler re-raises it
      struct Restore {
        const ScriptError*& slot;
        const ScriptError* value;
        ~Restore() { slot = value; }
      } restore{handling_, outer};
      return exec_block(handler->body);
    }
    if (result == Flow::Normal) result = exec_block(s.orelse);
    return result;
  }

  Flow exec_class(const Stmt& s) {
    auto cls = std::make_shared<UserClass>();
    cls->name = s.name;
    for (const auto& base : s.targets) {
      if (base->kind == ExprKind::Name && base->name == "object") continue;
      Value b = eval(*base);
      auto bc = b.as<UserClass>();
      if (!bc)
        fail(base->pos, ErrorKind::Unsupported, "NotImplementedError",
             "class " + s.name + ": only classes defined in the script can be bases (not '" +
                 (b.type_name() == "type" ? b.repr() : b.type_name()) + "')");
      if (std::find(cls->bases.begin(), cls->bases.end(), bc) != cls->bases.end())
        fail(base->pos, ErrorKind::Runtime, "TypeError", "duplicate base class " + bc->name);
      cls->bases.push_back(bc);
    }
    try {
      cls->mro = c3_order(cls->bases);
    } catch (ScriptError& err) {
      err.line = s.pos.line;
      err.column = s.pos.column;
      throw;
    }
    auto body = std::make_shared<Frame>();
    body->is_class = true;
    if (frame_ != im_.globals) body->enclosing = frame_;
    Evaluator sub(in_, body);
    Flow f = sub.exec_block(s.body);
    if (f == Flow::Return)
      fail(s.pos, ErrorKind::Syntax, "SyntaxError", "'return' outside function");
    // The frame's hash map has no order: attributes are kept sorted by name (lookup is by name).
    for (auto& [name, value] : body->vars) {
      if (auto fn = value.as<Function>(); fn && fn->owner.expired()) fn->owner = cls;
      cls->attrs.emplace_back(name, value);
    }
    std::sort(cls->attrs.begin(), cls->attrs.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    body->vars.clear();
    store_name(s.name, Value(cls));
    return Flow::Normal;
  }

  std::shared_ptr<Function> make_function(const std::string& name,
                                          const std::vector<Parameter>& params, const Pos& p) {
    auto fn = std::make_shared<Function>();
    fn->name = name;
    fn->params = &params;
    for (const auto& prm : params) {
      fn->has_default.push_back(prm.default_value != nullptr);
      fn->defaults.push_back(prm.default_value ? eval(*prm.default_value) : Value());
    }
    // A class body's names are not visible inside the functions it defines (Python's rule).
    FramePtr scope = frame_->is_class ? frame_->enclosing : frame_;
    if (scope && scope != im_.globals) {
      fn->closure = scope;
      if (im_.captured.empty() || im_.captured.back().lock() != scope) {
        if (im_.captured.size() >= im_.captured_prune_at) {  // drop frames already freed
          im_.captured.erase(std::remove_if(im_.captured.begin(), im_.captured.end(),
                                            [](const auto& w) { return w.expired(); }),
                             im_.captured.end());
          im_.captured_prune_at = std::max<std::size_t>(1024, 2 * im_.captured.size());
        }
        im_.captured.push_back(scope);
      }
    }
    return fn;
  }

  Value import_module(const std::string& name, const Pos& p) {
    auto it = im_.modules.find(name);
    if (it != im_.modules.end()) return it->second;
    auto f = im_.module_factories.find(name);
    if (f == im_.module_factories.end()) {
      std::string top = name.substr(0, name.find('.'));
      if (dangerous_modules().count(top))
        fail(p, ErrorKind::Forbidden, "SecurityError",
             "import of '" + name +
                 "' is not allowed: scripts have no file, network, process or "
                 "environment access");
      fail(p, ErrorKind::Forbidden, "ImportError",
           "module '" + name + "' is not available (allowed: cadquery, math, typing, collections)");
    }
    Value mod = f->second(in_);
    im_.modules[name] = mod;
    return mod;
  }

  // ---- expressions ----
  Value eval_inner(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Constant:
        return e.value;
      case ExprKind::Name:
        return lookup(e.name, e.pos);
      case ExprKind::Attribute: {
        check_attr_name(e.name, e.pos);
        Value obj = eval(*e.a);
        return get_attribute(obj, e.name);
      }
      case ExprKind::Subscript: {
        Value obj = eval(*e.a);
        if (e.b->kind == ExprKind::Slice) return slice(obj, *e.b);
        Value key = eval(*e.b);
        if (obj.is_str()) {
          const std::string& s = obj.as_str();
          const bool ascii = is_ascii(s);
          const std::vector<std::string> chars = ascii ? std::vector<std::string>{} : utf8_chars(s);
          std::int64_t i = to_int(key, "string index");
          const auto n = static_cast<std::int64_t>(ascii ? s.size() : chars.size());
          if (i < 0) i += n;
          if (i < 0 || i >= n)
            fail(e.pos, ErrorKind::Runtime, "IndexError", "string index out of range");
          return Value(ascii ? std::string(1, s[i]) : chars[i]);
        }
        if (!obj.is_object())
          fail(e.pos, ErrorKind::Runtime, "TypeError",
               "'" + obj.type_name() + "' object is not subscriptable");
        return obj.as_object()->get_item(key);
      }
      case ExprKind::Call:
        return eval_call(e);
      case ExprKind::BinOp:
        return binary(e.op, eval(*e.a), eval(*e.b), e.pos);
      case ExprKind::Unary: {
        Value v = eval(*e.a);
        if (e.op == Op::Not) return Value(!v.truthy());
        if (e.op == Op::Pos) {
          if (!v.is_number())
            fail(e.pos, ErrorKind::Runtime, "TypeError",
                 "bad operand type for unary +: '" + v.type_name() + "'");
          return v.is_bool() ? Value(std::int64_t(v.as_bool())) : v;
        }
        if (e.op == Op::Invert) return Value(~to_int(v, "operand of ~"));
        if (v.is_int()) {
          if (v.as_int() == INT64_MIN)
            fail(e.pos, ErrorKind::Runtime, "OverflowError", "integer overflow");
          return Value(-v.as_int());
        }
        if (v.is_bool()) return Value(std::int64_t(-int(v.as_bool())));
        if (v.is_float()) return Value(-v.as_float());
        if (v.is_object())
          if (auto r = v.as_object()->negate()) return *r;
        fail(e.pos, ErrorKind::Runtime, "TypeError",
             "bad operand type for unary -: '" + v.type_name() + "'");
      }
      case ExprKind::BoolOp: {
        Value v;
        for (const auto& item : e.items) {
          v = eval(*item);
          if (e.op == Op::And ? !v.truthy() : v.truthy()) return v;
        }
        return v;
      }
      case ExprKind::Compare: {
        Value left = eval(*e.items[0]);
        for (std::size_t i = 0; i < e.ops.size(); ++i) {
          Value right = eval(*e.items[i + 1]);
          if (!compare(e.ops[i], left, right, e.pos)) return Value(false);
          left = right;
        }
        return Value(true);
      }
      case ExprKind::IfExp:
        return eval(*e.a).truthy() ? eval(*e.b) : eval(*e.c);
      case ExprKind::List:
      case ExprKind::Tuple: {
        std::vector<Value> items;
        for (const auto& item : e.items) {
          if (item->kind == ExprKind::Starred) {
            auto more = iterate(eval(*item->a), item->pos);
            items.insert(items.end(), more.begin(), more.end());
          } else {
            items.push_back(eval(*item));
          }
        }
        return e.kind == ExprKind::List ? make_list(std::move(items))
                                        : make_tuple(std::move(items));
      }
      case ExprKind::Dict: {
        auto d = std::make_shared<Dict>();
        for (std::size_t i = 0; i + 1 < e.items.size(); i += 2)
          d->set_item(eval(*e.items[i]), eval(*e.items[i + 1]));
        return Value(d);
      }
      case ExprKind::Comp: {
        // Comprehension variables live in their own scope, as in Python 3.
        auto inner = std::make_shared<Frame>();
        inner->enclosing = frame_;
        Evaluator sub(in_, inner);
        std::vector<Value> out;
        sub.run_comp(e, 0, out);
        return e.generator ? make_tuple(std::move(out)) : make_list(std::move(out));
      }
      case ExprKind::Lambda: {
        auto fn = make_function("<lambda>", e.params, e.pos);
        fn->lambda_body = e.a.get();
        for (const auto& prm : e.params) fn->lambda_locals.push_back(prm.name);
        fn->locals = &fn->lambda_locals;
        return Value(fn);
      }
      case ExprKind::Starred:
        fail(e.pos, ErrorKind::Syntax, "SyntaxError", "can't use starred expression here");
      case ExprKind::Slice:
        fail(e.pos, ErrorKind::Syntax, "SyntaxError", "invalid slice");
      case ExprKind::JoinedStr: {
        std::string out;
        for (std::size_t i = 0; i < e.items.size(); ++i) {
          Value v = eval(*e.items[i]);
          if (e.conversions[i] == 'r' || e.conversions[i] == 'a') v = Value(v.repr());
          out += e.specs[i].empty() ? v.str() : format_value(v, e.specs[i]);
        }
        return Value(out);
      }
    }
    fail(e.pos, ErrorKind::Syntax, "SyntaxError", "invalid expression");
  }

  void run_comp(const Expr& e, std::size_t level, std::vector<Value>& out) {
    if (level == e.comps.size()) {
      out.push_back(eval(*e.a));
      return;
    }
    const Comprehension& c = e.comps[level];
    std::vector<Value> items = iterate(eval(*c.iter), c.iter->pos);
    for (const Value& item : items) {
      in_.tick();
      assign(*c.target, item);
      bool keep = true;
      for (const auto& cond : c.conditions)
        if (!eval(*cond).truthy()) {
          keep = false;
          break;
        }
      if (keep) run_comp(e, level + 1, out);
    }
  }

  Value slice(const Value& obj, const Expr& sl) {
    auto bound = [&](const ExprPtr& x) -> std::optional<std::int64_t> {
      if (!x) return std::nullopt;
      Value v = eval(*x);
      if (v.is_none()) return std::nullopt;
      return to_int(v, "slice index");
    };
    std::optional<std::int64_t> lo = bound(sl.a), hi = bound(sl.b), st = bound(sl.c);
    std::int64_t step = st.value_or(1);
    if (step == 0) fail(sl.pos, ErrorKind::Runtime, "ValueError", "slice step cannot be zero");
    const SliceValue range(lo, hi, step);
    std::size_t size;
    std::vector<std::string> chars;  // a non-ASCII str's characters
    if (obj.is_str() && !is_ascii(obj.as_str())) chars = utf8_chars(obj.as_str());
    if (obj.is_str())
      size = chars.empty() ? obj.as_str().size() : chars.size();
    else if (auto s = obj.as<Sequence>())
      size = s->items.size();
    else if (obj.is_object())  // a host sequence (cq.Workplane) takes the slice itself
      return obj.as_object()->get_item(Value(std::make_shared<SliceValue>(lo, hi, step)));
    else
      fail(sl.pos, ErrorKind::Runtime, "TypeError",
           "'" + obj.type_name() + "' object is not subscriptable");
    const std::vector<std::size_t> idx = range.indices(size);
    if (obj.is_str()) {
      std::string out;
      for (auto i : idx) out += chars.empty() ? std::string(1, obj.as_str()[i]) : chars[i];
      return Value(out);
    }
    auto s = obj.as<Sequence>();
    std::vector<Value> out;
    for (auto i : idx) out.push_back(s->items[i]);
    return s->is_tuple ? make_tuple(std::move(out)) : make_list(std::move(out));
  }

  Value get_attribute(const Value& obj, const std::string& name) {
    if (obj.is_object()) return obj.as_object()->get_attr(in_, name);
    return primitive_attribute(in_, obj, name);
  }

  /// super() in a method (the defining class and the method's first argument) or
  /// super(Class, obj).
  Value make_super(const Expr& e) {
    auto proxy = std::make_shared<SuperProxy>();
    if (e.items.empty() && e.keywords.empty()) {
      auto owner = std::dynamic_pointer_cast<UserClass>(frame_->owner);
      auto self = frame_->vars.find(frame_->self_name);
      if (!owner || frame_->self_name.empty() || self == frame_->vars.end())
        fail(e.pos, ErrorKind::Runtime, "RuntimeError", "super(): no arguments");
      proxy->owner = owner;
      proxy->self = self->second;
    } else if (e.items.size() == 2 && e.keywords.empty()) {
      proxy->owner = eval(*e.items[0]).as<UserClass>();
      proxy->self = eval(*e.items[1]);
      if (!proxy->owner)
        fail(e.pos, ErrorKind::Runtime, "TypeError", "super() argument 1 must be a class");
    } else {
      fail(e.pos, ErrorKind::Runtime, "TypeError", "super() takes no arguments or two");
    }
    auto inst = proxy->self.as<Instance>();
    if (!inst || !inst->cls->derives_from(proxy->owner.get()))
      fail(e.pos, ErrorKind::Runtime, "TypeError",
           "super(type, obj): obj must be an instance of type");
    return Value(proxy);
  }

  bool name_bound(const std::string& name) const {
    for (Frame* f = frame_.get(); f; f = f->enclosing.get())
      if (f->vars.count(name)) return true;
    return im_.globals->vars.count(name) > 0;
  }

  Value eval_call(const Expr& e) {
    if (e.a->kind == ExprKind::Name && e.a->name == "super" && !name_bound("super"))
      return make_super(e);
    Value callee = eval(*e.a);
    CallArgs args;
    for (const auto& item : e.items) {
      if (item->kind == ExprKind::Starred) {
        auto more = iterate(eval(*item->a), item->pos);
        args.positional.insert(args.positional.end(), more.begin(), more.end());
      } else {
        args.positional.push_back(eval(*item));
      }
    }
    for (const auto& kw : e.keywords) {
      Value v = eval(*kw.value);
      if (kw.name.empty()) {
        auto d = v.as<Dict>();
        if (!d)
          fail(kw.value->pos, ErrorKind::Runtime, "TypeError",
               "argument after ** must be a mapping");
        for (auto& kv : d->items)
          args.keywords.emplace_back(to_str(kv.first, "keyword"), kv.second);
      } else {
        args.keywords.emplace_back(kw.name, std::move(v));
      }
    }
    try {
      return in_.call(callee, args);
    } catch (ScriptError& err) {
      if (err.line == 0) {
        err.line = e.pos.line;
        err.column = e.pos.column;
      }
      throw;
    }
  }

  Value binary(Op op, const Value& a, const Value& b, const Pos& p) { return binary_op(op, a, b); }

  bool compare(Op op, const Value& a, const Value& b, const Pos& p) {
    switch (op) {
      case Op::Is:
      case Op::IsNot: {
        bool same;
        if (a.is_none() || b.is_none())
          same = a.is_none() && b.is_none();
        else if (a.is_bool() && b.is_bool())
          same = a.as_bool() == b.as_bool();
        else if (a.is_object() && b.is_object())
          same = a.as_object() == b.as_object();
        else
          same = false;
        return op == Op::Is ? same : !same;
      }
      case Op::In:
      case Op::NotIn: {
        bool found = contains(b, a, p);
        return op == Op::In ? found : !found;
      }
      default:
        return compare_values(op, a, b);
    }
  }

  bool contains(const Value& container, const Value& item, const Pos& p) {
    if (container.is_str())
      return container.as_str().find(to_str(item, "'in <string>' operand")) != std::string::npos;
    for (const Value& v : iterate(container, p))
      if (compare_values(Op::Eq, v, item)) return true;
    return false;
  }

  Interpreter& in_;
  Interpreter::Impl& im_;
  FramePtr frame_;
  const ScriptError* handling_ = nullptr;  // the error an enclosing except clause is handling
  friend class Interpreter;
};

// ---- Interpreter ----------------------------------------------------------------------

Interpreter::Interpreter(Limits limits) : impl_(std::make_unique<Impl>()), limits_(limits) {
  install_builtins(*this);
}
Interpreter::~Interpreter() {
  for (auto& weak : impl_->captured)
    if (auto frame = weak.lock()) {
      auto vars = std::move(frame->vars);  // freed here, breaking frame -> function -> frame
      frame->vars.clear();
      frame->enclosing.reset();
    }
}

void Interpreter::register_module(const std::string& name,
                                  std::function<Value(Interpreter&)> factory) {
  impl_->module_factories[name] = std::move(factory);
  impl_->modules.erase(name);
}

void Interpreter::set_builtin(const std::string& name, Value v) {
  impl_->builtins[name] = std::move(v);
}

namespace {
// Sets the stack base for the guard while the outermost run()/call() is active.
struct StackBase {
  StackBase(const char*& slot, const char* here) : slot(slot), outer(slot) {
    if (!slot) slot = here;
  }
  ~StackBase() { slot = outer; }
  const char*& slot;
  const char* outer;
};
}  // namespace

void Interpreter::check_stack() const {
  constexpr std::uintptr_t kMaxStackBytes = 4u << 20;
  char here;
  auto a = reinterpret_cast<std::uintptr_t>(stack_base_),
       b = reinterpret_cast<std::uintptr_t>(&here);
  if (stack_base_ && (a > b ? a - b : b - a) > kMaxStackBytes)
    throw ScriptError(ErrorKind::Recursion, "RecursionError",
                      "maximum recursion depth exceeded (expression or call nesting too deep)");
}

void Interpreter::run(const Program& program) {
  char here;
  StackBase base(stack_base_, &here);
  steps_ = 0;
  has_deadline_ = limits_.timeout_s > 0;
  if (has_deadline_)
    deadline_ = std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    std::chrono::duration<double>(limits_.timeout_s));
  Evaluator ev(*this, impl_->globals);
  Flow f;
  try {
    f = ev.exec_block(program.body);
  } catch (const std::bad_alloc&) {  // the worker's memory limit: a script error, not a crash
    throw ScriptError(ErrorKind::Runtime, "MemoryError", "out of memory");
  } catch (const std::length_error&) {
    throw ScriptError(ErrorKind::Runtime, "MemoryError", "out of memory");
  }
  if (f == Flow::Break || f == Flow::Continue)
    throw ScriptError(ErrorKind::Syntax, "SyntaxError", "'break' or 'continue' outside loop");
  if (f == Flow::Return)
    throw ScriptError(ErrorKind::Syntax, "SyntaxError", "'return' outside function");
}

void Interpreter::run_source(const std::string& source, const std::string& filename) {
  auto program = parse(source, filename);
  impl_->programs.push_back(program);
  run(*program);
}

int Interpreter::arity(const Value& callee) {
  auto f = callee.as<Function>();
  if (!f || f->params == nullptr) return 0;
  int n = 0;
  for (std::size_t i = 0; i < f->params->size(); ++i) {
    const Parameter& p = (*f->params)[i];
    if (!p.star && !p.double_star && !(i < f->has_default.size() && f->has_default[i])) ++n;
  }
  return n;
}

Value Interpreter::call(const Value& callee, CallArgs& args) {
  char here;
  StackBase base(stack_base_, &here);
  tick();
  auto fn = callee.as<Function>();
  if (!fn) {
    if (!callee.is_object())
      throw_type_error("'" + callee.type_name() + "' object is not callable");
    return callee.as_object()->call(*this, args);
  }
  if (limits_.max_depth > 0 && impl_->depth >= limits_.max_depth)
    throw ScriptError(ErrorKind::Recursion, "RecursionError", "maximum recursion depth exceeded");
  auto frame = std::make_shared<Frame>();
  frame->locals = fn->locals;
  frame->enclosing = fn->closure;
  frame->owner = fn->owner.lock();
  if (frame->owner && !fn->params->empty() && !fn->params->front().star &&
      !fn->params->front().double_star)
    frame->self_name = fn->params->front().name;
  // Bind parameters like Python: positional, *args, keywords, **kwargs, defaults.
  const auto& params = *fn->params;
  std::size_t npos = 0;
  std::shared_ptr<Dict> kwargs;
  std::vector<bool> bound(params.size(), false);
  std::size_t max_positional = 0, min_positional = 0;
  bool keyword_only = false;  // after *args or a bare '*'
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Parameter& prm = params[i];
    if (prm.star && prm.name.empty()) {  // bare '*': takes no positionals
      bound[i] = true;
      keyword_only = true;
    } else if (prm.star) {
      keyword_only = true;
      std::vector<Value> rest;
      while (npos < args.positional.size()) rest.push_back(args.positional[npos++]);
      frame->vars[prm.name] = make_tuple(std::move(rest));
      bound[i] = true;
    } else if (prm.double_star) {
      kwargs = std::make_shared<Dict>();
      frame->vars[prm.name] = Value(kwargs);
      bound[i] = true;
    } else if (!keyword_only) {
      ++max_positional;
      min_positional += !fn->has_default[i];
      if (npos < args.positional.size()) {
        frame->vars[prm.name] = args.positional[npos++];
        bound[i] = true;
      }
    }
  }
  if (npos < args.positional.size()) {
    std::size_t given = args.positional.size();
    throw_type_error(
        fn->name + "() takes " +
        (min_positional == max_positional
             ? std::to_string(max_positional)
             : "from " + std::to_string(min_positional) + " to " + std::to_string(max_positional)) +
        " positional argument" + (min_positional == 1 && max_positional == 1 ? "" : "s") + " but " +
        std::to_string(given) + (given == 1 ? " was" : " were") + " given");
  }
  for (auto& [name, value] : args.keywords) {
    std::size_t i = 0;
    while (i < params.size() && (params[i].name != name || params[i].star || params[i].double_star))
      ++i;
    if (i == params.size()) {
      if (!kwargs)
        throw_type_error(fn->name + "() got an unexpected keyword argument '" + name + "'");
      kwargs->set_item(Value(name), value);
      continue;
    }
    if (bound[i]) throw_type_error(fn->name + "() got multiple values for argument '" + name + "'");
    frame->vars[name] = value;
    bound[i] = true;
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (bound[i]) continue;
    if (!fn->has_default[i])
      throw_type_error(fn->name + "() missing required argument: '" + params[i].name + "'");
    frame->vars[params[i].name] = fn->defaults[i];
  }
  ++impl_->depth;
  struct DepthRestore {
    int& d;
    ~DepthRestore() { --d; }
  } restore{impl_->depth};
  Evaluator ev(*this, frame);
  if (fn->lambda_body) return ev.eval(*fn->lambda_body);
  Flow f = ev.exec_block(*fn->body);
  return f == Flow::Return ? ev.return_value : Value();
}

std::optional<Value> Interpreter::global(const std::string& name) const {
  auto it = impl_->globals->vars.find(name);
  if (it == impl_->globals->vars.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Interpreter::assignment_order() const {
  std::vector<std::pair<std::uint64_t, std::string>> v;
  for (auto& [name, seq] : impl_->assigned_seq)
    if (impl_->globals->vars.count(name)) v.emplace_back(seq, name);
  std::sort(v.begin(), v.end());
  std::vector<std::string> out;
  for (auto& p : v) out.push_back(p.second);
  return out;
}

const std::string& Interpreter::printed() const {
  return impl_->output;
}
void Interpreter::append_output(const std::string& text) {
  if (impl_->output.size() < 65536) impl_->output += text;
}

void Interpreter::tick() {
  ++steps_;
  if (limits_.max_steps && steps_ > limits_.max_steps)
    throw ScriptError(ErrorKind::StepLimit, "TimeoutError",
                      "step budget of " + std::to_string(limits_.max_steps) + " exhausted");
  if (has_deadline_ && (steps_ & 1023) == 0 && std::chrono::steady_clock::now() > deadline_)
    throw ScriptError(ErrorKind::Timeout, "TimeoutError",
                      "wall-clock limit of " + std::to_string(limits_.timeout_s) + " s exceeded");
}

void Interpreter::check_deadline() {
  if (has_deadline_ && std::chrono::steady_clock::now() > deadline_)
    throw ScriptError(ErrorKind::Timeout, "TimeoutError",
                      "wall-clock limit of " + std::to_string(limits_.timeout_s) + " s exceeded");
}

Value make_exception_type(const std::string& name) {
  return Value(std::make_shared<ExceptionType>(name));
}

}  // namespace cad::script
