// Supervised fine-tuning data: dataset records (cad-dataset-build's JSONL) turned into token
// sequences with loss masks for drawing-, image-, text- and dimensions-to-code, one example per
// expert (CME-CAD's multi-expert fine-tuning). No LibTorch.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ml/model_config.h"
#include "ml/tokenizer.h"

namespace cad::ml {

/// The input tasks: "drawing" (three-view PNG), "image" (the render PNG), "text" (the abstract
/// or detailed description), "dims" (the drawing's dimension list as text).
const std::vector<std::string>& sft_task_names();

/// True for the tasks whose prompt carries an image ("drawing", "image").
bool sft_task_has_image(const std::string& task);
/// True for the task whose prompt carries a point cloud ("points").
bool sft_task_has_points(const std::string& task);

/// A task and its weight in the mix ("drawing", "text:0.5").
struct TaskWeight {
  std::string task;     ///< one of sft_task_names()
  double weight = 1.0;  ///< relative frequency, > 0
};

/// Parses "task" or "task:weight". Throws cad::UsageError on an unknown task or a bad weight.
TaskWeight parse_task_weight(const std::string& text);

/// How records become examples.
struct SftDataOptions {
  std::vector<TaskWeight> tasks = {{"drawing", 1.0}};  ///< the mix; each sample gets one per epoch
  std::vector<std::string> experts = {"views", "planner", "coords"};  ///< expert styles used
  bool meft = true;  ///< one example per expert per sample; else one expert per epoch
  bool cot = true;   ///< target <think>CoT</think><code>code</code>; else <code>code</code>
  std::string text = "both";        ///< text task: "abstract", "detailed" or "both" (one per epoch)
  std::int64_t image_size = 128;    ///< square side images are resized (letterboxed) to
  std::int64_t image_channels = 3;  ///< 3 = RGB, 1 = grey
  std::int64_t image_tokens = 0;    ///< tokens the image prefix takes (for the length limit)
  std::int64_t point_count = 256;   ///< points task: N points per cloud (the model's)
  std::string point_frame = "unit";   ///< points task: "unit" or "fixed" (the model's)
  double point_scale = 100.0;         ///< points task: fixed frame divisor (the model's)
  std::int64_t point_samples = 8192;  ///< surface samples FPS picks the N points from
  /// cadrille's training noise: N(0, point_noise^2) on every coordinate of a cloud with
  /// probability point_noise_probability, drawn anew for every batch (0 = off).
  double point_noise = 0.0;
  double point_noise_probability = 0.5;
  std::int64_t max_length = 1024;  ///< examples longer than this (image prefix included) drop
};

/// An image resized for the model: image_size^2 pixels, channel-interleaved bytes.
struct SftImage {
  std::int64_t size = 0;             ///< side in pixels
  std::int64_t channels = 0;         ///< 1 or 3
  std::vector<std::uint8_t> pixels;  ///< size * size * channels bytes, row-major, HWC
};

/// A point cloud for the model: count points, xyz interleaved, in the model's point frame.
struct SftPoints {
  std::int64_t count = 0;
  std::vector<float> xyz;  ///< count * 3 floats
};

/// One training sequence: prompt then target. The loss covers the target tokens only.
struct SftExample {
  std::size_t sample = 0;  ///< index of the record in the dataset
  std::string task;        ///< the task it was made for
  std::string variant;     ///< the text variant ("abstract"/"detailed") for "text", else ""
  std::string expert;      ///< the expert style of the prompt and the target
  std::vector<std::int64_t> tokens;         ///< <bos>...<eos>
  std::int64_t prompt_length = 0;           ///< tokens[0, prompt_length) are the prompt (no loss)
  std::shared_ptr<const SftImage> image;    ///< the image prefix (drawing/image tasks), else null
  std::shared_ptr<const SftPoints> points;  ///< the point prefix (points task), else null
  /// What prefixes the sequence: 0 nothing, 1 an image, 2 a point cloud (a batch holds one kind).
  int prefix_kind() const { return image ? 1 : points ? 2 : 0; }
};

/// The prompt text of a record for a task: "<bos><task:T>[<image>]<expert:E>" + the expert's
/// fixed prompt + "\n" + the task input ("" for images; the abstract or detailed text; the
/// dimension list) + "\n". `variant` picks the text ("abstract" or "detailed").
std::string sft_prompt_text(const nlohmann::json& record, const std::string& task,
                            const std::string& expert, const std::string& variant = "abstract");

/// The target text: "<think>" + CoT + "</think><code>" + code + "</code><eos>" (with `cot`),
/// else "<code>" + code + "</code><eos>". The expert's CoT and code come from the record's
/// `cot` list; a record without that expert falls back to `code` and no CoT.
std::string sft_target_text(const nlohmann::json& record, const std::string& expert, bool cot);

/// The dimension list of a record as prompt text, one line per dimension:
/// "<view> <kind> <label> (<feature>)".
std::string dimensions_text(const nlohmann::json& record);

/// The point cloud of a mesh or shape file (STL/PLY/OBJ/STEP/BREP): options.point_samples
/// area-weighted surface samples (seed 0), farthest-point sampling to options.point_count,
/// normalized to options.point_frame (cad::geom::point_cloud). Throws cad::Error on I/O
/// failure or a mesh without area, cad::UsageError on a bad frame or extension.
SftPoints load_sft_points(const std::string& path, const SftDataOptions& options);

/// Throws cad::UsageError unless `tokenizer` has the <task:points> and <points> tokens (every
/// tokenizer trained by this version; older ones cannot serve the points task).
void require_points_tokens(const Tokenizer& tokenizer);

/// Sets the point-cloud fields of `options` (count, frame, scale) from a model's config.
void set_point_options(SftDataOptions& options, const ModelConfig& model);

/// The shape file a record's point cloud comes from: its `mesh` (STL), else its `step`; "" when
/// it has neither.
std::string record_shape_path(const nlohmann::json& record);

/// Reads a PNG (cad::render::read_png), letterboxes it onto white to a square and resizes it
/// to `size` by area averaging; `channels` 1 makes it grey. Throws cad::Error on I/O failure.
SftImage load_sft_image(const std::string& path, std::int64_t size, std::int64_t channels);

/// The records of a dataset split with their examples. Every (sample, task, variant, expert)
/// example is built once; epoch_examples() picks which ones an epoch uses.
class SftDataset {
 public:
  /// Reads `<dir>/<split>.jsonl` (records as data_schemas/sample.schema.json), loads the
  /// images the tasks need (paths relative to `dir`) and tokenizes every example. Records
  /// without the input a task needs (no drawing, no render, no dimensions) get no example for
  /// it; examples longer than options.max_length are dropped (counted in dropped()). Throws
  /// cad::Error if the file cannot be read, cad::UsageError on bad options.
  SftDataset(const std::string& dir, const std::string& split, const Tokenizer& tokenizer,
             const SftDataOptions& options);
  /// Builds from records in memory (`dir` resolves their image paths).
  SftDataset(const std::vector<nlohmann::json>& records, const std::string& dir,
             const Tokenizer& tokenizer, const SftDataOptions& options);

