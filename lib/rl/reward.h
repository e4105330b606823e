// Rewards for RL on executed code: the published rewards of cadrille, CME-CAD and ReCAD as pure
// functions of a completion and its eval record, and a sandboxed pool that executes and scores
// rollout code in parallel worker processes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/evaluate.h"

namespace cad::rl {

/// Which reward and its weights.
struct RewardConfig {
  /// "cadrille": scale * IoU for code that runs, `invalid` when it fails (no IoU);
  /// "cmecad": fmt_gate * exec_gate * (iou_weight * IoU + plane_weight * R_plane
  ///   [+ dims_weight * dims]);
  /// "recad": geom_weight * min(IoU_best, phi(sim, sim_threshold)) + format_weight * R_format.
  std::string kind = "cadrille";
  double scale = 10.0;        ///< cadrille: reward of IoU 1
  double invalid = -10.0;     ///< cadrille: reward of code that fails or gives no IoU
  double iou_weight = 1.0;    ///< cmecad: l_iou (unpublished; ours)
  double plane_weight = 0.5;  ///< cmecad: l_plane (unpublished; ours)
  /// cmecad: weight of the dimension agreement term (ours, no peer has it; 0 = off): the share
  /// of the drawing's dimensions the solid reproduces (cad-eval's dims metric).
  double dims_weight = 0.0;
  double geom_weight = 0.1;       ///< recad: weight of min(IoU_best, phi(sim))
  double format_weight = 0.9;     ///< recad: weight of R_format
  double sim_threshold = 0.55;    ///< recad: phi's t
  double plane_beta = 1.0;        ///< R_plane's origin weight (unpublished; ours)
  double plane_gamma = 1.0;       ///< R_plane's axis weight (unpublished; ours)
  double timeout_s = 10.0;        ///< wall clock per sample (interpreter deadline and worker kill)
  std::size_t memory_mib = 2048;  ///< address space per worker, MiB (0 = none)
};

/// Throws cad::UsageError for an unknown kind or a weight that makes no sense.
void check_reward_config(const RewardConfig& config);

/// The eval metrics a reward kind needs (iou; iou and plane [and dims]; iou_best and
/// render_sim).
std::vector<std::string> reward_metrics(const RewardConfig& config);

/// CME-CAD's format gate: a non-empty reasoning block (<think>...</think>) before the code
/// (<code>): 1 or 0. `text` is the decoded completion with special tokens as text.
double cmecad_format_gate(const std::string& text);

/// ReCAD's R_format: 1 for a valid <think>...</think> block (opened, non-empty, closed, and
/// followed by code), else 0.
double recad_format(const std::string& text);

/// phi(s, t) = max(0, (s - t) / (1 - t)).
double recad_phi(double similarity, double threshold);

/// A reward with its parts.
struct Reward {
  double reward = 0.0;
  bool executed = false;      ///< the code ran to a solid (the exec gate)
  nlohmann::json components;  ///< the terms, by name (format, exec, iou, plane, sim, ...)
  std::string status;         ///< the eval record's status, or the worker's (timeout, crash)
};

/// The reward of a completion `text` whose code was scored into `eval_record` (cad-eval's
/// record: status, iou, iou_best, plane, render_sim). Execution is the hard gate on any
/// geometric credit.
Reward compute_reward(const RewardConfig& config, const std::string& text,
                      const nlohmann::json& eval_record);

/// The completion text of a cad-generate record as the format gates read it: "<think>" + cot +
/// "</think>" when the record has a non-empty `cot`, then "<code>" + code + "</code>".
std::string generation_text(const nlohmann::json& generation);

/// One completion to score.
struct RewardTask {
  std::string text;   ///< the decoded completion (special tokens as text)
  std::string code;   ///< the code parsed from it
  nlohmann::json gt;  ///< the ground-truth record (code, step or mesh; paths absolute)
  std::string id;     ///< for the eval record
  std::int64_t sample = 0;
};

/// Executes and scores completions in `jobs` forked worker processes (none: in this process),
/// each task under the configured time and memory limits: a script that crashes, hangs or eats
/// memory costs its own sample the reward of failed code, never the run. Create it before
/// starting threads (it forks).
class RewardPool {
 public:
  RewardPool(const RewardConfig& config, int jobs);
  ~RewardPool();
  RewardPool(const RewardPool&) = delete;
  RewardPool& operator=(const RewardPool&) = delete;

  /// Rewards of `tasks`, in order, with the eval record of each in `eval_records` (if given).
  std::vector<Reward> score(const std::vector<RewardTask>& tasks,
                            std::vector<nlohmann::json>* eval_records = nullptr);
  /// Workers replaced after a crash, timeout or memory failure so far.
  std::size_t restarts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cad::rl
