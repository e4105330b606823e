// Sampler: cached and uncached greedy decoding agree, sampling is seeded per row, stop ids end
// rows, and the benchmark of cache vs no cache (hidden, run with "[bench]").
#include <catch2/catch.hpp>

#include <chrono>

#include "core/error.h"
#include "ml/sampler.h"
#include "ml_test_util.h"

using namespace cad::ml;
using cad::ml::test::make_model;
using cad::ml::test::test_config;

namespace {

const std::vector<std::vector<std::int64_t>> kPrompts = {
    {1, 40, 41, 42, 43, 44, 45}, {1, 50}, {1, 60, 61, 62}};

}  // namespace

TEST_CASE("greedy decoding with the KV cache equals decoding without it", "[ml]") {
  for (const bool vision : {false, true}) {
    Transformer model = make_model(test_config(300, vision));
    at::Tensor images;
    if (vision) {
      torch::manual_seed(4);
      images = torch::rand({3, 3, 32, 32});
    }
    SamplingOptions options;
    options.max_new_tokens = 24;
    options.keep_logits = true;
    const auto cached = generate(model, kPrompts, options, images);
    options.use_cache = false;
    const auto uncached = generate(model, kPrompts, options, images);
    REQUIRE(cached.size() == 3);
    for (std::size_t r = 0; r < cached.size(); ++r) {
      CHECK(cached[r].tokens.size() == 24);
      CHECK(cached[r].tokens == uncached[r].tokens);
      CHECK(cached[r].logprob == Approx(uncached[r].logprob).margin(1e-3));
      CHECK(cached[r].logprob < 0.0);
      for (std::size_t s = 0; s < cached[r].logits.size(); ++s) {
        REQUIRE((cached[r].logits[s] - uncached[r].logits[s]).abs().max().item<double>() < 1e-4);
      }
    }
    // A row decodes the same alone as in a padded batch.
    options.use_cache = true;
    const auto alone =
        generate(model, {kPrompts[1]}, options, vision ? images.narrow(0, 1, 1) : at::Tensor());
    CHECK(alone[0].tokens == cached[1].tokens);
  }
}

TEST_CASE("sampling is seeded per row and top-p near zero is greedy", "[ml]") {
  Transformer model = make_model(test_config(300, false));
  SamplingOptions options;
  options.max_new_tokens = 16;
  const auto greedy = generate(model, kPrompts, options);
  options.temperature = 1.0;
  options.top_p = 1e-9;
  const auto narrow = generate(model, kPrompts, options);
  for (std::size_t r = 0; r < kPrompts.size(); ++r) CHECK(narrow[r].tokens == greedy[r].tokens);
  options.top_p = 0.95;
  options.temperature = 1.5;
  options.seed = 5;
  const auto a = generate(model, kPrompts, options);
  const auto b = generate(model, kPrompts, options);
  for (std::size_t r = 0; r < kPrompts.size(); ++r) CHECK(a[r].tokens == b[r].tokens);
  CHECK(a[0].tokens != greedy[0].tokens);
  // Row 2 with its own seed alone reproduces row 2 of the batch.
  options.row_seeds = {5 + 2};
  const auto single = generate(model, {kPrompts[2]}, options);
  CHECK(single[0].tokens == a[2].tokens);
  options.use_cache = false;
  const auto uncached = generate(model, {kPrompts[2]}, options);
  CHECK(uncached[0].tokens == a[2].tokens);
}

TEST_CASE("a row stops at a stop id and the prompt must fit", "[ml]") {
  Transformer model = make_model(test_config(300, false));
  SamplingOptions options;
  options.max_new_tokens = 10;
  const auto free_run = generate(model, kPrompts, options);
  options.stop_ids = {free_run[0].tokens[2]};
  const auto stopped = generate(model, kPrompts, options);
  CHECK(stopped[0].stopped);
  CHECK(stopped[0].tokens.size() <= 3);
  CHECK(stopped[0].tokens.back() == free_run[0].tokens[2]);
  CHECK(default_stop_ids(Tokenizer()) == std::vector<std::int64_t>{2, 6});
  CHECK_THROWS_AS(generate(model, {{}}, options), cad::UsageError);
  CHECK_THROWS_AS(generate(model, {std::vector<std::int64_t>(300, 5)}, options), cad::UsageError);
  // Generation stops at the context.
  options.stop_ids.clear();
  options.max_new_tokens = 1000;
  const auto to_the_end = generate(model, {std::vector<std::int64_t>(250, 5)}, options);
  CHECK(to_the_end[0].tokens.size() == 6);
}

TEST_CASE("benchmark: tiny forward and generation with and without the cache", "[.][bench]") {
  ModelConfig config = load_model_config(CAD_SOURCE_DIR "/configs/models/tiny.yaml");
  config.vocab_size = 4096;
  Transformer model = make_model(config);
  using clock = std::chrono::steady_clock;
  auto seconds = [](clock::time_point t0) {
    return std::chrono::duration<double>(clock::now() - t0).count();
  };
  {
    torch::NoGradGuard no_grad;
    const at::Tensor tokens = torch::randint(4096, {8, 512}, torch::kLong);
    model->forward(tokens);
    const auto t0 = clock::now();
    for (int i = 0; i < 3; ++i) model->forward(tokens);
    WARN("tiny forward, batch 8 x 512: " << 3 * 8 * 512 / seconds(t0) << " tokens/s");
  }
  model->train();
  {
    const at::Tensor tokens = torch::randint(4096, {8, 256}, torch::kLong);
    const auto t0 = clock::now();
    for (int i = 0; i < 3; ++i) {
      token_cross_entropy(model->forward(tokens), tokens).backward();
    }
    WARN("tiny forward+backward, batch 8 x 256: " << 3 * 8 * 256 / seconds(t0) << " tokens/s");
  }
  SamplingOptions options;
  options.max_new_tokens = 512;
  for (const bool cache : {true, false}) {
    options.use_cache = cache;
    const auto t0 = clock::now();
    const auto out = generate(model, {{1, 2, 3, 4}}, options);
    WARN("generate 512 tokens, batch 1, cache "
         << cache << ": " << out[0].tokens.size() / seconds(t0) << " tokens/s");
  }
}
