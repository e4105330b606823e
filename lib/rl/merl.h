// CME-CAD's multi-expert RL (MERL): expert-independent advantage estimation (EIAE), multi-expert
// consistency learning (MECL) and the hard sample buffer (HSB), as ../shared/PAPERS.md gives
// them. The trainer (rl/trainer.cpp) switches each on from the config.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace cad::rl {

/// EIAE: the advantages of one expert's group of samples of one input, A = R - mean(R of the
/// group) with no std, and only their positive part enters the loss: max(A, 0). All-equal
/// rewards give zeros.
std::vector<double> eiae_advantages(const std::vector<double>& rewards);

/// MECL's pair for one input: the experts of highest (strong) and lowest (weak) mean reward.
struct ExpertPair {
  std::size_t strong = 0, weak = 0;
};

/// The pair from each expert's mean reward on one input (ties: the lower index); none when
/// fewer than two experts or all means are equal (nothing to learn from each other).
std::optional<ExpertPair> mecl_pair(const std::vector<double>& expert_means);

/// MECL's loss on the strong expert's correct answer a+, scored under both experts' prompts:
/// per token t of a+ the KL divergence KL(pi(. | P_weak, I, a+_<t) || pi(. | P_strong, I, a+_<t))
/// over the vocabulary (the paper's KL(pi(a+ | P_E-, I) || pi(a_correct | P_E+, I))), averaged
/// over each answer's tokens and summed over the answers. `weak_log_probs` and
/// `strong_log_probs` are [N, L, V] log-softmax outputs, `mask` [N, L] (1 on answer tokens).
/// The strong side is detached: the gradient moves only the weak expert's conditional.
at::Tensor mecl_kl(const at::Tensor& weak_log_probs, const at::Tensor& strong_log_probs,
                   const at::Tensor& mask);

/// HSB's admission rule: an input on which an expert got more than `k` of its `g` samples
/// wrong enters the buffer with probability k / g. `uniform` is a draw from [0, 1).
bool hsb_admit(std::int64_t wrong, std::int64_t g, std::int64_t k, double uniform);

/// Whether `step` (1-based: the number of RL steps done) ends one of `chunks` equal chunks of a
/// `steps`-step run: step = ceil(m * steps / chunks) for m = 1 .. chunks (the last step always
/// ends the last chunk).
bool hsb_chunk_ends(std::int64_t step, std::int64_t steps, std::int64_t chunks);

}  // namespace cad::rl
