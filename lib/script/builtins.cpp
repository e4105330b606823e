// Built-in functions, math/typing modules and primitive operators of the Python subset.
#include "script/builtins.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

namespace cad::script {
namespace {

bool is_num(const Value& v) {
  return v.is_int() || v.is_float() || v.is_bool();
}
bool is_intlike(const Value& v) {
  return v.is_int() || v.is_bool();
}
std::int64_t ival(const Value& v) {
  return v.is_bool() ? v.as_bool() : v.as_int();
}
double fval(const Value& v) {
  return v.is_float() ? v.as_float() : static_cast<double>(ival(v));
}

/// What iter() returns: the items of its argument, taken when it was made, handed out one at a
/// time by next(); a for loop or list() over it takes what is left, as Python's iterators do.
struct ListIterator : Object {
  explicit ListIterator(std::vector<Value> v) : items(std::move(v)) {}
  std::vector<Value> items;
  mutable std::size_t pos = 0;
  std::string type_name() const override { return "list_iterator"; }
  std::optional<std::vector<Value>> iterate() const override {
    std::vector<Value> rest(items.begin() + static_cast<std::ptrdiff_t>(pos), items.end());
    pos = items.size();
    return rest;
  }
};

[[noreturn]] void zero_division(const char* what) {
  throw_runtime("ZeroDivisionError", what);
}
[[noreturn]] void overflow() {
  throw_runtime("OverflowError", "integer result too large");
}

// Integer arithmetic with Python's overflow reported instead of wrapping.
std::int64_t checked_add(std::int64_t x, std::int64_t y) {
  std::int64_t r;
  if (__builtin_add_overflow(x, y, &r)) overflow();
  return r;
}
std::int64_t checked_sub(std::int64_t x, std::int64_t y) {
  std::int64_t r;
  if (__builtin_sub_overflow(x, y, &r)) overflow();
  return r;
}
std::int64_t checked_mul(std::int64_t x, std::int64_t y) {
  std::int64_t r;
  if (__builtin_mul_overflow(x, y, &r)) overflow();
  return r;
}

std::int64_t int_pow(std::int64_t base, std::int64_t exp) {
  std::int64_t result = 1;
  while (exp > 0) {
    if (exp & 1) result = checked_mul(result, base);
    exp >>= 1;
    if (exp) base = checked_mul(base, base);
  }
  return result;
}

const char* op_symbol(Op op) {
  switch (op) {
    case Op::Add:
      return "+";
    case Op::Sub:
      return "-";
    case Op::Mul:
      return "*";
    case Op::Div:
      return "/";
    case Op::FloorDiv:
      return "//";
    case Op::Mod:
      return "%";
    case Op::Pow:
      return "**";
    case Op::BitAnd:
      return "&";
    case Op::BitOr:
      return "|";
    case Op::BitXor:
      return "^";
    case Op::LShift:
      return "<<";
    case Op::RShift:
      return ">>";
    default:
      return "?";
  }
}

std::optional<BinOp> host_op(Op op) {
  switch (op) {
    case Op::Add:
      return BinOp::Add;
    case Op::Sub:
      return BinOp::Sub;
    case Op::Mul:
      return BinOp::Mul;
    case Op::Div:
      return BinOp::Div;
    case Op::FloorDiv:
      return BinOp::FloorDiv;
    case Op::Mod:
      return BinOp::Mod;
    case Op::Pow:
      return BinOp::Pow;
    case Op::BitAnd:
      return BinOp::BitAnd;
    case Op::BitOr:
      return BinOp::BitOr;
    case Op::BitXor:
      return BinOp::BitXor;
    default:
      return std::nullopt;
  }
}

std::string printf_format(const std::string& fmt, const Value& args);

Value numeric(Op op, const Value& a, const Value& b) {
  if (is_intlike(a) && is_intlike(b)) {
    std::int64_t x = ival(a), y = ival(b);
    switch (op) {
      case Op::Add:
        return Value(checked_add(x, y));
      case Op::Sub:
        return Value(checked_sub(x, y));
      case Op::Mul:
        return Value(checked_mul(x, y));
      case Op::Div:
        if (y == 0) zero_division("division by zero");
        return Value(static_cast<double>(x) / static_cast<double>(y));
      case Op::FloorDiv: {
        if (y == 0) zero_division("integer division or modulo by zero");
        std::int64_t q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
        return Value(q);
      }
      case Op::Mod: {
        if (y == 0) zero_division("integer division or modulo by zero");
        std::int64_t m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        return Value(m);
      }
      case Op::Pow:
        if (y < 0) {
          if (x == 0) zero_division("0.0 cannot be raised to a negative power");
          return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
        }
        return Value(int_pow(x, y));
      case Op::BitAnd:
        return Value(x & y);
      case Op::BitOr:
        return Value(x | y);
      case Op::BitXor:
        return Value(x ^ y);
      case Op::LShift:
        if (y < 0) throw_value_error("negative shift count");
        if (y >= 63 || (x != 0 && (std::abs(x) >> (62 - y)) != 0)) overflow();
        return Value(x << y);
      case Op::RShift:
        if (y < 0) throw_value_error("negative shift count");
        return Value(y >= 63 ? (x < 0 ? -1 : 0) : x >> y);
      default:
        break;
    }
  }
  double x = fval(a), y = fval(b);
  switch (op) {
    case Op::Add:
      return Value(x + y);
    case Op::Sub:
      return Value(x - y);
    case Op::Mul:
      return Value(x * y);
    case Op::Div:
      if (y == 0) zero_division("float division by zero");
      return Value(x / y);
    case Op::FloorDiv:
      if (y == 0) zero_division("float floor division by zero");
      return Value(std::floor(x / y));
    case Op::Mod: {
      if (y == 0) zero_division("float modulo");
      double m = std::fmod(x, y);
      if (m != 0 && ((m < 0) != (y < 0))) m += y;
      return Value(m);
    }
    case Op::Pow: {
      if (x == 0 && y < 0) zero_division("0.0 cannot be raised to a negative power");
      if (x < 0 && std::floor(y) != y)
        throw_unsupported("a negative number raised to a fractional power is complex");
      double r = std::pow(x, y);
      if (std::isinf(r) && std::isfinite(x) && std::isfinite(y))
        throw_runtime("OverflowError", "numerical result out of range");
      return Value(r);
    }
    default:
      throw_type_error(std::string("unsupported operand type(s) for ") + op_symbol(op) +
                       ": 'float' and 'float'");
  }
}

int three_way(const Value& a, const Value& b, bool& ok);

int compare_sequences(const Sequence& x, const Sequence& y, bool& ok) {
  NestingGuard guard;
  std::size_t n = std::min(x.items.size(), y.items.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Value &a = x.items[i], &b = y.items[i];
    if (a.is_object() && b.is_object() && a.as_object() == b.as_object()) continue;  // identity
    int c = three_way(a, b, ok);
    if (!ok || c != 0) return c;
  }
  return x.items.size() < y.items.size() ? -1 : x.items.size() > y.items.size() ? 1 : 0;
}

int three_way(const Value& a, const Value& b, bool& ok) {
  ok = true;
  if (is_num(a) && is_num(b)) {
    if (is_intlike(a) && is_intlike(b)) return ival(a) < ival(b) ? -1 : ival(a) > ival(b);
    double x = fval(a), y = fval(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_str() && b.is_str())
    return a.as_str().compare(b.as_str()) < 0 ? -1 : a.as_str() == b.as_str() ? 0 : 1;
  auto x = a.as<Sequence>(), y = b.as<Sequence>();
  if (x && y && x->is_tuple == y->is_tuple) return compare_sequences(*x, *y, ok);
  ok = false;
  return 0;
}

// ---- builtin functions ----

Value builtin(Interpreter& in, const std::string& name, Builtin::Fn fn) {
  auto b = std::make_shared<Builtin>(name, std::move(fn));
  in.set_builtin(name, Value(b));
  return Value(b);
}

Value to_number(const Value& v, bool want_int) {
  if (is_num(v)) {
    if (!want_int) return Value(fval(v));
    if (is_intlike(v)) return Value(ival(v));
    double d = v.as_float();
    if (!std::isfinite(d) || std::fabs(d) > 9.2e18)
      throw_runtime("OverflowError", "cannot convert float to integer");
    return Value(static_cast<std::int64_t>(std::trunc(d)));
  }
  if (v.is_str()) {
    std::string s = v.as_str();
    s.erase(0, s.find_first_not_of(" \t\n"));
    s.erase(s.find_last_not_of(" \t\n") + 1);
    char* end = nullptr;
    if (want_int) {
      long long i = std::strtoll(s.c_str(), &end, 10);
      if (!s.empty() && end && *end == '\0') return Value(static_cast<std::int64_t>(i));
      throw_value_error("invalid literal for int() with base 10: " + v.repr());
    }
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end && *end == '\0') return Value(d);
    throw_value_error("could not convert string to float: " + v.repr());
  }
  throw_type_error(std::string(want_int ? "int" : "float") +
                   "() argument must be a string or a number, not '" + v.type_name() + "'");
}

double round_half_even(double x, std::int64_t digits) {
  if (!std::isfinite(x) || digits > 330) return x;
  if (digits >= 0) {
    // printf rounds the exact binary value half-to-even, as Python's round does
    // (round(2.675, 2) is 2.67 because 2.675 is stored as 2.67499999...).
    int n = std::snprintf(nullptr, 0, "%.*f", static_cast<int>(digits), x);
    std::string text(static_cast<std::size_t>(n) + 1, '\0');
    std::snprintf(text.data(), text.size(), "%.*f", static_cast<int>(digits), x);
    return std::strtod(text.c_str(), nullptr);
  }
  double scale = std::pow(10.0, static_cast<double>(-digits));
  if (std::isinf(scale)) return 0.0 * x;
  return std::nearbyint(x / scale) * scale;
}

// round(int, negative ndigits): nearest multiple of 10**-ndigits, ties to even.
std::int64_t round_int(std::int64_t x, std::int64_t digits) {
  if (digits >= 0) return x;
  if (digits < -18) return 0;
  std::int64_t scale = int_pow(10, -digits);
  std::int64_t q = x / scale, r = x % scale;
  if (r < 0) --q, r += scale;  // floor division
  if (2 * r > scale || (2 * r == scale && q % 2 != 0)) ++q;
  return checked_mul(q, scale);
}

Value min_max(CallArgs& a, bool is_max, Interpreter& in) {
  std::vector<Value> items;
  if (a.positional.size() == 1)
    items = to_items(a.positional[0], is_max ? "max()" : "min()");
  else
    items = a.positional;
  Value key, def;
  bool has_default = false;
  for (auto& [k, v] : a.keywords) {
    if (k == "key")
      key = v;
    else if (k == "default")
      def = v, has_default = true;
    else
      throw_type_error(std::string(is_max ? "max" : "min") +
                       "() got an unexpected keyword argument '" + k + "'");
  }
  if (items.empty()) {
    if (has_default) return def;
    throw_value_error(std::string(is_max ? "max" : "min") + "() arg is an empty sequence");
  }
  auto keyed = [&](const Value& v) {
    if (key.is_none()) return v;
    CallArgs ka;
    ka.positional.push_back(v);
    return in.call(key, ka);
  };
  Value best = items[0], best_key = keyed(items[0]);
  for (std::size_t i = 1; i < items.size(); ++i) {
    Value k = keyed(items[i]);
    if (compare_values(is_max ? Op::Gt : Op::Lt, k, best_key)) best = items[i], best_key = k;
  }
  return best;
}

void install_functions(Interpreter& in) {
  builtin(in, "print", [](Interpreter& in, CallArgs& a) {
    std::string sep = " ", end = "\n", out;
    for (auto& [k, v] : a.keywords) {
      if (k == "sep")
        sep = v.str();
      else if (k == "end")
        end = v.str();
    }
    for (std::size_t i = 0; i < a.positional.size(); ++i)
      out += (i ? sep : "") + a.positional[i].str();
    in.append_output(out + end);
    return Value();
  });
  builtin(in, "range", [](Interpreter&, CallArgs& a) {
    if (a.positional.empty() || a.positional.size() > 3 || !a.keywords.empty())
      throw_type_error("range expected 1 to 3 integer arguments");
    std::int64_t start = 0, stop, step = 1;
    if (a.positional.size() == 1) {
      stop = to_int(a.positional[0], "range() argument");
    } else {
      start = to_int(a.positional[0], "range() argument");
      stop = to_int(a.positional[1], "range() argument");
      if (a.positional.size() == 3) step = to_int(a.positional[2], "range() argument");
    }
    if (step == 0) throw_value_error("range() arg 3 must not be zero");
    // The length first, so that range(10**9) fails before allocating anything.
    long double span =
        step > 0 ? static_cast<long double>(stop) - start : static_cast<long double>(start) - stop;
    long double count = span <= 0 ? 0 : std::ceil(span / std::fabs(static_cast<long double>(step)));
    if (count > kMaxSequenceItems) throw_runtime("MemoryError", "range too large");
    std::vector<Value> items;
    items.reserve(static_cast<std::size_t>(count));
    for (std::int64_t k = 0; k < static_cast<std::int64_t>(count); ++k)
      items.emplace_back(start + k * step);
    return make_list(std::move(items));
  });
  builtin(in, "iter", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "iter", {Param("object")});
    if (v[0].as<ListIterator>()) return v[0];  // an iterator is its own iterator
    return Value(std::make_shared<ListIterator>(to_items(v[0], "iter()")));
  });
  builtin(in, "next", [](Interpreter&, CallArgs& a) {
    if (a.positional.empty() || a.positional.size() > 2 || !a.keywords.empty())
      throw_type_error("next() takes an iterator and an optional default");
    auto it = a.positional[0].as<ListIterator>();
    if (!it) throw_type_error("'" + a.positional[0].type_name() + "' object is not an iterator");
    if (it->pos < it->items.size()) return it->items[it->pos++];
    if (a.positional.size() == 2) return a.positional[1];
    throw_runtime("StopIteration", "");
  });
  builtin(in, "len", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "len", {Param("obj")});
    return Value(python_len(v[0]));
  });
  builtin(in, "ord", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "ord", {Param("c")});
    const std::string& s = to_str(v[0], "ord()");
    const auto chars = utf8_chars(s);
    if (chars.size() != 1)
      throw_type_error("ord() expected a character, but string of length " +
                       std::to_string(chars.size()) + " found");
    const std::string& c = chars[0];
    auto b = [&](std::size_t i) { return static_cast<unsigned char>(c[i]); };
    std::int64_t cp = b(0);
    if (c.size() == 2) cp = ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    if (c.size() == 3) cp = ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    if (c.size() == 4)
      cp = ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    return Value(cp);
  });
  builtin(in, "chr", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "chr", {Param("i")});
    const std::int64_t cp = to_int(v[0], "chr()");
    if (cp < 0 || cp > 0x10FFFF) throw_value_error("chr() arg not in range(0x110000)");
    return Value(utf8_encode(static_cast<std::uint32_t>(cp)));
  });
  builtin(in, "abs", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "abs", {Param("x")});
    if (is_intlike(v[0])) {
      if (ival(v[0]) == INT64_MIN) overflow();
      return Value(std::abs(ival(v[0])));
    }
    if (v[0].is_float()) return Value(std::fabs(v[0].as_float()));
    throw_type_error("bad operand type for abs(): '" + v[0].type_name() + "'");
  });
  builtin(in, "min", [](Interpreter& in, CallArgs& a) { return min_max(a, false, in); });
  builtin(in, "max", [](Interpreter& in, CallArgs& a) { return min_max(a, true, in); });
  builtin(in, "round", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "round", {Param("number"), Param("ndigits", Value())});
    if (v[1].is_none()) {
      if (is_intlike(v[0])) return Value(ival(v[0]));
      double r = round_half_even(to_float(v[0], "round() argument"), 0);
      return to_number(Value(r), true);
    }
    std::int64_t nd = to_int(v[1], "round() ndigits");
    if (is_intlike(v[0])) return Value(round_int(ival(v[0]), nd));
    return Value(round_half_even(to_float(v[0], "round() argument"), nd));
  });
  builtin(in, "int", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "int", {Param("x", Value(std::int64_t{0}))});
    return to_number(v[0], true);
  });
  builtin(in, "float", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "float", {Param("x", Value(0.0))});
    if (v[0].is_str()) {
      std::string s = v[0].as_str();
      if (s == "inf" || s == "Infinity") return Value(std::numeric_limits<double>::infinity());
      if (s == "-inf") return Value(-std::numeric_limits<double>::infinity());
      if (s == "nan") return Value(std::numeric_limits<double>::quiet_NaN());
    }
    return to_number(v[0], false);
  });
  builtin(in, "str", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "str", {Param("object", Value(""))});
    return Value(v[0].str());
  });
  builtin(in, "repr", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "repr", {Param("object")});
    return Value(v[0].repr());
  });
  builtin(in, "bool", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "bool", {Param("x", Value(false))});
    return Value(v[0].truthy());
  });
  builtin(in, "list", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "list", {Param("iterable", make_list({}))});
    return make_list(to_items(v[0], "list()"));
  });
  builtin(in, "tuple", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "tuple", {Param("iterable", make_tuple({}))});
    return make_tuple(to_items(v[0], "tuple()"));
  });
  builtin(in, "dict", [](Interpreter&, CallArgs& a) {
    auto d = std::make_shared<Dict>();
    if (a.positional.size() > 1) throw_type_error("dict expected at most 1 argument");
    if (!a.positional.empty()) {
      if (auto src = a.positional[0].as<Dict>()) {
        d->items = src->items;
      } else {
        for (const Value& kv : to_items(a.positional[0], "dict()")) {
          auto pair = to_items(kv, "dict() item");
          if (pair.size() != 2)
            throw_value_error("dictionary update sequence element has wrong length");
          d->set_item(pair[0], pair[1]);
        }
      }
    }
    for (auto& [k, v] : a.keywords) d->set_item(Value(k), v);
    return Value(d);
  });
  builtin(in, "enumerate", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "enumerate", {Param("iterable"), Param("start", Value(std::int64_t{0}))});
    std::int64_t i = to_int(v[1], "enumerate() start");
    std::vector<Value> out;
    for (const Value& x : to_items(v[0], "enumerate()")) out.push_back(make_tuple({Value(i++), x}));
    return make_list(std::move(out));
  });
  builtin(in, "zip", [](Interpreter&, CallArgs& a) {
    std::vector<std::vector<Value>> seqs;
    for (const Value& v : a.positional) seqs.push_back(to_items(v, "zip()"));
    std::size_t n = seqs.empty() ? 0 : std::numeric_limits<std::size_t>::max();
    for (auto& s : seqs) n = std::min(n, s.size());
    std::vector<Value> out;
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<Value> row;
      for (auto& s : seqs) row.push_back(s[i]);
      out.push_back(make_tuple(std::move(row)));
    }
    return make_list(std::move(out));
  });
  builtin(in, "sum", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "sum", {Param("iterable"), Param("start", Value(std::int64_t{0}))});
    Value acc = v[1];
    for (const Value& x : to_items(v[0], "sum()")) acc = binary_op(Op::Add, acc, x);
    return acc;
  });
  builtin(in, "sorted", [](Interpreter& in, CallArgs& a) {
    auto v = bind_args(a, "sorted",
                       {Param("iterable"), Param("key", Value()), Param("reverse", Value(false))});
    return make_list(sorted_items(in, to_items(v[0], "sorted()"), v[1], v[2].truthy()));
  });
  builtin(in, "reversed", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "reversed", {Param("sequence")});
    auto items = to_items(v[0], "reversed()");
    std::reverse(items.begin(), items.end());
    return make_list(std::move(items));
  });
  builtin(in, "any", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "any", {Param("iterable")});
    for (const Value& x : to_items(v[0], "any()"))
      if (x.truthy()) return Value(true);
    return Value(false);
  });
  builtin(in, "all", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "all", {Param("iterable")});
    for (const Value& x : to_items(v[0], "all()"))
      if (!x.truthy()) return Value(false);
    return Value(true);
  });
  builtin(in, "map", [](Interpreter& in, CallArgs& a) {
    if (a.positional.size() < 2) throw_type_error("map() must have at least two arguments.");
    std::vector<std::vector<Value>> seqs;
    for (std::size_t i = 1; i < a.positional.size(); ++i)
      seqs.push_back(to_items(a.positional[i], "map()"));
    std::size_t n = std::numeric_limits<std::size_t>::max();
    for (auto& s : seqs) n = std::min(n, s.size());
    std::vector<Value> out;
    for (std::size_t i = 0; i < n; ++i) {
      CallArgs ca;
      for (auto& s : seqs) ca.positional.push_back(s[i]);
      out.push_back(in.call(a.positional[0], ca));
    }
    return make_list(std::move(out));
  });
  builtin(in, "filter", [](Interpreter& in, CallArgs& a) {
    auto v = bind_args(a, "filter", {Param("function"), Param("iterable")});
    std::vector<Value> out;
    for (const Value& x : to_items(v[1], "filter()")) {
      bool keep;
      if (v[0].is_none()) {
        keep = x.truthy();
      } else {
        CallArgs ca;
        ca.positional.push_back(x);
        keep = in.call(v[0], ca).truthy();
      }
      if (keep) out.push_back(x);
    }
    return make_list(std::move(out));
  });
  builtin(in, "pow", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "pow", {Param("base"), Param("exp")});
    return binary_op(Op::Pow, v[0], v[1]);
  });
  builtin(in, "divmod", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "divmod", {Param("a"), Param("b")});
    return make_tuple({binary_op(Op::FloorDiv, v[0], v[1]), binary_op(Op::Mod, v[0], v[1])});
  });
  builtin(in, "format", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "format", {Param("value"), Param("format_spec", Value(""))});
    return Value(format_value(v[0], to_str(v[1], "format_spec")));
  });
  builtin(in, "isinstance", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "isinstance", {Param("obj"), Param("class_or_tuple")});
    std::vector<Value> types =
        v[1].as<Sequence>() ? v[1].as<Sequence>()->items : std::vector<Value>{v[1]};
    std::string tn = v[0].type_name();
    for (const Value& t : types) {
      if (t.is_object())
        if (auto decided = t.as_object()->instance_check(v[0])) {
          if (*decided) return Value(true);
          continue;
        }
      std::string name;
      if (auto b = t.as<Builtin>())
        name = b->name;
      else if (t.is_object())
        name = t.type_name() == "type" ? t.repr() : "";
      if (name.empty()) continue;
      if (name == tn || (name == "int" && tn == "bool")) return Value(true);
      if (name == "tuple" && v[0].as<Sequence>() && v[0].as<Sequence>()->is_tuple)
        return Value(true);  // a namedtuple is a tuple
      if (t.is_object() && t.repr() == "<class '" + tn + "'>") return Value(true);
    }
    return Value(false);
  });
  for (const char* e : {"Exception", "BaseException", "ValueError", "TypeError", "RuntimeError",
                        "ZeroDivisionError", "IndexError", "KeyError", "AttributeError",
                        "NameError", "AssertionError", "NotImplementedError", "ArithmeticError",
                        "LookupError", "OverflowError", "StopIteration", "GeometryError"})
    in.set_builtin(e, make_exception_type(e));
}

