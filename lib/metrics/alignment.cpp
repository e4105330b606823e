// CAD-Coder's IoU_best: inertia-frame normalization, sign variants, best IoU over them.
#include "metrics/alignment.h"

#include <BRepBuilderAPI_Transform.hxx>
#include <BRepGProp.hxx>
#include <GProp_GProps.hxx>
#include <Standard_Failure.hxx>
#include <TopExp_Explorer.hxx>
#include <gp_Trsf.hxx>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "core/error.h"
#include "geom/mesh_solid.h"
#include "metrics/mesh_iou.h"

namespace cad::metrics {

namespace {

double det3(const Matrix3& r) {
  return r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
         r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
         r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
}

const int kSigns[8][3] = {{1, 1, 1},  {1, -1, -1}, {-1, 1, -1}, {-1, -1, 1},
                          {-1, 1, 1}, {1, -1, 1},  {1, 1, -1},  {-1, -1, -1}};

}  // namespace

MassProperties mass_properties(const TopoDS_Shape& shape) {
  if (shape.IsNull() || !TopExp_Explorer(shape, TopAbs_SOLID).More())
    throw cad::Error("mass properties: the shape has no solid");
  MassProperties out;
  try {
    GProp_GProps props;
    BRepGProp::VolumeProperties(shape, props, true);
    out.volume = props.Mass();
    gp_Pnt c = props.CentreOfMass();
    out.center = {c.X(), c.Y(), c.Z()};
    gp_Mat m = props.MatrixOfInertia();
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) out.inertia[i][j] = m.Value(i + 1, j + 1);
  } catch (const Standard_Failure& e) {
    throw cad::Error(std::string("mass properties failed: ") + e.GetMessageString());
  }
  if (!(out.volume > 0)) throw cad::Error("mass properties: the shape has no volume");
  return out;
}

MassProperties mass_properties(const geom::Mesh& mesh) {
  // Tetrahedra (r, a, b, c) relative to r = the vertex centroid: with d = a . (b x c),
  // vol = d/6, ∫x_i = d/24 Σ_k v_ki, ∫x_i x_j = d/120 (Σ_k v_ki v_kj + Σ_k v_ki Σ_k v_kj).
  std::array<double, 3> ref{0, 0, 0};
  for (const auto& v : mesh.vertices)
    for (int k = 0; k < 3; ++k) ref[k] += v[k];
  if (!mesh.vertices.empty())
    for (double& r : ref) r /= static_cast<double>(mesh.vertices.size());
  double vol = 0, first[3] = {0, 0, 0}, second[3][3] = {};
  for (const auto& t : mesh.triangles) {
    if (t[0] >= mesh.vertices.size() || t[1] >= mesh.vertices.size() ||
        t[2] >= mesh.vertices.size())
      continue;
    double p[3][3];
    for (int k = 0; k < 3; ++k)
      for (int i = 0; i < 3; ++i) p[k][i] = mesh.vertices[t[k]][i] - ref[i];
    double d = p[0][0] * (p[1][1] * p[2][2] - p[1][2] * p[2][1]) -
               p[0][1] * (p[1][0] * p[2][2] - p[1][2] * p[2][0]) +
               p[0][2] * (p[1][0] * p[2][1] - p[1][1] * p[2][0]);
    vol += d / 6;
    double sum[3];
    for (int i = 0; i < 3; ++i) {
      sum[i] = p[0][i] + p[1][i] + p[2][i];
      first[i] += d / 24 * sum[i];
    }
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        second[i][j] +=
            d / 120 * (p[0][i] * p[0][j] + p[1][i] * p[1][j] + p[2][i] * p[2][j] + sum[i] * sum[j]);
  }
  if (vol < 0) {  // inside out: every integral changes sign
    vol = -vol;
    for (auto& f : first) f = -f;
    for (auto& row : second)
      for (auto& s : row) s = -s;
  }
  if (!(vol > 0)) throw cad::Error("mass properties: the mesh encloses no volume");
  MassProperties out;
  out.volume = vol;
  double c[3];
  for (int i = 0; i < 3; ++i) {
    c[i] = first[i] / vol;
    out.center[i] = ref[i] + c[i];
  }
  double central[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) central[i][j] = second[i][j] - vol * c[i] * c[j];
  double trace = central[0][0] + central[1][1] + central[2][2];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) out.inertia[i][j] = (i == j ? trace : 0) - central[i][j];
  return out;
}

