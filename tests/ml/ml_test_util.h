// Shared helpers of the ml tests: one torch thread, small seeded models, a small tokenizer.
#pragma once

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "ml/model_config.h"
#include "ml/tokenizer.h"
#include "ml/transformer.h"

namespace cad::ml::test {

/// One intra-op thread, so the tests are deterministic and leave the other core free.
inline void single_thread() {
  static const bool done = [] {
    at::set_num_threads(1);
    return true;
  }();
  (void)done;
}

/// The device the device-aware core tests run on: CAD_TEST_DEVICE (bench/gpu.sh sets "cuda"),
/// else the CPU.
inline std::string test_device() {
  const char* device = std::getenv("CAD_TEST_DEVICE");
  return device != nullptr && *device != '\0' ? device : "cpu";
}

/// A config smaller than tiny for fast tests: 2 layers of width 64, GQA 4/2, optional vision
/// with 32-pixel images of 16 patches.
inline ModelConfig test_config(std::int64_t vocab_size, bool vision) {
  ModelConfig config;
  config.name = "test";
  config.vocab_size = vocab_size;
  config.d_model = 64;
  config.n_layers = 2;
  config.n_heads = 4;
  config.n_kv_heads = 2;
  config.context = 256;
  config.vision = vision;
  config.image_size = 32;
  config.patch_size = 8;
  config.vision_d_model = 32;
  config.vision_layers = 1;
  config.vision_heads = 2;
  return config;
}

/// A seeded model in eval mode.
inline Transformer make_model(const ModelConfig& config, std::uint64_t seed = 1) {
  single_thread();
  torch::manual_seed(seed);
  Transformer model(config);
  model->eval();
  return model;
}

/// Seeded random token ids [batch, steps] below `vocab`.
inline at::Tensor random_tokens(std::int64_t batch, std::int64_t steps, std::int64_t vocab,
                                std::uint64_t seed) {
  torch::manual_seed(seed);
  return torch::randint(vocab, {batch, steps}, torch::kLong);
}

}  // namespace cad::ml::test
