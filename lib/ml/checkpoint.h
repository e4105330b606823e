// Checkpoint directories: model.safetensors, config.yaml, tokenizer.json, optimizer.safetensors
// and trainer_state.json, written under <dir>.tmp and renamed into place.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ml/model_config.h"
#include "ml/safetensors.h"
#include "ml/tokenizer.h"
#include "ml/transformer.h"

namespace torch::optim {
class AdamW;
}

namespace cad::ml {

/// A model with its configuration and tokenizer, as read from a checkpoint directory.
struct LoadedModel {
  ModelConfig config;   ///< config.yaml (vocab_size set)
  Tokenizer tokenizer;  ///< tokenizer.json
  Transformer model;    ///< weights from model.safetensors, placed on the requested device
};

/// The parameters (and buffers) of `model` by name, e.g. "layers.0.attn.wq.weight".
TensorFile model_state(const Transformer& model);

/// Copies every tensor of `state` into the parameter of the same name, converting dtype and
/// device. Throws cad::Error naming the first missing, unexpected or mis-shaped tensor.
void load_model_state(Transformer& model, const TensorFile& state);

/// AdamW's moments and step counts by parameter name ("<name>.exp_avg", "<name>.exp_avg_sq",
/// "<name>.step", and "<name>.max_exp_avg_sq" with amsgrad); group 0's options in metadata.
/// Parameters that have not been stepped yet are left out.
TensorFile optimizer_state(const Transformer& model, const torch::optim::AdamW& optimizer);

/// Restores what optimizer_state wrote into `optimizer`, whose parameters must be `model`'s.
/// Moments move to each parameter's device and dtype. The learning rate is not restored (the
/// schedule sets it). Throws cad::Error on a missing or mis-shaped tensor.
void load_optimizer_state(const Transformer& model, torch::optim::AdamW& optimizer,
                          const TensorFile& state);

/// Writes a checkpoint directory `dir`: model.safetensors (weights in their dtype),
/// config.yaml, tokenizer.json, optimizer.safetensors (when `optimizer` is given) and
/// trainer_state.json (when `trainer_state` is not null). Everything goes to `<dir>.tmp` first,
/// which then replaces `dir` (an existing `dir` is removed only after the new one is
/// complete). Throws cad::Error on I/O failure.
void save_checkpoint(const std::string& dir, const Transformer& model, const Tokenizer& tokenizer,
                     const torch::optim::AdamW* optimizer = nullptr,
                     const nlohmann::json& trainer_state = nullptr);

/// Reads a checkpoint directory; `device` ("" = config.yaml's) and `dtype` ("" = config's)
/// override where and how the weights are placed. Throws cad::Error on a missing or malformed
/// file.
LoadedModel load_checkpoint(const std::string& dir, const std::string& device = "",
                            const std::string& dtype = "");

/// trainer_state.json of a checkpoint directory, or null when it has none.
nlohmann::json load_trainer_state(const std::string& dir);

}  // namespace cad::ml
