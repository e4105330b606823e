// A static 3-D k-d tree for exact nearest-neighbour queries (Chamfer distance, F-score).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace cad::metrics {

/// A k-d tree over a fixed set of 3-D points with coordinates of type T (float or double),
/// built once and queried without allocating. Splits are sliding midpoints of the widest side
/// of each cell's points (as SciPy's cKDTree; one partition pass per level), switching to
/// median splits (std::nth_element) below depth 40 so that the depth stays bounded on any
/// input. Points are copied into one compact array in tree order; leaves hold up to
/// `leaf_size` points.
///
/// Queries are exact: a squared distance is computed in double as dx*dx + dy*dy + dz*dz from
/// the coordinates as given, and the returned value equals the minimum of that expression over
/// all points (what a brute-force loop computes), because cells are pruned only when a lower
/// bound that cannot exceed any of their points' distances is already >= the best so far.
/// Points may repeat. At most 2^32 - 1 points (std::length_error beyond). Const member
/// functions may be called from several threads at once.
template <typename T>
class KdTree {
 public:
  using Point = std::array<T, 3>;
  static constexpr std::size_t default_leaf_size = 12;
  static constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

  /// Builds the tree over `points` (may be empty). `leaf_size` 0 is taken as 1.
  explicit KdTree(const std::vector<Point>& points, std::size_t leaf_size = default_leaf_size);

  std::size_t size() const { return index_.size(); }
  bool empty() const { return index_.empty(); }

  /// A nearest point: its squared distance to the query (model units squared) and its index
  /// in the vector the tree was built from (one of them when several are equally near).
  /// An empty tree gives {infinity, npos}.
  struct Neighbor {
    double squared_distance = std::numeric_limits<double>::infinity();
    std::size_t index = npos;
  };
  Neighbor nearest(const Point& query) const;

  /// out[i] = squared distance from queries[i] to its nearest point, for i < count. Each query
  /// starts from the previous query's neighbour as an upper bound, so spatially coherent
  /// query orders (e.g. another tree's order()) run faster; the results do not depend on the
  /// order. Infinity for every query when the tree is empty.
  template <typename Q>
  void nearest_squared_distances(const std::array<Q, 3>* queries, std::size_t count,
                                 double* out) const;

  /// The build vector's indices in tree order: points close in this order are close in space.
  const std::vector<std::uint32_t>& order() const { return index_; }
  /// The points in tree order: tree_points()[i] == points[order()[i]].
  const std::vector<Point>& tree_points() const { return xyz_; }

 private:
  struct Node {
    T split;              // inner: coordinate of the split along `dim`
    std::uint32_t begin;  // leaf: points [begin, end) of xyz_
    std::uint32_t end;
    std::uint32_t right;  // inner: index of the right child (the left child is this + 1)
    std::uint8_t dim;     // 0, 1, 2 for inner nodes, 3 for a leaf
  };

  struct Item {
    Point p;
    std::uint32_t index;
  };
  std::uint32_t build(std::vector<Item>& items, std::uint32_t begin, std::uint32_t end,
                      std::size_t leaf_size, int depth);
  // Search for q with `best` already an upper bound (infinity or a real point's distance).
  void search(const double q[3], double& best, std::uint32_t& best_slot) const;

  std::vector<Point> xyz_;            // points in tree order
  std::vector<std::uint32_t> index_;  // xyz_[i] is points[index_[i]]
  std::vector<Node> nodes_;           // preorder; nodes_[0] is the root
};

extern template class KdTree<float>;
extern template class KdTree<double>;

}  // namespace cad::metrics
