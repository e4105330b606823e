// ModelConfig: YAML reading, writing and validation.
#include "ml/model_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "core/error.h"

namespace cad::ml {
namespace {

std::int64_t default_ffn(std::int64_t width) {
  return ((8 * width / 3 + 31) / 32) * 32;
}

// One accessor per field, so reading and writing share a single list of names.
using FieldIo = std::function<void(ModelConfig&, const YAML::Node*, YAML::Emitter*)>;

template <typename T>
FieldIo field(T ModelConfig::*member) {
  return [member](ModelConfig& config, const YAML::Node* in, YAML::Emitter* out) {
    if (in) config.*member = in->as<T>();
    if (out) *out << config.*member;
  };
}

const std::vector<std::pair<std::string, FieldIo>>& fields() {
  static const std::vector<std::pair<std::string, FieldIo>> list = {
      {"name", field(&ModelConfig::name)},
      {"vocab_size", field(&ModelConfig::vocab_size)},
      {"d_model", field(&ModelConfig::d_model)},
      {"n_layers", field(&ModelConfig::n_layers)},
      {"n_heads", field(&ModelConfig::n_heads)},
      {"n_kv_heads", field(&ModelConfig::n_kv_heads)},
      {"ffn_hidden", field(&ModelConfig::ffn_hidden)},
      {"context", field(&ModelConfig::context)},
      {"rope_theta", field(&ModelConfig::rope_theta)},
      {"norm_eps", field(&ModelConfig::norm_eps)},
      {"tie_embeddings", field(&ModelConfig::tie_embeddings)},
      {"init_std", field(&ModelConfig::init_std)},
      {"vision", field(&ModelConfig::vision)},
      {"image_size", field(&ModelConfig::image_size)},
      {"image_channels", field(&ModelConfig::image_channels)},
      {"patch_size", field(&ModelConfig::patch_size)},
      {"vision_stem", field(&ModelConfig::vision_stem)},
      {"vision_d_model", field(&ModelConfig::vision_d_model)},
      {"vision_layers", field(&ModelConfig::vision_layers)},
      {"vision_heads", field(&ModelConfig::vision_heads)},
      {"vision_ffn_hidden", field(&ModelConfig::vision_ffn_hidden)},
      {"points", field(&ModelConfig::points)},
      {"point_count", field(&ModelConfig::point_count)},
      {"point_encoder", field(&ModelConfig::point_encoder)},
      {"point_frequencies", field(&ModelConfig::point_frequencies)},
      {"point_d_model", field(&ModelConfig::point_d_model)},
      {"point_layers", field(&ModelConfig::point_layers)},
      {"point_heads", field(&ModelConfig::point_heads)},
      {"point_frame", field(&ModelConfig::point_frame)},
      {"point_scale", field(&ModelConfig::point_scale)},
      {"dtype", field(&ModelConfig::dtype)},
      {"device", field(&ModelConfig::device)},
  };
  return list;
}

void require(bool ok, const std::string& message) {
  if (!ok) throw UsageError("model config: " + message);
}

}  // namespace

std::int64_t ModelConfig::ffn_width() const {
  return ffn_hidden > 0 ? ffn_hidden : default_ffn(d_model);
}

std::int64_t ModelConfig::vision_ffn_width() const {
  return vision_ffn_hidden > 0 ? vision_ffn_hidden : default_ffn(vision_d_model);
}

std::int64_t ModelConfig::point_ffn_width() const {
  return default_ffn(point_d_model);
}

std::int64_t ModelConfig::image_tokens() const {
  if (!vision || patch_size <= 0) return 0;
  const std::int64_t side = image_size / patch_size;
  return side * side;
}

void ModelConfig::validate() const {
  require(vocab_size >= 0, "vocab_size must be >= 0");
  require(d_model > 0 && n_layers > 0 && n_heads > 0 && n_kv_heads > 0,
          "d_model, n_layers, n_heads and n_kv_heads must be positive");
  require(d_model % n_heads == 0, "d_model must be a multiple of n_heads");
  require(n_heads % n_kv_heads == 0, "n_heads must be a multiple of n_kv_heads");
  require(head_dim() % 2 == 0, "d_model / n_heads must be even (RoPE)");
  require(context > 0, "context must be positive");
  require(rope_theta > 0 && norm_eps > 0 && init_std > 0,
          "rope_theta, norm_eps and init_std must be positive");
  require(dtype == "float32" || dtype == "bfloat16", "dtype must be float32 or bfloat16");
  if (vision) {
    require(image_size > 0 && patch_size > 0 && image_size % patch_size == 0,
            "image_size must be a positive multiple of patch_size");
    require(image_channels == 1 || image_channels == 3, "image_channels must be 1 or 3");
    require(vision_stem == "patch" || vision_stem == "conv", "vision_stem must be patch or conv");
    require(vision_stem != "conv" || (patch_size >= 2 && (patch_size & (patch_size - 1)) == 0),
            "vision_stem conv needs a power-of-two patch_size >= 2");
    require(vision_d_model > 0 && vision_layers >= 0 && vision_heads > 0 &&
                vision_d_model % vision_heads == 0,
            "vision_d_model must be a positive multiple of vision_heads");
    require(image_tokens() < context, "the image prefix must be shorter than the context");
  }
  if (points) {
    require(point_count > 0 && point_count < context,
            "point_count must be positive and shorter than the context");
    require(point_encoder == "fourier" || point_encoder == "attention",
            "point_encoder must be fourier or attention");
    require(point_frequencies >= 0 && point_frequencies <= 20, "point_frequencies must be 0-20");
    require(point_d_model > 0 && point_layers >= 0 && point_heads > 0 &&
                point_d_model % point_heads == 0,
            "point_d_model must be a positive multiple of point_heads");
    require(point_frame == "unit" || point_frame == "fixed", "point_frame must be unit or fixed");
    require(point_scale > 0, "point_scale must be positive");
  }
}

ModelConfig model_config_from_yaml(const std::string& yaml_text) {
  ModelConfig config;
  try {
    const YAML::Node root = YAML::Load(yaml_text);
    if (root.IsNull()) return config;
    require(root.IsMap(), "expected a YAML mapping");
    std::map<std::string, const FieldIo*> by_name;
    for (const auto& [name, io] : fields()) by_name[name] = &io;
    for (const auto& item : root) {
      const std::string key = item.first.as<std::string>();
      const auto found = by_name.find(key);
      require(found != by_name.end(), "unknown key '" + key + "'");
      if (item.second.IsNull()) continue;
      (*found->second)(config, &item.second, nullptr);
    }
  } catch (const YAML::Exception& e) {
    throw UsageError(std::string("model config: ") + e.what());
  }
  config.validate();
  return config;
}

ModelConfig load_model_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open model config");
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return model_config_from_yaml(buffer.str());
  } catch (const UsageError& e) {
    throw UsageError(path + ": " + e.what());
  }
}

std::string to_yaml(const ModelConfig& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  ModelConfig copy = config;
  for (const auto& [name, io] : fields()) {
    out << YAML::Key << name << YAML::Value;
    io(copy, nullptr, &out);
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace cad::ml
