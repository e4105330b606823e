// The SFT training loop: schedule, batches, validation, metrics, checkpoints and resume.
#include "ml/sft.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "core/error.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "core/progress.h"
#include "geom/points.h"
#include "ml/checkpoint.h"
#include "ml/process_group.h"
#include "ml/safetensors.h"
#include "ml/trainer.h"
#include "ml/transformer.h"

namespace cad::ml {
namespace fs = std::filesystem;

namespace {

SftDataOptions data_options_for(const SftConfig& config, const ModelConfig& model) {
  SftDataOptions options = config.data;
  options.image_size = model.image_size;
  options.image_channels = model.image_channels;
  options.image_tokens = model.image_tokens();
  options.max_length = model.context;
  set_point_options(options, model);
  for (const auto& t : options.tasks) {
    if (!model.vision && sft_task_has_image(t.task))
      throw UsageError("task '" + t.task + "' needs a model with vision");
    if (!model.points && sft_task_has_points(t.task))
      throw UsageError("task '" + t.task + "' needs a model with a point encoder (points: true)");
  }
  if (options.point_noise < 0 || options.point_noise_probability < 0 ||
      options.point_noise_probability > 1)
    throw UsageError("point noise needs sigma >= 0 and a probability in [0, 1]");
  return options;
}

}  // namespace

double sft_learning_rate(const SftConfig& config, std::int64_t step) {
  return cosine_learning_rate(config.lr, config.min_lr_ratio, config.warmup, config.steps, step);
}

SftBatch make_sft_batch(const std::vector<SftExample>& examples,
                        const std::vector<std::size_t>& indices, std::int64_t pad_id,
                        double point_noise, double point_noise_probability,
                        std::uint64_t noise_seed) {
  if (indices.empty()) throw UsageError("empty batch");
  const auto rows = static_cast<std::int64_t>(indices.size());
  std::int64_t width = 1;
  for (std::size_t i : indices)
    width =
        std::max<std::int64_t>(width, static_cast<std::int64_t>(examples.at(i).tokens.size()) - 1);
  SftBatch batch;
  batch.inputs = at::full({rows, width}, pad_id, at::kLong);
  batch.targets = at::full({rows, width}, -100, at::kLong);
  auto in = batch.inputs.accessor<std::int64_t, 2>();
  auto tg = batch.targets.accessor<std::int64_t, 2>();
  const int kind = examples.at(indices[0]).prefix_kind();
  const bool with_images = kind == 1;
  for (std::int64_t r = 0; r < rows; ++r) {
    const SftExample& e = examples[indices[r]];
    if (e.prefix_kind() != kind)
      throw UsageError("a batch mixes examples with different prefixes (image, points, none)");
    const auto n = static_cast<std::int64_t>(e.tokens.size());
    for (std::int64_t t = 0; t + 1 < n; ++t) {
      in[r][t] = e.tokens[t];
      if (t + 1 >= e.prompt_length) {
        tg[r][t] = e.tokens[t + 1];
        ++batch.target_tokens;
      }
    }
    batch.tokens += std::max<std::int64_t>(0, n - 1);
  }
  if (with_images) {
    const SftImage& first = *examples[indices[0]].image;
    const std::int64_t s = first.size, c = first.channels;
    at::Tensor hwc = at::empty({rows, s, s, c}, at::kByte);
    for (std::int64_t r = 0; r < rows; ++r) {
      const SftImage& image = *examples[indices[r]].image;
      if (image.size != s || image.channels != c) throw UsageError("a batch mixes image shapes");
      std::memcpy(hwc[r].data_ptr<std::uint8_t>(), image.pixels.data(), image.pixels.size());
    }
    batch.images = hwc.permute({0, 3, 1, 2}).to(at::kFloat).div_(255.0).contiguous();
  }
  if (kind == 2) {
    const std::int64_t n = examples[indices[0]].points->count;
    batch.images = at::empty({rows, n, 3}, at::kFloat);
    for (std::int64_t r = 0; r < rows; ++r) {
      const SftPoints& cloud = *examples[indices[r]].points;
      if (cloud.count != n) throw UsageError("a batch mixes point clouds of different sizes");
      float* out = batch.images[r].data_ptr<float>();
      std::copy(cloud.xyz.begin(), cloud.xyz.end(), out);
      if (point_noise > 0 && point_noise_probability > 0) {
        std::vector<cad::geom::Point3> pts(static_cast<std::size_t>(n));
        for (std::int64_t i = 0; i < n; ++i)
          for (int k = 0; k < 3; ++k) pts[i][k] = cloud.xyz[i * 3 + k];
        std::mt19937_64 rng(noise_seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(r) + 1);
        if (cad::geom::add_point_noise(pts, point_noise, point_noise_probability, rng)) {
          for (std::int64_t i = 0; i < n; ++i)
            for (int k = 0; k < 3; ++k) out[i * 3 + k] = static_cast<float>(pts[i][k]);
        }
      }
    }
  }
  return batch;
}

at::Tensor stack_points(const std::vector<std::shared_ptr<const SftPoints>>& clouds) {
  const std::int64_t n = clouds.empty() ? 0 : clouds[0]->count;
  at::Tensor out = at::empty({static_cast<std::int64_t>(clouds.size()), n, 3}, at::kFloat);
  for (std::size_t r = 0; r < clouds.size(); ++r) {
    if (clouds[r]->count != n) throw UsageError("point clouds of different sizes in one batch");
    std::copy(clouds[r]->xyz.begin(), clouds[r]->xyz.end(),
              out[static_cast<std::int64_t>(r)].data_ptr<float>());
  }
  return out;
}

double sft_eval_loss(TransformerImpl& model, const std::vector<SftExample>& examples,
                     std::int64_t batch_size, std::int64_t pad_id) {
  if (examples.empty()) return -1.0;
  const bool was_training = model.is_training();
  model.eval();
  torch::NoGradGuard no_grad;
  double total = 0.0;
  std::int64_t counted = 0;
  // Batches never mix prefix kinds (none, image, points).
  for (int kind = 0; kind < 3; ++kind) {
    std::vector<std::size_t> current;
    auto flush = [&] {
      if (current.empty()) return;
      const SftBatch batch = make_sft_batch(examples, current, pad_id);
      if (batch.target_tokens > 0) {
        total +=
            lm_batch_loss(model, batch).item<double>() * static_cast<double>(batch.target_tokens);
        counted += batch.target_tokens;
      }
      current.clear();
    };
    for (std::size_t i = 0; i < examples.size(); ++i) {
      if (examples[i].prefix_kind() != kind) continue;
      current.push_back(i);
      if (static_cast<std::int64_t>(current.size()) == batch_size) flush();
    }
    flush();
  }
  model.train(was_training);
  return counted > 0 ? total / static_cast<double>(counted) : -1.0;
}

void set_torch_threads(int threads) {
  if (threads >= 1) at::set_num_threads(threads);
}

std::string latest_sft_checkpoint(const std::string& out_dir) {
  return latest_step_checkpoint(out_dir);
}

SftResult train_sft(const SftConfig& config) {
  auto& log = cad::core::logger();
  if (config.steps < 1) throw UsageError("steps must be >= 1");
  if (config.batch_size < 1 || config.grad_accum < 1)
    throw UsageError("batch size and gradient accumulation must be >= 1");
  if (config.out_dir.empty()) throw UsageError("no output folder (--out-dir or --name)");
  if (config.world_size < 1 || config.rank < 0 || config.rank >= config.world_size)
    throw UsageError("bad rank / world size");
  // The device this rank trains on ("cuda" is cuda:LOCAL_RANK with several processes); the
  // process group's backend follows it (NCCL on CUDA, Gloo on the CPU).
  DistributedEnv env;
  env.rank = config.rank;
  env.world_size = config.world_size;
  env.local_rank = config.local_rank >= 0 ? config.local_rank : config.rank;
  env.master_addr = config.master_addr;
  env.master_port = config.master_port;
  std::string device = config.device;
  if (device.empty() && !config.model_config.empty() && fs::exists(config.model_config))
    device = load_model_config(config.model_config).device;
  device = rank_device(device, env);
  std::unique_ptr<ProcessGroup> group;
  if (config.world_size > 1) {
    group = std::make_unique<ProcessGroup>(
        env, 300.0, device.empty() ? c10::Device(c10::DeviceType::CPU) : c10::Device(device));
    log.info("rank {} of {} joined {}:{} ({})", env.rank, env.world_size, env.master_addr,
             env.master_port, group->backend());
  }
  const bool writer = config.rank == 0;
  if (writer) prepare_run_folder(config.out_dir, config.resume, config.overwrite);
  if (group) group->barrier();  // no rank reads the folder before rank 0 has prepared it

  // Model, tokenizer and optimizer: fresh, or restored from the newest checkpoint.
  const std::string resume_dir = config.resume ? latest_sft_checkpoint(config.out_dir) : "";
  if (config.resume && resume_dir.empty())
    log.warn("--resume: no checkpoint under {}/checkpoints, starting a new run", config.out_dir);
  std::int64_t start_step = 0;
  std::int64_t tokens_seen = 0;
  Tokenizer tokenizer;
  std::optional<Transformer> model_holder;
  if (!resume_dir.empty()) {
    LoadedModel loaded = load_checkpoint(resume_dir, device, config.dtype);
    tokenizer = std::move(loaded.tokenizer);
    model_holder.emplace(std::move(loaded.model));
    const nlohmann::json state = load_trainer_state(resume_dir);
    start_step = state.value("step", std::int64_t{0});
    tokens_seen = state.value("tokens_seen", std::int64_t{0});
    if (state.value("seed", config.seed) != config.seed)
      log.warn("--resume: the checkpoint was made with seed {}, now {}", state.value("seed", 0ULL),
               config.seed);
    log.info("resuming from {} (step {})", resume_dir, start_step);
  } else {
    if (!config.tokenizer.empty()) {
      tokenizer = Tokenizer::load(config.tokenizer);
    } else {
      log.info("training a tokenizer of {} ids on {}/train.jsonl", config.vocab_size,
               config.data_dir);
      tokenizer.train(tokenizer_corpus(read_dataset_records(config.data_dir, "train")),
                      config.vocab_size);
    }
    ModelConfig model_config = load_model_config(config.model_config);
    model_config.vocab_size = tokenizer.vocab_size();
    if (!device.empty()) model_config.device = device;
    if (!config.dtype.empty()) model_config.dtype = config.dtype;
    torch::manual_seed(config.seed);
    Transformer fresh(model_config);
    place_model(fresh);
    // Every process starts from rank 0's weights (the same seed gives the same weights on one
    // kind of machine; the broadcast makes it so everywhere).
    if (group) group->broadcast(fresh->parameters(), 0);
    model_holder.emplace(std::move(fresh));
  }
  Transformer& model = *model_holder;
  const ModelConfig& model_config = model->config();
  if (writer) tokenizer.save((fs::path(config.out_dir) / "tokenizer.json").string());

  const SftDataOptions data_options = data_options_for(config, model_config);
  const SftDataset train_set(config.data_dir, "train", tokenizer, data_options);
  if (train_set.examples().empty()) throw Error("no training example in " + config.data_dir);
  log.info("train: {} samples, {} examples ({} dropped for length); model {} parameters",
           train_set.num_samples(), train_set.examples().size(), train_set.dropped(),
           model->num_parameters());
  const char* wait_policy = std::getenv("OMP_WAIT_POLICY");
  log.info("{} intra-op thread(s), OMP_WAIT_POLICY={}", at::get_num_threads(),
           wait_policy != nullptr ? wait_policy : "unset");
  std::vector<SftExample> val_examples;
  if (fs::exists(fs::path(config.data_dir) / "val.jsonl")) {
    const SftDataset val_set(config.data_dir, "val", tokenizer, data_options);
    for (const auto& group : val_set.epoch_groups(config.seed, 0))
      for (std::size_t i : group) val_examples.push_back(val_set.examples()[i]);
    if (config.val_examples > 0 &&
        static_cast<std::int64_t>(val_examples.size()) > config.val_examples)
      val_examples.resize(static_cast<std::size_t>(config.val_examples));
  }

  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(config.lr)
                                                         .betas({config.beta1, config.beta2})
                                                         .weight_decay(config.weight_decay));
  if (!resume_dir.empty() && fs::exists(fs::path(resume_dir) / "optimizer.safetensors"))
    load_optimizer_state(
        model, optimizer,
        load_safetensors((fs::path(resume_dir) / "optimizer.safetensors").string()));

