// Tests of cq.Sketch: face operations and modes, edge construction, selection, 2D fillets,
// the convex hull, with CadQuery's own figures (PAPERS.md) and hand-derived areas.
#include <BRepBuilderAPI_MakeEdge.hxx>
#include <BRepBuilderAPI_MakeFace.hxx>
#include <BRepCheck_Analyzer.hxx>
#include <BRepGProp.hxx>
#include <ElCLib.hxx>
#include <GProp_GProps.hxx>
#include <TopExp.hxx>
#include <TopTools_IndexedMapOfShape.hxx>
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "cq/cadquery.h"
#include "cq/shapes.h"
#include "cq/sketch.h"

using cad::cq::Sketch;
using cad::script::ErrorKind;
using cad::script::ScriptError;

namespace {

struct Run {
  cad::script::Interpreter in;
  std::shared_ptr<cad::cq::Session> session = std::make_shared<cad::cq::Session>();
  std::shared_ptr<Sketch> sketch;

  // Runs `code` after `import cadquery as cq`; the sketch is the variable `s`.
  explicit Run(const std::string& code) {
    cad::cq::install(in, session);
    in.run_source("import cadquery as cq\n" + code);
    if (auto v = in.global("s")) sketch = v->as<Sketch>();
  }
  double area() const {
    GProp_GProps p;
    BRepGProp::SurfaceProperties(sketch->faces(), p);
    return p.Mass();
  }
  int count(TopAbs_ShapeEnum type) const {
    TopTools_IndexedMapOfShape m;
    TopExp::MapShapes(sketch->faces(), type, m);
    return m.Extent();
  }
  std::int64_t ops(const std::string& kind) const {
    auto it = session->ops.find(kind);
    return it == session->ops.end() ? 0 : it->second;
  }
};

// Runs `code` and returns the error it raised.
ScriptError error_of(const std::string& code) {
  try {
    Run r(code);
  } catch (const ScriptError& e) {
    return e;
  }
  FAIL("no error raised by: " << code);
  throw;
}

// Area of the convex hull of two disjoint circles: two sectors and two right trapezoids.
double two_circle_hull_area(double r1, double r2, double d) {
  double a = std::asin((r1 - r2) / d);
  return (M_PI + 2 * a) / 2 * r1 * r1 + (M_PI - 2 * a) / 2 * r2 * r2 +
         (r1 + r2) * std::sqrt(d * d - (r1 - r2) * (r1 - r2));
}

// Area of the convex hull of points (Andrew's monotone chain).
double polygon_hull_area(std::vector<gp_XY> p) {
  std::sort(p.begin(), p.end(), [](const gp_XY& a, const gp_XY& b) {
    return a.X() < b.X() || (a.X() == b.X() && a.Y() < b.Y());
  });
  std::vector<gp_XY> h(2 * p.size());
  size_t k = 0;
  auto cross = [](const gp_XY& o, const gp_XY& a, const gp_XY& b) { return (a - o) ^ (b - o); };
  for (size_t i = 0; i < p.size(); ++i) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], p[i]) <= 0) --k;
    h[k++] = p[i];
  }
  for (size_t i = p.size() - 1, t = k + 1; i > 0; --i) {
    while (k >= t && cross(h[k - 2], h[k - 1], p[i - 1]) <= 0) --k;
    h[k++] = p[i - 1];
  }
  double area = 0;
  for (size_t i = 0; i + 1 < k; ++i) area += h[i] ^ h[i + 1];
  return area / 2;
}

}  // namespace

