// Values, the default host-object behaviour, lists/tuples/dicts/modules and argument binding.
#include "script/value.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "script/builtins.h"
#include "script/interpreter.h"

namespace cad::script {

void throw_type_error(const std::string& message) {
  throw ScriptError(ErrorKind::Runtime, "TypeError", message);
}
void throw_value_error(const std::string& message) {
  throw ScriptError(ErrorKind::Runtime, "ValueError", message);
}
void throw_runtime(const std::string& type, const std::string& message) {
  throw ScriptError(ErrorKind::Runtime, type, message);
}
void throw_unsupported(const std::string& message) {
  throw ScriptError(ErrorKind::Unsupported, "NotImplementedError", message);
}
void throw_geometry(const std::string& message) {
  throw ScriptError(ErrorKind::Geometry, "GeometryError", message);
}

// ---- Value ----------------------------------------------------------------------------

bool Value::truthy() const {
  if (is_none()) return false;
  if (is_bool()) return as_bool();
  if (is_int()) return as_int() != 0;
  if (is_float()) return as_float() != 0.0;
  if (is_str()) return !as_str().empty();
  return as_object()->truthy();
}

std::string Value::type_name() const {
  if (is_none()) return "NoneType";
  if (is_bool()) return "bool";
  if (is_int()) return "int";
  if (is_float()) return "float";
  if (is_str()) return "str";
  return as_object()->type_name();
}

namespace {
std::string float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[40];
  for (int prec = 0; prec <= 16; ++prec) {  // shortest digits that read back exactly
    std::snprintf(buf, sizeof buf, "%.*e", prec, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  // buf is "[-]d[.ddd]e[+-]XX"; Python writes it positionally when -4 <= exponent < 16.
  std::string s = buf;
  std::size_t e = s.find('e');
  int exp = std::atoi(s.c_str() + e + 1);
  std::string sign = s[0] == '-' ? "-" : "";
  std::string mantissa = s.substr(sign.size(), e - sign.size());
  if (exp < -4 || exp >= 16) {
    char tail[16];
    std::snprintf(tail, sizeof tail, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    return sign + mantissa + tail;
  }
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits += c;
  std::size_t point = static_cast<std::size_t>(exp + 1);  // digits before the decimal point
  if (exp < 0) return sign + "0." + std::string(-exp - 1, '0') + digits;
  if (digits.size() <= point) return sign + digits + std::string(point - digits.size(), '0') + ".0";
  return sign + digits.substr(0, point) + "." + digits.substr(point);
}

std::string quote(const std::string& s) {
  bool has_single = s.find('\'') != std::string::npos,
       has_double = s.find('"') != std::string::npos;
  char q = has_single && !has_double ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == q || c == '\\')
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  return out + q;
}
}  // namespace

std::string Value::repr() const {
  if (is_none()) return "None";
  if (is_bool()) return as_bool() ? "True" : "False";
  if (is_int()) return std::to_string(as_int());
  if (is_float()) return float_repr(as_float());
  if (is_str()) return quote(as_str());
  return as_object()->repr();
}

std::string Value::str() const {
  if (is_str()) return as_str();
  if (is_object()) return as_object()->str();
  return repr();
}

// ---- Object defaults ------------------------------------------------------------------

Value Object::get_attr(Interpreter&, const std::string& name) {
  throw_runtime("AttributeError", "'" + type_name() + "' object has no attribute '" + name + "'");
}
void Object::set_attr(Interpreter&, const std::string& name, const Value&) {
  throw_runtime("AttributeError",
                "cannot set attribute '" + name + "' of '" + type_name() + "' object");
}
Value Object::call(Interpreter&, CallArgs&) {
  throw_type_error("'" + type_name() + "' object is not callable");
}
std::optional<Value> Object::binary_op(BinOp, const Value&, bool) {
  return std::nullopt;
}
std::string Object::repr() const {
  return "<" + type_name() + " object>";
}
Value Object::get_item(const Value&) {
  throw_type_error("'" + type_name() + "' object is not subscriptable");
}
bool Object::equals(const Value& other) const {
  return other.is_object() && other.as_object().get() == this;
}

// ---- Nested data ----------------------------------------------------------------------

namespace {
// Never destroyed: values held by other thread-locals (the current cq session) are freed at
// thread exit, after a destructible thread-local here would be gone.
thread_local std::vector<ObjectPtr>& release_pending = *new std::vector<ObjectPtr>();
thread_local bool releasing = false;
thread_local int nesting = 0;
thread_local std::vector<const Object*> repr_active;  // containers whose repr is being built

// Marks a container while its repr is built: one that contains itself prints as [...].
struct ReprScope {
  explicit ReprScope(const Object* o)
      : guard(), cycle(std::find(repr_active.begin(), repr_active.end(), o) != repr_active.end()) {
    if (!cycle) repr_active.push_back(o);
  }
  ~ReprScope() {
    if (!cycle) repr_active.pop_back();
  }
  NestingGuard guard;
  bool cycle;
};
}  // namespace

ReleaseQueue::ReleaseQueue() : outermost_(!releasing) {
  releasing = true;
}

void ReleaseQueue::add(Value& v) {
  if (v.is_object() && v.as_object().use_count() == 1) {
    release_pending.push_back(v.as_object());
    v = Value();
  }
}

ReleaseQueue::~ReleaseQueue() {
  if (!outermost_) return;
  while (!release_pending.empty()) {
    ObjectPtr last = std::move(release_pending.back());
    release_pending.pop_back();
    last.reset();  // its destructor queues its own children
  }
  releasing = false;
}

NestingGuard::NestingGuard() {
  if (++nesting > 1000) {
    --nesting;
    throw ScriptError(ErrorKind::Recursion, "RecursionError",
                      "maximum recursion depth exceeded while walking nested containers");
  }
}
NestingGuard::~NestingGuard() {
  --nesting;
}

// ---- Sequence -------------------------------------------------------------------------

Sequence::~Sequence() {
  ReleaseQueue queue;
  for (Value& v : items) queue.add(v);
}

Value make_list(std::vector<Value> items) {
  return Value(std::make_shared<Sequence>(false, std::move(items)));
}
Value make_tuple(std::vector<Value> items) {
  return Value(std::make_shared<Sequence>(true, std::move(items)));
}

namespace {
std::int64_t normalize_index(std::int64_t i, std::size_t size, const char* what) {
  std::int64_t n = static_cast<std::int64_t>(size);
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw_runtime("IndexError", std::string(what) + " index out of range");
  return i;
}
}  // namespace

std::string Sequence::repr() const {
  ReprScope scope(this);
  if (scope.cycle) return is_tuple ? "(...)" : "[...]";
  std::string s = is_tuple ? "(" : "[";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i].repr();
  if (is_tuple && items.size() == 1) s += ",";
  return s + (is_tuple ? ")" : "]");
}

Value Sequence::get_item(const Value& key) {
  if (key.is_int() || key.is_bool()) {
    std::int64_t i = key.is_bool() ? key.as_bool() : key.as_int();
    return items[normalize_index(i, items.size(), is_tuple ? "tuple" : "list")];
  }
  throw_type_error(std::string(is_tuple ? "tuple" : "list") +
                   " indices must be integers or slices, not " + key.type_name());
}

bool Sequence::equals(const Value& other) const {
  auto o = other.as<Sequence>();
  if (!o || o->is_tuple != is_tuple || o->items.size() != items.size()) return false;
  if (o.get() == this) return true;
  NestingGuard guard;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Value &a = items[i], &b = o->items[i];
    if (a.is_object() && b.is_object() && a.as_object() == b.as_object())
      continue;  // identity, as Python
    if (a.is_number() && b.is_number()) {
      double x = a.is_float() ? a.as_float() : a.is_int() ? double(a.as_int()) : a.as_bool();
      double y = b.is_float() ? b.as_float() : b.is_int() ? double(b.as_int()) : b.as_bool();
      if (x != y) return false;
    } else if (a.is_str() && b.is_str()) {
      if (a.as_str() != b.as_str()) return false;
    } else if (a.is_none() && b.is_none()) {
    } else if (a.is_object() && b.is_object()) {
      if (!a.as_object()->equals(b)) return false;
    } else {
      return false;
    }
  }
  return true;
}

