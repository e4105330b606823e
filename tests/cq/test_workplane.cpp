// cq.Workplane through real CadQuery scripts: volumes and bounding boxes derived by hand.
#include <Bnd_Box.hxx>

#include <catch2/catch.hpp>

#include <cmath>

#include "cq_test_util.h"

using cad::cq::testing::count;
using cad::cq::testing::run_cq;

namespace {

struct Box {
  double x0, y0, z0, x1, y1, z1;
};
Box bbox(const TopoDS_Shape& s) {
  Box b{};
  cad::cq::bounding_box(s).Get(b.x0, b.y0, b.z0, b.x1, b.y1, b.z1);
  return b;
}
double vol(const TopoDS_Shape& s) {
  return cad::cq::volume(s);
}

}  // namespace

TEST_CASE("box is centred by default and per axis on request", "[cq]") {
  auto r = run_cq(
      "a = cq.Workplane('XY').box(2, 3, 4)\n"
      "b = cq.Workplane('XY').box(2, 3, 4, centered=False)\n"
      "c = cq.Workplane('XY').box(2, 3, 4, centered=(True, False, False))\n");
  CHECK(vol(r.shape("a")) == Approx(24));
  CHECK(bbox(r.shape("a")).x0 == Approx(-1));
  CHECK(bbox(r.shape("a")).z1 == Approx(2));
  CHECK(bbox(r.shape("b")).x0 == Approx(0).margin(1e-9));
  CHECK(bbox(r.shape("b")).z1 == Approx(4));
  CHECK(bbox(r.shape("c")).x0 == Approx(-1));
  CHECK(bbox(r.shape("c")).y0 == Approx(0).margin(1e-9));
  CHECK(r.session->ops["box"] == 3);
}

TEST_CASE("cylinder(height, radius) is centred on the plane", "[cq]") {
  auto r = run_cq("c = cq.Workplane('XY').cylinder(2, 0.5)\n");
  CHECK(vol(r.shape("c")) == Approx(M_PI * 0.25 * 2));
  CHECK(bbox(r.shape("c")).z0 == Approx(-1));
  CHECK(bbox(r.shape("c")).x1 == Approx(0.5));
}

TEST_CASE("extrude goes along the normal; negative goes against it; both doubles", "[cq]") {
  auto r = run_cq(
      "a = cq.Workplane().rect(2, 3).extrude(4)\n"
      "b = cq.Workplane().rect(2, 3).extrude(-4)\n"
      "c = cq.Workplane().rect(2, 3).extrude(4, both=True)\n"
      "d = cq.Workplane('XZ').rect(2, 3).extrude(1)\n");
  CHECK(vol(r.shape("a")) == Approx(24));
  CHECK(bbox(r.shape("a")).z0 == Approx(0).margin(1e-9));
  CHECK(bbox(r.shape("a")).z1 == Approx(4));
  CHECK(vol(r.shape("b")) == Approx(24));
  CHECK(bbox(r.shape("b")).z0 == Approx(-4));
  CHECK(vol(r.shape("c")) == Approx(48));
  CHECK(bbox(r.shape("c")).z0 == Approx(-4));
  // XZ's normal is -Y, its y axis is +Z.
  CHECK(bbox(r.shape("d")).y0 == Approx(-1));
  CHECK(bbox(r.shape("d")).z1 == Approx(1.5));
  CHECK(r.session->ops["extrude"] == 4);
  CHECK(r.session->ops["line"] == 16);
}

TEST_CASE("negative extrude on a face still fuses with the solid", "[cq]") {
  auto r = run_cq(
      "r = cq.Workplane().box(4, 4, 2).faces('>Z').workplane().rect(2, 2).extrude(-1)\n"
      "s = cq.Workplane().box(4, 4, 2).faces('>Z').workplane().rect(2, 2).extrude(1)\n");
  CHECK(vol(r.shape("r")) == Approx(32));
  CHECK(vol(r.shape("s")) == Approx(36));
  CHECK(count(r.shape("s"), TopAbs_SOLID) == 1);
  CHECK(bbox(r.shape("s")).z1 == Approx(2));
}