// ---- math and typing ----

Value math_fn1(const char* name, double (*f)(double)) {
  std::string n = name;
  return Value(std::make_shared<Builtin>(n, [n, f](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, n, {Param("x")});
    double x = to_float(v[0], "math." + n + "() argument");
    double r = f(x);
    if (std::isnan(r) && !std::isnan(x)) throw_value_error("math domain error");
    return Value(r);
  }));
}

Value make_math(Interpreter&) {
  auto m = std::make_shared<Module>("math");
  m->set("pi", Value(M_PI));
  m->set("e", Value(M_E));
  m->set("tau", Value(2 * M_PI));
  m->set("inf", Value(std::numeric_limits<double>::infinity()));
  m->set("nan", Value(std::numeric_limits<double>::quiet_NaN()));
  struct F {
    const char* name;
    double (*f)(double);
  };
  static const F fns[] = {
      {"sqrt", [](double x) { return x < 0 ? NAN : std::sqrt(x); }},
      {"sin", [](double x) { return std::sin(x); }},
      {"cos", [](double x) { return std::cos(x); }},
      {"tan", [](double x) { return std::tan(x); }},
      {"asin", [](double x) { return std::asin(x); }},
      {"acos", [](double x) { return std::acos(x); }},
      {"atan", [](double x) { return std::atan(x); }},
      {"sinh", [](double x) { return std::sinh(x); }},
      {"cosh", [](double x) { return std::cosh(x); }},
      {"tanh", [](double x) { return std::tanh(x); }},
      {"exp", [](double x) { return std::exp(x); }},
      {"log10", [](double x) { return x <= 0 ? NAN : std::log10(x); }},
      {"log2", [](double x) { return x <= 0 ? NAN : std::log2(x); }},
      {"fabs", [](double x) { return std::fabs(x); }},
      {"radians", [](double x) { return x * M_PI / 180.0; }},
      {"degrees", [](double x) { return x * 180.0 / M_PI; }},
  };
  for (const F& f : fns) m->set(f.name, math_fn1(f.name, f.f));
  auto fn = [&](const std::string& name, Builtin::Fn f) {
    m->set(name, Value(std::make_shared<Builtin>(name, std::move(f))));
  };
  auto int_result = [](double d, const char* what) {
    if (!std::isfinite(d))
      throw_runtime("OverflowError", std::string("cannot convert ") + what + " to integer");
    return Value(static_cast<std::int64_t>(d));
  };
  fn("floor", [int_result](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "floor", {Param("x")});
    return is_intlike(v[0]) ? Value(ival(v[0]))
                            : int_result(std::floor(to_float(v[0], "math.floor()")), "float");
  });
  fn("ceil", [int_result](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "ceil", {Param("x")});
    return is_intlike(v[0]) ? Value(ival(v[0]))
                            : int_result(std::ceil(to_float(v[0], "math.ceil()")), "float");
  });
  fn("trunc", [int_result](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "trunc", {Param("x")});
    return is_intlike(v[0]) ? Value(ival(v[0]))
                            : int_result(std::trunc(to_float(v[0], "math.trunc()")), "float");
  });
  fn("atan2", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "atan2", {Param("y"), Param("x")});
    return Value(std::atan2(to_float(v[0], "y"), to_float(v[1], "x")));
  });
  fn("hypot", [](Interpreter&, CallArgs& a) {
    double s = 0;
    for (const Value& x : a.positional)
      s += fval(Value(to_float(x, "math.hypot() argument"))) * to_float(x, "");
    return Value(std::sqrt(s));
  });
  fn("pow", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "pow", {Param("x"), Param("y")});
    return numeric(Op::Pow, Value(to_float(v[0], "x")), Value(to_float(v[1], "y")));
  });
  fn("fmod", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "fmod", {Param("x"), Param("y")});
    double y = to_float(v[1], "y");
    if (y == 0) throw_value_error("math domain error");
    return Value(std::fmod(to_float(v[0], "x"), y));
  });
  fn("copysign", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "copysign", {Param("x"), Param("y")});
    return Value(std::copysign(to_float(v[0], "x"), to_float(v[1], "y")));
  });
  fn("log", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "log", {Param("x"), Param("base", Value())});
    double x = to_float(v[0], "x");
    if (x <= 0) throw_value_error("math domain error");
    if (v[1].is_none()) return Value(std::log(x));
    return Value(std::log(x) / std::log(to_float(v[1], "base")));
  });
  fn("isclose", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(
        a, "isclose",
        {Param("a"), Param("b"), Param("rel_tol", Value(1e-9)), Param("abs_tol", Value(0.0))});
    double x = to_float(v[0], "a"), y = to_float(v[1], "b");
    double tol = std::max(to_float(v[2], "rel_tol") * std::max(std::fabs(x), std::fabs(y)),
                          to_float(v[3], "abs_tol"));
    return Value(x == y || std::fabs(x - y) <= tol);
  });
  fn("isnan", [](Interpreter&, CallArgs& a) {
    return Value(std::isnan(to_float(bind_args(a, "isnan", {Param("x")})[0], "x")));
  });
  fn("isinf", [](Interpreter&, CallArgs& a) {
    return Value(std::isinf(to_float(bind_args(a, "isinf", {Param("x")})[0], "x")));
  });
  fn("isfinite", [](Interpreter&, CallArgs& a) {
    return Value(std::isfinite(to_float(bind_args(a, "isfinite", {Param("x")})[0], "x")));
  });
  fn("gcd", [](Interpreter&, CallArgs& a) {
    auto v = bind_args(a, "gcd", {Param("a"), Param("b")});
    return Value(static_cast<std::int64_t>(std::gcd(to_int(v[0], "a"), to_int(v[1], "b"))));
  });
  fn("factorial", [](Interpreter&, CallArgs& a) {
    std::int64_t n = to_int(bind_args(a, "factorial", {Param("n")})[0], "n");
    if (n < 0) throw_value_error("factorial() not defined for negative values");
    std::int64_t r = 1;
    for (std::int64_t i = 2; i <= n; ++i) r = checked_mul(r, i);
    return Value(r);
  });
  return Value(m);
}

