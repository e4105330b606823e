// cad-eval's library: per-pair metrics, primitive F1, plane term, summaries, with hand-derived
// answers.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "core/json_schema.h"
#include "eval/evaluate.h"
#include "exec/execute.h"
#include "geom/shape_io.h"

using cad::eval::EvalOptions;
using nlohmann::json;

namespace {

json schema() {
  static json s =
      cad::core::load_json_file(std::string(CAD_SOURCE_DIR) + "/data_schemas/eval.schema.json");
  return s;
}

json evaluate(const std::string& pred_code, const std::string& gt_code, EvalOptions opt = {}) {
  json r = cad::eval::evaluate_pair({{"id", "a"}, {"sample", 0}, {"code", pred_code}},
                                    {{"id", "a"}, {"code", gt_code}}, opt);
  INFO(r.dump(2));
  for (const auto& e : cad::core::validate_json(r, schema())) UNSCOPED_INFO(e);
  CHECK(cad::core::validate_json(r, schema()).empty());
  return r;
}

const char* kBox = "import cadquery as cq\nr = cq.Workplane().box(1, 1, 1)\n";

}  // namespace

TEST_CASE("identical solids give IoU 1, IoU_best 1, F1 1 and CD near 0", "[eval]") {
  json r = evaluate(kBox, kBox);
  REQUIRE(r["status"] == "ok");
  CHECK(r["iou"].get<double>() == Approx(1.0).margin(1e-9));
  CHECK(r["iou_backend"] == "occt");
  CHECK(r["iou_best"].get<double>() == Approx(1.0).margin(1e-6));
  // Two independent 8192-point samplings of one unit cube: each point's nearest neighbour on
  // the other side is about a sample spacing (sqrt(6 / 8192) ~ 0.027) away, so CD x1000 stays
  // well below 1 while a 10 % shift already gives tens (see below).
  CHECK(r["cd"].get<double>() < 0.5);
  CHECK(r["f1"].get<double>() > 0.99);
}

TEST_CASE("two unit cubes offset by 0.5 along X give IoU 1/3", "[eval]") {
  EvalOptions opt;
  opt.normalize = cad::geom::Normalization::None;
  json r = evaluate(
      "import cadquery as cq\nr = cq.Workplane().box(1, 1, 1).translate((0.5, 0, 0))\n", kBox, opt);
  CHECK(r["iou"].get<double>() == Approx(1.0 / 3).epsilon(1e-9));
  // Unit-cube normalization makes them the same again.
  json same = evaluate(
      "import cadquery as cq\nr = cq.Workplane().box(1, 1, 1).translate((0.5, 0, 0))\n", kBox);
  CHECK(same["iou"].get<double>() == Approx(1.0).margin(1e-9));
}

TEST_CASE("a rotated, translated and scaled copy: IoU_best high, plain IoU low", "[eval]") {
  const char* part =
      "import cadquery as cq\nr = cq.Workplane().box(4, 2, 1).union(cq.Workplane().box(1, 1, "
      "3).translate((1.5, 0, 1)))\n";
  const char* moved =
      "import cadquery as cq\nr = (cq.Workplane().box(4, 2, 1).union(cq.Workplane().box(1, 1, "
      "3).translate((1.5, 0, 1)))"
      ".rotate((0, 0, 0), (1, 1, 0), 70).translate((3, -2, 5)))\nr = "
      "cq.Workplane().add(r.val().scale(2.5))\n";
  EvalOptions opt;
  opt.normalize = cad::geom::Normalization::None;
  json r = evaluate(moved, part, opt);
  REQUIRE(r["status"] == "ok");
  CHECK(r["iou_best"].get<double>() > 0.99);
  CHECK(r["iou"].get<double>() < 0.2);
}

TEST_CASE("a prediction that fails to execute is exec_failed with the cad-exec status", "[eval]") {
  json r = evaluate("import os\n", kBox);
  CHECK(r["status"] == "exec_failed");
  CHECK(r["pred_status"] == "runtime_error");
  CHECK(r["error"]["type"] == "SecurityError");
  CHECK(r["cd"].is_null());
}

