// Orthographic hidden-line projection of a solid into 2-D polylines for the three drawing views.
#pragma once

#include <TopoDS_Shape.hxx>

#include "geom/mesh.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace cad::render {

/// A point in a view's drawing plane, model units; x to the right, y up.
struct Point2 {
  double x = 0;
  double y = 0;
};

/// An axis-aligned box in a view's drawing plane, model units. Empty until extended.
struct Box2 {
  double min_x = 1e300, min_y = 1e300, max_x = -1e300, max_y = -1e300;
  bool empty() const { return min_x > max_x; }
  double width() const { return empty() ? 0 : max_x - min_x; }
  double height() const { return empty() ? 0 : max_y - min_y; }
  void add(const Point2& p);
  void add(const Box2& b);
};

/// A circular arc in a view's plane: counter-clockwise from `start` to `end` (radians,
/// end > start; a full circle spans 2 pi).
struct Arc2 {
  Point2 center;
  double radius = 0;
  double start = 0;
  double end = 0;
  bool full_circle() const;
};

/// One projected edge: a polyline (always present) and, when the projected edge is a
/// circle or circular arc, the exact arc so that writers can draw it as one.
struct Path2 {
  std::vector<Point2> points;
  std::optional<Arc2> arc;
  bool visible = true;   ///< false: hidden behind the part (drawn dashed)
  bool outline = false;  ///< a silhouette (where a curved face turns away), not an edge
};

/// The three views of a third-angle drawing, with the part's +Z up:
///  - Front: seen from -Y (looking along +Y); x = world X, y = world Z.
///  - Top:   seen from +Z (looking along -Z); x = world X, y = world Y; drawn above Front.
///  - Left:  seen from -X (looking along +X); x = world -Y, y = world Z; drawn left of Front.
enum class ViewKind { Front, Top, Left };

/// The three views in drawing order.
constexpr std::array<ViewKind, 3> all_views{ViewKind::Front, ViewKind::Top, ViewKind::Left};

/// "front", "top" or "left".
const char* to_string(ViewKind view);

/// Maps a world point to the 2-D coordinates of `view` (see ViewKind).
Point2 project_point(ViewKind view, double x, double y, double z);

/// Direction from the part towards the viewer of `view`, world coordinates.
std::array<double, 3> view_direction(ViewKind view);

/// One view: projected visible and hidden edges, and the box of the visible ones.
struct ViewProjection {
  ViewKind view = ViewKind::Front;
  std::vector<Path2> paths;
  Box2 bounds;  ///< of every path (visible and hidden), model units
};

/// Options of the hidden-line projection.
struct ProjectionOptions {
  /// Chordal deflection of polylines of curved edges, as a fraction of the part's
  /// bounding-box diagonal.
  double deflection = 0.001;
  bool smooth_edges = false;  ///< include tangent-continuous (smooth) edges such as fillet seams
};

/// Hidden-line removal of `shape` (exact OCCT HLRBRep_Algo) seen as `view`: sharp edges
/// and silhouettes (outlines), visible and hidden. Throws cad::Error when the shape is
/// null or OCCT fails.
ViewProjection project(const TopoDS_Shape& shape, ViewKind view,
                       const ProjectionOptions& options = {});

/// Hidden-line projection of a triangle mesh seen as `view`: its feature edges (boundaries,
/// creases sharper than 20 degrees) and silhouettes, split into visible and hidden runs by
/// a depth buffer of the mesh (about 1/1500 of the view's size per cell). Polylines only
/// (no arcs). An empty mesh gives an empty projection.
ViewProjection project_mesh(const geom::Mesh& mesh, ViewKind view);

}  // namespace cad::render
