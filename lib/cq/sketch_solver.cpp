// CadQuery's sketch constraint costs and a Levenberg-Marquardt minimization of their squares.
#include "cq/sketch_solver.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cad::cq {

namespace {

using P = std::array<double, 2>;

double norm(const P& a) {
  return std::hypot(a[0], a[1]);
}
P sub(const P& a, const P& b) {
  return {a[0] - b[0], a[1] - b[1]};
}
// gp_Vec2d::Angle: the signed angle from a to b in (-pi, pi].
double angle(const P& a, const P& b) {
  return std::atan2(a[0] * b[1] - a[1] * b[0], a[0] * b[0] + a[1] * b[1]);
}
double sgn(double v) {
  return v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0;
}
P arc_first(const std::vector<double>& x) {
  return {x[0] + x[2] * std::sin(x[3]), x[1] + x[2] * std::cos(x[3])};
}
P arc_last(const std::vector<double>& x) {
  return {x[0] + x[2] * std::sin(x[3] + x[4]), x[1] + x[2] * std::cos(x[3] + x[4])};
}
P arc_first_tangent(const std::vector<double>& x) {
  return {sgn(x[4]) * std::cos(x[3]), -sgn(x[4]) * std::sin(x[3])};
}
P arc_last_tangent(const std::vector<double>& x) {
  return {sgn(x[4]) * std::cos(x[3] + x[4]), -sgn(x[4]) * std::sin(x[3] + x[4])};
}
P line_dir(const std::vector<double>& x) {
  return {x[2] - x[0], x[3] - x[1]};
}
P point_on(const SolverEntity& e, const std::vector<double>& x, std::optional<double> t) {
  if (e.arc) return arc_point(x, t);
  return line_point(x, t.value_or(0.0));
}

// CadQuery's cost of constraint c for the entity values x1 (and x2), appended to `out` as
// residuals whose squares sum to CadQuery's squared cost: a norm |v| of a difference of points
// (Fixed, FixedPoint, Coincident, a Distance of 0) goes in as its components, which keeps the
// residuals smooth where the norm has its kink (at the solution).
void cost(const SolverConstraint& c, const SolverEntity& g1, const std::vector<double>& x1,
          const std::vector<double>& x10, const SolverEntity* g2, const std::vector<double>* x2,
          std::vector<double>& out) {
  const std::string& k = c.kind;
  auto diff = [&](const P& a, const P& b) {
    out.push_back(a[0] - b[0]);
    out.push_back(a[1] - b[1]);
  };
  if (k == "Fixed") {
    for (std::size_t i = 0; i < x1.size(); ++i) out.push_back(x1[i] - x10[i]);
  } else if (k == "FixedPoint") {
    diff(point_on(g1, x1, c.p1), point_on(g1, x10, c.p1));
  } else if (k == "Coincident") {
    const P v1 = g1.arc ? arc_last(x1) : P{x1[2], x1[3]};
    const P v2 = g2->arc ? arc_first(*x2) : P{(*x2)[0], (*x2)[1]};
    diff(v1, v2);
  } else if (k == "Angle") {
    const P v1 = g1.arc ? arc_last_tangent(x1) : line_dir(x1);
    const P v2 = g2->arc ? arc_first_tangent(*x2) : line_dir(*x2);
    out.push_back(angle(v2, v1) - c.value);
  } else if (k == "Length") {
    out.push_back(g1.arc ? std::abs(x1[2] * x1[4]) - c.value : norm(line_dir(x1)) - c.value);
  } else if (k == "Distance") {
    const P a = point_on(g1, x1, c.p1), b = point_on(*g2, *x2, c.p2);
    if (c.value == 0)
      diff(a, b);
    else
      out.push_back(norm(sub(a, b)) - c.value);
  } else if (k == "Radius") {
    out.push_back(x1[2] - c.value);
  } else if (k == "Orientation") {
    out.push_back(angle(line_dir(x1), c.dir));
  } else if (k == "ArcAngle") {
    out.push_back(x1[4] - c.value);
  } else {
    throw std::invalid_argument("unknown constraint " + k);
  }
}

// Solves A d = b (n x n, row-major) by Gaussian elimination with partial pivoting; false when
// singular.
bool solve_linear(std::vector<double> a, std::vector<double>& b, std::size_t n) {
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t piv = col;
    for (std::size_t r = col + 1; r < n; ++r)
      if (std::abs(a[r * n + col]) > std::abs(a[piv * n + col])) piv = r;
    if (std::abs(a[piv * n + col]) < 1e-300) return false;
    if (piv != col) {
      for (std::size_t j = 0; j < n; ++j) std::swap(a[col * n + j], a[piv * n + j]);
      std::swap(b[col], b[piv]);
    }
    for (std::size_t r = col + 1; r < n; ++r) {
      const double f = a[r * n + col] / a[col * n + col];
      if (f == 0) continue;
      for (std::size_t j = col; j < n; ++j) a[r * n + j] -= f * a[col * n + j];
      b[r] -= f * b[col];
    }
  }
  for (std::size_t i = n; i-- > 0;) {
    double s = b[i];
    for (std::size_t j = i + 1; j < n; ++j) s -= a[i * n + j] * b[j];
    b[i] = s / a[i * n + i];
  }
  return true;
}

}  // namespace

