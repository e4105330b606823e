// generate(): left-padded batched decoding with per-row CPU sampling.
#include "ml/sampler.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.h"
#include "ml/precision.h"

namespace cad::ml {
TokenDraw draw_token(const float* logits, std::int64_t vocab, const SamplingOptions& options,
                     std::mt19937_64& rng) {
  const float max_logit = *std::max_element(logits, logits + vocab);
  double sum = 0.0;
  for (std::int64_t v = 0; v < vocab; ++v) sum += std::exp(double(logits[v]) - max_logit);
  const double log_z = max_logit + std::log(sum);
  TokenDraw draw;
  if (options.temperature <= 0.0) {
    draw.token = std::max_element(logits, logits + vocab) - logits;
    draw.logprob = draw.sampling_logprob = double(logits[draw.token]) - log_z;
    return draw;
  }
  std::vector<double> probs(vocab);
  double total = 0.0;
  for (std::int64_t v = 0; v < vocab; ++v) {
    probs[v] = std::exp((double(logits[v]) - max_logit) / options.temperature);
    total += probs[v];
  }
  std::vector<std::int64_t> order(vocab);
  std::iota(order.begin(), order.end(), 0);
  std::int64_t kept = vocab;
  double kept_mass = total;
  const bool top_k = options.top_k > 0 && options.top_k < vocab;
  if (top_k || options.top_p < 1.0) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::int64_t a, std::int64_t b) { return probs[a] > probs[b]; });
    if (top_k) {
      kept = options.top_k;
      kept_mass = 0.0;
      for (std::int64_t i = 0; i < kept; ++i) kept_mass += probs[order[i]];
    }
    if (options.top_p < 1.0) {
      const double limit = kept_mass;
      double cumulative = 0.0;
      std::int64_t n = 0;
      while (n < kept) {
        cumulative += probs[order[n++]];
        if (cumulative >= options.top_p * limit) break;
      }
      kept = n;
      kept_mass = cumulative;
    }
  }
  double u = std::uniform_real_distribution<double>(0.0, kept_mass)(rng);
  draw.token = order[kept - 1];
  for (std::int64_t i = 0; i < kept; ++i) {
    u -= probs[order[i]];
    if (u < 0.0) {
      draw.token = order[i];
      break;
    }
  }
  draw.logprob = double(logits[draw.token]) - log_z;
  draw.sampling_logprob = std::log(probs[draw.token] / total);
  return draw;
}

std::vector<std::int64_t> default_stop_ids(const Tokenizer& tokenizer) {
  return {tokenizer.eos_id(), tokenizer.special_id("</code>")};
}

std::vector<Generation> generate(Transformer& model,
                                 const std::vector<std::vector<std::int64_t>>& prompts,
                                 const SamplingOptions& options, const at::Tensor& images) {
  // One autocast region for the whole generation: the weights are cast to bf16 once, not at
  // every token (the model's own guard nests inside it).
  const AutocastGuard autocast(model->device().type(), uses_bf16_autocast(model->config().dtype));
  const auto batch = static_cast<std::int64_t>(prompts.size());
  std::vector<Generation> results(batch);
  if (batch == 0) return results;
  std::int64_t longest = 0;
  for (const auto& prompt : prompts) {
    if (prompt.empty()) throw UsageError("generate: empty prompt");
    longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(prompt.size()));
  }
  const ModelConfig& config = model->config();
  const std::int64_t prefix = prefix_length(config, images);
  if (prefix + longest >= config.context) {
    throw UsageError("generate: prompt of " + std::to_string(longest) +
                     " tokens (plus image prefix) does not fit the context");
  }
  const std::int64_t budget = std::min(options.max_new_tokens, config.context - prefix - longest);

  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  std::vector<std::mt19937_64> rngs;
  for (std::int64_t r = 0; r < batch; ++r) {
    rngs.emplace_back(options.row_seeds.empty() ? options.seed + r : options.row_seeds.at(r));
  }

  // Left padding keeps every row's last prompt token in the last column.
  const auto long_options = at::TensorOptions().dtype(at::kLong);
  at::Tensor tokens = at::full({batch, longest}, options.pad_id, long_options);
  at::Tensor valid = at::zeros({batch, longest}, long_options.dtype(at::kBool));
  for (std::int64_t r = 0; r < batch; ++r) {
    const auto& prompt = prompts[r];
    const auto start = longest - static_cast<std::int64_t>(prompt.size());
    tokens[r].narrow(0, start, prompt.size()).copy_(at::tensor(prompt, long_options));
    valid[r].narrow(0, start, prompt.size()).fill_(true);
  }

  KvCache cache;
  if (options.use_cache) cache = model->new_cache(batch, prefix + longest + budget);
  at::Tensor logits = options.use_cache ? model->forward(tokens, images, &cache, valid)
                                        : model->forward(tokens, images, nullptr, valid);
  std::vector<bool> done(batch, false);
  std::int64_t active = batch;
  for (std::int64_t step = 0; step < budget && active > 0; ++step) {
    const at::Tensor last = logits.select(1, logits.size(1) - 1).to(at::kCPU).contiguous();
    const std::int64_t vocab = last.size(1);
    std::vector<std::int64_t> next(batch, options.pad_id);
    for (std::int64_t r = 0; r < batch; ++r) {
      if (done[r]) continue;
      const float* row = last.data_ptr<float>() + r * vocab;
      const TokenDraw draw = draw_token(row, vocab, options, rngs[r]);
      const std::int64_t token = draw.token;
      Generation& g = results[r];
      g.tokens.push_back(token);
      g.logprob += draw.logprob;
      g.token_logprobs.push_back(static_cast<float>(draw.sampling_logprob));
      if (options.keep_logits) g.logits.push_back(last[r].clone());
      next[r] = token;
      if (std::find(options.stop_ids.begin(), options.stop_ids.end(), token) !=
          options.stop_ids.end()) {
        g.stopped = true;
        done[r] = true;
        --active;
      }
    }
    if (active == 0 || step + 1 == budget) break;
    const at::Tensor column = at::tensor(next, long_options).unsqueeze(1);
    if (options.use_cache) {
      logits = model->forward(column, {}, &cache);
    } else {
      tokens = at::cat({tokens, column}, 1);
      valid = at::cat({valid, at::ones({batch, 1}, valid.options())}, 1);
      logits = model->forward(tokens, images, nullptr, valid);
    }
  }
  if (was_training) model->train();
  return results;
}

}  // namespace cad::ml
