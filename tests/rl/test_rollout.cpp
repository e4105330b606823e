// Rollouts and the scoring function, a toy task RL must learn, and resume determinism.
#include <torch/torch.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "../ml/ml_test_util.h"
#include "core/error.h"
#include "core/json_schema.h"
#include "ml/checkpoint.h"
#include "ml/safetensors.h"
#include "rl/rollout.h"
#include "rl/trainer.h"

using namespace cad;
using namespace cad::rl;
namespace fs = std::filesystem;

namespace {

ml::Tokenizer small_tokenizer() {
  ml::Tokenizer t;
  t.train({"import cadquery as cq\nr = cq.Workplane().box(1, 2, 3)\n", "write seven 777 7 77",
           "0123456789 digits and numbers"},
          t.num_special() + 256 + 40);
  return t;
}

std::vector<std::vector<Rollout>> sample(ml::Transformer& model, const ml::Tokenizer& tok,
                                         const std::vector<std::vector<std::int64_t>>& prompts,
                                         const at::Tensor& images, bool shared) {
  RolloutOptions o;
  o.group_size = 3;
  o.temperature = 1.0;
  o.max_new_tokens = 12;
  o.stop_ids = {tok.eos_id()};
  o.pad_id = tok.pad_id();
  o.shared_prefill = shared;
  std::vector<std::uint64_t> seeds;
  for (std::size_t i = 0; i < prompts.size() * 3; ++i) seeds.push_back(100 + i);
  return sample_groups(model, prompts, images, o, seeds);
}

}  // namespace

TEST_CASE("the scorer's log-probs equal the sampler's, with and without left padding", "[rl]") {
  const ml::Tokenizer tok = small_tokenizer();
  // The prefix: none, an image, a point cloud (the points task's prompts).
  for (int kind : {0, 1, 2}) {
    INFO("prefix kind " << kind);
    const bool vision = kind != 0;  // a prefix input per prompt (image or points)
    ml::ModelConfig config = ml::test::test_config(tok.vocab_size(), kind == 1);
    config.points = kind == 2;
    config.point_count = 16;
    ml::Transformer model = ml::test::make_model(config);
    const std::vector<std::vector<std::int64_t>> prompts = {tok.encode("<bos>a box"),
                                                            tok.encode("<bos>write seven digits")};
    at::Tensor images;
    if (vision) {
      torch::manual_seed(3);
      images = kind == 1 ? torch::rand({2, 3, 32, 32}) : torch::rand({2, 16, 3}) * 2 - 1;
    }
    const auto groups = sample(model, tok, prompts, images, true);
    // Shared prefill and separate rows sample the same tokens with the same log-probs.
    const auto separate = sample(model, tok, prompts, images, false);
    std::vector<std::vector<std::int64_t>> p_rows, c_rows;
    std::vector<float> sampled;
    std::vector<std::int64_t> which;
    for (std::size_t p = 0; p < 2; ++p)
      for (std::size_t g = 0; g < 3; ++g) {
        const Rollout& r = groups[p][g];
        REQUIRE(r.tokens == separate[p][g].tokens);
        REQUIRE(!r.tokens.empty());
        for (std::size_t t = 0; t < r.tokens.size(); ++t)
          CHECK(r.logprobs[t] == Approx(separate[p][g].logprobs[t]).margin(1e-4));
        p_rows.push_back(prompts[p]);
        c_rows.push_back(r.tokens);
        which.push_back(static_cast<std::int64_t>(p));
      }
    const at::Tensor row_images = vision ? images.index_select(0, at::tensor(which)) : at::Tensor();
    torch::NoGradGuard no_grad;
    const ScoredCompletions s =
        score_completions(model, p_rows, c_rows, row_images, tok.pad_id(), 1.0, true);
    for (std::size_t i = 0; i < c_rows.size(); ++i) {
      const Rollout& r = groups[i / 3][i % 3];
      for (std::size_t t = 0; t < r.tokens.size(); ++t)
        CHECK(s.logprobs[i][t].item<double>() == Approx(r.logprobs[t]).margin(1e-4));
      CHECK(s.mask[i].sum().item<double>() == static_cast<double>(r.tokens.size()));
    }
    if (vision) {  // each distinct image encoded once gives the same as one per row
      const ScoredCompletions shared =
          score_completions(model, p_rows, c_rows, images, tok.pad_id(), 1.0, false, which);
      CHECK(at::allclose(shared.logprobs, s.logprobs, 1e-5, 1e-5));
    }
    // Row 0 alone (no left padding, no right padding) scores the same.
    const ScoredCompletions alone =
        score_completions(model, {p_rows[0]}, {c_rows[0]},
                          vision ? row_images.narrow(0, 0, 1) : at::Tensor(), tok.pad_id());
    const auto n = static_cast<std::int64_t>(c_rows[0].size());
    CHECK(
        at::allclose(alone.logprobs[0].narrow(0, 0, n), s.logprobs[0].narrow(0, 0, n), 1e-5, 1e-5));
    CHECK(s.entropy.min().item<double>() >= 0.0);
    // The trainer takes the rollout policy's log-probs from its first update's forward pass
    // (training mode, with gradients) instead of a separate pass: both must give the same
    // numbers (the model has no dropout or batch statistics).
    {
      torch::GradMode::set_enabled(true);
      model->train();
      const ScoredCompletions trained =
          score_completions(model, p_rows, c_rows, row_images, tok.pad_id(), 1.0, false);
      model->eval();
      torch::GradMode::set_enabled(false);
      CHECK(trained.logprobs.requires_grad());
      CHECK(at::equal(trained.logprobs.detach(), s.logprobs));
    }
  }
}

