// cq.Workplane with CadQuery's semantics (cadquery/cq.py): stack, context, 2D drawing,
// features, selection, booleans.
#include "cq/workplane.h"

#include <BRepAdaptor_Curve.hxx>
#include <BRepAlgoAPI_Splitter.hxx>
#include <BRepBuilderAPI_MakeEdge.hxx>
#include <BRepBuilderAPI_MakeFace.hxx>
#include <BRepClass3d_SolidClassifier.hxx>
#include <BRepFeat_MakeDPrism.hxx>
#include <BRepOffsetAPI_MakeOffset.hxx>
#include <BRep_Tool.hxx>
#include <Geom_BezierCurve.hxx>
#include <TColgp_Array1OfPnt.hxx>
#include <TopExp.hxx>
#include <TopTools_IndexedMapOfShape.hxx>
#include <TopoDS.hxx>
#include <TopoDS_Edge.hxx>
#include <TopoDS_Vertex.hxx>
#include <TopoDS_Wire.hxx>
#include <gp_Pln.hxx>

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include "cq/cadquery.h"
#include "cq/selector_classes.h"
#include "cq/selectors.h"
#include "cq/shapes.h"
#include "cq/sketch.h"
#include "script/slice.h"

namespace cad::cq {

using script::CallArgs;
using script::Interpreter;
using script::Param;
using script::Value;

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr double kTol = 1e-6;

double num(const Value& v, const std::string& what) {
  return script::to_float(v, what);
}

Value origin3() {
  return script::make_tuple({0, 0, 0});
}

/// centered=True/False or a tuple of bools, expanded to `n` flags.
std::array<bool, 3> centered_flags(const Value& v, std::size_t n, const std::string& what) {
  std::array<bool, 3> out{true, true, true};
  if (v.is_bool() || v.is_number()) {
    out.fill(v.truthy());
    return out;
  }
  auto items = script::to_items(v, what);
  if (items.size() != n)
    script::throw_value_error(what + ": centered needs " + std::to_string(n) + " values");
  for (std::size_t i = 0; i < n; ++i) out[i] = items[i].truthy();
  return out;
}

bool is_type(const Value& v, TopAbs_ShapeEnum t) {
  auto s = as_shape(v);
  return s && !s->shape.IsNull() && s->shape.ShapeType() == t;
}

gp_Pnt end_point(const TopoDS_Shape& edge) {
  return BRep_Tool::Pnt(TopExp::LastVertex(TopoDS::Edge(edge), true));
}
gp_Pnt start_point(const TopoDS_Shape& edge) {
  return BRep_Tool::Pnt(TopExp::FirstVertex(TopoDS::Edge(edge), true));
}

/// CadQuery's Shape.fuse / Compound.fuse (a compound fuses its own children too).
TopoDS_Shape fuse_shapes(const TopoDS_Shape& s, std::vector<TopoDS_Shape> tools,
                         const std::string& what, bool glue = false, double fuzzy = 0) {
  std::vector<TopoDS_Shape> args{s};
  if (s.ShapeType() == TopAbs_COMPOUND) {
    auto ch = children(s);
    if (ch.empty()) return tools.empty() ? s : fuse_children(make_compound(tools), what);
    args = {ch[0]};
    tools.insert(tools.begin(), ch.begin() + 1, ch.end());
  }
  if (tools.empty()) return args[0];
  return boolean(BoolOp::Fuse, args, tools, what, glue, fuzzy);
}

/// CadQuery's Shape.cut/intersect and Compound.cut/intersect (a compound's children are
/// the arguments).
TopoDS_Shape bool_shapes(BoolOp op, const TopoDS_Shape& s, const std::vector<TopoDS_Shape>& tools,
                         const std::string& what, double fuzzy = 0) {
  return boolean(op, s.ShapeType() == TopAbs_COMPOUND ? children(s) : std::vector<TopoDS_Shape>{s},
                 tools, what, false, fuzzy);
}

/// The x direction CadQuery picks for a workplane on a face with this normal.
gp_Vec compute_xdir(const gp_Vec& normal) {
  gp_Vec xd = gp_Vec(0, 0, 1).Crossed(normal);
  if (xd.Magnitude() < 1e-4) return gp_Vec(1, 0, 0);
  return xd;
}

std::vector<TopoDS_Face> sketch_faces(const Sketch& s) {
  std::vector<TopoDS_Face> out;
  for (const auto& loc : s.locs)
    for (const auto& f : sub_shapes(moved(s.faces(), loc), TopAbs_FACE))
      out.push_back(TopoDS::Face(f));
  return out;
}

}  // namespace

Combine to_combine(const Value& v, const std::string& what) {
  if (v.is_str()) {
    const auto& s = v.as_str();
    if (s == "a") return Combine::Fuse;
    if (s == "s" || s == "cut") return Combine::Cut;
    script::throw_value_error(what + ": combine must be True, False, 'a', 's' or 'cut', got '" + s +
                              "'");
  }
  return v.truthy() ? Combine::Fuse : Combine::None;
}

// ---- object model ----------------------------------------------------------------------

std::shared_ptr<Workplane> Context::tagged(const std::string& name) const {
  auto it = tags.find(name);
  if (it == tags.end() || !it->second)
    script::throw_value_error("No Workplane object named " + name + " in chain");
  return it->second;
}

void Context::register_release(const std::shared_ptr<Context>& self) {
  if (release_registered_) return;
  release_registered_ = true;
  std::weak_ptr<Context> weak = self;
  session().on_release([weak] {
    if (auto c = weak.lock()) {
      auto held = std::move(c->tags);  // freed after the map is empty (they hold contexts)
      c->tags.clear();
      c->release_registered_ = false;
    }
  });
}

void Context::tag(const std::string& name, std::shared_ptr<Workplane> w,
                  const std::shared_ptr<Context>& self) {
  tags[name] = std::move(w);
  register_release(self);
}

void Context::merge_tags(const Context& other, const std::shared_ptr<Context>& self) {
  if (&other == this) return;
  for (const auto& [name, w] : other.tags) tags.emplace(name, w);  // keeps this context's own
  if (!tags.empty()) register_release(self);
}

Workplane::Workplane(const Plane& p)
    : objects_list(std::make_shared<script::Sequence>(false, std::vector<Value>{})),
      plane_obj(std::make_shared<PlaneObj>(p)),
      objects(objects_list->items),
      ctx(std::make_shared<Context>()),
      plane(plane_obj->plane) {}

std::shared_ptr<Workplane> new_workplane(const Plane& plane) {
  return std::make_shared<Workplane>(plane);
}

std::shared_ptr<Workplane> Workplane::self() const {
  return std::static_pointer_cast<Workplane>(std::const_pointer_cast<Object>(shared_from_this()));
}

std::shared_ptr<Workplane> Workplane::new_object(std::vector<Value> objs) const {
  auto w = std::make_shared<Workplane>(plane);
  w->parent = self();
  w->objects = std::move(objs);
  w->ctx = ctx;
  return w;
}

std::optional<TopoDS_Shape> Workplane::find_solid(bool search_stack, bool search_parents) const {
  if (search_stack) {
    std::vector<TopoDS_Shape> solids;
    for (const auto& o : objects) {
      auto s = as_shape(o);
      if (!s || s->shape.IsNull()) continue;
      if (s->shape.ShapeType() == TopAbs_SOLID)
        solids.push_back(s->shape);
      else if (s->shape.ShapeType() == TopAbs_COMPOUND)
        for (const auto& x : sub_shapes(s->shape, TopAbs_SOLID)) solids.push_back(x);
    }
    if (!solids.empty()) return make_compound(solids);
  }
  if (search_parents && parent) return parent->find_solid(true, true);
  return std::nullopt;
}

std::vector<TopoDS_Shape> Workplane::stack_shapes() const {
  std::vector<TopoDS_Shape> out;
  for (const auto& o : objects) {
    if (auto s = as_shape(o))
      out.push_back(s->shape);
    else if (auto sk = o.as<Sketch>())
      for (const auto& f : sketch_faces(*sk)) out.push_back(f);
  }
  return out;
}

std::vector<TopoDS_Face> Workplane::pending_faces(const std::string& what) {
  std::vector<TopoDS_Face> faces;
  for (const auto& o : objects) {
    if (auto sk = o.as<Sketch>()) {
      auto f = sketch_faces(*sk);
      faces.insert(faces.end(), f.begin(), f.end());
    } else if (auto s = as_shape(o)) {
      if (s->shape.ShapeType() == TopAbs_FACE)
        faces.push_back(TopoDS::Face(s->shape));
      else if (s->shape.ShapeType() == TopAbs_COMPOUND)
        for (const auto& c : children(s->shape))
          if (c.ShapeType() == TopAbs_FACE) faces.push_back(TopoDS::Face(c));
    }
  }
  if (!faces.empty()) return faces;
  if (ctx->pending_wires.empty()) script::throw_value_error(what + ": No pending wires present");
  auto wires = std::move(ctx->pending_wires);
  ctx->pending_wires.clear();
  std::vector<TopoDS_Wire> inner;
  for (std::size_t i = 1; i < wires.size(); ++i) inner.push_back(TopoDS::Wire(wires[i]));
  return faces_from_wires(TopoDS::Wire(wires[0]), inner);
}

gp_Pnt Workplane::find_from_point(bool local) const {
  gp_Pnt p = plane.origin;
  if (!objects.empty()) {
    const Value& o = objects.back();
    if (auto v = o.as<VectorObj>())
      p = gp_Pnt(v->v.XYZ());
    else if (is_type(o, TopAbs_EDGE))
      p = end_point(as_shape(o)->shape);
    else if (is_type(o, TopAbs_VERTEX))
      p = BRep_Tool::Pnt(TopoDS::Vertex(as_shape(o)->shape));
    else
      script::throw_value_error("Cannot convert object type " + o.type_name() + " to vector.");
  }
  return local ? plane.to_local(p) : p;
}

void Workplane::add_pending_edge(const TopoDS_Shape& e) {
  ctx->pending_edges.push_back(e);
  if (!ctx->first_point) ctx->first_point = plane.to_local(start_point(e));
}

void Workplane::add_pending_wire(const TopoDS_Shape& w) {
  ctx->pending_wires.push_back(w);
}

std::vector<gp_Trsf> Workplane::point_locations() const {
  if (objects.empty()) return {gp_Trsf()};
  gp_Trsf inv = plane.location().Inverted();
  std::vector<gp_Trsf> out;
  for (const auto& o : objects) {
    if (auto v = o.as<VectorObj>())
      out.push_back(inv * plane.location_at(gp_Pnt(v->v.XYZ())));
    else if (auto s = as_shape(o))
      out.push_back(inv * plane.location_at(center_of_mass(s->shape)));
    else if (auto sk = o.as<Sketch>())
      out.push_back(inv * plane.location_at(center_of_mass(sk->faces())));
    else if (auto l = o.as<LocationObj>())
      out.push_back(l->trsf);
    else
      script::throw_value_error(o.type_name() + " is not supported as a point");
  }
  return out;
}

std::vector<TopoDS_Shape> Workplane::place_local(const TopoDS_Shape& shape) const {
  gp_Trsf loc = plane.location();
  std::vector<TopoDS_Shape> out;
  for (const auto& p : point_locations()) out.push_back(moved(shape, loc * p));
  return out;
}

std::vector<gp_Trsf> Workplane::sketch_locations() const {
  std::vector<gp_Trsf> out;
  for (const auto& o : objects) {
    if (auto v = o.as<VectorObj>())
      out.push_back(plane.location_at(gp_Pnt(v->v.XYZ())));
    else if (auto s = as_shape(o))
      out.push_back(plane.location_at(center_of_mass(s->shape)));
    else if (auto l = o.as<LocationObj>())
      out.push_back(l->trsf);
  }
  if (out.empty()) out.push_back(plane.location());
  return out;
}

Value Workplane::combine_with_base(const std::vector<TopoDS_Shape>& shapes, bool as_list,
                                   Combine mode, bool do_clean, const std::string& what) {
  std::shared_ptr<Workplane> r;
  if (mode != Combine::None) {
    TopoDS_Shape obj = as_list ? make_compound(shapes) : shapes.at(0);
    auto base = find_solid();
    TopoDS_Shape res = obj;
    if (mode == Combine::Fuse)
      res = base ? fuse_shapes(*base, {obj}, what)
                 : (obj.ShapeType() == TopAbs_COMPOUND ? fuse_children(obj, what) : obj);
    else if (base)
      res = bool_shapes(BoolOp::Cut, *base, {obj}, what);
    r = new_object({wrap_shape(res, false, what)});
  } else {
    std::vector<Value> objs;
    for (const auto& s : shapes) objs.push_back(wrap_shape(s, false, what));
    r = new_object(std::move(objs));
  }
  if (do_clean)
    for (auto& o : r->objects)
      if (auto s = as_shape(o)) o = wrap_shape(clean(s->shape), s->for_construction, what);
  return r;
}

Value Workplane::place_wire(const TopoDS_Shape& wire, bool for_construction) {
  std::vector<Value> objs;
  for (const auto& w : place_local(wire)) {
    if (!for_construction) add_pending_wire(w);
    objs.push_back(wrap_shape(w, for_construction));
  }
  return new_object(std::move(objs));
}

