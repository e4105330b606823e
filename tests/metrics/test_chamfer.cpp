// Tests of the k-d tree (exact against brute force), Chamfer distance and F-score.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "core/error.h"
#include "metrics/chamfer.h"
#include "metrics/kdtree.h"

using cad::metrics::KdTree;
using cad::metrics::PointCloud;

namespace {

template <typename T>
std::vector<std::array<T, 3>> random_points(std::size_t n, std::uint64_t seed, double scale = 1) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-scale, scale);
  std::vector<std::array<T, 3>> out(n);
  for (auto& p : out) p = {T(u(rng)), T(u(rng)), T(u(rng))};
  return out;
}

template <typename T>
double brute_force(const std::vector<std::array<T, 3>>& pts, const std::array<double, 3>& q) {
  double best = std::numeric_limits<double>::infinity();
  for (const auto& p : pts) {
    double dx = q[0] - double(p[0]), dy = q[1] - double(p[1]), dz = q[2] - double(p[2]);
    best = std::min(best, dx * dx + dy * dy + dz * dz);
  }
  return best;
}

template <typename T>
void check_against_brute_force(const std::vector<std::array<T, 3>>& pts, const PointCloud& queries,
                               std::size_t leaf_size) {
  KdTree<T> tree(pts, leaf_size);
  REQUIRE(tree.size() == pts.size());
  std::vector<double> batch(queries.size());
  tree.nearest_squared_distances(queries.data(), queries.size(), batch.data());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    double expected = brute_force(pts, queries[i]);
    // nearest() takes T coordinates: compare with brute force on the same rounded query.
    std::array<T, 3> qf{T(queries[i][0]), T(queries[i][1]), T(queries[i][2])};
    auto nn = tree.nearest(qf);
    std::array<double, 3> qt{double(qf[0]), double(qf[1]), double(qf[2])};
    double expected_t = brute_force(pts, qt);
    REQUIRE(nn.index < pts.size());
    const auto& p = pts[nn.index];
    double dx = qt[0] - double(p[0]), dy = qt[1] - double(p[1]), dz = qt[2] - double(p[2]);
    mismatches += nn.squared_distance != expected_t;
    mismatches += dx * dx + dy * dy + dz * dz != expected_t;
    mismatches += batch[i] != expected;
  }
  CHECK(mismatches == 0);
}

PointCloud grid(int n, double h) {
  PointCloud out;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) out.push_back({i * h, j * h, k * h});
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("the k-d tree equals brute force", "[metrics][kdtree]", float, double) {
  using Pt = std::array<TestType, 3>;
  auto queries = random_points<double>(400, 99, 1.5);
  for (std::size_t leaf :
       {std::size_t(1), std::size_t(4), KdTree<TestType>::default_leaf_size, std::size_t(64)}) {
    SECTION("random sets, leaf size " + std::to_string(leaf)) {
      for (std::size_t n : {1, 2, 3, 17, 100, 3000})
        check_against_brute_force(random_points<TestType>(n, n, 1.0), queries, leaf);
    }
    SECTION("many duplicates, leaf size " + std::to_string(leaf)) {
      auto base = random_points<TestType>(10, 5);
      std::vector<Pt> pts;
      std::mt19937_64 rng(3);
      for (int i = 0; i < 2000; ++i) pts.push_back(base[rng() % base.size()]);
      check_against_brute_force(pts, queries, leaf);
    }
    SECTION("all points equal, leaf size " + std::to_string(leaf)) {
      check_against_brute_force(std::vector<Pt>(500, Pt{TestType(0.25), 0, TestType(-1)}), queries,
                                leaf);
    }
    SECTION("a grid (ties everywhere) queried at its own points, leaf size " +
            std::to_string(leaf)) {
      PointCloud g = grid(8, 0.125);
      std::vector<Pt> pts;
      for (const auto& p : g) pts.push_back({TestType(p[0]), TestType(p[1]), TestType(p[2])});
      check_against_brute_force(pts, g, leaf);
      check_against_brute_force(pts, queries, leaf);
    }
    SECTION("points on a plane and on a line, leaf size " + std::to_string(leaf)) {
      auto pts = random_points<TestType>(1000, 8);
      for (auto& p : pts) p[2] = 0;
      check_against_brute_force(pts, queries, leaf);
      for (auto& p : pts) p[1] = 0;
      check_against_brute_force(pts, queries, leaf);
    }
  }
}

TEST_CASE("the k-d tree stays exact and shallow on exponentially spaced points",
          "[metrics][kdtree]") {
  // Midpoint splits peel one point off per level here; past kMidpointDepth the build switches
  // to median splits, so the search stack cannot overflow.
  PointCloud pts;
  for (int k = 0; k < 1000; ++k) pts.push_back({std::ldexp(1.0, -k), 0, std::ldexp(1.0, -k / 2)});
  PointCloud queries = random_points<double>(300, 5, 1.0);
  for (auto& q : queries) q[0] = std::abs(q[0]) * 1e-3;
  check_against_brute_force(pts, queries, 1);
  check_against_brute_force(pts, queries, 12);
}

TEST_CASE("an empty k-d tree answers infinity", "[metrics][kdtree]") {
  KdTree<double> tree(PointCloud{});
  CHECK(tree.empty());
  auto nn = tree.nearest({0, 0, 0});
  CHECK(std::isinf(nn.squared_distance));
  CHECK(nn.index == KdTree<double>::npos);
  PointCloud q{{1, 2, 3}};
  double d = 0;
  tree.nearest_squared_distances(q.data(), 1, &d);
  CHECK(std::isinf(d));
}

