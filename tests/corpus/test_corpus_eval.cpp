// Corpus test: each CADPrompt expert script against its ground-truth mesh, through cad-eval's library.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "eval/evaluate.h"

namespace fs = std::filesystem;
using nlohmann::json;

TEST_CASE("CADPrompt expert scripts against ground_truth.stl: IoU above 0.99", "[corpus]") {
  fs::path dir = fs::path(CAD_CORPUS_DIR) / "cadprompt";
  if (!fs::is_directory(dir)) {
    WARN("corpus not found at " << dir << ": skipped");
    return;
  }
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir))
    if (fs::exists(e.path() / "expert.py")) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() == 100);
  cad::eval::EvalOptions opt;
  opt.metrics = {"iou", "cd"};
  opt.normalize = cad::geom::Normalization::None;  // both sides are in DeepCAD's frame already
  int passed = 0, boolean = 0;
  std::string misses;
  for (const fs::path& c : cases) {
    std::ifstream in(c / "expert.py");
    std::stringstream code;
    code << in.rdbuf();
    std::string id = c.filename().string();
    json r = cad::eval::evaluate_pair({{"id", id}, {"code", code.str()}},
                                      {{"id", id}, {"mesh", (c / "ground_truth.stl").string()}}, opt);
    bool ok = r["status"] == "ok" && r["iou"].get<double>() > 0.99;
    passed += ok;
    boolean += r.value("iou_method", "") == "boolean";
    if (!ok) misses += "  " + id + ": " + r.dump() + "\n";
  }
  WARN(passed << "/100 expert scripts reach IoU > 0.99 against ground_truth.stl (" << boolean
              << " by exact booleans)\n" << misses);
  // The ground truths that do not come from their script (tests/corpus/KNOWN_MISSES.md) are
  // the only misses expected.
  CHECK(passed >= 94);
}
