// STEP and BREP reading and writing of OpenCASCADE shapes.
#pragma once

#include <TopoDS_Shape.hxx>

#include <string>

namespace cad::geom {

/// Writes `shape` to `path` as STEP (AP214, .step/.stp) or BREP (.brep), by extension.
/// Throws cad::Error("path: reason").
void write_shape(const TopoDS_Shape& shape, const std::string& path);
/// Reads a STEP or BREP file (all roots, as one compound when there are several).
/// Throws cad::Error("path: reason").
TopoDS_Shape read_shape(const std::string& path);

}  // namespace cad::geom
