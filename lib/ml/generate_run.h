// Sampling a trained model on dataset records (cad-generate): prompts as in training, batched
// generation with the KV cache, and one JSONL record per (input, sample).
#pragma once

#include <cstdint>
#include <string>

#include "core/cli.h"

namespace cad::ml {

/// What cad-generate does.
struct GenerateConfig {
  std::string model_dir;          ///< checkpoint directory (cad-sft's OUT/final)
  std::string input = "-";        ///< JSONL of dataset records ("-" = stdin)
  std::string output = "-";       ///< JSONL of generations ("-" = stdout)
  std::string data_dir;           ///< base of the records' image paths ("" = the input's folder)
  std::string task = "drawing";   ///< drawing, image, text, dims or points
  std::string expert = "views";   ///< expert prompt
  std::string text = "abstract";  ///< text task input: abstract or detailed
  std::int64_t num_samples = 1;   ///< samples per record
  double temperature = 0.0;       ///< <= 0: greedy
  double top_p = 1.0;             ///< nucleus sampling mass
  std::int64_t max_new_tokens = 512;  ///< per sample
  std::int64_t batch_size = 8;        ///< rows per generate() call
  bool use_cache = true;              ///< KV cache (false: recompute; for benchmarks)
  std::uint64_t seed = 0;             ///< sample k of record i draws from seed, i, k
  cad::core::Shard shard;             ///< records whose index % N == K
  std::string device;                 ///< "" = the checkpoint's
  std::string dtype;                  ///< "" = the checkpoint's
  bool progress = true;               ///< progress on stderr
};

/// The parts of a generated text.
struct ParsedGeneration {
  std::string cot;            ///< between <think> and </think> (to <code> or the end when unclosed)
  std::string code;           ///< between <code> and </code> (to the end when unclosed); without
                              ///< <code>, everything after </think>; special tokens removed
  bool has_code_tag = false;  ///< a <code> tag was generated
};

/// The shape files `input` names: every .stl/.ply/.obj/.step/.stp/.brep file of a folder (sorted
/// by name), or `input` itself when it is one such file; empty for anything else (a JSONL file,
/// "-"). Throws cad::UsageError for a folder without shape files, cad::Error for a missing file.
std::vector<std::string> shape_inputs(const std::string& input);

/// Splits a decoded generation (special tokens kept as text) into CoT and code.
ParsedGeneration parse_generation(const std::string& text);

/// Runs cad-generate: reads records, writes one record per sample (data_schemas/
/// generation.schema.json): {id, sample, task, expert, status: "ok", code, cot, prompt_tokens,
/// new_tokens, logprob, stopped} or {id, sample, status: "error", error} for a record that
/// could not be prompted or generated. Returns the number of error records. Throws cad::Error
/// when the model or the input cannot be read.
std::size_t run_generate(const GenerateConfig& config);

}  // namespace cad::ml
