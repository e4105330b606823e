// Transformer: YAML configs, causal masking (with and without an image prefix), padding masks,
// the image prefix's effect, and the KV cache against full recomputation.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "ml/model_config.h"
#include "ml_test_util.h"

using namespace cad::ml;
using cad::ml::test::make_model;
using cad::ml::test::random_tokens;
using cad::ml::test::test_config;

namespace {

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

}  // namespace

TEST_CASE("model configs load from YAML and round-trip", "[ml]") {
  for (const char* name : {"tiny", "small", "base"}) {
    const ModelConfig config =
        load_model_config(std::string(CAD_SOURCE_DIR "/configs/models/") + name + ".yaml");
    CHECK(config.name == name);
    const ModelConfig again = model_config_from_yaml(to_yaml(config));
    CHECK(to_yaml(again) == to_yaml(config));
  }
  const ModelConfig tiny = load_model_config(CAD_SOURCE_DIR "/configs/models/tiny.yaml");
  CHECK(tiny.d_model == 128);
  CHECK(tiny.n_kv_heads == 2);
  CHECK(tiny.image_tokens() == 64);
  CHECK(tiny.ffn_width() == 352);
  CHECK_THROWS_AS(model_config_from_yaml("d_model: 100\nn_heads: 3\n"), cad::UsageError);
  CHECK_THROWS_AS(model_config_from_yaml("no_such_key: 1\n"), cad::UsageError);
  CHECK_THROWS_AS(model_config_from_yaml("dtype: float64\n"), cad::UsageError);
  CHECK_THROWS_AS(model_config_from_yaml("vision_stem: cnn\n"), cad::UsageError);
  CHECK_THROWS_AS(model_config_from_yaml("vision_stem: conv\nimage_size: 96\npatch_size: 12\n"),
                  cad::UsageError);
  CHECK(model_config_from_yaml("vision_stem: conv\n").vision_stem == "conv");
  CHECK_THROWS_AS(load_model_config("/nonexistent.yaml"), cad::Error);
}

TEST_CASE("the tiny model builds with GQA shapes and tied embeddings", "[ml]") {
  ModelConfig config = load_model_config(CAD_SOURCE_DIR "/configs/models/tiny.yaml");
  config.vocab_size = 512;
  Transformer model = make_model(config);
  CHECK(model->layers->ptr<BlockImpl>(0)->attn->wk->weight.sizes() ==
        std::vector<std::int64_t>{64, 128});
  CHECK(model->lm_head.is_empty());
  const auto logits = model->forward(random_tokens(2, 10, 512, 3));
  CHECK(logits.sizes() == std::vector<std::int64_t>{2, 10, 512});
  CHECK(model->num_parameters() > 500000);
  config.vocab_size = 0;
  CHECK_THROWS_AS(Transformer(config), cad::UsageError);
}

TEST_CASE("changing a later token leaves earlier logits unchanged", "[ml]") {
  for (const bool tied : {true, false}) {
    ModelConfig config = test_config(300, false);
    config.tie_embeddings = tied;
    Transformer model = make_model(config);
    torch::NoGradGuard no_grad;
    const at::Tensor tokens = random_tokens(2, 24, 300, 5);
    at::Tensor changed = tokens.clone();
    changed.index_put_({torch::indexing::Slice(), 15}, (tokens.select(1, 15) + 7) % 300);
    const at::Tensor a = model->forward(tokens);
    const at::Tensor b = model->forward(changed);
    CHECK(max_abs_diff(a.narrow(1, 0, 15), b.narrow(1, 0, 15)) == 0.0);
    CHECK(max_abs_diff(a.narrow(1, 15, 9), b.narrow(1, 15, 9)) > 1e-3);
  }
}

TEST_CASE("an image prefix changes the output and masking still holds with it", "[ml]") {
  const std::string stem = GENERATE(std::string("patch"), std::string("conv"));
  INFO("vision_stem " << stem);
  ModelConfig config = test_config(300, true);
  config.vision_stem = stem;
  Transformer model = make_model(config);
  if (stem == "conv") {
    // 32 px, patch 8: three stride-2 convolutions (3 -> 16 -> 16 -> 32 channels), 16 tokens.
    REQUIRE(model->vision->stem->size() == 3);
    CHECK(model->vision->patch->weight.sizes() == std::vector<std::int64_t>{32, 32});
  } else {
    CHECK(model->vision->stem.is_empty());
  }
  torch::NoGradGuard no_grad;
  torch::manual_seed(11);
  const at::Tensor images = torch::rand({2, 3, 32, 32});
  const at::Tensor other = torch::rand({2, 3, 32, 32});
  const at::Tensor tokens = random_tokens(2, 12, 300, 6);
  const at::Tensor plain = model->forward(tokens);
  const at::Tensor with_image = model->forward(tokens, images);
  const at::Tensor with_other = model->forward(tokens, other);
  CHECK(with_image.sizes() == plain.sizes());
  CHECK(max_abs_diff(plain, with_image) > 1e-3);
  CHECK(max_abs_diff(with_image, with_other) > 1e-3);
  // Row 1's image does not leak into row 0.
  at::Tensor mixed = images.clone();
  mixed[1].copy_(other[1]);
  const at::Tensor with_mixed = model->forward(tokens, mixed);
  CHECK(max_abs_diff(with_mixed[0], with_image[0]) < 1e-5);
  at::Tensor changed = tokens.clone();
  changed.index_put_({torch::indexing::Slice(), 8}, (tokens.select(1, 8) + 1) % 300);
  const at::Tensor after = model->forward(changed, images);
  CHECK(max_abs_diff(after.narrow(1, 0, 8), with_image.narrow(1, 0, 8)) == 0.0);
  CHECK(max_abs_diff(after.narrow(1, 8, 4), with_image.narrow(1, 8, 4)) > 1e-3);
  CHECK_THROWS(model->forward(tokens, torch::rand({2, 3, 16, 16})));
}