TEST_CASE("convex hull of random circles, arcs and segments matches a dense sampling",
          "[cq][sketch]") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-5, 5), rad(0.1, 2), ang(0, 2 * M_PI);
  for (int trial = 0; trial < 100; ++trial) {
    std::vector<TopoDS_Edge> edges;
    std::vector<gp_XY> samples;
    int n = 1 + trial % 5;
    for (int i = 0; i < n; ++i) {
      gp_Pnt c(u(rng), u(rng), 0);
      int kind = (trial + i) % 3;
      if (kind == 2) {  // a segment
        gp_Pnt b(u(rng), u(rng), 0);
        edges.push_back(BRepBuilderAPI_MakeEdge(c, b));
        samples.emplace_back(c.X(), c.Y());
        samples.emplace_back(b.X(), b.Y());
        continue;
      }
      // A full circle (whole or split into arcs, as booleans leave it) or an arc, on a
      // circle turning either way.
      double r = rad(rng), a0 = ang(rng), span = kind == 0 ? 2 * M_PI : ang(rng);
      bool ccw = i % 2 == 0;
      gp_Circ circ(gp_Ax2(c, ccw ? gp::DZ() : -gp::DZ(), gp::DX()), r);
      int pieces = kind == 0 ? 1 + trial % 3 : 1;
      if (kind == 0 && pieces == 1)
        edges.push_back(BRepBuilderAPI_MakeEdge(circ).Edge());
      else
        for (int k = 0; k < pieces; ++k)
          edges.push_back(
              BRepBuilderAPI_MakeEdge(circ, a0 + span * k / pieces, a0 + span * (k + 1) / pieces));
      for (int k = 0; k <= 4000; ++k) {
        gp_Pnt p = ElCLib::Value(a0 + span * k / 4000, circ);
        samples.emplace_back(p.X(), p.Y());
      }
    }
    INFO("trial " << trial);
    double expected = polygon_hull_area(samples);
    if (expected < 1e-3) continue;  // degenerate (one segment)
    TopoDS_Wire w = cad::cq::convex_hull(edges);
    CHECK(BRepCheck_Analyzer(w).IsValid());
    GProp_GProps p;
    BRepGProp::SurfaceProperties(BRepBuilderAPI_MakeFace(w, true).Face(), p);
    CHECK(std::abs(p.Mass()) == Approx(expected).epsilon(1e-4));
  }
}

TEST_CASE("sketch face operations: CadQuery's test_sketch figures", "[cq][sketch]") {
  CHECK(Run("s = cq.Sketch().rect(1, 2, 45)").area() == Approx(2));
  CHECK(Run("s = cq.Sketch().slot(3, 2)").area() == Approx(6 + M_PI));
  CHECK(Run("s = cq.Sketch().regularPolygon(1, 5)").count(TopAbs_VERTEX) == 5);
  CHECK(Run("s = cq.Sketch().circle(1.5)").area() == Approx(M_PI * 2.25));
  CHECK(Run("s = cq.Sketch().ellipse(2, 1)").area() == Approx(2 * M_PI));
  CHECK(Run("s = cq.Sketch().ellipse(1, 2, angle=30)").area() == Approx(2 * M_PI));
  CHECK(Run("s = cq.Sketch().trapezoid(4, 1, 45)").area() == Approx(3));
  CHECK(Run("s = cq.Sketch().trapezoid(4, 1, 45, 90)").area() == Approx(3.5));
  CHECK(Run("s = cq.Sketch().polygon([(0, 0), (2, 0), (0, 2)])").area() == Approx(2));
  CHECK(Run("s = cq.Sketch().polygon([(0, 0), (2, 0), (0, 2), (0, 0)], angle=10)")
            .count(TopAbs_EDGE) == 3);
  // rect(w, h): w along x.
  Run r("s = cq.Sketch().rect(4, 1)\nbb = s.val().BoundingBox()\nx = bb.xlen");
  CHECK(r.in.global("x")->as_float() == Approx(4));
}