/// `List`, `Tuple[float, float]`, ...: subscriptable placeholders; annotations are never evaluated
/// but `from typing import List` must bind something.
struct TypingAlias : Object {
  explicit TypingAlias(std::string n) : name(std::move(n)) {}
  std::string name;
  std::string type_name() const override { return "typing." + name; }
  Value get_item(const Value&) override { return Value(shared_from_this()); }
  Value call(Interpreter&, CallArgs& a) override {
    if (name == "cast" && a.positional.size() == 2) return a.positional[1];
    throw_type_error("typing." + name + " is not callable");
  }
};

Value make_typing(Interpreter&) {
  auto m = std::make_shared<Module>("typing");
  for (const char* n : {"List", "Tuple", "Dict", "Optional", "Union", "Any", "Sequence", "Callable",
                        "Iterable", "Set", "Type", "Literal", "cast", "Final", "TypeVar"})
    m->set(n, Value(std::make_shared<TypingAlias>(n)));
  return Value(m);
}

// ---- collections.namedtuple ----

struct NamedTupleType;

/// An instance of a namedtuple class: a tuple whose items are also named attributes.
struct NamedTuple : Sequence {
  NamedTuple(std::shared_ptr<NamedTupleType> type, std::vector<Value> items)
      : Sequence(true, std::move(items)), type(std::move(type)) {}
  std::shared_ptr<NamedTupleType> type;
  std::string type_name() const override;
  std::string repr() const override;
  Value get_attr(Interpreter& in, const std::string& name) override;
};

