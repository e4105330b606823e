// Shared training-loop parts: schedule, signals, step checkpoints, run folders, metrics, the
// guarded optimizer step.
#include "ml/trainer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <filesystem>

#include "core/error.h"
#include "core/jsonl.h"
#include "core/log.h"

namespace cad::ml {

at::Tensor lm_batch_loss(TransformerImpl& model, const LmBatch& batch) {
  const at::Device device = model.device();
  at::Tensor images;
  if (batch.images.defined()) images = batch.images.to(device);
  const at::Tensor logits = model.forward(batch.inputs.to(device), images);
  return token_cross_entropy(logits, batch.targets.to(device));
}
namespace fs = std::filesystem;

namespace {
volatile std::sig_atomic_t g_stop_requested = 0;
extern "C" void request_stop(int) {
  g_stop_requested = 1;
}
}  // namespace

double cosine_learning_rate(double peak, double min_lr_ratio, std::int64_t warmup,
                            std::int64_t steps, std::int64_t step) {
  if (warmup > 0 && step < warmup)
    return peak * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const double span = static_cast<double>(std::max<std::int64_t>(1, steps - warmup));
  const double progress = std::clamp(static_cast<double>(step - warmup) / span, 0.0, 1.0);
  const double floor = peak * min_lr_ratio;
  return floor + (peak - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

void set_learning_rate(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

StopSignals::StopSignals() {
  g_stop_requested = 0;
  old_int_ = std::signal(SIGINT, request_stop);
  old_term_ = std::signal(SIGTERM, request_stop);
}

StopSignals::~StopSignals() {
  std::signal(SIGINT, old_int_);
  std::signal(SIGTERM, old_term_);
}

bool StopSignals::requested() {
  return g_stop_requested != 0;
}

std::string step_dir_name(std::int64_t step) {
  return fmt::format("step-{:07d}", step);
}

std::vector<std::pair<std::int64_t, std::string>> step_checkpoints(const std::string& out_dir) {
  std::vector<std::pair<std::int64_t, std::string>> found;
  const fs::path root = fs::path(out_dir) / "checkpoints";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return found;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.rfind("step-", 0) != 0 || name.find('.') != std::string::npos)
      continue;
    if (!fs::exists(entry.path() / "trainer_state.json")) continue;
    try {
      found.emplace_back(std::stoll(name.substr(5)), entry.path().string());
    } catch (const std::exception&) {
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string latest_step_checkpoint(const std::string& out_dir) {
  const auto found = step_checkpoints(out_dir);
  return found.empty() ? std::string() : found.back().second;
}

void prune_step_checkpoints(const std::string& out_dir, std::int64_t keep) {
  const auto found = step_checkpoints(out_dir);
  const auto kept = static_cast<std::size_t>(std::max<std::int64_t>(1, keep));
  for (std::size_t i = 0; i + kept < found.size(); ++i) fs::remove_all(found[i].second);
}

void prepare_run_folder(const std::string& out_dir, bool resume, bool overwrite) {
  if (resume && overwrite) throw UsageError("--resume and --overwrite exclude each other");
  const fs::path root(out_dir);
  std::error_code ec;
  bool holds_run = fs::exists(root / "final", ec) || fs::exists(root / "metrics.jsonl", ec);
  if (fs::is_directory(root / "checkpoints", ec))
    for (const auto& entry : fs::directory_iterator(root / "checkpoints", ec))
      if (entry.path().filename().string().rfind("step-", 0) == 0) holds_run = true;
  if (holds_run && !resume && !overwrite)
    throw UsageError(out_dir +
                     " already holds a run (checkpoints, final/ or metrics.jsonl): continue it "
                     "with --resume or replace it with --overwrite");
  if (holds_run && overwrite) {
    for (const char* name :
         {"checkpoints", "final", "final.tmp", "metrics.jsonl", "completions.jsonl"})
      fs::remove_all(root / name, ec);
    cad::core::logger().info("--overwrite: removed the previous run's files in {}", out_dir);
  }
  fs::create_directories(root / "checkpoints");
}

MetricsLog::MetricsLog(const std::string& path, bool resume, std::int64_t resume_step) {
  if (resume && fs::exists(path)) {
    std::vector<std::string> kept;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      try {
        const auto value = nlohmann::json::parse(line);
        if (value.value("step", std::int64_t{0}) <= resume_step) kept.push_back(line);
      } catch (const std::exception&) {
      }
    }
    in.close();
    std::ofstream out(path, std::ios::trunc);
    for (const auto& l : kept) out << l << "\n";
  } else {
    std::ofstream out(path, std::ios::trunc);
  }
  out_.open(path, std::ios::app);
  if (!out_) throw Error(path + ": cannot open for writing");
}

void MetricsLog::write(const nlohmann::json& value) {
  out_ << cad::core::dump_line(value) << "\n";
  out_.flush();
}

double gradient_norm(const Transformer& model) {
  torch::NoGradGuard no_grad;
  at::Tensor squares;  // on the gradients' device: one synchronization per step
  for (const auto& p : model->parameters()) {
    if (!p.grad().defined()) continue;
    const at::Tensor s = p.grad().to(at::kDouble).pow(2).sum();
    squares = squares.defined() ? squares + s : s;
  }
  return squares.defined() ? std::sqrt(squares.item<double>()) : 0.0;
}

GuardedStep GuardedOptimizer::step(Transformer& model, torch::optim::AdamW& optimizer, double clip,
                                   double loss, std::int64_t step) {
  GuardedStep result;
  result.grad_norm = gradient_norm(model);
  if (std::isfinite(result.grad_norm) && std::isfinite(loss)) {
    if (clip > 0 && result.grad_norm > clip) {
      torch::NoGradGuard no_grad;
      const double scale = clip / (result.grad_norm + 1e-6);
      for (auto& p : model->parameters())
        if (p.grad().defined()) p.grad().mul_(scale);
    }
    optimizer.step();
    in_a_row_ = 0;
    result.applied = true;
    return result;
  }
  ++skipped_;
  // Name the parameters whose gradients overflowed: the first clue to where it starts.
  std::vector<std::string> bad;
  std::size_t n_bad = 0;
  {
    torch::NoGradGuard no_grad;
    for (const auto& item : model->named_parameters()) {
      const at::Tensor& grad = item.value().grad();
      if (!grad.defined() || grad.isfinite().all().item<bool>()) continue;
      if (++n_bad <= 3) bad.push_back(item.key());
    }
  }
  cad::core::logger().warn(
      "step {}: non-finite gradient norm (loss {}) in {} parameter(s) ({}{}): update skipped", step,
      loss, n_bad, fmt::join(bad, ", "), n_bad > 3 ? ", ..." : "");
  if (++in_a_row_ >= 5)
    throw Error(fmt::format(
        "the loss or the gradients were not finite at 5 steps in a row (step {})", step));
  return result;
}

}  // namespace cad::ml
