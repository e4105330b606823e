// Mixed precision (bf16 autocast, fp32 master weights), the fused / own attention paths, and the
// process group's broadcast and mean over two processes (Gloo). The model tests run on
// CAD_TEST_DEVICE (bench/gpu.sh: cuda).
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <vector>

#include "../corpus_dir.h"
#include "ml/checkpoint.h"
#include "ml/precision.h"
#include "ml/process_group.h"
#include "ml/safetensors.h"
#include "ml/sampler.h"
#include "ml/trainer.h"
#include "ml_test_util.h"

namespace fs = std::filesystem;
using namespace cad::ml;
using cad::ml::test::make_model;
using cad::ml::test::random_tokens;
using cad::ml::test::test_config;
using cad::ml::test::test_device;

namespace {

/// A text model (no vision) on the test device in `dtype`, seeded.
Transformer device_model(const std::string& dtype, std::uint64_t seed = 7) {
  ModelConfig config = test_config(96, false);
  config.device = test_device();
  config.dtype = dtype;
  Transformer model = make_model(config, seed);
  place_model(model);
  return model;
}

/// Losses of `steps` AdamW steps on one fixed batch (memorizing it).
std::vector<double> loss_curve(Transformer& model, int steps) {
  model->train();
  torch::optim::AdamW optimizer(model->parameters(),
                                torch::optim::AdamWOptions(3e-3).weight_decay(0.01));
  const at::Tensor tokens = random_tokens(4, 33, 96, 11);
  LmBatch batch;
  batch.inputs = tokens.narrow(1, 0, 32);
  batch.targets = tokens.narrow(1, 1, 32);
  std::vector<double> curve;
  for (int i = 0; i < steps; ++i) {
    optimizer.zero_grad();
    at::Tensor loss = lm_batch_loss(*model, batch);
    loss.backward();
    optimizer.step();
    curve.push_back(loss.item<double>());
  }
  REQUIRE(optimizer.state().size() == model->parameters().size());
  for (const auto& entry : optimizer.state()) {
    const auto& state = static_cast<const torch::optim::AdamWParamState&>(*entry.second);
    CHECK(state.exp_avg().scalar_type() == at::kFloat);
    CHECK(state.exp_avg_sq().scalar_type() == at::kFloat);
  }
  return curve;
}

}  // namespace

TEST_CASE("autocast guards switch on and off, nest and restore", "[ml]") {
  const auto cpu = c10::DeviceType::CPU;
  CHECK_FALSE(autocast_enabled(cpu));
  {
    const AutocastGuard on(cpu, true);
    CHECK(autocast_enabled(cpu));
    {
      const AutocastGuard off(cpu, false);
      CHECK_FALSE(autocast_enabled(cpu));
    }
    CHECK(autocast_enabled(cpu));
    // A matrix product of fp32 tensors comes out in bf16 under autocast.
    CHECK(at::matmul(at::ones({2, 3}), at::ones({3, 2})).scalar_type() == at::kBFloat16);
  }
  CHECK_FALSE(autocast_enabled(cpu));
  CHECK(at::matmul(at::ones({2, 3}), at::ones({3, 2})).scalar_type() == at::kFloat);
  CHECK(uses_bf16_autocast("bfloat16"));
  CHECK_FALSE(uses_bf16_autocast("float32"));
}

TEST_CASE("bf16 autocast keeps fp32 weights and follows the fp32 loss curve", "[ml]") {
  Transformer fp32 = device_model("float32");
  Transformer bf16 = device_model("bfloat16");
  for (const auto& p : bf16->parameters()) REQUIRE(p.scalar_type() == at::kFloat);
  {
    // Same weights, different arithmetic: the logits differ (autocast is really on), a little.
    torch::NoGradGuard no_grad;
    fp32->eval();
    bf16->eval();
    const at::Tensor tokens = random_tokens(2, 24, 96, 3);
    const at::Tensor a = fp32->forward(tokens), b = bf16->forward(tokens);
    CHECK(b.scalar_type() == at::kFloat);
    const double diff = (a - b).abs().max().item<double>();
    CHECK(diff > 0.0);
    CHECK(diff < 0.05);
  }
  const int steps = 40;
  const std::vector<double> a = loss_curve(fp32, steps);
  const std::vector<double> b = loss_curve(bf16, steps);
  for (const auto& p : bf16->parameters()) CHECK(p.scalar_type() == at::kFloat);
  CHECK(a.back() < 0.5 * a.front());  // it learns
  CHECK(b.back() < 0.5 * b.front());
  double worst = 0.0;
  for (int i = 0; i < steps; ++i)
    worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(a[i], 1e-3));
  INFO("largest relative loss gap " << worst);
  CHECK(worst < 0.05);
}

TEST_CASE("weights changed in place are seen by the next bf16 forward (autocast cache cleared)",
          "[ml]") {
  Transformer model = device_model("bfloat16");
  model->eval();
  torch::NoGradGuard no_grad;
  const at::Tensor tokens = random_tokens(1, 16, 96, 5);
  const at::Tensor before = model->forward(tokens);
  for (auto& p : model->parameters()) p.mul_(0.5);
  const at::Tensor after = model->forward(tokens);
  CHECK((before - after).abs().max().item<double>() > 1e-3);
}

