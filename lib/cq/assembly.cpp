// cq.Assembly and cq.Color: CadQuery 2.4's assembly.py (names, locations, colors, nesting,
// toCompound, traverse) without the constraint solver.
#include "cq/assembly.h"

#include <Quantity_Color.hxx>
#include <TopLoc_Location.hxx>

#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cq/cadquery.h"
#include "cq/geom_types.h"
#include "cq/host.h"
#include "cq/shapes.h"
#include "cq/workplane.h"

namespace cad::cq {
namespace {

using script::CallArgs;
using script::Interpreter;
using script::Param;
using script::Value;

/// cq.Color: RGBA in [0, 1] (Quantity_ColorRGBA's linear components).
struct ColorObj : script::Object {
  double r = 1, g = 1, b = 0, a = 1;  // Quantity_ColorRGBA's default: yellow
  std::string type_name() const override { return "Color"; }
  std::string repr() const override {
    char buf[128];
    std::snprintf(buf, sizeof buf, "Color(%g, %g, %g, %g)", r, g, b, a);
    return buf;
  }
  Value get_attr(Interpreter& in, const std::string& attr) override {
    if (attr == "toTuple") {
      auto self = std::static_pointer_cast<ColorObj>(shared_from_this());
      return make_builtin("Color.toTuple", [self](Interpreter&, CallArgs& args) {
        script::bind_args(args, "Color.toTuple", {});
        return script::make_tuple({self->r, self->g, self->b, self->a});
      });
    }
    return Object::get_attr(in, attr);
  }
};

Value make_color(Interpreter&, CallArgs& args) {
  auto c = std::make_shared<ColorObj>();
  const auto& p = args.positional;
  if (!args.keywords.empty()) script::throw_type_error("Color() takes positional arguments only");
  if (p.size() == 1 && p[0].is_str()) {
    Quantity_Color color;
    if (!Quantity_Color::ColorFromName(p[0].as_str().c_str(), color))
      script::throw_value_error("Unknown color name: " + p[0].as_str());
    c->r = color.Red(), c->g = color.Green(), c->b = color.Blue();
  } else if (p.size() == 3 || p.size() == 4) {
    c->r = script::to_float(p[0], "Color r");
    c->g = script::to_float(p[1], "Color g");
    c->b = script::to_float(p[2], "Color b");
    if (p.size() == 4) c->a = script::to_float(p[3], "Color a");
  } else if (!p.empty()) {
    script::throw_value_error("Unsupported arguments to Color(): a name, or r, g, b[, a]");
  }
  return Value(c);
}

/// Deterministic stand-ins for CadQuery's uuid4 names (a run must repeat exactly).
std::string next_name() {
  static thread_local unsigned long counter = 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012lu", ++counter);
  return buf;
}

struct AssemblyObj : script::Object {
  Value obj;  // None, a Workplane or a Shape
  gp_Trsf loc;
  std::string name;
  Value color;
  Value metadata;
  std::vector<std::shared_ptr<AssemblyObj>> children;
  std::weak_ptr<AssemblyObj> parent;
  std::vector<std::string> objects;  // the keys of CadQuery's `objects`: self and descendants

  std::string type_name() const override { return "Assembly"; }
  std::string repr() const override { return "<cadquery.assembly.Assembly object '" + name + "'>"; }

  /// CadQuery's `shapes`: the Shape, or the Shapes among a Workplane's vals().
  std::vector<TopoDS_Shape> shapes() const {
    std::vector<TopoDS_Shape> out;
    if (auto s = as_shape(obj)) {
      out.push_back(s->shape);
    } else if (auto w = obj.as<Workplane>()) {
      for (const auto& o : w->objects)
        if (auto s = as_shape(o)) out.push_back(s->shape);
    }
    return out;
  }

  /// toCompound(): own shapes and the children's compounds, located by `loc`.
  TopoDS_Shape compound() const {
    std::vector<TopoDS_Shape> parts = shapes();
    for (const auto& ch : children) parts.push_back(ch->compound());
    return make_compound(parts).Located(TopLoc_Location(loc));
  }

  /// _copy(): the same objects, children copied recursively.
  std::shared_ptr<AssemblyObj> copy() const {
    auto rv = std::make_shared<AssemblyObj>();
    rv->obj = obj, rv->loc = loc, rv->name = name, rv->color = color, rv->metadata = metadata;
    rv->objects = {name};
    for (const auto& ch : children) {
      auto c = ch->copy();
      c->parent = rv;
      rv->children.push_back(c);
      for (const auto& key : c->flatten({})) rv->objects.push_back(key);
    }
    return rv;
  }

  /// _flatten(): "parent/child" paths of this assembly and its descendants.
  std::vector<std::string> flatten(const std::vector<std::string>& parents) const {
    std::vector<std::string> rv;
    std::vector<std::string> path = parents;
    path.push_back(name);
    for (const auto& ch : children)
      for (const auto& key : ch->flatten(path)) rv.push_back(key);
    std::string joined;
    for (const auto& p : path) joined += (joined.empty() ? "" : "/") + p;
    rv.push_back(joined);
    return rv;
  }

