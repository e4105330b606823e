// cad-sft: train a tokenizer, and fine-tune (MEFT / SFT) a drawing/image/text/points-to-CadQuery
// model.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/cli.h"
#include "core/error.h"
#include "core/log.h"
#include "ml/openmp_env.h"
#include "ml/process_group.h"
#include "ml/sft.h"
#include "ml/sft_data.h"
#include "ml/tokenizer.h"
#include "ml/trainer_options.h"

int main(int argc, char** argv) {
  cad::ml::use_passive_openmp_wait(argv);
  cad::core::CommonOptions common;
  cad::ml::SftConfig config;
  std::vector<std::string> tasks = {"drawing"};
  std::string name;
  std::string split = "train";
  bool no_cot = false, no_meft = false, quiet = false;
  CLI::App app{
      "Supervised fine-tuning of the cadrl transformer (CME-CAD's multi-expert fine-tuning, "
      "ReCAD's\n"
      "SFT) on a cad-dataset-build folder, and the byte-level BPE tokenizer it uses.\n\n"
      "  cad-sft tokenizer --data data/tiny -o tokenizer.json --vocab-size 2048\n"
      "  cad-sft train --config configs/sft/tiny.yaml [--steps N ...] [--resume]\n\n"
      "train writes OUT/metrics.jsonl, OUT/checkpoints/step-NNNNNNN/ and OUT/final/ (OUT =\n"
      "--out-dir, else runs/<name>). Options given on the command line win over the config file.\n"
      "Runs with OMP_WAIT_POLICY=PASSIVE unless the variable is set (idle OpenMP threads sleep\n"
      "instead of spinning against OpenBLAS's; see tools/cad-sft/README.md)."};
  cad::core::add_common_options(app, common);
  // The common -i/-o describe JSONL streams; here -o is the tokenizer file and -i is unused.
  app.get_option("-o")->description("tokenizer: where tokenizer.json is written (required there)");
  app.get_option("-i")->description("not used by cad-sft (the data comes from --data)");
  app.require_subcommand(1, 1);
  auto* tokenizer_cmd =
      app.add_subcommand("tokenizer", "train a tokenizer on a dataset split (-o tokenizer.json)");
  auto* train_cmd = app.add_subcommand("train", "train a model");
  tokenizer_cmd->fallthrough();
  train_cmd->fallthrough();
  // The options belong to the tool (they fall through to the subcommands): say where they are.
  for (auto* cmd : {tokenizer_cmd, train_cmd})
    cmd->footer("Every option of the tool applies here: see `cad-sft --help` for the list.");

  app.add_option("--data", config.data_dir, "dataset folder (train.jsonl, val.jsonl, images)");
  app.add_option("--split", split, "split the tokenizer is trained on")->capture_default_str();
  app.add_option("--vocab-size", config.vocab_size,
                 "tokenizer size (specials + 256 bytes + merges); train: used when no "
                 "--tokenizer is given")
      ->capture_default_str();
  app.add_option("--model", config.model_config, "model config YAML (configs/models/*.yaml)");
  app.add_option("--tokenizer", config.tokenizer,
                 "tokenizer.json (train; empty = train one on the train split)");
  app.add_option("--name", name, "run name: the output folder is runs/<name>");
  app.add_option("--out-dir", config.out_dir, "output folder (overrides --name)");
  app.add_option("--tasks", tasks,
                 "task mix: drawing, image, text, dims, points, each optionally :weight "
                 "(e.g. drawing:2,text); points needs a model with `points: true`")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--point-noise", config.data.point_noise,
                 "points task: sigma of cadrille's Gaussian training noise in the model's point "
                 "frame (cadrille: 0.01; 0 = off)")
      ->capture_default_str();
  app.add_option("--point-noise-probability", config.data.point_noise_probability,
                 "points task: share of clouds the noise is applied to (cadrille: 0.5)")
      ->capture_default_str();
  app.add_option("--experts", config.data.experts, "expert styles: views, planner, coords")
      ->delimiter(',')
      ->capture_default_str();
  app.add_flag("--no-meft", no_meft,
               "one expert per sample and epoch instead of every expert (MEFT)");
  app.add_flag("--no-cot", no_cot, "target the code alone, without <think>CoT</think>");
  app.add_option("--text", config.data.text, "text task input: abstract, detailed or both")
      ->capture_default_str();
  app.add_option("--steps", config.steps, "optimizer steps")->capture_default_str();
  app.add_option("--batch-size", config.batch_size, "sequences per micro-batch")
      ->capture_default_str();
  app.add_option("--grad-accum", config.grad_accum, "micro-batches per optimizer step")
      ->capture_default_str();
  cad::ml::add_optimizer_options(app, config);
  app.add_option("--eval-every", config.eval_every,
                 "validation loss every N steps (0 = at the end)")
      ->capture_default_str();
  app.add_option("--val-examples", config.val_examples, "validation examples (0 = all)")
      ->capture_default_str();
  cad::ml::add_checkpoint_options(app, config);
  app.add_option("--device", config.device, "cpu, cuda, cuda:N (default: the model config's)");
  app.add_option("--dtype", config.dtype,
                 "float32, or bfloat16 = bf16 autocast with fp32 master weights (default: the "
                 "model config's)");
  app.add_flag("--resume", config.resume, "continue the run from its newest checkpoint");
  app.add_flag("--overwrite", config.overwrite,
               "replace a run already in the output folder (its checkpoints, final/ and "
               "metrics); without it (or --resume) such a folder is refused");
  app.add_flag("-q,--quiet", quiet, "no progress bar");

  return cad::core::run_tool("cad-sft", argc, argv, app, [&]() {
    cad::ml::set_torch_threads(common.threads);
    if (config.data_dir.empty()) throw cad::UsageError("--data is required");
    if (tokenizer_cmd->parsed()) {
      if (common.output == "-") throw cad::UsageError("give the tokenizer's path with -o");
      const auto records = cad::ml::read_dataset_records(config.data_dir, split);
      cad::ml::Tokenizer tokenizer;
      tokenizer.train(cad::ml::tokenizer_corpus(records), config.vocab_size);
      tokenizer.save(common.output);
      cad::core::logger().info("{} ids ({} merges) from {} records -> {}", tokenizer.vocab_size(),
                               tokenizer.num_merges(), records.size(), common.output);
      return 0;
    }
    if (config.model_config.empty()) throw cad::UsageError("--model is required");
    if (config.out_dir.empty()) {
      if (name.empty()) throw cad::UsageError("give --out-dir or --name");
      config.out_dir = (std::filesystem::path("runs") / name).string();
    }
    config.data.tasks.clear();
    for (const auto& t : tasks) config.data.tasks.push_back(cad::ml::parse_task_weight(t));
    config.data.cot = !no_cot;
    config.data.meft = !no_meft;
    config.seed = common.seed;
    config.progress = !quiet;
    const cad::ml::DistributedEnv env = cad::ml::distributed_env_from_environment();
    config.rank = env.rank;
    config.world_size = env.world_size;
    config.local_rank = env.local_rank;
    config.master_addr = env.master_addr;
    config.master_port = env.master_port;
    const cad::ml::SftResult result = cad::ml::train_sft(config);
    const nlohmann::json summary = {{"step", result.step},
                                    {"loss", result.loss},
                                    {"val_loss", result.val_loss},
                                    {"tokens_per_s", result.tokens_per_s},
                                    {"checkpoint", result.checkpoint},
                                    {"finished", result.finished},
                                    {"skipped_steps", result.skipped_steps}};
    std::printf("%s\n", summary.dump().c_str());
    return 0;
  });
}
