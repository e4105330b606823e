// cad-rl's training loop: prompts from a dataset, group rollouts, sandboxed rewards, GRPO-family
// updates, validation, metrics, checkpoints in cad-sft's format, resume and several processes;
// and cadrille's hard-example mining.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rl/loss.h"
#include "rl/reward.h"
#include "rl/rollout.h"

namespace cad::rl {

/// Everything an RL run needs (cad-rl train's options).
struct RlConfig {
  std::string init;               ///< cad-sft checkpoint the policy starts from (fresh optimizer)
  std::string data_dir;           ///< dataset folder: <split>.jsonl and the images its records name
  std::string split = "train";    ///< split the prompts come from
  std::string prompts;            ///< JSONL of records to use instead (e.g. cad-rl mine's output);
                                  ///< image paths stay relative to data_dir
  std::string val_split = "val";  ///< split of the periodic greedy validation ("" = none)
  std::string out_dir;  ///< run folder: metrics.jsonl, completions.jsonl, checkpoints/, final/
  std::string task = "drawing";   ///< drawing, image, text, dims or points (as cad-generate)
  std::string expert = "views";   ///< expert prompt of validation (and of training when
                                  ///< `experts` is empty): at inference, the best expert's
  std::string text = "abstract";  ///< text task input
  /// CME-CAD's MERL: the experts whose prompts every training input is sampled under (G
  /// samples each, one group per input and expert); empty = {expert}.
  std::vector<std::string> experts;
  bool no_cot = false;  ///< HSB's SFT targets are code only (as a model trained with no-cot)
  /// EIAE: advantages against the mean of each (input, expert) group, no std, and only
  /// max(A, 0) enters the loss.
  bool eiae = false;
  /// MECL's weight (0 = off; needs two or more experts): per input, the KL that pulls the
  /// weakest expert's distribution on the strongest expert's best executed answer toward the
  /// strongest expert's.
  double mecl_weight = 0.0;
  /// HSB: the run in this many chunks (0 = off); an (input, expert) with more than hsb_k of
  /// its G samples wrong (not executed, or IoU below hsb_iou) enters the buffer with
  /// probability hsb_k / G; after each chunk, hsb_epochs of SFT on the whole buffer.
  std::int64_t hsb_chunks = 0;
  std::int64_t hsb_k = 2;
  double hsb_iou = 0.5;
  std::int64_t hsb_epochs = 1;
  std::int64_t hsb_batch = 8;  ///< buffer records per SFT step
  double hsb_lr = 0.0;         ///< SFT learning rate (0 = the RL learning rate at that step)

  AlgorithmConfig algorithm;  ///< grpo, dr_grpo, dapo, cppo with their settings
  RewardConfig reward;
  int reward_jobs = 2;     ///< sandboxed reward workers (0 = in this process, no isolation)
  RolloutOptions rollout;  ///< G, temperature, top-p, top-k, max new tokens

