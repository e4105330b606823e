// Decoder-only transformer (RMSNorm, RoPE, SwiGLU, grouped-query attention) with an optional ViT
// image encoder whose projected patch embeddings prefix the token sequence, and a KV cache.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

#include "ml/model_config.h"

namespace cad::ml {

/// Keys and values of every decoder layer for incremental decoding, preallocated to a capacity.
/// Made by Transformer::new_cache; filled by forward calls that pass it.
struct KvCache {
  std::vector<at::Tensor> keys;    ///< per layer [B, n_kv_heads, capacity, head_dim]
  std::vector<at::Tensor> values;  ///< per layer, as keys
  at::Tensor key_valid;            ///< [B, capacity] bool: position holds a real token/patch
  at::Tensor next_position;        ///< [B] int64: RoPE position of each row's next real token
  std::int64_t length = 0;         ///< positions filled so far (same for every row)
  std::int64_t capacity() const { return key_valid.defined() ? key_valid.size(1) : 0; }
};

/// cos and sin of the rotary angles, each [B, 1, T, head_dim / 2] float32 (undefined = no RoPE).
struct RopeTables {
  at::Tensor cos, sin;
  /// Tables for int64 `positions` [B, T], head width `head_dim` and base `theta`.
  static RopeTables make(const at::Tensor& positions, std::int64_t head_dim, double theta);
};

/// Root-mean-square layer norm with a learned gain (computed in float32).
class RmsNormImpl : public torch::nn::Module {
 public:
  RmsNormImpl(std::int64_t dim, double eps);
  at::Tensor forward(const at::Tensor& x);
  at::Tensor weight;

 private:
  double eps_;
};
TORCH_MODULE(RmsNorm);

/// Multi-head attention with grouped key/value heads and rotary position embedding (when tables
/// are given).
class AttentionImpl : public torch::nn::Module {
 public:
  AttentionImpl(std::int64_t dim, std::int64_t heads, std::int64_t kv_heads);
  /// x [B, T, dim]; `mask` broadcastable to [B, 1, 1, T, S] (true = may attend) or undefined
  /// (full attention, or causal attention when `causal`); `rope` for the T new positions
  /// (undefined = none); `cache_k`/`cache_v` [B, kv_heads, capacity, head_dim] preallocated,
  /// written at [past, past + T). With LibTorch >= 2.1 the fused scaled-dot-product attention
  /// runs; otherwise scores, softmax and the weighted sum are computed here in fp32.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& mask, const RopeTables& rope,
                     at::Tensor* cache_k = nullptr, at::Tensor* cache_v = nullptr,
                     std::int64_t past = 0, bool causal = false);
  torch::nn::Linear wq{nullptr}, wk{nullptr}, wv{nullptr}, wo{nullptr};

 private:
  std::int64_t heads_, kv_heads_, head_dim_;
};
TORCH_MODULE(Attention);

/// SwiGLU feed-forward: w2(silu(w1 x) * w3 x).
class SwiGluImpl : public torch::nn::Module {
 public:
  SwiGluImpl(std::int64_t dim, std::int64_t hidden);
  at::Tensor forward(const at::Tensor& x);
  torch::nn::Linear w1{nullptr}, w2{nullptr}, w3{nullptr};
};
TORCH_MODULE(SwiGlu);

/// Pre-norm block: x + attn(norm(x)), then + ffn(norm(x)).
class BlockImpl : public torch::nn::Module {
 public:
  BlockImpl(std::int64_t dim, std::int64_t heads, std::int64_t kv_heads, std::int64_t hidden,
            double eps);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& mask, const RopeTables& rope,
                     at::Tensor* cache_k = nullptr, at::Tensor* cache_v = nullptr,
                     std::int64_t past = 0, bool causal = false);
  RmsNorm attn_norm{nullptr}, ffn_norm{nullptr};
  Attention attn{nullptr};
  SwiGlu ffn{nullptr};
};
TORCH_MODULE(Block);

/// ViT encoder: non-overlapping patches -> embedding + learned positions -> bidirectional blocks
/// -> RMSNorm -> projection to the decoder width. Pixels enter as ink (1 - value: a white
/// background is 0). The embedding is a linear map of each patch ("patch" stem) or a stack of
/// 3x3 stride-2 convolutions with GELU followed by a linear map ("conv" stem).
class VisionEncoderImpl : public torch::nn::Module {
 public:
  explicit VisionEncoderImpl(const ModelConfig& config);
  /// images [B, C, H, W] with values in [0, 1] (H = W = image_size) -> [B, image_tokens,
  /// d_model]. Throws c10::Error on a wrong shape.
  at::Tensor forward(const at::Tensor& images);
  torch::nn::Linear patch{nullptr}, proj{nullptr};
  torch::nn::ModuleList stem{nullptr};  ///< conv stem only: Conv2d layers
  at::Tensor pos;
  torch::nn::ModuleList layers{nullptr};
  RmsNorm norm{nullptr};

 private:
  std::int64_t patch_size_, side_;
};
TORCH_MODULE(VisionEncoder);

