// Volumetric IoU of solids and closed meshes: exact OCCT booleans with a voxel fallback.
#include "metrics/iou.h"

#include <BRepAdaptor_Surface.hxx>
#include <BRepAlgoAPI_Common.hxx>
#include <BRepBndLib.hxx>
#include <BRepBuilderAPI_Copy.hxx>
#include <BRepCheck_Analyzer.hxx>
#include <BRepGProp.hxx>
#include <BRepGProp_Domain.hxx>
#include <BRepGProp_Face.hxx>
#include <BRepGProp_Vinert.hxx>
#include <BRep_Tool.hxx>
#include <Bnd_Box.hxx>
#include <GProp_GProps.hxx>
#include <Poly_Triangulation.hxx>
#include <Standard_Failure.hxx>
#include <TopExp_Explorer.hxx>
#include <TopTools_ListOfShape.hxx>
#include <TopoDS.hxx>
#include <TopoDS_Face.hxx>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <sstream>

#include "core/error.h"
#include "geom/mesh_solid.h"

namespace cad::metrics {

namespace {

bool has_solid(const TopoDS_Shape& s) {
  return !s.IsNull() && TopExp_Explorer(s, TopAbs_SOLID).More();
}

// Volume of the closed shells of `s` (0 for a null shape).
double volume_of(const TopoDS_Shape& s) {
  if (s.IsNull()) return 0;
  GProp_GProps props;
  BRepGProp::VolumeProperties(s, props, true);
  return props.Mass();
}

double checked_volume(const TopoDS_Shape& s, const char* which) {
  if (!has_solid(s)) throw cad::Error(std::string("IoU: ") + which + " has no solid");
  double v;
  try {
    v = volume_of(s);
  } catch (const Standard_Failure& e) {
    throw cad::Error(std::string("IoU: measuring ") + which + " failed: " + e.GetMessageString());
  }
  if (!(v > 0)) throw cad::Error(std::string("IoU: ") + which + " has no volume");
  return v;
}

// One BRepAlgoAPI_Common: the IoU, or nullopt with the reason in `why`. `suspect` is set
// when OCCT warned about near-coincident geometry (bad positioning, acquired
// self-intersections, unsplittable edges): such results are often wrong without any error.
std::optional<double> boolean_iou(const TopoDS_Shape& a, double va, const TopoDS_Shape& b,
                                  double vb, double fuzzy, bool check_validity, std::string* why,
                                  bool* suspect) {
  *suspect = false;
  try {
    BRepAlgoAPI_Common op;
    TopTools_ListOfShape args, tools;
    args.Append(a);
    tools.Append(b);
    op.SetArguments(args);
    op.SetTools(tools);
    op.SetNonDestructive(true);  // the callers' shapes keep their tolerances
    op.SetRunParallel(false);
    if (fuzzy > 0) op.SetFuzzyValue(fuzzy);
    op.Build();
    if (op.HasErrors() || !op.IsDone()) {
      std::ostringstream s;
      op.DumpErrors(s);
      std::string msg = s.str();
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      for (char& c : msg)
        if (c == '\n') c = ' ';
      *why = "boolean common failed" + (msg.empty() ? std::string() : ": " + msg);
      return std::nullopt;
    }
    if (op.HasWarnings()) {
      std::ostringstream s;
      op.DumpWarnings(s);
      std::string w = s.str();
      *suspect = w.find("BadPositioning") != std::string::npos ||
                 w.find("AcquiredSelfIntersection") != std::string::npos ||
                 w.find("NotSplittableEdge") != std::string::npos;
    }
    TopoDS_Shape common = op.Shape();
    if (check_validity && !common.IsNull() && !BRepCheck_Analyzer(common).IsValid()) {
      *why = "boolean common is not a valid shape";
      return std::nullopt;
    }
    double vi = volume_of(common);
    double smaller = std::min(va, vb), larger = std::max(va, vb);
    // Coincident faces of near-identical solids merge within tolerance: the common may then
    // be the larger of the two.
    double slack = 1e-6 * smaller + (larger - smaller < 1e-4 * larger ? larger - smaller : 0);
    if (std::isfinite(vi) && vi > smaller + slack) {
      // Faces that coincide within the shapes' tolerance (a mesh made a solid keeps its float
      // coordinates) are merged by the boolean, which moves a volume by up to the tolerance
      // times the surface: that much is the tessellation's, not a broken boolean.
      double tolerance = 0;
      for (const TopoDS_Shape* s : {&a, &b})
        for (TopAbs_ShapeEnum kind : {TopAbs_VERTEX, TopAbs_EDGE, TopAbs_FACE})
          tolerance = std::max(tolerance, BRep_Tool::MaxTolerance(*s, kind));
      GProp_GProps pa, pb;
      BRepGProp::SurfaceProperties(a, pa);
      BRepGProp::SurfaceProperties(b, pb);
      slack += 2 * tolerance * std::min(pa.Mass(), pb.Mass());
    }
    if (vi < -1e-9 * smaller || vi > smaller + slack || !std::isfinite(vi)) {
      std::ostringstream s;
      s.precision(9);
      s << "boolean common volume " << vi << " is inconsistent with volumes " << va << ", " << vb;
      *why = s.str();
      return std::nullopt;
    }
    vi = std::clamp(vi, 0.0, smaller);
    return vi / (va + vb - vi);
  } catch (const Standard_Failure& e) {
    *why = std::string("boolean common threw: ") + e.GetMessageString();
    return std::nullopt;
  }
}

geom::Mesh mesh_of(const TopoDS_Shape& s, const IouOptions& options) {
  return geom::tessellate(s, options.mesh_deflection);
}

IouResult voxel_result(const geom::Mesh& a, const geom::Mesh& b, const IouOptions& options,
                       std::string note) {
  if (!options.voxel_fallback && options.backend != IouBackend::Voxel)
    throw cad::Error("IoU: " + note);
  IouResult r;
  std::string vnote;
  r.iou = voxel_iou(a, b, options.voxel_resolution, &vnote);
  r.backend = "voxel";
  r.note = note;
  if (!vnote.empty()) r.note += (r.note.empty() ? "" : "; ") + vnote;
  return r;
}

double diagonal(const TopoDS_Shape& a, const TopoDS_Shape& b) {
  Bnd_Box box;
  BRepBndLib::Add(a, box);
  BRepBndLib::Add(b, box);
  return box.IsVoid() ? 0 : std::sqrt(box.SquareExtent());
}

// The boolean policy shared by every overload: a clean boolean is taken as it is; a
// suspect one is checked against the voxel estimate, then retried with a fuzzy value
// (checked the same way); otherwise the voxel estimate is the answer.
template <typename MeshA, typename MeshB>
IouResult solve(const TopoDS_Shape& a, double va, const TopoDS_Shape& b, double vb,
                const IouOptions& options, MeshA mesh_a, MeshB mesh_b) {
  std::string why;
  bool suspect = false;
  auto exact = boolean_iou(a, va, b, vb, 0, options.check_validity, &why, &suspect);
  if (exact && !suspect) return {*exact, "occt", ""};
  if (!options.voxel_fallback) {
    if (exact) return {*exact, "occt", "OCCT warned about near-coincident geometry"};
    throw cad::Error("IoU: " + why);
  }
  geom::Mesh ma = mesh_a(), mb = mesh_b();
  std::string vnote;
  double estimate = voxel_iou(ma, mb, options.voxel_resolution, &vnote);
  const double tolerance = options.verify_tolerance;
  if (exact && std::fabs(*exact - estimate) <= tolerance)
    return {*exact, "occt", "verified against voxels after OCCT warnings"};
  if (exact) {
    std::ostringstream s;
    s << "boolean IoU " << *exact << " disagrees with the voxel estimate after OCCT warnings";
    why = s.str();
  }
  if (options.fuzzy != 0) {
    double fuzzy = options.fuzzy > 0 ? options.fuzzy : -options.fuzzy * diagonal(a, b);
    std::string why2;
    auto retry = boolean_iou(a, va, b, vb, fuzzy, options.check_validity, &why2, &suspect);
    if (retry && std::fabs(*retry - estimate) <= tolerance)
      return {*retry, "occt", why + "; fuzzy boolean agrees with voxels"};
  }
  IouResult r{estimate, "voxel", why};
  if (!vnote.empty()) r.note += "; " + vnote;
  return r;
}

}  // namespace

namespace {

// ---- voxels -------------------------------------------------------------------------

using P2 = std::array<double, 2>;

// Sign of the edge function of (p, q) at r, r perturbed by (e, e^2) when it lies on the
// line (simulation of simplicity). Computed on the lexicographically ordered endpoints so
// that the two triangles sharing an edge get exactly opposite answers.
int edge_sign(const P2& p, const P2& q, const P2& r) {
  bool swap = q < p;
  const P2& a = swap ? q : p;
  const P2& b = swap ? p : q;
  double du = b[0] - a[0], dv = b[1] - a[1];
  double e = du * (r[1] - a[1]) - dv * (r[0] - a[0]);
  int s = e > 0 ? 1 : e < 0 ? -1 : (dv != 0 ? (dv > 0 ? -1 : 1) : (du > 0 ? 1 : du < 0 ? -1 : 0));
  return swap ? -s : s;
}

struct Grid {
  double lo[3];
  double h[3];
  int n[3];
  double centre(int axis, int i) const { return lo[axis] + (i + 0.5) * h[axis]; }
};

struct Crossing {
  double x;
  int sign;
  bool operator<(const Crossing& o) const { return x < o.x || (x == o.x && sign < o.sign); }
};

// Crossings of the +X rays through the (y, z) cell centres with the triangles of `m`,
// one list per row (row = j + n[1] * k).
std::vector<std::vector<Crossing>> crossings(const geom::Mesh& m, const Grid& g) {
  std::vector<std::vector<Crossing>> rows(static_cast<std::size_t>(g.n[1]) * g.n[2]);
  for (const auto& t : m.triangles) {
    if (t[0] >= m.vertices.size() || t[1] >= m.vertices.size() || t[2] >= m.vertices.size())
      continue;
    const auto &A = m.vertices[t[0]], &B = m.vertices[t[1]], &C = m.vertices[t[2]];
    P2 a{A[1], A[2]}, b{B[1], B[2]}, c{C[1], C[2]};
    double ymin = std::min({a[0], b[0], c[0]}), ymax = std::max({a[0], b[0], c[0]});
    double zmin = std::min({a[1], b[1], c[1]}), zmax = std::max({a[1], b[1], c[1]});
    int j0 = std::max(0, static_cast<int>(std::ceil((ymin - g.lo[1]) / g.h[1] - 0.5)));
    int j1 = std::min(g.n[1] - 1, static_cast<int>(std::floor((ymax - g.lo[1]) / g.h[1] - 0.5)));
    int k0 = std::max(0, static_cast<int>(std::ceil((zmin - g.lo[2]) / g.h[2] - 0.5)));
    int k1 = std::min(g.n[2] - 1, static_cast<int>(std::floor((zmax - g.lo[2]) / g.h[2] - 0.5)));
    if (j0 > j1 || k0 > k1) continue;
    // Plane: n . (x - A) = 0, solved for x; nx != 0 whenever a ray can hit the triangle.
    double ux = double(B[0]) - A[0], uy = double(B[1]) - A[1], uz = double(B[2]) - A[2];
    double vx = double(C[0]) - A[0], vy = double(C[1]) - A[1], vz = double(C[2]) - A[2];
    double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    if (nx == 0) continue;
    for (int k = k0; k <= k1; ++k)
      for (int j = j0; j <= j1; ++j) {
        P2 r{g.centre(1, j), g.centre(2, k)};
        int s0 = edge_sign(a, b, r), s1 = edge_sign(b, c, r), s2 = edge_sign(c, a, r);
        if (s0 == 0 || s0 != s1 || s1 != s2) continue;
        double x = A[0] - (ny * (r[0] - A[1]) + nz * (r[1] - A[2])) / nx;
        rows[static_cast<std::size_t>(j) + static_cast<std::size_t>(g.n[1]) * k].push_back({x, s0});
      }
  }
  return rows;
}

// Inside flags of the cells of one row; returns false when the crossings do not cancel.
bool fill_row(std::vector<Crossing>& row, const Grid& g, std::vector<std::uint8_t>& inside) {
  std::fill(inside.begin(), inside.end(), 0);
  if (row.empty()) return true;
  std::sort(row.begin(), row.end());
  int total = 0;
  for (const auto& c : row) total += c.sign;
  std::size_t next = 0;
  int winding = 0;
  for (int i = 0; i < g.n[0]; ++i) {
    double x = g.centre(0, i);
    while (next < row.size() && row[next].x < x) winding += row[next++].sign;
    // Consistent rows: winding from the left == winding from the right (total - winding).
    bool in = total == 0 ? winding != 0 : (winding != 0 && total - winding != 0);
    inside[i] = in ? 1 : 0;
  }
  return total == 0;
}

}  // namespace

double voxel_iou(const geom::Mesh& a, const geom::Mesh& b, int resolution, std::string* note) {
  if (resolution < 1) throw cad::Error("voxel IoU: resolution must be at least 1");
  double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
  for (const geom::Mesh* m : {&a, &b})
    for (const auto& t : m->triangles)
      for (auto vi : t)
        if (vi < m->vertices.size())
          for (int k = 0; k < 3; ++k) {
            lo[k] = std::min(lo[k], double(m->vertices[vi][k]));
            hi[k] = std::max(hi[k], double(m->vertices[vi][k]));
          }
  if (!(hi[0] >= lo[0])) throw cad::Error("voxel IoU: both meshes are empty");
  Grid g;
  for (int k = 0; k < 3; ++k) {
    // Every axis gets `resolution` cells: DeepCAD's thin plates stay resolved across.
    g.n[k] = resolution;
    g.h[k] = (hi[k] - lo[k]) / resolution;
    g.lo[k] = lo[k];
    if (!(g.h[k] > 0)) throw cad::Error("voxel IoU: the meshes are flat");
  }
  auto ra = crossings(a, g), rb = crossings(b, g);
  std::vector<std::uint8_t> ia(g.n[0]), ib(g.n[0]);
  std::uint64_t inter = 0, uni = 0;
  std::size_t bad_a = 0, bad_b = 0;
  for (std::size_t r = 0; r < ra.size(); ++r) {
    if (ra[r].empty() && rb[r].empty()) continue;
    bad_a += !fill_row(ra[r], g, ia);
    bad_b += !fill_row(rb[r], g, ib);
    for (int i = 0; i < g.n[0]; ++i) {
      inter += ia[i] & ib[i];
      uni += ia[i] | ib[i];
    }
  }
  if (note) {
    note->clear();
    if (bad_a || bad_b)
      *note = "voxel rays crossing holes: " + std::to_string(bad_a) + " rows in the first mesh, " +
              std::to_string(bad_b) + " in the second";
  }
  return uni == 0 ? 0.0 : static_cast<double>(inter) / static_cast<double>(uni);
}

std::string to_string(IouBackend backend) {
  switch (backend) {
    case IouBackend::Auto:
      return "auto";
    case IouBackend::Occt:
      return "occt";
    case IouBackend::Mesh:
      return "mesh";
    case IouBackend::Voxel:
      return "voxel";
  }
  return "auto";
}

IouBackend parse_iou_backend(const std::string& name) {
  for (IouBackend b : {IouBackend::Auto, IouBackend::Occt, IouBackend::Mesh, IouBackend::Voxel})
    if (to_string(b) == name) return b;
  throw cad::UsageError("--iou-backend: unknown backend '" + name + "' (auto, occt, mesh, voxel)");
}

namespace {

// The volume between the curved faces of `shape` and their triangulations (stored in the shape
// by BRepMesh): per face, the divergence integral of the exact surface (BRepGProp_Vinert over
// the trimmed face, about `origin`) against the same integral over its triangles; the sum of
// the absolute differences. A face of one curvature sign lies on one side of its chords, so
// this is the volume the two solids differ by, which cancelling signs (a hole's chords adding
// what the outer wall's remove) would hide from a comparison of total volumes.
double chord_volume(const TopoDS_Shape& shape, const gp_Pnt& origin) {
  double total = 0;
  for (TopExp_Explorer ex(shape, TopAbs_FACE); ex.More(); ex.Next()) {
    const TopoDS_Face& face = TopoDS::Face(ex.Current());
    if (BRepAdaptor_Surface(face, false).GetType() == GeomAbs_Plane) continue;  // exact
    TopLoc_Location loc;
    Handle(Poly_Triangulation) tri = BRep_Tool::Triangulation(face, loc);
    if (tri.IsNull()) continue;
    BRepGProp_Face bf(face);
    BRepGProp_Domain bd(face);
    BRepGProp_Vinert exact(bf, bd, origin);
    const gp_Trsf& trsf = loc.Transformation();
    const bool reversed = face.Orientation() == TopAbs_REVERSED;
    double mesh = 0;
    for (int i = 1; i <= tri->NbTriangles(); ++i) {
      int a, b, c;
      tri->Triangle(i).Get(a, b, c);
      if (reversed) std::swap(b, c);
      const gp_XYZ p = tri->Node(a).Transformed(trsf).XYZ() - origin.XYZ();
      const gp_XYZ q = tri->Node(b).Transformed(trsf).XYZ() - origin.XYZ();
      const gp_XYZ r = tri->Node(c).Transformed(trsf).XYZ() - origin.XYZ();
      mesh += p.Dot(q.Crossed(r)) / 6;
    }
    total += std::fabs(exact.Mass() - mesh);
  }
  return total;
}

}  // namespace

geom::Mesh solid_mesh(const TopoDS_Shape& shape, const IouOptions& options, double* deflection,
                      double* volume_error) {
  TopoDS_Shape copy;
  Bnd_Box box;
  double volume = 0;
  try {
    // copyGeom = true, copyMesh = false: a triangulation stored in the shape (coarser, from an
    // earlier tessellation) must not be reused.
    copy = BRepBuilderAPI_Copy(shape, true, false).Shape();
    BRepBndLib::Add(copy, box);
    volume = volume_of(copy);
  } catch (const Standard_Failure& e) {
    throw cad::Error(std::string("IoU: copying a solid to mesh it failed: ") +
                     e.GetMessageString());
  }
  if (box.IsVoid()) throw cad::Error("IoU: the solid is empty");
  double xmin, ymin, zmin, xmax, ymax, zmax;
  box.Get(xmin, ymin, zmin, xmax, ymax, zmax);
  const gp_Pnt centre((xmin + xmax) / 2, (ymin + ymax) / 2, (zmin + zmax) / 2);
  double d = std::max(1e-9, options.mesh_tolerance * std::sqrt(box.SquareExtent()));
  geom::Mesh mesh;
  double error = 0;
  for (int refinement = 0;; ++refinement) {
    mesh = geom::tessellate_watertight(copy, d, options.mesh_angle);
    error = volume > 0 ? chord_volume(copy, centre) / volume : 0;
    // The chord volume shrinks with the deflection: a quarter of it per step.
    if (!(error > options.mesh_volume_error) || refinement >= options.mesh_refinements) break;
    d /= 4;
  }
  if (deflection) *deflection = d;
  if (volume_error) *volume_error = error;
  return mesh;
}

IouResult iou(const VolumeMesh& a, const VolumeMesh& b, const geom::Mesh& mesh_a,
              const geom::Mesh& mesh_b, const IouOptions& options) {
  std::string repairs;
  auto name = [&repairs](const char* which, const VolumeMesh& m) {
    std::string d = m.repair().describe();
    if (!d.empty()) repairs += (repairs.empty() ? "" : "; ") + std::string(which) + ": " + d;
  };
  name("first mesh", a);
  name("second mesh", b);
  try {
    return {mesh_iou(a, b), "mesh", repairs};
  } catch (const cad::Error& e) {
    // The reason already names the mesh and its repair report.
    return voxel_result(mesh_a, mesh_b, options, e.what());
  }
}

namespace {

bool use_mesh(IouBackend b) {
  return b == IouBackend::Auto || b == IouBackend::Mesh;
}

IouResult mesh_pair(const geom::Mesh& a, const geom::Mesh& b, const IouOptions& options,
                    double deflection, double error) {
  IouResult r = iou(VolumeMesh(a), VolumeMesh(b), a, b, options);
  r.mesh_tolerance = deflection;
  r.mesh_error = error;
  return r;
}

}  // namespace

IouResult iou(const TopoDS_Shape& a, const TopoDS_Shape& b, const IouOptions& options) {
  double va = checked_volume(a, "first shape"), vb = checked_volume(b, "second shape");
  auto mesh_a = [&] { return mesh_of(a, options); };
  auto mesh_b = [&] { return mesh_of(b, options); };
  if (options.backend == IouBackend::Voxel) return voxel_result(mesh_a(), mesh_b(), options, "");
  if (options.backend == IouBackend::Mesh) {
    double da = 0, db = 0, ea = 0, eb = 0;
    geom::Mesh ma = solid_mesh(a, options, &da, &ea), mb = solid_mesh(b, options, &db, &eb);
    return mesh_pair(ma, mb, options, std::max(da, db), std::max(ea, eb));
  }
  return solve(a, va, b, vb, options, mesh_a, mesh_b);
}

IouResult iou(const TopoDS_Shape& solid, const geom::Mesh& mesh, const IouOptions& options) {
  double va = checked_volume(solid, "solid");
  auto mesh_a = [&] { return mesh_of(solid, options); };
  if (options.backend == IouBackend::Voxel) return voxel_result(mesh_a(), mesh, options, "");
  if (use_mesh(options.backend)) {
    double d = 0, e = 0;
    geom::Mesh ms = solid_mesh(solid, options, &d, &e);
    return mesh_pair(ms, mesh, options, d, e);
  }
  std::string why;
  auto ms = geom::mesh_to_solid(mesh, &why);
  if (!ms) return voxel_result(mesh_a(), mesh, options, "mesh as a solid: " + why);
  double vb = checked_volume(*ms, "mesh");
  return solve(solid, va, *ms, vb, options, mesh_a, [&] { return mesh; });
}

IouResult iou(const geom::Mesh& a, const geom::Mesh& b, const IouOptions& options) {
  if (options.backend == IouBackend::Voxel) return voxel_result(a, b, options, "");
  if (use_mesh(options.backend)) return mesh_pair(a, b, options, 0, 0);
  std::string wa, wb;
  auto sa = geom::mesh_to_solid(a, &wa);
  auto sb = geom::mesh_to_solid(b, &wb);
  if (!sa || !sb)
    return voxel_result(a, b, options,
                        sa ? "second mesh as a solid: " + wb : "first mesh as a solid: " + wa);
  double va = checked_volume(*sa, "first mesh"), vb = checked_volume(*sb, "second mesh");
  return solve(
      *sa, va, *sb, vb, options, [&] { return a; }, [&] { return b; });
}

}  // namespace cad::metrics
