// CadQuery's string selectors (">Z", "|X", "%CIRCLE", ">Z[1]", "not(<X or >X)", ...) on OCCT
// shapes.
#pragma once

#include <TopoDS_Shape.hxx>
#include <gp_Pnt.hxx>
#include <gp_Vec.hxx>
#include <memory>
#include <string>
#include <vector>

namespace cad::cq {

/// Filters `objects` with a CadQuery string selector, with CadQuery's grammar and
/// semantics (cadquery/selectors.py):
/// - directions: X, Y, Z, XY, XZ, YZ (unnormalized, e.g. XY = (1,1,0)) or `(x,y,z)`;
/// - `D` / `+D` / `-D`: planar faces whose normal (straight edges whose tangent) points
///   along +/-D within 1e-4 rad; `|D` parallel, `#D` perpendicular (other shapes drop out);
/// - `%TYPE`: geometry type, caseless (PLANE, CYLINDER, ..., LINE, CIRCLE, ...);
/// - `>D` / `<D`: the cluster (keys within 1e-4 of the cluster's first key) with the
///   largest / smallest centre . D; `>D[n]` / `<D[n]` first keep the planar faces and
///   straight edges parallel to D, then index the clusters (ascending for `>`,
///   descending for `<`, negative n from the end); `>>D[n]` / `<<D[n]` index without
///   that filter; `front back left right top bottom` = >Z <Z <X >X >Y <Y;
/// - `and` binds tightest, then `or`, then `exc`/`except`, then `not` (a prefix that
///   applies to the whole expression on its right); parentheses group.
/// Set operations keep the input order; a cluster lists its members by ascending key.
/// Throws script::ScriptError (Runtime) of type "ValueError" for a malformed selector
/// (naming it and the 0-based position) and for `>`/`<` forms on an empty list, and of
/// type "IndexError" for an index past the number of clusters.
std::vector<TopoDS_Shape> select_shapes(const std::vector<TopoDS_Shape>& objects,
                                        const std::string& selector);

/// A selector tree: a parsed string or CadQuery's selector classes (cadquery/selectors.py)
/// combined with their set operations. Immutable and shareable.
struct SelectorNode;
using Selector = std::shared_ptr<const SelectorNode>;

/// Parses a string selector (the grammar above). Throws as select_shapes.
Selector parse_selector(const std::string& text);
/// Filters `objects` with a selector tree (a null selector keeps them all), in input order.
std::vector<TopoDS_Shape> select_shapes(const std::vector<TopoDS_Shape>& objects,
                                        const Selector& selector);

/// Selector(): keeps every object.
Selector all_selector();
/// The BaseDirSelector tests on planar faces' normals and straight edges' tangents (other shapes
/// drop out): DirectionSelector (angle < tolerance), ParallelDirSelector (|d x v| < tolerance),
/// PerpendicularDirSelector (|angle - pi/2| < tolerance); BaseDirSelector itself, whose test is
/// always true, keeps every planar face and straight edge. ValueError for a zero direction.
enum class DirectionTest { Base, Along, Parallel, Perpendicular };
Selector direction_selector(DirectionTest test, const gp_Vec& direction, double tolerance = 1e-4);
/// TypeSelector: geomType() equal to `type` upper-cased.
Selector type_selector(const std::string& type);
/// The keys of the _NthSelector classes: CenterNthSelector / DirectionMinMaxSelector /
/// DirectionNthSelector (centre . direction, every shape), RadiusNthSelector (edges and wires
/// that are circles), LengthNthSelector (edges, wires), AreaNthSelector (faces, shells, solids;
/// closed planar wires through a face). Shapes without a key drop out.
enum class NthKey { Center, Radius, Length, Area };
/// An _NthSelector: clusters of keys within `tolerance` in ascending order (descending unless
/// `direction_max`), the one at `index` (Python indexing). `parallel_only` first keeps the
/// shapes parallel to `direction` (DirectionNthSelector). ValueError on an empty list,
/// IndexError past the clusters.
Selector nth_selector(NthKey key, long index, bool direction_max = true, double tolerance = 1e-4,
                      const gp_Vec& direction = gp_Vec(0, 0, 1), bool parallel_only = false);
/// NearestToPointSelector: the one object whose Center() is nearest `point` (the first of ties).
Selector nearest_to_point_selector(const gp_Pnt& point);
/// BoxSelector: objects whose Center() (or, with `bounding_box`, both corners of their bounding
/// box) lie strictly between the corners on every axis, in either order.
Selector box_selector(const gp_Pnt& corner0, const gp_Pnt& corner1, bool bounding_box = false);
/// AndSelector (&), SumSelector (+), SubtractSelector (-), InverseSelector (unary -; `rhs`
/// unused).
enum class SetOperation { And, Sum, Subtract, Inverse };
Selector combine_selectors(SetOperation op, Selector lhs, Selector rhs = nullptr);

/// CadQuery's Center() (2.6 and later): the point of a vertex, else the centre of mass (linear
/// for edges/wires, surface for faces/shells, volume for solids; a compound as its first
/// non-compound child), the same rule as Shape.Center() in scripts.
gp_Pnt shape_center(const TopoDS_Shape& shape);

}  // namespace cad::cq
