// Tests of geom/mesh_solid: closure checks and closed meshes as OCCT solids.
#include <catch2/catch.hpp>

#include <BRepCheck_Analyzer.hxx>
#include <BRepGProp.hxx>
#include <BRepPrimAPI_MakeBox.hxx>
#include <GProp_GProps.hxx>
#include <TopExp_Explorer.hxx>

#include <chrono>
#include <cmath>

#include "exec/execute.h"
#include "geom/mesh_solid.h"

using cad::geom::Mesh;

namespace {

double volume(const TopoDS_Shape& s) {
  GProp_GProps p;
  BRepGProp::VolumeProperties(s, p);
  return p.Mass();
}

// A 2 x 3 x 4 box as 8 shared vertices and 12 outward triangles.
Mesh box_mesh() {
  Mesh m;
  for (int i = 0; i < 8; ++i)
    m.vertices.push_back({i & 1 ? 2.f : 0.f, i & 2 ? 3.f : 0.f, i & 4 ? 4.f : 0.f});
  m.triangles = {{0, 2, 1}, {1, 2, 3}, {4, 5, 6}, {5, 7, 6}, {0, 1, 4}, {1, 5, 4},
                 {2, 6, 3}, {3, 6, 7}, {0, 4, 2}, {2, 4, 6}, {1, 3, 5}, {3, 7, 5}};
  return m;
}

}  // namespace

TEST_CASE("a hand-made closed box mesh becomes a valid solid of the same volume", "[geom]") {
  Mesh m = box_mesh();
  REQUIRE(cad::geom::mesh_volume(m) == Approx(24));
  CHECK(cad::geom::is_closed(m));
  std::string why;
  auto solid = cad::geom::mesh_to_solid(m, &why);
  REQUIRE(solid);
  CHECK(volume(*solid) == Approx(24).epsilon(1e-9));
  CHECK(BRepCheck_Analyzer(*solid).IsValid());
}

TEST_CASE("an inside-out mesh is turned outward", "[geom]") {
  Mesh m = box_mesh();
  for (auto& t : m.triangles) std::swap(t[1], t[2]);
  REQUIRE(cad::geom::mesh_volume(m) == Approx(-24));
  auto solid = cad::geom::mesh_to_solid(m);
  REQUIRE(solid);
  CHECK(volume(*solid) == Approx(24).epsilon(1e-9));
}

TEST_CASE("an open or inconsistently oriented mesh is rejected with a reason", "[geom]") {
  Mesh open = box_mesh();
  open.triangles.pop_back();
  auto c = cad::geom::check_closure(open);
  CHECK(c.boundary_edges == 3);
  CHECK_FALSE(cad::geom::is_closed(open));
  std::string why;
  CHECK_FALSE(cad::geom::mesh_to_solid(open, &why));
  CHECK(why.find("3 boundary edges") != std::string::npos);

  Mesh flipped = box_mesh();
  std::swap(flipped.triangles[0][1], flipped.triangles[0][2]);
  CHECK_FALSE(cad::geom::is_closed(flipped));
  CHECK_FALSE(cad::geom::mesh_to_solid(flipped, &why));
  CHECK(why.find("inconsistently oriented") != std::string::npos);

  CHECK_FALSE(cad::geom::mesh_to_solid(Mesh{}, &why));
  CHECK(why == "mesh has no triangles");
}

TEST_CASE("a tessellated box (unwelded vertices) gives back its volume", "[geom]") {
  TopoDS_Shape box = BRepPrimAPI_MakeBox(1.5, 2.5, 0.75).Shape();
  Mesh m = cad::geom::tessellate(box);
  CHECK(cad::geom::is_closed(m));
  auto solid = cad::geom::mesh_to_solid(m);
  REQUIRE(solid);
  CHECK(volume(*solid) == Approx(1.5 * 2.5 * 0.75).epsilon(1e-6));
  CHECK(BRepCheck_Analyzer(*solid).IsValid());
}

TEST_CASE("a hollow part keeps its void and a 50k-triangle sphere converts quickly", "[geom]") {
  auto run = [](const std::string& code) {
    auto ex = cad::exec::execute({"t", nullptr, code}, {});
    REQUIRE(ex.record["status"] == "ok");
    return ex.shape;
  };
  // A box with an internal cavity: two shells, the inner one a void.
  TopoDS_Shape hollow =
      run("import cadquery as cq\n"
          "result = cq.Workplane('XY').box(4, 4, 4).cut(cq.Workplane('XY').box(2, 2, 2))\n");
  Mesh hm = cad::geom::tessellate(hollow);
  auto hs = cad::geom::mesh_to_solid(hm);
  REQUIRE(hs);
  CHECK(volume(*hs) == Approx(64 - 8).epsilon(1e-6));

  // A UV sphere of radius 1 with 49,500 triangles (poles are fans).
  Mesh cm;
  const int rings = 100, segments = 250;
  cm.vertices.push_back({0, 0, 1});
  for (int i = 1; i < rings; ++i)
    for (int j = 0; j < segments; ++j) {
      double th = M_PI * i / rings, ph = 2 * M_PI * j / segments;
      cm.vertices.push_back({float(std::sin(th) * std::cos(ph)), float(std::sin(th) * std::sin(ph)),
                             float(std::cos(th))});
    }
  cm.vertices.push_back({0, 0, -1});
  auto at = [&](int i, int j) { return std::uint32_t(1 + (i - 1) * segments + (j % segments)); };
  const auto south = std::uint32_t(cm.vertices.size() - 1);
  for (int j = 0; j < segments; ++j) {
    cm.triangles.push_back({0, at(1, j), at(1, j + 1)});
    for (int i = 1; i + 1 < rings; ++i) {
      cm.triangles.push_back({at(i, j), at(i + 1, j), at(i + 1, j + 1)});
      cm.triangles.push_back({at(i, j), at(i + 1, j + 1), at(i, j + 1)});
    }
    cm.triangles.push_back({at(rings - 1, j), south, at(rings - 1, j + 1)});
  }
  REQUIRE(cad::geom::mesh_volume(cm) > 4);
  REQUIRE(cm.triangles.size() == 49500);  // 250 * (2 * 98 + 2)
  auto t0 = std::chrono::steady_clock::now();
  auto cs = cad::geom::mesh_to_solid(cm);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(cs);
  CHECK(volume(*cs) == Approx(cad::geom::mesh_volume(cm)).epsilon(1e-6));
  WARN("mesh_to_solid: " << cm.triangles.size() << " triangles in " << ms << " ms");
  CHECK(ms < 5000);
}
