// Tests of CadQuery string selectors on real OCCT shapes (boxes, a cylinder, a stepped part).
#include <BRepAlgoAPI_Fuse.hxx>
#include <BRepPrimAPI_MakeBox.hxx>
#include <BRepPrimAPI_MakeCylinder.hxx>
#include <TopExp_Explorer.hxx>
#include <catch2/catch.hpp>

#include "cq/selectors.h"
#include "script/value.h"

using cad::cq::select_shapes;
using cad::cq::shape_center;

namespace {

std::vector<TopoDS_Shape> subshapes(const TopoDS_Shape& s, TopAbs_ShapeEnum type) {
  std::vector<TopoDS_Shape> out;
  for (TopExp_Explorer ex(s, type); ex.More(); ex.Next()) {
    bool seen = false;
    for (const auto& o : out) seen = seen || o.IsSame(ex.Current());
    if (!seen) out.push_back(ex.Current());
  }
  return out;
}

// A box centred like CadQuery's box(l, w, h).
TopoDS_Shape box(double l, double w, double h, gp_Pnt c = gp_Pnt(0, 0, 0)) {
  return BRepPrimAPI_MakeBox(gp_Pnt(c.X() - l / 2, c.Y() - w / 2, c.Z() - h / 2), l, w, h).Shape();
}

size_t count(const TopoDS_Shape& s, TopAbs_ShapeEnum type, const std::string& sel) {
  return select_shapes(subshapes(s, type), sel).size();
}

gp_Pnt only_center(const std::vector<TopoDS_Shape>& shapes) {
  REQUIRE(shapes.size() == 1);
  return shape_center(shapes[0]);
}

}  // namespace

TEST_CASE("direction selectors on the faces of a box", "[cq][selectors]") {
  auto faces = subshapes(box(2, 4, 6), TopAbs_FACE);
  REQUIRE(faces.size() == 6);
  CHECK(only_center(select_shapes(faces, ">Z")).Z() == Approx(3));
  CHECK(only_center(select_shapes(faces, "<Z")).Z() == Approx(-3));
  CHECK(only_center(select_shapes(faces, ">X")).X() == Approx(1));
  CHECK(only_center(select_shapes(faces, "<Y")).Y() == Approx(-2));
  CHECK(only_center(select_shapes(faces, "+Z")).Z() == Approx(3));
  CHECK(only_center(select_shapes(faces, "-Z")).Z() == Approx(-3));
  CHECK(only_center(select_shapes(faces, "Z")).Z() == Approx(3));
  CHECK(only_center(select_shapes(faces, "(0,0,-1)")).Z() == Approx(-3));
  CHECK(only_center(select_shapes(faces, "-(1, 0., 0)")).X() == Approx(-1));
  CHECK(select_shapes(faces, "|Z").size() == 2);
  CHECK(select_shapes(faces, "#Z").size() == 4);
  CHECK(select_shapes(faces, "#XY").size() == 2);
  CHECK(select_shapes(faces, "%PLANE").size() == 6);
  CHECK(select_shapes(faces, "%plane").size() == 6);
  CHECK(select_shapes(faces, "%CYLINDER").empty());
  CHECK(only_center(select_shapes(faces, "front")).Z() == Approx(3));
  CHECK(only_center(select_shapes(faces, "left")).X() == Approx(-1));
  CHECK(only_center(select_shapes(faces, "bottom")).Y() == Approx(-2));
}

