// Mass properties, bounding box, topology counts and validity of an OpenCASCADE shape.
#pragma once

#include <TopoDS_Shape.hxx>

#include <array>
#include <cstddef>

namespace cad::geom {

/// Figures of a shape in its own units. Volume and centre of mass are of the solids
/// (0 and the bbox centre when there are none); area is of all faces.
struct ShapeProperties {
  double volume = 0;
  double area = 0;
  std::array<double, 3> bbox_min{0, 0, 0};
  std::array<double, 3> bbox_max{0, 0, 0};
  std::array<double, 3> center_of_mass{0, 0, 0};
  std::size_t solids = 0, shells = 0, faces = 0, edges = 0, vertices = 0;
  bool valid = false;  ///< BRepCheck_Analyzer says the shape is valid
  bool empty = true;   ///< no sub-shapes at all
};

/// Measures `shape`; the bounding box is exact (optimal), not the enlarged default.
/// Never throws for a null shape (returns an empty record); OCCT failures become cad::Error.
ShapeProperties measure(const TopoDS_Shape& shape);

/// Largest extent of the bounding box (0 for an empty shape).
double max_extent(const ShapeProperties& p);

}  // namespace cad::geom
