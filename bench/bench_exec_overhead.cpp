// bench_exec_overhead: cad-exec's cost over building the same solids with direct OpenCASCADE calls.
//
// Each model exists twice: as a CadQuery script (run with cad::exec::execute, no output files)
// and as a C++ function that performs the same kernel operations CadQuery performs (primitives,
// booleans, fillets, transforms, ShapeUpgrade_UnifySameDomain wherever CadQuery cleans),
// followed by the same cad::geom::measure. The two solids must agree (volume, area, bbox within
// 1e-6 relative) or the program fails. Every repetition runs each timed variant once, so that a
// shared, noisy machine slows all of them alike; medians of process CPU time and of wall time
// are reported. Figures and analysis: bench/RESULTS.md.
#include <BRepAdaptor_Curve.hxx>
#include <BRepAlgoAPI_Cut.hxx>
#include <BRepAlgoAPI_Fuse.hxx>
#include <BRepBndLib.hxx>
#include <BRepBuilderAPI_MakeFace.hxx>
#include <BRepBuilderAPI_MakePolygon.hxx>
#include <BRepBuilderAPI_Transform.hxx>
#include <BRepFilletAPI_MakeFillet.hxx>
#include <BRepPrimAPI_MakeBox.hxx>
#include <BRepPrimAPI_MakeCylinder.hxx>
#include <BRepPrimAPI_MakePrism.hxx>
#include <BRepPrimAPI_MakeRevol.hxx>
#include <BRep_Tool.hxx>
#include <Bnd_Box.hxx>
#include <ShapeUpgrade_UnifySameDomain.hxx>
#include <TopExp.hxx>
#include <TopTools_IndexedMapOfShape.hxx>
#include <TopTools_ListOfShape.hxx>
#include <TopoDS.hxx>
#include <gp_Ax2.hxx>
#include <gp_Trsf.hxx>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/cli.h"
#include "core/error.h"
#include "cq/cadquery.h"
#include "exec/execute.h"
#include "geom/properties.h"
#include "script/interpreter.h"

namespace {

using Points = std::vector<std::pair<double, double>>;

// ---- direct OpenCASCADE building blocks (what lib/cq calls for each CadQuery method) ---------

TopoDS_Shape clean(const TopoDS_Shape& s) {
  ShapeUpgrade_UnifySameDomain u(s, true, true, true);
  u.AllowInternalEdges(false);
  u.Build();
  return u.Shape();
}

TopoDS_Shape transformed(const TopoDS_Shape& s, const gp_Trsf& t) {
  return BRepBuilderAPI_Transform(s, t, true).Shape();
}

gp_Trsf translation(double x, double y, double z) {
  gp_Trsf t;
  t.SetTranslation(gp_Vec(x, y, z));
  return t;
}

/// Rotation about the axis through `p` along `dir`, degrees.
gp_Trsf rotation(const gp_Pnt& p, const gp_Dir& dir, double degrees) {
  gp_Trsf t;
  t.SetRotation(gp_Ax1(p, dir), degrees * M_PI / 180);
  return t;
}

enum class Op { Fuse, Cut };

TopoDS_Shape boolean(Op op, const TopoDS_Shape& arg, const std::vector<TopoDS_Shape>& tools) {
  TopTools_ListOfShape a, t;
  a.Append(arg);
  for (const auto& s : tools) t.Append(s);
  std::unique_ptr<BRepAlgoAPI_BooleanOperation> algo;
  if (op == Op::Fuse)
    algo = std::make_unique<BRepAlgoAPI_Fuse>();
  else
    algo = std::make_unique<BRepAlgoAPI_Cut>();
  algo->SetArguments(a);
  algo->SetTools(t);
  algo->SetRunParallel(false);
  algo->Build();
  if (!algo->IsDone() || algo->HasErrors()) throw cad::Error("direct boolean failed");
  return algo->Shape();
}

/// --located-primitives: give boxes and cylinders the location lib/cq gives every primitive it
/// places on a workplane (Workplane::place_local moves it by Plane::location(), a gp_Trsf that is
/// numerically the identity on "XY" but not flagged as such, so the shape carries a
/// TopLoc_Location).
bool g_located_primitives = false;

TopoDS_Shape placed(const TopoDS_Shape& s) {
  if (!g_located_primitives) return s;
  gp_Trsf t;  // as Plane::location_at does it for the "XY" plane at the origin
  t.SetTransformation(gp_Ax3(gp_Pnt(), gp_Dir(0, 0, 1), gp_Dir(1, 0, 0)));
  t.Invert();
  return s.Moved(TopLoc_Location(t));
}

/// CadQuery's centred box(l, w, h).
TopoDS_Shape centered_box(double l, double w, double h) {
  return placed(BRepPrimAPI_MakeBox(gp_Pnt(-l / 2, -w / 2, -h / 2), l, w, h).Shape());
}

/// CadQuery's centred cylinder(height, radius) along +Z.
TopoDS_Shape centered_cylinder(double h, double r) {
  return placed(
      BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(0, 0, -h / 2), gp_Dir(0, 0, 1)), r, h).Shape());
}

