// Triangle meshes: tessellation of OpenCASCADE shapes and STL/PLY/OBJ reading and writing.
#pragma once

#include <TopoDS_Shape.hxx>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace cad::geom {

/// An indexed triangle mesh (float coordinates, counter-clockwise outward triangles).
struct Mesh {
  std::vector<std::array<float, 3>> vertices;
  std::vector<std::array<std::uint32_t, 3>> triangles;
  bool empty() const { return triangles.empty(); }
};

/// Tessellates the faces of `shape`. `linear_deflection` in model units; <= 0 picks
/// 0.1 % of the bounding-box diagonal. `angular_deflection` in radians. Throws cad::Error
/// when meshing fails.
/// With `relative`, the linear deflection is a fraction of each edge's size (as CadQuery's
/// STL exporter does: exporters.export(..., tolerance=0.1, angularTolerance=0.1) meshes
/// with relative deflection 0.1).
Mesh tessellate(const TopoDS_Shape& shape, double linear_deflection = 0,
                double angular_deflection = 0.1, bool relative = false);

/// Tessellates the faces of `shape` into one watertight mesh: the nodes of an edge shared by
/// two faces (or by both sides of a seam) are one vertex each, as are topological vertices, so
/// a closed solid gives a closed mesh even where the faces' own nodes differ by the edge
/// tolerance. Triangles that collapse on a degenerated edge (a sphere's pole) are dropped.
/// `linear_deflection` in model units (> 0), `angular_deflection` in radians. Throws
/// cad::Error when meshing fails.
Mesh tessellate_watertight(const TopoDS_Shape& shape, double linear_deflection,
                           double angular_deflection = 0.1);

/// Writes binary STL / ASCII PLY / OBJ, chosen by the extension of `path`
/// (.stl, .ply, .obj). Throws cad::Error("path: reason") on failure.
void write_mesh(const Mesh& mesh, const std::string& path);
/// Reads STL (binary or ASCII), PLY (ASCII or binary little-endian) or OBJ; identical
/// STL vertices are merged. Throws cad::Error("path: reason").
Mesh read_mesh(const std::string& path);

/// Signed volume and area of a closed mesh (divergence theorem).
double mesh_volume(const Mesh& mesh);
double mesh_area(const Mesh& mesh);

}  // namespace cad::geom
