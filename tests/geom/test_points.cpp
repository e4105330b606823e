// Tests of the point clouds of the `points` input: farthest-point sampling, normalization,
// clouds from meshes and STEP files, cadrille's training noise.
#include <catch2/catch.hpp>

#include <BRepPrimAPI_MakeBox.hxx>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <set>

#include "core/error.h"
#include "geom/mesh.h"
#include "geom/points.h"
#include "geom/sampling.h"
#include "geom/shape_io.h"

using cad::geom::farthest_point_sampling;
using cad::geom::Mesh;
using cad::geom::Point3;
using cad::geom::PointFrame;

namespace {

Mesh box_mesh(double x0, double y0, double z0, double x1, double y1, double z1) {
  return cad::geom::tessellate(BRepPrimAPI_MakeBox(gp_Pnt(x0, y0, z0), gp_Pnt(x1, y1, z1)).Shape());
}

double distance(const Point3& a, const Point3& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                   (a[2] - b[2]) * (a[2] - b[2]));
}

// Largest distance from a surface sample to its nearest chosen point (the covering radius).
double largest_gap(const std::vector<Point3>& surface, const std::vector<std::size_t>& chosen) {
  double worst = 0;
  for (const Point3& p : surface) {
    double nearest = INFINITY;
    for (std::size_t i : chosen) nearest = std::min(nearest, distance(p, surface[i]));
    worst = std::max(worst, nearest);
  }
  return worst;
}

}  // namespace

TEST_CASE("FPS returns N distinct points that cover a cube's surface", "[geom][points]") {
  const Mesh cube = box_mesh(-1, -1, -1, 1, 1, 1);
  const auto surface = cad::geom::sample_surface(cube, 8192, 7);
  const auto chosen = farthest_point_sampling(surface, 256);
  REQUIRE(chosen.size() == 256);
  REQUIRE(std::set<std::size_t>(chosen.begin(), chosen.end()).size() == 256);
  std::set<Point3> distinct;
  for (std::size_t i : chosen) distinct.insert(surface[i]);
  REQUIRE(distinct.size() == 256);
  // 256 points on 24 square units: a disc each of radius sqrt(24 / 256 / pi) = 0.17; FPS is
  // within a factor 2 of the best covering, so its gap stays below 0.35.
  const double fps_gap = largest_gap(surface, chosen);
  CHECK(fps_gap < 0.35);
  // 256 random samples leave holes FPS does not.
  std::vector<std::size_t> random(chosen.size());
  for (std::size_t i = 0; i < random.size(); ++i) random[i] = i * 31;  // samples are i.i.d.
  CHECK(largest_gap(surface, random) > fps_gap * 1.3);
  // Every face of the cube gets points.
  for (int axis = 0; axis < 3; ++axis)
    for (double side : {-1.0, 1.0}) {
      const auto on_face = std::count_if(chosen.begin(), chosen.end(), [&](std::size_t i) {
        return std::abs(surface[i][axis] - side) < 1e-6;
      });
      CHECK(on_face >= 30);
    }
}

TEST_CASE("FPS does not depend on the order of its input", "[geom][points]") {
  const auto surface = cad::geom::sample_surface(box_mesh(0, 0, 0, 3, 2, 1), 2000, 3);
  std::vector<Point3> shuffled = surface;
  std::mt19937_64 rng(11);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  std::vector<Point3> a, b;
  for (std::size_t i : farthest_point_sampling(surface, 64)) a.push_back(surface[i]);
  for (std::size_t i : farthest_point_sampling(shuffled, 64)) b.push_back(shuffled[i]);
  CHECK(a == b);  // the same points in the same order
  CHECK(farthest_point_sampling(surface, 5000).size() == 2000);
  CHECK(farthest_point_sampling({}, 8).empty());
}

TEST_CASE("point normalization maps a known box to the papers' frames", "[geom][points]") {
  const std::vector<Point3> corners = {{10, 0, -5}, {30, 10, 5}, {20, 5, 0}};
  auto unit = corners;
  cad::geom::normalize_points(unit, PointFrame::Unit);
  CHECK(unit[0] == Point3{-1, -0.5, -0.5});
  CHECK(unit[1] == Point3{1, 0.5, 0.5});
  CHECK(unit[2] == Point3{0, 0, 0});
  auto fixed = corners;
  cad::geom::normalize_points(fixed, PointFrame::Fixed, 100);
  CHECK(fixed[1] == Point3{0.3, 0.1, 0.05});
  CHECK_THROWS_AS(cad::geom::normalize_points(fixed, PointFrame::Fixed, 0), cad::UsageError);
  CHECK(cad::geom::parse_point_frame("fixed") == PointFrame::Fixed);
  CHECK_THROWS_AS(cad::geom::parse_point_frame("unit-cube"), cad::UsageError);
}

