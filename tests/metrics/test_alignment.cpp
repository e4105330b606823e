// Tests of metrics/alignment: mass properties, Jacobi eigenvectors, CAD-Coder's IoU_best.
#include <catch2/catch.hpp>

#include <BRepGProp.hxx>
#include <BRepPrimAPI_MakeBox.hxx>
#include <GProp_GProps.hxx>

#include <cmath>

#include "core/error.h"
#include "exec/execute.h"
#include "metrics/alignment.h"

using cad::geom::Similarity;
using cad::metrics::Matrix3;

namespace {

TopoDS_Shape run(const std::string& code) {
  auto ex = cad::exec::execute({"t", nullptr, "import cadquery as cq\n" + code}, {});
  INFO(ex.record.dump());
  REQUIRE(ex.record["status"] == "ok");
  return ex.shape;
}

double det(const Matrix3& r) {
  return r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
         r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
         r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
}

// Rotation by `deg` degrees about `axis` (Rodrigues), scaled and translated.
Similarity rigid(std::array<double, 3> axis, double deg, double scale, std::array<double, 3> t) {
  double n = std::sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
  for (double& a : axis) a /= n;
  double th = deg * M_PI / 180, c = std::cos(th), s = std::sin(th);
  const auto& [x, y, z] = axis;
  Similarity out;
  out.rotation = {{{c + x * x * (1 - c), x * y * (1 - c) - z * s, x * z * (1 - c) + y * s},
                   {y * x * (1 - c) + z * s, c + y * y * (1 - c), y * z * (1 - c) - x * s},
                   {z * x * (1 - c) - y * s, z * y * (1 - c) + x * s, c + z * z * (1 - c)}}};
  out.scale = scale;
  out.translation = t;
  return out;
}

const char* kBracket =
    "result = (cq.Workplane('XY').polyline([(0, 0), (4, 0), (4, 0.6), (0.6, 0.6), (0.6, 3), (0, "
    "3)])"
    ".close().extrude(2).faces('>X').workplane().hole(0.5))\n";
// Three orthogonal arms of different lengths from one corner: no mirror symmetry.
const char* kTripod =
    "result = (cq.Workplane('XY').box(4, 1, 1, centered=False)"
    ".union(cq.Workplane('XY').box(1, 3, 1, centered=False))"
    ".union(cq.Workplane('XY').box(1, 1, 2, centered=False)))\n";

}  // namespace

TEST_CASE("Jacobi eigen-decomposition of symmetric 3x3 matrices", "[metrics]") {
  Similarity r = rigid({1, 2, 3}, 40, 1, {0, 0, 0});
  // M = R diag(5, 1, 3) R^T: eigenvalues 1, 3, 5 with eigenvectors R's columns 1, 2, 0.
  double d[3] = {5, 1, 3};
  Matrix3 m{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) m[i][j] += r.rotation[i][k] * d[k] * r.rotation[j][k];
  auto e = cad::metrics::symmetric_eigen(m);
  CHECK(e.values[0] == Approx(1));
  CHECK(e.values[1] == Approx(3));
  CHECK(e.values[2] == Approx(5));
  CHECK(det(e.vectors) == Approx(1));
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 3; ++i) {
      double mv = 0;
      for (int j = 0; j < 3; ++j) mv += m[i][j] * e.vectors[j][k];
      CHECK(mv == Approx(e.values[k] * e.vectors[i][k]).margin(1e-12));
    }
  int col_of[3] = {1, 2, 0};  // eigenvalue k is d[col_of[k]]
  for (int k = 0; k < 3; ++k) {
    double dot = 0;
    for (int i = 0; i < 3; ++i) dot += e.vectors[i][k] * r.rotation[i][col_of[k]];
    CHECK(std::fabs(dot) == Approx(1));
  }
  // Diagonal input: no rotation needed, sorted.
  auto diag = cad::metrics::symmetric_eigen({{{2, 0, 0}, {0, 1, 0}, {0, 0, 3}}});
  CHECK(diag.values == std::array<double, 3>{1, 2, 3});
}

TEST_CASE("mass properties of a mesh match OCCT's for the same polyhedron", "[metrics]") {
  // A rotated polyhedral solid: OCCT integrates the B-rep, we integrate the triangles.
  TopoDS_Shape tripod =
      cad::metrics::transformed_solid(run(kTripod), rigid({1, -2, 0.5}, 33, 1.7, {3, -1, 2}));
  auto exact = cad::metrics::mass_properties(tripod);
  auto mesh = cad::metrics::mass_properties(cad::geom::tessellate(tripod));
  CHECK(exact.volume == Approx(1.7 * 1.7 * 1.7 * 7));  // 4 + 3 + 2 - 2 (shared corner)
  CHECK(mesh.volume == Approx(exact.volume).epsilon(1e-6));
  for (int i = 0; i < 3; ++i) {
    CHECK(mesh.center[i] == Approx(exact.center[i]).epsilon(1e-6));
    for (int j = 0; j < 3; ++j)
      CHECK(mesh.inertia[i][j] == Approx(exact.inertia[i][j]).epsilon(1e-5).margin(1e-6));
  }
  // OCCT's convention, checked on an axis-aligned box a x b x c at the origin: about the
  // centre Ixx = V (b^2 + c^2) / 12 and no products.
  auto box = cad::metrics::mass_properties(BRepPrimAPI_MakeBox(1, 2, 3).Shape());
  CHECK(box.inertia[0][0] == Approx(6 * (4 + 9) / 12.0));
  CHECK(box.inertia[0][1] == Approx(0).margin(1e-12));
  CHECK(box.center[2] == Approx(1.5));
}