/// The tool of CadQuery's hole(): a cylinder drilled from `top` along -Z.
TopoDS_Shape drill(const gp_Pnt& top, double diameter, double depth) {
  return BRepPrimAPI_MakeCylinder(gp_Ax2(top, gp_Dir(0, 0, -1)), diameter / 2, depth).Shape();
}

/// hole() without a depth drills through the bounding-box diagonal.
double bbox_diagonal(const TopoDS_Shape& s) {
  Bnd_Box b;
  BRepBndLib::AddOptimal(s, b, true, false);
  return std::sqrt(b.SquareExtent());
}

/// polyline(pts).close() on a plane with origin 0 and axes x_dir, y_dir, as a planar face.
TopoDS_Face polygon_face(const Points& pts, const gp_Vec& x_dir, const gp_Vec& y_dir) {
  BRepBuilderAPI_MakePolygon poly;
  for (const auto& [u, v] : pts) poly.Add(gp_Pnt((x_dir * u + y_dir * v).XYZ()));
  poly.Close();
  return BRepBuilderAPI_MakeFace(poly.Wire(), true).Face();
}

TopoDS_Shape fillet_edges_parallel_to(const TopoDS_Shape& s, const gp_Dir& dir, double radius) {
  BRepFilletAPI_MakeFillet f(s);
  TopTools_IndexedMapOfShape edges;
  TopExp::MapShapes(s, TopAbs_EDGE, edges);
  for (int i = 1; i <= edges.Extent(); ++i) {
    const TopoDS_Edge& e = TopoDS::Edge(edges(i));
    BRepAdaptor_Curve c(e);
    if (c.GetType() == GeomAbs_Line && c.Line().Direction().IsParallel(dir, 1e-6)) f.Add(radius, e);
  }
  f.Build();
  if (!f.IsDone()) throw cad::Error("direct fillet failed");
  return f.Shape();
}

// ---- the models: script and direct twin ----------------------------------------------------

struct Model {
  std::string name;
  std::string what;  ///< one line for the table
  std::string script;
  std::function<TopoDS_Shape()> direct;
};

