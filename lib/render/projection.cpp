// Orthographic hidden-line projection of a solid into 2-D polylines for the three drawing views.
#include "render/projection.h"

#include <BRepAdaptor_Curve.hxx>
#include <BRepAdaptor_Curve2d.hxx>
#include <BRepAdaptor_Surface.hxx>
#include <BRepBndLib.hxx>
#include <BRepLib.hxx>
#include <BRep_Builder.hxx>
#include <BRep_Tool.hxx>
#include <Bnd_Box.hxx>
#include <GCPnts_QuasiUniformDeflection.hxx>
#include <HLRAlgo_Projector.hxx>
#include <HLRBRep_Algo.hxx>
#include <HLRBRep_HLRToShape.hxx>
#include <Standard_Failure.hxx>
#include <TopExp.hxx>
#include <TopExp_Explorer.hxx>
#include <TopTools_IndexedDataMapOfShapeListOfShape.hxx>
#include <TopoDS.hxx>
#include <gp_Ax2.hxx>
#include <gp_Circ.hxx>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/error.h"

namespace cad::render {

namespace {

constexpr double kTwoPi = 2 * M_PI;
/// Faces meeting at less than this angle along an edge are tangent: the edge is not drawn.
constexpr double kTangentAngle = 1.0 * M_PI / 180;

gp_Ax2 view_axes(ViewKind view) {
  // The projector looks along -N (N points to the viewer); its X axis is the view's x.
  switch (view) {
    case ViewKind::Front:
      return gp_Ax2(gp_Pnt(0, 0, 0), gp_Dir(0, -1, 0), gp_Dir(1, 0, 0));
    case ViewKind::Top:
      return gp_Ax2(gp_Pnt(0, 0, 0), gp_Dir(0, 0, 1), gp_Dir(1, 0, 0));
    case ViewKind::Left:
      return gp_Ax2(gp_Pnt(0, 0, 0), gp_Dir(-1, 0, 0), gp_Dir(0, -1, 0));
  }
  return gp_Ax2();
}

double angle_of(const Point2& p, const Point2& c) {
  return std::atan2(p.y - c.y, p.x - c.x);
}

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
        const Point2 from =
            circ.Axis().Direction().Z() > 0 ? Point2{a.X(), a.Y()} : Point2{b.X(), b.Y()};
        arc.start = angle_of(from, arc.center);
        arc.end = arc.start + span;
        path.arc = arc;
      }
    }
    if (path.points.size() >= 2) out.push_back(std::move(path));
  }
}

