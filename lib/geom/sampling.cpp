// Area-weighted uniform point sampling on triangle meshes, seeded and reproducible.
#include "geom/sampling.h"

#include <BRepBuilderAPI_Copy.hxx>
#include <Standard_Failure.hxx>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "core/error.h"

namespace cad::geom {

namespace {

// A double in [0, 1) from the top 53 bits of one draw; std::uniform_real_distribution is not
// specified bit for bit, so it would tie the samples to one standard library.
double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

std::array<double, 3> vertex(const Mesh& mesh, std::uint32_t i) {
  const auto& v = mesh.vertices[i];
  return {v[0], v[1], v[2]};
}

double triangle_area(const std::array<double, 3>& a, const std::array<double, 3>& b,
                     const std::array<double, 3>& c) {
  double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
  double v[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
  double x = u[1] * v[2] - u[2] * v[1], y = u[2] * v[0] - u[0] * v[2],
         z = u[0] * v[1] - u[1] * v[0];
  return 0.5 * std::sqrt(x * x + y * y + z * z);
}

}  // namespace

std::vector<std::array<double, 3>> sample_surface(const Mesh& mesh, std::size_t n,
                                                  std::uint64_t seed) {
  std::vector<std::array<double, 3>> points;
  if (n == 0 || mesh.triangles.empty()) return points;

  std::vector<double> cumulative(mesh.triangles.size());
  double total = 0;
  for (std::size_t i = 0; i < mesh.triangles.size(); ++i) {
    const auto& t = mesh.triangles[i];
    total += triangle_area(vertex(mesh, t[0]), vertex(mesh, t[1]), vertex(mesh, t[2]));
    cumulative[i] = total;
  }
  if (!(total > 0)) return points;

  std::mt19937_64 rng(seed);
  points.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    // First triangle whose cumulative area exceeds the draw; zero-area triangles have an
    // empty interval and are never picked.
    double r = uniform01(rng) * total;
    auto it = std::upper_bound(cumulative.begin(), cumulative.end(), r);
    if (it == cumulative.end()) --it;  // r rounds up to total
    const auto& t = mesh.triangles[static_cast<std::size_t>(it - cumulative.begin())];
    auto a = vertex(mesh, t[0]), b = vertex(mesh, t[1]), c = vertex(mesh, t[2]);

    // Uniform in the triangle: p = (1 - sqrt(u)) a + sqrt(u) (1 - v) b + sqrt(u) v c.
    double su = std::sqrt(uniform01(rng)), v = uniform01(rng);
    double wa = 1 - su, wb = su * (1 - v), wc = su * v;
    points.push_back({wa * a[0] + wb * b[0] + wc * c[0], wa * a[1] + wb * b[1] + wc * c[1],
                      wa * a[2] + wb * b[2] + wc * c[2]});
  }
  return points;
}

Mesh mesh_for_sampling(const TopoDS_Shape& shape) {
  if (shape.IsNull()) return {};
  TopoDS_Shape copy;
  try {
    // copyGeom = true, copyMesh = false: a fresh copy without the triangulation, so
    // tessellate() meshes it at our deflection instead of keeping a coarser one.
    BRepBuilderAPI_Copy copier(shape, true, false);
    copy = copier.Shape();
  } catch (const Standard_Failure& e) {
    throw cad::Error(std::string("copying the shape for sampling failed: ") + e.GetMessageString());
  }
  return tessellate(copy, 0, 0.1, false);  // 0: 1e-3 of the bounding-box diagonal
}

}  // namespace cad::geom