SymmetricEigen symmetric_eigen(const Matrix3& m) {
  Matrix3 a = m, v{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  for (int i = 0; i < 3; ++i)
    for (int j = i + 1; j < 3; ++j) a[i][j] = a[j][i] = 0.5 * (m[i][j] + m[j][i]);
  for (int sweep = 0; sweep < 64; ++sweep) {
    double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
    double diag = a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2];
    if (off <= 1e-32 * diag || off == 0) break;
    for (int p = 0; p < 2; ++p)
      for (int q = p + 1; q < 3; ++q) {
        if (a[p][q] == 0) continue;
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        double c = 1 / std::sqrt(t * t + 1), s = t * c;
        // a <- J^T a J and v <- v J, J the rotation in the (p, q) plane.
        for (int k = 0; k < 3; ++k) {
          double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < 3; ++k) {
          double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < 3; ++k) {
          double vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
  }
  int order[3] = {0, 1, 2};
  std::stable_sort(order, order + 3, [&](int x, int y) { return a[x][x] < a[y][y]; });
  SymmetricEigen out;
  for (int k = 0; k < 3; ++k) {
    out.values[k] = a[order[k]][order[k]];
    for (int i = 0; i < 3; ++i) out.vectors[i][k] = v[i][order[k]];
  }
  if (det3(out.vectors) < 0)
    for (int i = 0; i < 3; ++i) out.vectors[i][2] = -out.vectors[i][2];
  return out;
}

geom::Similarity inertia_frame(const MassProperties& props) {
  SymmetricEigen e = symmetric_eigen(props.inertia);
  double sum = std::fabs(e.values[0]) + std::fabs(e.values[1]) + std::fabs(e.values[2]);
  double s = std::sqrt(sum / props.volume);
  if (!(s > 0) || !std::isfinite(s)) throw cad::Error("inertia frame: degenerate inertia tensor");
  geom::Similarity f;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) f.rotation[i][j] = e.vectors[j][i];
  f.scale = 1 / s;
  for (int i = 0; i < 3; ++i) {
    double r = 0;
    for (int j = 0; j < 3; ++j) r += f.rotation[i][j] * props.center[j];
    f.translation[i] = -r / s;
  }
  return f;
}

geom::Similarity inertia_frame(const TopoDS_Shape& shape) {
  return inertia_frame(mass_properties(shape));
}

geom::Similarity inertia_frame(const geom::Mesh& mesh) {
  return inertia_frame(mass_properties(mesh));
}

std::vector<geom::Similarity> sign_variants(const geom::Similarity& frame, bool reflections) {
  std::vector<geom::Similarity> out;
  for (int v = 0; v < (reflections ? 8 : 4); ++v) {
    geom::Similarity s = frame;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) s.rotation[i][j] *= kSigns[v][i];
      s.translation[i] *= kSigns[v][i];
    }
    out.push_back(s);
  }
  return out;
}

TopoDS_Shape transformed_solid(const TopoDS_Shape& shape, const geom::Similarity& s) {
  try {
    const auto& r = s.rotation;
    double k = s.scale;
    gp_Trsf t;
    t.SetValues(k * r[0][0], k * r[0][1], k * r[0][2], s.translation[0],  //
                k * r[1][0], k * r[1][1], k * r[1][2], s.translation[1],  //
                k * r[2][0], k * r[2][1], k * r[2][2], s.translation[2]);
    BRepBuilderAPI_Transform op(shape, t, true);
    if (!op.IsDone()) throw cad::Error("transforming a solid failed");
    return op.Shape();
  } catch (const Standard_Failure& e) {
    throw cad::Error(std::string("transforming a solid failed: ") + e.GetMessageString());
  }
}

