// Group advantages, Dr. CPPO's selection, PPO clipping, KL estimators and aggregations, with
// answers derived by hand.
#include <torch/torch.h>
#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.h"
#include "rl/loss.h"

using namespace cad::rl;

TEST_CASE("group advantages of each algorithm's variant", "[rl]") {
  const std::vector<double> rewards = {1.0, 0.0, 0.0, 1.0};
  // mean 0.5, population std 0.5
  const auto grpo = group_advantages(rewards, true, 0.0);
  CHECK(grpo[0] == Approx(1.0));
  CHECK(grpo[1] == Approx(-1.0));
  const auto dr = group_advantages(rewards, false);  // Dr. GRPO, Dr. CPPO, EIAE: no std
  CHECK(dr[0] == Approx(0.5));
  CHECK(dr[2] == Approx(-0.5));
  const auto eps = group_advantages(rewards, true);  // std + 1e-4
  CHECK(eps[0] == Approx(0.5 / 0.5001));
  // cadrille's rewards: 10 IoU or -10
  const auto cad = group_advantages({10 * 0.9, -10.0, 10 * 0.5}, false);
  CHECK(cad[0] == Approx(9.0 - 4.0 / 3.0));
  CHECK(cad[1] == Approx(-10.0 - 4.0 / 3.0));
  // equal rewards carry no signal
  for (double a : group_advantages({3.0, 3.0, 3.0}, true)) CHECK(a == 0.0);
  for (double a : group_advantages({-10.0, -10.0}, false)) CHECK(a == 0.0);
}

TEST_CASE("Dr. CPPO keeps exactly the samples of largest |A|", "[rl]") {
  const std::vector<double> adv = {0.1, -0.9, 0.5, -0.2, 0.8, 0.5};
  CHECK(top_abs_advantages(adv, 2) == std::vector<std::size_t>{1, 4});
  CHECK(top_abs_advantages(adv, 3) == std::vector<std::size_t>{1, 2, 4});  // tie: lower index
  CHECK(top_abs_advantages(adv, 0).size() == adv.size());
  CHECK(top_abs_advantages(adv, 10).size() == adv.size());
}

TEST_CASE("published defaults of the algorithms", "[rl]") {
  const auto grpo = algorithm_defaults("grpo");
  CHECK(grpo.scale_by_std);
  CHECK(grpo.beta == Approx(0.04));
  CHECK(grpo.aggregation == Aggregation::SequenceMean);
  const auto dapo = algorithm_defaults("dapo");
  CHECK(dapo.eps_low == Approx(0.2));
  CHECK(dapo.eps_high == Approx(0.28));
  CHECK(dapo.dynamic_sampling);
  CHECK(dapo.mask_truncated);
  CHECK(dapo.aggregation == Aggregation::TokenMean);
  const auto dr = algorithm_defaults("dr_grpo");
  CHECK_FALSE(dr.scale_by_std);
  CHECK(dr.aggregation == Aggregation::TokenSum);
  const auto cppo = algorithm_defaults("cppo");
  CHECK(cppo.keep_top == 4);
  CHECK(cppo.eps_low == Approx(0.1));
  CHECK(cppo.eps_high == Approx(0.1));
  CHECK(cppo.beta == 0.0);
  CHECK(cppo.updates == 3);
  CHECK_THROWS_AS(algorithm_defaults("ppo2"), cad::UsageError);
}

namespace {
// d loss / d logprob of one token with ratio exp(logprob - old) and advantage `a`.
double token_gradient(double ratio, double a, const AlgorithmConfig& config) {
  at::Tensor logprob = at::full({1, 1}, std::log(ratio), at::kFloat).set_requires_grad(true);
  const at::Tensor old = at::zeros({1, 1});
  const at::Tensor mask = at::ones({1, 1});
  const PolicyLoss pl =
      policy_loss(logprob, old, at::full({1}, a, at::kFloat), mask, {}, config, 1.0);
  pl.loss.backward();
  return logprob.grad().item<double>();
}
}  // namespace

TEST_CASE("the PPO-clip gradient is zero outside the clip range", "[rl]") {
  const AlgorithmConfig c = algorithm_defaults("dapo");  // eps 0.2 / 0.28
  // Inside the range: d(-ratio A)/d logprob = -ratio A.
  CHECK(token_gradient(1.1, 1.0, c) == Approx(-1.1));
  CHECK(token_gradient(0.9, -1.0, c) == Approx(0.9));
  // A > 0 above 1 + eps_high and A < 0 below 1 - eps_low: clipped, no gradient.
  CHECK(token_gradient(1.3, 1.0, c) == 0.0);
  CHECK(token_gradient(0.7, -1.0, c) == 0.0);
  // Clip-higher: 1.25 is inside for eps_high 0.28 but outside for 0.2.
  CHECK(token_gradient(1.25, 1.0, c) == Approx(-1.25));
  CHECK(token_gradient(1.25, 1.0, algorithm_defaults("dr_grpo")) == 0.0);
  // The pessimistic bound keeps the unclipped term on the other sides.
  CHECK(token_gradient(1.5, -1.0, c) == Approx(1.5));
  CHECK(token_gradient(0.5, 1.0, c) == Approx(-0.5));
}

