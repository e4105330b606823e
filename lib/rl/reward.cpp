// The published rewards and the sandboxed pool that computes them.
#include "rl/reward.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/error.h"
#include "core/process_pool.h"

namespace cad::rl {
namespace {

using nlohmann::json;

bool is_number(const json& record, const char* key) {
  return record.contains(key) && record[key].is_number() &&
         std::isfinite(record[key].get<double>());
}

bool has_text(const std::string& text, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end && i < text.size(); ++i)
    if (!std::isspace(static_cast<unsigned char>(text[i]))) return true;
  return false;
}

}  // namespace

void check_reward_config(const RewardConfig& config) {
  if (config.kind != "cadrille" && config.kind != "cmecad" && config.kind != "recad")
    throw UsageError("unknown reward '" + config.kind + "' (cadrille, cmecad, recad)");
  if (config.sim_threshold < 0.0 || config.sim_threshold >= 1.0)
    throw UsageError("reward sim-threshold must be in [0, 1)");
  if (config.timeout_s <= 0.0) throw UsageError("reward timeout must be > 0");
  if (config.dims_weight < 0.0) throw UsageError("reward dims-weight must be >= 0");
}

std::vector<std::string> reward_metrics(const RewardConfig& config) {
  if (config.kind == "cmecad") {
    if (config.dims_weight > 0) return {"iou", "plane", "dims"};
    return {"iou", "plane"};
  }
  if (config.kind == "recad") return {"iou_best", "render_sim"};
  return {"iou"};
}

double cmecad_format_gate(const std::string& text) {
  const auto open = text.find("<think>");
  if (open == std::string::npos) return 0.0;
  const auto close = text.find("</think>", open);
  if (close == std::string::npos || !has_text(text, open + 7, close)) return 0.0;
  return text.find("<code>", close) != std::string::npos ? 1.0 : 0.0;
}

double recad_format(const std::string& text) {
  const auto open = text.find("<think>");
  if (open == std::string::npos) return 0.0;
  const auto close = text.find("</think>", open);
  if (close == std::string::npos || !has_text(text, open + 7, close)) return 0.0;
  std::string rest = text.substr(close + 8);
  for (const char* tag : {"<code>", "</code>", "<eos>"})
    for (auto at = rest.find(tag); at != std::string::npos; at = rest.find(tag))
      rest.erase(at, std::string(tag).size());
  return has_text(rest, 0, rest.size()) ? 1.0 : 0.0;
}

double recad_phi(double similarity, double threshold) {
  return std::max(0.0, (similarity - threshold) / (1.0 - threshold));
}

std::string generation_text(const json& generation) {
  std::string text;
  auto field = [&](const char* key) {
    return generation.contains(key) && generation[key].is_string()
               ? generation[key].get<std::string>()
               : std::string();
  };
  const std::string cot = field("cot");
  if (!cot.empty()) text += "<think>" + cot + "</think>";
  return text + "<code>" + field("code") + "</code>";
}

