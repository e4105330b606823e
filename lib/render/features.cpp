// Features of a solid found from its B-rep faces: cylinders (holes, bosses, fillets), steps and
// chamfers.
#include "render/features.h"

#include <BRepAdaptor_Curve.hxx>
#include <BRepAdaptor_Surface.hxx>
#include <BRepBndLib.hxx>
#include <BRepGProp.hxx>
#include <BRepTools.hxx>
#include <BRep_Tool.hxx>
#include <Bnd_Box.hxx>
#include <ElCLib.hxx>
#include <GProp_GProps.hxx>
#include <Standard_Failure.hxx>
#include <TopExp.hxx>
#include <TopExp_Explorer.hxx>
#include <TopTools_IndexedDataMapOfShapeListOfShape.hxx>
#include <TopTools_ListOfShape.hxx>
#include <TopoDS.hxx>
#include <gp_Circ.hxx>
#include <gp_Cone.hxx>
#include <gp_Cylinder.hxx>
#include <gp_Lin.hxx>
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

std::array<double, 3> to_array(const gp_XYZ& p) {
  return {p.X(), p.Y(), p.Z()};
}

/// Outward normal of `face` at the middle of its parameter range (the solid's outside).
gp_Vec outward_normal(const TopoDS_Face& face, const BRepAdaptor_Surface& surface) {
  double u0, u1, v0, v1;
  BRepTools::UVBounds(face, u0, u1, v0, v1);
  gp_Pnt p;
  gp_Vec du, dv;
  surface.D1((u0 + u1) / 2, (v0 + v1) / 2, p, du, dv);
  gp_Vec normal = du.Crossed(dv);
  if (face.Orientation() == TopAbs_REVERSED) normal.Reverse();
  if (normal.Magnitude() > 0) normal.Normalize();
  return normal;
}

/// The face other than `face` on `edge`, or a null face (a seam or a free edge).
TopoDS_Face other_face(const TopTools_IndexedDataMapOfShapeListOfShape& edge_faces,
                       const TopoDS_Shape& edge, const TopoDS_Face& face) {
  if (!edge_faces.Contains(edge)) return {};
  for (const TopoDS_Shape& f : edge_faces.FindFromKey(edge))
    if (!f.IsSame(face)) return TopoDS::Face(f);
  return {};
}

