// SFT examples from dataset records: prompts, targets, images and the per-epoch order.
#include "ml/sft_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

#include "core/error.h"
#include "core/jsonl.h"
#include "data/cot.h"
#include "geom/points.h"
#include "render/shading.h"

namespace cad::ml {
namespace {

std::string string_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The image path a task reads from a record ("" when the record has none).
std::string image_path(const nlohmann::json& record, const std::string& task) {
  if (task == "drawing") {
    auto it = record.find("drawing");
    return it != record.end() ? string_field(*it, "png") : std::string();
  }
  if (task == "image") return string_field(record, "render");
  return {};
}

// A generator seeded by several numbers mixed together (splitmix64 steps).
std::mt19937_64 seeded(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) {
  auto mix = [](std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  return std::mt19937_64(mix(mix(mix(a) ^ b) ^ c));
}

}  // namespace

const std::vector<std::string>& sft_task_names() {
  static const std::vector<std::string> names = {"drawing", "image", "text", "dims", "points"};
  return names;
}

bool sft_task_has_image(const std::string& task) {
  return task == "drawing" || task == "image";
}

bool sft_task_has_points(const std::string& task) {
  return task == "points";
}

void require_points_tokens(const Tokenizer& tokenizer) {
  const auto& specials = tokenizer.special_tokens();
  for (const char* token : {"<task:points>", "<points>"})
    if (std::find(specials.begin(), specials.end(), token) == specials.end())
      throw UsageError(
          "the points task needs a tokenizer with the <points> and <task:points> tokens (one "
          "trained by this version of cad-sft)");
}

void set_point_options(SftDataOptions& options, const ModelConfig& model) {
  options.point_count = model.point_count;
  options.point_frame = model.point_frame;
  options.point_scale = model.point_scale;
}

std::string record_shape_path(const nlohmann::json& record) {
  std::string path = string_field(record, "mesh");
  if (path.empty()) path = string_field(record, "step");
  return path;
}

SftPoints load_sft_points(const std::string& path, const SftDataOptions& options) {
  cad::geom::PointCloudOptions cloud_options;
  cloud_options.points = static_cast<std::size_t>(std::max<std::int64_t>(options.point_count, 0));
  cloud_options.surface_samples =
      static_cast<std::size_t>(std::max<std::int64_t>(options.point_samples, 0));
  cloud_options.frame = cad::geom::parse_point_frame(options.point_frame);
  cloud_options.scale = options.point_scale;
  std::vector<cad::geom::Point3> cloud;
  try {
    cloud = cad::geom::point_cloud(cad::geom::load_mesh_for_points(path), cloud_options);
  } catch (const UsageError&) {
    throw;
  } catch (const Error& e) {
    const std::string what = e.what();
    throw Error(what.rfind(path, 0) == 0 ? what : path + ": " + what);
  }
  SftPoints points;
  points.count = static_cast<std::int64_t>(cloud.size());
  points.xyz.reserve(cloud.size() * 3);
  for (const auto& p : cloud)
    for (double v : p) points.xyz.push_back(static_cast<float>(v));
  return points;
}

TaskWeight parse_task_weight(const std::string& text) {
  TaskWeight result;
  const auto colon = text.find(':');
  result.task = text.substr(0, colon);
  const auto& names = sft_task_names();
  if (std::find(names.begin(), names.end(), result.task) == names.end())
    throw UsageError(fmt::format(
        "unknown task '{}' (expected drawing, image, text, dims or points)", result.task));
  if (colon != std::string::npos) {
    try {
      std::size_t used = 0;
      result.weight = std::stod(text.substr(colon + 1), &used);
      if (used != text.size() - colon - 1) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw UsageError(fmt::format("bad task weight in '{}'", text));
    }
    if (!(result.weight > 0)) throw UsageError(fmt::format("task weight must be > 0: '{}'", text));
  }
  return result;
}

std::string dimensions_text(const nlohmann::json& record) {
  std::string out;
  auto it = record.find("dimensions");
  if (it == record.end() || !it->is_array()) return out;
  for (const auto& d : *it) {
    std::string line =
        string_field(d, "view") + " " + string_field(d, "kind") + " " + string_field(d, "label");
    const std::string feature = string_field(d, "feature");
    if (!feature.empty()) line += " (" + feature + ")";
    out += line + "\n";
  }
  return out;
}

std::string sft_prompt_text(const nlohmann::json& record, const std::string& task,
                            const std::string& expert, const std::string& variant) {
  std::string text = "<bos><task:" + task + ">";
  if (sft_task_has_image(task)) text += "<image>";
  if (sft_task_has_points(task)) text += "<points>";
  text += "<expert:" + expert + ">" + cad::data::expert_prompt(expert) + "\n";
  if (task == "text") {
    auto it = record.find("text");
    std::string body = it != record.end() ? string_field(*it, variant.c_str()) : std::string();
    text += body + "\n";
  } else if (task == "dims") {
    text += dimensions_text(record);
  }
  return text;
}

std::string sft_target_text(const nlohmann::json& record, const std::string& expert, bool cot) {
  std::string reasoning;
  std::string code = string_field(record, "code");
  auto it = record.find("cot");
  if (it != record.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (string_field(c, "expert") != expert) continue;
      reasoning = string_field(c, "text");
      const std::string expert_code = string_field(c, "code");
      if (!expert_code.empty()) code = expert_code;
      break;
    }
  }
  std::string text;
  if (cot && !reasoning.empty()) text += "<think>" + reasoning + "</think>";
  text += "<code>" + code + "</code><eos>";
  return text;
}

SftImage load_sft_image(const std::string& path, std::int64_t size, std::int64_t channels) {
  if (size <= 0 || (channels != 1 && channels != 3))
    throw UsageError(fmt::format("bad image shape {}x{}x{}", size, size, channels));
  const cad::render::Image source = cad::render::read_png(path);
  if (source.width <= 0 || source.height <= 0) throw Error(path + ": empty image");
  // Letterbox: the longer side maps onto `size`, the rest is white.
  const double side = std::max(source.width, source.height);
  const double scale = side / static_cast<double>(size);  // source pixels per output pixel
  const double off_x = (side - source.width) / 2.0, off_y = (side - source.height) / 2.0;
  SftImage image;
  image.size = size;
  image.channels = channels;
  image.pixels.assign(static_cast<std::size_t>(size * size * channels), 255);
  for (std::int64_t oy = 0; oy < size; ++oy) {
    const double y0 = oy * scale - off_y, y1 = (oy + 1) * scale - off_y;
    for (std::int64_t ox = 0; ox < size; ++ox) {
      const double x0 = ox * scale - off_x, x1 = (ox + 1) * scale - off_x;
      double sum[3] = {0, 0, 0};
      double area = 0;
      // Area-weighted average over the source pixels the output pixel covers; outside = white.
      for (int sy = static_cast<int>(std::floor(y0)); sy < static_cast<int>(std::ceil(y1)); ++sy) {
        const double wy = std::min<double>(sy + 1, y1) - std::max<double>(sy, y0);
        if (wy <= 0) continue;
        for (int sx = static_cast<int>(std::floor(x0)); sx < static_cast<int>(std::ceil(x1));
             ++sx) {
          const double wx = std::min<double>(sx + 1, x1) - std::max<double>(sx, x0);
          if (wx <= 0) continue;
          const double w = wx * wy;
          area += w;
          if (sx < 0 || sy < 0 || sx >= source.width || sy >= source.height) {
            for (double& s : sum) s += 255.0 * w;
            continue;
          }
          const std::size_t at = (static_cast<std::size_t>(sy) * source.width + sx) * 3;
          for (int c = 0; c < 3; ++c) sum[c] += source.rgb[at + c] * w;
        }
      }
      if (area <= 0) continue;
      std::uint8_t* out = &image.pixels[static_cast<std::size_t>((oy * size + ox) * channels)];
      if (channels == 3) {
        for (int c = 0; c < 3; ++c) out[c] = static_cast<std::uint8_t>(sum[c] / area + 0.5);
      } else {
        const double grey = (0.299 * sum[0] + 0.587 * sum[1] + 0.114 * sum[2]) / area;
        out[0] = static_cast<std::uint8_t>(std::clamp(grey + 0.5, 0.0, 255.0));
      }
    }
  }
  return image;
}

std::vector<nlohmann::json> read_dataset_records(const std::string& dir, const std::string& split) {
  const std::string path = (std::filesystem::path(dir) / (split + ".jsonl")).string();
  std::vector<nlohmann::json> records;
  cad::core::JsonlReader reader(path);
  cad::core::JsonlLine line;
  while (reader.next(line)) {
    if (!line.record) throw Error(path + ": " + line.error);
    if (!line.record->is_object())
      throw Error(fmt::format("{}: line {}: not an object", path, line.line));
    records.push_back(std::move(*line.record));
  }
  return records;
}

std::vector<std::string> tokenizer_corpus(const std::vector<nlohmann::json>& records) {
  std::vector<std::string> texts;
  for (const auto& name : cad::data::expert_names())
    texts.push_back(cad::data::expert_prompt(name));
  for (const auto& record : records) {
    for (const char* key : {"code", "code_param"}) {
      const std::string s = string_field(record, key);
      if (!s.empty()) texts.push_back(s);
    }
    auto text = record.find("text");
    if (text != record.end()) {
      for (const char* key : {"abstract", "detailed"}) {
        const std::string s = string_field(*text, key);
        if (!s.empty()) texts.push_back(s);
      }
    }
    const std::string dims = dimensions_text(record);
    if (!dims.empty()) texts.push_back(dims);
    auto cot = record.find("cot");
    if (cot != record.end() && cot->is_array()) {
      for (const auto& c : *cot) {
        texts.push_back(string_field(c, "text"));
        texts.push_back(string_field(c, "code"));
      }
    }
  }
  return texts;
}

SftDataset::SftDataset(const std::string& dir, const std::string& split, const Tokenizer& tokenizer,
                       const SftDataOptions& options)
    : options_(options) {
  build(read_dataset_records(dir, split), dir, tokenizer);
}

SftDataset::SftDataset(const std::vector<nlohmann::json>& records, const std::string& dir,
                       const Tokenizer& tokenizer, const SftDataOptions& options)
    : options_(options) {
  build(records, dir, tokenizer);
}

void SftDataset::build(const std::vector<nlohmann::json>& records, const std::string& dir,
                       const Tokenizer& tokenizer) {
  if (options_.tasks.empty()) throw UsageError("no task given");
  if (options_.experts.empty()) throw UsageError("no expert given");
  for (const auto& e : options_.experts) cad::data::expert_prompt(e);  // validates the name
  for (const auto& t : options_.tasks) {
    parse_task_weight(t.task);
    if (sft_task_has_points(t.task)) require_points_tokens(tokenizer);
  }
  if (options_.text != "abstract" && options_.text != "detailed" && options_.text != "both")
    throw UsageError("text must be abstract, detailed or both, not '" + options_.text + "'");
  variants_.clear();
  for (const auto& t : options_.tasks) {
    if (t.task != "text") {
      variants_.push_back({""});
    } else if (options_.text == "both") {
      variants_.push_back({"abstract", "detailed"});
    } else {
      variants_.push_back({options_.text});
    }
  }
  for (std::size_t s = 0; s < records.size(); ++s) {
    const auto& record = records[s];
    ids_.push_back(string_field(record, "id"));
    index_.emplace_back();
    // Images are loaded once per (sample, task) and shared by the experts' examples.
    for (std::size_t t = 0; t < options_.tasks.size(); ++t) {
      const std::string& task = options_.tasks[t].task;
      index_.back().emplace_back(variants_[t].size());
      std::shared_ptr<const SftImage> image;
      std::int64_t prefix = 0;
      if (sft_task_has_image(task)) {
        const std::string rel = image_path(record, task);
        if (rel.empty()) continue;
        const std::filesystem::path path = std::filesystem::path(dir) / rel;
        image = std::make_shared<SftImage>(
            load_sft_image(path.string(), options_.image_size, options_.image_channels));
        prefix = options_.image_tokens;
      }
      std::shared_ptr<const SftPoints> cloud;
      if (sft_task_has_points(task)) {
        const std::string rel = record_shape_path(record);
        if (rel.empty()) continue;
        const std::filesystem::path path = std::filesystem::path(dir) / rel;
        cloud = std::make_shared<SftPoints>(load_sft_points(path.string(), options_));
        prefix = cloud->count;
      }
      if (task == "dims" && dimensions_text(record).empty()) continue;
      for (std::size_t v = 0; v < variants_[t].size(); ++v) {
        for (const auto& expert : options_.experts) {
          SftExample example;
          example.sample = s;
          example.task = task;
          example.variant = variants_[t][v];
          example.expert = expert;
          example.tokens = tokenizer.encode(sft_prompt_text(record, task, expert, example.variant));
          example.prompt_length = static_cast<std::int64_t>(example.tokens.size());
          const auto target = tokenizer.encode(sft_target_text(record, expert, options_.cot));
          example.tokens.insert(example.tokens.end(), target.begin(), target.end());
          example.image = image;
          example.points = cloud;
          // The model sees tokens[0, n-1) as inputs: n - 1 positions after the image prefix.
          if (static_cast<std::int64_t>(example.tokens.size()) - 1 + prefix > options_.max_length) {
            ++dropped_;
            continue;
          }
          index_.back()[t][v].push_back(examples_.size());
          examples_.push_back(std::move(example));
        }
      }
    }
  }
}

std::vector<std::vector<std::size_t>> SftDataset::epoch_groups(std::uint64_t seed,
                                                               std::uint64_t epoch) const {
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t s = 0; s < index_.size(); ++s) {
    std::mt19937_64 rng = seeded(seed, epoch, s + 1);
    // The tasks this sample has examples for, with their weights.
    std::vector<std::size_t> tasks;
    std::vector<double> weights;
    for (std::size_t t = 0; t < index_[s].size(); ++t) {
      bool any = false;
      for (const auto& v : index_[s][t]) any = any || !v.empty();
      if (!any) continue;
      tasks.push_back(t);
      weights.push_back(options_.tasks[t].weight);
    }
    if (tasks.empty()) continue;
    std::discrete_distribution<std::size_t> pick_task(weights.begin(), weights.end());
    const std::size_t t = tasks[tasks.size() == 1 ? 0 : pick_task(rng)];
    std::vector<std::size_t> variants;
    for (std::size_t v = 0; v < index_[s][t].size(); ++v)
      if (!index_[s][t][v].empty()) variants.push_back(v);
    const std::size_t v =
        variants[std::uniform_int_distribution<std::size_t>(0, variants.size() - 1)(rng)];
    std::vector<std::size_t> group = index_[s][t][v];
    if (!options_.meft && group.size() > 1) {
      group = {group[std::uniform_int_distribution<std::size_t>(0, group.size() - 1)(rng)]};
    }
    groups.push_back(std::move(group));
  }
  std::mt19937_64 rng = seeded(seed, epoch, 0);
  std::shuffle(groups.begin(), groups.end(), rng);
  return groups;
}

