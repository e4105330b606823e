// Similarity transforms (rotation, uniform scale, translation) applied to meshes and solids.
#pragma once

#include <TopoDS_Shape.hxx>

#include <array>

#include "geom/mesh.h"

namespace cad::geom {

/// p' = scale * R * p + t. R is a proper rotation or an axis reflection (det -1 allowed
/// for IoU_best's sign variants).
struct Similarity {
  std::array<std::array<double, 3>, 3> rotation{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  double scale = 1;
  std::array<double, 3> translation{0, 0, 0};

  std::array<double, 3> apply(const std::array<double, 3>& p) const;
  /// this after `first`: (this * first)(p) = this(first(p)).
  Similarity after(const Similarity& first) const;
};

/// The transformed copy of a mesh (a reflection flips the triangles so they stay outward).
Mesh transformed(const Mesh& mesh, const Similarity& s);
/// The transformed copy of a solid (BRepBuilderAPI_GTransform when there is a reflection
/// or a scale, else a located copy). Throws cad::Error when OCCT fails.
TopoDS_Shape transformed(const TopoDS_Shape& shape, const Similarity& s);

}  // namespace cad::geom
