// CME-CAD's MERL pieces (EIAE, MECL, HSB) with answers derived by hand.
#include <torch/torch.h>
#include <catch2/catch.hpp>

#include <random>

#include "core/error.h"
#include "rl/loss.h"
#include "rl/merl.h"

using namespace cad::rl;

TEST_CASE("EIAE: advantages against the expert's own group mean, positive part only",
          "[rl][merl]") {
  // One input, two experts with 4 samples each (CME-CAD: 4 rollouts per prompt per expert).
  // Expert A: rewards 1, 0.5, 0, 0.5 (mean 0.5); expert B: 0.2, 0.2, 0.2, 0.6 (mean 0.3).
  const auto a = eiae_advantages({1.0, 0.5, 0.0, 0.5});
  CHECK(a == std::vector<double>{0.5, 0.0, 0.0, 0.0});
  const auto b = eiae_advantages({0.2, 0.2, 0.2, 0.6});
  CHECK(b[3] == Approx(0.3));
  CHECK(b[0] == 0.0);
  // B's best sample (0.6) gets a positive advantage although A's average is higher: each
  // expert is judged against itself, not against the pooled group (pooled mean 0.4: 0.2).
  const auto pooled = group_advantages({1.0, 0.5, 0.0, 0.5, 0.2, 0.2, 0.2, 0.6}, false);
  CHECK(pooled[7] == Approx(0.2));
  // No std: scaling the rewards scales the advantages.
  CHECK(eiae_advantages({10.0, 5.0, 0.0, 5.0})[0] == Approx(5.0));
  for (double x : eiae_advantages({0.7, 0.7, 0.7})) CHECK(x == 0.0);
  CHECK(eiae_advantages({}).empty());

  // The loss -E[log pi max(A, 0)] through the PPO-clip loss at ratio 1: a sample with A = 0
  // has zero gradient, one with A > 0 is pushed up by exactly A / N (sequence mean).
  AlgorithmConfig c = algorithm_defaults("cppo");
  c.keep_top = 0;
  auto logp = torch::full({2, 1}, -1.0, torch::requires_grad());
  const auto old = logp.detach().clone();
  const auto adv = torch::tensor({0.5f, 0.0f});
  const auto mask = torch::ones({2, 1});
  policy_loss(logp, old, adv, mask, at::Tensor(), c, 2.0).loss.backward();
  CHECK(logp.grad()[0][0].item<double>() == Approx(-0.25));
  CHECK(logp.grad()[1][0].item<double>() == 0.0);
}

TEST_CASE("MECL: the strong and weak experts of an input", "[rl][merl]") {
  auto p = mecl_pair({0.4, 0.9, 0.1});
  REQUIRE(p);
  CHECK(p->strong == 1);
  CHECK(p->weak == 2);
  CHECK(mecl_pair({0.5, 0.5, 0.5}) == std::nullopt);  // nothing to learn from each other
  CHECK(mecl_pair({0.5}) == std::nullopt);
  auto tie = mecl_pair({0.9, 0.9, 0.1, 0.1});
  REQUIRE(tie);
  CHECK(tie->strong == 0);  // ties: the lower index
  CHECK(tie->weak == 2);
}

