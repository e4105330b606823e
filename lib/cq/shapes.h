// cq.Shape and its kinds (Solid, Face, Edge, Wire, Vertex, Compound, Shell) wrapping a
// TopoDS_Shape, plus the OCCT building blocks the Workplane uses (CadQuery's occ_impl).
#pragma once

#include <Bnd_Box.hxx>
#include <TopAbs_ShapeEnum.hxx>
#include <TopoDS_Edge.hxx>
#include <TopoDS_Face.hxx>
#include <TopoDS_Shape.hxx>
#include <TopoDS_Wire.hxx>
#include <gp_Dir.hxx>
#include <gp_Pnt.hxx>
#include <gp_Trsf.hxx>
#include <gp_Vec.hxx>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "cq/geom_types.h"
#include "cq/selectors.h"
#include "script/value.h"

namespace cad::cq {

/// A shape seen by scripts. type_name() is CadQuery's class for the shape type
/// ("Solid", "Face", ...). `for_construction` marks reference geometry (rect(...,
/// forConstruction=True)) that never becomes a pending wire.
struct ShapeObj : script::Object {
  explicit ShapeObj(TopoDS_Shape s, bool for_construction = false)
      : shape(std::move(s)), for_construction(for_construction) {}
  TopoDS_Shape shape;
  bool for_construction;

