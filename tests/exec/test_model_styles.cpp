// Scripts in the styles models write (CAD-Recode, CAD-Coder, loops), with volumes derived by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "exec/execute.h"

using nlohmann::json;

namespace {

json run(const std::string& code) {
  json r = cad::exec::execute({"style", nullptr, code}, {}).record;
  INFO(code << "\n" << r.dump(2));
  REQUIRE(r["status"] == "ok");
  return r;
}

double extent(const json& r, int axis) {
  return r["bbox"]["max"][axis].get<double>() - r["bbox"]["min"][axis].get<double>();
}

}  // namespace

TEST_CASE("CAD-Recode style: sketch segments and arcs, assemble, finalize, extrude, union",
          "[exec]") {
  // A 20 x 10 rectangle with a half disc of radius 5 on its right end, 4 thick:
  // (200 + pi * 25 / 2) * 4. Then a 4 x 4 x 2 block on the YZ plane, touching it.
  json r = run(R"(import cadquery as cq
w0=cq.Workplane('XY',origin=(0,0,0))
r=w0.sketch().segment((-10,-5),(10,-5)).arc((10,-5),(15,0),(10,5)).segment((-10,5)).close().assemble().finalize().extrude(4)
w1=cq.Workplane('YZ',origin=(0,0,4))
r=r.union(w1.sketch().push([(0,2)]).rect(4,4).finalize().extrude(2))
)");
  CHECK(r["volume"].get<double>() == Approx((200 + M_PI * 12.5) * 4 + 32).epsilon(1e-9));
  CHECK(r["bbox"]["max"][0].get<double>() == Approx(15));
  CHECK(r["bbox"]["max"][2].get<double>() == Approx(8));
  CHECK(r["solids"] == 1);
  CHECK(r["ops"]["line"].get<int>() >= 3);
  CHECK(r["ops"]["arc"] == 1);
}

TEST_CASE("CAD-Recode style: a workplane origin offsets the sketch, subtract mode makes holes",
          "[exec]") {
  json r = run(R"(import cadquery as cq
w0 = cq.Workplane('XY', origin=(0, 0, -25))
r = w0.sketch().segment((-50, -50), (50, -50)).segment((50, 50)).segment((-50, 50)).close().assemble().push([(0, 0)]).circle(20, mode='s').finalize().extrude(50)
)");
  CHECK(r["volume"].get<double>() == Approx((10000 - M_PI * 400) * 50).epsilon(1e-9));
  CHECK(r["bbox"]["min"][2].get<double>() == Approx(-25));
  CHECK(r["bbox"]["max"][2].get<double>() == Approx(25));
}

TEST_CASE("CAD-Coder style: cq.Plane(cq.Vector...) workplanes and add(loop)", "[exec]") {
  // A 1.5 x 0.0625 rectangle drawn on a plane whose origin is (-0.75, 0, 0), extruded 0.75.
  json r = run(R"(import cadquery as cq
# Generating a workplane for sketch 0
wp_sketch0 = cq.Workplane(cq.Plane(cq.Vector(-0.75, 0.0, 0.0), cq.Vector(1.0, 0.0, 0.0), cq.Vector(0.0, 0.0, 1.0)))
loop0=wp_sketch0.moveTo(1.5, 0.0).lineTo(1.5, 0.0625).lineTo(0.0, 0.0625).lineTo(0.0, 0.0).close()
solid0=wp_sketch0.add(loop0).extrude(0.75)
solid=solid0
)");
  CHECK(r["volume"].get<double>() == Approx(1.5 * 0.0625 * 0.75).epsilon(1e-9));
  CHECK(r["bbox"]["min"][0].get<double>() == Approx(-0.75));
  CHECK(r["bbox"]["max"][0].get<double>() == Approx(0.75));
  CHECK(extent(r, 1) == Approx(0.0625));
  CHECK(extent(r, 2) == Approx(0.75));
  CHECK(r["result_var"] == "solid");
}

