// A static 3-D k-d tree for exact nearest-neighbour queries (Chamfer distance, F-score).
#include "metrics/kdtree.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace cad::metrics {

namespace {

constexpr std::uint8_t kLeaf = 3;
// Midpoint splits down to depth kMidpointDepth, then median splits (which halve the count of
// at most 2^32 points): the tree depth is < kMidpointDepth + 33, and the search stack holds at
// most one entry per level plus one.
constexpr int kMidpointDepth = 40;
constexpr int kMaxDepth = kMidpointDepth + 40;

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
  // The build permutes (point, index) pairs in place: contiguous, no indirection.
  std::vector<Item> items(points.size());
  for (std::size_t i = 0; i < points.size(); ++i)
    items[i] = Item{points[i], static_cast<std::uint32_t>(i)};
  // A balanced tree over n points has fewer than 4 n / leaf_size nodes; reserving avoids
  // reallocations during the build.
  nodes_.reserve(4 * (points.size() / leaf_size + 1));
  build(items, 0, static_cast<std::uint32_t>(items.size()), leaf_size, 0);
  xyz_.resize(items.size());
  index_.resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    xyz_[i] = items[i].p;
    index_[i] = items[i].index;
  }
}

template <typename T>
std::uint32_t KdTree<T>::build(std::vector<Item>& items, std::uint32_t begin, std::uint32_t end,
                               std::size_t leaf_size, int depth) {
  auto self = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(Node{T(0), begin, end, 0, kLeaf});
  if (end - begin <= leaf_size) return self;

  // Split the widest side of the points' box at their median.
  Point lo = items[begin].p, hi = lo;
  for (std::uint32_t i = begin + 1; i < end; ++i) {
    const Point& p = items[i].p;
    for (int k = 0; k < 3; ++k) {
      lo[k] = std::min(lo[k], p[k]);
      hi[k] = std::max(hi[k], p[k]);
    }
  }
  std::uint8_t dim = 0;
  for (std::uint8_t k = 1; k < 3; ++k)
    if (hi[k] - lo[k] > hi[dim] - lo[dim]) dim = k;
  if (!(hi[dim] > lo[dim])) return self;  // all points equal: one leaf, whatever its size

  // Sliding midpoint (as SciPy's cKDTree): split the box's widest side in the middle, one
  // partition pass; when every point falls on one side, split at that side's extreme point.
  // Deep down (unbalanced input) switch to median splits, which halve the count, so the depth
  // stays below kMaxDepth.
  std::uint32_t mid;
  if (depth < kMidpointDepth) {
    T middle = lo[dim] + (hi[dim] - lo[dim]) / 2;
    auto first = items.begin() + begin, last = items.begin() + end;
    auto cut = std::partition(first, last, [&](const Item& it) { return it.p[dim] < middle; });
    if (cut == first) {  // nothing below the middle: split off the smallest point(s)
      auto m = std::min_element(first, last,
                                [&](const Item& a, const Item& b) { return a.p[dim] < b.p[dim]; });
      std::iter_swap(first, m);
      cut = first + 1;
    } else if (cut == last) {  // nothing at or above it: split off the largest point
      auto m = std::max_element(first, last,
                                [&](const Item& a, const Item& b) { return a.p[dim] < b.p[dim]; });
      std::iter_swap(last - 1, m);
      cut = last - 1;
    }
    mid = static_cast<std::uint32_t>(cut - items.begin());
    // The split value must separate the sides: left <= split <= right along dim.
    auto right_min = std::min_element(items.begin() + mid, last, [&](const Item& a, const Item& b) {
      return a.p[dim] < b.p[dim];
    });
    std::iter_swap(items.begin() + mid, right_min);
  } else {
    mid = begin + (end - begin) / 2;
    std::nth_element(items.begin() + begin, items.begin() + mid, items.begin() + end,
                     [dim](const Item& a, const Item& b) { return a.p[dim] < b.p[dim]; });
  }
  // Now [begin, mid) <= split <= [mid, end) along dim.
  T split = items[mid].p[dim];
  build(items, begin, mid, leaf_size, depth + 1);
  std::uint32_t right = build(items, mid, end, leaf_size, depth + 1);
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
      // Branch-free child choice and push: which side q is on is unpredictable.
      bool right_is_near = diff >= 0;
      std::uint32_t near = right_is_near ? node.right : n + 1;
      std::uint32_t far = right_is_near ? n + 1 : node.right;
      double saved = off[node.dim];
      off[node.dim] = diff;
      double bound = off[0] * off[0] + off[1] * off[1] + off[2] * off[2];
      stack[top] = Pending{bound, {off[0], off[1], off[2]}, far};
      top += bound < best;
      off[node.dim] = saved;
      n = near;
    }
    for (std::uint32_t i = nodes[n].begin, e = nodes[n].end; i < e; ++i) {
      double d = squared_distance(q, xyz[i]);
      best_slot = d < best ? i : best_slot;
      best = d < best ? d : best;
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
template void KdTree<double>::nearest_squared_distances(const std::array<double, 3>*, std::size_t,
                                                        double*) const;

}  // namespace cad::metrics