std::vector<Model> models() {
  std::vector<Model> m;

  m.push_back({"box", "plain box (corpus 00003558)", R"(import cadquery as cq

length:float = 0.59437
width:float =  0.44577
height:float = 0.37148

part:cq.Workplane = cq.Workplane("XY").box(length, width, height)

cq.exporters.export(part, 'Ground_Truth.stl')
)",
               [] { return clean(centered_box(0.59437, 0.44577, 0.37148)); }});

  m.push_back({"cylinder_hole", "cylinder, faces('>Z').hole, translate (corpus 00001490)",
               R"(import cadquery as cq

height:float = 0.48649
radius:float = 0.75
hole_diameter:float = 0.121621621621622*2

part:cq.Workplane = (
    cq.Workplane("XY")
    .cylinder(height, radius)
    .faces(">Z")
    .hole(hole_diameter, height)
)

part = part.translate((0, 0, height/2))
cq.exporters.export(part, 'Ground_Truth.stl')
)",
               [] {
                 const double h = 0.48649, r = 0.75, d = 0.121621621621622 * 2;
                 TopoDS_Shape s = clean(centered_cylinder(h, r));
                 s = clean(boolean(Op::Cut, s, {drill(gp_Pnt(0, 0, h / 2), d, h)}));
                 return transformed(s, translation(0, 0, h / 2));
               }});

  m.push_back({"polyline_extrude", "7-point polyline on XZ, extrude, translate",
               R"(import cadquery as cq
from typing import List, Tuple

length:float = 0.75
height:float = 0.5
thickness:float = 0.08
depth:float = 0.3

pts:List[Tuple[float, float]] = [
    (0, 0),
    (length, 0),
    (length, thickness),
    (thickness*2, thickness),
    (thickness*2, height*0.6),
    (thickness, height),
    (0, height),
]

part:cq.Workplane = cq.Workplane("XZ").polyline(pts).close().extrude(depth)

part = part.translate((-length/2, depth/2, 0))
cq.exporters.export(part, 'Ground_Truth.stl')
)",
               [] {
                 const double l = 0.75, h = 0.5, t = 0.08, d = 0.3;
                 Points pts{{0, 0}, {l, 0}, {l, t}, {t * 2, t}, {t * 2, h * 0.6}, {t, h}, {0, h}};
                 // Plane "XZ": x = (1,0,0), normal = (0,-1,0), so y = normal x x = (0,0,1).
                 TopoDS_Face f = polygon_face(pts, gp_Vec(1, 0, 0), gp_Vec(0, 0, 1));
                 TopoDS_Shape s = clean(BRepPrimAPI_MakePrism(f, gp_Vec(0, -d, 0), true).Shape());
                 return transformed(s, translation(-l / 2, d / 2, 0));
               }});

  m.push_back({"table", "top + 4 legs: rect vertices, eachpoint, union (corpus 00001817)",
               R"(import cadquery as cq

length:float = 1.20302
width:float = 0.55872
table_top_height:float = 0.020134

leg_length:float = 0.060403
leg_width:float = 0.060403
leg_height:float = 0.75

table_top:cq.Workplane = cq.Workplane("XY").box(length, width, table_top_height)
leg:cq.Workplane = cq.Workplane("XY").box(leg_length, leg_width, leg_height).translate((0, 0, -(leg_height/2)-table_top_height))

def add_leg(loc: cq.Location) -> cq.Shape:
    global leg
    return leg.val().located(loc) #type:ignore

legs:cq.Workplane = (
    table_top
    .faces(">Z")
    .workplane()
    .rect(length - leg_length, width - leg_width, forConstruction=True)
    .vertices()
    .eachpoint(add_leg)
)

table:cq.Workplane = table_top.union(legs)

part = table.translate((0, 0, table_top_height/2))
cq.exporters.export(part, 'Ground_Truth.stl')
)",
               [] {
                 const double l = 1.20302, w = 0.55872, th = 0.020134;
                 const double ll = 0.060403, lw = 0.060403, lh = 0.75;
                 TopoDS_Shape top = clean(centered_box(l, w, th));
                 TopoDS_Shape leg = transformed(clean(centered_box(ll, lw, lh)),
                                                translation(0, 0, -(lh / 2) - th));
                 // eachpoint() cleans each placed leg (CadQuery's _combineWithBase(clean=True)).
                 std::vector<TopoDS_Shape> legs;
                 for (double sx : {-1.0, 1.0})
                   for (double sy : {-1.0, 1.0})
                     legs.push_back(clean(leg.Located(TopLoc_Location(
                         translation(sx * (l - ll) / 2, sy * (w - lw) / 2, th / 2)))));
                 TopoDS_Shape s = clean(boolean(Op::Fuse, top, legs));
                 return transformed(s, translation(0, 0, th / 2));
               }});

  m.push_back(
      {"flange_polar_holes", "cylinder, bore hole, polarArray of 6 through holes",
       R"(import cadquery as cq

height:float = 0.25
diameter:float = 1.5
bore_diameter:float = 0.5
bolt_circle:float = 1.1
bolt_diameter:float = 0.12

part:cq.Workplane = (
    cq.Workplane("XY")
    .cylinder(height, diameter/2)
    .faces(">Z").workplane()
    .hole(bore_diameter)
    .faces(">Z").workplane()
    .polarArray(bolt_circle/2, 0, 360, 6)
    .hole(bolt_diameter)
)

part = part.translate((0, 0, height/2))
cq.exporters.export(part, 'Ground_Truth.stl')
)",
       [] {
         const double h = 0.25, d = 1.5, bore = 0.5, circle = 1.1, bolt = 0.12;
         TopoDS_Shape s = clean(centered_cylinder(h, d / 2));
         s = clean(boolean(Op::Cut, s, {drill(gp_Pnt(0, 0, h / 2), bore, bbox_diagonal(s))}));
         double depth = bbox_diagonal(s);
         std::vector<TopoDS_Shape> holes;
         for (int i = 0; i < 6; ++i) {
           double phi = i * 60 * M_PI / 180;
           holes.push_back(drill(
               gp_Pnt(circle / 2 * std::cos(phi), circle / 2 * std::sin(phi), h / 2), bolt, depth));
         }
         s = clean(boolean(Op::Cut, s, holes));
         return transformed(s, translation(0, 0, h / 2));
       }});

  m.push_back({"fillet_box", "box, edges('|Z').fillet", R"(import cadquery as cq

length:float = 1.0
width:float = 0.6
height:float = 0.2
radius:float = 0.1

part:cq.Workplane = cq.Workplane("XY").box(length, width, height).edges("|Z").fillet(radius)

cq.exporters.export(part, 'Ground_Truth.stl')
)",
               [] {
                 TopoDS_Shape s = clean(centered_box(1.0, 0.6, 0.2));
                 return clean(fillet_edges_parallel_to(s, gp_Dir(0, 0, 1), 0.1));
               }});

  m.push_back(
      {"rotated_union", "box + rotated, translated triangular prism; rotate (corpus 00017291)",
       R"(import cadquery as cq
from typing import List,Tuple

box_length:float = 0.747683
box_width:float = 0.747683
box_height:float = 0.747683
box:cq.Workplane = cq.Workplane("XY").box(box_length, box_width, box_height)

triangle_length:float = 0.498375
triangle_width:float = 0.498375
triangle_extrude:float = box_length

pts:List[Tuple[float, float]] = [
    (0, 0),
    (0, triangle_width),
    (triangle_length ,0)
]
triangle:cq.Workplane = (
    cq.Workplane("XY")
    .polyline(pts)
    .close()
    .extrude(triangle_extrude)
)

part:cq.Workplane = (
    box
    .union(triangle.rotate((0,1,0),(0,0,0),90).translate((-box_length/2, -box_width/2, -box_height/2)))
)

part = part.translate((box_length/2, -box_width/2, box_height/2)).rotate((0, 0, 1),(0, 0, 0),180)
cq.exporters.export(part, 'Ground_Truth.stl')
)",
       [] {
         const double b = 0.747683, tl = 0.498375, tw = 0.498375;
         TopoDS_Shape box = clean(centered_box(b, b, b));
         TopoDS_Face f = polygon_face({{0, 0}, {0, tw}, {tl, 0}}, gp_Vec(1, 0, 0), gp_Vec(0, 1, 0));
         TopoDS_Shape tri = clean(BRepPrimAPI_MakePrism(f, gp_Vec(0, 0, b), true).Shape());
         // rotate((0,1,0), (0,0,0), 90): the axis runs from (0,1,0) to the origin.
         tri = transformed(tri, rotation(gp_Pnt(0, 1, 0), gp_Dir(0, -1, 0), 90));
         tri = transformed(tri, translation(-b / 2, -b / 2, -b / 2));
         TopoDS_Shape s = clean(boolean(Op::Fuse, box, {tri}));
         s = transformed(s, translation(b / 2, -b / 2, b / 2));
         return transformed(s, rotation(gp_Pnt(0, 0, 1), gp_Dir(0, 0, -1), 180));
       }});

  m.push_back(
      {"revolve", "7-point profile revolved 360 degrees about Y", R"(import cadquery as cq
from typing import List, Tuple

pts:List[Tuple[float, float]] = [
    (0, 0),
    (0.5, 0),
    (0.5, 0.1),
    (0.3, 0.1),
    (0.3, 0.6),
    (0.4, 0.75),
    (0, 0.75),
]

part:cq.Workplane = cq.Workplane("XY").polyline(pts).close().revolve(360, (0, 0, 0), (0, 1, 0))

cq.exporters.export(part, 'Ground_Truth.stl')
)",
       [] {
         Points pts{{0, 0}, {0.5, 0}, {0.5, 0.1}, {0.3, 0.1}, {0.3, 0.6}, {0.4, 0.75}, {0, 0.75}};
         TopoDS_Face f = polygon_face(pts, gp_Vec(1, 0, 0), gp_Vec(0, 1, 0));
         return clean(
             BRepPrimAPI_MakeRevol(f, gp_Ax1(gp_Pnt(0, 0, 0), gp_Dir(0, 1, 0)), 2 * M_PI, true)
                 .Shape());
       }});

  m.push_back({"plate_cuts",
               "plate cut by two translated boxes; rotate, translate (corpus 00000960)",
               R"(import cadquery as cq

length:float = 0.75
width:float = 0.75
height:float = 0.00195

box = cq.Workplane("XY").box(length, width, height)

cut_one_length:float = 0.281257
cut_one_width:float = 0.0625
cut_one = cq.Workplane("XY").box(cut_one_length, cut_one_width, height)

cut_two_length:float = 0.25
cut_two_width:float = 0.333333
cut_two = cq.Workplane("XY").box(cut_two_length, cut_two_width, height)

part:cq.Workplane = (
    box
    .cut(cut_one.translate((length/2-cut_one_length/2, width/2-cut_one_width/2,0)))
    .cut(cut_two.translate((length/2-cut_two_length/2, -width/2+cut_two_width/2,0)))
)

part = part.rotate((0, 0, 1),(0, 0, 0), 180).translate((length/2, width/2, 0))
cq.exporters.export(part,'Ground_Truth.stl')
)",
               [] {
                 const double l = 0.75, w = 0.75, h = 0.00195;
                 const double l1 = 0.281257, w1 = 0.0625, l2 = 0.25, w2 = 0.333333;
                 TopoDS_Shape s = clean(centered_box(l, w, h));
                 TopoDS_Shape c1 = transformed(clean(centered_box(l1, w1, h)),
                                               translation(l / 2 - l1 / 2, w / 2 - w1 / 2, 0));
                 s = clean(boolean(Op::Cut, s, {c1}));
                 TopoDS_Shape c2 = transformed(clean(centered_box(l2, w2, h)),
                                               translation(l / 2 - l2 / 2, -w / 2 + w2 / 2, 0));
                 s = clean(boolean(Op::Cut, s, {c2}));
                 s = transformed(s, rotation(gp_Pnt(0, 0, 1), gp_Dir(0, 0, -1), 180));
                 return transformed(s, translation(l / 2, w / 2, 0));
               }});

  return m;
}

