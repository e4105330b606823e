// Volumes and IoU of closed triangle meshes on CGAL's Polygon_mesh_processing.
#include "metrics/mesh_iou.h"

#include <CGAL/Exact_predicates_inexact_constructions_kernel.h>
#include <CGAL/Polygon_mesh_processing/bbox.h>
#include <CGAL/Polygon_mesh_processing/corefinement.h>
#include <CGAL/Polygon_mesh_processing/measure.h>
#include <CGAL/Polygon_mesh_processing/orient_polygon_soup.h>
#include <CGAL/Polygon_mesh_processing/orientation.h>
#include <CGAL/Polygon_mesh_processing/polygon_soup_to_polygon_mesh.h>
#include <CGAL/Polygon_mesh_processing/repair_degeneracies.h>
#include <CGAL/Polygon_mesh_processing/repair_polygon_soup.h>
#include <CGAL/Polygon_mesh_processing/self_intersections.h>
#include <CGAL/Polygon_mesh_processing/stitch_borders.h>
#include <CGAL/Surface_mesh.h>
#include <CGAL/boost/graph/helpers.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <vector>

#include "core/error.h"
#include "geom/mesh.h"
#include "geom/similarity.h"

namespace cad::metrics {

namespace {
using Kernel = CGAL::Exact_predicates_inexact_constructions_kernel;
using Point = Kernel::Point_3;
using SurfaceMesh = CGAL::Surface_mesh<Point>;
namespace PMP = CGAL::Polygon_mesh_processing;

// Relative distance the second mesh of a corefinement is moved (see intersection_volume).
constexpr double kNudge = 1e-9;

std::size_t border_edges(const SurfaceMesh& m) {
  std::size_t n = 0;
  for (auto h : m.halfedges())
    if (m.is_border(h)) ++n;
  return n;
}
}  // namespace

struct VolumeMesh::Impl {
  SurfaceMesh mesh;
  MeshRepair repair;
  double volume = 0;
};

std::string MeshRepair::describe() const {
  std::string out;
  auto add = [&out](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
  // Welding identical points is what every STL reader does: not a repair worth naming.
  if (removed_triangles)
    add("dropped " + std::to_string(removed_triangles) + " degenerate or duplicate triangles");
  if (stitched_edges) add("stitched " + std::to_string(stitched_edges) + " border edges");
  if (reoriented) add("reoriented to bound its volume");
  if (boundary_edges)
    add(std::to_string(boundary_edges) + " boundary edges left (the mesh has holes)");
  else if (!bounds_volume)
    add(input_triangles == removed_triangles ? "no triangles left"
                                             : "the mesh does not bound a volume");
  return out;
}

VolumeMesh::VolumeMesh(const geom::Mesh& input) : impl_(std::make_unique<Impl>()) {
  MeshRepair& r = impl_->repair;
  r.input_triangles = input.triangles.size();
  std::vector<Point> points;
  points.reserve(input.vertices.size());
  for (const auto& v : input.vertices) points.emplace_back(v[0], v[1], v[2]);
  std::vector<std::vector<std::size_t>> polygons;
  polygons.reserve(input.triangles.size());
  for (const auto& t : input.triangles)
    if (t[0] < points.size() && t[1] < points.size() && t[2] < points.size())
      polygons.push_back({t[0], t[1], t[2]});
  const std::size_t in_points = points.size();
  try {
    PMP::repair_polygon_soup(points, polygons);
    r.removed_points = in_points - points.size();
    // Polygon-soup repair can split a polygon that visits a point twice; a triangle soup stays
    // triangles, but keep only triangles in any case.
    polygons.erase(std::remove_if(polygons.begin(), polygons.end(),
                                  [](const std::vector<std::size_t>& p) { return p.size() != 3; }),
                   polygons.end());
    if (polygons.empty()) {
      r.removed_triangles = r.input_triangles;
      return;
    }
    PMP::orient_polygon_soup(points, polygons);
    SurfaceMesh& m = impl_->mesh;
    PMP::polygon_soup_to_polygon_mesh(points, polygons, m);
    r.stitched_edges = PMP::stitch_borders(m);
    PMP::remove_degenerate_faces(m);
    m.collect_garbage();
    r.removed_triangles =
        r.input_triangles - std::min<std::size_t>(r.input_triangles, m.number_of_faces());
    r.boundary_edges = border_edges(m);
    if (r.boundary_edges > 0 || m.number_of_faces() == 0) return;
    const double before = PMP::volume(m);
    PMP::orient_to_bound_a_volume(m);
    const double after = PMP::volume(m);
    r.reoriented =
        (before < 0) != (after < 0) || std::fabs(before - after) > 1e-9 * std::fabs(after);
    if (!(after > 0) || !std::isfinite(after) || !PMP::does_bound_a_volume(m)) return;
    impl_->volume = after;
    r.bounds_volume = true;
  } catch (const std::exception&) {
    // CGAL reports failed preconditions (e.g. a non-manifold result) by exceptions: the mesh
    // then does not bound a volume, and describe() says so.
    r.bounds_volume = false;
    impl_->volume = 0;
  }
}

VolumeMesh::~VolumeMesh() = default;
VolumeMesh::VolumeMesh(VolumeMesh&&) noexcept = default;
VolumeMesh& VolumeMesh::operator=(VolumeMesh&&) noexcept = default;

const MeshRepair& VolumeMesh::repair() const {
  return impl_->repair;
}
double VolumeMesh::volume() const {
  return impl_->volume;
}
std::size_t VolumeMesh::triangles() const {
  return impl_->mesh.number_of_faces();
}

VolumeMesh VolumeMesh::transformed(const geom::Similarity& s) const {
  VolumeMesh out;
  out.impl_ = std::make_unique<Impl>(*impl_);
  SurfaceMesh& m = out.impl_->mesh;
  for (auto v : m.vertices()) {
    const Point& p = m.point(v);
    auto q = s.apply({p.x(), p.y(), p.z()});
    m.point(v) = Point(q[0], q[1], q[2]);
  }
  const auto& r = s.rotation;
  const double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
                     r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
                     r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
  if (det < 0) PMP::reverse_face_orientations(m);
  out.impl_->volume = impl_->volume * s.scale * s.scale * s.scale;
  return out;
}

double intersection_volume(const VolumeMesh& a, const VolumeMesh& b) {
  if (!a.bounds_volume())
    throw cad::Error("mesh IoU: the first mesh does not bound a volume (" + a.repair().describe() +
                     ")");
  if (!b.bounds_volume())
    throw cad::Error("mesh IoU: the second mesh does not bound a volume (" + b.repair().describe() +
                     ")");
  // Corefinement refines both inputs in place: work on copies.
  SurfaceMesh ca = a.impl_->mesh, cb = b.impl_->mesh, out;
  // Faces of the two meshes that coincide exactly (a prediction on the ground truth's planes)
  // take the corefinement's coplanar path, four times slower on the corpus. Moving the second
  // mesh by kNudge of the pair's diagonal along a direction parallel to no axis plane turns
  // them into parallel faces that do not meet; every volume changes by at most that distance
  // times the area, far below the float precision the meshes come in.
  {
    CGAL::Bbox_3 box = PMP::bbox(ca) + PMP::bbox(cb);
    const double dx = box.xmax() - box.xmin(), dy = box.ymax() - box.ymin(),
                 dz = box.zmax() - box.zmin();
    const double step = kNudge * std::sqrt(dx * dx + dy * dy + dz * dz);
    const Kernel::Vector_3 nudge(step * 0.7548776662, step * 0.5698402910, step * 0.3247179572);
    for (auto v : cb.vertices()) cb.point(v) = cb.point(v) + nudge;
  }
  bool ok = false;
  try {
    ok = PMP::corefine_and_compute_intersection(ca, cb, out,
                                                PMP::parameters::throw_on_self_intersection(true),
                                                PMP::parameters::throw_on_self_intersection(true));
  } catch (const PMP::Corefinement::Self_intersection_exception&) {
    const bool sa = PMP::does_self_intersect(a.impl_->mesh),
               sb = PMP::does_self_intersect(b.impl_->mesh);
    throw cad::Error(std::string("mesh IoU: ") +
                     (sa && sb ? "both meshes intersect themselves"
                      : sa     ? "the first mesh intersects itself"
                      : sb     ? "the second mesh intersects itself"
                               : "a mesh intersects itself") +
                     " where the two meet (overlapping bodies or folded triangles)");
  } catch (const std::exception& e) {
    throw cad::Error(std::string("mesh IoU: corefinement failed: ") + e.what());
  }
  if (!ok) throw cad::Error("mesh IoU: the intersection is not a manifold mesh");
  if (out.number_of_faces() == 0) return 0.0;
  double v = 0;
  try {
    v = PMP::volume(out);
  } catch (const std::exception& e) {
    throw cad::Error(std::string("mesh IoU: measuring the intersection failed: ") + e.what());
  }
  const double smaller = std::min(a.volume(), b.volume());
  if (!std::isfinite(v) || v < -1e-9 * smaller || v > smaller * (1 + 1e-6))
    throw cad::Error("mesh IoU: intersection volume " + std::to_string(v) +
                     " is inconsistent with the volumes " + std::to_string(a.volume()) + ", " +
                     std::to_string(b.volume()));
  return std::clamp(v, 0.0, smaller);
}

double mesh_iou(const VolumeMesh& a, const VolumeMesh& b) {
  const double inter = intersection_volume(a, b);
  const double uni = a.volume() + b.volume() - inter;
  return uni > 0 ? std::clamp(inter / uni, 0.0, 1.0) : 0.0;
}

}  // namespace cad::metrics
