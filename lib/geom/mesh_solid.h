// Closed triangle meshes as OpenCASCADE solids (one planar face per triangle, shared edges).
#pragma once

#include <TopoDS_Shape.hxx>

#include <cstddef>
#include <optional>
#include <string>

#include "geom/mesh.h"

namespace cad::geom {

/// How a mesh fails to bound a volume. Vertices with identical coordinates are welded
/// first, and triangles with a repeated corner are ignored.
struct MeshClosure {
  std::size_t boundary_edges = 0;        ///< edges used by one triangle only
  std::size_t nonmanifold_edges = 0;     ///< edges used by more than two triangles
  std::size_t misoriented_edges = 0;     ///< edges whose two triangles run the same way
  std::size_t degenerate_triangles = 0;  ///< triangles with a repeated (welded) corner
  bool closed() const {
    return boundary_edges == 0 && nonmanifold_edges == 0 && misoriented_edges == 0;
  }
  /// "closed", or e.g. "12 boundary edges, 2 non-manifold edges".
  std::string describe() const;
};

/// Edge census of `mesh` (see MeshClosure). Never throws.
MeshClosure check_closure(const Mesh& mesh);
/// True when every edge is shared by exactly two triangles with opposite orientation.
bool is_closed(const Mesh& mesh);

/// The solid bounded by a closed mesh: one planar face per triangle, built directly with
/// shared vertices and edges (no sewing), oriented outward (the shell is reversed when the
/// mesh's signed volume is negative). Returns nullopt, with the reason in `*why` when
/// given, when the mesh is empty, not closed or manifold, or has zero volume; OCCT
/// failures are caught and reported the same way. Coordinates are taken as they are
/// (model units); zero-area triangles with distinct corners are skipped, which leaves the
/// solid valid for volumes but possibly not for BRepCheck.
std::optional<TopoDS_Shape> mesh_to_solid(const Mesh& mesh, std::string* why = nullptr);

}  // namespace cad::geom