TEST_CASE("checkpoints of a bf16 model hold fp32 weights and reload to the same logits", "[ml]") {
  const fs::path dir = fs::temp_directory_path() / "cadrl_test_ml_bf16_ckpt";
  fs::remove_all(dir);
  Tokenizer tokenizer;
  tokenizer.train({"r = cq.Workplane().box(1, 2, 3)"}, 290);
  ModelConfig config = test_config(tokenizer.vocab_size(), false);
  config.dtype = "bfloat16";
  config.device = test_device();
  Transformer model = make_model(config, 3);
  place_model(model);
  save_checkpoint(dir.string(), model, tokenizer);
  const TensorFile file = load_safetensors((dir / "model.safetensors").string());
  for (const auto& [name, tensor] : file.tensors) {
    INFO(name);
    CHECK(tensor.scalar_type() == at::kFloat);
  }
  LoadedModel loaded = load_checkpoint(dir.string());
  CHECK(loaded.config.dtype == "bfloat16");
  for (const auto& p : loaded.model->parameters()) CHECK(p.scalar_type() == at::kFloat);
  model->eval();
  loaded.model->eval();
  torch::NoGradGuard no_grad;
  const at::Tensor tokens = random_tokens(2, 10, config.vocab_size, 4);
  CHECK(torch::equal(model->forward(tokens), loaded.model->forward(tokens)));
  fs::remove_all(dir);
}

TEST_CASE("causal attention without a mask equals the explicit mask, in fp32 and bf16", "[ml]") {
  // Without cache and validity the attention is causal by itself (the fused kernel's is_causal
  // on LibTorch >= 2.1); with all tokens marked valid the model builds the mask. Both agree.
  for (const std::string dtype : {"float32", "bfloat16"}) {
    INFO(dtype);
    Transformer model = device_model(dtype);
    model->eval();
    torch::NoGradGuard no_grad;
    const at::Tensor tokens = random_tokens(3, 20, 96, 9);
    const at::Tensor plain = model->forward(tokens);
    const at::Tensor masked =
        model->forward(tokens, {}, nullptr, at::ones({3, 20}, at::TensorOptions(at::kBool)));
    const double tol = dtype == "float32" ? 1e-5 : 3e-2;
    CHECK((plain - masked).abs().max().item<double>() < tol);
  }
}

TEST_CASE("bf16 decoding with the KV cache gives the logits of one full pass", "[ml]") {
  Transformer model = device_model("bfloat16");
  model->eval();
  torch::NoGradGuard no_grad;
  const at::Tensor tokens = random_tokens(2, 18, 96, 13);
  const at::Tensor full = model->forward(tokens);
  KvCache cache = model->new_cache(2, 32);
  CHECK(cache.keys[0].scalar_type() == at::kBFloat16);
  const at::Tensor first = model->forward(tokens.narrow(1, 0, 11), {}, &cache);
  const at::Tensor second = model->forward(tokens.narrow(1, 11, 7), {}, &cache);
  const at::Tensor pieces = at::cat({first, second}, 1);
  CHECK((full - pieces).abs().max().item<double>() < 3e-2);
  // Greedy generation runs and stops within its budget.
  SamplingOptions options;
  options.max_new_tokens = 6;
  options.temperature = 0.0;
  const auto out = generate(model, {{1, 2, 3}}, options);
  REQUIRE(out.size() == 1);
  CHECK(out[0].tokens.size() <= 6);
}

TEST_CASE("the process group broadcasts rank 0's tensors and averages over two processes", "[ml]") {
  if (!gloo_available()) {
    // CI (CI=true) has libgloo-dev: a missing backend there is a broken build, not a skip.
    if (cad::test::running_in_ci()) FAIL("this build has no c10d Gloo backend (libgloo-dev)");
    WARN("skipped: no Gloo in this build (a PyTorch wheel's LibTorch ships no Gloo headers)");
    return;
  }
  CHECK(process_group_backend(c10::Device(c10::DeviceType::CPU)) == "gloo");
  std::mt19937 rng(static_cast<unsigned>(getpid()));
  const int port = 20000 + static_cast<int>(rng() % 20000);
  auto run_rank = [&](int rank) -> int {
    DistributedEnv env;
    env.rank = rank;
    env.world_size = 2;
    env.master_port = port;
    ProcessGroup group(env, 60.0);
    // Different "weights" per rank; after the broadcast both hold rank 0's, bit for bit.
    std::vector<at::Tensor> weights = {at::full({3, 2}, 1.0 + rank), at::full({5}, 10.0 * rank),
                                       at::full({2}, rank, at::kLong)};
    group.broadcast(weights, 0);
    int bad = 0;
    if (!torch::equal(weights[0], at::full({3, 2}, 1.0))) bad |= 1;
    if (!torch::equal(weights[1], at::zeros({5}))) bad |= 2;
    if (!torch::equal(weights[2], at::zeros({2}, at::kLong))) bad |= 4;
    std::vector<at::Tensor> grads = {at::full({4}, 2.0 * rank), at::full({1}, 1.0 + rank)};
    group.all_reduce_mean(grads);
    if (!torch::allclose(grads[0], at::full({4}, 1.0))) bad |= 8;
    if (!torch::allclose(grads[1], at::full({1}, 1.5))) bad |= 16;
    group.barrier();
    return bad;
  };
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    alarm(60);
    int code = 99;
    try {
      code = run_rank(1);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "rank 1: %s\n", e.what());
    }
    _exit(code);
  }
  int parent_bad = -1;
  try {
    parent_bad = run_rank(0);
  } catch (const std::exception& e) {
    UNSCOPED_INFO("rank 0: " << e.what());
    kill(child, SIGKILL);
  }
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(parent_bad == 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("ranks of a multi-process CUDA run get one GPU each", "[ml]") {
  DistributedEnv env;
  env.world_size = 4;
  env.rank = 2;
  env.local_rank = 1;
  CHECK(rank_device("cuda", env) == "cuda:1");
  CHECK(rank_device("cuda:3", env) == "cuda:3");
  CHECK(rank_device("cpu", env) == "cpu");
  env.world_size = 1;
  CHECK(rank_device("cuda", env) == "cuda");
}
