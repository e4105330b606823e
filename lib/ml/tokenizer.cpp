// Byte-level BPE: pre-splitting, training with incremental pair counts, encoding, JSON I/O.
#include "ml/tokenizer.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <sstream>

#include "core/error.h"

namespace cad::ml {
namespace {

constexpr std::size_t kMaxPiece = 64;
constexpr std::size_t kMaxDigits = 3;

enum class CharClass { kSpace, kLetter, kDigit, kOther };

CharClass char_class(unsigned char c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
    return CharClass::kSpace;
  }
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80) {
    return CharClass::kLetter;
  }
  if (c >= '0' && c <= '9') return CharClass::kDigit;
  return CharClass::kOther;
}

std::uint64_t pair_key(std::int64_t left, std::int64_t right) {
  return (static_cast<std::uint64_t>(left) << 32) | static_cast<std::uint64_t>(right);
}

// Splits `text` into (is_special, text) runs: literal special tokens and the text between them.
template <typename Fn>
void for_each_segment(const std::string& text, const std::vector<std::string>& specials,
                      bool allow_special, Fn&& fn) {
  if (!allow_special) {
    fn(-1, 0, text.size());
    return;
  }
  std::size_t start = 0;
  std::size_t pos = 0;
  while ((pos = text.find('<', pos)) != std::string::npos) {
    std::int64_t match = -1;
    for (std::size_t s = 0; s < specials.size(); ++s) {
      if (text.compare(pos, specials[s].size(), specials[s]) == 0) {
        match = static_cast<std::int64_t>(s);
        break;
      }
    }
    if (match < 0) {
      ++pos;
      continue;
    }
    if (pos > start) fn(-1, start, pos);
    fn(match, pos, pos + specials[match].size());
    pos += specials[match].size();
    start = pos;
  }
  if (start < text.size()) fn(-1, start, text.size());
}

// Calls fn(begin, end) for each pre-tokenization piece of text[begin, end).
template <typename Fn>
void for_each_piece(const std::string& text, std::size_t begin, std::size_t end, Fn&& fn) {
  auto emit_chunked = [&](std::size_t from, std::size_t to) {
    for (std::size_t at = from; at < to; at += kMaxPiece) fn(at, std::min(to, at + kMaxPiece));
  };
  std::size_t i = begin;
  while (i < end) {
    std::size_t start = i;
    if (char_class(text[i]) == CharClass::kSpace) {
      std::size_t j = i;
      while (j < end && char_class(text[j]) == CharClass::kSpace) ++j;
      if (j == end || text[j - 1] != ' ') {
        emit_chunked(i, j);
        i = j;
        continue;
      }
      // The last space joins the following word, as in GPT-2.
      if (j - 1 > i) emit_chunked(i, j - 1);
      start = j - 1;
      i = j;
    }
    const CharClass cls = char_class(text[i]);
    const std::size_t limit = cls == CharClass::kDigit ? kMaxDigits : kMaxPiece - (i - start);
    std::size_t j = i;
    while (j < end && j - i < limit && char_class(text[j]) == cls) ++j;
    fn(start, j);
    i = j;
  }
}

}  // namespace

const std::vector<std::string>& default_special_tokens() {
  static const std::vector<std::string> tokens = {
      "<pad>",           "<bos>",          "<eos>",        "<think>",        "</think>",
      "<code>",          "</code>",        "<image>",      "<expert:views>", "<expert:planner>",
      "<expert:coords>", "<task:drawing>", "<task:image>", "<task:text>",    "<task:dims>",
      "<task:points>",   "<points>"};
  return tokens;
}

Tokenizer::Tokenizer() : Tokenizer(default_special_tokens()) {}

Tokenizer::Tokenizer(std::vector<std::string> specials) : specials_(std::move(specials)) {
  rebuild();
}

void Tokenizer::rebuild() {
  pieces_.clear();
  special_ids_.clear();
  merge_rank_.clear();
  for (std::size_t s = 0; s < specials_.size(); ++s) {
    pieces_.push_back(specials_[s]);
    special_ids_[specials_[s]] = static_cast<std::int64_t>(s);
  }
  for (int b = 0; b < 256; ++b) pieces_.emplace_back(1, static_cast<char>(b));
  for (std::size_t m = 0; m < merges_.size(); ++m) {
    const auto [left, right] = merges_[m];
    const auto next = static_cast<std::int64_t>(pieces_.size());
    if (left < num_special() || right < num_special() || left >= next || right >= next) {
      throw Error("tokenizer: merge " + std::to_string(m) + " refers to an invalid id");
    }
    pieces_.push_back(pieces_[left] + pieces_[right]);
    merge_rank_[pair_key(left, right)] = static_cast<std::int64_t>(m);
  }
}