namespace {

// The largest IoU over the sign variants of the prediction's frame; `iou_of(variant)` scores
// the prediction moved by one variant against the aligned truth.
template <typename IouOf>
IouResult best_over_variants(const std::vector<geom::Similarity>& variants, IouOf iou_of) {
  IouResult best;
  int best_k = -1;
  std::string failures;
  for (std::size_t k = 0; k < variants.size(); ++k) {
    IouResult r;
    try {
      r = iou_of(variants[k]);
    } catch (const cad::Error& e) {
      failures += (failures.empty() ? "" : "; ") + std::string("variant ") + std::to_string(k + 1) +
                  ": " + e.what();
      continue;
    }
    if (best_k < 0 || r.iou > best.iou) {
      best = r;
      best_k = static_cast<int>(k);
    }
  }
  std::string note =
      best_k < 0 ? "all variants failed (IoU 0)"
                 : "variant " + std::to_string(best_k + 1) + "/" + std::to_string(variants.size());
  if (!best.note.empty()) note += "; " + best.note;
  if (!failures.empty()) note += "; " + failures;
  best.note = note;
  return best;
}

// The mesh backend: the prediction is meshed once in its own frame and each variant moves the
// prepared mesh (no new tessellation, no new repair). Variants are screened first: each gets a
// voxel estimate (32 cells per axis, about a millisecond), they are scored exactly from the best
// estimate down, and a variant whose estimate is more than kScreenMargin below the best exact IoU
// so far is not corefined (a wrong flip of an asymmetric part scores far below the right one; the
// flips of a symmetric part are all within the margin and all corefined).
constexpr double kScreenMargin = 0.1;
constexpr int kScreenResolution = 32;

IouResult best_of_meshes(const geom::Mesh& prediction,
                         const std::vector<geom::Similarity>& variants,
                         const geom::Mesh& truth_aligned, const IouBestOptions& options,
                         double deflection) {
  VolumeMesh tv(truth_aligned);
  std::vector<geom::Mesh> moved;
  std::vector<double> estimate;
  for (const auto& v : variants) {
    moved.push_back(geom::transformed(prediction, v));
    double e = 1;  // unknown: scored exactly
    try {
      e = voxel_iou(moved.back(), truth_aligned, kScreenResolution);
    } catch (const cad::Error&) {
    }
    estimate.push_back(e);
  }
  std::vector<std::size_t> order(variants.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return estimate[a] > estimate[b]; });
  // Exact scores (or the error) of the variants that are not screened out.
  std::vector<std::optional<IouResult>> scored(variants.size());
  std::vector<std::string> errors(variants.size());
  double best_so_far = -1;
  std::size_t screened = 0;
  for (std::size_t k : order) {
    if (best_so_far >= 0 && estimate[k] < best_so_far - kScreenMargin) {
      ++screened;
      continue;
    }
    try {
      scored[k] = iou(VolumeMesh(moved[k]), tv, moved[k], truth_aligned, options.iou);
      best_so_far = std::max(best_so_far, scored[k]->iou);
    } catch (const cad::Error& e) {
      errors[k] = e.what();
    }
  }
  // The common bookkeeping, in variant order (the first variant wins ties); a screened variant
  // counts below its estimate minus the margin, so it never wins.
  IouResult best = best_over_variants(variants, [&](const geom::Similarity& v) {
    const auto k = static_cast<std::size_t>(&v - variants.data());
    if (!errors[k].empty()) throw cad::Error(errors[k]);
    if (!scored[k]) return IouResult{-1, "voxel", "screened out"};
    return *scored[k];
  });
  best.mesh_tolerance = deflection;
  if (screened)
    best.note += "; " + std::to_string(screened) + " of " + std::to_string(variants.size()) +
                 " variants screened out (voxel estimate more than 0.1 below the best)";
  return best;
}

bool mesh_backend(const IouBestOptions& options, bool truth_is_mesh) {
  return options.iou.backend == IouBackend::Mesh ||
         (options.iou.backend == IouBackend::Auto && truth_is_mesh);
}

}  // namespace

IouResult iou_best(const TopoDS_Shape& prediction, const TopoDS_Shape& truth,
                   const IouBestOptions& options) {
  auto variants = sign_variants(inertia_frame(prediction), options.reflections);
  const geom::Similarity truth_frame = inertia_frame(truth);
  if (mesh_backend(options, false)) {
    double dp = 0, dt = 0;
    geom::Mesh pm = solid_mesh(prediction, options.iou, &dp);
    geom::Mesh tm = geom::transformed(solid_mesh(truth, options.iou, &dt), truth_frame);
    return best_of_meshes(pm, variants, tm, options, std::max(dp, dt));
  }
  TopoDS_Shape t = transformed_solid(truth, truth_frame);
  return best_over_variants(variants, [&](const geom::Similarity& v) {
    return iou(transformed_solid(prediction, v), t, options.iou);
  });
}

IouResult iou_best(const TopoDS_Shape& prediction, const geom::Mesh& truth,
                   const IouBestOptions& options) {
  auto variants = sign_variants(inertia_frame(prediction), options.reflections);
  geom::Mesh t = geom::transformed(truth, inertia_frame(truth));
  if (mesh_backend(options, true)) {
    double d = 0;
    geom::Mesh pm = solid_mesh(prediction, options.iou, &d);
    return best_of_meshes(pm, variants, t, options, d);
  }
  return best_over_variants(variants, [&](const geom::Similarity& v) {
    return iou(transformed_solid(prediction, v), t, options.iou);
  });
}

IouResult iou_best(const geom::Mesh& prediction, const geom::Mesh& truth,
                   const IouBestOptions& options) {
  auto variants = sign_variants(inertia_frame(prediction), options.reflections);
  geom::Mesh t = geom::transformed(truth, inertia_frame(truth));
  if (options.iou.backend == IouBackend::Occt) {
    std::string why;
    auto solid = geom::mesh_to_solid(prediction, &why);
    if (!solid) throw cad::Error("IoU_best: the prediction mesh is not a solid: " + why);
    return best_over_variants(variants, [&](const geom::Similarity& v) {
      return iou(transformed_solid(*solid, v), t, options.iou);
    });
  }
  return best_of_meshes(prediction, variants, t, options, 0);
}

}  // namespace cad::metrics