Value Workplane::cut_each(const TopoDS_Shape& tool, bool do_clean, const std::string& what) {
  auto solid = find_solid();
  if (!solid)
    script::throw_value_error(what + ": Cannot find a solid on the stack or in the parent chain");
  auto tools = place_local(tool);
  TopoDS_Shape s = bool_shapes(BoolOp::Cut, *solid, tools, what);
  if (do_clean) s = clean(s);
  return new_object({wrap_shape(s, false, what)});
}

TopoDS_Shape Workplane::extrude_faces(const std::vector<TopoDS_Face>& faces, double distance,
                                      bool both, double taper) {
  gp_Vec dir = gp_Vec(plane.z_dir) * distance;
  std::vector<TopoDS_Shape> out;
  for (const auto& f : faces) {
    if (taper != 0 && sub_shapes(f, TopAbs_WIRE).size() > 1)
      script::throw_value_error("Inner wires not allowed with tapered extrusion");
    TopoDS_Shape s = extrude_linear(f, dir, taper);
    if (both)
      s = boolean(BoolOp::Fuse, {s}, {extrude_linear(f, -dir, taper)}, "Workplane.extrude", true);
    out.push_back(s);
  }
  return make_compound(out);
}

Value Workplane::line_to(const gp_Pnt& local, bool fc) {
  TopoDS_Edge e = make_line(find_from_point(false), plane.to_world(local));
  if (!fc) add_pending_edge(e);
  session().count("line");
  return new_object({wrap_shape(e)});
}

Value Workplane::three_point_arc(const gp_Pnt& p1, const gp_Pnt& p2, bool fc) {
  TopoDS_Edge e =
      make_three_point_arc(find_from_point(false), plane.to_world(p1), plane.to_world(p2));
  if (!fc) add_pending_edge(e);
  session().count("arc");
  return new_object({wrap_shape(e)});
}

Value Workplane::wire(bool fc) {
  if (ctx->pending_edges.empty()) return self();
  auto edges = std::move(ctx->pending_edges);
  ctx->pending_edges.clear();
  TopoDS_Wire w = assemble_edges(edges);
  if (!fc) add_pending_wire(w);
  std::vector<Value> objs;
  for (const auto& o : objects)
    if (!is_type(o, TopAbs_EDGE)) objs.push_back(o);
  objs.push_back(wrap_shape(w, fc));
  return new_object(std::move(objs));
}

Value Workplane::consolidate() {
  std::vector<TopoDS_Shape> all = ctx->pending_edges;
  all.insert(all.end(), ctx->pending_wires.begin(), ctx->pending_wires.end());
  if (all.empty()) return self();
  auto ws = combine_wires(all);
  std::vector<Value> objs;
  ctx->pending_wires.clear();
  for (const auto& w : ws) {
    objs.push_back(wrap_shape(w));
    ctx->pending_wires.push_back(w);
  }
  ctx->pending_edges.clear();
  ctx->first_point.reset();
  return new_object(std::move(objs));
}

Value Workplane::mirror_2d(bool about_x) {
  auto n = wire(false).as<Workplane>();
  auto c = n->consolidate().as<Workplane>();
  gp_Trsf t;
  t.SetMirror(gp_Ax1(c->plane.origin, about_x ? c->plane.x_dir : c->plane.y_dir));
  std::vector<TopoDS_Shape> wires;
  for (const auto& o : c->objects)
    if (auto s = as_shape(o))
      for (const auto& w : sub_shapes(s->shape, TopAbs_WIRE)) wires.push_back(w);
  for (const auto& w : wires) {
    TopoDS_Shape m = transformed(w, t);
    c->objects.push_back(wrap_shape(m));
    c->add_pending_wire(m);
  }
  return c->consolidate();
}

Value Workplane::select(TopAbs_ShapeEnum type, const Value& selector, const Value& tag,
                        const std::string& what) {
  const Workplane* src = this;
  std::shared_ptr<Workplane> tagged_wp;
  if (!tag.is_none()) {
    tagged_wp = ctx->tagged(script::to_str(tag, what));
    src = tagged_wp.get();
  }
  TopTools_IndexedMapOfShape seen;
  std::vector<TopoDS_Shape> found;
  for (const auto& o : src->objects)
    if (auto s = as_shape(o))
      for (const auto& x : sub_shapes(s->shape, type))
        if (seen.Add(x) > static_cast<int>(found.size())) found.push_back(x);
  if (!selector.is_none()) found = select_shapes(found, to_selector(selector, what));
  std::vector<Value> objs;
  for (const auto& s : found) objs.push_back(wrap_shape(s));
  return new_object(std::move(objs));
}

Value Workplane::cut_blind(double depth, bool do_clean, bool both, double taper) {
  TopoDS_Shape tool = extrude_faces(pending_faces("Workplane.cutBlind"), depth, both, taper);
  auto solid = find_solid();
  if (!solid)
    script::throw_value_error(
        "Workplane.cutBlind: Cannot find a solid on the stack or in the parent chain");
  session().count("extrude");
  session().count("cut");
  TopoDS_Shape s = bool_shapes(BoolOp::Cut, *solid, {tool}, "Workplane.cutBlind");
  if (do_clean) s = clean(s);
  return new_object({wrap_shape(s)});
}

TopoDS_Shape Workplane::extrude_until(const Value& until, bool additive, bool both, double taper,
                                      const std::string& what) {
  long index = 0;
  std::optional<TopoDS_Face> limit;
  if (auto f = as_shape(until); f && f->shape.ShapeType() == TopAbs_FACE) {
    limit = TopoDS::Face(f->shape);
  } else if (until.is_str() && (until.as_str() == "next" || until.as_str() == "last")) {
    index = until.as_str() == "next" ? 0 : -1;
  } else {
    script::throw_value_error("Do not know how to handle until argument of type " +
                              until.type_name());
  }
  const std::vector<TopoDS_Face> faces = pending_faces(what);
  auto solid = find_solid();
  if (!solid)
    script::throw_value_error(what + ": Cannot find a solid on the stack or in the parent chain");
  const gp_Dir normal = plane.z_dir;
  const std::string direction = additive ? "AlongAxis" : "Opposite";
  // getFacesList: the faces ahead (or, failing that, behind) along `axis`.
  auto faces_list = [&](const TopoDS_Face& face, const gp_Dir& axis, bool need_both) {
    const gp_Pnt center = center_of_mass(face);
    auto found = faces_intersected_by_line(*solid, center, axis, 1e-4, direction);
    if (found.empty() && need_both)
      script::throw_value_error(
          "Couldn't find a face to extrude/cut to for at least one of the two required "
          "directions of extrusion/cut.");
    if (found.empty())
      found = faces_intersected_by_line(*solid, center, axis.Reversed(), 1e-4, direction);
    if (found.empty())
      script::throw_value_error(
          "Couldn't find a face to extrude/cut to. Check your workplane orientation.");
    return found;
  };
  auto pick = [&](const std::vector<TopoDS_Shape>& list) {
    const long n = static_cast<long>(list.size());
    const long k = index < 0 ? index + n : index;
    if (k < 0 || k >= n) script::throw_runtime("IndexError", "list index out of range");
    return TopoDS::Face(list[k]);
  };
  auto dprism = [&](const TopoDS_Shape& base, const TopoDS_Face& face, const TopoDS_Face& to) {
    BRepFeat_MakeDPrism feat(base, face, TopoDS_Face(), taper * M_PI / 180.0, additive ? 1 : 0,
                             false);
    feat.Perform(to);
    if (!feat.IsDone() || feat.Shape().IsNull())
      script::throw_geometry(what + ": the extrusion up to the face failed");
    return feat.Shape();
  };
  TopoDS_Shape res = *solid;
  for (const TopoDS_Face& face : faces) {
    TopoDS_Face to;
    if (limit) {
      to = *limit;
    } else {
      const auto list = faces_list(face, normal, both);
      // Res.isInside(outer wire's centre): an extrusion from inside goes to the next face out.
      BRepClass3d_SolidClassifier inside(res, center_of_mass(outer_wire(face)), 1e-6);
      if ((inside.State() == TopAbs_IN || inside.IsOnAFace()) && additive && index == 0) index = 1;
      to = pick(list);
    }
    res = dprism(res, face, to);
    if (both) {
      // CadQuery indexes the reverse list with the same upToFace (a Face limit included).
      const auto list2 = faces_list(face, normal.Reversed(), true);
      res = dprism(res, face, limit ? *limit : pick(list2));
    }
  }
  session().count("extrude");
  if (!additive) session().count("cut");
  return res;
}

std::string Workplane::repr() const {
  return "<cadquery.Workplane object with " + std::to_string(objects.size()) + " objects>";
}

std::optional<std::vector<Value>> Workplane::iterate() const {
  std::vector<Value> out;
  for (const auto& o : objects) {
    if (auto s = as_shape(o)) {
      if (s->shape.ShapeType() == TopAbs_COMPOUND)
        for (const auto& c : children(s->shape)) out.push_back(wrap_shape(c));
      else
        out.push_back(o);
    } else if (auto sk = o.as<Sketch>()) {
      for (const auto& f : sketch_faces(*sk)) out.push_back(wrap_shape(f));
    }
  }
  return out;
}

Value Workplane::get_item(const Value& key) {
  auto index = [&](const Value& k) -> const Value& {
    std::int64_t i = script::to_int(k, "Workplane index");
    std::int64_t n = static_cast<std::int64_t>(objects.size());
    if (i < 0) i += n;
    if (i < 0 || i >= n) script::throw_runtime("IndexError", "list index out of range");
    return objects[static_cast<std::size_t>(i)];
  };
  if (key.is_int() || key.is_bool()) return new_object({index(key)});
  std::vector<Value> objs;
  if (auto range = key.as<script::SliceValue>()) {  // wp[a:b:c]: newObject(self.objects[a:b:c])
    for (std::size_t i : range->indices(objects.size())) objs.push_back(objects[i]);
    return new_object(std::move(objs));
  }
  for (const auto& k : script::to_items(key, "Workplane index")) objs.push_back(index(k));
  return new_object(std::move(objs));
}

// ---- script methods ------------------------------------------------------------------

struct WorkplaneMethods {
  using W = Workplane;
  using Fn = Value (*)(W&, Interpreter&, CallArgs&);

  static std::vector<Value> bind(CallArgs& a, const char* name, std::initializer_list<Param> p) {
    return script::bind_args(a, std::string("Workplane.") + name, p);
  }

  // -- planes and points --

