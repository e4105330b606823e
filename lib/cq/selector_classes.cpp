// CadQuery's selector classes as interpreter objects.
#include "cq/selector_classes.h"

#include <functional>
#include <utility>
#include <vector>

#include "cq/geom_types.h"
#include "cq/host.h"
#include "cq/shapes.h"

namespace cad::cq {
namespace {

using script::CallArgs;
using script::Interpreter;
using script::Param;
using script::Value;

constexpr double kDefaultTolerance = 0.0001;  // every CadQuery selector's default

/// A selector object: its class name (what type() and errors say) and its tree.
struct SelectorObj : script::Object {
  SelectorObj(std::string cls, Selector selector)
      : cls(std::move(cls)), selector(std::move(selector)) {}
  std::string cls;
  Selector selector;

  std::string type_name() const override { return cls; }
  std::string repr() const override { return "<cadquery.selectors." + cls + " object>"; }

  Value get_attr(Interpreter& in, const std::string& attr) override {
    if (attr == "filter") {
      auto self = std::static_pointer_cast<SelectorObj>(shared_from_this());
      return make_builtin(cls + ".filter", [self](Interpreter&, CallArgs& a) {
        auto b = script::bind_args(a, self->cls + ".filter", {Param("objectList")});
        std::vector<TopoDS_Shape> shapes;
        for (const Value& item : script::to_items(b[0], self->cls + ".filter objectList")) {
          auto s = as_shape(item);
          if (!s)
            script::throw_type_error(self->cls + ".filter: expected shapes, got '" +
                                     item.type_name() + "'");
          shapes.push_back(s->shape);
        }
        std::vector<Value> out;
        for (const auto& s : select_shapes(shapes, self->selector)) out.push_back(wrap_shape(s));
        return script::make_list(std::move(out));
      });
    }
    return Object::get_attr(in, attr);
  }

  // Selector.__and__ / __add__ / __sub__: the other operand must be a selector object (a string
  // fails in CadQuery too, when filtering).
  std::optional<Value> binary_op(script::BinOp op, const Value& rhs, bool reflected) override {
    auto other = rhs.as<SelectorObj>();
    if (!other) return std::nullopt;
    Selector left = reflected ? other->selector : selector;
    Selector right = reflected ? selector : other->selector;
    switch (op) {
      case script::BinOp::BitAnd:
        return Value(std::make_shared<SelectorObj>(
            "AndSelector", combine_selectors(SetOperation::And, left, right)));
      case script::BinOp::Add:
        return Value(std::make_shared<SelectorObj>(
            "SumSelector", combine_selectors(SetOperation::Sum, left, right)));
      case script::BinOp::Sub:
        return Value(std::make_shared<SelectorObj>(
            "SubtractSelector", combine_selectors(SetOperation::Subtract, left, right)));
      default:
        return std::nullopt;
    }
  }

