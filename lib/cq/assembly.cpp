// cq.Assembly and cq.Color: CadQuery 2.8's assembly.py (names, locations, colors, nesting,
// toCompound, traverse) and its constraint solver (constrain, solve).
#include "cq/assembly.h"

#include <BRepAdaptor_Curve.hxx>
#include <BRepAdaptor_Surface.hxx>
#include <BRepBndLib.hxx>
#include <BRepLib_FindSurface.hxx>
#include <BRepTools.hxx>
#include <Bnd_Box.hxx>
#include <Geom_Plane.hxx>
#include <Precision.hxx>
#include <Quantity_Color.hxx>
#include <TopLoc_Location.hxx>
#include <TopoDS.hxx>
#include <gp_Quaternion.hxx>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cq/cadquery.h"
#include "cq/geom_types.h"
#include "cq/host.h"
#include "cq/shapes.h"
#include "cq/sketch_solver.h"
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

// ---- constraints (CadQuery's Assembly.constrain / solve, occ_impl/solver.py) ----------------

const std::set<std::string>& unary_kinds() {
  static const std::set<std::string> s = {"Fixed", "FixedPoint", "FixedAxis", "FixedRotation"};
  return s;
}
const std::set<std::string>& binary_kinds() {
  static const std::set<std::string> s = {"Plane", "Point", "Axis", "PointInPlane", "PointOnLine"};
  return s;
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The markers of solver.py's ConstraintSpec: a point, a direction, a plane, a line.
gp_Pnt marker_point(const TopoDS_Shape& s) {
  if (s.ShapeType() == TopAbs_FACE) {
    double u0, u1, v0, v1;
    BRepTools::UVBounds(TopoDS::Face(s), u0, u1, v0, v1);
    if (Precision::IsInfinite(u0) || Precision::IsInfinite(u1) || Precision::IsInfinite(v0) ||
        Precision::IsInfinite(v1)) {
      BRepAdaptor_Surface surf(TopoDS::Face(s));
      if (surf.GetType() == GeomAbs_Plane) return surf.Plane().Location();
    }
  }
  return center_of_mass(s);
}
// Mixin1D.normal(): a circle's (or ellipse's) axis, else the normal of the plane the curve lies in.
gp_Vec curve_normal(const TopoDS_Shape& s) {
  if (s.ShapeType() == TopAbs_EDGE) {
    BRepAdaptor_Curve c(TopoDS::Edge(s));
    if (c.GetType() == GeomAbs_Circle) return gp_Vec(c.Circle().Axis().Direction());
    if (c.GetType() == GeomAbs_Ellipse) return gp_Vec(c.Ellipse().Axis().Direction());
  }
  BRepLib_FindSurface fs(s, -1, true);
  if (!fs.Found()) script::throw_value_error("Normal not defined: the curve is not planar");
  auto plane = Handle(Geom_Plane)::DownCast(fs.Surface());
  if (plane.IsNull()) script::throw_value_error("Normal not defined: the curve is not planar");
  gp_Dir d = plane->Axis().Direction();
  if (fs.Location().IsIdentity() == false) d.Transform(fs.Location().Transformation());
  return gp_Vec(d);
}
gp_Vec curve_tangent(Interpreter& in, const TopoDS_Shape& s) {
  CallArgs none;
  const Value fn = wrap_shape(s).as_object()->get_attr(in, "tangentAt");
  return to_vec(in.call(fn, none), "tangentAt");
}
gp_Vec marker_axis(Interpreter& in, const TopoDS_Shape& s) {
  if (s.ShapeType() == TopAbs_FACE) return face_normal(TopoDS::Face(s));
  if (s.ShapeType() == TopAbs_EDGE) {
    BRepAdaptor_Curve c(TopoDS::Edge(s));
    if (c.GetType() == GeomAbs_Circle) return curve_normal(s);
    return curve_tangent(in, s);
  }
  script::throw_value_error("Cannot construct Axis for " + shape_type_name(s));
}
std::pair<gp_Pnt, gp_Vec> marker_plane(const TopoDS_Shape& s) {
  if (s.ShapeType() == TopAbs_FACE) return {marker_point(s), face_normal(TopoDS::Face(s))};
  if (s.ShapeType() == TopAbs_EDGE || s.ShapeType() == TopAbs_WIRE)
    return {center_of_mass(s), curve_normal(s)};
  script::throw_value_error("Cannot construct a plane for " + shape_type_name(s) + ".");
}
std::pair<gp_Pnt, gp_Vec> marker_line(Interpreter& in, const TopoDS_Shape& s) {
  if (s.ShapeType() == TopAbs_EDGE || s.ShapeType() == TopAbs_WIRE)
    return {center_of_mass(s), curve_tangent(in, s)};
  script::throw_value_error("Cannot construct a line for " + shape_type_name(s) + ".");
}

// solver.py's rotation parameters: R = q_xyz / (1 + q_w) (_locToDOF6), and back.
gp_Vec rotation_params(const gp_Trsf& t) {
  const gp_Quaternion q = t.GetRotation();
  return gp_Vec(q.X(), q.Y(), q.Z()) / (1 + q.W());
}
gp_Vec rotate(const gp_Vec& v, const gp_Vec& r) {  // solver.py Rotate(v, R)
  const double m = r.SquareMagnitude();
  const gp_Vec u = r * (2 / (1 + m));
  const double s = (1 - m) / (1 + m);
  return u * (2 * u.Dot(v)) + v * (s * s - u.Dot(u)) + u.Crossed(v) * (2 * s);
}
gp_Trsf params_trsf(const gp_Vec& t, const gp_Vec& r) {  // _build_transform
  const double m = r.SquareMagnitude();
  gp_Trsf out;
  out.SetRotation(gp_Quaternion(2 * r.X() / (m + 1), 2 * r.Y() / (m + 1), 2 * r.Z() / (m + 1),
                                (1 - m) / (m + 1)));
  out.SetTranslationPart(t);
  return out;
}

// One simple constraint of the solver: entities, kind, markers and parameter.
struct SimpleConstraint {
  std::vector<int> ents;
  std::string kind;  // Point, Axis, PointInPlane, PointOnLine, FixedPoint, FixedAxis, FixedRotation
  gp_Pnt p1, p2;
  gp_Vec d1, d2;
  std::optional<double> value;
  gp_Vec triple;  // FixedPoint / FixedAxis target, FixedRotation angles (radians)
};

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

  // ---- constraints ----
  struct Constraint {
    std::vector<std::string> objects;  // the top-level names (children of this assembly)
    std::vector<TopoDS_Shape> args;    // the constrained shapes, in their part's own frame
    std::vector<gp_Trsf> sublocs;      // their locations inside a sub-assembly
    std::string kind;
    Value param;
  };
  std::vector<Constraint> constraints;

  /// objects[key]: this assembly or a descendant by name ("sub/child" for nested ones).
  std::shared_ptr<AssemblyObj> find(const std::string& key) {
    auto self = std::static_pointer_cast<AssemblyObj>(shared_from_this());
    if (key == name) return self;
    std::shared_ptr<AssemblyObj> cur = self;
    std::size_t start = 0;
    while (start <= key.size()) {
      const auto slash = key.find('/', start);
      const std::string part =
          key.substr(start, slash == std::string::npos ? slash : slash - start);
      std::shared_ptr<AssemblyObj> next;
      for (const auto& ch : cur->children)
        if (ch->name == part) next = ch;
      if (!next) script::throw_runtime("KeyError", "'" + key + "'");
      cur = next;
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    return cur;
  }

  /// _query("name[?tag][@kind@selector]"): the object's name and the selected shape.
  std::pair<std::string, TopoDS_Shape> query(Interpreter& in, const std::string& q) {
    const auto at = q.find('@');
    std::string head = trim(q.substr(0, at)), tag;
    if (const auto qm = head.find('?'); qm != std::string::npos) {
      tag = trim(head.substr(qm + 1));
      head = trim(head.substr(0, qm));
    }
    std::string kind, selector;
    if (at != std::string::npos) {
      const std::string rest = q.substr(at + 1);
      const auto at2 = rest.find('@');
      if (at2 == std::string::npos)
        script::throw_value_error("Assembly query '" + q + "': expected name@kind@selector");
      kind = trim(rest.substr(0, at2));
      selector = trim(rest.substr(at2 + 1));
      static const std::set<std::string> kinds = {"faces",  "edges",  "vertices",
                                                  "solids", "shells", "wires"};
      if (!kinds.count(kind))
        script::throw_value_error("Assembly query '" + q + "': unknown kind '" + kind + "'");
    }
    const auto target = find(head);
    std::shared_ptr<Workplane> tmp;
    if (auto w = target->obj.as<Workplane>(); w && !tag.empty()) {
      tmp = w->ctx->tagged(tag);
    } else if (auto w2 = target->obj.as<Workplane>()) {
      tmp = new_workplane(Plane::named("XY"));
      tmp->objects = w2->objects;
    } else if (as_shape(target->obj)) {
      tmp = new_workplane(Plane::named("XY"));
      tmp->objects = {target->obj};
    } else {
      script::throw_value_error("Workplane or Shape required to define a constraint");
    }
    Value res(tmp);
    if (!selector.empty()) {
      CallArgs ca;
      ca.positional.push_back(Value(selector));
      res = in.call(tmp->get_attr(in, kind), ca);
    }
    CallArgs none;
    const Value val = in.call(res.as_object()->get_attr(in, "val"), none);
    auto s = as_shape(val);
    return {head, s ? s->shape : TopoDS_Shape()};
  }

  /// _subloc(name): the location of a nested object relative to its top-level ancestor here,
  /// and that ancestor's name.
  std::pair<gp_Trsf, std::string> subloc(const std::string& key) {
    auto obj = find(key);
    std::string out = key;
    gp_Trsf rv;
    const bool direct = obj.get() == this || std::any_of(children.begin(), children.end(),
                                                         [&](const auto& c) { return c == obj; });
    if (!direct) {
      std::vector<gp_Trsf> locs;
      while (obj->parent.lock().get() != this) {
        locs.push_back(obj->loc);
        obj = obj->parent.lock();
        out = obj->name;
      }
      rv = locs.front();
      for (std::size_t i = 1; i < locs.size(); ++i) rv = locs[i] * rv;  // parent * ... * child
    }
    return {rv, out};
  }

  void constrain(Interpreter& in, CallArgs& a) {
    std::vector<Value> args = a.positional;
    Value param;
    for (const auto& [k, v] : a.keywords) {
      if (k != "param")
        script::throw_type_error("constrain() got an unexpected keyword argument '" + k + "'");
      param = v;
    }
    std::vector<std::string> ids;
    std::vector<TopoDS_Shape> shapes;
    std::string kind;
    auto q = [&](const Value& v) {
      auto [id, s] = query(in, script::to_str(v, "Assembly.constrain query"));
      ids.push_back(id);
      shapes.push_back(s);
    };
    auto str = [](const Value& v) { return script::to_str(v, "Assembly.constrain"); };
    auto shape = [](const Value& v) {
      auto s = as_shape(v);
      if (!s)
        script::throw_type_error("Assembly.constrain: expected a Shape, got " + v.type_name());
      return s->shape;
    };
    const std::size_t n = args.size();
    if (n == 2) {
      q(args[0]);
      kind = str(args[1]);
    } else if (n == 3 && args[1].is_str() && unary_kinds().count(args[1].as_str())) {
      q(args[0]);
      kind = str(args[1]);
      param = args[2];
    } else if (n == 3 || n == 4) {
      q(args[0]);
      q(args[1]);
      kind = str(args[2]);
      if (n == 4) param = args[3];
    } else if (n == 5 || n == 6) {
      ids = {str(args[0]), str(args[2])};
      shapes = {shape(args[1]), shape(args[3])};
      kind = str(args[4]);
      if (n == 6) param = args[5];
    } else {
      script::throw_value_error("Incompatible arguments to Assembly.constrain");
    }
    const bool unary = unary_kinds().count(kind) > 0, binary = binary_kinds().count(kind) > 0;
    if (!unary && !binary) script::throw_value_error("Unknown constraint: " + kind);
    const std::size_t arity = unary ? 1 : 2;
    if (ids.size() != arity)
      script::throw_value_error("Invalid number of entities for constraint " + kind +
                                ". Provided " + std::to_string(ids.size()) + ", required " +
                                std::to_string(arity) + ".");
    Constraint c;
    c.kind = kind;
    c.param = param;
    for (std::size_t i = 0; i < arity; ++i) {
      auto [loc, top] = subloc(ids[i]);
      c.objects.push_back(top);
      c.sublocs.push_back(loc);
      c.args.push_back(shapes[i]);
    }
    // ConstraintSpec._validate: the markers must exist and the parameter have its type.
    const bool real = param.is_none() || param.is_int() || param.is_float();
    auto triple = [&] {
      auto t = param.as<script::Sequence>();
      if (!t || t->items.size() != 3) return param.is_none();
      for (const auto& i : t->items)
        if (!i.is_int() && !i.is_float()) return false;
      return true;
    };
    const bool ok = kind == "Fixed" ? param.is_none()
                    : kind == "FixedPoint" || kind == "FixedAxis" || kind == "FixedRotation"
                        ? triple()
                        : real;
    if (!ok)
      script::throw_value_error("Unsupported argument types " + param.type_name() +
                                " for constraint " + kind + ".");
    try {
      (void)markers(in, c);
    } catch (const script::ScriptError& e) {
      if (e.type != "ValueError" && e.type != "AttributeError") throw;
      script::throw_value_error("Unsupported entity for constraint " + kind + ": " + e.what());
    }
    constraints.push_back(std::move(c));
  }

  /// Constraint.toPODs: the simple constraints of one constraint (Plane = Axis + Point).
  std::vector<SimpleConstraint> markers(Interpreter& in, const Constraint& c) {
    std::vector<TopoDS_Shape> s;
    for (std::size_t i = 0; i < c.args.size(); ++i) {
      if (c.args[i].IsNull()) {
        s.emplace_back();
        continue;
      }
      s.push_back(c.args[i].Located(TopLoc_Location(c.sublocs[i]) * c.args[i].Location()));
    }
    auto need = [&](std::size_t i) -> const TopoDS_Shape& {
      if (s[i].IsNull()) script::throw_value_error("the query selected no shape");
      return s[i];
    };
    auto num = [](const Value& v) { return script::to_float(v, "constraint parameter"); };
    std::optional<double> value;
    if (c.param.is_int() || c.param.is_float()) value = num(c.param);
    std::vector<SimpleConstraint> out;
    SimpleConstraint sc;
    const std::string& k = c.kind;
    if (k == "Point" || k == "Plane") {
      SimpleConstraint p;
      p.kind = "Point";
      p.p1 = marker_point(need(0));
      p.p2 = marker_point(need(1));
      p.value = k == "Point" ? value : std::optional<double>(0.0);
      if (k == "Plane") {
        sc.kind = "Axis";
        sc.d1 = marker_axis(in, need(0));
        sc.d2 = marker_axis(in, need(1));
        if (value) sc.value = *value * M_PI / 180;
        out.push_back(sc);
      }
      out.push_back(p);
    } else if (k == "Axis") {
      sc.kind = "Axis";
      sc.d1 = marker_axis(in, need(0));
      sc.d2 = marker_axis(in, need(1));
      if (value) sc.value = *value * M_PI / 180;
      out.push_back(sc);
    } else if (k == "PointInPlane") {
      sc.kind = k;
      sc.p1 = marker_point(need(0));
      std::tie(sc.p2, sc.d2) = marker_plane(need(1));
      sc.value = value;
      out.push_back(sc);
    } else if (k == "PointOnLine") {
      sc.kind = k;
      sc.p1 = marker_point(need(0));
      std::tie(sc.p2, sc.d2) = marker_line(in, need(1));
      sc.value = value;
      out.push_back(sc);
    } else if (k == "FixedPoint" || k == "FixedAxis" || k == "FixedRotation") {
      sc.kind = k;
      if (k == "FixedPoint") sc.p1 = marker_point(need(0));
      if (k == "FixedAxis") sc.d1 = marker_axis(in, need(0));
      if (auto t = c.param.as<script::Sequence>())
        sc.triple = gp_Vec(num(t->items[0]), num(t->items[1]), num(t->items[2]));
      if (k == "FixedRotation") sc.triple *= M_PI / 180;
      out.push_back(sc);
    }
    return out;
  }

  void solve(Interpreter& in) {
    std::vector<std::string> ents;
    std::vector<int> locked;
    auto index = [&](const std::string& n) {
      auto it = std::find(ents.begin(), ents.end(), n);
      if (it != ents.end()) return static_cast<int>(it - ents.begin());
      ents.push_back(n);
      return static_cast<int>(ents.size() - 1);
    };
    auto lock = [&](int i) {
      if (std::find(locked.begin(), locked.end(), i) == locked.end()) locked.push_back(i);
    };
    for (const auto& c : constraints)
      for (const auto& n : c.objects) {
        const int i = index(n);
        if (c.kind == "Fixed" || n == name) lock(i);
      }
    if (locked.empty()) {  // the first binary constraint's first object not also unary-constrained
      std::set<std::string> unary_objects;
      for (const auto& c : constraints)
        if (unary_kinds().count(c.kind)) unary_objects.insert(c.objects[0]);
      for (const auto& c : constraints)
        if (binary_kinds().count(c.kind) && !unary_objects.count(c.objects[0])) {
          lock(index(c.objects[0]));
          break;
        }
    }
    if (locked.empty() && !ents.empty()) locked.push_back(0);
    std::vector<SimpleConstraint> simple;
    for (const auto& c : constraints) {
      std::vector<int> ixs;
      for (const auto& n : c.objects) ixs.push_back(index(n));
      for (auto sc : markers(in, c)) {
        sc.ents = ixs;
        simple.push_back(sc);
      }
    }
    if (constraints.empty()) script::throw_value_error("At least one constraint required");
    if (ents.size() < 2) script::throw_value_error("At least two entities need to be constrained");
    Bnd_Box box;
    BRepBndLib::Add(compound(), box);
    const double scale = box.IsVoid() ? 1.0 : std::max(1e-12, std::sqrt(box.SquareExtent()));

    // Variables: translation and rotation parameters of every unlocked entity, around its start.
    std::vector<gp_Vec> t0, r0;
    std::vector<int> var(ents.size(), -1);
    std::vector<double> x;
    for (std::size_t i = 0; i < ents.size(); ++i) {
      const gp_Trsf loc = find(ents[i])->loc;
      t0.push_back(gp_Vec(loc.TranslationPart()));
      r0.push_back(rotation_params(loc));
      if (std::find(locked.begin(), locked.end(), static_cast<int>(i)) == locked.end()) {
        var[i] = static_cast<int>(x.size());
        x.insert(x.end(), {0, 0, 0, 1e-2, 1e-2, 1e-2});  // solver.py's starting point
      }
    }
    auto totals = [&](const std::vector<double>& v, int e) {
      gp_Vec t = t0[e], r = r0[e];
      if (var[e] >= 0) {
        const double* p = &v[static_cast<std::size_t>(var[e])];
        t += gp_Vec(p[0], p[1], p[2]);
        r += gp_Vec(p[3], p[4], p[5]);
      }
      return std::make_pair(t, r);
    };
    auto residuals = [&](const std::vector<double>& v) {
      std::vector<double> res;
      auto push = [&](const gp_Vec& d) {
        res.push_back(d.X());
        res.push_back(d.Y());
        res.push_back(d.Z());
      };
      for (const auto& c : simple) {
        const auto [t1, r1] = totals(v, c.ents[0]);
        gp_Vec t2, r2;
        if (c.ents.size() > 1) std::tie(t2, r2) = totals(v, c.ents[1]);
        auto world = [](const gp_Pnt& p, const gp_Vec& t, const gp_Vec& r) {
          return rotate(gp_Vec(p.XYZ()), r) + t;
        };
        if (c.kind == "Point") {
          const gp_Vec d = (world(c.p1, t1, r1) - world(c.p2, t2, r2)) / scale;
          if (c.value.value_or(0) == 0)
            push(d);
          else
            res.push_back(d.SquareMagnitude() - (*c.value / scale) * (*c.value / scale));
        } else if (c.kind == "Axis") {
          const double val = c.value.value_or(M_PI);
          const gp_Vec a = rotate(c.d1, r1), b = rotate(c.d2, r2);
          if (val == 0)
            push(a - b);
          else if (val == M_PI)
            push(a + b);
          else
            res.push_back(a.Dot(b) - std::cos(val));
        } else if (c.kind == "PointInPlane") {
          const gp_Pnt p2 = c.p2.Translated(c.d2.Normalized() * c.value.value_or(0));
          res.push_back(rotate(c.d2.Normalized(), r2).Dot(world(p2, t2, r2) - world(c.p1, t1, r1)) /
                        scale);
        } else if (c.kind == "PointOnLine") {
          const gp_Vec d = world(c.p1, t1, r1) - world(c.p2, t2, r2);
          const gp_Vec nn = rotate(c.d2.Normalized(), r2);
          const gp_Vec dd = (d - nn * d.Dot(nn)) / scale;
          if (c.value.value_or(0) == 0)
            push(dd);
          else
            res.push_back(dd.SquareMagnitude() - *c.value);
        } else if (c.kind == "FixedPoint") {
          push((world(c.p1, t1, r1) - c.triple) / scale);
        } else if (c.kind == "FixedAxis") {
          push(rotate(c.d1, r1) - c.triple.Normalized());
        } else if (c.kind == "FixedRotation") {
          gp_Quaternion q;
          q.SetEulerAngles(gp_Extrinsic_XYZ, c.triple.X(), c.triple.Y(), c.triple.Z());
          const double m = r1.SquareMagnitude();
          const gp_Vec u = r1 * (2 / (1 + m));
          const double s = (1 - m) / (1 + m);
          const double dot = s * q.W() + u.X() * q.X() + u.Y() * q.Y() + u.Z() * q.Z();
          res.push_back(1 - dot * dot);
        }
      }
      return res;
    };
    const LeastSquaresResult ls = least_squares(residuals, x);
    solve_cost = ls.cost;
    std::vector<gp_Trsf> locs_new;
    for (std::size_t i = 0; i < ents.size(); ++i) {
      const auto [t, r] = totals(ls.x, static_cast<int>(i));
      locs_new.push_back(params_trsf(t, r));
    }
    gp_Trsf root_inv;
    if (!obj.is_none())
      for (std::size_t i = 0; i < ents.size(); ++i)
        if (ents[i] == name) root_inv = locs_new[i].Inverted();
    for (std::size_t i = 0; i < ents.size(); ++i)
      if (ents[i] != name) find(ents[i])->loc = root_inv * locs_new[i];
  }
  double solve_cost = -1;

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
    if (attr == "constrain")
      return make_builtin("Assembly.constrain", [self](Interpreter& i, CallArgs& a) {
        self->constrain(i, a);
        return Value(self);
      });
    if (attr == "solve")
      return make_builtin("Assembly.solve", [self](Interpreter& i, CallArgs& a) {
        script::bind_args(a, "Assembly.solve", {Param("verbosity", 0)});
        self->solve(i);
        return Value(self);
      });
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
