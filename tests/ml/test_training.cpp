// The tiny model memorizes 8 short samples with AdamW, and greedy decoding then reproduces them.
#include <catch2/catch.hpp>

#include "ml/sampler.h"
#include "ml_test_util.h"

using namespace cad::ml;

TEST_CASE("the tiny model memorizes 8 samples and greedy decoding reproduces them", "[ml]") {
  const std::vector<std::pair<std::string, std::string>> samples = {
      {"a box 10 by 20 by 5", "r = cq.Workplane().box(10, 20, 5)"},
      {"a cylinder of radius 4, 12 high", "r = cq.Workplane().cylinder(12, 4)"},
      {"a plate 30 by 30 by 2", "r = cq.Workplane().box(30, 30, 2)"},
      {"a disc of radius 15, 3 high", "r = cq.Workplane().circle(15).extrude(3)"},
      {"a cube of side 7", "r = cq.Workplane().box(7, 7, 7)"},
      {"a rod of radius 1, 40 long", "r = cq.Workplane().cylinder(40, 1)"},
      {"a bar 50 by 6 by 6", "r = cq.Workplane().box(50, 6, 6)"},
      {"a ring 20 wide", "r = cq.Workplane().circle(10).circle(8).extrude(2)"},
  };
  std::vector<std::string> texts;
  for (const auto& [prompt, code] : samples) texts.push_back(prompt + "\n" + code);
  Tokenizer tokenizer;
  tokenizer.train(texts, 360);

  std::vector<std::vector<std::int64_t>> prompts;
  std::vector<std::vector<std::int64_t>> sequences;
  std::int64_t longest = 0;
  for (const auto& [prompt, code] : samples) {
    auto p = tokenizer.encode("<bos><task:text>" + prompt + "<code>");
    auto s = p;
    const auto target = tokenizer.encode(code + "</code><eos>");
    s.insert(s.end(), target.begin(), target.end());
    longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(s.size()));
    prompts.push_back(p);
    sequences.push_back(s);
  }
  // Right-padded batch; the loss covers only the code after <code>.
  const auto batch = static_cast<std::int64_t>(samples.size());
  at::Tensor inputs = at::full({batch, longest - 1}, tokenizer.pad_id(), at::kLong);
  at::Tensor targets = at::full({batch, longest - 1}, -100, at::kLong);
  for (std::int64_t r = 0; r < batch; ++r) {
    const auto& s = sequences[r];
    for (std::size_t t = 0; t + 1 < s.size(); ++t) {
      inputs[r][t] = s[t];
      if (t + 1 >= prompts[r].size()) targets[r][t] = s[t + 1];
    }
  }

  ModelConfig config = load_model_config(CAD_SOURCE_DIR "/configs/models/tiny.yaml");
  config.vocab_size = tokenizer.vocab_size();
  config.vision = false;
  config.context = 128;
  Transformer model = cad::ml::test::make_model(config, 3);
  model->train();
  torch::optim::AdamW optimizer(model->parameters(),
                                torch::optim::AdamWOptions(3e-3).weight_decay(0.0));
  double loss_value = 0.0;
  int steps = 0;
  for (; steps < 200; ++steps) {
    optimizer.zero_grad();
    const at::Tensor loss = token_cross_entropy(model->forward(inputs), targets);
    loss.backward();
    torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
    optimizer.step();
    loss_value = loss.item<double>();
    if (loss_value < 0.01) break;
  }
  INFO("loss " << loss_value << " after " << steps << " steps");
  CHECK(loss_value < 0.05);

  SamplingOptions options;
  options.max_new_tokens = 40;
  options.stop_ids = {tokenizer.eos_id()};
  const auto generated = generate(model, prompts, options);
  for (std::int64_t r = 0; r < batch; ++r) {
    CHECK(generated[r].stopped);
    CHECK(tokenizer.decode(generated[r].tokens) == samples[r].second + "</code><eos>");
  }
}
