// Volumes and IoU of closed triangle meshes on CGAL's Polygon_mesh_processing: the repairs a
// benchmark mesh needs, then corefinement with exact predicates.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

// No OpenCASCADE header may come before CGAL's in mesh_iou.cpp (OCCT's `Handle` macro breaks
// CGAL): the geometry types are declared, not included.
namespace cad::geom {
struct Mesh;
struct Similarity;
}  // namespace cad::geom

namespace cad::metrics {

/// What preparing a mesh for volume booleans did to it, and what is left.
struct MeshRepair {
  std::size_t input_triangles = 0;
  std::size_t removed_points = 0;     ///< duplicate (welded) or unused points
  std::size_t removed_triangles = 0;  ///< degenerate (repeated or collinear corners) or duplicate
  std::size_t stitched_edges = 0;     ///< pairs of border edges at the same place stitched together
  bool reoriented = false;            ///< triangles flipped so that the mesh bounds its volume
  std::size_t boundary_edges = 0;     ///< border edges left after the repairs (holes)
  bool bounds_volume = false;         ///< closed, oriented, enclosing a positive volume
  /// What was done and what is wrong, e.g. "stitched 12 edges; 4 boundary edges left (the mesh
  /// has a hole)"; "" when the mesh needed nothing.
  std::string describe() const;
};

/// A triangle mesh prepared for volume booleans (an opaque CGAL Surface_mesh with double
/// coordinates). Preparing: weld identical points and drop degenerate or duplicate triangles
/// (polygon-soup repair), orient the soup consistently, stitch borders that coincide, drop
/// zero-area triangles, and when the result is closed orient every component so that the mesh
/// bounds a volume (outward). A mesh that still has boundary edges or encloses no volume keeps
/// `bounds_volume() == false` and the reason in repair().describe(); nothing here throws for a
/// bad mesh.
class VolumeMesh {
 public:
  explicit VolumeMesh(const geom::Mesh& mesh);
  ~VolumeMesh();
  VolumeMesh(VolumeMesh&&) noexcept;
  VolumeMesh& operator=(VolumeMesh&&) noexcept;

  const MeshRepair& repair() const;
  bool bounds_volume() const { return repair().bounds_volume; }
  /// Enclosed volume (model units^3); 0 when the mesh does not bound a volume.
  double volume() const;
  std::size_t triangles() const;
  /// A copy moved by `s` (a reflection flips the triangles, so the copy still bounds its
  /// volume outward); the repair report is kept.
  VolumeMesh transformed(const geom::Similarity& s) const;

  struct Impl;

 private:
  VolumeMesh() = default;
  std::unique_ptr<Impl> impl_;
  friend double intersection_volume(const VolumeMesh& a, const VolumeMesh& b);
};

/// vol(A ∩ B) by corefinement (CGAL::Polygon_mesh_processing::corefine_and_compute_
/// intersection on copies of both; exact predicates; intersection points are rounded to
/// doubles). The copy of B is first moved by 1e-9 of the pair's bounding-box diagonal along a
/// fixed direction parallel to no axis plane: faces that coincide exactly (a prediction on the
/// ground truth's planes) then become parallel faces that do not meet, instead of taking the
/// corefinement's coplanar path, about four times slower on the corpus. The volumes change by
/// at most that distance times the surface area, far below the float precision meshes come in
/// (an IoU of two identical unit cubes is 1 - 3e-9). Throws cad::Error when either mesh does
/// not bound a volume or the corefinement fails (a self-intersecting input).
double intersection_volume(const VolumeMesh& a, const VolumeMesh& b);

/// vol(A ∩ B) / (vol(A) + vol(B) - vol(A ∩ B)), in [0, 1]. Throws as intersection_volume().
double mesh_iou(const VolumeMesh& a, const VolumeMesh& b);

}  // namespace cad::metrics
