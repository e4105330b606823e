// Normalization frames of the published CAD metrics, as Similarity transforms from bounding boxes.
#pragma once

#include <array>
#include <string>

#include "geom/mesh.h"
#include "geom/properties.h"
#include "geom/similarity.h"

namespace cad::geom {

/// An axis-aligned box in model units; `empty` when it holds no point (min/max then 0).
struct BoundingBox {
  std::array<double, 3> min{0, 0, 0};
  std::array<double, 3> max{0, 0, 0};
  bool empty = true;
  double max_extent() const;  ///< largest side, 0 when empty
};

/// Bounding box of the vertices that the mesh's triangles use (as trimesh's `bounds`, which
/// ignores unreferenced vertices). Empty for a mesh without triangles.
BoundingBox mesh_bbox(const Mesh& mesh);
/// The exact bounding box that measure() computed for a shape (empty when p.empty).
BoundingBox shape_bbox(const ShapeProperties& p);

/// How shapes are brought to a common frame before CD / IoU (DESIGN.md, "Metrics").
enum class Normalization {
  UnitCube,  ///< cadrille: both shapes to the unit cube (normalize_unit_cube)
  Fixed,     ///< CAD-Recode: prediction x / 200 + 0.5, ground truth to the unit cube
  None,      ///< compare in model units as given
  Inertia,   ///< IoU_best (CAD-Coder): principal axes; see metrics/alignment.h
};

/// "unit-cube", "fixed", "none", "inertia". Throws cad::UsageError for anything else.
Normalization parse_normalization(const std::string& name);
/// The name parse_normalization() accepts.
std::string to_string(Normalization mode);

/// cadrille's evaluate.py: translate the bounding-box centre to the origin, scale by
/// 1 / max extent (only when the extent exceeds 1e-7, else scale 1), translate by
/// (0.5, 0.5, 0.5). The shape then fits [0, 1]^3 with its box centred at 0.5 and its longest
/// side exactly 1. CAD-Recode's demo brings the ground truth to the same frame (centre, scale
/// 2 / max extent, then x / 2 + 0.5). An empty box gives the translation by 0.5 alone.
Similarity normalize_unit_cube(const BoundingBox& bbox);

/// CAD-Recode's demo for predictions: x / 100 / 2 + 0.5 = x / 200 + 0.5, a fixed frame that
/// maps the training programs' [-100, 100]^3 to [0, 1]^3 without looking at the prediction's
/// extent (so a wrong scale is penalized, unlike normalize_unit_cube).
Similarity normalize_fixed_prediction();

/// The transform `mode` applies to a shape with box `bbox`: UnitCube ->
/// normalize_unit_cube(bbox); Fixed -> normalize_fixed_prediction() for a prediction and
/// normalize_unit_cube(bbox) for a ground truth; None -> identity. Inertia depends on the
/// solid's mass properties, not on a box: throws std::invalid_argument (a programming error;
/// use metrics/alignment.h).
Similarity normalization_for(Normalization mode, const BoundingBox& bbox, bool is_prediction);

}  // namespace cad::geom