TEST_CASE("the inertia frame centres, scales and aligns a shape", "[metrics]") {
  // A 1 x 2 x 3 box rotated: the frame maps it back onto an axis-aligned box with its
  // smallest eigenvalue (the longest axis, 3) along X.
  Similarity move = rigid({2, 1, -1}, 71, 2.5, {4, 5, 6});
  TopoDS_Shape box = cad::metrics::transformed_solid(BRepPrimAPI_MakeBox(1, 2, 3).Shape(), move);
  Similarity f = cad::metrics::inertia_frame(box);
  auto p = cad::metrics::mass_properties(cad::metrics::transformed_solid(box, f));
  for (double c : p.center) CHECK(c == Approx(0).margin(1e-9));
  CHECK(p.inertia[0][1] == Approx(0).margin(1e-9));
  CHECK(p.inertia[1][2] == Approx(0).margin(1e-9));
  CHECK(p.inertia[0][0] < p.inertia[1][1]);
  CHECK(p.inertia[1][1] < p.inertia[2][2]);
  // Normalized: sum of eigenvalues / volume = 1.
  CHECK((p.inertia[0][0] + p.inertia[1][1] + p.inertia[2][2]) / p.volume == Approx(1));
  // Box of sides (a, b, c) = k (3, 2, 1) along X, Y, Z: trace/V = (2/12) k^2 (9+4+1) = 1.
  double k = std::sqrt(12.0 / 28);
  CHECK(p.volume == Approx(6 * k * k * k));
}

TEST_CASE("sign variants are CAD-Coder's four proper flips, eight with reflections", "[metrics]") {
  Similarity f = rigid({1, 1, 0}, 30, 0.5, {1, 2, 3});
  auto v = cad::metrics::sign_variants(f);
  REQUIRE(v.size() == 4);
  const int want[4][3] = {{1, 1, 1}, {1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}};
  for (int k = 0; k < 4; ++k) {
    CHECK(det(v[k].rotation) == Approx(1));
    for (int i = 0; i < 3; ++i) {
      CHECK(v[k].rotation[i][0] == Approx(want[k][i] * f.rotation[i][0]));
      CHECK(v[k].translation[i] == Approx(want[k][i] * f.translation[i]));
    }
  }
  auto all = cad::metrics::sign_variants(f, true);
  REQUIRE(all.size() == 8);
  for (int k = 4; k < 8; ++k) CHECK(det(all[k].rotation) == Approx(-1));
}

TEST_CASE("IoU_best recovers a rotated, translated, scaled copy", "[metrics]") {
  Similarity move = rigid({1, 2, 3}, 37, 1.8, {5, -3, 2});
  for (const char* code : {"result = cq.Workplane('XY').box(1, 2, 3)\n", kBracket}) {
    INFO(code);
    TopoDS_Shape a = run(code);
    TopoDS_Shape b = cad::metrics::transformed_solid(a, move);
    auto plain = cad::metrics::iou(a, b);
    CHECK(plain.iou < 0.3);
    auto best = cad::metrics::iou_best(b, a);
    INFO(best.note);
    CHECK(best.backend == "occt");
    CHECK(best.iou > 0.99);
    // Against the ground truth as a mesh (exact polyhedral mass properties).
    auto vs_mesh = cad::metrics::iou_best(b, cad::geom::tessellate(a, 0.005));
    INFO(vs_mesh.note);
    CHECK(vs_mesh.backend == "mesh");
    CHECK(vs_mesh.iou > 0.99);
    // Two meshes.
    auto meshes =
        cad::metrics::iou_best(cad::geom::tessellate(b, 0.005), cad::geom::tessellate(a, 0.005));
    INFO(meshes.note);
    CHECK(meshes.backend == "mesh");
    CHECK(meshes.iou > 0.99);
    // Deterministic.
    CHECK(cad::metrics::iou_best(b, a).iou == best.iou);
  }
}

TEST_CASE("IoU_best does not reward a mirror image unless reflections are asked for", "[metrics]") {
  TopoDS_Shape a = run(kTripod);
  Similarity mirror = rigid({0, 0, 1}, 25, 1, {1, 1, 1});
  for (auto& row : mirror.rotation) row[0] = -row[0];  // x -> -x, then rotate
  TopoDS_Shape b = cad::metrics::transformed_solid(a, mirror);
  auto proper = cad::metrics::iou_best(b, a);
  CHECK(proper.iou < 0.9);
  cad::metrics::IouBestOptions with;
  with.reflections = true;
  auto any = cad::metrics::iou_best(b, a, with);
  INFO(any.note);
  CHECK(any.iou > 0.99);
  CHECK(any.note.find("/8") != std::string::npos);
}

TEST_CASE("IoU_best of a shape without volume is an error", "[metrics]") {
  TopoDS_Shape a = BRepPrimAPI_MakeBox(1, 2, 3).Shape();
  CHECK_THROWS_AS(cad::metrics::iou_best(TopoDS_Shape(), a), cad::Error);
  CHECK_THROWS_AS(cad::metrics::mass_properties(cad::geom::Mesh{}), cad::Error);
}
