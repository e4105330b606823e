// cad-eval: score predictions against ground truth with the field's metrics, as published.
#include <CLI/CLI.hpp>
#include <algorithm>

#include "core/cli.h"
#include "core/log.h"
#include "eval/evaluate.h"
#include "rl/reward.h"

int main(int argc, char** argv) {
  cad::eval::RunConfig config;
  std::string normalize = "unit-cube";
  CLI::App app{
      "Score CAD predictions against ground truth: Chamfer distance (8192 area-weighted surface\n"
      "points, squared, both directions summed, x1000), IoU (exact OpenCASCADE booleans between\n"
      "solids, CGAL mesh booleans when a side is a mesh, voxel fallback; the record's iou_backend\n"
      "says which), IoU_best (CAD-Coder's inertia alignment), F-score,\n"
      "Text2CAD's primitive F1, CME-CAD's plane term; then IR, exec rate, mean/median CD and\n"
      "best-of-k over the samples of each id.\n\n"
      "  cad-eval --gt test.jsonl -i generations.jsonl --summary summary.json > eval.jsonl\n"
      "  cad-eval --gt gt_folder/ -i exec.jsonl --metrics cd,iou --normalize fixed\n\n"
      "Each side is a JSONL of records {id, code | step | mesh} (predictions also `sample`;\n"
      "cad-exec's output records work as they are) or a folder of <id>[+<sample>].py|.step|.stl.\n"
      "One record per prediction on stdout, then one per ground-truth id without a prediction;\n"
      "the summary table goes to stderr."};
  cad::core::add_common_options(app, config.common);
  app.add_option("--gt", config.gt, "ground truth: JSONL of records or a folder of <id>.<ext>");
  app.add_option("--summary", config.summary_path, "write the summary as JSON to this file");
  app.add_option("--metrics", config.eval.metrics,
                 "metrics to compute: cd, iou, iou_best, f1, primitive_f1, plane, render_sim, "
                 "dims (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option(
         "--normalize", normalize,
         "frame for CD/IoU/F1: unit-cube (cadrille), fixed (CAD-Recode: prediction x/200+0.5), "
         "none, inertia (principal axes)")
      ->capture_default_str()
      ->check(CLI::IsMember({"unit-cube", "fixed", "none", "inertia"}));
  app.add_option("--points", config.eval.points, "surface points per shape for CD and F-score")
      ->capture_default_str();
  app.add_option("--fscore-threshold", config.eval.fscore_threshold,
                 "F-score distance threshold in the normalized frame")
      ->capture_default_str();
  app.add_option("--dims-tolerance", config.eval.dims_tolerance.relative,
                 "dims: a solid's dimension reproduces the drawing's when within this share of "
                 "its value (or --dims-abs-tolerance mm, or 0.5 degrees for angles, if larger); "
                 "dims = share of the ground truth drawing's dimensions (its record's "
                 "`dimensions`, else the file `drawing.dims` names, else those cad-render puts on "
                 "its solid) that the predicted solid, dimensioned as cad-render does, reproduces "
                 "with the same kind, feature and count")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--dims-abs-tolerance", config.eval.dims_tolerance.absolute,
                 "dims: absolute tolerance, model units")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--dims-decimals", config.eval.dims_decimals,
                 "dims: label decimals the predicted solid is dimensioned with (cad-render's "
                 "--decimals)")
      ->capture_default_str()
      ->check(CLI::Range(0, 6));
  app.add_option("--voxel-resolution", config.eval.voxel_resolution,
                 "cells along the largest extent when IoU falls back to voxels")
      ->capture_default_str();
  std::string iou_backend = "auto";
  app.add_option("--iou-backend", iou_backend,
                 "IoU computation: auto (occt for two solids, mesh when a side is a mesh), occt "
                 "(OpenCASCADE booleans; meshes become solids), mesh (CGAL corefinement of "
                 "repaired meshes; solids meshed at --mesh-tolerance), voxel (estimate)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "occt", "mesh", "voxel"}));
  app.add_option("--mesh-tolerance", config.eval.mesh_tolerance,
                 "mesh backend: first linear deflection for meshing a solid, as a fraction of its "
                 "bounding-box diagonal; divided by 4 (up to 3 times) while the chord volume of "
                 "its curved faces is above 0.1 % of its volume (records: iou_mesh_tolerance, "
                 "iou_mesh_error)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--plane-beta", config.eval.plane_beta, "CME-CAD plane term: origin weight")
      ->capture_default_str();
  app.add_option("--plane-gamma", config.eval.plane_gamma, "CME-CAD plane term: axis weight")
      ->capture_default_str();
  app.add_option("-j,--jobs", config.jobs,
                 "worker processes (code runs sandboxed in them); 0 = in this process")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--timeout", config.eval.exec.timeout_s, "wall-clock limit per script, seconds")
      ->capture_default_str();
  app.add_option("--memory", config.eval.exec.memory_mib, "memory limit per worker, MiB")
      ->capture_default_str();
  app.add_flag("--require-valid", config.eval.exec.require_valid,
               "code whose solid BRepCheck rejects is exec_failed (invalid_geometry); default: "
               "scored as the peers score it, the record saying pred_valid: false");
  std::string reward;
  app.add_option("--reward", reward,
                 "also score each prediction with cad-rl's reward: cadrille (10 IoU, -10 invalid), "
                 "cmecad (format and exec gates, IoU + 0.5 R_plane) or recad (0.1 min(IoU_best, "
                 "phi(render_sim)) + 0.9 format); adds `reward` and `reward_components` to the "
                 "records and `mean_reward` to the summary");
  cad::core::add_shard_option(app, config.shard);
  app.add_flag("--summarize-only", config.summarize_only,
               "read cad-eval records (e.g. concatenated shards) from -i and print their summary");
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "no progress or info lines on stderr (--log-level warn)");
  return cad::core::run_tool("cad-eval", argc, argv, app, [&] {
    if (quiet) cad::core::set_log_level("warn");
    config.eval.normalize = cad::geom::parse_normalization(normalize);
    config.eval.iou_backend = cad::metrics::parse_iou_backend(iou_backend);
    config.eval.seed = config.common.seed;
    if (!reward.empty()) {
      cad::rl::RewardConfig rc;
      rc.kind = reward;
      rc.plane_beta = config.eval.plane_beta;
      rc.plane_gamma = config.eval.plane_gamma;
      cad::rl::check_reward_config(rc);
      for (const auto& m : cad::rl::reward_metrics(rc))
        if (std::find(config.eval.metrics.begin(), config.eval.metrics.end(), m) ==
            config.eval.metrics.end())
          config.eval.metrics.push_back(m);
      config.annotate = [rc](const nlohmann::json& pred, nlohmann::json& record) {
        const cad::rl::Reward r =
            cad::rl::compute_reward(rc, cad::rl::generation_text(pred), record);
        record["reward"] = r.reward;
        record["reward_components"] = r.components;
      };
    }
    if (app.count("--jobs") == 0 && app.count("--threads") > 0) config.jobs = config.common.threads;
    return cad::eval::run(config);
  });
}
