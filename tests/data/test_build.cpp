// The dataset pipeline on CadQuery scripts (examples/parts): records, schema, duplicates,
// rejects, splits, resume, determinism.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "core/error.h"
#include "core/json_schema.h"
#include "data/build.h"
#include "data_test_util.h"

using namespace cad::data;
using cad::test::read_jsonl;
using cad::test::slurp;
using cad::test::spit;
using cad::test::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kParts = fs::path(CAD_SOURCE_DIR) / "examples" / "parts";

/// A folder of scripts: a few example parts, an exact copy of one under another name (a
/// duplicate), a script with a syntax error and one that builds nothing.
void make_scripts(const fs::path& dir) {
  fs::create_directories(dir);
  for (const char* name : {"block_with_hole", "flange_six_bolts", "l_bracket_holes",
                           "stepped_shaft", "boss_plate", "chamfered_block"})
    fs::copy_file(kParts / (std::string(name) + ".py"), dir / (std::string(name) + ".py"));
  fs::copy_file(kParts / "block_with_hole.py", dir / "zz_copy_of_block.py");
  spit(dir / "broken.py", "import cadquery as cq\nresult = cq.Workplane('XY').box(1, 2\n");
  spit(dir / "nothing.py", "import cadquery as cq\nx = 1\n");
}

Recipe script_recipe(const fs::path& scripts) {
  Recipe r;
  r.name = "scripts";
  r.seed = 3;
  r.scripts = {scripts.string()};
  r.val_fraction = 0.25;
  r.test_fraction = 0.25;
  r.solids = false;  // STEP files carry a time stamp; everything else is deterministic
  return r;
}

std::vector<json> all_records(const fs::path& out) {
  std::vector<json> all;
  for (const char* split : {"train", "val", "test"})
    for (auto& r : read_jsonl(out / (std::string(split) + ".jsonl"))) all.push_back(r);
  return all;
}

}  // namespace

TEST_CASE("a build of scripts writes one valid record per script", "[data][build]") {
  TempDir tmp("build");
  make_scripts(tmp.path() / "scripts");
  Recipe recipe = script_recipe(tmp.path() / "scripts");
  BuildOptions options;
  options.out_dir = (tmp.path() / "out").string();
  options.jobs = 0;
  options.progress = false;
  BuildSummary s = build_dataset(recipe, options);
  REQUIRE(s.finalized);
  CHECK(s.planned == 9);

  const json schema =
      cad::core::load_json_file(std::string(CAD_SOURCE_DIR) + "/data_schemas/sample.schema.json");
  std::vector<json> records = all_records(tmp.path() / "out");
  std::vector<json> rejected = read_jsonl(tmp.path() / "out" / "rejected.jsonl");
  // Nothing is lost: every planned sample is a record or a reject.
  CHECK(records.size() + rejected.size() == 9);
  CHECK(records.size() == 6);
  std::map<std::string, json> rejects;
  for (const auto& r : rejected) rejects[r["id"]] = r;
  REQUIRE(rejects.count("broken"));
  CHECK(rejects["broken"]["reason"] == "code syntax_error");
  CHECK(rejects["broken"]["error"]["line"].is_number());
  REQUIRE(rejects.count("nothing"));
  CHECK(rejects["nothing"]["reason"] == "code empty");
  REQUIRE(rejects.count("zz_copy_of_block"));
  CHECK(rejects["zz_copy_of_block"]["status"] == "duplicate");
  CHECK(rejects["zz_copy_of_block"]["duplicate_of"] == "block_with_hole");

  for (const auto& r : records) {
    INFO(r["id"]);
    auto errors = cad::core::validate_json(r, schema);
    CHECK(errors.empty());
    for (const auto& e : errors) UNSCOPED_INFO(e);
    CHECK(r["source"] == "script");
    CHECK(r["cot"].size() == 3);
    CHECK_FALSE(r["dimensions"].empty());
    for (const char* key : {"render", "mesh"})
      CHECK(fs::exists(tmp.path() / "out" / r[key].get<std::string>()));
    for (const char* key : {"svg", "png", "dims"})
      CHECK(fs::exists(tmp.path() / "out" / r["drawing"][key].get<std::string>()));
    CHECK(r["step"].is_null());
  }
  json stats = json::parse(slurp(tmp.path() / "out" / "stats.json"));
  CHECK(stats["counts"]["planned"] == 9);
  CHECK(stats["counts"]["duplicates"] == 1);
  CHECK(stats["by_source"]["script"] == 6);
  CHECK_THAT(slurp(tmp.path() / "out" / "stats.md"), Catch::Contains("| script |"));
  // The recipe written next to the data reads back to the same recipe.
  Recipe back = load_recipe((tmp.path() / "out" / "recipe.yaml").string());
  CHECK(recipe_yaml(back) == recipe_yaml(recipe));
}