  std::optional<MetricsLog> metrics;
  if (writer)
    metrics.emplace((fs::path(config.out_dir) / "metrics.jsonl").string(), !resume_dir.empty(),
                    start_step);

  SftResult result;
  result.step = start_step;
  auto save = [&](const std::string& dir) {
    if (!writer) return;
    nlohmann::json state = {{"step", result.step},        {"steps", config.steps},
                            {"seed", config.seed},        {"tokens_seen", tokens_seen},
                            {"loss", result.loss},        {"val_loss", result.val_loss},
                            {"data_dir", config.data_dir}};
    save_checkpoint(dir, model, tokenizer, &optimizer, state);
    result.checkpoint = dir;
  };
  auto save_step_checkpoint = [&] {
    if (!writer) return;
    save((fs::path(config.out_dir) / "checkpoints" / step_dir_name(result.step)).string());
    prune_step_checkpoints(config.out_dir, config.keep_checkpoints);
  };

  // Micro-batch g of the run (g = step * accum + a) is batch g % N of epoch g / N: the order is
  // a function of the seed alone, so a resumed run sees the same batches.
  std::uint64_t cached_epoch = ~0ULL;
  std::vector<std::vector<std::size_t>> epoch;
  // Epoch sizes are cached so that walking from epoch 0 stays cheap.
  std::vector<std::int64_t> epoch_sizes;
  auto locate = [&](std::int64_t g) -> const std::vector<std::size_t>& {
    std::uint64_t e = 0;
    std::int64_t offset = g;
    while (true) {
      if (e >= epoch_sizes.size())
        epoch_sizes.push_back(static_cast<std::int64_t>(
            train_set.epoch_batches(config.seed, e, config.batch_size).size()));
      if (offset < epoch_sizes[e]) break;
      offset -= epoch_sizes[e];
      ++e;
    }
    if (cached_epoch != e) {
      epoch = train_set.epoch_batches(config.seed, e, config.batch_size);
      cached_epoch = e;
    }
    return epoch[static_cast<std::size_t>(offset)];
  };

