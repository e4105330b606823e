// RL losses of the GRPO family: group advantages, Dr. CPPO's sample selection, the PPO-clip
// policy loss with KL to a reference (k1 / k2 / k3), and the loss aggregations of GRPO, DAPO
// and Dr. GRPO.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cad::rl {

/// How per-token terms become one loss.
enum class Aggregation {
  SequenceMean,  ///< GRPO: mean over sequences of each sequence's token mean
  TokenMean,     ///< DAPO: mean over every token of the batch
  TokenSum,      ///< Dr. GRPO: token sum divided by (sequences x a constant)
};

/// "sequence-mean", "token-mean" or "token-sum". Throws cad::UsageError otherwise.
Aggregation parse_aggregation(const std::string& name);
const char* to_string(Aggregation aggregation);

/// An algorithm and its settings.
struct AlgorithmConfig {
  std::string name = "grpo";        ///< grpo, dr_grpo, dapo, cppo
  bool scale_by_std = true;         ///< divide advantages by the group's std
  double eps_low = 0.2;             ///< PPO clip below 1
  double eps_high = 0.2;            ///< PPO clip above 1 (clip-higher: > eps_low)
  double beta = 0.0;                ///< KL weight (> 0 keeps a frozen reference model)
  std::string kl_estimator = "k3";  ///< k1, k2 or k3
  Aggregation aggregation = Aggregation::SequenceMean;
  double loss_constant = 0.0;     ///< Dr. GRPO's divisor per sequence (0 = max_new_tokens)
  bool dynamic_sampling = false;  ///< DAPO: drop groups whose rewards are all equal
  bool mask_truncated = false;    ///< DAPO: completions that hit max_new_tokens get no loss
  std::int64_t keep_top = 0;      ///< Dr. CPPO: keep this many samples of largest |A| per
                                  ///< group (0 = all)
  std::int64_t updates = 1;       ///< gradient updates per rollout batch
};

/// The published defaults of an algorithm: grpo (std, eps 0.2, beta 0.04, k3, sequence mean,
/// 1 update), dr_grpo (no std, eps 0.2, beta 0, token sum / max_new_tokens), dapo (std, eps
/// 0.2 / 0.28, beta 0, token mean, dynamic sampling, truncated completions masked), cppo
/// (cadrille's Dr. CPPO: no std, keep 4 of the group by |A|, eps 0.1, beta 0, sequence mean,
/// 3 updates). Throws cad::UsageError for another name.
AlgorithmConfig algorithm_defaults(const std::string& name);

/// Throws cad::UsageError for inconsistent settings.
void check_algorithm(const AlgorithmConfig& config);

/// Advantages of a group's rewards: r - mean, divided by (std + eps) when `scale_by_std`
/// (population std, as GRPO's reference implementations). All-equal rewards give zeros.
std::vector<double> group_advantages(const std::vector<double>& rewards, bool scale_by_std,
                                     double eps = 1e-4);

/// Dr. CPPO's selection: the indices of the `keep` largest |advantages| (ties: lower index
/// first), in increasing index order. keep <= 0 or >= size keeps all.
std::vector<std::size_t> top_abs_advantages(const std::vector<double>& advantages,
                                            std::int64_t keep);

/// Per-token KL estimate of KL(pi || ref) from log-probabilities of tokens sampled from pi:
/// k1 = log pi - log ref, k2 = (log pi - log ref)^2 / 2, k3 = ref/pi - 1 - log(ref/pi).
at::Tensor kl_per_token(const at::Tensor& logprobs, const at::Tensor& ref_logprobs,
                        const std::string& estimator);

/// The loss of one batch and what to log about it.
struct PolicyLoss {
  at::Tensor loss;             ///< scalar, divided by `normalizer`
  double clip_fraction = 0.0;  ///< share of tokens whose clipped term was active
  double ratio_min = 1.0, ratio_max = 1.0;
  double kl = 0.0;      ///< mean per-token KL estimate (0 without a reference)
  double tokens = 0.0;  ///< tokens under the mask
};

/// PPO-clip loss: per token -min(ratio A, clip(ratio, 1 - eps_low, 1 + eps_high) A) + beta KL,
/// ratio = exp(logprobs - old_logprobs). logprobs, old_logprobs, ref_logprobs and mask are
/// [N, L]; advantages [N]. The per-token terms are summed per the aggregation (sequence mean:
/// sum over sequences of each token mean; token mean and token sum: the sum over tokens) and
/// divided by `normalizer` (loss_normalizer of the whole, possibly multi-process, batch).
/// `ref_logprobs` may be undefined when beta is 0.
PolicyLoss policy_loss(const at::Tensor& logprobs, const at::Tensor& old_logprobs,
                       const at::Tensor& advantages, const at::Tensor& mask,
                       const at::Tensor& ref_logprobs, const AlgorithmConfig& config,
                       double normalizer);

/// The divisor of the summed loss for a batch of `sequences` with `tokens` loss tokens:
/// sequences (sequence mean), tokens (token mean), sequences * loss_constant (token sum;
/// loss_constant 0 means `max_new_tokens`). At least 1.
double loss_normalizer(const AlgorithmConfig& config, double sequences, double tokens,
                       std::int64_t max_new_tokens);

}  // namespace cad::rl
