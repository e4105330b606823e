// Transformer, attention, RoPE, SwiGLU, RMSNorm and the ViT encoder.
#include "ml/transformer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "ml/precision.h"

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
#define CAD_FUSED_ATTENTION 1
#else
#define CAD_FUSED_ATTENTION 0
#endif

namespace cad::ml {
namespace {

torch::nn::Linear linear(std::int64_t in, std::int64_t out) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false));
}

at::Tensor apply_rope(const at::Tensor& x, const RopeTables& rope) {
  const std::int64_t half = x.size(-1) / 2;
  const at::Tensor x1 = x.narrow(-1, 0, half).to(at::kFloat);
  const at::Tensor x2 = x.narrow(-1, half, half).to(at::kFloat);
  return at::cat({x1 * rope.cos - x2 * rope.sin, x1 * rope.sin + x2 * rope.cos}, -1)
      .to(x.scalar_type());
}

// GELU (exact, erf form) from elementwise operations. LibTorch 1.13's at::gelu on CPU goes
// through oneDNN, whose backward returns wrong (often huge or non-finite) gradients when the
// incoming gradient is not contiguous, which it is not behind the conv stem's flatten +
// transpose; the elementwise form has ordinary autograd and the same values.
at::Tensor gelu_erf(const at::Tensor& x) {
  return 0.5 * x * (1.0 + at::erf(x * M_SQRT1_2));
}

}  // namespace

RopeTables RopeTables::make(const at::Tensor& positions, std::int64_t head_dim, double theta) {
  const std::int64_t half = head_dim / 2;
  const auto float_options = at::TensorOptions().dtype(at::kFloat).device(positions.device());
  const at::Tensor exponents = at::arange(0, half, float_options) * (-2.0 / head_dim);
  const at::Tensor inv_freq = at::exp(exponents * std::log(theta));
  const at::Tensor angles = positions.to(at::kFloat).unsqueeze(-1) * inv_freq;  // [B, T, half]
  return {angles.cos().unsqueeze(1), angles.sin().unsqueeze(1)};
}

RmsNormImpl::RmsNormImpl(std::int64_t dim, double eps) : eps_(eps) {
  weight = register_parameter("weight", at::ones({dim}));
}

at::Tensor RmsNormImpl::forward(const at::Tensor& x) {
  const at::Tensor xf = x.to(at::kFloat);
  const at::Tensor normed = xf * at::rsqrt(xf.pow(2).mean(-1, true) + eps_);
  return (normed * weight.to(at::kFloat)).to(x.scalar_type());
}

AttentionImpl::AttentionImpl(std::int64_t dim, std::int64_t heads, std::int64_t kv_heads)
    : heads_(heads), kv_heads_(kv_heads), head_dim_(dim / heads) {
  wq = register_module("wq", linear(dim, heads * head_dim_));
  wk = register_module("wk", linear(dim, kv_heads * head_dim_));
  wv = register_module("wv", linear(dim, kv_heads * head_dim_));
  wo = register_module("wo", linear(heads * head_dim_, dim));
}