// ---- timing ------------------------------------------------------------------------------

/// Wall-clock and CPU time (of the whole process) of one call, milliseconds. CPU time is what
/// the work costs whatever else the machine runs; wall time also counts waiting for a core.
struct Sample {
  double wall_ms = 0, cpu_ms = 0;
};

double cpu_now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

template <typename F>
Sample timed(F&& f) {
  auto w0 = std::chrono::steady_clock::now();
  double c0 = cpu_now_ms();
  f();
  double c1 = cpu_now_ms();
  return {std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w0).count(),
          c1 - c0};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// What the script side does, the way cad-exec does it with --jobs 0 and no --format.
nlohmann::json run_execute(const Model& m) {
  cad::exec::ExecOptions opt;
  return cad::exec::execute({m.name, nullptr, m.script}, opt).record;
}

/// The interpreter alone: parse + run (with the cadquery module) + result selection; no measure,
/// no record.
TopoDS_Shape run_interpreter(const Model& m) {
  auto session = std::make_shared<cad::cq::Session>();
  cad::script::Interpreter in;
  cad::cq::install(in, session);
  in.run_source(m.script, m.name);
  auto r = cad::cq::select_result(in, *session);
  return r ? r->shape : TopoDS_Shape();
}

bool close_rel(double a, double b, double tol, double scale) {
  return std::abs(a - b) <= tol * std::max({std::abs(a), std::abs(b), scale});
}

