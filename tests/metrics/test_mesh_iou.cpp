// Tests of metrics/mesh_iou: CGAL mesh repair, volumes and corefinement IoU, with answers
// derived by hand, and agreement with OCCT's exact booleans on the corpus.
#include <catch2/catch.hpp>

#include "../corpus_dir.h"

#include <BRepBndLib.hxx>
#include <BRepPrimAPI_MakeBox.hxx>
#include <BRepPrimAPI_MakeSphere.hxx>
#include <Bnd_Box.hxx>
#include <TopExp_Explorer.hxx>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "exec/execute.h"
#include "geom/mesh.h"
#include "metrics/alignment.h"
#include "metrics/iou.h"
#include "metrics/mesh_iou.h"

namespace fs = std::filesystem;
using cad::geom::Mesh;
using cad::metrics::IouBackend;
using cad::metrics::IouOptions;
using cad::metrics::mesh_iou;
using cad::metrics::VolumeMesh;

namespace {

const double kPi = 3.14159265358979323846;

TopoDS_Shape box(double x0, double y0, double z0, double dx, double dy, double dz) {
  return BRepPrimAPI_MakeBox(gp_Pnt(x0, y0, z0), dx, dy, dz).Shape();
}

// A cube as a triangle soup: every triangle has its own three corners (as in an STL file
// before its vertices are welded).
Mesh soup(const Mesh& m) {
  Mesh out;
  for (const auto& t : m.triangles) {
    auto base = static_cast<std::uint32_t>(out.vertices.size());
    for (auto i : t) out.vertices.push_back(m.vertices[i]);
    out.triangles.push_back({base, base + 1, base + 2});
  }
  return out;
}

}  // namespace

TEST_CASE("mesh IoU of two unit cubes offset by 0.5 is 1/3", "[metrics][mesh_iou]") {
  VolumeMesh a(cad::geom::tessellate(box(0, 0, 0, 1, 1, 1)));
  VolumeMesh b(cad::geom::tessellate(box(0.5, 0, 0, 1, 1, 1)));
  REQUIRE(a.bounds_volume());
  REQUIRE(b.bounds_volume());
  CHECK(a.volume() == Approx(1).epsilon(1e-12));
  CHECK(a.repair().describe().empty());
  // Common 0.5 (coplanar faces at y = 0, 1 and z = 0, 1), union 1.5; within the 1e-9 nudge
  // of the corefinement (its distance times the area: a few 1e-9).
  CHECK(cad::metrics::intersection_volume(a, b) == Approx(0.5).margin(1e-8));
  CHECK(mesh_iou(a, b) == Approx(1.0 / 3).margin(1e-8));
  CHECK(mesh_iou(b, a) == Approx(1.0 / 3).margin(1e-8));
  // Identical, disjoint, contained, touching along a face.
  CHECK(mesh_iou(a, a) == Approx(1).margin(1e-8));
  CHECK(mesh_iou(a, VolumeMesh(cad::geom::tessellate(box(2, 0, 0, 1, 1, 1)))) == 0);
  CHECK(mesh_iou(VolumeMesh(cad::geom::tessellate(box(0, 0, 0, 2, 2, 2))), a) ==
        Approx(1.0 / 8).margin(1e-8));
  CHECK(mesh_iou(a, VolumeMesh(cad::geom::tessellate(box(1, 0, 0, 1, 1, 1)))) ==
        Approx(0).margin(1e-8));
}

TEST_CASE("mesh IoU of a cube and a finely meshed sphere matches the analytic volumes",
          "[metrics][mesh_iou]") {
  // A sphere of radius 0.5 centred on a corner of the unit cube: one eighth of it is inside.
  const double r = 0.5;
  TopoDS_Shape sphere = BRepPrimAPI_MakeSphere(gp_Pnt(1, 1, 1), r).Shape();
  Mesh sm = cad::geom::tessellate(sphere, 1e-4, 0.05);
  VolumeMesh s(sm), c(cad::geom::tessellate(box(0, 0, 0, 1, 1, 1)));
  REQUIRE(s.bounds_volume());
  const double vs = 4.0 / 3 * kPi * r * r * r, inter = vs / 8, uni = 1 + vs - inter;
  // Inscribed chords lose at most about 2/3 * deflection * area: 2/3 * 1e-4 * pi / 0.52 = 4e-4
  // of the volume (measured: about 1e-4).
  CHECK(s.volume() == Approx(vs).epsilon(4e-4));
  CHECK(cad::metrics::intersection_volume(s, c) == Approx(inter).epsilon(4e-4));
  CHECK(mesh_iou(s, c) == Approx(inter / uni).epsilon(4e-4));
  CHECK(s.volume() < vs);  // chords are inside a convex surface
}

