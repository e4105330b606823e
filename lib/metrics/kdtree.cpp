// A static 3-D k-d tree for exact nearest-neighbour queries (Chamfer distance, F-score).
#include "metrics/kdtree.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace cad::metrics {

namespace {

constexpr std::uint8_t kLeaf = 3;
// Balanced median splits of at most 2^32 points with leaves of >= 1 point: depth <= 32, and
// the search stack holds at most one entry per level.
constexpr int kMaxDepth = 64;

template <typename T>
inline double squared_distance(const double q[3], const std::array<T, 3>& p) {
  double dx = q[0] - static_cast<double>(p[0]);
  double dy = q[1] - static_cast<double>(p[1]);
  double dz = q[2] - static_cast<double>(p[2]);
  return dx * dx + dy * dy + dz * dz;
}

}  // namespace

template <typename T>
KdTree<T>::KdTree(const std::vector<Point>& points, std::size_t leaf_size) {
  if (points.size() >= std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("KdTree: more than 2^32 - 1 points");
  if (leaf_size == 0) leaf_size = 1;
  if (points.empty()) return;
  index_.resize(points.size());
  std::iota(index_.begin(), index_.end(), 0u);
  // A balanced tree over n points has fewer than 2n / leaf_size * 2 nodes; reserving avoids
  // reallocations during the build.
  nodes_.reserve(4 * (points.size() / leaf_size + 1));
  build(index_, points, 0, static_cast<std::uint32_t>(points.size()), leaf_size);
  xyz_.resize(points.size());
  for (std::size_t i = 0; i < index_.size(); ++i) xyz_[i] = points[index_[i]];
}

template <typename T>
std::uint32_t KdTree<T>::build(std::vector<std::uint32_t>& idx, const std::vector<Point>& points,
                               std::uint32_t begin, std::uint32_t end, std::size_t leaf_size) {
  auto self = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(Node{T(0), begin, end, 0, kLeaf});
  if (end - begin <= leaf_size) return self;

  // Split the widest side of the points' box at their median.
  Point lo = points[idx[begin]], hi = lo;
  for (std::uint32_t i = begin + 1; i < end; ++i) {
    const Point& p = points[idx[i]];
    for (int k = 0; k < 3; ++k) {
      lo[k] = std::min(lo[k], p[k]);
      hi[k] = std::max(hi[k], p[k]);
    }
  }
  std::uint8_t dim = 0;
  for (std::uint8_t k = 1; k < 3; ++k)
    if (hi[k] - lo[k] > hi[dim] - lo[dim]) dim = k;
  if (!(hi[dim] > lo[dim])) return self;  // all points equal: one leaf, whatever its size

  std::uint32_t mid = begin + (end - begin) / 2;
  std::nth_element(idx.begin() + begin, idx.begin() + mid, idx.begin() + end,
                   [&](std::uint32_t a, std::uint32_t b) { return points[a][dim] < points[b][dim]; });
  // Now [begin, mid) <= split <= [mid, end) along dim.
  T split = points[idx[mid]][dim];
  build(idx, points, begin, mid, leaf_size);
  std::uint32_t right = build(idx, points, mid, end, leaf_size);
  Node& node = nodes_[self];
  node.split = split;
  node.right = right;
  node.dim = dim;
  return self;
}

template <typename T>
void KdTree<T>::search(const double q[3], double& best, std::uint32_t& best_slot) const {
  // Depth-first, nearer child first. A pending far cell carries the offsets from q to its
  // box along each axis (Arya & Mount); the sum of their squares is a lower bound of every
  // distance inside, and stays one in floating point since |fl(q - split)| <= |fl(q - p)|.
  struct Pending {
    double bound;
    double off[3];
    std::uint32_t node;
  };
  Pending stack[kMaxDepth];
  int top = 0;
  stack[top++] = Pending{0.0, {0.0, 0.0, 0.0}, 0};
  const Node* nodes = nodes_.data();
  const Point* xyz = xyz_.data();
  while (top > 0) {
    const Pending& p = stack[--top];
    if (p.bound >= best) continue;
    double off[3] = {p.off[0], p.off[1], p.off[2]};
    std::uint32_t n = p.node;
    while (nodes[n].dim != kLeaf) {
      const Node& node = nodes[n];
      double diff = q[node.dim] - static_cast<double>(node.split);
      std::uint32_t near = n + 1, far = node.right;
      if (diff >= 0) std::swap(near, far);
      double saved = off[node.dim];
      off[node.dim] = diff;
      double bound = off[0] * off[0] + off[1] * off[1] + off[2] * off[2];
      if (bound < best) stack[top++] = Pending{bound, {off[0], off[1], off[2]}, far};
      off[node.dim] = saved;
      n = near;
    }
    for (std::uint32_t i = nodes[n].begin, e = nodes[n].end; i < e; ++i) {
      double d = squared_distance(q, xyz[i]);
      if (d < best) {
        best = d;
        best_slot = i;
      }
    }
  }
}

template <typename T>
typename KdTree<T>::Neighbor KdTree<T>::nearest(const Point& query) const {
  Neighbor out;
  if (empty()) return out;
  double q[3] = {static_cast<double>(query[0]), static_cast<double>(query[1]),
                 static_cast<double>(query[2])};
  double best = std::numeric_limits<double>::infinity();
  std::uint32_t slot = 0;
  search(q, best, slot);
  out.squared_distance = best;
  out.index = index_[slot];
  return out;
}

template <typename T>
template <typename Q>
void KdTree<T>::nearest_squared_distances(const std::array<Q, 3>* queries, std::size_t count,
                                          double* out) const {
  if (empty()) {
    std::fill(out, out + count, std::numeric_limits<double>::infinity());
    return;
  }
  std::uint32_t slot = 0;
  for (std::size_t i = 0; i < count; ++i) {
    double q[3] = {static_cast<double>(queries[i][0]), static_cast<double>(queries[i][1]),
                   static_cast<double>(queries[i][2])};
    // The last neighbour is usually near: its distance prunes most of the tree at once.
    double best = squared_distance(q, xyz_[slot]);
    search(q, best, slot);
    out[i] = best;
  }
}

template class KdTree<float>;
template class KdTree<double>;
template void KdTree<float>::nearest_squared_distances(const std::array<float, 3>*, std::size_t,
                                                       double*) const;
template void KdTree<float>::nearest_squared_distances(const std::array<double, 3>*, std::size_t,
                                                       double*) const;
template void KdTree<double>::nearest_squared_distances(const std::array<float, 3>*, std::size_t,
                                                        double*) const;
template void KdTree<double>::nearest_squared_distances(const std::array<double, 3>*,
                                                        std::size_t, double*) const;

}  // namespace cad::metrics