std::vector<std::string> Tokenizer::split_pieces(const std::string& text) {
  std::vector<std::string> out;
  for_each_piece(text, 0, text.size(),
                 [&](std::size_t b, std::size_t e) { out.push_back(text.substr(b, e - b)); });
  return out;
}

void Tokenizer::train(const std::vector<std::string>& texts, std::int64_t vocab_size) {
  const std::int64_t base = num_special() + 256;
  if (vocab_size < base) {
    throw UsageError("tokenizer: vocab_size must be at least " + std::to_string(base));
  }
  merges_.clear();
  rebuild();

  // Unique pieces with their counts; special tokens never take part in merges.
  std::unordered_map<std::string, std::int64_t> piece_counts;
  for (const std::string& text : texts) {
    for_each_segment(text, specials_, true,
                     [&](std::int64_t special, std::size_t b, std::size_t e) {
                       if (special >= 0) return;
                       for_each_piece(text, b, e, [&](std::size_t pb, std::size_t pe) {
                         ++piece_counts[text.substr(pb, pe - pb)];
                       });
                     });
  }
  std::vector<std::pair<std::string, std::int64_t>> sorted(piece_counts.begin(),
                                                           piece_counts.end());
  piece_counts.clear();
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::vector<std::int64_t>> words;
  std::vector<std::int64_t> counts;
  for (const auto& [piece, count] : sorted) {
    if (piece.size() < 2) continue;
    std::vector<std::int64_t> symbols;
    for (unsigned char c : piece) symbols.push_back(byte_id(c));
    words.push_back(std::move(symbols));
    counts.push_back(count);
  }

  std::unordered_map<std::uint64_t, std::int64_t> pair_counts;
  std::unordered_map<std::uint64_t, std::vector<std::int32_t>> pair_words;
  for (std::size_t w = 0; w < words.size(); ++w) {
    for (std::size_t i = 0; i + 1 < words[w].size(); ++i) {
      const std::uint64_t key = pair_key(words[w][i], words[w][i + 1]);
      pair_counts[key] += counts[w];
      auto& list = pair_words[key];
      if (list.empty() || list.back() != static_cast<std::int32_t>(w)) {
        list.push_back(static_cast<std::int32_t>(w));
      }
    }
  }
  // Max-heap on count, ties to the smallest key; stale entries are skipped or refreshed lazily.
  using Entry = std::pair<std::int64_t, std::uint64_t>;
  auto less = [](const Entry& a, const Entry& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  };
  std::priority_queue<Entry, std::vector<Entry>, decltype(less)> heap(less);
  for (const auto& [key, count] : pair_counts) heap.push({count, key});

  std::vector<std::int64_t> seen(words.size(), -1);
  std::vector<std::int64_t> merged;
  while (static_cast<std::int64_t>(pieces_.size()) < vocab_size && !heap.empty()) {
    const auto [count, key] = heap.top();
    heap.pop();
    const auto found = pair_counts.find(key);
    const std::int64_t current = found == pair_counts.end() ? 0 : found->second;
    if (current != count) {
      if (current > 0) heap.push({current, key});
      continue;
    }
    if (count < 2) break;
    const auto left = static_cast<std::int64_t>(key >> 32);
    const auto right = static_cast<std::int64_t>(key & 0xffffffffu);
    const auto id = static_cast<std::int64_t>(pieces_.size());
    const auto step = static_cast<std::int64_t>(merges_.size());
    merges_.push_back({left, right});
    pieces_.push_back(pieces_[left] + pieces_[right]);
    merge_rank_[key] = step;

    std::vector<std::int32_t> affected = std::move(pair_words[key]);
    pair_words.erase(key);
    std::vector<std::uint64_t> grown;
    for (const std::int32_t w : affected) {
      if (seen[w] == step) continue;
      seen[w] = step;
      std::vector<std::int64_t>& symbols = words[w];
      const std::int64_t c = counts[w];
      for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
        const std::uint64_t k = pair_key(symbols[i], symbols[i + 1]);
        if ((pair_counts[k] -= c) == 0) pair_counts.erase(k);
      }
      merged.clear();
      for (std::size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
          merged.push_back(id);
          ++i;
        } else {
          merged.push_back(symbols[i]);
        }
      }
      symbols.swap(merged);
      for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
        const std::uint64_t k = pair_key(symbols[i], symbols[i + 1]);
        pair_counts[k] += c;
        if (symbols[i] == id || symbols[i + 1] == id) {
          auto& list = pair_words[k];
          if (list.empty() || list.back() != w) list.push_back(w);
          grown.push_back(k);
        }
      }
    }
    std::sort(grown.begin(), grown.end());
    grown.erase(std::unique(grown.begin(), grown.end()), grown.end());
    for (const std::uint64_t k : grown) heap.push({pair_counts[k], k});
  }
}

