// Tokenizer: pre-splitting, deterministic training, exact round trips (corpus code, random
// bytes), special tokens and JSON persistence.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/error.h"
#include "ml/tokenizer.h"

namespace fs = std::filesystem;
using cad::ml::Tokenizer;

namespace {

std::vector<std::string> corpus_code() {
  std::vector<std::string> texts;
  const fs::path root = fs::path(CAD_CORPUS_DIR) / "cadprompt";
  if (!fs::is_directory(root)) return texts;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (fs::exists(entry.path() / "expert.py")) files.push_back(entry.path() / "expert.py");
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    texts.push_back(buffer.str());
  }
  return texts;
}

const std::vector<std::string>& sample_texts() {
  static const std::vector<std::string> texts = {
      "import cadquery as cq\nr = cq.Workplane(\"XY\").box(10, 20, 5)\n",
      "result = cq.Workplane(\"XY\").circle(12.5).extrude(40).faces(\">Z\").hole(6)\n",
      "The front view shows a rectangle 120 wide and 45 high; the top view shows Ø20 holes.\n",
      "part = (cq.Workplane(\"XZ\")\n    .rect(30, 15)\n    .extrude(-8)\n    .edges(\"|Z\")\n"
      "    .fillet(2.5))\n",
  };
  return texts;
}

Tokenizer trained_on_samples(std::int64_t vocab_size) {
  std::vector<std::string> texts;
  for (int repeat = 0; repeat < 5; ++repeat) {
    texts.insert(texts.end(), sample_texts().begin(), sample_texts().end());
  }
  Tokenizer tokenizer;
  tokenizer.train(texts, vocab_size);
  return tokenizer;
}

}  // namespace

TEST_CASE("pieces split on letters, digits, symbols and whitespace like GPT-2", "[ml]") {
  CHECK(Tokenizer::split_pieces("r = cq.box(10, 2500)") ==
        std::vector<std::string>{"r", " =", " cq", ".", "box", "(", "10", ",", " 250", "0", ")"});
  CHECK(Tokenizer::split_pieces("a\n    b") == std::vector<std::string>{"a", "\n   ", " b"});
  CHECK(Tokenizer::split_pieces("x  \n") == std::vector<std::string>{"x", "  \n"});
  CHECK(Tokenizer::split_pieces("hole_depth Ø6") ==
        std::vector<std::string>{"hole_depth", " Ø", "6"});
  const std::string long_word(150, 'a');
  const auto pieces = Tokenizer::split_pieces(long_word);
  REQUIRE(pieces.size() == 3);
  CHECK(pieces[0].size() == 64);
  CHECK(pieces[2].size() == 22);
}

TEST_CASE("a fresh tokenizer has the special tokens and the 256 bytes", "[ml]") {
  const Tokenizer tokenizer;
  CHECK(tokenizer.num_special() == 17);
  CHECK(tokenizer.vocab_size() == 17 + 256);
  CHECK(tokenizer.pad_id() == 0);
  CHECK(tokenizer.bos_id() == 1);
  CHECK(tokenizer.eos_id() == 2);
  CHECK(tokenizer.special_id("<expert:planner>") == 9);
  CHECK(tokenizer.special_id("<task:dims>") == 14);
  CHECK_THROWS_AS(tokenizer.special_id("<nope>"), cad::Error);
  CHECK(tokenizer.encode("ab") == std::vector<std::int64_t>{17 + 'a', 17 + 'b'});
}

TEST_CASE("training reaches the vocabulary size, compresses and is deterministic", "[ml]") {
  const Tokenizer a = trained_on_samples(380);
  const Tokenizer b = trained_on_samples(380);
  CHECK(a.vocab_size() == 380);
  CHECK(a.to_json() == b.to_json());
  const std::string& text = sample_texts()[1];
  const auto ids = a.encode(text);
  CHECK(ids.size() * 2 < text.size());
  CHECK(a.decode(ids) == text);
  // Merges stop when no pair occurs twice.
  Tokenizer small;
  small.train({"abab"}, 100000);
  CHECK(small.num_merges() == 1);
  CHECK_THROWS_AS(small.train({"x"}, 100), cad::UsageError);
}

TEST_CASE("every expert.py of the corpus round-trips exactly", "[ml]") {
  const std::vector<std::string> code = corpus_code();
  if (code.empty()) {
    WARN("no corpus at " CAD_CORPUS_DIR "/cadprompt; skipped");
    return;
  }
  const std::vector<std::string> train(code.begin(), code.begin() + code.size() / 2);
  Tokenizer tokenizer;
  tokenizer.train(train, 1000);
  std::size_t bytes = 0;
  std::size_t tokens = 0;
  for (const std::string& text : code) {
    const auto ids = tokenizer.encode(text);
    REQUIRE(tokenizer.decode(ids) == text);
    bytes += text.size();
    tokens += ids.size();
  }
  INFO("bytes per token " << double(bytes) / tokens);
  CHECK(double(bytes) / tokens > 2.5);
}

