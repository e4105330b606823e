// cad-rl: reinforcement learning of a cad-sft model on executed-code rewards (GRPO, Dr. GRPO,
// DAPO, Dr. CPPO), and cadrille's hard-example mining.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/cli.h"
#include "core/error.h"
#include "ml/openmp_env.h"
#include "ml/process_group.h"
#include "ml/sft.h"
#include "ml/trainer_options.h"
#include "rl/trainer.h"

namespace {

// An algorithm option: the value given (command line or config), else the algorithm's
// published default, which also becomes the option's default text (so --dry-run prints it).
template <typename T>
struct Override {
  T value{};
  CLI::Option* option = nullptr;
  void resolve(const T& published) {
    if (option->count() > 0) return;
    value = published;
    std::ostringstream text;
    text << std::boolalpha << published;
    option->default_str(text.str());
  }
};

}  // namespace

int main(int argc, char** argv) {
  cad::ml::use_passive_openmp_wait(argv);
  cad::core::CommonOptions common;
  cad::rl::RlConfig config;
  cad::rl::MineConfig mine;
  std::string name, algorithm = "grpo";
  bool quiet = false;
  Override<bool> scale_by_std, dynamic_sampling, mask_truncated;
  Override<double> eps_low, eps_high, kl_beta, loss_constant;
  Override<std::string> kl_estimator, loss_aggregation;
  Override<std::int64_t> keep_top, updates;
  CLI::App app{
      "Reinforcement learning of a cad-sft model on rewards from executed code (CME-CAD's and\n"
      "ReCAD's RL stage, cadrille's Dr. CPPO), and cadrille's hard-example mining.\n\n"
      "  cad-rl train --config configs/rl/tiny.yaml [--steps N ...] [--resume | --overwrite]\n"
      "  cad-rl mine --model runs/sft-tiny/final --data data/sft-tiny -o hard.jsonl\n\n"
      "train writes OUT/metrics.jsonl (one line per step: reward and its parts, exec rate, mean\n"
      "IoU, KL, entropy, clip fraction, ratios, time split), OUT/completions.jsonl, OUT/\n"
      "checkpoints/step-NNNNNNN/ and OUT/final/ in cad-sft's format (cad-generate reads them).\n"
      "--algorithm sets the published defaults (grpo, dr_grpo, dapo, cppo); options given\n"
      "explicitly (command line or config) win. Rollout code runs in --reward-jobs sandboxed\n"
      "worker processes (time and memory limits per sample). Several processes: launch with\n"
      "torchrun's RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT (Gloo).\n"
      "Runs with OMP_WAIT_POLICY=PASSIVE unless the variable is set.\n\n"
      "Exit status: 0 done (or stopped by SIGINT/SIGTERM with a checkpoint), 1 runtime failure,\n"
      "2 usage error."};
  cad::core::add_common_options(app, common);
  // The common -i/-o describe JSONL streams: here -o is mine's output and -i is unused.
  app.get_option("-o")->description("mine: the mined records, JSONL (- = stdout)");
  app.get_option("-i")->description("not used by cad-rl (the data comes from --data / --prompts)");
  app.require_subcommand(1, 1);
  auto* train_cmd = app.add_subcommand("train", "run RL from a cad-sft checkpoint");
  auto* mine_cmd = app.add_subcommand(
      "mine", "write the records whose mean reward over --samples samples is below --threshold");
  train_cmd->fallthrough();
  mine_cmd->fallthrough();
  // The options belong to the tool (they fall through to the subcommands): say where they are.
  for (auto* cmd : {train_cmd, mine_cmd})
    cmd->footer(
        "Every option of the tool applies here (those marked train: or mine: to that "
        "subcommand): see `cad-rl --help` for the list.");

  // Data and prompts.
  app.add_option("--init", config.init, "train: cad-sft checkpoint the policy starts from");
  app.add_option("--model", mine.model, "mine: checkpoint to sample");
  app.add_option("--data", config.data_dir, "dataset folder (<split>.jsonl and its images)");
  app.add_option("--split", config.split, "split the prompts come from")->capture_default_str();
  app.add_option("--prompts", config.prompts,
                 "train: JSONL of records instead of the split (e.g. mine's output)");
  app.add_option("--val-split", config.val_split,
                 "train: split of the greedy validation (\"\" = none)")
      ->capture_default_str();
  app.add_option("--name", name, "train: run name: the output folder is runs/<name>");
  app.add_option("--out-dir", config.out_dir, "train: output folder (overrides --name)");
  app.add_option("--task", config.task, "drawing, image, text, dims or points")
      ->capture_default_str();
  app.add_option("--expert", config.expert, "expert prompt: views, planner or coords")
      ->capture_default_str();
  app.add_option("--text", config.text, "text task input: abstract or detailed")
      ->capture_default_str();
  // CME-CAD's MERL.
  app.add_option("--experts", config.experts,
                 "train: MERL: sample every input under each of these experts' prompts, G "
                 "samples and one group each (comma-separated; default: --expert alone, which "
                 "also stays the validation prompt)")
      ->delimiter(',');
  app.add_option("--no-cot", config.no_cot,
                 "train: HSB's SFT targets are code only (a model trained with no-cot)")
      ->capture_default_str();
  app.add_option("--eiae", config.eiae,
                 "train: MERL's EIAE: advantage against the mean of the same expert's group, no "
                 "std, only max(A, 0) in the loss")
      ->capture_default_str();
  app.add_option("--mecl-weight", config.mecl_weight,
                 "train: MERL's MECL weight (0 = off): per input, the KL that pulls the weakest "
                 "expert's distribution on the strongest expert's best executed answer toward "
                 "the strongest expert's")
      ->capture_default_str();
  app.add_option("--hsb-chunks", config.hsb_chunks,
                 "train: MERL's HSB: the run in M chunks (0 = off); SFT on the hard sample buffer "
                 "after each")
      ->capture_default_str();
  app.add_option("--hsb-k", config.hsb_k,
                 "train: HSB: an (input, expert) with more than K of its G samples wrong enters "
                 "the buffer with probability K/G")
      ->capture_default_str();
  app.add_option("--hsb-iou", config.hsb_iou,
                 "train: HSB: a sample is wrong when it fails or its IoU is below this")
      ->capture_default_str();
  app.add_option("--hsb-epochs", config.hsb_epochs, "train: HSB: SFT passes over the buffer")
      ->capture_default_str();
  app.add_option("--hsb-batch", config.hsb_batch, "train: HSB: buffered inputs per SFT step")
      ->capture_default_str();
  app.add_option("--hsb-lr", config.hsb_lr,
                 "train: HSB: SFT learning rate (0 = the RL learning rate of that step)")
      ->capture_default_str();
  // Algorithm.
  app.add_option("--algorithm", algorithm, "grpo, dr_grpo, dapo or cppo (sets the defaults below)")
      ->capture_default_str();
  scale_by_std.option = app.add_option("--scale-by-std", scale_by_std.value,
                                       "divide advantages by the group std (grpo, dapo: true)");
  eps_low.option = app.add_option("--eps-low", eps_low.value, "PPO clip below 1 (0.2; cppo 0.1)");
  eps_high.option =
      app.add_option("--eps-high", eps_high.value, "PPO clip above 1 (0.2; dapo 0.28; cppo 0.1)");
  kl_beta.option = app.add_option("--kl-beta", kl_beta.value,
                                  "KL weight (grpo 0.04, others 0); > 0 keeps a frozen reference");
  kl_estimator.option = app.add_option("--kl-estimator", kl_estimator.value, "k1, k2 or k3 (k3)");
  loss_aggregation.option =
      app.add_option("--loss-aggregation", loss_aggregation.value,
                     "sequence-mean (grpo, cppo), token-mean (dapo), token-sum (dr_grpo)");
  loss_constant.option = app.add_option("--loss-constant", loss_constant.value,
                                        "token-sum's divisor per sequence (0 = --max-new-tokens)");
  dynamic_sampling.option = app.add_option("--dynamic-sampling", dynamic_sampling.value,
                                           "drop groups whose rewards are all equal (dapo: true)");
  mask_truncated.option =
      app.add_option("--mask-truncated", mask_truncated.value,
                     "no loss on completions that hit --max-new-tokens (dapo: true)");
  keep_top.option = app.add_option("--keep-top", keep_top.value,
                                   "keep the N samples of largest |advantage| per group (cppo 4)");
  updates.option =
      app.add_option("--updates", updates.value, "gradient updates per rollout batch (cppo 3)");
  // Reward.
  auto& reward = config.reward;
  app.add_option("--reward", reward.kind, "cadrille, cmecad or recad")->capture_default_str();
  app.add_option("--reward-scale", reward.scale, "cadrille: reward of IoU 1")
      ->capture_default_str();
  app.add_option("--reward-invalid", reward.invalid, "cadrille: reward of code that fails")
      ->capture_default_str();
  app.add_option("--iou-weight", reward.iou_weight, "cmecad: l_iou")->capture_default_str();
  app.add_option("--plane-weight", reward.plane_weight, "cmecad: l_plane")->capture_default_str();
  app.add_option("--dims-weight", reward.dims_weight,
                 "cmecad: weight of the dimension agreement term (ours; 0 = off): the share of "
                 "the drawing's dimensions the solid reproduces (cad-eval --metrics dims)")
      ->capture_default_str();
  app.add_option("--plane-beta", reward.plane_beta, "R_plane's origin weight")
      ->capture_default_str();
  app.add_option("--plane-gamma", reward.plane_gamma, "R_plane's axis weight")
      ->capture_default_str();
  app.add_option("--geom-weight", reward.geom_weight, "recad: weight of min(IoU_best, phi(sim))")
      ->capture_default_str();
  app.add_option("--format-weight", reward.format_weight, "recad: weight of R_format")
      ->capture_default_str();
  app.add_option("--sim-threshold", reward.sim_threshold, "recad: phi's threshold")
      ->capture_default_str();
  app.add_option("--reward-timeout", reward.timeout_s, "seconds per sample's execution")
      ->capture_default_str();
  app.add_option("--reward-memory", reward.memory_mib, "MiB per reward worker (0 = no limit)")
      ->capture_default_str();
  app.add_option("--reward-jobs", config.reward_jobs,
                 "sandboxed reward worker processes (0 = in-process, no isolation)")
      ->capture_default_str();
  // Rollouts.
  auto& rollout = config.rollout;
  app.add_option("-G,--group-size", rollout.group_size, "samples per prompt")
      ->capture_default_str();
  app.add_option("--temperature", rollout.temperature, "sampling temperature (> 0)")
      ->capture_default_str();
  app.add_option("--top-p", rollout.top_p, "nucleus mass")->capture_default_str();
  app.add_option("--top-k", rollout.top_k, "top-k (0 = off)")->capture_default_str();
  app.add_option("--max-new-tokens", rollout.max_new_tokens, "per sample")->capture_default_str();
  // Training.
  app.add_option("--steps", config.steps, "train: RL steps")->capture_default_str();
  app.add_option("--prompts-per-step", config.prompts_per_step,
                 "train: prompts per step (all processes)")
      ->capture_default_str();
  app.add_option("--micro-batch", config.micro_batch, "train: rows per forward/backward (0 = all)")
      ->capture_default_str();
  cad::ml::add_optimizer_options(app, config, "train: ");
  app.add_option("--completions-every", config.completions_every,
                 "train: completions log every N steps (0 = never)")
      ->capture_default_str();
  app.add_option("--val-every", config.val_every,
                 "train: greedy validation every N steps (0 = at the end)")
      ->capture_default_str();
  app.add_option("--val-examples", config.val_examples, "train: validation records (0 = all)")
      ->capture_default_str();
  cad::ml::add_checkpoint_options(app, config, "train: ");
  app.add_option("--device", config.device, "cpu, cuda, cuda:N (default: the checkpoint's)");
  app.add_flag("--resume", config.resume, "train: continue from the newest checkpoint");
  app.add_flag("--overwrite", config.overwrite,
               "train: replace a run already in the output folder");
  // Mining.
  app.add_option("--samples", mine.samples, "mine: samples per record")->capture_default_str();
  app.add_option("--threshold", mine.threshold, "mine: keep records whose mean reward is below")
      ->capture_default_str();
  app.add_option("--batch-prompts", mine.batch_prompts, "mine: records sampled together")
      ->capture_default_str();
  app.add_flag("-q,--quiet", quiet, "no progress bar");
  // After the command line and the config file: the algorithm's defaults for what was not given.
  app.parse_complete_callback([&] {
    cad::rl::AlgorithmConfig published;
    try {
      published = cad::rl::algorithm_defaults(algorithm);
    } catch (const cad::UsageError& e) {
      throw CLI::ValidationError("--algorithm", e.what());
    }
    scale_by_std.resolve(published.scale_by_std);
    eps_low.resolve(published.eps_low);
    eps_high.resolve(published.eps_high);
    kl_beta.resolve(published.beta);
    kl_estimator.resolve(published.kl_estimator);
    loss_aggregation.resolve(cad::rl::to_string(published.aggregation));
    loss_constant.resolve(published.loss_constant);
    dynamic_sampling.resolve(published.dynamic_sampling);
    mask_truncated.resolve(published.mask_truncated);
    keep_top.resolve(published.keep_top);
    updates.resolve(published.updates);
  });

  return cad::core::run_tool("cad-rl", argc, argv, app, [&]() {
    cad::ml::set_torch_threads(common.threads);
    if (mine_cmd->parsed()) {
      mine.data_dir = config.data_dir;
      mine.split = config.split;
      mine.output = common.output;
      mine.task = config.task;
      mine.expert = config.expert;
      mine.text = config.text;
      mine.reward = config.reward;
      mine.reward_jobs = config.reward_jobs;
      mine.rollout = config.rollout;
      mine.seed = common.seed;
      mine.device = config.device;
      mine.progress = !quiet;
      const auto result = cad::rl::mine_hard_examples(mine);
      return result.records > 0 && result.failed == result.records ? 1 : 0;
    }
    if (config.out_dir.empty()) {
      if (name.empty()) throw cad::UsageError("give --out-dir or --name");
      config.out_dir = (std::filesystem::path("runs") / name).string();
    }
    cad::rl::AlgorithmConfig algo = cad::rl::algorithm_defaults(algorithm);
    algo.scale_by_std = scale_by_std.value;
    algo.eps_low = eps_low.value;
    algo.eps_high = eps_high.value;
    algo.beta = kl_beta.value;
    algo.kl_estimator = kl_estimator.value;
    algo.aggregation = cad::rl::parse_aggregation(loss_aggregation.value);
    algo.loss_constant = loss_constant.value;
    algo.dynamic_sampling = dynamic_sampling.value;
    algo.mask_truncated = mask_truncated.value;
    algo.keep_top = keep_top.value;
    algo.updates = updates.value;
    config.algorithm = algo;
    config.seed = common.seed;
    config.progress = !quiet;
    const cad::ml::DistributedEnv env = cad::ml::distributed_env_from_environment();
    config.rank = env.rank;
    config.world_size = env.world_size;
    config.local_rank = env.local_rank;
    config.master_addr = env.master_addr;
    config.master_port = env.master_port;
    const cad::rl::RlResult result = cad::rl::train_rl(config);
    const nlohmann::json summary = {{"step", result.step},
                                    {"reward_mean", result.reward_mean},
                                    {"val_exec", result.val_exec},
                                    {"val_iou", result.val_iou},
                                    {"checkpoint", result.checkpoint},
                                    {"finished", result.finished},
                                    {"skipped_steps", result.skipped_steps}};
    if (config.rank == 0) std::printf("%s\n", summary.dump().c_str());
    return 0;
  });
}
