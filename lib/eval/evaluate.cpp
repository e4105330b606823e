// Scoring predictions against ground truth: loading either side, per-pair metrics, summaries.
#include "eval/evaluate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/error.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "core/process_pool.h"
#include "core/progress.h"
#include "geom/mesh.h"
#include "geom/mesh_solid.h"
#include "geom/properties.h"
#include "geom/sampling.h"
#include "geom/shape_io.h"
#include "geom/similarity.h"
#include "metrics/alignment.h"
#include "metrics/chamfer.h"
#include "metrics/iou.h"
#include "metrics/mesh_iou.h"
#include "render/shading.h"

namespace cad::eval {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::set<std::string>& known_metrics() {
  static const std::set<std::string> m = {"cd",           "iou",   "iou_best",   "f1",
                                          "primitive_f1", "plane", "render_sim", "dims"};
  return m;
}

bool wants(const EvalOptions& o, const char* metric) {
  return std::find(o.metrics.begin(), o.metrics.end(), metric) != o.metrics.end();
}

json error_json(const std::string& type, const std::string& message) {
  return {{"type", type}, {"message", message}};
}

std::uint64_t fnv1a(const std::string& s, std::uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

/// One side of a pair, loaded: a solid and/or a surface mesh, plus what its execution said.
struct Loaded {
  std::string status = "ok";  // ok, exec_failed, invalid_input, no_geometry, unreadable
  json error;
  std::string exec_status;  // status of the cad-exec record when the side came from code
  bool valid = true;        // false: BRepCheck rejects the solid (scored anyway, as the peers do)
  TopoDS_Shape solid;       // null for mesh-only sides
  geom::Mesh mesh;          // the surface to sample (a solid's fine tessellation, or the file)
  bool closed = true;       // the mesh bounds a volume (always true for solids)
  std::string closure;      // what is wrong with a mesh that does not bound a volume
  json ops;
  json first_plane;
  geom::BoundingBox bbox;
};

std::string output_path(const json& outputs, std::initializer_list<const char*> formats) {
  for (const char* f : formats)
    if (outputs.contains(f) && outputs[f].is_string()) return outputs[f].get<std::string>();
  return "";
}

/// Whether a solid side needs its surface mesh: only the point-cloud metrics and the render
/// similarity read it (IoU meshes solids itself, at its own tolerance).
bool needs_surface(const EvalOptions& options) {
  return wants(options, "cd") || wants(options, "f1") || wants(options, "render_sim");
}

void finish_solid(Loaded& l, const EvalOptions& options) {
  geom::ShapeProperties p = geom::measure(l.solid);
  if (p.solids == 0) {
    l.status = "no_geometry";
    l.error = error_json("EmptyResult", "the shape holds no solid");
    return;
  }
  l.bbox = geom::shape_bbox(p);
  if (needs_surface(options)) l.mesh = geom::mesh_for_sampling(l.solid);
}

void finish_mesh(Loaded& l, const EvalOptions& options) {
  if (l.mesh.empty()) {
    l.status = "no_geometry";
    l.error = error_json("EmptyResult", "the mesh has no triangles");
    return;
  }
  l.bbox = geom::mesh_bbox(l.mesh);
  if (options.iou_backend == metrics::IouBackend::Occt) {
    geom::MeshClosure c = geom::check_closure(l.mesh);
    l.closed = c.closed();
    if (!l.closed) l.closure = c.describe();
    return;
  }
  // The mesh backend repairs what a benchmark mesh needs (welds, stitches, orients): a mesh
  // counts as open only when it still bounds no volume after that.
  if (geom::is_closed(l.mesh)) return;
  metrics::VolumeMesh v(l.mesh);
  l.closed = v.bounds_volume();
  if (!l.closed) l.closure = v.repair().describe();
}

/// Loads one record's geometry; never throws.
Loaded load(const json& rec, const EvalOptions& options) {
  Loaded l;
  try {
    if (rec.contains("ops")) l.ops = rec["ops"];
    if (rec.contains("first_plane")) l.first_plane = rec["first_plane"];
    if (rec.contains("code") && rec["code"].is_string()) {
      std::string id =
          rec.contains("id") && rec["id"].is_string() ? rec["id"].get<std::string>() : "";
      exec::Execution ex =
          exec::execute({id, rec.value("sample", json()), rec["code"]}, options.exec);
      l.exec_status = ex.record["status"];
      l.valid = ex.record.value("valid", true);
      l.ops = ex.record["ops"];
      l.first_plane = ex.record.value("first_plane", json());
      if (l.exec_status != "ok") {
        l.status = "exec_failed";
        l.error = ex.record["error"];
        return l;
      }
      l.solid = ex.shape;
      finish_solid(l, options);
    } else if (rec.contains("status") && rec["status"].is_string()) {  // a cad-exec record
      l.exec_status = rec["status"];
      l.valid = !rec.contains("valid") || !rec["valid"].is_boolean() || rec["valid"].get<bool>();
      if (l.exec_status == "ok" && !l.valid && options.exec.require_valid) {
        l.exec_status = "invalid_geometry";
        l.status = "exec_failed";
        l.error = error_json("InvalidGeometry",
                             "BRepCheck reports the result solid invalid (--require-valid)");
        return l;
      }
      if (l.exec_status != "ok") {
        l.status = "exec_failed";
        // Relayed as the one error object, whatever the producing tool wrote.
        const json e = rec.value("error", json());
        l.error =
            e.is_object() && e.contains("message")
                ? e
                : error_json(
                      "InputError",
                      "the input record's status is '" + l.exec_status + "'" +
                          (e.is_null() ? std::string()
                                       : ": " + (e.is_string() ? e.get<std::string>() : e.dump())));
        return l;
      }
      json outputs = rec.value("outputs", json::object());
      if (std::string p = output_path(outputs, {"step", "brep"}); !p.empty()) {
        l.solid = geom::read_shape(p);
        finish_solid(l, options);
      } else if (std::string m = output_path(outputs, {"stl", "ply", "obj"}); !m.empty()) {
        l.mesh = geom::read_mesh(m);
        finish_mesh(l, options);
      } else {
        l.status = "no_geometry";
        l.error = error_json("InputError",
                             "the cad-exec record names no solid or mesh file: run cad-exec with "
                             "--format step (or stl), or give cad-eval the code");
      }
    } else if (rec.contains("step") && rec["step"].is_string()) {
      l.solid = geom::read_shape(rec["step"]);
      finish_solid(l, options);
    } else if (rec.contains("mesh") && rec["mesh"].is_string()) {
      l.mesh = geom::read_mesh(rec["mesh"]);
      finish_mesh(l, options);
    } else {
      l.status = "invalid_input";
      l.error =
          error_json("InputError", "the record has none of code, step, mesh or a cad-exec status");
    }
  } catch (const std::exception& e) {
    l.status = "unreadable";
    l.error = error_json("InputError", e.what());
  }
  return l;
}

/// The ground truth of the last pairs, per process: the k samples of an id (cad-eval's
/// best-of-k, cad-rl's G rollouts of a prompt) load and execute their ground truth once. Keyed by
/// the record and what loading depends on; the shapes are only read afterwards (every metric
/// works on copies). A few dozen entries: the ids of one RL step or one worker's stretch of a
/// JSONL.
const Loaded& load_ground_truth(const json& rec, const EvalOptions& options) {
  static std::map<std::string, Loaded> cache;
  static std::vector<std::string> order;  // oldest first
  constexpr std::size_t kEntries = 64;
  std::string key = rec.dump(-1, ' ', false, json::error_handler_t::replace);
  key += needs_surface(options) ? "|surface" : "|solid";
  key += options.iou_backend == metrics::IouBackend::Occt ? "|occt" : "|repair";
  key +=
      "|" + std::to_string(options.exec.timeout_s) + "|" + std::to_string(options.exec.memory_mib);
  // A file the record names may be rewritten between two calls (tests do): its size and time
  // are part of the key.
  auto stamp = [&key](const json& path) {
    if (!path.is_string()) return;
    std::error_code ec;
    const auto size = fs::file_size(path.get<std::string>(), ec);
    const auto time = fs::last_write_time(path.get<std::string>(), ec);
    if (!ec)
      key += "|" + std::to_string(size) + "@" + std::to_string(time.time_since_epoch().count());
  };
  for (const char* field : {"mesh", "step"})
    if (rec.contains(field)) stamp(rec[field]);
  if (rec.contains("outputs") && rec["outputs"].is_object())
    for (const auto& [format, path] : rec["outputs"].items()) stamp(path);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (order.size() >= kEntries) {
    cache.erase(order.front());
    order.erase(order.begin());
  }
  order.push_back(key);
  return cache.emplace(key, load(rec, options)).first->second;
}

metrics::PointCloud transformed_points(const std::vector<std::array<double, 3>>& pts,
                                       const geom::Similarity& s) {
  metrics::PointCloud out;
  out.reserve(pts.size());
  for (const auto& p : pts) out.push_back(s.apply(p));
  return out;
}

/// Both sides brought to the frame the normalization mode asks for.
struct Normalized {
  geom::Similarity pred, gt;
};

Normalized normalization(const Loaded& pred, const Loaded& gt, geom::Normalization mode) {
  if (mode == geom::Normalization::Inertia) {
    Normalized n;
    n.pred = pred.solid.IsNull() ? metrics::inertia_frame(pred.mesh)
                                 : metrics::inertia_frame(pred.solid);
    n.gt = gt.solid.IsNull() ? metrics::inertia_frame(gt.mesh) : metrics::inertia_frame(gt.solid);
    return n;
  }
  return {geom::normalization_for(mode, pred.bbox, true),
          geom::normalization_for(mode, gt.bbox, false)};
}

/// The meshes the mesh backend compares, made once per pair and shared by iou and iou_best: a
/// solid side is meshed (watertight, at the tolerance relative to its own diagonal, so the
/// same mesh serves every frame), a mesh side is used as it is.
struct MeshSides {
  geom::Mesh pred, gt;
  double pred_deflection = 0, gt_deflection = 0;  ///< model units; 0 for a mesh side
  double pred_error = 0, gt_error = 0;            ///< chord volume / volume of a meshed solid
};

bool mesh_backend_for(const Loaded& pred, const Loaded& gt, metrics::IouBackend backend) {
  return backend == metrics::IouBackend::Mesh ||
         (backend == metrics::IouBackend::Auto && (pred.solid.IsNull() || gt.solid.IsNull()));
}

MeshSides mesh_sides(const Loaded& pred, const Loaded& gt, const metrics::IouOptions& io) {
  MeshSides m;
  m.pred = pred.solid.IsNull()
               ? pred.mesh
               : metrics::solid_mesh(pred.solid, io, &m.pred_deflection, &m.pred_error);
  m.gt = gt.solid.IsNull() ? gt.mesh
                           : metrics::solid_mesh(gt.solid, io, &m.gt_deflection, &m.gt_error);
  return m;
}

metrics::IouResult iou_of(const Loaded& pred, const Loaded& gt, const Normalized& n,
                          const metrics::IouOptions& io, const MeshSides* meshes) {
  if (meshes) {
    auto r = metrics::iou(geom::transformed(meshes->pred, n.pred),
                          geom::transformed(meshes->gt, n.gt), io);
    // The deflection in the normalized frame.
    r.mesh_tolerance =
        std::max(meshes->pred_deflection * n.pred.scale, meshes->gt_deflection * n.gt.scale);
    r.mesh_error = std::max(meshes->pred_error, meshes->gt_error);
    return r;
  }
  // Solids move by gp_Trsf (metrics::transformed_solid) so that planes and cylinders stay
  // analytic and the booleans stay exact and fast.
  if (!pred.solid.IsNull() && !gt.solid.IsNull())
    return metrics::iou(metrics::transformed_solid(pred.solid, n.pred),
                        metrics::transformed_solid(gt.solid, n.gt), io);
  if (!pred.solid.IsNull())
    return metrics::iou(metrics::transformed_solid(pred.solid, n.pred),
                        geom::transformed(gt.mesh, n.gt), io);
  if (!gt.solid.IsNull())
    return metrics::iou(metrics::transformed_solid(gt.solid, n.gt),
                        geom::transformed(pred.mesh, n.pred), io);
  return metrics::iou(geom::transformed(pred.mesh, n.pred), geom::transformed(gt.mesh, n.gt), io);
}

}  // namespace

void check_metrics(const std::vector<std::string>& metrics) {
  for (const auto& m : metrics)
    if (!known_metrics().count(m))
      throw cad::UsageError("--metrics: unknown metric '" + m +
                            "' (cd, iou, iou_best, f1, primitive_f1, plane, render_sim, dims)");
}

json primitive_f1(const json& pred_ops, const json& gt_ops) {
  if (!pred_ops.is_object() || !gt_ops.is_object()) return nullptr;
  // Text2CAD's primitive types; extrusions are counted from `extrude`.
  const std::pair<const char*, const char*> types[] = {
      {"line", "line"}, {"arc", "arc"}, {"circle", "circle"}, {"extrusion", "extrude"}};
  json by_type = json::object();
  double sum = 0;
  int n = 0;
  for (const auto& [name, key] : types) {
    double p = pred_ops.value(key, 0), g = gt_ops.value(key, 0);
    if (p == 0 && g == 0) continue;
    double matched = std::min(p, g);
    double precision = p > 0 ? matched / p : 0, recall = g > 0 ? matched / g : 0;
    double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    by_type[name] = f1;
    sum += f1;
    ++n;
  }
  if (n == 0) return nullptr;
  return {{"mean", sum / n}, {"by_type", by_type}};
}

double plane_reward(const json& pred_frame, const json& gt_frame, double beta, double gamma) {
  auto v = [](const json& a) { return std::array<double, 3>{a[0], a[1], a[2]}; };
  auto cross = [](const std::array<double, 3>& a, const std::array<double, 3>& b) {
    return std::array<double, 3>{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                                 a[0] * b[1] - a[1] * b[0]};
  };
  auto cosine = [](const std::array<double, 3>& a, const std::array<double, 3>& b) {
    double d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    double na = std::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    double nb = std::sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    return na > 0 && nb > 0 ? d / (na * nb) : 0.0;
  };
  auto o1 = v(pred_frame["origin"]), o2 = v(gt_frame["origin"]);
  auto x1 = v(pred_frame["x_dir"]), x2 = v(gt_frame["x_dir"]);
  auto y1 = cross(v(pred_frame["normal"]), x1), y2 = cross(v(gt_frame["normal"]), x2);
  double dist = std::sqrt((o1[0] - o2[0]) * (o1[0] - o2[0]) + (o1[1] - o2[1]) * (o1[1] - o2[1]) +
                          (o1[2] - o2[2]) * (o1[2] - o2[2]));
  return 1 - beta * dist - gamma * (2 - cosine(x1, x2) - cosine(y1, y2)) / 2;
}

json drawing_dimensions(const json& gt, const std::string& gt_dir, const TopoDS_Shape& solid,
                        int decimals) {
  if (gt.contains("dimensions") && gt["dimensions"].is_array()) return gt["dimensions"];
  if (gt.contains("drawing") && gt["drawing"].is_object() && gt["drawing"].contains("dims") &&
      gt["drawing"]["dims"].is_string()) {
    fs::path path = gt["drawing"]["dims"].get<std::string>();
    if (path.is_relative() && !gt_dir.empty()) path = fs::path(gt_dir) / path;
    std::ifstream in(path);
    if (!in) throw cad::Error("ground truth: cannot read its drawing's dims " + path.string());
    try {
      return json::parse(in);
    } catch (const json::exception& e) {
      throw cad::Error("ground truth: " + path.string() + ": " + e.what());
    }
  }
  if (solid.IsNull()) return nullptr;
  return solid_dimensions(solid, decimals);
}

double render_similarity(const geom::Mesh& pred, const geom::Mesh& gt, int size) {
  render::ShadeOptions shade;
  shade.size = size;
  shade.edge_width = 0.0;
  double total = 0.0;
  const std::vector<std::string> views = render::grid_views();
  for (const auto& view : views) {
    const render::Image a = render::shade(pred, render::named_view(view), shade);
    const render::Image b = render::shade(gt, render::named_view(view), shade);
    std::size_t both = 0, either = 0;
    for (std::size_t i = 0; i + 2 < a.rgb.size(); i += 3) {
      const bool in_a = a.rgb[i] != shade.background[0] || a.rgb[i + 1] != shade.background[1] ||
                        a.rgb[i + 2] != shade.background[2];
      const bool in_b = b.rgb[i] != shade.background[0] || b.rgb[i + 1] != shade.background[1] ||
                        b.rgb[i + 2] != shade.background[2];
      both += in_a && in_b;
      either += in_a || in_b;
    }
    total += either > 0 ? static_cast<double>(both) / static_cast<double>(either) : 0.0;
  }
  return total / static_cast<double>(views.size());
}

json evaluate_pair(const json& pred, const json& gt, const EvalOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  json r = {{"id", pred.value("id", json())},
            {"sample", pred.value("sample", json())},
            {"status", "ok"},
            {"error", nullptr},
            {"normalize", geom::to_string(options.normalize)}};
  for (const auto& m : options.metrics) r[m] = nullptr;
  auto done = [&]() -> json {
    r["time_ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return r;
  };

  Loaded p = load(pred, options);
  if (!p.exec_status.empty()) r["pred_status"] = p.exec_status;
  if (!p.valid && p.status == "ok") r["pred_valid"] = false;
  if (p.status != "ok") {
    r["status"] = p.status == "exec_failed"   ? "exec_failed"
                  : p.status == "no_geometry" ? "no_geometry"
                                              : "invalid_input";
    r["error"] = p.error;
    return done();
  }
  const Loaded& g = load_ground_truth(gt, options);
  if (g.status != "ok") {
    r["status"] = "invalid_ground_truth";
    r["error"] = g.error.is_null()
                     ? error_json("InputError", "ground truth: " + g.status)
                     : error_json(g.error.value("type", "InputError"),
                                  "ground truth: " + g.error.value("message", g.status));
    return done();
  }
  if (!g.valid) r["gt_valid"] = false;

  try {
    if (wants(options, "primitive_f1")) r["primitive_f1"] = primitive_f1(p.ops, g.ops);
    if (wants(options, "plane") && p.first_plane.is_object() && g.first_plane.is_object())
      r["plane"] =
          plane_reward(p.first_plane, g.first_plane, options.plane_beta, options.plane_gamma);

    bool need_frame = wants(options, "cd") || wants(options, "f1") || wants(options, "iou");
    Normalized n = need_frame ? normalization(p, g, options.normalize) : Normalized{};
    if (wants(options, "cd") || wants(options, "f1")) {
      std::string key = r["id"].dump() + "|" + r["sample"].dump();
      std::uint64_t s = fnv1a(key, options.seed * 0x9E3779B97F4A7C15ull + 1469598103934665603ull);
      auto pp = transformed_points(geom::sample_surface(p.mesh, options.points, s), n.pred);
      auto gp =
          transformed_points(geom::sample_surface(g.mesh, options.points, s ^ 0x5bd1e995u), n.gt);
      if (pp.empty() || gp.empty()) throw cad::Error("a surface has no area to sample");
      auto cmp = metrics::compare_point_clouds(pp, gp, options.fscore_threshold);
      if (wants(options, "cd")) r["cd"] = 1000 * cmp.chamfer;
      if (wants(options, "f1")) r["f1"] = cmp.f.f;
    }
    metrics::IouOptions io;
    io.voxel_resolution = options.voxel_resolution;
    io.backend = options.iou_backend;
    io.mesh_tolerance = options.mesh_tolerance;
    bool closed = p.closed && g.closed;
    if (!closed) {
      r["status"] = "open_mesh";
      const Loaded& open = p.closed ? g : p;
      r["error"] = error_json(
          "OpenMesh", std::string(p.closed ? "the ground truth" : "the prediction") +
                          " mesh does not bound a volume" +
                          (open.closure.empty() ? std::string() : " (" + open.closure + ")") +
                          ": no IoU");
    }
    std::optional<MeshSides> meshes;
    if (closed && (wants(options, "iou") || wants(options, "iou_best")) &&
        mesh_backend_for(p, g, options.iou_backend))
      meshes = mesh_sides(p, g, io);
    if (wants(options, "iou") && closed) {
      auto res = iou_of(p, g, n, io, meshes ? &*meshes : nullptr);
      r["iou"] = res.iou;
      r["iou_backend"] = res.backend;
      if (res.mesh_tolerance > 0) {
        r["iou_mesh_tolerance"] = res.mesh_tolerance;
        r["iou_mesh_error"] = res.mesh_error;
      }
      if (!res.note.empty()) r["iou_note"] = res.note;
    }
    if (wants(options, "render_sim")) r["render_sim"] = render_similarity(p.mesh, g.mesh);
    if (wants(options, "dims")) {
      const json want = drawing_dimensions(gt, options.gt_dir, g.solid, options.dims_decimals);
      if (want.is_null()) {
        r["dims_note"] = "the ground truth has no drawing dimensions and no solid to dimension";
      } else if (p.solid.IsNull()) {
        r["dims_note"] = "the prediction is a mesh: no B-rep to dimension";
      } else {
        DimsMatch m = match_dimensions(want, solid_dimensions(p.solid, options.dims_decimals),
                                       options.dims_tolerance);
        r["dims"] = m.share();
        r["dims_matched"] = m.matched;
        r["dims_total"] = m.total;
        r["dims_missed"] = m.missed;
      }
    }
    if (wants(options, "iou_best") && closed) {
      metrics::IouBestOptions bo;
      bo.iou = io;
      // IoU_best aligns each side to its own frame, so the roles can swap when only the
      // ground truth is a solid.
      std::optional<metrics::IouResult> best;
      if (meshes) {
        best = metrics::iou_best(meshes->pred, meshes->gt, bo);
        // IoU_best's frame has unit inertia scale: the deflection is reported relative.
        best->mesh_tolerance = 0;
      } else if (!p.solid.IsNull()) {
        best = g.solid.IsNull() ? metrics::iou_best(p.solid, g.mesh, bo)
                                : metrics::iou_best(p.solid, g.solid, bo);
      } else if (!g.solid.IsNull()) {
        best = metrics::iou_best(g.solid, p.mesh, bo);
      } else {
        try {
          best = metrics::iou_best(p.mesh, g.mesh, bo);
        } catch (const cad::Error& e) {  // occt backend: the prediction mesh is not a solid
          r["iou_best_note"] = e.what();
        }
      }
      if (best) {
        r["iou_best"] = best->iou;
        if (!best->backend.empty()) r["iou_best_backend"] = best->backend;
        if (!best->note.empty()) r["iou_best_note"] = best->note;
      }
    }
  } catch (const std::exception& e) {
    r["status"] = "metric_failed";
    r["error"] = error_json("MetricError", e.what());
  }
  return done();
}

// ---- summary --------------------------------------------------------------------------

namespace {

double mean(const std::vector<double>& v) {
  if (v.empty()) return NAN;
  double s = 0;
  for (double x : v) s += x;
  return s / v.size();
}

double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

json number_or_null(double x) {
  return std::isfinite(x) ? json(x) : json(nullptr);
}

bool is_number(const json& r, const char* key) {
  return r.contains(key) && r[key].is_number();
}

/// A valid prediction in the sense of IR (cadrille: "ids without a valid CD"): every metric
/// computed, or an open mesh whose CD was (only its IoU is missing).
bool scored(const json& r) {
  const std::string status = r.value("status", "");
  return status == "ok" || (status == "open_mesh" && is_number(r, "cd"));
}

/// Mean/median rows of one selection of records (one per id, or the best of each id's).
json metric_row(const std::vector<const json*>& rows) {
  std::vector<double> cd, iou, iou_best, f1, pf1, plane, dims;
  for (const json* r : rows) {
    if (is_number(*r, "cd")) cd.push_back((*r)["cd"]);
    if (is_number(*r, "iou")) iou.push_back((*r)["iou"]);
    if (is_number(*r, "iou_best")) iou_best.push_back((*r)["iou_best"]);
    if (is_number(*r, "f1")) f1.push_back((*r)["f1"]);
    if (r->contains("primitive_f1") && (*r)["primitive_f1"].is_object())
      pf1.push_back((*r)["primitive_f1"]["mean"]);
    if (is_number(*r, "plane")) plane.push_back((*r)["plane"]);
    if (is_number(*r, "dims")) dims.push_back((*r)["dims"]);
  }
  return {{"n", rows.size()},
          {"mean_cd", number_or_null(mean(cd))},
          {"median_cd", number_or_null(median(cd))},
          {"mean_iou", number_or_null(mean(iou))},
          {"mean_iou_best", number_or_null(mean(iou_best))},
          {"mean_f1", number_or_null(mean(f1))},
          {"mean_primitive_f1", number_or_null(mean(pf1))},
          {"mean_plane", number_or_null(mean(plane))},
          {"mean_dims", number_or_null(mean(dims))}};
}

}  // namespace

json summarize(const std::vector<json>& records, std::size_t gt_ids, const EvalOptions& options) {
  json by_status = json::object();
  std::map<std::string, std::vector<const json*>> by_id;  // predictions per id, input order
  std::set<std::string> all_ids;  // ground-truth ids: predicted or reported as no_prediction
  std::size_t predictions = 0, executed = 0;
  for (const json& r : records) {
    std::string status = r.value("status", "");
    by_status[status] = by_status.value(status, 0) + 1;
    if (status == "no_ground_truth") continue;
    if (r["id"].is_string()) all_ids.insert(r["id"].get<std::string>());
    if (status == "no_prediction") continue;
    ++predictions;
    if (status != "exec_failed" && status != "invalid_input") ++executed;
    if (r["id"].is_string()) by_id[r["id"].get<std::string>()].push_back(&r);
  }
  // Ids whose ground truth could not be loaded: the benchmark's fault, not the model's. They
  // are left out of IR (numerator and denominator) and counted apart.
  std::size_t broken_ids = 0;
  for (const auto& [id, recs] : by_id) {
    bool broken = true;
    for (const json* r : recs) broken = broken && r->value("status", "") == "invalid_ground_truth";
    broken_ids += broken;
  }
  std::vector<const json*> first, best_rows;
  std::vector<json> best_storage;
  best_storage.reserve(by_id.size());
  std::size_t valid_ids = 0, k = 0;
  for (auto& [id, recs] : by_id) {
    k = std::max(k, recs.size());
    const json* valid_first = nullptr;
    for (const json* r : recs)
      if (scored(*r)) {
        valid_first = r;
        break;
      }
    if (scored(*recs.front())) first.push_back(recs.front());
    if (!valid_first) continue;
    ++valid_ids;
    json best = {{"status", "ok"}};
    for (const char* key : {"cd"}) {
      double v = INFINITY;
      for (const json* r : recs)
        if (is_number(*r, key)) v = std::min(v, (*r)[key].get<double>());
      if (std::isfinite(v)) best[key] = v;
    }
    for (const char* key : {"iou", "iou_best", "f1", "plane", "dims"}) {
      double v = -INFINITY;
      for (const json* r : recs)
        if (is_number(*r, key)) v = std::max(v, (*r)[key].get<double>());
      if (std::isfinite(v)) best[key] = v;
    }
    double pf = -INFINITY;
    for (const json* r : recs)
      if (r->contains("primitive_f1") && (*r)["primitive_f1"].is_object())
        pf = std::max(pf, (*r)["primitive_f1"]["mean"].get<double>());
    if (std::isfinite(pf)) best["primitive_f1"] = {{"mean", pf}};
    best_storage.push_back(best);
    best_rows.push_back(&best_storage.back());
  }
  std::size_t ids = std::max(gt_ids, all_ids.size());
  const std::size_t scored_ids = ids - std::min(ids, broken_ids);
  json s = {
      {"ids", ids},
      {"predictions", predictions},
      {"samples_per_id", k},
      {"by_status", by_status},
      {"invalid_ground_truth_ids", broken_ids},
      {"invalidity_ratio", scored_ids ? json(1.0 - double(valid_ids) / scored_ids) : json(nullptr)},
      {"exec_rate", predictions ? json(double(executed) / predictions) : json(nullptr)},
      {"normalize", geom::to_string(options.normalize)},
      {"points", options.points},
      {"seed", options.seed},
      {"fscore_threshold", options.fscore_threshold},
      {"first_sample", metric_row(first)}};
  if (k > 1) s["best_of_k"] = metric_row(best_rows);
  std::vector<double> rewards;  // cad-eval --reward: over every prediction record that has one
  for (const json& r : records)
    if (is_number(r, "reward")) rewards.push_back(r["reward"]);
  if (!rewards.empty()) s["mean_reward"] = mean(rewards);
  s["metrics"] = options.metrics;
  return s;
}

std::string summary_markdown(const json& s) {
  auto num = [](const json& v, double scale, int digits) -> std::string {
    if (!v.is_number()) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v.get<double>() * scale);
    return buf;
  };
  std::string md =
      "| rows | ids | IR % | exec % | mean CD | median CD | IoU % | IoU_best % | F1 | P-F1 |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  auto row = [&](const std::string& name, const json& r) {
    md += "| " + name + " | " + std::to_string(s["ids"].get<std::size_t>()) + " | " +
          num(s["invalidity_ratio"], 100, 2) + " | " + num(s["exec_rate"], 100, 2) + " | " +
          num(r["mean_cd"], 1, 3) + " | " + num(r["median_cd"], 1, 3) + " | " +
          num(r["mean_iou"], 100, 2) + " | " + num(r["mean_iou_best"], 100, 2) + " | " +
          num(r["mean_f1"], 1, 3) + " | " + num(r["mean_primitive_f1"], 100, 2) + " |\n";
  };
  row("first sample", s["first_sample"]);
  if (s.contains("best_of_k"))
    row("best of " + std::to_string(s["samples_per_id"].get<std::size_t>()), s["best_of_k"]);
  md += "\nCD x1000 on " + std::to_string(s["points"].get<std::size_t>()) +
        " points, normalization " + s["normalize"].get<std::string>() +
        "; IR = ids without a valid prediction.\n";
  if (s.value("invalid_ground_truth_ids", 0) > 0)
    md += std::to_string(s["invalid_ground_truth_ids"].get<std::size_t>()) +
          " ids have a ground truth that could not be loaded (invalid_ground_truth): the "
          "benchmark's fault, left out of IR.\n";
  if (s["first_sample"].value("mean_dims", json()).is_number())
    md += "dimension agreement (dims): " + num(s["first_sample"]["mean_dims"], 100, 2) +
          " % of the drawings' dimensions reproduced (first sample)" +
          (s.contains("best_of_k")
               ? ", " + num(s["best_of_k"]["mean_dims"], 100, 2) + " % (best of k)"
               : std::string()) +
          ".\n";
  md += "statuses:";
  for (auto it = s["by_status"].begin(); it != s["by_status"].end(); ++it)
    md += " " + it.key() + "=" + std::to_string(it.value().get<std::size_t>());
  return md + "\n";
}

