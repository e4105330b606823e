#include <catch2/catch.hpp>

#include "core/error.h"
#include "data/cot.h"

using namespace cad::data;
using nlohmann::json;

namespace {

Part block_part() {
  Part p;
  p.family = "block_hole";
  p.level = Level::SE;
  p.style = "chain";
  p.params = {{"width", 40, "overall width along X"},
              {"depth", 20, "overall depth along Y"},
              {"height", 10, "overall height along Z"},
              {"hole_d", 6, "hole diameter"}};
  p.features = {{"base", "a 40 x 20 mm rectangle extruded 10 mm along +Z", {}},
                {"hole",
                 "a through hole of diameter 6 mm",
                 {"the block is centred on the origin, so its left edge is at x = -20",
                  "the hole centre, 10 mm from it, is at x = -20 + 10 = -10"}}};
  p.code = "import cadquery as cq\nresult = cq.Workplane('XY').box(40, 20, 10)\n";
  p.code_param =
      "import cadquery as cq\nwidth = 40\nresult = cq.Workplane('XY').box(width, 20, 10)\n";
  p.text_abstract = "A rectangular block with one through hole.";
  return p;
}

json block_dims() {
  return json::parse(R"([
    {"kind": "linear", "value": 40, "label": "40", "view": "front", "feature": "overall width"},
    {"kind": "linear", "value": 10, "label": "10", "view": "front", "feature": "overall height"},
    {"kind": "linear", "value": 20, "label": "20", "view": "top", "feature": "overall depth"},
    {"kind": "diameter", "value": 6, "label": "Ø6", "view": "top", "feature": "hole"},
    {"kind": "position", "value": 10, "label": "10", "view": "top",
     "feature": "hole centre from left edge"},
    {"kind": "position", "value": 5, "label": "5", "view": "top",
     "feature": "hole centre from bottom edge"}
  ])");
}

json block_stats() {
  return json::parse(R"({"size": [40, 20, 10], "bbox": {"min": [-20, -10, -5], "max": [20, 10, 5]},
    "first_plane": {"origin": [0, 0, 0], "x_dir": [1, 0, 0], "normal": [0, 0, 1]}})");
}

}  // namespace

TEST_CASE("each expert writes its own reasoning and ends in code", "[data][cot]") {
  Part part = block_part();
  std::vector<Cot> cots;
  for (const auto& e : expert_names())
    cots.push_back(write_cot(e, part, block_dims(), block_stats()));
  REQUIRE(cots.size() == 3);
  for (std::size_t i = 0; i < cots.size(); ++i) {
    CHECK(cots[i].expert == expert_names()[i]);
    CHECK_FALSE(cots[i].code.empty());
    for (std::size_t j = i + 1; j < cots.size(); ++j) CHECK(cots[i].text != cots[j].text);
  }
  // The views expert reads every dimension of the drawing.
  for (const char* needle :
       {"40 mm", "20 mm", "10 mm", "diameter 6 mm", "Ø6", "Front view", "Top view"})
    CHECK_THAT(cots[0].text, Catch::Contains(needle));
  // The planner names the dimensions and ends in the parameterized code.
  CHECK_THAT(cots[1].text, Catch::Contains("width = 40"));
  CHECK_THAT(cots[1].text, Catch::Contains("Base feature: a 40 x 20 mm rectangle"));
  CHECK(cots[1].code == part.code_param);
  // The coordinate expert derives placements and checks the extents.
  CHECK_THAT(cots[2].text, Catch::Contains("x = -20 + 10 = -10"));
  CHECK_THAT(cots[2].text, Catch::Contains("x from -20 to 20"));
  CHECK_THAT(cots[2].text, Catch::Contains("overall width 40 = 40 mm"));
  CHECK(cots[2].code == part.code);
}

TEST_CASE("the planner falls back to hard-coded code without code_param", "[data][cot]") {
  Part part = block_part();
  part.code_param.clear();
  Cot c = write_cot("planner", part, block_dims(), block_stats());
  CHECK(c.code == part.code);
  CHECK(write_cot("planner", block_part(), block_dims(), block_stats(), false).code == part.code);
}

TEST_CASE("experts cope with a part without features or dimensions", "[data][cot]") {
  Part part;
  part.family = "script";
  part.code = "result = 1\n";
  json stats = json::parse(R"({"size": [1, 2, 3], "ops": {"extrude": 2, "hole": 1}})");
  for (const auto& e : expert_names()) {
    Cot c = write_cot(e, part, json::array(), stats);
    CHECK_FALSE(c.text.empty());
    CHECK(c.code == part.code);
  }
  CHECK_THAT(write_cot("planner", part, json::array(), stats).text,
             Catch::Contains("2 extrudes, 1 hole"));
}

TEST_CASE("short chains of thought: three distinct styles of notes, far shorter", "[data][cot]") {
  Part part = block_part();
  std::vector<Cot> brief, full;
  for (const auto& e : expert_names()) {
    brief.push_back(write_cot(e, part, block_dims(), block_stats(), true, true));
    full.push_back(write_cot(e, part, block_dims(), block_stats()));
  }
  // The views notes: each view's labels with their features, then the size.
  CHECK(brief[0].text ==
        "front: 40 width, 10 height\n"
        "top: 20 depth, Ø6 hole, 10 hole centre from left edge, 5 hole centre from bottom edge\n"
        "size 40 x 20 x 10");
  // The planner: feature kinds in modelling order, the named dimensions; parameterized code.
  CHECK(brief[1].text == "plan: base, hole\nparams: width=40, depth=20, height=10, hole_d=6");
  CHECK(brief[1].code == part.code_param);
  // The coordinate notes: the first workplane and the extents.
  CHECK(brief[2].text == "origin (0, 0, 0) normal (0, 0, 1)\nx -20..20, y -10..10, z -5..5");
  CHECK(brief[2].code == part.code);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(brief[i].expert == expert_names()[i]);
    CHECK(brief[i].code == full[i].code);
    CHECK(brief[i].text.size() * 2 < full[i].text.size());
    for (std::size_t j = i + 1; j < 3; ++j) CHECK(brief[i].text != brief[j].text);
  }
  // Without features, dimensions or a frame they still say something.
  Part bare;
  bare.code = "result = 1\n";
  const json stats = json::parse(R"({"size": [1, 2, 3]})");
  CHECK(write_cot("planner", bare, json::array(), stats, true, true).text ==
        "plan: body 1 x 2 x 3");
  CHECK(write_cot("coords", bare, json::array(), stats, true, true).text ==
        "frame: the default XY workplane");
  CHECK(write_cot("views", bare, json::array(), stats, true, true).text == "size 1 x 2 x 3");
}

TEST_CASE("unknown experts are usage errors", "[data][cot]") {
  CHECK_THROWS_AS(write_cot("poet", block_part(), block_dims(), block_stats()), cad::UsageError);
  CHECK_THROWS_AS(expert_prompt("poet"), cad::UsageError);
  for (const auto& e : expert_names()) CHECK_THAT(expert_prompt(e), Catch::Contains("result"));
}
