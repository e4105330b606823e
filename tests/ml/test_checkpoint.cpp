// safetensors files and checkpoint directories: format, round trips, identical logits after
// reload, optimizer state that continues training exactly.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "ml/checkpoint.h"
#include "ml/safetensors.h"
#include "ml_test_util.h"

namespace fs = std::filesystem;
using namespace cad::ml;
using cad::ml::test::make_model;
using cad::ml::test::random_tokens;
using cad::ml::test::test_config;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("cadrl_test_ml_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("safetensors files hold F32, BF16 and I64 tensors and metadata", "[ml]") {
  cad::ml::test::single_thread();
  const fs::path dir = fresh_dir("safetensors");
  TensorFile file;
  torch::manual_seed(2);
  file.tensors["b.weight"] = torch::randn({3, 5});
  file.tensors["a.half"] = torch::randn({7}).to(torch::kBFloat16);
  file.tensors["c.step"] = torch::tensor({42, -1}, torch::kLong);
  file.tensors["d.empty"] = torch::zeros({0, 4});
  file.metadata["format"] = "test";
  const std::string path = (dir / "t.safetensors").string();
  save_safetensors(path, file);

  std::ifstream in(path, std::ios::binary);
  std::uint64_t length = 0;
  in.read(reinterpret_cast<char*>(&length), 8);
  std::string header(length, '\0');
  in.read(header.data(), length);
  CHECK((8 + length) % 8 == 0);
  const auto json = nlohmann::json::parse(header);
  CHECK(json["b.weight"]["dtype"] == "F32");
  CHECK(json["a.half"]["dtype"] == "BF16");
  CHECK(json["c.step"]["shape"] == nlohmann::json::array({2}));
  CHECK(json["__metadata__"]["format"] == "test");
  CHECK(json["a.half"]["data_offsets"] == nlohmann::json::array({0, 14}));

  const TensorFile loaded = load_safetensors(path);
  REQUIRE(loaded.tensors.size() == 4);
  for (const auto& [name, tensor] : file.tensors) {
    CHECK(loaded.tensors.at(name).scalar_type() == tensor.scalar_type());
    CHECK(torch::equal(loaded.tensors.at(name), tensor));
  }
  CHECK(loaded.metadata.at("format") == "test");

  std::ofstream(dir / "bad.safetensors", std::ios::binary) << "xx";
  CHECK_THROWS_AS(load_safetensors((dir / "bad.safetensors").string()), cad::Error);
  CHECK_THROWS_AS(load_safetensors((dir / "missing.safetensors").string()), cad::Error);
  fs::remove_all(dir);
}

TEST_CASE("a saved and reloaded checkpoint gives identical logits", "[ml]") {
  const fs::path root = fresh_dir("checkpoint");
  Tokenizer tokenizer;
  tokenizer.train({"r = cq.Workplane().box(1, 2, 3)\nr = cq.Workplane().box(1, 2, 3)"}, 290);
  ModelConfig config = test_config(tokenizer.vocab_size(), true);
  config.tie_embeddings = false;
  Transformer model = make_model(config, 21);
  const std::string dir = (root / "ckpt-000010").string();
  save_checkpoint(dir, model, tokenizer, nullptr, {{"step", 10}});
  CHECK(fs::exists(fs::path(dir) / "model.safetensors"));
  CHECK(fs::exists(fs::path(dir) / "config.yaml"));
  CHECK(fs::exists(fs::path(dir) / "tokenizer.json"));
  CHECK_FALSE(fs::exists(dir + ".tmp"));
  CHECK(load_trainer_state(dir)["step"] == 10);

  LoadedModel loaded = load_checkpoint(dir);
  loaded.model->eval();
  CHECK(to_yaml(loaded.config) == to_yaml(config));
  CHECK(loaded.tokenizer.to_json() == tokenizer.to_json());
  torch::NoGradGuard no_grad;
  const at::Tensor tokens = random_tokens(2, 12, config.vocab_size, 3);
  torch::manual_seed(5);
  const at::Tensor images = torch::rand({2, 3, 32, 32});
  CHECK(torch::equal(model->forward(tokens, images), loaded.model->forward(tokens, images)));

  // Saving again replaces the directory.
  Transformer other = make_model(config, 22);
  save_checkpoint(dir, other, tokenizer);
  CHECK_FALSE(fs::exists(fs::path(dir) / "trainer_state.json"));
  CHECK(load_trainer_state(dir).is_null());
  LoadedModel replaced = load_checkpoint(dir);
  replaced.model->eval();
  CHECK(torch::equal(other->forward(tokens), replaced.model->forward(tokens)));

  // A tensor of the wrong shape is reported.
  TensorFile state = model_state(model);
  state.tensors["norm.weight"] = torch::ones({3});
  CHECK_THROWS_AS(load_model_state(other, state), cad::Error);
  CHECK_THROWS_AS(load_checkpoint((root / "missing").string()), cad::Error);
  fs::remove_all(root);
}

TEST_CASE("restored AdamW state continues training exactly", "[ml]") {
  const fs::path root = fresh_dir("optimizer");
  Tokenizer tokenizer;
  ModelConfig config = test_config(tokenizer.vocab_size(), false);
  Transformer model = make_model(config, 31);
  model->train();
  const at::Tensor tokens = random_tokens(2, 16, config.vocab_size, 4);
  auto step = [&](Transformer& m, torch::optim::AdamW& optimizer) {
    optimizer.zero_grad();
    token_cross_entropy(m->forward(tokens.narrow(1, 0, 15)), tokens.narrow(1, 1, 15)).backward();
    optimizer.step();
  };
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  for (int i = 0; i < 3; ++i) step(model, optimizer);
  const std::string dir = (root / "ckpt").string();
  save_checkpoint(dir, model, tokenizer, &optimizer);
  CHECK(fs::exists(fs::path(dir) / "optimizer.safetensors"));
  step(model, optimizer);

  LoadedModel loaded = load_checkpoint(dir);
  loaded.model->train();
  torch::optim::AdamW restored(loaded.model->parameters(), torch::optim::AdamWOptions(1e-3));
  load_optimizer_state(loaded.model, restored,
                       load_safetensors((fs::path(dir) / "optimizer.safetensors").string()));
  step(loaded.model, restored);
  const TensorFile a = model_state(model);
  const TensorFile b = model_state(loaded.model);
  for (const auto& [name, tensor] : a.tensors) {
    INFO(name);
    CHECK((tensor - b.tensors.at(name)).abs().max().item<double>() < 1e-6);
  }
  fs::remove_all(root);
}