// ---- the tool -------------------------------------------------------------------------

namespace {

/// A record list from a JSONL file or a folder of <id>[+<sample>].<ext> files.
struct Input {
  std::vector<json> records;  // parsed records (or an "_error" string + "_line")
};

const std::map<std::string, std::string>& kind_by_extension() {
  static const std::map<std::string, std::string> m = {
      {".py", "code"},  {".step", "step"}, {".stp", "step"}, {".brep", "step"},
      {".stl", "mesh"}, {".ply", "mesh"},  {".obj", "mesh"}};
  return m;
}

Input read_input(const std::string& path, bool split_sample) {
  Input in;
  if (path != "-" && fs::is_directory(path)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(path))
      if (e.is_regular_file() && kind_by_extension().count(e.path().extension().string()))
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string stem = f.stem().string();
      json rec;
      auto plus = stem.rfind('+');
      if (split_sample && plus != std::string::npos) {
        rec["id"] = stem.substr(0, plus);
        std::string sample = stem.substr(plus + 1);
        bool digits = !sample.empty() && std::all_of(sample.begin(), sample.end(), ::isdigit);
        rec["sample"] = digits ? json(std::stoll(sample)) : json(sample);
      } else {
        rec["id"] = stem;
      }
      std::string kind = kind_by_extension().at(f.extension().string());
      if (kind == "code") {
        std::ifstream file(f);
        rec["code"] =
            std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
      } else {
        rec[kind] = f.string();
      }
      in.records.push_back(rec);
    }
    return in;
  }
  core::JsonlReader reader(path);
  core::JsonlLine line;
  while (reader.next(line)) {
    if (!line.record || !line.record->is_object() || !line.record->contains("id") ||
        !((*line.record)["id"].is_string() || (*line.record)["id"].is_number_integer())) {
      std::string why = !line.record ? line.error
                        : !line.record->is_object()
                            ? "line " + std::to_string(line.line) + ": record is not a JSON object"
                            : "line " + std::to_string(line.line) + ": record has no 'id'";
      json bad = {{"_error", why}, {"_line", line.line}};
      if (line.id) bad["_id"] = *line.id;
      in.records.push_back(std::move(bad));
      continue;
    }
    json rec = *line.record;
    if (rec["id"].is_number_integer()) rec["id"] = rec["id"].dump();
    rec["_line"] = line.line;
    in.records.push_back(std::move(rec));
  }
  return in;
}

