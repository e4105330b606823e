// cq.Shape host objects and the OCCT operations behind CadQuery's occ_impl/shapes.py.
#include "cq/shapes.h"

#include "cq/cadquery.h"
#include "cq/selector_classes.h"

#include <BRepAdaptor_CompCurve.hxx>
#include <BRepAdaptor_Curve.hxx>
#include <BRepAlgoAPI_Common.hxx>
#include <BRepAlgoAPI_Cut.hxx>
#include <BRepAlgoAPI_Fuse.hxx>
#include <BRepAlgoAPI_Splitter.hxx>
#include <BRepBndLib.hxx>
#include <BRepBuilderAPI_Copy.hxx>
#include <BRepBuilderAPI_GTransform.hxx>
#include <BRepBuilderAPI_MakeEdge.hxx>
#include <BRepBuilderAPI_MakeFace.hxx>
#include <BRepBuilderAPI_MakePolygon.hxx>
#include <BRepBuilderAPI_MakeShell.hxx>
#include <BRepBuilderAPI_MakeSolid.hxx>
#include <BRepBuilderAPI_MakeVertex.hxx>
#include <BRepBuilderAPI_MakeWire.hxx>
#include <BRepBuilderAPI_Sewing.hxx>
#include <BRepBuilderAPI_Transform.hxx>
#include <BRepCheck_Analyzer.hxx>
#include <BRepClass3d_SolidClassifier.hxx>
#include <BRepExtrema_DistShapeShape.hxx>
#include <BRepFill.hxx>
#include <BRepFilletAPI_MakeChamfer.hxx>
#include <BRepFilletAPI_MakeFillet.hxx>
#include <BRepFilletAPI_MakeFillet2d.hxx>
#include <BRepGProp.hxx>
#include <BRepGProp_Face.hxx>
#include <BRepIntCurveSurface_Inter.hxx>
#include <BRepLib.hxx>
#include <BRepLib_FindSurface.hxx>
#include <BRepOffsetAPI_MakeFilling.hxx>
#include <BRepOffsetAPI_MakeOffset.hxx>
#include <BRepOffsetAPI_MakePipeShell.hxx>
#include <BRepOffsetAPI_MakeThickSolid.hxx>
#include <BRepOffsetAPI_ThruSections.hxx>
#include <BRepOffset_MakeOffset.hxx>
#include <BRepPrimAPI_MakeBox.hxx>
#include <BRepPrimAPI_MakeCone.hxx>
#include <BRepPrimAPI_MakeCylinder.hxx>
#include <BRepPrimAPI_MakePrism.hxx>
#include <BRepPrimAPI_MakeRevol.hxx>
#include <BRepPrimAPI_MakeSphere.hxx>
#include <BRepPrimAPI_MakeTorus.hxx>
#include <BRepPrimAPI_MakeWedge.hxx>
#include <BRepTools.hxx>
#include <BRep_Builder.hxx>
#include <BRep_Tool.hxx>
#include <GCE2d_MakeSegment.hxx>
#include <GCPnts_AbscissaPoint.hxx>
#include <GCPnts_QuasiUniformAbscissa.hxx>
#include <GCPnts_QuasiUniformDeflection.hxx>
#include <GC_MakeArcOfCircle.hxx>
#include <GC_MakeArcOfEllipse.hxx>
#include <GProp_GProps.hxx>
#include <Geom2d_Line.hxx>
#include <Geom2d_TrimmedCurve.hxx>
#include <GeomAPI_Interpolate.hxx>
#include <GeomAPI_PointsToBSpline.hxx>
#include <GeomAPI_PointsToBSplineSurface.hxx>
#include <GeomAPI_ProjectPointOnSurf.hxx>
#include <GeomAdaptor_Surface.hxx>
#include <GeomFill_CorrectedFrenet.hxx>
#include <GeomFill_Frenet.hxx>
#include <Geom_BSplineSurface.hxx>
#include <Geom_ConicalSurface.hxx>
#include <Geom_CylindricalSurface.hxx>
#include <LocOpe_DPrism.hxx>
#include <Precision.hxx>
#include <ShapeAnalysis_FreeBounds.hxx>
#include <ShapeFix_Face.hxx>
#include <ShapeFix_Shape.hxx>
#include <ShapeUpgrade_UnifySameDomain.hxx>
#include <TColStd_HArray1OfBoolean.hxx>
#include <TColgp_Array1OfPnt.hxx>
#include <TColgp_Array1OfVec.hxx>
#include <TColgp_Array2OfPnt.hxx>
#include <TColgp_HArray1OfPnt.hxx>
#include <TopExp.hxx>
#include <TopExp_Explorer.hxx>
#include <TopTools_HSequenceOfShape.hxx>
#include <TopTools_IndexedDataMapOfShapeListOfShape.hxx>
#include <TopTools_IndexedMapOfShape.hxx>
#include <TopoDS.hxx>
#include <TopoDS_Iterator.hxx>
#include <gce_MakeDir.hxx>
#include <gp_Circ.hxx>
#include <gp_Elips.hxx>
#include <gp_Lin.hxx>

#include <cmath>
#include <functional>
#include <unordered_map>

