// Features of a solid found from its B-rep faces: cylinders (holes, bosses, fillets), steps and
// chamfers.
#pragma once

#include <TopoDS_Shape.hxx>

#include <array>
#include <cmath>
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
  /// Centres of the circles and ellipses bounding its faces (where it opens onto planes),
  /// world coordinates, each once.
  std::vector<std::array<double, 3>> rims;
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

/// A chamfer: a narrow planar face between two planar faces at an angle, or a conical face
/// between a cylinder and a plane across its axis (a chamfered shaft end or hole entry),
/// cutting off the convex corner where those two faces would meet.
struct Chamfer {
  bool conical = false;
  /// Ends of the chamfer's profile in one cross-section across its edges, world
  /// coordinates: `a` on its edge with face A, `b` on its edge with face B. For a cone, A is
  /// the cylinder and B the plane, and the profile lies in a plane through the axis.
  std::array<double, 3> a{}, b{};
  /// The legs: along face A from `a` to the corner (the lost edge), and along face B from `b`.
  double leg_a = 0, leg_b = 0;
  double angle = M_PI / 2;  ///< between faces A and B (pi/2: a right-angled corner), radians
  /// Planar: direction of the chamfer's edges. Conical: the axis direction.
  std::array<double, 3> direction{};
  std::array<double, 3> origin{};  ///< conical: a point on the axis
  std::array<double, 3> normal{};  ///< outward normal of the chamfer face at the profile
  std::array<double, 3> corner{};  ///< where faces A and B would meet, in the profile's plane
};

/// The chamfers of `shape`: legs at most a quarter of the part's largest extent (a larger
/// slanted face is a shape of its own, not a broken edge), in a deterministic order.
/// Conical faces split in pieces around one axis count once. Throws cad::Error when OCCT
/// fails.
std::vector<Chamfer> find_chamfers(const TopoDS_Shape& shape);

/// A V groove round an axis (a belt pulley's): two coaxial conical flanks running from one
/// bottom circle radius out to one rim radius, whose gap widens away from the axis and whose
/// faces look at each other across it.
struct Groove {
  std::array<double, 3> origin{};     ///< a point on the axis, world coordinates
  std::array<double, 3> direction{};  ///< unit axis direction
  double r_bottom = 0, r_top = 0;     ///< radii of the groove's bottom and of its rim
  /// Positions along the axis (from `origin`) of the flanks' rim circles and bottom circles,
  /// lower flank first: the width at the rim is top[1] - top[0], at the bottom
  /// bottom[1] - bottom[0].
  std::array<double, 2> top{}, bottom{};
  double angle = 0;  ///< included angle between the flanks, radians
};

/// The V grooves of `shape`, in a deterministic order (by axis position). Cones split in
/// pieces around one axis count once. Throws cad::Error when OCCT fails.
std::vector<Groove> find_grooves(const TopoDS_Shape& shape);

}  // namespace cad::render