at::Tensor AttentionImpl::forward(const at::Tensor& x, const at::Tensor& mask,
                                  const RopeTables& rope, at::Tensor* cache_k, at::Tensor* cache_v,
                                  std::int64_t past, bool causal) {
  const std::int64_t batch = x.size(0);
  const std::int64_t steps = x.size(1);
  const std::int64_t group = heads_ / kv_heads_;
  at::Tensor q = wq(x).view({batch, steps, heads_, head_dim_}).transpose(1, 2);
  at::Tensor k = wk(x).view({batch, steps, kv_heads_, head_dim_}).transpose(1, 2);
  at::Tensor v = wv(x).view({batch, steps, kv_heads_, head_dim_}).transpose(1, 2);
  if (rope.cos.defined()) {
    q = apply_rope(q, rope);
    k = apply_rope(k, rope);
  }
  if (cache_k != nullptr) {
    cache_k->narrow(2, past, steps).copy_(k);
    cache_v->narrow(2, past, steps).copy_(v);
    k = cache_k->narrow(2, 0, past + steps);
    v = cache_v->narrow(2, 0, past + steps);
  }
  const std::int64_t keys = k.size(2);
#if CAD_FUSED_ATTENTION
  {
    // LibTorch's fused kernel (flash / memory-efficient on CUDA): scores and softmax are kept in
    // fp32 inside it. Key/value heads are repeated to the query heads (kv head h serves query
    // heads h * group ... h * group + group - 1, as in the path below).
    at::Tensor kk = group > 1 ? k.repeat_interleave(group, 1) : k;
    at::Tensor vv = group > 1 ? v.repeat_interleave(group, 1) : v;
    c10::optional<at::Tensor> attn_mask;
    if (mask.defined()) attn_mask = mask.squeeze(2);  // [B or 1, 1, T, S]
    const bool is_causal = causal && !mask.defined();
    const at::Tensor out =
        at::scaled_dot_product_attention(q, kk.to(q.scalar_type()), vv.to(q.scalar_type()),
                                         attn_mask, 0.0, is_causal)
            .transpose(1, 2)
            .reshape({batch, steps, heads_ * head_dim_});
    return wo(out);
  }
#endif
  at::Tensor full_mask = mask;
  if (causal && !full_mask.defined()) {
    const auto index_options = at::TensorOptions().dtype(at::kLong).device(x.device());
    full_mask = (at::arange(keys, index_options).unsqueeze(0) <=
                 at::arange(keys - steps, keys, index_options).unsqueeze(1))
                    .view({1, 1, 1, steps, keys});
  }
  at::Tensor out;
  {
    // Scores, softmax and the weighted sum in fp32 whatever the autocast state: a bf16 score
    // matrix would round the logits of the softmax.
    const AutocastGuard fp32(x.device().type(), false);
    // The query heads sharing a key/value head are folded into the time axis: one matmul per
    // key/value head, no copies of k and v.
    const at::Tensor qg = q.reshape({batch, kv_heads_, group * steps, head_dim_}).to(at::kFloat);
    at::Tensor scores = at::matmul(qg, k.to(at::kFloat).transpose(-1, -2));
    scores.mul_(1.0 / std::sqrt(static_cast<double>(head_dim_)));
    if (full_mask.defined()) {
      scores = scores.view({batch, kv_heads_, group, steps, keys})
                   .masked_fill(full_mask.logical_not(), -std::numeric_limits<float>::infinity())
                   .view({batch, kv_heads_, group * steps, keys});
    }
    const at::Tensor weights = at::softmax(scores, -1);
    out = at::matmul(weights, v.to(at::kFloat))
              .view({batch, heads_, steps, head_dim_})
              .transpose(1, 2)
              .reshape({batch, steps, heads_ * head_dim_})
              .to(q.scalar_type());
  }
  return wo(out);
}

SwiGluImpl::SwiGluImpl(std::int64_t dim, std::int64_t hidden) {
  w1 = register_module("w1", linear(dim, hidden));
  w2 = register_module("w2", linear(hidden, dim));
  w3 = register_module("w3", linear(dim, hidden));
}

at::Tensor SwiGluImpl::forward(const at::Tensor& x) {
  return w2(at::silu(w1(x)) * w3(x));
}

BlockImpl::BlockImpl(std::int64_t dim, std::int64_t heads, std::int64_t kv_heads,
                     std::int64_t hidden, double eps) {
  attn_norm = register_module("attn_norm", RmsNorm(dim, eps));
  attn = register_module("attn", Attention(dim, heads, kv_heads));
  ffn_norm = register_module("ffn_norm", RmsNorm(dim, eps));
  ffn = register_module("ffn", SwiGlu(dim, hidden));
}

at::Tensor BlockImpl::forward(const at::Tensor& x, const at::Tensor& mask, const RopeTables& rope,
                              at::Tensor* cache_k, at::Tensor* cache_v, std::int64_t past,
                              bool causal) {
  const at::Tensor h = x + attn(attn_norm(x), mask, rope, cache_k, cache_v, past, causal);
  return h + ffn(ffn_norm(h));
}