TEST_CASE("repairs: an unwelded soup is welded, flipped triangles are turned outward",
          "[metrics][mesh_iou]") {
  Mesh cube = cad::geom::tessellate(box(0, 0, 0, 1, 1, 1));
  Mesh other = cad::geom::tessellate(box(0.25, 0.25, 0, 1, 1, 1));
  const double expected = 0.5625 / 1.4375;

  SECTION("a triangle soup (an STL before welding) with an unused point") {
    Mesh s = soup(cube);
    s.vertices.push_back({5.0f, 5.0f, 5.0f});
    VolumeMesh v(s);
    CHECK(v.bounds_volume());
    CHECK(v.repair().removed_points > 0);
    CHECK(mesh_iou(v, VolumeMesh(other)) == Approx(expected).margin(1e-8));
  }
  SECTION("every other triangle flipped") {
    Mesh flipped = cube;
    for (std::size_t i = 0; i < flipped.triangles.size(); i += 2)
      std::swap(flipped.triangles[i][1], flipped.triangles[i][2]);
    VolumeMesh v(flipped);
    CHECK(v.bounds_volume());
    CHECK(v.volume() == Approx(1).epsilon(1e-12));
    CHECK(mesh_iou(v, VolumeMesh(other)) == Approx(expected).margin(1e-8));
  }
  SECTION("the whole mesh inside out") {
    Mesh inside_out = cube;
    for (auto& t : inside_out.triangles) std::swap(t[1], t[2]);
    VolumeMesh v(inside_out);
    CHECK(v.bounds_volume());
    CHECK(v.repair().reoriented);
    CHECK(v.volume() == Approx(1).epsilon(1e-12));
    CHECK(mesh_iou(v, VolumeMesh(other)) == Approx(expected).margin(1e-8));
  }
  SECTION("degenerate triangles are dropped") {
    Mesh d = cube;
    d.triangles.push_back({0, 0, 1});  // repeated corners
    d.triangles.push_back({2, 3, 3});
    VolumeMesh v(d);
    CHECK(v.bounds_volume());
    CHECK(v.repair().removed_triangles >= 2);
    CHECK(v.volume() == Approx(1).epsilon(1e-12));
  }
}

TEST_CASE("a mesh with a hole is reported, never silently wrong", "[metrics][mesh_iou]") {
  Mesh cube = cad::geom::tessellate(box(0, 0, 0, 1, 1, 1));
  Mesh holed = cube;
  holed.triangles.pop_back();
  VolumeMesh v(holed);
  CHECK_FALSE(v.bounds_volume());
  CHECK(v.volume() == 0);
  CHECK(v.repair().boundary_edges == 3);
  CHECK(v.repair().describe().find("3 boundary edges left") != std::string::npos);
  VolumeMesh whole(cube);
  CHECK_THROWS_WITH(mesh_iou(v, whole), Catch::Contains("does not bound a volume"));
  // Through iou(): the voxel fallback, with the reason.
  auto r = cad::metrics::iou(holed, cube);
  CHECK(r.backend == "voxel");
  CHECK(r.note.find("does not bound a volume") != std::string::npos);
  IouOptions strict;
  strict.voxel_fallback = false;
  CHECK_THROWS_AS(cad::metrics::iou(holed, cube, strict), cad::Error);
  // An empty mesh.
  CHECK_FALSE(VolumeMesh(Mesh{}).bounds_volume());
}

TEST_CASE("two overlapping bodies in one mesh: the corefinement's failure is reported",
          "[metrics][mesh_iou]") {
  // Two cubes overlapping, exported as one mesh (as the STL of 00980412): closed, but it
  // intersects itself, so it does not bound one volume.
  Mesh a = cad::geom::tessellate(box(0, 0, 0, 1, 1, 1));
  Mesh b = cad::geom::tessellate(box(0.5, 0.5, 0.5, 1, 1, 1));
  Mesh both = a;
  auto base = static_cast<std::uint32_t>(both.vertices.size());
  both.vertices.insert(both.vertices.end(), b.vertices.begin(), b.vertices.end());
  for (auto t : b.triangles) both.triangles.push_back({t[0] + base, t[1] + base, t[2] + base});
  auto r = cad::metrics::iou(both, a);
  INFO(r.note);
  CHECK(r.backend == "voxel");
  CHECK(!r.note.empty());
}

