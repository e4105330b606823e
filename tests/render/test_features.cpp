// render/features and drawing: chamfers (planar and conical) and pitch circles of equally
// spaced holes.
#include <catch2/catch.hpp>

#include <BRepAlgoAPI_Cut.hxx>
#include <BRepPrimAPI_MakeBox.hxx>
#include <BRepPrimAPI_MakeCylinder.hxx>
#include <BRepPrimAPI_MakeWedge.hxx>
#include <gp_Ax2.hxx>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/json_schema.h"
#include "exec/execute.h"
#include "render/drawing.h"
#include "render/features.h"

using namespace cad::render;

namespace {

TopoDS_Shape run_script(const std::string& code) {
  cad::exec::Execution ex = cad::exec::execute(cad::exec::ExecTask{"part", nullptr, code}, {});
  REQUIRE(ex.record["status"] == "ok");
  return ex.shape;
}

TopoDS_Shape run_example(const std::string& name) {
  std::ifstream in(std::string(CAD_SOURCE_DIR) + "/examples/parts/" + name + ".py");
  std::stringstream code;
  code << in.rdbuf();
  return run_script(code.str());
}

std::vector<Dimension> of_kind(const Drawing& d, DimensionKind kind) {
  std::vector<Dimension> out;
  for (const Dimension& dim : d.dimensions)
    if (dim.kind == kind) out.push_back(dim);
  return out;
}

/// A disc of radius 50 and thickness 8 centred at (50, 50) with holes of diameter `hole` at
/// the given angles (degrees) on a circle of radius `pitch` around its centre.
TopoDS_Shape disc_with_holes(double pitch, double hole, const std::vector<double>& degrees) {
  TopoDS_Shape disc =
      BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(50, 50, 0), gp_Dir(0, 0, 1)), 50, 8).Shape();
  for (double deg : degrees) {
    const double a = deg * M_PI / 180;
    const gp_Pnt c(50 + pitch * std::cos(a), 50 + pitch * std::sin(a), -1);
    disc = BRepAlgoAPI_Cut(
               disc, BRepPrimAPI_MakeCylinder(gp_Ax2(c, gp_Dir(0, 0, 1)), hole / 2, 10).Shape())
               .Shape();
  }
  return disc;
}

}  // namespace

TEST_CASE("the chamfered block's chamfers are found with their legs", "[features]") {
  // 60 x 40 x 30 with 4 mm chamfers on the four top edges: the front view shows the two on
  // the edges along Y as slanted lines, the left view the two along X.
  const TopoDS_Shape part = run_example("chamfered_block");
  const std::vector<Chamfer> chamfers = find_chamfers(part);
  REQUIRE(chamfers.size() == 4);
  for (const Chamfer& c : chamfers) {
    CHECK_FALSE(c.conical);
    CHECK(c.leg_a == Approx(4));
    CHECK(c.leg_b == Approx(4));
    CHECK(c.angle == Approx(M_PI / 2));
    CHECK(c.corner[2] == Approx(30));  // the lost edge was on the top face
  }
  const Drawing d = make_drawing(part, {800, 1, 2});
  const auto dims = of_kind(d, DimensionKind::Chamfer);
  REQUIRE(dims.size() == 2);
  std::set<ViewKind> views;
  for (const Dimension& dim : dims) {
    views.insert(dim.view);
    CHECK(dim.value == Approx(4));
    CHECK(dim.second == Approx(4));
    CHECK(dim.count == 2);
    CHECK(dim.label == "2\u00D7 4 \u00D7 45\u00B0");
  }
  CHECK(views == std::set<ViewKind>{ViewKind::Front, ViewKind::Left});
  // The label is drawn once per view.
  int drawn = 0;
  for (const PageText& t : d.texts) drawn += t.text == "2\u00D7 4 \u00D7 45\u00B0";
  CHECK(drawn == 2);
}