void Tokenizer::encode_piece(const std::string& piece, std::vector<std::int64_t>& out) const {
  std::vector<std::int64_t> symbols;
  symbols.reserve(piece.size());
  for (unsigned char c : piece) symbols.push_back(byte_id(c));
  while (symbols.size() > 1) {
    std::int64_t best_rank = -1;
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
      const auto found = merge_rank_.find(pair_key(symbols[i], symbols[i + 1]));
      if (found != merge_rank_.end() && (best_rank < 0 || found->second < best_rank)) {
        best_rank = found->second;
      }
    }
    if (best_rank < 0) break;
    const auto [left, right] = merges_[best_rank];
    const std::int64_t id = num_special() + 256 + best_rank;
    std::size_t write = 0;
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
        symbols[write++] = id;
        ++i;
      } else {
        symbols[write++] = symbols[i];
      }
    }
    symbols.resize(write);
  }
  out.insert(out.end(), symbols.begin(), symbols.end());
}

std::vector<std::int64_t> Tokenizer::encode(const std::string& text, bool allow_special) const {
  std::vector<std::int64_t> ids;
  ids.reserve(text.size() / 3 + 1);
  for_each_segment(text, specials_, allow_special,
                   [&](std::int64_t special, std::size_t b, std::size_t e) {
                     if (special >= 0) {
                       ids.push_back(special);
                       return;
                     }
                     for_each_piece(text, b, e, [&](std::size_t pb, std::size_t pe) {
                       encode_piece(text.substr(pb, pe - pb), ids);
                     });
                   });
  return ids;
}

std::string Tokenizer::decode(const std::vector<std::int64_t>& ids, bool skip_special) const {
  std::string text;
  for (const std::int64_t id : ids) {
    if (skip_special && is_special(id)) continue;
    text += piece(id);
  }
  return text;
}

const std::string& Tokenizer::piece(std::int64_t id) const {
  if (id < 0 || id >= vocab_size()) {
    throw Error("tokenizer: id " + std::to_string(id) + " is outside the vocabulary of " +
                std::to_string(vocab_size()));
  }
  return pieces_[id];
}

std::int64_t Tokenizer::special_id(const std::string& token) const {
  const auto found = special_ids_.find(token);
  if (found == special_ids_.end()) throw Error("tokenizer: no special token " + token);
  return found->second;
}

std::string Tokenizer::to_json() const {
  nlohmann::json merges = nlohmann::json::array();
  for (const auto& [left, right] : merges_) merges.push_back({left, right});
  nlohmann::json doc = {{"format", "cadrl-byte-bpe"},
                        {"version", 1},
                        {"special_tokens", specials_},
                        {"merges", merges}};
  return doc.dump() + "\n";
}

Tokenizer Tokenizer::from_json(const std::string& json_text) {
  try {
    const nlohmann::json doc = nlohmann::json::parse(json_text);
    if (doc.value("format", "") != "cadrl-byte-bpe" || doc.value("version", 0) != 1) {
      throw Error("tokenizer: not a cadrl-byte-bpe version 1 file");
    }
    Tokenizer tokenizer(doc.at("special_tokens").get<std::vector<std::string>>());
    for (const auto& merge : doc.at("merges")) {
      tokenizer.merges_.push_back(
          {merge.at(0).get<std::int64_t>(), merge.at(1).get<std::int64_t>()});
    }
    tokenizer.rebuild();
    return tokenizer;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("tokenizer: malformed JSON: ") + e.what());
  }
}

void Tokenizer::save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary);
  out << to_json();
  if (!out) throw Error(path + ": cannot write tokenizer");
}

Tokenizer Tokenizer::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open tokenizer");
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return from_json(buffer.str());
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace cad::ml
