// cad-generate: sample CadQuery code (and its chain of thought) from a trained model.
#include <CLI/CLI.hpp>

#include "core/cli.h"
#include "ml/generate_run.h"
#include "ml/openmp_env.h"
#include "ml/sft.h"

int main(int argc, char** argv) {
  cad::ml::use_passive_openmp_wait(argv);
  cad::core::CommonOptions common;
  cad::ml::GenerateConfig config;
  bool quiet = false, no_cache = false;
  CLI::App app{
      "Generate CadQuery code with a model trained by cad-sft: for every dataset record (cad-\n"
      "dataset-build's JSONL) the prompt of --task with --expert's prompt, then --num-samples\n"
      "samples, batched, with a KV cache. One JSONL record per sample (id, sample, code, cot,\n"
      "token counts, log-probability), ready for cad-exec and cad-eval.\n\n"
      "  cad-generate --model runs/sft-tiny/final -i data/tiny/test.jsonl > gen.jsonl\n"
      "  cad-generate --model runs/points-tiny/final --task points -i scans/ -k 4 \\\n"
      "    --temperature 0.9 > gen.jsonl\n\n"
      "--task points reads each record's `mesh` (else `step`) file, or, when -i is a folder,\n"
      "every .stl/.ply/.obj/.step/.brep file in it (id = the file's stem; a user's scans, no\n"
      "code needed), or one such file; the cloud is made as in training (surface samples,\n"
      "farthest-point sampling, the model's point frame).\n"
      "  cad-generate --model M -i test.jsonl --num-samples 4 --temperature 0.9 --top-p 0.95\n\n"
      "Exit status: 0 when every record was processed (failures are records with status\n"
      "\"error\"), 1 on a runtime failure (unreadable model or input), 2 on a usage error.\n"
      "Runs with OMP_WAIT_POLICY=PASSIVE unless the variable is set (idle OpenMP threads sleep\n"
      "instead of spinning against OpenBLAS's; see tools/cad-generate/README.md)."};
  cad::core::add_common_options(app, common);
  app.add_option("--model", config.model_dir, "checkpoint directory (cad-sft's OUT/final)")
      ->required();
  app.add_option("--data-dir", config.data_dir,
                 "folder the records' image and mesh paths are relative to (default: the input's)");
  app.add_option("--task", config.task, "drawing, image, text, dims or points")
      ->capture_default_str();
  app.add_option("--expert", config.expert, "expert prompt: views, planner or coords")
      ->capture_default_str();
  app.add_option("--text", config.text, "text task input: abstract or detailed")
      ->capture_default_str();
  app.add_option("-k,--num-samples", config.num_samples, "samples per record")
      ->capture_default_str();
  app.add_option("--temperature", config.temperature, "sampling temperature (0 = greedy)")
      ->capture_default_str();
  app.add_option("--top-p", config.top_p, "nucleus sampling mass")->capture_default_str();
  app.add_option("--max-new-tokens", config.max_new_tokens, "new tokens per sample at most")
      ->capture_default_str();
  app.add_option("--batch-size", config.batch_size, "samples generated together")
      ->capture_default_str();
  app.add_flag("--no-cache", no_cache, "recompute the whole sequence at every step (slow)");
  app.add_option("--device", config.device, "cpu, cuda, cuda:N (default: the checkpoint's)");
  app.add_option("--dtype", config.dtype,
                 "float32, or bfloat16 = bf16 autocast (default: the checkpoint's)");
  cad::core::add_shard_option(app, config.shard);
  app.add_flag("-q,--quiet", quiet, "no progress on stderr");
  return cad::core::run_tool("cad-generate", argc, argv, app, [&] {
    cad::ml::set_torch_threads(common.threads);
    config.input = common.input;
    config.output = common.output;
    config.seed = common.seed;
    config.use_cache = !no_cache;
    config.progress = !quiet;
    cad::ml::run_generate(config);
    return 0;
  });
}