namespace cad::cq {

using script::CallArgs;
using script::Interpreter;
using script::Param;
using script::Value;

namespace {

constexpr double kDeg = M_PI / 180.0;

/// GeometryError "<what>: <algo> failed"; without `what` the calling method's name is
/// prefixed by guarded().
[[noreturn]] void fail(const std::string& what, const std::string& algo) {
  script::throw_geometry((what.empty() ? "" : what + ": ") + algo + " failed");
}

TopoDS_Shape checked(const TopoDS_Shape& s, const std::string& what, const std::string& algo) {
  if (s.IsNull()) fail(what, algo);
  return s;
}

/// The dimension-defining type of a shape (first non-compound child of a compound).
TopAbs_ShapeEnum mass_type(const TopoDS_Shape& s) {
  TopoDS_Shape c = s;
  while (c.ShapeType() == TopAbs_COMPOUND) {
    TopoDS_Iterator it(c);
    if (!it.More()) return TopAbs_SOLID;
    c = it.Value();
  }
  return c.ShapeType();
}

/// Linear, surface or volume properties of `s` as for a shape of type `t` (none for a vertex).
GProp_GProps properties_as(const TopoDS_Shape& s, TopAbs_ShapeEnum t) {
  GProp_GProps p;
  switch (t) {
    case TopAbs_EDGE:
    case TopAbs_WIRE:
      BRepGProp::LinearProperties(s, p);
      break;
    case TopAbs_FACE:
    case TopAbs_SHELL:
      BRepGProp::SurfaceProperties(s, p);
      break;
    case TopAbs_VERTEX:
      break;
    default:
      BRepGProp::VolumeProperties(s, p);
      break;
  }
  return p;
}

GProp_GProps props(const TopoDS_Shape& s) {
  return properties_as(s, mass_type(s));
}

}  // namespace

// ---- names ---------------------------------------------------------------------------

std::string shape_type_name(const TopoDS_Shape& s) {
  if (s.IsNull()) return "Shape";
  switch (s.ShapeType()) {
    case TopAbs_VERTEX:
      return "Vertex";
    case TopAbs_EDGE:
      return "Edge";
    case TopAbs_WIRE:
      return "Wire";
    case TopAbs_FACE:
      return "Face";
    case TopAbs_SHELL:
      return "Shell";
    case TopAbs_SOLID:
      return "Solid";
    case TopAbs_COMPSOLID:
      return "CompSolid";
    default:
      return "Compound";
  }
}

TopAbs_ShapeEnum shape_enum(const std::string& n) {
  static const std::unordered_map<std::string, TopAbs_ShapeEnum> m = {
      {"Vertex", TopAbs_VERTEX},       {"Edge", TopAbs_EDGE},        {"Wire", TopAbs_WIRE},
      {"Face", TopAbs_FACE},           {"Shell", TopAbs_SHELL},      {"Solid", TopAbs_SOLID},
      {"CompSolid", TopAbs_COMPSOLID}, {"Compound", TopAbs_COMPOUND}};
  return m.at(n);
}

std::string geom_type(const TopoDS_Shape& s) {
  if (s.ShapeType() == TopAbs_EDGE) {
    static const char* names[] = {"LINE",   "CIRCLE",  "ELLIPSE", "HYPERBOLA", "PARABOLA",
                                  "BEZIER", "BSPLINE", "OFFSET",  "OTHER"};
    return names[BRepAdaptor_Curve(TopoDS::Edge(s)).GetType()];
  }
  if (s.ShapeType() == TopAbs_FACE) {
    static const char* names[] = {"PLANE",   "CYLINDER",   "CONE",      "SPHERE", "TORUS", "BEZIER",
                                  "BSPLINE", "REVOLUTION", "EXTRUSION", "OFFSET", "OTHER"};
    return names[GeomAdaptor_Surface(BRep_Tool::Surface(TopoDS::Face(s))).GetType()];
  }
  return shape_type_name(s);
}

// ---- measurements --------------------------------------------------------------------

double volume(const TopoDS_Shape& s) {
  GProp_GProps p;
  BRepGProp::VolumeProperties(s, p);
  return p.Mass();
}

double area(const TopoDS_Shape& s) {
  GProp_GProps p;
  BRepGProp::SurfaceProperties(s, p);
  return p.Mass();
}

double mass(const TopoDS_Shape& s) {
  return mass_type(s) == TopAbs_VERTEX ? 0.0 : props(s).Mass();
}

gp_Pnt center_of_mass(const TopoDS_Shape& s) {
  if (s.ShapeType() == TopAbs_VERTEX) return BRep_Tool::Pnt(TopoDS::Vertex(s));
  if (mass_type(s) == TopAbs_VERTEX) {  // compound of points: their mean
    gp_XYZ sum;
    auto pts = sub_shapes(s, TopAbs_VERTEX);
    for (const auto& v : pts) sum += BRep_Tool::Pnt(TopoDS::Vertex(v)).XYZ();
    return gp_Pnt(sum / std::max<std::size_t>(1, pts.size()));
  }
  return props(s).CentreOfMass();
}

Bnd_Box bounding_box(const TopoDS_Shape& s) {
  Bnd_Box b;
  BRepBndLib::AddOptimal(s, b, true, false);
  return b;
}

gp_Pnt bbox_center(const TopoDS_Shape& s) {
  double x0, y0, z0, x1, y1, z1;
  bounding_box(s).Get(x0, y0, z0, x1, y1, z1);
  return gp_Pnt((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2);
}

double bbox_diagonal(const TopoDS_Shape& s) {
  return std::sqrt(bounding_box(s).SquareExtent());
}

// ---- topology ------------------------------------------------------------------------

std::vector<TopoDS_Shape> sub_shapes(const TopoDS_Shape& s, TopAbs_ShapeEnum type) {
  TopTools_IndexedMapOfShape map;
  TopExp::MapShapes(s, type, map);
  std::vector<TopoDS_Shape> out;
  out.reserve(map.Extent());
  for (int i = 1; i <= map.Extent(); ++i) {
    if (type == TopAbs_EDGE && BRep_Tool::Degenerated(TopoDS::Edge(map(i)))) continue;
    out.push_back(map(i));
  }
  return out;
}

std::vector<TopoDS_Shape> children(const TopoDS_Shape& s) {
  if (s.ShapeType() != TopAbs_COMPOUND) return {s};
  std::vector<TopoDS_Shape> out;
  for (TopoDS_Iterator it(s); it.More(); it.Next()) out.push_back(it.Value());
  return out;
}

TopoDS_Shape make_compound(const std::vector<TopoDS_Shape>& shapes) {
  TopoDS_Compound c;
  BRep_Builder b;
  b.MakeCompound(c);
  for (const auto& s : shapes) b.Add(c, s);
  return c;
}

// ---- operations ----------------------------------------------------------------------

TopoDS_Shape boolean(BoolOp op, const std::vector<TopoDS_Shape>& args,
                     const std::vector<TopoDS_Shape>& tools, const std::string& what, bool glue,
                     double fuzzy) {
  std::unique_ptr<BRepAlgoAPI_BooleanOperation> algo;
  const char* name = "BRepAlgoAPI_Fuse";
  switch (op) {
    case BoolOp::Fuse:
      algo = std::make_unique<BRepAlgoAPI_Fuse>();
      break;
    case BoolOp::Cut:
      algo = std::make_unique<BRepAlgoAPI_Cut>();
      name = "BRepAlgoAPI_Cut";
      break;
    case BoolOp::Common:
      algo = std::make_unique<BRepAlgoAPI_Common>();
      name = "BRepAlgoAPI_Common";
      break;
  }
  TopTools_ListOfShape a, t;
  for (const auto& s : args) a.Append(s);
  for (const auto& s : tools) t.Append(s);
  algo->SetArguments(a);
  algo->SetTools(t);
  algo->SetRunParallel(false);
  if (glue) algo->SetGlue(BOPAlgo_GlueShift);
  if (fuzzy > 0) algo->SetFuzzyValue(fuzzy);
  algo->Build();
  if (!algo->IsDone() || algo->HasErrors()) fail(what, name);
  return checked(algo->Shape(), what, name);
}

double fuzzy_tolerance(const Value& tol, const std::string& what) {
  if (tol.is_none()) return 0;
  const double t = script::to_float(tol, what + " tol");
  if (t < 0) script::throw_value_error(what + ": tol must not be negative");
  return t;
}

TopoDS_Shape fuse_children(const TopoDS_Shape& s, const std::string& what) {
  auto ch = children(s);
  if (ch.size() <= 1) return ch.empty() ? s : ch[0];
  return boolean(BoolOp::Fuse, {ch[0]}, std::vector<TopoDS_Shape>(ch.begin() + 1, ch.end()), what);
}

TopoDS_Shape clean(const TopoDS_Shape& s) {
  ShapeUpgrade_UnifySameDomain u(s, true, true, true);
  u.AllowInternalEdges(false);
  u.Build();
  const TopoDS_Shape r = u.Shape();
  if (r.IsSame(s)) return r;  // nothing merged
  // Merging the pieces of a face split only at points where it touches another (a sphere
  // inscribed in a box, intersected with it) can give the merged face the wrong orientation:
  // the solid turns inside out (volume -4/3 pi r^3, BRepCheck: bad orientation). A solid that
  // holds the point at infinity, or whose volume is negative where the classifier cannot
  // tell (a solid of one closed face), is such a one: the shape before merging is kept then.
  for (TopExp_Explorer e(r, TopAbs_SOLID); e.More(); e.Next()) {
    BRepClass3d_SolidClassifier classifier(e.Current());
    classifier.PerformInfinitePoint(Precision::Confusion());
    const TopAbs_State state = classifier.State();
    if (state == TopAbs_OUT) continue;
    if (state == TopAbs_IN) return s;
    GProp_GProps props;
    BRepGProp::VolumeProperties(e.Current(), props);
    if (props.Mass() < 0) return s;
  }
  return r;
}

TopoDS_Shape transformed(const TopoDS_Shape& s, const gp_Trsf& t) {
  return BRepBuilderAPI_Transform(s, t, true).Shape();
}

TopoDS_Shape moved(const TopoDS_Shape& s, const gp_Trsf& t) {
  // A location that is the identity in all but its flag (XY planes at the origin) would make
  // every later kernel call compose locations for nothing: about 15 % of a script's time.
  const gp_XYZ& d = t.TranslationPart();
  bool identity = std::abs(t.ScaleFactor() - 1) < 1e-15 && d.Modulus() < 1e-12;
  for (int i = 1; identity && i <= 3; ++i)
    for (int j = 1; identity && j <= 3; ++j)
      identity = std::abs(t.Value(i, j) - (i == j ? 1.0 : 0.0)) < 1e-15;
  if (identity) return s;
  return s.Moved(TopLoc_Location(t));
}

gp_Trsf rotation(const gp_Pnt& p1, const gp_Pnt& p2, double degrees) {
  gp_Trsf t;
  t.SetRotation(gp_Ax1(p1, gp_Dir(gp_Vec(p1, p2))), degrees * kDeg);
  return t;
}

gp_Trsf mirroring(const gp_Vec& n, const gp_Pnt& base) {
  gp_Trsf t;
  t.SetMirror(gp_Ax2(base, gp_Dir(n)));
  return t;
}

gp_Vec mirror_normal(const std::string& name) {
  if (name == "XY" || name == "YX") return {0, 0, 1};
  if (name == "XZ" || name == "ZX") return {0, 1, 0};
  if (name == "YZ" || name == "ZY") return {1, 0, 0};
  script::throw_value_error("mirror: plane must be one of XY, YX, XZ, ZX, YZ, ZY, got '" + name +
                            "'");
}

bool is_valid(const TopoDS_Shape& s) {
  return !s.IsNull() && BRepCheck_Analyzer(s).IsValid();
}

TopoDS_Shape scaled(const TopoDS_Shape& s, double factor) {
  gp_Trsf t;
  t.SetScale(gp_Pnt(), factor);
  return transformed(s, t);
}

// ---- construction --------------------------------------------------------------------

TopoDS_Edge make_line(const gp_Pnt& a, const gp_Pnt& b) {
  BRepBuilderAPI_MakeEdge e(a, b);
  if (!e.IsDone()) fail("", "BRepBuilderAPI_MakeEdge (coincident points)");
  return e.Edge();
}

TopoDS_Edge make_three_point_arc(const gp_Pnt& a, const gp_Pnt& b, const gp_Pnt& c) {
  GC_MakeArcOfCircle arc(a, b, c);
  if (!arc.IsDone()) fail("", "GC_MakeArcOfCircle");
  return BRepBuilderAPI_MakeEdge(arc.Value()).Edge();
}

TopoDS_Edge make_tangent_arc(const gp_Pnt& a, const gp_Vec& t, const gp_Pnt& c) {
  GC_MakeArcOfCircle arc(a, t, c);
  if (!arc.IsDone()) fail("", "GC_MakeArcOfCircle");
  return BRepBuilderAPI_MakeEdge(arc.Value()).Edge();
}

TopoDS_Edge make_circle(double r, const gp_Pnt& c, const gp_Vec& normal, double a1, double a2,
                        bool orientation) {
  gp_Circ circ(gp_Ax2(c, gp_Dir(normal)), r);
  if (a1 == a2) return BRepBuilderAPI_MakeEdge(circ).Edge();
  GC_MakeArcOfCircle arc(circ, a1 * kDeg, a2 * kDeg, orientation);
  return BRepBuilderAPI_MakeEdge(arc.Value()).Edge();
}

TopoDS_Edge make_ellipse(double rx, double ry, const gp_Pnt& c, const gp_Vec& normal,
                         const gp_Vec& xdir, double a1, double a2, int sense) {
  gp_Ax2 ax(c, gp_Dir(normal), gp_Dir(xdir));
  double corr = 0;
  gp_Elips el;
  if (ry > rx) {  // gp_Elips needs major >= minor: swap and turn by 90 degrees
    corr = M_PI / 2;
    el = gp_Elips(ax, ry, rx).Rotated(gp_Ax1(c, gp_Dir(normal)), corr);
  } else {
    el = gp_Elips(ax, rx, ry);
  }
  if (a1 == a2) return BRepBuilderAPI_MakeEdge(el).Edge();
  GC_MakeArcOfEllipse arc(el, a1 * kDeg - corr, a2 * kDeg - corr, sense == 1);
  return BRepBuilderAPI_MakeEdge(arc.Value()).Edge();
}

std::optional<std::array<double, 3>> smoothing_weights(const Value& v) {
  if (v.is_none()) return std::nullopt;
  const auto items = script::to_items(v, "smoothing");
  if (items.size() != 3) script::throw_value_error("smoothing takes three weights");
  std::array<double, 3> w{};
  for (std::size_t i = 0; i < 3; ++i) w[i] = script::to_float(items[i], "smoothing");
  return w;
}

TopoDS_Edge make_spline_approx(const std::vector<gp_Pnt>& pts, double tol,
                               const std::optional<std::array<double, 3>>& smoothing, int min_deg,
                               int max_deg) {
  if (pts.size() < 2) script::throw_value_error("B-spline approximation needs two points or more");
  TColgp_Array1OfPnt array(1, static_cast<int>(pts.size()));
  for (std::size_t i = 0; i < pts.size(); ++i) array.SetValue(static_cast<int>(i) + 1, pts[i]);
  std::unique_ptr<GeomAPI_PointsToBSpline> builder;
  if (smoothing)
    builder = std::make_unique<GeomAPI_PointsToBSpline>(array, (*smoothing)[0], (*smoothing)[1],
                                                        (*smoothing)[2], max_deg, GeomAbs_C2, tol);
  else
    builder = std::make_unique<GeomAPI_PointsToBSpline>(array, min_deg, max_deg, GeomAbs_C2, tol);
  if (!builder->IsDone()) script::throw_value_error("B-spline approximation failed");
  return BRepBuilderAPI_MakeEdge(builder->Curve()).Edge();
}

TopoDS_Face make_spline_approx_surface(const std::vector<std::vector<gp_Pnt>>& grid, double tol,
                                       const std::optional<std::array<double, 3>>& smoothing,
                                       int min_deg, int max_deg) {
  if (grid.size() < 2 || grid[0].size() < 2)
    script::throw_value_error("B-spline approximation needs a grid of at least 2 x 2 points");
  const int rows = static_cast<int>(grid.size()), cols = static_cast<int>(grid[0].size());
  TColgp_Array2OfPnt array(1, rows, 1, cols);
  for (int i = 0; i < rows; ++i) {
    if (static_cast<int>(grid[i].size()) != cols)
      script::throw_value_error("B-spline approximation needs rows of equal length");
    for (int j = 0; j < cols; ++j) array.SetValue(i + 1, j + 1, grid[i][j]);
  }
  GeomAPI_PointsToBSplineSurface builder;
  if (smoothing)
    builder.Init(array, (*smoothing)[0], (*smoothing)[1], (*smoothing)[2], max_deg, GeomAbs_C2,
                 tol);
  else
    builder.Init(array, min_deg, max_deg, GeomAbs_C2, tol);
  if (!builder.IsDone()) script::throw_value_error("B-spline approximation failed");
  return BRepBuilderAPI_MakeFace(builder.Surface(), Precision::Confusion()).Face();
}

TopoDS_Edge make_spline(const std::vector<gp_Pnt>& pts,
                        const std::vector<std::optional<gp_Vec>>& tangents, bool periodic,
                        bool scale, double tol, const std::vector<double>& parameters) {
  if (pts.size() < 2) script::throw_value_error("spline: at least two points are required");
  Handle(TColgp_HArray1OfPnt) arr = new TColgp_HArray1OfPnt(1, static_cast<int>(pts.size()));
  for (std::size_t i = 0; i < pts.size(); ++i) arr->SetValue(static_cast<int>(i + 1), pts[i]);
  std::unique_ptr<GeomAPI_Interpolate> b;
  if (parameters.empty()) {
    b = std::make_unique<GeomAPI_Interpolate>(arr, periodic, tol);
  } else {
    if (parameters.size() != pts.size() + (periodic ? 1 : 0))
      script::throw_value_error("There must be one parameter for each interpolation point");
    Handle(TColStd_HArray1OfReal) par =
        new TColStd_HArray1OfReal(1, static_cast<int>(parameters.size()));
    for (std::size_t i = 0; i < parameters.size(); ++i)
      par->SetValue(static_cast<int>(i + 1), parameters[i]);
    b = std::make_unique<GeomAPI_Interpolate>(arr, par, periodic, tol);
  }
  if (!tangents.empty()) {
    if (tangents.size() == 2 && pts.size() != 2) {
      if (!tangents[0] || !tangents[1])
        script::throw_value_error("spline: end tangents must be given");
      b->Load(*tangents[0], *tangents[1], scale);
    } else {
      if (tangents.size() != pts.size())
        script::throw_value_error(
            "There must be one tangent for each interpolation point, or just two end point "
            "tangents");
      TColgp_Array1OfVec tv(1, static_cast<int>(tangents.size()));
      Handle(TColStd_HArray1OfBoolean) flags =
          new TColStd_HArray1OfBoolean(1, static_cast<int>(tangents.size()));
      for (std::size_t i = 0; i < tangents.size(); ++i) {
        tv.SetValue(static_cast<int>(i + 1), tangents[i].value_or(gp_Vec()));
        flags->SetValue(static_cast<int>(i + 1), tangents[i].has_value());
      }
      b->Load(tv, flags, scale);
    }
  }
  b->Perform();
  if (!b->IsDone()) script::throw_value_error("B-spline interpolation failed");
  return BRepBuilderAPI_MakeEdge(b->Curve()).Edge();
}

TopoDS_Wire make_polygon(const std::vector<gp_Pnt>& pts, bool close) {
  BRepBuilderAPI_MakePolygon p;
  for (const auto& q : pts) p.Add(q);
  if (close) p.Close();
  if (!p.IsDone()) fail("", "BRepBuilderAPI_MakePolygon");
  return p.Wire();
}

TopoDS_Wire assemble_edges(const std::vector<TopoDS_Shape>& edges) {
  BRepBuilderAPI_MakeWire w;
  TopTools_ListOfShape l;
  for (const auto& e : edges)
    for (const auto& x : sub_shapes(e, TopAbs_EDGE)) l.Append(x);
  w.Add(l);
  w.Build();
  if (!w.IsDone()) fail("", "BRepBuilderAPI_MakeWire (edges are not connected)");
  return w.Wire();
}

std::vector<TopoDS_Wire> combine_wires(const std::vector<TopoDS_Shape>& shapes, double tol) {
  Handle(TopTools_HSequenceOfShape) in = new TopTools_HSequenceOfShape,
                                    out = new TopTools_HSequenceOfShape;
  for (const auto& e : sub_shapes(make_compound(shapes), TopAbs_EDGE)) in->Append(e);
  ShapeAnalysis_FreeBounds::ConnectEdgesToWires(in, tol, false, out);
  std::vector<TopoDS_Wire> r;
  for (int i = 1; i <= out->Length(); ++i) r.push_back(TopoDS::Wire(out->Value(i)));
  return r;
}

std::vector<TopoDS_Face> faces_from_wires(const TopoDS_Wire& outer,
                                          const std::vector<TopoDS_Wire>& inner) {
  if (!inner.empty() && !BRep_Tool::IsClosed(outer))
    script::throw_value_error("Cannot build face(s): outer wire is not closed");
  std::vector<TopoDS_Shape> all{outer};
  all.insert(all.end(), inner.begin(), inner.end());
  if (!BRepLib_FindSurface(make_compound(all), -1, true).Found())
    script::throw_value_error("Cannot build face(s): wires not planar");
  ShapeFix_Shape fix(outer);
  fix.Perform();
  BRepBuilderAPI_MakeFace mf(TopoDS::Wire(fix.Shape()), true);
  for (const auto& w : inner) {
    if (!BRep_Tool::IsClosed(w))
      script::throw_value_error("Cannot build face(s): inner wire is not closed");
    mf.Add(w);
  }
  if (!mf.IsDone())
    script::throw_value_error("Cannot build face(s): BRepBuilderAPI_MakeFace failed");
  ShapeFix_Face sf(mf.Face());
  sf.FixOrientation();
  sf.Perform();
  std::vector<TopoDS_Face> faces;
  for (const auto& f : sub_shapes(sf.Result(), TopAbs_FACE)) faces.push_back(TopoDS::Face(f));
  return faces;
}

gp_Vec face_normal(const TopoDS_Face& f, const std::optional<gp_Pnt>& p) {
  double u, v;
  if (p) {
    GeomAPI_ProjectPointOnSurf proj(*p, BRep_Tool::Surface(f));
    proj.LowerDistanceParameters(u, v);
  } else {
    double u0, u1, v0, v1;
    BRepTools::UVBounds(f, u0, u1, v0, v1);
    u = (u0 + u1) / 2;
    v = (v0 + v1) / 2;
  }
  gp_Pnt pt;
  gp_Vec n;
  BRepGProp_Face(f).Normal(u, v, pt, n);
  return n.Normalized();
}

TopoDS_Wire outer_wire(const TopoDS_Face& f) {
  return BRepTools::OuterWire(f);
}

TopoDS_Shape extrude_linear(const TopoDS_Face& f, const gp_Vec& v, double taper) {
  if (taper == 0)
    return checked(BRepPrimAPI_MakePrism(f, v, true).Shape(), "", "BRepPrimAPI_MakePrism");
  double d = v.Angle(face_normal(f)) < M_PI / 2 ? 1 : -1;
  LocOpe_DPrism prism(f, d * v.Magnitude() / std::cos(taper * kDeg), d * taper * kDeg);
  return checked(prism.Shape(), "", "LocOpe_DPrism");
}

TopoDS_Shape revolve_face(const TopoDS_Face& f, double degrees, const gp_Pnt& a, const gp_Pnt& b) {
  BRepPrimAPI_MakeRevol r(f, gp_Ax1(a, gp_Dir(gp_Vec(a, b))), degrees * kDeg, true);
  return checked(r.Shape(), "", "BRepPrimAPI_MakeRevol");
}

namespace {

TopoDS_Wire to_wire(const TopoDS_Shape& p) {
  if (p.ShapeType() == TopAbs_WIRE) return TopoDS::Wire(p);
  if (p.ShapeType() == TopAbs_EDGE) return assemble_edges({p});
  script::throw_value_error("Wire or Edge instance required");
}

void set_sweep_mode(BRepOffsetAPI_MakePipeShell& b, const TopoDS_Wire& path, bool frenet,
                    const std::optional<gp_Vec>& normal, bool& rotate) {
  rotate = false;
  if (normal) {
    BRepAdaptor_CompCurve c(path);
    gp_Ax2 ax;
    ax.SetLocation(c.Value(c.FirstParameter()));
    ax.SetDirection(gp_Dir(*normal));
    b.SetMode(ax);
    rotate = true;
  } else {
    b.SetMode(frenet);
  }
}

}  // namespace

TopoDS_Shape sweep_face(const TopoDS_Face& f, const TopoDS_Shape& path, bool make_solid,
                        bool frenet, const std::string& transition,
                        const std::optional<gp_Vec>& normal) {
  TopoDS_Wire outer = outer_wire(f);
  std::vector<TopoDS_Wire> wires{outer};
  for (const auto& w : sub_shapes(f, TopAbs_WIRE))
    if (!w.IsSame(outer)) wires.push_back(TopoDS::Wire(w));
  return sweep_wires(wires, path, make_solid, frenet, transition, normal);
}

TopoDS_Shape sweep_wires(const std::vector<TopoDS_Wire>& wires, const TopoDS_Shape& path,
                         bool make_solid, bool frenet, const std::string& transition,
                         const std::optional<gp_Vec>& normal) {
  TopoDS_Wire p = to_wire(path);
  BRepBuilderAPI_TransitionMode mode = BRepBuilderAPI_RightCorner;
  if (transition == "transformed")
    mode = BRepBuilderAPI_Transformed;
  else if (transition == "round")
    mode = BRepBuilderAPI_RoundCorner;
  else if (transition != "right")
    script::throw_value_error("sweep: transition must be 'right', 'round' or 'transformed'");
  std::vector<TopoDS_Shape> shapes;
  for (const auto& w : wires) {
    BRepOffsetAPI_MakePipeShell b(p);
    bool rotate;
    set_sweep_mode(b, p, frenet, normal, rotate);
    b.SetTransitionMode(mode);
    b.Add(w, false, rotate);
    b.Build();
    if (!b.IsDone()) fail("", "BRepOffsetAPI_MakePipeShell");
    if (make_solid) b.MakeSolid();
    shapes.push_back(b.Shape());
  }
  if (shapes.size() == 1) return shapes[0];
  return boolean(BoolOp::Cut, {shapes[0]},
                 std::vector<TopoDS_Shape>(shapes.begin() + 1, shapes.end()), "sweep");
}

TopoDS_Shape sweep_multi(const std::vector<TopoDS_Shape>& sections, const TopoDS_Shape& path,
                         bool make_solid, bool frenet, const std::optional<gp_Vec>& normal) {
  TopoDS_Wire p = to_wire(path);
  BRepOffsetAPI_MakePipeShell b(p);
  bool rotate;
  set_sweep_mode(b, p, frenet, normal, rotate);
  for (const auto& s : sections)
    b.Add(s.ShapeType() == TopAbs_FACE ? outer_wire(TopoDS::Face(s)) : TopoDS::Wire(s), false,
          rotate);
  b.Build();
  if (!b.IsDone()) fail("", "BRepOffsetAPI_MakePipeShell");
  if (make_solid) b.MakeSolid();
  return b.Shape();
}

TopoDS_Wire make_helix(double pitch, double height, double radius, const gp_Pnt& center,
                       const gp_Vec& dir, double angle, bool lefthand) {
  const gp_Ax3 axes(center, gp_Dir(dir));
  Handle(Geom_Surface) surface;
  if (angle == 360.0)
    surface = new Geom_CylindricalSurface(axes, radius);
  else
    surface = new Geom_ConicalSurface(axes, angle * M_PI / 180, radius);
  const Handle(Geom2d_Line) line =
      new Geom2d_Line(gp_Pnt2d(0, 0), gp_Dir2d(lefthand ? -2 * M_PI : 2 * M_PI, pitch));
  const double turns = height / pitch;
  const gp_Pnt2d start = line->Value(0.0);
  const gp_Pnt2d stop = line->Value(turns * std::sqrt(4 * M_PI * M_PI + pitch * pitch));
  const Handle(Geom2d_TrimmedCurve) segment = GCE2d_MakeSegment(start, stop).Value();
  const TopoDS_Edge e = BRepBuilderAPI_MakeEdge(segment, surface).Edge();
  TopoDS_Wire w = BRepBuilderAPI_MakeWire(e).Wire();
  BRepLib::BuildCurves3d(w, 1e-6, GeomAbs_C1, 14, 2000);
  return w;
}

TopoDS_Shape extrude_with_rotation(const TopoDS_Face& f, const gp_Pnt& center, const gp_Vec& normal,
                                   double degrees) {
  if (degrees == 0) script::throw_runtime("ZeroDivisionError", "float division by zero");
  const double length = normal.Magnitude();
  const TopoDS_Wire spine =
      BRepBuilderAPI_MakeWire(BRepBuilderAPI_MakeEdge(center, center.Translated(normal)).Edge())
          .Wire();
  // A negative angle gives a negative pitch: CadQuery passes it on as it is, and the helix
  // segment then runs the other way round.
  const double pitch = 360.0 / degrees * length;
  const TopoDS_Wire aux = make_helix(pitch, length, 1.0, center, normal);
  auto along = [&](const TopoDS_Wire& w) {
    BRepOffsetAPI_MakePipeShell b(spine);
    b.SetMode(aux, false);
    b.Add(w);
    b.Build();
    if (!b.IsDone()) fail("twistExtrude", "BRepOffsetAPI_MakePipeShell");
    b.MakeSolid();
    return b.Shape();
  };
  const TopoDS_Wire outer = outer_wire(f);
  TopoDS_Shape solid = along(outer);
  std::vector<TopoDS_Shape> holes;
  for (const auto& w : sub_shapes(f, TopAbs_WIRE))
    if (!w.IsSame(outer)) holes.push_back(along(TopoDS::Wire(w)));
  if (!holes.empty()) solid = boolean(BoolOp::Cut, {solid}, holes, "twistExtrude");
  return solid;
}

TopoDS_Shape loft(const std::vector<TopoDS_Shape>& sections, bool ruled, bool solid,
                  bool approx25) {
  if (sections.size() < 2) script::throw_value_error("More than one wire is required");
  BRepOffsetAPI_ThruSections b(solid, ruled);
  if (approx25) {  // CadQuery 2.5-2.8 shapes.py loft(): _make_builder with its defaults
    b.SetMaxDegree(3);
    b.CheckCompatibility(true);
    b.SetContinuity(GeomAbs_C2);
    b.SetParType(Approx_IsoParametric);
    b.SetSmoothing(false);
    b.SetCriteriumWeight(1, 1, 1);
  }
  for (const auto& s : sections) {
    if (s.ShapeType() == TopAbs_VERTEX)
      b.AddVertex(TopoDS::Vertex(s));
    else if (s.ShapeType() == TopAbs_FACE)
      b.AddWire(outer_wire(TopoDS::Face(s)));
    else
      b.AddWire(TopoDS::Wire(s));
  }
  b.Build();
  if (!b.IsDone()) fail("", "BRepOffsetAPI_ThruSections");
  return b.Shape();
}

TopoDS_Shape make_box(double l, double w, double h, const gp_Pnt& p, const gp_Vec& dir) {
  return BRepPrimAPI_MakeBox(gp_Ax2(p, gp_Dir(dir)), l, w, h).Shape();
}

TopoDS_Shape make_cylinder(double r, double h, const gp_Pnt& p, const gp_Vec& dir, double degrees) {
  return BRepPrimAPI_MakeCylinder(gp_Ax2(p, gp_Dir(dir)), r, h, degrees * kDeg).Shape();
}

TopoDS_Shape make_cone(double r1, double r2, double h, const gp_Pnt& p, const gp_Vec& dir,
                       double degrees) {
  return BRepPrimAPI_MakeCone(gp_Ax2(p, gp_Dir(dir)), r1, r2, h, degrees * kDeg).Shape();
}

TopoDS_Shape make_sphere(double r, const gp_Pnt& p, const gp_Vec& dir, double a1, double a2,
                         double a3) {
  return BRepPrimAPI_MakeSphere(gp_Ax2(p, gp_Dir(dir)), r, a1 * kDeg, a2 * kDeg, a3 * kDeg).Shape();
}

TopoDS_Shape make_torus(double r1, double r2, const gp_Pnt& p, const gp_Vec& dir) {
  return BRepPrimAPI_MakeTorus(gp_Ax2(p, gp_Dir(dir)), r1, r2).Shape();
}

TopoDS_Shape make_wedge(double dx, double dy, double dz, double xmin, double zmin, double xmax,
                        double zmax, const gp_Pnt& p, const gp_Vec& dir) {
  return BRepPrimAPI_MakeWedge(gp_Ax2(p, gp_Dir(dir)), dx, dy, dz, xmin, zmin, xmax, zmax).Solid();
}

TopoDS_Shape fillet(const TopoDS_Shape& solid, double r, const std::vector<TopoDS_Shape>& edges) {
  BRepFilletAPI_MakeFillet f(solid);
  for (const auto& e : edges) f.Add(r, TopoDS::Edge(e));
  f.Build();
  if (!f.IsDone()) fail("", "BRepFilletAPI_MakeFillet");
  return f.Shape();
}

TopoDS_Shape chamfer(const TopoDS_Shape& solid, double d1, double d2,
                     const std::vector<TopoDS_Shape>& edges) {
  TopTools_IndexedDataMapOfShapeListOfShape map;
  TopExp::MapShapesAndAncestors(solid, TopAbs_EDGE, TopAbs_FACE, map);
  BRepFilletAPI_MakeChamfer c(solid);
  for (const auto& e : edges) {
    if (!map.Contains(e)) script::throw_value_error("chamfer: edge does not belong to the solid");
    c.Add(d1, d2, TopoDS::Edge(e), TopoDS::Face(map.FindFromKey(e).First()));
  }
  c.Build();
  if (!c.IsDone()) fail("", "BRepFilletAPI_MakeChamfer");
  return c.Shape();
}

TopoDS_Shape hollow(const TopoDS_Shape& solid, const std::vector<TopoDS_Shape>& faces,
                    double thickness, const std::string& kind) {
  GeomAbs_JoinType join = GeomAbs_Arc;
  if (kind == "intersection")
    join = GeomAbs_Intersection;
  else if (kind != "arc")
    script::throw_value_error("shell: kind must be 'arc' or 'intersection'");
  TopTools_ListOfShape l;
  for (const auto& f : faces) l.Append(f);
  BRepOffsetAPI_MakeThickSolid b;
  b.MakeThickSolidByJoin(solid, l, thickness, 1e-4, BRepOffset_Skin, true, false, join);
  b.Build();
  if (!b.IsDone()) fail("", "BRepOffsetAPI_MakeThickSolid");
  if (!faces.empty()) return b.Shape();
  // No face removed: a closed hollow solid from the outer and the offset shell.
  TopoDS_Shell s1 = TopoDS::Shell(sub_shapes(b.Shape(), TopAbs_SHELL).at(0));
  TopoDS_Shell s2 = TopoDS::Shell(sub_shapes(solid, TopAbs_SHELL).at(0));
  BRepBuilderAPI_MakeSolid ms =
      thickness > 0 ? BRepBuilderAPI_MakeSolid(s1, s2) : BRepBuilderAPI_MakeSolid(s2, s1);
  ShapeFix_Shape fix(ms.Shape());
  fix.Perform();
  return fix.Shape();
}

// ---- host object ---------------------------------------------------------------------

Value wrap_shape(const TopoDS_Shape& s, bool for_construction, const std::string& what) {
  if (s.IsNull()) script::throw_geometry(what + ": the result is a null shape");
  return std::make_shared<ShapeObj>(s, for_construction);
}

std::shared_ptr<ShapeObj> as_shape(const Value& v) {
  return v.as<ShapeObj>();
}

namespace {

TopoDS_Shape shape_arg(const Value& v, const std::string& what) {
  if (auto s = as_shape(v)) return s->shape;
  script::throw_type_error(what + ": expected a Shape, got " + v.type_name());
}

std::vector<TopoDS_Shape> shape_list(const Value& v, const std::string& what) {
  std::vector<TopoDS_Shape> out;
  for (const auto& i : script::to_items(v, what)) out.push_back(shape_arg(i, what));
  return out;
}

Value shape_values(const std::vector<TopoDS_Shape>& shapes) {
  std::vector<Value> out;
  for (const auto& s : shapes) out.push_back(wrap_shape(s));
  return script::make_list(std::move(out));
}

/// CadQuery's Shape._filter: selected sub-shapes as one shape (compound if several).
Value filtered(const TopoDS_Shape& s, TopAbs_ShapeEnum t, const Value& sel,
               const std::string& what) {
  auto all = sub_shapes(s, t);
  if (!sel.is_none()) all = select_shapes(all, to_selector(sel, what));
  if (all.size() == 1) return wrap_shape(all[0]);
  return wrap_shape(make_compound(all));
}

}  // namespace

TopoDS_Shape thicken_face(const TopoDS_Face& face, double thickness) {
  BRepOffset_MakeOffset builder;
  builder.Initialize(face, thickness, 1.0e-6, BRepOffset_Skin, false, false, GeomAbs_Intersection,
                     true);
  builder.MakeOffsetShape();
  if (!builder.IsDone()) fail("Face.thicken", "BRepOffset_MakeOffset");
  return builder.Shape();
}

TopoDS_Shape make_n_sided_surface(const std::vector<TopoDS_Shape>& boundary,
                                  const std::vector<TopoDS_Shape>& edge_constraints,
                                  const std::vector<gp_Pnt>& point_constraints,
                                  const NSidedOptions& o) {
  BRepOffsetAPI_MakeFilling filling(o.degree, o.nb_pts_on_cur, o.nb_iter, o.anisotropy, o.tol2d,
                                    o.tol3d, o.tol_ang, o.tol_curv, o.max_deg, o.max_segments);
  for (const auto& shape : boundary)
    for (const auto& e : sub_shapes(shape, TopAbs_EDGE)) filling.Add(TopoDS::Edge(e), GeomAbs_C0);
  for (const auto& shape : edge_constraints)
    for (const auto& e : sub_shapes(shape, TopAbs_EDGE))
      filling.Add(TopoDS::Edge(e), GeomAbs_C0, false);
  for (const gp_Pnt& p : point_constraints) filling.Add(p);
  filling.Build();
  if (!filling.IsDone()) fail("Face.makeNSidedSurface", "BRepOffsetAPI_MakeFilling");
  ShapeFix_Shape fix(filling.Shape());  // Face(face).fix()
  fix.Perform();
  return fix.Shape();
}

std::vector<TopoDS_Shape> faces_intersected_by_line(const TopoDS_Shape& shape, const gp_Pnt& p,
                                                    const gp_Dir& axis, double tol,
                                                    const std::string& direction) {
  BRepIntCurveSurface_Inter inter;
  inter.Init(shape, gp_Lin(p, axis), tol);
  std::vector<std::pair<TopoDS_Shape, double>> hits;
  for (; inter.More(); inter.Next()) {
    const gp_Pnt q = inter.Pnt();
    const double d2 = p.SquareDistance(q);
    const gce_MakeDir dir(p, q);
    if (direction.empty()) {
      hits.push_back({inter.Face(), d2});
    } else if (dir.IsDone() && d2 > tol) {
      const bool opposite = dir.Value().IsOpposite(axis, tol);
      if (opposite == (direction == "Opposite")) hits.push_back({inter.Face(), d2});
    }
  }
  std::stable_sort(hits.begin(), hits.end(),
                   [](const auto& x, const auto& y) { return x.second < y.second; });
  std::vector<TopoDS_Shape> faces;
  for (const auto& h : hits) faces.push_back(h.first);
  return faces;
}

gp_Trsf curve_location(const TopoDS_Shape& shape, double d, const std::string& mode,
                       const std::string& frame, bool planar) {
  if (shape.ShapeType() != TopAbs_EDGE && shape.ShapeType() != TopAbs_WIRE)
    script::throw_runtime("AttributeError", "locationAt needs an Edge or a Wire");
  Handle(Adaptor3d_Curve) curve;
  if (shape.ShapeType() == TopAbs_EDGE)
    curve = new BRepAdaptor_Curve(TopoDS::Edge(shape));
  else
    curve = new BRepAdaptor_CompCurve(TopoDS::Wire(shape));
  double param = d;
  if (mode == "length") {
    const double len = GCPnts_AbscissaPoint::Length(*curve);
    param = GCPnts_AbscissaPoint(*curve, len * d, curve->FirstParameter()).Parameter();
  }
  Handle(GeomFill_TrihedronLaw) law;
  if (frame == "frenet")
    law = new GeomFill_Frenet();
  else
    law = new GeomFill_CorrectedFrenet();
  law->SetCurve(curve);
  gp_Vec tangent, normal, binormal;
  law->D0(param, tangent, normal, binormal);
  const gp_Pnt p = curve->Value(param);
  gp_Trsf t;
  if (planar)
    t.SetTransformation(gp_Ax3(p, gp_Dir(0, 0, 1), gp_Dir(normal.XYZ())), gp_Ax3());
  else
    t.SetTransformation(gp_Ax3(p, gp_Dir(tangent.XYZ()), gp_Dir(normal.XYZ())), gp_Ax3());
  return t;
}

namespace {

/// The face a 2D fillet or chamfer builder makes, fixed (CadQuery's `.fix()`).
Value fixed_fillet_2d(BRepFilletAPI_MakeFillet2d& builder, const std::string& what) {
  builder.Build();
  if (!builder.IsDone()) fail(what, "BRepFilletAPI_MakeFillet2d");
  ShapeFix_Shape f(builder.Shape());
  f.Perform();
  return wrap_shape(f.Shape());
}

/// CadQuery's Mixin1D.locationAt on an edge or a wire.
Value location_at(const TopoDS_Shape& shape, double d, const std::string& mode,
                  const std::string& frame, bool planar) {
  return make_location(curve_location(shape, d, mode, frame, planar));
}

/// cq.BoundBox.
struct BoundBoxObj : script::Object {
  explicit BoundBoxObj(const Bnd_Box& b) : box(b) { box.Get(x0, y0, z0, x1, y1, z1); }
  Bnd_Box box;
  double x0, y0, z0, x1, y1, z1;
  std::string type_name() const override { return "BoundBox"; }
  Value get_attr(Interpreter& in, const std::string& n) override {
    static const std::unordered_map<std::string, double BoundBoxObj::*> fields = {
        {"xmin", &BoundBoxObj::x0}, {"ymin", &BoundBoxObj::y0}, {"zmin", &BoundBoxObj::z0},
        {"xmax", &BoundBoxObj::x1}, {"ymax", &BoundBoxObj::y1}, {"zmax", &BoundBoxObj::z1}};
    if (auto it = fields.find(n); it != fields.end()) return this->*(it->second);
    if (n == "xlen") return x1 - x0;
    if (n == "ylen") return y1 - y0;
    if (n == "zlen") return z1 - z0;
    if (n == "center") return make_vector(gp_Pnt((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2));
    if (n == "DiagonalLength") return std::sqrt(box.SquareExtent());
    if (n == "enlarge")  // CadQuery: a copy with the gap set to tol on every side
      return make_builtin("BoundBox.enlarge", [b = box](Interpreter&, CallArgs& a) {
        auto v = script::bind_args(a, "BoundBox.enlarge", {Param("tol")});
        Bnd_Box out;
        out.Add(b);
        out.SetGap(script::to_float(v[0], "BoundBox.enlarge tol"));
        return Value(std::make_shared<BoundBoxObj>(out));
      });
    return Object::get_attr(in, n);
  }
};

/// Curve adaptor over an edge or a wire, with CadQuery's length-based parameters.
struct Curve {
  explicit Curve(const TopoDS_Shape& s) {
    if (s.ShapeType() == TopAbs_EDGE)
      edge = std::make_unique<BRepAdaptor_Curve>(TopoDS::Edge(s));
    else
      wire = std::make_unique<BRepAdaptor_CompCurve>(TopoDS::Wire(s));
  }
  const Adaptor3d_Curve& c() const {
    return edge ? static_cast<const Adaptor3d_Curve&>(*edge)
                : static_cast<const Adaptor3d_Curve&>(*wire);
  }
  double param_at(double d) const {
    double len = GCPnts_AbscissaPoint::Length(c());
    return GCPnts_AbscissaPoint(c(), len * d, c().FirstParameter()).Parameter();
  }
  std::unique_ptr<BRepAdaptor_Curve> edge;
  std::unique_ptr<BRepAdaptor_CompCurve> wire;
};

using ShapeFn = Value (*)(ShapeObj&, Interpreter&, CallArgs&);

/// CadQuery's startPoint/endPoint: the oriented first/last vertex of an edge or wire.
gp_Pnt curve_end(const TopoDS_Shape& s, bool start) {
  TopoDS_Vertex v1, v2;
  if (s.ShapeType() == TopAbs_EDGE)
    TopExp::Vertices(TopoDS::Edge(s), v1, v2, true);
  else if (s.ShapeType() == TopAbs_WIRE)
    TopExp::Vertices(TopoDS::Wire(s), v1, v2);
  else
    script::throw_runtime("AttributeError", "startPoint/endPoint need an Edge or a Wire");
  return BRep_Tool::Pnt(start ? v1 : v2);
}

double num(const Value& v, const char* what) {
  return script::to_float(v, what);
}

Value bool_method(ShapeObj& s, CallArgs& a, BoolOp op, const char* name) {
  std::vector<TopoDS_Shape> tools;
  for (const auto& v : a.positional) tools.push_back(shape_arg(v, name));
  bool glue = false;
  double fuzzy = 0;
  for (const auto& [k, v] : a.keywords) {
    if (k == "glue" && op == BoolOp::Fuse)
      glue = v.truthy();
    else if (k == "tol")
      fuzzy = fuzzy_tolerance(v, name);
    else
      script::throw_type_error(std::string(name) + "() got an unexpected keyword argument '" + k +
                               "'");
  }
  if (op == BoolOp::Fuse && s.shape.ShapeType() == TopAbs_COMPOUND) {  // Compound.fuse
    auto ch = children(s.shape);
    tools.insert(tools.begin(), ch.begin() + (ch.empty() ? 0 : 1), ch.end());
    if (tools.empty()) return wrap_shape(ch.empty() ? s.shape : ch[0]);
    return wrap_shape(boolean(op, {ch.empty() ? s.shape : ch[0]}, tools, name, glue, fuzzy));
  }
  return wrap_shape(boolean(op, {s.shape}, tools, name, glue, fuzzy), false, name);
}

Value moved_method(ShapeObj& s, CallArgs& a, bool in_place) {
  const char* name = in_place ? "Shape.move" : "Shape.moved";
  gp_Trsf t;
  if (a.positional.size() == 1 && a.keywords.empty() && !a.positional[0].is_number()) {
    const Value& v = a.positional[0];
    if (auto seq = v.as<script::Sequence>(); seq && !is_vector_like(v)) {  // several locations
      std::vector<TopoDS_Shape> out;
      for (const auto& l : seq->items) out.push_back(moved(s.shape, to_trsf(l, name)));
      return wrap_shape(make_compound(out));
    }
    t = to_trsf(v, name);
  } else if (a.positional.size() >= 2 && a.keywords.empty() && !a.positional[0].is_number()) {
    // moved(loc1, loc2, *locs) with Locations or vectors: a compound of the copies.
    std::vector<TopoDS_Shape> out;
    for (const auto& l : a.positional) out.push_back(moved(s.shape, to_trsf(l, name)));
    if (in_place) script::throw_type_error(std::string(name) + " takes one location");
    return wrap_shape(make_compound(out));
  } else {
    auto b = script::bind_args(a, name,
                               {Param("x", 0), Param("y", 0), Param("z", 0), Param("rx", 0),
                                Param("ry", 0), Param("rz", 0)});
    t = trsf_from_euler(gp_Vec(num(b[0], name), num(b[1], name), num(b[2], name)), num(b[3], name),
                        num(b[4], name), num(b[5], name));
  }
  if (!in_place) return wrap_shape(moved(s.shape, t), s.for_construction);
  s.shape.Move(TopLoc_Location(t));
  return Value(std::static_pointer_cast<ShapeObj>(s.shared_from_this()));
}

/// Shape.exportStl/exportStep/exportBrep(fileName, ...): recorded like exporters.export,
/// never written.
Value export_method(ShapeObj& s, Interpreter&, CallArgs& a) {
  if (a.positional.empty())
    script::throw_type_error("export: missing required argument 'fileName'");
  session().exported.emplace_back(std::static_pointer_cast<ShapeObj>(s.shared_from_this()),
                                  script::to_str(a.positional[0], "fileName"));
  return Value(true);
}

const std::unordered_map<std::string, ShapeFn>& shape_methods() {
  static const std::unordered_map<std::string, ShapeFn> m = {
      {"Volume", [](ShapeObj& s, Interpreter&, CallArgs&) { return Value(mass(s.shape)); }},
      {"Area", [](ShapeObj& s, Interpreter&, CallArgs&) { return Value(area(s.shape)); }},
      {"Length", [](ShapeObj& s, Interpreter&, CallArgs&) {
         GProp_GProps p;
         BRepGProp::LinearProperties(s.shape, p);
         return Value(p.Mass());
       }},
      {"Center", [](ShapeObj& s, Interpreter&, CallArgs&) { return make_vector(center_of_mass(s.shape)); }},
      {"CenterOfBoundBox", [](ShapeObj& s, Interpreter&, CallArgs&) { return make_vector(bbox_center(s.shape)); }},
      {"BoundingBox", [](ShapeObj& s, Interpreter&, CallArgs&) {
         return Value(std::make_shared<BoundBoxObj>(bounding_box(s.shape)));
       }},
      {"ShapeType", [](ShapeObj& s, Interpreter&, CallArgs&) { return Value(shape_type_name(s.shape)); }},
      {"geomType", [](ShapeObj& s, Interpreter&, CallArgs&) { return Value(geom_type(s.shape)); }},
      {"isValid", [](ShapeObj& s, Interpreter&, CallArgs&) { return Value(is_valid(s.shape)); }},
      {"isNull", [](ShapeObj& s, Interpreter&, CallArgs&) { return Value(s.shape.IsNull()); }},
      {"isSame", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.isSame", {Param("other")});
         return Value(s.shape.IsSame(shape_arg(b[0], "Shape.isSame")));
       }},
      {"IsClosed", [](ShapeObj& s, Interpreter&, CallArgs&) { return Value(BRep_Tool::IsClosed(s.shape)); }},
      {"Closed", [](ShapeObj& s, Interpreter&, CallArgs&) { return Value(s.shape.Closed()); }},
      {"translate", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.translate", {Param("vector")});
         gp_Trsf t;
         t.SetTranslation(to_vec(b[0], "Shape.translate"));
         return wrap_shape(transformed(s.shape, t), s.for_construction);
       }},
      {"rotate", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.rotate", {Param("startVector"), Param("endVector"), Param("angleDegrees")});
         gp_Trsf t = rotation(to_point(b[0], "Shape.rotate"), to_point(b[1], "Shape.rotate"), num(b[2], "Shape.rotate"));
         return wrap_shape(transformed(s.shape, t), s.for_construction);
       }},
      {"scale", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.scale", {Param("factor")});
         return wrap_shape(scaled(s.shape, num(b[0], "Shape.scale")));
       }},
      {"mirror", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.mirror", {Param("mirrorPlane", "XY"),
                                                        Param("basePointVector", script::make_tuple({0, 0, 0}))});
         gp_Vec n = b[0].is_str() ? mirror_normal(b[0].as_str()) : to_vec(b[0], "Shape.mirror");
         return wrap_shape(transformed(s.shape, mirroring(n, to_point(b[1], "Shape.mirror"))));
       }},
      {"transformShape", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.transformShape", {Param("tMatrix")});
         auto m = b[0].as<MatrixObj>();
         if (!m) script::throw_type_error("Shape.transformShape: tMatrix must be a Matrix");
         return wrap_shape(transformed(s.shape, matrix_trsf(m->m, "Shape.transformShape")), s.for_construction);
       }},
      {"transformGeometry", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         // BRepBuilderAPI_GTransform with copy, as CadQuery: scaling and shear allowed.
         auto b = script::bind_args(a, "Shape.transformGeometry", {Param("tMatrix")});
         auto m = b[0].as<MatrixObj>();
         if (!m) script::throw_type_error("Shape.transformGeometry: tMatrix must be a Matrix");
         BRepBuilderAPI_GTransform g(s.shape, m->m, true);
         if (!g.IsDone()) script::throw_geometry("Shape.transformGeometry failed");
         return wrap_shape(g.Shape(), s.for_construction);
       }},
      {"located", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.located", {Param("loc")});
         return wrap_shape(s.shape.Located(TopLoc_Location(to_trsf(b[0], "Shape.located"))), s.for_construction);
       }},
      {"locate", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.locate", {Param("loc")});
         s.shape.Location(TopLoc_Location(to_trsf(b[0], "Shape.locate")));
         return Value(std::static_pointer_cast<ShapeObj>(s.shared_from_this()));
       }},
      // CadQuery's Shape.facesIntersectedByLine: the faces a line through `point` along `axis`
      // meets (BRepIntCurveSurface_Inter), nearest first; "AlongAxis" / "Opposite" keep those
      // ahead of or behind the point, leaving out one at the point itself.
      {"facesIntersectedByLine", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.facesIntersectedByLine",
                                    {Param("point"), Param("axis"), Param("tol", 1e-4), Param("direction", Value())});
         const gp_Pnt p = to_point(b[0], "point");
         const gp_Dir axis(to_vec(b[1], "axis"));
         const double tol = num(b[2], "tol");
         std::string direction;
         if (!b[3].is_none()) {
           direction = script::to_str(b[3], "direction");
           if (direction != "AlongAxis" && direction != "Opposite")
             script::throw_value_error("Invalid direction specification.\nValid specification are 'AlongAxis' and 'Opposite'.");
         }
         return shape_values(faces_intersected_by_line(s.shape, p, axis, tol, direction));
       }},
      {"offset2D", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Wire.offset2D", {Param("d"), Param("kind", "arc")});
         if (s.shape.ShapeType() != TopAbs_WIRE) script::throw_runtime("AttributeError", "offset2D needs a Wire");
         std::vector<TopoDS_Shape> out;
         for (const auto& w : offset_wire_2d(TopoDS::Wire(s.shape), num(b[0], "d"), script::to_str(b[1], "kind")))
           out.push_back(w);
         return shape_values(out);
       }},
      {"split", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         if (!a.keywords.empty()) script::throw_type_error("Shape.split takes shapes only");
         std::vector<TopoDS_Shape> tools;
         for (const auto& t : a.positional) tools.push_back(shape_arg(t, "Shape.split"));
         return wrap_shape(split_shape(s.shape, tools));
       }},
      {"moved", [](ShapeObj& s, Interpreter&, CallArgs& a) { return moved_method(s, a, false); }},
      {"move", [](ShapeObj& s, Interpreter&, CallArgs& a) { return moved_method(s, a, true); }},
      {"location", [](ShapeObj& s, Interpreter&, CallArgs&) {
         return make_location(s.shape.Location().Transformation());
       }},
      {"copy", [](ShapeObj& s, Interpreter&, CallArgs&) {
         return wrap_shape(BRepBuilderAPI_Copy(s.shape).Shape(), s.for_construction);
       }},
      {"clean", [](ShapeObj& s, Interpreter&, CallArgs&) { return wrap_shape(clean(s.shape)); }},
      {"fix", [](ShapeObj& s, Interpreter&, CallArgs&) {
         if (is_valid(s.shape)) return Value(std::static_pointer_cast<ShapeObj>(s.shared_from_this()));
         ShapeFix_Shape f(s.shape);
         f.Perform();
         return wrap_shape(f.Shape());
       }},
      {"fuse", [](ShapeObj& s, Interpreter&, CallArgs& a) { return bool_method(s, a, BoolOp::Fuse, "Shape.fuse"); }},
      {"cut", [](ShapeObj& s, Interpreter&, CallArgs& a) { return bool_method(s, a, BoolOp::Cut, "Shape.cut"); }},
      {"intersect", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         return bool_method(s, a, BoolOp::Common, "Shape.intersect");
       }},
      {"Vertices", [](ShapeObj& s, Interpreter&, CallArgs&) { return shape_values(sub_shapes(s.shape, TopAbs_VERTEX)); }},
      {"Edges", [](ShapeObj& s, Interpreter&, CallArgs&) { return shape_values(sub_shapes(s.shape, TopAbs_EDGE)); }},
      {"Wires", [](ShapeObj& s, Interpreter&, CallArgs&) { return shape_values(sub_shapes(s.shape, TopAbs_WIRE)); }},
      {"Faces", [](ShapeObj& s, Interpreter&, CallArgs&) { return shape_values(sub_shapes(s.shape, TopAbs_FACE)); }},
      {"Shells", [](ShapeObj& s, Interpreter&, CallArgs&) { return shape_values(sub_shapes(s.shape, TopAbs_SHELL)); }},
      {"Solids", [](ShapeObj& s, Interpreter&, CallArgs&) { return shape_values(sub_shapes(s.shape, TopAbs_SOLID)); }},
      {"Compounds", [](ShapeObj& s, Interpreter&, CallArgs&) {
         return shape_values(sub_shapes(s.shape, TopAbs_COMPOUND));
       }},
      {"vertices", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         return filtered(s.shape, TopAbs_VERTEX, script::bind_args(a, "Shape.vertices", {Param("selector", Value())})[0], "Shape.vertices");
       }},
      {"edges", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         return filtered(s.shape, TopAbs_EDGE, script::bind_args(a, "Shape.edges", {Param("selector", Value())})[0], "Shape.edges");
       }},
      {"wires", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         return filtered(s.shape, TopAbs_WIRE, script::bind_args(a, "Shape.wires", {Param("selector", Value())})[0], "Shape.wires");
       }},
      {"faces", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         return filtered(s.shape, TopAbs_FACE, script::bind_args(a, "Shape.faces", {Param("selector", Value())})[0], "Shape.faces");
       }},
      {"solids", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         return filtered(s.shape, TopAbs_SOLID, script::bind_args(a, "Shape.solids", {Param("selector", Value())})[0], "Shape.solids");
       }},
      {"toTuple", [](ShapeObj& s, Interpreter&, CallArgs&) {
         gp_Pnt p = center_of_mass(s.shape);
         return script::make_tuple({p.X(), p.Y(), p.Z()});
       }},
      {"normalAt", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Face.normalAt", {Param("locationVector", Value())});
         if (s.shape.ShapeType() != TopAbs_FACE) script::throw_runtime("AttributeError", "normalAt needs a Face");
         std::optional<gp_Pnt> p;
         if (!b[0].is_none()) p = to_point(b[0], "Face.normalAt");
         return make_vector(face_normal(TopoDS::Face(s.shape), p));
       }},
      {"outerWire", [](ShapeObj& s, Interpreter&, CallArgs&) { return wrap_shape(outer_wire(TopoDS::Face(s.shape))); }},
      // CadQuery's Face.thicken: an offset skin of the face made solid (BRepOffset_MakeOffset,
      // tolerance 1e-6, intersection join, thickening on).
      {"thicken", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Face.thicken", {Param("thickness")});
         if (s.shape.ShapeType() != TopAbs_FACE) script::throw_runtime("AttributeError", "thicken needs a Face");
         return wrap_shape(thicken_face(TopoDS::Face(s.shape), num(b[0], "thickness")));
       }},
      // CadQuery's Face.fillet2D / chamfer2D: BRepFilletAPI_MakeFillet2d at the given vertices
      // (a chamfer between the two edges meeting there), then fixed.
      {"fillet2D", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Face.fillet2D", {Param("radius"), Param("vertices")});
         if (s.shape.ShapeType() != TopAbs_FACE) script::throw_runtime("AttributeError", "fillet2D needs a Face");
         BRepFilletAPI_MakeFillet2d builder(TopoDS::Face(s.shape));
         const double r = num(b[0], "radius");
         for (const auto& v : shape_list(b[1], "Face.fillet2D vertices")) builder.AddFillet(TopoDS::Vertex(v), r);
         return fixed_fillet_2d(builder, "Face.fillet2D");
       }},
      {"chamfer2D", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Face.chamfer2D", {Param("d"), Param("vertices")});
         if (s.shape.ShapeType() != TopAbs_FACE) script::throw_runtime("AttributeError", "chamfer2D needs a Face");
         BRepFilletAPI_MakeFillet2d builder(TopoDS::Face(s.shape));
         const double d = num(b[0], "d");
         TopTools_IndexedDataMapOfShapeListOfShape edges_of;
         TopExp::MapShapesAndAncestors(s.shape, TopAbs_VERTEX, TopAbs_EDGE, edges_of);
         for (const auto& v : shape_list(b[1], "Face.chamfer2D vertices")) {
           const int i = edges_of.FindIndex(v);
           if (i == 0 || edges_of(i).Extent() < 2) script::throw_value_error("Cannot chamfer at this location");
           builder.AddChamfer(TopoDS::Edge(edges_of(i).First()), TopoDS::Edge(edges_of(i).Last()), d, d);
         }
         return fixed_fillet_2d(builder, "Face.chamfer2D");
       }},
      {"innerWires", [](ShapeObj& s, Interpreter&, CallArgs&) {
         TopoDS_Wire o = outer_wire(TopoDS::Face(s.shape));
         std::vector<TopoDS_Shape> in;
         for (const auto& w : sub_shapes(s.shape, TopAbs_WIRE))
           if (!w.IsSame(o)) in.push_back(w);
         return shape_values(in);
       }},
      {"startPoint", [](ShapeObj& s, Interpreter&, CallArgs&) { return make_vector(curve_end(s.shape, true)); }},
      {"endPoint", [](ShapeObj& s, Interpreter&, CallArgs&) { return make_vector(curve_end(s.shape, false)); }},
      {"positionAt", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.positionAt", {Param("d"), Param("mode", "length")});
         Curve c(s.shape);
         double d = num(b[0], "positionAt");
         return make_vector(c.c().Value(script::to_str(b[1], "mode") == "length" ? c.param_at(d) : d));
       }},
      // CadQuery's Mixin1D.locationAt / locations: the frame of a Frenet (or corrected
      // Frenet) trihedron law at d, x along the tangent (planar: z up) and the normal.
      {"locationAt", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.locationAt", {Param("d"), Param("mode", "length"), Param("frame", "frenet"), Param("planar", false)});
         return location_at(s.shape, num(b[0], "locationAt"), script::to_str(b[1], "mode"), script::to_str(b[2], "frame"), b[3].truthy());
       }},
      {"locations", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.locations", {Param("ds"), Param("mode", "length"), Param("frame", "frenet"), Param("planar", false)});
         std::vector<Value> out;
         for (const auto& d : script::to_items(b[0], "Shape.locations ds"))
           out.push_back(location_at(s.shape, num(d, "locations"), script::to_str(b[1], "mode"), script::to_str(b[2], "frame"), b[3].truthy()));
         return script::make_list(std::move(out));
       }},
      // CadQuery's Mixin1D.sample: n points quasi-uniform in length (an int; a closed curve's
      // last point, its first again, left out) or points within a deflection n (a float);
      // returns (points, parameters).
      {"sample", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.sample", {Param("n")});
         Curve c(s.shape);
         const Adaptor3d_Curve& crv = c.c();
         const bool closed = crv.IsClosed();
         std::vector<double> params;
         if (b[0].is_int()) {
           GCPnts_QuasiUniformAbscissa g(crv, static_cast<int>(script::to_int(b[0], "n")) + (closed ? 1 : 0));
           if (!g.IsDone()) fail("Shape.sample", "GCPnts_QuasiUniformAbscissa");
           for (int i = 1; i <= (closed ? g.NbPoints() - 1 : g.NbPoints()); ++i) params.push_back(g.Parameter(i));
         } else {
           GCPnts_QuasiUniformDeflection g(crv, num(b[0], "n"));
           if (!g.IsDone()) fail("Shape.sample", "GCPnts_QuasiUniformDeflection");
           for (int i = 1; i <= (closed ? g.NbPoints() - 1 : g.NbPoints()); ++i) params.push_back(g.Parameter(i));
         }
         std::vector<Value> pts, ps;
         for (double p : params) {
           pts.push_back(make_vector(crv.Value(p)));
           ps.push_back(Value(p));
         }
         return script::make_tuple({script::make_list(std::move(pts)), script::make_list(std::move(ps))});
       }},
      {"tangentAt", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.tangentAt", {Param("locationParam", 0.5), Param("mode", "length")});
         Curve c(s.shape);
         double d = num(b[0], "tangentAt");
         gp_Pnt p;
         gp_Vec v;
         c.c().D1(script::to_str(b[1], "mode") == "length" ? c.param_at(d) : d, p, v);
         return make_vector(v.Normalized());
       }},
      {"radius", [](ShapeObj& s, Interpreter&, CallArgs&) {
         Curve c(s.shape);
         if (c.c().GetType() != GeomAbs_Circle) script::throw_value_error("Shape could not be reduced to a circle");
         return Value(c.c().Circle().Radius());
       }},
      {"arcCenter", [](ShapeObj& s, Interpreter&, CallArgs&) {
         Curve c(s.shape);
         if (c.c().GetType() == GeomAbs_Circle) return make_vector(c.c().Circle().Location());
         if (c.c().GetType() == GeomAbs_Ellipse) return make_vector(c.c().Ellipse().Location());
         script::throw_value_error("arcCenter: the edge is not a circle or an ellipse");
       }},
      {"fillet", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Solid.fillet", {Param("radius"), Param("edgeList")});
         return wrap_shape(fillet(s.shape, num(b[0], "radius"), shape_list(b[1], "Solid.fillet")));
       }},
      {"chamfer", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Solid.chamfer", {Param("length"), Param("length2"), Param("edgeList")});
         double d1 = num(b[0], "length"), d2 = b[1].is_none() ? d1 : num(b[1], "length2");
         return wrap_shape(chamfer(s.shape, d1, d2, shape_list(b[2], "Solid.chamfer")));
       }},
      {"isInside", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.isInside", {Param("point"), Param("tolerance", 1e-6)});
         BRepClass3d_SolidClassifier c(s.shape, to_point(b[0], "Shape.isInside"), num(b[1], "tolerance"));
         return Value(c.State() == TopAbs_IN || c.IsOnAFace());
       }},
      {"distance", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Shape.distance", {Param("other")});
         BRepExtrema_DistShapeShape d(s.shape, shape_arg(b[0], "Shape.distance"));
         if (!d.IsDone()) script::throw_geometry("Shape.distance: BRepExtrema_DistShapeShape failed");
         return Value(d.Value());
       }},
      {"exportStl", export_method}, {"exportStep", export_method}, {"exportBrep", export_method},
      {"shell", [](ShapeObj& s, Interpreter&, CallArgs& a) {
         auto b = script::bind_args(a, "Solid.shell", {Param("faceList"), Param("thickness"), Param("tolerance", 1e-4), Param("kind", "arc")});
         std::vector<TopoDS_Shape> faces = b[0].is_none() ? std::vector<TopoDS_Shape>{} : shape_list(b[0], "Solid.shell");
         return wrap_shape(hollow(s.shape, faces, num(b[1], "thickness"), script::to_str(b[3], "kind")));
       }},
  };
  return m;
}

}  // namespace