TEST_CASE("the tree order is a permutation and tree_points follow it", "[metrics][kdtree]") {
  auto pts = random_points<double>(1000, 4);
  KdTree<double> tree(pts);
  std::vector<bool> seen(pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i) {
    auto j = tree.order()[i];
    REQUIRE(j < pts.size());
    CHECK_FALSE(seen[j]);
    seen[j] = true;
    CHECK(tree.tree_points()[i] == pts[j]);
  }
}

TEST_CASE("Chamfer distance of identical sets is 0", "[metrics][chamfer]") {
  auto a = random_points<double>(2000, 1);
  CHECK(cad::metrics::chamfer_distance(a, a) == 0);
  auto shuffled = a;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(2));
  CHECK(cad::metrics::chamfer_distance(a, shuffled) == 0);
}

TEST_CASE("Chamfer distance of a grid and its copy shifted by d is 2 d^2", "[metrics][chamfer]") {
  // Spacing h = 0.1, shift d < h / 2 along X: every point's nearest neighbour in the other
  // set is its own shifted twin at distance d, so each mean is d^2 and CD = 2 d^2.
  PointCloud a = grid(12, 0.1);
  for (double d : {1e-4, 1e-3, 0.01, 0.04}) {
    PointCloud b = a;
    for (auto& p : b) p[0] += d;
    CHECK(cad::metrics::chamfer_distance(a, b) == Approx(2 * d * d).epsilon(1e-9));
    CHECK(cad::metrics::chamfer_distance_x1000(a, b) == Approx(2000 * d * d).epsilon(1e-9));
  }
}

TEST_CASE("Chamfer distance by hand: sets of different sizes", "[metrics][chamfer]") {
  // a -> b: 0 -> 1 gives 1; b -> a: 1 -> 0 gives 1, 3 -> 0 gives 9, mean 5. CD = 1 + 5 = 6.
  PointCloud a{{0, 0, 0}}, b{{1, 0, 0}, {3, 0, 0}};
  CHECK(cad::metrics::chamfer_distance(a, b) == 6);
  CHECK(cad::metrics::chamfer_distance(b, a) == 6);
  // Two points against two at unit offsets in Y and Z: every squared NN distance is 1 / 4, 4.
  PointCloud c{{0, 0, 0}, {10, 0, 0}}, e{{0, 0.5, 0}, {10, 0, 2}};
  CHECK(cad::metrics::chamfer_distance(c, e) == Approx((0.25 + 4) / 2 * 2));
}

TEST_CASE("Chamfer distance is the brute-force figure, for any thread count",
          "[metrics][chamfer]") {
  auto a = random_points<double>(3000, 11), b = random_points<double>(2500, 12, 1.2);
  double ab = 0, ba = 0;
  for (const auto& p : a) ab += brute_force(b, p);
  for (const auto& p : b) ba += brute_force(a, p);
  double expected = ab / a.size() + ba / b.size();
  double one = cad::metrics::chamfer_distance(a, b, 1);
  CHECK(one == Approx(expected).epsilon(1e-12));
  CHECK(cad::metrics::chamfer_distance(a, b, 3) == one);
  CHECK(cad::metrics::chamfer_distance(a, b, 8) == one);
  auto d = cad::metrics::nearest_squared_distances(a, b, 4);
  REQUIRE(d.size() == a.size());
  for (std::size_t i = 0; i < a.size(); i += 97) CHECK(d[i] == brute_force(b, a[i]));
}

TEST_CASE("F-score by hand", "[metrics][chamfer]") {
  // a -> b: 0 -> 0.05 (in), 1 -> 1.2 (0.2, out), 10 -> 1.2 (out): P = 1/3.
  // b -> a: 0.05 -> 0 (in), 1.2 -> 1 (out): R = 1/2. F = 2 (1/6) / (5/6) = 0.4.
  PointCloud a{{0, 0, 0}, {1, 0, 0}, {10, 0, 0}}, b{{0.05, 0, 0}, {1.2, 0, 0}};
  auto f = cad::metrics::f_score(a, b, 0.1);
  CHECK(f.precision == Approx(1.0 / 3));
  CHECK(f.recall == Approx(0.5));
  CHECK(f.f == Approx(0.4));
  // Strict: a point exactly at the threshold is out.
  auto at = cad::metrics::f_score(PointCloud{{0, 0, 0}}, PointCloud{{0.5, 0, 0}}, 0.5);
  CHECK(at.f == 0);
  // Nothing within the threshold: P = R = 0 and F = 0 (not NaN).
  auto none = cad::metrics::f_score(a, PointCloud{{100, 0, 0}}, 1);
  CHECK(none.precision == 0);
  CHECK(none.recall == 0);
  CHECK(none.f == 0);
  auto same = cad::metrics::f_score(a, a, 1e-9);
  CHECK(same.f == 1);
}

TEST_CASE("compare_point_clouds equals the separate figures", "[metrics][chamfer]") {
  auto a = random_points<double>(1500, 21), b = random_points<double>(1700, 22);
  auto both = cad::metrics::compare_point_clouds(a, b, 0.05, 2);
  CHECK(both.chamfer == cad::metrics::chamfer_distance(a, b));
  auto f = cad::metrics::f_score(a, b, 0.05);
  CHECK(both.f.precision == f.precision);
  CHECK(both.f.recall == f.recall);
  CHECK(both.f.f == f.f);
  CHECK(f.precision > 0);
  CHECK(f.precision < 1);
}

TEST_CASE("empty point sets are errors", "[metrics][chamfer]") {
  PointCloud a{{0, 0, 0}}, empty;
  CHECK_THROWS_AS(cad::metrics::chamfer_distance(a, empty), cad::Error);
  CHECK_THROWS_AS(cad::metrics::chamfer_distance(empty, a), cad::Error);
  CHECK_THROWS_AS(cad::metrics::f_score(empty, empty, 1), cad::Error);
}