TEST_CASE("sketch modes and locations", "[cq][sketch]") {
  Run hole("s = cq.Sketch().rect(4, 4).circle(1, mode='s')");
  CHECK(hole.area() == Approx(16 - M_PI));
  CHECK(hole.count(TopAbs_FACE) == 1);
  CHECK(hole.count(TopAbs_WIRE) == 2);
  Run three("s = cq.Sketch().push([(0, 0), (3, 0), (6, 0)]).circle(1)");
  CHECK(three.count(TopAbs_FACE) == 3);
  CHECK(three.area() == Approx(3 * M_PI));
  CHECK(three.ops("circle") == 3);
  // The pushed locations stay selected until reset(), as in CadQuery.
  CHECK(Run("s = cq.Sketch().push([(0, 0), (5, 0)]).rect(1, 1).circle(0.2, mode='s')").area() ==
        Approx(2 * (1 - 0.04 * M_PI)));
  CHECK(Run("s = cq.Sketch().rect(2, 2).push([(1, 1)]).rect(2, 2, mode='i')").area() == Approx(1));
  CHECK(Run("s = cq.Sketch().rect(2, 2).circle(1, mode='r')").area() == Approx(M_PI));
  CHECK(Run("s = cq.Sketch().rect(2, 2).circle(5, mode='c', tag='big')").area() == Approx(4));
  CHECK(Run("s = cq.Sketch().rect(2, 2).push([(10, 0, 0)]).rect(1, 1)").area() == Approx(5));
  CHECK(Run("s = cq.Sketch().push([cq.Location(cq.Vector(3, 0, 0))]).rect(1, 1)").area() ==
        Approx(1));
  CHECK(Run("s = cq.Sketch().rarray(2, 2, 2, 3).rect(1, 1)").count(TopAbs_FACE) == 6);
  Run polar("s = cq.Sketch().parray(3, 0, 360, 4).rect(1, 0.5)");
  CHECK(polar.count(TopAbs_FACE) == 4);
  CHECK(polar.area() == Approx(2));
  // Overlapping faces fuse without merging (CadQuery's fuse); clean() merges them.
  Run fused("s = cq.Sketch().push([(0, 0), (1, 0)]).rect(2, 2)");
  CHECK(fused.count(TopAbs_FACE) == 3);
  CHECK(fused.area() == Approx(6));
  Run cleaned("s = cq.Sketch().push([(0, 0), (1, 0)]).rect(2, 2).clean()");
  CHECK(cleaned.count(TopAbs_FACE) == 1);
  CHECK(cleaned.area() == Approx(6));
  CHECK(error_of("cq.Sketch().rect(1, 1, mode='c')").type == "ValueError");
  CHECK(error_of("cq.Sketch().rect(1, 1, mode='x')").type == "ValueError");
}

TEST_CASE("sketch primitives are counted per placement", "[cq][sketch]") {
  Run r(
      "s = cq.Sketch().rect(1, 1).slot(3, 1, mode='s').regularPolygon(1, 6, mode='a')"
      ".push([(0, 0), (9, 0)]).ellipse(1, 0.5)");
  CHECK(r.ops("line") == 4 + 2 + 6);
  CHECK(r.ops("arc") == 2);
  CHECK(r.ops("ellipse") == 2);
  Run e(
      "s = cq.Sketch().segment((0, 0), (1, 0)).arc((2, 1), (1, 2)).spline([(1, 2), (0, 1), (0, "
      "0)])");
  CHECK(e.ops("line") == 1);
  CHECK(e.ops("arc") == 1);
  CHECK(e.ops("spline") == 1);
}

TEST_CASE("sketch edges assemble into faces", "[cq][sketch]") {
  CHECK(Run("s = cq.Sketch().segment((0, 0), (1, 0)).segment((1, 1)).segment((0, "
            "1)).close().assemble()")
            .area() == Approx(1));
  CHECK(Run("s = cq.Sketch().segment((0, 0), (2, 0)).arc((1, 1), (0, 0)).assemble()").area() ==
        Approx(M_PI / 2));
  CHECK(Run("s = cq.Sketch().arc((0, 0), 1, 0, 360).assemble()").area() == Approx(M_PI));
  CHECK(Run("s = cq.Sketch().arc((0, 0), 1, 0, 180).segment((-1, 0), (1, 0)).assemble()").area() ==
        Approx(M_PI / 2));
  // segment(length, angle) continues from the last point.
  CHECK(Run("s = cq.Sketch().segment((0, 0), (2, 0)).segment(2, 90).segment((0, "
            "2)).close().assemble()")
            .area() == Approx(4));
  // Construction edges are skipped; a second wire becomes a hole.
  CHECK(Run("s = (cq.Sketch().segment((0, 0), (3, 0)).segment((3, 3)).segment((0, 3)).close()\n"
            "  .segment((1, 1), (2, 1)).segment((2, 2)).segment((1, 2)).close()\n"
            "  .segment((0, 0), (5, 5), forConstruction=True).assemble())")
            .area() == Approx(8));
  CHECK(error_of("cq.Sketch().segment((1, 1))").type == "ValueError");
}