  StopSignals signals;
  model->train();
  const std::int64_t end_step =
      config.stop_after > 0 ? std::min(config.steps, config.stop_after) : config.steps;
  cad::core::Progress progress(
      "train", static_cast<std::size_t>(std::max<std::int64_t>(0, end_step - start_step)),
      config.progress && writer ? cad::core::ProgressMode::Auto : cad::core::ProgressMode::Off);
  using Clock = std::chrono::steady_clock;
  const auto run_start = Clock::now();
  auto window_start = run_start;
  double window_loss = 0.0;
  std::int64_t window_steps = 0, window_tokens = 0, run_tokens = 0;
  GuardedOptimizer guarded;
  while (result.step < end_step && !StopSignals::requested()) {
    const double lr = sft_learning_rate(config, result.step);
    set_learning_rate(optimizer, lr);
    optimizer.zero_grad();
    double step_loss = 0.0;
    for (std::int64_t a = 0; a < config.grad_accum; ++a) {
      const std::int64_t g =
          (result.step * config.grad_accum + a) * config.world_size + config.rank;
      const SftBatch batch =
          make_sft_batch(train_set.examples(), locate(g), tokenizer.pad_id(),
                         data_options.point_noise, data_options.point_noise_probability,
                         config.seed * 1000003ULL + static_cast<std::uint64_t>(g));
      at::Tensor loss = lm_batch_loss(*model, batch);
      (loss / static_cast<double>(config.grad_accum)).backward();
      step_loss += loss.item<double>() / static_cast<double>(config.grad_accum);
      window_tokens += batch.tokens;
      run_tokens += batch.tokens;
      tokens_seen += batch.tokens;
    }
    if (group) {
      // Average the gradients (and the loss, for the log) over the processes.
      std::vector<at::Tensor> grads;
      for (auto& p : model->parameters())
        if (p.grad().defined()) grads.push_back(p.grad());
      at::Tensor loss_tensor = at::full({1}, step_loss, at::kFloat);
      grads.push_back(loss_tensor);
      group->all_reduce_mean(grads);
      step_loss = loss_tensor.item<double>();
    }
    // A step whose gradients overflowed is skipped (no update, the moments untouched).
    const GuardedStep stepped =
        guarded.step(model, optimizer, config.clip, step_loss, result.step + 1);
    const double grad_norm = stepped.grad_norm;
    ++result.step;
    result.skipped_steps = guarded.skipped();
    if (stepped.applied) {  // the logged loss is the mean over the updates made
      window_loss += step_loss;
      ++window_steps;
    }
    progress.advance();

    if (result.step % std::max<std::int64_t>(1, config.log_every) == 0 || result.step == end_step) {
      const double seconds = std::chrono::duration<double>(Clock::now() - window_start).count();
      result.loss = window_steps > 0 ? window_loss / static_cast<double>(window_steps) : 0.0;
      const double tps = seconds > 0 ? static_cast<double>(window_tokens) / seconds : 0.0;
      if (metrics)
        metrics->write(
            {{"step", result.step},
             {"loss", result.loss},
             {"lr", lr},
             {"grad_norm", grad_norm},
             {"tokens_per_s", tps},
             {"tokens_seen", tokens_seen},
             {"elapsed_s", std::chrono::duration<double>(Clock::now() - run_start).count()}});
      log.debug("step {} loss {:.4f} lr {:.3g} {:.0f} tok/s", result.step, result.loss, lr, tps);
      window_loss = 0.0;
      window_steps = 0;
      window_tokens = 0;
      window_start = Clock::now();
    }
    const bool last = result.step == config.steps;
    if (!val_examples.empty() &&
        ((config.eval_every > 0 && result.step % config.eval_every == 0) || last)) {
      result.val_loss = sft_eval_loss(*model, val_examples, config.batch_size, tokenizer.pad_id());
      if (metrics) metrics->write({{"step", result.step}, {"val_loss", result.val_loss}});
      log.info("step {}: val loss {:.4f}", result.step, result.val_loss);
    }
    if (config.checkpoint_every > 0 && result.step % config.checkpoint_every == 0 && !last)
      save_step_checkpoint();
  }
  progress.finish();
  const double run_seconds = std::chrono::duration<double>(Clock::now() - run_start).count();
  result.tokens_per_s = run_seconds > 0 ? static_cast<double>(run_tokens) / run_seconds : 0.0;
  if (result.step >= config.steps) {
    save_step_checkpoint();
    save((fs::path(config.out_dir) / "final").string());
    result.finished = true;
    log.info("finished {} steps: loss {:.4f}, {:.0f} tokens/s; model in {}/final", result.step,
             result.loss, result.tokens_per_s, config.out_dir);
  } else if (result.step > start_step) {
    save_step_checkpoint();
    log.info("stopped at step {} (checkpoint {}); continue with --resume", result.step,
             result.checkpoint);
  }
  return result;
}

}  // namespace cad::ml