  /// Every example built.
  const std::vector<SftExample>& examples() const { return examples_; }
  /// Number of records read.
  std::size_t num_samples() const { return ids_.size(); }
  /// The record ids, by sample index.
  const std::vector<std::string>& ids() const { return ids_; }
  /// Examples dropped for length.
  std::size_t dropped() const { return dropped_; }

  /// The examples of one epoch, grouped per sample (a group holds that sample's experts for
  /// one task): each sample draws a task by weight (and a text variant, and an expert unless
  /// MEFT) from a generator seeded by (seed, epoch, sample). Groups come in a shuffled order
  /// (seeded by (seed, epoch)). Indices into examples().
  std::vector<std::vector<std::size_t>> epoch_groups(std::uint64_t seed, std::uint64_t epoch) const;

  /// epoch_groups cut into batches of at most `batch_size` examples, a group never split
  /// (MEFT: every expert of a sample in the same step; a group larger than `batch_size` is a
  /// batch of its own); a batch never mixes examples with and without an image. Batches come in a
  /// shuffled order; deterministic in (seed, epoch).
  std::vector<std::vector<std::size_t>> epoch_batches(std::uint64_t seed, std::uint64_t epoch,
                                                      std::int64_t batch_size) const;

 private:
  void build(const std::vector<nlohmann::json>& records, const std::string& dir,
             const Tokenizer& tokenizer);

  SftDataOptions options_;
  std::vector<std::string> ids_;
  std::vector<SftExample> examples_;
  // per sample: per task index: per variant: example indices (one per expert)
  std::vector<std::vector<std::vector<std::vector<std::size_t>>>> index_;
  std::vector<std::vector<std::string>> variants_;  // per task index
  std::size_t dropped_ = 0;
};

/// Reads the records of `<dir>/<split>.jsonl`. Throws cad::Error on a missing file or a
/// malformed line.
std::vector<nlohmann::json> read_dataset_records(const std::string& dir, const std::string& split);

/// The texts a tokenizer for SFT is trained on: per record its code, code_param, texts,
/// dimension text and every CoT text and code, plus the expert prompts.
std::vector<std::string> tokenizer_corpus(const std::vector<nlohmann::json>& records);

}  // namespace cad::ml
