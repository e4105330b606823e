// cad-generate's work: prompts from records, batched sampling, JSONL records.
#include "ml/generate_run.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "core/progress.h"
#include "data/cot.h"
#include "ml/checkpoint.h"
#include "ml/sampler.h"
#include "ml/sft.h"
#include "ml/sft_data.h"

namespace cad::ml {
namespace fs = std::filesystem;

namespace {

// Removes the literal text of every special token from `text`.
std::string strip_specials(std::string text) {
  for (const auto& token : default_special_tokens()) {
    for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at))
      text.erase(at, token.size());
  }
  return text;
}

// One row of work: sample `sample` of input record `index`.
struct Row {
  std::size_t index = 0;
  std::int64_t sample = 0;
};

}  // namespace

ParsedGeneration parse_generation(const std::string& text) {
  ParsedGeneration parsed;
  const auto think = text.find("<think>");
  const auto think_end = text.find("</think>");
  const auto code = text.find("<code>");
  if (think != std::string::npos) {
    const auto begin = think + std::strlen("<think>");
    auto end = think_end != std::string::npos && think_end >= begin ? think_end : code;
    if (end == std::string::npos || end < begin) end = text.size();
    parsed.cot = strip_specials(text.substr(begin, end - begin));
  }
  if (code != std::string::npos) {
    parsed.has_code_tag = true;
    const auto begin = code + std::strlen("<code>");
    auto end = text.find("</code>", begin);
    if (end == std::string::npos) end = text.size();
    parsed.code = strip_specials(text.substr(begin, end - begin));
  } else if (think_end != std::string::npos) {
    parsed.code = strip_specials(text.substr(think_end + std::strlen("</think>")));
  } else if (think == std::string::npos) {
    parsed.code = strip_specials(text);
  }
  return parsed;
}

std::vector<std::string> shape_inputs(const std::string& input) {
  auto is_shape = [](const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".stl" || ext == ".ply" || ext == ".obj" || ext == ".step" || ext == ".stp" ||
           ext == ".brep";
  };
  std::vector<std::string> paths;
  if (input == "-") return paths;
  std::error_code ec;
  if (fs::is_directory(input, ec)) {
    for (const auto& entry : fs::directory_iterator(input))
      if (entry.is_regular_file() && is_shape(entry.path())) paths.push_back(entry.path().string());
    std::sort(paths.begin(), paths.end());
    if (paths.empty())
      throw UsageError(input + ": the folder holds no .stl, .ply, .obj, .step or .brep file");
  } else if (is_shape(input)) {
    if (!fs::exists(input, ec)) throw Error(input + ": no such file");
    paths.push_back(input);
  }
  return paths;
}