std::optional<Value> Sequence::binary_op(BinOp op, const Value& rhs, bool reflected) {
  if (op == BinOp::Add) {
    auto o = rhs.as<Sequence>();
    if (!o || o->is_tuple != is_tuple) return std::nullopt;
    if (items.size() + o->items.size() > kMaxSequenceItems)
      throw_runtime("MemoryError", "sequence too large");
    std::vector<Value> out = reflected ? o->items : items;
    const auto& tail = reflected ? items : o->items;
    out.insert(out.end(), tail.begin(), tail.end());
    return is_tuple ? make_tuple(std::move(out)) : make_list(std::move(out));
  }
  if (op == BinOp::Mul && (rhs.is_int() || rhs.is_bool())) {
    std::int64_t n = rhs.is_int() ? rhs.as_int() : rhs.as_bool();
    if (items.empty() || n < 0) n = 0;  // [] * 10**18 must not loop 10**18 times
    // Divided rather than multiplied: [1, 2, 3, 4] * 2**62 would wrap around to 0.
    if (n > 0 && static_cast<std::uint64_t>(n) > kMaxSequenceItems / items.size())
      throw_runtime("MemoryError", "sequence repetition too large");
    std::vector<Value> out;
    out.reserve(items.size() * static_cast<std::size_t>(n));
    for (std::int64_t k = 0; k < n; ++k) out.insert(out.end(), items.begin(), items.end());
    return is_tuple ? make_tuple(std::move(out)) : make_list(std::move(out));
  }
  return std::nullopt;
}

