// Normalization frames of the published CAD metrics, as Similarity transforms from bounding boxes.
#include "geom/normalize.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "core/error.h"

namespace cad::geom {

double BoundingBox::max_extent() const {
  if (empty) return 0;
  return std::max({max[0] - min[0], max[1] - min[1], max[2] - min[2]});
}

BoundingBox mesh_bbox(const Mesh& mesh) {
  BoundingBox box;
  if (mesh.triangles.empty()) return box;
  constexpr double inf = std::numeric_limits<double>::infinity();
  box.min = {inf, inf, inf};
  box.max = {-inf, -inf, -inf};
  for (const auto& t : mesh.triangles)
    for (auto i : t)
      for (int k = 0; k < 3; ++k) {
        double x = mesh.vertices[i][k];
        box.min[k] = std::min(box.min[k], x);
        box.max[k] = std::max(box.max[k], x);
      }
  box.empty = false;
  return box;
}

BoundingBox shape_bbox(const ShapeProperties& p) {
  BoundingBox box;
  if (p.empty) return box;
  box.min = p.bbox_min;
  box.max = p.bbox_max;
  box.empty = false;
  return box;
}

Normalization parse_normalization(const std::string& name) {
  if (name == "unit-cube") return Normalization::UnitCube;
  if (name == "fixed") return Normalization::Fixed;
  if (name == "none") return Normalization::None;
  if (name == "inertia") return Normalization::Inertia;
  throw cad::UsageError("unknown normalization '" + name +
                        "' (expected unit-cube, fixed, none or inertia)");
}

std::string to_string(Normalization mode) {
  switch (mode) {
    case Normalization::UnitCube:
      return "unit-cube";
    case Normalization::Fixed:
      return "fixed";
    case Normalization::None:
      return "none";
    case Normalization::Inertia:
      return "inertia";
  }
  return "none";
}

Similarity normalize_unit_cube(const BoundingBox& bbox) {
  Similarity s;
  if (bbox.empty) {
    s.translation = {0.5, 0.5, 0.5};
    return s;
  }
  // cadrille: apply_translation(-centre); if extent > 1e-7: apply_scale(1 / extent);
  // apply_translation(0.5). As one map: x -> (x - centre) * scale + 0.5.
  double extent = bbox.max_extent();
  s.scale = extent > 1e-7 ? 1.0 / extent : 1.0;
  for (int k = 0; k < 3; ++k) {
    double centre = (bbox.min[k] + bbox.max[k]) / 2.0;
    s.translation[k] = 0.5 - s.scale * centre;
  }
  return s;
}

Similarity normalize_fixed_prediction() {
  Similarity s;
  s.scale = 1.0 / 200.0;
  s.translation = {0.5, 0.5, 0.5};
  return s;
}

Similarity normalization_for(Normalization mode, const BoundingBox& bbox, bool is_prediction) {
  switch (mode) {
    case Normalization::UnitCube:
      return normalize_unit_cube(bbox);
    case Normalization::Fixed:
      return is_prediction ? normalize_fixed_prediction() : normalize_unit_cube(bbox);
    case Normalization::None:
      return Similarity{};
    case Normalization::Inertia:
      break;
  }
  throw std::invalid_argument(
      "normalization_for: inertia alignment needs the solid (see metrics/alignment.h)");
}

}  // namespace cad::geom
