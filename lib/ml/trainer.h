// Training-loop parts shared by cad-sft and cad-rl: the learning-rate schedule, stop signals,
// step checkpoints, the run-folder rule, the metrics log and the guarded optimizer step.
#pragma once

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "ml/transformer.h"

namespace torch::optim {
class AdamW;
}

namespace cad::ml {

/// A padded language-model batch on the CPU: what the data side (sft_data / make_sft_batch, or a
/// benchmark's random tokens) hands the model-and-trainer core.
struct LmBatch {
  at::Tensor inputs;   ///< [B, T] int64, tokens[0, n-1) right-padded with <pad>
  at::Tensor targets;  ///< [B, T] int64, tokens[1, n) on the target part, -100 elsewhere
  /// The prefix input: images [B, C, S, S] float in [0, 1], or point clouds [B, N, 3];
  /// undefined when the batch has neither.
  at::Tensor images;
  std::int64_t tokens = 0;         ///< real input tokens (padding excluded)
  std::int64_t target_tokens = 0;  ///< tokens the loss covers
};

/// Mean token cross-entropy of `model` on `batch` (moved to the model's device; under the
/// model's autocast when its dtype is bfloat16; the loss in fp32).
at::Tensor lm_batch_loss(TransformerImpl& model, const LmBatch& batch);

/// The learning rate at optimizer step `step` (0-based): linear warmup from peak / warmup to
/// peak over `warmup` steps, then a cosine from peak down to peak * min_lr_ratio at `steps`.
double cosine_learning_rate(double peak, double min_lr_ratio, std::int64_t warmup,
                            std::int64_t steps, std::int64_t step);

/// Sets the learning rate of every parameter group of `optimizer`.
void set_learning_rate(torch::optim::AdamW& optimizer, double lr);

/// Installs SIGINT/SIGTERM handlers that only set a flag (the loop stops after the current
/// step with a checkpoint) for the life of the object, and restores the old ones.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  /// True once SIGINT or SIGTERM arrived.
  static bool requested();

 private:
  void (*old_int_)(int) = nullptr;
  void (*old_term_)(int) = nullptr;
};

/// "step-NNNNNNN" (seven digits).
std::string step_dir_name(std::int64_t step);

/// Complete step checkpoints (with trainer_state.json) under `out_dir`/checkpoints, oldest
/// first, as (step, path).
std::vector<std::pair<std::int64_t, std::string>> step_checkpoints(const std::string& out_dir);

/// The newest step checkpoint under `out_dir`/checkpoints ("" if none).
std::string latest_step_checkpoint(const std::string& out_dir);

/// Removes all but the newest `keep` (at least 1) step checkpoints.
void prune_step_checkpoints(const std::string& out_dir, std::int64_t keep);

/// The rule for a run folder: a folder that already holds a run (step checkpoints, final/ or
/// metrics.jsonl) is continued only with `resume` and replaced only with `overwrite` (its
/// checkpoints, final/, metrics.jsonl and completions.jsonl are removed first), so that a run
/// never mixes old and new checkpoints. Creates `out_dir`/checkpoints. Throws
/// cad::UsageError when the folder holds a run and neither is set, or when both are set.
void prepare_run_folder(const std::string& out_dir, bool resume, bool overwrite);

/// Appends JSON lines to a metrics file; on resume first drops the lines of steps after the
/// checkpoint's step (they belong to the part of the run that is redone).
class MetricsLog {
 public:
  /// Opens `path`; `resume` keeps the lines with step <= resume_step, else truncates.
  /// Throws cad::Error when the file cannot be written.
  MetricsLog(const std::string& path, bool resume, std::int64_t resume_step);
  /// Writes one line and flushes.
  void write(const nlohmann::json& value);

 private:
  std::ofstream out_;
};

/// The L2 norm of all defined gradients of `model` (accumulated in float64; NaN or inf when a
/// gradient is not finite).
double gradient_norm(const Transformer& model);

/// What a guarded step did.
struct GuardedStep {
  double grad_norm = 0.0;  ///< before clipping
  bool applied = false;    ///< false: skipped for a non-finite loss or gradient
};

/// The optimizer step both trainers take: clip the gradient norm to `clip` (<= 0: none) and
/// step, unless the loss or the gradient norm is not finite; then the update is skipped (the
/// moments untouched) with a warning naming the parameters, as loss scalers do, and 5
/// skipped steps in a row throw cad::Error.
class GuardedOptimizer {
 public:
  /// Steps `optimizer` (whose parameters are `model`'s) for step number `step` (1-based, for
  /// messages) with the gradients now in the model.
  GuardedStep step(Transformer& model, torch::optim::AdamW& optimizer, double clip, double loss,
                   std::int64_t step);
  /// Updates skipped so far.
  std::int64_t skipped() const { return skipped_; }

 private:
  int in_a_row_ = 0;
  std::int64_t skipped_ = 0;
};

}  // namespace cad::ml