Value Sequence::get_attr(Interpreter& in, const std::string& name) {
  auto self = std::static_pointer_cast<Sequence>(shared_from_this());
  auto method = [&](auto fn) {
    return Value(std::make_shared<Builtin>(
        name, [self, fn](Interpreter& in, CallArgs& a) { return fn(*self, in, a); }));
  };
  if (name == "index")
    return method([](Sequence& s, Interpreter&, CallArgs& a) -> Value {
      auto v = bind_args(a, "index", {Param("value")});
      for (std::size_t i = 0; i < s.items.size(); ++i) {
        Sequence probe(true, {s.items[i]});
        if (probe.equals(make_tuple({v[0]}))) return Value(static_cast<std::int64_t>(i));
      }
      throw_value_error(v[0].repr() + " is not in " + s.type_name());
    });
  if (name == "count")
    return method([](Sequence& s, Interpreter&, CallArgs& a) -> Value {
      auto v = bind_args(a, "count", {Param("value")});
      std::int64_t n = 0;
      for (auto& it : s.items) n += Sequence(true, {it}).equals(make_tuple({v[0]}));
      return Value(n);
    });
  if (is_tuple) return Object::get_attr(in, name);
  if (name == "append")
    return method([](Sequence& s, Interpreter&, CallArgs& a) -> Value {
      auto v = bind_args(a, "append", {Param("object")});
      if (s.items.size() > kMaxSequenceItems) throw_runtime("MemoryError", "list too large");
      s.items.push_back(v[0]);
      return Value();
    });
  if (name == "extend")
    return method([](Sequence& s, Interpreter&, CallArgs& a) -> Value {
      auto v = bind_args(a, "extend", {Param("iterable")});
      auto more = to_items(v[0], "list.extend");
      if (s.items.size() + more.size() > kMaxSequenceItems)
        throw_runtime("MemoryError", "list too large");
      s.items.insert(s.items.end(), more.begin(), more.end());
      return Value();
    });
  if (name == "insert")
    return method([](Sequence& s, Interpreter&, CallArgs& a) -> Value {
      auto v = bind_args(a, "insert", {Param("index"), Param("object")});
      std::int64_t i = to_int(v[0], "list.insert index"), n = s.items.size();
      if (i < 0) i = std::max<std::int64_t>(0, i + n);
      s.items.insert(s.items.begin() + std::min(i, n), v[1]);
      return Value();
    });
  if (name == "pop")
    return method([](Sequence& s, Interpreter&, CallArgs& a) -> Value {
      auto v = bind_args(a, "pop", {Param("index", Value(std::int64_t{-1}))});
      if (s.items.empty()) throw_runtime("IndexError", "pop from empty list");
      auto i = normalize_index(to_int(v[0], "list.pop index"), s.items.size(), "pop");
      Value out = s.items[i];
      s.items.erase(s.items.begin() + i);
      return out;
    });
  if (name == "sort")
    return method([](Sequence& s, Interpreter& in, CallArgs& a) -> Value {
      auto v = bind_args(a, "sort", {Param("key", Value()), Param("reverse", Value(false))});
      if (!a.positional.empty()) throw_type_error("sort() takes no positional arguments");
      s.items = sorted_items(in, s.items, v[0], v[1].truthy());
      return Value();
    });
  if (name == "remove")
    return method([](Sequence& s, Interpreter&, CallArgs& a) -> Value {
      auto v = bind_args(a, "remove", {Param("value")});
      for (auto it = s.items.begin(); it != s.items.end(); ++it)
        if (compare_values(Op::Eq, *it, v[0])) {
          s.items.erase(it);
          return Value();
        }
      throw_value_error("list.remove(x): x not in list");
    });
  if (name == "reverse")
    return method([](Sequence& s, Interpreter&, CallArgs& a) -> Value {
      bind_args(a, "reverse", {});
      std::reverse(s.items.begin(), s.items.end());
      return Value();
    });
  if (name == "copy")
    return method([](Sequence& s, Interpreter&, CallArgs& a) -> Value {
      bind_args(a, "copy", {});
      return make_list(s.items);
    });
  if (name == "clear")
    return method([](Sequence& s, Interpreter&, CallArgs& a) -> Value {
      bind_args(a, "clear", {});
      s.items.clear();
      return Value();
    });
  return Object::get_attr(in, name);
}