/// The class collections.namedtuple(typename, field_names, defaults=...) returns.
struct NamedTupleType : Object {
  std::string name;
  std::vector<std::string> fields;
  std::vector<Value> defaults;  // for the last fields
  std::string type_name() const override { return "type"; }
  std::string repr() const override { return "<class '__main__." + name + "'>"; }
  std::optional<bool> instance_check(const Value& v) const override {
    auto t = v.as<NamedTuple>();
    return t && t->type.get() == this;
  }
  Value make(std::vector<Value> items) {
    return Value(std::make_shared<NamedTuple>(
        std::static_pointer_cast<NamedTupleType>(shared_from_this()), std::move(items)));
  }
  Value call(Interpreter&, CallArgs& args) override {
    std::vector<std::optional<Value>> slots(fields.size());
    if (args.positional.size() > fields.size())
      throw_type_error(name + "() takes " + std::to_string(fields.size()) +
                       " positional arguments but " + std::to_string(args.positional.size()) +
                       " were given");
    for (std::size_t i = 0; i < args.positional.size(); ++i) slots[i] = args.positional[i];
    for (auto& [k, v] : args.keywords) {
      auto it = std::find(fields.begin(), fields.end(), k);
      if (it == fields.end())
        throw_type_error(name + "() got an unexpected keyword argument '" + k + "'");
      auto& slot = slots[static_cast<std::size_t>(it - fields.begin())];
      if (slot) throw_type_error(name + "() got multiple values for argument '" + k + "'");
      slot = v;
    }
    std::vector<Value> items;
    const std::size_t first_default = fields.size() - defaults.size();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (!slots[i] && i >= first_default) slots[i] = defaults[i - first_default];
      if (!slots[i]) throw_type_error(name + "() missing required argument: '" + fields[i] + "'");
      items.push_back(*slots[i]);
    }
    return make(std::move(items));
  }
  Value get_attr(Interpreter& in, const std::string& attr) override {
    if (attr == "_fields") {
      std::vector<Value> f(fields.begin(), fields.end());
      return make_tuple(std::move(f));
    }
    if (attr == "_make") {
      auto self = std::static_pointer_cast<NamedTupleType>(shared_from_this());
      return Value(std::make_shared<Builtin>("_make", [self](Interpreter& i, CallArgs& a) {
        auto v = bind_args(a, "_make", {Param("iterable")});
        CallArgs ca;
        ca.positional = to_items(v[0], "_make");
        return self->call(i, ca);
      }));
    }
    return Object::get_attr(in, attr);
  }
};

