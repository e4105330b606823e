// Area-weighted uniform point sampling on triangle meshes, seeded and reproducible.
#pragma once

#include <TopoDS_Shape.hxx>

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "geom/mesh.h"

namespace cad::geom {

/// `n` points drawn uniformly from the surface of `mesh` (in the mesh's units): a triangle is
/// picked with probability proportional to its area (binary search in the cumulative areas),
/// then a point uniformly inside it (barycentric coordinates by the square-root trick), as
/// trimesh.sample.sample_surface does for cadrille's and CAD-Recode's Chamfer distance. The
/// result depends only on (mesh, n, seed): std::mt19937_64 with doubles built from its raw
/// bits, so it is the same with every standard library. Returns an empty vector when `n` is 0
/// or the mesh has no area (empty or all triangles degenerate); never throws otherwise.
std::vector<std::array<double, 3>> sample_surface(const Mesh& mesh, std::size_t n,
                                                  std::uint64_t seed);

/// A fine tessellation of `shape` for sampling: linear deflection 1e-3 of the bounding-box
/// diagonal, angular deflection 0.1 rad, computed on a copy without the shape's existing
/// triangulation (so a coarse mesh made earlier, e.g. for an STL export, is not reused and
/// the shape itself is not modified). Empty for a null or empty shape; throws cad::Error when
/// OCCT fails.
Mesh mesh_for_sampling(const TopoDS_Shape& shape);

}  // namespace cad::geom