  std::string type_name() const override;
  script::Value get_attr(script::Interpreter& in, const std::string& name) override;
  std::optional<script::Value> binary_op(script::BinOp op, const script::Value& rhs,
                                         bool reflected) override;
  std::string repr() const override;
  std::optional<std::vector<script::Value>> iterate() const override;
  bool equals(const script::Value& other) const override;
  bool truthy() const override { return !shape.IsNull(); }
};

/// Wraps a shape for scripts; GeometryError naming `what` when it is null.
script::Value wrap_shape(const TopoDS_Shape& s, bool for_construction = false,
                         const std::string& what = "Shape");
/// The shape of a cq.Shape value, or nullptr.
std::shared_ptr<ShapeObj> as_shape(const script::Value& v);

/// CadQuery's class name for a shape type: "Solid", "Face", ..., "Compound".
std::string shape_type_name(const TopoDS_Shape& s);
/// CadQuery's geomType(): "PLANE", "CYLINDER", "LINE", "CIRCLE", ..., or the shape type.
std::string geom_type(const TopoDS_Shape& s);

// ---- measurements (CadQuery's Shape.Volume/Area/Center/BoundingBox) -------------------

double volume(const TopoDS_Shape& s);
double area(const TopoDS_Shape& s);
/// Centre of mass with the dimension of the shape (point, curve, surface, volume); for a
/// compound the first non-compound child decides.
gp_Pnt center_of_mass(const TopoDS_Shape& s);
/// Mass (length, area or volume) used to weight combined centres.
double mass(const TopoDS_Shape& s);
/// Exact bounding box (BRepBndLib::AddOptimal, no tolerance gap).
Bnd_Box bounding_box(const TopoDS_Shape& s);
gp_Pnt bbox_center(const TopoDS_Shape& s);
/// CadQuery's Face.thicken: an offset skin of the face made solid (BRepOffset_MakeOffset,
/// tolerance 1e-6, intersection join, thickening on). Throws a geometry error on failure.
TopoDS_Shape thicken_face(const TopoDS_Face& face, double thickness);

/// The settings of BRepOffsetAPI_MakeFilling, with CadQuery's defaults (Face.makeNSidedSurface).
struct NSidedOptions {
  int degree = 3, nb_pts_on_cur = 15, nb_iter = 2;
  bool anisotropy = false;
  double tol2d = 1e-5, tol3d = 1e-4, tol_ang = 0.01, tol_curv = 0.1;
  int max_deg = 8, max_segments = 9;
};
/// CadQuery's Face.makeNSidedSurface: a filling surface bounded by the edges of `boundary`
/// (C0), through the edges of `edge_constraints` (C0, not bounding) and the points
/// `point_constraints`, then fixed (ShapeFix_Shape). Throws a geometry error on failure.
TopoDS_Shape make_n_sided_surface(const std::vector<TopoDS_Shape>& boundary,
                                  const std::vector<TopoDS_Shape>& edge_constraints,
                                  const std::vector<gp_Pnt>& point_constraints,
                                  const NSidedOptions& options);

/// CadQuery's Shape.facesIntersectedByLine: the faces of `shape` a line through `p` along `axis`
/// meets (BRepIntCurveSurface_Inter), nearest first; `direction` "AlongAxis" / "Opposite" keeps
/// those ahead of / behind `p` (leaving out one at `p` itself), "" keeps all.
std::vector<TopoDS_Shape> faces_intersected_by_line(const TopoDS_Shape& shape, const gp_Pnt& p,
                                                    const gp_Dir& axis, double tol,
                                                    const std::string& direction);
double bbox_diagonal(const TopoDS_Shape& s);

// ---- topology ------------------------------------------------------------------------

/// Distinct sub-shapes of one type in TopExp order (degenerated edges skipped).
std::vector<TopoDS_Shape> sub_shapes(const TopoDS_Shape& s, TopAbs_ShapeEnum type);
/// Direct children of a compound (the shape itself otherwise).
std::vector<TopoDS_Shape> children(const TopoDS_Shape& s);
TopoDS_Shape make_compound(const std::vector<TopoDS_Shape>& shapes);
/// Shape type name ("Vertex", "Edge", "Wire", "Face", "Shell", "Solid", "Compound") -> enum.
TopAbs_ShapeEnum shape_enum(const std::string& name);

// ---- operations; each throws GeometryError naming `what` on failure --------------------

enum class BoolOp { Fuse, Cut, Common };
/// BRepAlgoAPI boolean of arguments and tools (glue for fuse if asked; `fuzzy` > 0 is
/// CadQuery's tol= argument, BOPAlgo's fuzzy value).
TopoDS_Shape boolean(BoolOp op, const std::vector<TopoDS_Shape>& args,
                     const std::vector<TopoDS_Shape>& tools, const std::string& what,
                     bool glue = false, double fuzzy = 0);
/// CadQuery's optional tol= of the booleans: None -> 0 (no fuzzy value), else a number >= 0.
double fuzzy_tolerance(const script::Value& tol, const std::string& what);
/// CadQuery's Wire.offset2D(d, kind): BRepOffsetAPI_MakeOffset with the join `kind` ("arc",
/// "intersection", "tangent"); the resulting wires.
std::vector<TopoDS_Wire> offset_wire_2d(const TopoDS_Wire& w, double d, const std::string& kind);
/// CadQuery's Mixin1D.locationAt(d, mode, frame, planar) on an edge or a wire: the Frenet
/// (frame "frenet") or corrected Frenet frame at d (a length fraction, or a parameter with
/// mode "parameter"), z along the tangent (planar: z up) and x along the normal.
gp_Trsf curve_location(const TopoDS_Shape& shape, double d, const std::string& mode,
                       const std::string& frame, bool planar);
/// CadQuery's Shape.split(*splitters): BRepAlgoAPI_Splitter of `s` by the tools.
TopoDS_Shape split_shape(const TopoDS_Shape& s, const std::vector<TopoDS_Shape>& tools);
/// CadQuery's Compound.fuse(): fuses the children of `s` together (s itself if one child).
TopoDS_Shape fuse_children(const TopoDS_Shape& s, const std::string& what);
/// ShapeUpgrade_UnifySameDomain as CadQuery's clean().
TopoDS_Shape clean(const TopoDS_Shape& s);
/// BRepBuilderAPI_Transform (copy) by a rigid or scaling transformation.
TopoDS_Shape transformed(const TopoDS_Shape& s, const gp_Trsf& t);
/// The shape with `t` prepended to its location (CadQuery's moved()).
TopoDS_Shape moved(const TopoDS_Shape& s, const gp_Trsf& t);
gp_Trsf rotation(const gp_Pnt& p1, const gp_Pnt& p2, double degrees);
/// Mirror transformation about the plane through `base` with normal `n`.
gp_Trsf mirroring(const gp_Vec& n, const gp_Pnt& base);
/// CadQuery's mirror plane names XY/YX, XZ/ZX, YZ/ZY -> normal.
gp_Vec mirror_normal(const std::string& name);
bool is_valid(const TopoDS_Shape& s);

// ---- construction (CadQuery's Edge/Wire/Face/Solid class methods) ----------------------

TopoDS_Edge make_line(const gp_Pnt& a, const gp_Pnt& b);
TopoDS_Edge make_three_point_arc(const gp_Pnt& a, const gp_Pnt& b, const gp_Pnt& c);
/// Arc starting at `a` with tangent `t`, ending at `c`.
TopoDS_Edge make_tangent_arc(const gp_Pnt& a, const gp_Vec& t, const gp_Pnt& c);
/// Full circle (angle1 == angle2) or arc from angle1 to angle2 (degrees).
TopoDS_Edge make_circle(double r, const gp_Pnt& c, const gp_Vec& normal, double a1 = 360,
                        double a2 = 360, bool orientation = true);
TopoDS_Edge make_ellipse(double rx, double ry, const gp_Pnt& c, const gp_Vec& normal,
                         const gp_Vec& xdir, double a1 = 360, double a2 = 360, int sense = 1);
/// `smoothing` as CadQuery takes it: None, or three weights (length, curvature, torsion).
std::optional<std::array<double, 3>> smoothing_weights(const script::Value& v);
/// CadQuery's Edge.makeSplineApprox: a B-spline approximating the points within `tol`
/// (GeomAPI_PointsToBSpline, C2), degrees min_deg..max_deg, or with `smoothing` weights
/// (curve length, curvature, torsion) and degree at most max_deg.
/// CadQuery 2.4's Face.makeSplineApprox: GeomAPI_PointsToBSplineSurface through grid[i][j]
/// (smoothed with the three weights and maxDeg, else between minDeg and maxDeg; C2, tol 3D).
/// ValueError when the approximation fails or the grid is not rectangular.
TopoDS_Face make_spline_approx_surface(const std::vector<std::vector<gp_Pnt>>& grid, double tol,
                                       const std::optional<std::array<double, 3>>& smoothing,
                                       int min_deg, int max_deg);
TopoDS_Edge make_spline_approx(const std::vector<gp_Pnt>& pts, double tol,
                               const std::optional<std::array<double, 3>>& smoothing, int min_deg,
                               int max_deg);
/// Interpolated B-spline (GeomAPI_Interpolate); tangents: none, two (ends) or one per point.
TopoDS_Edge make_spline(const std::vector<gp_Pnt>& pts,
                        const std::vector<std::optional<gp_Vec>>& tangents, bool periodic,
                        bool scale = true, double tol = 1e-6,
                        const std::vector<double>& parameters = {});
TopoDS_Wire make_polygon(const std::vector<gp_Pnt>& pts, bool close = false);
TopoDS_Wire assemble_edges(const std::vector<TopoDS_Shape>& edges);
/// ShapeAnalysis_FreeBounds::ConnectEdgesToWires over all edges of `shapes`.
std::vector<TopoDS_Wire> combine_wires(const std::vector<TopoDS_Shape>& shapes, double tol = 1e-9);
/// CadQuery's Face.makeFromWires: planar face from an outer wire and holes; ShapeFix_Face
/// may split it into several faces (disjoint "holes" become faces), so a list is returned.
std::vector<TopoDS_Face> faces_from_wires(const TopoDS_Wire& outer,
                                          const std::vector<TopoDS_Wire>& inner);
/// Face normal at the point of the surface nearest `p` (uv centre when absent).
gp_Vec face_normal(const TopoDS_Face& f, const std::optional<gp_Pnt>& p = std::nullopt);
TopoDS_Wire outer_wire(const TopoDS_Face& f);
/// Prism along `v` (LocOpe_DPrism with the taper in degrees when taper != 0).
TopoDS_Shape extrude_linear(const TopoDS_Face& f, const gp_Vec& v, double taper = 0);
TopoDS_Shape revolve_face(const TopoDS_Face& f, double degrees, const gp_Pnt& a, const gp_Pnt& b);
/// Pipe-shell sweep of the face's wires along `path` (inner wires cut out).
TopoDS_Shape sweep_face(const TopoDS_Face& f, const TopoDS_Shape& path, bool make_solid,
                        bool frenet, const std::string& transition,
                        const std::optional<gp_Vec>& normal);
/// The same for given wires: the first is the outer one, the others' sweeps are cut from it.
TopoDS_Shape sweep_wires(const std::vector<TopoDS_Wire>& wires, const TopoDS_Shape& path,
                         bool make_solid, bool frenet, const std::string& transition,
                         const std::optional<gp_Vec>& normal);
TopoDS_Shape sweep_multi(const std::vector<TopoDS_Shape>& sections, const TopoDS_Shape& path,
                         bool make_solid, bool frenet, const std::optional<gp_Vec>& normal);
/// CadQuery's Wire.makeHelix: a segment of slope pitch / (2 pi) in the (u, v) domain of a
/// cylinder (a cone of half-angle `angle` degrees when angle != 360) about `dir` through
/// `center`, `height / pitch` turns, its 3D curve built by BRepLib. A negative pitch (a
/// negative twist) runs the other way round, as in CadQuery.
TopoDS_Wire make_helix(double pitch, double height, double radius, const gp_Pnt& center,
                       const gp_Vec& dir, double angle = 360, bool lefthand = false);
/// CadQuery's Solid.extrudeLinearWithRotation: the face's wires swept along the straight
/// spine center -> center + normal with a helical auxiliary spine of radius 1 that turns
/// `degrees` over the length, inner wires' sweeps cut from the outer one's.
/// CadQuery's Compound.makeText: the outlines of `text` in a system font (`font`, or the file
/// `font_path` when it is a readable font; kind regular | bold | italic; halign center | left |
/// right; valign center | top | bottom) of `size`, extruded by `height` along the glyphs' normal
/// (0: the flat faces), moved by `position` (the plane's local-to-world transformation).
/// Throws a script ValueError on bad options or a text without outlines.
TopoDS_Shape make_text(const std::string& text, double size, double height, const std::string& font,
                       const std::string& font_path, const std::string& kind,
                       const std::string& halign, const std::string& valign,
                       const gp_Trsf& position);

TopoDS_Shape extrude_with_rotation(const TopoDS_Face& f, const gp_Pnt& center, const gp_Vec& normal,
                                   double degrees);
/// BRepOffsetAPI_ThruSections over wires (or vertices at the ends). `approx25`: the
/// approximation settings of CadQuery's free function loft() that Workplane.loft uses since 2.5
/// (maximum degree 3, C2, iso-parametric parametrization, criterion weights 1/1/1, compatibility
/// check, no smoothing); without it OCCT's defaults, as Solid.makeLoft still has them in 2.8.
TopoDS_Shape loft(const std::vector<TopoDS_Shape>& sections, bool ruled, bool solid = true,
                  bool approx25 = false);
TopoDS_Shape make_box(double l, double w, double h, const gp_Pnt& p = gp_Pnt(),
                      const gp_Vec& dir = gp_Vec(0, 0, 1));
TopoDS_Shape make_cylinder(double r, double h, const gp_Pnt& p = gp_Pnt(),
                           const gp_Vec& dir = gp_Vec(0, 0, 1), double degrees = 360);
TopoDS_Shape make_cone(double r1, double r2, double h, const gp_Pnt& p = gp_Pnt(),
                       const gp_Vec& dir = gp_Vec(0, 0, 1), double degrees = 360);
TopoDS_Shape make_sphere(double r, const gp_Pnt& p = gp_Pnt(), const gp_Vec& dir = gp_Vec(0, 0, 1),
                         double a1 = -90, double a2 = 90, double a3 = 360);
TopoDS_Shape make_torus(double r1, double r2, const gp_Pnt& p = gp_Pnt(),
                        const gp_Vec& dir = gp_Vec(0, 0, 1));
TopoDS_Shape make_wedge(double dx, double dy, double dz, double xmin, double zmin, double xmax,
                        double zmax, const gp_Pnt& p = gp_Pnt(),
                        const gp_Vec& dir = gp_Vec(0, 0, 1));
TopoDS_Shape fillet(const TopoDS_Shape& solid, double r, const std::vector<TopoDS_Shape>& edges);
TopoDS_Shape chamfer(const TopoDS_Shape& solid, double d1, double d2,
                     const std::vector<TopoDS_Shape>& edges);
/// CadQuery's hollow(): thick solid removing `faces` (kind "arc" or "intersection").
TopoDS_Shape hollow(const TopoDS_Shape& solid, const std::vector<TopoDS_Shape>& faces,
                    double thickness, const std::string& kind);
/// Uniform scaling about the global origin (CadQuery's Shape.scale).
TopoDS_Shape scaled(const TopoDS_Shape& s, double factor);

/// The class objects cq.Shape, cq.Solid, cq.Face, cq.Edge, cq.Wire, cq.Vertex,
/// cq.Compound, cq.Shell with CadQuery's static constructors.
script::Value shape_class(const std::string& name);

}  // namespace cad::cq