/// Fills the chamfer's legs, angle and normal from its profile ends and the outward normals of
/// faces A and B; false unless the chamfer cuts a convex corner.
bool chamfer_legs(const gp_Pnt& a, const gp_Pnt& b, const gp_Vec& na, const gp_Vec& nb, double tol,
                  Chamfer& c) {
  const gp_Vec ab(a, b);
  if (ab.Magnitude() <= tol) return false;
  // The corner is convex when each end lies inside the other face's plane.
  if (na.Dot(ab) >= -tol || nb.Dot(ab.Reversed()) >= -tol) return false;
  const double sine = na.Crossed(nb).Magnitude();
  if (sine < 1e-6) return false;
  c.leg_a = std::abs(nb.Dot(ab)) / sine;
  c.leg_b = std::abs(na.Dot(ab)) / sine;
  c.angle = M_PI - std::acos(std::clamp(na.Dot(nb), -1.0, 1.0));
  c.a = to_array(a.XYZ());
  c.b = to_array(b.XYZ());
  // Outward normal of the chamfer: across the profile, towards the lost corner.
  const gp_Vec along = ab.Normalized();
  gp_Vec n = na + nb;
  n -= along * n.Dot(along);
  if (n.Magnitude() < 1e-9) return false;
  n.Normalize();
  c.normal = to_array(n.XYZ());
  // The corner: on both faces' planes and on the profile's plane (across the edge direction).
  const gp_Vec e = na.Crossed(nb).Normalized();
  const double det = na.Dot(nb.Crossed(e));
  const gp_Vec pa(a.XYZ()), pb(b.XYZ());
  const gp_Vec corner =
      (nb.Crossed(e) * na.Dot(pa) + e.Crossed(na) * nb.Dot(pb) + na.Crossed(nb) * e.Dot(pa)) / det;
  c.corner = to_array(corner.XYZ());
  return true;
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
      for (TopExp_Explorer e(face, TopAbs_EDGE); e.More(); e.Next()) {
        BRepAdaptor_Curve curve(TopoDS::Edge(e.Current()));
        gp_Pnt c;
        if (curve.GetType() == GeomAbs_Circle)
          c = curve.Circle().Location();
        else if (curve.GetType() == GeomAbs_Ellipse)
          c = curve.Ellipse().Location();
        else
          continue;
        f.rims.push_back({c.X(), c.Y(), c.Z()});
      }
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
        for (const auto& r : f.rims) {
          const bool known = std::any_of(g.rims.begin(), g.rims.end(), [&](const auto& q) {
            return std::abs(q[0] - r[0]) + std::abs(q[1] - r[1]) + std::abs(q[2] - r[2]) <=
                   tol * 10;
          });
          if (!known) g.rims.push_back(r);
        }
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
    // The exact box: an approximate one can stand off the extreme faces (curved faces cut
    // through them), and those would be taken for steps.
    Bnd_Box box;
    BRepBndLib::AddOptimal(shape, box, false, false);
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

std::vector<Chamfer> find_chamfers(const TopoDS_Shape& shape) {
  std::vector<Chamfer> chamfers;
  if (shape.IsNull()) return chamfers;
  try {
    Bnd_Box box;
    BRepBndLib::Add(shape, box);
    if (box.IsVoid()) return chamfers;
    double x0, y0, z0, x1, y1, z1;
    box.Get(x0, y0, z0, x1, y1, z1);
    const double extent = std::max({x1 - x0, y1 - y0, z1 - z0}) - 2 * box.GetGap();
    const double tol = std::max(1e-6, 1e-6 * std::sqrt(box.SquareExtent()));
    const double max_leg = 0.25 * extent;
    TopTools_IndexedDataMapOfShapeListOfShape edge_faces;
    TopExp::MapShapesAndAncestors(shape, TopAbs_EDGE, TopAbs_FACE, edge_faces);
    for (TopExp_Explorer it(shape, TopAbs_FACE); it.More(); it.Next()) {
      const TopoDS_Face& face = TopoDS::Face(it.Current());
      BRepAdaptor_Surface surface(face);
      Chamfer c;
      bool found = false;
      if (surface.GetType() == GeomAbs_Plane) {
        // Two parallel straight edges, each shared with a planar face, the two at an angle.
        struct Side {
          gp_Lin line;
          gp_Pnt mid;
          gp_Vec normal;  // of the neighbour, outward
          TopoDS_Face face;
        };
        // A face's width across direction `d` in its plane (normal `n`), from its vertices.
        auto width_across = [](const TopoDS_Face& f, const gp_Vec& n, const gp_Dir& d) {
          const gp_Vec w = n.Crossed(gp_Vec(d));
          double lo = 1e300, hi = -1e300;
          for (TopExp_Explorer v(f, TopAbs_VERTEX); v.More(); v.Next()) {
            const double t = gp_Vec(BRep_Tool::Pnt(TopoDS::Vertex(v.Current())).XYZ()).Dot(w);
            lo = std::min(lo, t);
            hi = std::max(hi, t);
          }
          return hi - lo;
        };
        std::vector<Side> sides;
        for (TopExp_Explorer e(face, TopAbs_EDGE); e.More(); e.Next()) {
          BRepAdaptor_Curve curve(TopoDS::Edge(e.Current()));
          if (curve.GetType() != GeomAbs_Line) continue;
          const TopoDS_Face other = other_face(edge_faces, e.Current(), face);
          if (other.IsNull()) continue;
          BRepAdaptor_Surface os(other);
          if (os.GetType() != GeomAbs_Plane) continue;
          sides.push_back({curve.Line(),
                           curve.Value((curve.FirstParameter() + curve.LastParameter()) / 2),
                           outward_normal(other, os), other});
        }
        const gp_Vec nf = outward_normal(face, surface);
        for (std::size_t i = 0; i < sides.size() && !found; ++i)
          for (std::size_t j = i + 1; j < sides.size() && !found; ++j) {
            const gp_Dir d = sides[i].line.Direction();
            if (std::abs(d.Dot(sides[j].line.Direction())) < 1 - 1e-9) continue;
            const gp_Vec &na = sides[i].normal, &nb = sides[j].normal;
            if (std::abs(na.Dot(nb)) > 1 - 1e-6) continue;
            if (std::abs(nf.Dot(na)) > 1 - 1e-6 || std::abs(nf.Dot(nb)) > 1 - 1e-6) continue;
            const gp_Pnt a = sides[i].mid;
            const gp_Pnt o = sides[j].line.Location();
            const gp_Pnt b = o.Translated(gp_Vec(d) * gp_Vec(o, a).Dot(gp_Vec(d)));
            if (!chamfer_legs(a, b, na, nb, tol, c)) continue;
            // A chamfer is narrower than the faces it joins (else it is one of those).
            const double width = a.Distance(b);
            if (width >= width_across(sides[i].face, na, d) ||
                width >= width_across(sides[j].face, nb, d))
              continue;
            c.direction = {d.X(), d.Y(), d.Z()};
            found = true;
          }
      } else if (surface.GetType() == GeomAbs_Cone) {
        // A circle shared with a coaxial cylinder and one shared with a plane across the axis.
        const gp_Ax1 axis = surface.Cone().Axis();
        const gp_Vec dir(axis.Direction());
        bool have_cylinder = false, have_plane = false;
        gp_Pnt ca, cb;  // circle centres
        double ra = 0, rb = 0;
        double side = 1;  // +1: the cylinder's material is inside it (a shaft), -1: a bore
        gp_Vec nb;
        for (TopExp_Explorer e(face, TopAbs_EDGE); e.More(); e.Next()) {
          BRepAdaptor_Curve curve(TopoDS::Edge(e.Current()));
          if (curve.GetType() != GeomAbs_Circle) continue;
          const gp_Circ circle = curve.Circle();
          if (std::abs(std::abs(gp_Vec(circle.Axis().Direction()).Dot(dir)) - 1) > 1e-9) continue;
          const TopoDS_Face other = other_face(edge_faces, e.Current(), face);
          if (other.IsNull()) continue;
          BRepAdaptor_Surface os(other);
          if (os.GetType() == GeomAbs_Cylinder) {
            const gp_Cylinder cyl = os.Cylinder();
            if (std::abs(cyl.Radius() - circle.Radius()) > tol * 10 ||
                gp_Lin(cyl.Axis()).Distance(circle.Location()) > tol * 10)
              continue;
            double u0, u1, v0, v1;
            BRepTools::UVBounds(other, u0, u1, v0, v1);
            gp_Pnt p;
            gp_Vec du, dv;
            os.D1((u0 + u1) / 2, (v0 + v1) / 2, p, du, dv);
            gp_Vec n = du.Crossed(dv);
            if (other.Orientation() == TopAbs_REVERSED) n.Reverse();
            const gp_Pnt foot =
                ElCLib::Value(ElCLib::Parameter(gp_Lin(cyl.Axis()), p), gp_Lin(cyl.Axis()));
            side = n.Dot(gp_Vec(foot, p)) < 0 ? -1 : 1;
            ca = circle.Location();
            ra = circle.Radius();
            have_cylinder = true;
          } else if (os.GetType() == GeomAbs_Plane) {
            nb = outward_normal(other, os);
            if (std::abs(std::abs(nb.Dot(dir)) - 1) > 1e-9) continue;
            cb = circle.Location();
            rb = circle.Radius();
            have_plane = true;
          }
        }
        if (have_cylinder && have_plane) {
          // The profile in the plane through the axis and the cone's x direction.
          gp_Vec radial(surface.Cone().Position().XDirection());
          radial -= dir * radial.Dot(dir);
          radial.Normalize();
          const gp_Pnt a = ca.Translated(radial * ra), b = cb.Translated(radial * rb);
          if (chamfer_legs(a, b, radial * side, nb, tol, c)) {
            c.conical = true;
            c.direction = to_array(dir.XYZ());
            c.origin = to_array(axis.Location().XYZ());
            found = true;
          }
        }
      }
      if (!found || std::max(c.leg_a, c.leg_b) > max_leg) continue;
      // A cone split in pieces around its axis is one chamfer.
      bool same = false;
      for (const Chamfer& g : chamfers) {
        if (!c.conical || !g.conical) continue;
        const gp_Lin axis(gp_Pnt(g.origin[0], g.origin[1], g.origin[2]),
                          gp_Dir(g.direction[0], g.direction[1], g.direction[2]));
        const gp_Pnt a(c.a[0], c.a[1], c.a[2]), ga(g.a[0], g.a[1], g.a[2]);
        same |= axis.Distance(gp_Pnt(c.origin[0], c.origin[1], c.origin[2])) <= tol * 10 &&
                std::abs(std::abs(dot(c.direction, g.direction)) - 1) <= 1e-9 &&
                std::abs(axis.Distance(a) - axis.Distance(ga)) <= tol * 10 &&
                std::abs(gp_Vec(axis.Location(), a).Dot(gp_Vec(axis.Direction())) -
                         gp_Vec(axis.Location(), ga).Dot(gp_Vec(axis.Direction()))) <= tol * 10;
      }
      if (!same) chamfers.push_back(c);
    }
  } catch (const Standard_Failure& e) {
    throw Error(std::string("features: OpenCASCADE: ") + e.GetMessageString());
  }
  std::sort(chamfers.begin(), chamfers.end(), [](const Chamfer& a, const Chamfer& b) {
    return std::tie(a.a[0], a.a[1], a.a[2]) < std::tie(b.a[0], b.a[1], b.a[2]);
  });
  return chamfers;
}

std::vector<Groove> find_grooves(const TopoDS_Shape& shape) {
  std::vector<Groove> grooves;
  if (shape.IsNull()) return grooves;
  // One conical flank: its axis, its inner and outer circles (radius, position along the
  // axis) and whether its outward normal points along the axis direction.
  struct Flank {
    gp_Lin axis;
    double r_in = 0, r_out = 0, t_in = 0, t_out = 0;
    double normal_along = 0;
  };
  std::vector<Flank> flanks;
  try {
    Bnd_Box box;
    BRepBndLib::Add(shape, box);
    if (box.IsVoid()) return grooves;
    const double tol = std::max(1e-6, 1e-6 * std::sqrt(box.SquareExtent()));
    for (TopExp_Explorer it(shape, TopAbs_FACE); it.More(); it.Next()) {
      const TopoDS_Face& face = TopoDS::Face(it.Current());
      BRepAdaptor_Surface surface(face);
      if (surface.GetType() != GeomAbs_Cone) continue;
      // A canonical axis direction (largest component positive) so that flanks compare.
      gp_Ax1 ax = surface.Cone().Axis();
      gp_Dir d = ax.Direction();
      const double m[3] = {d.X(), d.Y(), d.Z()};
      int big = 0;
      for (int k = 1; k < 3; ++k)
        if (std::abs(m[k]) > std::abs(m[big])) big = k;
      if (m[big] < 0) d.Reverse();
      const gp_Lin axis(ax.Location(), d);
      std::vector<std::pair<double, double>> circles;  // (radius, position)
      for (TopExp_Explorer e(face, TopAbs_EDGE); e.More(); e.Next()) {
        BRepAdaptor_Curve curve(TopoDS::Edge(e.Current()));
        if (curve.GetType() != GeomAbs_Circle) continue;
        const gp_Circ c = curve.Circle();
        if (axis.Distance(c.Location()) > tol * 10) continue;
        circles.push_back(
            {c.Radius(), gp_Vec(axis.Location(), c.Location()).Dot(gp_Vec(axis.Direction()))});
      }
      if (circles.size() < 2) continue;
      std::sort(circles.begin(), circles.end());
      Flank f;
      f.axis = axis;
      f.r_in = circles.front().first;
      f.t_in = circles.front().second;
      f.r_out = circles.back().first;
      f.t_out = circles.back().second;
      if (f.r_out - f.r_in <= tol * 10) continue;
      const gp_Vec n = outward_normal(face, surface);
      if (n.Magnitude() < 0.5) continue;
      f.normal_along = n.Dot(gp_Vec(axis.Direction()));
      // A cone split in pieces around its axis is one flank.
      const bool same = std::any_of(flanks.begin(), flanks.end(), [&](const Flank& g) {
        return g.axis.Distance(axis.Location()) <= tol * 10 &&
               g.axis.Direction().IsParallel(axis.Direction(), 1e-9) &&
               std::abs(g.r_in - f.r_in) <= tol * 10 && std::abs(g.r_out - f.r_out) <= tol * 10 &&
               std::abs(
                   g.t_in - f.t_in +
                   (g.axis.Location().XYZ() - axis.Location().XYZ()).Dot(axis.Direction().XYZ())) <=
                   tol * 10;
      });
      if (!same) flanks.push_back(f);
    }
    std::vector<bool> used(flanks.size(), false);
    for (std::size_t i = 0; i < flanks.size(); ++i)
      for (std::size_t j = i + 1; j < flanks.size() && !used[i]; ++j) {
        if (used[j]) continue;
        const Flank &a0 = flanks[i], &b0 = flanks[j];
        if (a0.axis.Distance(b0.axis.Location()) > tol * 10 ||
            !a0.axis.Direction().IsParallel(b0.axis.Direction(), 1e-9) ||
            std::abs(a0.r_in - b0.r_in) > tol * 10 || std::abs(a0.r_out - b0.r_out) > tol * 10)
          continue;
        // Both on a's axis origin; the lower flank first.
        Flank a = a0, b = b0;
        const double shift =
            (b.axis.Location().XYZ() - a.axis.Location().XYZ()).Dot(a.axis.Direction().XYZ());
        b.t_in += shift;
        b.t_out += shift;
        if (a.t_out > b.t_out) std::swap(a, b);
        const double top = b.t_out - a.t_out, bottom = b.t_in - a.t_in;
        // The gap widens outwards, and the faces look at each other across it (empty between).
        if (!(top > bottom + tol * 10) || bottom < -tol * 10) continue;
        if (!(a.normal_along > 1e-6 && b.normal_along < -1e-6)) continue;
        Groove g;
        g.origin = {a.axis.Location().X(), a.axis.Location().Y(), a.axis.Location().Z()};
        g.direction = {a.axis.Direction().X(), a.axis.Direction().Y(), a.axis.Direction().Z()};
        g.r_bottom = a.r_in;
        g.r_top = a.r_out;
        g.top = {a.t_out, b.t_out};
        g.bottom = {a.t_in, b.t_in};
        // Each flank's line in the (radius, position) plane, from the bottom outwards.
        const double dr = g.r_top - g.r_bottom;
        const double ang_a = std::atan2(a.t_out - a.t_in, dr);  // towards lower positions: < 0
        const double ang_b = std::atan2(b.t_out - b.t_in, dr);
        g.angle = ang_b - ang_a;
        grooves.push_back(g);
        used[i] = used[j] = true;
      }
  } catch (const Standard_Failure& e) {
    throw Error(std::string("features: OpenCASCADE: ") + e.GetMessageString());
  }
  std::sort(grooves.begin(), grooves.end(), [](const Groove& a, const Groove& b) {
    return std::tie(a.origin[0], a.origin[1], a.origin[2], a.top[0]) <
           std::tie(b.origin[0], b.origin[1], b.origin[2], b.top[0]);
  });
  return grooves;
}

}  // namespace cad::render
