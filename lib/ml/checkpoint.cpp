// Checkpoint directories: model and optimizer state as safetensors, atomic replacement.
#include "ml/checkpoint.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "core/error.h"
#include "core/file_io.h"

namespace cad::ml {
namespace fs = std::filesystem;
namespace {

std::map<std::string, at::Tensor> parameters_by_name(const Transformer& model) {
  std::map<std::string, at::Tensor> out;
  for (const auto& item : model->named_parameters()) out[item.key()] = item.value();
  return out;
}

}  // namespace

TensorFile model_state(const Transformer& model) {
  TensorFile file;
  for (const auto& item : model->named_parameters()) file.tensors[item.key()] = item.value();
  for (const auto& item : model->named_buffers()) file.tensors[item.key()] = item.value();
  file.metadata["format"] = "cadrl-transformer";
  return file;
}

void load_model_state(Transformer& model, const TensorFile& state) {
  torch::NoGradGuard no_grad;
  std::map<std::string, at::Tensor> targets = parameters_by_name(model);
  for (const auto& item : model->named_buffers()) targets[item.key()] = item.value();
  for (const auto& [name, tensor] : state.tensors) {
    if (targets.find(name) == targets.end()) throw Error("checkpoint: unexpected tensor " + name);
  }
  for (auto& [name, target] : targets) {
    const auto found = state.tensors.find(name);
    if (found == state.tensors.end()) throw Error("checkpoint: missing tensor " + name);
    if (found->second.sizes() != target.sizes()) {
      throw Error("checkpoint: tensor " + name + " has shape " + c10::str(found->second.sizes()) +
                  ", the model expects " + c10::str(target.sizes()));
    }
    target.copy_(found->second);
  }
}

namespace {

// The key of a parameter in torch::optim's state map: its TensorImpl's address printed as a
// string in LibTorch 1.x (what c10::guts::to_string gives), the address itself in 2.x.
template <typename State>
typename State::key_type state_key(const State&, const at::Tensor& p) {
  using Key = typename State::key_type;
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream out;
    out << static_cast<const void*>(p.unsafeGetTensorImpl());
    return out.str();
  } else {
    return static_cast<Key>(p.unsafeGetTensorImpl());
  }
}

}  // namespace

TensorFile optimizer_state(const Transformer& model, const torch::optim::AdamW& optimizer) {
  std::map<const void*, std::string> names;
  for (const auto& [name, p] : parameters_by_name(model)) names[p.unsafeGetTensorImpl()] = name;
  TensorFile file;
  const auto& state = optimizer.state();
  for (const auto& group : optimizer.param_groups()) {
    for (const auto& p : group.params()) {
      const auto name = names.find(p.unsafeGetTensorImpl());
      if (name == names.end()) throw Error("checkpoint: optimizer holds a foreign parameter");
      const auto found = state.find(state_key(state, p));
      if (found == state.end()) continue;
      const auto& s = static_cast<const torch::optim::AdamWParamState&>(*found->second);
      file.tensors[name->second + ".exp_avg"] = s.exp_avg();
      file.tensors[name->second + ".exp_avg_sq"] = s.exp_avg_sq();
      file.tensors[name->second + ".step"] = at::tensor({s.step()}, at::kLong);
      if (s.max_exp_avg_sq().defined()) {
        file.tensors[name->second + ".max_exp_avg_sq"] = s.max_exp_avg_sq();
      }
    }
  }
  if (!optimizer.param_groups().empty()) {
    const auto& options =
        static_cast<const torch::optim::AdamWOptions&>(optimizer.param_groups()[0].options());
    file.metadata["lr"] = std::to_string(options.lr());
    file.metadata["beta1"] = std::to_string(std::get<0>(options.betas()));
    file.metadata["beta2"] = std::to_string(std::get<1>(options.betas()));
    file.metadata["eps"] = std::to_string(options.eps());
    file.metadata["weight_decay"] = std::to_string(options.weight_decay());
  }
  file.metadata["format"] = "cadrl-adamw";
  return file;
}