std::string ShapeObj::type_name() const {
  return shape_type_name(shape);
}

Value ShapeObj::get_attr(Interpreter& in, const std::string& name) {
  if (name == "forConstruction") return for_construction;
  if (name == "wrapped")
    script::throw_unsupported("Shape.wrapped (raw OCCT objects) is not supported");
  if (!shape.IsNull() && shape.ShapeType() == TopAbs_VERTEX && name.size() == 1) {
    gp_Pnt p = BRep_Tool::Pnt(TopoDS::Vertex(shape));
    if (name == "X") return p.X();
    if (name == "Y") return p.Y();
    if (name == "Z") return p.Z();
  }
  if (name == "hollow") return get_attr(in, "shell");
  auto& m = shape_methods();
  auto it = m.find(name);
  if (it == m.end()) return Object::get_attr(in, name);
  auto self = std::static_pointer_cast<ShapeObj>(shared_from_this());
  ShapeFn fn = it->second;
  return make_builtin(type_name() + "." + name,
                      [self, fn](Interpreter& i, CallArgs& a) { return fn(*self, i, a); });
}

std::vector<TopoDS_Wire> offset_wire_2d(const TopoDS_Wire& w, double d, const std::string& kind) {
  GeomAbs_JoinType join = GeomAbs_Arc;
  if (kind == "intersection")
    join = GeomAbs_Intersection;
  else if (kind == "tangent")
    join = GeomAbs_Tangent;
  else if (kind != "arc")
    script::throw_value_error("offset2D: kind must be 'arc', 'intersection' or 'tangent'");
  BRepOffsetAPI_MakeOffset off;
  off.Init(join);
  off.AddWire(w);
  off.Perform(d);
  if (!off.IsDone()) fail("offset2D", "BRepOffsetAPI_MakeOffset");
  std::vector<TopoDS_Wire> out;
  for (const auto& r : sub_shapes(off.Shape(), TopAbs_WIRE)) out.push_back(TopoDS::Wire(r));
  return out;
}