VisionEncoderImpl::VisionEncoderImpl(const ModelConfig& config)
    : patch_size_(config.patch_size), side_(config.image_size / config.patch_size) {
  const std::int64_t width = config.vision_d_model;
  if (config.vision_stem == "conv") {
    // log2(patch_size) stride-2 convolutions; channels double up to the encoder width.
    std::int64_t convs = 0;
    while ((std::int64_t{1} << convs) < patch_size_) ++convs;
    stem = register_module("stem", torch::nn::ModuleList());
    std::int64_t in = config.image_channels;
    for (std::int64_t i = 0; i < convs; ++i) {
      const std::int64_t out = std::max<std::int64_t>(16, width >> (convs - 1 - i));
      stem->push_back(
          torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(2).padding(1).bias(true)));
      in = out;
    }
    patch = register_module("patch", linear(in, width));
  } else {
    patch =
        register_module("patch", linear(config.image_channels * patch_size_ * patch_size_, width));
  }
  pos = register_parameter("pos", at::zeros({side_ * side_, width}));
  layers = register_module("layers", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < config.vision_layers; ++i) {
    layers->push_back(Block(width, config.vision_heads, config.vision_heads,
                            config.vision_ffn_width(), config.norm_eps));
  }
  norm = register_module("norm", RmsNorm(width, config.norm_eps));
  proj = register_module("proj", linear(width, config.d_model));
}

at::Tensor VisionEncoderImpl::forward(const at::Tensor& images) {
  TORCH_CHECK(images.dim() == 4 && images.size(2) == side_ * patch_size_ &&
                  images.size(3) == side_ * patch_size_,
              "vision encoder: expected images [B, C, ", side_ * patch_size_, ", ",
              side_ * patch_size_, "], got ", images.sizes());
  const std::int64_t batch = images.size(0);
  const std::int64_t channels = images.size(1);
  at::Tensor x = 1.0 - images.to(patch->weight.scalar_type());  // ink: background 0
  if (!stem.is_empty()) {
    for (const auto& conv : *stem) x = gelu_erf(conv->as<torch::nn::Conv2d>()->forward(x));
    x = x.flatten(2).transpose(1, 2);  // [B, side * side, channels]
  } else {
    x = x.view({batch, channels, side_, patch_size_, side_, patch_size_})
            .permute({0, 2, 4, 1, 3, 5})
            .reshape({batch, side_ * side_, channels * patch_size_ * patch_size_});
  }
  x = patch(x) + pos;
  for (const auto& layer : *layers) x = layer->as<Block>()->forward(x, {}, {});
  return proj(norm(x));
}

PointEncoderImpl::PointEncoderImpl(const ModelConfig& config)
    : frequencies_(config.point_frequencies) {
  const std::int64_t features = 3 * (1 + 2 * frequencies_);
  if (config.point_encoder == "attention") {
    const std::int64_t width = config.point_d_model;
    embed = register_module("embed", linear(features, width));
    layers = register_module("layers", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < config.point_layers; ++i) {
      layers->push_back(Block(width, config.point_heads, config.point_heads,
                              config.point_ffn_width(), config.norm_eps));
    }
    norm = register_module("norm", RmsNorm(width, config.norm_eps));
    proj = register_module("proj", linear(width, config.d_model));
  } else {
    proj = register_module("proj", linear(features, config.d_model));
  }
}

at::Tensor PointEncoderImpl::forward(const at::Tensor& points) {
  TORCH_CHECK(points.dim() == 3 && points.size(2) == 3,
              "point encoder: expected points [B, N, 3], got ", points.sizes());
  const at::Tensor x = points.to(proj->weight.device()).to(at::kFloat);
  std::vector<at::Tensor> parts{x};
  for (std::int64_t k = 0; k < frequencies_; ++k) {
    const at::Tensor angle = x * (M_PI * static_cast<double>(std::int64_t{1} << k));
    parts.push_back(at::sin(angle));
    parts.push_back(at::cos(angle));
  }
  at::Tensor h = at::cat(parts, 2).to(proj->weight.scalar_type());
  if (embed.is_empty()) return proj(h);
  h = embed(h);
  for (const auto& layer : *layers) h = layer->as<Block>()->forward(h, {}, {});
  return proj(norm(h));
}

