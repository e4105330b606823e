// Chamfer distance and F-score between point clouds, as cadrille and CAD-Recode compute them.
#include "metrics/chamfer.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <thread>

#include "core/error.h"
#include "metrics/kdtree.h"

namespace cad::metrics {

namespace {

using Tree = KdTree<double>;

// out[i] = squared NN distance of queries[i] in `tree`, the queries split into `threads`
// contiguous chunks (the calling thread takes the first).
void query_all(const Tree& tree, const std::array<double, 3>* queries, std::size_t count,
               double* out, int threads) {
  auto chunks = static_cast<std::size_t>(std::max(1, threads));
  chunks = std::min(chunks, std::max<std::size_t>(1, count / 256));  // not worth a thread below
  if (chunks <= 1) {
    tree.nearest_squared_distances(queries, count, out);
    return;
  }
  std::vector<std::thread> workers;
  workers.reserve(chunks - 1);
  std::size_t step = (count + chunks - 1) / chunks;
  for (std::size_t c = 1; c < chunks; ++c) {
    std::size_t begin = std::min(count, c * step), end = std::min(count, begin + step);
    workers.emplace_back([&tree, queries, out, begin, end] {
      tree.nearest_squared_distances(queries + begin, end - begin, out + begin);
    });
  }
  tree.nearest_squared_distances(queries, std::min(count, step), out);
  for (auto& w : workers) w.join();
}

// Squared NN distances both ways: ab[i] for the i-th point of a in a's tree order against b,
// ba likewise. Querying in the other tree's order keeps consecutive queries close in space.
struct TwoWay {
  std::vector<double> ab, ba;
};

TwoWay two_way(const PointCloud& a, const PointCloud& b, int threads) {
  if (a.empty() || b.empty())
    throw cad::Error("Chamfer distance / F-score of an empty point set (" +
                     std::to_string(a.size()) + " and " + std::to_string(b.size()) + " points)");
  auto build = [](const PointCloud& points) { return Tree(points); };
  std::unique_ptr<Tree> ta, tb;
  if (threads > 1) {
    std::thread t([&] { tb = std::make_unique<Tree>(build(b)); });
    ta = std::make_unique<Tree>(build(a));
    t.join();
  } else {
    ta = std::make_unique<Tree>(build(a));
    tb = std::make_unique<Tree>(build(b));
  }
  TwoWay out;
  out.ab.resize(a.size());
  out.ba.resize(b.size());
  query_all(*tb, ta->tree_points().data(), a.size(), out.ab.data(), threads);
  query_all(*ta, tb->tree_points().data(), b.size(), out.ba.data(), threads);
  return out;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

double share_within(const std::vector<double>& squared, double threshold) {
  std::size_t hits = 0;
  for (double d2 : squared) hits += std::sqrt(d2) < threshold;
  return static_cast<double>(hits) / static_cast<double>(squared.size());
}

FScore f_from(const TwoWay& d, double threshold) {
  FScore f;
  f.precision = share_within(d.ab, threshold);
  f.recall = share_within(d.ba, threshold);
  double sum = f.precision + f.recall;
  f.f = sum > 0 ? 2 * f.precision * f.recall / sum : 0.0;
  return f;
}

}  // namespace

double chamfer_distance(const PointCloud& a, const PointCloud& b, int threads) {
  TwoWay d = two_way(a, b, threads);
  return mean(d.ab) + mean(d.ba);
}

double chamfer_distance_x1000(const PointCloud& a, const PointCloud& b, int threads) {
  return 1000.0 * chamfer_distance(a, b, threads);
}

FScore f_score(const PointCloud& a, const PointCloud& b, double threshold, int threads) {
  return f_from(two_way(a, b, threads), threshold);
}

PointCloudComparison compare_point_clouds(const PointCloud& a, const PointCloud& b,
                                          double threshold, int threads) {
  TwoWay d = two_way(a, b, threads);
  PointCloudComparison out;
  out.chamfer = mean(d.ab) + mean(d.ba);
  out.f = f_from(d, threshold);
  return out;
}

std::vector<double> nearest_squared_distances(const PointCloud& queries, const PointCloud& targets,
                                              int threads) {
  std::vector<double> out(queries.size());
  Tree tree(targets);
  query_all(tree, queries.data(), queries.size(), out.data(), threads);
  return out;
}

}  // namespace cad::metrics
