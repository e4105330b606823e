// The command-line options cad-sft and cad-rl share: one registration, one wording.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace cad::ml {

/// Registers --lr, --min-lr-ratio, --warmup, --weight-decay, --beta1, --beta2 and --clip on the
/// fields of the same names of `config` (SftConfig, RlConfig); `prefix` starts each help text
/// (cad-rl's "train: ").
template <typename Config>
void add_optimizer_options(CLI::App& app, Config& config, const std::string& prefix = "") {
  app.add_option("--lr", config.lr, prefix + "peak learning rate")->capture_default_str();
  app.add_option("--min-lr-ratio", config.min_lr_ratio,
                 prefix + "final learning rate / peak, the cosine's floor (1 = constant)")
      ->capture_default_str();
  app.add_option("--warmup", config.warmup, prefix + "linear warmup steps")->capture_default_str();
  app.add_option("--weight-decay", config.weight_decay, prefix + "AdamW weight decay")
      ->capture_default_str();
  app.add_option("--beta1", config.beta1, prefix + "AdamW beta1")->capture_default_str();
  app.add_option("--beta2", config.beta2, prefix + "AdamW beta2")->capture_default_str();
  app.add_option("--clip", config.clip, prefix + "gradient norm clip (0 = none)")
      ->capture_default_str();
}

/// Registers --checkpoint-every, --keep-checkpoints, --log-every and --stop-after.
template <typename Config>
void add_checkpoint_options(CLI::App& app, Config& config, const std::string& prefix = "") {
  app.add_option("--checkpoint-every", config.checkpoint_every,
                 prefix + "checkpoint every N steps (0 = only at the end)")
      ->capture_default_str();
  app.add_option("--keep-checkpoints", config.keep_checkpoints, prefix + "step checkpoints kept")
      ->capture_default_str();
  app.add_option("--log-every", config.log_every, prefix + "metrics line every N steps")
      ->capture_default_str();
  app.add_option("--stop-after", config.stop_after,
                 prefix + "stop after this step with a checkpoint (0 = run all steps)")
      ->capture_default_str();
}

}  // namespace cad::ml