TEST_CASE("metrics are deterministic for a seed and change with it", "[eval]") {
  const char* cyl = "import cadquery as cq\nr = cq.Workplane().cylinder(2, 0.5)\n";
  EvalOptions opt;
  opt.metrics = {"cd", "f1"};
  double a = evaluate(cyl, kBox, opt)["cd"], b = evaluate(cyl, kBox, opt)["cd"];
  CHECK(a == b);
  opt.seed = 7;
  double c = evaluate(cyl, kBox, opt)["cd"];
  CHECK(c != a);
  CHECK(c == Approx(a).epsilon(0.1));
}

TEST_CASE("primitive F1 follows Text2CAD: per type min/precision/recall, mean over types",
          "[eval]") {
  // lines: pred 4, gt 6 -> P 1, R 2/3, F1 0.8; circles: pred 2, gt 0 -> 0; extrusions 1/1 -> 1.
  json r = cad::eval::primitive_f1({{"line", 4}, {"circle", 2}, {"extrude", 1}},
                                   {{"line", 6}, {"extrude", 1}});
  CHECK(r["by_type"]["line"].get<double>() == Approx(0.8));
  CHECK(r["by_type"]["circle"].get<double>() == 0);
  CHECK(r["by_type"]["extrusion"].get<double>() == 1);
  CHECK_FALSE(r["by_type"].contains("arc"));
  CHECK(r["mean"].get<double>() == Approx(1.8 / 3));
  CHECK(cad::eval::primitive_f1(json::object(), json::object()).is_null());
}

TEST_CASE("the plane term of CME-CAD", "[eval]") {
  json xy = {{"origin", {0, 0, 0}}, {"x_dir", {1, 0, 0}}, {"normal", {0, 0, 1}}};
  CHECK(cad::eval::plane_reward(xy, xy, 1, 1) == Approx(1));
  json shifted = {{"origin", {0.3, 0.4, 0}}, {"x_dir", {1, 0, 0}}, {"normal", {0, 0, 1}}};
  CHECK(cad::eval::plane_reward(shifted, xy, 2, 1) == Approx(1 - 2 * 0.5));
  // x turned 90 degrees in the plane: cos(x) = cos(y) = 0, so the axis term is gamma.
  json turned = {{"origin", {0, 0, 0}}, {"x_dir", {0, 1, 0}}, {"normal", {0, 0, 1}}};
  CHECK(cad::eval::plane_reward(turned, xy, 1, 0.5) == Approx(1 - 0.5));
  // the code path: two scripts on XZ vs XY
  EvalOptions opt;
  opt.metrics = {"plane"};
  json r = evaluate("import cadquery as cq\nr = cq.Workplane('XZ').box(1, 1, 1)\n", kBox, opt);
  // XZ: x (1,0,0), normal (0,-1,0) -> y = (0,0,1); XY: y = (0,1,0): cos(x) 1, cos(y) 0.
  CHECK(r["plane"].get<double>() == Approx(1 - 0.5));
}