TEST_CASE("polyline + close makes a closed wire", "[cq]") {
  auto r = run_cq(
      "t = cq.Workplane().polyline([(0, 0), (2, 0), (0, 2)]).close().extrude(1)\n"
      "u = cq.Workplane().moveTo(0, 0).lineTo(2, "
      "0).hLine(1).vLine(1).hLineTo(0).close().extrude(2)\n");
  CHECK(vol(r.shape("t")) == Approx(2));
  CHECK(vol(r.shape("u")) == Approx(6));
}

TEST_CASE("nested wires become holes, circle counts", "[cq]") {
  auto r = run_cq(
      "ring = cq.Workplane().circle(2).circle(1).extrude(1)\n"
      "holes = cq.Workplane().rect(10, 10).pushPoints([(-2, 0), (2, 0)]).circle(1).extrude(1)\n");
  CHECK(vol(r.shape("ring")) == Approx(3 * M_PI));
  CHECK(vol(r.shape("holes")) == Approx(100 - 2 * M_PI));
  CHECK(r.session->ops["circle"] == 4);
}

TEST_CASE("disjoint pending wires become separate solids", "[cq]") {
  auto r = run_cq("p = cq.Workplane().pushPoints([(-3, 0), (3, 0)]).rect(1, 1).extrude(1)\n");
  CHECK(vol(r.shape("p")) == Approx(2));
  CHECK(count(r.shape("p"), TopAbs_SOLID) == 2);
}

TEST_CASE("polygon is inscribed in the diameter", "[cq]") {
  auto r = run_cq("h = cq.Workplane('XY').polygon(6, 2).extrude(1)\n");
  CHECK(vol(r.shape("h")) == Approx(3 * std::sqrt(3.0) / 2));
  CHECK(bbox(r.shape("h")).x1 == Approx(1));
}

TEST_CASE("hole through all and blind from a face", "[cq]") {
  auto r = run_cq(
      "a = cq.Workplane().box(4, 4, 2).faces('>Z').workplane().hole(1)\n"
      "b = cq.Workplane().box(4, 4, 2).faces('>Z').workplane().hole(1, 0.5)\n"
      "c = cq.Workplane().cylinder(1, 2).faces('>Z').hole(1, 1)\n");
  CHECK(vol(r.shape("a")) == Approx(32 - M_PI * 0.25 * 2));
  CHECK(vol(r.shape("b")) == Approx(32 - M_PI * 0.25 * 0.5));
  CHECK(vol(r.shape("c")) == Approx(M_PI * 4 - M_PI * 0.25));
  CHECK(r.session->ops["hole"] == 3);
}

TEST_CASE("union, cut, intersect and their operators", "[cq]") {
  auto r = run_cq(
      "a = cq.Workplane().box(2, 2, 2)\n"
      "b = cq.Workplane().box(2, 2, 2).translate((1, 0, 0))\n"
      "u = a.union(b)\n"
      "c = a.cut(b)\n"
      "i = a.intersect(b)\n"
      "u2 = a + b\n"
      "c2 = a - b\n"
      "i2 = a & b\n"
      "s = a.cut(b.val())\n");
  CHECK(vol(r.shape("u")) == Approx(12));
  CHECK(count(r.shape("u"), TopAbs_FACE) == 6);
  CHECK(vol(r.shape("c")) == Approx(4));
  CHECK(vol(r.shape("i")) == Approx(4));
  CHECK(vol(r.shape("u2")) == Approx(12));
  CHECK(vol(r.shape("c2")) == Approx(4));
  CHECK(vol(r.shape("i2")) == Approx(4));
  CHECK(vol(r.shape("s")) == Approx(4));
}

TEST_CASE("translate and rotate move every shape on the stack", "[cq]") {
  auto r = run_cq(
      "t = cq.Workplane().box(1, 1, 1).translate((1, 2, 3))\n"
      "q = cq.Workplane().box(1, 2, 4, centered=False).rotate((0, 0, 1), (0, 0, 0), 180)\n");
  CHECK(bbox(r.shape("t")).x0 == Approx(0.5));
  CHECK(bbox(r.shape("t")).z1 == Approx(3.5));
  // rotation about -Z by 180 degrees maps (x, y) to (-x, -y)
  CHECK(bbox(r.shape("q")).x0 == Approx(-1));
  CHECK(bbox(r.shape("q")).y0 == Approx(-2));
  CHECK(bbox(r.shape("q")).z1 == Approx(4));
}