void load_optimizer_state(const Transformer& model, torch::optim::AdamW& optimizer,
                          const TensorFile& state) {
  std::map<const void*, std::string> names;
  for (const auto& [name, p] : parameters_by_name(model)) names[p.unsafeGetTensorImpl()] = name;
  auto take = [&](const std::string& key, const at::Tensor& like) -> at::Tensor {
    const auto found = state.tensors.find(key);
    if (found == state.tensors.end()) return {};
    if (found->second.sizes() != like.sizes()) {
      throw Error("checkpoint: optimizer tensor " + key + " does not match its parameter");
    }
    return found->second.to(like.device(), like.scalar_type()).clone();
  };
  for (auto& group : optimizer.param_groups()) {
    for (const auto& p : group.params()) {
      const auto name = names.find(p.unsafeGetTensorImpl());
      if (name == names.end()) throw Error("checkpoint: optimizer holds a foreign parameter");
      const at::Tensor exp_avg = take(name->second + ".exp_avg", p);
      if (!exp_avg.defined()) continue;
      const at::Tensor exp_avg_sq = take(name->second + ".exp_avg_sq", p);
      const auto step = state.tensors.find(name->second + ".step");
      if (!exp_avg_sq.defined() || step == state.tensors.end()) {
        throw Error("checkpoint: incomplete optimizer state for " + name->second);
      }
      auto s = std::make_unique<torch::optim::AdamWParamState>();
      s->step(step->second.item<std::int64_t>());
      s->exp_avg(exp_avg);
      s->exp_avg_sq(exp_avg_sq);
      const at::Tensor max_sq = take(name->second + ".max_exp_avg_sq", p);
      if (max_sq.defined()) s->max_exp_avg_sq(max_sq);
      optimizer.state()[state_key(optimizer.state(), p)] = std::move(s);
    }
  }
}

void save_checkpoint(const std::string& dir, const Transformer& model, const Tokenizer& tokenizer,
                     const torch::optim::AdamW* optimizer, const nlohmann::json& trainer_state) {
  fs::path target = fs::path(dir);
  if (target.has_filename() == false) target = target.parent_path();
  const fs::path tmp = target.string() + ".tmp";
  const fs::path old = target.string() + ".old";
  try {
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    save_safetensors((tmp / "model.safetensors").string(), model_state(model));
    core::write_file(tmp / "config.yaml", to_yaml(model->config()));
    tokenizer.save((tmp / "tokenizer.json").string());
    if (optimizer != nullptr) {
      save_safetensors((tmp / "optimizer.safetensors").string(),
                       optimizer_state(model, *optimizer));
    }
    if (!trainer_state.is_null()) {
      core::write_file(tmp / "trainer_state.json", trainer_state.dump(2) + "\n");
    }
    fs::remove_all(old);
    if (fs::exists(target)) fs::rename(target, old);
    fs::rename(tmp, target);
    fs::remove_all(old);
  } catch (const fs::filesystem_error& e) {
    throw Error(std::string("checkpoint: ") + e.what());
  }
}

LoadedModel load_checkpoint(const std::string& dir, const std::string& device,
                            const std::string& dtype) {
  const fs::path root(dir);
  ModelConfig config = load_model_config((root / "config.yaml").string());
  if (!device.empty()) config.device = device;
  if (!dtype.empty()) config.dtype = dtype;
  config.validate();
  Tokenizer tokenizer = Tokenizer::load((root / "tokenizer.json").string());
  if (config.vocab_size != tokenizer.vocab_size()) {
    throw Error(dir + ": config vocab_size " + std::to_string(config.vocab_size) +
                " differs from the tokenizer's " + std::to_string(tokenizer.vocab_size()));
  }
  Transformer model(config);
  load_model_state(model, load_safetensors((root / "model.safetensors").string()));
  place_model(model);
  return {config, std::move(tokenizer), model};
}

nlohmann::json load_trainer_state(const std::string& dir) {
  const fs::path path = fs::path(dir) / "trainer_state.json";
  if (!fs::exists(path)) return nullptr;
  try {
    return nlohmann::json::parse(core::read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(path.string() + ": " + e.what());
  }
}

}  // namespace cad::ml