TEST_CASE("a stopped build resumes to the same dataset", "[data][build]") {
  TempDir tmp("resume");
  make_scripts(tmp.path() / "scripts");
  Recipe recipe = script_recipe(tmp.path() / "scripts");
  BuildOptions whole;
  whole.out_dir = (tmp.path() / "whole").string();
  whole.jobs = 0;
  whole.progress = false;
  build_dataset(recipe, whole);

  BuildOptions part = whole;
  part.out_dir = (tmp.path() / "parts").string();
  part.jobs = 2;  // through isolated workers this time
  part.limit = 4;
  BuildSummary first = build_dataset(recipe, part);
  CHECK_FALSE(first.finalized);
  CHECK(first.built_now == 4);
  CHECK_FALSE(fs::exists(tmp.path() / "parts" / "train.jsonl"));
  // A torn last line, as a kill in the middle of a write leaves it.
  {
    std::ofstream torn(tmp.path() / "parts" / "work" / "records.jsonl", std::ios::app);
    torn << "{\"id\": \"block_with";
  }
  part.limit = 0;
  BuildSummary second = build_dataset(recipe, part);
  CHECK(second.finalized);
  CHECK(second.resumed == 4);
  CHECK(second.built_now == 5);
  for (const char* file :
       {"train.jsonl", "val.jsonl", "test.jsonl", "rejected.jsonl", "stats.json"})
    CHECK(slurp(tmp.path() / "parts" / file) == slurp(tmp.path() / "whole" / file));
  CHECK(slurp(tmp.path() / "parts" / "assets" / "l_bracket_holes" / "drawing.png") ==
        slurp(tmp.path() / "whole" / "assets" / "l_bracket_holes" / "drawing.png"));

  // Another recipe in the same folder is refused instead of mixing samples.
  Recipe other = recipe;
  other.seed = 4;
  CHECK_THROWS_AS(build_dataset(other, part), cad::UsageError);
}

