// Supervised fine-tuning (CME-CAD's multi-expert fine-tuning, ReCAD's SFT): batches, the
// learning-rate schedule and the training loop with validation, metrics, checkpoints and resume.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ml/model_config.h"
#include "ml/sft_data.h"
#include "ml/tokenizer.h"
#include "ml/trainer.h"

namespace cad::ml {

/// Everything a training run needs (cad-sft train's options).
struct SftConfig {
  std::string model_config;        ///< model YAML (configs/models/*.yaml)
  std::string data_dir;            ///< dataset folder with train.jsonl (and val.jsonl)
  std::string tokenizer;           ///< tokenizer.json; "" = train one on the train split
  std::int64_t vocab_size = 2048;  ///< size of the tokenizer trained when `tokenizer` is ""
  std::string out_dir;             ///< run folder: metrics.jsonl, checkpoints/, final/
  SftDataOptions data;             ///< tasks, experts, CoT (image fields are set from the model)

  std::int64_t steps = 1000;         ///< optimizer steps
  std::int64_t batch_size = 8;       ///< sequences per micro-batch (per process)
  std::int64_t grad_accum = 1;       ///< micro-batches per optimizer step
  double lr = 1e-3;                  ///< peak learning rate
  double min_lr_ratio = 0.1;         ///< the cosine ends at lr * min_lr_ratio
  std::int64_t warmup = 50;          ///< linear warmup steps (from lr / warmup)
  double weight_decay = 0.01;        ///< AdamW decoupled weight decay
  double beta1 = 0.9, beta2 = 0.95;  ///< AdamW betas
  double clip = 1.0;                 ///< gradient norm clip (<= 0: none)
  std::int64_t eval_every = 100;     ///< validation loss every N steps (0 = never; also at the end)
  std::int64_t val_examples = 64;    ///< validation examples used (0 = all)
  std::int64_t checkpoint_every = 200;  ///< checkpoint every N steps (0 = only the final one)
  std::int64_t keep_checkpoints = 2;    ///< step checkpoints kept (the newest)
  std::int64_t log_every = 10;          ///< metrics line every N steps
  std::uint64_t seed = 0;               ///< model initialization and data order
  bool resume = false;          ///< continue from the newest checkpoint in out_dir/checkpoints
  bool overwrite = false;       ///< replace a run already in out_dir (see prepare_run_folder)
  std::int64_t stop_after = 0;  ///< stop (with a checkpoint) after this step, 0 = run to `steps`
  std::string device;           ///< "" = the model config's
  std::string dtype;            ///< "" = the model config's
  bool progress = true;         ///< progress bar / log lines on stderr
  int rank = 0;                 ///< this process (torchrun's RANK)
  int world_size = 1;           ///< number of processes (WORLD_SIZE); > 1 needs Gloo or NCCL
  int local_rank = -1;          ///< GPU index on this node (LOCAL_RANK; -1 = rank)
  std::string master_addr = "127.0.0.1";  ///< MASTER_ADDR of the process group's store
  int master_port = 29500;                ///< MASTER_PORT
};

/// The learning rate at optimizer step `step` (0-based; cosine_learning_rate): linear warmup from
/// lr / warmup to lr over `warmup` steps, then a cosine from lr down to lr * min_lr_ratio at
/// `steps`.
double sft_learning_rate(const SftConfig& config, std::int64_t step);

/// A padded batch on the CPU (the core's LmBatch, trainer.h).
using SftBatch = LmBatch;

/// Pads examples[indices] into a batch. Examples must all have the same prefix kind (an image,
/// a point cloud or none). The loss covers the target: position t predicts tokens[t + 1] when
/// t + 1 >= prompt_length. With `point_noise` > 0, each point cloud gets cadrille's noise
/// (cad::geom::add_point_noise) with `point_noise_probability`, from a generator seeded by
/// (noise_seed, row).
SftBatch make_sft_batch(const std::vector<SftExample>& examples,
                        const std::vector<std::size_t>& indices, std::int64_t pad_id,
                        double point_noise = 0.0, double point_noise_probability = 0.0,
                        std::uint64_t noise_seed = 0);

/// Point clouds of one size stacked into [N, point_count, 3] float. Throws cad::UsageError when
/// their sizes differ.
at::Tensor stack_points(const std::vector<std::shared_ptr<const SftPoints>>& clouds);

/// Result of a run.
struct SftResult {
  std::int64_t step = 0;           ///< optimizer steps done (the run's total so far)
  double loss = 0.0;               ///< mean training loss of the last logged window
  double val_loss = -1.0;          ///< last validation loss (-1 = none)
  double tokens_per_s = 0.0;       ///< training throughput of this invocation
  std::string checkpoint;          ///< the last checkpoint written
  bool finished = false;           ///< reached `steps` (final/ written)
  std::int64_t skipped_steps = 0;  ///< updates skipped for non-finite gradients (this run)
};

/// Trains a model (cad-sft train). Loads or trains the tokenizer, builds the datasets, seeds
/// and builds the model (or restores model, optimizer and step from the newest checkpoint with
/// `resume`), then steps AdamW with the schedule, clipping and accumulation. Writes
/// out_dir/metrics.jsonl ({step, loss, lr, tokens_per_s, ...} every log_every steps, {step,
/// val_loss} at validations), out_dir/checkpoints/step-NNNNNNN (every checkpoint_every steps,
/// the newest keep_checkpoints kept) and out_dir/final at the end. A resumed run continues the
/// same data order and optimizer state, so it matches an uninterrupted run. SIGINT/SIGTERM stop
/// after the current step with a checkpoint. With world_size > 1 every process takes its own
/// micro-batches (global micro-batch g * world_size + rank), the gradients are averaged over
/// the processes through a c10d Gloo group after backward (see process_group.h), and only rank 0
/// writes files. A folder that already holds a run needs `resume` or `overwrite`
/// (prepare_run_folder). Throws cad::Error / cad::UsageError.
SftResult train_sft(const SftConfig& config);

/// The newest step checkpoint under `out_dir`/checkpoints ("" if none).
std::string latest_sft_checkpoint(const std::string& out_dir);

/// Sets LibTorch's intra-op threads (at::set_num_threads) when `threads` >= 1.
void set_torch_threads(int threads);

/// Mean token loss of `model` over `examples` (eval mode, no gradients), in batches.
class TransformerImpl;
double sft_eval_loss(TransformerImpl& model, const std::vector<SftExample>& examples,
                     std::int64_t batch_size, std::int64_t pad_id);

}  // namespace cad::ml