TEST_CASE("scoring keeps gradients and rejects what does not fit", "[rl]") {
  const ml::Tokenizer tok = small_tokenizer();
  ml::Transformer model = ml::test::make_model(ml::test::test_config(tok.vocab_size(), false));
  const ScoredCompletions s =
      score_completions(model, {tok.encode("<bos>a")}, {tok.encode("box")}, {}, tok.pad_id());
  s.logprobs.sum().backward();
  CHECK(model->tok_emb->weight.grad().abs().sum().item<double>() > 0);
  CHECK_THROWS_AS(score_completions(model, {tok.encode("<bos>a")},
                                    {std::vector<std::int64_t>(300, 5)}, {}, tok.pad_id()),
                  UsageError);
}

namespace {

// A run folder with a random tiny text model and a text-task dataset of `n` records.
struct ToyRun {
  fs::path root;
  ml::Tokenizer tok = small_tokenizer();
  explicit ToyRun(const std::string& name, int n = 8) {
    root = fs::temp_directory_path() / ("cad_rl_" + name + "_" + std::to_string(getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "data");
    ml::Transformer model = ml::test::make_model(ml::test::test_config(tok.vocab_size(), false), 7);
    ml::save_checkpoint((root / "init").string(), model, tok);
    std::ofstream out(root / "data" / "train.jsonl");
    for (int i = 0; i < n; ++i)
      out << nlohmann::json{{"id", "toy" + std::to_string(i)},
                            {"text", {{"abstract", "write a number " + std::to_string(i)}}},
                            {"code", "r = 1"}}
                 .dump()
          << "\n";
  }
  ~ToyRun() { fs::remove_all(root); }
  RlConfig config(const std::string& out) const {
    RlConfig c;
    c.init = (root / "init").string();
    c.data_dir = (root / "data").string();
    c.out_dir = (root / out).string();
    c.task = "text";
    c.val_split = "";
    c.algorithm = algorithm_defaults("grpo");
    c.algorithm.beta = 0;
    c.rollout.group_size = 8;
    c.rollout.max_new_tokens = 8;
    c.prompts_per_step = 4;
    c.lr = 1e-2;
    c.progress = false;
    c.checkpoint_every = 0;
    c.completions_every = 0;
    return c;
  }
};

// The toy reward: one per '7' written, a little for other digits.
std::vector<Reward> sevens(const std::vector<RewardTask>& tasks) {
  std::vector<Reward> out;
  for (const auto& t : tasks) {
    Reward r;
    r.executed = true;
    for (char ch : t.text) r.reward += ch == '7' ? 1.0 : (ch >= '0' && ch <= '9' ? 0.2 : 0.0);
    r.components = {{"sevens", r.reward}};
    out.push_back(r);
  }
  return out;
}

std::vector<double> metric(const fs::path& file, const char* key) {
  std::vector<double> values;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j.contains(key) && j[key].is_number()) values.push_back(j[key]);
  }
  return values;
}

double mean_of(const std::vector<double>& v, std::size_t first, std::size_t count) {
  double s = 0;
  for (std::size_t i = first; i < first + count; ++i) s += v.at(i);
  return s / static_cast<double>(count);
}

}  // namespace