TEST_CASE("add keeps all shapes; the export records the object", "[cq]") {
  auto r = run_cq(
      "part = cq.Workplane('XY').add(cq.Workplane().box(1, 1, 1)).add(cq.Workplane().box(1, 1, "
      "1).translate((3, 0, 0)))\n"
      "cq.exporters.export(part, 'out.stl')\n");
  REQUIRE(r.session->exported.size() == 1);
  CHECK(r.session->exported[0].second == "out.stl");
  auto res = cad::cq::select_result(*r.in, *r.session);
  REQUIRE(res);
  CHECK(res->result_var == "exporters.export");
  CHECK(vol(res->shape) == Approx(2));
}

TEST_CASE("eachpoint places a shape at the vertices of a construction rect", "[cq]") {
  auto r = run_cq(
      "top = cq.Workplane('XY').box(4, 2, 0.2)\n"
      "leg = cq.Workplane('XY').box(0.2, 0.2, 1).translate((0, 0, -0.6))\n"
      "def add_leg(loc):\n"
      "    return leg.val().located(loc)\n"
      "legs = top.faces('>Z').workplane().rect(3, 1, "
      "forConstruction=True).vertices().eachpoint(add_leg)\n"
      "table = top.union(legs)\n");
  CHECK(vol(r.shape("legs")) == Approx(4 * 0.04));
  // legs span z -1.0 .. 0 once located on the top face (z = 0.1); 0.1 of each overlaps the top
  CHECK(vol(r.shape("table")) == Approx(4 * 2 * 0.2 + 4 * 0.04 * 0.9));
  auto b = bbox(r.shape("table"));
  CHECK(b.z0 == Approx(-1.0));
  CHECK(b.x0 == Approx(-2));
}

TEST_CASE("arcs and splines draw closed profiles", "[cq]") {
  auto r = run_cq(
      "half = cq.Workplane().threePointArc((1, 1), (2, 0)).close().extrude(1)\n"
      "ra = cq.Workplane().lineTo(2, 0).radiusArc((0, 0), 1).close().extrude(1)\n"
      "sp = cq.Workplane().lineTo(1, 0).spline([(1, 1), (0, 1)], "
      "includeCurrent=True).close().extrude(1)\n");
  CHECK(vol(r.shape("half")) == Approx(M_PI / 2));
  CHECK(vol(r.shape("ra")) == Approx(M_PI / 2));
  CHECK(vol(r.shape("sp")) > 0.5);
  CHECK(r.session->ops["arc"] == 2);
  CHECK(r.session->ops["spline"] == 1);
}

TEST_CASE("revolve about the plane's y axis", "[cq]") {
  auto r = run_cq(
      "t = cq.Workplane('XY').moveTo(1, 0).rect(1, 1, centered=False).revolve(360, (0, 0, 0), (0, "
      "1, 0))\n");
  CHECK(vol(r.shape("t")) == Approx(2 * M_PI * 1.5));
}

TEST_CASE("sphere, fillet, chamfer and shell", "[cq]") {
  auto r = run_cq(
      "s = cq.Workplane().sphere(1)\n"
      "f = cq.Workplane().box(2, 2, 2).edges('|Z').fillet(0.5)\n"
      "c = cq.Workplane().box(2, 2, 2).edges('>Z').chamfer(0.5)\n"
      "h = cq.Workplane().box(2, 2, 2).faces('>Z').shell(-0.1)\n");
  CHECK(vol(r.shape("s")) == Approx(4.0 / 3.0 * M_PI));
  CHECK(vol(r.shape("f")) == Approx(8 - 4 * (0.25 - M_PI * 0.25 / 4) * 2));
  CHECK(count(r.shape("f"), TopAbs_FACE) == 10);
  // chamfering all top edges leaves a frustum between a 2x2 and a 1x1 square, 0.5 high
  CHECK(vol(r.shape("c")) == Approx(6 + 0.5 / 3 * (4 + 1 + 2)));
  CHECK(count(r.shape("c"), TopAbs_FACE) == 10);
  CHECK(vol(r.shape("h")) == Approx(8 - 1.8 * 1.8 * 1.9));
}

TEST_CASE("sweep a rectangle along an arc", "[cq]") {
  auto r = run_cq(
      "path = cq.Workplane('XZ').threePointArc((1, 1), (2, 0))\n"
      "s = cq.Workplane('XY').rect(0.1, 0.1).sweep(path)\n");
  // A small square swept along a half circle of radius 1: area * length.
  CHECK(vol(r.shape("s")) == Approx(0.01 * M_PI).epsilon(0.01));
}

