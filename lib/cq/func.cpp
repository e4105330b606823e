// cadquery.func: CadQuery's free-function API (occ_impl/shapes.py, 2.8), the functions over
// shapes that carry no hidden state: primitives, builders, booleans and operations.
#include <BOPAlgo_Tools.hxx>
#include <BRepBuilderAPI_MakeFace.hxx>
#include <BRepBuilderAPI_MakeSolid.hxx>
#include <BRepBuilderAPI_MakeVertex.hxx>
#include <BRepBuilderAPI_Sewing.hxx>
#include <BRepCheck_Analyzer.hxx>
#include <BRepOffsetAPI_MakeFilling.hxx>
#include <BRepOffset_MakeOffset.hxx>
#include <BRepPrimAPI_MakePrism.hxx>
#include <BRepPrimAPI_MakeRevol.hxx>
#include <ShapeFix_Solid.hxx>
#include <TopExp.hxx>
#include <TopTools_IndexedDataMapOfShapeListOfShape.hxx>
#include <TopTools_ListOfShape.hxx>
#include <TopoDS.hxx>
#include <TopoDS_Compound.hxx>
#include <gp_Ax1.hxx>
#include <gp_Pln.hxx>

#include <cmath>
#include <string>
#include <vector>

#include "cq/cadquery.h"
#include "cq/geom_types.h"
#include "cq/host.h"
#include "cq/shapes.h"

