// The `cadquery` module for the interpreter, the per-run session, and result selection.
#include "cq/cadquery.h"

#include <TopoDS_Iterator.hxx>

#include <algorithm>

#include "cq/assembly.h"
#include "cq/geom_types.h"
#include "cq/host.h"
#include "cq/selector_classes.h"
#include "cq/shapes.h"
#include "cq/sketch.h"
#include "cq/workplane.h"

namespace cad::cq {

using script::CallArgs;
using script::Interpreter;
using script::Param;
using script::Value;

namespace {

thread_local std::shared_ptr<Session> current_session;

/// A module whose missing CadQuery names raise the unsupported error instead of
/// AttributeError.
struct CadQueryModule : script::Module {
  CadQueryModule(std::string name, std::vector<std::string> known)
      : Module(std::move(name)), known(std::move(known)) {}
  std::vector<std::string> known;
  Value get_attr(Interpreter& in, const std::string& attr) override {
    for (const auto& [k, v] : attrs)
      if (k == attr) return v;
    if (std::find(known.begin(), known.end(), attr) != known.end())
      script::throw_unsupported(name + "." + attr + " is not supported");
    return Module::get_attr(in, attr);
  }
};

Value make_exporters() {
  auto m = std::make_shared<CadQueryModule>(
      "cadquery.exporters", std::vector<std::string>{"ExportTypes", "exportShape", "toString"});
  m->set("export", make_builtin("exporters.export", [](Interpreter&, CallArgs& a) {
           auto b = script::bind_args(
               a, "exporters.export",
               {Param("w"), Param("fname"), Param("exportType", Value()), Param("tolerance", 0.1),
                Param("angularTolerance", 0.1), Param("opt", Value())});
           session().exported.emplace_back(b[0], script::to_str(b[1], "exporters.export fname"));
           return Value();
         }));
  // exporters.exportDXF(w, fname, opt=None): a 2D section to a DXF file. Accepted and never
  // written (no file is); unlike export, the section does not become the script's result.
  m->set("exportDXF", make_builtin("exporters.exportDXF", [](Interpreter&, CallArgs& a) {
           auto b = script::bind_args(a, "exporters.exportDXF",
                                      {Param("w"), Param("fname"), Param("opt", Value())});
           script::to_str(b[1], "exporters.exportDXF fname");
           return Value();
         }));
  return m;
}

/// Adds the shape classes (and geometry types) to a module.
void add_classes(script::Module& m, bool geometry, bool shapes) {
  if (geometry) {
    m.set("Vector", vector_class());
    m.set("Plane", plane_class());
    m.set("Location", location_class());
  }
  if (shapes)
    for (const char* n : {"Shape", "Solid", "Face", "Edge", "Wire", "Vertex", "Compound", "Shell"})
      m.set(n, shape_class(n));
}

Value make_cadquery(const Value& exporters) {
  auto m = std::make_shared<CadQueryModule>(
      "cadquery", std::vector<std::string>{"importers", "BoundBox", "occ_impl", "Constraint", "vis",
                                           "cqgi", "CompSolid"});
  const auto workplane = std::make_shared<HostClass>("Workplane", make_workplane);
  m->set("Workplane", workplane);
  m->set("CQ", workplane);  // cq.py: "CQ = Workplane", the alias for backward compatibility
  m->set("Sketch", std::make_shared<HostClass>("Sketch", make_sketch));
  m->set("Matrix", matrix_class());
  add_classes(*m, true, true);
  add_selector_classes(*m, false);
  m->set("Assembly", assembly_class());
  m->set("Color", color_class());
  m->set("selectors", make_selectors_module());
  m->set("exporters", exporters);
  return m;
}

/// Records show_object(obj, name=None, options=None, **kwargs).
Value show_object(Interpreter&, CallArgs& a) {
  if (a.positional.empty()) {
    auto it = std::find_if(a.keywords.begin(), a.keywords.end(),
                           [](const auto& k) { return k.first == "obj"; });
    if (it == a.keywords.end())
      script::throw_type_error("show_object() missing required argument: 'obj'");
    session().shown.push_back(it->second);
    return Value();
  }
  if (a.positional.size() > 3)
    script::throw_type_error("show_object() takes at most 3 positional arguments");
  session().shown.push_back(a.positional[0]);
  return Value();
}

bool holds_solid(const Value& v) {
  if (auto w = v.as<Workplane>()) return w->find_solid(true, false).has_value();
  if (auto c = assembly_compound(v)) return !sub_shapes(*c, TopAbs_SOLID).empty();
  if (auto s = as_shape(v)) return !sub_shapes(s->shape, TopAbs_SOLID).empty();
  return false;
}

}  // namespace

Session& session() {
  if (!current_session) current_session = std::make_shared<Session>();
  return *current_session;
}

void install(Interpreter& in, std::shared_ptr<Session> s) {
  current_session = std::move(s);
  auto exporters = std::make_shared<Value>();
  auto get_exporters = [exporters] {
    if (exporters->is_none()) *exporters = make_exporters();
    return *exporters;
  };
  in.register_module("cadquery",
                     [get_exporters](Interpreter&) { return make_cadquery(get_exporters()); });
  in.register_module("cadquery.exporters",
                     [get_exporters](Interpreter&) { return get_exporters(); });
  in.register_module("cadquery.occ_impl.exporters",
                     [get_exporters](Interpreter&) { return get_exporters(); });
  in.register_module("cadquery.selectors", [](Interpreter&) { return make_selectors_module(); });
  in.register_module("cadquery.occ_impl.shapes", [](Interpreter&) {
    auto m = std::make_shared<script::Module>("cadquery.occ_impl.shapes");
    add_classes(*m, false, true);
    return Value(m);
  });
  in.register_module("cadquery.func", [](Interpreter&) {
    auto m = make_func_module();  // the free-function API (func.cpp)
    add_classes(*m, true, true);  // and the classes it re-exports
    return Value(m);
  });
  in.register_module("cadquery.occ_impl.geom", [](Interpreter&) {
    auto m = std::make_shared<script::Module>("cadquery.occ_impl.geom");
    add_classes(*m, true, false);
    return Value(m);
  });
  in.set_builtin("show_object", make_builtin("show_object", show_object));
  // CQ-editor's debug() only highlights an object; it never becomes the result.
  in.set_builtin("debug", make_builtin("debug", [](Interpreter&, CallArgs&) { return Value(); }));
}

std::optional<TopoDS_Shape> to_shape(const Value& v) {
  if (auto s = as_shape(v)) return s->shape;
  if (auto c = assembly_compound(v)) {
    if (sub_shapes(*c, TopAbs_VERTEX).empty()) return std::nullopt;  // an empty assembly
    return *c;
  }
  if (auto w = v.as<Workplane>()) {
    if (auto solids = w->find_solid(true, false)) {
      auto ch = children(*solids);
      return ch.size() == 1 ? ch[0] : *solids;
    }
    auto all = w->stack_shapes();
    if (all.empty()) return std::nullopt;
    return all.size() == 1 ? all[0] : make_compound(all);
  }
  if (auto sk = v.as<Sketch>()) {
    std::vector<TopoDS_Shape> faces;
    for (const auto& loc : sk->locs)
      for (const auto& f : sub_shapes(moved(sk->faces(), loc), TopAbs_FACE)) faces.push_back(f);
    if (faces.empty()) return std::nullopt;
    return make_compound(faces);
  }
  if (auto seq = v.as<script::Sequence>()) {
    std::vector<TopoDS_Shape> parts;
    for (const auto& i : seq->items)
      if (auto s = to_shape(i)) parts.push_back(*s);
    if (parts.empty()) return std::nullopt;
    return make_compound(parts);
  }
  return std::nullopt;
}

std::optional<ScriptResult> select_result(const Interpreter& in, const Session& s) {
  auto result = [](const Value& v, const std::string& how) {
    return ScriptResult{to_shape(v).value_or(TopoDS_Shape()), how};
  };
  if (!s.shown.empty()) return result(s.shown.back(), "show_object");
  if (!s.exported.empty()) return result(s.exported.back().first, "exporters.export");
  // The result names: the first that holds a solid (CadQuery's documentation builds `r` as a
  // sketch, then `result = r.extrude(...)`), else the first that holds any shape.
  static const char* const names[] = {"r", "result", "solid", "part", "assembly", "part_1"};
  for (const char* name : names)
    if (auto v = in.global(name); v && holds_solid(*v)) return result(*v, name);
  for (const char* name : names)
    if (auto v = in.global(name); v && to_shape(*v)) return result(*v, name);
  auto order = in.assignment_order();
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    if (auto v = in.global(*it); v && v->as<Workplane>() && holds_solid(*v)) return result(*v, *it);
  return std::nullopt;
}

}  // namespace cad::cq
