// Figures from CadQuery's own tests (tests/test_cadquery.py), reproduced as scripts.
#include <BRep_Tool.hxx>
#include <Geom_BSplineSurface.hxx>
#include <TopExp_Explorer.hxx>
#include <TopoDS.hxx>
#include <catch2/catch.hpp>

#include "cq/geom_types.h"
#include "cq_test_util.h"

using cad::cq::testing::run_cq;

namespace {

// CadQuery's tests use makeUnitCube()/makeCube(s): Workplane().rect(s, s).extrude(s).val().
const char* kCubes =
    "def makeCube(size):\n"
    "    return cq.Workplane().rect(size, size).extrude(size).val()\n"
    "def makeUnitCube():\n"
    "    return makeCube(1.0)\n";

double num(const cad::cq::testing::Run& r, const char* var) {
  return r.number(var);
}

// The Python exception type a script raises ("none" when it runs).
std::string error_type(const std::string& source) {
  try {
    run_cq(source);
  } catch (const cad::script::ScriptError& e) {
    return e.type;
  }
  return "none";
}

}  // namespace

TEST_CASE("testSlot2D volumes and rotation", "[cq][conformance]") {
  auto r = run_cq(
      "a = cq.Workplane('XY').slot2D(4, 1, 0).extrude(1).val().Volume()\n"
      "box = cq.Workplane('XY').box(5, 5, 1)\n"
      "b = box.faces('>Z').workplane().slot2D(4, 1, 0).cutThruAll().val().Volume()\n"
      "c = box.faces('>Z').workplane().slot2D(4, 1, 0).cutBlind(-0.5).val().Volume()\n"
      "p = cq.Workplane('XY').slot2D(4, 1, "
      "45).extrude(1).faces('>Z').edges('>X').first().val().endPoint()\n"
      "px, py, pz = p.toTuple()\n");
  CHECK(num(r, "a") == Approx(3.785398163).margin(1e-8));
  CHECK(num(r, "b") == Approx(21.214601837).margin(1e-8));
  CHECK(num(r, "c") == Approx(23.107300918).margin(1e-8));
  CHECK(num(r, "px") == Approx(0.707106781).margin(1e-8));
  CHECK(num(r, "py") == Approx(1.414213562).margin(1e-8));
  CHECK(num(r, "pz") == Approx(1.0).margin(1e-8));
}

TEST_CASE("testIntersect", "[cq][conformance]") {
  auto r = run_cq(
      "s = cq.Workplane(cq.Plane.XY())\n"
      "currentS = s.rect(2.0, 2.0).extrude(0.5)\n"
      "toIntersect = s.rect(1.0, 1.0).extrude(1)\n"
      "a = currentS.intersect(toIntersect.val())\n"
      "af, av = a.faces().size(), a.val().Volume()\n"
      "b = currentS.intersect(toIntersect)\n"
      "bf, bv = b.faces().size(), b.val().Volume()\n"
      "b1 = cq.Workplane('XY').box(1, 1, 1)\n"
      "b2 = cq.Workplane('XY', origin=(0, 0, 0.5)).box(1, 1, 1)\n"
      "cv = b1.intersect(b2).val().Volume()\n"
      "sv = (b1 & b2).val().Volume()\n");
  CHECK(num(r, "af") == 6);
  CHECK(num(r, "av") == Approx(0.5));
  CHECK(num(r, "bf") == 6);
  CHECK(num(r, "bv") == Approx(0.5));
  CHECK(num(r, "cv") == Approx(0.5));
  CHECK(num(r, "sv") == Approx(0.5));
  CHECK_THROWS_AS(run_cq("b1 = cq.Workplane('XY').box(1, 1, 1)\nb1.intersect(b1.faces().val())\n"),
                  cad::script::ScriptError);
  CHECK_THROWS_AS(run_cq("cq.Workplane().intersect(cq.Workplane().box(1, 1, 1))\n"),
                  cad::script::ScriptError);
}

TEST_CASE("testFillet and testChamfer face counts", "[cq][conformance]") {
  auto r = run_cq(
      std::string(kCubes) +
      "c = cq.Workplane(makeUnitCube()).faces('>Z').workplane().circle(0.25).extrude(0.25, True)"
      ".edges('|Z').fillet(0.2)\n"
      "fc = c.faces().size()\n"
      "cube = cq.Workplane(makeUnitCube()).faces('>Z').chamfer(0.1)\n"
      "cc = cube.faces().size()\n");
  CHECK(num(r, "fc") == 12);
  CHECK(num(r, "cc") == 10);
  CHECK_THROWS_AS(run_cq("cq.Workplane().hLine(1).vLine(1).close().fillet(0.1)\n"),
                  cad::script::ScriptError);
  CHECK_THROWS_AS(run_cq("cq.Workplane().hLine(1).vLine(1).close().chamfer(0.1)\n"),
                  cad::script::ScriptError);
}

TEST_CASE("testCounterBores and testCounterSinks face counts", "[cq][conformance]") {
  auto r = run_cq(
      std::string(kCubes) +
      "pnts = [(-1.0, -1.0), (0.0, 0.0), (1.0, 1.0)]\n"
      "c = cq.Workplane(makeCube(3.0)).faces('>Z').workplane().pushPoints(pnts).cboreHole(0.1, "
      "0.25, 0.25, 0.75)\n"
      "c2 = cq.Workplane(makeCube(3.0)).faces('>Z').workplane().pushPoints(pnts).cboreHole(0.1, "
      "0.25, 0.25)\n"
      "s = cq.Workplane(makeCube(3.0)).faces('>Z').workplane().pushPoints(pnts).cskHole(0.1, 0.25, "
      "82, 0.75)\n"
      "s2 = cq.Workplane(makeCube(3.0)).faces('>Z').workplane().pushPoints(pnts).cskHole(0.1, "
      "0.25, 82)\n"
      "n1, n2, n3, n4 = c.faces().size(), c2.faces().size(), s.faces().size(), "
      "s2.faces().size()\n");
  CHECK(num(r, "n1") == 18);
  CHECK(num(r, "n2") == 15);
  // countersinks (no figure in CadQuery's tests): 6 cube faces + cone + bore per hole,
  // + a bottom per blind hole
  CHECK(num(r, "n3") == 15);
  CHECK(num(r, "n4") == 12);
}

TEST_CASE("testNestedCircle", "[cq][conformance]") {
  auto r = run_cq(
      "s = cq.Workplane('XY').box(40, 40, 5).pushPoints([(10, 0), (0, "
      "10)]).circle(4).circle(2).extrude(4)\n"
      "n = s.faces().size()\n");
  CHECK(num(r, "n") == 14);
}

TEST_CASE("testLoft", "[cq][conformance]") {
  auto r = run_cq(
      "s = cq.Workplane('XY').circle(4.0).workplane(5.0).rect(2.0, 2.0).loft()\n"
      "ns, nf = s.solids().size(), s.faces().size()\n"
      "box = cq.Workplane().box(10, 10, 10)\n"
      "cut = box.faces('>Z').workplane().circle(2).workplane(invert=True, offset=12).rect(3, "
      "2).loft(combine='cut')\n"
      "add = box.faces('>Z').workplane().circle(2).workplane(offset=12).rect(3, "
      "2).loft(combine=True)\n"
      "vb, vc, va = box.val().Volume(), cut.val().Volume(), add.val().Volume()\n");
  CHECK(num(r, "ns") == 1);
  CHECK(num(r, "nf") == 7);
  CHECK(num(r, "vc") < num(r, "vb"));
  CHECK(num(r, "va") > num(r, "vb"));
}

namespace {
// The largest V degree of the B-spline faces of a shape (the loft's section direction).
int max_v_degree(const TopoDS_Shape& s) {
  int degree = 0;
  for (TopExp_Explorer e(s, TopAbs_FACE); e.More(); e.Next()) {
    auto bs = Handle(Geom_BSplineSurface)::DownCast(BRep_Tool::Surface(TopoDS::Face(e.Current())));
    if (!bs.IsNull()) degree = std::max(degree, bs->VDegree());
  }
  return degree;
}
}  // namespace

TEST_CASE("Workplane.loft uses CadQuery 2.5+'s approximation settings, Solid.makeLoft OCCT's",
          "[cq][conformance]") {
  // CadQuery 2.5-2.8: Workplane.loft calls shapes.loft(), whose builder has SetMaxDegree(3)
  // (among iso-parametric parametrization and weights 1/1/1); Solid.makeLoft keeps a plain
  // BRepOffsetAPI_ThruSections (maximum degree 8). Six circular sections: the side surface
  // interpolates six sections, degree min(5, max degree) in the section direction.
  auto r = run_cq(
      "w = cq.Workplane()\n"
      "for i, rr in enumerate([3, 4, 3.5, 5, 4, 3]):\n"
      "    w = w.workplane(offset=0 if i == 0 else 2).circle(rr)\n"
      "wires = [cq.Wire.makeCircle(rr, cq.Vector(0, 0, 2 * i), cq.Vector(0, 0, 1))\n"
      "         for i, rr in enumerate([3, 4, 3.5, 5, 4, 3])]\n"
      "wp = w.loft()\n"
      "solid = cq.Solid.makeLoft(wires)\n"
      "v1, v2 = wp.val().Volume(), solid.Volume()\n");
  CHECK(max_v_degree(r.shape("wp")) == 3);
  CHECK(max_v_degree(r.shape("solid")) == 5);
  CHECK(num(r, "v1") == Approx(num(r, "v2")).epsilon(0.05));  // the same part, approximated
}

TEST_CASE("testWorkplaneCenterOptions", "[cq][conformance]") {
  auto r = run_cq(
      "pts = [(0, 0), (90, 0), (90, 30), (30, 30), (30, 60), (0.0, 60)]\n"
      "r = cq.Workplane('XY').polyline(pts).close().extrude(10.0)\n"
      "a = r.faces('>Z').workplane(centerOption='ProjectedOrigin').plane.origin.toTuple()\n"
      "b = r.faces('>Z').workplane(centerOption='CenterOfMass').plane.origin.toTuple()\n"
      "c = r.faces('>Z').workplane(centerOption='CenterOfBoundBox').plane.origin.toTuple()\n"
      "d = r.faces('>Z').workplane(centerOption='ProjectedOrigin', origin=(30, 10, "
      "20)).plane.origin.toTuple()\n"
      "e = r.faces('>Z').workplane(centerOption='ProjectedOrigin', origin=cq.Vector(30, 10, "
      "20)).plane.origin.toTuple()\n"
      "ax, ay, az = a\nbx, by, bz = b\ncx, cy, cz = c\ndx, dy, dz = d\nex, ey, ez = e\n");
  auto near = [&](const char* v, double want) { CHECK(num(r, v) == Approx(want).margin(1e-9)); };
  near("ax", 0), near("ay", 0), near("az", 10);
  near("bx", 37.5), near("by", 22.5), near("bz", 10);
  near("cx", 45), near("cy", 30), near("cz", 10);
  near("dx", 30), near("dy", 10), near("dz", 10);
  near("ex", 30), near("ey", 10), near("ez", 10);
  CHECK_THROWS_AS(
      run_cq("cq.Workplane().box(1, 1, 1).faces('>Z').workplane(centerOption='undefined')\n"),
      cad::script::ScriptError);
}