TopoDS_Shape split_shape(const TopoDS_Shape& s, const std::vector<TopoDS_Shape>& tools) {
  BRepAlgoAPI_Splitter sp;
  TopTools_ListOfShape args, tl;
  args.Append(s);
  for (const auto& t : tools) tl.Append(t);
  sp.SetArguments(args);
  sp.SetTools(tl);
  sp.SetRunParallel(false);
  sp.Build();
  if (!sp.IsDone() || sp.HasErrors()) fail("Shape.split", "BRepAlgoAPI_Splitter");
  return sp.Shape();
}

std::optional<Value> ShapeObj::binary_op(script::BinOp op, const Value& rhs, bool reflected) {
  auto o = as_shape(rhs);
  if (!o || reflected) return std::nullopt;
  auto run = [&](BoolOp b, const char* name) {
    return guarded(name, [&] { return wrap_shape(boolean(b, {shape}, {o->shape}, name)); });
  };
  switch (op) {
    case script::BinOp::Add:
      return run(BoolOp::Fuse, "Shape.fuse");
    case script::BinOp::Sub:
      return run(BoolOp::Cut, "Shape.cut");
    case script::BinOp::Mul:
      return run(BoolOp::Common, "Shape.intersect");
    case script::BinOp::Div:  // "Split self with other"
      return guarded("Shape.split", [&] { return wrap_shape(split_shape(shape, {o->shape})); });
    default:
      return std::nullopt;
  }
}