TEST_CASE("splits keep near-identical geometry together", "[data][build]") {
  TempDir tmp("splits");
  fs::create_directories(tmp.path() / "scripts");
  // Plates that differ by less than the group tolerance must share a split.
  for (int i = 0; i < 12; ++i) {
    double w = 40 + 0.05 * i;  // 0.125 % steps: one group
    spit(tmp.path() / "scripts" / ("plate_" + std::to_string(i) + ".py"),
         "import cadquery as cq\nresult = cq.Workplane('XY').box(" + std::to_string(w) +
             ", 20, 5)\n");
  }
  for (int i = 0; i < 12; ++i) {
    double w = 40 + 6.0 * i;  // far apart: separate groups
    spit(tmp.path() / "scripts" / ("bar_" + std::to_string(i) + ".py"),
         "import cadquery as cq\nresult = cq.Workplane('XY').box(" + std::to_string(w) +
             ", 8, 8)\n");
  }
  Recipe recipe = script_recipe(tmp.path() / "scripts");
  recipe.drawings = recipe.renders = recipe.meshes = false;
  recipe.duplicate_tolerance = 0.0005;  // the plates are near-identical, not duplicates
  BuildOptions options;
  options.out_dir = (tmp.path() / "out").string();
  options.jobs = 0;
  options.progress = false;
  BuildSummary s = build_dataset(recipe, options);
  CHECK(s.duplicates == 0);
  std::set<std::string> plate_splits;
  std::map<std::string, std::string> hash_split;
  std::set<std::string> bar_splits;
  for (const auto& r : all_records(tmp.path() / "out")) {
    const std::string id = r["id"];
    if (id.rfind("plate_", 0) == 0) plate_splits.insert(r["split"].get<std::string>());
    if (id.rfind("bar_", 0) == 0) bar_splits.insert(r["split"].get<std::string>());
    auto [it, fresh] = hash_split.emplace(r["geometry_hash"], r["split"]);
    CHECK(it->second == r["split"]);  // no geometry hash straddles splits
  }
  CHECK(plate_splits.size() == 1);
  CHECK(bar_splits.size() >= 2);  // 12 independent groups at 25 % / 25 % / 50 %
}

TEST_CASE("recipes reject what they do not understand", "[data][build]") {
  CHECK_THROWS_WITH(parse_recipe("seed: 1\ncolour: red\n", "r.yaml"),
                    Catch::Contains("r.yaml: colour: unknown key"));
  CHECK_THROWS_WITH(parse_recipe("outputs: {drawing_size: 10}\n", "r.yaml"),
                    Catch::Contains("outputs.drawing_size"));
  CHECK_THROWS_WITH(parse_recipe("splits: {val: 0.7, test: 0.5}\n", "r.yaml"),
                    Catch::Contains("splits"));
  CHECK_THROWS_WITH(parse_recipe("families: {no_such_family: 3}\n", "r.yaml"),
                    Catch::Contains("families.no_such_family"));
  CHECK_THROWS_WITH(parse_recipe("experts: [views, poet]\n", "r.yaml"), Catch::Contains("experts"));
  CHECK_THROWS_WITH(parse_recipe("styles: [fancy]\n", "r.yaml"), Catch::Contains("fancy"));
  CHECK_THROWS_WITH(parse_recipe("cot_length: medium\n", "r.yaml"), Catch::Contains("cot_length"));
  CHECK(parse_recipe("cot_length: short\n", "r.yaml").cot_length == "short");
  CHECK(parse_recipe("seed: 1\n", "r.yaml").cot_length == "full");
  CHECK_THROWS_AS(parse_recipe("[1, 2]", "r.yaml"), cad::UsageError);
  CHECK_THROWS_AS(parse_recipe("seed: [", "r.yaml"), cad::UsageError);
  Recipe r = parse_recipe("name: x\nseed: 9\nsplits: {val: 0.2, test: 0.1, ood_families: [a]}\n",
                          "r.yaml");
  CHECK(r.name == "x");
  CHECK(r.seed == 9);
  CHECK(r.val_fraction == 0.2);
  CHECK(r.ood_families == std::vector<std::string>{"a"});
}

TEST_CASE("geometry hashes are equal for equal solids only", "[data][build]") {
  json a = json::parse(R"({"volume": 1000, "area": 600, "size": [10, 10, 10],
                           "gyration": [4, 4, 4], "faces": 6})");
  json b = a;
  b["size"] = json::array({10, 10, 10.0000001});
  json c = a;
  c["volume"] = 1010;
  CHECK(geometry_hash(geometry_descriptor(a)) == geometry_hash(geometry_descriptor(b)));
  CHECK(geometry_hash(geometry_descriptor(a)) != geometry_hash(geometry_descriptor(c)));
  // Rotation-invariant: the extents are sorted.
  json d = a;
  d["size"] = json::array({10, 10, 10});
  CHECK(geometry_descriptor(d) == geometry_descriptor(a));
}
