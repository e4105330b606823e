// Orthographic hidden-line projection of a solid into 2-D polylines for the three drawing views.
#include "render/projection.h"

#include <BRepAdaptor_Curve.hxx>
#include <BRepBndLib.hxx>
#include <BRepLib.hxx>
#include <Bnd_Box.hxx>
#include <GCPnts_QuasiUniformDeflection.hxx>
#include <HLRAlgo_Projector.hxx>
#include <HLRBRep_Algo.hxx>
#include <HLRBRep_HLRToShape.hxx>
#include <Standard_Failure.hxx>
#include <TopExp_Explorer.hxx>
#include <TopoDS.hxx>
#include <gp_Ax2.hxx>
#include <gp_Circ.hxx>

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace cad::render {

namespace {

constexpr double kTwoPi = 2 * M_PI;

gp_Ax2 view_axes(ViewKind view) {
  // The projector looks along -N (N points to the viewer); its X axis is the view's x.
  switch (view) {
    case ViewKind::Front: return gp_Ax2(gp_Pnt(0, 0, 0), gp_Dir(0, -1, 0), gp_Dir(1, 0, 0));
    case ViewKind::Top: return gp_Ax2(gp_Pnt(0, 0, 0), gp_Dir(0, 0, 1), gp_Dir(1, 0, 0));
    case ViewKind::Left: return gp_Ax2(gp_Pnt(0, 0, 0), gp_Dir(-1, 0, 0), gp_Dir(0, -1, 0));
  }
  return gp_Ax2();
}

double angle_of(const Point2& p, const Point2& c) { return std::atan2(p.y - c.y, p.x - c.x); }

void add_edges(const TopoDS_Shape& compound, bool visible, double deflection,
               std::vector<Path2>& out) {
  if (compound.IsNull()) return;
  TopoDS_Shape shape = compound;
  BRepLib::BuildCurves3d(shape);
  for (TopExp_Explorer it(shape, TopAbs_EDGE); it.More(); it.Next()) {
    const TopoDS_Edge& edge = TopoDS::Edge(it.Current());
    BRepAdaptor_Curve curve(edge);
    Path2 path;
    path.visible = visible;
    const double first = curve.FirstParameter();
    const double last = curve.LastParameter();
    if (curve.GetType() == GeomAbs_Line) {
      const gp_Pnt a = curve.Value(first), b = curve.Value(last);
      path.points = {{a.X(), a.Y()}, {b.X(), b.Y()}};
    } else {
      GCPnts_QuasiUniformDeflection sampler(curve, deflection, first, last);
      if (sampler.IsDone() && sampler.NbPoints() >= 2) {
        for (int i = 1; i <= sampler.NbPoints(); ++i) {
          const gp_Pnt p = sampler.Value(i);
          path.points.push_back({p.X(), p.Y()});
        }
      } else {
        for (int i = 0; i <= 64; ++i) {
          const gp_Pnt p = curve.Value(first + (last - first) * i / 64.0);
          path.points.push_back({p.X(), p.Y()});
        }
      }
      if (curve.GetType() == GeomAbs_Circle) {
        const gp_Circ circ = curve.Circle();
        Arc2 arc;
        arc.center = {circ.Location().X(), circ.Location().Y()};
        arc.radius = circ.Radius();
        const double span = std::min(last - first, kTwoPi);
        const gp_Pnt a = curve.Value(first), b = curve.Value(last);
        // Counter-clockwise in the view when the circle's axis points to the viewer.
        const Point2 from = circ.Axis().Direction().Z() > 0 ? Point2{a.X(), a.Y()}
                                                              : Point2{b.X(), b.Y()};
        arc.start = angle_of(from, arc.center);
        arc.end = arc.start + span;
        path.arc = arc;
      }
    }
    if (path.points.size() >= 2) out.push_back(std::move(path));
  }
}

double distance_to_segment(const Point2& p, const Point2& a, const Point2& b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/// Drops the parts of hidden edges that lie under visible ones (the back edges of a box seen
/// square on): a drafter draws only the visible line there.
std::vector<Path2> remove_covered_hidden(std::vector<Path2> paths, double tol) {
  std::vector<std::pair<Point2, Point2>> visible;
  for (const Path2& p : paths)
    if (p.visible)
      for (std::size_t i = 1; i < p.points.size(); ++i)
        visible.push_back({p.points[i - 1], p.points[i]});
  auto covered = [&](const Point2& q) {
    for (const auto& [a, b] : visible)
      if (distance_to_segment(q, a, b) <= tol) return true;
    return false;
  };
  std::vector<Path2> out;
  for (Path2& path : paths) {
    if (path.visible) {
      out.push_back(std::move(path));
      continue;
    }
    if (path.points.size() == 2 && !path.arc) {
      // A straight hidden edge: subtract the parameter ranges of collinear visible segments.
      const Point2 a = path.points[0], b = path.points[1];
      const double len = std::hypot(b.x - a.x, b.y - a.y);
      if (len <= tol) continue;
      std::vector<std::pair<double, double>> keep{{0.0, 1.0}};
      for (const auto& [p, q] : visible) {
        const double dp = std::abs(((p.x - a.x) * (b.y - a.y) - (p.y - a.y) * (b.x - a.x)) / len);
        const double dq = std::abs(((q.x - a.x) * (b.y - a.y) - (q.y - a.y) * (b.x - a.x)) / len);
        if (dp > tol || dq > tol) continue;
        double t0 = ((p.x - a.x) * (b.x - a.x) + (p.y - a.y) * (b.y - a.y)) / (len * len);
        double t1 = ((q.x - a.x) * (b.x - a.x) + (q.y - a.y) * (b.y - a.y)) / (len * len);
        if (t0 > t1) std::swap(t0, t1);
        std::vector<std::pair<double, double>> next;
        for (const auto& [k0, k1] : keep) {
          if (t1 <= k0 || t0 >= k1) {
            next.push_back({k0, k1});
            continue;
          }
          if (t0 > k0) next.push_back({k0, t0});
          if (t1 < k1) next.push_back({t1, k1});
        }
        keep.swap(next);
      }
      for (const auto& [k0, k1] : keep) {
        if ((k1 - k0) * len <= tol) continue;
        Path2 piece;
        piece.visible = false;
        piece.points = {{a.x + k0 * (b.x - a.x), a.y + k0 * (b.y - a.y)},
                        {a.x + k1 * (b.x - a.x), a.y + k1 * (b.y - a.y)}};
        out.push_back(std::move(piece));
      }
      continue;
    }
    bool all_covered = true;
    for (const Point2& q : path.points)
      if (!covered(q)) {
        all_covered = false;
        break;
      }
    if (!all_covered) out.push_back(std::move(path));
  }
  return out;
}

}  // namespace

void Box2::add(const Point2& p) {
  min_x = std::min(min_x, p.x);
  min_y = std::min(min_y, p.y);
  max_x = std::max(max_x, p.x);
  max_y = std::max(max_y, p.y);
}

void Box2::add(const Box2& b) {
  if (b.empty()) return;
  add(Point2{b.min_x, b.min_y});
  add(Point2{b.max_x, b.max_y});
}

bool Arc2::full_circle() const { return end - start >= kTwoPi - 1e-9; }

const char* to_string(ViewKind view) {
  switch (view) {
    case ViewKind::Front: return "front";
    case ViewKind::Top: return "top";
    case ViewKind::Left: return "left";
  }
  return "?";
}

Point2 project_point(ViewKind view, double x, double y, double z) {
  switch (view) {
    case ViewKind::Front: return {x, z};
    case ViewKind::Top: return {x, y};
    case ViewKind::Left: return {-y, z};
  }
  return {};
}

std::array<double, 3> view_direction(ViewKind view) {
  const gp_Dir d = view_axes(view).Direction();
  return {d.X(), d.Y(), d.Z()};
}

ViewProjection project(const TopoDS_Shape& shape, ViewKind view,
                       const ProjectionOptions& options) {
  if (shape.IsNull()) throw Error("projection: null shape");
  ViewProjection result;
  result.view = view;
  double deflection = 1e-6;
  try {
    Bnd_Box box;
    BRepBndLib::Add(shape, box);
    if (box.IsVoid()) throw Error("projection: empty shape");
    const double diagonal = std::sqrt(box.SquareExtent());
    deflection = std::max(diagonal * options.deflection, 1e-6);

    Handle(HLRBRep_Algo) algo = new HLRBRep_Algo();
    algo->Add(shape);
    algo->Projector(HLRAlgo_Projector(view_axes(view)));
    algo->Update();
    algo->Hide();
    HLRBRep_HLRToShape extract(algo);
    add_edges(extract.VCompound(), true, deflection, result.paths);
    add_edges(extract.OutLineVCompound(), true, deflection, result.paths);
    add_edges(extract.HCompound(), false, deflection, result.paths);
    add_edges(extract.OutLineHCompound(), false, deflection, result.paths);
    if (options.smooth_edges) {
      add_edges(extract.Rg1LineVCompound(), true, deflection, result.paths);
      add_edges(extract.Rg1LineHCompound(), false, deflection, result.paths);
    }
  } catch (const Standard_Failure& e) {
    throw Error(std::string("projection: OpenCASCADE: ") + e.GetMessageString());
  }
  result.paths = remove_covered_hidden(std::move(result.paths), deflection);
  for (const Path2& path : result.paths)
    for (const Point2& p : path.points) result.bounds.add(p);
  return result;
}

}  // namespace cad::render