TEST_CASE("sketch selection, fillets and chamfers", "[cq][sketch]") {
  Run r(
      "s = cq.Sketch().rect(1, 2)\n"
      "n_y = len(s.edges('|Y').vals())\n"
      "n_v = len(s.vertices('>X').vals())\n"
      "n_all = len(s.reset().vertices().vals())\n");
  CHECK(r.in.global("n_y")->as_int() == 2);
  CHECK(r.in.global("n_v")->as_int() == 2);
  CHECK(r.in.global("n_all")->as_int() == 4);
  CHECK(Run("s = cq.Sketch().rect(2, 2).vertices().fillet(0.5)").area() == Approx(3 + M_PI / 4));
  CHECK(Run("s = cq.Sketch().rect(2, 2).vertices().chamfer(0.5)").area() == Approx(3.5));
  // CadQuery's test: chamfer of the >X vertices of the right one of two squares.
  Run c("s = cq.Sketch().push([(-2, 0), (2, 0)]).rect(1, 1).reset().vertices('>X').chamfer(0.1)");
  CHECK(c.count(TopAbs_FACE) == 2);
  CHECK(c.count(TopAbs_EDGE) == 10);
  // Faces at selected faces' centres, tags and delete.
  CHECK(Run("s = cq.Sketch().push([(-2, 0), (2, 0)]).rect(1, 1).reset().faces('<X').delete()")
            .count(TopAbs_FACE) == 1);
  CHECK(Run("s = cq.Sketch().push([(-2, 0), (2, 0)]).rect(1, 1).reset().faces().tag('sq').reset()"
            ".select('sq').circle(0.25, mode='s')")
            .area() == Approx(2 - 2 * M_PI / 16));
  CHECK(error_of("cq.Sketch().rect(1, 1).fillet(0.1)").type == "ValueError");
}