  void add(const Value& arg, const Value& loc_arg, const Value& name_arg, const Value& color_arg,
           const Value& metadata_arg) {
    if (auto other = arg.as<AssemblyObj>()) {
      const std::string child_name =
          name_arg.truthy() ? script::to_str(name_arg, "name") : other->name;
      for (const auto& key : objects)
        if (key == child_name) script::throw_value_error("Unique name is required");
      auto sub = other->copy();
      sub->loc = loc_arg.truthy() ? to_trsf(loc_arg, "Assembly.add loc") : other->loc;
      sub->name = child_name;
      sub->color = color_arg.truthy() ? color_arg : other->color;
      sub->metadata = metadata_arg.truthy() ? metadata_arg : other->metadata;
      sub->parent = std::static_pointer_cast<AssemblyObj>(shared_from_this());
      children.push_back(sub);
      for (const auto& key : sub->flatten({})) objects.push_back(key);
      return;
    }
    auto assy = make(arg, loc_arg, name_arg, color_arg, metadata_arg);
    add(Value(assy), Value(), Value(), Value(), Value());
  }

  static std::shared_ptr<AssemblyObj> make(const Value& obj, const Value& loc, const Value& name,
                                           const Value& color, const Value& metadata) {
    if (!obj.is_none() && !as_shape(obj) && !obj.as<Workplane>())
      script::throw_type_error("Assembly: expected a Workplane, a Shape or None, got '" +
                               obj.type_name() + "'");
    auto a = std::make_shared<AssemblyObj>();
    a->obj = obj;
    a->loc = loc.truthy() ? to_trsf(loc, "Assembly loc") : gp_Trsf();
    a->name = name.truthy() ? script::to_str(name, "Assembly name") : next_name();
    if (!color.is_none() && !color.as<ColorObj>())
      script::throw_type_error("Assembly color: expected a cq.Color");
    a->color = color;
    a->metadata = metadata.truthy() ? metadata : Value(std::make_shared<script::Dict>());
    a->objects = {a->name};
    return a;
  }

  /// traverse(): (name, assembly) pairs bottom-up.
  void traverse(std::vector<Value>& out) {
    for (const auto& ch : children) ch->traverse(out);
    out.push_back(script::make_tuple({Value(name), Value(shared_from_this())}));
  }

  Value get_attr(Interpreter& in, const std::string& attr) override {
    auto self = std::static_pointer_cast<AssemblyObj>(shared_from_this());
    if (attr == "add")
      return make_builtin("Assembly.add", [self](Interpreter&, CallArgs& a) {
        auto b = script::bind_args(a, "Assembly.add",
                                   {Param("obj"), Param("loc", Value()), Param("name", Value()),
                                    Param("color", Value()), Param("metadata", Value())});
        self->add(b[0], b[1], b[2], b[3], b[4]);
        return Value(self);
      });
    if (attr == "toCompound")
      return make_builtin("Assembly.toCompound", [self](Interpreter&, CallArgs& a) {
        script::bind_args(a, "Assembly.toCompound", {});
        return wrap_shape(self->compound());
      });
    if (attr == "traverse")
      return make_builtin("Assembly.traverse", [self](Interpreter&, CallArgs& a) {
        script::bind_args(a, "Assembly.traverse", {});
        std::vector<Value> out;
        self->traverse(out);
        return script::make_list(std::move(out));
      });
    if (attr == "save" || attr == "export")  // accepted, never written (as exporters.export)
      return make_builtin("Assembly." + attr, [self, attr](Interpreter&, CallArgs& a) {
        Value path;
        if (!a.positional.empty()) path = a.positional[0];
        for (const auto& [k, v] : a.keywords)
          if (k == "path") path = v;
        session().exported.emplace_back(Value(self),
                                        script::to_str(path, "Assembly." + attr + " path"));
        return Value(self);
      });
    if (attr == "constrain" || attr == "solve")
      script::throw_unsupported("Assembly." + attr + " is not supported (no constraint solver)");
    if (attr == "shapes") {
      std::vector<Value> out;
      for (const auto& s : shapes()) out.push_back(wrap_shape(s));
      return script::make_list(std::move(out));
    }
    if (attr == "loc") return make_location(loc);
    if (attr == "name") return Value(name);
    if (attr == "color") return color;
    if (attr == "obj") return obj;
    if (attr == "metadata") return metadata;
    if (attr == "parent") {
      if (auto p = parent.lock()) return Value(p);
      return Value();
    }
    if (attr == "children") {
      std::vector<Value> out;
      for (const auto& ch : children) out.push_back(Value(ch));
      return script::make_list(std::move(out));
    }
    return Object::get_attr(in, attr);
  }

  void set_attr(Interpreter& in, const std::string& attr, const Value& v) override {
    if (attr == "loc") {
      loc = to_trsf(v, "Assembly.loc");
    } else if (attr == "name") {
      name = script::to_str(v, "Assembly.name");
    } else if (attr == "color") {
      color = v;
    } else if (attr == "metadata") {
      metadata = v;
    } else {
      Object::set_attr(in, attr, v);
    }
  }
};

}  // namespace

Value assembly_class() {
  return std::make_shared<HostClass>("Assembly", [](Interpreter&, CallArgs& a) {
    auto b =
        script::bind_args(a, "Assembly",
                          {Param("obj", Value()), Param("loc", Value()), Param("name", Value()),
                           Param("color", Value()), Param("metadata", Value())});
    return Value(AssemblyObj::make(b[0], b[1], b[2], b[3], b[4]));
  });
}

Value color_class() {
  return std::make_shared<HostClass>("Color", make_color);
}

std::optional<TopoDS_Shape> assembly_compound(const Value& v) {
  if (auto a = v.as<AssemblyObj>()) return a->compound();
  return std::nullopt;
}

}  // namespace cad::cq
