// Group rollouts with a shared prefill, and completion scoring.
#include "rl/rollout.h"

#include <torch/torch.h>

#include <algorithm>
#include <random>
#include <string>

#include "core/error.h"
#include "ml/precision.h"

namespace cad::rl {
namespace {

// Keeps the rows `rows` (int64 indices, on the cache's device) of every tensor of the cache.
void select_cache_rows(ml::KvCache& cache, const at::Tensor& rows) {
  for (auto& k : cache.keys) k = k.index_select(0, rows);
  for (auto& v : cache.values) v = v.index_select(0, rows);
  cache.key_valid = cache.key_valid.index_select(0, rows);
  cache.next_position = cache.next_position.index_select(0, rows);
}

}  // namespace

std::vector<std::vector<Rollout>> sample_groups(
    ml::Transformer& model, const std::vector<std::vector<std::int64_t>>& prompts,
    const at::Tensor& images, const RolloutOptions& options,
    const std::vector<std::uint64_t>& seeds) {
  // One autocast region for the whole generation: the weights are cast to bf16 once, not at
  // every token (the model's own guard nests inside it).
  const ml::AutocastGuard autocast(model->device().type(),
                                   ml::uses_bf16_autocast(model->config().dtype));
  const auto n_prompts = static_cast<std::int64_t>(prompts.size());
  const std::int64_t group = options.group_size;
  if (group < 1) throw UsageError("rollouts: group size must be >= 1");
  if (options.temperature <= 0.0) throw UsageError("rollouts: temperature must be > 0");
  std::vector<std::vector<Rollout>> result(prompts.size(), std::vector<Rollout>(group));
  if (n_prompts == 0) return result;
  if (static_cast<std::int64_t>(seeds.size()) != n_prompts * group)
    throw UsageError("rollouts: one seed per sample is needed");
  std::int64_t longest = 0;
  for (const auto& prompt : prompts) {
    if (prompt.empty()) throw UsageError("rollouts: empty prompt");
    longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(prompt.size()));
  }
  const ml::ModelConfig& config = model->config();
  const std::int64_t prefix = ml::prefix_length(config, images);
  if (prefix + longest >= config.context)
    throw UsageError("rollouts: a prompt of " + std::to_string(longest) +
                     " tokens (plus image prefix) does not fit the context");
  const std::int64_t budget = std::min(options.max_new_tokens, config.context - prefix - longest);

  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  const at::Device device = model->device();
  const auto long_cpu = at::TensorOptions().dtype(at::kLong);

  // The prefill: P rows (shared) or P * G rows (separate).
  const std::int64_t prefill_rows = options.shared_prefill ? n_prompts : n_prompts * group;
  at::Tensor tokens = at::full({prefill_rows, longest}, options.pad_id, long_cpu);
  at::Tensor valid = at::zeros({prefill_rows, longest}, long_cpu.dtype(at::kBool));
  for (std::int64_t r = 0; r < prefill_rows; ++r) {
    const auto& prompt = prompts[options.shared_prefill ? r : r / group];
    const auto start = longest - static_cast<std::int64_t>(prompt.size());
    tokens[r].narrow(0, start, prompt.size()).copy_(at::tensor(prompt, long_cpu));
    valid[r].narrow(0, start, prompt.size()).fill_(true);
  }
  at::Tensor prefill_images = images;
  if (images.defined() && !options.shared_prefill)
    prefill_images = images.repeat_interleave(group, 0);
  ml::KvCache cache = model->new_cache(prefill_rows, prefix + longest + budget);
  at::Tensor logits = model->forward(tokens, prefill_images, &cache, valid).select(1, longest - 1);
  if (options.shared_prefill && group > 1) {
    const at::Tensor rows = at::arange(n_prompts, long_cpu.device(device)).repeat_interleave(group);
    select_cache_rows(cache, rows);
    logits = logits.index_select(0, rows);
  }

  ml::SamplingOptions sampling;
  sampling.temperature = options.temperature;
  sampling.top_p = options.top_p;
  sampling.top_k = options.top_k;
  std::vector<std::mt19937_64> rngs;
  rngs.reserve(seeds.size());
  for (std::uint64_t s : seeds) rngs.emplace_back(s);
  std::vector<std::int64_t> live(static_cast<std::size_t>(n_prompts * group));
  for (std::size_t i = 0; i < live.size(); ++i) live[i] = static_cast<std::int64_t>(i);