TEST_CASE("CAD-Coder style: a second sketch on a rotated plane is joined", "[exec]") {
  // A 2 x 2 x 2 cube (x, y in [-1, 1], z in [0, 2]), plus a unit square on a plane with
  // normal -Y (so yDir = normal x xDir = +Z): x in [0, 1], z in [0, 1], extruded 3 along -Y
  // to y in [-3, 0]. One unit of it lies inside the cube.
  json r = run(R"(import cadquery as cq
wp0 = cq.Workplane(cq.Plane(cq.Vector(-1.0, -1.0, 0.0), cq.Vector(1.0, 0.0, 0.0), cq.Vector(0.0, 0.0, 1.0)))
solid0 = wp0.add(wp0.moveTo(0, 0).lineTo(2, 0).lineTo(2, 2).lineTo(0, 2).close()).extrude(2)
wp1 = cq.Workplane(cq.Plane(cq.Vector(0.0, 0.0, 0.0), cq.Vector(1.0, 0.0, 0.0), cq.Vector(0.0, -1.0, 0.0)))
solid1 = wp1.add(wp1.moveTo(0, 0).lineTo(1, 0).lineTo(1, 1).lineTo(0, 1).close()).extrude(3)
solid = solid0.union(solid1)
)");
  // The part with y in [-3, -1] sticks out: 1 * 2 * 1.
  CHECK(r["volume"].get<double>() == Approx(8 + 2).epsilon(1e-9));
  CHECK(r["bbox"]["min"][1].get<double>() == Approx(-3));
}

TEST_CASE("loops: for x, y in points builds and unions", "[exec]") {
  json r = run(R"(import cadquery as cq
points = [(0, 0), (20, 0), (20, 10), (0, 10)]
result = cq.Workplane("XY")
for x, y in points:
    result = result.union(cq.Workplane("XY").box(2, 2, 2).translate((x, y, 1)))
)");
  CHECK(r["volume"].get<double>() == Approx(32).epsilon(1e-9));
  CHECK(r["solids"] == 4);
  CHECK(r["bbox"]["min"][0].get<double>() == Approx(-1));
  CHECK(r["bbox"]["max"][0].get<double>() == Approx(21));
}

TEST_CASE("comprehensions and math build a regular hexagon prism", "[exec]") {
  // Circumradius 10: area 3 * sqrt(3) / 2 * 100, height 3.
  json r = run(R"(import cadquery as cq
import math
pts = [(10 * math.cos(2 * math.pi * i / 6), 10 * math.sin(2 * math.pi * i / 6)) for i in range(6)]
r = cq.Workplane().polyline(pts).close().extrude(3)
)");
  CHECK(r["volume"].get<double>() == Approx(1.5 * std::sqrt(3.0) * 100 * 3).epsilon(1e-9));
  CHECK(r["ops"]["line"] == 6);
}

TEST_CASE("functions with defaults and keyword arguments", "[exec]") {
  // 10 x 20 x 2 plate (400) plus a 4 x 4 x 5 post on top (80).
  json r = run(R"(import cadquery as cq
def plate(w: float, h: float, t: float = 2) -> cq.Workplane:
    return cq.Workplane("XY").rect(w, h).extrude(t)

part = plate(10, 20).union(plate(4, 4, t=5).translate((0, 0, 2)))
)");
  CHECK(r["volume"].get<double>() == Approx(480).epsilon(1e-9));
  CHECK(r["bbox"]["max"][2].get<double>() == Approx(7));
}

TEST_CASE("a plate with a pattern of holes from nested loops", "[exec]") {
  // 60 x 40 x 5 plate with 3 x 2 holes of diameter 4: 12000 - 6 * pi * 4 * 5.
  json r = run(R"(import cadquery as cq
holes = []
for i in range(3):
    for j in range(2):
        holes.append((-20 + 20 * i, -10 + 20 * j))
result = cq.Workplane("XY").box(60, 40, 5).faces(">Z").workplane().pushPoints(holes).hole(4)
)");
  CHECK(r["volume"].get<double>() == Approx(12000 - 6 * M_PI * 4 * 5).epsilon(1e-9));
  CHECK(r["ops"]["hole"] == 6);
}