TEST_CASE("clip fraction and ratio extremes", "[rl]") {
  AlgorithmConfig c = algorithm_defaults("grpo");
  c.beta = 0;
  const at::Tensor logp = at::log(at::tensor({1.5f, 1.0f, 0.5f, 1.1f})).view({1, 4});
  const at::Tensor mask = at::tensor({1.0f, 1.0f, 1.0f, 0.0f}).view({1, 4});
  const PolicyLoss pl = policy_loss(logp, at::zeros({1, 4}), at::ones({1}), mask, {}, c, 1.0);
  CHECK(pl.clip_fraction == Approx(1.0 / 3.0));  // only 1.5 with A > 0
  CHECK(pl.ratio_min == Approx(0.5));
  CHECK(pl.ratio_max == Approx(1.5));
  CHECK(pl.tokens == 3.0);
  // sequence mean: -(min(1.5,1.2) + 1.0 + 0.5) / 3 tokens
  CHECK(pl.loss.item<double>() == Approx(-(1.2 + 1.0 + 0.5) / 3.0));
}

TEST_CASE("k1 and k3 estimate KL on two known distributions", "[rl]") {
  const std::vector<double> pi = {0.5, 0.3, 0.2}, ref = {0.2, 0.3, 0.5};
  double kl = 0;
  for (int i = 0; i < 3; ++i) kl += pi[i] * std::log(pi[i] / ref[i]);
  const at::Tensor lp = at::log(at::tensor(pi, at::kDouble));
  const at::Tensor lr = at::log(at::tensor(ref, at::kDouble));
  const at::Tensor w = at::tensor(pi, at::kDouble);
  // Exact expectations under pi of the per-token estimators.
  CHECK((w * kl_per_token(lp, lr, "k1")).sum().item<double>() == Approx(kl));
  CHECK((w * kl_per_token(lp, lr, "k3")).sum().item<double>() == Approx(kl));
  // k3 is never negative, k1 is for tokens that ref likes more.
  CHECK(kl_per_token(lp, lr, "k3").min().item<double>() >= 0.0);
  CHECK(kl_per_token(lp, lr, "k1")[2].item<double>() < 0.0);
  // Equal distributions: zero.
  CHECK(kl_per_token(lp, lp, "k3").abs().max().item<double>() == 0.0);
  CHECK(kl_per_token(lp, lp, "k2").abs().max().item<double>() == 0.0);
}

TEST_CASE("loss aggregations and their normalizers", "[rl]") {
  // Two sequences, 1 and 3 tokens, each token's term -A ratio = -1 (ratio 1, A = 1).
  const at::Tensor logp = at::zeros({2, 3});
  const at::Tensor mask = at::tensor({1.0f, 0.0f, 0.0f, 1.0f, 1.0f, 1.0f}).view({2, 3});
  AlgorithmConfig c = algorithm_defaults("grpo");
  c.beta = 0;
  auto loss = [&](const AlgorithmConfig& cfg) {
    const double n = loss_normalizer(cfg, 2, 4, 10);
    return policy_loss(logp, logp, at::ones({2}), mask, {}, cfg, n).loss.item<double>();
  };
  CHECK(loss(c) == Approx(-1.0));  // mean of the sequences' token means
  c.aggregation = Aggregation::TokenMean;
  CHECK(loss(c) == Approx(-1.0));  // 4 tokens / 4
  c.aggregation = Aggregation::TokenSum;
  CHECK(loss(c) == Approx(-4.0 / 20.0));  // 4 / (2 sequences x 10)
  c.loss_constant = 2;
  CHECK(loss(c) == Approx(-1.0));
  CHECK(parse_aggregation("token-mean") == Aggregation::TokenMean);
  CHECK_THROWS_AS(parse_aggregation("mean"), cad::UsageError);
}

TEST_CASE("the KL term pulls towards the reference", "[rl]") {
  AlgorithmConfig c = algorithm_defaults("grpo");  // beta 0.04, k3
  at::Tensor logp = at::full({1, 1}, std::log(0.5), at::kFloat).set_requires_grad(true);
  const at::Tensor ref = at::full({1, 1}, std::log(0.25), at::kFloat);
  const PolicyLoss pl =
      policy_loss(logp, logp.detach(), at::zeros({1}), at::ones({1, 1}), ref, c, 1.0);
  // k3 = r - 1 - log r with r = 0.5: 0.5 - 1 + log 2
  CHECK(pl.kl == Approx(std::log(2.0) - 0.5));
  pl.loss.backward();
  // d/dlogp [beta (exp(lr - logp) - 1 - lr + logp)] = beta (1 - r) = 0.04 * 0.5 > 0
  CHECK(logp.grad().item<double>() == Approx(0.02));
  CHECK_THROWS(policy_loss(logp, logp.detach(), at::zeros({1}), at::ones({1, 1}), {}, c, 1.0));
}