TEST_CASE("random byte strings round-trip exactly, invalid UTF-8 included", "[ml]") {
  const Tokenizer tokenizer = trained_on_samples(500);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> length(0, 300);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> ascii(0, 3);
  for (int i = 0; i < 300; ++i) {
    std::string text(length(rng), '\0');
    for (char& c : text) {
      // A mix of arbitrary bytes and code-like ASCII, so that merges apply too.
      c = static_cast<char>(ascii(rng) == 0 ? byte(rng) : " ()=.,abcqxyz0123\n"[byte(rng) % 18]);
    }
    const auto ids = tokenizer.encode(text);
    REQUIRE(tokenizer.decode(ids) == text);
    REQUIRE(tokenizer.decode(tokenizer.encode(text, false)) == text);
  }
}

TEST_CASE("special tokens survive encode and decode", "[ml]") {
  const Tokenizer tokenizer = trained_on_samples(400);
  const std::string text =
      "<bos><task:drawing><image><expert:coords><think>origin at 0</think>"
      "<code>r = cq.Workplane().box(1, 2, 3)</code><eos>";
  const auto ids = tokenizer.encode(text);
  CHECK(ids.front() == tokenizer.bos_id());
  CHECK(ids[1] == tokenizer.special_id("<task:drawing>"));
  CHECK(ids[2] == tokenizer.special_id("<image>"));
  CHECK(ids[3] == tokenizer.special_id("<expert:coords>"));
  CHECK(ids[4] == tokenizer.special_id("<think>"));
  CHECK(ids.back() == tokenizer.eos_id());
  CHECK(std::count(ids.begin(), ids.end(), tokenizer.special_id("</code>")) == 1);
  CHECK(tokenizer.decode(ids) == text);
  CHECK(tokenizer.decode(ids, true) == "origin at 0r = cq.Workplane().box(1, 2, 3)");
  // As plain text, the markers are ordinary bytes and still round-trip.
  const auto plain = tokenizer.encode(text, false);
  for (const auto id : plain) CHECK_FALSE(tokenizer.is_special(id));
  CHECK(tokenizer.decode(plain) == text);
  // A '<' that starts no special token stays text.
  CHECK(tokenizer.decode(tokenizer.encode("a <b <code")) == "a <b <code");
  CHECK_THROWS_AS(tokenizer.decode({tokenizer.vocab_size()}), cad::Error);
}

TEST_CASE("tokenizer JSON save and load reproduce the encoding", "[ml]") {
  const Tokenizer tokenizer = trained_on_samples(450);
  const fs::path path = fs::temp_directory_path() / "cadrl_test_tokenizer.json";
  tokenizer.save(path.string());
  const Tokenizer loaded = Tokenizer::load(path.string());
  fs::remove(path);
  CHECK(loaded.vocab_size() == tokenizer.vocab_size());
  CHECK(loaded.special_tokens() == tokenizer.special_tokens());
  for (const std::string& text : sample_texts())
    CHECK(loaded.encode(text) == tokenizer.encode(text));
  CHECK_THROWS_AS(Tokenizer::from_json("{\"format\": \"other\"}"), cad::Error);
  CHECK_THROWS_AS(Tokenizer::from_json("not json"), cad::Error);
  CHECK_THROWS_AS(Tokenizer::load("/nonexistent/tokenizer.json"), cad::Error);
}

TEST_CASE("benchmark: tokenizer training and encoding speed", "[.][bench]") {
  std::vector<std::string> texts;
  std::size_t bytes = 0;
  // The corpus' text files and the project's own sources and examples: a few MB of code and text.
  for (const fs::path& root :
       {fs::path(CAD_CORPUS_DIR) / "cadprompt", fs::path(CAD_SOURCE_DIR "/lib"),
        fs::path(CAD_SOURCE_DIR "/tests"), fs::path(CAD_SOURCE_DIR "/examples")}) {
    if (!fs::is_directory(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || ext == ".stl" || ext == ".png" || ext == ".step") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      texts.push_back(buffer.str());
      bytes += texts.back().size();
    }
  }
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  Tokenizer tokenizer;
  tokenizer.train(texts, 8192);
  const double train_s = std::chrono::duration<double>(clock::now() - t0).count();
  const auto t1 = clock::now();
  std::size_t tokens = 0;
  for (const auto& text : texts) tokens += tokenizer.encode(text).size();
  const double encode_s = std::chrono::duration<double>(clock::now() - t1).count();
  WARN("train " << bytes / 1e6 << " MB to " << tokenizer.vocab_size() << " ids: " << train_s
                << " s; encode " << bytes / 1e6 / encode_s << " MB/s, " << double(bytes) / tokens
                << " bytes/token");
}
