// render/drawing: dimensions of a block with a hole, SVG well-formedness, PNG output.
#include <catch2/catch.hpp>

#include <BRepPrimAPI_MakeCylinder.hxx>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "exec/execute.h"
#include "render/drawing.h"
#include "test_fixtures.h"

using namespace cad::render;

namespace {

bool has(const std::vector<Dimension>& dims, DimensionKind kind, ViewKind view, double value) {
  for (const Dimension& d : dims)
    if (d.kind == kind && d.view == view && std::abs(d.value - value) < 1e-6) return true;
  return false;
}

/// A minimal XML well-formedness check: tags nest and close, attributes are quoted.
bool well_formed_xml(const std::string& text) {
  std::vector<std::string> stack;
  std::size_t i = 0;
  while ((i = text.find('<', i)) != std::string::npos) {
    const std::size_t end = text.find('>', i);
    if (end == std::string::npos) return false;
    std::string tag = text.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.empty()) return false;
    if (tag[0] == '?' || tag[0] == '!') continue;
    std::size_t quotes = 0;
    for (char c : tag) quotes += c == '"';
    if (quotes % 2) return false;
    if (tag[0] == '/') {
      if (stack.empty() || stack.back() != tag.substr(1)) return false;
      stack.pop_back();
    } else if (tag.back() != '/') {
      stack.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
  }
  return stack.empty();
}

}  // namespace

TEST_CASE("format_value drops trailing zeros", "[drawing]") {
  CHECK(format_value(40, 1) == "40");
  CHECK(format_value(2.5, 2) == "2.5");
  CHECK(format_value(1.0 / 3, 2) == "0.33");
  CHECK(format_value(0.126, 1) == "0.13");  // two significant digits at least
  CHECK(format_value(0.04, 1) == "0.04");
  CHECK(format_value(0.7, 1) == "0.7");
  CHECK(format_value(0, 1) == "0");
  CHECK(format_value(40.04, 1) == "40");
}

TEST_CASE("block 40x20x10 with a hole gets extents, diameter and position", "[drawing]") {
  Drawing d = make_drawing(block_with_hole(), {512, 1, 2});
  const auto& dims = d.dimensions;
  CHECK(has(dims, DimensionKind::Linear, ViewKind::Front, 40));
  CHECK(has(dims, DimensionKind::Linear, ViewKind::Front, 10));
  CHECK(has(dims, DimensionKind::Linear, ViewKind::Top, 40));
  CHECK(has(dims, DimensionKind::Linear, ViewKind::Top, 20));
  CHECK(has(dims, DimensionKind::Linear, ViewKind::Left, 20));
  CHECK(has(dims, DimensionKind::Linear, ViewKind::Left, 10));
  CHECK(has(dims, DimensionKind::Diameter, ViewKind::Top, 6));
  CHECK(has(dims, DimensionKind::Position, ViewKind::Top, 10));
  CHECK(has(dims, DimensionKind::Position, ViewKind::Top, 5));
  CHECK_FALSE(has(dims, DimensionKind::Diameter, ViewKind::Front, 6));
  bool labelled = false;
  for (const Dimension& dim : dims) labelled |= dim.label == "\u00D86";
  CHECK(labelled);
  nlohmann::json j = dimensions_json(d, 1);
  CHECK(j.size() == dims.size());
  CHECK(j[0].contains("kind"));
  CHECK(j[0].contains("view"));
  CHECK(j[0].contains("feature"));
}

