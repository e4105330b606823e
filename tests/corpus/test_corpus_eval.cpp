// Corpus test: each CADPrompt expert script against its ground-truth mesh, through cad-eval's
// library.
#include <catch2/catch.hpp>

#include "../corpus_dir.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <BRepBuilderAPI_Copy.hxx>

#include "eval/evaluate.h"
#include "exec/execute.h"
#include "geom/mesh.h"
#include "metrics/iou.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
// ground_truth.stl is a coarse mesh (36 segments per circle): against it the exact solid of a
// thin-walled round part loses IoU to tessellation alone (a 0.013 wall of radius 0.75 loses a
// fifth of its thickness to the chords). Meshed at that resolution too, our solid is compared
// like with like; a case passes when either IoU is above 0.99.
double iou_at_ground_truth_resolution(const std::string& code, const cad::geom::Mesh& gt) {
  auto ex = cad::exec::execute({"x", nullptr, code}, {});
  if (ex.shape.IsNull()) return 0;
  TopoDS_Shape copy = BRepBuilderAPI_Copy(ex.shape, true, false).Shape();
  return cad::metrics::iou(cad::geom::tessellate(copy, 0.1, 0.349), gt).iou;
}
}  // namespace

TEST_CASE("CADPrompt expert scripts against ground_truth.stl: IoU above 0.99", "[corpus]") {
  fs::path dir = fs::path(CAD_CORPUS_DIR) / "cadprompt";
  CAD_REQUIRE_CORPUS(dir);
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir))
    if (fs::exists(e.path() / "expert.py")) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() == 100);
  cad::eval::EvalOptions opt;
  opt.metrics = {"iou", "cd"};
  opt.normalize = cad::geom::Normalization::None;  // both sides are in DeepCAD's frame already
  int passed = 0, exact = 0;
  std::string misses;
  for (const fs::path& c : cases) {
    std::ifstream in(c / "expert.py");
    std::stringstream code;
    code << in.rdbuf();
    std::string id = c.filename().string();
    json r =
        cad::eval::evaluate_pair({{"id", id}, {"code", code.str()}},
                                 {{"id", id}, {"mesh", (c / "ground_truth.stl").string()}}, opt);
    bool ok = r["status"] == "ok" && r["iou"].get<double>() > 0.99;
    double coarse = 0;
    if (!ok && r["status"] == "ok") {
      coarse = iou_at_ground_truth_resolution(
          code.str(), cad::geom::read_mesh((c / "ground_truth.stl").string()));
      ok = coarse > 0.99;
    }
    passed += ok;
    exact += r.value("iou_backend", "") == "mesh";
    if (!ok)
      misses += "  " + id + ": " + r["status"].get<std::string>() + " iou " + r["iou"].dump() +
                " (" + r.value("iou_backend", "-") + ") cd " + r["cd"].dump() +
                ", at ground-truth resolution " + std::to_string(coarse) + " " +
                r.value("iou_note", "") +
                (r["error"].is_null() ? "" : r["error"]["message"].get<std::string>()) + "\n";
  }
  WARN(passed << "/100 expert scripts reach IoU > 0.99 against ground_truth.stl (" << exact
              << " by CGAL mesh booleans)\n"
              << misses);
  // The ground truths that do not come from their script (tests/corpus/KNOWN_MISSES.md) are
  // the only misses expected.
  CHECK(passed >= 87);
  // Every pair but the four whose solids are overlapping bodies (their meshes intersect
  // themselves: voxel fallback) goes through the exact mesh booleans.
  CHECK(exact >= 96);
}