// ---- Dict -----------------------------------------------------------------------------

namespace {
bool keys_equal(const Value& a, const Value& b) {
  if (a.is_str() && b.is_str()) return a.as_str() == b.as_str();
  if (a.is_number() && b.is_number()) {
    double x = a.is_float() ? a.as_float() : a.is_int() ? double(a.as_int()) : a.as_bool();
    double y = b.is_float() ? b.as_float() : b.is_int() ? double(b.as_int()) : b.as_bool();
    return x == y;
  }
  if (a.is_none() && b.is_none()) return true;
  if (a.is_object() && b.is_object()) return a.as_object()->equals(b);
  return false;
}
}  // namespace

Dict::~Dict() {
  ReleaseQueue queue;
  for (auto& kv : items) {
    queue.add(kv.first);
    queue.add(kv.second);
  }
}

std::string Dict::repr() const {
  ReprScope scope(this);
  if (scope.cycle) return "{...}";
  std::string s = "{";
  for (std::size_t i = 0; i < items.size(); ++i)
    s += (i ? ", " : "") + items[i].first.repr() + ": " + items[i].second.repr();
  return s + "}";
}
std::optional<std::vector<Value>> Dict::iterate() const {
  std::vector<Value> keys;
  for (auto& kv : items) keys.push_back(kv.first);
  return keys;
}
Value Dict::get_item(const Value& key) {
  for (auto& kv : items)
    if (keys_equal(kv.first, key)) return kv.second;
  throw_runtime("KeyError", key.repr());
}
void Dict::set_item(const Value& key, const Value& v) {
  for (auto& kv : items)
    if (keys_equal(kv.first, key)) {
      kv.second = v;
      return;
    }
  items.emplace_back(key, v);
}
bool Dict::equals(const Value& other) const {
  auto o = other.as<Dict>();
  if (!o || o->items.size() != items.size()) return false;
  if (o.get() == this) return true;
  NestingGuard guard;
  for (const auto& kv : items) {
    auto it = std::find_if(o->items.begin(), o->items.end(),
                           [&](const auto& okv) { return keys_equal(okv.first, kv.first); });
    if (it == o->items.end() || !keys_equal(it->second, kv.second)) return false;
  }
  return true;
}
Value Dict::get_attr(Interpreter& in, const std::string& name) {
  auto self = std::static_pointer_cast<Dict>(shared_from_this());
  auto method = [&](auto fn) {
    return Value(std::make_shared<Builtin>(
        name, [self, fn](Interpreter&, CallArgs& a) { return fn(*self, a); }));
  };
  if (name == "get")
    return method([](Dict& d, CallArgs& a) -> Value {
      auto v = bind_args(a, "get", {Param("key"), Param("default", Value())});
      for (auto& kv : d.items)
        if (keys_equal(kv.first, v[0])) return kv.second;
      return v[1];
    });
  if (name == "keys" || name == "values" || name == "items")
    return method([name](Dict& d, CallArgs& a) -> Value {
      bind_args(a, name, {});
      std::vector<Value> out;
      for (auto& kv : d.items)
        out.push_back(name == "keys"     ? kv.first
                      : name == "values" ? kv.second
                                         : make_tuple({kv.first, kv.second}));
      return make_list(std::move(out));
    });
  return Object::get_attr(in, name);
}

