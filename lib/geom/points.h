// Point clouds for the `points` input (CAD-Recode, cadrille): surface samples, farthest-point
// sampling to N points, the papers' normalization and cadrille's training noise. No LibTorch.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "geom/mesh.h"

namespace cad::geom {

using Point3 = std::array<double, 3>;

/// How a point cloud is brought to the model's frame.
enum class PointFrame {
  Unit,   ///< CAD-Recode's demo / cadrille: bounding-box centre to 0, longest side 2: [-1, 1]
  Fixed,  ///< CAD-Recode's training frame: x / scale (default 100: [-100, 100] -> [-1, 1]),
          ///< no centring, so the model sees absolute sizes and positions
};

/// "unit" or "fixed". Throws cad::UsageError for anything else.
PointFrame parse_point_frame(const std::string& name);
/// The name parse_point_frame() accepts.
std::string to_string(PointFrame frame);

/// How point_cloud() makes a cloud from a mesh.
struct PointCloudOptions {
  std::size_t points = 256;             ///< N after farthest-point sampling (both papers: 256)
  std::size_t surface_samples = 8192;   ///< area-weighted samples FPS chooses from (>= points)
  PointFrame frame = PointFrame::Unit;  ///< normalization
  double scale = 100.0;                 ///< Fixed: the divisor (model units per unit)
  std::uint64_t seed = 0;               ///< surface sampling seed
};

/// Farthest-point sampling: indices of `n` points of `points`, the first the point farthest
/// from the centroid, each next the one whose distance to the chosen set is largest (ties: the
/// lowest index). The choice depends on the set, not on its order, up to exact ties. Returns
/// min(n, points.size()) distinct indices; fewer only when the input has fewer points.
std::vector<std::size_t> farthest_point_sampling(const std::vector<Point3>& points, std::size_t n);

/// Brings `points` to `frame` in place (Unit: centre of their bounding box to 0 and longest side
/// to 2, scale 1 when the extent is below 1e-12; Fixed: divided by `scale`).
void normalize_points(std::vector<Point3>& points, PointFrame frame, double scale = 100.0);

/// The cloud of a mesh: `surface_samples` area-weighted samples (sample_surface, seeded), FPS to
/// `points`, then the normalization (Unit uses the mesh's bounding box, so the frame is that of
/// the shape and not of the samples). Throws cad::Error when the mesh has no area.
std::vector<Point3> point_cloud(const Mesh& mesh, const PointCloudOptions& options);

/// The mesh of a shape file: STL/PLY/OBJ are read as meshes, STEP/BREP are read as shapes and
/// tessellated finely (mesh_for_sampling). Throws cad::Error on I/O failure.
Mesh load_mesh_for_points(const std::string& path);

/// cadrille's augmentation: with probability `probability`, adds N(0, sigma^2) to every
/// coordinate. Returns whether it did. Draws from `rng` (one uniform, then 3N normals only when
/// applied).
bool add_point_noise(std::vector<Point3>& points, double sigma, double probability,
                     std::mt19937_64& rng);

}  // namespace cad::geom
