// Cylindrical features of a solid (holes, bosses, fillets) found from its cylindrical faces.
#include "render/features.h"

#include <BRepAdaptor_Surface.hxx>
#include <BRepBndLib.hxx>
#include <BRepGProp.hxx>
#include <BRepTools.hxx>
#include <Bnd_Box.hxx>
#include <GProp_GProps.hxx>
#include <Standard_Failure.hxx>
#include <TopExp_Explorer.hxx>
#include <TopoDS.hxx>
#include <gp_Cylinder.hxx>
#include <gp_Pln.hxx>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/error.h"

namespace cad::render {

namespace {

double dot(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/// Distance from `p` to the line through `o` along unit `d`.
double distance_to_axis(const std::array<double, 3>& p, const std::array<double, 3>& o,
                        const std::array<double, 3>& d) {
  const std::array<double, 3> v{p[0] - o[0], p[1] - o[1], p[2] - o[2]};
  const double t = dot(v, d);
  const std::array<double, 3> w{v[0] - t * d[0], v[1] - t * d[1], v[2] - t * d[2]};
  return std::sqrt(dot(w, w));
}

}  // namespace

bool CylinderFeature::full() const {
  return span >= 2 * M_PI - 1e-6;
}

std::vector<CylinderFeature> find_cylinders(const TopoDS_Shape& shape) {
  std::vector<CylinderFeature> features;
  if (shape.IsNull()) return features;
  try {
    Bnd_Box box;
    BRepBndLib::Add(shape, box);
    const double tol = box.IsVoid() ? 1e-6 : std::max(1e-6, 1e-6 * std::sqrt(box.SquareExtent()));
    for (TopExp_Explorer it(shape, TopAbs_FACE); it.More(); it.Next()) {
      const TopoDS_Face& face = TopoDS::Face(it.Current());
      BRepAdaptor_Surface surface(face);
      if (surface.GetType() != GeomAbs_Cylinder) continue;
      const gp_Cylinder cylinder = surface.Cylinder();
      const gp_Ax1 axis = cylinder.Axis();
      double u0, u1, v0, v1;
      BRepTools::UVBounds(face, u0, u1, v0, v1);
      CylinderFeature f;
      f.origin = {axis.Location().X(), axis.Location().Y(), axis.Location().Z()};
      f.direction = {axis.Direction().X(), axis.Direction().Y(), axis.Direction().Z()};
      f.radius = cylinder.Radius();
      f.span = std::min(u1 - u0, 2 * M_PI);
      // The outward normal of the solid points to the axis for a bore.
      gp_Pnt p;
      gp_Vec du, dv;
      surface.D1((u0 + u1) / 2, (v0 + v1) / 2, p, du, dv);
      gp_Vec normal = du.Crossed(dv);
      if (face.Orientation() == TopAbs_REVERSED) normal.Reverse();
      const gp_Vec radial(
          axis.Location().Translated(gp_Vec(axis.Direction()) *
                                     gp_Vec(axis.Location(), p).Dot(gp_Vec(axis.Direction()))),
          p);
      f.hole = normal.Dot(radial) < 0;
      // v of a cylinder is the distance along the axis from its location.
      f.min_v = std::min(v0, v1);
      f.max_v = std::max(v0, v1);
      bool merged = false;
      for (CylinderFeature& g : features) {
        if (std::abs(g.radius - f.radius) > tol || g.hole != f.hole) continue;
        if (std::abs(std::abs(dot(g.direction, f.direction)) - 1) > 1e-9) continue;
        if (distance_to_axis(f.origin, g.origin, g.direction) > tol) continue;
        const double sign = dot(g.direction, f.direction) > 0 ? 1 : -1;
        const std::array<double, 3> d{f.origin[0] - g.origin[0], f.origin[1] - g.origin[1],
                                      f.origin[2] - g.origin[2]};
        const double shift = dot(d, g.direction);
        const double a = shift + sign * f.min_v, b = shift + sign * f.max_v;
        const bool overlaps = std::min(a, b) < g.max_v - tol && std::max(a, b) > g.min_v + tol;
        // Faces of the same cylinder side by side add angle; stacked ones add length.
        if (overlaps) g.span = std::min(g.span + f.span, 2 * M_PI);
        g.min_v = std::min(g.min_v, std::min(a, b));
        g.max_v = std::max(g.max_v, std::max(a, b));
        merged = true;
        break;
      }
      if (!merged) features.push_back(f);
    }
  } catch (const Standard_Failure& e) {
    throw Error(std::string("features: OpenCASCADE: ") + e.GetMessageString());
  }
  std::sort(features.begin(), features.end(),
            [](const CylinderFeature& a, const CylinderFeature& b) {
              return std::tie(a.radius, a.origin[0], a.origin[1], a.origin[2]) <
                     std::tie(b.radius, b.origin[0], b.origin[1], b.origin[2]);
            });
  return features;
}

std::vector<StepLevel> find_step_levels(const TopoDS_Shape& shape, int axis) {
  std::vector<StepLevel> levels;
  if (shape.IsNull() || axis < 0 || axis > 2) return levels;
  try {
    Bnd_Box box;
    BRepBndLib::Add(shape, box);
    if (box.IsVoid()) return levels;
    std::array<double, 3> lo{}, hi{};
    box.Get(lo[0], lo[1], lo[2], hi[0], hi[1], hi[2]);
    const double tol = std::max(1e-6, 1e-5 * std::sqrt(box.SquareExtent()));
    // Bnd_Box adds a gap; take it off so that the extreme faces are recognised.
    for (int i = 0; i < 3; ++i) {
      lo[i] += box.GetGap();
      hi[i] -= box.GetGap();
    }
    const int u = (axis + 1) % 3, v = (axis + 2) % 3;
    const double across = (hi[u] - lo[u]) * (hi[v] - lo[v]);
    for (TopExp_Explorer it(shape, TopAbs_FACE); it.More(); it.Next()) {
      const TopoDS_Face& face = TopoDS::Face(it.Current());
      BRepAdaptor_Surface surface(face);
      if (surface.GetType() != GeomAbs_Plane) continue;
      const gp_Pln plane = surface.Plane();
      const gp_Dir d = plane.Axis().Direction();
      const double along[3] = {d.X(), d.Y(), d.Z()};
      if (std::abs(std::abs(along[axis]) - 1) > 1e-9) continue;
      const gp_Pnt o = plane.Location();
      const double at[3] = {o.X(), o.Y(), o.Z()};
      const double level = at[axis];
      if (level <= lo[axis] + tol || level >= hi[axis] - tol) continue;
      // Ignore slivers (facets of meshed holes, narrow lands): a step is a real area.
      GProp_GProps props;
      BRepGProp::SurfaceProperties(face, props);
      if (props.Mass() < 0.01 * across) continue;
      Bnd_Box fb;
      BRepBndLib::Add(face, fb);
      StepLevel s;
      s.level = level;
      fb.Get(s.min[0], s.min[1], s.min[2], s.max[0], s.max[1], s.max[2]);
      for (int i = 0; i < 3; ++i) {
        s.min[i] += fb.GetGap();
        s.max[i] -= fb.GetGap();
      }
      bool merged = false;
      for (StepLevel& l : levels)
        if (std::abs(l.level - level) <= tol) {
          for (int i = 0; i < 3; ++i) {
            l.min[i] = std::min(l.min[i], s.min[i]);
            l.max[i] = std::max(l.max[i], s.max[i]);
          }
          merged = true;
        }
      if (!merged) levels.push_back(s);
    }
  } catch (const Standard_Failure& e) {
    throw Error(std::string("features: OpenCASCADE: ") + e.GetMessageString());
  }
  std::sort(levels.begin(), levels.end(),
            [](const StepLevel& a, const StepLevel& b) { return a.level < b.level; });
  return levels;
}

}  // namespace cad::render