TEST_CASE("a chamfer with unequal legs is labelled with both", "[features]") {
  // One edge of a 40 x 20 x 10 block (the top front edge, along X): 3 down the front face and
  // 2 across the top, seen slanted in the left view (x = -Y, y = Z).
  const TopoDS_Shape part = run_script(
      "import cadquery as cq\n"
      "r = (cq.Workplane('YZ').polyline([(0, 0), (20, 0), (20, 10), (2, 10), (0, 7)]).close()"
      ".extrude(40))\n");
  const std::vector<Chamfer> chamfers = find_chamfers(part);
  REQUIRE(chamfers.size() == 1);
  CHECK(std::set<double>{std::round(chamfers[0].leg_a * 1e6) / 1e6,
                         std::round(chamfers[0].leg_b * 1e6) / 1e6} == std::set<double>{2, 3});
  const Drawing d = make_drawing(part, {600, 1, 2});
  const auto dims = of_kind(d, DimensionKind::Chamfer);
  REQUIRE(dims.size() == 1);
  CHECK(dims[0].view == ViewKind::Left);
  CHECK(dims[0].value == Approx(2));   // across the top: horizontal in the left view
  CHECK(dims[0].second == Approx(3));  // down the front: vertical
  CHECK(dims[0].label == "2 \u00D7 3");
  const nlohmann::json j = dimensions_json(d, 1);
  bool legs = false;
  for (const auto& e : j)
    if (e["kind"] == "chamfer") legs = e["legs"] == nlohmann::json::array({2.0, 3.0});
  CHECK(legs);
}

TEST_CASE("a chamfered shaft end is a conical chamfer on the front view", "[features]") {
  const TopoDS_Shape part = run_example("stepped_shaft");
  const std::vector<Chamfer> chamfers = find_chamfers(part);
  REQUIRE(chamfers.size() == 1);
  CHECK(chamfers[0].conical);
  CHECK(chamfers[0].leg_a == Approx(2));
  CHECK(chamfers[0].leg_b == Approx(2));
  const Drawing d = make_drawing(part, {800, 1, 2});
  const auto dims = of_kind(d, DimensionKind::Chamfer);
  REQUIRE(dims.size() == 1);
  CHECK(dims[0].view == ViewKind::Front);
  CHECK(dims[0].label == "2 \u00D7 45\u00B0");
  // The leader points at the slanted line at the tip's right: x between 8 and 10 from the
  // axis (at 0), z between 88 and 90.
  CHECK(dims[0].from.x == Approx(9));
  CHECK(dims[0].from.y == Approx(89));
}

TEST_CASE("slanted faces that are not chamfers are left alone", "[features]") {
  // A wedge's large slanted face, and a concave slope in an inside corner (material added).
  CHECK(find_chamfers(BRepPrimAPI_MakeWedge(40, 20, 30, 0).Shape()).empty());
  CHECK(find_chamfers(run_script("import cadquery as cq\n"
                                 "r = (cq.Workplane('XZ').polyline([(0, 0), (60, 0), (60, 8), "
                                 "(14, 8), (8, 14), (8, 60), (0, 60)]).close().extrude(-30))\n"))
            .empty());
  // Holes and plain blocks have none.
  CHECK(find_chamfers(BRepPrimAPI_MakeBox(10, 10, 10).Shape()).empty());
}