Reward compute_reward(const RewardConfig& config, const std::string& text,
                      const json& eval_record) {
  Reward r;
  r.status = eval_record.value("status", std::string("error"));
  // The exec gate: the code ran to a solid and was scored.
  r.executed = r.status == "ok";
  if (config.kind == "cadrille") {
    const bool scored = r.executed && is_number(eval_record, "iou");
    const double iou = scored ? std::max(0.0, eval_record["iou"].get<double>()) : 0.0;
    r.reward = scored ? config.scale * iou : config.invalid;
    r.components = {{"exec", scored ? 1.0 : 0.0}, {"iou", scored ? json(iou) : json()}};
  } else if (config.kind == "cmecad") {
    const double format = cmecad_format_gate(text);
    const double exec = r.executed && is_number(eval_record, "iou") ? 1.0 : 0.0;
    const double iou = exec > 0 ? std::max(0.0, eval_record["iou"].get<double>()) : 0.0;
    const double plane =
        exec > 0 && is_number(eval_record, "plane") ? eval_record["plane"].get<double>() : 0.0;
    const double dims =
        exec > 0 && is_number(eval_record, "dims") ? eval_record["dims"].get<double>() : 0.0;
    r.reward = format * exec *
               (config.iou_weight * iou + config.plane_weight * plane + config.dims_weight * dims);
    r.components = {{"format", format},
                    {"exec", exec},
                    {"iou", exec > 0 ? json(iou) : json()},
                    {"plane", exec > 0 ? json(plane) : json()}};
    if (config.dims_weight > 0) r.components["dims"] = exec > 0 ? json(dims) : json();
  } else {
    const double format = recad_format(text);
    const bool scored =
        r.executed && is_number(eval_record, "iou_best") && is_number(eval_record, "render_sim");
    const double iou_best = scored ? std::max(0.0, eval_record["iou_best"].get<double>()) : 0.0;
    const double sim = scored ? eval_record["render_sim"].get<double>() : 0.0;
    const double geometry = scored ? std::min(iou_best, recad_phi(sim, config.sim_threshold)) : 0.0;
    r.reward = config.geom_weight * geometry + config.format_weight * format;
    r.components = {{"format", format},
                    {"exec", scored ? 1.0 : 0.0},
                    {"iou_best", scored ? json(iou_best) : json()},
                    {"sim", scored ? json(sim) : json()},
                    {"geometry", geometry}};
    // IoU for the logs (exec rate and mean IoU are logged for every reward)
    if (scored) r.components["iou"] = iou_best;
  }
  return r;
}

struct RewardPool::Impl {
  RewardConfig config;
  eval::EvalOptions options;
  std::unique_ptr<core::ProcessPool> pool;
};

RewardPool::RewardPool(const RewardConfig& config, int jobs) : impl_(std::make_unique<Impl>()) {
  check_reward_config(config);
  if (jobs < 0) throw UsageError("reward jobs must be >= 0");
  impl_->config = config;
  eval::EvalOptions& options = impl_->options;
  options.metrics = reward_metrics(config);
  options.plane_beta = config.plane_beta;
  options.plane_gamma = config.plane_gamma;
  options.exec.timeout_s = config.timeout_s;
  options.exec.memory_mib = config.memory_mib;
  core::TaskLimits limits;
  // The interpreter's own deadline comes first; the worker is killed only when it overruns
  // (OCCT stuck in a boolean), with time left for the ground truth's execution.
  limits.timeout_s = 2.0 * config.timeout_s + 5.0;
  limits.memory_mib = config.memory_mib;
  const eval::EvalOptions captured = options;
  impl_->pool = std::make_unique<core::ProcessPool>(
      static_cast<std::size_t>(jobs),
      [captured](const std::string& task) {
        const json t = json::parse(task);
        return eval::evaluate_pair(t["pred"], t["gt"], captured).dump();
      },
      limits);
}

RewardPool::~RewardPool() = default;

std::size_t RewardPool::restarts() const {
  return impl_->pool->restarts();
}

std::vector<Reward> RewardPool::score(const std::vector<RewardTask>& tasks,
                                      std::vector<json>* eval_records) {
  std::vector<std::string> payloads;
  payloads.reserve(tasks.size());
  for (const auto& t : tasks)
    payloads.push_back(
        json{{"pred", {{"id", t.id}, {"sample", t.sample}, {"code", t.code}}}, {"gt", t.gt}}.dump(
            -1, ' ', false, json::error_handler_t::replace));
  const auto results = impl_->pool->run_all(payloads);
  std::vector<Reward> rewards;
  rewards.reserve(tasks.size());
  if (eval_records != nullptr) eval_records->clear();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    json record;
    if (results[i].status == core::TaskStatus::Ok) {
      record = json::parse(results[i].payload);
    } else {
      // The sample's own worker crashed, hung or ran out of memory: that sample fails.
      record = {{"id", tasks[i].id},
                {"sample", tasks[i].sample},
                {"status", core::to_string(results[i].status)},
                {"error", {{"type", "WorkerError"}, {"message", results[i].detail}}}};
    }
    rewards.push_back(compute_reward(impl_->config, tasks[i].text, record));
    if (eval_records != nullptr) eval_records->push_back(std::move(record));
  }
  return rewards;
}

}  // namespace cad::rl
