// Batched autoregressive generation: greedy, temperature and top-p sampling, with or without the
// KV cache.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "ml/tokenizer.h"
#include "ml/transformer.h"

namespace cad::ml {

/// How to generate.
struct SamplingOptions {
  std::int64_t max_new_tokens = 256;     ///< upper bound on generated tokens per row
  double temperature = 0.0;              ///< <= 0: greedy (argmax); else softmax(logits / T)
  double top_p = 1.0;                    ///< nucleus: smallest set of tokens with mass >= top_p
  std::int64_t top_k = 0;                ///< > 0: only the k most likely tokens (before top_p)
  std::vector<std::int64_t> stop_ids;    ///< a row ends after emitting one (e.g. <eos>, </code>)
  std::int64_t pad_id = 0;               ///< fills left padding of shorter prompts
  bool use_cache = true;                 ///< false: recompute the whole sequence at every step
  std::uint64_t seed = 0;                ///< row r draws from its own generator seeded seed + r
  std::vector<std::uint64_t> row_seeds;  ///< per-row seeds overriding seed + r when non-empty
  bool keep_logits = false;              ///< keep every step's logits (tests, analysis)
};

/// What one row produced.
struct Generation {
  std::vector<std::int64_t> tokens;  ///< new tokens, the stop token included when one was hit
  double logprob = 0.0;  ///< sum of log p(token) under the model (temperature 1, no top-p)
  bool stopped = false;  ///< ended on a stop id (else max_new_tokens or the context ran out)
  /// Per token: log p(token) under softmax(logits / temperature) (temperature 1 when greedy),
  /// before top-k / top-p truncation: the behaviour log-probabilities RL's ratios use.
  std::vector<float> token_logprobs;
  std::vector<at::Tensor> logits;  ///< per step [vocab] float32 on the CPU, when keep_logits
};

/// One sampled token.
struct TokenDraw {
  std::int64_t token = 0;
  double logprob = 0.0;           ///< log p(token) at temperature 1
  double sampling_logprob = 0.0;  ///< log p(token) at the sampling temperature (1 when greedy)
};

/// Draws a token from one row of `vocab` logits as `options` says (greedy when temperature <=
/// 0, else temperature, top-k, then top-p) with `rng`.
TokenDraw draw_token(const float* logits, std::int64_t vocab, const SamplingOptions& options,
                     std::mt19937_64& rng);

/// The ids generation stops at by default: <eos> and </code>.
std::vector<std::int64_t> default_stop_ids(const Tokenizer& tokenizer);

/// Continues each of `prompts` (non-empty token lists; shorter ones are left-padded, which the
/// model masks out) in one batch. `images` [B, C, H, W] in [0, 1] prefix each row when defined.
/// Runs in eval mode without gradients; sampling happens on the CPU from the row's own
/// std::mt19937_64, so results do not depend on the batch composition or on the device's
/// random generator. Throws cad::UsageError on empty prompts or when a prompt plus the image
/// prefix does not fit the context.
std::vector<Generation> generate(Transformer& model,
                                 const std::vector<std::vector<std::int64_t>>& prompts,
                                 const SamplingOptions& options, const at::Tensor& images = {});

}  // namespace cad::ml