std::string ShapeObj::repr() const {
  return "<cadquery." + type_name() + " object>";
}

std::optional<std::vector<Value>> ShapeObj::iterate() const {
  std::vector<Value> out;
  if (shape.ShapeType() == TopAbs_COMPOUND) {
    for (const auto& c : children(shape)) out.push_back(wrap_shape(c));
  } else if (shape.ShapeType() == TopAbs_WIRE) {
    for (const auto& e : sub_shapes(shape, TopAbs_EDGE)) out.push_back(wrap_shape(e));
  } else {
    return std::nullopt;
  }
  return out;
}

bool ShapeObj::equals(const Value& other) const {
  auto o = as_shape(other);
  return o && shape.IsSame(o->shape);
}

// ---- classes -------------------------------------------------------------------------

namespace {

Value pnt_default() {
  return script::make_tuple({0, 0, 0});
}
Value dir_default() {
  return script::make_tuple({0, 0, 1});
}

std::vector<gp_Pnt> point_list(const Value& v, const std::string& what) {
  std::vector<gp_Pnt> pts;
  for (const auto& p : script::to_items(v, what)) {
    if (auto s = as_shape(p); s && s->shape.ShapeType() == TopAbs_VERTEX)
      pts.push_back(BRep_Tool::Pnt(TopoDS::Vertex(s->shape)));
    else
      pts.push_back(to_point(p, what));
  }
  return pts;
}

/// Mass properties as CadQuery's shape_properties_LUT chooses them by the shape's own type: a
/// compound (of anything) gets volume properties, a vertex none (CadQuery 2.8's matrixOfInertia;
/// its centres and masses use the first child's type instead: mass_type).
GProp_GProps lut_properties(const TopoDS_Shape& s, const std::string& what) {
  if (s.ShapeType() == TopAbs_VERTEX)
    script::throw_runtime("NotImplementedError", what + " is not defined for a Vertex");
  return properties_as(s, s.ShapeType());
}

TopoDS_Shape shape_of(const Value& v, const std::string& what) {
  auto s = as_shape(v);
  if (!s) script::throw_type_error(what + " takes a Shape, not " + v.type_name());
  return s->shape;
}

/// Shape's static methods (CadQuery: Shape.centerOfMass, computeMass, CombinedCenter,
/// matrixOfInertia), on every shape class.
void def_shape_statics(HostClass& c) {
  // CadQuery >= 2.6 (_mass_calc_function): a compound's first non-compound child chooses linear,
  // surface or volume properties, as Center() does; a vertex is its own centre and has no mass.
  c.def("centerOfMass", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Shape.centerOfMass", {Param("obj")});
    return make_vector(center_of_mass(shape_of(b[0], "Shape.centerOfMass")));
  });
  c.def("computeMass", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Shape.computeMass", {Param("obj")});
    const TopoDS_Shape s = shape_of(b[0], "Shape.computeMass");
    if (mass_type(s) == TopAbs_VERTEX)
      script::throw_runtime("NotImplementedError", "computeMass is not defined for vertices");
    return Value(mass(s));
  });
  c.def("CombinedCenter", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Shape.CombinedCenter", {Param("objects")});
    gp_XYZ sum;
    double mass = 0;
    for (const auto& o : script::to_items(b[0], "Shape.CombinedCenter")) {
      const TopoDS_Shape s = shape_of(o, "Shape.CombinedCenter");
      if (mass_type(s) == TopAbs_VERTEX)
        script::throw_runtime("NotImplementedError", "CombinedCenter: vertices have no mass");
      const GProp_GProps p = props(s);
      sum += p.CentreOfMass().XYZ() * p.Mass();
      mass += p.Mass();
    }
    if (mass == 0) script::throw_runtime("ZeroDivisionError", "float division by zero");
    return make_vector(gp_Pnt(sum / mass));
  });
  c.def("matrixOfInertia", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Shape.matrixOfInertia", {Param("obj")});
    const gp_Mat m = lut_properties(shape_of(b[0], "Shape.matrixOfInertia"), "matrixOfInertia")
                         .MatrixOfInertia();
    std::vector<Value> rows;
    for (int i = 1; i <= 3; ++i)
      rows.push_back(
          script::make_list({Value(m.Value(i, 1)), Value(m.Value(i, 2)), Value(m.Value(i, 3))}));
    return script::make_list(std::move(rows));
  });
}

