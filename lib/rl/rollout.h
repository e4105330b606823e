// Rollouts for RL: G samples per prompt from the current policy with one shared prefill per
// group, and the scoring function that gives per-token log-probabilities of given completions.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "ml/sampler.h"
#include "ml/transformer.h"

namespace cad::rl {

/// How rollouts are sampled.
struct RolloutOptions {
  std::int64_t group_size = 8;         ///< G samples per prompt
  double temperature = 1.0;            ///< > 0 (RL samples; greedy is cad-generate's job)
  double top_p = 1.0;                  ///< nucleus mass
  std::int64_t top_k = 0;              ///< 0 = off
  std::int64_t max_new_tokens = 256;   ///< per sample
  std::vector<std::int64_t> stop_ids;  ///< a sample ends after emitting one
  std::int64_t pad_id = 0;             ///< left padding of shorter prompts
  bool shared_prefill = true;  ///< encode image + prompt once per group and copy the KV cache to
                               ///< its G rows; false: G separate rows (the benchmark baseline)
};

/// One sampled completion.
struct Rollout {
  std::vector<std::int64_t> tokens;  ///< new tokens, the stop token included when hit
  std::vector<float> logprobs;       ///< per token, log p under softmax(logits / temperature)
  bool stopped = false;              ///< ended on a stop id (false: truncated)
};

/// Samples `options.group_size` completions of each prompt. `images` [P, C, H, W] in [0, 1]
/// (undefined for text prompts) prefix the prompts. `seeds` has P * G entries: sample g of
/// prompt p draws from its own generator seeded seeds[p * G + g], so results do not depend on
/// batching. Runs without gradients in eval mode; rows that finish leave the batch (the cache
/// shrinks to the live rows). Returns P groups of G rollouts. Throws cad::UsageError on empty
/// prompts or prompts that do not fit the context.
std::vector<std::vector<Rollout>> sample_groups(
    ml::Transformer& model, const std::vector<std::vector<std::int64_t>>& prompts,
    const at::Tensor& images, const RolloutOptions& options,
    const std::vector<std::uint64_t>& seeds);

/// Per-token log-probabilities of completions, as the loss needs them.
struct ScoredCompletions {
  at::Tensor logprobs;   ///< [N, L] float32, log p(completion token t | prompt, tokens < t)
  at::Tensor mask;       ///< [N, L] float32, 1 on real completion tokens, 0 on padding
  at::Tensor entropy;    ///< [N, L] float32 entropy of the token distribution (with_entropy)
  at::Tensor log_probs;  ///< [N, L, V] the whole log-softmax (with_distributions; MECL's KL)
};

/// Scores `completions[i]` after `prompts[i]` in one forward pass: prompts left-padded (padding
/// is masked and does not shift positions), completions right-padded, `images` [N, C, H, W]
/// prefixing each row when defined. With `image_rows` (one index per row), `images` holds
/// [U, C, H, W] distinct images and row i uses images[image_rows[i]]: each is encoded once
/// (the rows of a group share their drawing), with the same result as repeating it.
/// Log-probabilities are of softmax(logits / temperature).
/// Keeps gradients when grad mode is on. Rows with an empty completion score nothing (mask 0).
/// `with_distributions` also returns the whole log-softmax over the vocabulary.
/// Throws cad::UsageError when a row does not fit the context.
ScoredCompletions score_completions(ml::Transformer& model,
                                    const std::vector<std::vector<std::int64_t>>& prompts,
                                    const std::vector<std::vector<std::int64_t>>& completions,
                                    const at::Tensor& images, std::int64_t pad_id,
                                    double temperature = 1.0, bool with_entropy = false,
                                    const std::vector<std::int64_t>& image_rows = {},
                                    bool with_distributions = false);

}  // namespace cad::rl
