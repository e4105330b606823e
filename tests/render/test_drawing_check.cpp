// render/drawing_check: the check finds what a drafter would send back, and the example drawings
// pass it (no tangent edges, labels beside their own spans, no overlaps, units note and
// projection symbol).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "exec/execute.h"
#include "render/drawing.h"
#include "render/drawing_check.h"
#include "render/features.h"
#include "render/shading.h"
#include "test_fixtures.h"

using namespace cad::render;

namespace {

TopoDS_Shape run_example(const std::string& name) {
  std::ifstream in(std::string(CAD_SOURCE_DIR) + "/examples/parts/" + name + ".py");
  std::stringstream code;
  code << in.rdbuf();
  cad::exec::Execution ex = cad::exec::execute(cad::exec::ExecTask{name, nullptr, code.str()}, {});
  REQUIRE(ex.record["status"] == "ok");
  return ex.shape;
}

std::vector<DrawingFault> of_kind(const std::vector<DrawingFault>& faults,
                                  const std::string& kind) {
  std::vector<DrawingFault> out;
  for (const DrawingFault& f : faults)
    if (f.kind == kind) out.push_back(f);
  return out;
}

std::string describe(const std::vector<DrawingFault>& faults) {
  std::string out;
  for (const DrawingFault& f : faults) out += f.kind + " " + f.view + ": " + f.message + "\n";
  return out;
}

/// A page with one view frame and a vertical dimension of the span 0..10 (model) at the right
/// of the view, next to a dimension of 0..30 farther out, its label at `label_y` (model).
Drawing two_spans(double label_y) {
  Drawing d;
  d.width = d.height = 400;
  d.scale = 5;
  d.font_size = 10;
  Box2 b;
  b.add(Point2{0, 0});
  b.add(Point2{40, 30});
  for (ViewFrame& f : d.frames) f = {{100, 100}, b};
  for (int k = 0; k < 2; ++k) {
    Dimension dim;
    dim.kind = DimensionKind::Linear;
    dim.horizontal = false;
    dim.side = 3;
    dim.level = k;
    dim.value = k == 0 ? 10 : 30;
    dim.label = k == 0 ? "10" : "30";
    dim.from = {40, 0};
    dim.to = {40, dim.value};
    d.dimensions.push_back(dim);
    const double x = 300 + 20 * (k + 1);
    const Point2 a = d.to_page(ViewKind::Front, dim.from), e = d.to_page(ViewKind::Front, dim.to);
    d.marks.push_back({static_cast<int>(d.texts.size()), false, {x, a.y}, {x, e.y}});
    const double y = k == 0 ? label_y : 15;
    d.texts.push_back({{x - 7, d.to_page(ViewKind::Front, {40, y}).y}, dim.label, true});
  }
  return d;
}

}  // namespace

TEST_CASE("the check finds a label beside another dimension's span", "[render]") {
  // "10" measures 0..10; at 5 it is beside its span, at 20 it sits between the extension
  // lines at 10 and 30 (beside the other span), above 30 it is past every extension line.
  CHECK(of_kind(check_drawing(two_spans(5), {}), "label_off_span").empty());
  CHECK(of_kind(check_drawing(two_spans(20), {}), "label_off_span").size() == 1);
  CHECK(of_kind(check_drawing(two_spans(34), {}), "label_off_span").empty());
}

TEST_CASE("the check finds overlapping labels and labels on edges", "[render]") {
  Drawing d = two_spans(5);
  d.texts.push_back({d.texts[0].center, "99", false});
  d.lines.push_back({{{0, 0}, {400, 400}}, Pen::Visible});
  d.lines.push_back({{d.texts[1].center, {d.texts[1].center.x, 0}}, Pen::Hidden});
  const auto faults = check_drawing(d, {});
  CHECK(!of_kind(faults, "label_overlaps_label").empty());
  CHECK(!of_kind(faults, "label_overlaps_outline").empty());
}

TEST_CASE("a fillet's seam is no line in the flanged bracket's left view", "[render]") {
  const Drawing d = make_drawing(run_example("flanged_bracket"), {800, 1, 2});
  const auto faults = check_drawing(d, run_example("flanged_bracket"));
  INFO(describe(faults));
  CHECK(of_kind(faults, "tangent_edge").empty());
}