  for (std::int64_t step = 0; step < budget && !live.empty(); ++step) {
    const at::Tensor last = logits.to(at::kCPU).contiguous();
    const std::int64_t vocab = last.size(1);
    std::vector<std::int64_t> keep, next;
    for (std::size_t j = 0; j < live.size(); ++j) {
      const std::int64_t row = live[j];
      Rollout& out = result[row / group][row % group];
      const ml::TokenDraw draw =
          ml::draw_token(last.data_ptr<float>() + j * vocab, vocab, sampling, rngs[row]);
      out.tokens.push_back(draw.token);
      out.logprobs.push_back(static_cast<float>(draw.sampling_logprob));
      if (std::find(options.stop_ids.begin(), options.stop_ids.end(), draw.token) !=
          options.stop_ids.end()) {
        out.stopped = true;
        continue;
      }
      keep.push_back(static_cast<std::int64_t>(j));
      next.push_back(draw.token);
    }
    if (keep.empty() || step + 1 == budget) break;
    if (keep.size() != live.size()) {  // finished rows leave the batch
      select_cache_rows(cache, at::tensor(keep, long_cpu).to(device));
      std::vector<std::int64_t> still;
      for (std::int64_t j : keep) still.push_back(live[j]);
      live.swap(still);
    }
    logits = model->forward(at::tensor(next, long_cpu).unsqueeze(1), {}, &cache).select(1, 0);
  }
  if (was_training) model->train();
  return result;
}

ScoredCompletions score_completions(ml::Transformer& model,
                                    const std::vector<std::vector<std::int64_t>>& prompts,
                                    const std::vector<std::vector<std::int64_t>>& completions,
                                    const at::Tensor& images, std::int64_t pad_id,
                                    double temperature, bool with_entropy,
                                    const std::vector<std::int64_t>& image_rows,
                                    bool with_distributions) {
  if (prompts.size() != completions.size())
    throw UsageError("score_completions: prompts and completions differ in number");
  const auto rows = static_cast<std::int64_t>(prompts.size());
  if (rows == 0) throw UsageError("score_completions: nothing to score");
  if (temperature <= 0.0) throw UsageError("score_completions: temperature must be > 0");
  std::int64_t prompt_width = 0, completion_width = 1;
  for (std::int64_t r = 0; r < rows; ++r) {
    if (prompts[r].empty()) throw UsageError("score_completions: empty prompt");
    prompt_width = std::max<std::int64_t>(prompt_width, prompts[r].size());
    completion_width = std::max<std::int64_t>(completion_width, completions[r].size());
  }
  const ml::ModelConfig& config = model->config();
  const std::int64_t prefix = ml::prefix_length(config, images);
  const std::int64_t width = prompt_width + completion_width - 1;
  if (prefix + width > config.context)
    throw UsageError("score_completions: " + std::to_string(prefix + width) +
                     " positions exceed the context of " + std::to_string(config.context));

  // Row r: [pad..., prompt, completion[0 .. n-2], pad...]; the logits at prompt_width - 1 + t
  // predict completion[t].
  const auto long_cpu = at::TensorOptions().dtype(at::kLong);
  at::Tensor inputs = at::full({rows, width}, pad_id, long_cpu);
  at::Tensor valid = at::zeros({rows, width}, long_cpu.dtype(at::kBool));
  at::Tensor targets = at::zeros({rows, completion_width}, long_cpu);
  at::Tensor mask = at::zeros({rows, completion_width}, at::kFloat);
  auto in = inputs.accessor<std::int64_t, 2>();
  auto ok = valid.accessor<bool, 2>();
  auto tg = targets.accessor<std::int64_t, 2>();
  auto mk = mask.accessor<float, 2>();
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto& prompt = prompts[r];
    const auto& completion = completions[r];
    const auto start = prompt_width - static_cast<std::int64_t>(prompt.size());
    for (std::size_t t = 0; t < prompt.size(); ++t) {
      in[r][start + t] = prompt[t];
      ok[r][start + t] = true;
    }
    for (std::size_t t = 0; t < completion.size(); ++t) {
      if (t + 1 < completion.size()) {
        in[r][prompt_width + t] = completion[t];
        ok[r][prompt_width + t] = true;
      }
      tg[r][t] = completion[t];
      mk[r][t] = 1.0f;
    }
  }
  const at::Device device = model->device();
  at::Tensor embedded;
  if (images.defined()) {
    embedded = model->encode_prefix(images.to(device));
    if (!image_rows.empty()) {
      if (static_cast<std::int64_t>(image_rows.size()) != rows)
        throw UsageError("score_completions: one image row per completion is needed");
      embedded = embedded.index_select(0, at::tensor(image_rows, long_cpu).to(device));
    }
  }
  at::Tensor logits = model->forward_embedded(inputs, embedded, nullptr, valid)
                          .narrow(1, prompt_width - 1, completion_width);
  if (temperature != 1.0) logits = logits / temperature;
  const at::Tensor log_probs = at::log_softmax(logits, -1);
  ScoredCompletions scored;
  scored.mask = mask.to(device);
  scored.logprobs = log_probs.gather(2, targets.to(device).unsqueeze(2)).squeeze(2) * scored.mask;
  if (with_entropy) {
    torch::NoGradGuard no_grad;
    scored.entropy = -(log_probs.exp() * log_probs).sum(-1) * scored.mask;
  }
  if (with_distributions) scored.log_probs = log_probs;
  return scored;
}

}  // namespace cad::rl
