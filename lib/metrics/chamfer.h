// Chamfer distance and F-score between point clouds, as cadrille and CAD-Recode compute them.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace cad::metrics {

using PointCloud = std::vector<std::array<double, 3>>;

/// Chamfer distance in the convention of cadrille's evaluate.py and CAD-Recode's demo:
/// mean over a of the squared distance to the nearest point of b, plus mean over b of the
/// squared distance to the nearest point of a (squared model units; not halved, not rooted).
/// This is the raw value; the papers and the `cd` field of cad-eval's records report it
/// multiplied by 1000 (chamfer_distance_x1000). Symmetric in a and b, 0 for identical sets.
/// Exact nearest neighbours (k-d trees); `threads` (>= 1) split the queries and do not change
/// the result. Throws cad::Error when a or b is empty.
double chamfer_distance(const PointCloud& a, const PointCloud& b, int threads = 1);

/// 1000 * chamfer_distance(a, b): the figure in the papers' tables and in records' `cd`.
double chamfer_distance_x1000(const PointCloud& a, const PointCloud& b, int threads = 1);

/// Precision (share of a's points closer than `threshold` to b), recall (share of b's
/// points closer than `threshold` to a) and F = 2PR / (P + R), 0 when P = R = 0. Distances
/// are Euclidean in model units and the comparison is strict (distance < threshold), as in
/// the usual numpy formulation `mean(dist < t)`. Throws cad::Error when a or b is empty.
struct FScore {
  double precision = 0;
  double recall = 0;
  double f = 0;
};
FScore f_score(const PointCloud& a, const PointCloud& b, double threshold, int threads = 1);

/// Chamfer distance (raw, as chamfer_distance) and F-score from one pair of tree queries.
struct PointCloudComparison {
  double chamfer = 0;  ///< squared model units; x1000 for reporting
  FScore f;
};
PointCloudComparison compare_point_clouds(const PointCloud& a, const PointCloud& b,
                                          double threshold, int threads = 1);

/// Squared distance from each point of `queries` to its nearest point of `targets`
/// (result[i] for queries[i]); the building block of the functions above. Infinity for every
/// query when `targets` is empty.
std::vector<double> nearest_squared_distances(const PointCloud& queries, const PointCloud& targets,
                                              int threads = 1);

}  // namespace cad::metrics