TEST_CASE("transformed rotates and offsets the plane", "[cq]") {
  auto r = run_cq("b = cq.Workplane('XY').transformed((90, 0, 0), (0, 0, 1)).box(1, 2, 3)\n");
  auto b = bbox(r.shape("b"));
  // rotated 90 degrees about x: local y -> global z, local z -> global -y
  CHECK(b.z1 - b.z0 == Approx(2));
  CHECK(b.y1 - b.y0 == Approx(3));
  CHECK((b.z1 + b.z0) / 2 == Approx(1));
}

TEST_CASE("polarArray places rotated locations", "[cq]") {
  auto r = run_cq("p = cq.Workplane().polarArray(2, 0, 360, 3).cylinder(1, 0.5)\n");
  CHECK(vol(r.shape("p")) == Approx(3 * M_PI * 0.25));
  CHECK(bbox(r.shape("p")).x1 == Approx(2.5));
}

TEST_CASE("placeSketch extrudes the sketch faces", "[cq]") {
  auto r = run_cq("part = cq.Workplane('XY').placeSketch(cq.Sketch().circle(0.75)).extrude(0.2)\n");
  CHECK(vol(r.shape("part")) == Approx(M_PI * 0.5625 * 0.2));
}

TEST_CASE("workplane on an offset plane given as a Location", "[cq]") {
  auto r = run_cq(
      "h = cq.Workplane('XY').polygon(6, 2).extrude(1)\n"
      "loc = h.faces('>Z').workplane().plane.location\n"
      "s = cq.Workplane('XY', obj=loc).polygon(6, 1).extrude(1)\n");
  CHECK(bbox(r.shape("s")).z0 == Approx(1));
  CHECK(bbox(r.shape("s")).z1 == Approx(2));
}

TEST_CASE("scale a shape and rotate it", "[cq]") {
  auto r =
      run_cq("b = cq.Workplane().box(1, 1, 1).val().scale(2).rotate((0, 0, 0), (1, 0, 0), 90)\n");
  CHECK(vol(r.shape("b")) == Approx(8));
}

TEST_CASE("errors name the method", "[cq]") {
  try {
    run_cq("r = cq.Workplane().box(1, 1, 1).edges('|Z').fillet(5)\n");
    FAIL("fillet should fail");
  } catch (const cad::script::ScriptError& e) {
    CHECK(e.kind == cad::script::ErrorKind::Geometry);
    INFO(e.what());
    CHECK(std::string(e.what()).find("Workplane.fillet") != std::string::npos);
  }
  try {
    run_cq("r = cq.Workplane().box(1, 1, 1).toSvg()\n");
    FAIL("toSvg should be unsupported");
  } catch (const cad::script::ScriptError& e) {
    CHECK(e.kind == cad::script::ErrorKind::Unsupported);
  }
  try {
    run_cq("r = cq.Workplane().hole(1)\n");
    FAIL("hole without a solid should fail");
  } catch (const cad::script::ScriptError& e) {
    CHECK(e.type == "ValueError");
  }
}

TEST_CASE("result selection prefers show_object, then export, then names", "[cq]") {
  auto r =
      run_cq("a = cq.Workplane().box(1, 1, 1)\nb = cq.Workplane().box(2, 2, 2)\nshow_object(a)\n");
  auto res = cad::cq::select_result(*r.in, *r.session);
  REQUIRE(res);
  CHECK(res->result_var == "show_object");
  CHECK(vol(res->shape) == Approx(1));
  auto r2 =
      run_cq("x = cq.Workplane().box(1, 1, 1)\nresult = cq.Workplane().box(2, 2, 2)\ny = 3\n");
  res = cad::cq::select_result(*r2.in, *r2.session);
  REQUIRE(res);
  CHECK(res->result_var == "result");
  auto r3 = run_cq(
      "x = cq.Workplane().box(1, 1, 1)\nz = cq.Workplane().box(2, 2, 2)\nw = cq.Workplane()\n");
  res = cad::cq::select_result(*r3.in, *r3.session);
  REQUIRE(res);
  CHECK(res->result_var == "z");
}