void def_solid(HostClass& c) {
  // CadQuery's Solid.sweep(outerWire, innerWires, path, makeSolid, isFrenet, mode,
  // transitionMode): each wire swept along the path, the inner sweeps cut from the outer.
  c.def("sweep", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "Solid.sweep",
        {Param("outerWire"), Param("innerWires"), Param("path"), Param("makeSolid", true),
         Param("isFrenet", false), Param("mode", Value()), Param("transitionMode", "transformed")});
    std::vector<TopoDS_Wire> wires{to_wire(shape_arg(b[0], "outerWire"))};
    for (const auto& w : shape_list(b[1], "innerWires")) wires.push_back(to_wire(w));
    std::optional<gp_Vec> normal;
    if (!b[5].is_none()) {
      if (as_shape(b[5]))
        script::throw_unsupported("Solid.sweep(mode=<auxiliary spine>) is not supported");
      normal = to_vec(b[5], "mode");
    }
    return wrap_shape(sweep_wires(wires, shape_arg(b[2], "path"), b[3].truthy(), b[4].truthy(),
                                  script::to_str(b[6], "transitionMode"), normal));
  });
  c.def("makeBox", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Solid.makeBox",
                               {Param("length"), Param("width"), Param("height"),
                                Param("pnt", pnt_default()), Param("dir", dir_default())});
    return wrap_shape(make_box(num(b[0], "length"), num(b[1], "width"), num(b[2], "height"),
                               to_point(b[3], "pnt"), to_vec(b[4], "dir")));
  });
  c.def("makeCylinder", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Solid.makeCylinder",
                               {Param("radius"), Param("height"), Param("pnt", pnt_default()),
                                Param("dir", dir_default()), Param("angleDegrees", 360)});
    return wrap_shape(make_cylinder(num(b[0], "radius"), num(b[1], "height"), to_point(b[2], "pnt"),
                                    to_vec(b[3], "dir"), num(b[4], "angleDegrees")));
  });
  c.def("makeCone", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "Solid.makeCone",
        {Param("radius1"), Param("radius2"), Param("height"), Param("pnt", pnt_default()),
         Param("dir", dir_default()), Param("angleDegrees", 360)});
    return wrap_shape(make_cone(num(b[0], "radius1"), num(b[1], "radius2"), num(b[2], "height"),
                                to_point(b[3], "pnt"), to_vec(b[4], "dir"),
                                num(b[5], "angleDegrees")));
  });
  c.def("makeSphere", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "Solid.makeSphere",
        {Param("radius"), Param("pnt", pnt_default()), Param("dir", dir_default()),
         Param("angleDegrees1", 0), Param("angleDegrees2", 90), Param("angleDegrees3", 360)});
    return wrap_shape(make_sphere(num(b[0], "radius"), to_point(b[1], "pnt"), to_vec(b[2], "dir"),
                                  num(b[3], "angle1"), num(b[4], "angle2"), num(b[5], "angle3")));
  });
  c.def("makeTorus", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Solid.makeTorus",
                               {Param("radius1"), Param("radius2"), Param("pnt", pnt_default()),
                                Param("dir", dir_default())});
    return wrap_shape(make_torus(num(b[0], "radius1"), num(b[1], "radius2"), to_point(b[2], "pnt"),
                                 to_vec(b[3], "dir")));
  });
  c.def("makeWedge", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "Solid.makeWedge",
        {Param("dx"), Param("dy"), Param("dz"), Param("xmin"), Param("zmin"), Param("xmax"),
         Param("zmax"), Param("pnt", pnt_default()), Param("dir", dir_default())});
    double v[7];
    for (int i = 0; i < 7; ++i) v[i] = num(b[i], "Solid.makeWedge");
    return wrap_shape(make_wedge(v[0], v[1], v[2], v[3], v[4], v[5], v[6], to_point(b[7], "pnt"),
                                 to_vec(b[8], "dir")));
  });
  c.def("makeLoft", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Solid.makeLoft", {Param("listOfWire"), Param("ruled", false)});
    return wrap_shape(loft(shape_list(b[0], "Solid.makeLoft"), b[1].truthy()));
  });
  c.def("extrudeLinear", [](Interpreter&, CallArgs& a) {
    // extrudeLinear(face, vecNormal, taper=0) or extrudeLinear(outerWire, innerWires, vecNormal,
    // taper=0)
    if (!a.positional.empty() && as_shape(a.positional[0]) &&
        as_shape(a.positional[0])->shape.ShapeType() == TopAbs_WIRE) {
      auto b = script::bind_args(
          a, "Solid.extrudeLinear",
          {Param("outerWire"), Param("innerWires"), Param("vecNormal"), Param("taper", 0)});
      std::vector<TopoDS_Wire> inner;
      for (const auto& w : shape_list(b[1], "innerWires")) inner.push_back(TopoDS::Wire(w));
      double taper = num(b[3], "taper");
      auto faces = faces_from_wires(TopoDS::Wire(shape_arg(b[0], "outerWire")),
                                    taper == 0 ? inner : std::vector<TopoDS_Wire>{});
      return wrap_shape(extrude_linear(faces.at(0), to_vec(b[2], "vecNormal"), taper));
    }
    auto b = script::bind_args(a, "Solid.extrudeLinear",
                               {Param("face"), Param("vecNormal"), Param("taper", 0)});
    return wrap_shape(extrude_linear(TopoDS::Face(shape_arg(b[0], "face")),
                                     to_vec(b[1], "vecNormal"), num(b[2], "taper")));
  });
  c.def("revolve", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "Solid.revolve",
        {Param("face"), Param("angleDegrees"), Param("axisStart"), Param("axisEnd")});
    return wrap_shape(revolve_face(TopoDS::Face(shape_arg(b[0], "face")), num(b[1], "angleDegrees"),
                                   to_point(b[2], "axisStart"), to_point(b[3], "axisEnd")));
  });
}