std::string NamedTuple::type_name() const {
  return type->name;
}

std::string NamedTuple::repr() const {
  std::string out = type->name + "(";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? ", " : "") + type->fields[i] + "=" + items[i].repr();
  return out + ")";
}

Value NamedTuple::get_attr(Interpreter& in, const std::string& name) {
  for (std::size_t i = 0; i < type->fields.size(); ++i)
    if (type->fields[i] == name) return items[i];
  if (name == "_fields") return type->get_attr(in, name);
  auto self = std::static_pointer_cast<NamedTuple>(shared_from_this());
  if (name == "_asdict")
    return Value(std::make_shared<Builtin>("_asdict", [self](Interpreter&, CallArgs& a) {
      bind_args(a, "_asdict", {});
      auto d = std::make_shared<Dict>();
      for (std::size_t i = 0; i < self->items.size(); ++i)
        d->set_item(Value(self->type->fields[i]), self->items[i]);
      return Value(d);
    }));
  if (name == "_replace")
    return Value(std::make_shared<Builtin>("_replace", [self](Interpreter&, CallArgs& a) {
      if (!a.positional.empty()) throw_type_error("_replace() takes keyword arguments only");
      std::vector<Value> items = self->items;
      for (auto& [k, v] : a.keywords) {
        auto& f = self->type->fields;
        auto it = std::find(f.begin(), f.end(), k);
        if (it == f.end()) throw_value_error("Got unexpected field names: ['" + k + "']");
        items[static_cast<std::size_t>(it - f.begin())] = v;
      }
      return self->type->make(std::move(items));
    }));
  return Sequence::get_attr(in, name);
}

