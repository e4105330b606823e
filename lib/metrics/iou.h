// Volumetric IoU of solids and closed meshes: exact OCCT booleans with a voxel fallback.
#pragma once

#include <TopoDS_Shape.hxx>

#include <string>

#include "geom/mesh.h"
#include "metrics/mesh_iou.h"

namespace cad::metrics {

/// Which computation gives an IoU.
///  - occt: exact OpenCASCADE booleans (BRepAlgoAPI_Common) of solids; a mesh becomes a solid
///    with one planar face per triangle first (slow for meshes, and fragile on coplanar float
///    triangles).
///  - mesh: CGAL corefinement of closed triangle meshes with exact predicates (VolumeMesh:
///    repaired first); a solid is meshed at `mesh_tolerance` first.
///  - voxel: voxel_iou of tessellations (an estimate; also the fallback of the other two).
///  - auto: occt for two solids (exact, analytic faces), mesh whenever a side is a mesh.
enum class IouBackend { Auto, Occt, Mesh, Voxel };
/// "auto", "occt", "mesh", "voxel".
std::string to_string(IouBackend backend);
/// Parses a backend name; throws cad::UsageError naming the choices otherwise.
IouBackend parse_iou_backend(const std::string& name);

/// An IoU in [0, 1] and how it was obtained.
struct IouResult {
  double iou = 0;
  std::string backend;  ///< "occt", "mesh" or "voxel": the computation that produced `iou`
  std::string note;     ///< why a fallback was taken, repairs made, other remarks; "" when none
  /// mesh backend: the linear deflection a solid was meshed at, model units (0: no solid was
  /// meshed, both sides were meshes).
  double mesh_tolerance = 0;
  /// mesh backend: the volume between a meshed solid's curved faces and their chords, as a
  /// fraction of its volume (the larger of the two solids'; 0 when no solid was meshed). An
  /// IoU of the mesh differs from the solid's by about this much at most.
  double mesh_error = 0;
};

/// How IoU is computed.
struct IouOptions {
  IouBackend backend = IouBackend::Auto;
  int voxel_resolution = 128;  ///< voxel cells along the largest extent of the union box
  bool voxel_fallback = true;  ///< false: a failed boolean throws cad::Error instead
  bool check_validity = true;  ///< a common that BRepCheck rejects counts as a failure
  /// Fuzzy value of the retry after a suspect boolean: > 0 in model units, < 0 as a
  /// fraction of the pair's bounding-box diagonal, 0 for no retry. Meshes stored in float
  /// put faces ~1e-7 off the solid faces they copy; OCCT then warns (bad positioning,
  /// acquired self-intersection) and its common is often empty or partial.
  double fuzzy = -1e-6;
  /// Largest |boolean - voxel| for a suspect boolean to be accepted (absolute IoU).
  double verify_tolerance = 0.03;
  double mesh_deflection = 0;  ///< linear deflection of the fallback's tessellation, model
                               ///< units (0 = 0.1 % of the bounding-box diagonal)
  /// mesh backend: the first linear deflection for meshing a solid, as a fraction of its
  /// bounding-box diagonal (BRepMesh, angular deflection `mesh_angle`). The volume the chords
  /// cut off (about 2/3 * deflection * curved area, but large for a thin curved wall) is
  /// measured exactly per face; while it is above `mesh_volume_error` of the solid's volume
  /// the deflection is divided by 4, at most `mesh_refinements` times.
  double mesh_tolerance = 2e-4;
  double mesh_angle = 0.1;          ///< radians
  double mesh_volume_error = 1e-3;  ///< largest chord volume / solid volume
  int mesh_refinements = 3;
};

/// vol(A ∩ B) / vol(A ∪ B) of two solids (or compounds of solids), with
/// vol(A ∪ B) = vol(A) + vol(B) - vol(A ∩ B) and volumes from BRepGProp. The boolean
/// (BRepAlgoAPI_Common) is taken as it is unless it throws, reports errors, gives a shape
/// BRepCheck rejects, gives a common volume that is negative or larger than the smaller
/// volume (relative slack 1e-6), or comes with OCCT's near-coincidence warnings; in the
/// last case it is accepted only within `verify_tolerance` of the voxel estimate, then a
/// fuzzy retry is tried the same way. Otherwise the result is voxel_iou of tessellations
/// of both, with the reason in the note. Unitless; the shapes must be in the same frame.
/// Throws cad::Error when a shape has no solid or no volume, or when the boolean fails
/// and `voxel_fallback` is off. This is the occt (and auto) backend; with mesh both solids
/// are meshed (solid_mesh) and compared as two meshes below; with voxel, voxel_iou.
IouResult iou(const TopoDS_Shape& a, const TopoDS_Shape& b, const IouOptions& options = {});

/// IoU of a solid (a prediction) and a closed triangle mesh (a ground-truth STL). mesh / auto:
/// the solid is meshed at `mesh_tolerance` and both go through VolumeMesh and mesh_iou; a mesh
/// that does not bound a volume after repair, or a failed corefinement, falls back to voxels
/// (the note says why; repairs made are named in the note too). occt: the mesh becomes a solid
/// with geom::mesh_to_solid and the boolean path is taken, with voxels when that fails.
/// Throws cad::Error as iou() does.
IouResult iou(const TopoDS_Shape& solid, const geom::Mesh& mesh, const IouOptions& options = {});

/// IoU of two closed meshes (mesh / auto: mesh_iou; occt: both become solids; voxel fallback
/// as above).
IouResult iou(const geom::Mesh& a, const geom::Mesh& b, const IouOptions& options = {});

/// mesh_iou of two prepared meshes with the fallback policy above: a mesh that does not bound
/// a volume or a failed corefinement gives voxel_iou of `mesh_a` and `mesh_b` (the same
/// surfaces, unprepared) when `options.voxel_fallback`, else throws cad::Error.
IouResult iou(const VolumeMesh& a, const VolumeMesh& b, const geom::Mesh& mesh_a,
              const geom::Mesh& mesh_b, const IouOptions& options = {});

/// The mesh a solid becomes for the mesh backend: a fresh copy of `shape` (no stored
/// triangulation) tessellated watertight (geom::tessellate_watertight) at
/// `options.mesh_tolerance` of its bounding-box diagonal and `options.mesh_angle`, refined
/// while the chord volume of its curved faces (exact per face, BRepGProp) is above
/// `options.mesh_volume_error` of its volume. `*deflection` gets the linear deflection used
/// (model units), `*volume_error` the chord volume / volume reached.
geom::Mesh solid_mesh(const TopoDS_Shape& shape, const IouOptions& options,
                      double* deflection = nullptr, double* volume_error = nullptr);

/// Voxel IoU on one grid over the union of both bounding boxes with `resolution` cells
/// along every axis (cells are boxes, not cubes, so thin plates stay resolved across their
/// thickness). A cell counts as inside a mesh when its centre is: the winding number of a
/// +X ray from the centre is non-zero; ray-edge and ray-vertex ties are broken by symbolic
/// perturbation on the endpoints' coordinates, so an edge shared by two triangles is
/// crossed exactly once. Rows whose crossings do not cancel (a mesh with holes) are
/// classified from both ends and counted in `*note`. Expected error: only cells cut by a
/// surface can be misclassified, so each volume is off by at most about area * cell size
/// / 2 and in practice far less (signs cancel); at 128 cells the IoU of CAD parts is
/// typically within 1 % of the exact value (measured on CADPrompt: see the tests), worse
/// for features thinner than a few cells. Throws cad::Error when both meshes are empty,
/// the union box is flat, or resolution < 1.
double voxel_iou(const geom::Mesh& a, const geom::Mesh& b, int resolution = 128,
                 std::string* note = nullptr);

}  // namespace cad::metrics