/// Point encoder: per point the Fourier features [xyz, sin(2^k pi xyz), cos(2^k pi xyz)]
/// (k < point_frequencies), then either one linear map to the decoder width ("fourier",
/// CAD-Recode) or a linear map, bidirectional blocks without positions, RMSNorm and a linear
/// map ("attention"). Every point is treated alike: permuting the input permutes the output.
class PointEncoderImpl : public torch::nn::Module {
 public:
  explicit PointEncoderImpl(const ModelConfig& config);
  /// points [B, N, 3] (float, in the model's point frame) -> [B, N, d_model]. Throws c10::Error
  /// on a wrong shape.
  at::Tensor forward(const at::Tensor& points);
  torch::nn::Linear embed{nullptr}, proj{nullptr};  ///< embed: attention only
  torch::nn::ModuleList layers{nullptr};            ///< attention only
  RmsNorm norm{nullptr};                            ///< attention only

 private:
  std::int64_t frequencies_;
};
TORCH_MODULE(PointEncoder);

/// The language model. Parameter names (as saved in model.safetensors): tok_emb.weight,
/// layers.N.{attn_norm,ffn_norm}.weight, layers.N.attn.{wq,wk,wv,wo}.weight,
/// layers.N.ffn.{w1,w2,w3}.weight, norm.weight, lm_head.weight (untied only), vision.* .
class TransformerImpl : public torch::nn::Module {
 public:
  /// Builds and initializes (normal(0, init_std); residual projections scaled by
  /// 1/sqrt(2 n_layers)) a model on the CPU in float32; move it with place_model. With
  /// config.dtype "bfloat16" the forward (and so the backward) runs under bf16 autocast
  /// (precision.h) while the weights stay fp32. Throws cad::UsageError if the config is invalid or
  /// vocab_size is 0.
  explicit TransformerImpl(const ModelConfig& config);

  /// Logits [B, T, vocab] (float32) for `tokens` [B, T] int64, continuing `cache` when given
  /// (positions after those it holds) and updating it. `images` is the prefix input: images
  /// [B, C, H, W] in [0, 1] (a model with vision) or point clouds [B, N, 3] (a model with the
  /// point encoder), only allowed when the cache (if any) is empty: their embeddings come
  /// before the tokens (no logits are returned for them). `valid` [B, T] bool marks real
  /// tokens (false = padding, e.g. left padding of a batch of prompts): padding is never
  /// attended to and does not advance RoPE positions. Without cache and valid, positions are
  /// 0.. in order and attention is causal.
  at::Tensor forward(const at::Tensor& tokens, const at::Tensor& images = {},
                     KvCache* cache = nullptr, const at::Tensor& valid = {});

  /// As forward, with the image prefix given as embeddings [B, image_tokens, d_model] (what
  /// `vision` returns), e.g. one encoding shared by the rows of a group. Undefined = none.
  at::Tensor forward_embedded(const at::Tensor& tokens, const at::Tensor& prefix_embeddings,
                              KvCache* cache = nullptr, const at::Tensor& valid = {});

  /// An empty cache for `batch` rows and `capacity` positions (0 = config.context), on the
  /// model's device, in bf16 under autocast and in the weights' dtype otherwise.
  KvCache new_cache(std::int64_t batch, std::int64_t capacity = 0) const;

  /// The configuration the model was built from.
  const ModelConfig& config() const { return config_; }
  /// Device of the parameters.
  at::Device device() const { return tok_emb->weight.device(); }
  /// Number of scalar parameters.
  std::int64_t num_parameters() const;

  torch::nn::Embedding tok_emb{nullptr};
  torch::nn::ModuleList layers{nullptr};
  RmsNorm norm{nullptr};
  torch::nn::Linear lm_head{nullptr};  ///< null when embeddings are tied
  VisionEncoder vision{nullptr};       ///< null without vision
  PointEncoder points{nullptr};        ///< null without the point encoder

  /// The prefix embeddings of a prefix input: images [B, C, H, W] through `vision`, point
  /// clouds [B, N, 3] through `points`. Throws c10::Error when the model lacks that encoder.
  at::Tensor encode_prefix(const at::Tensor& input);

 private:
  ModelConfig config_;
};
TORCH_MODULE(Transformer);

/// Positions a prefix input takes: N for point clouds [B, N, 3], config.image_tokens() for
/// images, 0 when undefined.
std::int64_t prefix_length(const ModelConfig& config, const at::Tensor& input);

/// Moves `model` to config.device with fp32 weights (config.dtype "bfloat16" is autocast, not a
/// weight dtype: the optimizer keeps fp32 master weights and fp32 moments).
void place_model(Transformer& model);

/// Mean token cross-entropy of `logits` [B, T, V] against `targets` [B, T] (int64), ignoring
/// targets equal to `ignore_index`. Computed in float32.
at::Tensor token_cross_entropy(const at::Tensor& logits, const at::Tensor& targets,
                               std::int64_t ignore_index = -100);

}  // namespace cad::ml
