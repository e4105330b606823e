// GRPO-family losses.
#include "rl/loss.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"

namespace cad::rl {

Aggregation parse_aggregation(const std::string& name) {
  if (name == "sequence-mean") return Aggregation::SequenceMean;
  if (name == "token-mean") return Aggregation::TokenMean;
  if (name == "token-sum") return Aggregation::TokenSum;
  throw UsageError("unknown loss aggregation '" + name +
                   "' (sequence-mean, token-mean, token-sum)");
}

const char* to_string(Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::SequenceMean:
      return "sequence-mean";
    case Aggregation::TokenMean:
      return "token-mean";
    case Aggregation::TokenSum:
      return "token-sum";
  }
  return "?";
}

AlgorithmConfig algorithm_defaults(const std::string& name) {
  AlgorithmConfig c;
  c.name = name;
  if (name == "grpo") {
    c.beta = 0.04;
  } else if (name == "dr_grpo") {
    c.scale_by_std = false;
    c.aggregation = Aggregation::TokenSum;
  } else if (name == "dapo") {
    c.eps_high = 0.28;
    c.aggregation = Aggregation::TokenMean;
    c.dynamic_sampling = true;
    c.mask_truncated = true;
  } else if (name == "cppo") {
    c.scale_by_std = false;
    c.keep_top = 4;
    c.eps_low = c.eps_high = 0.1;
    c.updates = 3;
  } else {
    throw UsageError("unknown algorithm '" + name + "' (grpo, dr_grpo, dapo, cppo)");
  }
  return c;
}

void check_algorithm(const AlgorithmConfig& c) {
  algorithm_defaults(c.name);
  if (c.eps_low < 0 || c.eps_low >= 1 || c.eps_high < 0)
    throw UsageError("clip range: need 0 <= eps-low < 1 and eps-high >= 0");
  if (c.beta < 0) throw UsageError("kl-beta must be >= 0");
  if (c.kl_estimator != "k1" && c.kl_estimator != "k2" && c.kl_estimator != "k3")
    throw UsageError("unknown KL estimator '" + c.kl_estimator + "' (k1, k2, k3)");
  if (c.updates < 1) throw UsageError("updates per batch must be >= 1");
  if (c.loss_constant < 0) throw UsageError("loss-constant must be >= 0");
}

std::vector<double> group_advantages(const std::vector<double>& rewards, bool scale_by_std,
                                     double eps) {
  std::vector<double> a(rewards.size(), 0.0);
  if (rewards.empty()) return a;
  const double n = static_cast<double>(rewards.size());
  const double mean = std::accumulate(rewards.begin(), rewards.end(), 0.0) / n;
  double var = 0.0;
  for (double r : rewards) var += (r - mean) * (r - mean);
  const double std = std::sqrt(var / n);
  const bool all_equal =
      std::all_of(rewards.begin(), rewards.end(), [&](double r) { return r == rewards.front(); });
  if (all_equal) return a;
  for (std::size_t i = 0; i < rewards.size(); ++i)
    a[i] = scale_by_std ? (rewards[i] - mean) / (std + eps) : rewards[i] - mean;
  return a;
}

std::vector<std::size_t> top_abs_advantages(const std::vector<double>& advantages,
                                            std::int64_t keep) {
  std::vector<std::size_t> order(advantages.size());
  std::iota(order.begin(), order.end(), 0);
  if (keep <= 0 || keep >= static_cast<std::int64_t>(advantages.size())) return order;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(advantages[a]) > std::abs(advantages[b]);
  });
  order.resize(static_cast<std::size_t>(keep));
  std::sort(order.begin(), order.end());
  return order;
}

at::Tensor kl_per_token(const at::Tensor& logprobs, const at::Tensor& ref_logprobs,
                        const std::string& estimator) {
  const at::Tensor log_ratio = ref_logprobs - logprobs;  // log(ref / pi)
  if (estimator == "k1") return -log_ratio;
  if (estimator == "k2") return log_ratio.pow(2) / 2;
  if (estimator == "k3") return log_ratio.exp() - 1 - log_ratio;
  throw UsageError("unknown KL estimator '" + estimator + "'");
}

PolicyLoss policy_loss(const at::Tensor& logprobs, const at::Tensor& old_logprobs,
                       const at::Tensor& advantages, const at::Tensor& mask,
                       const at::Tensor& ref_logprobs, const AlgorithmConfig& config,
                       double normalizer) {
  PolicyLoss out;
  const at::Tensor ratio = (logprobs - old_logprobs).exp();
  const at::Tensor adv = advantages.to(logprobs.dtype()).unsqueeze(1);
  const at::Tensor unclipped = ratio * adv;
  const at::Tensor clipped = ratio.clamp(1.0 - config.eps_low, 1.0 + config.eps_high) * adv;
  at::Tensor per_token = -at::min(unclipped, clipped);
  at::Tensor kl;
  if (config.beta > 0) {
    if (!ref_logprobs.defined()) throw Error("policy_loss: beta > 0 needs reference log-probs");
    kl = kl_per_token(logprobs, ref_logprobs, config.kl_estimator);
    per_token = per_token + config.beta * kl;
  }
  per_token = per_token * mask;
  at::Tensor summed;
  if (config.aggregation == Aggregation::SequenceMean) {
    const at::Tensor lengths = mask.sum(1).clamp_min(1.0);
    summed = (per_token.sum(1) / lengths).sum();
  } else {
    summed = per_token.sum();
  }
  out.loss = summed / std::max(1.0, normalizer);
  {
    torch::NoGradGuard no_grad;
    const double tokens = mask.sum().item<double>();
    out.tokens = tokens;
    if (tokens > 0) {
      const at::Tensor active = mask > 0;
      const at::Tensor was_clipped = ((ratio < 1.0 - config.eps_low) & (adv < 0)) |
                                     ((ratio > 1.0 + config.eps_high) & (adv > 0));
      out.clip_fraction = (was_clipped & active).sum().item<double>() / tokens;
      const at::Tensor live = ratio.masked_select(active);
      out.ratio_min = live.min().item<double>();
      out.ratio_max = live.max().item<double>();
      if (kl.defined()) out.kl = (kl * mask).sum().item<double>() / tokens;
    }
  }
  return out;
}

double loss_normalizer(const AlgorithmConfig& config, double sequences, double tokens,
                       std::int64_t max_new_tokens) {
  switch (config.aggregation) {
    case Aggregation::SequenceMean:
      return std::max(1.0, sequences);
    case Aggregation::TokenMean:
      return std::max(1.0, tokens);
    case Aggregation::TokenSum: {
      const double c =
          config.loss_constant > 0 ? config.loss_constant : static_cast<double>(max_new_tokens);
      return std::max(1.0, sequences * c);
    }
  }
  return 1.0;
}

}  // namespace cad::rl