  std::int64_t steps = 100;             ///< RL steps (one rollout batch each)
  std::int64_t prompts_per_step = 8;    ///< prompts per step, over all processes
  std::int64_t micro_batch = 0;         ///< rows per forward/backward (0 = all at once)
  double lr = 1e-4;                     ///< peak learning rate
  double min_lr_ratio = 1.0;            ///< cosine floor (1 = constant after warmup)
  std::int64_t warmup = 0;              ///< linear warmup steps
  double weight_decay = 0.0;            ///< AdamW
  double beta1 = 0.9, beta2 = 0.99;     ///< AdamW
  double clip = 1.0;                    ///< gradient norm clip (<= 0: none)
  std::int64_t log_every = 1;           ///< metrics line every N steps
  std::int64_t completions_every = 10;  ///< completions log every N steps (0 = never)
  std::int64_t val_every = 0;           ///< greedy validation every N steps (0 = at the end only)
  std::int64_t val_examples = 64;       ///< validation records (0 = all)
  std::int64_t checkpoint_every = 50;   ///< step checkpoint every N steps (0 = only at the end)
  std::int64_t keep_checkpoints = 2;    ///< step checkpoints kept
  std::uint64_t seed = 0;               ///< prompt order and sampling
  bool resume = false;                  ///< continue from the newest step checkpoint
  bool overwrite = false;               ///< replace a run already in out_dir
  std::int64_t stop_after = 0;          ///< stop (with a checkpoint) after this step
  std::string device;                   ///< "" = the checkpoint's
  bool progress = true;
  int rank = 0, world_size = 1;  ///< torchrun's RANK / WORLD_SIZE (> 1: Gloo or NCCL)
  int local_rank = -1;           ///< GPU index on this node (LOCAL_RANK; -1 = rank)
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
};

/// Throws cad::UsageError for inconsistent settings.
void check_rl_config(const RlConfig& config);

/// Scores completions instead of the reward pool (tests, custom rewards); one Reward per task.
using RewardFn = std::function<std::vector<Reward>(const std::vector<RewardTask>&)>;

/// Result of a run.
struct RlResult {
  std::int64_t step = 0;           ///< steps done
  double reward_mean = 0.0;        ///< mean reward of the last step
  double val_exec = -1.0;          ///< last validation's exec rate (-1 = none)
  double val_iou = -1.0;           ///< last validation's mean IoU over executed programs
  std::string checkpoint;          ///< the last checkpoint written
  bool finished = false;           ///< reached `steps` (final/ written)
  std::int64_t skipped_steps = 0;  ///< updates skipped for non-finite gradients
};

/// Runs RL (cad-rl train). Loads the policy from `init` (and a frozen reference copy when
/// algorithm.beta > 0), or from the newest checkpoint with `resume`; each step takes
/// prompts_per_step prompts in a seeded order, samples G rollouts each, scores them (the
/// reward pool, or `custom_reward`), computes group advantages and updates the policy
/// `algorithm.updates` times against the rollout policy's log-probabilities. Writes
/// out_dir/metrics.jsonl, completions.jsonl, checkpoints/step-NNNNNNN and final/ (cad-sft's
/// checkpoint format; cad-generate reads them). Randomness depends on (seed, step) only, so a
/// resumed run repeats an uninterrupted one. With world_size > 1 each process takes every
/// world_size-th prompt of a step and gradients are summed over the processes. SIGINT/SIGTERM
/// stop after the current step with a checkpoint. Throws cad::Error / cad::UsageError.
RlResult train_rl(const RlConfig& config, const RewardFn& custom_reward = {});

/// cadrille's hard-example mining (cad-rl mine).
struct MineConfig {
  std::string model;     ///< checkpoint to sample (the SFT model)
  std::string data_dir;  ///< dataset folder
  std::string split = "train";
  std::string output = "-";  ///< JSONL of the kept records
  std::string task = "drawing", expert = "views", text = "abstract";
  std::int64_t samples = 3;  ///< k samples per record
  double threshold = 7.5;    ///< keep records whose mean reward is below this
  RewardConfig reward;
  int reward_jobs = 2;
  RolloutOptions rollout;          ///< temperature, top-p, top-k, max new tokens (group = samples)
  std::int64_t batch_prompts = 8;  ///< records sampled together
  std::uint64_t seed = 0;
  std::string device;
  bool progress = true;
};

/// What mining found.
struct MineResult {
  std::size_t records = 0;   ///< records read
  std::size_t kept = 0;      ///< records written (mean reward below the threshold)
  std::size_t failed = 0;    ///< records that could not be prompted (reported, not written)
  double mean_reward = 0.0;  ///< over the records scored
};

/// Samples `samples` completions of every record at the rollout temperature, scores them with
/// the reward and writes the records whose mean reward is below `threshold` (each with its
/// `mined_reward`), in input order. Throws cad::Error / cad::UsageError.
MineResult mine_hard_examples(const MineConfig& config);

}  // namespace cad::rl
