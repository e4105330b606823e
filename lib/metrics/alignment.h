// CAD-Coder's IoU_best: inertia-frame normalization, sign variants, best IoU over them.
#pragma once

#include <TopoDS_Shape.hxx>

#include <array>
#include <vector>

#include "geom/mesh.h"
#include "geom/similarity.h"
#include "metrics/iou.h"

namespace cad::metrics {

using Matrix3 = std::array<std::array<double, 3>, 3>;

/// Volume, centre of mass and inertia tensor about the centre of mass (unit density),
/// in OCCT's convention (GProp_GProps::MatrixOfInertia): Ixx = ∫(y²+z²) dV,
/// Ixy = -∫xy dV, ... Units: model units^3, ^1 and ^5.
struct MassProperties {
  double volume = 0;
  std::array<double, 3> center{0, 0, 0};
  Matrix3 inertia{};
};

/// Mass properties of the solids of `shape` (BRepGProp::VolumeProperties, closed shells
/// only). Throws cad::Error when the shape has no solid or no volume, or OCCT fails.
MassProperties mass_properties(const TopoDS_Shape& shape);
/// Exact mass properties of the polyhedron bounded by a closed mesh (divergence theorem
/// over tetrahedra from the vertex centroid); an inside-out mesh is measured as if turned
/// outward. Throws cad::Error when the enclosed volume is zero.
MassProperties mass_properties(const geom::Mesh& mesh);

/// Eigen-decomposition of a symmetric 3x3 matrix (cyclic Jacobi): values ascending, the
/// vectors the matching columns of a proper rotation (det +1). Never throws.
struct SymmetricEigen {
  std::array<double, 3> values{};
  Matrix3 vectors{};  ///< vectors[i][k] = component i of eigenvector k
};
SymmetricEigen symmetric_eigen(const Matrix3& m);

/// CAD-Coder's normalization p' = V^T (p - c) / s: centre c = the centre of mass, scale
/// s = sqrt(sum |eigenvalues of the inertia tensor| / volume) (divided by, so the result
/// has sum|λ|/volume = 1), rotation V^T = the principal axes, sorted by ascending
/// eigenvalue, onto X, Y, Z. V is made proper (det +1); its signs are otherwise arbitrary,
/// which sign_variants() covers. Throws cad::Error as mass_properties() does.
geom::Similarity inertia_frame(const MassProperties& props);
geom::Similarity inertia_frame(const TopoDS_Shape& shape);
geom::Similarity inertia_frame(const geom::Mesh& mesh);

/// The frames D * frame for CAD-Coder's sign flips D: identity, diag(1,-1,-1),
/// diag(-1,1,-1), diag(-1,-1,1) (the proper rotations that keep the axes), in that order;
/// with `reflections` also diag(-1,1,1), diag(1,-1,1), diag(1,1,-1), diag(-1,-1,-1).
std::vector<geom::Similarity> sign_variants(const geom::Similarity& frame,
                                            bool reflections = false);

/// A copy of `shape` under `s` through gp_Trsf (BRepBuilderAPI_Transform), so planes,
/// cylinders and cones stay analytic (unlike a gp_GTrsf). Throws cad::Error on failure.
TopoDS_Shape transformed_solid(const TopoDS_Shape& shape, const geom::Similarity& s);

struct IouBestOptions {
  IouOptions iou;
  bool reflections = false;  ///< also try the four mirror images (not in CAD-Coder)
};

/// IoU_best (CAD-Coder, as used by ReCAD): both shapes go to their own inertia frame;
/// with the mesh backend (`options.iou.backend == mesh`; auto keeps occt here) both solids are
/// meshed once and compared as meshes;
/// the result is the largest IoU over the sign variants of the prediction's frame (first
/// variant wins ties). A variant whose IoU throws counts as 0, as in CAD-Coder; the note
/// names the winning variant ("variant k/4") and any fallback. Throws cad::Error when a
/// shape has no volume (CAD-Coder drops such samples).
IouResult iou_best(const TopoDS_Shape& prediction, const TopoDS_Shape& truth,
                   const IouBestOptions& options = {});
/// The same against a ground-truth mesh (its frame from the mesh's exact mass properties).
/// With the mesh backend (auto or mesh) the prediction is meshed once (solid_mesh) and each
/// variant moves that mesh; otherwise each variant is a moved solid, as above.
IouResult iou_best(const TopoDS_Shape& prediction, const geom::Mesh& truth,
                   const IouBestOptions& options = {});
/// Two meshes (mesh_iou; with the occt backend the prediction becomes a solid first, which
/// throws cad::Error when it does not bound one). The prediction's frame comes from its
/// mesh's exact mass properties.
IouResult iou_best(const geom::Mesh& prediction, const geom::Mesh& truth,
                   const IouBestOptions& options = {});

}  // namespace cad::metrics