TEST_CASE("the check finds fillet seams drawn as lines, and not a silhouette beside one",
          "[render]") {
  // The flanged bracket drawn with its smooth edges (the seams of its fillets) as lines.
  const TopoDS_Shape bracket = run_example("flanged_bracket");
  ProjectionOptions with_seams;
  with_seams.smooth_edges = true;
  std::vector<ViewProjection> views;
  for (ViewKind v : all_views) views.push_back(project(bracket, v, with_seams));
  const auto faults = check_drawing(make_drawing(bracket, views, {800, 1, 2}), bracket);
  CHECK(!of_kind(faults, "tangent_edge").empty());
  // A wedge with R1 on its apex: the seam on the slanted face lies a pixel below the fillet's
  // outline in the left view, which is the silhouette, not the seam.
  cad::exec::Execution ex =
      cad::exec::execute(cad::exec::ExecTask{"wedge", nullptr, R"(import cadquery as cq
result = (cq.Workplane("XZ").polyline([(0, 0), (75, 0), (0, 55)]).close().extrude(12.5, both=True)
          .edges("|Y").edges(">Z").fillet(1))
)"},
                         {});
  REQUIRE(ex.record["status"] == "ok");
  const auto wedge_faults = check_drawing(make_drawing(ex.shape, {768, 1, 1.5}), ex.shape);
  INFO(describe(wedge_faults));
  CHECK(of_kind(wedge_faults, "tangent_edge").empty());
}

TEST_CASE("short steps are labelled beside their own spans", "[render]") {
  // The flange's 12 mm disc next to its 20 mm hub, the bracket's 8 mm base and 8 mm upright.
  for (const char* name : {"flange_six_bolts", "flanged_bracket", "stepped_block"}) {
    const TopoDS_Shape shape = run_example(name);
    for (int size : {512, 768, 800}) {
      const auto faults = check_drawing(make_drawing(shape, {size, 1, size / 512.0}), shape);
      INFO(name << " at " << size << " px\n" << describe(faults));
      CHECK(of_kind(faults, "label_off_span").empty());
    }
  }
}

TEST_CASE("the example drawings pass the check", "[render]") {
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(CAD_SOURCE_DIR) + "/examples/parts")) {
    const std::string name = entry.path().stem().string();
    const TopoDS_Shape shape = run_example(name);
    const auto faults = check_drawing(make_drawing(shape, {800, 1, 2}), shape);
    INFO(name << "\n" << describe(faults));
    CHECK(faults.empty());
  }
}

TEST_CASE("drawings carry a units note and a third-angle projection symbol", "[render]") {
  const Drawing d = make_drawing(block_with_hole(), {600, 1, 1.5});
  const auto note = std::find_if(d.texts.begin(), d.texts.end(), [](const PageText& t) {
    return t.text == "ALL DIMENSIONS IN mm";
  });
  REQUIRE(note != d.texts.end());
  // The symbol: two concentric circles (the cone's end view) left of its side view.
  std::vector<PageArc> circles;
  for (const PageArc& a : d.arcs)
    if (a.end - a.start > 6.28 && a.center.y > d.height * 0.9) circles.push_back(a);
  REQUIRE(circles.size() == 2);
  CHECK(circles[0].center.x == Approx(circles[1].center.x));
  CHECK(circles[0].center.x > note->center.x);

  const std::string svg = to_svg(d);
  CHECK(svg.find(">ALL DIMENSIONS IN mm</text>") != std::string::npos);
  std::size_t svg_circles = 0;
  for (std::size_t at = svg.find("<circle"); at != std::string::npos;
       at = svg.find("<circle", at + 1))
    ++svg_circles;
  CHECK(svg_circles >= 3);  // the hole and the symbol's two

  // In the PNG: dark pixels where the note and the symbol are, white above them.
  const std::string path =
      (std::filesystem::temp_directory_path() / "cad_render_check_note.png").string();
  write_png(d, path);
  const Image image = read_png(path);
  std::remove(path.c_str());
  auto dark_in = [&](double x0, double y0, double x1, double y1) {
    int n = 0;
    for (int y = static_cast<int>(y0); y < static_cast<int>(y1); ++y)
      for (int x = static_cast<int>(x0); x < static_cast<int>(x1); ++x)
        n += image.rgb[(static_cast<std::size_t>(y) * image.width + x) * 3] < 128;
    return n;
  };
  const Box2 nb = label_box(d, *note);
  CHECK(dark_in(nb.min_x, nb.min_y, nb.max_x, nb.max_y) > 20);
  const PageArc& c = circles[0];
  CHECK(dark_in(c.center.x - c.radius - 1, c.center.y - c.radius - 1, c.center.x + c.radius + 1,
                c.center.y + c.radius + 1) > 10);
}

