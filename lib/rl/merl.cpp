// CME-CAD's MERL pieces: EIAE, MECL, HSB.
#include "rl/merl.h"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>

#include "core/error.h"

namespace cad::rl {

std::vector<double> eiae_advantages(const std::vector<double>& rewards) {
  std::vector<double> a(rewards.size(), 0.0);
  // All-equal rewards carry no signal (and their float mean may differ from them by an ulp).
  if (rewards.empty() ||
      std::all_of(rewards.begin(), rewards.end(), [&](double r) { return r == rewards.front(); }))
    return a;
  const double mean =
      std::accumulate(rewards.begin(), rewards.end(), 0.0) / static_cast<double>(rewards.size());
  for (std::size_t i = 0; i < rewards.size(); ++i) a[i] = std::max(0.0, rewards[i] - mean);
  return a;
}

std::optional<ExpertPair> mecl_pair(const std::vector<double>& expert_means) {
  if (expert_means.size() < 2) return std::nullopt;
  ExpertPair p;
  for (std::size_t e = 1; e < expert_means.size(); ++e) {
    if (expert_means[e] > expert_means[p.strong]) p.strong = e;
    if (expert_means[e] < expert_means[p.weak]) p.weak = e;
  }
  if (!(expert_means[p.strong] > expert_means[p.weak])) return std::nullopt;
  return p;
}

at::Tensor mecl_kl(const at::Tensor& weak_log_probs, const at::Tensor& strong_log_probs,
                   const at::Tensor& mask) {
  if (weak_log_probs.dim() != 3 || weak_log_probs.sizes() != strong_log_probs.sizes())
    throw Error("mecl_kl: the two sides must be [N, L, V] log-probabilities of equal shape");
  if (mask.dim() != 2 || mask.size(0) != weak_log_probs.size(0) ||
      mask.size(1) != weak_log_probs.size(1))
    throw Error("mecl_kl: the mask must be [N, L]");
  const at::Tensor target = strong_log_probs.detach();
  // KL(p_weak || p_strong) per position, over the vocabulary.
  const at::Tensor per_token = (weak_log_probs.exp() * (weak_log_probs - target)).sum(-1) * mask;
  const at::Tensor lengths = mask.sum(1).clamp_min(1.0);
  return (per_token.sum(1) / lengths).sum();
}

bool hsb_admit(std::int64_t wrong, std::int64_t g, std::int64_t k, double uniform) {
  if (g < 1 || k < 0 || k > g) throw UsageError("hsb: need 0 <= K <= G and G >= 1");
  return wrong > k && uniform < static_cast<double>(k) / static_cast<double>(g);
}

bool hsb_chunk_ends(std::int64_t step, std::int64_t steps, std::int64_t chunks) {
  if (chunks < 1 || steps < 1 || step < 1 || step > steps) return false;
  for (std::int64_t m = 1; m <= chunks; ++m)
    if (step == (m * steps + chunks - 1) / chunks) return true;
  return false;
}

}  // namespace cad::rl
