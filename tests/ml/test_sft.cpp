// SFT: examples from records (layout, loss masks, images, MEFT), the schedule, a short run that
// lowers the loss, resume that continues the same run, and parsing generations.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "ml/checkpoint.h"
#include "ml/generate_run.h"
#include "ml/safetensors.h"
#include "ml/sft.h"
#include "ml/sft_data.h"
#include "ml_test_util.h"
#include "render/shading.h"

namespace fs = std::filesystem;
using namespace cad::ml;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("cadrl_test_sft_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A record as cad-dataset-build writes it (the fields SFT reads).
nlohmann::json make_record(int i, bool with_drawing) {
  const double w = 10 + 5 * i, h = 4 + i;
  const std::string code = "result = cq.Workplane(\"XY\").box(" +
                           std::to_string(static_cast<int>(w)) + ", 20, " +
                           std::to_string(static_cast<int>(h)) + ")";
  nlohmann::json cot = nlohmann::json::array();
  for (const char* expert : {"views", "planner", "coords"})
    cot.push_back({{"expert", expert},
                   {"text", std::string(expert) + " reads a plate " + std::to_string(w) + " wide."},
                   {"code", code}});
  nlohmann::json record = {
      {"id", "plate-" + std::to_string(i)},
      {"code", code},
      {"code_param", nullptr},
      {"text",
       {{"abstract", "A rectangular plate."},
        {"detailed", "A plate " + std::to_string(static_cast<int>(w)) + " by 20 mm, " +
                         std::to_string(static_cast<int>(h)) + " mm thick."}}},
      {"cot", cot},
      {"dimensions",
       {{{"kind", "length"},
         {"value", w},
         {"label", std::to_string(static_cast<int>(w))},
         {"view", "front"},
         {"feature", "overall width"}}}},
      {"drawing", nullptr},
      {"render", nullptr}};
  if (with_drawing)
    record["drawing"] = {{"svg", "d.svg"},
                         {"png", "drawings/" + record["id"].get<std::string>() + ".png"},
                         {"dims", "d.json"}};
  return record;
}

// Writes records to dir/<split>.jsonl and, for drawings, a small PNG (black box on white; the
// box of odd records is in the other half).
void write_split(const fs::path& dir, const std::string& split,
                 const std::vector<nlohmann::json>& records) {
  std::ofstream out(dir / (split + ".jsonl"));
  int index = 0;
  for (const auto& r : records) {
    const int shift = (index++ % 2) * 24;
    out << r.dump() << "\n";
    if (r["drawing"].is_object()) {
      cad::render::Image image;
      image.width = 48;
      image.height = 32;
      image.rgb.assign(48 * 32 * 3, 255);
      for (int y = 8; y < 24; ++y)
        for (int x = 4 + shift; x < 20 + shift; ++x)
          for (int c = 0; c < 3; ++c) image.rgb[(y * 48 + x) * 3 + c] = 0;
      fs::create_directories(dir / "drawings");
      cad::render::write_png(image, (dir / r["drawing"]["png"].get<std::string>()).string());
    }
  }
}

Tokenizer small_tokenizer(const std::vector<nlohmann::json>& records) {
  Tokenizer tokenizer;
  tokenizer.train(tokenizer_corpus(records), 400);
  return tokenizer;
}

// A tiny dataset folder (train: 6 records, val: 2) and a model config file.
SftConfig tiny_run(const fs::path& dir, std::int64_t steps) {
  std::vector<nlohmann::json> train, val;
  for (int i = 0; i < 6; ++i) train.push_back(make_record(i, false));
  for (int i = 6; i < 8; ++i) val.push_back(make_record(i, false));
  write_split(dir, "train", train);
  write_split(dir, "val", val);
  ModelConfig model = cad::ml::test::test_config(0, false);
  model.d_model = 32;
  model.n_heads = 2;
  model.n_kv_heads = 1;
  model.n_layers = 1;
  std::ofstream(dir / "model.yaml") << to_yaml(model);
  SftConfig config;
  config.model_config = (dir / "model.yaml").string();
  config.data_dir = dir.string();
  config.vocab_size = 320;
  config.data.tasks = {{"text", 1.0}, {"dims", 1.0}};
  config.data.experts = {"views", "coords"};
  config.steps = steps;
  config.batch_size = 4;
  config.grad_accum = 2;
  config.lr = 3e-3;
  config.warmup = 2;
  config.eval_every = 5;
  config.checkpoint_every = 3;
  config.keep_checkpoints = 2;
  config.log_every = 1;
  config.seed = 5;
  config.progress = false;
  return config;
}

std::vector<nlohmann::json> read_metrics(const fs::path& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("SFT examples have the prompt layout, the target and image", "[ml][sft]") {
  const fs::path dir = fresh_dir("layout");
  const std::vector<nlohmann::json> records = {make_record(0, true), make_record(1, true)};
  write_split(dir, "train", records);
  const Tokenizer tokenizer = small_tokenizer(records);
  SftDataOptions options;
  options.tasks = {{"drawing", 1.0}};
  options.experts = {"planner"};
  options.image_size = 16;
  options.image_tokens = 4;
  const SftDataset data(dir.string(), "train", tokenizer, options);
  REQUIRE(data.examples().size() == 2);
  const SftExample& e = data.examples()[0];
  CHECK(e.task == "drawing");
  CHECK(e.expert == "planner");
  REQUIRE(e.tokens.size() > 6);
  CHECK(e.tokens[0] == tokenizer.bos_id());
  CHECK(e.tokens[1] == tokenizer.special_id("<task:drawing>"));
  CHECK(e.tokens[2] == tokenizer.special_id("<image>"));
  CHECK(e.tokens[3] == tokenizer.special_id("<expert:planner>"));
  CHECK(e.tokens[static_cast<std::size_t>(e.prompt_length)] == tokenizer.special_id("<think>"));
  CHECK(e.tokens.back() == tokenizer.eos_id());
  const std::vector<std::int64_t> target(e.tokens.begin() + e.prompt_length, e.tokens.end());
  CHECK(tokenizer.decode(target) == "<think>planner reads a plate 10.000000 wide.</think><code>" +
                                        records[0]["code"].get<std::string>() + "</code><eos>");
  // The 48x32 drawing is letterboxed to 16x16: white bands above and below, a dark centre.
  REQUIRE(e.image);
  CHECK(e.image->size == 16);
  CHECK(e.image->pixels.size() == 16 * 16 * 3);
  CHECK(e.image->pixels[0] == 255);
  CHECK(e.image->pixels[(8 * 16 + 4) * 3] == 0);
  CHECK(e.image->pixels[(8 * 16 + 12) * 3] == 255);

  // Right padding; the loss covers the target only.
  const SftBatch batch = make_sft_batch(data.examples(), {0, 1}, tokenizer.pad_id());
  REQUIRE(batch.images.defined());
  CHECK(batch.images.sizes() == at::IntArrayRef({2, 3, 16, 16}));
  CHECK(batch.images.max().item<float>() == Approx(1.0));
  const auto n0 = static_cast<std::int64_t>(e.tokens.size());
  const auto n1 = static_cast<std::int64_t>(data.examples()[1].tokens.size());
  CHECK(batch.inputs.size(1) == std::max(n0, n1) - 1);
  for (std::int64_t t = 0; t < batch.inputs.size(1); ++t) {
    const std::int64_t target_value = batch.targets[0][t].item<std::int64_t>();
    if (t + 1 < e.prompt_length || t + 1 >= n0) {
      CHECK(target_value == -100);
    } else {
      CHECK(target_value == e.tokens[static_cast<std::size_t>(t + 1)]);
    }
    if (t >= n0 - 1) CHECK(batch.inputs[0][t].item<std::int64_t>() == tokenizer.pad_id());
  }
  CHECK(batch.target_tokens == (n0 - e.prompt_length) + (n1 - data.examples()[1].prompt_length));

  // Without CoT the target is the code alone; text and dims prompts carry their input.
  CHECK(sft_target_text(records[0], "views", false) ==
        "<code>" + records[0]["code"].get<std::string>() + "</code><eos>");
  CHECK(sft_prompt_text(records[1], "text", "coords", "detailed")
            .find("<bos><task:text><expert:coords>") == 0);
  CHECK(sft_prompt_text(records[1], "text", "coords", "detailed").find("A plate 15 by 20 mm") !=
        std::string::npos);
  CHECK(dimensions_text(records[1]) == "front length 15 (overall width)\n");
}

TEST_CASE("MEFT gives one example per expert; the epoch order follows the seed", "[ml][sft]") {
  std::vector<nlohmann::json> records;
  for (int i = 0; i < 5; ++i) records.push_back(make_record(i, false));
  const Tokenizer tokenizer = small_tokenizer(records);
  SftDataOptions options;
  options.tasks = {{"text", 1.0}, {"dims", 1.0}};
  const SftDataset meft(records, ".", tokenizer, options);
  // 5 samples x (text: 2 variants + dims: 1) x 3 experts.
  CHECK(meft.examples().size() == 5 * 3 * 3);
  const auto groups = meft.epoch_groups(1, 0);
  REQUIRE(groups.size() == 5);
  std::set<std::size_t> samples;
  for (const auto& g : groups) {
    REQUIRE(g.size() == 3);
    std::set<std::string> experts;
    for (std::size_t i : g) {
      experts.insert(meft.examples()[i].expert);
      CHECK(meft.examples()[i].sample == meft.examples()[g[0]].sample);
      CHECK(meft.examples()[i].task == meft.examples()[g[0]].task);
    }
    CHECK(experts == std::set<std::string>{"views", "planner", "coords"});
    samples.insert(meft.examples()[g[0]].sample);
  }
  CHECK(samples.size() == 5);
  CHECK(meft.epoch_groups(1, 0) == groups);
  CHECK(meft.epoch_batches(1, 3, 4) == meft.epoch_batches(1, 3, 4));
  // Every expert of a sample lands in the same batch (the same optimizer step): with groups
  // of 3 and batches of at most 4, each batch is one whole group.
  std::size_t batched = 0;
  for (const auto& b : meft.epoch_batches(1, 0, 4)) {
    CHECK(b.size() <= 4);
    std::map<std::size_t, int> per_sample;
    for (std::size_t i : b) ++per_sample[meft.examples()[i].sample];
    for (const auto& [sample, n] : per_sample) CHECK(n == 3);
    batched += b.size();
  }
  CHECK(batched == 15);
  // Batches of 7 hold two whole groups; of 2, a group is a batch of its own.
  for (const auto& b : meft.epoch_batches(1, 0, 7)) CHECK((b.size() == 6 || b.size() == 3));
  for (const auto& b : meft.epoch_batches(1, 0, 2)) CHECK(b.size() == 3);

  options.meft = false;
  const SftDataset single(records, ".", tokenizer, options);
  for (const auto& g : single.epoch_groups(1, 0)) CHECK(g.size() == 1);
  // Over many epochs every task is drawn.
  std::set<std::string> tasks;
  for (std::uint64_t epoch = 0; epoch < 10; ++epoch)
    for (const auto& g : single.epoch_groups(1, epoch)) tasks.insert(single.examples()[g[0]].task);
  CHECK(tasks == std::set<std::string>{"text", "dims"});
  CHECK(parse_task_weight("text:0.5").weight == Approx(0.5));
  CHECK_THROWS(parse_task_weight("speech"));
}

TEST_CASE("the learning rate warms up linearly then follows a cosine", "[ml][sft]") {
  SftConfig config;
  config.lr = 1e-3;
  config.min_lr_ratio = 0.1;
  config.warmup = 10;
  config.steps = 110;
  CHECK(sft_learning_rate(config, 0) == Approx(1e-4));
  CHECK(sft_learning_rate(config, 4) == Approx(5e-4));
  CHECK(sft_learning_rate(config, 9) == Approx(1e-3));
  CHECK(sft_learning_rate(config, 10) == Approx(1e-3));
  CHECK(sft_learning_rate(config, 60) == Approx(1e-4 + 0.9e-3 * 0.5));
  CHECK(sft_learning_rate(config, 110) == Approx(1e-4));
  config.warmup = 0;
  CHECK(sft_learning_rate(config, 0) == Approx(1e-3));
}

TEST_CASE("a short SFT run lowers the loss and writes metrics and checkpoints", "[ml][sft]") {
  cad::ml::test::single_thread();
  const fs::path dir = fresh_dir("train");
  SftConfig config = tiny_run(dir, 24);
  config.out_dir = (dir / "run").string();
  const SftResult result = train_sft(config);
  CHECK(result.finished);
  CHECK(result.step == 24);
  const auto metrics = read_metrics(dir / "run" / "metrics.jsonl");
  std::vector<double> losses;
  bool has_val = false;
  for (const auto& m : metrics) {
    if (m.contains("loss")) losses.push_back(m["loss"].get<double>());
    if (m.contains("val_loss")) has_val = true;
    if (m.contains("tokens_per_s")) CHECK(m["tokens_per_s"].get<double>() > 0);
  }
  REQUIRE(losses.size() == 24);
  // From uniform (ln 320 = 5.77) to about 4.0 in 24 steps (the unigram level of this text).
  INFO("first loss " << losses.front() << ", last " << losses.back());
  CHECK(losses.back() < 0.75 * losses.front());
  CHECK(has_val);
  CHECK(result.val_loss > 0);
  CHECK(fs::exists(dir / "run" / "final" / "model.safetensors"));
  CHECK(fs::exists(dir / "run" / "final" / "tokenizer.json"));
  // Only the newest two step checkpoints remain.
  std::size_t kept = 0;
  for (const auto& entry : fs::directory_iterator(dir / "run" / "checkpoints")) {
    (void)entry;
    ++kept;
  }
  CHECK(kept == 2);
  CHECK(latest_sft_checkpoint((dir / "run").string()).find("step-0000024") != std::string::npos);
  CHECK(load_trainer_state(latest_sft_checkpoint((dir / "run").string()))["step"] == 24);
}

TEST_CASE("an SFT run stopped and resumed equals an uninterrupted run", "[ml][sft]") {
  cad::ml::test::single_thread();
  const fs::path dir = fresh_dir("resume");
  SftConfig whole = tiny_run(dir, 8);
  whole.out_dir = (dir / "whole").string();
  train_sft(whole);

  SftConfig parts = whole;
  parts.out_dir = (dir / "parts").string();
  parts.stop_after = 5;
  const SftResult first = train_sft(parts);
  CHECK_FALSE(first.finished);
  CHECK(first.step == 5);
  parts.stop_after = 0;
  parts.resume = true;
  const SftResult second = train_sft(parts);
  CHECK(second.finished);
  CHECK(second.step == 8);

  const TensorFile a = load_safetensors((dir / "whole" / "final" / "model.safetensors").string());
  const TensorFile b = load_safetensors((dir / "parts" / "final" / "model.safetensors").string());
  REQUIRE(a.tensors.size() == b.tensors.size());
  for (const auto& [name, tensor] : a.tensors) {
    INFO(name);
    CHECK(torch::allclose(tensor, b.tensors.at(name), 1e-5, 1e-6));
  }
  // The metrics log has each step once.
  std::vector<std::int64_t> steps;
  for (const auto& m : read_metrics(dir / "parts" / "metrics.jsonl"))
    if (m.contains("loss")) steps.push_back(m["step"].get<std::int64_t>());
  CHECK(steps == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_CASE("generations split into chain of thought and code", "[ml][sft]") {
  auto p = parse_generation("<think>two views</think><code>result = 1</code>");
  CHECK(p.cot == "two views");
  CHECK(p.code == "result = 1");
  CHECK(p.has_code_tag);
  p = parse_generation("<think>a</think>result = 2<eos>");
  CHECK(p.cot == "a");
  CHECK(p.code == "result = 2");
  p = parse_generation("<think>a</think><code>result = 3");
  CHECK(p.code == "result = 3");
  p = parse_generation("<think>never closed");
  CHECK(p.cot == "never closed");
  CHECK(p.code.empty());
}

TEST_CASE("SFT on drawings learns to read the image, and cad-generate decodes it", "[ml][sft]") {
  cad::ml::test::single_thread();
  const fs::path dir = fresh_dir("vision");
  // Two drawings that differ only in where the box is; each has its own code.
  std::vector<nlohmann::json> records = {make_record(0, true), make_record(1, true)};
  write_split(dir, "train", records);
  ModelConfig model = cad::ml::test::test_config(0, true);
  model.d_model = 32;
  model.n_heads = 2;
  model.n_kv_heads = 1;
  model.n_layers = 1;
  model.vision_d_model = 16;
  std::ofstream(dir / "model.yaml") << to_yaml(model);
  SftConfig config;
  config.model_config = (dir / "model.yaml").string();
  config.data_dir = dir.string();
  config.vocab_size = 300;
  config.data.tasks = {{"drawing", 1.0}};
  config.data.experts = {"views"};
  config.data.cot = false;
  config.steps = 150;
  config.batch_size = 2;
  config.lr = 1e-2;
  config.warmup = 5;
  config.eval_every = 0;
  config.checkpoint_every = 0;
  config.seed = 3;
  config.progress = false;
  config.out_dir = (dir / "run").string();
  const SftResult result = train_sft(config);
  INFO("final loss " << result.loss);
  CHECK(result.loss < 0.02);

  GenerateConfig generate;
  generate.model_dir = (dir / "run" / "final").string();
  generate.input = (dir / "train.jsonl").string();
  generate.output = (dir / "gen.jsonl").string();
  generate.max_new_tokens = 60;
  generate.progress = false;
  CHECK(run_generate(generate) == 0);
  std::ifstream in(dir / "gen.jsonl");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    const auto r = nlohmann::json::parse(line);
    REQUIRE(n < 2);
    CHECK(r["id"] == records[n]["id"]);
    CHECK(r["status"] == "ok");
    CHECK(r["stopped"] == true);
    CHECK(r["code"] == records[n]["code"]);
    ++n;
  }
  CHECK(n == 2);
}