// ---- Module ---------------------------------------------------------------------------

Value Module::get_attr(Interpreter& in, const std::string& attr) {
  for (auto& kv : attrs)
    if (kv.first == attr) return kv.second;
  throw_runtime("AttributeError", "module '" + name + "' has no attribute '" + attr + "'");
}
void Module::set(const std::string& attr, Value v) {
  for (auto& kv : attrs)
    if (kv.first == attr) {
      kv.second = std::move(v);
      return;
    }
  attrs.emplace_back(attr, std::move(v));
}

// ---- argument binding and conversions -------------------------------------------------

std::vector<Value> bind_args(const CallArgs& args, const std::string& function,
                             std::initializer_list<Param> params) {
  std::vector<Value> out(params.size());
  std::vector<bool> set(params.size(), false);
  if (args.positional.size() > params.size())
    throw_type_error(function + "() takes " + std::to_string(params.size()) +
                     " positional arguments but " + std::to_string(args.positional.size()) +
                     " were given");
  for (std::size_t i = 0; i < args.positional.size(); ++i) {
    out[i] = args.positional[i];
    set[i] = true;
  }
  for (const auto& [name, value] : args.keywords) {
    std::size_t i = 0;
    for (const Param& p : params) {
      if (name == p.name) break;
      ++i;
    }
    if (i == params.size())
      throw_type_error(function + "() got an unexpected keyword argument '" + name + "'");
    if (set[i]) throw_type_error(function + "() got multiple values for argument '" + name + "'");
    out[i] = value;
    set[i] = true;
  }
  std::size_t i = 0;
  for (const Param& p : params) {
    if (!set[i]) {
      if (!p.def) throw_type_error(function + "() missing required argument: '" + p.name + "'");
      out[i] = *p.def;
    }
    ++i;
  }
  return out;
}

double to_float(const Value& v, const std::string& what) {
  if (v.is_float()) return v.as_float();
  if (v.is_int()) return static_cast<double>(v.as_int());
  if (v.is_bool()) return v.as_bool() ? 1.0 : 0.0;
  throw_type_error(what + " must be a number, not " + v.type_name());
}

std::int64_t to_int(const Value& v, const std::string& what) {
  if (v.is_int()) return v.as_int();
  if (v.is_bool()) return v.as_bool();
  if (v.is_float() && std::floor(v.as_float()) == v.as_float() && std::isfinite(v.as_float()))
    throw_type_error(what + " must be an integer, not float");
  throw_type_error(what + " must be an integer, not " + v.type_name());
}

const std::string& to_str(const Value& v, const std::string& what) {
  if (!v.is_str()) throw_type_error(what + " must be a string, not " + v.type_name());
  return v.as_str();
}

std::string utf8_encode(std::uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

bool is_ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

std::vector<std::string> utf8_chars(const std::string& s) {
  std::vector<std::string> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 1;
    if (i + n > s.size()) n = 1;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) n = 1;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::vector<Value> to_items(const Value& v, const std::string& what) {
  if (v.is_object())
    if (auto items = v.as_object()->iterate()) return *items;
  if (v.is_str()) {
    std::vector<Value> chars;
    for (auto& c : utf8_chars(v.as_str())) chars.emplace_back(std::move(c));
    return chars;
  }
  throw_type_error(what + ": '" + v.type_name() + "' object is not iterable");
}

std::int64_t python_len(const Value& v) {
  if (v.is_str()) {
    const std::string& s = v.as_str();
    return static_cast<std::int64_t>(is_ascii(s) ? s.size() : utf8_chars(s).size());
  }
  if (v.is_object())
    if (auto n = v.as_object()->length()) return *n;
  return static_cast<std::int64_t>(to_items(v, "len()").size());
}

}  // namespace cad::script