TEST_CASE("sketch convex hull", "[cq][sketch]") {
  // The real script: two circles hulled into a tangent "stadium" (the wires() selection of
  // pushed locations is empty, so hull() takes every edge of the faces).
  Run two("s = cq.Sketch().push([(0, 0)]).circle(1).push([(3, 0)]).circle(0.5).wires().hull()");
  CHECK(two.area() == Approx(two_circle_hull_area(1, 0.5, 3)));
  CHECK(two.count(TopAbs_FACE) == 3);
  CHECK(two.ops("line") == 2);
  CHECK(two.ops("arc") == 2);
  CHECK(Run("s = cq.Sketch().push([(0, 0), (4, 0)]).circle(1).reset().hull()").area() ==
        Approx(M_PI + 8));
  // CadQuery's test_modifiers figures.
  Run s3("s = cq.Sketch().push([(-2, 0), (2, 0)]).rect(1, 1).reset().hull()");
  CHECK(s3.count(TopAbs_FACE) == 3);
  CHECK(s3.area() == Approx(5));
  Run s5(
      "s = cq.Sketch().push([(-2, 0), (0, 0), (2, 0)]).rect(1, 1).reset().faces('not "
      ">X').edges().hull()");
  CHECK(s5.count(TopAbs_FACE) == 4);
  CHECK(s5.area() == Approx(4));
  Run s6("s = cq.Sketch().segment((0, 0), (0, 1)).segment((1, 0), (2, 0)).hull()");
  CHECK(s6.count(TopAbs_FACE) == 1);
  CHECK(s6.area() == Approx(1));
  CHECK(error_of("cq.Sketch().rect(1, 1).vertices().hull()").type == "ValueError");
  CHECK(error_of("cq.Sketch().hull()").type == "ValueError");
  // Partial arcs: a slot is its own hull; a concave notch does not bulge out.
  CHECK(Run("s = cq.Sketch().slot(3, 2, angle=20).reset().hull(mode='r')").area() ==
        Approx(6 + M_PI));
  CHECK(Run("s = cq.Sketch().rect(4, 2).push([(0, 1)]).circle(1, mode='s').reset().hull(mode='r')")
            .area() == Approx(8));
  CHECK(Run("s = cq.Sketch().polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, "
            "2)]).reset().hull(mode='r')")
            .area() == Approx(3.5));
  // Collinear tangents (ties go to the farthest disk) and a rounded square.
  CHECK(Run("s = cq.Sketch().push([(0, 0), (2, 0), (4, 0)]).circle(1).reset().hull(mode='r')")
            .area() == Approx(M_PI + 8));
  Run rounded("s = cq.Sketch().rarray(2, 2, 2, 2).circle(0.5).reset().hull(mode='r')");
  CHECK(rounded.area() == Approx(8 + M_PI / 4));
  CHECK(rounded.count(TopAbs_EDGE) == 8);
  // A circle and a point: two tangent segments and the far arc.
  double d = 4, r = 1, t = std::sqrt(d * d - r * r);
  CHECK(Run("s = cq.Sketch().circle(1).segment((3, 0), (4, 0)).edges().hull(mode='r')").area() ==
        Approx(r * t + (M_PI + 2 * std::asin(r / d)) / 2 * r * r));
}

TEST_CASE("sketch objects: finalize, val, errors", "[cq][sketch]") {
  Run r(
      "s = cq.Sketch().rect(1, 1)\np = s.finalize()\nv = s.val()\nn = len(s.vals())\nlst = "
      "list(s)");
  CHECK(r.in.global("p")->is_none());
  CHECK(r.in.global("v")->type_name() == "Compound");
  CHECK(r.in.global("n")->as_int() == 1);
  CHECK(r.in.global("lst")->type_name() == "list");
  Run l("s = cq.Sketch(locs=[(1, 0), (2, 0)]).rect(1, 1)");
  CHECK(l.sketch->locs.size() == 2);
  CHECK(error_of("cq.Sketch().importDXF('x.dxf')").kind == ErrorKind::Unsupported);
  CHECK(error_of("cq.Sketch().rect(1, 1).replace()").type == "ValueError");  // nothing selected
  CHECK(error_of("cq.Sketch().distribute(3)").type == "ValueError");         // nothing selected
  CHECK(error_of("cq.Sketch().no_such_method()").type == "AttributeError");
  CHECK(error_of("cq.Sketch().segment((0, 0), (0, 0))").kind == ErrorKind::Geometry);
  CHECK(error_of("cq.Sketch().rect(2, 2).vertices().fillet(5)").kind == ErrorKind::Geometry);
  CHECK(error_of("cq.Sketch().faces('>Q')").type == "ValueError");
}

TEST_CASE("workplane sketches extrude at the workplane's locations", "[cq][sketch]") {
  Run r(
      "w = cq.Workplane().sketch().rect(2, 2).circle(0.5, mode='s').finalize().extrude(1)\n"
      "v = w.val().Volume()\n"
      "w2 = cq.Workplane().rarray(5, 1, 2, 1).sketch().slot(3, 2).finalize().extrude(2)\n"
      "v2 = w2.val().Volume()");
  CHECK(r.in.global("v")->as_float() == Approx(4 - M_PI / 4));
  CHECK(r.in.global("v2")->as_float() == Approx(2 * 2 * (6 + M_PI)));
}
