// cq.Sketch: CadQuery's 2D sketch (face-based and edge-based construction, modes, selection,
// 2D fillets, convex hull) in its local XY frame.
#pragma once

#include <TopoDS_Edge.hxx>
#include <TopoDS_Shape.hxx>
#include <TopoDS_Wire.hxx>
#include <gp_Trsf.hxx>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "script/interpreter.h"
#include "script/value.h"

namespace cad::cq {

/// CadQuery's Sketch. Face operations (rect, circle, ellipse, trapezoid, slot,
/// regularPolygon, polygon, face, hull) build faces at every current location (the
/// selection, else the origin) and combine them with the sketch's faces by `mode`:
/// 'a' fuse, 's' cut, 'i' common, 'r' replace, 'c' construction (tagged only). Edge
/// operations (segment, arc, spline, bezier, close) collect edges that assemble() turns
/// into faces. Selection (faces/edges/wires/vertices with string selectors, push, rarray,
/// parray, tag/select) persists until reset(), as in CadQuery. Scripts see the methods
/// through get_attr; OCCT failures become GeometryError; CadQuery Sketch methods not
/// implemented here (importDXF, export, ...) raise the unsupported error, other unknown names
/// AttributeError. constrain/solve: CadQuery's constraint kinds on tagged lines and arcs
/// (sketch_solver.h). Primitives are counted in session() per placement:
/// rect 4 "line", circle 1 "circle", slot 2 "line" + 2 "arc", polygon/regularPolygon/trapezoid one
/// "line" per side, ellipse 1 "ellipse", segment "line", arc "arc", spline/bezier
/// "spline", hull its lines and arcs, fillet one "arc" and chamfer one "line" per vertex.
struct Sketch : script::Object {
  /// A selected or tagged element: a shape, or a location (push/rarray/parray).
  struct Item {
    TopoDS_Shape shape;  ///< null for a location
    gp_Trsf loc;
  };

  /// Locations of the sketch on its workplane (CadQuery's `locs`): Workplane.sketch() /
  /// placeSketch set them; extrusion places faces() at each. Default: one identity.
  std::vector<gp_Trsf> locs{gp_Trsf()};
  /// The Workplane that created the sketch (returned by finalize()); None otherwise.
  script::Value parent;

  /// Compound of the sketch's faces in its local XY frame (empty compound when none).
  TopoDS_Shape faces() const { return faces_; }
  /// The edges of edge-based construction not yet assembled (construction ones included).
  std::vector<TopoDS_Edge> edges() const;
  /// Replaces the faces (cq.Sketch(obj=...), Workplane helpers); null = empty.
  void set_faces(const TopoDS_Shape& faces);

  std::string type_name() const override { return "Sketch"; }
  script::Value get_attr(script::Interpreter& in, const std::string& name) override;
  /// CadQuery's __iter__: the faces at every loc, else the edges at every loc.
  std::optional<std::vector<script::Value>> iterate() const override;
  std::string repr() const override { return "<cadquery.Sketch>"; }
  /// CadQuery 2.5's operators between sketches: + fuse, - cut, * intersect, / split of the two
  /// val()s, as a new sketch of the result's faces.
  std::optional<script::Value> binary_op(script::BinOp op, const script::Value& rhs,
                                         bool reflected) override;
  /// CadQuery 2.5's sketch[i], sketch[a:b], sketch[[i, j]]: those of vals() become the selection.
  script::Value get_item(const script::Value& key) override;

  Sketch();

 private:
  friend struct SketchOps;  // the script methods, in sketch.cpp
  struct SketchEdge {
    TopoDS_Edge edge;
    bool construction;
  };
  TopoDS_Shape faces_;  // always a compound
  std::vector<SketchEdge> edges_;
  std::optional<std::vector<Item>> selection_;  // nullopt after reset(); [] = empty selection
  std::map<std::string, std::vector<Item>> tags_;
  /// constrain(...) calls: tags, kind and parameter (solve() converts them).
  struct Constraint {
    std::vector<std::string> tags;
    std::string kind;
    script::Value param;
  };
  std::vector<Constraint> constraints_;
  double solve_cost_ = -1;  // the last solve()'s remaining cost (-1: never solved)
};

/// `cq.Sketch(parent=None, locs=(Location(),), obj=None)`: locs are Locations or
/// vectors, obj a shape whose faces seed the sketch.
script::Value make_sketch(script::Interpreter& in, script::CallArgs& args);

/// A Sketch value for host code (Workplane.sketch()): empty, with the given parent and locs.
std::shared_ptr<Sketch> new_sketch(script::Value parent, std::vector<gp_Trsf> locs);

/// CadQuery's find_hull: the convex hull of straight edges and circular arcs/circles in
/// the XY plane as one closed wire of lines and arcs (exact tangents). ValueError when
/// there is nothing to hull or an edge is neither a line nor a circle.
TopoDS_Wire convex_hull(const std::vector<TopoDS_Edge>& edges);

}  // namespace cad::cq
