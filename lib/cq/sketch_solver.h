// CadQuery's sketch constraint solver (occ_impl/sketch_solver.py): lines and arcs as degrees of
// freedom, CadQuery's cost per constraint kind, the sum of squared costs minimized. CadQuery
// runs nlopt's SLSQP; this solver runs Levenberg-Marquardt on the same residuals (radii kept
// >= 0, as CadQuery's lower bound), so a consistent system reaches the same zero cost; an
// under-determined one may settle on another of its solutions.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cad::cq {

/// One sketch entity: a LINE (x1, y1, x2, y2) or a CIRCLE arc (cx, cy, r, a, da), where the arc
/// runs from angle a to a + da measured clockwise from +Y: (cx + r sin t, cy + r cos t).
struct SolverEntity {
  bool arc = false;
  std::vector<double> x;
};

/// A constraint on one or two entities (indices) with its kind ("Fixed", "FixedPoint",
/// "Coincident", "Angle", "Length", "Distance", "Radius", "Orientation", "ArcAngle") and its
/// parameters already converted as CadQuery converts them (angles in radians): Angle, Length,
/// Radius, ArcAngle use value; FixedPoint uses p1 (nullopt: an arc's centre); Distance uses
/// p1, p2 (positions along each entity, nullopt: an arc's centre) and value; Orientation uses
/// dir.
struct SolverConstraint {
  int e1 = 0;
  std::optional<int> e2;
  std::string kind;
  double value = 0;
  std::optional<double> p1, p2;
  std::array<double, 2> dir{0, 0};
};

struct SolverResult {
  std::vector<SolverEntity> entities;
  double cost = 0;  ///< sum of squared residuals at the end
  int iterations = 0;
  bool converged = false;  ///< cost below 1e-18, or no further progress
};

struct LeastSquaresResult {
  std::vector<double> x;
  double cost = 0;  ///< sum of squared residuals at x
  int iterations = 0;
};
/// Levenberg-Marquardt with a forward-difference Jacobian: minimizes the sum of squared
/// residuals from x, `project` (may be empty) applied after each step (bounds).
LeastSquaresResult least_squares(
    const std::function<std::vector<double>(const std::vector<double>&)>& residuals,
    std::vector<double> x, const std::function<void(std::vector<double>&)>& project = {});

/// Minimizes the sum of squared constraint costs from the entities' current values.
SolverResult solve_sketch(const std::vector<SolverEntity>& entities,
                          const std::vector<SolverConstraint>& constraints);

// The points and tangents CadQuery's costs use (exposed for tests).
std::array<double, 2> arc_point(const std::vector<double>& x, std::optional<double> t);
std::array<double, 2> line_point(const std::vector<double>& x, double t);

}  // namespace cad::cq