TEST_CASE("six equal holes on a circle get one pitch circle and no positions", "[drawing]") {
  // A Ø100 disc centred at (50, 50), six Ø6 holes on a Ø60 circle.
  const TopoDS_Shape part = disc_with_holes(30, 6, {0, 60, 120, 180, 240, 300});
  const Drawing d = make_drawing(part, {800, 1, 2});
  const auto pcd = of_kind(d, DimensionKind::PitchCircle);
  REQUIRE(pcd.size() == 1);
  CHECK(pcd[0].view == ViewKind::Top);
  CHECK(pcd[0].value == Approx(60));
  CHECK(pcd[0].count == 6);
  CHECK(pcd[0].second == Approx(6));
  CHECK(pcd[0].label == "PCD \u00D860");
  bool holes = false;
  for (const Dimension& dim : of_kind(d, DimensionKind::Diameter))
    if (std::abs(dim.value - 6) < 1e-6) {
      holes = true;
      CHECK(dim.count == 6);
      CHECK(dim.label == "6\u00D7 \u00D86 EQ SP");
    }
  CHECK(holes);
  // Only the pattern's centre is positioned (50 from the left and from the bottom).
  const auto positions = of_kind(d, DimensionKind::Position);
  CHECK(positions.size() == 2);
  for (const Dimension& dim : positions) CHECK(dim.value == Approx(50));
  // The pitch circle is drawn as a centre line.
  bool chain = false;
  for (const PageArc& a : d.arcs)
    chain |= a.pen == Pen::Center && std::abs(a.radius - 30 * d.scale) < 1e-6;
  CHECK(chain);
  const nlohmann::json j = dimensions_json(d, 1);
  bool found = false;
  for (const auto& e : j)
    if (e["kind"] == "pitch_circle") {
      found = true;
      CHECK(e["value"] == 60.0);
      CHECK(e["count"] == 6);
      CHECK(e["hole_diameter"] == 6.0);
    }
  CHECK(found);
  const nlohmann::json schema =
      cad::core::load_json_file(std::string(CAD_SOURCE_DIR) + "/data_schemas/render.schema.json");
  const nlohmann::json record{{"id", "disc"}, {"status", "ok"}, {"dimensions", j}};
  CHECK(cad::core::validate_json(record, schema).empty());
}

TEST_CASE("the example flange's bolt circle is a pitch circle", "[drawing]") {
  const Drawing d = make_drawing(run_example("flange_six_bolts"), {800, 1, 2});
  const auto pcd = of_kind(d, DimensionKind::PitchCircle);
  REQUIRE(pcd.size() == 1);
  CHECK(pcd[0].value == Approx(90));
  CHECK(pcd[0].count == 6);
  CHECK(pcd[0].second == Approx(10));
  for (const Dimension& dim : of_kind(d, DimensionKind::Position)) CHECK(dim.value == Approx(60));
}

TEST_CASE("holes that are not an equally spaced ring keep their positions", "[drawing]") {
  SECTION("three holes unequally spaced on a circle") {
    const Drawing d = make_drawing(disc_with_holes(30, 6, {0, 90, 180}), {800, 1, 2});
    CHECK(of_kind(d, DimensionKind::PitchCircle).empty());
    CHECK(of_kind(d, DimensionKind::Position).size() > 2);
  }
  SECTION("four holes on a square along the axes are a rectangle, not a circle") {
    const Drawing d =
        make_drawing(disc_with_holes(20 * M_SQRT2, 6, {45, 135, 225, 315}), {800, 1, 2});
    CHECK(of_kind(d, DimensionKind::PitchCircle).empty());
  }
  SECTION("four holes on the centre lines are a pitch circle") {
    const Drawing d = make_drawing(disc_with_holes(30, 6, {0, 90, 180, 270}), {800, 1, 2});
    const auto pcd = of_kind(d, DimensionKind::PitchCircle);
    REQUIRE(pcd.size() == 1);
    CHECK(pcd[0].count == 4);
  }
  SECTION("three equally spaced holes around a bore with a fourth hole elsewhere") {
    TopoDS_Shape part = disc_with_holes(30, 6, {90, 210, 330});
    part =
        BRepAlgoAPI_Cut(
            part,
            BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(50, 50, -1), gp_Dir(0, 0, 1)), 10, 10).Shape())
            .Shape();
    part = BRepAlgoAPI_Cut(
               part,
               BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(90, 50, -1), gp_Dir(0, 0, 1)), 3, 10).Shape())
               .Shape();
    const Drawing d = make_drawing(part, {800, 1, 2});
    const auto pcd = of_kind(d, DimensionKind::PitchCircle);
    REQUIRE(pcd.size() == 1);
    CHECK(pcd[0].count == 3);
    CHECK(pcd[0].value == Approx(60));
    // Four Ø6 holes, three of them on the circle: the circle's label says they are spaced.
    CHECK(pcd[0].label == "PCD \u00D860 (3\u00D7 EQ SP)");
    bool lone = false;  // the fourth hole is positioned: 90 from the left
    for (const Dimension& dim : of_kind(d, DimensionKind::Position))
      lone |= std::abs(dim.value - 90) < 1e-6;
    CHECK(lone);
  }
}