TEST_CASE("RL raises a toy reward (writing sevens) within a few dozen steps", "[rl]") {
  ml::test::single_thread();
  for (const char* algorithm : {"grpo", "cppo"}) {
    ToyRun run(std::string("toy_") + algorithm);
    RlConfig c = run.config("run");
    c.algorithm = algorithm_defaults(algorithm);
    c.algorithm.beta = 0.0;
    c.steps = 40;
    c.completions_every = 20;
    const RlResult result = train_rl(c, sevens);
    CHECK(result.finished);
    const auto rewards = metric(fs::path(c.out_dir) / "metrics.jsonl", "reward_mean");
    REQUIRE(rewards.size() == 40);
    const double before = mean_of(rewards, 0, 5), after = mean_of(rewards, 35, 5);
    INFO(algorithm << ": mean reward of the first 5 steps " << before << ", last 5 " << after);
    CHECK(after > before + 1.0);
    CHECK(after > 2.0);  // of at most 8
    CHECK(fs::exists(fs::path(c.out_dir) / "final" / "model.safetensors"));
    // Every line follows its schema.
    for (const auto& [file, schema] :
         {std::pair<const char*, const char*>{"metrics.jsonl", "rl_metrics.schema.json"},
          {"completions.jsonl", "rl_completion.schema.json"}}) {
      const auto rules =
          core::load_json_file(std::string(CAD_SOURCE_DIR) + "/data_schemas/" + schema);
      std::ifstream in(fs::path(c.out_dir) / file);
      std::string line;
      std::size_t lines = 0;
      while (std::getline(in, line)) {
        ++lines;
        const auto errors = core::validate_json(nlohmann::json::parse(line), rules);
        INFO(file << ": " << line);
        CHECK(errors.empty());
      }
      CHECK(lines >= 4);
    }
  }
}

TEST_CASE("MERL's EIAE with two experts raises the toy reward of both", "[rl][merl]") {
  ml::test::single_thread();
  ToyRun run("toy_eiae");
  RlConfig c = run.config("run");
  c.experts = {"views", "planner"};
  c.algorithm = algorithm_defaults("dr_grpo");
  c.eiae = true;
  c.mecl_weight = 0.5;
  c.rollout.group_size = 4;  // CME-CAD: 4 rollouts per prompt per expert
  c.steps = 40;
  const RlResult result = train_rl(c, sevens);
  CHECK(result.finished);
  std::vector<double> views, planner;
  std::ifstream in(fs::path(c.out_dir) / "metrics.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    views.push_back(j["expert_reward"]["views"]);
    planner.push_back(j["expert_reward"]["planner"]);
  }
  REQUIRE(views.size() == 40);
  INFO("views " << mean_of(views, 0, 5) << " -> " << mean_of(views, 35, 5) << ", planner "
                << mean_of(planner, 0, 5) << " -> " << mean_of(planner, 35, 5));
  CHECK(mean_of(views, 35, 5) > mean_of(views, 0, 5) + 1.0);
  CHECK(mean_of(planner, 35, 5) > mean_of(planner, 0, 5) + 1.0);
}

TEST_CASE("an RL run stopped and resumed equals an uninterrupted one", "[rl]") {
  ml::test::single_thread();
  ToyRun run("resume");
  RlConfig whole = run.config("whole");
  whole.steps = 6;
  whole.algorithm = algorithm_defaults("grpo");  // with the KL term and a reference model
  whole.algorithm.updates = 2;
  train_rl(whole, sevens);
  RlConfig part = whole;
  part.out_dir = (run.root / "part").string();
  part.stop_after = 3;
  const RlResult first = train_rl(part, sevens);
  CHECK_FALSE(first.finished);
  CHECK(first.step == 3);
  // A rerun into the folder without --resume is refused.
  part.stop_after = 0;
  CHECK_THROWS_AS(train_rl(part, sevens), UsageError);
  part.resume = true;
  const RlResult second = train_rl(part, sevens);
  CHECK(second.finished);
  const auto a =
      ml::load_safetensors((fs::path(whole.out_dir) / "final" / "model.safetensors").string());
  const auto b =
      ml::load_safetensors((fs::path(part.out_dir) / "final" / "model.safetensors").string());
  REQUIRE(a.tensors.size() == b.tensors.size());
  for (const auto& [name, tensor] : a.tensors) CHECK(at::equal(tensor, b.tensors.at(name)));
  CHECK(metric(fs::path(whole.out_dir) / "metrics.jsonl", "reward_mean") ==
        metric(fs::path(part.out_dir) / "metrics.jsonl", "reward_mean"));
  // --overwrite starts afresh.
  part.resume = false;
  part.overwrite = true;
  part.steps = 1;
  CHECK(train_rl(part, sevens).step == 1);
}

