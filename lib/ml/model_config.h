// The shape of a transformer (and its optional ViT image encoder), read from and written to YAML.
#pragma once

#include <cstdint>
#include <string>

namespace cad::ml {

/// Hyper-parameters of the decoder-only transformer and its image encoder. Plain data: no
/// LibTorch needed to read or write it. Files: configs/models/{tiny,small,base}.yaml.
struct ModelConfig {
  std::string name = "tiny";    ///< a label for logs
  std::int64_t vocab_size = 0;  ///< 0 = take it from the tokenizer (set before building)
  std::int64_t d_model = 128;   ///< residual width
  std::int64_t n_layers = 4;    ///< decoder blocks
  std::int64_t n_heads = 4;     ///< query heads; d_model must divide by it
  std::int64_t n_kv_heads = 2;  ///< key/value heads (grouped-query attention); divides n_heads
  std::int64_t ffn_hidden = 0;  ///< SwiGLU hidden width; 0 = 8/3 d_model rounded up to 32
  std::int64_t context = 1024;  ///< maximum sequence length, image prefix included
  double rope_theta = 10000.0;  ///< RoPE base
  double norm_eps = 1e-5;       ///< RMSNorm epsilon
  bool tie_embeddings = true;   ///< the output projection reuses the token embedding
  double init_std = 0.02;       ///< standard deviation of the normal initialization

  bool vision = true;               ///< build the ViT image encoder
  std::int64_t image_size = 128;    ///< square input images, pixels
  std::int64_t image_channels = 3;  ///< 3 = RGB, 1 = grey
  std::int64_t patch_size = 16;     ///< image_size must divide by it
  /// How patches are embedded: "patch" = one linear map of each patch's pixels (ViT);
  /// "conv" = log2(patch_size) 3x3 stride-2 convolutions with GELU, then a linear map (the
  /// convolutional stem of Xiao et al. 2021, better on thin-line drawings; patch_size must be a
  /// power of two).
  std::string vision_stem = "patch";
  std::int64_t vision_d_model = 128;   ///< encoder width
  std::int64_t vision_layers = 2;      ///< encoder blocks (bidirectional attention)
  std::int64_t vision_heads = 4;       ///< encoder heads
  std::int64_t vision_ffn_hidden = 0;  ///< 0 = 8/3 vision_d_model rounded up to 32

  /// Point-cloud input (`points` task, CAD-Recode / cadrille): point_count points of the shape's
  /// surface (farthest-point sampled) prefix the sequence, one token each.
  bool points = false;             ///< build the point encoder
  std::int64_t point_count = 256;  ///< N points per cloud (both papers: 256)
  /// "fourier": per point [xyz, sin(2^k pi xyz), cos(2^k pi xyz)], k < point_frequencies, then
  /// a linear map to d_model (CAD-Recode); "attention": the same features, a linear map to
  /// point_d_model, point_layers bidirectional blocks without positions, RMSNorm, a linear map
  /// to d_model. Both treat each point alike (permutation-equivariant).
  std::string point_encoder = "fourier";
  std::int64_t point_frequencies = 8;  ///< Fourier octaves
  std::int64_t point_d_model = 128;    ///< attention encoder width
  std::int64_t point_layers = 2;       ///< attention encoder blocks
  std::int64_t point_heads = 4;        ///< attention encoder heads
  /// Frame of the clouds (cad::geom::PointFrame): "unit" (bounding-box centre 0, longest side 2:
  /// CAD-Recode's demo and cadrille) or "fixed" (coordinates / point_scale, not centred).
  std::string point_frame = "unit";
  double point_scale = 100.0;  ///< fixed frame: model units per unit

  /// Compute precision: "float32", or "bfloat16" = bf16 autocast (matrix products in bf16,
  /// weights, optimizer state, norms, softmax and loss in fp32; checkpoints stay fp32), on the
  /// CPU or CUDA.
  std::string dtype = "float32";
  std::string device = "cpu";  ///< default device: cpu, cuda, cuda:N

  /// Hidden width of the decoder's SwiGLU (ffn_hidden or its default).
  std::int64_t ffn_width() const;
  /// Hidden width of the encoder's SwiGLU.
  std::int64_t vision_ffn_width() const;
  /// Width of one attention head.
  std::int64_t head_dim() const { return d_model / n_heads; }
  /// Tokens an image contributes to the sequence ((image_size / patch_size)^2; 0 without vision).
  std::int64_t image_tokens() const;
  /// Tokens a point cloud contributes (point_count; 0 without the point encoder).
  std::int64_t point_tokens() const { return points ? point_count : 0; }
  /// Hidden width of the point encoder's SwiGLU.
  std::int64_t point_ffn_width() const;
  /// Throws cad::UsageError naming the first inconsistent field (divisibility, ranges, dtype).
  void validate() const;
};

/// Parses a YAML mapping (keys as the field names; missing keys keep their defaults; unknown
/// keys are an error). Throws cad::UsageError on bad YAML, unknown keys or invalid values.
ModelConfig model_config_from_yaml(const std::string& yaml_text);

/// Reads a YAML file (see model_config_from_yaml). Throws cad::Error if it cannot be read.
ModelConfig load_model_config(const std::string& path);

/// Every field as YAML; model_config_from_yaml(to_yaml(c)) reproduces c.
std::string to_yaml(const ModelConfig& config);

}  // namespace cad::ml