TEST_CASE("named planes have CadQuery's axes", "[cq][conformance]") {
  struct Axes {
    const char* name;
    gp_Vec x, y, z;
  };
  const Axes table[] = {
      {"XY", {1, 0, 0}, {0, 1, 0}, {0, 0, 1}},    {"YZ", {0, 1, 0}, {0, 0, 1}, {1, 0, 0}},
      {"ZX", {0, 0, 1}, {1, 0, 0}, {0, 1, 0}},    {"XZ", {1, 0, 0}, {0, 0, 1}, {0, -1, 0}},
      {"YX", {0, 1, 0}, {1, 0, 0}, {0, 0, -1}},   {"ZY", {0, 0, 1}, {0, 1, 0}, {-1, 0, 0}},
      {"front", {1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, {"back", {-1, 0, 0}, {0, 1, 0}, {0, 0, -1}},
      {"left", {0, 0, 1}, {0, 1, 0}, {-1, 0, 0}}, {"right", {0, 0, -1}, {0, 1, 0}, {1, 0, 0}},
      {"top", {1, 0, 0}, {0, 0, -1}, {0, 1, 0}},  {"bottom", {1, 0, 0}, {0, 0, 1}, {0, -1, 0}},
  };
  for (const auto& a : table) {
    INFO(a.name);
    auto p = cad::cq::Plane::named(a.name);
    CHECK(gp_Vec(p.x_dir).IsEqual(a.x, 1e-12, 1e-12));
    CHECK(gp_Vec(p.y_dir).IsEqual(a.y, 1e-12, 1e-12));
    CHECK(gp_Vec(p.z_dir).IsEqual(a.z, 1e-12, 1e-12));
  }
  auto r = run_cq(
      "p = cq.Plane(origin=(1, 2, 3), xDir=(0, 1, 0), normal=(1, 0, 0))\n"
      "yx, yy, yz = p.yDir.toTuple()\nox, oy, oz = p.origin.toTuple()\n"
      "q = cq.Plane.named('XZ', (0, 0, 1))\nqz = q.origin.z\n");
  CHECK(num(r, "yz") == Approx(1));
  CHECK(num(r, "oy") == Approx(2));
  CHECK(num(r, "qz") == Approx(1));
}

TEST_CASE("testRect, testCylinderCentering, testSphereDefaults", "[cq][conformance]") {
  auto r = run_cq(
      "e = cq.Workplane().rect(10, 11).edges().size()\n"
      "vx, vy, vz = cq.Workplane().rect(10, 11, centered=(False, True)).vertices('<X and "
      "<Y').val().toTuple()\n"
      "cx, cy, cz = cq.Workplane('XY').cylinder(40, 10, centered=(False, False, "
      "False)).val().Center().toTuple()\n"
      "s = cq.Workplane('XY').sphere(10)\n"
      "ss, sf = s.solids().size(), s.faces().size()\n"
      "t = cq.Workplane('XY').sphere(10, angle1=0, angle2=90, angle3=360, centered=(False, False, "
      "False))\n"
      "tf = t.faces().size()\n");
  CHECK(num(r, "e") == 4);
  CHECK(num(r, "vx") == Approx(0).margin(1e-9));
  CHECK(num(r, "vy") == Approx(-5.5));
  CHECK(num(r, "cx") == Approx(10));
  CHECK(num(r, "cy") == Approx(10));
  CHECK(num(r, "cz") == Approx(20));
  CHECK(num(r, "ss") == 1);
  CHECK(num(r, "sf") == 1);
  CHECK(num(r, "tf") == 2);
}

TEST_CASE("testRevolveCylinder, testSimpleMirror, testCutThroughAll", "[cq][conformance]") {
  auto r = run_cq(
      "rv = cq.Workplane('XY').rect(10.0, 10.0, False).revolve()\n"
      "rf, rvx, re = rv.faces().size(), rv.vertices().size(), rv.edges().size()\n"
      "m = cq.Workplane('XY').lineTo(2, 2).threePointArc((3, 1), (2, 0)).mirrorX().extrude(0.25)\n"
      "mf = m.faces().size()\n"
      "s = cq.Workplane(cq.Plane.XY())\n"
      "base = s.rect(2.0, 2.0).rect(1.3, 1.3, "
      "forConstruction=True).vertices().circle(0.125).extrude(0.5)\n"
      "t = base.circle(0.5).cutThruAll()\n"
      "tf = t.faces().size()\n");
  CHECK(num(r, "rf") == 3);
  CHECK(num(r, "rvx") == 2);
  CHECK(num(r, "re") == 3);
  CHECK(num(r, "mf") == 6);
  CHECK(num(r, "tf") == 11);
}

TEST_CASE("testPolarArray locations", "[cq][conformance]") {
  auto r = run_cq(
      "s = cq.Workplane('XY').polarArray(10, 0, 180, 3)\n"
      "n = s.size()\n"
      "(x0, y0, _), _ = s.objects[0].toTuple()\n"
      "(x2, y2, _), _ = cq.Workplane('XY').polarArray(10, 0, 90, 3, "
      "fill=False).objects[2].toTuple()\n"
      "(x3, y3, _), _ = cq.Workplane('XY').polarArray(10, 90, 180, 3).objects[0].toTuple()\n");
  CHECK(num(r, "n") == 3);
  CHECK(num(r, "x0") == Approx(10));
  CHECK(num(r, "y0") == Approx(0).margin(1e-9));
  CHECK(num(r, "x2") == Approx(-10));
  CHECK(num(r, "y2") == Approx(0).margin(1e-9));
  CHECK(num(r, "x3") == Approx(0).margin(1e-9));
  CHECK(num(r, "y3") == Approx(10));
}

TEST_CASE("Face.makePlane: width along the plane's x, length along its y", "[cq][conformance]") {
  // CadQuery's Face.makePlane (occ_impl/shapes.py) builds the face on u in [-width/2,
  // width/2] and v in [-length/2, length/2] of gp_Pln(basePnt, dir), whose x direction for
  // dir = +Z is +X (gp_Ax2's rule); a zero or missing size gives an unbounded plane.
  auto r = run_cq(
      "f = cq.Face.makePlane(10, 4)\n"
      "bb = f.BoundingBox()\n"
      "xl, yl, area = bb.xlen, bb.ylen, f.Area()\n"
      "g = cq.Face.makePlane(10, 4, (1, 2, 3), (1, 0, 0))\n"
      "gb = g.BoundingBox()\n"
      "gx, gy, gz = gb.xlen, gb.ylen, gb.zlen\n");
  CHECK(num(r, "xl") == Approx(4));
  CHECK(num(r, "yl") == Approx(10));
  CHECK(num(r, "area") == Approx(40));
  // dir = +X: gp_Ax2's x direction is then +Z (D = (-C, 0, A)), so the width runs along Z.
  CHECK(num(r, "gx") == Approx(0).margin(1e-6));
  CHECK(num(r, "gy") == Approx(10));
  CHECK(num(r, "gz") == Approx(4));
}

TEST_CASE("CQ is the Workplane class, as cq.py's alias for backward compatibility",
          "[cq][conformance]") {
  // cq.py ends with `CQ = Workplane`; test_cadquery.py's testCone wraps a cone in CQ(s) and
  // counts its two faces. The cone's volume by hand: pi r^2 h / 3.
  auto r = run_cq(
      "from cadquery import CQ\n"
      "s = cq.Solid.makeCone(1, 0, 2)\n"
      "t = CQ(s)\n"
      "faces, same = t.faces().size(), 1 if CQ is cq.Workplane else 0\n"
      "v = t.val().Volume()\n"
      "w = CQ('XY').box(1, 2, 3).val().Volume()\n");
  CHECK(num(r, "faces") == 2);
  CHECK(num(r, "v") == Approx(M_PI * 2 / 3));
  CHECK(num(r, "w") == Approx(6));
  CHECK(num(r, "same") == 1);
}

TEST_CASE("wp.plane and wp.objects are attributes a script can set", "[cq][conformance]") {
  // In CadQuery both are plain attributes of the Workplane object (cq.py: self.plane,
  // self.objects): setting them changes what later operations on it do. An XZ plane's local
  // y is world Z and its normal -Y, so rect(2, 4).extrude(1) spans 2 x 1 x 4.
  auto r = run_cq(
      "w = cq.Workplane('XY')\n"
      "w.plane = cq.Plane.named('XZ')\n"
      "bb = w.rect(2, 4).extrude(1).val().BoundingBox()\n"
      "x, y, z = bb.xlen, bb.ylen, bb.zlen\n"
      "v = cq.Workplane()\n"
      "v.objects = [cq.Workplane().box(1, 2, 3).val()]\n"
      "vol, n = v.val().Volume(), v.size()\n");
  CHECK(num(r, "x") == Approx(2));
  CHECK(num(r, "y") == Approx(1));
  CHECK(num(r, "z") == Approx(4));
  CHECK(num(r, "vol") == Approx(6));
  CHECK(num(r, "n") == 1);
}

TEST_CASE("wp.objects and wp.plane are the workplane's own list and plane", "[cq][conformance]") {
  // CadQuery: wp.objects is a list attribute and wp.plane a Plane attribute, so changing them in
  // place (list.append, Plane.origin = ..., setOrigin2d) changes the workplane; a child made by
  // an operation gets a copy (newObject copies the plane and builds a new list).
  auto r = run_cq(
      "w = cq.Workplane()\n"
      "w.objects.append(cq.Vector(5, 0, 0))\n"
      "w.objects.append(cq.Vector(-5, 0, 0))\n"
      "n = w.size()\n"
      "same = w.objects is w.objects\n"
      "boxes = w.box(1, 1, 1)\n"
      "nb, vb = boxes.solids().size(), boxes.val().Center().x\n"
      "p = cq.Workplane('XY')\n"
      "p.plane.origin = (0, 0, 10)\n"
      "z = p.box(1, 1, 1).val().Center().z\n"
      "q = cq.Workplane('XY')\n"
      "q.plane.setOrigin2d(3, 4)\n"
      "qx = q.circle(1).extrude(1).val().Center().x\n"
      "child = q.rect(1, 1)\n"
      "child.plane.origin = (100, 0, 0)\n"
      "parent_x = q.plane.origin.x\n"
      "child.objects.clear()\n"
      "parent_n = len(q.objects)\n");
  CHECK(num(r, "n") == 2);
  CHECK(r.in->global("same")->truthy());
  CHECK(num(r, "nb") == 2);
  CHECK(num(r, "z") == Approx(10));
  CHECK(num(r, "qx") == Approx(3));
  CHECK(num(r, "parent_x") == Approx(3));
  CHECK(num(r, "parent_n") == 0);  // q itself holds nothing; clearing its child's list is local
}

TEST_CASE("split(keepTop/keepBottom) cuts through each stack object's centre",
          "[cq][conformance]") {
  // cq.py's split: topCutBox = self.rect(maxDim, maxDim)._extrude(maxDim), and rect places a
  // square at every stack point (eachpoint: each object's centre, the origin when empty). A
  // 2 x 2 x 2 box moved up to z = 4 on the stack is cut through its centre: halves of 4 each;
  // the plane's origin (z = 0) would keep it whole on top. The classic split after
  // workplane(-0.25) on an empty stack still cuts at the plane: y = 0.25, normal +Y, so the
  // top is the 1 x 0.25 x 1 slab beyond it.
  auto r = run_cq(
      "b = cq.Workplane('XY').box(2, 2, 2).translate((0, 0, 4))\n"
      "top = b.split(keepTop=True).val().Volume()\n"
      "both = b.split(keepTop=True, keepBottom=True)\n"
      "n, lo = both.size(), both.vals()[1].Volume()\n"
      "c = cq.Workplane().box(1, 1, 1).faces('>Y').workplane(-0.25).split(keepTop=True)\n"
      "cv = c.val().Volume()\n");
  CHECK(num(r, "top") == Approx(4));
  CHECK(num(r, "n") == 2);
  CHECK(num(r, "lo") == Approx(4));
  CHECK(num(r, "cv") == Approx(0.25));
}

TEST_CASE("Workplane indexing and slicing select stack objects", "[cq][conformance]") {
  // cq.py's __getitem__: an int, a sequence of ints or a slice of self.objects, as a new
  // Workplane. A box has six faces on the stack after faces().
  auto r = run_cq(
      "f = cq.Workplane().box(1, 2, 3).faces()\n"
      "a, b, c, d = f[0:2].size(), f[::2].size(), f[-2:].size(), f[5:1:-1].size()\n"
      "e, g = f[[0, 3]].size(), f[-1].size()\n"
      "same = 1 if f[1:2].val().Area() == f[1].val().Area() else 0\n");
  CHECK(num(r, "a") == 2);
  CHECK(num(r, "b") == 3);
  CHECK(num(r, "c") == 2);
  CHECK(num(r, "d") == 4);
  CHECK(num(r, "e") == 2);
  CHECK(num(r, "g") == 1);
  CHECK(num(r, "same") == 1);
}

TEST_CASE("Face.thicken, fillet2D, chamfer2D, makeRuledSurface and BoundBox.enlarge",
          "[cq][conformance]") {
  // As CadQuery's occ_impl/shapes.py builds them (BRepOffset_MakeOffset skin made solid,
  // BRepFilletAPI_MakeFillet2d, BRepFill::Face, Bnd_Box::SetGap); the figures by hand for the
  // unit square on top of a unit box: thickened by 0.5 -> 0.5; four R0.1 corners ->
  // 1 - 4 (0.1^2 - pi 0.1^2 / 4); four 0.1 chamfers -> 1 - 4 x 0.1^2 / 2; the ruled face
  // between two unit lines sqrt(2) apart -> sqrt(2); a unit box enlarged by 1 -> 3 across.
  auto r = run_cq(
      "b = cq.Workplane().box(1, 1, 1)\n"
      "top = b.faces('>Z').val()\n"
      "corners = b.faces('>Z').vertices().vals()\n"
      "t = top.thicken(0.5).Volume()\n"
      "f = top.fillet2D(0.1, corners).Area()\n"
      "c = top.chamfer2D(0.1, corners).Area()\n"
      "e1 = cq.Edge.makeLine(cq.Vector(0, 0, 0), cq.Vector(1, 0, 0))\n"
      "e2 = cq.Edge.makeLine(cq.Vector(0, 1, 1), cq.Vector(1, 1, 1))\n"
      "rs = cq.Face.makeRuledSurface(e1, e2).Area()\n"
      "x = b.val().BoundingBox().enlarge(1).xlen\n");
  CHECK(num(r, "t") == Approx(0.5));
  CHECK(num(r, "f") == Approx(1 - 4 * (0.01 - M_PI * 0.01 / 4)));
  CHECK(num(r, "c") == Approx(0.98));
  CHECK(num(r, "rs") == Approx(std::sqrt(2.0)));
  CHECK(num(r, "x") == Approx(3));
}

TEST_CASE("locationAt, locations and sample along edges", "[cq][conformance]") {
  // CadQuery's Mixin1D: locationAt(d) is the Frenet frame at a length fraction d, x along the
  // normal and z along the tangent (planar: z up). On the unit circle at a quarter of its
  // length: the point (0, 1), the tangent (-1, 0, 0), the normal towards the centre
  // (0, -1, 0); so the frame maps local (1, 0, 0) to (0, 0, 0) and (0, 0, 1) to (-1, 1, 0).
  // sample(4) of the circle: four points a quarter turn apart (the closing one left out); of
  // a 3-long line, four points 1 apart.
  auto r = run_cq(
      "c = cq.Edge.makeCircle(1)\n"
      "l = c.locationAt(0.25)\n"
      "ax = cq.Vertex.makeVertex(1, 0, 0).moved(l).Center()\n"
      "az = cq.Vertex.makeVertex(0, 0, 1).moved(l).Center()\n"
      "pz = cq.Vertex.makeVertex(0, 0, 1).moved(c.locationAt(0.25, planar=True)).Center()\n"
      "n = len(c.locations([0, 0.5, 1]))\n"
      "pts, ts = c.sample(4)\n"
      "np, t1 = len(pts), ts[1]\n"
      "lp, lt = cq.Edge.makeLine(cq.Vector(0, 0, 0), cq.Vector(3, 0, 0)).sample(4)\n"
      "l2 = lp[2].x\n");
  auto vec = [&](const char* var, int k) {
    auto v = r.in->global(var);
    REQUIRE(v);
    const gp_Vec xyz = cad::cq::to_vec(*v, var);
    return k == 0 ? xyz.X() : k == 1 ? xyz.Y() : xyz.Z();
  };
  CHECK(vec("ax", 0) == Approx(0).margin(1e-9));
  CHECK(vec("ax", 1) == Approx(0).margin(1e-9));
  CHECK(vec("az", 0) == Approx(-1));
  CHECK(vec("az", 1) == Approx(1));
  CHECK(vec("pz", 0) == Approx(0).margin(1e-9));
  CHECK(vec("pz", 1) == Approx(1));
  CHECK(vec("pz", 2) == Approx(1));
  CHECK(num(r, "n") == 3);
  CHECK(num(r, "np") == 4);
  CHECK(num(r, "t1") == Approx(M_PI / 2));
  CHECK(num(r, "l2") == Approx(2));
}

TEST_CASE("twistExtrude and Wire.makeHelix (threads and springs)", "[cq][conformance]") {
  // cq.py's twistExtrude sweeps each face along the plane's normal with a helical auxiliary
  // spine (Solid.extrudeLinearWithRotation): every section is the face turned, so volumes are
  // area x height (Cavalieri) and the top of a unit square turned 45 degrees has its corners
  // on the axes at 1/sqrt(2). makeHelix(pitch 2, height 10, radius 5): 5 turns of length
  // sqrt((2 pi 5)^2 + 2^2) each, from (5, 0, 0) to (5, 0, 10). A circle of radius 0.5 in the
  // XZ plane swept along it (a spring) has the volume pi 0.5^2 x length x cos of the helix's
  // lead angle (the section is not square to the path): atan(2 / (2 pi 5)).
  auto r = run_cq(
      "t = cq.Workplane().rect(1, 1).twistExtrude(5, 45)\n"
      "tv = t.val().Volume()\n"
      "top = t.vertices('>Z').vals()\n"
      "tx = max(v.X for v in top)\n"
      "ty = max(v.Y for v in top)\n"
      "hv = cq.Workplane().rect(4, 4).rect(2, 2).twistExtrude(3, 30).val().Volume()\n"
      "h = cq.Wire.makeHelix(2, 10, 5)\n"
      "hl, ez = h.Length(), h.endPoint().z\n"
      "s = cq.Workplane('XZ').center(5, 0).circle(0.5).sweep(cq.Workplane().add(h), "
      "isFrenet=True)\n"
      "sv = s.val().Volume()\n");
  const double turn = std::sqrt(std::pow(2 * M_PI * 5, 2) + 4);
  CHECK(num(r, "tv") == Approx(5).epsilon(1e-5));
  CHECK(num(r, "tx") == Approx(M_SQRT1_2).epsilon(1e-5));
  CHECK(num(r, "ty") == Approx(M_SQRT1_2).epsilon(1e-5));
  CHECK(num(r, "hv") == Approx(36).epsilon(1e-5));
  CHECK(num(r, "hl") == Approx(5 * turn).epsilon(1e-6));
  CHECK(num(r, "ez") == Approx(10));
  CHECK(num(r, "sv") ==
        Approx(M_PI * 0.25 * 5 * turn * std::cos(std::atan(2 / (2 * M_PI * 5)))).epsilon(1e-3));
}

TEST_CASE("parametricCurve, splineApprox and Edge.makeSplineApprox", "[cq][conformance]") {
  // cq.py: parametricCurve samples func at N + 1 evenly spaced t and approximates them with a
  // smoothed B-spline (GeomAPI_PointsToBSpline, weights 1, 8, 3); splineApprox does the same
  // with given points. By hand: the parabola y = t^2 on [0, 1] is sqrt(5) / 2 + asinh(2) / 4
  // long; a unit circle traced by (cos t, sin t) and extruded by 1 holds pi; collinear points
  // give their segment.
  auto r = run_cq(
      "import math\n"
      "p = cq.Workplane().parametricCurve(lambda t: (t, t * t, 0), N=10).val()\n"
      "pl, pe = p.Length(), p.endPoint().y\n"
      "c = cq.Workplane().parametricCurve(lambda t: (math.cos(t), math.sin(t), 0), start=0, "
      "stop=2 * math.pi).extrude(1)\n"
      "cv = c.val().Volume()\n"
      "s = cq.Workplane('XZ').splineApprox([(0, 0), (1, 1), (2, 0), (3, 1)]).val()\n"
      "sz, sy = s.endPoint().z, s.endPoint().y\n"
      "el = cq.Edge.makeSplineApprox([cq.Vector(0, 0, 0), cq.Vector(1, 0, 0), "
      "cq.Vector(2, 0, 0)]).Length()\n");
  CHECK(num(r, "pl") == Approx(std::sqrt(5.0) / 2 + std::asinh(2.0) / 4).epsilon(1e-5));
  CHECK(num(r, "pe") == Approx(1).epsilon(1e-6));
  CHECK(num(r, "cv") == Approx(M_PI).epsilon(1e-6));
  CHECK(num(r, "sz") == Approx(1).epsilon(1e-6));  // local y is world Z on the XZ plane
  CHECK(num(r, "sy") == Approx(0).margin(1e-9));
  CHECK(num(r, "el") == Approx(2));
}

TEST_CASE("Shape's static mass methods: matrixOfInertia, centerOfMass, computeMass",
          "[cq][conformance]") {
  // CadQuery's Shape.matrixOfInertia(obj) and friends pick the properties by the shape's type
  // (shape_properties_LUT). A 1 x 2 x 3 box of mass 6: Ixx = 6 (2^2 + 3^2) / 12 = 6.5,
  // Iyy = 6 (1 + 9) / 12 = 5, Izz = 6 (1 + 4) / 12 = 2.5; the combined centre of it and its
  // copy moved by 2 along X is (1, 0, 0); its top face's "mass" is its area, 2.
  auto r = run_cq(
      "b = cq.Workplane().box(1, 2, 3).val()\n"
      "m = cq.Shape.matrixOfInertia(b)\n"
      "ixx, iyy, izz, ixy = m[0][0], m[1][1], m[2][2], m[0][1]\n"
      "mass = cq.Solid.computeMass(b)\n"
      "cx = cq.Shape.CombinedCenter([b, b.translate((2, 0, 0))]).x\n"
      "fa = cq.Shape.computeMass(b.faces('>Z'))\n");
  CHECK(num(r, "ixx") == Approx(6.5));
  CHECK(num(r, "iyy") == Approx(5));
  CHECK(num(r, "izz") == Approx(2.5));
  CHECK(num(r, "ixy") == Approx(0).margin(1e-9));
  CHECK(num(r, "mass") == Approx(6));
  CHECK(num(r, "cx") == Approx(1));
  CHECK(num(r, "fa") == Approx(2));
}

TEST_CASE("Compound centres and masses: CadQuery 2.8's first-child rule everywhere",
          "[cq][conformance]") {
  // CadQuery >= 2.6 (Shape._mass_calc_function): a compound's first non-compound child picks
  // linear, surface or volume properties for Center(), centerOfMass and computeMass; the
  // selectors sort by Center(). Two unit squares centred at x = 0.5 and 4.5: area 2, centre
  // x = 2.5 (2.5's volume properties would give a zero mass and no centre); two unit segments
  // at x 0..1 and 2..3: length 2, centre x = 1.5.
  auto r = run_cq(
      "sq = lambda x: cq.Face.makePlane(1, 1, (x, 0, 0))\n"
      "faces = cq.Compound.makeCompound([sq(0.5), sq(4.5)])\n"
      "fx = faces.Center().x\n"
      "fx2 = cq.Shape.centerOfMass(faces).x\n"
      "fm = cq.Shape.computeMass(faces)\n"
      "seg = lambda x: cq.Edge.makeLine(cq.Vector(x, 0, 0), cq.Vector(x + 1, 0, 0))\n"
      "edges = cq.Compound.makeCompound([seg(0), seg(2)])\n"
      "ex, em = edges.Center().x, cq.Shape.computeMass(edges)\n"
      "near = cq.Compound.makeCompound([sq(0.5), sq(1.5)])\n"
      "picked = cq.selectors.CenterNthSelector((1, 0, 0), -1).filter([faces, near])[0]\n"
      "picked_x = picked.Center().x\n"
      "mixed = cq.Compound.makeCompound([sq(10), cq.Solid.makeBox(1, 1, 1)])\n"
      "mixed_mass = cq.Shape.computeMass(mixed)\n");
  CHECK(num(r, "fx") == Approx(2.5));
  CHECK(num(r, "fx2") == Approx(2.5));
  CHECK(num(r, "fm") == Approx(2));
  CHECK(num(r, "ex") == Approx(1.5));
  CHECK(num(r, "em") == Approx(2));
  CHECK(num(r, "picked_x") == Approx(2.5));
  CHECK(num(r, "mixed_mass") == Approx(7));  // surface properties: 1 + the box's 6 faces
}

TEST_CASE("Shape.moved with several locations or vectors gives a compound of copies",
          "[cq][conformance]") {
  // CadQuery's moved(loc1, loc2, *locs) and moved(v1, v2, *vs): one copy per location; with
  // numbers it is moved(x, y, z, rx, ry, rz).
  auto r = run_cq(
      "b = cq.Workplane().box(1, 1, 1).val()\n"
      "two = b.moved((1, 0, 0), (3, 0, 0))\n"
      "n2, v2 = len(two.Solids()), two.Volume()\n"
      "three = b.moved(cq.Location((1, 0, 0)), cq.Location((3, 0, 0)), cq.Location((5, 0, 0)))\n"
      "n3, x3 = len(three.Solids()), three.Center().x\n"
      "z = b.moved(1, 2, 3).Center().z\n");
  CHECK(num(r, "n2") == 2);
  CHECK(num(r, "v2") == Approx(2));
  CHECK(num(r, "n3") == 3);
  CHECK(num(r, "x3") == Approx(3));
  CHECK(num(r, "z") == Approx(3));
}

TEST_CASE("Shape.facesIntersectedByLine", "[cq][conformance]") {
  // CadQuery's facesIntersectedByLine: the faces met by the line, nearest first; AlongAxis and
  // Opposite keep those ahead of or behind the point. A 1 x 1 x 2 box: faces at z = -1 and 1.
  auto r = run_cq(
      "b = cq.Workplane().box(1, 1, 2).val()\n"
      "a = b.facesIntersectedByLine((0, 0, -5), (0, 0, 1), direction='AlongAxis')\n"
      "na, first = len(a), a[0].Center().z\n"
      "o = b.facesIntersectedByLine((0, 0, 0), (0, 0, 1), direction='Opposite')\n"
      "no, oz = len(o), o[0].Center().z\n"
      "nx = len(b.facesIntersectedByLine((5, 5, 0), (0, 0, 1)))\n");
  CHECK(num(r, "na") == 2);
  CHECK(num(r, "first") == Approx(-1));
  CHECK(num(r, "no") == 1);
  CHECK(num(r, "oz") == Approx(-1));
  CHECK(num(r, "nx") == 0);
}

TEST_CASE("Solid.sweep of an outer and inner wires along a path", "[cq][conformance]") {
  // CadQuery's Solid.sweep(outerWire, innerWires, path): each wire swept, the inner sweeps cut
  // from the outer: circles of radius 2 and 1 along a 5-long line make a tube of
  // pi (2^2 - 1^2) 5.
  auto r = run_cq(
      "o = cq.Wire.makeCircle(2, cq.Vector(0, 0, 0), cq.Vector(0, 0, 1))\n"
      "i = cq.Wire.makeCircle(1, cq.Vector(0, 0, 0), cq.Vector(0, 0, 1))\n"
      "p = cq.Edge.makeLine(cq.Vector(0, 0, 0), cq.Vector(0, 0, 5))\n"
      "v = cq.Solid.sweep(o, [i], p).Volume()\n"
      "w = cq.Solid.sweep(o, [], p, isFrenet=True).Volume()\n");
  CHECK(num(r, "v") == Approx(15 * M_PI));
  CHECK(num(r, "w") == Approx(20 * M_PI));
}

TEST_CASE("Shape.split and the / operator split a shape by others", "[cq][conformance]") {
  // CadQuery's Shape.split(*splitters) and __truediv__ ("Split self with other"): a 2-cube
  // split by a 1 x 1 x 4 bar through it is the bar's inside (1 x 1 x 2) and the rest, volume 8
  // in all; split by the XY plane it is two halves of 4.
  auto r = run_cq(
      "a = cq.Workplane().box(2, 2, 2).val()\n"
      "bar = cq.Workplane().box(1, 1, 4).val()\n"
      "d = a / bar\n"
      "nd, vd = len(d.Solids()), d.Volume()\n"
      "small = min(s.Volume() for s in d.Solids())\n"
      "h = a.split(cq.Face.makePlane(10, 10))\n"
      "nh, vh = len(h.Solids()), max(s.Volume() for s in h.Solids())\n");
  CHECK(num(r, "nd") == 2);
  CHECK(num(r, "vd") == Approx(8));
  CHECK(num(r, "small") == Approx(2));
  CHECK(num(r, "nh") == 2);
  CHECK(num(r, "vh") == Approx(4));
}

TEST_CASE("Wire.offset2D and Sketch.offset", "[cq][conformance]") {
  // CadQuery: Wire.offset2D(d, kind) is BRepOffsetAPI_MakeOffset with arc, intersection or
  // tangent joins; Sketch.offset(d, mode) offsets the selected wires and adds them as faces.
  // A 4 x 4 square offset by 1: arc joins 16 + 2 pi long, sharp ones 24; as a sketch face,
  // 16 + 16 + pi; offset by -1 and subtracted, 16 - 4.
  auto r = run_cq(
      "w = cq.Workplane().rect(4, 4).val()\n"
      "arc, sharp = w.offset2D(1)[0].Length(), w.offset2D(1, 'intersection')[0].Length()\n"
      "grown = cq.Sketch().rect(4, 4).wires().offset(1).reset().val().Area()\n"
      "ring = cq.Sketch().rect(4, 4).wires().offset(-1, mode='s').reset().val().Area()\n");
  CHECK(num(r, "arc") == Approx(16 + 2 * M_PI));
  CHECK(num(r, "sharp") == Approx(24));
  CHECK(num(r, "grown") == Approx(32 + M_PI));
  CHECK(num(r, "ring") == Approx(12));
}

TEST_CASE("Sketch.each and Sketch.distribute", "[cq][conformance]") {
  // CadQuery's Sketch.each(callback) adds the callback's faces at every selected location;
  // distribute(n) puts n locations evenly round a selected closed edge. Two unit squares at
  // (0, 0) and (3, 0) cover 2. Circles of radius 1 cut at four points of a radius-5 circle
  // remove four lenses: each is the unit disc's part inside the big circle, by the
  // circle-circle intersection formula.
  auto r = run_cq(
      "sq = cq.Sketch().push([(0, 0), (3, 0)]).each(lambda l: cq.Face.makePlane(1, 1).moved(l))"
      ".reset().val().Area()\n"
      "s = cq.Sketch().circle(5).edges().distribute(4, rotate=False)\n"
      "n = len(s.vals())\n"
      "cut = s.circle(1, mode='s').reset().val().Area()\n");
  CHECK(num(r, "sq") == Approx(2));
  CHECK(num(r, "n") == 4);
  // Overlap of circles R = 5 and r = 1 with centres d = 5 apart.
  const double R = 5, rr = 1, d = 5;
  const double lens = rr * rr * std::acos((d * d + rr * rr - R * R) / (2 * d * rr)) +
                      R * R * std::acos((d * d + R * R - rr * rr) / (2 * d * R)) -
                      0.5 * std::sqrt((-d + rr + R) * (d + rr - R) * (d - rr + R) * (d + rr + R));
  CHECK(num(r, "cut") == Approx(M_PI * 25 - 4 * lens).epsilon(1e-6));
}

TEST_CASE("selector objects of cadquery.selectors select as CadQuery's classes",
          "[cq][conformance][selectors]") {
  auto r = run_cq(
      "from cadquery.selectors import AreaNthSelector, LengthNthSelector, RadiusNthSelector\n"
      "from cadquery import selectors\n"
      "S = cq.selectors\n"
      "box = cq.Workplane().box(2, 2, 2)\n"
      "near_face = box.faces(cq.NearestToPointSelector((0, 0, 5))).val().Center().z\n"
      "near_vertex = box.vertices(S.NearestToPointSelector((2, 2, 2))).val().toTuple()\n"
      "nvx, nvy, nvz = near_vertex\n"
      "in_box = box.faces(cq.BoxSelector((0, 0, 0), (2, 2, 2))).size()\n"
      "in_box_bb = box.faces(S.BoxSelector((-1.5, -1.5, 0.5), (1.5, 1.5, 1.5), True)).size()\n"
      "in_box_bb_edges = box.edges(S.BoxSelector((1.5, 1.5, 1.5), (-1.5, -1.5, 0.5), "
      "True)).size()\n"
      "parallel = box.edges(cq.ParallelDirSelector(cq.Vector(0, 0, 1))).size()\n"
      "down = box.faces(cq.DirectionSelector(cq.Vector(0, 0, -1))).val().Center().z\n"
      "perp = box.faces(cq.PerpendicularDirSelector(cq.Vector(0, 0, 1))).size()\n"
      "planes = box.faces(cq.TypeSelector('plane')).size()\n"
      "bottom = box.faces(cq.DirectionMinMaxSelector(cq.Vector(0, 0, 1), False)).val().Center().z\n"
      "middle = box.faces(S.CenterNthSelector(cq.Vector(0, 0, 1), 1)).size()\n"
      "top = box.faces(S.DirectionNthSelector(cq.Vector(0, 0, 1), 1)).val().Center().z\n"
      "top_x = box.edges(cq.ParallelDirSelector(cq.Vector(1, 0, 0))\n"
      "                  & cq.DirectionMinMaxSelector(cq.Vector(0, 0, 1))).size()\n"
      "both = box.faces(cq.DirectionSelector(cq.Vector(0, 0, 1))\n"
      "                 + cq.DirectionSelector(cq.Vector(0, 0, -1))).size()\n"
      "sides = box.faces(cq.TypeSelector('PLANE') - cq.ParallelDirSelector(cq.Vector(0, 0, "
      "1))).size()\n"
      "inverse = box.faces(-cq.ParallelDirSelector(cq.Vector(0, 0, 1))).size()\n"
      "classes = box.faces(S.InverseSelector(\n"
      "    S.SumSelector(S.StringSyntaxSelector('>Z'), S.StringSyntaxSelector('<Z')))).size()\n"
      "everything = box.edges(cq.Selector()).size()\n"
      "filtered = len(S.StringSyntaxSelector('|Z').filter(box.edges().vals()))\n"
      "tube = cq.Workplane().circle(5).circle(2).extrude(3)\n"
      "r_small = tube.edges(RadiusNthSelector(0)).size()\n"
      "r_small_len = tube.edges(RadiusNthSelector(0)).val().Length()\n"
      "r_large_len = tube.edges(RadiusNthSelector(0, directionMax=False)).val().Length()\n"
      "slab = cq.Workplane().box(1, 2, 3)\n"
      "short = slab.edges(LengthNthSelector(0)).size()\n"
      "longest = slab.edges(LengthNthSelector(2)).val().Length()\n"
      "largest = slab.faces(AreaNthSelector(-1)).val().Area()\n"
      "largest_n = slab.faces(AreaNthSelector(-1)).size()\n"
      "shank = cq.Workplane('XY').circle(5).extrude(2).circle(2).extrude(10)\n"
      "inner = shank.faces('>Z[-2]').wires(AreaNthSelector(0)).val().Length()\n"
      "shape_top = box.val().faces(cq.DirectionSelector(cq.Vector(0, 0, 1))).Center().z\n"
      "sk = cq.Sketch().rect(2, 2).vertices(cq.NearestToPointSelector((1, 1, 0))).fillet(0.5)\n"
      "sk_area = cq.Workplane().placeSketch(sk).extrude(1).val().Volume()\n");
  CHECK(num(r, "near_face") == Approx(1));
  CHECK(num(r, "nvx") == Approx(1));
  CHECK(num(r, "nvy") == Approx(1));
  CHECK(num(r, "nvz") == Approx(1));
  CHECK(num(r, "in_box") == 3);  // x0 <= c < x1 on each axis: the +X, +Y, +Z faces
  CHECK(num(r, "in_box_bb") == 1);
  CHECK(num(r, "in_box_bb_edges") == 4);
  CHECK(num(r, "parallel") == 4);
  CHECK(num(r, "down") == Approx(-1));
  CHECK(num(r, "perp") == 4);
  CHECK(num(r, "planes") == 6);
  CHECK(num(r, "bottom") == Approx(-1));
  CHECK(num(r, "middle") == 4);
  CHECK(num(r, "top") == Approx(1));
  CHECK(num(r, "top_x") == 2);
  CHECK(num(r, "both") == 2);
  CHECK(num(r, "sides") == 4);
  CHECK(num(r, "inverse") == 4);
  CHECK(num(r, "classes") == 4);
  CHECK(num(r, "everything") == 12);
  CHECK(num(r, "filtered") == 4);
  CHECK(num(r, "r_small") == 2);
  CHECK(num(r, "r_small_len") == Approx(2 * M_PI * 2));
  CHECK(num(r, "r_large_len") == Approx(2 * M_PI * 5));
  CHECK(num(r, "short") == 4);
  CHECK(num(r, "longest") == Approx(3));
  CHECK(num(r, "largest") == Approx(6));
  CHECK(num(r, "largest_n") == 2);
  CHECK(num(r, "inner") == Approx(2 * M_PI * 2));
  CHECK(num(r, "shape_top") == Approx(1));
  CHECK(num(r, "sk_area") == Approx(4 - (1 - M_PI / 4) * 0.25).epsilon(1e-6));
}

TEST_CASE("BaseDirSelector keeps planar faces and straight edges", "[cq][conformance][selectors]") {
  // cadquery/selectors.py: BaseDirSelector.test() returns True and filter() tests only planar
  // faces (their normal) and LINE edges (their tangent). A box with a through hole: 6 planar
  // faces of 7, 12 straight edges of 15 (the hole's two circles and its seam line: the seam is a
  // line, so 13 of 15). It is not exported as cq.BaseDirSelector.
  auto r = run_cq(
      "part = cq.Workplane().box(4, 4, 2).faces('>Z').workplane().hole(1)\n"
      "sel = cq.selectors.BaseDirSelector(cq.Vector(0, 0, 1))\n"
      "nf, nf_all = part.faces(sel).size(), part.faces().size()\n"
      "ne, ne_all = part.edges(sel).size(), part.edges().size()\n"
      "inverse = part.faces(-sel).size()\n");
  CHECK(num(r, "nf") == 6);
  CHECK(num(r, "nf_all") == 7);
  CHECK(num(r, "ne") == 13);
  CHECK(num(r, "ne_all") == 15);
  CHECK(num(r, "inverse") == 1);  // the cylindrical wall
  CHECK(error_type("cq.BaseDirSelector(cq.Vector(0, 0, 1))\n") == "AttributeError");
}

TEST_CASE("selector objects: errors as CadQuery raises them", "[cq][conformance][selectors]") {
  CHECK(error_type("cq.Workplane().box(1, 1, 1).faces(5)\n") == "TypeError");
  CHECK(error_type("cq.NearestToPointSelector((0, 0, 0)).filter([])\n") == "ValueError");
  CHECK(error_type("cq.selectors.RadiusNthSelector(0).filter([])\n") == "ValueError");
  CHECK(error_type("cq.Workplane().box(1, 1, 1).faces(cq.selectors.LengthNthSelector(3))\n") ==
        "IndexError");  // faces have no length: no cluster at all
  CHECK(error_type("cq.ParallelDirSelector(cq.Vector(0, 0, 0))\n") == "ValueError");
}

TEST_CASE("testExtrudeUntilFace and testCutBlindUntilFace", "[cq][conformance]") {
  // CadQuery's tests/test_cadquery.py, testExtrudeUntilFace / testCutBlindUntilFace.
  auto r = run_cq(
      "wp_ref = cq.Workplane('XY').box(10, 10, 10).center(20, 0).box(10, 10, 10)\n"
      "ref = wp_ref.faces('>X[1]').workplane().rect(1, 1).extrude(10)\n"
      "nb_faces = wp_ref.faces().size()\n"
      "nxt = wp_ref.faces('>X[1]').workplane().rect(1, 1).extrude('next')\n"
      "same_volume = abs(ref.val().Volume() - nxt.val().Volume())\n"
      "added_faces = nxt.faces().size() - nb_faces\n"
      "both = (wp_ref.faces('>X[1]').workplane(centerOption='CenterOfMass', offset=5)\n"
      "        .polygon(5, 3).extrude('next', both=True))\n"
      "both_valid = both.val().isValid()\n"
      "tapered = (wp_ref.faces('>X[1]').workplane(centerOption='CenterOfMass')\n"
      "           .polygon(5, 3).extrude('next', taper=5))\n"
      "taper_smaller = tapered.val().Volume() < both.val().Volume()\n"
      "two = (wp_ref.faces('>X[1]').workplane(centerOption='CenterOfMass')\n"
      "       .pushPoints([(0, 0), (3, 3)]).rect(2, 3).extrude('next'))\n"
      "two_solids = two.solids().size()\n"
      "wp_ref3 = wp_ref.workplane().move(10, 0).box(5, 5, 5)\n"
      "last = (wp_ref3.faces('>X[1]').workplane(centerOption='CenterOfMass')\n"
      "        .circle(2).extrude('last'))\n"
      "last_solids = last.solids().size()\n"
      "arbitrary_face = (cq.Workplane('XZ', origin=(0, 30, 0)).transformed((20, 0, 0))\n"
      "                  .box(10, 10, 10).faces('<Y').val())\n"
      "to_face = (cq.Workplane().box(5, 5, 5).faces('>Y').workplane().circle(2)\n"
      "           .extrude(until=arbitrary_face))\n"
      "extremity = to_face.faces('>Y').val().Area()\n"
      "part = (cq.Workplane().tag('base').box(10, 1, 1, centered=True)\n"
      "        .faces('>Z').workplane().box(1, 1, 10, centered=(True, True, False))\n"
      "        .faces('>Z').workplane().box(10, 1, 1, centered=(True, True, False))\n"
      "        .workplaneFromTagged('base').center(3, 0).circle(0.4).extrude('next'))\n"
      "inside_top = part.faces('>Z').val().Center().z\n"
      "part_section = part.faces('<Z').workplane().section(-5).faces().size()\n"
      "part_volume = part.val().Volume()\n"
      "cut_ref = (cq.Workplane('XY').box(40, 10, 2)\n"
      "           .pushPoints([(-20, 0, 5), (0, 0, 5), (20, 0, 5)]).box(10, 10, 10))\n"
      "regular = (cut_ref.faces('>X[2]').workplane(centerOption='CenterOfMass')\n"
      "           .rect(2, 2).cutBlind(-10))\n"
      "cut_last = (cut_ref.faces('>X[2]').workplane(centerOption='CenterOfMass')\n"
      "            .rect(2, 2).cutBlind('last'))\n"
      "cut_same = abs(regular.val().Volume() - cut_last.val().Volume())\n"
      "cut_last_volume = cut_last.val().Volume()\n"
      "last4 = (cut_ref.faces('>X[4]').workplane(centerOption='CenterOfMass')\n"
      "         .rect(2, 2).cutBlind('last')).val().Volume()\n"
      "next4 = (cut_ref.faces('>X[4]').workplane(centerOption='CenterOfMass')\n"
      "         .rect(2, 2).cutBlind('next')).val().Volume()\n"
      "multi = (cut_ref.faces('>X[4]').workplane(centerOption='CenterOfMass', offset=0)\n"
      "         .rect(2.5, 2.5, forConstruction=True).vertices().rect(1, 1).cutBlind('last'))\n"
      "multi_faces = multi.faces().size()\n"
      "via_combine = (cut_ref.faces('>X[2]').workplane(centerOption='CenterOfMass')\n"
      "               .rect(2, 2).extrude('last', combine='cut')).val().Volume()\n");
  CHECK(num(r, "same_volume") < 1e-6);
  CHECK(num(r, "added_faces") == 4);
  CHECK(r.in->global("both_valid")->truthy());
  CHECK(r.in->global("taper_smaller")->truthy());
  CHECK(num(r, "two_solids") == 1);
  CHECK(num(r, "last_solids") == 1);
  CHECK(num(r, "extremity") == Approx(13.372852288495501).margin(1e-5));
  // The pin starts inside the bottom flange (z = 0) and goes past its top face (0.5) to the
  // next one, the top flange's underside (10.5): 10 units of pin outside the flanges.
  CHECK(num(r, "inside_top") == Approx(11.5));
  CHECK(num(r, "part_section") == 2);  // CadQuery's check: web and pin
  CHECK(num(r, "part_volume") == Approx(30 + M_PI * 0.16 * 10).epsilon(1e-6));
  CHECK(num(r, "cut_same") < 1e-6);
  CHECK(num(r, "last4") < num(r, "next4"));
  CHECK(num(r, "multi_faces") == 50);
  CHECK(num(r, "via_combine") == Approx(num(r, "cut_last_volume")));
  const std::string two_boxes =
      "w = cq.Workplane('XY').box(10, 10, 10).center(20, 0).box(10, 10, 10).faces('>X[1]')"
      ".workplane().rect(1, 1)\n";
  CHECK(error_type(two_boxes + "w.extrude('test')\n") == "ValueError");
  CHECK(error_type(two_boxes + "w.cutBlind('test')\n") == "ValueError");
  const std::string beside =
      "w = cq.Workplane().box(5, 5, 5).faces('>X').workplane(offset=10)"
      ".transformed((90, 0, 0)).circle(2)\n";
  CHECK(error_type(beside + "w.extrude(until='next')\n") == "ValueError");
  CHECK(error_type(beside + "w.extrude(until='next', both=True)\n") == "ValueError");
  CHECK(error_type(beside + "w.extrude(until='next', combine=False)\n") == "ValueError");
  CHECK(error_type("cq.Workplane().circle(2).extrude(until='next', both=True)\n") == "ValueError");
}

TEST_CASE("test_interpPlate: plates through points, thickened, on a pattern", "[cq][conformance]") {
  // CadQuery's tests/test_cadquery.py, test_interpPlate: the same plates and their figures
  // (compared there to 0-2 decimal places, as here).
  auto r = run_cq(
      "import math\n"
      "edge_points = [(0.0, 0.0, 0.0), (0.0, 10.0, 0.0), (0.0, 10.0, 10.0), (0.0, 0.0, 10.0)]\n"
      "plate_0 = cq.Workplane('XY').interpPlate(edge_points, [(5.0, 5.0, 5.0)], 0)\n"
      "a0 = plate_0.val().Area()\n"
      "v0 = plate_0.val().isValid()\n"
      "edge_wire = cq.Workplane('XY').polyline([(-7.0, -7.0), (7.0, -7.0), (7.0, 7.0), (-7.0, "
      "7.0)])\n"
      "edge_wire = edge_wire.add(cq.Workplane('YZ').workplane()\n"
      "    .transformed(offset=cq.Vector(0, 0, -7), rotate=cq.Vector(45, 0, 0))\n"
      "    .spline([(-7.0, 0.0), (3, -3), (7.0, 0.0)]))\n"
      "plate_1 = cq.Workplane('XY').interpPlate(edge_wire, [(-3.0, -3.0, -3.0), (3.0, 3.0, 3.0)], "
      "0.1)\n"
      "vol1 = plate_1.val().Volume()\n"
      "r1, r2, fn = 3.0, 10.0, 6\n"
      "pts = [(r1 * math.cos(i * math.pi / fn), r1 * math.sin(i * math.pi / fn)) if i % 2 == 0\n"
      "       else (r2 * math.cos(i * math.pi / fn), r2 * math.sin(i * math.pi / fn))\n"
      "       for i in range(2 * fn + 1)]\n"
      "star = cq.Workplane('XY').polyline(pts)\n"
      "r2 = 4.5\n"
      "through = [(r2 * math.cos(i * math.pi / fn), r2 * math.sin(i * math.pi / fn), 1.0)\n"
      "           for i in range(2 * fn)] + [(0.0, 0.0, -2.0)]\n"
      "plate_2 = cq.Workplane('XY').interpPlate(star, through, 0.1, combine=True, clean=True,\n"
      "    degree=3, nbPtsOnCur=15, nbIter=2, anisotropy=False, tol2d=0.00001, tol3d=0.0001,\n"
      "    tolAng=0.01, tolCurv=0.1, maxDeg=8, maxSegments=49)\n"
      "vol2 = plate_2.val().Volume()\n"
      "r1 = 1.0\n"
      "hexes = [(-3.0, -3.0), (-1.267949, -3.0), (0.464102, -3.0), (2.196152, -3.0)]\n"
      "edge_points = [(r1 * math.cos(i * 2 * math.pi / fn + 30 * math.pi / 180),\n"
      "                r1 * math.sin(i * 2 * math.pi / fn + 30 * math.pi / 180)) for i in range(fn "
      "+ 1)]\n"
      "spikes = [(r1 / 4 * math.cos(i * 2 * math.pi / fn + 30 * math.pi / 180),\n"
      "           r1 / 4 * math.sin(i * 2 * math.pi / fn + 30 * math.pi / 180), 0.75)\n"
      "          for i in range(fn + 1)] + [(0, 0, 2)]\n"
      "plate_3 = (cq.Workplane('XY').pushPoints(hexes).interpPlate(\n"
      "    cq.Workplane('XY').polyline(edge_points), spikes, 0.1, combine=False, clean=False,\n"
      "    degree=2, nbPtsOnCur=20, nbIter=2, anisotropy=False, tol2d=0.00001, tol3d=0.0001,\n"
      "    tolAng=0.01, tolCurv=0.1, maxDeg=8, maxSegments=9))\n"
      "vol3 = plate_3.val().Volume()\n"
      "n3 = plate_3.size()\n"
      "x3 = plate_3.vals()[3].Center().x\n"
      "gyroid_pts = [[[3.54, 3.54], [1.77, 0.0], [3.54, -3.54]],\n"
      "              [[-3.54, -3.54], [0.0, -1.77], [3.54, -3.54]],\n"
      "              [[-3.54, -3.54], [0.0, -1.77], [3.54, -3.54]],\n"
      "              [[-3.54, -3.54], [-1.77, 0.0], [-3.54, 3.54]],\n"
      "              [[3.54, 3.54], [0.0, 1.77], [-3.54, 3.54]],\n"
      "              [[3.54, 3.54], [0.0, 1.77], [-3.54, 3.54]]]\n"
      "planes = ['XZ', 'XY', 'YZ', 'XZ', 'YZ', 'XY']\n"
      "offsets = [-3.54, 3.54, 3.54, 3.54, -3.54, -3.54]\n"
      "gyroid = cq.Workplane(planes[0]).workplane(offset=-offsets[0]).spline(gyroid_pts[0])\n"
      "for i in range(len(gyroid_pts) - 1):\n"
      "    gyroid = gyroid.add(cq.Workplane(planes[i + 1]).workplane(offset=-offsets[i + 1])\n"
      "                        .spline(gyroid_pts[i + 1]))\n"
      "plate_4 = cq.Workplane('XY').interpPlate(gyroid, [(0, 0, 0)], 0.1)\n"
      "vol4 = plate_4.val().Volume()\n"
      "plate_5 = cq.Workplane().interpPlate(cq.Workplane().slot2D(2, 1).vals())\n"
      "a5 = plate_5.val().Area()\n");
  CHECK(r.in->global("v0")->truthy());
  CHECK(num(r, "a0") == Approx(141.218823892).margin(0.05));
  CHECK(num(r, "vol1") == Approx(26.124970206).margin(0.005));
  CHECK(num(r, "vol2") == Approx(10.956054314).margin(0.5));
  CHECK(num(r, "vol3") == Approx(0.45893954685189414).margin(0.05));
  CHECK(num(r, "n3") == 4);
  CHECK(num(r, "x3") == Approx(2.196152).margin(0.01));  // placed at its pushed point
  CHECK(num(r, "vol4") == Approx(7.760559490).margin(0.005));
  // A flat slot2D(2, 1): overall length 2, so a 1 x 1 middle and two half discs of radius 0.5.
  CHECK(num(r, "a5") == Approx((2 - 1) * 1 + M_PI * 0.25).margin(1e-3));
}

TEST_CASE("cq.Assembly places its parts; cq.Color", "[cq][conformance]") {
  // CadQuery 2.4's assembly.py: add() copies a subassembly with its own location unless one is
  // given, toCompound() locates each level's compound by its loc, names are unique.
  auto r = run_cq(
      "b = cq.Workplane().box(1, 1, 1)\n"
      "assy = cq.Assembly()\n"
      "assy.add(b, loc=cq.Location(cq.Vector(0, 0, 5)), name='top', color=cq.Color('red'))\n"
      "assy.add(b, name='bottom')\n"
      "c = assy.toCompound()\n"
      "vol = c.Volume()\n"
      "zmax = c.BoundingBox().zmax\n"
      "sub = cq.Assembly(b, name='sub')\n"
      "sub.add(b, loc=cq.Location(cq.Vector(2, 0, 0)), name='s2')\n"
      "root = cq.Assembly(name='root').add(sub, loc=cq.Location(cq.Vector(0, 10, 0)))\n"
      "bb = root.toCompound().BoundingBox()\n"
      "xmax, ymin, ymax = bb.xmax, bb.ymin, bb.ymax\n"
      "names = [n for n, _ in root.traverse()]\n"
      "n_names = len(names)\n"
      "last_name = names[-1]\n"
      "first_name = names[0]\n"
      "red = cq.Color('red').toTuple()\n"
      "rr, rg, rb, ra = red\n"
      "alpha = cq.Color(0.1, 0.2, 0.3).toTuple()[3]\n"
      "top_z = assy.children[0].loc.toTuple()[0][2]\n"
      "assembly = root\n");
  CHECK(num(r, "vol") == Approx(2));
  CHECK(num(r, "zmax") == Approx(5.5));
  CHECK(num(r, "xmax") == Approx(2.5));
  CHECK(num(r, "ymin") == Approx(9.5));
  CHECK(num(r, "ymax") == Approx(10.5));
  CHECK(num(r, "n_names") == 3);
  CHECK(r.in->global("first_name")->as_str() == "s2");
  CHECK(r.in->global("last_name")->as_str() == "root");
  CHECK(num(r, "rr") == Approx(1));
  CHECK(num(r, "rg") == Approx(0));
  CHECK(num(r, "ra") == Approx(1));
  CHECK(num(r, "alpha") == Approx(1));
  CHECK(num(r, "top_z") == Approx(5));
  // The script's result: the assembly's solids, placed.
  auto res = cad::cq::select_result(*r.in, *r.session);
  REQUIRE(res);
  CHECK(res->result_var == "assembly");
  CHECK(cad::cq::testing::count(res->shape, TopAbs_SOLID) == 2);
  CHECK(error_type("a = cq.Assembly(name='x')\na.add(cq.Workplane().box(1, 1, 1), name='x')\n") ==
        "ValueError");
  CHECK(error_type("cq.Color('no such colour')\n") == "ValueError");
  CHECK(error_type("cq.Assembly().constrain('a', 'b', 'Plane')\n") == "KeyError");  // no part 'a'
}

TEST_CASE("testParametricSurface and Face.makeSplineApprox", "[cq][conformance]") {
  // CadQuery's tests/test_cadquery.py, testParametricSurface / testMakeSplineApprox (2.4).
  auto r = run_cq(
      "from math import pi, cos\n"
      "r1 = cq.Workplane().parametricSurface(lambda u, v: (u, v, cos(pi * u) * cos(pi * v)),\n"
      "                                      start=-1, stop=1)\n"
      "valid = r1.faces().val().isValid()\n"
      "r2 = cq.Workplane().box(1, 1, 3).split(r1)\n"
      "n_solids = r2.solids().size()\n"
      "halves = r2.solids().val().isValid()\n"
      "total = sum(s.Volume() for s in r2.solids().vals())\n"
      "zc = r1.val().Center().z\n"
      "pts = [[cq.Vector(x, y, 0.1 * x * y) for y in range(5)] for x in range(5)]\n"
      "f1 = cq.Face.makeSplineApprox(pts, smoothing=(1, 1, 1), maxDeg=6)\n"
      "f2 = cq.Face.makeSplineApprox(pts)\n"
      "ok = f1.isValid() and f2.isValid()\n"
      "flat_area = cq.Face.makeSplineApprox([[(0, 0, 0), (0, 2, 0)], [(3, 0, 0), (3, 2, "
      "0)]]).Area()\n");
  CHECK(r.in->global("valid")->truthy());
  CHECK(num(r, "n_solids") == 2);
  CHECK(r.in->global("halves")->truthy());
  CHECK(num(r, "total") == Approx(3).epsilon(1e-4));  // split by a B-spline: kernel tolerance
  CHECK(num(r, "zc") == Approx(0).margin(0.05));      // cos(pi u) cos(pi v) averages to 0
  CHECK(r.in->global("ok")->truthy());
  CHECK(num(r, "flat_area") == Approx(6).epsilon(1e-6));
}

TEST_CASE("testText: text cut into and added onto a box, alignment and font files",
          "[cq][conformance]") {
  // CadQuery's tests/test_cadquery.py, testText ("Sans" is DejaVu Sans here: fonts-dejavu-core;
  // CadQuery's OpenSans-Regular.ttf is replaced by DejaVu Sans's file).
  auto r = run_cq(
      "box = cq.Workplane('XY').box(4, 4, 0.5)\n"
      "obj1 = box.faces('>Z').workplane().text('CQ 2.0', 0.5, -0.05, cut=True, halign='left',\n"
      "    valign='bottom', font='Sans')\n"
      "smaller = box.val().Volume() > obj1.val().Volume()\n"
      "obj2 = box.faces('>Z').workplane().text('CQ 2.0', 0.5, 0.05, cut=False, combine=True,\n"
      "    font='Sans')\n"
      "bigger = box.val().Volume() < obj2.val().Volume()\n"
      "top_faces = len(obj2.faces('>Z').vals())\n"
      "obj3 = box.faces('>Z').workplane().text('CQ 2.0', 0.5, 0.05, cut=False, combine=False,\n"
      "    halign='right', valign='top', font='Sans')\n"
      "solids3 = len(obj3.solids().vals())\n"
      "bb3 = obj3.val().BoundingBox()\n"
      "obj4 = box.faces('>Z').workplane().text('CQ 2.0', 0.5, 0.05,\n"
      "    fontPath='/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', cut=False, combine=False,\n"
      "    halign='right', valign='top', font='Sans')\n"
      "solids4 = len(obj4.solids().vals())\n"
      "obj5 = box.faces('>Z').workplane().text('CQ 2.0', 0.5, 0.05,\n"
      "    fontPath='/nonexistent/QuestionableFont.ttf', cut=False, combine=False,\n"
      "    halign='right', valign='top', font='Sans')\n"
      "solids5 = len(obj5.solids().vals())\n"
      "bb1 = cq.Workplane().text('CQ', 1, 1, halign='left', valign='bottom').val().BoundingBox()\n"
      "bbc = cq.Workplane().text('CQ', 1, 1).val().BoundingBox()\n"
      "side = cq.Workplane('XZ').text('H', 2, 0.5).val().BoundingBox()\n"
      "b3 = [bb3.xmax, bb3.ymax, bb3.zmin, bb3.zmax]\n"
      "b1_xmin = bb1.xmin\n"
      "bc_mid = 0.5 * (bbc.xmin + bbc.xmax)\n"
      "side_ymin = side.ymin\n"
      "side_zlen = side.zlen\n"
      "b3_xmax, b3_ymax, b3_zmin, b3_zmax = b3\n");
  CHECK(r.in->global("smaller")->truthy());
  CHECK(r.in->global("bigger")->truthy());
  CHECK(num(r, "top_faces") == 5);  // CadQuery's figure (font-specific)
  CHECK(num(r, "solids3") == 5);
  CHECK(num(r, "solids4") == 5);
  CHECK(num(r, "solids5") == 5);  // a missing font file falls back to the named font
  // Right/top alignment: OCCT aligns the pen's advance and the font's ascender (not the ink) to
  // the plane's origin (the box's top centre, z 0.25): the ink ends just left of and below it
  // (DejaVu at 0.5: -0.033 and -0.093); the solids stand 0.05 above the face.
  CHECK(num(r, "b3_xmax") <= 0.0);
  CHECK(num(r, "b3_xmax") > -0.1);
  CHECK(num(r, "b3_ymax") <= 0.0);
  CHECK(num(r, "b3_ymax") > -0.15);
  CHECK(num(r, "b3_zmin") == Approx(0.25).margin(1e-6));
  CHECK(num(r, "b3_zmax") == Approx(0.30).margin(1e-6));
  // Left/bottom starts at the origin; centred text is centred on it.
  CHECK(num(r, "b1_xmin") == Approx(0.0).margin(0.15));
  CHECK(num(r, "b1_xmin") >= -1e-6);
  CHECK(num(r, "bc_mid") == Approx(0.0).margin(0.05));
  // On the XZ plane the glyphs stand in x and z and are extruded along the plane's normal (-y).
  CHECK(num(r, "side_ymin") == Approx(-0.5).margin(1e-6));
  CHECK(num(r, "side_zlen") > 1.0);
  CHECK(error_type("cq.Workplane().text('x', 1, 1, kind='heavy')") == "ValueError");
  CHECK(error_type("cq.Workplane().text('   ', 1, 1)") == "ValueError");
}

TEST_CASE("Sketch operators, indexing, filter, map, apply, sort and invoke (CadQuery 2.5)",
          "[cq][conformance]") {
  // CadQuery's tests/test_sketch.py (2.5): test_bool_ops, test_filter, test_sort, test_apply,
  // test_map (without Sketch.replace), test_getitem, test_invoke.
  auto r = run_cq(
      "s1 = cq.Sketch().rect(0.5, 2)\n"
      "s2 = cq.Sketch().rect(1, 1)\n"
      "s3 = cq.Sketch().segment((-1, 0), (1, 0))\n"
      "fuse_area = (s1 + s2).val().Area()\n"
      "cut_area = (s1 - s2).val().Area()\n"
      "cut_wires = len((s1 - s2).val().Wires())\n"
      "common_area = (s1 * s2).val().Area()\n"
      "common_wires = len((s1 * s2).val().Wires())\n"
      "split_line = len((s1 / s3).val().Faces())\n"
      "split_rect = len((s1 / s2).val().Faces())\n"
      "split_area = (s1 / s2).val().Area()\n"
      "f1 = cq.Sketch().rect(1, 1).push([(5, 0)]).rect(1, 4).reset()\n"
      "big = len(f1.filter(lambda x: x.Area() > 2).vals())\n"
      "both = len(f1.reset().filter(lambda x: x.Area() >= 1).vals())\n"
      "none = len(f1.filter(lambda x: x.Area() < 1).vals())\n"
      "f = cq.Sketch().rect(0.1, 1).val()\n"
      "sorted_last = cq.Sketch().rect(1, 1).push([(5, 0)]).rect(1, 4).reset()"
      ".sort(lambda x: -x.Area())[-1].val().Area()\n"
      "applied = cq.Sketch().rect(1, 1).push([(5, 0)]).rect(1, 4).reset()"
      ".apply(lambda x: [f]).val().Area()\n"
      "mapped = cq.Sketch().rect(1, 1).push([(5, 0)]).rect(1, 4).reset()"
      ".map(lambda x: f.moved(x.Center())).vals()\n"
      "mapped_n = len(mapped)\n"
      "mapped_x = mapped[1].Center().x\n"
      "g = cq.Sketch().rarray(2, 1, 5, 1).rect(1, 1).reset()\n"
      "first = len(g[0].vals())\n"
      "last_two = len(g.reset()[-2:].vals())\n"
      "two = len(g.reset()[[0, 1]].vals())\n"
      "g.reset()\n"
      "inv_builtin = len(g.invoke(print).vals())\n"
      "inv0 = len(g.invoke(lambda: 1).vals())\n"
      "inv1_none = len(g.invoke(lambda x: None).vals())\n"
      "inv1 = len(g.invoke(lambda x: f1.reset()).vals())\n");
  CHECK(num(r, "fuse_area") == Approx(1.5));
  CHECK(num(r, "cut_area") == Approx(0.5));
  CHECK(num(r, "cut_wires") == 2);
  CHECK(num(r, "common_area") == Approx(0.5));
  CHECK(num(r, "common_wires") == 1);
  CHECK(num(r, "split_line") == 2);
  CHECK(num(r, "split_rect") == 3);
  CHECK(num(r, "split_area") == Approx(1));
  CHECK(num(r, "big") == 1);
  CHECK(num(r, "both") == 2);
  CHECK(num(r, "none") == 0);
  CHECK(num(r, "sorted_last") == Approx(1));
  CHECK(num(r, "applied") == Approx(0.1));
  CHECK(num(r, "mapped_n") == 2);
  CHECK(num(r, "mapped_x") == Approx(5.0));
  CHECK(num(r, "first") == 1);
  CHECK(num(r, "last_two") == 2);
  CHECK(num(r, "two") == 2);
  CHECK(num(r, "inv_builtin") == 5);
  CHECK(num(r, "inv0") == 5);
  CHECK(num(r, "inv1_none") == 5);
  CHECK(num(r, "inv1") == 2);
  CHECK(error_type("cq.Sketch().rect(1, 1).invoke(lambda x, y: 1)\n") == "ValueError");
  CHECK(error_type("cq.Sketch().rect(1, 1).reset()[5]\n") == "IndexError");
  CHECK(error_type("s = cq.Sketch().push([(0, 0)]) + cq.Sketch().rect(1, 1)\n") == "ValueError");
  CHECK(error_type("cq.Sketch().rect(1, 1).map(lambda x: 3)\n") == "TypeError");
}

TEST_CASE("Sketch add, subtract, replace and edge (CadQuery 2.5)", "[cq][conformance]") {
  // CadQuery's tests/test_sketch.py (2.5): test_replace (0.1), test_add (10 edges: no clean),
  // test_subtract (0.9), test_map (0.2 after replace).
  auto r = run_cq(
      "f = cq.Sketch().rect(0.1, 1).val()\n"
      "replaced = cq.Sketch().rect(1, 1).map(lambda x: f).replace().reset().val().Area()\n"
      "added = len(cq.Sketch().rect(1, 1).map(lambda x: f).add().reset().val().Edges())\n"
      "subtracted = cq.Sketch().rect(1, 1).map(lambda x: f).subtract().reset().val().Area()\n"
      "mapped = cq.Sketch().rect(1, 1).push([(5, 0)]).rect(1, 4).reset()"
      ".map(lambda x: f.moved(x.Center())).replace().reset().val().Area()\n"
      "e = cq.Edge.makeLine(cq.Vector(0, 0, 0), cq.Vector(2, 0, 0))\n"
      "tri = cq.Sketch().edge(e, tag='base').segment((1, 1)).close().assemble()\n"
      "tri_area = tri.val().Area()\n"
      "tagged = len(tri.reset().select('base').vals())\n"
      "result = cq.Workplane().placeSketch(tri).extrude(1)\n");
  CHECK(num(r, "replaced") == Approx(0.1));
  CHECK(num(r, "added") == 10);
  CHECK(num(r, "subtracted") == Approx(0.9));
  CHECK(num(r, "mapped") == Approx(0.2));
  CHECK(num(r, "tri_area") == Approx(1.0));  // base 2, height 1
  CHECK(num(r, "tagged") == 1);
  CHECK(error_type("cq.Sketch().rect(1, 1).reset().add()\n") == "ValueError");
  CHECK(error_type("cq.Sketch().edge(cq.Vector(1, 0, 0))\n") == "TypeError");
}

TEST_CASE("cq.Matrix (CadQuery's testMatrixCreationAndAccess and testMatrixFunctionality)",
          "[cq][conformance]") {
  // tests/test_cad_objects.py (2.5); the expected matrices are CadQuery's.
  auto r = run_cq(R"(
import math
def vals(m):
    return [[m[r, c] for c in range(4)] for r in range(4)]
identity = vals(cq.Matrix()) == [[1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 1.0, 0], [0, 0, 0, 1.0]]
v44 = [[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 2.0], [0.0, 0.0, 1.0, 3.0], [0.0, 0.0, 0.0, 1.0]]
full = vals(cq.Matrix(v44)) == v44 and vals(cq.Matrix(tuple(tuple(r) for r in v44))) == v44
short = vals(cq.Matrix(v44[:3])) == v44
text = repr(cq.Matrix(v44))
h = math.sqrt(3) / 2
def close(m, target):
    return all(abs(m[r, c] - target[r][c]) < 1e-9 for r in range(4) for c in range(4))
mx = cq.Matrix()
mx.rotateX(math.radians(30))
my = cq.Matrix()
my.rotateY(math.radians(30))
mz = cq.Matrix()
mz.rotateZ(math.radians(30))
rx = close(mx, [[1, 0, 0, 0], [0, h, -0.5, 0], [0, 0.5, h, 0], [0, 0, 0, 1]])
ry = close(my, [[h, 0, 0.5, 0], [0, 1, 0, 0], [-0.5, 0, h, 0], [0, 0, 0, 1]])
rz = close(mz, [[h, -0.5, 0, 0], [0.5, h, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
mv = mz.multiply(cq.Vector(1, 0, 0)).toTuple()
rxy = close(mx.multiply(my), [[h, 0, 0.5, 0], [0.25, h, -h / 2, 0], [-h / 2, 0.5, 0.75, 0], [0, 0, 0, 1]])
inv = close(cq.Matrix([[1, 2, 3, 4], [5, 1, 6, 7], [8, 9, 1, 10], [0, 0, 0, 1]]).inverse(),
            [[-53 / 144, 25 / 144, 1 / 16, -53 / 144], [43 / 144, -23 / 144, 1 / 16, -101 / 144],
             [37 / 144, 7 / 144, -1 / 16, -107 / 144], [0, 0, 0, 1]])
tl = cq.Matrix(v44).transposed_list()
moved = cq.Vector(1, 1, 1).transform(cq.Matrix(v44)).toTuple()
plane = cq.Plane((1, 2, 3), (0, 1, 0), (0, 0, 1))
round_trip = plane.fG.multiply(plane.rG.multiply(cq.Vector(4, 5, 6))).toTuple()
box = cq.Solid.makeBox(1, 1, 1)
shifted = tuple(round(c, 9) for c in box.transformShape(cq.Matrix(v44)).Center().toTuple())
stretched = box.transformGeometry(cq.Matrix([[2, 0, 0, 0], [0, 1, 0, 0], [0, 0, 3, 0]])).Volume()
)");
  CHECK(r.in->global("identity")->truthy());
  CHECK(r.in->global("full")->truthy());
  CHECK(r.in->global("short")->truthy());
  CHECK(r.in->global("text")->as_str() ==
        "Matrix([[1.0, 0.0, 0.0, 1.0],\n        [0.0, 1.0, 0.0, 2.0],\n        [0.0, 0.0, 1.0, "
        "3.0],\n        [0.0, 0.0, 0.0, 1.0]])");
  CHECK(r.in->global("rx")->truthy());
  CHECK(r.in->global("ry")->truthy());
  CHECK(r.in->global("rz")->truthy());
  CHECK(r.in->global("rxy")->truthy());
  CHECK(r.in->global("inv")->truthy());
  CHECK(r.in->global("mv")->repr() == "(0.8660254037844387, 0.49999999999999994, 0.0)");
  CHECK(r.in->global("tl")->repr() ==
        "[1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 2.0, 3.0, 1.0]");
  CHECK(r.in->global("moved")->repr() == "(2.0, 3.0, 4.0)");
  CHECK(r.in->global("shifted")->repr() == "(1.5, 2.5, 3.5)");
  CHECK(num(r, "stretched") == Approx(6.0));
  const auto rt = r.in->global("round_trip")->as<cad::script::Sequence>();
  CHECK(cad::script::to_float(rt->items[0], "x") == Approx(4.0));
  CHECK(cad::script::to_float(rt->items[2], "z") == Approx(6.0));
  CHECK(error_type("cq.Matrix([[1, 0, 0, 1], [0, 1, 0, 2], [0, 0, 1, 3], [1, 2, 3, 4]])") ==
        "ValueError");
  CHECK(error_type("cq.Matrix('invalid')") == "TypeError");
  CHECK(error_type("cq.Matrix([[1, 2, 3, 4], [1, 2, 3], [1, 2, 3, 4]])") == "TypeError");
  CHECK(error_type("cq.Matrix([1, 2, 3])") == "TypeError");
  CHECK(error_type("cq.Matrix([[1, 2, 3, 4], 'abc', [1, 2, 3, 4]])") == "TypeError");
  CHECK(error_type("cq.Matrix()[0, 4]") == "IndexError");
  CHECK(error_type("cq.Matrix()[4, 0]") == "IndexError");
  CHECK(error_type("cq.Matrix()['ab']") == "IndexError");
}

TEST_CASE("testFuzzyBoolOp: tol= is OCCT's fuzzy value", "[cq][conformance]") {
  // CadQuery's tests/test_cadquery.py (2.8), testFuzzyBoolOp, figures and all.
  auto r = run_cq(R"(
eps = 1e-3
box1 = cq.Workplane("XY").box(1, 1, 1)
box2 = cq.Workplane("XY", origin=(1 + eps, 0.0)).box(1, 1, 1)
box3 = cq.Workplane("XY", origin=(2, 0, 0)).box(1, 1, 1)
n_plain = box1.union(box2).solids().size()
n_fuzzy = box1.union(box2, tol=eps).solids().size()
n_fuzzy2 = box1.union(box3).union(box2, tol=eps).solids().size()
box4 = cq.Workplane("XY", origin=(eps, 0.0)).box(1, 1, 1)
v_cut = box1.cut(box4, tol=eps).val().Volume()
v_int = box1.intersect(box4, tol=eps).val().Volume()
box1_cmp = cq.Compound.makeCompound(box1.vals())
box4_cmp = cq.Compound.makeCompound(box4.vals())
v_cut_cmp = box1_cmp.cut(box4_cmp, tol=eps).Volume()
v_int_cmp = box1_cmp.intersect(box4_cmp, tol=eps).Volume()
v_cut_val = box1.val().cut(box4.val(), tol=eps).Volume()
v_int_val = box1.val().intersect(box4.val(), tol=eps).Volume()
n_fuse_val = len(box1.val().fuse(box2.val(), tol=eps).Solids())
v_cut_plain = box1.cut(box4).val().Volume()
)");
  CHECK(num(r, "n_plain") == 2);
  CHECK(num(r, "n_fuzzy") == 1);
  CHECK(num(r, "n_fuzzy2") == 1);
  CHECK(num(r, "v_cut") == Approx(0).margin(1e-7));
  CHECK(num(r, "v_int") == Approx(1));
  CHECK(num(r, "v_cut_cmp") == Approx(0).margin(1e-7));
  CHECK(num(r, "v_int_cmp") == Approx(1));
  CHECK(num(r, "v_cut_val") == Approx(0).margin(1e-7));
  CHECK(num(r, "v_int_val") == Approx(1));
  CHECK(num(r, "n_fuse_val") == 1);
  CHECK(num(r, "v_cut_plain") == Approx(1e-3));  // without tol a 1e-3 sliver stays
  CHECK(error_type("cq.Workplane().box(1, 1, 1).union(cq.Workplane().box(2, 2, 2), tol=-1)") ==
        "ValueError");
}

TEST_CASE("test_MergeTags: booleans, add and split keep the operand's tags", "[cq][conformance]") {
  // CadQuery's tests/test_cadquery.py (2.8), test_MergeTags, figures and all.
  auto r = run_cq(R"(
a = cq.Workplane().box(1, 1, 1)
b = cq.Workplane(origin=(1, 0, 0)).box(1, 1, 1).vertices(">X and >Y and >Z").tag("box_vertex").end(2)
a = a.add(b)
vx = a.vertices(tag="box_vertex").val().Center().toTuple()

a = cq.Workplane().box(4, 4, 4)
b = cq.Workplane(origin=(0, 0, 1)).box(2, 2, 2).faces("<Z").tag("box2_face").end()
a = a.cut(b)
v_cut = a.val().Volume()
a = a.faces(tag="box2_face").wires().toPending().extrude(4)
v_cut_ext = a.val().Volume()

a = cq.Workplane().sphere(2)
b = cq.Workplane().cylinder(4, 1).tag("cyl")
a = a.intersect(b)
n_cyl = len(a.solids(tag="cyl").val().Solids())

a = cq.Workplane().box(4, 4, 4)
b = cq.Workplane().box(2, 5, 5, centered=(False, True, True)).faces(">X").workplane().tag("splitter").end(2)
a = a.split(b)
a = a.solids("<X")
v_half = a.val().Volume()
a = a.workplaneFromTagged("splitter").rect(4, 4).extrude(until="next")
v_split = a.val().Volume()

a = cq.Workplane().box(4, 4, 4)
b = cq.Workplane(origin=(0, 0, 3)).box(2, 2, 2).faces(">Z").tag("box2_face").end()
a = a.union(b)
a = a.faces(tag="box2_face").workplane(offset=0.5).box(1, 1, 1)
v_union = a.val().Volume()

a = cq.Workplane().box(1, 1, 1).faces(">Z").workplane().tag("zface").end(2)
b = cq.Workplane(origin=(1, 0, 0)).box(1, 1, 2).faces(">Z").workplane().tag("zface").end(2)
a = a.union(b)
a = a.workplaneFromTagged("zface").circle(0.2)
zc = a.edges("%CIRCLE").val().Center().toTuple()
)");
  auto tuple_is = [&](const char* name, double x, double y, double z) {
    const auto t = r.in->global(name)->as<cad::script::Sequence>();
    REQUIRE(t);
    CHECK(cad::script::to_float(t->items[0], "x") == Approx(x).margin(1e-9));
    CHECK(cad::script::to_float(t->items[1], "y") == Approx(y).margin(1e-9));
    CHECK(cad::script::to_float(t->items[2], "z") == Approx(z).margin(1e-9));
  };
  tuple_is("vx", 1.5, 0.5, 0.5);
  CHECK(num(r, "v_cut") == Approx(64 - 8));
  CHECK(num(r, "v_cut_ext") == Approx(64 + 8));
  CHECK(num(r, "n_cyl") == 1);
  CHECK(num(r, "v_half") == Approx(32));
  CHECK(num(r, "v_split") == Approx(64));
  CHECK(num(r, "v_union") == Approx(64 + 8 + 1));
  tuple_is("zc", 0, 0, 0.5);  // a name conflict keeps the left operand's tag
}

TEST_CASE("Sketch constrain and solve (CadQuery's test_constraint_solver)", "[cq][conformance]") {
  // CadQuery's tests/test_sketch.py (2.8): test_constraint_validation and
  // test_constraint_solver (s1-s5), the checks it makes on the solved geometry.
  auto r = run_cq(R"PY(
from math import pi
s1 = (cq.Sketch().segment((0.0, 0), (0.0, 2.0), "segment1")
      .segment((0.5, 2.5), (1.0, 1), "segment2").close("segment3"))
s1.constrain("segment1", "Fixed", None)
s1.constrain("segment1", "segment2", "Coincident", None)
s1.constrain("segment2", "segment3", "Coincident", None)
s1.constrain("segment3", "segment1", "Coincident", None)
s1.constrain("segment3", "segment1", "Angle", 90)
s1.constrain("segment2", "segment3", "Angle", 180 - 45)
s1.solve()
s1.assemble()
v1 = s1.reset().val().isValid()
a1 = s1.reset().val().Area()

s2 = (cq.Sketch().arc((0.0, 0.0), (-0.5, 0.5), (0.0, 1.0), "arc1")
      .arc((0.0, 1.0), (0.5, 1.5), (1.0, 1.0), "arc2")
      .segment((1.0, 0.0), "segment1").close("segment2"))
s2.constrain("segment2", "Fixed", None)
s2.constrain("segment1", "segment2", "Coincident", None)
s2.constrain("arc2", "segment1", "Coincident", None)
s2.constrain("segment2", "arc1", "Coincident", None)
s2.constrain("arc1", "arc2", "Coincident", None)
s2.constrain("segment1", "segment2", "Angle", 90)
s2.constrain("segment2", "arc1", "Angle", 90)
s2.constrain("arc1", "arc2", "Angle", -90)
s2.constrain("arc2", "segment1", "Angle", 90)
s2.constrain("segment1", "Length", 0.5)
s2.constrain("arc1", "Length", 1.0)
s2.solve()
s2.assemble()
v2 = s2.reset().val().isValid()
l2_seg = s2.reset().select("segment1").val().Length()
l2_arc = s2.reset().select("arc1").val().Length()

s3 = (cq.Sketch().arc((0.0, 0.0), (-0.5, 0.5), (0.0, 1.0), "arc1")
      .segment((1.0, 0.0), "segment1").close("segment2"))
s3.constrain("segment2", "Fixed", None)
s3.constrain("arc1", "ArcAngle", 60)
s3.constrain("arc1", "Radius", 1.0)
s3.constrain("segment2", "arc1", "Coincident", None)
s3.constrain("arc1", "segment1", "Coincident", None)
s3.constrain("segment1", "segment2", "Coincident", None)
s3.solve()
s3.assemble()
v3 = s3.reset().val().isValid()
r3 = s3.reset().select("arc1").val().radius()
l3 = s3.reset().select("arc1").val().Length()

s4 = (cq.Sketch().arc((0.0, 0.0), (-0.5, 0.5), (0.0, 1.0), "arc1")
      .segment((1.0, 0.0), "segment1").close("segment2"))
s4.constrain("segment2", "Fixed", None)
s4.constrain("segment1", "Orientation", (-1.0, -1))
s4.constrain("segment1", "segment2", "Distance", (0.0, 0.5, 2.0))
s4.constrain("segment2", "arc1", "Coincident", None)
s4.constrain("arc1", "segment1", "Coincident", None)
s4.constrain("segment1", "segment2", "Coincident", None)
s4.solve()
s4.assemble()
v4 = s4.reset().val().isValid()
seg1 = s4.reset().select("segment1").val()
seg2 = s4.reset().select("segment2").val()
ang4 = (seg1.endPoint() - seg1.startPoint()).getAngle(cq.Vector(-1, -1))
mid = (seg2.startPoint() + seg2.endPoint()) / 2
d4 = (mid - seg1.startPoint()).Length

s5 = (cq.Sketch().segment((0, 0), (0, 3.0), "segment1")
      .arc((0.0, 0), (1.5, 1.5), (0.0, 3), "arc1")
      .arc((0.0, 0), (-1.0, 1.5), (0.0, 3), "arc2"))
s5.constrain("segment1", "Fixed", None)
s5.constrain("segment1", "arc1", "Distance", (0.5, 0.5, 3))
s5.constrain("segment1", "arc1", "Distance", (0.0, 1.0, 0.0))
s5.constrain("arc1", "segment1", "Distance", (0.0, 1.0, 0.0))
s5.constrain("segment1", "arc2", "Coincident", None)
s5.constrain("arc2", "segment1", "Coincident", None)
s5.constrain("arc1", "arc2", "Distance", (0.5, 0.5, 10.5))
s5.solve()
e5 = s5.vals()
d51 = (e5[1].positionAt(0.5) - e5[0].positionAt(0.5)).Length
d52 = (e5[1].positionAt(0.5) - e5[2].positionAt(0.5)).Length
)PY");
  CHECK(r.in->global("v1")->truthy());
  CHECK(num(r, "a1") == Approx(2.0));  // a right isosceles triangle on the fixed leg of 2
  CHECK(r.in->global("v2")->truthy());
  CHECK(num(r, "l2_seg") == Approx(0.5));
  CHECK(num(r, "l2_arc") == Approx(1.0));
  CHECK(r.in->global("v3")->truthy());
  CHECK(num(r, "r3") == Approx(1));
  CHECK(num(r, "l3") == Approx(M_PI / 3));
  CHECK(r.in->global("v4")->truthy());
  CHECK(num(r, "ang4") == Approx(0).margin(1e-6));
  CHECK(num(r, "d4") == Approx(2));
  CHECK(num(r, "d51") == Approx(3));
  CHECK(num(r, "d52") == Approx(10.5));
  // test_constraint_validation
  CHECK(error_type("cq.Sketch().segment(1.0, 1.0, 's').constrain('s', 'Dummy', None)") ==
        "ValueError");
  CHECK(error_type("cq.Sketch().segment(1.0, 1.0, 's').constrain('s', 's', 'Fixed', None)") ==
        "ValueError");
  CHECK(error_type("cq.Sketch().spline([(1.0, 1.0), (2.0, 1.0), (0.0, 0.0)], 's')"
                   ".constrain('s', 'Fixed', None)") == "ValueError");
  CHECK(error_type("cq.Sketch().segment(1.0, 1.0, 's').constrain('s', 'Fixed', 1)") ==
        "ValueError");
  CHECK(error_type("cq.Sketch().segment((0, 0), (1, 0), 's').constrain('t', 'Fixed', None)") ==
        "KeyError");
  CHECK(error_type("cq.Sketch().segment((0, 0), (1, 0), 's').constrain('s', 'Radius', 1.0)") ==
        "ValueError");  // a line has no radius
  CHECK(error_type("cq.Sketch().segment((0, 0), (1, 0), 's').constrain('s', 'Orientation', 1)") ==
        "ValueError");
}

TEST_CASE("Assembly constrain and solve (CadQuery's test_assembly figures)", "[cq][conformance]") {
  // CadQuery's tests/test_assembly.py (2.8): test_constrain, test_PointInPlane_constraint,
  // test_PointInPlane_param, test_unary_constraints, test_fixed_rotation, test_point_on_line,
  // test_axis_constraint, test_point_constraint, test_empty_solve, test_constraint_validation.
  auto r = run_cq(R"PY(
from math import degrees
def simple_assy():
    b1 = cq.Solid.makeBox(1, 1, 1)
    b2 = cq.Workplane().box(1, 1, 2)
    b3 = cq.Workplane().pushPoints([(0, 0), (-2, -5)]).box(1, 1, 3)
    assy = cq.Assembly(b1, loc=cq.Location(cq.Vector(2, -5, 0)))
    assy.add(b2, loc=cq.Location(cq.Vector(1, 1, 0)))
    assy.add(b3, loc=cq.Location(cq.Vector(2, 3, 0)))
    return assy
def nested_assy():
    b1 = cq.Workplane().box(1, 1, 1).faces("<Z").tag("top_face").end()
    b2 = cq.Workplane().box(1, 1, 1).faces("<Z").tag("bottom_face").end()
    b3 = cq.Workplane().pushPoints([(-2, 0), (2, 0)]).tag("pts").box(1, 1, 0.5).tag("boxes")
    assy = cq.Assembly(b1, loc=cq.Location(cq.Vector(0, 0, 0)), name="TOP")
    assy2 = cq.Assembly(b2, loc=cq.Location(cq.Vector(0, 4, 0)), name="SECOND")
    assy2.add(b3, loc=cq.Location(cq.Vector(0, 4, 0)), name="BOTTOM")
    assy.add(assy2, color=cq.Color("green"))
    return assy
def box_and_vertex():
    assy = cq.Assembly(cq.Workplane().box(1, 2, 3), name="box")
    assy.add(cq.Workplane().newObject([cq.Vertex.makeVertex(0, 0, 0)]), name="vertex")
    return assy
def simple_assy2():
    assy = cq.Assembly()
    assy.add(cq.Workplane().box(1, 1, 1), name="b1")
    assy.add(cq.Workplane().box(2, 1, 1), loc=cq.Location(cq.Vector(0, 0, 4)), name="b2")
    return assy
def t(loc):
    return loc.toTuple()[0]

a = simple_assy()
s1, s2 = a.children
b1, b2, b3 = a.obj, s1.obj, s2.obj
a.constrain(a.name, b1.Faces()[0], s1.name, b2.faces("<Z").val(), "Plane")
a.constrain(a.name, b1.Faces()[0], s2.name, b3.faces("<Z").val(), "Axis")
a.constrain(s1.name, b2.faces(">Z").val(), s2.name, b3.faces("<Z").val(), "Point")
a.solve()
simple_root, simple_child = t(a.loc), t(a.children[0].loc)

n = nested_assy()
n.constrain("TOP@faces@>Z", "SECOND/BOTTOM@faces@<Z", "Plane")
n.constrain("TOP@faces@>X", "SECOND/BOTTOM@faces@<X", "Axis")
n.solve()
nested_child = t(n.children[0].loc)

bv = box_and_vertex()
bv.constrain("vertex", bv.children[0].obj.val(), "box", bv.obj.faces(">X").val(), "PointInPlane", param=0)
bv.solve()
pip1 = t(bv.children[0].loc)
bv.constrain("vertex", "box@faces@>Y", "PointInPlane", param=0)
bv.solve()
pip2 = t(bv.children[0].loc)
bv.constrain("vertex", "box@faces@>Z", "PointInPlane", param=0)
bv.solve()
pip3 = t(bv.children[0].loc)

bp = box_and_vertex()
bp.constrain("vertex", "box@faces@>Z", "PointInPlane", param=-2)
bp.constrain("vertex", "box@faces@>X", "PointInPlane", param=2)
bp.solve()
pip_param = t(bp.children[0].loc)

u = simple_assy2()
u.constrain("b1", "Fixed")
u.constrain("b2", "FixedPoint", (0, 0, -3))
u.constrain("b2@faces@>Z", "FixedAxis", (0, 1, 1))
u.solve()
w = cq.Workplane().add(u.toCompound())
unary = (w.solids(">Z").val().Center().Length, w.solids("<Z").val().Center().z, w.solids("<Z").edges(">Z").size())

f = simple_assy2()
f.constrain("b1", "Fixed")
f.constrain("b2", "FixedPoint", (0, 0, -3))
f.constrain("b2@faces@>Z", "FixedRotation", (45, 0, 0))
f.solve()
w = cq.Workplane().add(f.toCompound())
fixed_rot = (w.solids(">Z").val().Center().Length, w.solids("<Z").val().Center().z, w.solids("<Z").edges(">Z").size())

p = simple_assy2()
p.constrain("b1", "Fixed")
p.constrain("b2@faces@>Z", "FixedAxis", (0, 2, 1))
p.constrain("b2@faces@>X", "FixedAxis", (1, 0, 0))
p.constrain("b2@faces@>X", "b1@edges@>>Z and >>Y", "PointOnLine")
p = p.solve()
w = cq.Workplane().add(p.toCompound())
on_line = (w.solids("<Z").val().Center().Length, w.solids(">Z").val().Center().toTuple())

ax = simple_assy2()
ax.constrain("b1@faces@>Z", "b2@faces@>Z", "Axis", 0)
ax.constrain("b1@faces@>X", "b2@faces@>X", "Axis", 45)
ax.solve()
loc2 = ax.children[1].loc
x2 = cq.Vertex.makeVertex(1, 0, 0).moved(loc2).Center() - cq.Vertex.makeVertex(0, 0, 0).moved(loc2).Center()
z2 = cq.Vertex.makeVertex(0, 0, 1).moved(loc2).Center() - cq.Vertex.makeVertex(0, 0, 0).moved(loc2).Center()
axis_angle = degrees(x2.getAngle(cq.Vector(1, 0, 0)))
axis_z = degrees(z2.getAngle(cq.Vector(0, 0, 1)))

pt = simple_assy2()
pt.constrain("b1", "b2", "Point", 1)
pt.solve()
point_dist = cq.Vector(*t(pt.children[1].loc)).Length
)PY");
  auto vec = [&](const char* name) {
    const auto s = r.in->global(name)->as<cad::script::Sequence>();
    REQUIRE(s);
    std::vector<double> v;
    for (const auto& i : s->items)
      v.push_back(i.is_object() ? 0.0 : cad::script::to_float(i, name));
    return v;
  };
  auto near3 = [&](const char* name, double x, double y, double z, double tol) {
    const auto v = vec(name);
    CAPTURE(name, v[0], v[1], v[2]);
    CHECK(v[0] == Approx(x).margin(tol));
    CHECK(v[1] == Approx(y).margin(tol));
    CHECK(v[2] == Approx(z).margin(tol));
  };
  near3("simple_root", 2, -5, 0, 1e-9);
  near3("simple_child", -1, 0.5, 0.5, 1e-6);
  near3("nested_child", 2, -4, 0.75, 1e-6);
  CHECK(vec("pip1")[0] == Approx(0.5).margin(1e-6));
  CHECK(vec("pip2")[0] == Approx(0.5).margin(1e-6));
  CHECK(vec("pip2")[1] == Approx(1).margin(1e-6));
  near3("pip3", 0.5, 1, 1.5, 1e-6);
  CHECK(vec("pip_param")[2] - 1.5 == Approx(-2).margin(1e-6));
  CHECK(vec("pip_param")[0] - 0.5 == Approx(2).margin(1e-6));
  near3("unary", 0, -3, 1, 1e-6);
  near3("fixed_rot", 0, -3, 1, 1e-6);
  CHECK(vec("on_line")[0] == Approx(0).margin(1e-6));
  const auto on_line = r.in->global("on_line")->as<cad::script::Sequence>()->items[1];
  const auto c = on_line.as<cad::script::Sequence>()->items;
  CHECK(cad::script::to_float(c[0], "x") == Approx(0).margin(1e-6));
  CHECK(cad::script::to_float(c[1], "y") == Approx(0.5).margin(1e-6));
  CHECK(cad::script::to_float(c[2], "z") == Approx(0.5).margin(1e-6));
  CHECK(num(r, "point_dist") == Approx(1).margin(1e-6));
  CHECK(num(r, "axis_angle") == Approx(45).margin(1e-4));
  CHECK(num(r, "axis_z") == Approx(0).margin(1e-4));
  CHECK(error_type("cq.Assembly(cq.Workplane().box(1, 1, 1), name='a').solve()") == "ValueError");
  CHECK(error_type("a = cq.Assembly()\na.add(cq.Workplane().box(1, 1, 1), name='b1')\n"
                   "a.constrain('b1', 'Fixed?')") == "ValueError");
  CHECK(error_type("a = cq.Assembly()\na.add(cq.Workplane().box(1, 1, 1), name='b1')\n"
                   "a.constrain('b1', 'FixedRotation', (45, 0, 45))\na.solve()") == "ValueError");
  CHECK(error_type("a = cq.Assembly()\na.add(cq.Workplane().box(1, 1, 1), name='b1')\n"
                   "a.add(None, name='dummy')\na.constrain('b1', 'dummy', 'Plane')") ==
        "ValueError");
}

TEST_CASE("cadquery.func: the free-function API (CadQuery's test_free_functions)",
          "[cq][conformance]") {
  // CadQuery's tests/test_free_functions.py (2.8): test_constructors, test_solid (without
  // voids), flat text, offset, sweep, and the documentation's tutorial (doc/free-func.rst, cap
  // included); the primitives' volumes by hand: box 1 x 2 x 3 = 6 with its base at z = 0, cylinder
  // d 2 h 1 = pi, sphere d 2 = 4/3 pi, cone d 2 h 3 = pi, torus d1 4 d2 1 = 2 pi^2 R r^2 (R 2, r
  // 0.5).
  auto r = run_cq(R"PY(
from math import pi
from cadquery.func import *
e1 = segment((0, 0), (0, 1))
e2 = segment((0, 1), (1, 1))
e3 = segment((1, 1), (1, 0))
e4 = segment((1, 0), (0, 0))
w1 = wire(e1, e2, e3, e4)
w2 = wire((e1, e2, e3, e4))
lengths = (w1.Length(), w2.Length())
f1 = face(w1, circle(0.1).moved(Location(0.5, 0.5, 0)))
f2 = face((w1,))
faces = (f1.Area() < 1, len(f1.Wires()), f2.Area(), len(f2.Wires()))
b = box(1, 1, 1)
sh1 = shell(b.Faces())
sh2 = shell(*b.Faces())
shells = (sh1.Area(), sh2.Area(), shell(torus(1, 0.1).Faces()).isValid())
c1 = compound(b.Faces())
c2 = compound(*b.Faces())
compounds = (len(list(c1)), len(list(c2)), all(f.ShapeType() == "Face" for f in list(c1) + list(c2)))
solids = (solid(b.Faces()).Volume(), solid(*b.Faces()).Volume())
prims = (box(1, 2, 3).Volume(), box(1, 2, 3).BoundingBox().zmin, cylinder(2, 1).Volume(),
         sphere(2).Volume(), cone(2, 3).Volume(), cone(2, 1, 3).Volume(), torus(4, 1).Volume())
bb = box(2, 2, 2)
ops = (fuse(box(1, 1, 1), box(1, 1, 1).moved(x=0.5)).Volume(),
       cut(box(1, 1, 1), box(1, 1, 1).moved(x=0.5)).Volume(),
       intersect(box(1, 1, 1), box(1, 1, 1).moved(x=0.5)).Volume(),
       len(split(box(1, 1, 1), plane().moved(z=0.25)).Solids()),
       len(clean(fuse(box(1, 1, 1), box(1, 1, 1).moved(x=1))).Faces()),
       extrude(face(rect(1, 2)), (0, 0, 3)).Volume(),
       extrude(face(rect(1, 2)), (0, 0, 3), both=True).Volume(),
       revolve(face(rect(1, 1)).moved(x=2), (0, 0, 0), (0, 1, 0)).Volume(),
       loft(rect(1, 1), rect(2, 2).moved(z=1), cap=True).Volume(),
       fillet(bb, bb.edges(">Z"), 0.2).Volume() < 8,
       chamfer(bb, bb.edges(">Z"), 0.2).Volume() < 8,
       check(box(1, 1, 1)))
dh, rr = 2, 1
side = loft(circle(rr), circle(1.5 * rr).moved(z=dh), circle(rr).moved(z=1.5 * dh))
s = solid(side, fill(side.edges('<Z')), cap(side.edges('>Z'), side, [(0, 0, 1.6 * dh)]))
tutorial = (s.isValid(), len(s.moved((-3 * rr, 0, 0), (3 * rr, 0, 0)).Solids()))
off = (offset(plane(2, 3), 0.5).Volume(), offset(plane(2, 3), 0.5, both=True).Volume(),
       len(offset(plane(2, 3), 0.5, cap=False).Solids()), offset(shell(box(1, 1, 1).Faces()), 0.1).isValid())
path = segment((0, 0, 0), (0, 0, 2))
swept = (sweep(face(rect(1, 1)), path).Volume(),
         sweep(face(rect(2, 2), circle(0.5)), path).Volume(),
         sweep(circle(0.5), path, cap=True).Volume(),
         len(sweep(circle(0.5), path).Solids()))
txt = text("CQ", 10)
flat_text = (txt.BoundingBox().zlen, len(txt.Faces()), txt.Area() > 10,
             len(extrude(txt, (0, 0, 1)).Solids()))
)PY");
  auto items = [&](const char* name) {
    std::vector<double> v;
    for (const auto& i : r.in->global(name)->as<cad::script::Sequence>()->items)
      v.push_back(i.is_bool() ? (i.as_bool() ? 1.0 : 0.0) : cad::script::to_float(i, name));
    return v;
  };
  const auto l = items("lengths");
  CHECK(l[0] == Approx(4));
  CHECK(l[1] == Approx(4));
  const auto f = items("faces");
  CHECK(f[0] == 1);
  CHECK(f[1] == 2);
  CHECK(f[2] == Approx(1));
  CHECK(f[3] == 1);
  const auto sh = items("shells");
  CHECK(sh[0] == Approx(6));
  CHECK(sh[1] == Approx(6));
  CHECK(sh[2] == 1);
  const auto c = items("compounds");
  CHECK(c[0] == 6);
  CHECK(c[1] == 6);
  CHECK(c[2] == 1);
  const auto so = items("solids");
  CHECK(so[0] == Approx(1));
  CHECK(so[1] == Approx(1));
  const auto p = items("prims");
  CHECK(p[0] == Approx(6));
  CHECK(p[1] == Approx(0).margin(1e-9));
  CHECK(p[2] == Approx(M_PI));
  CHECK(p[3] == Approx(4.0 / 3 * M_PI));
  CHECK(p[4] == Approx(M_PI));
  CHECK(p[5] == Approx(M_PI / 3 * 3 * (1 + 0.25 + 0.5)));  // frustum, radii 1 and 0.5
  CHECK(p[6] == Approx(2 * M_PI * M_PI * 2 * 0.25));       // 2 pi^2 R r^2
  const auto o = items("ops");
  CHECK(o[0] == Approx(1.5));
  CHECK(o[1] == Approx(0.5));
  CHECK(o[2] == Approx(0.5));
  CHECK(o[3] == 2);
  CHECK(o[4] == 6);  // the clean union of two unit boxes is one 2 x 1 x 1 box
  CHECK(o[5] == Approx(6));
  CHECK(o[6] == Approx(12));
  CHECK(o[7] == Approx(2 * M_PI * 2));                  // Pappus: area 1, centroid radius 2
  CHECK(o[8] == Approx((1 + 4 + std::sqrt(4.0)) / 3));  // square frustum, height 1
  CHECK(o[9] == 1);
  CHECK(o[10] == 1);
  CHECK(o[11] == 1);
  const auto ft = items("flat_text");  // two glyphs, flat faces that extrude to two solids
  CHECK(ft[0] == Approx(0).margin(1e-6));
  CHECK(ft[1] == 2);
  CHECK(ft[2] == 1);
  CHECK(ft[3] == 2);
  const auto sw = items("swept");  // a unit square, a 2 x 2 square less a hole of r 0.5, a disc
  CHECK(sw[0] == Approx(2));
  CHECK(sw[1] == Approx((4 - M_PI * 0.25) * 2));
  CHECK(sw[2] == Approx(M_PI * 0.25 * 2));
  CHECK(sw[3] == 0);             // without cap a wire sweeps into a surface
  const auto of = items("off");  // a 2 x 3 plate 0.5 thick; both sides: 1 thick
  CHECK(of[0] == Approx(3));
  CHECK(of[1] == Approx(6));
  CHECK(of[2] == 0);
  CHECK(of[3] == 1);
  const auto t = items("tutorial");
  CHECK(t[0] == 1);
  CHECK(t[1] == 2);
  CHECK(error_type("from cadquery.func import *\nface(segment((0, 0), (0, 1)))") == "ValueError");
  CHECK(error_type("from cadquery.func import *\ncap(circle(1), box(1, 1, 1))") ==
        "ValueError");  // the circle is no edge of the box
  CHECK(error_type("from cadquery.func import *\n"
                   "sweep(circle(1), segment((0, 0), (0, 1)), aux=circle(2))") ==
        "NotImplementedError");
}