TEST_CASE("equal holes in a view are labelled once with a count", "[drawing]") {
  TopoDS_Shape plate = BRepPrimAPI_MakeBox(60, 40, 5).Shape();
  for (double x : {10.0, 50.0})
    for (double y : {10.0, 30.0})
      plate = BRepAlgoAPI_Cut(
                  plate,
                  BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(x, y, -1), gp_Dir(0, 0, 1)), 2, 7).Shape())
                  .Shape();
  Drawing d = make_drawing(plate, {600, 1, 2});
  int diameters = 0;
  for (const Dimension& dim : d.dimensions)
    if (dim.kind == DimensionKind::Diameter) {
      ++diameters;
      CHECK(dim.count == 4);
      CHECK(dim.label == "4\u00D7 \u00D84");
    }
  CHECK(diameters == 1);
  // A 2 x 2 grid: the first hole from the edges (10, 10) and the pitches (40, 20) once each,
  // not every hole's position.
  CHECK(has(d.dimensions, DimensionKind::Position, ViewKind::Top, 10));
  CHECK_FALSE(has(d.dimensions, DimensionKind::Position, ViewKind::Top, 50));
  CHECK_FALSE(has(d.dimensions, DimensionKind::Position, ViewKind::Top, 30));
  int pitches = 0;
  for (const Dimension& dim : d.dimensions)
    if (dim.feature == "hole pitch") {
      ++pitches;
      CHECK(dim.view == ViewKind::Top);
      CHECK(dim.value == Approx(dim.horizontal ? 40 : 20));
      CHECK(dim.label == (dim.horizontal ? "40" : "20"));
    }
  CHECK(pitches == 2);
  nlohmann::json j = dimensions_json(d, 1);
  bool counted = false;
  for (const auto& e : j) counted |= e.value("count", 1) == 4;
  CHECK(counted);
}

TEST_CASE("steps get heights, widths and depths", "[drawing]") {
  // A 40 x 20 x 20 block with the right upper quarter removed (x 20..40, z 10..20) and a notch
  // at the back left (x 0..20, y 10..20, z 15..20).
  TopoDS_Shape part = BRepPrimAPI_MakeBox(40, 20, 20).Shape();
  part = BRepAlgoAPI_Cut(part, BRepPrimAPI_MakeBox(gp_Pnt(20, -1, 10), gp_Pnt(41, 21, 21)).Shape())
             .Shape();
  part = BRepAlgoAPI_Cut(part, BRepPrimAPI_MakeBox(gp_Pnt(-1, 10, 15), gp_Pnt(20, 21, 21)).Shape())
             .Shape();
  Drawing d = make_drawing(part, {600, 1, 2});
  auto feature = [&](const std::string& name, ViewKind view, double value) {
    for (const Dimension& dim : d.dimensions)
      if (dim.feature == name && dim.view == view && std::abs(dim.value - value) < 1e-6)
        return true;
    return false;
  };
  CHECK(feature("step height", ViewKind::Front, 10));
  CHECK(feature("step height", ViewKind::Front, 15));
  CHECK(feature("step width", ViewKind::Front, 20));
  CHECK(feature("step depth", ViewKind::Left, 10));
  CHECK(has(d.dimensions, DimensionKind::Linear, ViewKind::Front, 40));
  CHECK(has(d.dimensions, DimensionKind::Linear, ViewKind::Front, 20));
}

TEST_CASE("drawing fits the page and the SVG is well-formed", "[drawing]") {
  Drawing d = make_drawing(block_with_hole(), {600, 1, 2});
  for (const PagePolyline& line : d.lines)
    for (const Point2& p : line.points) {
      CHECK(p.x >= 0);
      CHECK(p.x <= 600);
      CHECK(p.y >= 0);
      CHECK(p.y <= 600);
    }
  const std::string svg = to_svg(d);
  CHECK(well_formed_xml(svg));
  CHECK(svg.find("stroke-dasharray") != std::string::npos);            // hidden edges
  CHECK(svg.find("<circle") != std::string::npos);                     // the hole as a circle
  CHECK(to_svg(make_drawing(block_with_hole(), {600, 1, 2})) == svg);  // deterministic
}

TEST_CASE("PNG is written", "[drawing]") {
  Drawing d = make_drawing(block_with_hole(), {256, 1, 1.5});
  const std::string path =
      (std::filesystem::temp_directory_path() / "cad_render_test_drawing.png").string();
  write_png(d, path);
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  CHECK(std::string(magic + 1, 3) == "PNG");
  std::remove(path.c_str());
  CHECK_THROWS_AS(write_png(d, "/nonexistent-dir/x.png"), cad::Error);
}