TEST_CASE("tags, end and workplaneFromTagged", "[cq]") {
  auto r = run_cq(
      "b = cq.Workplane().box(2, 2, 2).tag('base').faces('>Z').workplane().rect(1, 1).extrude(1)\n"
      "n = b.end(3).size()\n"
      "w = b.workplaneFromTagged('base').faces('<Z').size()\n"
      "e = b.faces('>Z', tag='base').size()\n");
  CHECK(r.number("n") == 1);
  CHECK(r.number("w") == 1);
  CHECK(r.number("e") == 1);
  CHECK_THROWS_AS(run_cq("cq.Workplane().end()\n"), cad::script::ScriptError);
}

TEST_CASE("mirror with union, split, cutBlind", "[cq]") {
  auto r = run_cq(
      "m = cq.Workplane().box(1, 1, 1, centered=False).mirror('YZ', union=True)\n"
      "s = cq.Workplane().box(2, 2, 2).faces('>Z').workplane(-0.5).split(keepTop=True)\n"
      "c = cq.Workplane().box(4, 4, 2).faces('>Z').workplane().rect(2, 2).cutBlind(-1)\n");
  CHECK(vol(r.shape("m")) == Approx(2));
  CHECK(bbox(r.shape("m")).x0 == Approx(-1));
  CHECK(vol(r.shape("s")) == Approx(2));
  CHECK(vol(r.shape("c")) == Approx(28));
}

TEST_CASE("sketch() and finalize() extrude at the workplane", "[cq]") {
  auto r = run_cq(
      "a = cq.Workplane().box(4, 4, 1).faces('>Z').workplane().sketch().rect(1, "
      "1).finalize().extrude(1)\n"
      "b = cq.Workplane().rarray(2, 2, 2, 2).placeSketch(cq.Sketch().circle(0.5)).extrude(1)\n");
  CHECK(vol(r.shape("a")) == Approx(17));
  CHECK(bbox(r.shape("a")).z1 == Approx(1.5));
  CHECK(vol(r.shape("b")) == Approx(4 * M_PI * 0.25));
  CHECK(bbox(r.shape("b")).x1 == Approx(1.5));
}

TEST_CASE("ellipse, sagittaArc, tangentArcPoint, offset2D", "[cq]") {
  auto r = run_cq(
      "e = cq.Workplane().ellipse(2, 1).extrude(1)\n"
      "s = cq.Workplane().lineTo(2, 0).sagittaArc((0, 0), 1).close().extrude(1)\n"
      "t = cq.Workplane().lineTo(1, 0).tangentArcPoint((0, 2)).lineTo(0, 2).close().extrude(1)\n"
      "o = cq.Workplane().rect(2, 2).offset2D(1, 'intersection').extrude(1)\n");
  CHECK(vol(r.shape("e")) == Approx(2 * M_PI));
  CHECK(vol(r.shape("s")) == Approx(M_PI / 2));
  // a half disc of radius 1 on the right side of the 1 x 2 rectangle
  CHECK(vol(r.shape("t")) == Approx(2 + M_PI / 2));
  CHECK(vol(r.shape("o")) == Approx(16));
}

TEST_CASE("stack access: iteration, indexing, vals, all, each", "[cq]") {
  auto r = run_cq(
      "w = cq.Workplane().pushPoints([(0, 0), (3, 0), (6, 0)]).box(1, 1, 1, combine=False)\n"
      "n = len(list(w))\n"
      "k = w[1].size()\n"
      "m = len(w.vals())\n"
      "a = len(w.all())\n"
      "x = w.last().val().Center().x\n"
      "v = sum([s.Volume() for s in w.vals()])\n"
      "e = cq.Workplane().box(1, 1, 1).faces().each(lambda f: f.translate((0, 0, 0)), "
      "combine=False).size()\n");
  CHECK(r.number("n") == 3);
  CHECK(r.number("k") == 1);
  CHECK(r.number("m") == 3);
  CHECK(r.number("a") == 3);
  CHECK(r.number("x") == Approx(6));
  CHECK(r.number("v") == Approx(3));
  CHECK(r.number("e") == 6);
}