/// HLR tells tangent (smooth) edges by their encoded regularity, which boolean operations that
/// merge faces and STEP files leave unset, or set C0, on some of them: a fillet's seam would
/// be drawn as a line. Every edge between two faces whose normals agree along it (within
/// kTangentAngle at seven points) is encoded G1 here.
void encode_tangent_edges(const TopoDS_Shape& shape) {
  TopTools_IndexedDataMapOfShapeListOfShape edge_faces;
  TopExp::MapShapesAndAncestors(shape, TopAbs_EDGE, TopAbs_FACE, edge_faces);
  BRep_Builder builder;
  for (int i = 1; i <= edge_faces.Extent(); ++i) {
    TopoDS_Edge edge = TopoDS::Edge(edge_faces.FindKey(i));
    if (BRep_Tool::Degenerated(edge)) continue;
    std::vector<TopoDS_Face> faces;
    for (const TopoDS_Shape& f : edge_faces(i))
      if (std::none_of(faces.begin(), faces.end(),
                       [&](const TopoDS_Face& g) { return g.IsSame(f); }))
        faces.push_back(TopoDS::Face(f));
    if (faces.size() != 2) continue;
    try {
      BRepAdaptor_Curve curve(edge);
      const double first = curve.FirstParameter(), last = curve.LastParameter();
      bool tangent = true;
      for (int k = 1; k <= 7 && tangent; ++k) {
        const double t = first + (last - first) * k / 8.0;
        gp_Dir n[2];
        for (int j = 0; j < 2 && tangent; ++j) {
          BRepAdaptor_Curve2d pcurve(edge, faces[j]);
          const gp_Pnt2d uv = pcurve.Value(t);
          BRepAdaptor_Surface surface(faces[j], Standard_False);
          gp_Pnt p;
          gp_Vec du, dv;
          surface.D1(uv.X(), uv.Y(), p, du, dv);
          const gp_Vec nv = du.Crossed(dv);
          if (nv.Magnitude() < 1e-12)
            tangent = false;
          else {
            n[j] = gp_Dir(nv);
            if (faces[j].Orientation() == TopAbs_REVERSED) n[j].Reverse();
          }
        }
        tangent = tangent && n[0].Angle(n[1]) <= kTangentAngle;
      }
      if (tangent) builder.Continuity(edge, faces[0], faces[1], GeomAbs_G1);
    } catch (const Standard_Failure&) {
      // No pcurve or a degenerate point: leave the edge as it is.
    }
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

bool Arc2::full_circle() const {
  return end - start >= kTwoPi - 1e-9;
}

const char* to_string(ViewKind view) {
  switch (view) {
    case ViewKind::Front:
      return "front";
    case ViewKind::Top:
      return "top";
    case ViewKind::Left:
      return "left";
  }
  return "?";
}

Point2 project_point(ViewKind view, double x, double y, double z) {
  switch (view) {
    case ViewKind::Front:
      return {x, z};
    case ViewKind::Top:
      return {x, y};
    case ViewKind::Left:
      return {-y, z};
  }
  return {};
}

std::array<double, 3> view_direction(ViewKind view) {
  const gp_Dir d = view_axes(view).Direction();
  return {d.X(), d.Y(), d.Z()};
}

namespace {
// Adds the points of `arc` at 0, 90, 180 and 270 degrees that lie on it.
void add_arc_extremes(const Arc2& arc, Box2& box) {
  for (int k = 0; k < 8; ++k) {  // two turns: angles past `start` wrap around once
    double a = k * M_PI / 2;
    if (a >= arc.start - 1e-12 && a <= arc.end + 1e-12)
      box.add(
          Point2{arc.center.x + arc.radius * std::cos(a), arc.center.y + arc.radius * std::sin(a)});
    double b = a - 2 * M_PI;
    if (b >= arc.start - 1e-12 && b <= arc.end + 1e-12)
      box.add(
          Point2{arc.center.x + arc.radius * std::cos(b), arc.center.y + arc.radius * std::sin(b)});
  }
}
}  // namespace

ViewProjection project(const TopoDS_Shape& shape, ViewKind view, const ProjectionOptions& options) {
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

    encode_tangent_edges(shape);
    Handle(HLRBRep_Algo) algo = new HLRBRep_Algo();
    algo->Add(shape);
    algo->Projector(HLRAlgo_Projector(view_axes(view)));
    algo->Update();
    algo->Hide();
    HLRBRep_HLRToShape extract(algo);
    add_edges(extract.VCompound(), true, deflection, result.paths);
    const std::size_t first_outline = result.paths.size();
    add_edges(extract.OutLineVCompound(), true, deflection, result.paths);
    for (std::size_t k = first_outline; k < result.paths.size(); ++k)
      result.paths[k].outline = true;
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
  for (const Path2& path : result.paths) {
    for (const Point2& p : path.points) result.bounds.add(p);
    // A polyline's chords stop short of a circle's extremes (a 40 mm disc measured 39.9):
    // the exact arc's axis-aligned extremes bound the view.
    if (path.arc) add_arc_extremes(*path.arc, result.bounds);
  }
  return result;
}

ViewProjection project_mesh(const geom::Mesh& mesh, ViewKind view) {
  ViewProjection result;
  result.view = view;
  if (mesh.empty()) return result;
  const gp_Ax2 axes = view_axes(view);
  const gp_Dir n = axes.Direction(), xd = axes.XDirection(), yd = axes.YDirection();
  struct P3 {
    double x, y, z;  // view x, view y, depth (larger is nearer)
  };
  std::vector<P3> v(mesh.vertices.size());
  Box2 box;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& p = mesh.vertices[i];
    v[i] = {p[0] * xd.X() + p[1] * xd.Y() + p[2] * xd.Z(),
            p[0] * yd.X() + p[1] * yd.Y() + p[2] * yd.Z(),
            p[0] * n.X() + p[1] * n.Y() + p[2] * n.Z()};
    box.add(Point2{v[i].x, v[i].y});
  }
  const double extent = std::max({box.width(), box.height(), 1e-9});
  const int res = 1536;
  const double cell = extent / (res - 8);
  const int w = static_cast<int>(box.width() / cell) + 9,
            h = static_cast<int>(box.height() / cell) + 9;
  const double ox = box.min_x - 4 * cell, oy = box.min_y - 4 * cell;
  const float none = -std::numeric_limits<float>::infinity();
  std::vector<float> depth(static_cast<std::size_t>(w) * h, none);

  // Triangle normals (world) and the depth buffer.
  std::vector<std::array<double, 3>> normal(mesh.triangles.size());
  for (std::size_t t = 0; t < mesh.triangles.size(); ++t) {
    const auto& tri = mesh.triangles[t];
    const auto& a = mesh.vertices[tri[0]];
    const auto& b = mesh.vertices[tri[1]];
    const auto& c = mesh.vertices[tri[2]];
    const double ux = b[0] - a[0], uy = b[1] - a[1], uz = b[2] - a[2];
    const double vx = c[0] - a[0], vy = c[1] - a[1], vz = c[2] - a[2];
    std::array<double, 3> nn{uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx};
    const double len = std::sqrt(nn[0] * nn[0] + nn[1] * nn[1] + nn[2] * nn[2]);
    if (len > 0) nn = {nn[0] / len, nn[1] / len, nn[2] / len};
    normal[t] = nn;
    const P3 &p0 = v[tri[0]], &p1 = v[tri[1]], &p2 = v[tri[2]];
    auto px = [&](const P3& p) { return (p.x - ox) / cell; };
    auto py = [&](const P3& p) { return (p.y - oy) / cell; };
    const double x0 = px(p0), y0 = py(p0), x1 = px(p1), y1 = py(p1), x2 = px(p2), y2 = py(p2);
    const double area = (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0);
    if (std::abs(area) < 1e-12) continue;
    const int ix0 = std::max(0, static_cast<int>(std::floor(std::min({x0, x1, x2}))));
    const int ix1 = std::min(w - 1, static_cast<int>(std::ceil(std::max({x0, x1, x2}))));
    const int iy0 = std::max(0, static_cast<int>(std::floor(std::min({y0, y1, y2}))));
    const int iy1 = std::min(h - 1, static_cast<int>(std::ceil(std::max({y0, y1, y2}))));
    for (int iy = iy0; iy <= iy1; ++iy)
      for (int ix = ix0; ix <= ix1; ++ix) {
        const double qx = ix + 0.5, qy = iy + 0.5;
        const double w0 = ((x1 - qx) * (y2 - qy) - (y1 - qy) * (x2 - qx)) / area;
        const double w1 = ((x2 - qx) * (y0 - qy) - (y2 - qy) * (x0 - qx)) / area;
        const double w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const float z = static_cast<float>(w0 * p0.z + w1 * p1.z + w2 * p2.z);
        float& d = depth[static_cast<std::size_t>(iy) * w + ix];
        d = std::max(d, z);
      }
  }

  // Edges with their triangles.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::size_t>> edges;
  for (std::size_t t = 0; t < mesh.triangles.size(); ++t)
    for (int k = 0; k < 3; ++k) {
      std::uint32_t a = mesh.triangles[t][k], b = mesh.triangles[t][(k + 1) % 3];
      if (a > b) std::swap(a, b);
      if (a != b) edges[{a, b}].push_back(t);
    }
  const double crease = std::cos(20 * M_PI / 180);
  const double depth_tol = 4 * cell + 1e-4 * extent;
  auto visible_at = [&](const P3& p) {
    const int ix = static_cast<int>((p.x - ox) / cell), iy = static_cast<int>((p.y - oy) / cell);
    // Compared with the farthest surface around it, so that silhouettes of curved surfaces
    // (where depth changes fast across a cell) and outlines next to empty cells stay visible.
    float farthest = std::numeric_limits<float>::infinity();
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const int x = std::clamp(ix + dx, 0, w - 1), y = std::clamp(iy + dy, 0, h - 1);
        farthest = std::min(farthest, depth[static_cast<std::size_t>(y) * w + x]);
      }
    return farthest == none || p.z >= farthest - depth_tol;
  };
  for (const auto& [key, tris] : edges) {
    bool feature = tris.size() != 2;
    if (!feature) {
      const auto& n0 = normal[tris[0]];
      const auto& n1 = normal[tris[1]];
      const double c = n0[0] * n1[0] + n0[1] * n1[1] + n0[2] * n1[2];
      const double f0 = n0[0] * n.X() + n0[1] * n.Y() + n0[2] * n.Z();
      const double f1 = n1[0] * n.X() + n1[1] * n.Y() + n1[2] * n.Z();
      feature = c < crease || (f0 > 0) != (f1 > 0);
    }
    if (!feature) continue;
    const P3 a = v[key.first], b = v[key.second];
    const double len = std::hypot(b.x - a.x, b.y - a.y);
    if (len < 1e-12) continue;  // seen end on
    const int samples = std::max(2, static_cast<int>(len / cell) + 1);
    int run_start = 0;
    bool run_visible = visible_at(a);
    auto at = [&](int i) {
      const double t = static_cast<double>(i) / (samples - 1);
      return P3{a.x + t * (b.x - a.x), a.y + t * (b.y - a.y), a.z + t * (b.z - a.z)};
    };
    auto emit = [&](int i0, int i1, bool vis) {
      if (i1 <= i0) return;
      const P3 p = at(i0), q = at(i1);
      Path2 path;
      path.visible = vis;
      path.points = {{p.x, p.y}, {q.x, q.y}};
      result.paths.push_back(std::move(path));
    };
    for (int i = 1; i < samples; ++i) {
      const bool vis = visible_at(at(i));
      if (vis != run_visible) {
        emit(run_start, i, run_visible);
        run_start = i;
        run_visible = vis;
      }
    }
    emit(run_start, samples - 1, run_visible);
  }
  result.paths = remove_covered_hidden(std::move(result.paths), 2 * cell);
  for (const Path2& path : result.paths)
    for (const Point2& p : path.points) result.bounds.add(p);
  return result;
}

}  // namespace cad::render
