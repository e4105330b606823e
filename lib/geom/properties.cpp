// Mass properties, bounding box, topology counts and validity of an OpenCASCADE shape.
#include "geom/properties.h"

#include <BRepBndLib.hxx>
#include <BRepCheck_Analyzer.hxx>
#include <BRepGProp.hxx>
#include <Bnd_Box.hxx>
#include <GProp_GProps.hxx>
#include <Standard_Failure.hxx>
#include <TopExp.hxx>
#include <TopTools_IndexedMapOfShape.hxx>

#include <algorithm>

#include "core/error.h"

namespace cad::geom {
namespace {
std::size_t count(const TopoDS_Shape& s, TopAbs_ShapeEnum type) {
  TopTools_IndexedMapOfShape map;
  TopExp::MapShapes(s, type, map);
  return static_cast<std::size_t>(map.Extent());
}
}  // namespace

ShapeProperties measure(const TopoDS_Shape& shape) {
  ShapeProperties p;
  if (shape.IsNull()) return p;
  try {
    p.solids = count(shape, TopAbs_SOLID);
    p.shells = count(shape, TopAbs_SHELL);
    p.faces = count(shape, TopAbs_FACE);
    p.edges = count(shape, TopAbs_EDGE);
    p.vertices = count(shape, TopAbs_VERTEX);
    p.empty = p.faces == 0 && p.edges == 0 && p.vertices == 0;
    if (p.empty) return p;
    Bnd_Box box;
    BRepBndLib::AddOptimal(shape, box, false, false);
    if (!box.IsVoid()) {
      box.Get(p.bbox_min[0], p.bbox_min[1], p.bbox_min[2], p.bbox_max[0], p.bbox_max[1],
              p.bbox_max[2]);
    }
    GProp_GProps surface;
    BRepGProp::SurfaceProperties(shape, surface);
    p.area = surface.Mass();
    if (p.solids > 0) {
      GProp_GProps volume;
      BRepGProp::VolumeProperties(shape, volume);
      p.volume = volume.Mass();
      gp_Pnt c = volume.CentreOfMass();
      p.center_of_mass = {c.X(), c.Y(), c.Z()};
    } else {
      for (int k = 0; k < 3; ++k) p.center_of_mass[k] = 0.5 * (p.bbox_min[k] + p.bbox_max[k]);
    }
    p.valid = BRepCheck_Analyzer(shape).IsValid();
  } catch (const Standard_Failure& e) {
    throw cad::Error(std::string("measuring shape: ") + e.GetMessageString());
  }
  return p;
}

double max_extent(const ShapeProperties& p) {
  double e = 0;
  for (int k = 0; k < 3; ++k) e = std::max(e, p.bbox_max[k] - p.bbox_min[k]);
  return e;
}

}  // namespace cad::geom
