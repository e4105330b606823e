// The RL loop (cad-rl train) and hard-example mining (cad-rl mine).
#include "rl/trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <random>
#include <set>

#include "core/error.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "core/progress.h"
#include "ml/checkpoint.h"
#include "ml/generate_run.h"
#include "ml/process_group.h"
#include "ml/sampler.h"
#include "ml/sft.h"
#include "ml/sft_data.h"
#include "ml/trainer.h"
#include "rl/merl.h"

namespace cad::rl {
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t sample_seed(std::uint64_t seed, std::int64_t step, std::int64_t prompt,
                          std::int64_t sample) {
  return mix(mix(mix(seed) ^ static_cast<std::uint64_t>(step)) ^
             static_cast<std::uint64_t>(prompt) * 1000003ULL ^ static_cast<std::uint64_t>(sample));
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string record_id(const json& record, std::size_t index) {
  return record.contains("id") && record["id"].is_string() ? record["id"].get<std::string>()
                                                           : fmt::format("record-{}", index);
}

// Records of a JSONL file (every line must be an object).
std::vector<json> read_records(const std::string& path) {
  std::vector<json> records;
  cad::core::JsonlReader reader(path);
  cad::core::JsonlLine line;
  while (reader.next(line)) {
    if (!line.record || !line.record->is_object())
      throw Error(fmt::format("{}:{}: {}", path, line.line,
                              line.record ? "not a JSON object" : line.error));
    records.push_back(std::move(*line.record));
  }
  return records;
}

// Prompts (tokens and images) of dataset records for one task and expert.
class PromptMaker {
 public:
  PromptMaker(const ml::Tokenizer& tokenizer, const ml::ModelConfig& model, std::string data_dir,
              std::string task, std::string expert, std::string text)
      : tokenizer_(tokenizer),
        model_(model),
        data_dir_(std::move(data_dir)),
        task_(std::move(task)),
        expert_(std::move(expert)),
        text_(std::move(text)),
        with_image_(ml::sft_task_has_image(task_)),
        with_points_(ml::sft_task_has_points(task_)) {
    if (with_image_ && !model_.vision)
      throw UsageError("task '" + task_ + "' needs a model with vision");
    if (with_points_ && !model_.points)
      throw UsageError("task '" + task_ + "' needs a model with a point encoder");
    if (with_points_) ml::require_points_tokens(tokenizer_);
    ml::set_point_options(point_options_, model_);
  }
  bool with_image() const { return with_image_; }

  // Throws cad::Error when the record lacks what the task needs.
  std::vector<std::int64_t> tokens(const json& record) const { return tokens(record, expert_); }
  std::vector<std::int64_t> tokens(const json& record, const std::string& expert) const {
    return tokenizer_.encode(ml::sft_prompt_text(record, task_, expert, text_));
  }
  // The SFT target of a record under an expert (HSB): CoT + code, or code only.
  std::vector<std::int64_t> target(const json& record, const std::string& expert, bool cot) const {
    return tokenizer_.encode(ml::sft_target_text(record, expert, cot));
  }
  ml::SftImage image(const json& record) const {
    const json* rel = nullptr;
    if (task_ == "drawing" && record.contains("drawing") && record["drawing"].is_object() &&
        record["drawing"].contains("png"))
      rel = &record["drawing"]["png"];
    if (task_ == "image" && record.contains("render")) rel = &record["render"];
    if (rel == nullptr || !rel->is_string()) throw Error("the record has no " + task_ + " image");
    return ml::load_sft_image((fs::path(data_dir_) / rel->get<std::string>()).string(),
                              model_.image_size, model_.image_channels);
  }
  // The record's point cloud (cached: records come back every epoch).
  std::shared_ptr<const ml::SftPoints> points(const json& record, std::size_t index) const {
    auto found = clouds_.find(index);
    if (found != clouds_.end()) return found->second;
    const std::string rel = ml::record_shape_path(record);
    if (rel.empty()) throw Error("the record has no mesh or step file for its points");
    const fs::path path = fs::path(rel).is_absolute() ? fs::path(rel) : fs::path(data_dir_) / rel;
    auto cloud =
        std::make_shared<const ml::SftPoints>(ml::load_sft_points(path.string(), point_options_));
    clouds_.emplace(index, cloud);
    return cloud;
  }
  // [N, C, S, S] float in [0, 1].
  at::Tensor stack(const std::vector<ml::SftImage>& images) const {
    const std::int64_t s = model_.image_size, c = model_.image_channels;
    at::Tensor hwc = at::empty({static_cast<std::int64_t>(images.size()), s, s, c}, at::kByte);
    for (std::size_t r = 0; r < images.size(); ++r)
      std::memcpy(hwc[static_cast<std::int64_t>(r)].data_ptr<std::uint8_t>(),
                  images[r].pixels.data(), images[r].pixels.size());
    return hwc.permute({0, 3, 1, 2}).to(at::kFloat).div_(255.0).contiguous();
  }
  // The ground-truth side of the reward: the record's code, else its solid or mesh path.
  json ground_truth(const json& record, std::size_t index) const {
    json gt = {{"id", record_id(record, index)}};
    // The drawing's dimensions, for the dims reward term (else the ground truth's solid is
    // dimensioned again).
    if (record.contains("dimensions") && record["dimensions"].is_array())
      gt["dimensions"] = record["dimensions"];
    if (record.contains("code") && record["code"].is_string()) {
      gt["code"] = record["code"];
      return gt;
    }
    for (const char* key : {"step", "mesh"})
      if (record.contains(key) && record[key].is_string()) {
        gt[key] = (fs::path(data_dir_) / record[key].get<std::string>()).string();
        return gt;
      }
    throw Error("the record has no ground truth (code, step or mesh)");
  }

  // The prompts of records[i] for i in `which`: tokens, stacked images and ground truths, all
  // or nothing per record; a record that cannot make one goes to `failures` with the reason.
  struct Batch {
    std::vector<std::vector<std::int64_t>> tokens;
    at::Tensor images;  // [N, C, S, S] or points [N, P, 3]; undefined for text tasks
    std::vector<json> gts;
    std::vector<std::size_t> records;  // the indices that made it, in order
    std::vector<std::pair<std::size_t, std::string>> failures;
  };
  Batch batch(const std::vector<json>& records, const std::vector<std::size_t>& which) const {
    return batch(records, which, {expert_});
  }
  // The same with one prompt per record and expert, record-major: prompt j * E + e is record
  // which[j] under experts[e] (a record fails for all experts or none).
  Batch batch(const std::vector<json>& records, const std::vector<std::size_t>& which,
              const std::vector<std::string>& experts) const {
    Batch b;
    std::vector<ml::SftImage> images;
    std::vector<std::shared_ptr<const ml::SftPoints>> clouds;
    for (std::size_t i : which) {
      try {
        std::vector<std::vector<std::int64_t>> prompts;
        for (const auto& e : experts) prompts.push_back(tokens(records[i], e));
        std::optional<ml::SftImage> picture;
        if (with_image_) picture = image(records[i]);
        std::shared_ptr<const ml::SftPoints> cloud;
        if (with_points_) cloud = points(records[i], i);
        json gt = ground_truth(records[i], i);
        for (auto& prompt : prompts) {
          b.tokens.push_back(std::move(prompt));
          if (picture) images.push_back(*picture);
          if (cloud) clouds.push_back(cloud);
          b.gts.push_back(gt);
          b.records.push_back(i);
        }
      } catch (const std::exception& e) {
        b.failures.emplace_back(i, e.what());
      }
    }
    if (with_image_ && !images.empty()) b.images = stack(images);
    if (with_points_ && !clouds.empty()) b.images = ml::stack_points(clouds);  // [N, P, 3]
    return b;
  }

 private:
  const ml::Tokenizer& tokenizer_;
  const ml::ModelConfig& model_;
  std::string data_dir_, task_, expert_, text_;
  bool with_image_, with_points_;
  ml::SftDataOptions point_options_;
  mutable std::map<std::size_t, std::shared_ptr<const ml::SftPoints>> clouds_;
};

// Mean of the finite numbers among `values`, or null.
json mean_or_null(const std::vector<double>& values) {
  if (values.empty()) return nullptr;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// The gradient of every parameter, zeros where none was computed (every process takes part in
// the all-reduce with the same tensors, rows or not).
std::vector<at::Tensor> gradients_of(ml::Transformer& model) {
  std::vector<at::Tensor> grads;
  for (auto& p : model->parameters()) {
    if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);
    grads.push_back(p.grad());
  }
  return grads;
}

// One training row: a completion of prompt `prompt` (index into the step's prompts).
struct Row {
  std::size_t prompt = 0;
  std::vector<std::int64_t> completion;
  double advantage = 0.0;
};

}  // namespace

void check_rl_config(const RlConfig& c) {
  if (c.init.empty() && !c.resume) throw UsageError("no starting checkpoint (--init)");
  if (c.data_dir.empty()) throw UsageError("no dataset folder (--data)");
  if (c.out_dir.empty()) throw UsageError("no output folder (--out-dir or --name)");
  if (c.steps < 1 || c.prompts_per_step < 1) throw UsageError("steps and prompts must be >= 1");
  if (c.rollout.group_size < 2)
    throw UsageError("group size must be >= 2 (advantages are relative)");
  if (c.rollout.temperature <= 0) throw UsageError("temperature must be > 0");
  if (c.rollout.top_p <= 0 || c.rollout.top_p > 1) throw UsageError("top-p must be in (0, 1]");
  if (c.rollout.max_new_tokens < 1) throw UsageError("max-new-tokens must be >= 1");
  if (c.micro_batch < 0) throw UsageError("micro-batch must be >= 0");
  if (c.world_size < 1 || c.rank < 0 || c.rank >= c.world_size)
    throw UsageError("bad rank / world size");
  if (c.prompts_per_step < c.world_size)
    throw UsageError("prompts per step must be at least the number of processes");
  if (c.reward_jobs < 0) throw UsageError("reward-jobs must be >= 0");
  if (c.mecl_weight < 0) throw UsageError("mecl-weight must be >= 0");
  if (c.mecl_weight > 0 && c.experts.size() < 2)
    throw UsageError("MECL (mecl-weight > 0) needs two or more experts (--experts)");
  for (std::size_t i = 0; i < c.experts.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (c.experts[i] == c.experts[j])
        throw UsageError("expert '" + c.experts[i] + "' is listed twice");
  if (c.hsb_chunks < 0) throw UsageError("hsb-chunks must be >= 0");
  if (c.hsb_chunks > 0) {
    if (c.hsb_k < 0 || c.hsb_k > c.rollout.group_size)
      throw UsageError("hsb-k must be between 0 and the group size");
    if (c.hsb_epochs < 1 || c.hsb_batch < 1)
      throw UsageError("hsb-epochs and hsb-batch must be >= 1");
    if (c.hsb_lr < 0) throw UsageError("hsb-lr must be >= 0");
  }
  ml::parse_task_weight(c.task);
  check_algorithm(c.algorithm);
  check_reward_config(c.reward);
}

RlResult train_rl(const RlConfig& config, const RewardFn& custom_reward) {
  auto& log = cad::core::logger();
  check_rl_config(config);
  const AlgorithmConfig& algo = config.algorithm;
  // This rank's device ("cuda" is cuda:LOCAL_RANK with several processes); the process group's
  // backend follows it (NCCL on CUDA, Gloo on the CPU).
  ml::DistributedEnv env;
  env.rank = config.rank;
  env.world_size = config.world_size;
  env.local_rank = config.local_rank >= 0 ? config.local_rank : config.rank;
  env.master_addr = config.master_addr;
  env.master_port = config.master_port;
  std::string device = config.device;
  if (device.empty() && !config.init.empty() && fs::exists(fs::path(config.init) / "config.yaml"))
    device = ml::load_model_config((fs::path(config.init) / "config.yaml").string()).device;
  device = ml::rank_device(device, env);
  std::unique_ptr<ml::ProcessGroup> group;
  if (config.world_size > 1) {
    group = std::make_unique<ml::ProcessGroup>(
        env, 300.0, device.empty() ? c10::Device(c10::DeviceType::CPU) : c10::Device(device));
    log.info("rank {} of {} joined {}:{} ({})", env.rank, env.world_size, env.master_addr,
             env.master_port, group->backend());
  }
  const bool writer = config.rank == 0;
  // The reward workers fork before LibTorch starts its threads.
  std::unique_ptr<RewardPool> pool;
  if (!custom_reward) pool = std::make_unique<RewardPool>(config.reward, config.reward_jobs);
  const RewardFn reward_fn = custom_reward ? custom_reward : [&](const std::vector<RewardTask>& t) {
    return pool->score(t);
  };

  if (writer) ml::prepare_run_folder(config.out_dir, config.resume, config.overwrite);
  if (group) group->barrier();
  const std::string resume_dir = config.resume ? ml::latest_step_checkpoint(config.out_dir) : "";
  if (config.resume && resume_dir.empty()) {
    if (config.init.empty()) throw UsageError("--resume: no checkpoint and no --init");
    log.warn("--resume: no checkpoint under {}/checkpoints, starting a new run", config.out_dir);
  }
  std::int64_t start_step = 0;
  ml::LoadedModel loaded =
      ml::load_checkpoint(resume_dir.empty() ? config.init : resume_dir, device, "");
  ml::Transformer& model = loaded.model;
  const ml::Tokenizer& tokenizer = loaded.tokenizer;
  if (group) group->broadcast(model->parameters(), 0);  // every rank starts from rank 0's weights
  if (!resume_dir.empty()) {
    const json state = ml::load_trainer_state(resume_dir);
    start_step = state.value("step", std::int64_t{0});
    if (state.value("seed", config.seed) != config.seed)
      log.warn("--resume: the checkpoint was made with seed {}, now {}",
               state.value("seed", std::uint64_t{0}), config.seed);
    log.info("resuming from {} (step {})", resume_dir, start_step);
  }
  // The frozen reference: only when the KL term is on.
  std::optional<ml::LoadedModel> reference;
  if (algo.beta > 0) {
    const json state = resume_dir.empty() ? json() : ml::load_trainer_state(resume_dir);
    const std::string ref_dir = state.is_object() && state.contains("init")
                                    ? state["init"].get<std::string>()
                                    : config.init;
    reference.emplace(ml::load_checkpoint(ref_dir, device, ""));
    reference->model->eval();
    for (auto& p : reference->model->parameters()) p.set_requires_grad(false);
  }
  const ml::ModelConfig& model_config = model->config();
  const PromptMaker maker(tokenizer, model_config, config.data_dir, config.task, config.expert,
                          config.text);
  const std::vector<json> records = read_records(
      config.prompts.empty() ? (fs::path(config.data_dir) / (config.split + ".jsonl")).string()
                             : config.prompts);
  if (records.empty()) throw Error("no prompt records");
  std::vector<json> val_records;
  if (!config.val_split.empty()) {
    const fs::path val_path = fs::path(config.data_dir) / (config.val_split + ".jsonl");
    if (fs::exists(val_path)) {
      val_records = read_records(val_path.string());
      if (config.val_examples > 0 &&
          static_cast<std::int64_t>(val_records.size()) > config.val_examples)
        val_records.resize(static_cast<std::size_t>(config.val_examples));
    }
  }
  log.info(
      "{} prompt records, {} validation records; {} with G={} at T={}, reward {} ({} "
      "workers); model {} parameters; {} thread(s)",
      records.size(), val_records.size(), algo.name, config.rollout.group_size,
      config.rollout.temperature, custom_reward ? std::string("custom") : config.reward.kind,
      custom_reward ? 0 : config.reward_jobs, model->num_parameters(), at::get_num_threads());

  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(config.lr)
                                                         .betas({config.beta1, config.beta2})
                                                         .weight_decay(config.weight_decay));
  if (!resume_dir.empty() && fs::exists(fs::path(resume_dir) / "optimizer.safetensors"))
    ml::load_optimizer_state(
        model, optimizer,
        ml::load_safetensors((fs::path(resume_dir) / "optimizer.safetensors").string()));

  std::optional<ml::MetricsLog> metrics, completions;
  if (writer) {
    metrics.emplace((fs::path(config.out_dir) / "metrics.jsonl").string(), !resume_dir.empty(),
                    start_step);
    completions.emplace((fs::path(config.out_dir) / "completions.jsonl").string(),
                        !resume_dir.empty(), start_step);
  }

  RlResult result;
  result.step = start_step;
  // HSB's buffer: (prompt record, expert index) pairs, kept in the checkpoints (this process's;
  // with several processes each keeps the inputs it saw).
  std::set<std::pair<std::size_t, std::size_t>> hsb_buffer;
  if (!resume_dir.empty()) {
    const json state = ml::load_trainer_state(resume_dir);
    const std::string key = fmt::format("hsb_buffer_rank{}", config.rank);
    if (state.contains(key))
      for (const auto& entry : state[key])
        hsb_buffer.insert({entry[0].get<std::size_t>(), entry[1].get<std::size_t>()});
  }
  auto save = [&](const std::string& dir) {
    json buffers = json::object();
    if (config.hsb_chunks > 0) {
      // Every process's buffer goes into rank 0's checkpoint: gathered as one-hot rows.
      std::vector<json> all(static_cast<std::size_t>(config.world_size));
      json mine = json::array();
      for (const auto& [rec, e] : hsb_buffer) mine.push_back({rec, e});
      all[static_cast<std::size_t>(config.rank)] = mine;
      if (group) {
        std::int64_t longest = static_cast<std::int64_t>(hsb_buffer.size());
        at::Tensor sizes = at::zeros({config.world_size}, at::kFloat);
        sizes[config.rank] = static_cast<float>(longest);
        group->all_reduce_mean({sizes});
        sizes.mul_(static_cast<double>(config.world_size));
        longest = static_cast<std::int64_t>(sizes.max().item<float>() + 0.5f);
        at::Tensor table =
            at::zeros({config.world_size, std::max<std::int64_t>(1, longest), 2}, at::kFloat);
        std::int64_t i = 0;
        for (const auto& [rec, e] : hsb_buffer) {
          table[config.rank][i][0] = static_cast<float>(rec);
          table[config.rank][i][1] = static_cast<float>(e);
          ++i;
        }
        group->all_reduce_mean({table});
        table.mul_(static_cast<double>(config.world_size));
        for (int r = 0; r < config.world_size; ++r) {
          json list = json::array();
          const auto n = static_cast<std::int64_t>(sizes[r].item<float>() + 0.5f);
          for (std::int64_t k = 0; k < n; ++k)
            list.push_back({static_cast<std::size_t>(table[r][k][0].item<float>() + 0.5f),
                            static_cast<std::size_t>(table[r][k][1].item<float>() + 0.5f)});
          all[static_cast<std::size_t>(r)] = list;
        }
      }
      for (int r = 0; r < config.world_size; ++r)
        buffers[fmt::format("hsb_buffer_rank{}", r)] = all[static_cast<std::size_t>(r)];
    }
    if (!writer) return;
    json state = {{"step", result.step},         {"steps", config.steps},
                  {"seed", config.seed},         {"init", config.init},
                  {"algorithm", algo.name},      {"reward", config.reward.kind},
                  {"data_dir", config.data_dir}, {"kind", "rl"}};
    for (const auto& [key, value] : buffers.items()) state[key] = value;
    ml::save_checkpoint(dir, model, tokenizer, &optimizer, state);
    result.checkpoint = dir;
  };
  auto save_step_checkpoint = [&] {
    if (!writer) {
      if (config.hsb_chunks > 0) save("");  // takes part in gathering the buffers
      return;
    }
    save((fs::path(config.out_dir) / "checkpoints" / ml::step_dir_name(result.step)).string());
    ml::prune_step_checkpoints(config.out_dir, config.keep_checkpoints);
  };

  // Prompt k of the run (k = step * P + j) is position k % N of epoch k / N's permutation.
  const auto n_records = static_cast<std::int64_t>(records.size());
  std::int64_t cached_epoch = -1;
  std::vector<std::size_t> permutation(records.size());
  auto prompt_record = [&](std::int64_t k) {
    const std::int64_t epoch = k / n_records;
    if (epoch != cached_epoch) {
      std::iota(permutation.begin(), permutation.end(), 0);
      std::mt19937_64 rng(mix(config.seed ^ mix(static_cast<std::uint64_t>(epoch) + 17)));
      std::shuffle(permutation.begin(), permutation.end(), rng);
      cached_epoch = epoch;
    }
    return permutation[static_cast<std::size_t>(k % n_records)];
  };

  RolloutOptions rollout = config.rollout;
  rollout.stop_ids = ml::default_stop_ids(tokenizer);
  rollout.pad_id = tokenizer.pad_id();
  const std::int64_t G = rollout.group_size;
  // The training experts: each input is sampled under every one (one group per expert).
  const std::vector<std::string> experts =
      config.experts.empty() ? std::vector<std::string>{config.expert} : config.experts;
  const auto E = static_cast<std::int64_t>(experts.size());

  // Greedy decoding of the validation records, scored by the reward: exec rate, mean IoU.
  auto validate = [&]() {
    if (val_records.empty() || custom_reward) return;
    const auto t0 = Clock::now();
    std::vector<RewardTask> tasks;
    std::size_t failed = 0;
    const std::size_t batch = 16;
    for (std::size_t first = 0; first < val_records.size(); first += batch) {
      std::vector<std::size_t> which;
      for (std::size_t i = first; i < std::min(val_records.size(), first + batch); ++i)
        which.push_back(i);
      const PromptMaker::Batch b = maker.batch(val_records, which);
      failed += b.failures.size();
      if (b.records.empty()) continue;
      ml::SamplingOptions greedy;
      greedy.max_new_tokens = rollout.max_new_tokens;
      greedy.stop_ids = rollout.stop_ids;
      greedy.pad_id = rollout.pad_id;
      const auto generations = ml::generate(model, b.tokens, greedy, b.images);
      for (std::size_t r = 0; r < b.records.size(); ++r) {
        RewardTask t;
        t.text = tokenizer.decode(generations[r].tokens);
        t.code = ml::parse_generation(t.text).code;
        t.id = record_id(val_records[b.records[r]], b.records[r]);
        t.gt = b.gts[r];
        tasks.push_back(std::move(t));
      }
    }
    const std::vector<Reward> rewards = reward_fn(tasks);
    std::size_t executed = 0;
    std::vector<double> ious, values;
    for (const auto& r : rewards) {
      values.push_back(r.reward);
      if (!r.executed) continue;
      ++executed;
      if (r.components.contains("iou") && r.components["iou"].is_number())
        ious.push_back(r.components["iou"].get<double>());
    }
    const double n = static_cast<double>(tasks.size() + failed);
    result.val_exec = n > 0 ? static_cast<double>(executed) / n : 0.0;
    const json mean_iou = mean_or_null(ious);
    result.val_iou = mean_iou.is_null() ? 0.0 : mean_iou.get<double>();
    if (metrics)
      metrics->write({{"step", result.step},
                      {"val_exec", result.val_exec},
                      {"val_iou", mean_iou},
                      {"val_reward", mean_or_null(values)},
                      {"val_records", tasks.size() + failed},
                      {"val_time_s", seconds_since(t0)}});
    log.info("step {}: validation exec {:.1f} %, mean IoU {:.3f} ({} records, greedy)", result.step,
             100 * result.val_exec, result.val_iou, tasks.size() + failed);
  };

  ml::StopSignals signals;
  ml::GuardedOptimizer guarded;
  const std::int64_t end_step =
      config.stop_after > 0 ? std::min(config.steps, config.stop_after) : config.steps;
  cad::core::Progress progress(
      "rl", static_cast<std::size_t>(std::max<std::int64_t>(0, end_step - start_step)),
      config.progress && writer ? cad::core::ProgressMode::Auto : cad::core::ProgressMode::Off);
  if (start_step == 0 && config.val_every > 0) validate();
  const auto run_start = Clock::now();
  while (result.step < end_step && !ml::StopSignals::requested()) {
    const double lr = ml::cosine_learning_rate(config.lr, config.min_lr_ratio, config.warmup,
                                               config.steps, result.step);
    ml::set_learning_rate(optimizer, lr);
    const auto t_gen = Clock::now();

    // This process's prompts: every world_size-th of the step's global prompts.
    std::vector<std::int64_t> global_index;
    std::vector<std::size_t> record_index;
    for (std::int64_t j = config.rank; j < config.prompts_per_step; j += config.world_size) {
      global_index.push_back(j);
      record_index.push_back(prompt_record(result.step * config.prompts_per_step + j));
    }
    PromptMaker::Batch prompt_batch = maker.batch(records, record_index, experts);
    if (!prompt_batch.failures.empty()) {
      const auto& [rec, why] = prompt_batch.failures.front();
      throw Error(fmt::format("prompt record {} ({}): {}", record_id(records[rec], rec), rec, why));
    }
    const std::vector<std::vector<std::int64_t>>& prompts = prompt_batch.tokens;
    const at::Tensor& image_tensor = prompt_batch.images;
    const std::vector<json>& gts = prompt_batch.gts;
    std::vector<std::uint64_t> seeds;
    for (std::int64_t j : global_index)
      for (std::int64_t e = 0; e < E; ++e)
        for (std::int64_t g = 0; g < G; ++g)
          seeds.push_back(sample_seed(config.seed, result.step, E == 1 ? j : j * E + e, g));
    const auto groups = sample_groups(model, prompts, image_tensor, rollout, seeds);
    const double time_gen = seconds_since(t_gen);

    // Rewards of every sample, in parallel workers.
    const auto t_reward = Clock::now();
    std::vector<RewardTask> tasks;
    std::int64_t generated = 0, truncated = 0;
    for (std::size_t p = 0; p < groups.size(); ++p)
      for (std::int64_t g = 0; g < G; ++g) {
        const Rollout& r = groups[p][static_cast<std::size_t>(g)];
        RewardTask t;
        t.text = tokenizer.decode(r.tokens);
        t.code = ml::parse_generation(t.text).code;
        t.gt = gts[p];
        t.id = record_id(records[prompt_batch.records[p]], prompt_batch.records[p]);
        t.sample = g;
        tasks.push_back(std::move(t));
        generated += static_cast<std::int64_t>(r.tokens.size());
        truncated += r.stopped ? 0 : 1;
      }
    const std::vector<Reward> rewards = reward_fn(tasks);
    if (rewards.size() != tasks.size()) throw Error("the reward function returned a wrong count");
    const double time_reward = seconds_since(t_reward);

    // Advantages per group; the rows that train.
    const auto t_update = Clock::now();
    std::vector<Row> rows;
    std::int64_t zero_variance = 0, kept_groups = 0;
    // EIAE: samples of advantage 0 add nothing to the loss (without KL) and are not run, but
    // count in the sequence mean: the loss is -E[log pi max(A, 0)] over every sample.
    double silent_sequences = 0.0;
    for (std::size_t p = 0; p < groups.size(); ++p) {
      std::vector<double> values;
      for (std::int64_t g = 0; g < G; ++g) values.push_back(rewards[p * G + g].reward);
      const std::vector<double> adv =
          config.eiae ? eiae_advantages(values) : group_advantages(values, algo.scale_by_std);
      const bool flat =
          std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); });
      zero_variance += flat ? 1 : 0;
      if (config.hsb_chunks > 0) {  // HSB: a hard (input, expert) may enter the buffer
        std::int64_t wrong = 0;
        for (std::int64_t g = 0; g < G; ++g) {
          const Reward& r = rewards[p * G + g];
          const bool has_iou = r.components.contains("iou") && r.components["iou"].is_number();
          wrong += (!r.executed || !has_iou || r.components["iou"].get<double>() < config.hsb_iou)
                       ? 1
                       : 0;
        }
        const std::uint64_t u = mix(sample_seed(config.seed ^ 0x485342ULL, result.step,
                                                global_index[p / E] * E + p % E, 0));
        if (hsb_admit(wrong, G, config.hsb_k, static_cast<double>(u >> 11) * 0x1.0p-53))
          hsb_buffer.insert({prompt_batch.records[p], p % E});
      }
      if (flat && algo.dynamic_sampling) continue;
      ++kept_groups;
      for (std::size_t g : top_abs_advantages(adv, algo.keep_top)) {
        const Rollout& r = groups[p][g];
        if (r.tokens.empty() || (algo.mask_truncated && !r.stopped)) continue;
        if (config.eiae && adv[g] <= 0.0 && !reference) {
          silent_sequences += 1.0;
          continue;
        }
        rows.push_back({p, r.tokens, adv[g]});
      }
    }
    // MECL: per input, the strong expert's best executed answer, to be scored under the weak
    // and the strong expert's prompts.
    struct MeclRow {
      std::size_t weak = 0, strong = 0;  // prompt indices
      std::vector<std::int64_t> answer;
    };
    std::vector<MeclRow> mecl_rows;
    std::map<std::string, std::vector<double>> expert_rewards;
    for (std::size_t p = 0; p < groups.size(); ++p)
      for (std::int64_t g = 0; g < G; ++g)
        expert_rewards[experts[p % E]].push_back(rewards[p * G + g].reward);
    if (config.mecl_weight > 0 && E > 1) {
      for (std::size_t first = 0; first < groups.size(); first += E) {
        std::vector<double> means;
        for (std::size_t e = 0; e < static_cast<std::size_t>(E); ++e) {
          double sum = 0.0;
          for (std::int64_t g = 0; g < G; ++g) sum += rewards[(first + e) * G + g].reward;
          means.push_back(sum / static_cast<double>(G));
        }
        const auto pair = mecl_pair(means);
        if (!pair) continue;
        const std::size_t strong = first + pair->strong;
        std::int64_t best = -1;
        for (std::int64_t g = 0; g < G; ++g) {
          const Reward& r = rewards[strong * G + g];
          if (r.executed && !groups[strong][g].tokens.empty() &&
              (best < 0 || r.reward > rewards[strong * G + best].reward))
            best = g;
        }
        if (best < 0) continue;
        mecl_rows.push_back({first + pair->weak, strong, groups[strong][best].tokens});
      }
    }
    // The normalizer covers the rows of every process, so that P processes equal one.
    double sequences = static_cast<double>(rows.size()) + silent_sequences, loss_tokens = 0.0;
    double mecl_count = static_cast<double>(mecl_rows.size());
    double active = static_cast<double>(rows.size() + mecl_rows.size());
    for (const Row& row : rows) loss_tokens += static_cast<double>(row.completion.size());
    if (group) {
      at::Tensor counts = at::tensor({sequences, loss_tokens, mecl_count, active}, at::kFloat);
      group->all_reduce_mean({counts});
      sequences = counts[0].item<double>() * config.world_size;
      loss_tokens = counts[1].item<double>() * config.world_size;
      mecl_count = counts[2].item<double>() * config.world_size;
      active = counts[3].item<double>() * config.world_size;
    }
    const double normalizer = loss_normalizer(algo, sequences, loss_tokens, rollout.max_new_tokens);

    const std::size_t chunk = config.micro_batch > 0 ? static_cast<std::size_t>(config.micro_batch)
                                                     : std::max<std::size_t>(1, rows.size());
    // A chunk's rows with the distinct images they use (each encoded once per pass).
    auto chunk_inputs = [&](std::size_t first, std::size_t last,
                            std::vector<std::vector<std::int64_t>>& p_tokens,
                            std::vector<std::vector<std::int64_t>>& c_tokens, at::Tensor& imgs,
                            at::Tensor& adv, std::vector<std::int64_t>& image_rows) {
      std::vector<std::int64_t> distinct;
      std::vector<double> a;
      for (std::size_t i = first; i < last; ++i) {
        p_tokens.push_back(prompts[rows[i].prompt]);
        c_tokens.push_back(rows[i].completion);
        const auto prompt = static_cast<std::int64_t>(rows[i].prompt);
        auto at = std::find(distinct.begin(), distinct.end(), prompt);
        if (at == distinct.end()) at = distinct.insert(distinct.end(), prompt);
        image_rows.push_back(at - distinct.begin());
        a.push_back(rows[i].advantage);
      }
      imgs = image_tensor.defined() ? image_tensor.index_select(0, at::tensor(distinct))
                                    : at::Tensor();
      if (!imgs.defined()) image_rows.clear();
      adv = at::tensor(a, at::kDouble).to(at::kFloat).to(model->device());
    };
    // The rollout policy's log-probabilities are those of the first update's forward pass,
    // detached: the weights have not moved yet and the model has no layer that behaves
    // differently in training (no dropout, no batch norm), so a separate scoring pass without
    // gradients would compute the same numbers. Later updates reuse them. The reference's
    // log-probabilities (KL > 0 only) need their own pass.
    std::vector<at::Tensor> old_logprobs, ref_logprobs;
    double entropy_sum = 0.0, entropy_tokens = 0.0;
    if (reference) {
      torch::NoGradGuard no_grad;
      for (std::size_t first = 0; first < rows.size(); first += chunk) {
        std::vector<std::vector<std::int64_t>> pt, ct;
        std::vector<std::int64_t> ir;
        at::Tensor imgs, adv;
        chunk_inputs(first, std::min(rows.size(), first + chunk), pt, ct, imgs, adv, ir);
        ref_logprobs.push_back(score_completions(reference->model, pt, ct, imgs, rollout.pad_id,
                                                 rollout.temperature, false, ir)
                                   .logprobs);
      }
    }
    double loss_value = 0.0, clip_fraction = 0.0, kl = 0.0, tokens_counted = 0.0;
    double mecl_kl_sum = 0.0;
    double ratio_min = 1.0, ratio_max = 1.0;
    ml::GuardedStep stepped;
    model->train();
    for (std::int64_t u = 0; u < algo.updates; ++u) {
      optimizer.zero_grad();
      double update_loss = 0.0;
      for (std::size_t first = 0, c = 0; first < rows.size(); first += chunk, ++c) {
        std::vector<std::vector<std::int64_t>> pt, ct;
        std::vector<std::int64_t> ir;
        at::Tensor imgs, adv;
        chunk_inputs(first, std::min(rows.size(), first + chunk), pt, ct, imgs, adv, ir);
        const bool first_pass = u == 0;
        const ScoredCompletions s = score_completions(model, pt, ct, imgs, rollout.pad_id,
                                                      rollout.temperature, first_pass, ir);
        if (first_pass) {
          entropy_sum += s.entropy.sum().item<double>();
          entropy_tokens += s.mask.sum().item<double>();
          old_logprobs.push_back(s.logprobs.detach());
        }
        const at::Tensor& old = old_logprobs[c];
        const PolicyLoss pl =
            policy_loss(s.logprobs, old, adv, s.mask, reference ? ref_logprobs[c] : at::Tensor(),
                        algo, normalizer);
        pl.loss.backward();
        update_loss += pl.loss.item<double>();
        if (u + 1 == algo.updates) {  // diagnostics of the last update
          clip_fraction += pl.clip_fraction * pl.tokens;
          kl += pl.kl * pl.tokens;
          tokens_counted += pl.tokens;
          ratio_min = first == 0 ? pl.ratio_min : std::min(ratio_min, pl.ratio_min);
          ratio_max = first == 0 ? pl.ratio_max : std::max(ratio_max, pl.ratio_max);
        }
      }
      // MECL: the weak expert's conditional on the strong expert's answer, pulled toward the
      // strong expert's (at temperature 1; the strong side without gradients).
      for (std::size_t first = 0; first < mecl_rows.size(); first += chunk) {
        const std::size_t last = std::min(mecl_rows.size(), first + chunk);
        std::vector<std::vector<std::int64_t>> weak_prompts, strong_prompts, answers;
        std::vector<std::int64_t> weak_images, strong_images;
        for (std::size_t i = first; i < last; ++i) {
          weak_prompts.push_back(prompts[mecl_rows[i].weak]);
          strong_prompts.push_back(prompts[mecl_rows[i].strong]);
          answers.push_back(mecl_rows[i].answer);
          weak_images.push_back(static_cast<std::int64_t>(mecl_rows[i].weak));
          strong_images.push_back(static_cast<std::int64_t>(mecl_rows[i].strong));
        }
        ScoredCompletions strong;
        {
          torch::NoGradGuard no_grad;
          strong = score_completions(model, strong_prompts, answers,
                                     image_tensor.defined()
                                         ? image_tensor.index_select(0, at::tensor(strong_images))
                                         : at::Tensor(),
                                     rollout.pad_id, 1.0, false, {}, true);
        }
        const ScoredCompletions weak = score_completions(
            model, weak_prompts, answers,
            image_tensor.defined() ? image_tensor.index_select(0, at::tensor(weak_images))
                                   : at::Tensor(),
            rollout.pad_id, 1.0, false, {}, true);
        const at::Tensor divergence = mecl_kl(weak.log_probs, strong.log_probs, weak.mask);
        const at::Tensor loss = divergence * (config.mecl_weight / std::max(1.0, mecl_count));
        loss.backward();
        update_loss += loss.item<double>();
        if (u + 1 == algo.updates) mecl_kl_sum += divergence.item<double>();
      }
      // Every process takes part in the all-reduce, rows or not.
      std::vector<at::Tensor> grads = gradients_of(model);
      if (group) {
        at::Tensor loss_tensor = at::full({1}, update_loss, at::kFloat);
        grads.push_back(loss_tensor);
        group->all_reduce_mean(grads);
        torch::NoGradGuard no_grad;
        for (auto& g : grads) g.mul_(static_cast<double>(config.world_size));  // a sum
        update_loss = loss_tensor.item<double>();
      }
      loss_value = update_loss;
      if (active == 0) break;  // no signal in the whole batch: no update, moments untouched
      stepped = guarded.step(model, optimizer, config.clip, update_loss, result.step + 1);
    }
    model->eval();
    const double time_update = seconds_since(t_update);
    ++result.step;
    result.skipped_steps = guarded.skipped();
    progress.advance();

    // HSB: after each chunk, SFT on the buffer (every process runs as many steps as the one
    // with the largest buffer; its gradients are averaged over the processes).
    json hsb_line;
    if (config.hsb_chunks > 0 && hsb_chunk_ends(result.step, config.steps, config.hsb_chunks)) {
      const auto t_hsb = Clock::now();
      std::vector<std::pair<std::size_t, std::size_t>> entries(hsb_buffer.begin(),
                                                               hsb_buffer.end());
      double longest = static_cast<double>(entries.size()), total = longest;
      if (group) {
        at::Tensor all = at::zeros({config.world_size}, at::kFloat);
        all[config.rank] = static_cast<float>(entries.size());
        group->all_reduce_mean({all});
        all.mul_(static_cast<double>(config.world_size));
        longest = all.max().item<float>();
        total = all.sum().item<float>();
      }
      const auto batch = static_cast<std::size_t>(config.hsb_batch);
      const auto batches =
          static_cast<std::int64_t>(std::ceil(longest / static_cast<double>(config.hsb_batch)));
      const double sft_lr = config.hsb_lr > 0 ? config.hsb_lr : lr;
      ml::set_learning_rate(optimizer, sft_lr);
      double loss_sum = 0.0;
      std::int64_t sft_steps = 0;
      model->train();
      for (std::int64_t epoch = 0; epoch < config.hsb_epochs; ++epoch) {
        std::mt19937_64 rng(mix(config.seed ^ mix(static_cast<std::uint64_t>(result.step) * 31 +
                                                  static_cast<std::uint64_t>(epoch))));
        std::shuffle(entries.begin(), entries.end(), rng);
        for (std::int64_t b = 0; b < batches; ++b) {
          optimizer.zero_grad();
          double loss_value_b = 0.0;
          const std::size_t first = static_cast<std::size_t>(b) * batch;
          if (first < entries.size()) {
            std::vector<std::vector<std::int64_t>> p_tokens, t_tokens;
            std::vector<at::Tensor> images;
            for (std::size_t i = first; i < std::min(entries.size(), first + batch); ++i) {
              const auto& [rec, e] = entries[i];
              const PromptMaker::Batch one = maker.batch(records, {rec}, {experts[e]});
              if (!one.failures.empty())
                throw Error(fmt::format("HSB: record {}: {}", record_id(records[rec], rec),
                                        one.failures.front().second));
              p_tokens.push_back(one.tokens.front());
              t_tokens.push_back(maker.target(records[rec], experts[e], !config.no_cot));
              if (one.images.defined()) images.push_back(one.images);
            }
            const ScoredCompletions sc = score_completions(
                model, p_tokens, t_tokens, images.empty() ? at::Tensor() : at::cat(images, 0),
                rollout.pad_id, 1.0, false);
            const at::Tensor nll = -(sc.logprobs * sc.mask).sum() / sc.mask.sum().clamp_min(1.0);
            nll.backward();
            loss_value_b = nll.item<double>();
          }
          std::vector<at::Tensor> grads = gradients_of(model);
          if (group) {
            at::Tensor lt = at::full({1}, loss_value_b, at::kFloat);
            grads.push_back(lt);
            group->all_reduce_mean(grads);
            loss_value_b = lt.item<double>();
          }
          guarded.step(model, optimizer, config.clip, loss_value_b, result.step);
          loss_sum += loss_value_b;
          ++sft_steps;
        }
      }
      model->eval();
      hsb_line = {{"hsb_sft_steps", sft_steps},
                  {"hsb_sft_loss", sft_steps > 0 ? json(loss_sum / sft_steps) : json()},
                  {"hsb_sft_records", total},
                  {"hsb_time_s", seconds_since(t_hsb)}};
      log.info("step {}: HSB chunk ends: {} SFT steps on {} buffered inputs, loss {:.4f}",
               result.step, sft_steps, total, sft_steps > 0 ? loss_sum / sft_steps : 0.0);
    }

    // The step's figures (reward statistics over every process).
    std::vector<double> values;
    std::size_t executed = 0;
    std::vector<double> ious;
    std::map<std::string, std::vector<double>> parts;
    for (const Reward& r : rewards) {
      values.push_back(r.reward);
      executed += r.executed ? 1 : 0;
      for (const auto& [key, value] : r.components.items()) {
        auto& list = parts[key];  // every component gets a column, null when never computed
        if (value.is_number()) list.push_back(value.get<double>());
      }
      if (r.executed && r.components.contains("iou") && r.components["iou"].is_number())
        ious.push_back(r.components["iou"].get<double>());
    }
    double sum = std::accumulate(values.begin(), values.end(), 0.0), squares = 0.0;
    for (double v : values) squares += v * v;
    double count = static_cast<double>(values.size()), exec_count = static_cast<double>(executed);
    double iou_sum = std::accumulate(ious.begin(), ious.end(), 0.0);
    double iou_count = static_cast<double>(ious.size());
    if (group) {
      at::Tensor stats =
          at::tensor({sum, squares, count, exec_count, iou_sum, iou_count}, at::kDouble)
              .to(at::kFloat);
      group->all_reduce_mean({stats});
      stats.mul_(static_cast<double>(config.world_size));
      sum = stats[0].item<double>();
      squares = stats[1].item<double>();
      count = stats[2].item<double>();
      exec_count = stats[3].item<double>();
      iou_sum = stats[4].item<double>();
      iou_count = stats[5].item<double>();
    }
    const double mean = count > 0 ? sum / count : 0.0;
    result.reward_mean = mean;
    if (metrics && (result.step % std::max<std::int64_t>(1, config.log_every) == 0 ||
                    result.step == end_step)) {
      json line = {
          {"step", result.step},
          {"lr", lr},
          {"reward_mean", mean},
          {"reward_std", count > 0 ? std::sqrt(std::max(0.0, squares / count - mean * mean)) : 0.0},
          {"exec_rate", count > 0 ? exec_count / count : 0.0},
          {"iou_mean", iou_count > 0 ? json(iou_sum / iou_count) : json()},
          {"loss", loss_value},
          {"kl", kl / std::max(1.0, tokens_counted)},
          {"entropy", entropy_tokens > 0 ? entropy_sum / entropy_tokens : 0.0},
          {"clip_fraction", clip_fraction / std::max(1.0, tokens_counted)},
          {"ratio_min", ratio_min},
          {"ratio_max", ratio_max},
          {"zero_variance_groups",
           groups.empty() ? 0.0 : static_cast<double>(zero_variance) / groups.size()},
          {"trained_samples", rows.size()},
          {"completion_length",
           tasks.empty() ? 0.0 : static_cast<double>(generated) / tasks.size()},
          {"truncated", tasks.empty() ? 0.0 : static_cast<double>(truncated) / tasks.size()},
          {"grad_norm", stepped.grad_norm},
          {"tokens_per_s", time_gen > 0 ? generated / time_gen : 0.0},
          {"time_generate_s", time_gen},
          {"time_reward_s", time_reward},
          {"time_update_s", time_update},
          {"elapsed_s", seconds_since(run_start)}};
      for (const auto& [key, v] : parts) line["reward_" + key] = mean_or_null(v);
      if (E > 1) {  // this process's samples per expert
        json per_expert = json::object();
        for (const auto& [name, v] : expert_rewards) per_expert[name] = mean_or_null(v);
        line["expert_reward"] = per_expert;
      }
      if (config.mecl_weight > 0) {
        line["mecl_pairs"] = mecl_count;
        line["mecl_kl"] = mecl_rows.empty() ? json() : json(mecl_kl_sum / mecl_rows.size());
      }
      if (config.hsb_chunks > 0) line["hsb_buffer"] = hsb_buffer.size();
      for (const auto& [key, v] : hsb_line.items()) line[key] = v;
      metrics->write(line);
      log.debug("step {} reward {:.3f} exec {:.2f} ({:.1f}+{:.1f}+{:.1f} s)", result.step, mean,
                count > 0 ? exec_count / count : 0.0, time_gen, time_reward, time_update);
    }
    if (completions && config.completions_every > 0 &&
        result.step % config.completions_every == 0) {
      for (std::size_t i = 0; i < tasks.size(); ++i)
        completions->write(
            {{"step", result.step},
             {"id", tasks[i].id},
             {"expert", experts[(i / static_cast<std::size_t>(G)) % static_cast<std::size_t>(E)]},
             {"sample", tasks[i].sample},
             {"completion", tasks[i].text},
             {"reward", rewards[i].reward},
             {"components", rewards[i].components},
             {"status", rewards[i].status}});
    }
    if (config.val_every > 0 && result.step % config.val_every == 0 && result.step != config.steps)
      validate();
    if (config.checkpoint_every > 0 && result.step % config.checkpoint_every == 0 &&
        result.step != config.steps)
      save_step_checkpoint();
  }
  progress.finish();
  if (result.step >= config.steps) {
    validate();
    save_step_checkpoint();
    save((fs::path(config.out_dir) / "final").string());
    result.finished = true;
    log.info("finished {} steps in {:.1f} min; model in {}/final", result.step,
             seconds_since(run_start) / 60.0, config.out_dir);
  } else if (result.step > start_step) {
    save_step_checkpoint();
    log.info("stopped at step {} (checkpoint {}); continue with --resume", result.step,
             result.checkpoint);
  }
  return result;
}