TEST_CASE("labels of a busier part do not overlap", "[drawing]") {
  // Show that the flanged bracket (boss, bore, cross hole, rounded corners) gets its
  // dimensions, and that no two labels sit on each other.
  std::ifstream in(std::string(CAD_SOURCE_DIR) + "/examples/parts/flanged_bracket.py");
  std::stringstream code;
  code << in.rdbuf();
  cad::exec::Execution ex =
      cad::exec::execute(cad::exec::ExecTask{"bracket", nullptr, code.str()}, {});
  REQUIRE(ex.record["status"] == "ok");
  Drawing d = make_drawing(ex.shape, {800, 1, 2});
  CHECK(has(d.dimensions, DimensionKind::Diameter, ViewKind::Top, 16));
  CHECK(has(d.dimensions, DimensionKind::Diameter, ViewKind::Top, 8));
  CHECK(has(d.dimensions, DimensionKind::Diameter, ViewKind::Front, 10));
  CHECK(has(d.dimensions, DimensionKind::Radius, ViewKind::Top, 6));
  CHECK(has(d.dimensions, DimensionKind::Position, ViewKind::Front, 45));
  CHECK(has(d.dimensions, DimensionKind::Position, ViewKind::Front, 26));
  int steps = 0;
  for (const Dimension& dim : d.dimensions) steps += dim.feature == "step height";
  CHECK(steps == 2);
  CHECK(has(d.dimensions, DimensionKind::Linear, ViewKind::Front, 8));
  CHECK(has(d.dimensions, DimensionKind::Linear, ViewKind::Front, 16));
  auto box = [&](const PageText& t) {
    std::size_t glyphs = 0;
    for (unsigned char c : t.text) glyphs += (c & 0xC0) != 0x80;
    const double w = 0.55 * d.font_size * glyphs / 2, h = d.font_size * 0.45;
    return t.vertical ? std::array<double, 4>{t.center.x - h, t.center.y - w, t.center.x + h,
                                              t.center.y + w}
                      : std::array<double, 4>{t.center.x - w, t.center.y - h, t.center.x + w,
                                              t.center.y + h};
  };
  for (std::size_t i = 0; i < d.texts.size(); ++i)
    for (std::size_t j = i + 1; j < d.texts.size(); ++j) {
      const auto a = box(d.texts[i]), b = box(d.texts[j]);
      const bool overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
      INFO(d.texts[i].text << " / " << d.texts[j].text);
      CHECK_FALSE(overlap);
    }
}

TEST_CASE("a cylinder's top view measures its exact diameter, not the polyline's", "[drawing]") {
  // The projected circle is drawn from an exact arc; its chords alone stop short of the
  // extremes (a 40 mm disc used to measure 39.9 and its centre 19.9 from the edge).
  TopoDS_Shape disc = BRepPrimAPI_MakeCylinder(20, 10).Shape();
  Drawing d = make_drawing(disc, {512, 1, 2});
  CHECK(has(d.dimensions, DimensionKind::Linear, ViewKind::Top, 40));
  CHECK(has(d.dimensions, DimensionKind::Linear, ViewKind::Front, 40));
  CHECK(has(d.dimensions, DimensionKind::Diameter, ViewKind::Top, 40));
}

TEST_CASE("a slot gets its overall length and its centre's position", "[drawing]") {
  // An 80 x 50 x 20 block with a 40 x 12 slot (CadQuery's slot2D: overall length) through
  // its centre: length 40 in the top view, centre 40 from the left and 25 from the bottom;
  // the ends are R6.
  auto ex = cad::exec::execute({"slot", nullptr,
                                "import cadquery as cq\n"
                                "r = cq.Workplane('XY').box(80, 50, 20).faces('>Z').workplane()"
                                ".slot2D(40, 12).cutThruAll()\n"},
                               {});
  REQUIRE(ex.record["status"] == "ok");
  Drawing d = make_drawing(ex.shape, {512, 1, 2});
  bool length = false;
  for (const Dimension& dim : d.dimensions)
    length |= dim.feature == "slot length" && dim.view == ViewKind::Top &&
              std::abs(dim.value - 40) < 1e-6;
  CHECK(length);
  CHECK(has(d.dimensions, DimensionKind::Position, ViewKind::Top, 40));
  CHECK(has(d.dimensions, DimensionKind::Position, ViewKind::Top, 25));
  CHECK(has(d.dimensions, DimensionKind::Radius, ViewKind::Top, 6));
}
