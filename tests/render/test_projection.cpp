// render/projection and render/features: view axes, hidden-line removal, cylinder detection.
#include <catch2/catch.hpp>

#include <BRepPrimAPI_MakeBox.hxx>

#include "core/error.h"
#include "render/features.h"
#include "render/projection.h"
#include "test_fixtures.h"

using namespace cad::render;

TEST_CASE("views map world axes as documented (third angle, +Z up)", "[projection]") {
  Point2 f = project_point(ViewKind::Front, 1, 2, 3);
  CHECK(f.x == 1);
  CHECK(f.y == 3);
  Point2 t = project_point(ViewKind::Top, 1, 2, 3);
  CHECK(t.x == 1);
  CHECK(t.y == 2);
  Point2 l = project_point(ViewKind::Left, 1, 2, 3);
  CHECK(l.x == -2);
  CHECK(l.y == 3);
}

TEST_CASE("a block projects to its extents in each view", "[projection]") {
  TopoDS_Shape box = BRepPrimAPI_MakeBox(40, 20, 10).Shape();
  ViewProjection front = project(box, ViewKind::Front);
  CHECK(front.bounds.min_x == Approx(0).margin(1e-6));
  CHECK(front.bounds.max_x == Approx(40));
  CHECK(front.bounds.min_y == Approx(0).margin(1e-6));
  CHECK(front.bounds.max_y == Approx(10));
  ViewProjection top = project(box, ViewKind::Top);
  CHECK(top.bounds.width() == Approx(40));
  CHECK(top.bounds.height() == Approx(20));
  ViewProjection left = project(box, ViewKind::Left);
  CHECK(left.bounds.min_x == Approx(-20));
  CHECK(left.bounds.max_x == Approx(0).margin(1e-6));
  CHECK(left.bounds.height() == Approx(10));
  for (const Path2& p : front.paths) CHECK(p.visible);
  CHECK(front.paths.size() == 4);
}

TEST_CASE("a through hole is a circle on top and hidden lines in front", "[projection]") {
  TopoDS_Shape part = block_with_hole();
  ViewProjection top = project(part, ViewKind::Top);
  int circles = 0;
  for (const Path2& p : top.paths) {
    if (!p.arc) continue;
    const Arc2& a = *p.arc;
    CHECK(a.radius == Approx(3));
    CHECK(a.center.x == Approx(10));
    CHECK(a.center.y == Approx(5));
    CHECK(p.visible);
    circles += 1;
  }
  CHECK(circles >= 1);
  ViewProjection front = project(part, ViewKind::Front);
  int hidden_at_hole = 0;
  for (const Path2& p : front.paths) {
    if (p.visible) continue;
    if (std::abs(p.points.front().x - 7) < 1e-6 || std::abs(p.points.front().x - 13) < 1e-6)
      ++hidden_at_hole;
  }
  CHECK(hidden_at_hole == 2);
}

TEST_CASE("cylindrical faces become one hole feature", "[features]") {
  std::vector<CylinderFeature> features = find_cylinders(block_with_hole());
  REQUIRE(features.size() == 1);
  CHECK(features[0].hole);
  CHECK(features[0].full());
  CHECK(features[0].radius == Approx(3));
  CHECK(std::abs(features[0].direction[2]) == Approx(1));
  CHECK(features[0].origin[0] == Approx(10));
  CHECK(features[0].origin[1] == Approx(5));
}

TEST_CASE("a null shape is an error", "[projection]") {
  CHECK_THROWS_AS(project(TopoDS_Shape(), ViewKind::Front), cad::Error);
}

TEST_CASE("a meshed part projects with hidden edges and no facet edges", "[projection]") {
  // Show that the mesh projection keeps the outline and the hole's hidden silhouettes, and
  // that the facets of the hole do not become lines of their own.
  const cad::geom::Mesh mesh = cad::geom::tessellate(block_with_hole());
  ViewProjection front = project_mesh(mesh, ViewKind::Front);
  CHECK(front.bounds.min_x == Approx(0).margin(1e-4));
  CHECK(front.bounds.max_x == Approx(40).margin(1e-4));
  CHECK(front.bounds.height() == Approx(10).margin(1e-4));
  bool near7 = false, near13 = false;
  for (const Path2& p : front.paths) {
    if (p.visible) continue;
    near7 |= std::abs(p.points[0].x - 7) < 0.05 && std::abs(p.points[1].x - 7) < 0.05;
    near13 |= std::abs(p.points[0].x - 13) < 0.05 && std::abs(p.points[1].x - 13) < 0.05;
  }
  CHECK(near7);
  CHECK(near13);
  ViewProjection top = project_mesh(mesh, ViewKind::Top);
  std::size_t inside_hole = 0;  // lines strictly inside the circle would be facet edges
  for (const Path2& p : top.paths)
    for (const Point2& q : p.points) inside_hole += std::hypot(q.x - 10, q.y - 5) < 2.9;
  CHECK(inside_hole == 0);
  for (const Path2& p : top.paths) CHECK(p.visible);
  CHECK(project_mesh(cad::geom::Mesh{}, ViewKind::Left).paths.empty());
}