TEST_CASE("logical operators and CadQuery's precedence", "[cq][selectors]") {
  TopoDS_Shape b = box(2, 4, 6);
  CHECK(count(b, TopAbs_FACE, "not(<X or >X or <Y or >Y)") == 2);
  CHECK(count(b, TopAbs_FACE, "not ( <X or >X or <Y or >Y )") == 2);
  CHECK(count(b, TopAbs_FACE, ">Z or <Z") == 2);
  CHECK(count(b, TopAbs_FACE, "|Z exc >Z") == 1);
  CHECK(count(b, TopAbs_FACE, "|Z except >Z") == 1);
  CHECK(count(b, TopAbs_FACE, ">Z and |Y") == 0);
  CHECK(count(b, TopAbs_EDGE, ">Z and |Y") == 2);
  CHECK(count(b, TopAbs_EDGE, "|X or |Y") == 8);
  // `not` applies to everything on its right: not (>Z or <Z), i.e. the four sides.
  CHECK(count(b, TopAbs_FACE, "not >Z or <Z") == 4);
  // `and` binds tighter than `or`: (>X and >Y) or <Z.
  CHECK(count(b, TopAbs_VERTEX, ">X and >Y or <Z") == 5);
  CHECK(count(b, TopAbs_VERTEX, "(>X and >Y) or (<X and <Y)") == 4);
  CHECK(count(b, TopAbs_VERTEX, ">X and >Y and >Z") == 1);
  // The expressions of CadQuery's testGrammar parse (evaluating some raises, as in
  // CadQuery, because no face of the box is parallel to their direction).
  for (const char* e : {"+X ",
                        "-Y",
                        "|(1,0,0)",
                        "|(-1, -0.1 , 2. )",
                        "#(1.,1.4114,-0.532)",
                        "%Plane",
                        ">XZ",
                        "<Z[-2]",
                        "<<Z[2]",
                        ">>(1,1,0)",
                        "|XY",
                        "<YZ[0]",
                        "front",
                        "back",
                        "left",
                        "right",
                        "top",
                        "bottom",
                        "not |(1,1,0) and >(0,0,1) or XY except >(1,1,1)[-1]",
                        "(not |(1,1,0) and >(0,0,1)) exc XY and (Z or X)"}) {
    INFO(e);
    try {
      select_shapes(subshapes(b, TopAbs_FACE), e);
    } catch (const cad::script::ScriptError& err) {
      CHECK(std::string(err.what()) == "Can not return the Nth element of an empty list");
    }
  }
}

TEST_CASE("edges: parallel, type and min/max", "[cq][selectors]") {
  TopoDS_Shape b = box(1, 1, 1);
  CHECK(count(b, TopAbs_EDGE, "|Z") == 4);
  CHECK(count(b, TopAbs_EDGE, "#Z") == 8);
  CHECK(count(b, TopAbs_EDGE, ">Z") == 4);
  CHECK(count(b, TopAbs_EDGE, "%LINE") == 12);
  TopoDS_Shape cyl = BRepPrimAPI_MakeCylinder(1, 2).Shape();
  CHECK(count(cyl, TopAbs_EDGE, "%CIRCLE") == 2);
  CHECK(count(cyl, TopAbs_EDGE, "%LINE") == 1);
  CHECK(count(cyl, TopAbs_FACE, "%CYLINDER") == 1);
  CHECK(count(cyl, TopAbs_FACE, "|Z") == 2);
}

TEST_CASE("vertices: direction XY and ties", "[cq][selectors]") {
  auto top = select_shapes(subshapes(BRepPrimAPI_MakeBox(1, 1, 1).Shape(), TopAbs_FACE), "+Z");
  gp_Pnt v = only_center(select_shapes(subshapes(top[0], TopAbs_VERTEX), "<XY"));
  CHECK(v.Distance(gp_Pnt(0, 0, 1)) < 1e-9);
  CHECK(count(box(1, 1, 1), TopAbs_VERTEX, ">X") == 4);
}

