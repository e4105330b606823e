// Cylindrical features of a solid (holes, bosses, fillets) found from its cylindrical faces.
#pragma once

#include <TopoDS_Shape.hxx>

#include <array>
#include <vector>

namespace cad::render {

/// One cylinder of the part: its faces on the same axis line and radius, merged.
struct CylinderFeature {
  std::array<double, 3> origin{};     ///< a point on the axis, world coordinates
  std::array<double, 3> direction{};  ///< unit axis direction
  double radius = 0;                  ///< model units
  double span = 0;                    ///< angle covered by the faces, radians (2 pi = full)
  bool hole = false;                  ///< material outside the cylinder (a bore), else a boss
  double min_v = 0, max_v = 0;        ///< extent along the axis from `origin`, model units
  /// True when the faces go all the way round (a hole or a boss, not a fillet).
  bool full() const;
};

/// The cylindrical features of `shape`, merged by axis and radius, in a deterministic
/// order (by radius, then axis position). Throws cad::Error when OCCT fails.
std::vector<CylinderFeature> find_cylinders(const TopoDS_Shape& shape);

/// A level of planar faces perpendicular to a world axis: a step.
struct StepLevel {
  double level = 0;                    ///< the faces' coordinate along the axis
  std::array<double, 3> min{}, max{};  ///< world box of the faces at this level
};

/// Levels of planar faces perpendicular to world axis `axis` (0 x, 1 y, 2 z) strictly
/// between the part's extremes along it, with an area of at least 1 % of the part's box
/// across the axis, merged within a tolerance, lowest first. Throws cad::Error when OCCT
/// fails.
std::vector<StepLevel> find_step_levels(const TopoDS_Shape& shape, int axis = 2);

}  // namespace cad::render