TransformerImpl::TransformerImpl(const ModelConfig& config) : config_(config) {
  config_.validate();
  if (config_.vocab_size <= 0) throw UsageError("model config: vocab_size is not set");
  tok_emb = register_module("tok_emb", torch::nn::Embedding(config_.vocab_size, config_.d_model));
  layers = register_module("layers", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < config_.n_layers; ++i) {
    layers->push_back(Block(config_.d_model, config_.n_heads, config_.n_kv_heads,
                            config_.ffn_width(), config_.norm_eps));
  }
  norm = register_module("norm", RmsNorm(config_.d_model, config_.norm_eps));
  if (!config_.tie_embeddings) {
    lm_head = register_module("lm_head", linear(config_.d_model, config_.vocab_size));
  }
  if (config_.vision) vision = register_module("vision", VisionEncoder(config_));
  if (config_.points) points = register_module("points", PointEncoder(config_));

  torch::NoGradGuard no_grad;
  const double residual_std = config_.init_std / std::sqrt(2.0 * config_.n_layers);
  for (auto& item : named_parameters()) {
    const std::string& name = item.key();
    if (name.size() >= 11 && name.compare(name.size() - 11, 11, "norm.weight") == 0) continue;
    if (name.rfind("vision.stem.", 0) == 0) {
      // He initialization keeps the signal through the GELU convolutions; zero biases.
      at::Tensor& p = item.value();
      if (p.dim() == 4) {
        p.normal_(0.0, std::sqrt(2.0 / static_cast<double>(p.size(1) * p.size(2) * p.size(3))));
      } else {
        p.zero_();
      }
      continue;
    }
    const bool residual =
        name.find("wo.weight") != std::string::npos || name.find("w2.weight") != std::string::npos;
    item.value().normal_(0.0, residual ? residual_std : config_.init_std);
  }
}

at::Tensor TransformerImpl::forward(const at::Tensor& tokens, const at::Tensor& images,
                                    KvCache* cache, const at::Tensor& valid) {
  at::Tensor prefix_embeddings;
  if (images.defined()) {
    TORCH_CHECK(images.size(0) == tokens.size(0),
                "transformer: images and tokens differ in batch size");
    prefix_embeddings = encode_prefix(images);
  }
  return forward_embedded(tokens, prefix_embeddings, cache, valid);
}

at::Tensor TransformerImpl::encode_prefix(const at::Tensor& input) {
  const AutocastGuard autocast(device().type(), uses_bf16_autocast(config_.dtype));
  if (input.dim() == 3) {
    TORCH_CHECK(!points.is_empty(), "transformer: points given to a model without a point encoder");
    return points(input.to(device()));
  }
  TORCH_CHECK(!vision.is_empty(), "transformer: images given to a model without vision");
  return vision(input.to(device()));
}

std::int64_t prefix_length(const ModelConfig& config, const at::Tensor& input) {
  if (!input.defined()) return 0;
  return input.dim() == 3 ? input.size(1) : config.image_tokens();
}

