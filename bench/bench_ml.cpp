// Training and generation speed of the transformer in LibTorch, and the machine's matrix product
// peak. bench/ml.sh runs it beside bench/ml_pytorch.py (the same model in PyTorch) on the CPU;
// bench/gpu.sh on CUDA in bf16 autocast and fp32. Needs only the model-and-trainer core.
//
//   bench_ml [--threads N] [--batch B] [--seq T] [--steps S] [--vocab V] [--new-tokens N]
//            [--model configs/models/tiny.yaml] [--device cpu|cuda] [--dtype float32|bfloat16]
//
// Prints one JSON object: train tokens/s, step time, the loss of every timed step (one fixed
// batch, so the curve falls as it is memorized: fp32 and bf16 runs compare), estimated FLOP/s of
// a training step and its share of the measured matmul peak (CPU), generation tokens/s with and
// without the KV cache (--new-tokens 0: none).
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "ml/model_config.h"
#include "ml/precision.h"
#include "ml/sampler.h"
#include "ml/trainer.h"
#include "ml/transformer.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Float32 matrix-product rate of an n x n x n at::mm, GFLOP/s (best of `reps`).
double matmul_peak(int n, int reps) {
  at::Tensor a = at::randn({n, n}), b = at::randn({n, n});
  at::mm(a, b);
  double best = 1e30;
  for (int i = 0; i < reps; ++i) {
    auto start = std::chrono::steady_clock::now();
    at::Tensor c = at::mm(a, b);
    best = std::min(best, seconds_since(start));
  }
  return 2.0 * n * n * n / best / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1, batch = 8, seq = 256, steps = 10, vocab = 4096, new_tokens = 512;
  std::string model_path = std::string(CAD_SOURCE_DIR) + "/configs/models/tiny.yaml";
  std::string device = "cpu", dtype = "float32";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (key == "--model")
      model_path = argv[i + 1];
    else if (key == "--device")
      device = argv[i + 1];
    else if (key == "--dtype")
      dtype = argv[i + 1];
    else if (key == "--threads")
      threads = value;
    else if (key == "--batch")
      batch = value;
    else if (key == "--seq")
      seq = value;
    else if (key == "--steps")
      steps = value;
    else if (key == "--vocab")
      vocab = value;
    else if (key == "--new-tokens")
      new_tokens = value;
    else {
      std::fprintf(stderr, "bench_ml: unknown option %s\n", key.c_str());
      return 2;
    }
  }
  at::set_num_threads(threads);
  torch::manual_seed(0);

  cad::ml::ModelConfig config = cad::ml::load_model_config(model_path);
  config.vocab_size = vocab;
  config.vision = false;  // text tokens only: the same work as the PyTorch twin
  config.points = false;
  config.device = device;
  config.dtype = dtype;
  config.context = std::max<std::int64_t>(config.context, seq + 16);
  cad::ml::Transformer model(config);
  cad::ml::place_model(model);
  const bool on_cpu = model->device().is_cpu();
  model->train();
  torch::optim::AdamW optimizer(model->parameters(),
                                torch::optim::AdamWOptions(1e-3).weight_decay(0.01));

  at::Tensor tokens = at::randint(vocab, {batch, seq + 1}, at::kLong);
  cad::ml::LmBatch lm_batch;
  lm_batch.inputs = tokens.narrow(1, 0, seq).to(model->device());
  lm_batch.targets = tokens.narrow(1, 1, seq).to(model->device());
  auto step = [&] {
    optimizer.zero_grad();
    at::Tensor loss = cad::ml::lm_batch_loss(*model, lm_batch);
    loss.backward();
    torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
    optimizer.step();
    return loss.item<double>();
  };
  for (int i = 0; i < 3; ++i) step();  // warm-up
  auto start = std::chrono::steady_clock::now();
  double loss = 0;
  std::vector<double> losses;
  for (int i = 0; i < steps; ++i) losses.push_back(loss = step());
  const double train_s = seconds_since(start) / steps;
  const double train_tps = batch * seq / train_s;

  // FLOPs of a training step: 6 per parameter per token for the matrix products (forward 2,
  // backward 4; the tied output projection counted once as part of the embedding), plus
  // attention scores and weighted values: 4 * T * d per token per layer forward, x3 with backward.
  const double d = config.d_model;
  const double n_matmul = static_cast<double>(model->num_parameters()) - 2.0 * d * config.n_layers -
                          d;  // norms are not matrix products
  const double flops_per_token = 6.0 * n_matmul + 3.0 * 4.0 * seq * d * config.n_layers / 2.0;
  const double achieved = flops_per_token * batch * seq / train_s / 1e9;
  const double peak = on_cpu ? matmul_peak(1024, 5) : 0.0;  // CPU only

  // Generation: one prompt of 16 tokens, `new_tokens` greedy tokens, with and without cache.
  model->eval();
  std::vector<std::vector<std::int64_t>> prompt{std::vector<std::int64_t>(16, 5)};
  cad::ml::SamplingOptions options;
  options.max_new_tokens = new_tokens;
  auto gen = [&](bool cache, int count) {
    options.use_cache = cache;
    options.max_new_tokens = count;
    auto s = std::chrono::steady_clock::now();
    auto out = cad::ml::generate(model, prompt, options);
    return out[0].tokens.size() / seconds_since(s);
  };
  const double cached = new_tokens > 0 ? gen(true, new_tokens) : 0.0;
  const double uncached = new_tokens > 0 ? gen(false, new_tokens) : 0.0;

  nlohmann::json result{{"impl", "libtorch"},
                        {"torch", TORCH_VERSION},
                        {"model", config.name},
                        {"d_model", config.d_model},
                        {"n_layers", config.n_layers},
                        {"n_heads", config.n_heads},
                        {"n_kv_heads", config.n_kv_heads},
                        {"ffn_hidden", config.ffn_width()},
                        {"vocab", vocab},
                        {"device", device},
                        {"dtype", dtype},
                        {"fused_attention", cad::ml::fused_attention_available()},
                        {"losses", losses},
                        {"threads", threads},
                        {"batch", batch},
                        {"seq", seq},
                        {"params", model->num_parameters()},
                        {"loss", loss},
                        {"train_step_ms", train_s * 1e3},
                        {"train_tokens_per_s", train_tps},
                        {"train_gflops", achieved},
                        {"matmul_peak_gflops", peak},
                        {"share_of_peak", peak > 0 ? achieved / peak : 0.0},
                        {"gen_new_tokens", new_tokens},
                        {"gen_tokens_per_s_cache", cached},
                        {"gen_tokens_per_s_no_cache", uncached},
                        {"cache_speedup", uncached > 0 ? cached / uncached : 0.0}};
  std::printf("%s\n", result.dump().c_str());
  return 0;
}