json bare_record(const json& id, const json& sample, const std::string& status, const json& error) {
  return {{"id", id}, {"sample", sample}, {"status", status}, {"error", error}};
}

}  // namespace

namespace {
void write_summary(const json& summary, const std::string& path) {
  if (!path.empty()) {
    std::ofstream out(path);
    if (!out) throw cad::Error(path + ": cannot open for writing");
    out << summary.dump(2) << "\n";
  }
  std::fprintf(stderr, "%s", summary_markdown(summary).c_str());
}
}  // namespace

int run(const RunConfig& config) {
  const EvalOptions& opt = config.eval;
  check_metrics(opt.metrics);
  if (config.summarize_only) {
    std::vector<json> records;
    core::JsonlReader reader(config.common.input);
    core::JsonlLine line;
    while (reader.next(line)) {
      if (!line.record || !line.record->is_object() || !line.record->contains("status"))
        throw cad::Error(config.common.input + ": line " + std::to_string(line.line) +
                         ": not a cad-eval record");
      records.push_back(*line.record);
    }
    write_summary(summarize(records, 0, opt), config.summary_path);
    return 0;
  }
  if (config.gt.empty()) throw cad::UsageError("--gt is required (a JSONL of records or a folder)");
  EvalOptions eval_options = opt;
  if (eval_options.gt_dir.empty() && config.gt != "-" && !fs::is_directory(config.gt))
    eval_options.gt_dir = fs::path(config.gt).parent_path().string();
  if (opt.points == 0) throw cad::UsageError("--points must be positive");

  // Ground truth: every valid record by id (the first one wins; duplicates are reported).
  Input gt_in = read_input(config.gt, false);
  std::unordered_map<std::string, json> gt;
  std::vector<std::string> gt_order;
  for (const json& r : gt_in.records) {
    if (r.contains("_error")) {
      core::logger().error("{}: {}", config.gt, r["_error"].get<std::string>());
      continue;
    }
    std::string id = r["id"];
    if (gt.count(id)) {
      core::logger().warn("{}: duplicate ground-truth id '{}' ignored", config.gt, id);
      continue;
    }
    gt[id] = r;
    gt_order.push_back(id);
  }
  Input pred_in = read_input(config.common.input, true);

  // One output slot per prediction of this shard, then the ids nobody predicted.
  std::vector<std::optional<json>> slots;
  std::vector<std::string> tasks;
  std::vector<std::size_t> task_slot;
  std::set<std::string> predicted;
  std::size_t index = 0;
  for (const json& r : pred_in.records) {
    if (r.contains("id") && r["id"].is_string()) predicted.insert(r["id"].get<std::string>());
    if (r.contains("_id") && r["_id"].is_string()) predicted.insert(r["_id"].get<std::string>());
    if (!config.shard.contains(index++)) continue;
    if (r.contains("_error")) {
      json rec = bare_record(r.value("_id", json()), nullptr, "invalid_input",
                             error_json("InputError", r["_error"]));
      rec["input_line"] = r["_line"];
      slots.emplace_back(rec);
      continue;
    }
    json sample = r.value("sample", json());
    auto it = gt.find(r["id"].get<std::string>());
    if (it == gt.end()) {
      slots.emplace_back(bare_record(
          r["id"], sample, "no_ground_truth",
          error_json("NoGroundTruth", "no ground-truth record has id " + r["id"].dump())));
      continue;
    }
    json p = r;
    p.erase("_line");
    slots.emplace_back(std::nullopt);
    tasks.push_back(json{{"pred", p}, {"gt", it->second}}.dump());
    task_slot.push_back(slots.size() - 1);
  }
  std::vector<json> tail;
  for (std::size_t i = 0; i < gt_order.size(); ++i)
    if (config.shard.contains(i) && !predicted.count(gt_order[i]))
      tail.push_back(bare_record(gt_order[i], nullptr, "no_prediction",
                                 error_json("NoPrediction", "no prediction has this id")));

  core::JsonlWriter writer(config.common.output);
  core::Progress progress("cad-eval", slots.size());
  std::vector<json> all;
  std::size_t next = 0;
  auto flush = [&] {
    while (next < slots.size() && slots[next]) {
      writer.write(*slots[next]);
      all.push_back(*slots[next]);
      progress.advance();
      ++next;
    }
  };

  core::TaskLimits limits;
  // Two executions (prediction and, for code, ground truth) plus the metrics.
  limits.timeout_s = opt.exec.timeout_s > 0 ? 2 * opt.exec.timeout_s + 30 : 0;
  limits.memory_mib = opt.exec.memory_mib;
  core::ProcessPool pool(
      static_cast<std::size_t>(std::max(0, config.jobs)),
      [opt = eval_options, annotate = config.annotate](const std::string& payload) {
        json t = json::parse(payload);
        json record = evaluate_pair(t["pred"], t["gt"], opt);
        if (annotate) annotate(t["pred"], record);
        return core::dump_line(record);
      },
      limits);
  const std::size_t batch = std::max<std::size_t>(16, 16 * std::max(1, config.jobs));
  for (std::size_t start = 0; start < tasks.size(); start += batch) {
    std::size_t end = std::min(tasks.size(), start + batch);
    std::vector<std::string> chunk(tasks.begin() + start, tasks.begin() + end);
    pool.run_all(chunk, [&](std::size_t k, const core::TaskResult& res) {
      std::size_t slot = task_slot[start + k];
      if (res.status == core::TaskStatus::Ok) {
        slots[slot] = json::parse(res.payload);
      } else {
        json t = json::parse(chunk[k]);
        slots[slot] = bare_record(t["pred"]["id"], t["pred"].value("sample", json()),
                                  std::string("eval_") + core::to_string(res.status),
                                  error_json("WorkerError", res.detail));
        (*slots[slot])["time_ms"] = res.wall_ms;
      }
      flush();
    });
  }
  flush();
  progress.finish();
  for (const json& r : tail) {
    writer.write(r);
    all.push_back(r);
  }

  // Ids are counted from the records (predicted or no_prediction), so a shard's summary
  // covers that shard; concatenated shards give the whole run's (cad-eval --summarize-only).
  write_summary(summarize(all, 0, opt), config.summary_path);

  // Predictions whose id no ground truth has: a few are a user's business, none matching is
  // a wrong --gt or a wrong id scheme, which a summary of nothing would hide.
  std::size_t unmatched = 0, predictions = 0;
  std::string example;
  for (const json& r : all) {
    const std::string status = r.value("status", "");
    if (status == "no_prediction") continue;
    ++predictions;
    if (status != "no_ground_truth") continue;
    ++unmatched;
    if (example.empty()) example = r["id"].dump();
  }
  if (predictions > 0 && unmatched == predictions) {
    core::logger().error(
        "no prediction matches a ground-truth id: {} predictions (e.g. id {}), {} ground-truth "
        "ids in {} (e.g. '{}'); check --gt and the ids",
        predictions, example, gt_order.size(), config.gt,
        gt_order.empty() ? std::string() : gt_order.front());
    return 1;
  }
  if (unmatched * 10 > predictions)
    core::logger().warn("{} of {} predictions have no ground truth in {} (e.g. id {})", unmatched,
                        predictions, config.gt, example);
  return 0;
}

}  // namespace cad::eval