at::Tensor TransformerImpl::forward_embedded(const at::Tensor& tokens,
                                             const at::Tensor& prefix_embeddings, KvCache* cache,
                                             const at::Tensor& valid) {
  TORCH_CHECK(tokens.dim() == 2, "transformer: tokens must be [B, T], got ", tokens.sizes());
  const std::int64_t batch = tokens.size(0);
  const std::int64_t steps = tokens.size(1);
  const at::Device dev = device();
  const std::int64_t past = cache != nullptr ? cache->length : 0;
  const AutocastGuard autocast(dev.type(), uses_bf16_autocast(config_.dtype));

  at::Tensor x = tok_emb(tokens.to(dev));
  std::int64_t prefix = 0;
  if (prefix_embeddings.defined()) {
    TORCH_CHECK(past == 0, "transformer: images must come with the first forward of a cache");
    TORCH_CHECK(prefix_embeddings.size(0) == batch,
                "transformer: images and tokens differ in batch size");
    prefix = prefix_embeddings.size(1);
    x = at::cat({prefix_embeddings.to(x.scalar_type()), x}, 1);
  }
  const std::int64_t length = prefix + steps;
  const std::int64_t total = past + length;
  if (cache != nullptr) {
    TORCH_CHECK(cache->keys.size() == layers->size() && cache->key_valid.size(0) == batch,
                "transformer: the cache does not fit this model or batch");
    TORCH_CHECK(total <= cache->capacity(), "transformer: sequence of ", total,
                " positions exceeds the cache capacity ", cache->capacity());
  }
  TORCH_CHECK(total <= config_.context, "transformer: sequence of ", total,
              " positions exceeds the context ", config_.context);

  const auto long_options = at::TensorOptions().dtype(at::kLong).device(dev);
  at::Tensor new_valid;  // [B, length] bool, defined when validity or a cache is in play
  if (valid.defined() || cache != nullptr) {
    new_valid = valid.defined() ? valid.to(dev).to(at::kBool)
                                : at::ones({batch, steps}, long_options.dtype(at::kBool));
    if (prefix > 0) {
      new_valid = at::cat({at::ones({batch, prefix}, new_valid.options()), new_valid}, 1);
    }
  }
  at::Tensor positions;
  if (new_valid.defined()) {
    const at::Tensor base =
        cache != nullptr ? cache->next_position : at::zeros({batch}, long_options);
    const at::Tensor counts = at::cumsum(new_valid.to(at::kLong), 1);
    positions = (base.unsqueeze(1) + counts - 1).clamp_min(0);
    if (cache != nullptr) cache->next_position = base + counts.select(1, length - 1);
  } else {
    positions = at::arange(length, long_options).unsqueeze(0).expand({batch, length});
  }
  const RopeTables rope = RopeTables::make(positions, config_.head_dim(), config_.rope_theta);

  // Without a cache or validity the mask is plain causal: the fused kernel needs none (is_causal);
  // for the model's own attention it is built once here for all layers.
  const bool plain_causal = !new_valid.defined() && fused_attention_available();
  const at::Tensor query_index = at::arange(past, total, long_options).unsqueeze(1);
  const at::Tensor key_index = at::arange(total, long_options).unsqueeze(0);
  at::Tensor mask;
  if (new_valid.defined()) {
    mask = key_index <= query_index;  // [length, total]
    at::Tensor key_valid = new_valid;
    if (cache != nullptr) {
      cache->key_valid.narrow(1, past, length).copy_(new_valid);
      key_valid = cache->key_valid.narrow(1, 0, total);
    }
    // A query always sees itself, so padding rows never divide by zero.
    mask = (mask.unsqueeze(0) & key_valid.unsqueeze(1)) | (key_index == query_index).unsqueeze(0);
    mask = mask.view({batch, 1, 1, length, total});
  } else if (!plain_causal) {
    mask = (key_index <= query_index).view({1, 1, 1, length, total});
  }

  for (std::size_t i = 0; i < layers->size(); ++i) {
    const auto block = layers->ptr<BlockImpl>(i);
    x = cache != nullptr
            ? block->forward(x, mask, rope, &cache->keys[i], &cache->values[i], past, plain_causal)
            : block->forward(x, mask, rope, nullptr, nullptr, 0, plain_causal);
  }
  if (cache != nullptr) cache->length = total;
  const at::Tensor h = norm(x.narrow(1, prefix, steps));
  const at::Tensor logits = lm_head.is_empty() ? at::linear(h, tok_emb->weight) : lm_head(h);
  return logits.to(at::kFloat);
}

KvCache TransformerImpl::new_cache(std::int64_t batch, std::int64_t capacity) const {
  if (capacity <= 0) capacity = config_.context;
  // Keys and values are bf16 products under autocast: the cache keeps them so.
  const auto options = tok_emb->weight.options().requires_grad(false).dtype(
      uses_bf16_autocast(config_.dtype) ? at::kBFloat16 : tok_emb->weight.scalar_type());
  KvCache cache;
  for (std::int64_t i = 0; i < config_.n_layers; ++i) {
    cache.keys.push_back(
        at::zeros({batch, config_.n_kv_heads, capacity, config_.head_dim()}, options));
    cache.values.push_back(at::zeros_like(cache.keys.back()));
  }
  cache.key_valid = at::zeros({batch, capacity}, options.dtype(at::kBool));
  cache.next_position = at::zeros({batch}, options.dtype(at::kLong));
  return cache;
}

std::int64_t TransformerImpl::num_parameters() const {
  std::int64_t count = 0;
  for (const auto& p : parameters()) count += p.numel();
  return count;
}

void place_model(Transformer& model) {
  const ModelConfig& config = model->config();
  try {
    // Weights stay fp32 (the master copy the optimizer updates); bfloat16 is autocast.
    model->to(at::Device(config.device), at::kFloat);
  } catch (const c10::Error& e) {
    throw Error("model: cannot place on " + config.device + ": " + e.what_without_backtrace());
  }
}

at::Tensor token_cross_entropy(const at::Tensor& logits, const at::Tensor& targets,
                               std::int64_t ignore_index) {
  return at::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}).to(at::kFloat),
                                targets.reshape({-1}).to(logits.device()), {}, at::Reduction::Mean,
                                ignore_index);
}

}  // namespace cad::ml