bool is_identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

Value make_collections(Interpreter&) {
  auto m = std::make_shared<Module>("collections");
  m->set(
      "namedtuple", Value(std::make_shared<Builtin>("namedtuple", [](Interpreter&, CallArgs& a) {
        auto v = bind_args(a, "namedtuple",
                           {Param("typename"), Param("field_names"), Param("rename", false),
                            Param("defaults", Value()), Param("module", Value())});
        auto t = std::make_shared<NamedTupleType>();
        t->name = to_str(v[0], "namedtuple typename");
        std::vector<Value> names;
        if (v[1].is_str()) {
          std::string text = v[1].as_str();
          std::replace(text.begin(), text.end(), ',', ' ');
          std::string word;
          for (char c : text + " ") {
            if (c == ' ') {
              if (!word.empty()) names.emplace_back(word);
              word.clear();
            } else {
              word += c;
            }
          }
        } else {
          names = to_items(v[1], "namedtuple field_names");
        }
        for (const auto& n : names) {
          const std::string& f = to_str(n, "namedtuple field name");
          if (!is_identifier(f) || f[0] == '_')
            throw_value_error("Type names and field names must be valid identifiers: '" + f + "'");
          if (std::find(t->fields.begin(), t->fields.end(), f) != t->fields.end())
            throw_value_error("Encountered duplicate field name: '" + f + "'");
          t->fields.push_back(f);
        }
        if (!is_identifier(t->name))
          throw_value_error("Type names and field names must be valid identifiers: '" + t->name +
                            "'");
        if (!v[3].is_none()) t->defaults = to_items(v[3], "namedtuple defaults");
        if (t->defaults.size() > t->fields.size())
          throw_type_error("Got more default values than field names");
        return Value(t);
      })));
  return Value(m);
}

// ---- printf-style and str.format ----

std::string apply_spec(const Value& v, const std::string& spec_in) {
  // [[fill]align][sign][#][0][width][,][.precision][type]
  std::string spec = spec_in;
  char fill = ' ', align = 0, sign = '-';
  std::size_t i = 0;
  if (spec.size() >= 2 && std::string("<>^=").find(spec[1]) != std::string::npos) {
    fill = spec[0];
    align = spec[1];
    i = 2;
  } else if (!spec.empty() && std::string("<>^=").find(spec[0]) != std::string::npos) {
    align = spec[0];
    i = 1;
  }
  if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' ')) sign = spec[i++];
  bool alternate = i < spec.size() && spec[i] == '#';
  if (alternate) ++i;
  if (i < spec.size() && spec[i] == '0') {
    fill = '0';
    if (!align) align = '=';
    ++i;
  }
  // Widths and precisions are capped so that "{:999999999}" cannot allocate a gigabyte.
  auto number = [&] {
    int n = 0;
    while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) {
      n = n * 10 + (spec[i++] - '0');
      if (n > 100000) throw_runtime("MemoryError", "format width or precision too large");
    }
    return n;
  };
  int width = number();
  char group = 0;  // thousands separator
  if (i < spec.size() && (spec[i] == ',' || spec[i] == '_')) group = spec[i++];
  int prec = -1;
  if (i < spec.size() && spec[i] == '.') {
    ++i;
    prec = number();
  }
  char type = i < spec.size() ? spec[i++] : 0;
  if (i != spec.size()) throw_value_error("Invalid format specifier '" + spec_in + "'");
  std::string body;
  char buf[512];
  if (v.is_str() && (type == 0 || type == 's')) {
    body = prec >= 0 ? v.as_str().substr(0, prec) : v.as_str();
    if (!align) align = '<';
  } else if (is_num(v)) {
    if (!align) align = '>';
    if (type == 'd' || (type == 0 && is_intlike(v) && prec < 0)) {
      if (!is_intlike(v)) throw_value_error("Unknown format code 'd' for object of type 'float'");
      body = std::to_string(ival(v));
    } else if (type == 'x' || type == 'X' || type == 'o' || type == 'b') {
      if (!is_intlike(v))
        throw_value_error(std::string("Unknown format code '") + type +
                          "' for object of type 'float'");
      std::int64_t n = ival(v);
      std::uint64_t mag = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
      unsigned base = type == 'o' ? 8 : type == 'b' ? 2 : 16;
      const char* digits = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
      do {
        body.insert(body.begin(), digits[mag % base]);
        mag /= base;
      } while (mag);
      if (alternate)
        body = std::string("0") + (type == 'o' ? 'o' : type == 'b' ? 'b' : type) + body;
      if (n < 0) body = "-" + body;
    } else {
      double d = fval(v);
      char t = type == 0 ? 'g' : type;
      if (t == '%') {
        std::snprintf(buf, sizeof buf, "%.*f%%", prec < 0 ? 6 : prec, d * 100);
      } else if (std::string("fFeEgG").find(t) != std::string::npos) {
        char f[8] = {'%', '.', '*', t, 0};
        std::snprintf(buf, sizeof buf, f, prec < 0 ? (type == 0 ? 12 : 6) : prec, d);
        if (type == 0 && prec < 0) {
          body = Value(d).repr();
          buf[0] = 0;
        }
      } else {
        throw_value_error(std::string("Unknown format code '") + t + "'");
      }
      if (buf[0]) body = buf;
    }
    if (group && std::string("dfF%").find(type ? type : 'd') != std::string::npos) {
      std::size_t start = body[0] == '-' ? 1 : 0, end = start;
      while (end < body.size() && std::isdigit(static_cast<unsigned char>(body[end]))) ++end;
      for (std::size_t k = end; k > start + 3; k -= 3) body.insert(k - 3, 1, group);
    }
    if (sign == '+' && body[0] != '-') body = "+" + body;
    if (sign == ' ' && body[0] != '-') body = " " + body;
  } else {
    body = v.str();
    if (!align) align = '<';
  }
  if (static_cast<int>(body.size()) < width) {
    std::size_t pad = width - body.size();
    if (align == '<')
      body += std::string(pad, fill);
    else if (align == '^')
      body = std::string(pad / 2, fill) + body + std::string(pad - pad / 2, fill);
    else if (align == '=' && !body.empty() && (body[0] == '-' || body[0] == '+'))
      body = body.substr(0, 1) + std::string(pad, fill) + body.substr(1);
    else
      body = std::string(pad, fill) + body;
  }
  return body;
}