std::size_t run_generate(const GenerateConfig& config) {
  auto& log = cad::core::logger();
  if (config.model_dir.empty()) throw UsageError("--model is required");
  if (config.num_samples < 1 || config.batch_size < 1 || config.max_new_tokens < 1)
    throw UsageError("--num-samples, --batch-size and --max-new-tokens must be >= 1");
  parse_task_weight(config.task);
  if (config.text != "abstract" && config.text != "detailed")
    throw UsageError("--text must be abstract or detailed");
  // Every option is checked before the model is loaded: a typo must not read as a bad model.
  cad::data::expert_prompt(config.expert);  // throws UsageError naming the experts
  const std::vector<std::string> scans = shape_inputs(config.input);
  if (!scans.empty() && !sft_task_has_points(config.task))
    throw UsageError(config.input + ": mesh and STEP inputs need --task points");
  LoadedModel loaded = load_checkpoint(config.model_dir, config.device, config.dtype);
  Transformer& model = loaded.model;
  model->eval();
  const ModelConfig& model_config = model->config();
  const bool with_image = sft_task_has_image(config.task);
  const bool with_points = sft_task_has_points(config.task);
  if (with_image && !model_config.vision)
    throw UsageError("task '" + config.task + "' needs a model with vision");
  if (with_points && !model_config.points)
    throw UsageError("task '" + config.task + "' needs a model with a point encoder");
  if (with_points) require_points_tokens(loaded.tokenizer);
  SftDataOptions point_options;
  set_point_options(point_options, model_config);
  const std::string data_dir =
      !config.data_dir.empty()
          ? config.data_dir
          : (config.input == "-"              ? std::string(".")
             : fs::is_directory(config.input) ? config.input
                                              : fs::path(config.input).parent_path().string());

  // Records of this shard; unparsable lines become error records. A folder of scans or one
  // shape file gives one record per file: {id: the file's stem, mesh: its path}.
  std::vector<nlohmann::json> records;
  if (!scans.empty()) {
    std::size_t position = 0;
    for (const std::string& path : scans) {
      if (!config.shard.contains(position++)) continue;
      records.push_back(
          {{"id", fs::path(path).stem().string()}, {"mesh", fs::absolute(path).string()}});
    }
  } else {
    cad::core::JsonlReader reader(config.input);
    cad::core::JsonlLine line;
    std::size_t position = 0;
    while (reader.next(line)) {
      if (!config.shard.contains(position++)) continue;
      if (line.record && line.record->is_object()) {
        records.push_back(std::move(*line.record));
      } else {
        records.push_back({{"id", fmt::format("line-{}", line.line)},
                           {"__error", line.record ? "not an object" : line.error}});
      }
    }
  }

  cad::core::JsonlWriter writer(config.output);
  const std::vector<std::int64_t> stop_ids = default_stop_ids(loaded.tokenizer);
  std::vector<Row> rows;
  for (std::size_t i = 0; i < records.size(); ++i)
    for (std::int64_t k = 0; k < config.num_samples; ++k) rows.push_back({i, k});
  cad::core::Progress progress(
      "generate", rows.size(),
      config.progress ? cad::core::ProgressMode::Auto : cad::core::ProgressMode::Off);
  std::size_t errors = 0;
  std::int64_t new_tokens_total = 0;
  std::map<std::size_t, std::shared_ptr<const SftPoints>> cloud_cache;  // by record
  const auto start = std::chrono::steady_clock::now();
  auto id_of = [&](const Row& row) {
    const auto& r = records[row.index];
    auto it = r.find("id");
    return it != r.end() && it->is_string() ? it->get<std::string>()
                                            : fmt::format("record-{}", row.index);
  };
  auto error_record = [&](const Row& row, const std::string& message) {
    writer.write({{"id", id_of(row)},
                  {"sample", row.sample},
                  {"task", config.task},
                  {"expert", config.expert},
                  {"status", "error"},
                  // The error object of every other tool (cad-exec, cad-eval).
                  {"error", {{"type", "GenerationError"}, {"message", message}}}});
    ++errors;
  };

  for (std::size_t first = 0; first < rows.size();) {
    const std::size_t last =
        std::min(rows.size(), first + static_cast<std::size_t>(config.batch_size));
    // Prompts (and images) of the batch; rows that fail here are reported and left out.
    std::vector<Row> batch_rows;
    std::vector<std::vector<std::int64_t>> prompts;
    std::vector<SftImage> images;
    std::vector<std::shared_ptr<const SftPoints>> clouds;
    std::vector<std::uint64_t> seeds;
    for (std::size_t j = first; j < last; ++j) {
      const Row& row = rows[j];
      const auto& record = records[row.index];
      try {
        if (record.contains("__error")) throw Error(record["__error"].get<std::string>());
        std::string text = sft_prompt_text(record, config.task, config.expert, config.text);
        if (with_image) {
          const nlohmann::json* rel = nullptr;
          if (config.task == "drawing" && record.contains("drawing") &&
              record["drawing"].is_object() && record["drawing"].contains("png"))
            rel = &record["drawing"]["png"];
          if (config.task == "image" && record.contains("render")) rel = &record["render"];
          if (rel == nullptr || !rel->is_string())
            throw Error("the record has no " + config.task + " image");
          images.push_back(load_sft_image((fs::path(data_dir) / rel->get<std::string>()).string(),
                                          model_config.image_size, model_config.image_channels));
        }
        if (with_points) {
          auto cached = cloud_cache.find(row.index);
          if (cached == cloud_cache.end()) {
            const std::string rel = record_shape_path(record);
            if (rel.empty()) throw Error("the record has no mesh or step file for its points");
            const fs::path path =
                fs::path(rel).is_absolute() ? fs::path(rel) : fs::path(data_dir) / rel;
            cached = cloud_cache
                         .emplace(row.index, std::make_shared<SftPoints>(
                                                 load_sft_points(path.string(), point_options)))
                         .first;
          }
          clouds.push_back(cached->second);
        }
        prompts.push_back(loaded.tokenizer.encode(text));
        batch_rows.push_back(row);
        seeds.push_back(config.seed * 0x9e3779b97f4a7c15ULL + row.index * 1000003ULL +
                        static_cast<std::uint64_t>(row.sample));
      } catch (const std::exception& e) {
        error_record(row, e.what());
        progress.advance();
      }
    }
    first = last;
    if (batch_rows.empty()) continue;
    SamplingOptions options;
    options.max_new_tokens = config.max_new_tokens;
    options.temperature = config.temperature;
    options.top_p = config.top_p;
    options.stop_ids = stop_ids;
    options.pad_id = loaded.tokenizer.pad_id();
    options.use_cache = config.use_cache;
    options.row_seeds = seeds;
    at::Tensor image_tensor;
    if (with_image) {
      const std::int64_t s = model_config.image_size, c = model_config.image_channels;
      at::Tensor hwc = at::empty({static_cast<std::int64_t>(images.size()), s, s, c}, at::kByte);
      for (std::size_t r = 0; r < images.size(); ++r)
        std::memcpy(hwc[static_cast<std::int64_t>(r)].data_ptr<std::uint8_t>(),
                    images[r].pixels.data(), images[r].pixels.size());
      image_tensor = hwc.permute({0, 3, 1, 2}).to(at::kFloat).div_(255.0).contiguous();
    }
    if (with_points) image_tensor = stack_points(clouds);
    std::vector<Generation> generations;
    try {
      generations = generate(model, prompts, options, image_tensor);
    } catch (const std::exception& e) {
      for (const Row& row : batch_rows) {
        error_record(row, std::string("generation failed: ") + e.what());
        progress.advance();
      }
      continue;
    }
    for (std::size_t r = 0; r < batch_rows.size(); ++r) {
      const Generation& g = generations[r];
      const std::string text = loaded.tokenizer.decode(g.tokens);
      const ParsedGeneration parsed = parse_generation(text);
      new_tokens_total += static_cast<std::int64_t>(g.tokens.size());
      writer.write({{"id", id_of(batch_rows[r])},
                    {"sample", batch_rows[r].sample},
                    {"task", config.task},
                    {"expert", config.expert},
                    {"status", "ok"},
                    {"code", parsed.code},
                    {"cot", parsed.cot},
                    {"prompt_tokens", prompts[r].size()},
                    {"new_tokens", g.tokens.size()},
                    {"logprob", g.logprob},
                    {"stopped", g.stopped}});
      progress.advance();
    }
  }
  progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log.info("{} records, {} samples, {} errors; {} new tokens in {:.1f} s ({:.0f} tokens/s)",
           records.size(), rows.size(), errors, new_tokens_total, seconds,
           seconds > 0 ? static_cast<double>(new_tokens_total) / seconds : 0.0);
  return errors;
}

}  // namespace cad::ml
