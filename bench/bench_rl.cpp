// cad-rl's speed: rollout generation with the shared group prefill against G separate rows, one
// RL step (rollouts + update) of the tiny text model for bench/rl_pytorch.py's comparison, and
// reward throughput of the sandboxed pool. Prints one JSON object per mode.
//   bench_rl --mode prefill|step|reward [--threads N] [--prompts P] [--group G] [--new N]
#include <torch/torch.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ml/model_config.h"
#include "ml/openmp_env.h"
#include "ml/sft_data.h"
#include "ml/transformer.h"
#include "rl/loss.h"
#include "rl/reward.h"
#include "rl/rollout.h"

using namespace cad;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

ml::Transformer tiny_model(std::int64_t vocab, bool vision) {
  ml::ModelConfig config =
      ml::load_model_config(std::string(CAD_SOURCE_DIR) + "/configs/models/tiny.yaml");
  config.vocab_size = vocab;
  config.vision = vision;
  torch::manual_seed(0);
  return ml::Transformer(config);
}

std::vector<std::uint64_t> seeds_for(std::int64_t n) {
  std::vector<std::uint64_t> s;
  for (std::int64_t i = 0; i < n; ++i) s.push_back(1000 + static_cast<std::uint64_t>(i));
  return s;
}

std::vector<std::vector<std::int64_t>> random_prompts(std::int64_t n, std::int64_t length,
                                                      std::int64_t vocab) {
  torch::manual_seed(1);
  const at::Tensor t = torch::randint(vocab, {n, length}, torch::kLong);
  std::vector<std::vector<std::int64_t>> out(n);
  for (std::int64_t i = 0; i < n; ++i)
    out[i] = std::vector<std::int64_t>(t[i].data_ptr<std::int64_t>(),
                                       t[i].data_ptr<std::int64_t>() + length);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  ml::use_passive_openmp_wait(argv);
  std::string mode = "step", data;
  int threads = 2, repeats = 3;
  std::int64_t prompts = 8, group = 8, prompt_length = 32, new_tokens = 64, vocab = 1024;
  std::int64_t reward_samples = 64;
  CLI::App app{"cad-rl benchmarks (bench/rl.sh)"};
  app.add_option("--mode", mode, "prefill, step or reward");
  app.add_option("--threads", threads);
  app.add_option("--repeats", repeats);
  app.add_option("--prompts", prompts);
  app.add_option("--group", group);
  app.add_option("--prompt", prompt_length);
  app.add_option("--new", new_tokens);
  app.add_option("--data", data, "reward: dataset folder whose test records are scored");
  app.add_option("--samples", reward_samples, "reward: samples scored per run");
  CLI11_PARSE(app, argc, argv);
  at::set_num_threads(threads);
  nlohmann::json out = {{"mode", mode}, {"threads", threads}};

  if (mode == "prefill") {
    // The tiny vision model on random drawings: 64 image tokens + the prompt per group.
    ml::Transformer model = tiny_model(vocab, true);
    const auto p = random_prompts(prompts, prompt_length, vocab);
    torch::manual_seed(2);
    const at::Tensor images = torch::rand({prompts, 3, 256, 256});
    rl::RolloutOptions o;
    o.group_size = group;
    o.max_new_tokens = new_tokens;
    for (bool shared : {true, false}) {
      o.shared_prefill = shared;
      rl::sample_groups(model, p, images, o, seeds_for(prompts * group));  // warm-up
      double best = 1e30;
      for (int r = 0; r < repeats; ++r) {
        const auto t0 = Clock::now();
        rl::sample_groups(model, p, images, o, seeds_for(prompts * group));
        best = std::min(best, since(t0));
      }
      out[shared ? "shared_s" : "separate_s"] = best;
      out[shared ? "shared_tokens_per_s" : "separate_tokens_per_s"] =
          static_cast<double>(prompts * group * new_tokens) / best;
    }
    out["rows"] = prompts * group;
    out["new"] = new_tokens;
    out["speedup"] = out["separate_s"].get<double>() / out["shared_s"].get<double>();
  } else if (mode == "step") {
    // bench/rl_pytorch.py's step: tiny text model, no stop token, one PPO update.
    ml::Transformer model = tiny_model(vocab, false);
    torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(1e-4).weight_decay(0));
    const auto p = random_prompts(prompts, prompt_length, vocab);
    rl::RolloutOptions o;
    o.group_size = group;
    o.max_new_tokens = new_tokens;
    rl::AlgorithmConfig algo = rl::algorithm_defaults("cppo");
    torch::manual_seed(3);
    const at::Tensor advantages = torch::randn({prompts * group});
    auto step = [&](double& gen_s, double& upd_s) {
      const auto t0 = Clock::now();
      const auto groups = rl::sample_groups(model, p, {}, o, seeds_for(prompts * group));
      const auto t1 = Clock::now();
      std::vector<std::vector<std::int64_t>> pt, ct;
      for (std::int64_t i = 0; i < prompts; ++i)
        for (const auto& r : groups[i]) {
          pt.push_back(p[i]);
          ct.push_back(r.tokens);
        }
      model->train();
      opt.zero_grad();
      const rl::ScoredCompletions s = rl::score_completions(model, pt, ct, {}, 0);
      const rl::PolicyLoss pl = rl::policy_loss(s.logprobs, s.logprobs.detach(), advantages, s.mask,
                                                {}, algo, prompts * group);
      pl.loss.backward();
      torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
      opt.step();
      model->eval();
      gen_s += std::chrono::duration<double>(t1 - t0).count();
      upd_s += since(t1);
    };
    double g = 0, u = 0;
    step(g, u);
    g = u = 0;
    for (int r = 0; r < repeats; ++r) step(g, u);
    out["impl"] = "libtorch";
    out["rows"] = prompts * group;
    out["prompt"] = prompt_length;
    out["new"] = new_tokens;
    out["generate_ms"] = g / repeats * 1e3;
    out["update_ms"] = u / repeats * 1e3;
    out["step_ms"] = (g + u) / repeats * 1e3;
    out["gen_tokens_per_s"] = static_cast<double>(prompts * group * new_tokens) * repeats / g;
  } else if (mode == "reward") {
    // The ground truth's own code as the completion (realistic scripts, IoU 1).
    const auto records = ml::read_dataset_records(data, "test");
    std::vector<rl::RewardTask> tasks;
    for (std::int64_t i = 0; i < reward_samples; ++i) {
      const auto& r = records.at(static_cast<std::size_t>(i) % records.size());
      rl::RewardTask t;
      t.code = r["code"];
      t.text = "<code>" + t.code + "</code>";
      t.gt = {{"id", r["id"]}, {"code", r["code"]}};
      t.id = r["id"];
      t.sample = i;
      tasks.push_back(std::move(t));
    }
    for (int jobs : {1, 2}) {
      rl::RewardPool pool(rl::RewardConfig{}, jobs);
      double best = 1e30, mean_reward = 0;
      for (int r = 0; r < repeats; ++r) {
        const auto t0 = Clock::now();
        const auto rewards = pool.score(tasks);
        best = std::min(best, since(t0));
        mean_reward = 0;
        for (const auto& x : rewards) mean_reward += x.reward / rewards.size();
      }
      out["samples_per_s_jobs" + std::to_string(jobs)] = static_cast<double>(tasks.size()) / best;
      out["mean_reward"] = mean_reward;
    }
    out["samples"] = tasks.size();
  } else {
    std::fprintf(stderr, "bench_rl: unknown mode %s\n", mode.c_str());
    return 2;
  }
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