  // Selector.__neg__: InverseSelector.
  std::optional<Value> negate() override {
    return Value(std::make_shared<SelectorObj>("InverseSelector",
                                               combine_selectors(SetOperation::Inverse, selector)));
  }
};

Value wrap(const std::string& cls, Selector selector) {
  return Value(std::make_shared<SelectorObj>(cls, std::move(selector)));
}

bool to_bool(const Value& v) {
  return v.truthy();
}

Value direction_ctor(const std::string& cls, DirectionTest test, CallArgs& a) {
  auto b = script::bind_args(a, cls, {Param("vector"), Param("tolerance", kDefaultTolerance)});
  return wrap(cls, direction_selector(test, to_vec(b[0], cls + " vector"),
                                      script::to_float(b[1], cls + " tolerance")));
}

Value nth_ctor(const std::string& cls, NthKey key, CallArgs& a) {
  auto b = script::bind_args(
      a, cls, {Param("n"), Param("directionMax", true), Param("tolerance", kDefaultTolerance)});
  return wrap(cls, nth_selector(key, script::to_int(b[0], cls + " n"), to_bool(b[1]),
                                script::to_float(b[2], cls + " tolerance")));
}

// CenterNthSelector(vector, n, directionMax, tolerance); DirectionNthSelector keeps only the
// shapes parallel to the vector first.
Value center_nth_ctor(const std::string& cls, bool parallel_only, CallArgs& a) {
  auto b = script::bind_args(a, cls,
                             {Param("vector"), Param("n"), Param("directionMax", true),
                              Param("tolerance", kDefaultTolerance)});
  return wrap(cls, nth_selector(NthKey::Center, script::to_int(b[1], cls + " n"), to_bool(b[2]),
                                script::to_float(b[3], cls + " tolerance"),
                                to_vec(b[0], cls + " vector"), parallel_only));
}

Value binary_ctor(const std::string& cls, SetOperation op, CallArgs& a) {
  auto b = script::bind_args(a, cls, {Param("left"), Param("right")});
  return wrap(cls, combine_selectors(op, to_selector(b[0], cls + " left"),
                                     to_selector(b[1], cls + " right")));
}

struct ClassDef {
  const char* name;
  bool exported;  // also a name of the cadquery module itself
  std::function<Value(const std::string&, CallArgs&)> ctor;
};

const std::vector<ClassDef>& class_defs() {
  static const std::vector<ClassDef> defs = {
      {"Selector", true,
       [](const std::string& cls, CallArgs& a) {
         script::bind_args(a, cls, {});
         return wrap(cls, all_selector());
       }},
      {"NearestToPointSelector", true,
       [](const std::string& cls, CallArgs& a) {
         auto b = script::bind_args(a, cls, {Param("pnt")});
         return wrap(cls, nearest_to_point_selector(to_point(b[0], cls + " pnt")));
       }},
      {"BoxSelector", true,
       [](const std::string& cls, CallArgs& a) {
         auto b = script::bind_args(
             a, cls, {Param("point0"), Param("point1"), Param("boundingbox", false)});
         return wrap(cls, box_selector(to_point(b[0], cls + " point0"),
                                       to_point(b[1], cls + " point1"), to_bool(b[2])));
       }},
      {"BaseDirSelector", false,
       [](const std::string& cls, CallArgs& a) {
         return direction_ctor(cls, DirectionTest::Base, a);
       }},
      {"ParallelDirSelector", true,
       [](const std::string& cls, CallArgs& a) {
         return direction_ctor(cls, DirectionTest::Parallel, a);
       }},
      {"DirectionSelector", true,
       [](const std::string& cls, CallArgs& a) {
         return direction_ctor(cls, DirectionTest::Along, a);
       }},
      {"PerpendicularDirSelector", true,
       [](const std::string& cls, CallArgs& a) {
         return direction_ctor(cls, DirectionTest::Perpendicular, a);
       }},
      {"TypeSelector", true,
       [](const std::string& cls, CallArgs& a) {
         auto b = script::bind_args(a, cls, {Param("typeString")});
         return wrap(cls, type_selector(script::to_str(b[0], cls + " typeString")));
       }},
      {"RadiusNthSelector", false,
       [](const std::string& cls, CallArgs& a) { return nth_ctor(cls, NthKey::Radius, a); }},
      {"LengthNthSelector", false,
       [](const std::string& cls, CallArgs& a) { return nth_ctor(cls, NthKey::Length, a); }},
      {"AreaNthSelector", false,
       [](const std::string& cls, CallArgs& a) { return nth_ctor(cls, NthKey::Area, a); }},
      {"CenterNthSelector", false,
       [](const std::string& cls, CallArgs& a) { return center_nth_ctor(cls, false, a); }},
      {"DirectionNthSelector", false,
       [](const std::string& cls, CallArgs& a) { return center_nth_ctor(cls, true, a); }},
      {"DirectionMinMaxSelector", true,
       [](const std::string& cls, CallArgs& a) {
         auto b = script::bind_args(
             a, cls,
             {Param("vector"), Param("directionMax", true), Param("tolerance", kDefaultTolerance)});
         return wrap(cls, nth_selector(NthKey::Center, -1, to_bool(b[1]),
                                       script::to_float(b[2], cls + " tolerance"),
                                       to_vec(b[0], cls + " vector")));
       }},
      {"AndSelector", false,
       [](const std::string& cls, CallArgs& a) { return binary_ctor(cls, SetOperation::And, a); }},
      {"SumSelector", false,
       [](const std::string& cls, CallArgs& a) { return binary_ctor(cls, SetOperation::Sum, a); }},
      {"SubtractSelector", false,
       [](const std::string& cls, CallArgs& a) {
         return binary_ctor(cls, SetOperation::Subtract, a);
       }},
      {"InverseSelector", false,
       [](const std::string& cls, CallArgs& a) {
         auto b = script::bind_args(a, cls, {Param("selector")});
         return wrap(
             cls, combine_selectors(SetOperation::Inverse, to_selector(b[0], cls + " selector")));
       }},
      {"StringSyntaxSelector", true,
       [](const std::string& cls, CallArgs& a) {
         auto b = script::bind_args(a, cls, {Param("selectorString")});
         return wrap(cls, parse_selector(script::to_str(b[0], cls + " selectorString")));
       }},
  };
  return defs;
}

}  // namespace

Selector to_selector(const Value& v, const std::string& what) {
  if (v.is_str()) return parse_selector(v.as_str());
  if (auto s = v.as<SelectorObj>()) return s->selector;
  script::throw_type_error(what + ": expected a selector string or a Selector, got '" +
                           v.type_name() + "'");
}

void add_selector_classes(script::Module& module, bool all) {
  for (const ClassDef& def : class_defs()) {
    if (!all && !def.exported) continue;
    const std::string name = def.name;
    auto ctor = def.ctor;
    module.set(name, std::make_shared<HostClass>(
                         name, [name, ctor](Interpreter&, CallArgs& a) { return ctor(name, a); }));
  }
}

Value make_selectors_module() {
  auto m = std::make_shared<script::Module>("cadquery.selectors");
  add_selector_classes(*m, true);
  return m;
}

}  // namespace cad::cq
