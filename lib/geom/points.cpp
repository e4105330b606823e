// Point clouds for the `points` input: surface samples, farthest-point sampling, normalization
// and training noise.
#include "geom/points.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "core/error.h"
#include "geom/normalize.h"
#include "geom/sampling.h"
#include "geom/shape_io.h"

namespace cad::geom {

namespace {

// A double in [0, 1) from the top 53 bits of one draw (the same on every standard library,
// unlike std::uniform_real_distribution and std::normal_distribution).
double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

double squared_distance(const Point3& a, const Point3& b) {
  const double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return dx * dx + dy * dy + dz * dz;
}

}  // namespace

PointFrame parse_point_frame(const std::string& name) {
  if (name == "unit") return PointFrame::Unit;
  if (name == "fixed") return PointFrame::Fixed;
  throw UsageError("unknown point normalization '" + name + "' (expected unit or fixed)");
}

std::string to_string(PointFrame frame) {
  return frame == PointFrame::Unit ? "unit" : "fixed";
}

std::vector<std::size_t> farthest_point_sampling(const std::vector<Point3>& points, std::size_t n) {
  std::vector<std::size_t> chosen;
  if (points.empty() || n == 0) return chosen;
  n = std::min(n, points.size());
  chosen.reserve(n);
  Point3 centroid{0, 0, 0};
  for (const Point3& p : points)
    for (int k = 0; k < 3; ++k) centroid[k] += p[k];
  for (int k = 0; k < 3; ++k) centroid[k] /= static_cast<double>(points.size());
  std::size_t next = 0;
  double best = -1;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double d = squared_distance(points[i], centroid);
    if (d > best) best = d, next = i;
  }
  // Distance of every point to the chosen set; -1 marks a chosen point, so duplicates of a
  // chosen point (distance 0) can still be chosen only after every other point.
  std::vector<double> distance(points.size(), std::numeric_limits<double>::infinity());
  while (chosen.size() < n) {
    chosen.push_back(next);
    distance[next] = -1;
    const Point3& c = points[next];
    best = -1;
    std::size_t arg = next;
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (distance[i] < 0) continue;
      const double d = std::min(distance[i], squared_distance(points[i], c));
      distance[i] = d;
      if (d > best) best = d, arg = i;
    }
    next = arg;
  }
  return chosen;
}

void normalize_points(std::vector<Point3>& points, PointFrame frame, double scale) {
  if (points.empty()) return;
  if (frame == PointFrame::Fixed) {
    if (!(scale > 0)) throw UsageError("the fixed point frame needs a positive scale");
    for (Point3& p : points)
      for (double& v : p) v /= scale;
    return;
  }
  Point3 lo = points[0], hi = points[0];
  for (const Point3& p : points)
    for (int k = 0; k < 3; ++k) lo[k] = std::min(lo[k], p[k]), hi[k] = std::max(hi[k], p[k]);
  double extent = 0;
  for (int k = 0; k < 3; ++k) extent = std::max(extent, hi[k] - lo[k]);
  const double factor = extent > 1e-12 ? 2.0 / extent : 1.0;
  for (Point3& p : points)
    for (int k = 0; k < 3; ++k) p[k] = (p[k] - 0.5 * (lo[k] + hi[k])) * factor;
}

std::vector<Point3> point_cloud(const Mesh& mesh, const PointCloudOptions& options) {
  if (options.points == 0) throw UsageError("a point cloud needs at least one point");
  const std::size_t samples = std::max(options.surface_samples, options.points);
  std::vector<Point3> surface = sample_surface(mesh, samples, options.seed);
  if (surface.empty()) throw Error("the mesh has no surface to sample points from");
  std::vector<Point3> cloud;
  cloud.reserve(options.points);
  for (std::size_t i : farthest_point_sampling(surface, options.points))
    cloud.push_back(surface[i]);
  if (options.frame == PointFrame::Unit) {
    // The frame of the shape (its mesh's box), not of the samples: append the box corners,
    // normalize, drop them.
    const BoundingBox box = mesh_bbox(mesh);
    cloud.push_back(box.min);
    cloud.push_back(box.max);
    normalize_points(cloud, PointFrame::Unit);
    cloud.resize(cloud.size() - 2);
  } else {
    normalize_points(cloud, PointFrame::Fixed, options.scale);
  }
  return cloud;
}

Mesh load_mesh_for_points(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".stl" || ext == ".ply" || ext == ".obj") return read_mesh(path);
  if (ext == ".step" || ext == ".stp" || ext == ".brep") return mesh_for_sampling(read_shape(path));
  throw UsageError(path + ": expected a mesh (.stl, .ply, .obj) or a shape (.step, .stp, .brep)");
}

bool add_point_noise(std::vector<Point3>& points, double sigma, double probability,
                     std::mt19937_64& rng) {
  if (uniform01(rng) >= probability) return false;
  constexpr double two_pi = 6.283185307179586476925286766559;
  for (Point3& p : points)
    for (double& v : p) {
      // Box-Muller from two of our own uniforms (reproducible across standard libraries).
      const double u1 = 1.0 - uniform01(rng), u2 = uniform01(rng);
      v += sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(two_pi * u2);
    }
  return true;
}

}  // namespace cad::geom