namespace cad::cq {

using script::CallArgs;
using script::Interpreter;
using script::Param;
using script::Value;

namespace {

constexpr double kPi = 3.14159265358979323846;

// The shapes among positional arguments: shapes themselves, or lists/tuples of shapes.
std::vector<TopoDS_Shape> shape_args(const std::vector<Value>& args, const std::string& what) {
  std::vector<TopoDS_Shape> out;
  for (const auto& v : args) {
    if (auto s = as_shape(v)) {
      out.push_back(s->shape);
    } else if (auto seq = v.as<script::Sequence>()) {
      for (const auto& i : seq->items) {
        auto s2 = as_shape(i);
        if (!s2) script::throw_type_error(what + ": expected Shapes, got " + i.type_name());
        out.push_back(s2->shape);
      }
    } else {
      script::throw_type_error(what + ": expected a Shape, got " + v.type_name());
    }
  }
  return out;
}
TopoDS_Shape one_shape(const Value& v, const std::string& what) {
  auto s = as_shape(v);
  if (!s) script::throw_type_error(what + ": expected a Shape, got " + v.type_name());
  return s->shape;
}
// _compound_or_shape: one shape stays itself, several become a compound.
Value compound_or_shape(const std::vector<TopoDS_Shape>& shapes) {
  if (shapes.size() == 1) return wrap_shape(shapes[0]);
  return wrap_shape(make_compound(shapes));
}
Value compound_or_shape(const TopoDS_Shape& s) {
  if (s.ShapeType() == TopAbs_COMPOUND) {
    auto ch = children(s);
    if (ch.size() == 1) return wrap_shape(ch[0]);
  }
  return wrap_shape(s);
}
// _get(s, types): s when of one of the types, a compound's children recursively, else an error.
void collect(const TopoDS_Shape& s, const std::vector<TopAbs_ShapeEnum>& types,
             std::vector<TopoDS_Shape>& out, const std::string& what) {
  if (std::find(types.begin(), types.end(), s.ShapeType()) != types.end()) {
    out.push_back(s);
  } else if (s.ShapeType() == TopAbs_COMPOUND) {
    for (const auto& c : children(s)) collect(c, types, out, what);
  } else {
    script::throw_value_error(what + ": unsupported type " + shape_type_name(s));
  }
}
std::vector<TopoDS_Shape> edges_of(const std::vector<TopoDS_Shape>& shapes,
                                   const std::string& what) {
  std::vector<TopoDS_Shape> out;
  for (const auto& s : shapes)
    if (s.ShapeType() == TopAbs_EDGE)
      out.push_back(s);
    else if (s.ShapeType() == TopAbs_WIRE || s.ShapeType() == TopAbs_COMPOUND)
      for (const auto& e : sub_shapes(s, TopAbs_EDGE)) out.push_back(e);
    else
      script::throw_value_error(what + ": required Edge or Wire, encountered " +
                                shape_type_name(s));
  return out;
}
std::vector<gp_Pnt> point_args(const std::vector<Value>& args, const std::string& what) {
  std::vector<Value> items = args;
  if (items.size() == 1 && !is_vector_like(items[0])) items = script::to_items(items[0], what);
  std::vector<gp_Pnt> pts;
  for (const auto& v : items) pts.push_back(to_point(v, what));
  return pts;
}
// fill's and cap's constraints: shapes whose edges the surface passes through, or points.
void add_constraints(BRepOffsetAPI_MakeFilling& f, const Value& constraints,
                     const std::string& what) {
  for (const auto& c : script::to_items(constraints, what + " constraints")) {
    if (auto s = as_shape(c))
      for (const auto& e : edges_of({s->shape}, what)) f.Add(TopoDS::Edge(e), GeomAbs_C0, false);
    else
      f.Add(to_point(c, what + " constraint"));
  }
}
double num(const Value& v, const std::string& what) {
  return script::to_float(v, what);
}

using Fn = std::function<Value(Interpreter&, CallArgs&)>;

std::vector<std::pair<const char*, Fn>> functions() {
  return {
      {"vertex",
       [](Interpreter&, CallArgs& a) {
         gp_Pnt p = a.positional.size() == 3
                        ? gp_Pnt(num(a.positional[0], "vertex"), num(a.positional[1], "vertex"),
                                 num(a.positional[2], "vertex"))
                        : to_point(script::bind_args(a, "vertex", {Param("p")})[0], "vertex");
         return wrap_shape(BRepBuilderAPI_MakeVertex(p).Vertex());
       }},
      {"segment",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "segment", {Param("p1"), Param("p2")});
         return wrap_shape(make_line(to_point(b[0], "segment"), to_point(b[1], "segment")));
       }},
      {"polyline",
       [](Interpreter&, CallArgs& a) {
         return wrap_shape(make_polygon(point_args(a.positional, "polyline"), false));
       }},
      {"polygon",
       [](Interpreter&, CallArgs& a) {
         return wrap_shape(make_polygon(point_args(a.positional, "polygon"), true));
       }},
      {"rect",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "rect", {Param("w"), Param("h")});
         const double w = num(b[0], "rect w") / 2, h = num(b[1], "rect h") / 2;
         return wrap_shape(make_polygon(
             {gp_Pnt(-w, -h, 0), gp_Pnt(w, -h, 0), gp_Pnt(w, h, 0), gp_Pnt(-w, h, 0)}, true));
       }},
      {"spline",
       [](Interpreter&, CallArgs& a) {
         bool periodic = false;
         for (const auto& [k, v] : a.keywords)
           if (k == "periodic") periodic = v.truthy();
         return wrap_shape(make_spline(point_args(a.positional, "spline"), {}, periodic));
       }},
      {"circle",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "circle", {Param("r")});
         return wrap_shape(make_circle(num(b[0], "circle r"), gp_Pnt(), gp_Vec(0, 0, 1)));
       }},
      {"ellipse",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "ellipse", {Param("r1"), Param("r2")});
         return wrap_shape(make_ellipse(num(b[0], "ellipse r1"), num(b[1], "ellipse r2"), gp_Pnt(),
                                        gp_Vec(0, 0, 1), gp_Vec(1, 0, 0)));
       }},
      {"plane",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "plane", {Param("w", 2e60), Param("l", 2e60)});
         const double w = num(b[0], "plane w") / 2, l = num(b[1], "plane l") / 2;
         return wrap_shape(BRepBuilderAPI_MakeFace(gp_Pln(), -w, w, -l, l).Face());
       }},
      {"box",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "box", {Param("w"), Param("l"), Param("h")});
         const double w = num(b[0], "box w"), l = num(b[1], "box l"), h = num(b[2], "box h");
         return wrap_shape(make_box(w, l, h, gp_Pnt(-w / 2, -l / 2, 0)));
       }},
      {"cylinder",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "cylinder", {Param("d"), Param("h")});
         return wrap_shape(make_cylinder(num(b[0], "cylinder d") / 2, num(b[1], "cylinder h")));
       }},
      {"sphere",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "sphere", {Param("d")});
         return wrap_shape(make_sphere(num(b[0], "sphere d") / 2));
       }},
      {"torus",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "torus", {Param("d1"), Param("d2")});
         return wrap_shape(make_torus(num(b[0], "torus d1") / 2, num(b[1], "torus d2") / 2));
       }},
      {"cone",
       [](Interpreter&, CallArgs& a) {
         if (a.positional.size() == 2 && a.keywords.empty())
           return wrap_shape(
               make_cone(num(a.positional[0], "cone d") / 2, 0, num(a.positional[1], "cone h")));
         auto b = script::bind_args(a, "cone", {Param("d1"), Param("d2"), Param("h")});
         return wrap_shape(
             make_cone(num(b[0], "cone d1") / 2, num(b[1], "cone d2") / 2, num(b[2], "cone h")));
       }},
      {"compound",
       [](Interpreter&, CallArgs& a) {
         return wrap_shape(make_compound(shape_args(a.positional, "compound")));
       }},
      {"wire",
       [](Interpreter&, CallArgs& a) {
         return wrap_shape(assemble_edges(edges_of(shape_args(a.positional, "wire"), "wire")));
       }},
      {"face",
       [](Interpreter&, CallArgs& a) {
         // BOPAlgo_Tools::WiresToFaces over the wires (edges become wires first).
         std::vector<TopoDS_Shape> wires;
         for (const auto& s : shape_args(a.positional, "face")) {
           if (s.ShapeType() == TopAbs_WIRE)
             wires.push_back(s);
           else if (s.ShapeType() == TopAbs_EDGE)
             wires.push_back(assemble_edges({s}));
           else
             for (const auto& w : sub_shapes(s, TopAbs_WIRE)) wires.push_back(w);
         }
         TopoDS_Compound in = TopoDS::Compound(make_compound(wires)), out;
         if (!BOPAlgo_Tools::WiresToFaces(in, out))
           script::throw_value_error("Face construction failed");
         const auto made = sub_shapes(out, TopAbs_FACE);  // _get_one(..., "Face"): the first
         if (made.empty()) script::throw_value_error("Face construction failed");
         return wrap_shape(made.front());
       }},
      {"shell",
       [](Interpreter&, CallArgs& a) {
         double tol = 1e-6;
         for (const auto& [k, v] : a.keywords)
           if (k == "tol") tol = num(v, "shell tol");
         BRepBuilderAPI_Sewing sew(tol);
         for (const auto& s : shape_args(a.positional, "shell")) sew.Add(s);
         sew.Perform();
         return compound_or_shape(sew.SewedShape());
       }},
      {"solid",
       [](Interpreter&, CallArgs& a) {
         // Faces or shells sewn into a shell, made a solid and fixed (ShapeFix_Solid).
         double tol = 1e-6;
         for (const auto& [k, v] : a.keywords)
           if (k == "tol") tol = num(v, "solid tol");
         BRepBuilderAPI_Sewing sew(tol);
         for (const auto& s : shape_args(a.positional, "solid")) sew.Add(s);
         sew.Perform();
         const auto shells = sub_shapes(sew.SewedShape(), TopAbs_SHELL);
         if (shells.empty()) script::throw_value_error("solid: the faces make no shell");
         BRepBuilderAPI_MakeSolid ms;
         for (const auto& sh : shells) ms.Add(TopoDS::Shell(sh));
         ShapeFix_Solid fix(ms.Solid());
         fix.Perform();
         return compound_or_shape(fix.Shape());
       }},
      {"fuse",
       [](Interpreter&, CallArgs& a) {
         double tol = 0;
         for (const auto& [k, v] : a.keywords)
           if (k == "tol") tol = num(v, "fuse tol");
         auto s = shape_args(a.positional, "fuse");
         if (s.size() < 2) script::throw_type_error("fuse() needs at least two shapes");
         return compound_or_shape(
             boolean(BoolOp::Fuse, {s[0]}, {s.begin() + 1, s.end()}, "fuse", false, tol));
       }},
      {"cut",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "cut", {Param("s1"), Param("s2"), Param("tol", 0.0)});
         return compound_or_shape(boolean(BoolOp::Cut, {one_shape(b[0], "cut")},
                                          {one_shape(b[1], "cut")}, "cut", false,
                                          num(b[2], "cut tol")));
       }},
      {"intersect",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "intersect", {Param("s1"), Param("s2"), Param("tol", 0.0)});
         return compound_or_shape(boolean(BoolOp::Common, {one_shape(b[0], "intersect")},
                                          {one_shape(b[1], "intersect")}, "intersect", false,
                                          num(b[2], "intersect tol")));
       }},
      {"split",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "split", {Param("s1"), Param("s2"), Param("tol", 0.0)});
         return compound_or_shape(
             split_shape(one_shape(b[0], "split"), {one_shape(b[1], "split")}));
       }},
      {"clean",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "clean", {Param("s")});
         return compound_or_shape(clean(one_shape(b[0], "clean")));
       }},
      {"fill",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "fill",
                                    {Param("s"), Param("constraints", script::make_tuple({}))});
         BRepOffsetAPI_MakeFilling f;
         for (const auto& e : edges_of({one_shape(b[0], "fill")}, "fill"))
           f.Add(TopoDS::Edge(e), GeomAbs_C0);
         add_constraints(f, b[1], "fill");
         f.Build();
         if (!f.IsDone()) script::throw_geometry("fill: BRepOffsetAPI_MakeFilling failed");
         return wrap_shape(f.Shape());
       }},
      {"cap",
       [](Interpreter&, CallArgs& a) {
         // fill() that meets each boundary edge's face in the context G1-continuously.
         auto b = script::bind_args(
             a, "cap", {Param("s"), Param("ctx"), Param("constraints", script::make_tuple({}))});
         const TopoDS_Shape ctx = one_shape(b[1], "cap ctx");
         TopTools_IndexedDataMapOfShapeListOfShape ancestors;
         TopExp::MapShapesAndAncestors(ctx, TopAbs_EDGE, TopAbs_FACE, ancestors);
         BRepOffsetAPI_MakeFilling f;
         f.SetResolParam(2, 15, 5);
         for (const auto& e : edges_of({one_shape(b[0], "cap")}, "cap")) {
           const int i = ancestors.FindIndex(e);
           if (i == 0 || ancestors.FindFromIndex(i).IsEmpty())
             script::throw_value_error("cap: an edge has no face in the context shape");
           f.Add(TopoDS::Edge(e), TopoDS::Face(ancestors.FindFromIndex(i).First()), GeomAbs_G1,
                 true);
         }
         add_constraints(f, b[2], "cap");
         f.Build();
         if (!f.IsDone()) script::throw_geometry("cap: BRepOffsetAPI_MakeFilling failed");
         return compound_or_shape(f.Shape());
       }},
      {"offset",
       [](Interpreter&, CallArgs& a) {
         // BRepOffset_MakeOffset of each face or shell (skin mode, intersection joins),
         // thickened into a solid when cap; both: the offsets to either side fused.
         auto b = script::bind_args(a, "offset",
                                    {Param("s"), Param("t"), Param("cap", true),
                                     Param("both", false), Param("tol", 1e-6)});
         std::vector<TopoDS_Shape> items;
         collect(one_shape(b[0], "offset"), {TopAbs_FACE, TopAbs_SHELL}, items, "offset");
         const double t = num(b[1], "offset t"), tol = num(b[4], "offset tol");
         auto one = [&](const TopoDS_Shape& el, double d) {
           BRepOffset_MakeOffset builder;
           builder.Initialize(el, d, tol, BRepOffset_Skin, false, false, GeomAbs_Intersection,
                              b[2].truthy());
           builder.MakeOffsetShape();
           if (!builder.IsDone()) script::throw_geometry("offset: BRepOffset_MakeOffset failed");
           return builder.Shape();
         };
         std::vector<TopoDS_Shape> out;
         for (const auto& el : items)
           out.push_back(b[3].truthy()
                             ? boolean(BoolOp::Fuse, {one(el, t)}, {one(el, -t)}, "offset")
                             : one(el, t));
         return compound_or_shape(out);
       }},
      {"sweep",
       [](Interpreter&, CallArgs& a) {
         // Faces sweep into solids (their holes cut out); edges and wires into surfaces, closed
         // into solids when cap (BRepOffsetAPI_MakePipeShell, CadQuery's sweep).
         auto b = script::bind_args(a, "sweep",
                                    {Param("s"), Param("path"), Param("aux", Value()),
                                     Param("cap", false), Param("transition", "transformed")});
         if (!b[2].is_none())
           script::throw_unsupported(
               "cadquery.func.sweep with an auxiliary spine is not supported");
         const TopoDS_Shape s = one_shape(b[0], "sweep"), path = one_shape(b[1], "sweep path");
         const std::string transition = script::to_str(b[4], "sweep transition");
         std::vector<TopoDS_Shape> out;
         const auto faces = sub_shapes(s, TopAbs_FACE);
         if (!faces.empty()) {
           for (const auto& f : faces)
             out.push_back(
                 sweep_face(TopoDS::Face(f), path, true, false, transition, std::nullopt));
         } else {
           std::vector<TopoDS_Shape> wires;
           if (s.ShapeType() == TopAbs_WIRE)
             wires.push_back(s);
           else if (s.ShapeType() == TopAbs_EDGE)
             wires.push_back(assemble_edges({s}));
           else
             for (const auto& w : sub_shapes(s, TopAbs_WIRE)) wires.push_back(w);
           for (const auto& w : wires)
             out.push_back(sweep_wires({TopoDS::Wire(w)}, path, b[3].truthy(), false, transition,
                                       std::nullopt));
         }
         return compound_or_shape(out);
       }},
      {"fillet",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "fillet", {Param("s"), Param("edges"), Param("r")});
         return compound_or_shape(fillet(one_shape(b[0], "fillet"), num(b[2], "fillet r"),
                                         sub_shapes(one_shape(b[1], "fillet"), TopAbs_EDGE)));
       }},
      {"chamfer",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "chamfer", {Param("s"), Param("edges"), Param("d")});
         const double d = num(b[2], "chamfer d");
         return compound_or_shape(chamfer(one_shape(b[0], "chamfer"), d, d,
                                          sub_shapes(one_shape(b[1], "chamfer"), TopAbs_EDGE)));
       }},
      {"extrude",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "extrude", {Param("s"), Param("d"), Param("both", false)});
         const gp_Vec d = to_vec(b[1], "extrude d");
         std::vector<TopoDS_Shape> items, out;
         collect(one_shape(b[0], "extrude"), {TopAbs_VERTEX, TopAbs_EDGE, TopAbs_WIRE, TopAbs_FACE},
                 items, "extrude");
         for (const auto& el : items) {
           if (b[2].truthy()) {
             gp_Trsf back;
             back.SetTranslation(-d);
             out.push_back(BRepPrimAPI_MakePrism(moved(el, back), 2 * d).Shape());
           } else {
             out.push_back(BRepPrimAPI_MakePrism(el, d).Shape());
           }
         }
         return compound_or_shape(out);
       }},
      {"revolve",
       [](Interpreter&, CallArgs& a) {
         auto b =
             script::bind_args(a, "revolve", {Param("s"), Param("p"), Param("d"), Param("a", 360)});
         const gp_Ax1 ax(to_point(b[1], "revolve p"), gp_Dir(to_vec(b[2], "revolve d")));
         std::vector<TopoDS_Shape> items, out;
         collect(one_shape(b[0], "revolve"), {TopAbs_VERTEX, TopAbs_EDGE, TopAbs_WIRE, TopAbs_FACE},
                 items, "revolve");
         for (const auto& el : items)
           out.push_back(BRepPrimAPI_MakeRevol(el, ax, num(b[3], "revolve a") * kPi / 180).Shape());
         return compound_or_shape(out);
       }},
      {"loft",
       [](Interpreter&, CallArgs& a) {
         bool cap = false, ruled = false;
         for (const auto& [k, v] : a.keywords) {
           if (k == "cap")
             cap = v.truthy();
           else if (k == "ruled")
             ruled = v.truthy();
           else
             script::throw_type_error("loft() got an unsupported keyword argument '" + k + "'");
         }
         // Faces loft their outer wires into solids (CadQuery also lofts their holes); edges
         // and wires loft into a surface, capped when cap=True.
         std::vector<TopoDS_Shape> sections;
         bool faces = false;
         for (const auto& s : shape_args(a.positional, "loft")) {
           if (s.ShapeType() == TopAbs_FACE) {
             faces = true;
             sections.push_back(outer_wire(TopoDS::Face(s)));
           } else if (s.ShapeType() == TopAbs_EDGE) {
             sections.push_back(assemble_edges({s}));
           } else if (s.ShapeType() == TopAbs_WIRE || s.ShapeType() == TopAbs_VERTEX) {
             sections.push_back(s);
           } else {
             script::throw_value_error("loft: unsupported type " + shape_type_name(s));
           }
         }
         return compound_or_shape(loft(sections, ruled, faces || cap, true));
       }},
      {"text",
       [](Interpreter&, CallArgs& a) {
         // The flat overload: text(txt, size, font, path, kind, halign, valign), its faces fused
         // and cleaned (text on a spine: unsupported).
         auto b = script::bind_args(
             a, "text",
             {Param("txt"), Param("size"), Param("font", "Arial"), Param("path", Value()),
              Param("kind", "regular"), Param("halign", "center"), Param("valign", "center")});
         if (!b[2].is_str())
           script::throw_unsupported("cadquery.func.text on a spine is not supported");
         const TopoDS_Shape flat =
             make_text(script::to_str(b[0], "text"), num(b[1], "text size"), 0, b[2].as_str(),
                       b[3].is_none() ? std::string() : script::to_str(b[3], "text path"),
                       script::to_str(b[4], "text kind"), script::to_str(b[5], "text halign"),
                       script::to_str(b[6], "text valign"), gp_Trsf());
         return compound_or_shape(
             clean(fuse_children(make_compound(sub_shapes(flat, TopAbs_FACE)), "text")));
       }},
      {"check",
       [](Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "check", {Param("s")});
         return Value(BRepCheck_Analyzer(one_shape(b[0], "check")).IsValid());
       }},
  };
}

}  // namespace

std::shared_ptr<script::Module> make_func_module() {
  auto m = std::make_shared<script::Module>("cadquery.func");
  for (auto& [name, fn] : functions()) m->set(name, make_builtin(std::string(name), fn));
  static const char* const unsupported[] = {
      "edgeOn", "wireOn", "faceOn",   "imprint",   "closest", "project",    "isSubshape",
      "prism",  "hollow", "fillet2D", "chamfer2D", "draft",   "setThreads", "offset2D"};
  for (const char* n : unsupported)
    m->set(n, make_builtin(std::string(n), [n](Interpreter&, CallArgs&) -> Value {
             script::throw_unsupported(std::string("cadquery.func.") + n + " is not supported");
           }));
  return m;
}

}  // namespace cad::cq