/// Fails (cad::Error) unless the script's solid and the direct solid are the same.
void check_same_solid(const Model& m) {
  nlohmann::json r = run_execute(m);
  if (r["status"] != "ok")
    throw cad::Error(fmt::format("{}: the script did not run: {} {}", m.name, r["status"].dump(),
                                 r["error"].dump()));
  cad::geom::ShapeProperties d = cad::geom::measure(m.direct());
  if (!d.valid || d.solids == 0)
    throw cad::Error(m.name + ": the direct solid is invalid or empty");
  const double tol = 1e-6;
  double volume = r["volume"].get<double>(), area = r["area"].get<double>();
  double extent = cad::geom::max_extent(d);
  bool same = close_rel(volume, d.volume, tol, 0) && close_rel(area, d.area, tol, 0);
  for (int k = 0; k < 3; ++k) {
    same = same && close_rel(r["bbox"]["min"][k].get<double>(), d.bbox_min[k], tol, extent);
    same = same && close_rel(r["bbox"]["max"][k].get<double>(), d.bbox_max[k], tol, extent);
  }
  // Same geometry with another topology (a compound around the solid, split faces) would make
  // the two measurements unequal work; say so rather than fail, the volumes already agree.
  if (same && (r["faces"] != d.faces || r["edges"] != d.edges || r["vertices"] != d.vertices ||
               r["solids"] != d.solids))
    std::fprintf(
        stderr,
        "bench_exec_overhead: %s: topology differs: script %s/%s/%s/%s, direct %zu/%zu/%zu/%zu "
        "(solids/faces/edges/vertices)\n",
        m.name.c_str(), r["solids"].dump().c_str(), r["faces"].dump().c_str(),
        r["edges"].dump().c_str(), r["vertices"].dump().c_str(), d.solids, d.faces, d.edges,
        d.vertices);
  if (!same)
    throw cad::Error(
        fmt::format("{}: script and direct solids differ: volume {:.9g} vs {:.9g}, area {:.9g} vs "
                    "{:.9g}, bbox {} vs "
                    "[{:.6g} {:.6g} {:.6g}]..[{:.6g} {:.6g} {:.6g}]",
                    m.name, volume, d.volume, area, d.area, r["bbox"].dump(), d.bbox_min[0],
                    d.bbox_min[1], d.bbox_min[2], d.bbox_max[0], d.bbox_max[1], d.bbox_max[2]));
}