TEST_CASE(
    "MERL: experts sampled together, EIAE, MECL and HSB in the trainer; resume keeps the "
    "buffer",
    "[rl][merl]") {
  ml::test::single_thread();
  ToyRun run("merl");
  RlConfig whole = run.config("whole");
  whole.experts = {"views", "planner", "coords"};
  whole.algorithm = algorithm_defaults("dr_grpo");
  whole.eiae = true;
  whole.mecl_weight = 1.0;
  whole.hsb_chunks = 2;
  whole.hsb_k = 1;
  whole.hsb_iou = 0.5;  // the toy reward has no IoU: every sample counts as wrong
  whole.hsb_batch = 4;
  whole.rollout.group_size = 4;
  whole.prompts_per_step = 2;
  whole.steps = 6;
  whole.completions_every = 3;
  whole.checkpoint_every = 2;
  train_rl(whole, sevens);
  const fs::path metrics_file = fs::path(whole.out_dir) / "metrics.jsonl";
  std::vector<nlohmann::json> lines;
  {
    std::ifstream in(metrics_file);
    std::string line;
    while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  }
  REQUIRE(lines.size() == 6);
  const auto rules =
      core::load_json_file(std::string(CAD_SOURCE_DIR) + "/data_schemas/rl_metrics.schema.json");
  double pairs = 0;
  std::vector<std::int64_t> sft_at;
  for (const auto& l : lines) {
    CHECK(core::validate_json(l, rules).empty());
    // Each expert's samples are reported apart: 2 inputs x 4 samples per expert.
    REQUIRE(l.contains("expert_reward"));
    CHECK(l["expert_reward"].size() == 3);
    pairs += l["mecl_pairs"].get<double>();
    if (l.contains("hsb_sft_steps")) sft_at.push_back(l["step"]);
    CHECK(l["hsb_buffer"].get<std::size_t>() <= 2 * 3 * 6);
  }
  CHECK(pairs > 0);  // the experts' rewards differ on some inputs
  // The chunks of 6 steps in 2 end at steps 3 and 6, each followed by SFT on the buffer.
  CHECK(sft_at == std::vector<std::int64_t>{3, 6});
  // Every (input, expert) is all wrong (4 > K = 1): admitted with probability 1/4; 36 pairs
  // drawn over the run: some, not all, are in the buffer.
  const auto buffered = lines.back()["hsb_buffer"].get<std::size_t>();
  CHECK(buffered > 0);
  CHECK(buffered < 36);
  CHECK(lines[5]["hsb_sft_steps"].get<std::int64_t>() ==
        static_cast<std::int64_t>((buffered + 3) / 4));
  // EIAE trains only the samples above their expert's mean: at most 3 of each group of 4.
  for (const auto& l : lines) CHECK(l["trained_samples"].get<std::int64_t>() <= 2 * 3 * 3);
  // The completions say which expert's prompt each sample had.
  {
    std::ifstream in(fs::path(whole.out_dir) / "completions.jsonl");
    std::string line;
    std::set<std::string> seen;
    while (std::getline(in, line)) seen.insert(nlohmann::json::parse(line)["expert"]);
    CHECK(seen == std::set<std::string>{"views", "planner", "coords"});
  }
  // Stopped between the two chunk ends and resumed: the buffer comes back with the checkpoint
  // and the run ends where the uninterrupted one did.
  RlConfig part = whole;
  part.out_dir = (run.root / "part").string();
  part.stop_after = 4;
  CHECK(train_rl(part, sevens).step == 4);
  part.stop_after = 0;
  part.resume = true;
  CHECK(train_rl(part, sevens).finished);
  const auto a =
      ml::load_safetensors((fs::path(whole.out_dir) / "final" / "model.safetensors").string());
  const auto b =
      ml::load_safetensors((fs::path(part.out_dir) / "final" / "model.safetensors").string());
  for (const auto& [name, tensor] : a.tensors) CHECK(at::equal(tensor, b.tensors.at(name)));
  CHECK(metric(fs::path(part.out_dir) / "metrics.jsonl", "hsb_buffer") ==
        metric(metrics_file, "hsb_buffer"));
  // MECL needs two experts; an expert named twice is an error.
  RlConfig bad = whole;
  bad.experts = {"views"};
  CHECK_THROWS_AS(check_rl_config(bad), UsageError);
  bad.experts = {"views", "views"};
  bad.mecl_weight = 0;
  CHECK_THROWS_AS(check_rl_config(bad), UsageError);
}

TEST_CASE("RL settings that make no sense are usage errors", "[rl]") {
  RlConfig c;
  c.init = "x";
  c.data_dir = "d";
  c.out_dir = "o";
  c.rollout.group_size = 1;
  CHECK_THROWS_AS(check_rl_config(c), UsageError);
  c.rollout.group_size = 4;
  c.rollout.temperature = 0;
  CHECK_THROWS_AS(check_rl_config(c), UsageError);
  c.rollout.temperature = 1;
  c.algorithm.kl_estimator = "k9";
  CHECK_THROWS_AS(check_rl_config(c), UsageError);
}
