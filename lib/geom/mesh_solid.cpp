// Closed triangle meshes as OpenCASCADE solids (one planar face per triangle, shared edges).
#include "geom/mesh_solid.h"

#include <BRep_Builder.hxx>
#include <ElSLib.hxx>
#include <Geom2d_Line.hxx>
#include <Geom_Line.hxx>
#include <Geom_Plane.hxx>
#include <Precision.hxx>
#include <Standard_Failure.hxx>
#include <TopoDS.hxx>
#include <TopoDS_Compound.hxx>
#include <TopoDS_Edge.hxx>
#include <TopoDS_Face.hxx>
#include <TopoDS_Shell.hxx>
#include <TopoDS_Solid.hxx>
#include <TopoDS_Vertex.hxx>
#include <TopoDS_Wire.hxx>
#include <gp_Ax3.hxx>
#include <gp_Pln.hxx>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <tuple>
#include <unordered_map>

namespace cad::geom {

namespace {

using Point = std::array<double, 3>;
using Tri = std::array<std::uint32_t, 3>;

// A mesh with identical coordinates welded and triangles with a repeated corner dropped.
struct Welded {
  std::vector<Point> points;
  std::vector<Tri> triangles;
  std::size_t degenerate = 0;
};

struct FloatKeyHash {
  std::size_t operator()(const std::array<std::uint32_t, 3>& k) const {
    std::uint64_t h = 1469598103934665603ull;
    for (auto v : k) h = (h ^ v) * 1099511628211ull;
    return static_cast<std::size_t>(h);
  }
};

Welded weld(const Mesh& mesh) {
  Welded w;
  std::unordered_map<std::array<std::uint32_t, 3>, std::uint32_t, FloatKeyHash> index;
  index.reserve(mesh.vertices.size());
  std::vector<std::uint32_t> remap(mesh.vertices.size());
  for (std::size_t i = 0; i < mesh.vertices.size(); ++i) {
    std::array<std::uint32_t, 3> key;
    for (int k = 0; k < 3; ++k) {
      float f = mesh.vertices[i][k] + 0.0f;  // -0 and +0 weld together
      std::memcpy(&key[k], &f, 4);
    }
    auto [it, inserted] = index.emplace(key, static_cast<std::uint32_t>(w.points.size()));
    if (inserted)
      w.points.push_back({mesh.vertices[i][0], mesh.vertices[i][1], mesh.vertices[i][2]});
    remap[i] = it->second;
  }
  w.triangles.reserve(mesh.triangles.size());
  for (const auto& t : mesh.triangles) {
    if (t[0] >= remap.size() || t[1] >= remap.size() || t[2] >= remap.size()) {
      ++w.degenerate;
      continue;
    }
    Tri r{remap[t[0]], remap[t[1]], remap[t[2]]};
    if (r[0] == r[1] || r[1] == r[2] || r[2] == r[0]) {
      ++w.degenerate;
      continue;
    }
    w.triangles.push_back(r);
  }
  return w;
}

std::uint64_t edge_key(std::uint32_t a, std::uint32_t b) {
  return (static_cast<std::uint64_t>(std::min(a, b)) << 32) | std::max(a, b);
}

// Per undirected edge: how many triangles run lo->hi and hi->lo, and one of them.
struct EdgeUse {
  std::uint64_t key;
  int forward = 0, backward = 0;
};

// Sorted list of the undirected edges with their uses.
std::vector<EdgeUse> edge_uses(const std::vector<Tri>& triangles) {
  std::vector<std::pair<std::uint64_t, bool>> all;
  all.reserve(triangles.size() * 3);
  for (const auto& t : triangles)
    for (int k = 0; k < 3; ++k) {
      std::uint32_t a = t[k], b = t[(k + 1) % 3];
      all.emplace_back(edge_key(a, b), a < b);
    }
  std::sort(all.begin(), all.end());
  std::vector<EdgeUse> uses;
  for (const auto& [key, fwd] : all) {
    if (uses.empty() || uses.back().key != key) uses.push_back({key});
    (fwd ? uses.back().forward : uses.back().backward)++;
  }
  return uses;
}

MeshClosure census(const Welded& w) {
  MeshClosure c;
  c.degenerate_triangles = w.degenerate;
  for (const auto& u : edge_uses(w.triangles)) {
    int n = u.forward + u.backward;
    if (n == 1)
      ++c.boundary_edges;
    else if (n > 2)
      ++c.nonmanifold_edges;
    else if (u.forward != 1)
      ++c.misoriented_edges;
  }
  return c;
}

Point sub(const Point& a, const Point& b) {
  return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}
Point cross(const Point& a, const Point& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double dot(const Point& a, const Point& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

// Six times the signed volume enclosed by the triangles, relative to `ref`.
double six_volume(const Welded& w, const std::vector<std::uint32_t>& tris, const Point& ref) {
  double v = 0;
  for (auto i : tris) {
    const Tri& t = w.triangles[i];
    v += dot(sub(w.points[t[0]], ref), cross(sub(w.points[t[1]], ref), sub(w.points[t[2]], ref)));
  }
  return v;
}

// Connected components of triangles sharing an edge (union-find), each sorted.
std::vector<std::vector<std::uint32_t>> components(const Welded& w) {
  std::vector<std::uint32_t> parent(w.triangles.size());
  std::iota(parent.begin(), parent.end(), 0u);
  auto find = [&](std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  std::vector<std::pair<std::uint64_t, std::uint32_t>> edges;
  edges.reserve(w.triangles.size() * 3);
  for (std::uint32_t i = 0; i < w.triangles.size(); ++i)
    for (int k = 0; k < 3; ++k)
      edges.emplace_back(edge_key(w.triangles[i][k], w.triangles[i][(k + 1) % 3]), i);
  std::sort(edges.begin(), edges.end());
  for (std::size_t i = 1; i < edges.size(); ++i)
    if (edges[i].first == edges[i - 1].first) {
      auto a = find(edges[i].second), b = find(edges[i - 1].second);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  std::unordered_map<std::uint32_t, std::size_t> slot;
  std::vector<std::vector<std::uint32_t>> out;
  for (std::uint32_t i = 0; i < w.triangles.size(); ++i) {
    auto [it, inserted] = slot.emplace(find(i), out.size());
    if (inserted) out.emplace_back();
    out[it->second].push_back(i);
  }
  return out;
}

// Builds faces for the triangles of one component into a closed shell.
class ShellBuilder {
 public:
  explicit ShellBuilder(const Welded& w) : w_(w), vertices_(w.points.size()) {}

  TopoDS_Shell shell(const std::vector<std::uint32_t>& tris, bool flip, std::size_t* skipped) {
    TopoDS_Shell sh;
    b_.MakeShell(sh);
    for (auto i : tris) {
      Tri t = w_.triangles[i];
      if (flip) std::swap(t[1], t[2]);
      TopoDS_Face f;
      if (face(t, f))
        b_.Add(sh, f);
      else
        ++*skipped;
    }
    sh.Closed(true);
    return sh;
  }

 private:
  const TopoDS_Vertex& vertex(std::uint32_t i) {
    if (vertices_[i].IsNull()) {
      const Point& p = w_.points[i];
      b_.MakeVertex(vertices_[i], gp_Pnt(p[0], p[1], p[2]), Precision::Confusion());
    }
    return vertices_[i];
  }

  // The edge lo->hi (lo < hi), made on first use.
  const TopoDS_Edge& edge(std::uint32_t lo, std::uint32_t hi) {
    auto [it, inserted] = edges_.try_emplace(edge_key(lo, hi));
    if (inserted) {
      const Point &p = w_.points[lo], &q = w_.points[hi];
      Point d = sub(q, p);
      double len = std::sqrt(dot(d, d));
      Handle(Geom_Line) line =
          new Geom_Line(gp_Pnt(p[0], p[1], p[2]), gp_Dir(d[0] / len, d[1] / len, d[2] / len));
      TopoDS_Edge& e = it->second;
      double tol = Precision::Confusion();
      b_.MakeEdge(e, line, tol);
      TopoDS_Vertex v1 = vertex(lo), v2 = vertex(hi);
      v1.Orientation(TopAbs_FORWARD);
      v2.Orientation(TopAbs_REVERSED);
      b_.Add(e, v1);
      b_.Add(e, v2);
      b_.UpdateVertex(v1, 0.0, e, tol);
      b_.UpdateVertex(v2, len, e, tol);
      b_.Range(e, 0.0, len);
    }
    return it->second;
  }

  bool face(const Tri& t, TopoDS_Face& f) {
    const Point &a = w_.points[t[0]], &b = w_.points[t[1]], &c = w_.points[t[2]];
    Point u = sub(b, a), n = cross(u, sub(c, a));
    double nl = std::sqrt(dot(n, n)), ul = std::sqrt(dot(u, u));
    if (!(nl > 1e-14 * ul * ul) || !(ul > 0)) return false;  // collinear corners: no plane
    gp_Pln pln(gp_Ax3(gp_Pnt(a[0], a[1], a[2]), gp_Dir(n[0] / nl, n[1] / nl, n[2] / nl),
                      gp_Dir(u[0] / ul, u[1] / ul, u[2] / ul)));
    Handle(Geom_Plane) plane = new Geom_Plane(pln);
    double tol = Precision::Confusion();
    b_.MakeFace(f, plane, tol);
    TopoDS_Wire wire;
    b_.MakeWire(wire);
    for (int k = 0; k < 3; ++k) {
      std::uint32_t from = t[k], to = t[(k + 1) % 3];
      TopoDS_Edge e = edge(std::min(from, to), std::max(from, to));
      // pcurve of the edge lo->hi on this plane: the same parametrisation (0..len).
      const Point &p = w_.points[std::min(from, to)], &q = w_.points[std::max(from, to)];
      double u0, v0, u1, v1;
      ElSLib::Parameters(pln, gp_Pnt(p[0], p[1], p[2]), u0, v0);
      ElSLib::Parameters(pln, gp_Pnt(q[0], q[1], q[2]), u1, v1);
      gp_Vec2d d(u1 - u0, v1 - v0);
      if (d.Magnitude() <= 0) return false;
      Handle(Geom2d_Line) pc = new Geom2d_Line(gp_Pnt2d(u0, v0), gp_Dir2d(d));
      b_.UpdateEdge(e, pc, f, tol);
      e.Orientation(from < to ? TopAbs_FORWARD : TopAbs_REVERSED);
      b_.Add(wire, e);
    }
    wire.Closed(true);
    b_.Add(f, wire);
    return true;
  }

  const Welded& w_;
  BRep_Builder b_;
  std::vector<TopoDS_Vertex> vertices_;
  std::unordered_map<std::uint64_t, TopoDS_Edge> edges_;
};

std::optional<TopoDS_Shape> fail(std::string* why, std::string reason) {
  if (why) *why = std::move(reason);
  return std::nullopt;
}

}  // namespace

std::string MeshClosure::describe() const {
  if (closed()) return "closed";
  std::string s;
  auto add = [&](std::size_t n, const char* what) {
    if (n == 0) return;
    if (!s.empty()) s += ", ";
    s += std::to_string(n) + " " + what;
  };
  add(boundary_edges, "boundary edges");
  add(nonmanifold_edges, "non-manifold edges");
  add(misoriented_edges, "inconsistently oriented edges");
  return s;
}

MeshClosure check_closure(const Mesh& mesh) {
  return census(weld(mesh));
}

bool is_closed(const Mesh& mesh) {
  return !mesh.empty() && check_closure(mesh).closed();
}

std::optional<TopoDS_Shape> mesh_to_solid(const Mesh& mesh, std::string* why) {
  Welded w = weld(mesh);
  if (w.triangles.empty()) return fail(why, "mesh has no triangles");
  MeshClosure c = census(w);
  if (!c.closed()) return fail(why, "mesh is not closed: " + c.describe());

  auto comps = components(w);
  Point ref{0, 0, 0};
  for (const auto& p : w.points)
    for (int k = 0; k < 3; ++k) ref[k] += p[k] / static_cast<double>(w.points.size());
  double total = 0;
  std::vector<double> volumes;
  for (const auto& comp : comps) volumes.push_back(six_volume(w, comp, ref) / 6);
  for (double v : volumes) total += v;
  if (!(std::fabs(total) > 0)) return fail(why, "mesh encloses no volume");
  bool flip = total < 0;  // the whole mesh is inside out

  try {
    ShellBuilder builder(w);
    BRep_Builder b;
    std::size_t skipped = 0;
    // Outer shells (positive volume once flipped) become solids; inner shells (voids) go
    // into the smallest outer one whose bounding box holds them.
    struct Part {
      TopoDS_Solid solid;
      Point lo, hi;
      double volume;
    };
    std::vector<Part> parts;
    std::vector<std::tuple<TopoDS_Shell, Point, Point>> voids;
    for (std::size_t i = 0; i < comps.size(); ++i) {
      double v = flip ? -volumes[i] : volumes[i];
      TopoDS_Shell sh = builder.shell(comps[i], flip, &skipped);
      Point lo = w.points[w.triangles[comps[i][0]][0]], hi = lo;
      for (auto t : comps[i])
        for (auto vi : w.triangles[t])
          for (int k = 0; k < 3; ++k) {
            lo[k] = std::min(lo[k], w.points[vi][k]);
            hi[k] = std::max(hi[k], w.points[vi][k]);
          }
      if (v >= 0) {
        Part p{{}, lo, hi, v};
        b.MakeSolid(p.solid);
        b.Add(p.solid, sh);
        parts.push_back(p);
      } else {
        voids.emplace_back(sh, lo, hi);
      }
    }
    if (parts.empty()) return fail(why, "mesh has only inward-facing shells");
    for (auto& [sh, lo, hi] : voids) {
      Part* host = nullptr;
      for (auto& p : parts)
        if (p.lo[0] <= lo[0] && p.lo[1] <= lo[1] && p.lo[2] <= lo[2] && hi[0] <= p.hi[0] &&
            hi[1] <= p.hi[1] && hi[2] <= p.hi[2] && (!host || p.volume < host->volume))
          host = &p;
      if (!host) host = &parts.front();
      b.Add(host->solid, sh);
    }
    (void)skipped;  // zero-area triangles leave zero-width slits; volumes are unaffected
    if (parts.size() == 1) return TopoDS_Shape(parts.front().solid);
    TopoDS_Compound compound;
    b.MakeCompound(compound);
    for (auto& p : parts) b.Add(compound, p.solid);
    return TopoDS_Shape(compound);
  } catch (const Standard_Failure& e) {
    return fail(why, std::string("building the solid failed: ") + e.GetMessageString());
  }
}

}  // namespace cad::geom