  static Value workplane(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "workplane",
                  {Param("offset", 0.0), Param("invert", false),
                   Param("centerOption", "ProjectedOrigin"), Param("origin", Value())});
    const std::string& opt = script::to_str(b[2], "centerOption");
    if (opt != "CenterOfMass" && opt != "ProjectedOrigin" && opt != "CenterOfBoundBox")
      script::throw_value_error("Undefined centerOption value provided.");
    bool bbox = opt == "CenterOfBoundBox";
    gp_Pnt center;
    gp_Vec normal, xdir;
    if (w.objects.size() > 1) {
      std::vector<TopoDS_Shape> faces;
      for (const auto& o : w.objects) {
        if (!is_type(o, TopAbs_FACE) ||
            (geom_type(as_shape(o)->shape) != "PLANE" && geom_type(as_shape(o)->shape) != "CIRCLE"))
          script::throw_value_error("If multiple objects selected, they all must be planar faces.");
        faces.push_back(as_shape(o)->shape);
      }
      gp_Pnt p0 = center_of_mass(faces[0]);
      gp_Vec n0 = face_normal(TopoDS::Face(faces[0]));
      for (std::size_t i = 1; i < faces.size(); ++i) {
        gp_Vec n1 = face_normal(TopoDS::Face(faces[i]));
        bool par = std::abs(n0.X() - n1.X()) < 1e-4 || std::abs(n0.Y() - n1.Y()) < 1e-4 ||
                   std::abs(n0.Z() - n1.Z()) < 1e-4;
        if (!par || std::abs(n0.Dot(gp_Vec(center_of_mass(faces[i]), p0))) >= 1e-4)
          script::throw_value_error("Selected faces must be co-planar.");
      }
      gp_XYZ sum;
      double total = 0;
      for (const auto& f : faces) {
        double m = bbox ? 1.0 : mass(f);
        sum += (bbox ? bbox_center(f) : center_of_mass(f)).XYZ() * m;
        total += m;
      }
      center = gp_Pnt(sum / total);
      normal = n0;
      xdir = compute_xdir(normal);
    } else {
      Value obj = w.objects.empty() ? make_vector(w.plane.origin) : w.objects[0];
      if (is_type(obj, TopAbs_FACE)) {
        const TopoDS_Shape& f = as_shape(obj)->shape;
        center = bbox ? bbox_center(f) : center_of_mass(f);
        normal = face_normal(TopoDS::Face(f), center);
        xdir = compute_xdir(normal);
      } else if (as_shape(obj) || obj.as<VectorObj>()) {
        if (auto v = obj.as<VectorObj>())
          center = gp_Pnt(v->v.XYZ());
        else
          center = bbox ? bbox_center(as_shape(obj)->shape) : center_of_mass(as_shape(obj)->shape);
        Value pv = !w.parent ? Value() : w.parent->objects.empty() ? Value() : w.parent->objects[0];
        if (is_type(pv, TopAbs_FACE)) {
          normal = face_normal(TopoDS::Face(as_shape(pv)->shape), center);
          xdir = compute_xdir(normal);
        } else {
          normal = gp_Vec(w.plane.z_dir);
          xdir = gp_Vec(w.plane.x_dir);
        }
      } else {
        script::throw_value_error("Needs a face or a vertex or point on a work plane");
      }
    }
    if (opt == "ProjectedOrigin") {
      gp_Pnt o = b[3].is_none() ? w.plane.origin : to_point(b[3], "origin");
      gp_Vec n = normal.Normalized();
      center = gp_Pnt((gp_Vec(o.XYZ()) - n * gp_Vec(center, o).Dot(n)).XYZ());
    }
    if (b[1].truthy()) normal = -normal;
    center.Translate(normal.Normalized() * num(b[0], "offset"));
    auto s = new_workplane(Plane::make(center, xdir, normal));
    s->parent = w.self();
    s->ctx = w.ctx;
    return s;
  }

  static Value transformed(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "transformed", {Param("rotate", origin3()), Param("offset", origin3())});
    gp_Vec r = to_vec(b[0], "rotate");
    Plane p = w.plane.rotated(r.X(), r.Y(), r.Z());
    p.origin = w.plane.to_world(to_point(b[1], "offset"));
    auto n = w.new_object({make_vector(p.origin)});
    n->plane = p;
    return n;
  }

  static Value center(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "center", {Param("x"), Param("y")});
    double x = num(b[0], "x"), y = num(b[1], "y");
    auto n = w.new_object({make_vector(w.plane.to_world(x, y))});
    n->plane.set_origin_2d(x, y);
    return n;
  }

  static Value moveTo(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "moveTo", {Param("x", 0), Param("y", 0)});
    return w.new_object({make_vector(w.plane.to_world(num(b[0], "x"), num(b[1], "y")))});
  }

  static Value move(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "move", {Param("xDist", 0), Param("yDist", 0)});
    gp_Pnt p = w.find_from_point(true);
    return w.new_object({make_vector(
        w.plane.to_world(p.X() + num(b[0], "xDist"), p.Y() + num(b[1], "yDist"), p.Z()))});
  }

  static Value pushPoints(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "pushPoints", {Param("pntList")});
    std::vector<Value> objs;
    for (const auto& p : script::to_items(b[0], "pntList"))
      objs.push_back(
          p.as<LocationObj>() ? p : make_vector(w.plane.to_world(to_point(p, "pushPoints"))));
    return w.new_object(std::move(objs));
  }

  static Value rarray(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "rarray",
                  {Param("xSpacing"), Param("ySpacing"), Param("xCount"), Param("yCount"),
                   Param("center", true)});
    double xs = num(b[0], "xSpacing"), ys = num(b[1], "ySpacing");
    auto xc = script::to_int(b[2], "xCount"), yc = script::to_int(b[3], "yCount");
    if ((xs <= 0 && ys <= 0) || xc < 1 || yc < 1)
      script::throw_value_error("Spacing and count must be > 0 in at least one direction");
    auto c = centered_flags(b[4], 2, "Workplane.rarray");
    double ox = c[0] ? -xs * (xc - 1) * 0.5 : 0, oy = c[1] ? -ys * (yc - 1) * 0.5 : 0;
    std::vector<Value> objs;
    for (std::int64_t i = 0; i < xc; ++i)
      for (std::int64_t j = 0; j < yc; ++j)
        objs.push_back(make_vector(w.plane.to_world(xs * i + ox, ys * j + oy)));
    return w.new_object(std::move(objs));
  }

  static Value polarArray(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "polarArray",
                  {Param("radius"), Param("startAngle"), Param("angle"), Param("count"),
                   Param("fill", true), Param("rotate", true)});
    double r = num(b[0], "radius"), start = num(b[1], "startAngle"), angle = num(b[2], "angle");
    auto count = script::to_int(b[3], "count");
    if (count < 1)
      script::throw_value_error("At least 1 element required, requested " + std::to_string(count));
    if (b[4].truthy()) {
      if (std::abs(std::remainder(angle, 360.0)) < kTol)
        angle = angle / count;
      else
        angle = count > 1 ? angle / (count - 1) : start;
    }
    std::vector<Value> objs;
    for (std::int64_t i = 0; i < count; ++i) {
      double phi = start + angle * i;
      gp_Trsf t;
      if (b[5].truthy()) t.SetRotation(gp_Ax1(gp_Pnt(), gp_Dir(0, 0, 1)), phi * kDeg);
      t.SetTranslationPart(gp_Vec(r * std::cos(phi * kDeg), r * std::sin(phi * kDeg), 0));
      objs.push_back(make_location(t));
    }
    return w.new_object(std::move(objs));
  }

  // -- 2D drawing --

  static Value lineTo(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "lineTo", {Param("x"), Param("y"), Param("forConstruction", false)});
    return w.line_to(gp_Pnt(num(b[0], "x"), num(b[1], "y"), 0), b[2].truthy());
  }
  static Value line(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "line", {Param("xDist"), Param("yDist"), Param("forConstruction", false)});
    gp_Pnt p = w.find_from_point(true);
    return w.line_to(gp_Pnt(p.X() + num(b[0], "xDist"), p.Y() + num(b[1], "yDist"), 0),
                     b[2].truthy());
  }
  static Value hLine(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "hLine", {Param("distance"), Param("forConstruction", false)});
    gp_Pnt p = w.find_from_point(true);
    return w.line_to(gp_Pnt(p.X() + num(b[0], "distance"), p.Y(), 0), b[1].truthy());
  }
  static Value vLine(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "vLine", {Param("distance"), Param("forConstruction", false)});
    gp_Pnt p = w.find_from_point(true);
    return w.line_to(gp_Pnt(p.X(), p.Y() + num(b[0], "distance"), 0), b[1].truthy());
  }
  static Value hLineTo(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "hLineTo", {Param("xCoord"), Param("forConstruction", false)});
    gp_Pnt p = w.find_from_point(true);
    return w.line_to(gp_Pnt(num(b[0], "xCoord"), p.Y(), 0), b[1].truthy());
  }
  static Value vLineTo(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "vLineTo", {Param("yCoord"), Param("forConstruction", false)});
    gp_Pnt p = w.find_from_point(true);
    return w.line_to(gp_Pnt(p.X(), num(b[0], "yCoord"), 0), b[1].truthy());
  }
  static Value polarLine(W& w, Interpreter&, CallArgs& a) {
    auto b =
        bind(a, "polarLine", {Param("distance"), Param("angle"), Param("forConstruction", false)});
    double d = num(b[0], "distance"), ang = num(b[1], "angle") * kDeg;
    gp_Pnt p = w.find_from_point(true);
    return w.line_to(gp_Pnt(p.X() + d * std::cos(ang), p.Y() + d * std::sin(ang), 0),
                     b[2].truthy());
  }
  static Value polarLineTo(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "polarLineTo",
                  {Param("distance"), Param("angle"), Param("forConstruction", false)});
    double d = num(b[0], "distance"), ang = num(b[1], "angle") * kDeg;
    return w.line_to(gp_Pnt(d * std::cos(ang), d * std::sin(ang), 0), b[2].truthy());
  }

  static Value polyline(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(
        a, "polyline",
        {Param("listOfXYTuple"), Param("forConstruction", false), Param("includeCurrent", false)});
    auto pts = script::to_items(b[0], "listOfXYTuple");
    bool fc = b[1].truthy();
    std::size_t first = 0;
    gp_Pnt start;
    if (b[2].truthy()) {
      start = w.find_from_point(false);
    } else {
      if (pts.empty()) script::throw_runtime("IndexError", "list index out of range");
      start = w.plane.to_world(to_point(pts[0], "polyline"));
      first = 1;
    }
    std::vector<Value> edges;
    for (std::size_t i = first; i < pts.size(); ++i) {
      gp_Pnt end = w.plane.to_world(to_point(pts[i], "polyline"));
      TopoDS_Edge e = make_line(start, end);
      edges.push_back(wrap_shape(e));
      start = end;
      if (!fc) w.add_pending_edge(e);
    }
    session().count("line", static_cast<std::int64_t>(edges.size()));
    return w.new_object(std::move(edges));
  }

  static Value close(W& w, Interpreter&, CallArgs& a) {
    bind(a, "close", {});
    gp_Pnt end = w.find_from_point(true);
    if (!w.ctx->first_point) script::throw_value_error("No start point specified - cannot close");
    gp_Pnt start = *w.ctx->first_point;
    if (end.Distance(start) > 1e-6) {
      TopoDS_Edge e = make_line(w.plane.to_world(end), w.plane.to_world(start));
      w.add_pending_edge(e);
      session().count("line");
    }
    w.ctx->first_point.reset();
    return w.wire(false);
  }

  static Value threePointArc(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "threePointArc",
                  {Param("point1"), Param("point2"), Param("forConstruction", false)});
    return w.three_point_arc(to_point(b[0], "point1"), to_point(b[1], "point2"), b[2].truthy());
  }

  static Value sagitta_arc(W& w, const gp_Pnt& end, double sag, bool fc) {
    gp_Pnt start = w.find_from_point(true);
    gp_Vec mid = (gp_Vec(end.XYZ()) + gp_Vec(start.XYZ())) * 0.5;
    gp_Vec d(start, end);
    if (d.Magnitude() < gp::Resolution())
      script::throw_value_error("sagittaArc: the end point is the current point");
    gp_Vec s = d.Normalized() * std::abs(sag);
    gp_Vec r = sag > 0 ? gp_Vec(-s.Y(), s.X(), s.Z()) : gp_Vec(s.Y(), -s.X(), s.Z());
    return w.three_point_arc(gp_Pnt((mid + r).XYZ()), end, fc);
  }

  static Value sagittaArc(W& w, Interpreter&, CallArgs& a) {
    auto b =
        bind(a, "sagittaArc", {Param("endPoint"), Param("sag"), Param("forConstruction", false)});
    return sagitta_arc(w, to_point(b[0], "endPoint"), num(b[1], "sag"), b[2].truthy());
  }

  static Value radiusArc(W& w, Interpreter&, CallArgs& a) {
    auto b =
        bind(a, "radiusArc", {Param("endPoint"), Param("radius"), Param("forConstruction", false)});
    gp_Pnt end = to_point(b[0], "endPoint");
    double radius = num(b[1], "radius");
    double length = w.find_from_point(true).Distance(end) / 2.0;
    double sag = std::abs(radius), r2l2 = radius * radius - length * length;
    if (std::abs(r2l2) >= kTol) {
      if (r2l2 < 0)
        script::throw_value_error("Arc radius is not large enough to reach the end point.");
      sag -= std::sqrt(r2l2);
    }
    return sagitta_arc(w, end, radius > 0 ? sag : -sag, b[2].truthy());
  }

  static Value tangentArcPoint(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "tangentArcPoint",
                  {Param("endpoint"), Param("forConstruction", false), Param("relative", true)});
    gp_Pnt end = to_point(b[0], "endpoint");
    if (b[2].truthy()) end.Translate(gp_Vec(w.find_from_point(true).XYZ()));
    end = w.plane.to_world(end);
    if (w.objects.empty() || !is_type(w.objects.back(), TopAbs_EDGE))
      script::throw_runtime("RuntimeError",
                            "Previous Edge requested, but the previous object was not an Edge.");
    TopoDS_Edge prev = TopoDS::Edge(as_shape(w.objects.back())->shape);
    BRepAdaptor_Curve c(prev);
    gp_Pnt p;
    gp_Vec t;
    bool rev = prev.Orientation() == TopAbs_REVERSED;
    c.D1(rev ? c.FirstParameter() : c.LastParameter(), p, t);
    if (rev) t.Reverse();
    TopoDS_Edge e = make_tangent_arc(end_point(prev), t.Normalized(), end);
    if (!b[1].truthy()) w.add_pending_edge(e);
    session().count("arc");
    return w.new_object({wrap_shape(e)});
  }

  // CadQuery's _toVectors: points in plane coordinates as world ones, after the current point
  // when `include_current`.
  static std::vector<gp_Pnt> world_points(const W& w, const Value& items, bool include_current,
                                          const char* items_what, const char* point_what) {
    std::vector<gp_Pnt> pts;
    if (include_current) pts.push_back(w.find_from_point(false));
    for (const auto& p : script::to_items(items, items_what))
      pts.push_back(w.plane.to_world(to_point(p, point_what)));
    return pts;
  }

  static Value spline(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "spline",
                  {Param("listOfXYTuple"), Param("tangents", Value()), Param("periodic", false),
                   Param("parameters", Value()), Param("scale", true), Param("tol", Value()),
                   Param("forConstruction", false), Param("includeCurrent", false),
                   Param("makeWire", false)});
    const std::vector<gp_Pnt> pts = world_points(w, b[0], b[7].truthy(), "listOfXYTuple", "spline");
    std::vector<std::optional<gp_Vec>> tangents;
    if (b[1].truthy())
      for (const auto& t : script::to_items(b[1], "tangents"))
        tangents.push_back(
            t.is_none() ? std::nullopt
                        : std::optional<gp_Vec>(w.plane.dir_to_world(to_vec(t, "tangents"))));
    std::vector<double> params;
    if (!b[3].is_none())
      for (const auto& p : script::to_items(b[3], "parameters"))
        params.push_back(num(p, "parameters"));
    double tol = b[5].truthy() ? num(b[5], "tol") : 1e-6;
    TopoDS_Edge e = make_spline(pts, tangents, b[2].truthy(), b[4].truthy(), tol, params);
    session().count("spline");
    return add_curve(w, e, b[6].truthy(), b[8].truthy());
  }

  // cq.py's splineApprox: a B-spline approximating the points (local coordinates), smoothed
  // by default; a pending edge, or with makeWire a pending wire.
  static Value splineApprox(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "splineApprox",
                  {Param("points"), Param("tol", 1e-6), Param("minDeg", 1), Param("maxDeg", 6),
                   Param("smoothing", script::make_tuple({Value(1), Value(8), Value(3)})),
                   Param("forConstruction", false), Param("includeCurrent", false),
                   Param("makeWire", false)});
    const std::vector<gp_Pnt> pts = world_points(w, b[0], b[6].truthy(), "points", "splineApprox");
    const TopoDS_Edge e = make_spline_approx(pts, num(b[1], "tol"), smoothing_weights(b[4]),
                                             static_cast<int>(script::to_int(b[2], "minDeg")),
                                             static_cast<int>(script::to_int(b[3], "maxDeg")));
    session().count("spline");
    return add_curve(w, e, b[5].truthy(), b[7].truthy());
  }

  // cq.py's parametricCurve: func(t) at N + 1 evenly spaced t from start to stop (local
  // coordinates), approximated by a smoothed B-spline; a pending wire unless makeWire=False.
  static Value parametricCurve(W& w, Interpreter& in, CallArgs& a) {
    auto b = bind(a, "parametricCurve",
                  {Param("func"), Param("N", 400), Param("start", 0), Param("stop", 1),
                   Param("tol", 1e-6), Param("minDeg", 1), Param("maxDeg", 6),
                   Param("smoothing", script::make_tuple({Value(1), Value(8), Value(3)})),
                   Param("makeWire", true)});
    const std::int64_t n = script::to_int(b[1], "N");
    if (n < 1) script::throw_value_error("parametricCurve: N must be at least 1");
    const double start = num(b[2], "start"), stop = num(b[3], "stop");
    std::vector<gp_Pnt> pts;
    for (std::int64_t t = 0; t <= n; ++t) {
      CallArgs ca;
      ca.positional.push_back(Value(start + (stop - start) * static_cast<double>(t) / n));
      pts.push_back(w.plane.to_world(to_point(in.call(b[0], ca), "parametricCurve func")));
    }
    const TopoDS_Edge e = make_spline_approx(pts, num(b[4], "tol"), smoothing_weights(b[7]),
                                             static_cast<int>(script::to_int(b[5], "minDeg")),
                                             static_cast<int>(script::to_int(b[6], "maxDeg")));
    session().count("spline");
    return add_curve(w, e, false, b[8].truthy());
  }

  // CadQuery 2.4's parametricSurface: func(u, v) sampled on an (N + 1) x (N + 1) grid over
  // [start, stop]^2 (plane coordinates), Face.makeSplineApprox through it; the face is the new
  // object (not combined).
  static Value parametricSurface(W& w, Interpreter& in, CallArgs& a) {
    auto b = bind(a, "parametricSurface",
                  {Param("func"), Param("N", 20), Param("start", 0), Param("stop", 1),
                   Param("tol", 1e-2), Param("minDeg", 1), Param("maxDeg", 6),
                   Param("smoothing", script::make_tuple({Value(1), Value(1), Value(1)}))});
    const std::int64_t n = script::to_int(b[1], "N");
    if (n < 1) script::throw_value_error("parametricSurface: N must be at least 1");
    const double start = num(b[2], "start"), diff = num(b[3], "stop") - start;
    std::vector<std::vector<gp_Pnt>> grid(static_cast<std::size_t>(n + 1));
    for (std::int64_t i = 0; i <= n; ++i)
      for (std::int64_t j = 0; j <= n; ++j) {
        CallArgs ca;
        ca.positional.push_back(Value(start + diff * static_cast<double>(i) / n));
        ca.positional.push_back(Value(start + diff * static_cast<double>(j) / n));
        grid[i].push_back(w.plane.to_world(to_point(in.call(b[0], ca), "parametricSurface func")));
      }
    const TopoDS_Face f =
        make_spline_approx_surface(grid, num(b[4], "tol"), smoothing_weights(b[7]),
                                   static_cast<int>(script::to_int(b[5], "minDeg")),
                                   static_cast<int>(script::to_int(b[6], "maxDeg")));
    session().count("parametricSurface");
    return w.new_object({wrap_shape(f)});
  }

  /// Pending edge, or with makeWire a pending wire; the new object holds it.
  static Value add_curve(W& w, const TopoDS_Edge& e, bool for_construction, bool make_wire) {
    if (make_wire) {
      TopoDS_Wire wi = assemble_edges({e});
      if (!for_construction) w.add_pending_wire(wi);
      return w.new_object({wrap_shape(wi, for_construction)});
    }
    if (!for_construction) w.add_pending_edge(e);
    return w.new_object({wrap_shape(e)});
  }

  static Value bezier(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "bezier",
                  {Param("listOfXYTuple"), Param("forConstruction", false),
                   Param("includeCurrent", false), Param("makeWire", false)});
    const std::vector<gp_Pnt> pts = world_points(w, b[0], b[2].truthy(), "listOfXYTuple", "bezier");
    if (pts.size() < 2)
      script::throw_value_error("Workplane.bezier: at least two points are required");
    TColgp_Array1OfPnt arr(1, static_cast<int>(pts.size()));
    for (std::size_t i = 0; i < pts.size(); ++i) arr.SetValue(static_cast<int>(i + 1), pts[i]);
    session().count("spline");
    return add_curve(w, BRepBuilderAPI_MakeEdge(new Geom_BezierCurve(arr)).Edge(), b[1].truthy(),
                     b[3].truthy());
  }

  static Value ellipseArc(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "ellipseArc",
                  {Param("x_radius"), Param("y_radius"), Param("angle1", 360), Param("angle2", 360),
                   Param("rotation_angle", 0.0), Param("sense", 1), Param("forConstruction", false),
                   Param("startAtCurrent", true), Param("makeWire", false)});
    gp_Pnt c = w.find_from_point(false);
    TopoDS_Shape e =
        make_ellipse(num(b[0], "x_radius"), num(b[1], "y_radius"), c, gp_Vec(w.plane.z_dir),
                     gp_Vec(w.plane.x_dir), num(b[2], "angle1"), num(b[3], "angle2"),
                     static_cast<int>(script::to_int(b[5], "sense")));
    double rot = num(b[4], "rotation_angle");
    if (rot != 0) e = cq::transformed(e, rotation(c, c.Translated(gp_Vec(w.plane.z_dir)), rot));
    if (b[7].truthy()) {
      gp_Trsf t;
      t.SetTranslation(start_point(e), c);
      e = cq::transformed(e, t);
    }
    session().count("ellipse");
    return add_curve(w, TopoDS::Edge(e), b[6].truthy(), b[8].truthy());
  }

  static Value rect(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(
        a, "rect",
        {Param("xLen"), Param("yLen"), Param("centered", true), Param("forConstruction", false)});
    double x = num(b[0], "xLen"), y = num(b[1], "yLen");
    auto c = centered_flags(b[2], 2, "Workplane.rect");
    double ox = c[0] ? 0 : x / 2, oy = c[1] ? 0 : y / 2;
    std::vector<gp_Pnt> pts = {{-x / 2 + ox, -y / 2 + oy, 0},
                               {x / 2 + ox, -y / 2 + oy, 0},
                               {x / 2 + ox, y / 2 + oy, 0},
                               {-x / 2 + ox, y / 2 + oy, 0},
                               {-x / 2 + ox, -y / 2 + oy, 0}};
    Value r = w.place_wire(make_polygon(pts), b[3].truthy());
    session().count("line", 4 * static_cast<std::int64_t>(r.as<W>()->objects.size()));
    return r;
  }

  static Value circle(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "circle", {Param("radius"), Param("forConstruction", false)});
    TopoDS_Wire c = assemble_edges({make_circle(num(b[0], "radius"), gp_Pnt(), gp_Vec(0, 0, 1))});
    Value r = w.place_wire(c, b[1].truthy());
    session().count("circle", static_cast<std::int64_t>(r.as<W>()->objects.size()));
    return r;
  }

  static Value ellipse(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "ellipse",
                  {Param("x_radius"), Param("y_radius"), Param("rotation_angle", 0.0),
                   Param("forConstruction", false)});
    TopoDS_Shape e = assemble_edges({make_ellipse(num(b[0], "x_radius"), num(b[1], "y_radius"),
                                                  gp_Pnt(), gp_Vec(0, 0, 1), gp_Vec(1, 0, 0))});
    double rot = num(b[2], "rotation_angle");
    if (rot != 0) e = cq::transformed(e, rotation(gp_Pnt(), gp_Pnt(0, 0, 1), rot));
    Value r = w.place_wire(e, b[3].truthy());
    session().count("ellipse", static_cast<std::int64_t>(r.as<W>()->objects.size()));
    return r;
  }

  static Value polygon(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "polygon",
                  {Param("nSides"), Param("diameter"), Param("forConstruction", false),
                   Param("circumscribed", false)});
    auto n = script::to_int(b[0], "nSides");
    if (n < 3) script::throw_value_error("Workplane.polygon: nSides must be at least 3");
    double angle = 2.0 * M_PI / n, radius = num(b[1], "diameter") / 2.0;
    bool circ = b[3].truthy();
    if (circ) radius /= std::cos(angle / 2.0);
    std::vector<gp_Pnt> pts;
    for (std::int64_t i = 0; i <= n; ++i) {
      double o = angle * i + (circ ? angle / 2.0 : 0);
      pts.emplace_back(radius * std::cos(o), radius * std::sin(o), 0);
    }
    Value r = w.place_wire(make_polygon(pts), b[2].truthy());
    session().count("line", n * static_cast<std::int64_t>(r.as<W>()->objects.size()));
    return r;
  }

  static Value slot2D(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "slot2D", {Param("length"), Param("diameter"), Param("angle", 0)});
    double len = num(b[0], "length"), d = num(b[1], "diameter"), r = d / 2;
    gp_Pnt p1(-len / 2 + r, d / 2, 0), p2(p1.X() + len - d, p1.Y(), 0), p3(p2.X(), p1.Y() - d, 0),
        p4(p1.X(), p3.Y(), 0);
    TopoDS_Shape slot = assemble_edges(
        {make_line(p1, p2), make_three_point_arc(p2, gp_Pnt(p2.X() + r, p2.Y() - r, 0), p3),
         make_line(p3, p4), make_three_point_arc(p4, gp_Pnt(p4.X() - r, p4.Y() + r, 0), p1)});
    slot = cq::transformed(slot, rotation(gp_Pnt(), gp_Pnt(0, 0, 1), num(b[2], "angle")));
    Value res = w.place_wire(slot, false);
    auto n = static_cast<std::int64_t>(res.as<W>()->objects.size());
    session().count("line", 2 * n);
    session().count("arc", 2 * n);
    return res;
  }

  static Value wire(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "wire", {Param("forConstruction", false)});
    return w.wire(b[0].truthy());
  }
  static Value consolidateWires(W& w, Interpreter&, CallArgs& a) {
    bind(a, "consolidateWires", {});
    return w.consolidate();
  }
  static Value mirrorX(W& w, Interpreter&, CallArgs& a) {
    bind(a, "mirrorX", {});
    return w.mirror_2d(true);
  }
  static Value mirrorY(W& w, Interpreter&, CallArgs& a) {
    bind(a, "mirrorY", {});
    return w.mirror_2d(false);
  }
  static Value toPending(W& w, Interpreter&, CallArgs& a) {
    bind(a, "toPending", {});
    for (const auto& o : w.objects) {
      if (is_type(o, TopAbs_WIRE))
        w.ctx->pending_wires.push_back(as_shape(o)->shape);
      else if (is_type(o, TopAbs_EDGE))
        w.ctx->pending_edges.push_back(as_shape(o)->shape);
    }
    return w.self();
  }

  static Value offset2D(W& w, Interpreter&, CallArgs& a) {
    auto b =
        bind(a, "offset2D", {Param("d"), Param("kind", "arc"), Param("forConstruction", false)});
    const std::string& kind = script::to_str(b[1], "kind");
    GeomAbs_JoinType join = kind == "arc"            ? GeomAbs_Arc
                            : kind == "intersection" ? GeomAbs_Intersection
                                                     : GeomAbs_Tangent;
    std::vector<TopoDS_Shape> all = w.ctx->pending_edges;
    all.insert(all.end(), w.ctx->pending_wires.begin(), w.ctx->pending_wires.end());
    std::vector<Value> objs;
    std::vector<TopoDS_Shape> out;
    for (const auto& wi : combine_wires(all)) {
      BRepOffsetAPI_MakeOffset off(wi, join);
      off.Perform(num(b[0], "d"));
      if (!off.IsDone())
        script::throw_geometry("Workplane.offset2D: BRepOffsetAPI_MakeOffset failed");
      for (const auto& r : sub_shapes(off.Shape(), TopAbs_WIRE)) {
        out.push_back(r);
        objs.push_back(wrap_shape(r, b[2].truthy()));
      }
    }
    w.ctx->pending_edges.clear();
    w.ctx->pending_wires = b[2].truthy() ? std::vector<TopoDS_Shape>{} : out;
    return w.new_object(std::move(objs));
  }

  // -- 3D features --

  static Value extrude(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "extrude",
                  {Param("until"), Param("combine", true), Param("clean", true),
                   Param("both", false), Param("taper", Value())});
    Combine mode = to_combine(b[1], "Workplane.extrude");
    double taper = b[4].is_none() ? 0.0 : num(b[4], "taper");
    if (mode == Combine::Cut) return cut_blind_until(w, b[0], b[2].truthy(), b[3].truthy(), taper);
    if (!b[0].is_number()) {
      // until='next' | 'last' | a Face: the context solid with the feature, combined with it.
      const bool face_limit = b[0].is_str() || as_shape(b[0]) != nullptr;
      if (face_limit && mode == Combine::None)
        script::throw_value_error("`combine` can't be set to False when extruding until a face");
      TopoDS_Shape r = w.extrude_until(b[0], true, b[3].truthy(), taper, "Workplane.extrude");
      return w.combine_with_base({r}, false, mode, b[2].truthy(), "Workplane.extrude");
    }
    TopoDS_Shape r = w.extrude_faces(w.pending_faces("Workplane.extrude"), num(b[0], "until"),
                                     b[3].truthy(), taper);
    session().count("extrude");
    return w.combine_with_base({r}, false, mode, b[2].truthy(), "Workplane.extrude");
  }

  // cq.py's twistExtrude: each pending face swept with Solid.extrudeLinearWithRotation about
  // the plane's origin along its normal, the solids fused, then combined with the base.
  static Value twistExtrude(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(
        a, "twistExtrude",
        {Param("distance"), Param("angleDegrees"), Param("combine", true), Param("clean", true)});
    const Combine mode = to_combine(b[2], "Workplane.twistExtrude");
    const gp_Vec normal = gp_Vec(w.plane.z_dir) * num(b[0], "distance");
    std::vector<TopoDS_Shape> solids;
    for (const TopoDS_Face& f : w.pending_faces("Workplane.twistExtrude"))
      solids.push_back(extrude_with_rotation(f, w.plane.origin, normal, num(b[1], "angleDegrees")));
    const TopoDS_Shape r = fuse_children(make_compound(solids), "Workplane.twistExtrude");
    session().count("twistExtrude");
    return w.combine_with_base({r}, false, mode, b[3].truthy(), "Workplane.twistExtrude");
  }

  // cq.py's text: Compound.makeText on the workplane's plane (once, not per stack point),
  // then cut from the context solid (cut=True, the default) or combined as `combine` says.
  static Value text(W& w, Interpreter&, CallArgs& a) {
    auto b =
        bind(a, "text",
             {Param("txt"), Param("fontsize"), Param("distance"), Param("cut", true),
              Param("combine", false), Param("clean", true), Param("font", std::string("Arial")),
              Param("fontPath", Value()), Param("kind", std::string("regular")),
              Param("halign", std::string("center")), Param("valign", std::string("center"))});
    auto str_of = [](const Value& v, const char* name) {
      if (!v.is_str()) script::throw_type_error(std::string("text: ") + name + " must be a string");
      return v.as_str();
    };
    const Combine mode = b[3].truthy() ? Combine::Cut : to_combine(b[4], "Workplane.text");
    const TopoDS_Shape r = make_text(
        str_of(b[0], "txt"), num(b[1], "fontsize"), num(b[2], "distance"), str_of(b[6], "font"),
        b[7].is_none() ? "" : str_of(b[7], "fontPath"), str_of(b[8], "kind"),
        str_of(b[9], "halign"), str_of(b[10], "valign"), w.plane.location());
    session().count("text");
    return w.combine_with_base({r}, false, mode, b[5].truthy(), "Workplane.text");
  }

  static Value cutBlind(W& w, Interpreter&, CallArgs& a) {
    auto b =
        bind(a, "cutBlind",
             {Param("until"), Param("clean", true), Param("both", false), Param("taper", Value())});
    double taper = b[3].is_none() ? 0.0 : num(b[3], "taper");
    if (b[2].is_number() && !b[2].is_bool() && b[3].is_none())  // the old (until, clean, taper)
      return cut_blind_until(w, b[0], b[1].truthy(), false, num(b[2], "taper"));
    return cut_blind_until(w, b[0], b[1].truthy(), b[2].truthy(), taper);
  }

  // cutBlind(until): a depth, or 'next' | 'last' | a Face (the solid cut up to that face).
  static Value cut_blind_until(W& w, const Value& until, bool do_clean, bool both, double taper) {
    if (until.is_number()) return w.cut_blind(num(until, "until"), do_clean, both, taper);
    TopoDS_Shape s = w.extrude_until(until, false, both, taper, "Workplane.cutBlind");
    if (do_clean) s = clean(s);
    return w.new_object({wrap_shape(s)});
  }

  static Value cutThruAll(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "cutThruAll", {Param("clean", true), Param("taper", 0)});
    if (num(b[1], "taper") != 0)
      script::throw_unsupported("Workplane.cutThruAll(taper=...) is not supported");
    auto solid = w.find_solid();
    if (!solid)
      script::throw_value_error(
          "Workplane.cutThruAll: Cannot find a solid on the stack or in the parent chain");
    auto faces = w.pending_faces("Workplane.cutThruAll");
    std::vector<TopoDS_Shape> all{*solid};
    all.insert(all.end(), faces.begin(), faces.end());
    double len = 2 * bbox_diagonal(make_compound(all)) + 1;
    std::vector<TopoDS_Shape> tools;
    for (const auto& f : faces) {
      gp_Vec n = face_normal(f) * len;
      gp_Trsf t;
      t.SetTranslation(-n);
      tools.push_back(extrude_linear(TopoDS::Face(cq::transformed(f, t)), n * 2));
    }
    session().count("extrude");
    session().count("cut");
    TopoDS_Shape s = bool_shapes(BoolOp::Cut, *solid, tools, "Workplane.cutThruAll");
    if (b[0].truthy()) s = clean(s);
    return w.new_object({wrap_shape(s)});
  }

  static Value revolve(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "revolve",
                  {Param("angleDegrees", 360.0), Param("axisStart", Value()),
                   Param("axisEnd", Value()), Param("combine", true), Param("clean", true)});
    double angle = std::fmod(num(b[0], "angleDegrees"), 360.0);
    if (angle < 0) angle += 360.0;
    if (angle == 0) angle = 360.0;
    gp_Pnt start = w.plane.to_world(b[1].is_none() ? gp_Pnt() : to_point(b[1], "axisStart"));
    gp_Pnt end;
    if (!b[2].is_none())
      end = w.plane.to_world(to_point(b[2], "axisEnd"));
    else
      end =
          w.plane.to_world(0, start.Y() != 0 ? start.Y() : 1);  // CadQuery reuses the world y here
    std::vector<TopoDS_Shape> solids;
    for (const auto& f : w.pending_faces("Workplane.revolve"))
      solids.push_back(revolve_face(f, angle, start, end));
    session().count("revolve");
    return w.combine_with_base({make_compound(solids)}, false,
                               to_combine(b[3], "Workplane.revolve"), b[4].truthy(),
                               "Workplane.revolve");
  }

  static Value loft(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "loft", {Param("ruled", false), Param("combine", true), Param("clean", true)});
    std::vector<TopoDS_Shape> sections;
    if (!w.ctx->pending_wires.empty()) {
      sections = std::move(w.ctx->pending_wires);
      w.ctx->pending_wires.clear();
    } else {
      for (const auto& o : w.objects) {
        std::vector<TopoDS_Shape> items;
        if (auto sk = o.as<Sketch>()) {
          auto f = sketch_faces(*sk);
          items.assign(f.begin(), f.end());
        } else if (auto s = as_shape(o)) {
          items = children(s->shape);
        }
        for (const auto& i : items) {
          if (i.ShapeType() == TopAbs_VERTEX)
            sections.push_back(i);
          else if (i.ShapeType() == TopAbs_FACE)
            sections.push_back(outer_wire(TopoDS::Face(i)));
        }
      }
    }
    if (sections.empty()) script::throw_value_error("Nothing to loft");
    if (sections.size() == 1) script::throw_value_error("More than one wire or face is required");
    TopoDS_Shape r = cq::loft(sections, b[0].truthy(), true, true);
    session().count("loft");
    return w.combine_with_base({r}, false, to_combine(b[1], "Workplane.loft"), b[2].truthy(),
                               "Workplane.loft");
  }

  static Value sweep(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "sweep",
                  {Param("path"), Param("multisection", false), Param("sweepAlongWires", Value()),
                   Param("makeSolid", true), Param("isFrenet", false), Param("combine", true),
                   Param("clean", true), Param("transition", "right"), Param("normal", Value()),
                   Param("auxSpine", Value())});
    if (!b[9].is_none())
      script::throw_unsupported("Workplane.sweep(auxSpine=...) is not supported");
    bool multi = b[2].is_none() ? b[1].truthy() : b[2].truthy();
    TopoDS_Shape path;
    if (auto pw = b[0].as<W>()) {
      Value v = pw->wire(false);
      auto wp = v.as<W>();
      if (wp->objects.empty() || !as_shape(wp->objects[0]))
        script::throw_value_error("Wire or Edge instance required");
      path = as_shape(wp->objects[0])->shape;
    } else if (auto s = as_shape(b[0])) {
      path = s->shape;
    }
    if (path.IsNull() || (path.ShapeType() != TopAbs_WIRE && path.ShapeType() != TopAbs_EDGE))
      script::throw_value_error("Wire or Edge instance required");
    std::optional<gp_Vec> normal;
    if (!b[8].is_none()) normal = to_vec(b[8], "normal");
    std::vector<TopoDS_Shape> solids;
    if (!multi) {
      for (const auto& f : w.pending_faces("Workplane.sweep"))
        solids.push_back(sweep_face(f, path, b[3].truthy(), b[4].truthy(),
                                    script::to_str(b[7], "transition"), normal));
    } else {
      std::vector<TopoDS_Shape> sections;
      if (!w.ctx->pending_wires.empty()) {
        sections = std::move(w.ctx->pending_wires);
        w.ctx->pending_wires.clear();
      } else {
        for (const auto& f : w.pending_faces("Workplane.sweep")) sections.push_back(outer_wire(f));
      }
      solids.push_back(sweep_multi(sections, path, b[3].truthy(), b[4].truthy(), normal));
    }
    session().count("sweep");
    return w.combine_with_base({make_compound(solids)}, false, to_combine(b[5], "Workplane.sweep"),
                               b[6].truthy(), "Workplane.sweep");
  }

  static Value box(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "box",
                  {Param("length"), Param("width"), Param("height"), Param("centered", true),
                   Param("combine", true), Param("clean", true)});
    double l = num(b[0], "length"), wi = num(b[1], "width"), h = num(b[2], "height");
    auto c = centered_flags(b[3], 3, "Workplane.box");
    gp_Pnt off(c[0] ? -l / 2 : 0, c[1] ? -wi / 2 : 0, c[2] ? -h / 2 : 0);
    auto shapes = w.place_local(make_box(l, wi, h, off));
    session().count("box", static_cast<std::int64_t>(shapes.size()));
    return w.combine_with_base(shapes, true, to_combine(b[4], "Workplane.box"), b[5].truthy(),
                               "Workplane.box");
  }

  static Value cylinder(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "cylinder",
                  {Param("height"), Param("radius"), Param("direct", script::make_tuple({0, 0, 1})),
                   Param("angle", 360), Param("centered", true), Param("combine", true),
                   Param("clean", true)});
    double h = num(b[0], "height"), r = num(b[1], "radius");
    auto c = centered_flags(b[4], 3, "Workplane.cylinder");
    gp_Pnt off(c[0] ? 0 : r, c[1] ? 0 : r, c[2] ? -h / 2 : 0);
    Plane dir = Plane::make(gp_Pnt(), std::nullopt, to_vec(b[2], "direct"));
    TopoDS_Shape s =
        moved(make_cylinder(r, h, off, gp_Vec(0, 0, 1), num(b[3], "angle")), dir.location());
    auto shapes = w.place_local(s);
    session().count("cylinder", static_cast<std::int64_t>(shapes.size()));
    return w.combine_with_base(shapes, true, to_combine(b[5], "Workplane.cylinder"), b[6].truthy(),
                               "Workplane.cylinder");
  }

  static Value sphere(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "sphere",
                  {Param("radius"), Param("direct", script::make_tuple({0, 0, 1})),
                   Param("angle1", -90), Param("angle2", 90), Param("angle3", 360),
                   Param("centered", true), Param("combine", true), Param("clean", true)});
    double r = num(b[0], "radius");
    auto c = centered_flags(b[5], 3, "Workplane.sphere");
    gp_Pnt off(c[0] ? 0 : r, c[1] ? 0 : r, c[2] ? 0 : r);
    auto shapes = w.place_local(make_sphere(r, off, to_vec(b[1], "direct"), num(b[2], "angle1"),
                                            num(b[3], "angle2"), num(b[4], "angle3")));
    session().count("sphere", static_cast<std::int64_t>(shapes.size()));
    return w.combine_with_base(shapes, true, to_combine(b[6], "Workplane.sphere"), b[7].truthy(),
                               "Workplane.sphere");
  }

  static Value wedge(W& w, Interpreter&, CallArgs& a) {
    auto b =
        bind(a, "wedge",
             {Param("dx"), Param("dy"), Param("dz"), Param("xmin"), Param("zmin"), Param("xmax"),
              Param("zmax"), Param("pnt", origin3()), Param("dir", script::make_tuple({0, 0, 1})),
              Param("centered", true), Param("combine", true), Param("clean", true)});
    double v[7];
    for (int i = 0; i < 7; ++i) v[i] = num(b[i], "Workplane.wedge");
    auto c = centered_flags(b[9], 3, "Workplane.wedge");
    gp_Pnt off(c[0] ? -v[0] / 2 : 0, c[1] ? -v[1] / 2 : 0, c[2] ? -v[2] / 2 : 0);
    auto shapes = w.place_local(
        make_wedge(v[0], v[1], v[2], v[3], v[4], v[5], v[6], off, to_vec(b[8], "dir")));
    session().count("wedge", static_cast<std::int64_t>(shapes.size()));
    return w.combine_with_base(shapes, true, to_combine(b[10], "Workplane.wedge"), b[11].truthy(),
                               "Workplane.wedge");
  }

  static double depth_or_through(W& w, const Value& v, const char* what) {
    if (!v.is_none()) return num(v, "depth");
    auto solid = w.find_solid();
    if (!solid)
      script::throw_value_error(std::string(what) +
                                ": Cannot find a solid on the stack or in the parent chain");
    return bbox_diagonal(*solid);
  }

  static Value cutEach(W& w, Interpreter& in, CallArgs& a) {
    auto b =
        bind(a, "cutEach", {Param("fcn"), Param("useLocalCoords", false), Param("clean", true)});
    TopoDS_Shape solid = context_solid(w, "Workplane.cutEach");
    CallArgs each;
    each.positional = {b[0], b[1]};
    auto placed = eachpoint(w, in, each).as<W>();
    std::vector<TopoDS_Shape> tools;
    for (const auto& o : placed->objects)
      if (auto s = as_shape(o)) tools.push_back(s->shape);
    TopoDS_Shape s = bool_shapes(BoolOp::Cut, solid, tools, "Workplane.cutEach");
    if (b[2].truthy()) s = cq::clean(s);
    return w.new_object({wrap_shape(s)});
  }

  static Value hole(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "hole", {Param("diameter"), Param("depth", Value()), Param("clean", true)});
    double depth = depth_or_through(w, b[1], "Workplane.hole");
    TopoDS_Shape h = make_cylinder(num(b[0], "diameter") / 2, depth, gp_Pnt(), gp_Vec(0, 0, -1));
    session().count("hole", static_cast<std::int64_t>(w.point_locations().size()));
    return w.cut_each(h, b[2].truthy(), "Workplane.hole");
  }

  static Value cboreHole(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "cboreHole",
                  {Param("diameter"), Param("cboreDiameter"), Param("cboreDepth"),
                   Param("depth", Value()), Param("clean", true)});
    double depth = depth_or_through(w, b[3], "Workplane.cboreHole");
    TopoDS_Shape h = make_cylinder(num(b[0], "diameter") / 2, depth, gp_Pnt(), gp_Vec(0, 0, -1));
    TopoDS_Shape cb = make_cylinder(num(b[1], "cboreDiameter") / 2, num(b[2], "cboreDepth"),
                                    gp_Pnt(), gp_Vec(0, 0, -1));
    session().count("hole", static_cast<std::int64_t>(w.point_locations().size()));
    return w.cut_each(boolean(BoolOp::Fuse, {h}, {cb}, "Workplane.cboreHole"), b[4].truthy(),
                      "Workplane.cboreHole");
  }

  static Value cskHole(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "cskHole",
                  {Param("diameter"), Param("cskDiameter"), Param("cskAngle"),
                   Param("depth", Value()), Param("clean", true)});
    double depth = depth_or_through(w, b[3], "Workplane.cskHole");
    TopoDS_Shape h = make_cylinder(num(b[0], "diameter") / 2, depth, gp_Pnt(), gp_Vec(0, 0, -1));
    double r = num(b[1], "cskDiameter") / 2, ch = r / std::tan(num(b[2], "cskAngle") / 2 * kDeg);
    TopoDS_Shape csk = make_cone(r, 0, ch, gp_Pnt(), gp_Vec(0, 0, -1));
    session().count("hole", static_cast<std::int64_t>(w.point_locations().size()));
    return w.cut_each(boolean(BoolOp::Fuse, {h}, {csk}, "Workplane.cskHole"), b[4].truthy(),
                      "Workplane.cskHole");
  }

  static std::vector<TopoDS_Shape> stack_edges(W& w) {
    return as_shape_list(w.select(TopAbs_EDGE, Value(), Value(), "Workplane.edges"));
  }
  static std::vector<TopoDS_Shape> as_shape_list(const Value& wp) {
    std::vector<TopoDS_Shape> out;
    for (const auto& o : wp.as<W>()->objects) out.push_back(as_shape(o)->shape);
    return out;
  }
  static TopoDS_Shape context_solid(W& w, const char* what) {
    auto solid = w.find_solid();
    if (!solid)
      script::throw_value_error(std::string(what) +
                                ": Cannot find a solid on the stack or in the parent chain");
    return *solid;
  }

  static Value fillet(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "fillet", {Param("radius")});
    TopoDS_Shape solid = context_solid(w, "Workplane.fillet");
    auto edges = stack_edges(w);
    if (edges.empty()) script::throw_value_error("Fillets requires that edges be selected");
    session().count("fillet", static_cast<std::int64_t>(edges.size()));
    return w.new_object({wrap_shape(clean(cq::fillet(solid, num(b[0], "radius"), edges)))});
  }

  static Value chamfer(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "chamfer", {Param("length"), Param("length2", Value())});
    TopoDS_Shape solid = context_solid(w, "Workplane.chamfer");
    auto edges = stack_edges(w);
    if (edges.empty()) script::throw_value_error("Chamfer requires that edges be selected");
    double d1 = num(b[0], "length"), d2 = b[1].truthy() ? num(b[1], "length2") : d1;
    session().count("chamfer", static_cast<std::int64_t>(edges.size()));
    return w.new_object({wrap_shape(cq::chamfer(solid, d1, d2, edges))});
  }

  static Value shell(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "shell", {Param("thickness"), Param("kind", "arc")});
    TopoDS_Shape solid = context_solid(w, "Workplane.shell");
    std::vector<TopoDS_Shape> faces;
    for (const auto& o : w.objects)
      if (is_type(o, TopAbs_FACE)) faces.push_back(as_shape(o)->shape);
    session().count("shell");
    return w.new_object(
        {wrap_shape(hollow(solid, faces, num(b[0], "thickness"), script::to_str(b[1], "kind")),
                    false, "Workplane.shell")});
  }

  // -- transforms --

  static Value translate(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "translate", {Param("vec")});
    gp_Trsf t;
    t.SetTranslation(to_vec(b[0], "Workplane.translate"));
    return map_shapes(w, t);
  }
  static Value map_shapes(W& w, const gp_Trsf& t) {
    std::vector<Value> objs;
    for (const auto& o : w.objects) {
      auto s = as_shape(o);
      objs.push_back(s ? wrap_shape(cq::transformed(s->shape, t), s->for_construction) : o);
    }
    return w.new_object(std::move(objs));
  }
  static Value rotate(W& w, Interpreter&, CallArgs& a) {
    auto b =
        bind(a, "rotate", {Param("axisStartPoint"), Param("axisEndPoint"), Param("angleDegrees")});
    return map_shapes(w, rotation(to_point(b[0], "axisStartPoint"), to_point(b[1], "axisEndPoint"),
                                  num(b[2], "angleDegrees")));
  }
  static Value rotateAboutCenter(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "rotateAboutCenter", {Param("axisEndPoint"), Param("angleDegrees")});
    gp_Vec end = to_vec(b[0], "axisEndPoint");
    std::vector<Value> objs;
    for (const auto& o : w.objects) {
      auto s = as_shape(o);
      if (!s)
        script::throw_runtime("AttributeError",
                              "'" + o.type_name() + "' object has no attribute 'rotate'");
      gp_Pnt c = center_of_mass(s->shape);
      objs.push_back(wrap_shape(
          cq::transformed(s->shape, rotation(c, c.Translated(end), num(b[1], "angleDegrees")))));
    }
    return w.new_object(std::move(objs));
  }
  static Value mirror(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(
        a, "mirror",
        {Param("mirrorPlane", "XY"), Param("basePointVector", Value()), Param("union", false)});
    gp_Vec n;
    std::optional<TopoDS_Shape> face;
    Value mp = b[0];
    if (auto wp = mp.as<W>()) {
      if (wp->objects.empty() || !is_type(wp->objects[0], TopAbs_FACE))
        script::throw_value_error("Face required");
      mp = wp->objects[0];
    }
    if (is_type(mp, TopAbs_FACE)) {
      face = as_shape(mp)->shape;
      n = face_normal(TopoDS::Face(*face));
    } else if (mp.is_str()) {
      n = mirror_normal(mp.as_str());
    } else {
      n = to_vec(mp, "mirrorPlane");
    }
    gp_Pnt base = !b[1].is_none() ? to_point(b[1], "basePointVector")
                  : face          ? center_of_mass(*face)
                                  : gp_Pnt();
    std::vector<Value> objs;
    for (const auto& o : w.objects)
      if (auto s = as_shape(o))
        objs.push_back(wrap_shape(cq::transformed(s->shape, mirroring(n, base))));
    auto r = w.new_object(std::move(objs));
    if (!b[2].truthy()) return r;
    CallArgs u;
    u.positional.push_back(r);
    return union_impl(w, u);
  }

  // -- booleans --

  static std::vector<TopoDS_Shape> boolean_operand(W& w, const Value& v, const char* op,
                                                   bool solids_only) {
    if (auto o = v.as<W>()) {
      w.ctx->merge_tags(*o->ctx, w.ctx);
      if (solids_only) {
        auto s = as_shape_list(o->select(TopAbs_SOLID, Value(), Value(), "Workplane.solids"));
        if (s.empty())
          script::throw_value_error(
              "Workplane object must have at least one solid on the stack to union!");
        return s;
      }
      std::vector<TopoDS_Shape> out;
      for (const auto& x : o->objects)
        if (auto s = as_shape(x)) out.push_back(s->shape);
      return out;
    }
    if (auto s = as_shape(v);
        s && (s->shape.ShapeType() == TopAbs_SOLID || s->shape.ShapeType() == TopAbs_COMPOUND))
      return {s->shape};
    script::throw_value_error(std::string("Cannot ") + op + " type '" + v.type_name() + "'");
  }

  static Value union_(W& w, Interpreter&, CallArgs& a) { return union_impl(w, a); }
  static Value union_impl(W& w, CallArgs& a) {
    auto b = bind(a, "union",
                  {Param("toUnion", Value()), Param("clean", true), Param("glue", false),
                   Param("tol", Value())});
    std::vector<TopoDS_Shape> shapes;
    if (!b[0].is_none()) shapes = boolean_operand(w, b[0], "union", true);
    auto base = w.find_solid();
    const double fuzzy = fuzzy_tolerance(b[3], "Workplane.union");
    TopoDS_Shape r;
    if (base)
      r = fuse_shapes(*base, shapes, "Workplane.union", b[2].truthy(), fuzzy);
    else if (shapes.size() > 1)
      r = boolean(BoolOp::Fuse, {shapes[0]},
                  std::vector<TopoDS_Shape>(shapes.begin() + 1, shapes.end()), "Workplane.union",
                  b[2].truthy(), fuzzy);
    else if (shapes.size() == 1)
      r = shapes[0];
    else
      script::throw_value_error("Workplane.union: nothing to union");
    if (b[1].truthy()) r = clean(r);
    session().count("union");
    return w.new_object({wrap_shape(r, false, "Workplane.union")});
  }

  static Value cut_or_intersect(W& w, CallArgs& a, BoolOp op, const char* name) {
    auto b = bind(a, name,
                  {Param(op == BoolOp::Cut ? "toCut" : "toIntersect"), Param("clean", true),
                   Param("tol", Value())});
    std::string what = std::string("Workplane.") + name;
    TopoDS_Shape solid = context_solid(w, what.c_str());
    TopoDS_Shape r = bool_shapes(op, solid, boolean_operand(w, b[0], name, false), what,
                                 fuzzy_tolerance(b[2], what));
    if (b[1].truthy()) r = clean(r);
    session().count(name);
    return w.new_object({wrap_shape(r, false, what)});
  }
  static Value cut(W& w, Interpreter&, CallArgs& a) {
    return cut_or_intersect(w, a, BoolOp::Cut, "cut");
  }
  static Value intersect(W& w, Interpreter&, CallArgs& a) {
    return cut_or_intersect(w, a, BoolOp::Common, "intersect");
  }

  static Value combine(W& w, Interpreter&, CallArgs& a) {
    auto b =
        bind(a, "combine", {Param("clean", true), Param("glue", false), Param("tol", Value())});
    std::vector<TopoDS_Shape> items;
    for (const auto& o : w.objects)
      if (auto s = as_shape(o)) items.push_back(s->shape);
    if (items.empty()) script::throw_value_error("Workplane.combine: no shapes on the stack");
    TopoDS_Shape s = items[0];
    if (items.size() > 1)
      s = fuse_shapes(s, std::vector<TopoDS_Shape>(items.begin() + 1, items.end()),
                      "Workplane.combine", b[1].truthy(),
                      fuzzy_tolerance(b[2], "Workplane.combine"));
    if (b[0].truthy()) s = clean(s);
    return w.new_object({wrap_shape(s)});
  }

  static Value split(W& w, Interpreter&, CallArgs& a) { return split_impl(w, a); }
  static Value split_impl(W& w, CallArgs& a) {
    TopoDS_Shape solid = context_solid(w, "Workplane.split");
    if (a.positional.size() == 1 && a.keywords.empty() &&
        (a.positional[0].as<W>() || as_shape(a.positional[0]))) {
      std::vector<TopoDS_Shape> tools;
      if (auto o = a.positional[0].as<W>()) {
        for (const auto& x : o->objects)
          if (auto s = as_shape(x)) tools.push_back(s->shape);
        w.ctx->merge_tags(*o->ctx, w.ctx);  // cq.py: self._mergeTags(arg)
      } else {
        tools.push_back(as_shape(a.positional[0])->shape);
      }
      BRepAlgoAPI_Splitter sp;
      TopTools_ListOfShape args, tl;
      for (const auto& c : children(solid)) args.Append(c);
      for (const auto& t : tools) tl.Append(t);
      sp.SetArguments(args);
      sp.SetTools(tl);
      sp.Build();
      if (!sp.IsDone() || sp.HasErrors())
        script::throw_geometry("Workplane.split: BRepAlgoAPI_Splitter failed");
      return w.new_object({wrap_shape(sp.Shape())});
    }
    auto b = bind(a, "split", {Param("keepTop", false), Param("keepBottom", false)});
    bool top = b[0].truthy(), bottom = b[1].truthy();
    if (!top && !bottom) script::throw_value_error("You have to keep at least one half");
    double d = bbox_diagonal(solid) * 10.0;
    // CadQuery cuts with self.rect(maxDim, maxDim) extruded both ways: a square at every
    // point of the stack (each object's centre; the plane's origin when the stack is empty).
    const TopoDS_Shape square =
        BRepBuilderAPI_MakeFace(gp_Pln(gp_Pnt(), gp_Dir(0, 0, 1)), -d / 2, d / 2, -d / 2, d / 2)
            .Face();
    gp_Vec n = gp_Vec(w.plane.z_dir) * d;
    std::vector<TopoDS_Shape> top_boxes, bottom_boxes;
    for (const TopoDS_Shape& face : w.place_local(square)) {
      top_boxes.push_back(extrude_linear(TopoDS::Face(face), n));
      bottom_boxes.push_back(extrude_linear(TopoDS::Face(face), -n));
    }
    std::vector<Value> objs;
    if (top)
      objs.push_back(wrap_shape(bool_shapes(BoolOp::Cut, solid, bottom_boxes, "Workplane.split")));
    if (bottom)
      objs.push_back(wrap_shape(bool_shapes(BoolOp::Cut, solid, top_boxes, "Workplane.split")));
    return w.new_object(std::move(objs));
  }

  static Value clean_(W& w, Interpreter&, CallArgs& a) {
    bind(a, "clean", {});
    std::vector<Value> objs;
    for (const auto& o : w.objects) {
      auto s = as_shape(o);
      objs.push_back(s ? wrap_shape(cq::clean(s->shape), s->for_construction) : o);
    }
    return w.new_object(std::move(objs));
  }

  static Value section(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "section", {Param("height", 0.0)});
    TopoDS_Shape solid = context_solid(w, "Workplane.section");
    double d = bbox_diagonal(solid) * 4;
    gp_Pnt base = w.plane.origin.Translated(gp_Vec(w.plane.z_dir) * num(b[0], "height"));
    TopoDS_Shape f = BRepBuilderAPI_MakeFace(gp_Pln(base, w.plane.z_dir), -d, d, -d, d).Face();
    return w.new_object({wrap_shape(bool_shapes(BoolOp::Common, solid, {f}, "Workplane.section"))});
  }

  // -- selection and stack --

  static Value sel(W& w, CallArgs& a, TopAbs_ShapeEnum t, const char* name) {
    auto b = bind(a, name, {Param("selector", Value()), Param("tag", Value())});
    return w.select(t, b[0], b[1], std::string("Workplane.") + name);
  }
  static Value faces(W& w, Interpreter&, CallArgs& a) { return sel(w, a, TopAbs_FACE, "faces"); }
  static Value edges(W& w, Interpreter&, CallArgs& a) { return sel(w, a, TopAbs_EDGE, "edges"); }
  static Value vertices(W& w, Interpreter&, CallArgs& a) {
    return sel(w, a, TopAbs_VERTEX, "vertices");
  }
  static Value wires(W& w, Interpreter&, CallArgs& a) { return sel(w, a, TopAbs_WIRE, "wires"); }
  static Value solids(W& w, Interpreter&, CallArgs& a) { return sel(w, a, TopAbs_SOLID, "solids"); }
  static Value shells(W& w, Interpreter&, CallArgs& a) { return sel(w, a, TopAbs_SHELL, "shells"); }
  static Value compounds(W& w, Interpreter&, CallArgs& a) {
    return sel(w, a, TopAbs_COMPOUND, "compounds");
  }

  static Value tag(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "tag", {Param("name")});
    const std::string& name = script::to_str(b[0], "name");
    w.ctx->tag(name, w.self(), w.ctx);
    return w.self();
  }
  static std::shared_ptr<W> tagged(W& w, const Value& v) {
    return w.ctx->tagged(script::to_str(v, "name"));
  }
  // CadQuery 2.8: out = copy(obj) (its plane and stack), parent self, the context self's.
  static Value copy_workplane(W& w, const W& obj) {
    auto out = std::make_shared<W>(obj.plane);
    out->objects = obj.objects;
    out->parent = w.self();
    out->ctx = w.ctx;
    return out;
  }
  static Value workplaneFromTagged(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "workplaneFromTagged", {Param("name")});
    return copy_workplane(w, *tagged(w, b[0]));
  }
  static Value copyWorkplane(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "copyWorkplane", {Param("obj")});
    auto o = b[0].as<W>();
    if (!o) script::throw_type_error("Workplane.copyWorkplane: expected a Workplane");
    return copy_workplane(w, *o);
  }
  static Value end(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "end", {Param("n", 1)});
    std::shared_ptr<W> r = w.self();
    for (std::int64_t i = script::to_int(b[0], "n"); i > 0; --i) {
      if (!r->parent) script::throw_value_error("Cannot End the chain-- no parents!");
      r = r->parent;
    }
    return r;
  }
  static Value first(W& w, Interpreter&, CallArgs& a) {
    bind(a, "first", {});
    return w.new_object(w.objects.empty() ? std::vector<Value>{}
                                          : std::vector<Value>{w.objects.front()});
  }
  static Value last(W& w, Interpreter&, CallArgs& a) {
    bind(a, "last", {});
    if (w.objects.empty()) script::throw_runtime("IndexError", "list index out of range");
    return w.new_object({w.objects.back()});
  }
  static Value item(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "item", {Param("i")});
    return w.get_item(Value(script::to_int(b[0], "i")));
  }
  static Value val(W& w, Interpreter&, CallArgs& a) {
    bind(a, "val", {});
    return w.objects.empty() ? make_vector(w.plane.origin) : w.objects[0];
  }
  static Value vals(W& w, Interpreter&, CallArgs& a) {
    bind(a, "vals", {});
    return script::make_list(w.objects);
  }
  static Value size(W& w, Interpreter&, CallArgs& a) {
    bind(a, "size", {});
    return Value(static_cast<std::int64_t>(w.objects.size()));
  }
  static Value all(W& w, Interpreter&, CallArgs& a) {
    bind(a, "all", {});
    std::vector<Value> out;
    for (const auto& o : w.objects) out.push_back(w.new_object({o}));
    return script::make_list(std::move(out));
  }
  static Value add(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "add", {Param("obj")});
    if (auto seq = b[0].as<script::Sequence>(); seq && !seq->is_tuple) {
      w.objects.insert(w.objects.end(), seq->items.begin(), seq->items.end());
    } else if (auto o = b[0].as<W>()) {
      w.objects.insert(w.objects.end(), o->objects.begin(), o->objects.end());
      w.ctx->merge_tags(*o->ctx, w.ctx);
    } else {
      w.objects.push_back(b[0]);
    }
    return w.self();
  }
  static Value newObject(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "newObject", {Param("objlist")});
    return w.new_object(script::to_items(b[0], "objlist"));
  }
  static Value findSolid(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "findSolid", {Param("searchStack", true), Param("searchParents", true)});
    auto s = w.find_solid(b[0].truthy(), b[1].truthy());
    if (!s) script::throw_value_error("Cannot find a solid on the stack or in the parent chain");
    return wrap_shape(*s);
  }
  static Value largestDimension(W& w, Interpreter&, CallArgs& a) {
    bind(a, "largestDimension", {});
    return Value(bbox_diagonal(context_solid(w, "Workplane.largestDimension")));
  }

  // -- callbacks --

  // cq.py's interpPlate: a surface bounded by `surf_edges` (a Workplane's edges, Edges and
  // Wires, or points joined into a closed polygon) through `surf_pts` (Face.makeNSidedSurface),
  // thickened when thickness > 0, then placed at every stack item (eachpoint, local
  // coordinates) and combined (default: not).
  static Value interpPlate(W& w, Interpreter&, CallArgs& a) {
    auto b =
        bind(a, "interpPlate",
             {Param("surf_edges"), Param("surf_pts", script::make_list({})), Param("thickness", 0),
              Param("combine", false), Param("clean", true), Param("degree", 3),
              Param("nbPtsOnCur", 15), Param("nbIter", 2), Param("anisotropy", false),
              Param("tol2d", 0.00001), Param("tol3d", 0.0001), Param("tolAng", 0.01),
              Param("tolCurv", 0.1), Param("maxDeg", 8), Param("maxSegments", 9)});
    const std::string what = "Workplane.interpPlate";
    std::vector<TopoDS_Shape> edges;
    std::vector<gp_Pnt> points;
    if (auto other = b[0].as<W>()) {
      TopTools_IndexedMapOfShape seen;
      for (const auto& o : other->objects)
        if (auto s = as_shape(o))
          for (const auto& e : sub_shapes(s->shape, TopAbs_EDGE))
            if (seen.Add(e) > static_cast<int>(edges.size())) edges.push_back(e);
    } else {
      for (const Value& item : script::to_items(b[0], what + " surf_edges")) {
        auto s = as_shape(item);
        if (s && (s->shape.ShapeType() == TopAbs_EDGE || s->shape.ShapeType() == TopAbs_WIRE))
          edges.push_back(s->shape);
        else
          points.push_back(to_point(item, what + " surf_edges"));
      }
    }
    if (!points.empty()) edges = {make_polygon(points, true)};
    std::vector<gp_Pnt> through;
    for (const Value& p : script::to_items(b[1], what + " surf_pts"))
      through.push_back(to_point(p, what + " surf_pts"));
    NSidedOptions o;
    o.degree = static_cast<int>(script::to_int(b[5], "degree"));
    o.nb_pts_on_cur = static_cast<int>(script::to_int(b[6], "nbPtsOnCur"));
    o.nb_iter = static_cast<int>(script::to_int(b[7], "nbIter"));
    o.anisotropy = b[8].truthy();
    o.tol2d = num(b[9], "tol2d");
    o.tol3d = num(b[10], "tol3d");
    o.tol_ang = num(b[11], "tolAng");
    o.tol_curv = num(b[12], "tolCurv");
    o.max_deg = static_cast<int>(script::to_int(b[13], "maxDeg"));
    o.max_segments = static_cast<int>(script::to_int(b[14], "maxSegments"));
    TopoDS_Shape plate = make_n_sided_surface(edges, {}, through, o);
    const double thickness = num(b[2], "thickness");
    if (thickness > 0) {
      if (plate.ShapeType() != TopAbs_FACE) {
        auto faces = sub_shapes(plate, TopAbs_FACE);
        if (faces.size() != 1) script::throw_geometry(what + ": the plate is not one face");
        plate = faces[0];
      }
      plate = thicken_face(TopoDS::Face(plate), thickness);
    }
    session().count("interpPlate");
    return w.combine_with_base(w.place_local(plate), true, to_combine(b[3], what), b[4].truthy(),
                               what);
  }

  static Value eachpoint(W& w, Interpreter& in, CallArgs& a) {
    auto b = bind(a, "eachpoint",
                  {Param("arg"), Param("useLocalCoordinates", false), Param("combine", false),
                   Param("clean", true)});
    bool local = b[1].truthy();
    gp_Trsf loc = w.plane.location();
    auto pnts = w.point_locations();
    std::vector<TopoDS_Shape> res;
    auto place = [&](const ShapeObj& s) {
      for (const auto& p : pnts) {
        res.push_back(moved(s.shape, local ? loc * p : p * loc));
        if (res.back().ShapeType() == TopAbs_WIRE && !s.for_construction)
          w.add_pending_wire(res.back());
      }
    };
    if (auto o = b[0].as<W>()) {
      for (const auto& v : o->objects)
        if (auto s = as_shape(v)) place(*s);
    } else if (auto s = as_shape(b[0])) {
      place(*s);
    } else {
      for (const auto& p : pnts) {
        CallArgs args;
        args.positional.push_back(make_location(local ? p : p * loc));
        Value r = in.call(b[0], args);
        auto rs = as_shape(r);
        if (!rs)
          script::throw_type_error("Workplane.eachpoint: the callback must return a Shape, got " +
                                   r.type_name());
        res.push_back(local ? moved(rs->shape, loc) : rs->shape);
        if (res.back().ShapeType() == TopAbs_WIRE && !rs->for_construction)
          w.add_pending_wire(res.back());
      }
    }
    return w.combine_with_base(res, true, to_combine(b[2], "Workplane.eachpoint"), b[3].truthy(),
                               "Workplane.eachpoint");
  }

  static Value each(W& w, Interpreter& in, CallArgs& a) {
    auto b = bind(a, "each",
                  {Param("callback"), Param("useLocalCoordinates", false), Param("combine", true),
                   Param("clean", true)});
    if (b[1].truthy())
      script::throw_unsupported("Workplane.each(useLocalCoordinates=True) is not supported");
    std::vector<TopoDS_Shape> res;
    for (const auto& o : std::vector<Value>(w.objects)) {  // a copy: callbacks may change it
      CallArgs args;
      args.positional.push_back(o);
      Value r = in.call(b[0], args);
      if (r.is_none()) continue;
      auto rs = as_shape(r);
      if (!rs)
        script::throw_type_error("Workplane.each: the callback must return a Shape, got " +
                                 r.type_name());
      if (rs->shape.ShapeType() == TopAbs_WIRE && !rs->for_construction)
        w.add_pending_wire(rs->shape);
      res.push_back(rs->shape);
    }
    return w.combine_with_base(res, true, to_combine(b[2], "Workplane.each"), b[3].truthy(),
                               "Workplane.each");
  }

  static Value filter(W& w, Interpreter& in, CallArgs& a) {
    auto b = bind(a, "filter", {Param("f")});
    std::vector<Value> out;
    for (const auto& o : std::vector<Value>(w.objects)) {  // a copy: callbacks may change it
      CallArgs args;
      args.positional.push_back(o);
      if (in.call(b[0], args).truthy()) out.push_back(o);
    }
    return w.new_object(std::move(out));
  }
  static Value map(W& w, Interpreter& in, CallArgs& a) {
    auto b = bind(a, "map", {Param("f")});
    std::vector<Value> out;
    for (const auto& o : std::vector<Value>(w.objects)) {  // a copy: callbacks may change it
      CallArgs args;
      args.positional.push_back(o);
      out.push_back(in.call(b[0], args));
    }
    return w.new_object(std::move(out));
  }
  static Value apply(W& w, Interpreter& in, CallArgs& a) {
    auto b = bind(a, "apply", {Param("f")});
    CallArgs args;
    args.positional.push_back(script::make_list(w.objects));
    return w.new_object(script::to_items(in.call(b[0], args), "Workplane.apply"));
  }
  static Value sort(W& w, Interpreter& in, CallArgs& a) {
    auto b = bind(a, "sort", {Param("key")});
    std::vector<std::pair<double, Value>> keyed;
    for (const auto& o : std::vector<Value>(w.objects)) {  // a copy: callbacks may change it
      CallArgs args;
      args.positional.push_back(o);
      keyed.emplace_back(num(in.call(b[0], args), "Workplane.sort key"), o);
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<Value> out;
    for (auto& k : keyed) out.push_back(k.second);
    return w.new_object(std::move(out));
  }
  static Value invoke(W& w, Interpreter& in, CallArgs& a) {
    auto b = bind(a, "invoke", {Param("f")});
    CallArgs args;
    args.positional.push_back(w.self());
    Value r = in.call(b[0], args);
    return r.is_none() ? Value(w.self()) : r;
  }

  // -- sketches and export --

  static Value placeSketch(W& w, Interpreter&, CallArgs& a) {
    if (!a.keywords.empty())
      script::throw_type_error("Workplane.placeSketch() takes no keyword arguments");
    std::vector<Value> out;
    for (const auto& v : a.positional) {
      auto s = v.as<Sketch>();
      if (!s)
        script::throw_type_error("Workplane.placeSketch: expected a Sketch, got " + v.type_name());
      auto copy = std::make_shared<Sketch>(*s);
      copy->locs = w.sketch_locations();
      out.push_back(copy);
    }
    return w.new_object(std::move(out));
  }
  static Value sketch(W& w, Interpreter&, CallArgs& a) {
    bind(a, "sketch", {});
    auto parent = w.new_object({});
    auto s = new_sketch(parent, w.sketch_locations());
    parent->objects.push_back(s);
    return s;
  }
  static Value export_(W& w, Interpreter&, CallArgs& a) {
    auto b = bind(a, "export",
                  {Param("fname"), Param("tolerance", 0.1), Param("angularTolerance", 0.1),
                   Param("unit", "MM"), Param("outputUnit", Value()), Param("opt", Value())});
    session().exported.emplace_back(w.self(), script::to_str(b[0], "fname"));
    return w.self();
  }

  static const std::unordered_map<std::string, Fn>& table() {
    static const std::unordered_map<std::string, Fn> t = {
        {"workplane", workplane},
        {"transformed", transformed},
        {"center", center},
        {"moveTo", moveTo},
        {"move", move},
        {"pushPoints", pushPoints},
        {"rarray", rarray},
        {"polarArray", polarArray},
        {"lineTo", lineTo},
        {"line", line},
        {"hLine", hLine},
        {"vLine", vLine},
        {"hLineTo", hLineTo},
        {"vLineTo", vLineTo},
        {"polarLine", polarLine},
        {"polarLineTo", polarLineTo},
        {"polyline", polyline},
        {"close", close},
        {"threePointArc", threePointArc},
        {"sagittaArc", sagittaArc},
        {"radiusArc", radiusArc},
        {"tangentArcPoint", tangentArcPoint},
        {"spline", spline},
        {"bezier", bezier},
        {"ellipseArc", ellipseArc},
        {"rect", rect},
        {"circle", circle},
        {"ellipse", ellipse},
        {"polygon", polygon},
        {"slot2D", slot2D},
        {"wire", wire},
        {"consolidateWires", consolidateWires},
        {"mirrorX", mirrorX},
        {"mirrorY", mirrorY},
        {"toPending", toPending},
        {"offset2D", offset2D},
        {"extrude", extrude},
        {"cutBlind", cutBlind},
        {"twistExtrude", twistExtrude},
        {"text", text},
        {"splineApprox", splineApprox},
        {"parametricCurve", parametricCurve},
        {"cutThruAll", cutThruAll},
        {"revolve", revolve},
        {"loft", loft},
        {"sweep", sweep},
        {"box", box},
        {"cylinder", cylinder},
        {"sphere", sphere},
        {"wedge", wedge},
        {"hole", hole},
        {"cboreHole", cboreHole},
        {"cskHole", cskHole},
        {"cutEach", cutEach},
        {"fillet", fillet},
        {"chamfer", chamfer},
        {"shell", shell},
        {"translate", translate},
        {"rotate", rotate},
        {"rotateAboutCenter", rotateAboutCenter},
        {"mirror", mirror},
        {"union", union_},
        {"cut", cut},
        {"intersect", intersect},
        {"combine", combine},
        {"split", split},
        {"clean", clean_},
        {"section", section},
        {"faces", faces},
        {"edges", edges},
        {"vertices", vertices},
        {"wires", wires},
        {"solids", solids},
        {"shells", shells},
        {"compounds", compounds},
        {"tag", tag},
        {"workplaneFromTagged", workplaneFromTagged},
        {"copyWorkplane", copyWorkplane},
        {"end", end},
        {"first", first},
        {"last", last},
        {"item", item},
        {"val", val},
        {"vals", vals},
        {"size", size},
        {"all", all},
        {"add", add},
        {"newObject", newObject},
        {"findSolid", findSolid},
        {"largestDimension", largestDimension},
        {"eachpoint", eachpoint},
        {"interpPlate", interpPlate},
        {"parametricSurface", parametricSurface},
        {"each", each},
        {"filter", filter},
        {"map", map},
        {"apply", apply},
        {"sort", sort},
        {"invoke", invoke},
        {"placeSketch", placeSketch},
        {"sketch", sketch},
        {"export", export_},
    };
    return t;
  }
};