std::array<double, 2> arc_point(const std::vector<double>& x, std::optional<double> t) {
  if (!t) return {x[0], x[1]};
  const double a = x[3] + *t * x[4];
  return {x[0] + x[2] * std::sin(a), x[1] + x[2] * std::cos(a)};
}

std::array<double, 2> line_point(const std::vector<double>& x, double t) {
  return {x[0] + t * (x[2] - x[0]), x[1] + t * (x[3] - x[1])};
}

LeastSquaresResult least_squares(
    const std::function<std::vector<double>(const std::vector<double>&)>& residuals,
    std::vector<double> x, const std::function<void(std::vector<double>&)>& project) {
  const std::size_t n = x.size();
  LeastSquaresResult out;
  auto sum_sq = [](const std::vector<double>& r) {
    double s = 0;
    for (double v : r) s += v * v;
    return s;
  };
  std::vector<double> r = residuals(x);
  const std::size_t m = r.size();
  double f = sum_sq(r), lambda = 1e-3;
  constexpr int kMaxIterations = 2000;
  for (int it = 0; it < kMaxIterations && f > 1e-24; ++it) {
    out.iterations = it + 1;
    // Forward-difference Jacobian.
    std::vector<double> jac(m * n);
    for (std::size_t j = 0; j < n; ++j) {
      const double h = 1e-8 * std::max(1.0, std::abs(x[j]));
      std::vector<double> xp = x;
      xp[j] += h;
      const auto rp = residuals(xp);
      for (std::size_t i = 0; i < m; ++i) jac[i * n + j] = (rp[i] - r[i]) / h;
    }
    std::vector<double> jtj(n * n, 0.0), jtr(n, 0.0);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t a = 0; a < n; ++a) {
        const double ja = jac[i * n + a];
        if (ja == 0) continue;
        jtr[a] += ja * r[i];
        for (std::size_t b = 0; b < n; ++b) jtj[a * n + b] += ja * jac[i * n + b];
      }
    bool improved = false;
    for (int tries = 0; tries < 30 && !improved; ++tries) {
      std::vector<double> a = jtj, step(n);
      for (std::size_t d = 0; d < n; ++d) a[d * n + d] += lambda * std::max(jtj[d * n + d], 1e-12);
      for (std::size_t d = 0; d < n; ++d) step[d] = -jtr[d];
      if (!solve_linear(a, step, n)) {
        lambda *= 10;
        continue;
      }
      std::vector<double> xn = x;
      for (std::size_t d = 0; d < n; ++d) xn[d] += step[d];
      if (project) project(xn);
      const auto rn = residuals(xn);
      const double fn = sum_sq(rn);
      if (fn < f) {
        double moved = 0;
        for (std::size_t d = 0; d < n; ++d) moved = std::max(moved, std::abs(xn[d] - x[d]));
        x = std::move(xn);
        r = rn;
        const double drop = f - fn;
        f = fn;
        lambda = std::max(lambda / 10, 1e-15);
        improved = true;
        if (moved < 1e-15 || drop < 1e-30) it = kMaxIterations;  // no further progress
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  out.x = std::move(x);
  out.cost = f;
  return out;
}

SolverResult solve_sketch(const std::vector<SolverEntity>& entities,
                          const std::vector<SolverConstraint>& constraints) {
  std::vector<std::size_t> offset{0};
  for (const auto& e : entities) offset.push_back(offset.back() + e.x.size());
  std::vector<double> x0;
  for (const auto& e : entities) x0.insert(x0.end(), e.x.begin(), e.x.end());
  auto slice = [&](const std::vector<double>& x, int e) {
    return std::vector<double>(x.begin() + static_cast<std::ptrdiff_t>(offset[e]),
                               x.begin() + static_cast<std::ptrdiff_t>(offset[e + 1]));
  };
  auto residuals = [&](const std::vector<double>& x) {
    std::vector<double> r;
    for (const auto& c : constraints) {
      const auto x1 = slice(x, c.e1), x10 = slice(x0, c.e1);
      std::vector<double> x2;
      if (c.e2) x2 = slice(x, *c.e2);
      cost(c, entities[c.e1], x1, x10, c.e2 ? &entities[*c.e2] : nullptr, c.e2 ? &x2 : nullptr, r);
    }
    return r;
  };
  auto project = [&](std::vector<double>& x) {  // CadQuery's bound: radius >= 0
    for (std::size_t e = 0; e < entities.size(); ++e)
      if (entities[e].arc) x[offset[e] + 2] = std::max(0.0, x[offset[e] + 2]);
  };
  const LeastSquaresResult ls = least_squares(residuals, x0, project);
  SolverResult out;
  out.cost = ls.cost;
  out.iterations = ls.iterations;
  out.converged = ls.cost < 1e-18;
  for (std::size_t e = 0; e < entities.size(); ++e)
    out.entities.push_back({entities[e].arc, slice(ls.x, static_cast<int>(e))});
  return out;
}

}  // namespace cad::cq