TEST_CASE("the summary: IR, exec rate, first sample and best of k", "[eval]") {
  std::vector<json> recs = {
      {{"id", "a"}, {"sample", 0}, {"status", "ok"}, {"cd", 2.0}, {"iou", 0.5}},
      {{"id", "a"}, {"sample", 1}, {"status", "ok"}, {"cd", 1.0}, {"iou", 0.9}},
      {{"id", "b"}, {"sample", 0}, {"status", "exec_failed"}, {"cd", nullptr}},
      {{"id", "b"}, {"sample", 1}, {"status", "ok"}, {"cd", 4.0}, {"iou", 0.7}},
      {{"id", "c"}, {"sample", 0}, {"status", "exec_failed"}},
      {{"id", "c"}, {"sample", 1}, {"status", "exec_failed"}},
      {{"id", "d"}, {"sample", nullptr}, {"status", "no_prediction"}},
      {{"id", "z"}, {"sample", 0}, {"status", "no_ground_truth"}},
  };
  json s = cad::eval::summarize(recs, 0, EvalOptions{});
  CHECK(s["ids"] == 4);                                       // a b c d; z has no ground truth
  CHECK(s["invalidity_ratio"].get<double>() == Approx(0.5));  // c and d
  CHECK(s["exec_rate"].get<double>() == Approx(3.0 / 6));     // 6 predictions, 3 executed
  CHECK(s["samples_per_id"] == 2);
  CHECK(s["first_sample"]["mean_cd"].get<double>() == Approx(2.0));  // only a's first is ok
  CHECK(s["best_of_k"]["mean_cd"].get<double>() == Approx((1.0 + 4.0) / 2));
  CHECK(s["best_of_k"]["mean_iou"].get<double>() == Approx((0.9 + 0.7) / 2));
  CHECK(s["best_of_k"]["median_cd"].get<double>() == Approx(2.5));
  std::string md = cad::eval::summary_markdown(s);
  CHECK(md.find("best of 2") != std::string::npos);
  CHECK(md.find("| 50.00 |") != std::string::npos);
}

TEST_CASE(
    "a ground truth loaded once per process serves every sample of its id, and a "
    "rewritten file is read again",
    "[eval]") {
  // The k samples of an id share one loaded ground truth (cad-eval best-of-k, cad-rl's G
  // rollouts); the cache must not change a result.
  const char* kBig = "import cadquery as cq\nr = cq.Workplane().box(2, 1, 1)\n";
  // Unit-cube normalization: the 1 x 1 x 1 box against the 2 x 1 x 1 one scaled to 1 x 0.5 x 0.5.
  EvalOptions iou_only;
  iou_only.metrics = {"iou"};
  for (int round = 0; round < 3; ++round) {
    CHECK(evaluate(kBox, kBig, iou_only)["iou"].get<double>() == Approx(0.25).margin(1e-9));
    CHECK(evaluate(kBig, kBig, iou_only)["iou"].get<double>() == Approx(1).margin(1e-9));
    // The same ground truth with the surface metrics: CD needs the surface the iou-only load
    // did not make.
    json full = evaluate(kBox, kBig);
    CHECK(full["cd"].is_number());
    CHECK(full["iou"].get<double>() == Approx(0.25).margin(1e-9));
  }
  // A ground-truth file rewritten between two calls is read again.
  const std::string dir = std::string(CAD_BIN_DIR) + "/../test_eval_cache";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/gt.step";
  for (const char* gt : {kBig, kBox}) {
    auto ex = cad::exec::execute({"g", nullptr, gt}, {});
    REQUIRE(!ex.shape.IsNull());
    std::filesystem::remove(path);
    cad::geom::write_shape(ex.shape, path);
    json r = cad::eval::evaluate_pair({{"id", "a"}, {"sample", 0}, {"code", kBox}},
                                      {{"id", "a"}, {"step", path}}, iou_only);
    CHECK(r["iou"].get<double>() == Approx(gt == kBig ? 0.25 : 1.0).margin(1e-9));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("dimension matching: kinds, features, counts, tolerance, one use per dimension",
          "[eval][dims]") {
  using cad::eval::match_dimensions;
  const json drawing = json::parse(R"([
    {"kind": "linear", "feature": "overall width", "value": 60.0, "label": "60"},
    {"kind": "linear", "feature": "overall width", "value": 60.0, "label": "60"},
    {"kind": "diameter", "feature": "hole", "value": 5.5, "count": 2, "label": "2x 5.5"},
    {"kind": "chamfer", "feature": "chamfer", "value": 1.0, "legs": [1.0, 2.0], "label": "1 x 2"},
    {"kind": "angle", "feature": "taper", "value": 30.0, "label": "30"}
  ])");
  // Against itself: everything.
  auto self = match_dimensions(drawing, drawing);
  CHECK(self.total == 5);
  CHECK(self.matched == 5);
  CHECK(self.share() == 1.0);
  CHECK(self.missed.empty());
  // 60.5 is within 1 % of 60 (0.6); one width drawn once serves one of the two; three holes
  // are not two; a chamfer's second leg must agree too; 30.4 degrees is within 0.5.
  const json solid = json::parse(R"([
    {"kind": "linear", "feature": "overall width", "value": 60.5},
    {"kind": "diameter", "feature": "hole", "value": 5.5, "count": 3},
    {"kind": "chamfer", "feature": "chamfer", "value": 1.0, "legs": [1.0, 2.5]},
    {"kind": "angle", "feature": "taper", "value": 30.4},
    {"kind": "radius", "feature": "overall width", "value": 60.0}
  ])");
  auto m = match_dimensions(drawing, solid);
  CHECK(m.total == 5);
  CHECK(m.matched == 2);  // one width, the angle
  CHECK(m.share() == Approx(0.4));
  CHECK(m.missed == json::array({"60", "2x 5.5", "1 x 2"}));
  // Tighter tolerances: 60.5 misses 60 at 0.5 %, and 30.4 misses at 0.1 degree.
  cad::eval::DimsTolerance tight;
  tight.relative = 0.005;
  tight.absolute = 0.1;
  tight.degrees = 0.1;
  CHECK(match_dimensions(drawing, solid, tight).matched == 0);
  // Not a list: a clear error.
  CHECK_THROWS_WITH(match_dimensions(json::object(), drawing), Catch::Contains("JSON list"));
  CHECK_THROWS_WITH(match_dimensions(json::array({json{{"kind", "linear"}}}), drawing),
                    Catch::Contains("dimension 0"));
}