std::string str_format(const std::string& fmt, const CallArgs& a) {
  std::string out;
  std::size_t auto_index = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
      out += '}';
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    std::size_t close = fmt.find('}', i);
    if (close == std::string::npos) throw_value_error("Single '{' encountered in format string");
    std::string field = fmt.substr(i + 1, close - i - 1), spec;
    std::size_t colon = field.find(':');
    if (colon != std::string::npos) spec = field.substr(colon + 1), field = field.substr(0, colon);
    char conversion = 0;
    if (auto bang = field.find('!'); bang != std::string::npos) {
      conversion = bang + 1 < field.size() ? field[bang + 1] : 0;
      field = field.substr(0, bang);
    }
    Value v;
    if (field.empty()) {
      if (auto_index >= a.positional.size())
        throw_runtime("IndexError", "Replacement index out of range");
      v = a.positional[auto_index++];
    } else if (std::isdigit(static_cast<unsigned char>(field[0]))) {
      std::size_t k = std::stoul(field);
      if (k >= a.positional.size()) throw_runtime("IndexError", "Replacement index out of range");
      v = a.positional[k];
    } else {
      bool found = false;
      for (auto& [name, val] : a.keywords)
        if (name == field) v = val, found = true;
      if (!found) throw_runtime("KeyError", "'" + field + "'");
    }
    if (conversion == 'r' || conversion == 'a') v = Value(v.repr());
    out += spec.empty() ? v.str() : apply_spec(v, spec);
    i = close;
  }
  return out;
}

std::string printf_format(const std::string& fmt, const Value& args) {
  std::vector<Value> vals;
  if (auto t = args.as<Sequence>(); t && t->is_tuple)
    vals = t->items;
  else
    vals.push_back(args);
  std::string out;
  std::size_t k = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    while (j < fmt.size() && std::string("-+ #0123456789.").find(fmt[j]) != std::string::npos) ++j;
    if (j >= fmt.size()) throw_value_error("incomplete format");
    if (k >= vals.size()) throw_type_error("not enough arguments for format string");
    std::string flags = fmt.substr(i + 1, j - i - 1);
    char t = fmt[j];
    const Value& v = vals[k++];
    char buf[512];
    std::string f = "%" + flags;
    if (t == 's' || t == 'r') {
      std::string text = t == 's' ? v.str() : v.repr();
      std::size_t dot = flags.find('.');
      std::string digits = flags.substr(0, dot);
      digits.erase(0, digits.find_first_of("123456789"));
      std::size_t width = digits.empty() ? 0 : std::min(std::stoul(digits.substr(0, 6)), 100000ul);
      if (dot != std::string::npos)
        text = text.substr(0, std::strtoul(flags.c_str() + dot + 1, nullptr, 10));
      std::string pad(text.size() < width ? width - text.size() : 0, ' ');
      out += flags.find('-') != std::string::npos ? text + pad : pad + text;
    } else if (t == 'd' || t == 'i') {
      std::snprintf(buf, sizeof buf, (f + "lld").c_str(),
                    static_cast<long long>(ival(to_number(v, true))));
      out += buf;
    } else if (t == 'x' || t == 'X' || t == 'o') {
      if (!is_intlike(v))
        throw_type_error(std::string("%") + t + " format: an integer is required, not " +
                         v.type_name());
      std::int64_t n = ival(v);
      std::snprintf(buf, sizeof buf, (f + "ll" + t).c_str(),
                    static_cast<unsigned long long>(n < 0 ? 0 - static_cast<std::uint64_t>(n) : n));
      out += n < 0 ? "-" + std::string(buf) : std::string(buf);
    } else if (std::string("fFeEgG").find(t) != std::string::npos) {
      std::snprintf(buf, sizeof buf, (f + t).c_str(), to_float(v, "format argument"));
      out += buf;
    } else {
      throw_value_error(std::string("unsupported format character '") + t + "'");
    }
    i = j;
  }
  if (k < vals.size()) throw_type_error("not all arguments converted during string formatting");
  return out;
}

}  // namespace

std::vector<Value> sorted_items(Interpreter& in, std::vector<Value> items, const Value& key,
                                bool reverse) {
  std::vector<Value> keys = items;
  if (!key.is_none())
    for (auto& k : keys) {
      CallArgs ka;
      ka.positional.push_back(k);
      k = in.call(key, ka);
    }
  std::vector<std::size_t> idx(items.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t i, std::size_t j) {
    return reverse ? compare_values(Op::Lt, keys[j], keys[i])
                   : compare_values(Op::Lt, keys[i], keys[j]);
  });
  std::vector<Value> out;
  for (auto i : idx) out.push_back(items[i]);
  return out;
}

Value binary_op(Op op, const Value& a, const Value& b) {
  if (is_num(a) && is_num(b)) return numeric(op, a, b);
  if (auto bo = host_op(op)) {
    if (a.is_object())
      if (auto r = a.as_object()->binary_op(*bo, b, false)) return *r;
    if (b.is_object())
      if (auto r = b.as_object()->binary_op(*bo, a, true)) return *r;
  }
  if (op == Op::Add && a.is_str() && b.is_str()) {
    if (a.as_str().size() + b.as_str().size() > kMaxStringBytes)
      throw_runtime("MemoryError", "string too large");
    return Value(a.as_str() + b.as_str());
  }
  if (op == Op::Mul && ((a.is_str() && is_intlike(b)) || (is_intlike(a) && b.is_str()))) {
    const std::string& s = a.is_str() ? a.as_str() : b.as_str();
    std::int64_t n = a.is_str() ? ival(b) : ival(a);
    if (s.empty() || n < 0) n = 0;  // '' * 10**18 must not loop 10**18 times
    if (n > 0 && static_cast<std::uint64_t>(n) > kMaxStringBytes / s.size())
      throw_runtime("MemoryError", "string too large");
    std::size_t total = s.size() * static_cast<std::size_t>(n);
    std::string out;
    out.reserve(total);
    if (n > 0) out = s;
    while (out.size() < total)
      out.append(out, 0, std::min(out.size(), total - out.size()));  // doubling
    return Value(out);
  }
  if (op == Op::Mod && a.is_str()) return Value(printf_format(a.as_str(), b));
  throw_type_error(std::string("unsupported operand type(s) for ") + op_symbol(op) + ": '" +
                   a.type_name() + "' and '" + b.type_name() + "'");
}