TEST_CASE("indexed selectors on a stepped part", "[cq][selectors]") {
  // A 4x4x1 plate (z 0..1) with a 2x4x1 step on its +X half (z 1..2), and two unit
  // cubes side by side as in CadQuery's testNthDistance.
  TopoDS_Shape part =
      BRepAlgoAPI_Fuse(box(4, 4, 1, gp_Pnt(0, 0, 0.5)), box(2, 4, 1, gp_Pnt(1, 0, 1.5))).Shape();
  auto faces = subshapes(part, TopAbs_FACE);
  CHECK(only_center(select_shapes(faces, ">Z[1]")).Z() == Approx(1));
  CHECK(only_center(select_shapes(faces, ">Z[-1]")).Z() == Approx(2));
  CHECK(only_center(select_shapes(faces, ">Z[0]")).Z() == Approx(0));
  CHECK(only_center(select_shapes(faces, "<Z[1]")).Z() == Approx(1));
  CHECK(only_center(select_shapes(faces, "<Z[0]")).Z() == Approx(2));
  // Faces with normals along X: x = -2, 0 (step wall), 2 (two coplanar faces fused or one).
  CHECK(only_center(select_shapes(faces, "<X[-1]")).X() == Approx(-2));
  CHECK(only_center(select_shapes(faces, ">X[1]")).X() == Approx(0));
  CHECK(only_center(select_shapes(faces, "<X[1]")).X() == Approx(0));
  // >>Z has no parallel filter: the fuse keeps the coplanar side faces apart, so the
  // cluster at z = 1.5 holds the step wall and the step's three outer sides.
  CHECK(select_shapes(faces, ">>Z[-2]").size() == 4);
  CHECK(select_shapes(faces, ">X[-1]").size() == 2);
  CHECK_THROWS_AS(select_shapes(faces, ">Z[5]"), cad::script::ScriptError);

  std::vector<TopoDS_Shape> two;
  for (double x : {-2.0, 2.0})
    for (const auto& f : subshapes(box(1, 1, 1, gp_Pnt(x, 0, 0)), TopAbs_FACE)) two.push_back(f);
  CHECK(only_center(select_shapes(two, ">X[1]")).X() == Approx(-1.5));
  CHECK(only_center(select_shapes(two, "<X[1]")).X() == Approx(1.5));
  CHECK(only_center(select_shapes(two, ">X[-2]")).X() == Approx(1.5));
  CHECK(only_center(select_shapes(two, ">(-1,0,0)[1]")).X() == Approx(1.5));
  // Cluster sizes of CadQuery's testCenterNthSelector (unit cube on z 0..1).
  auto cube = subshapes(BRepPrimAPI_MakeBox(gp_Pnt(-0.5, -0.5, 0), 1, 1, 1).Shape(), TopAbs_FACE);
  CHECK(select_shapes(cube, ">>Z[0]").size() == 1);
  CHECK(select_shapes(cube, ">>Z[1]").size() == 4);
  CHECK(select_shapes(cube, "<<Z[0]").size() == 1);
  CHECK(only_center(select_shapes(cube, "<<Z[0]")).Z() == Approx(1));
}

TEST_CASE("malformed selectors and empty lists raise Python errors", "[cq][selectors]") {
  auto faces = subshapes(box(1, 1, 1), TopAbs_FACE);
  for (const char* bad : {">Q", "(>Z", ">Z[", ">Z]", "", "%FOO", ">Z and", "|(1,2)", "|(0,0,0)",
                          ">Z or not <Z", "Z Z"}) {
    INFO(bad);
    try {
      select_shapes(faces, bad);
      FAIL("no error");
    } catch (const cad::script::ScriptError& e) {
      CHECK(e.kind == cad::script::ErrorKind::Runtime);
      CHECK(e.type == "ValueError");
      CHECK(std::string(e.what()).find("position") != std::string::npos);
    }
  }
  try {
    select_shapes({}, ">Z");
    FAIL("no error");
  } catch (const cad::script::ScriptError& e) {
    CHECK(e.type == "ValueError");
  }
  try {
    select_shapes(faces, ">>Z[3]");
    FAIL("no error");
  } catch (const cad::script::ScriptError& e) {
    CHECK(e.type == "IndexError");
  }
  CHECK(select_shapes({}, "|Z").empty());
}