std::optional<Value> Workplane::binary_op(script::BinOp op, const Value& rhs, bool reflected) {
  if (reflected) return std::nullopt;
  CallArgs args;
  args.positional.push_back(rhs);
  auto run = [&](const char* what, auto fn) {
    return guarded(what, [&] { return fn(*this, args); });
  };
  switch (op) {
    case script::BinOp::Add:
    case script::BinOp::BitOr:
      return run("Workplane.union", WorkplaneMethods::union_impl);
    case script::BinOp::Sub:
      return run("Workplane.cut", [](Workplane& w, CallArgs& a) {
        return WorkplaneMethods::cut_or_intersect(w, a, BoolOp::Cut, "cut");
      });
    case script::BinOp::Div:
      return run("Workplane.split",
                 [](Workplane& w, CallArgs& a) { return WorkplaneMethods::split_impl(w, a); });
    case script::BinOp::BitAnd:
    case script::BinOp::Mul:
      return run("Workplane.intersect", [](Workplane& w, CallArgs& a) {
        return WorkplaneMethods::cut_or_intersect(w, a, BoolOp::Common, "intersect");
      });
    default:
      return std::nullopt;
  }
}

void Workplane::set_attr(Interpreter& in, const std::string& name, const Value& value) {
  if (name == "plane") {
    plane = to_plane(value, "Workplane.plane");
    return;
  }
  if (name == "objects") {
    std::vector<Value> items = script::to_items(value, "Workplane.objects");
    objects = std::move(items);
    return;
  }
  Object::set_attr(in, name, value);
}