TEST_CASE("geometry types: Vector, Location, static constructors", "[cq]") {
  auto r = run_cq(
      "v = cq.Vector(1, 2, 3) + cq.Vector((1, 1, 1)) * 2\n"
      "vx, vl = v.x, cq.Vector(3, 4).Length\n"
      "loc = cq.Location(cq.Vector(1, 0, 0), cq.Vector(0, 0, 1), 90)\n"
      "(lx, ly, lz), (rx, ry, rz) = loc.toTuple()\n"
      "b = cq.Solid.makeBox(1, 2, 3).moved(loc)\n"
      "bx = b.BoundingBox().xmin\n"
      "c = cq.Solid.makeCylinder(1, 2)\n"
      "cv = c.Volume()\n"
      "w = cq.Workplane().add(cq.Wire.makePolygon([(0, 0, 0), (1, 0, 0), (1, 1, 0)], "
      "close=True)).toPending().extrude(1)\n"
      "wv = w.val().Volume()\n"
      "f = cq.Face.makeFromWires(cq.Wire.makeCircle(1, cq.Vector(0, 0, 0), cq.Vector(0, 0, 1)))\n"
      "fa = f.Area()\n"
      "inv = (loc * loc.inverse).toTuple()[0][0]\n");
  CHECK(r.number("vx") == Approx(3));
  CHECK(r.number("vl") == Approx(5));
  CHECK(r.number("lx") == Approx(1));
  CHECK(r.number("rz") == Approx(90));
  CHECK(r.number("bx") == Approx(-1));
  CHECK(r.number("cv") == Approx(2 * M_PI));
  CHECK(r.number("wv") == Approx(0.5));
  CHECK(r.number("fa") == Approx(M_PI));
  CHECK(r.number("inv") == Approx(0).margin(1e-12));
}

TEST_CASE("loft and revolve counts", "[cq]") {
  auto r = run_cq(
      "l = cq.Workplane().rect(2, 2).workplane(offset=1).rect(1, 1).loft(ruled=True)\n"
      "v = cq.Workplane('XZ').moveTo(1, 0).rect(1, 1, centered=False).revolve(180, (0, 0, 0), (0, "
      "1, 0))\n");
  CHECK(vol(r.shape("l")) == Approx(1.0 / 3.0 * (4 + 1 + 2)));
  CHECK(vol(r.shape("v")) == Approx(M_PI * 1.5));
  CHECK(r.session->ops["loft"] == 1);
  CHECK(r.session->ops["revolve"] == 1);
}

TEST_CASE("bezier, ellipseArc and cutEach", "[cq]") {
  auto r = run_cq(
      "b = cq.Workplane().lineTo(2, 0).bezier([(2, 0), (2, 2), (0, 2)], "
      "includeCurrent=False).close().extrude(1)\n"
      "e = cq.Workplane().moveTo(1, 0).ellipseArc(1, 1, 0, 180, "
      "startAtCurrent=False).close().extrude(1)\n"
      "c = cq.Workplane().box(4, 4, 1).faces('>Z').workplane().rect(2, 2, "
      "forConstruction=True).vertices()"
      ".cutEach(lambda loc: cq.Solid.makeBox(0.5, 0.5, 1, (-0.25, -0.25, -1)).moved(loc), True)\n");
  // triangle (0,0) (2,0) (0,2) plus 2/3 of the quadratic Bezier's control triangle (area 2)
  CHECK(vol(r.shape("b")) == Approx(2 + 4.0 / 3.0));
  CHECK(vol(r.shape("e")) == Approx(M_PI / 2));
  CHECK(bbox(r.shape("e")).x0 == Approx(0).margin(1e-9));
  CHECK(vol(r.shape("c")) == Approx(16 - 4 * 0.25));
}

TEST_CASE("shape queries and recorded shape exports", "[cq]") {
  auto r = run_cq(
      "b = cq.Workplane().box(2, 2, 2)\n"
      "inside = b.val().isInside((0, 0, 0))\n"
      "outside = b.val().isInside((5, 0, 0))\n"
      "d = b.val().distance(cq.Workplane().box(1, 1, 1).translate((4, 0, 0)).val())\n"
      "pieces = (b / cq.Workplane().box(3, 3, 0.1)).solids().size()\n"
      "b.val().exportStl('part.stl')\n");
  CHECK(r.in->global("inside")->truthy());
  CHECK_FALSE(r.in->global("outside")->truthy());
  CHECK(r.number("d") == Approx(2.5));
  CHECK(r.number("pieces") == 3);
  REQUIRE(r.session->exported.size() == 1);
  CHECK(r.session->exported[0].second == "part.stl");
}