TEST_CASE("image-encoder gradients agree with LibTorch's reference kernels", "[ml]") {
  // LibTorch 1.13's oneDNN GELU returns garbage gradients when the incoming gradient is not
  // contiguous, as it is behind the conv stem's flatten + transpose (the root of the sft-tiny
  // runs' non-finite gradient norms). Gradients with oneDNN on must equal those with it off.
  const std::string stem = GENERATE(std::string("patch"), std::string("conv"));
  INFO("vision_stem " << stem);
  ModelConfig config = test_config(300, true);
  config.vision_stem = stem;
  config.image_size = 64;
  Transformer model = make_model(config);
  torch::manual_seed(5);
  const at::Tensor images = (torch::rand({4, 3, 64, 64}) > 0.1).to(at::kFloat);
  const at::Tensor tokens = random_tokens(4, 10, 300, 8);
  auto gradients = [&] {
    model->zero_grad();
    const at::Tensor logits = model->forward(tokens, images);
    logits.pow(2).mean().backward();
    std::vector<at::Tensor> grads;
    for (const auto& p : model->vision->parameters()) grads.push_back(p.grad().clone());
    return grads;
  };
  auto& context = at::globalContext();
  const bool was_enabled = context.userEnabledMkldnn();
  context.setUserEnabledMkldnn(true);
  const std::vector<at::Tensor> fast = gradients();
  context.setUserEnabledMkldnn(false);
  const std::vector<at::Tensor> reference = gradients();
  context.setUserEnabledMkldnn(was_enabled);
  REQUIRE(fast.size() == reference.size());
  for (std::size_t i = 0; i < fast.size(); ++i) {
    INFO("parameter " << i);
    const double scale = reference[i].abs().max().item<double>();
    CHECK(max_abs_diff(fast[i], reference[i]) <= 1e-4 * scale + 1e-8);
  }
}

TEST_CASE("left padding marked invalid does not change a row's logits", "[ml]") {
  for (const bool vision : {false, true}) {
    Transformer model = make_model(test_config(300, vision));
    torch::NoGradGuard no_grad;
    const at::Tensor tokens = random_tokens(1, 10, 300, 8);
    at::Tensor images;
    if (vision) images = torch::rand({1, 3, 32, 32});
    const at::Tensor reference = model->forward(tokens, images);
    const at::Tensor padded = at::cat({at::full({1, 5}, 0, at::kLong), tokens}, 1);
    const at::Tensor valid =
        at::cat({at::zeros({1, 5}, at::kBool), at::ones({1, 10}, at::kBool)}, 1);
    const at::Tensor result = model->forward(padded, images, nullptr, valid);
    CHECK(max_abs_diff(result.narrow(1, 5, 10), reference) < 1e-4);
  }
}

TEST_CASE("a KV cache filled in pieces gives the logits of one full pass", "[ml]") {
  for (const bool vision : {false, true}) {
    Transformer model = make_model(test_config(300, vision));
    torch::NoGradGuard no_grad;
    const at::Tensor tokens = random_tokens(2, 20, 300, 9);
    at::Tensor images;
    if (vision) images = torch::rand({2, 3, 32, 32});
    const at::Tensor full = model->forward(tokens, images);
    KvCache cache = model->new_cache(2, 64);
    const at::Tensor first = model->forward(tokens.narrow(1, 0, 7), images, &cache);
    std::vector<at::Tensor> pieces = {first};
    for (std::int64_t t = 7; t < 20; ++t) {
      pieces.push_back(model->forward(tokens.narrow(1, t, 1), {}, &cache));
    }
    CHECK(cache.length == 20 + (vision ? 16 : 0));
    CHECK(max_abs_diff(at::cat(pieces, 1), full) < 1e-4);
    CHECK_THROWS(model->forward(random_tokens(2, 50, 300, 1), {}, &cache));  // over 64
  }
}

TEST_CASE("cross-entropy ignores masked targets", "[ml]") {
  const at::Tensor logits = torch::zeros({1, 3, 4});
  const at::Tensor targets = torch::tensor({{1, -100, 2}}, torch::kLong);
  CHECK(token_cross_entropy(logits, targets).item<double>() == Approx(std::log(4.0)));
}
