// The Chamfer distance of bench_chamfer with CGAL's spatial searching (a CGAL::Kd_tree and
// Orthogonal_k_neighbor_search, K = 1), for the side-by-side comparison with cad::metrics.
// Its own translation unit: CGAL's headers must not meet OpenCASCADE's `Handle` macro.
#include <CGAL/Orthogonal_k_neighbor_search.h>
#include <CGAL/Search_traits_3.h>
#include <CGAL/Simple_cartesian.h>

#include <array>
#include <vector>

namespace bench {

namespace {
using Kernel = CGAL::Simple_cartesian<double>;
using Point = Kernel::Point_3;
using Traits = CGAL::Search_traits_3<Kernel>;
using Search = CGAL::Orthogonal_k_neighbor_search<Traits>;
using Tree = Search::Tree;

// Mean over `queries` of the squared distance to the nearest point of `targets`.
double mean_nearest(const std::vector<std::array<double, 3>>& queries,
                    const std::vector<std::array<double, 3>>& targets) {
  std::vector<Point> pts;
  pts.reserve(targets.size());
  for (const auto& p : targets) pts.emplace_back(p[0], p[1], p[2]);
  Tree tree(pts.begin(), pts.end());
  tree.build();
  double sum = 0;
  for (const auto& q : queries) {
    Search search(tree, Point(q[0], q[1], q[2]), 1);
    sum += search.begin()->second;  // squared distance
  }
  return sum / static_cast<double>(queries.size());
}
}  // namespace

double cgal_chamfer_distance(const std::vector<std::array<double, 3>>& a,
                             const std::vector<std::array<double, 3>>& b) {
  return mean_nearest(a, b) + mean_nearest(b, a);
}

}  // namespace bench