/// What is timed for every model, in the order each repetition runs them.
enum Variant {
  kExecute,        ///< (a) cad::exec::execute on the script, no output files
  kDirect,         ///< (b) the direct twin + cad::geom::measure
  kParse,          ///< (c) script::parse alone
  kInterpreter,    ///< (c) fresh interpreter with cadquery: parse + run + result selection
  kBuild,          ///< the direct twin alone, no measure
  kMeasureScript,  ///< cad::geom::measure of the interpreter's result
  kVariants
};

/// Medians per variant, milliseconds.
struct Timing {
  std::string name;
  std::array<double, kVariants> wall{}, cpu{};
};

/// Medians over `reps` repetitions of every variant of `m`; a repetition runs each variant once,
/// so that load from other processes hits all of them alike.
Timing time_model(const Model& m, int reps, int warmup) {
  std::array<std::vector<double>, kVariants> wall, cpu;
  volatile double sink = 0;
  for (int i = -warmup; i < reps; ++i) {
    nlohmann::json record;
    TopoDS_Shape from_script, direct;
    std::array<Sample, kVariants> t;
    t[kExecute] = timed([&] { record = run_execute(m); });
    t[kDirect] = timed([&] { sink = sink + cad::geom::measure(m.direct()).volume; });
    t[kParse] = timed([&] { cad::script::parse(m.script, m.name); });
    t[kInterpreter] = timed([&] { from_script = run_interpreter(m); });
    t[kBuild] = timed([&] { direct = m.direct(); });
    t[kMeasureScript] = timed([&] { sink = sink + cad::geom::measure(from_script).volume; });
    if (record["status"] != "ok" || from_script.IsNull() || direct.IsNull())
      throw cad::Error(m.name + ": a repetition failed");
    if (i < 0) continue;
    for (int v = 0; v < kVariants; ++v) {
      wall[v].push_back(t[v].wall_ms);
      cpu[v].push_back(t[v].cpu_ms);
    }
  }
  Timing out{m.name, {}, {}};
  for (int v = 0; v < kVariants; ++v) {
    out.wall[v] = median(wall[v]);
    out.cpu[v] = median(cpu[v]);
  }
  return out;
}