TEST_CASE("a keyway in a hub gets its width and depth where it is seen", "[render]") {
  // A Ø60 x 20 hub with a Ø20 bore and a keyway 6 wide reaching y = 13: hidden in the front
  // and left views, seen in the top view. Depth from the far side of the bore: 10 + 13 = 23.
  TopoDS_Shape hub =
      BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(0, 0, 0), gp_Dir(0, 0, 1)), 30, 20).Shape();
  hub =
      BRepAlgoAPI_Cut(
          hub, BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(0, 0, -1), gp_Dir(0, 0, 1)), 10, 22).Shape())
          .Shape();
  hub = BRepAlgoAPI_Cut(hub, BRepPrimAPI_MakeBox(gp_Pnt(-3, 0, -1), 6, 13, 22).Shape()).Shape();
  const Drawing d = make_drawing(hub, {768, 1, 1.5});
  auto find = [&](const std::string& feature) {
    return std::find_if(d.dimensions.begin(), d.dimensions.end(),
                        [&](const Dimension& x) { return x.feature == feature; });
  };
  const auto width = find("keyway width"), depth = find("keyway depth");
  REQUIRE(width != d.dimensions.end());
  REQUIRE(depth != d.dimensions.end());
  CHECK(width->value == Approx(6));
  CHECK(width->view == ViewKind::Top);
  CHECK(depth->value == Approx(23));
  CHECK(depth->view == ViewKind::Top);
  // Not again as steps to hidden lines in the front and left views.
  CHECK(find("step width") == d.dimensions.end());
  CHECK(find("step depth") == d.dimensions.end());
  const auto faults = check_drawing(d, hub);
  INFO(describe(faults));
  CHECK(faults.empty());
}

TEST_CASE("a groove's bottom hidden from the top is measured across the front view", "[render]") {
  // A Ø60 x 20 wheel with a groove to Ø50 from z = 8 to 12: its bottom circle is hidden under
  // the rim in the top view, its outline seen in the notch of the front view.
  TopoDS_Shape wheel =
      BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(0, 0, 0), gp_Dir(0, 0, 1)), 30, 20).Shape();
  const TopoDS_Shape ring = BRepAlgoAPI_Cut(
      BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(0, 0, 8), gp_Dir(0, 0, 1)), 31, 4).Shape(),
      BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(0, 0, 7), gp_Dir(0, 0, 1)), 25, 6).Shape());
  wheel = BRepAlgoAPI_Cut(wheel, ring).Shape();
  const Drawing d = make_drawing(wheel, {768, 1, 1.5});
  const auto groove =
      std::find_if(d.dimensions.begin(), d.dimensions.end(),
                   [](const Dimension& x) { return std::abs(x.value - 50) < 1e-6; });
  REQUIRE(groove != d.dimensions.end());
  CHECK(groove->view != ViewKind::Top);
  CHECK(groove->label == "\u00D850");
  const auto faults = check_drawing(d, wheel);
  INFO(describe(faults));
  CHECK(faults.empty());
}

TEST_CASE("a thin plate's notch is sized on the top view", "[render]") {
  // A 60 x 40 x 1 plate with a 20 x 10 notch at its front left corner: front and left views
  // are slivers, the notch is seen only from the top.
  TopoDS_Shape plate = BRepPrimAPI_MakeBox(60, 40, 1).Shape();
  plate =
      BRepAlgoAPI_Cut(plate, BRepPrimAPI_MakeBox(gp_Pnt(-1, -1, -1), 21, 11, 3).Shape()).Shape();
  const Drawing d = make_drawing(plate, {768, 1, 1.5});
  int on_top = 0;
  for (const Dimension& x : d.dimensions)
    if (x.feature == "step width" || x.feature == "step depth") {
      CHECK(x.view == ViewKind::Top);
      on_top += x.view == ViewKind::Top;
      CHECK(x.value == Approx(x.feature == "step width" ? 20 : 10));
    }
  CHECK(on_top == 2);
  const auto faults = check_drawing(d, plate);
  INFO(describe(faults));
  CHECK(faults.empty());
}

namespace {

TopoDS_Shape run_code(const std::string& name, const std::string& code) {
  cad::exec::Execution ex = cad::exec::execute(cad::exec::ExecTask{name, nullptr, code}, {});
  REQUIRE(ex.record["status"] == "ok");
  return ex.shape;
}

}  // namespace