std::vector<std::vector<std::size_t>> SftDataset::epoch_batches(std::uint64_t seed,
                                                                std::uint64_t epoch,
                                                                std::int64_t batch_size) const {
  if (batch_size < 1) throw UsageError("batch size must be >= 1");
  const auto groups = epoch_groups(seed, epoch);
  std::vector<std::vector<std::size_t>> batches;
  for (int kind = 0; kind < 3; ++kind) {  // batches hold one prefix kind
    std::vector<std::size_t> current;
    for (const auto& group : groups) {
      if (group.empty() || examples_[group[0]].prefix_kind() != kind) continue;
      // MEFT: a sample's experts land in one batch, so in one optimizer step (a group that
      // does not fit in what is left of the batch starts the next one; a group larger than the
      // batch size is a batch of its own).
      if (!current.empty() &&
          static_cast<std::int64_t>(current.size() + group.size()) > batch_size) {
        batches.push_back(std::move(current));
        current.clear();
      }
      current.insert(current.end(), group.begin(), group.end());
      if (static_cast<std::int64_t>(current.size()) >= batch_size) {
        batches.push_back(std::move(current));
        current.clear();
      }
    }
    if (!current.empty()) batches.push_back(std::move(current));
  }
  std::mt19937_64 rng = seeded(seed, epoch, 0xb47c4);
  std::shuffle(batches.begin(), batches.end(), rng);
  return batches;
}

}  // namespace cad::ml