struct Config {
  int reps = 50;
  int warmup = 3;
  std::string only;     ///< run only the model of this name
  std::string variant;  ///< run only this variant, `reps` times, for a profiler ("" = all, timed)
  bool located_primitives = false;
  bool list = false;
};

/// Runs one variant of `m` `reps` times with no checks and no timing: a steady workload for
/// `perf record` or `valgrind --tool=callgrind` (not inlined, so --toggle-collect can name it).
[[gnu::noinline]] void run_variant(const Model& m, const std::string& variant, int reps) {
  volatile double sink = 0;
  for (int i = 0; i < reps; ++i) {
    if (variant == "execute")
      run_execute(m);
    else if (variant == "direct")
      sink = sink + cad::geom::measure(m.direct()).volume;
    else if (variant == "interpreter")
      run_interpreter(m);
    else if (variant == "build")
      m.direct();
    else if (variant == "parse")
      cad::script::parse(m.script, m.name);
    else
      throw cad::UsageError("--variant: '" + variant +
                            "' is not execute, direct, interpreter, build or parse");
  }
}

int run(const Config& cfg) {
  g_located_primitives = cfg.located_primitives;
  std::vector<Model> all = models();
  if (cfg.list) {
    for (const Model& m : all) fmt::print("{}\t{}\n", m.name, m.what);
    return 0;
  }
  std::vector<Timing> rows;
  for (const Model& m : all) {
    if (!cfg.only.empty() && m.name != cfg.only) continue;
    if (!cfg.variant.empty()) {
      run_variant(m, cfg.variant, cfg.reps);
      rows.push_back({m.name, {}, {}});
      continue;
    }
    check_same_solid(m);
    rows.push_back(time_model(m, cfg.reps, cfg.warmup));
    std::fprintf(stderr, "bench_exec_overhead: %s done\n", m.name.c_str());
  }
  if (rows.empty())
    throw cad::UsageError("--model: no model named '" + cfg.only + "' (see --list)");
  if (!cfg.variant.empty()) return 0;

  fmt::print(
      "Medians of {} repetitions per model (after {} warm-up), each repetition running every "
      "variant once, milliseconds. CPU = CPU time of the process; wall = elapsed time.\n\n",
      cfg.reps, cfg.warmup);
  if (cfg.located_primitives)
    fmt::print(
        "Diagnostic run (--located-primitives): the direct twins' boxes and cylinders carry the "
        "identity-valued TopLoc_Location that lib/cq attaches to placed primitives.\n\n");
  fmt::print(
      "| model | direct OCCT + measure, CPU | cad::exec::execute, CPU | ratio, CPU | direct, wall "
      "| "
      "execute, wall | ratio, wall |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  double log_cpu = 0, log_wall = 0;
  for (const Timing& t : rows) {
    double rc = t.cpu[kExecute] / t.cpu[kDirect], rw = t.wall[kExecute] / t.wall[kDirect];
    log_cpu += std::log(rc);
    log_wall += std::log(rw);
    fmt::print("| {} | {:.3f} | {:.3f} | {:.2f}x | {:.3f} | {:.3f} | {:.2f}x |\n", t.name,
               t.cpu[kDirect], t.cpu[kExecute], rc, t.wall[kDirect], t.wall[kExecute], rw);
  }
  double geo_cpu = std::exp(log_cpu / rows.size()), geo_wall = std::exp(log_wall / rows.size());
  fmt::print("| geometric mean | | | {:.3f}x | | | {:.3f}x |\n", geo_cpu, geo_wall);
  fmt::print("\nTarget: geometric mean ratio <= 1.25x: {} (CPU {:.3f}x, wall {:.3f}x).\n\n",
             geo_cpu <= 1.25 ? "met" : "NOT met", geo_cpu, geo_wall);

  fmt::print("Where the time goes (CPU milliseconds, medians; each column timed on its own):\n\n");
  fmt::print(
      "| model | parse | interpreter: parse + run | direct build | interpreter - build | measure, "
      "script "
      "shape | measure, direct shape | execute - interpreter - measure |\n");
  fmt::print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const Timing& t : rows) {
    const auto& c = t.cpu;
    fmt::print("| {} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} |\n", t.name,
               c[kParse], c[kInterpreter], c[kBuild], c[kInterpreter] - c[kBuild],
               c[kMeasureScript], c[kDirect] - c[kBuild],
               c[kExecute] - c[kInterpreter] - c[kMeasureScript]);
  }
  fmt::print(
      "\n- interpreter: a fresh Interpreter with the cadquery module, parse + run + result "
      "selection, "
      "including every kernel call the script makes; no measure, no record.\n"
      "- interpreter - build: what the interpreter and the CadQuery object model add over the "
      "kernel calls "
      "of the direct twin.\n"
      "- measure, direct shape: direct OCCT + measure minus direct build.\n"
      "- execute - interpreter - measure: the rest of cad::exec::execute (limits, record, "
      "JSON).\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  CLI::App app{
      "Times cad::exec::execute on CadQuery scripts against the same solids built by direct\n"
      "OpenCASCADE calls (both followed by cad::geom::measure) and prints a markdown table.\n"
      "Fails if a script and its direct twin do not give the same solid."};
  app.add_option("--reps", cfg.reps, "measured repetitions per model")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup", cfg.warmup, "unmeasured repetitions first")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--model", cfg.only, "run only this model (see --list)");
  app.add_option(
      "--variant", cfg.variant,
      "only run this variant (execute, direct, interpreter, build, parse) --reps times, untimed, "
      "for a profiler");
  app.add_flag(
      "--located-primitives", cfg.located_primitives,
      "diagnostic: the direct twins' boxes and cylinders carry the (identity-valued) location that "
      "lib/cq gives primitives placed on a workplane");
  app.add_flag("--list", cfg.list, "list the models and exit");
  return cad::core::run_tool("bench_exec_overhead", argc, argv, app, [&] { return run(cfg); });
}