TEST_CASE("MECL's KL is zero when the experts agree and moves only the weak conditional",
          "[rl][merl]") {
  // One answer of two tokens over a vocabulary of 3.
  const auto strong_logits = torch::tensor({{{2.0f, 0.0f, -1.0f}, {0.0f, 1.0f, 0.0f}}});
  const auto mask = torch::ones({1, 2});
  {
    auto weak_logits = strong_logits.clone().requires_grad_(true);
    auto strong = strong_logits.clone().requires_grad_(true);
    auto kl = mecl_kl(torch::log_softmax(weak_logits, -1), torch::log_softmax(strong, -1), mask);
    CHECK(kl.item<double>() == Approx(0.0).margin(1e-7));
    kl.backward();
    CHECK(weak_logits.grad().abs().max().item<double>() == Approx(0.0).margin(1e-7));
  }
  // Different distributions: the KL of the first position by hand, KL(p || q) =
  // sum p (log p - log q), with p = softmax(0, 0, 0) (weak) and q = softmax(2, 0, -1) (strong);
  // the second position agrees. Mean over the answer's 2 tokens.
  auto weak_logits = torch::tensor({{{0.0f, 0.0f, 0.0f}, {0.0f, 1.0f, 0.0f}}}).requires_grad_(true);
  auto strong = strong_logits.clone().requires_grad_(true);
  auto kl = mecl_kl(torch::log_softmax(weak_logits, -1), torch::log_softmax(strong, -1), mask);
  const double z = std::exp(2.0) + 1.0 + std::exp(-1.0);
  const double logq[3] = {2.0 - std::log(z), -std::log(z), -1.0 - std::log(z)};
  double first = 0.0;
  for (double lq : logq) first += (1.0 / 3.0) * (std::log(1.0 / 3.0) - lq);
  CHECK(kl.item<double>() == Approx(first / 2.0).epsilon(1e-5));
  kl.backward();
  // The gradient reaches the weak side only; the strong side is the target.
  CHECK(weak_logits.grad().abs().sum().item<double>() > 1e-3);
  CHECK(!strong.grad().defined());
  // A gradient step on the weak logits lowers the KL (pulls the weak towards the strong).
  auto moved = (weak_logits - 0.5 * weak_logits.grad()).detach();
  auto after = mecl_kl(torch::log_softmax(moved, -1), torch::log_softmax(strong_logits, -1), mask);
  CHECK(after.item<double>() < kl.item<double>());
  // Masked positions do not count.
  auto half = mecl_kl(torch::log_softmax(weak_logits.detach(), -1),
                      torch::log_softmax(strong_logits, -1), torch::tensor({{0.0f, 1.0f}}));
  CHECK(half.item<double>() == Approx(0.0).margin(1e-7));
  CHECK_THROWS_AS(mecl_kl(torch::zeros({1, 2}), torch::zeros({1, 2}), mask), cad::Error);
}

TEST_CASE("HSB: admission with probability K/G over many draws, chunk ends", "[rl][merl]") {
  // G = 4, K = 1: an input with 2 or more of 4 wrong enters with probability 1/4; with 1 wrong
  // never.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int draws = 20000;
  int admitted = 0, easy = 0;
  for (int i = 0; i < draws; ++i) {
    admitted += hsb_admit(3, 4, 1, u(rng)) ? 1 : 0;
    easy += hsb_admit(1, 4, 1, u(rng)) ? 1 : 0;
  }
  // Binomial(20000, 0.25): std 61; 5 std either side.
  CHECK(std::abs(admitted - draws / 4) < 310);
  CHECK(easy == 0);
  // K = 2 of G = 4: probability 1/2 for 3 or 4 wrong, never for 2.
  int half = 0;
  for (int i = 0; i < draws; ++i) half += hsb_admit(4, 4, 2, u(rng)) ? 1 : 0;
  CHECK(std::abs(half - draws / 2) < 360);
  CHECK(!hsb_admit(2, 4, 2, 0.0));
  CHECK_THROWS_AS(hsb_admit(1, 4, 5, 0.5), cad::UsageError);
  // 10 steps in 3 chunks end at steps 4, 7 and 10.
  std::vector<std::int64_t> ends;
  for (std::int64_t s = 1; s <= 10; ++s)
    if (hsb_chunk_ends(s, 10, 3)) ends.push_back(s);
  CHECK(ends == std::vector<std::int64_t>{4, 7, 10});
  CHECK(!hsb_chunk_ends(0, 10, 3));
  CHECK(hsb_chunk_ends(5, 5, 1));
  CHECK(!hsb_chunk_ends(4, 5, 1));
}
