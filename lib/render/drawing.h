// Dimensioned three-view drawings (third-angle projection) and their SVG, PNG and JSON output.
#pragma once

#include <TopoDS_Shape.hxx>

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "render/projection.h"

namespace cad::render {

/// What a dimension measures.
enum class DimensionKind {
  Linear,       ///< an overall extent (width, height, depth) of a view
  Diameter,     ///< Ø of a cylinder over 180 degrees (hole or boss) seen as a circle or arc
  Radius,       ///< R of a cylinder of 180 degrees or less (fillet, rounded end) seen as an arc
  Position,     ///< distance of a hole or boss centre from the view's left or bottom edge
  Chamfer,      ///< legs of a chamfer, on the view where it is a slanted line, with a leader
  PitchCircle,  ///< Ø of the circle through the centres of equally spaced equal holes (bosses)
  Angle,        ///< included angle of a V groove's flanks, degrees, on a view showing its profile
};

/// "linear", "diameter", "radius", "position", "chamfer", "pitch_circle" or "angle".
const char* to_string(DimensionKind kind);

/// One dimension annotation: what it measures and where it is drawn.
struct Dimension {
  DimensionKind kind = DimensionKind::Linear;
  double value = 0;  ///< model units, unrounded
  ViewKind view = ViewKind::Front;
  std::string feature;     ///< e.g. "overall width", "hole", "boss", "fillet"
  std::string label;       ///< the text drawn, e.g. "40", "Ø6", "R2.5"
  Point2 from, to;         ///< measured points in the view plane (model units); circle centre and
                           ///< a point on it for Diameter/Radius/PitchCircle (the first hole's
                           ///< centre); Chamfer: the middle of its slanted line and that plus
                           ///< the chamfer's outward normal (unit)
  bool horizontal = true;  ///< Linear/Position: measured along the view's x (else y)
  int side = 0;            ///< Linear/Position/Angle: 0 below, 1 above, 2 left, 3 right of the view
  int level = 0;           ///< Linear/Position: stacking order away from the view (0 = nearest)
  double arc_start = 0, arc_end = 0;  ///< Radius: the arc's range in the view, radians (ccw)
  int count = 1;  ///< Diameter/Radius/Chamfer: equal features in the view this label stands for
                  ///< ("4× Ø6"); PitchCircle: the holes on the circle
  /// Chamfer: `value` is the leg seen horizontal in the view, `second` the vertical one.
  /// PitchCircle: the Ø of its holes (bosses).
  /// Angle: `value` in degrees; `from` the point where the flanks' lines meet (inside the
  /// part), `arc_start`/`arc_end` the view angles (ccw, radians) of the two flanks seen from
  /// it, `second` its distance to the rim along a flank (model units).
  double second = 0;
};

/// How strokes are drawn.
enum class Pen {
  Visible,  ///< visible edges: line_width, solid
  Hidden,   ///< hidden edges: 0.6 x line_width, dashed
  Thin,     ///< dimension, extension and leader lines: 0.4 x line_width, solid
  Center,   ///< centre lines: 0.4 x line_width, long dash - dot
};

/// A stroke in page coordinates (pixels, y down).
struct PagePolyline {
  std::vector<Point2> points;
  Pen pen = Pen::Visible;
  bool outline = false;  ///< a view's silhouette (Path2::outline), not an edge of the part
};

/// An arc in page coordinates: from `start` to `end` radians with angles increasing
/// clockwise on the page (y down), as cairo_arc and SVG's sweep flag 1 draw them.
struct PageArc {
  Point2 center;
  double radius = 0;
  double start = 0, end = 0;
  Pen pen = Pen::Visible;
  bool outline = false;  ///< a view's silhouette (Path2::outline), not an edge of the part
};

/// A filled arrowhead whose point is `tip`, pointing along unit `direction` (page).
struct PageArrow {
  Point2 tip;
  Point2 direction;
};

/// A line of text centred on `center` (page); `vertical` text reads bottom to top.
struct PageText {
  Point2 center;
  std::string text;
  bool vertical = false;
};

/// Where a view's box lies on the page: its top-left corner (pixels) and its model bounds.
struct ViewFrame {
  Point2 corner;
  Box2 bounds;
};

/// Where a dimension was drawn on the page (for checks): its label and its line or leader.
struct DimensionMarks {
  int text = -1;        ///< index into Drawing::texts; -1 when the dimension was not drawn
  bool leader = false;  ///< a leader: `a` is its arrow's tip (on the feature), `b` its elbow;
                        ///< else the dimension line from `a` to `b`
  Point2 a, b;
};

/// Options of a drawing.
struct DrawingOptions {
  int size = 1024;          ///< width and height of the page, pixels
  int decimals = 1;         ///< decimals in labels (more for small values: two significant digits)
  double line_width = 2.0;  ///< visible edges, pixels; hidden edges and dimensions are thinner
};

/// A finished drawing: page primitives plus the dimension list.
struct Drawing {
  double width = 0, height = 0;  ///< page size, pixels
  double scale = 1;              ///< pixels per model unit
  double line_width = 2.0;
  double font_size = 14;  ///< pixels
  std::vector<PagePolyline> lines;
  std::vector<PageArc> arcs;
  std::vector<PageArrow> arrows;
  std::vector<PageText> texts;
  std::vector<Dimension> dimensions;
  std::array<ViewFrame, 3> frames;    ///< front, top, left
  std::vector<DimensionMarks> marks;  ///< one per dimension, same order