TEST_CASE("a V groove gets its angle and its width at the rim on the side view", "[render]") {
  // The dataset's pulley: a Ø110 rim 24 wide with a groove 8 wide at the rim, 3 at its
  // bottom (Ø84): flanks at atan(2.5 / 13) to the radial plane, 21.8 degrees between them.
  const TopoDS_Shape pulley = run_code("pulley", R"(import cadquery as cq
profile = [(0, 0), (55, 0), (55, 8), (42, 10.5), (42, 13.5), (55, 16), (55, 24), (0, 24)]
result = cq.Workplane("XZ").polyline(profile).close().revolve()
)");
  const std::vector<Groove> grooves = find_grooves(pulley);
  REQUIRE(grooves.size() == 1);
  CHECK(grooves[0].r_top == Approx(55));
  CHECK(grooves[0].r_bottom == Approx(42));
  CHECK(grooves[0].top[1] - grooves[0].top[0] == Approx(8));
  CHECK(grooves[0].bottom[1] - grooves[0].bottom[0] == Approx(3));
  const double expected = 2 * std::atan(2.5 / 13) * 180 / M_PI;
  CHECK(grooves[0].angle * 180 / M_PI == Approx(expected));

  const Drawing d = make_drawing(pulley, {768, 1, 1.5});
  auto find = [&](const std::string& feature) {
    return std::find_if(d.dimensions.begin(), d.dimensions.end(),
                        [&](const Dimension& x) { return x.feature == feature; });
  };
  const auto angle = find("groove angle"), width = find("groove width at rim");
  REQUIRE(angle != d.dimensions.end());
  REQUIRE(width != d.dimensions.end());
  CHECK(angle->kind == DimensionKind::Angle);
  CHECK(angle->value == Approx(expected));
  CHECK(angle->label == "21.8\u00B0");
  CHECK(angle->view != ViewKind::Top);  // the axis is Z: the top view sees circles
  CHECK(width->value == Approx(8));
  CHECK(width->view == angle->view);
  const nlohmann::json dims = dimensions_json(d, 1);
  bool in_json = false;
  for (const auto& j : dims)
    if (j["kind"] == "angle") {
      in_json = true;
      CHECK(j["value"] == Approx(21.8));
      CHECK(j["unit"] == "degree");
    }
  CHECK(in_json);
  // Drawn: an arc between the flanks with its label beside it, nothing overlapping.
  const std::size_t ai = static_cast<std::size_t>(angle - d.dimensions.begin());
  REQUIRE(d.marks[ai].text >= 0);
  CHECK(d.texts[static_cast<std::size_t>(d.marks[ai].text)].text == "21.8\u00B0");
  const auto faults = check_drawing(d, pulley);
  INFO(describe(faults));
  CHECK(faults.empty());
  // A ridge (material between the cones, the gap narrowing outwards) is no groove.
  const TopoDS_Shape ridge = run_code("ridge", R"(import cadquery as cq
profile = [(0, 0), (42, 0), (42, 8), (55, 10.5), (55, 13.5), (42, 16), (42, 24), (0, 24)]
result = cq.Workplane("XZ").polyline(profile).close().revolve()
)");
  CHECK(find_grooves(ridge).empty());
}

TEST_CASE("screw bosses in a shell's corners are dimensioned once", "[render]") {
  // The dataset's enclosure-00001: bosses Ø10 with Ø5.5 holes centred on the corners' inner
  // fillets (R8 - 3 = R5, the bosses' own circle). Before: the holes' and the bosses' pitches
  // both drawn (119 and 174 twice) and an R5 leader onto the boss circle beside its Ø10.
  const TopoDS_Shape box = run_code("enclosure", R"(import cadquery as cq
box = cq.Workplane("XY").box(190, 135, 70, centered=(True, True, False))
box = box.edges("|Z").fillet(8).faces(">Z").shell(-3)
for sx in (-1, 1):
    for sy in (-1, 1):
        boss_plane = cq.Plane(origin=(sx * 87, sy * 59.5, 3), xDir=(1, 0, 0), normal=(0, 0, 1))
        boss = cq.Workplane(boss_plane).circle(5).circle(2.75).extrude(9)
        box = box.union(boss)
result = box
)");
  const Drawing d = make_drawing(box, {768, 1, 1.5});
  int pitch_x = 0, pitch_y = 0, r5 = 0, r8 = 0, d10 = 0;
  for (const Dimension& x : d.dimensions) {
    if (x.view != ViewKind::Top) continue;
    if (x.feature == "hole pitch" || x.feature == "boss pitch") {
      if (x.horizontal) {
        ++pitch_x;
        CHECK(x.value == Approx(174));
      } else {
        ++pitch_y;
        CHECK(x.value == Approx(119));
      }
    }
    r5 += x.kind == DimensionKind::Radius && std::abs(x.value - 5) < 1e-6;
    r8 += x.kind == DimensionKind::Radius && std::abs(x.value - 8) < 1e-6;
    d10 += x.kind == DimensionKind::Diameter && std::abs(x.value - 10) < 1e-6;
  }
  CHECK(pitch_x == 1);
  CHECK(pitch_y == 1);
  CHECK(r5 == 0);
  CHECK(r8 == 1);
  CHECK(d10 == 1);
  // The outer corner's R8 keeps its own arrow; only the hole and its boss, concentric
  // circles 3 px apart at this scale, may meet (see bench/RESULTS.md).
  for (const DrawingFault& f : of_kind(check_drawing(d, box), "shared_leader_tip"))
    CHECK(f.message.find("R8") == std::string::npos);
}