TEST_CASE("a row of equally spaced holes gets the first position and one pitch", "[drawing]") {
  // Three Ø10 holes 35 apart in a 100 x 60 x 6 plate, the first 15 from the left, at y 30.
  TopoDS_Shape plate = BRepPrimAPI_MakeBox(100, 60, 6).Shape();
  for (double x : {15.0, 50.0, 85.0})
    plate = BRepAlgoAPI_Cut(
                plate,
                BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(x, 30, -1), gp_Dir(0, 0, 1)), 5, 8).Shape())
                .Shape();
  const Drawing d = make_drawing(plate, {800, 1, 2});
  std::vector<double> positions;
  for (const Dimension& dim : of_kind(d, DimensionKind::Position)) positions.push_back(dim.value);
  std::sort(positions.begin(), positions.end());
  CHECK(positions == std::vector<double>{15, 30});
  int pitches = 0;
  for (const Dimension& dim : d.dimensions)
    if (dim.feature == "hole pitch") {
      ++pitches;
      CHECK(dim.horizontal);
      CHECK(dim.value == Approx(35));
      CHECK(dim.count == 2);
      CHECK(dim.label == "2\u00D7 35");
    }
  CHECK(pitches == 1);
  // Two holes off a common row or column keep their own positions.
  TopoDS_Shape two = BRepPrimAPI_MakeBox(80, 40, 8).Shape();
  for (auto [x, y] : {std::pair{40.0, 30.0}, std::pair{60.0, 10.0}})
    two =
        BRepAlgoAPI_Cut(
            two, BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(x, y, -1), gp_Dir(0, 0, 1)), 4, 10).Shape())
            .Shape();
  const Drawing d2 = make_drawing(two, {800, 1, 2});
  CHECK(of_kind(d2, DimensionKind::Position).size() == 4);
  for (const Dimension& dim : d2.dimensions) CHECK(dim.feature != "hole pitch");
}

TEST_CASE("an inclined hole gets its diameter and its opening's position", "[drawing]") {
  // A Ø8 hole at 45° in the XZ plane through the centre of a 60 x 40 x 30 block opens on the
  // top face at (45, 20); the top and bottom faces are not steps.
  TopoDS_Shape block = BRepPrimAPI_MakeBox(60, 40, 30).Shape();
  const gp_Dir axis(1, 0, 1);
  const gp_Pnt start = gp_Pnt(30, 20, 15).Translated(gp_Vec(axis) * -40);
  block =
      BRepAlgoAPI_Cut(block, BRepPrimAPI_MakeCylinder(gp_Ax2(start, axis), 4, 80).Shape()).Shape();
  const Drawing d = make_drawing(block, {800, 1, 2});
  bool diameter = false;
  for (const Dimension& dim : of_kind(d, DimensionKind::Diameter))
    diameter |= dim.feature == "inclined hole" && dim.view == ViewKind::Top &&
                std::abs(dim.value - 8) < 1e-6;
  CHECK(diameter);
  std::vector<double> positions;
  for (const Dimension& dim : of_kind(d, DimensionKind::Position)) positions.push_back(dim.value);
  std::sort(positions.begin(), positions.end());
  REQUIRE(positions.size() == 2);
  CHECK(positions[0] == Approx(20));
  CHECK(positions[1] == Approx(45));
  for (const Dimension& dim : d.dimensions) CHECK(dim.feature != "step height");
}