bool compare_values(Op op, const Value& a, const Value& b) {
  if (op == Op::Eq || op == Op::Ne) {
    bool eq;
    bool ok;
    int c = three_way(a, b, ok);
    if (ok)
      eq = c == 0;
    else if (a.is_none() || b.is_none())
      eq = a.is_none() && b.is_none();
    else if (a.is_object())
      eq = a.as_object()->equals(b);
    else
      eq = false;
    return op == Op::Eq ? eq : !eq;
  }
  bool ok;
  int c = three_way(a, b, ok);
  if (!ok) {
    const char* sym = op == Op::Lt ? "<" : op == Op::Le ? "<=" : op == Op::Gt ? ">" : ">=";
    throw_type_error(std::string("'") + sym + "' not supported between instances of '" +
                     a.type_name() + "' and '" + b.type_name() + "'");
  }
  switch (op) {
    case Op::Lt:
      return c < 0;
    case Op::Le:
      return c <= 0;
    case Op::Gt:
      return c > 0;
    case Op::Ge:
      return c >= 0;
    default:
      return false;
  }
}

std::string format_value(const Value& v, const std::string& spec) {
  return apply_spec(v, spec);
}

Value primitive_attribute(Interpreter& in, const Value& v, const std::string& name) {
  auto method = [&](Builtin::Fn f) { return Value(std::make_shared<Builtin>(name, std::move(f))); };
  if (v.is_float()) {
    double d = v.as_float();
    if (name == "is_integer")
      return method([d](Interpreter&, CallArgs&) { return Value(std::floor(d) == d); });
    if (name == "real") return v;
    if (name == "imag") return Value(0.0);
  }
  if (v.is_int() && (name == "real" || name == "numerator")) return v;
  if (v.is_str()) {
    std::string s = v.as_str();
    if (name == "format")
      return method([s](Interpreter&, CallArgs& a) { return Value(str_format(s, a)); });
    if (name == "join")
      return method([s](Interpreter&, CallArgs& a) {
        auto args = bind_args(a, "join", {Param("iterable")});
        std::string out;
        bool first = true;
        for (const Value& x : to_items(args[0], "join()")) {
          out += (first ? "" : s) + to_str(x, "sequence item");
          first = false;
        }
        return Value(out);
      });
    if (name == "upper" || name == "lower")
      return method([s, name](Interpreter&, CallArgs&) {
        std::string out = s;
        for (char& c : out)
          c = static_cast<char>(name == "upper" ? std::toupper(c) : std::tolower(c));
        return Value(out);
      });
    if (name == "strip" || name == "lstrip" || name == "rstrip")
      return method([s, name](Interpreter&, CallArgs& a) {
        auto args = bind_args(a, name, {Param("chars", Value(" \t\n\r"))});
        std::string chars = args[0].is_none() ? " \t\n\r" : to_str(args[0], "chars");
        std::size_t b = name == "rstrip" ? 0 : s.find_first_not_of(chars);
        if (b == std::string::npos) return Value("");
        std::size_t e = name == "lstrip" ? s.size() : s.find_last_not_of(chars) + 1;
        return Value(s.substr(b, e - b));
      });
    if (name == "startswith" || name == "endswith")
      return method([s, name](Interpreter&, CallArgs& a) {
        std::string p = to_str(bind_args(a, name, {Param("prefix")})[0], "prefix");
        bool r = p.size() <= s.size() &&
                 (name == "startswith" ? s.compare(0, p.size(), p) == 0
                                       : s.compare(s.size() - p.size(), p.size(), p) == 0);
        return Value(r);
      });
    if (name == "find" || name == "count")
      return method([s, name](Interpreter&, CallArgs& a) {
        std::string sub = to_str(bind_args(a, name, {Param("sub")})[0], "sub");
        if (name == "find") {
          std::size_t hit = s.find(sub);
          return Value(hit == std::string::npos ? std::int64_t{-1}
                                                : static_cast<std::int64_t>(hit));
        }
        if (sub.empty()) return Value(static_cast<std::int64_t>(s.size() + 1));
        std::int64_t n = 0;
        for (std::size_t pos = s.find(sub); pos != std::string::npos;
             pos = s.find(sub, pos + sub.size()))
          ++n;
        return Value(n);
      });
    if (name == "replace")
      return method([s](Interpreter&, CallArgs& a) {
        auto args = bind_args(a, "replace", {Param("old"), Param("new")});
        const std::string &o = to_str(args[0], "old"), &n = to_str(args[1], "new");
        if (o.empty()) return Value(s);
        std::string out;
        std::size_t pos = 0, hit;
        while ((hit = s.find(o, pos)) != std::string::npos) {
          out += s.substr(pos, hit - pos) + n;
          pos = hit + o.size();
        }
        return Value(out + s.substr(pos));
      });
    if (name == "split")
      return method([s](Interpreter&, CallArgs& a) {
        auto args = bind_args(a, "split",
                              {Param("sep", Value()), Param("maxsplit", Value(std::int64_t{-1}))});
        std::int64_t max_split = to_int(args[1], "maxsplit");
        auto more = [&](const std::vector<Value>& parts) {
          return max_split < 0 || static_cast<std::int64_t>(parts.size()) < max_split;
        };
        std::vector<Value> parts;
        if (args[0].is_none()) {
          std::size_t i = 0;
          while (i < s.size()) {
            while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
            if (i < s.size() && !more(parts)) {  // the rest, as is after its leading whitespace
              parts.emplace_back(s.substr(i));
              break;
            }
            std::size_t j = i;
            while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
            if (j > i) parts.emplace_back(s.substr(i, j - i));
            i = j;
          }
        } else {
          const std::string& sep = to_str(args[0], "sep");
          if (sep.empty()) throw_value_error("empty separator");
          std::size_t pos = 0, hit;
          while (more(parts) && (hit = s.find(sep, pos)) != std::string::npos) {
            parts.emplace_back(s.substr(pos, hit - pos));
            pos = hit + sep.size();
          }
          parts.emplace_back(s.substr(pos));
        }
        return make_list(std::move(parts));
      });
  }
  throw_runtime("AttributeError", "'" + v.type_name() + "' object has no attribute '" + name + "'");
}

void install_builtins(Interpreter& in) {
  install_functions(in);
  in.register_module("math", make_math);
  in.register_module("typing", make_typing);
  in.register_module("collections", make_collections);
}

}  // namespace cad::script