void def_edge(HostClass& c) {
  c.def("makeSplineApprox", [](Interpreter&, CallArgs& a) {
    auto b =
        script::bind_args(a, "Edge.makeSplineApprox",
                          {Param("listOfVector"), Param("tol", 1e-3), Param("smoothing", Value()),
                           Param("minDeg", 1), Param("maxDeg", 6)});
    return wrap_shape(make_spline_approx(point_list(b[0], "listOfVector"), num(b[1], "tol"),
                                         smoothing_weights(b[2]),
                                         static_cast<int>(script::to_int(b[3], "minDeg")),
                                         static_cast<int>(script::to_int(b[4], "maxDeg"))));
  });
  c.def("makeLine", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Edge.makeLine", {Param("v1"), Param("v2")});
    return wrap_shape(make_line(to_point(b[0], "v1"), to_point(b[1], "v2")));
  });
  c.def("makeCircle", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "Edge.makeCircle",
        {Param("radius"), Param("pnt", pnt_default()), Param("dir", dir_default()),
         Param("angle1", 360), Param("angle2", 360), Param("orientation", true)});
    return wrap_shape(make_circle(num(b[0], "radius"), to_point(b[1], "pnt"), to_vec(b[2], "dir"),
                                  num(b[3], "angle1"), num(b[4], "angle2"), b[5].truthy()));
  });
  c.def("makeEllipse", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "Edge.makeEllipse",
        {Param("x_radius"), Param("y_radius"), Param("pnt", pnt_default()),
         Param("dir", dir_default()), Param("xdir", script::make_tuple({1, 0, 0})),
         Param("angle1", 360), Param("angle2", 360), Param("sense", 1)});
    return wrap_shape(make_ellipse(num(b[0], "x_radius"), num(b[1], "y_radius"),
                                   to_point(b[2], "pnt"), to_vec(b[3], "dir"), to_vec(b[4], "xdir"),
                                   num(b[5], "angle1"), num(b[6], "angle2"),
                                   static_cast<int>(script::to_int(b[7], "sense"))));
  });
  c.def("makeThreePointArc", [](Interpreter&, CallArgs& a) {
    auto b =
        script::bind_args(a, "Edge.makeThreePointArc", {Param("v1"), Param("v2"), Param("v3")});
    return wrap_shape(
        make_three_point_arc(to_point(b[0], "v1"), to_point(b[1], "v2"), to_point(b[2], "v3")));
  });
  c.def("makeTangentArc", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Edge.makeTangentArc", {Param("v1"), Param("v2"), Param("v3")});
    return wrap_shape(
        make_tangent_arc(to_point(b[0], "v1"), to_vec(b[1], "v2"), to_point(b[2], "v3")));
  });
  c.def("makeSpline", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "Edge.makeSpline",
        {Param("listOfVector"), Param("tangents", Value()), Param("periodic", false),
         Param("parameters", Value()), Param("scale", true), Param("tol", 1e-6)});
    std::vector<std::optional<gp_Vec>> tangents;
    if (!b[1].is_none())
      for (const auto& t : script::to_items(b[1], "tangents"))
        tangents.push_back(t.is_none() ? std::nullopt
                                       : std::optional<gp_Vec>(to_vec(t, "tangents")));
    std::vector<double> params;
    if (!b[3].is_none())
      for (const auto& p : script::to_items(b[3], "parameters"))
        params.push_back(num(p, "parameters"));
    return wrap_shape(make_spline(point_list(b[0], "listOfVector"), tangents, b[2].truthy(),
                                  b[4].truthy(), num(b[5], "tol"), params));
  });
}

