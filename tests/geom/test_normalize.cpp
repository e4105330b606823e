// Tests of the metrics' normalization frames (cadrille unit cube, CAD-Recode fixed frame).
#include <catch2/catch.hpp>

#include <stdexcept>

#include "core/error.h"
#include "geom/normalize.h"

using namespace cad::geom;

TEST_CASE("normalize_unit_cube: longest side 1, box centred at 0.5", "[geom][normalize]") {
  BoundingBox box{{2, 0, 0}, {6, 1, 1}, false};
  Similarity s = normalize_unit_cube(box);
  CHECK(s.scale == 0.25);
  auto lo = s.apply(box.min), hi = s.apply(box.max);
  // Extent 4 along X -> 1; the 1-wide sides -> 0.25, centred at 0.5.
  CHECK(lo[0] == Approx(0.0).margin(1e-15));
  CHECK(hi[0] == Approx(1.0));
  CHECK(lo[1] == Approx(0.375));
  CHECK(hi[1] == Approx(0.625));
  CHECK(lo[2] == Approx(0.375));
  CHECK(hi[2] == Approx(0.625));
  auto c = s.apply({4, 0.5, 0.5});
  for (double x : c) CHECK(x == Approx(0.5));
}

TEST_CASE("normalize_unit_cube of a point or an empty box only centres", "[geom][normalize]") {
  // cadrille scales only when the extent exceeds 1e-7.
  Similarity p = normalize_unit_cube(BoundingBox{{3, 4, 5}, {3, 4, 5}, false});
  CHECK(p.scale == 1);
  auto q = p.apply({3, 4, 5});
  for (double x : q) CHECK(x == Approx(0.5));
  Similarity e = normalize_unit_cube(BoundingBox{});
  CHECK(e.scale == 1);
  CHECK(e.apply({0, 0, 0}) == std::array<double, 3>{0.5, 0.5, 0.5});
}

TEST_CASE("normalize_fixed_prediction is x / 200 + 0.5", "[geom][normalize]") {
  Similarity s = normalize_fixed_prediction();
  CHECK(s.apply({0, 0, 0}) == std::array<double, 3>{0.5, 0.5, 0.5});
  CHECK(s.apply({100, -100, 200}) == std::array<double, 3>{1.0, 0.0, 1.5});
}

TEST_CASE("normalization_for picks the frame per mode and role", "[geom][normalize]") {
  BoundingBox box{{-10, -10, -10}, {10, 30, 10}, false};
  auto gt = normalization_for(Normalization::Fixed, box, false);
  auto pred = normalization_for(Normalization::Fixed, box, true);
  CHECK(gt.scale == Approx(1.0 / 40));
  CHECK(pred.scale == 1.0 / 200);
  CHECK(normalization_for(Normalization::UnitCube, box, true).scale == Approx(1.0 / 40));
  CHECK(normalization_for(Normalization::None, box, true).scale == 1);
  CHECK_THROWS_AS(normalization_for(Normalization::Inertia, box, true), std::invalid_argument);
}

TEST_CASE("normalization names round-trip; unknown names are usage errors", "[geom][normalize]") {
  for (auto mode :
       {Normalization::UnitCube, Normalization::Fixed, Normalization::None, Normalization::Inertia})
    CHECK(parse_normalization(to_string(mode)) == mode);
  CHECK(to_string(Normalization::UnitCube) == "unit-cube");
  CHECK_THROWS_AS(parse_normalization("unitcube"), cad::UsageError);
  CHECK_THROWS_AS(parse_normalization(""), cad::UsageError);
}

TEST_CASE("mesh_bbox spans the vertices the triangles use", "[geom][normalize]") {
  Mesh m;
  m.vertices = {{0, 1, 2}, {3, -1, 2}, {1, 1, 5}, {100, 100, 100}};  // the last is unused
  m.triangles = {{0, 1, 2}};
  BoundingBox b = mesh_bbox(m);
  CHECK_FALSE(b.empty);
  CHECK(b.min == std::array<double, 3>{0, -1, 2});
  CHECK(b.max == std::array<double, 3>{3, 1, 5});
  CHECK(b.max_extent() == 3);
  CHECK(mesh_bbox(Mesh{}).empty);
  CHECK(mesh_bbox(Mesh{}).max_extent() == 0);
  // The normalized mesh has its longest side 1 and its box centred at 0.5.
  BoundingBox n = mesh_bbox(transformed(m, normalize_unit_cube(b)));
  CHECK(n.max_extent() == Approx(1.0));
  for (int k = 0; k < 3; ++k) CHECK((n.min[k] + n.max[k]) / 2 == Approx(0.5));
}

TEST_CASE("shape_bbox copies measure()'s box", "[geom][normalize]") {
  ShapeProperties p;
  CHECK(shape_bbox(p).empty);
  p.empty = false;
  p.bbox_min = {1, 2, 3};
  p.bbox_max = {4, 5, 6};
  BoundingBox b = shape_bbox(p);
  CHECK_FALSE(b.empty);
  CHECK(b.max == std::array<double, 3>{4, 5, 6});
}
