// CadQuery's string selectors (">Z", "|X", "%CIRCLE", ">Z[1]", "not(<X or >X)", ...) on OCCT
// shapes.
#pragma once

#include <TopoDS_Shape.hxx>
#include <gp_Pnt.hxx>
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

/// CadQuery's Center(): the point of a vertex, else the centre of mass (linear for
/// edges/wires, surface for faces/shells, volume for solids/compounds).
gp_Pnt shape_center(const TopoDS_Shape& shape);

}  // namespace cad::cq
