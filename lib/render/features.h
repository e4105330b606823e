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

/// A horizontal planar face level: the height of a step.
struct StepLevel {
  double z = 0;      ///< world Z of the face
  double max_x = 0;  ///< the face's largest world X (where the extension line starts)
};

/// Heights of planar faces facing +Z or -Z strictly between the part's lowest and highest Z,
/// with an area of at least 1 % of the part's XY box, merged within a tolerance, lowest first. Throws cad::Error when OCCT fails.
std::vector<StepLevel> find_step_levels(const TopoDS_Shape& shape);

}  // namespace cad::render