MineResult mine_hard_examples(const MineConfig& config) {
  auto& log = cad::core::logger();
  if (config.model.empty() || config.data_dir.empty())
    throw UsageError("mine needs --model and --data");
  if (config.samples < 1 || config.batch_prompts < 1)
    throw UsageError("--samples and --batch-prompts must be >= 1");
  check_reward_config(config.reward);
  RewardPool pool(config.reward, config.reward_jobs);
  ml::LoadedModel loaded = ml::load_checkpoint(config.model, config.device, "");
  const PromptMaker maker(loaded.tokenizer, loaded.model->config(), config.data_dir, config.task,
                          config.expert, config.text);
  const std::vector<json> records =
      read_records((fs::path(config.data_dir) / (config.split + ".jsonl")).string());
  RolloutOptions rollout = config.rollout;
  rollout.group_size = config.samples;
  rollout.stop_ids = ml::default_stop_ids(loaded.tokenizer);
  rollout.pad_id = loaded.tokenizer.pad_id();
  cad::core::JsonlWriter writer(config.output);
  cad::core::Progress progress(
      "mine", records.size(),
      config.progress ? cad::core::ProgressMode::Auto : cad::core::ProgressMode::Off);
  MineResult result;
  result.records = records.size();
  double reward_sum = 0.0;
  std::size_t scored = 0;
  for (std::size_t first = 0; first < records.size();
       first += static_cast<std::size_t>(config.batch_prompts)) {
    const std::size_t last =
        std::min(records.size(), first + static_cast<std::size_t>(config.batch_prompts));
    std::vector<std::size_t> range;
    for (std::size_t i = first; i < last; ++i) range.push_back(i);
    const PromptMaker::Batch b = maker.batch(records, range);
    for (const auto& [i, why] : b.failures) {
      log.warn("mine: record {} ({}): {}", record_id(records[i], i), i, why);
      ++result.failed;
      progress.advance();
    }
    const std::vector<std::size_t>& which = b.records;
    const std::vector<json>& gts = b.gts;
    if (which.empty()) continue;
    std::vector<std::uint64_t> seeds;
    for (std::size_t i : which)
      for (std::int64_t g = 0; g < config.samples; ++g)
        seeds.push_back(sample_seed(config.seed, -1, static_cast<std::int64_t>(i), g));
    const auto groups = sample_groups(loaded.model, b.tokens, b.images, rollout, seeds);
    std::vector<RewardTask> tasks;
    for (std::size_t p = 0; p < which.size(); ++p)
      for (std::int64_t g = 0; g < config.samples; ++g) {
        RewardTask t;
        t.text = loaded.tokenizer.decode(groups[p][static_cast<std::size_t>(g)].tokens);
        t.code = ml::parse_generation(t.text).code;
        t.gt = gts[p];
        t.id = record_id(records[which[p]], which[p]);
        t.sample = g;
        tasks.push_back(std::move(t));
      }
    const std::vector<Reward> rewards = pool.score(tasks);
    for (std::size_t p = 0; p < which.size(); ++p) {
      double mean = 0.0;
      for (std::int64_t g = 0; g < config.samples; ++g)
        mean += rewards[p * config.samples + g].reward;
      mean /= static_cast<double>(config.samples);
      reward_sum += mean;
      ++scored;
      if (mean < config.threshold) {
        json out = records[which[p]];
        out["mined_reward"] = mean;
        writer.write(out);
        ++result.kept;
      }
      progress.advance();
    }
  }
  progress.finish();
  result.mean_reward = scored > 0 ? reward_sum / static_cast<double>(scored) : 0.0;
  log.info(
      "mine: {} records, {} kept (mean reward over {} samples < {}), {} failed; mean reward "
      "{:.3f}",
      result.records, result.kept, config.samples, config.threshold, result.failed,
      result.mean_reward);
  return result;
}

}  // namespace cad::rl