TEST_CASE("point_cloud of a box: N points on its surface in the chosen frame", "[geom][points]") {
  const Mesh box = box_mesh(10, 0, -5, 30, 10, 5);
  cad::geom::PointCloudOptions options;
  options.points = 128;
  options.surface_samples = 4096;
  const auto unit = cad::geom::point_cloud(box, options);
  REQUIRE(unit.size() == 128);
  Point3 lo{INFINITY, INFINITY, INFINITY}, hi{-INFINITY, -INFINITY, -INFINITY};
  for (const Point3& p : unit)
    for (int k = 0; k < 3; ++k) lo[k] = std::min(lo[k], p[k]), hi[k] = std::max(hi[k], p[k]);
  // FPS keeps the extremes: the cloud spans the normalized box [-1, 1] x [-0.5, 0.5]^2.
  CHECK(lo[0] == Approx(-1).margin(0.05));
  CHECK(hi[0] == Approx(1).margin(0.05));
  CHECK(lo[1] >= -0.5 - 1e-6);
  CHECK(hi[2] <= 0.5 + 1e-6);
  for (const Point3& p : unit) {  // on the surface: some coordinate on a face
    const bool on_face = std::abs(std::abs(p[0]) - 1) < 1e-5 ||
                         std::abs(std::abs(p[1]) - 0.5) < 1e-5 ||
                         std::abs(std::abs(p[2]) - 0.5) < 1e-5;
    CHECK(on_face);
  }
  options.frame = PointFrame::Fixed;
  const auto fixed = cad::geom::point_cloud(box, options);
  for (const Point3& p : fixed) {
    CHECK(p[0] >= 0.1 - 1e-6);
    CHECK(p[0] <= 0.3 + 1e-6);
  }
  CHECK(cad::geom::point_cloud(box, options) == fixed);  // seeded
  CHECK_THROWS_AS(cad::geom::point_cloud(Mesh{}, options), cad::Error);
}

TEST_CASE("load_mesh_for_points reads meshes and STEP files", "[geom][points]") {
  const auto dir = std::filesystem::temp_directory_path() / "cad_test_points";
  std::filesystem::create_directories(dir);
  const Mesh box = box_mesh(0, 0, 0, 4, 2, 1);
  cad::geom::write_mesh(box, (dir / "box.stl").string());
  cad::geom::write_shape(BRepPrimAPI_MakeBox(4, 2, 1).Shape(), (dir / "box.step").string());
  cad::geom::PointCloudOptions options;
  options.points = 64;
  for (const char* name : {"box.stl", "box.step"}) {
    const auto cloud =
        cad::geom::point_cloud(cad::geom::load_mesh_for_points((dir / name).string()), options);
    CHECK(cloud.size() == 64);
  }
  CHECK_THROWS_AS(cad::geom::load_mesh_for_points((dir / "box.txt").string()), cad::UsageError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("cadrille's point noise is applied at the configured rate and sigma", "[geom][points]") {
  std::mt19937_64 rng(5);
  int applied = 0;
  double sum_sq = 0;
  std::size_t count = 0;
  const int trials = 4000;
  for (int t = 0; t < trials; ++t) {
    std::vector<Point3> cloud(16, Point3{0.5, -0.25, 0});
    if (cad::geom::add_point_noise(cloud, 0.01, 0.5, rng)) {
      ++applied;
      for (const Point3& p : cloud) {
        sum_sq += (p[0] - 0.5) * (p[0] - 0.5) + (p[1] + 0.25) * (p[1] + 0.25) + p[2] * p[2];
        count += 3;
      }
    } else {
      CHECK(cloud[0] == Point3{0.5, -0.25, 0});
    }
  }
  CHECK(applied / double(trials) == Approx(0.5).margin(0.03));
  CHECK(std::sqrt(sum_sq / count) == Approx(0.01).epsilon(0.03));
  std::vector<Point3> cloud(4, Point3{0, 0, 0});
  for (int t = 0; t < 100; ++t) CHECK_FALSE(cad::geom::add_point_noise(cloud, 0.01, 0.0, rng));
  CHECK(cloud[0] == Point3{0, 0, 0});
}