TEST_CASE("a moved VolumeMesh keeps its volume and orientation, reflections included",
          "[metrics][mesh_iou]") {
  VolumeMesh a(cad::geom::tessellate(box(0, 0, 0, 1, 2, 3)));
  cad::geom::Similarity s;
  s.scale = 2;
  s.rotation = {{{-1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};  // a mirror
  s.translation = {1, 0, 0};
  VolumeMesh m = a.transformed(s);
  CHECK(m.bounds_volume());
  CHECK(m.volume() == Approx(48).epsilon(1e-12));
  // The mirrored box spans x in [-1, 1]; the box [-1, 1] x [0, 4] x [0, 6] is the same.
  VolumeMesh same(cad::geom::tessellate(box(-1, 0, 0, 2, 4, 6)));
  CHECK(mesh_iou(m, same) == Approx(1).margin(1e-8));
}

TEST_CASE("mesh IoU equals OCCT's exact IoU within 1e-3 on the corpus solids, meshed finely",
          "[metrics][mesh_iou][corpus]") {
  fs::path dir = fs::path(CAD_CORPUS_DIR) / "cadprompt";
  CAD_REQUIRE_CORPUS(dir);
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir))
    if (fs::exists(e.path() / "expert.py")) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() == 100);
  IouOptions occt, mesh;
  occt.backend = IouBackend::Occt;
  occt.voxel_fallback = false;
  mesh.backend = IouBackend::Mesh;
  mesh.voxel_fallback = false;
  mesh.mesh_tolerance = 2e-5;
  mesh.mesh_angle = 0.05;
  int compared = 0, occt_failed = 0, multi_body = 0;
  double worst = 0;
  std::string worst_id;
  for (const fs::path& c : cases) {
    std::string id = c.filename().string();
    std::ifstream in(c / "expert.py");
    std::stringstream code;
    code << in.rdbuf();
    auto ex = cad::exec::execute({id, nullptr, code.str()}, {});
    if (ex.record["status"] != "ok") continue;
    // The solid against a copy moved by a fraction of its size along every axis and turned:
    // a non-trivial overlap with no coincident faces.
    Bnd_Box bb;
    BRepBndLib::Add(ex.shape, bb);
    const double size = std::sqrt(bb.SquareExtent());
    cad::geom::Similarity move;
    const double a = 0.3;  // radians about Z
    move.rotation = {{{std::cos(a), -std::sin(a), 0}, {std::sin(a), std::cos(a), 0}, {0, 0, 1}}};
    move.translation = {0.05 * size, 0.03 * size, 0.02 * size};
    TopoDS_Shape moved = cad::metrics::transformed_solid(ex.shape, move);
    cad::metrics::IouResult exact;
    try {
      exact = cad::metrics::iou(ex.shape, moved, occt);
    } catch (const cad::Error& e) {
      ++occt_failed;  // OCCT's boolean failed: nothing exact to compare with
      continue;
    }
    if (exact.note.find("warned") != std::string::npos) {
      ++occt_failed;
      continue;
    }
    cad::metrics::IouResult m;
    try {
      m = cad::metrics::iou(ex.shape, moved, mesh);
    } catch (const cad::Error& e) {
      // A script that adds bodies without a union gives overlapping solids: their mesh
      // intersects itself and bounds no single volume (cad-eval then falls back to voxels).
      // Any other failure is a bug.
      int solids = 0;
      for (TopExp_Explorer s(ex.shape, TopAbs_SOLID); s.More(); s.Next()) ++solids;
      if (solids > 1 && std::string(e.what()).find("intersect") != std::string::npos) {
        ++multi_body;
        continue;
      }
      FAIL_CHECK(id << ": " << e.what());
      continue;
    }
    INFO(id << ": occt " << exact.iou << ", mesh " << m.iou << " " << m.note);
    CHECK(m.backend == "mesh");
    CHECK(m.iou == Approx(exact.iou).margin(1e-3));
    if (std::fabs(m.iou - exact.iou) > worst) {
      worst = std::fabs(m.iou - exact.iou);
      worst_id = id;
    }
    ++compared;
  }
  WARN(compared << " corpus solids compared (" << occt_failed << " without a clean OCCT boolean, "
                << multi_body << " of overlapping bodies); worst |mesh - occt| " << worst << " ("
                << worst_id << ")");
  CHECK(multi_body <= 2);
  CHECK(compared >= 90);
}