Value Workplane::get_attr(Interpreter& in, const std::string& name) {
  if (name == "plane") return Value(plane_obj);
  if (name == "objects") return Value(objects_list);
  if (name == "parent") return parent ? Value(parent) : Value();
  const auto& t = WorkplaneMethods::table();
  if (auto it = t.find(name); it != t.end()) {
    auto fn = it->second;
    std::string qual = "Workplane." + name;
    return make_builtin(qual,
                        [s = self(), fn](Interpreter& i, CallArgs& a) { return fn(*s, i, a); });
  }
  if (name == "exportSvg")  // cq.py: writes an SVG of the view; accepted, never written
    return make_builtin("Workplane.exportSvg", [](Interpreter&, CallArgs& a) {
      auto b = script::bind_args(a, "Workplane.exportSvg", {Param("fileName")});
      script::to_str(b[0], "Workplane.exportSvg fileName");
      return Value();
    });
  static const char* unsupported[] = {"ancestors", "siblings", "toSvg", "toOCC", "ctx"};
  for (const char* u : unsupported)
    if (name == u) script::throw_unsupported("Workplane." + name + " is not supported");
  return Object::get_attr(in, name);
}

Value make_workplane(Interpreter&, CallArgs& args) {
  auto b = script::bind_args(
      args, "Workplane",
      {Param("inPlane", "XY"), Param("origin", origin3()), Param("obj", Value())});
  Plane plane;
  Value obj = b[2];
  if (auto p = b[0].as<PlaneObj>()) {
    plane = p->plane;
  } else if (b[0].is_str()) {
    plane = Plane::named(b[0].as_str(), to_point(b[1], "origin"));
  } else if (b[0].as<VectorObj>() || b[0].as<LocationObj>() || as_shape(b[0])) {
    obj = b[0];
    plane = Plane::named("XY", to_point(b[1], "origin"));
  } else {
    script::throw_value_error("Provided value " + b[0].repr() + " is not a valid work plane");
  }
  if (!session().first_plane) {
    auto xyz = [](const gp_XYZ& v) { return std::array<double, 3>{v.X(), v.Y(), v.Z()}; };
    session().first_plane =
        Session::Frame{xyz(plane.origin.XYZ()), xyz(plane.x_dir.XYZ()), xyz(plane.z_dir.XYZ())};
  }
  auto w = new_workplane(plane);
  if (obj.truthy()) w->objects.push_back(obj);
  return w;
}

}  // namespace cad::cq
