// Scoring predictions against ground truth: loading either side, per-pair metrics, summaries.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/cli.h"
#include "eval/dims.h"
#include "exec/execute.h"
#include "geom/normalize.h"
#include "metrics/iou.h"

namespace cad::eval {

/// Which metrics to compute and in which convention.
struct EvalOptions {
  /// Any of cd, iou, iou_best, f1, primitive_f1, plane, render_sim, dims (each is also the
  /// record's field).
  std::vector<std::string> metrics{"cd", "iou", "iou_best", "f1"};
  geom::Normalization normalize = geom::Normalization::UnitCube;
  std::size_t points = 8192;       ///< surface samples per shape for CD and F-score
  std::uint64_t seed = 0;          ///< with the id and sample, seeds each shape's sampling
  double fscore_threshold = 0.05;  ///< F-score distance threshold, normalized units
  int voxel_resolution = 128;      ///< cells along the largest extent for the voxel fallback
  /// IoU computation (metrics::IouBackend): auto = exact OCCT booleans for two solids, CGAL
  /// mesh booleans whenever a side is a mesh; the record's `iou_backend` says which one ran.
  metrics::IouBackend iou_backend = metrics::IouBackend::Auto;
  /// mesh backend: a solid is meshed at this fraction of its bounding-box diagonal (in the
  /// normalized frame the record's `iou_mesh_tolerance` gives the deflection used).
  double mesh_tolerance = 2e-4;
  double plane_beta = 1.0;   ///< CME-CAD R_plane origin weight (unpublished; ours)
  double plane_gamma = 1.0;  ///< CME-CAD R_plane axis weight (unpublished; ours)
  exec::ExecOptions exec;    ///< how code on either side is executed
  /// dims: how a solid's dimension must agree with the drawing's, and the label decimals the
  /// solid is dimensioned with (cad-render's --decimals).
  DimsTolerance dims_tolerance;
  int dims_decimals = 1;
  /// dims: folder that a ground-truth record's relative `drawing.dims` path is read from (the
  /// --gt file's folder; "" = the working directory).
  std::string gt_dir;
};

/// Throws cad::UsageError for an unknown metric name.
void check_metrics(const std::vector<std::string>& metrics);

/// Scores one prediction record against one ground-truth record in this process. Either
/// record holds `code`, a `mesh` path (STL/PLY/OBJ), a `step` path (STEP/BREP), or is a
/// cad-exec output record (`status`, `outputs.step` / `outputs.stl`). Returns the eval record
/// (data_schemas/eval.schema.json); failures are its status/error, never exceptions.
nlohmann::json evaluate_pair(const nlohmann::json& pred, const nlohmann::json& gt,
                             const EvalOptions& options);

/// The render similarity ReCAD's reward needs, in [0, 1], from the project's own renders
/// (DINO features are not available offline): the four grid views of each mesh
/// (render::grid_views, each picture fitted to its part, no outlines) at `size` pixels, and per
/// view the IoU of the two silhouettes (pixels that differ from the background); the mean over
/// the views. 1 for identical shapes up to scale and position; 0 when either mesh is empty.
double render_similarity(const geom::Mesh& pred, const geom::Mesh& gt, int size = 96);

/// Text2CAD's primitive F1 from two `ops` count maps (line, arc, circle, extrusion): per
/// type, matched = min(pred, gt), precision = matched / pred, recall = matched / gt, F1 from
/// them; the result is the mean over the types present in either (null when none is).
nlohmann::json primitive_f1(const nlohmann::json& pred_ops, const nlohmann::json& gt_ops);

/// The dimensions of a ground-truth drawing for the dims metric: the record's `dimensions`
/// list (dataset records), else the dims JSON its `drawing.dims` names (relative to `gt_dir`),
/// else those cad-render would annotate on `solid` (null: none). Throws cad::Error.
nlohmann::json drawing_dimensions(const nlohmann::json& gt, const std::string& gt_dir,
                                  const TopoDS_Shape& solid, int decimals);

/// CME-CAD's plane term from two `first_plane` frames:
/// 1 - beta |O_pred - O_gt| - gamma (2 - cos(x_pred, x_gt) - cos(y_pred, y_gt)) / 2.
double plane_reward(const nlohmann::json& pred_frame, const nlohmann::json& gt_frame, double beta,
                    double gamma);

/// The summary of a run's records: counts by status, IR, exec rate, mean/median CD, mean IoU,
/// IoU_best, F1, primitive F1, plane, for the first sample of each id and best-of-k over all
/// samples. The ids are those of the records (predicted or reported no_prediction) or
/// `gt_ids`, whichever is more.
nlohmann::json summarize(const std::vector<nlohmann::json>& records, std::size_t gt_ids,
                         const EvalOptions& options);
/// The summary as a markdown table in the layout of the papers.
std::string summary_markdown(const nlohmann::json& summary);

/// Everything cad-eval is asked to do.
struct RunConfig {
  core::CommonOptions common;  ///< common.input = predictions
  std::string gt;              ///< JSONL of ground-truth records, or a folder of <id>.<ext>
  std::string summary_path;    ///< --summary FILE.json ("" = none)
  EvalOptions eval;
  int jobs = 1;
  core::Shard shard;
  bool summarize_only = false;  ///< common.input holds eval records (e.g. joined shards)
  /// Called in the worker with each prediction and its eval record, e.g. to add a reward
  /// (cad-eval --reward); may add fields to the record.
  std::function<void(const nlohmann::json& pred, nlohmann::json& record)> annotate;
};

/// cad-eval's whole job; returns the exit code.
int run(const RunConfig& config);

}  // namespace cad::eval