void def_wire(HostClass& c) {
  c.def("makeHelix", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "Wire.makeHelix",
        {Param("pitch"), Param("height"), Param("radius"), Param("center", pnt_default()),
         Param("dir", dir_default()), Param("angle", 360.0), Param("lefthand", false)});
    if (!(num(b[0], "pitch") > 0) || !(num(b[1], "height") > 0) || !(num(b[2], "radius") > 0))
      script::throw_value_error("Wire.makeHelix: pitch, height and radius must be positive");
    return wrap_shape(make_helix(num(b[0], "pitch"), num(b[1], "height"), num(b[2], "radius"),
                                 to_point(b[3], "center"), to_vec(b[4], "dir"), num(b[5], "angle"),
                                 b[6].truthy()));
  });
  c.def("makeCircle", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Wire.makeCircle",
                               {Param("radius"), Param("center"), Param("normal")});
    return wrap_shape(assemble_edges(
        {make_circle(num(b[0], "radius"), to_point(b[1], "center"), to_vec(b[2], "normal"))}));
  });
  c.def("makePolygon", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "Wire.makePolygon",
        {Param("listOfVertices"), Param("forConstruction", false), Param("close", false)});
    return wrap_shape(make_polygon(point_list(b[0], "listOfVertices"), b[2].truthy()),
                      b[1].truthy());
  });
  c.def("assembleEdges", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Wire.assembleEdges", {Param("listOfEdges")});
    return wrap_shape(assemble_edges(shape_list(b[0], "Wire.assembleEdges")));
  });
  c.def("combine", [](Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "Wire.combine", {Param("listOfWires"), Param("tol", 1e-9)});
    auto ws = combine_wires(shape_list(b[0], "Wire.combine"), num(b[1], "tol"));
    return shape_values(std::vector<TopoDS_Shape>(ws.begin(), ws.end()));
  });
}

}  // namespace

Value shape_class(const std::string& name) {
  auto c = std::make_shared<HostClass>(name, nullptr);
  def_shape_statics(*c);
  if (name == "Solid") def_solid(*c);
  if (name == "Edge") def_edge(*c);
  if (name == "Wire") def_wire(*c);
  if (name == "Face") {
    // CadQuery's Face.makeRuledSurface(edgeOrWire1, edgeOrWire2): BRepFill's ruled face between
    // two edges, or ruled shell between two wires.
    c->def("makeRuledSurface", [](Interpreter&, CallArgs& a) {
      auto b = script::bind_args(a, "Face.makeRuledSurface",
                                 {Param("edgeOrWire1"), Param("edgeOrWire2")});
      const TopoDS_Shape s1 = shape_arg(b[0], "edgeOrWire1"), s2 = shape_arg(b[1], "edgeOrWire2");
      if (s1.ShapeType() == TopAbs_EDGE && s2.ShapeType() == TopAbs_EDGE)
        return wrap_shape(BRepFill::Face(TopoDS::Edge(s1), TopoDS::Edge(s2)));
      if (s1.ShapeType() == TopAbs_WIRE && s2.ShapeType() == TopAbs_WIRE)
        return wrap_shape(BRepFill::Shell(TopoDS::Wire(s1), TopoDS::Wire(s2)));
      script::throw_type_error("Face.makeRuledSurface takes two edges or two wires");
    });
    // CadQuery 2.4's Face.makeSplineApprox(points, tol=1e-2, smoothing=None, minDeg=1,
    // maxDeg=3): a B-spline surface through a grid of points.
    c->def("makeSplineApprox", [](Interpreter&, CallArgs& a) {
      auto b = script::bind_args(a, "Face.makeSplineApprox",
                                 {Param("points"), Param("tol", 1e-2), Param("smoothing", Value()),
                                  Param("minDeg", 1), Param("maxDeg", 3)});
      std::vector<std::vector<gp_Pnt>> grid;
      for (const Value& row : script::to_items(b[0], "Face.makeSplineApprox points"))
        grid.push_back(point_list(row, "Face.makeSplineApprox points"));
      return wrap_shape(
          make_spline_approx_surface(grid, num(b[1], "tol"), smoothing_weights(b[2]),
                                     static_cast<int>(script::to_int(b[3], "minDeg")),
                                     static_cast<int>(script::to_int(b[4], "maxDeg"))));
    });
    c->def("makeFromWires", [](Interpreter&, CallArgs& a) {
      auto b = script::bind_args(a, "Face.makeFromWires",
                                 {Param("outerWire"), Param("innerWires", script::make_list({}))});
      std::vector<TopoDS_Wire> inner;
      for (const auto& w : shape_list(b[1], "innerWires")) inner.push_back(TopoDS::Wire(w));
      auto faces = faces_from_wires(TopoDS::Wire(shape_arg(b[0], "outerWire")), inner);
      return wrap_shape(faces.size() == 1
                            ? TopoDS_Shape(faces[0])
                            : make_compound(std::vector<TopoDS_Shape>(faces.begin(), faces.end())));
    });
    c->def("makePlane", [](Interpreter&, CallArgs& a) {
      auto b = script::bind_args(a, "Face.makePlane",
                                 {Param("length", Value()), Param("width", Value()),
                                  Param("basePnt", pnt_default()), Param("dir", dir_default())});
      gp_Pln pln(to_point(b[2], "basePnt"), gp_Dir(to_vec(b[3], "dir")));
      // CadQuery (occ_impl/shapes.py, Face.makePlane): `if length and width`, else an unbounded
      // plane; the width along the plane's x direction (u), the length along its y (v).
      const double l = b[0].is_none() ? 0 : num(b[0], "length") / 2;
      const double w = b[1].is_none() ? 0 : num(b[1], "width") / 2;
      if (l == 0 || w == 0) return wrap_shape(BRepBuilderAPI_MakeFace(pln).Face());
      return wrap_shape(BRepBuilderAPI_MakeFace(pln, -w, w, -l, l).Face());
    });
  }
  if (name == "Vertex")
    c->def("makeVertex", [](Interpreter&, CallArgs& a) {
      auto b = script::bind_args(a, "Vertex.makeVertex", {Param("x"), Param("y"), Param("z")});
      return wrap_shape(
          BRepBuilderAPI_MakeVertex(gp_Pnt(num(b[0], "x"), num(b[1], "y"), num(b[2], "z")))
              .Vertex());
    });
  if (name == "Compound")
    c->def("makeCompound", [](Interpreter&, CallArgs& a) {
      auto b = script::bind_args(a, "Compound.makeCompound", {Param("listOfShapes")});
      return wrap_shape(make_compound(shape_list(b[0], "Compound.makeCompound")));
    });
  if (name == "Shell")
    c->def("makeShell", [](Interpreter&, CallArgs& a) {
      auto b = script::bind_args(a, "Shell.makeShell", {Param("listOfFaces")});
      BRepBuilderAPI_Sewing sew;
      for (const auto& f : shape_list(b[0], "Shell.makeShell")) sew.Add(f);
      sew.Perform();
      return wrap_shape(sew.SewedShape());
    });
  return c;
}

}  // namespace cad::cq
