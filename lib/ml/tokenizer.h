// Byte-level BPE tokenizer: trained on code, chains of thought and text; special tokens for the
// prompt and target structure; saved as JSON. No LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cad::ml {

/// The special tokens every tokenizer has, in id order (ids 0, 1, 2, ...): <pad>, <bos>, <eos>,
/// <think>, </think>, <code>, </code>, <image> (the slot an image prefix fills), the expert
/// prompts <expert:views>, <expert:planner>, <expert:coords>, and the tasks <task:drawing>,
/// <task:image>, <task:text>, <task:dims>, then <task:points> and <points> (the slot a point
/// cloud fills; tokenizers saved before they existed keep their own list and cannot serve the
/// points task).
const std::vector<std::string>& default_special_tokens();

/// Byte-level BPE. Ids: the special tokens first, then the 256 bytes, then one id per merge in
/// training order. Any byte string encodes, and decode(encode(s)) == s exactly (invalid UTF-8
/// included). Text is first split into pieces (GPT-2-like rules, own implementation): runs of
/// letters (ASCII letters, '_' and bytes >= 0x80), runs of at most 3 digits and runs of other
/// symbols, each optionally preceded by one space; whitespace runs keep their last space for the
/// next piece. No piece is longer than 64 bytes; merges never cross pieces.
class Tokenizer {
 public:
  /// A tokenizer with the default special tokens and no merges (pure bytes).
  Tokenizer();

  /// Learns merges from `texts` until the vocabulary holds `vocab_size` ids (specials + 256
  /// bytes + merges) or no pair occurs twice. Deterministic: ties go to the smallest pair of
  /// ids. Replaces any previous merges. Throws cad::UsageError if vocab_size is smaller than
  /// specials + 256. Cost: about linear in the text size (incremental pair counts).
  void train(const std::vector<std::string>& texts, std::int64_t vocab_size);

  /// Token ids of `text`. With `allow_special`, the literal text of a special token (e.g.
  /// "<think>") becomes its id; otherwise it is encoded as ordinary bytes.
  std::vector<std::int64_t> encode(const std::string& text, bool allow_special = true) const;

  /// The bytes of `ids` concatenated; special tokens give their literal text unless
  /// `skip_special`. Throws cad::Error on an id outside the vocabulary.
  std::string decode(const std::vector<std::int64_t>& ids, bool skip_special = false) const;

  /// Number of ids (specials + 256 + merges).
  std::int64_t vocab_size() const { return static_cast<std::int64_t>(pieces_.size()); }
  /// Number of merges learned.
  std::int64_t num_merges() const { return static_cast<std::int64_t>(merges_.size()); }
  /// The id of a special token; throws cad::Error if `token` is not one.
  std::int64_t special_id(const std::string& token) const;
  /// True for the ids of special tokens.
  bool is_special(std::int64_t id) const { return id >= 0 && id < num_special(); }
  /// Number of special tokens.
  std::int64_t num_special() const { return static_cast<std::int64_t>(specials_.size()); }
  /// The special tokens, in id order.
  const std::vector<std::string>& special_tokens() const { return specials_; }
  /// The bytes (or special text) of one id; throws cad::Error if out of range.
  const std::string& piece(std::int64_t id) const;

  std::int64_t pad_id() const { return special_id("<pad>"); }  ///< id of <pad>
  std::int64_t bos_id() const { return special_id("<bos>"); }  ///< id of <bos>
  std::int64_t eos_id() const { return special_id("<eos>"); }  ///< id of <eos>

  /// The tokenizer as JSON text: {"format": "cadrl-byte-bpe", "version": 1, "special_tokens":
  /// [...], "merges": [[left_id, right_id], ...]} (merge k creates id specials + 256 + k).
  std::string to_json() const;
  /// Parses to_json's output. Throws cad::Error on malformed input.
  static Tokenizer from_json(const std::string& json_text);
  /// Writes to_json() to `path`. Throws cad::Error on I/O failure.
  void save(const std::string& path) const;
  /// Reads a file written by save. Throws cad::Error on I/O failure or malformed content.
  static Tokenizer load(const std::string& path);

  /// The pre-tokenization pieces of `text` (exposed for tests and statistics).
  static std::vector<std::string> split_pieces(const std::string& text);

 private:
  explicit Tokenizer(std::vector<std::string> specials);
  void rebuild();  // pieces_ and merge_rank_ from specials_ and merges_
  std::int64_t byte_id(unsigned char byte) const { return num_special() + byte; }
  void encode_piece(const std::string& piece, std::vector<std::int64_t>& out) const;

  std::vector<std::string> specials_;
  std::vector<std::pair<std::int64_t, std::int64_t>> merges_;
  std::vector<std::string> pieces_;
  // (left << 32 | right) -> merge index (its rank; the new id is specials + 256 + index)
  std::unordered_map<std::uint64_t, std::int64_t> merge_rank_;
  std::unordered_map<std::string, std::int64_t> special_ids_;
};

}  // namespace cad::ml