TEST_CASE("the dims metric: a part against itself is 1, a changed hole diameter misses one",
          "[eval][dims]") {
  // A plate with four corner holes and one larger central bore; the variant widens the bore
  // only, so its drawing differs from the original's in that one diameter.
  auto plate = [](double bore) {
    return "import cadquery as cq\n"
           "r = (cq.Workplane('XY').box(80, 50, 10)\n"
           "     .faces('>Z').workplane().rect(60, 30, forConstruction=True).vertices().hole(6)\n"
           "     .faces('>Z').workplane().hole(" +
           std::to_string(bore) + "))\n";
  };
  EvalOptions opt;
  opt.metrics = {"dims"};
  json same = evaluate(plate(20), plate(20), opt);
  REQUIRE(same["status"] == "ok");
  CHECK(same["dims"].get<double>() == 1.0);
  const int total = same["dims_total"];
  CHECK(total >= 5);  // overall extents in three views, the holes, their positions
  json wider = evaluate(plate(24), plate(20), opt);
  REQUIRE(wider["status"] == "ok");
  CHECK(wider["dims_total"] == total);
  CHECK(wider["dims_matched"] == total - 1);
  CHECK(wider["dims_missed"] == json::array({"Ø20"}));
  CHECK(wider["dims"].get<double>() == Approx(double(total - 1) / total));
  // The ground truth's own dimensions list (a dataset record's `dimensions`) is what counts
  // when present: one made-up dimension no plate has is missed by both.
  json gt = {
      {"id", "a"},
      {"code", plate(20)},
      {"dimensions",
       json::array(
           {{{"kind", "linear"}, {"feature", "overall width"}, {"value", 80.0}, {"label", "80"}},
            {{"kind", "diameter"}, {"feature", "hole"}, {"value", 33.0}, {"label", "Ø33"}}})}};
  json listed =
      cad::eval::evaluate_pair({{"id", "a"}, {"sample", 0}, {"code", plate(20)}}, gt, opt);
  CHECK(listed["dims_total"] == 2);
  CHECK(listed["dims_matched"] == 1);
  CHECK(listed["dims_missed"] == json::array({"Ø33"}));
  // The summary's mean and its markdown line.
  wider["id"] = "b";
  json s = cad::eval::summarize({same, wider}, 2, opt);
  CHECK(s["first_sample"]["mean_dims"].get<double>() ==
        Approx((1.0 + double(total - 1) / total) / 2));
  CHECK(cad::eval::summary_markdown(s).find("dimension agreement") != std::string::npos);
}