  /// A point of `view`'s plane (model units) on the page.
  Point2 to_page(ViewKind view, const Point2& p) const;
};

/// The dimensions a drafter would put on the three views of `shape` (overall extents of
/// each view, Ø of holes and bosses, R of arcs, hole centre positions, chamfers, pitch
/// circles of equally spaced holes), before layout.
/// Throws cad::Error when OCCT fails.
std::vector<Dimension> find_dimensions(const TopoDS_Shape& shape,
                                       const std::vector<ViewProjection>& views, int decimals);

/// Projects `shape` into front, top and left views (third-angle arrangement: top above
/// front, left to the left of front), scales them to fit the page and annotates them.
/// Throws cad::Error on a null shape or an OCCT failure.
Drawing make_drawing(const TopoDS_Shape& shape, const DrawingOptions& options = {});

/// The same from projections made elsewhere (`views`: front, top, left in that order, e.g.
/// from project_mesh); `shape` is used for dimensions (cylinders, steps) and may be null.
Drawing make_drawing(const TopoDS_Shape& shape, const std::vector<ViewProjection>& views,
                     const DrawingOptions& options);

/// The drawing as a standalone SVG document (white background, DejaVu Sans text).
std::string to_svg(const Drawing& drawing);

/// Writes the drawing as a PNG through cairo. Throws cad::Error when the file cannot be written.
void write_png(const Drawing& drawing, const std::string& path);

/// The dimension list: [{kind, value, label, view, feature, direction?, count?, legs?,
/// hole_diameter?}], values rounded as their labels are (label_decimals); `legs` (chamfers:
/// [horizontal, vertical] in the view), `hole_diameter` (pitch circles).
nlohmann::json dimensions_json(const Drawing& drawing, int decimals);

/// Width of `text` set in DejaVu Sans at `font_size` pixels, from its advance widths, pixels.
double text_width(const std::string& text, double font_size);

/// Decimals used for `value`: `decimals`, or more when needed to keep two significant digits
/// (0.126 with 1 decimal is written 0.13, not 0.1; 0.04 is 0.04, not 0).
int label_decimals(double value, int decimals);

/// `value` with label_decimals(value, decimals) decimals, trailing zeros dropped ("40", "2.5").
std::string format_value(double value, int decimals);

}  // namespace cad::render
