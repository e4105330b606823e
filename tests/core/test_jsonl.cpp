// Tests of the JSONL reader and writer and of the UTF-8 check.
#include <catch2/catch.hpp>

#include <sstream>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/jsonl.h"
#include "temp_file.h"

using cad::core::JsonlLine;
using cad::core::JsonlReader;
using cad::core::JsonlWriter;
using cad::core::valid_utf8;
using nlohmann::json;

TEST_CASE("valid_utf8 accepts well-formed text and locates the first bad byte", "[core]") {
  std::size_t bad = 99;
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("plain ascii"));
  CHECK(valid_utf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9D\x84\x9E"));  // é € 𝄞
  CHECK_FALSE(valid_utf8("ab\xC3\x28", &bad));                      // bad continuation byte
  CHECK(bad == 2);
  CHECK_FALSE(valid_utf8("abc\xE2\x82", &bad));  // truncated sequence
  CHECK(bad == 3);
  CHECK_FALSE(valid_utf8("\xC0\xAF", &bad));  // overlong '/'
  CHECK(bad == 0);
  CHECK_FALSE(valid_utf8("x\xED\xA0\x80", &bad));  // UTF-16 surrogate
  CHECK(bad == 1);
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(valid_utf8("\xFF"));
}

TEST_CASE("JsonlReader reports bad lines with their number and keeps reading", "[core]") {
  cad::test::TempFile file("jsonl");
  file.write(
      "{\"id\": 1}\n"
      "\n"
      "{\"id\": 2, oops}\n"
      "   \n"
      "{\"id\": \"bad \xC3\x28\"}\n"
      "[1, 2]\r\n"
      "{\"id\": 3}");  // no final newline
  JsonlReader reader(file.path());
  std::vector<JsonlLine> lines;
  JsonlLine line;
  while (reader.next(line)) lines.push_back(line);

  REQUIRE(lines.size() == 5);
  CHECK(lines[0].line == 1);
  CHECK(lines[0].record->at("id") == 1);
  CHECK(lines[0].error.empty());

  CHECK(lines[1].line == 3);
  CHECK_FALSE(lines[1].record);
  CHECK(lines[1].error.rfind("line 3: invalid JSON: ", 0) == 0);
  CHECK(lines[1].text == "{\"id\": 2, oops}");

  CHECK(lines[2].line == 5);
  CHECK_FALSE(lines[2].record);
  CHECK(lines[2].error == "line 5: invalid UTF-8 at byte 13");

  CHECK(lines[3].line == 6);
  CHECK(*lines[3].record == json::array({1, 2}));
  CHECK(lines[3].text == "[1, 2]");

  CHECK(lines[4].line == 7);
  CHECK(lines[4].record->at("id") == 3);
}

TEST_CASE("JsonlReader throws cad::Error for a missing file or a directory", "[core]") {
  CHECK_THROWS_WITH(JsonlReader("/nonexistent/in.jsonl"),
                    "/nonexistent/in.jsonl: No such file or directory");
  JsonlReader dir("/");
  JsonlLine line;
  CHECK_THROWS_AS(dir.next(line), cad::Error);
}

TEST_CASE("JsonlWriter output reads back identically, one compact line per record", "[core]") {
  cad::test::TempFile file("jsonl");
  const std::vector<json> records = {
      {{"id", "a"}, {"n", 1.5}, {"tags", {"x", "y"}}},
      {{"id", "caf\xC3\xA9 \xE2\x82\xAC"}, {"code", "line1\nline2\t\"q\""}},
      json::array({1, nullptr, true}),
  };
  {
    JsonlWriter writer(file.path());
    for (const auto& r : records) writer.write(r);
    CHECK(writer.count() == records.size());
  }
  const std::string text = file.read();
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
  CHECK(text.find("\xC3\xA9") != std::string::npos);  // UTF-8 kept, not \u-escaped

  JsonlReader reader(file.path());
  JsonlLine line;
  std::size_t i = 0;
  while (reader.next(line)) {
    REQUIRE(line.record);
    CHECK(*line.record == records.at(i++));
  }
  CHECK(i == records.size());
}

TEST_CASE("JsonlWriter replaces invalid UTF-8 instead of throwing", "[core]") {
  cad::test::TempFile file("jsonl");
  JsonlWriter writer(file.path());
  CHECK_NOTHROW(writer.write({{"error", "bad \xFF byte"}}));
  JsonlReader reader(file.path());
  JsonlLine line;
  REQUIRE(reader.next(line));
  REQUIRE(line.record);
  CHECK(line.record->at("error") == "bad \xEF\xBF\xBD byte");  // U+FFFD
}

TEST_CASE("JsonlWriter lines from concurrent threads never interleave", "[core]") {
  cad::test::TempFile file("jsonl");
  {
    JsonlWriter writer(file.path());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < 200; ++i)
          writer.write({{"thread", t}, {"i", i}, {"pad", std::string(100, 'p')}});
      });
    }
    for (auto& th : threads) th.join();
    CHECK(writer.count() == 800);
  }
  JsonlReader reader(file.path());
  JsonlLine line;
  std::size_t good = 0;
  while (reader.next(line)) good += line.record ? 1 : 0;
  CHECK(good == 800);
}

TEST_CASE("JsonlWriter throws cad::Error when the file cannot be created", "[core]") {
  CHECK_THROWS_AS(JsonlWriter("/nonexistent/out.jsonl"), cad::Error);
}

TEST_CASE("JsonlReader keeps the id of a line whose other field has invalid UTF-8", "[core]") {
  cad::test::TempFile file("jsonl");
  file.write(
      "{\"id\": \"a1\", \"code\": \"x = 1 # \xFF\"}\n"  // bad byte in code: the id is kept
      "{\"id\": \"a\xFF\", \"code\": \"x\"}\n"          // bad byte in the id: not guessed
      "{\"id\": \"a3\"}\n");
  JsonlReader reader(file.path());
  JsonlLine line;
  REQUIRE(reader.next(line));
  CHECK_FALSE(line.record);
  CHECK(line.error == "line 1: invalid UTF-8 at byte 31");
  REQUIRE(line.id);
  CHECK(*line.id == "a1");
  REQUIRE(reader.next(line));
  CHECK_FALSE(line.record);
  CHECK_FALSE(line.id);
  REQUIRE(reader.next(line));
  REQUIRE(line.record);
  CHECK_FALSE(line.id);
}
