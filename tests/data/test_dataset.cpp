// A small procedural build: every record valid, code and code_param the same solid, distinct
// expert chains of thought that use the drawing's dimensions, splits apart by geometry.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>

#include "core/json_schema.h"
#include "data/build.h"
#include "data/families.h"
#include "data_test_util.h"
#include "exec/execute.h"

using namespace cad::data;
using cad::test::read_jsonl;
using cad::test::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

/// Two parts of every family, small pictures, no STEP: the build the tests share.
const fs::path& small_build() {
  static TempDir dir("dataset");
  static bool built = false;
  if (!built) {
    Recipe r;
    r.name = "small";
    r.seed = 21;
    for (const auto& f : families()) r.families.push_back({f.name, 2, {}, {}, {}});
    r.drawing_size = 384;
    r.render_size = 64;
    r.solids = false;
    r.val_fraction = 0.2;
    r.test_fraction = 0.2;
    r.ood_families = {"wedge"};
    BuildOptions options;
    options.out_dir = dir.str();
    options.jobs = 0;
    options.progress = false;
    BuildSummary s = build_dataset(r, options);
    REQUIRE(s.finalized);
    built = true;
  }
  static const fs::path path = dir.path();
  return path;
}

std::vector<json> records(const fs::path& out) {
  std::vector<json> all;
  for (const char* split : {"train", "val", "test", "test_ood"})
    for (auto& r : read_jsonl(out / (std::string(split) + ".jsonl"))) all.push_back(r);
  return all;
}

}  // namespace

TEST_CASE("every record of a small build validates against the schema", "[data][dataset]") {
  const auto out = small_build();
  const json schema =
      cad::core::load_json_file(std::string(CAD_SOURCE_DIR) + "/data_schemas/sample.schema.json");
  auto all = records(out);
  auto rejected = read_jsonl(out / "rejected.jsonl");
  CHECK(all.size() + rejected.size() == 2 * families().size());
  CHECK(rejected.size() <= 2);  // a rare geometry failure may be rejected, never lost
  for (const auto& r : rejected) {
    INFO(r.dump());
    CHECK((r["status"] == "rejected" || r["status"] == "duplicate"));
  }
  std::set<std::string> families_seen;
  for (const auto& r : all) {
    INFO(r["id"]);
    auto errors = cad::core::validate_json(r, schema);
    for (const auto& e : errors) UNSCOPED_INFO(e);
    CHECK(errors.empty());
    CHECK(fs::exists(out / r["drawing"]["png"].get<std::string>()));
    CHECK(fs::exists(out / r["render"].get<std::string>()));
    CHECK(fs::exists(out / r["mesh"].get<std::string>()));
    CHECK(r["n_curves"].get<int>() > 0);
    families_seen.insert(r["family"]);
    if (r["family"] == "wedge")
      CHECK(r["split"] == "test_ood");
    else
      CHECK(r["split"] != "test_ood");
  }
  CHECK(families_seen.size() >= families().size() - 1);
}

TEST_CASE("every code and code_param executes with the same solid", "[data][dataset]") {
  int with_param = 0;
  for (const auto& r : records(small_build())) {
    INFO(r["id"]);
    auto a = cad::exec::execute({r["id"], nullptr, r["code"]}, {});
    REQUIRE(a.record["status"] == "ok");
    CHECK(a.record["volume"].get<double>() ==
          Approx(r["stats"]["volume"].get<double>()).epsilon(1e-9));
    if (r["code_param"].is_null()) continue;
    ++with_param;
    CHECK(r["code_param_check"]["iou"].get<double>() >= 0.999);
    auto b = cad::exec::execute({r["id"], nullptr, r["code_param"]}, {});
    REQUIRE(b.record["status"] == "ok");
    CHECK(b.record["volume"].get<double>() ==
          Approx(a.record["volume"].get<double>()).epsilon(1e-6));
    for (int i = 0; i < 3; ++i) {
      CHECK(b.record["bbox"]["min"][i].get<double>() ==
            Approx(a.record["bbox"]["min"][i].get<double>()).margin(1e-6));
      CHECK(b.record["bbox"]["max"][i].get<double>() ==
            Approx(a.record["bbox"]["max"][i].get<double>()).margin(1e-6));
    }
  }
  CHECK(with_param > 0);
}

TEST_CASE("each expert's CoT differs from the others and uses the drawing's dimensions",
          "[data][dataset]") {
  for (const auto& r : records(small_build())) {
    INFO(r["id"]);
    REQUIRE(r["cot"].size() == 3);
    std::set<std::string> texts, experts;
    for (const auto& c : r["cot"]) {
      texts.insert(c["text"].get<std::string>());
      experts.insert(c["expert"].get<std::string>());
      CHECK((c["code"] == r["code"] || c["code"] == r["code_param"]));
    }
    CHECK(texts.size() == 3);
    CHECK(experts == std::set<std::string>{"views", "planner", "coords"});
    // Every expert mentions dimensions of the drawing: the overall extents at least.
    std::vector<std::string> extents;
    for (const auto& d : r["dimensions"])
      if (d["feature"].get<std::string>().rfind("overall", 0) == 0)
        extents.push_back(d["label"].get<std::string>());
    REQUIRE_FALSE(extents.empty());
    for (const auto& c : r["cot"]) {
      const std::string text = c["text"];
      int found = 0;
      for (const auto& e : extents) found += text.find(e) != std::string::npos;
      CHECK(found > 0);
    }
    // The views expert reads every dimension label of the drawing.
    const std::string views = r["cot"][0]["text"];
    for (const auto& d : r["dimensions"]) {
      const double v = d["value"].get<double>();
      CHECK(views.find(num(v)) != std::string::npos);
    }
  }
}

TEST_CASE("splits share no geometry hash", "[data][dataset]") {
  std::map<std::string, std::string> split_of_hash;
  std::map<std::string, int> per_split;
  for (const auto& r : records(small_build())) {
    auto [it, fresh] = split_of_hash.emplace(r["geometry_hash"], r["split"]);
    CHECK(it->second == r["split"]);
    per_split[r["split"]]++;
  }
  CHECK(per_split["train"] > 0);
  CHECK(per_split["test_ood"] > 0);
}
