// DeepCAD JSON -> CadQuery: small documents written here, converted, executed and measured.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/deepcad.h"
#include "exec/execute.h"
#include "metrics/iou.h"

using cad::data::convert_deepcad;
using cad::data::Level;
using cad::data::Part;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json xyz(double x, double y, double z = 0) {
  return {{"x", x}, {"y", y}, {"z", z}};
}

json line(double x0, double y0, double x1, double y1) {
  return {{"type", "Line3D"}, {"start_point", xyz(x0, y0)}, {"end_point", xyz(x1, y1)}};
}

json circle(double cx, double cy, double r) {
  return {
      {"type", "Circle3D"}, {"center_point", xyz(cx, cy)}, {"radius", r}, {"normal", xyz(0, 0, 1)}};
}

/// An arc about (cx, cy) counter-clockwise from angle a0 to a1 (radians, from +x), stored
/// with its end points swapped when `swapped` (the export does not orient curves).
json arc(double cx, double cy, double r, double a0, double a1, bool swapped = false,
         double normal_z = 1) {
  json s = xyz(cx + r * std::cos(a0), cy + r * std::sin(a0));
  json e = xyz(cx + r * std::cos(a1), cy + r * std::sin(a1));
  return {{"type", "Arc3D"},
          {"center_point", xyz(cx, cy)},
          {"radius", r},
          {"start_point", swapped ? e : s},
          {"end_point", swapped ? s : e},
          {"start_angle", 0.0},
          {"end_angle", a1 - a0},
          {"normal", xyz(0, 0, normal_z)},
          {"reference_vector", xyz(std::cos(a0), std::sin(a0))}};
}

json rect_loop(double x0, double y0, double x1, double y1, bool is_outer = true) {
  return {
      {"is_outer", is_outer},
      {"profile_curves",
       {line(x0, y0, x1, y0), line(x1, y0, x1, y1), line(x1, y1, x0, y1), line(x0, y1, x0, y0)}}};
}

json loop(std::vector<json> curves, bool is_outer = true) {
  return {{"is_outer", is_outer}, {"profile_curves", curves}};
}

json sketch(json profiles, json origin = xyz(0, 0, 0), json x = xyz(1, 0, 0),
            json z = xyz(0, 0, 1)) {
  json y = {{"x", z["y"].get<double>() * x["z"].get<double>() -
                      z["z"].get<double>() * x["y"].get<double>()},
            {"y", z["z"].get<double>() * x["x"].get<double>() -
                      z["x"].get<double>() * x["z"].get<double>()},
            {"z", z["x"].get<double>() * x["y"].get<double>() -
                      z["y"].get<double>() * x["x"].get<double>()}};
  return {{"type", "Sketch"},
          {"name", "Sketch"},
          {"transform", {{"origin", origin}, {"x_axis", x}, {"y_axis", y}, {"z_axis", z}}},
          {"profiles", profiles}};
}

json extrude(const std::string& sketch_id, std::vector<std::string> profiles, const std::string& op,
             double d1, const std::string& extent = "OneSide", double d2 = 0) {
  json refs = json::array();
  for (const auto& p : profiles) refs.push_back({{"profile", p}, {"sketch", sketch_id}});
  return {{"type", "ExtrudeFeature"},
          {"name", "Extrude"},
          {"profiles", refs},
          {"operation", op + "FeatureOperation"},
          {"extent_type", extent + "FeatureExtentType"},
          {"extent_one", {{"distance", {{"value", d1}}}, {"taper_angle", {{"value", 0.0}}}}},
          {"extent_two", {{"distance", {{"value", d2}}}}},
          {"start_extent", {{"type", "ProfilePlaneStartDefinition"}}}};
}

/// A document from (id, entity) pairs in sequence order and a bounding box.
json document(std::vector<std::pair<std::string, json>> seq, json lo, json hi) {
  json d = {{"entities", json::object()},
            {"sequence", json::array()},
            {"properties", {{"bounding_box", {{"min_point", lo}, {"max_point", hi}}}}}};
  for (std::size_t i = 0; i < seq.size(); ++i) {
    d["entities"][seq[i].first] = seq[i].second;
    d["sequence"].push_back(
        {{"index", i}, {"type", seq[i].second["type"]}, {"entity", seq[i].first}});
  }
  return d;
}

struct Run {
  json record;
  TopoDS_Shape shape;
};

Run execute(const std::string& code) {
  auto ex = cad::exec::execute({"deepcad", nullptr, code}, {});
  INFO(code << "\n" << ex.record.dump(2));
  REQUIRE(ex.record["status"] == "ok");
  return {ex.record, ex.shape};
}

double volume(const Run& r) {
  return r.record["volume"].get<double>();
}
double bb(const Run& r, const char* end, int axis) {
  return r.record["bbox"][end][axis].get<double>();
}

/// Executes both codes and checks that they make the same solid; returns the first run.
Run check(const Part& part) {
  INFO(part.code << "\n" << part.code_param);
  Run a = execute(part.code);
  Run b = execute(part.code_param);
  CHECK(volume(b) == Approx(volume(a)).epsilon(1e-5));
  CHECK(cad::metrics::iou(a.shape, b.shape).iou >= 0.999);
  CHECK(part.family == "deepcad");
  CHECK(part.style == "deepcad");
  CHECK(!part.text_abstract.empty());
  CHECK(!part.text_detailed.empty());
  return a;
}

}  // namespace

TEST_CASE("deepcad: a box is normalized so that its largest coordinate is 0.75", "[deepcad]") {
  // 2 x 1 rectangle extruded 0.5: the scale is 0.75 / 2.
  json doc = document({{"S", sketch({{"P", {{"loops", {rect_loop(0, 0, 2, 1)}}}}})},
                       {"E", extrude("S", {"P"}, "NewBody", 0.5)}},
                      xyz(0, 0, 0), xyz(2, 1, 0.5));
  Part part = convert_deepcad(doc, "box");
  Run r = check(part);
  double s = 0.75 / 2;
  CHECK(volume(r) == Approx(2 * 1 * 0.5 * s * s * s));
  CHECK(bb(r, "max", 0) == Approx(0.75));
  CHECK(bb(r, "max", 1) == Approx(0.375));
  CHECK(bb(r, "max", 2) == Approx(0.1875));
  CHECK(bb(r, "min", 0) == Approx(0).margin(1e-9));
  CHECK(part.level == Level::L);
  CHECK(part.n_curves == 4);
  REQUIRE(part.features.size() == 1);
  CHECK(part.features[0].kind == "base");
  CHECK(part.features[0].description.find("0.75 x 0.375 rectangle") != std::string::npos);
  CHECK(part.features[0].description.find("extruded 0.1875 along +Z") != std::string::npos);
  CHECK(part.text_abstract.rfind("A rectangular", 0) == 0);
  CHECK(part.code.find("result = solid1") != std::string::npos);
  CHECK(part.code_param.find("length = 0.75") != std::string::npos);

  SECTION("without normalization the document's units stay") {
    Part raw = convert_deepcad(doc, "box", {false});
    Run q = execute(raw.code);
    CHECK(volume(q) == Approx(1.0));
    CHECK(bb(q, "max", 0) == Approx(2));
  }
}

TEST_CASE("deepcad: a cylinder", "[deepcad]") {
  json doc = document({{"S", sketch({{"P", {{"loops", {loop({circle(0, 0, 1)})}}}}})},
                       {"E", extrude("S", {"P"}, "NewBody", 2)}},
                      xyz(-1, -1, 0), xyz(1, 1, 2));
  Part part = convert_deepcad(doc, "cylinder");
  Run r = check(part);
  double s = 0.375;
  CHECK(volume(r) == Approx(M_PI * s * s * 0.75).epsilon(1e-4));
  CHECK(bb(r, "max", 2) == Approx(0.75));
  CHECK(part.level == Level::L);
  CHECK(part.n_curves == 1);
  CHECK(part.text_abstract.find("cylinder") != std::string::npos);
  CHECK(part.code_param.find("radius = 0.375") != std::string::npos);
  CHECK(part.code_param.find("height = 0.75") != std::string::npos);
}

TEST_CASE("deepcad: a plate with a hole, the outer loop found geometrically", "[deepcad]") {
  // The hole's loop comes first and claims to be the outer one.
  json doc = document(
      {{"S",
        sketch({{"P",
                 {{"loops", {loop({circle(1, 0, 0.5)}, true), rect_loop(-2, -1, 2, 1, false)}}}}})},
       {"E", extrude("S", {"P"}, "NewBody", 0.2)}},
      xyz(-2, -1, 0), xyz(2, 1, 0.2));
  Part part = convert_deepcad(doc, "plate");
  Run r = check(part);
  double s = 0.375;
  CHECK(volume(r) == Approx((8 - M_PI * 0.25) * 0.2 * s * s * s).epsilon(1e-4));
  CHECK(part.level == Level::F);
  CHECK(part.n_curves == 5);
  CHECK(part.text_abstract.rfind("A rectangular plate with a circular hole.", 0) == 0);
  CHECK(part.features[0].description.find(
            "1.5 x 0.75 rectangle with a circular hole of radius 0.1875") != std::string::npos);
  CHECK(part.code_param.find("hole_radius = 0.1875") != std::string::npos);
  CHECK(part.text_detailed.find("centred at (0.375, 0)") != std::string::npos);
}

TEST_CASE("deepcad: symmetric and two-sided extrusions", "[deepcad]") {
  SECTION("symmetric: the stored distance to each side") {
    json doc = document({{"S", sketch({{"P", {{"loops", {rect_loop(-1, -1, 1, 1)}}}}})},
                         {"E", extrude("S", {"P"}, "NewBody", 0.5, "Symmetric")}},
                        xyz(-1, -1, -0.5), xyz(1, 1, 0.5));
    Part part = convert_deepcad(doc, "sym");
    Run r = check(part);
    CHECK(bb(r, "min", 2) == Approx(-0.375));
    CHECK(bb(r, "max", 2) == Approx(0.375));
    CHECK(volume(r) == Approx(1.5 * 1.5 * 0.75));
    CHECK(part.code.find("both=True") != std::string::npos);
  }
  SECTION("two sides, on a plane whose normal is -Y") {
    // Sketch x = global X, normal -Y, so sketch y = normal x x = +Z.
    json doc = document({{"S", sketch({{"P", {{"loops", {rect_loop(0, 0, 1, 1)}}}}}, xyz(0, 0, 0),
                                      xyz(1, 0, 0), xyz(0, -1, 0))},
                         {"E", extrude("S", {"P"}, "NewBody", 0.5, "TwoSides", 0.25)}},
                        xyz(0, -0.5, 0), xyz(1, 0.25, 1));
    Part part = convert_deepcad(doc, "two");
    Run r = check(part);
    double s = 0.75;
    CHECK(bb(r, "min", 1) == Approx(-0.5 * s));
    CHECK(bb(r, "max", 1) == Approx(0.25 * s));
    CHECK(bb(r, "max", 2) == Approx(s));
    CHECK(volume(r) == Approx(0.75 * s * s * s));
    CHECK(part.features[0].description.find("extruded 0.375 along -Y and 0.1875 along +Y") !=
          std::string::npos);
  }
}

TEST_CASE("deepcad: a cut from a second sketch makes a multi-extrude part", "[deepcad]") {
  // A 2 x 2 x 1 block, then a circle of radius 0.5 on its top face cut 1 deep (against +Z).
  json doc =
      document({{"S1", sketch({{"P", {{"loops", {rect_loop(-1, -1, 1, 1)}}}}})},
                {"E1", extrude("S1", {"P"}, "NewBody", 1)},
                {"S2", sketch({{"Q", {{"loops", {loop({circle(0, 0, 0.5)})}}}}}, xyz(0, 0, 1))},
                {"E2", extrude("S2", {"Q"}, "Cut", -1)}},
               xyz(-1, -1, 0), xyz(1, 1, 1));
  Part part = convert_deepcad(doc, "cut");
  Run r = check(part);
  double s = 0.75;
  CHECK(volume(r) == Approx((4 - M_PI * 0.25) * s * s * s).epsilon(1e-4));
  CHECK(part.level == Level::MSE);
  CHECK(part.n_curves == 5);
  REQUIRE(part.features.size() == 2);
  CHECK(part.features[1].kind == "cut");
  CHECK(part.features[1].description.find("cut 0.75 along -Z") != std::string::npos);
  CHECK(part.code.find("result = result.cut(solid2)") != std::string::npos);
  CHECK(part.text_abstract.find("with a circular hole") != std::string::npos);
  CHECK(part.code_param.find(".extrude(-cut_depth)") != std::string::npos);
}

TEST_CASE("deepcad: a loop of lines and arcs stored with inconsistent orientation", "[deepcad]") {
  // A slot: two straight sides and two semicircles of radius 1 about (-1, 0) and (1, 0);
  // the first side runs backwards, one arc is stored end to start, and the curves are not
  // in connection order.
  json doc = document(
      {{"S", sketch({{"P",
                      {{"loops",
                        {loop({line(1, -1, -1, -1),  // backwards
                               arc(1, 0, 1, -M_PI / 2, M_PI / 2, true),
                               arc(-1, 0, 1, M_PI / 2, 3 * M_PI / 2), line(1, 1, -1, 1)})}}}}})},
       {"E", extrude("S", {"P"}, "NewBody", 0.5)}},
      xyz(-2, -1, 0), xyz(2, 1, 0.5));
  Part part = convert_deepcad(doc, "slot");
  Run r = check(part);
  double s = 0.375;
  CHECK(volume(r) == Approx((4 + M_PI) * 0.5 * s * s * s).epsilon(1e-4));
  CHECK(bb(r, "max", 0) == Approx(0.75));
  CHECK(bb(r, "min", 1) == Approx(-0.375));
  CHECK(part.n_curves == 4);
  CHECK(part.features[0].description.find("1.5 x 0.75 slot") != std::string::npos);
  CHECK(part.code.find("threePointArc") != std::string::npos);
}

TEST_CASE("deepcad: an arc sweeps counter-clockwise in sketch coordinates whatever its normal",
          "[deepcad]") {
  // A D shape: a 2 x 1 rectangle with a semicircle of radius 1 on its top side. The arc's
  // stored normal is -Z, as Onshape exports some arcs; it still bulges upwards (+y).
  json doc =
      document({{"S", sketch({{"P",
                               {{"loops",
                                 {loop({line(-1, 1, -1, 0), line(-1, 0, 1, 0), line(1, 0, 1, 1),
                                        arc(0, 1, 1, 0, M_PI, false, -1)})}}}}})},
                {"E", extrude("S", {"P"}, "NewBody", 0.5)}},
               xyz(-1, 0, 0), xyz(1, 2, 0.5));
  Part part = convert_deepcad(doc, "D");
  Run r = check(part);
  double s = 0.375;
  CHECK(volume(r) == Approx((2 + M_PI / 2) * 0.5 * s * s * s).epsilon(1e-4));
  CHECK(bb(r, "max", 1) == Approx(0.75));
  CHECK(part.text_detailed.find("an arc of radius 0.375 centred at (0, 0.375)") !=
        std::string::npos);
}

TEST_CASE("deepcad: several profiles in one extrusion (level S)", "[deepcad]") {
  json doc = document({{"S", sketch({{"A", {{"loops", {rect_loop(-2, -1, -1, 1)}}}},
                                     {"B", {{"loops", {loop({circle(1, 0, 0.5)})}}}}})},
                       {"E", extrude("S", {"A", "B"}, "NewBody", 0.5)}},
                      xyz(-2, -1, 0), xyz(1.5, 1, 0.5));
  Part part = convert_deepcad(doc, "two profiles");
  Run r = check(part);
  double s = 0.375;
  CHECK(volume(r) == Approx((2 + M_PI * 0.25) * 0.5 * s * s * s).epsilon(1e-4));
  CHECK(r.record["solids"] == 2);
  CHECK(part.level == Level::S);
  CHECK(part.n_curves == 5);
}

TEST_CASE("deepcad: a bad document gives an error naming the place", "[deepcad]") {
  json good = document({{"S", sketch({{"P", {{"loops", {rect_loop(0, 0, 1, 1)}}}}})},
                        {"E1x", extrude("S", {"P"}, "NewBody", 1)}},
                       xyz(0, 0, 0), xyz(1, 1, 1));
  auto message = [](const json& doc) {
    try {
      convert_deepcad(doc, "doc.json");
    } catch (const cad::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  json bad = good;
  bad["entities"]["E1x"]["profiles"][0]["profile"] = "nope";
  CHECK(message(bad) ==
        "doc.json: sequence[1] (ExtrudeFeature 'E1x'), profile 'nope' of sketch 'S': no such "
        "profile in the "
        "sketch");
  bad = good;
  bad["entities"]["E1x"]["operation"] = "MergeFeatureOperation";
  CHECK(message(bad) ==
        "doc.json: sequence[1] (ExtrudeFeature 'E1x'): unsupported operation "
        "'MergeFeatureOperation'");
  bad = good;
  bad["entities"]["S"]["profiles"]["P"]["loops"][0]["profile_curves"][1].erase("end_point");
  CHECK(message(bad) ==
        "doc.json: sequence[1] (ExtrudeFeature 'E1x'), profile 'P' of sketch 'S', loop 0, "
        "curve 1: missing 'end_point'");
  bad = good;
  bad["sequence"][1]["entity"] = "gone";
  CHECK(message(bad) == "doc.json: sequence[1] (ExtrudeFeature 'gone'): no such entity");
  bad = good;
  bad["entities"]["S"]["profiles"]["P"]["loops"][0]["profile_curves"][2] = line(5, 5, 6, 6);
  CHECK(message(bad).find("loop 0: loop does not close") != std::string::npos);
  CHECK(message(json::array()) == "doc.json: not a JSON object");
  CHECK_THROWS_AS(cad::data::read_deepcad("/nonexistent/x.json"), cad::Error);
}

TEST_CASE("deepcad: find_deepcad_files lists files and folders sorted by id", "[deepcad]") {
  fs::path dir = fs::temp_directory_path() / "cad_test_deepcad_find";
  fs::remove_all(dir);
  fs::create_directories(dir / "0002");
  fs::create_directories(dir / "empty");
  std::ofstream(dir / "0003.json") << "{}";
  std::ofstream(dir / "0002" / "deepcad.json") << "{}";
  std::ofstream(dir / "notes.txt") << "x";
  auto files = cad::data::find_deepcad_files(dir.string());
  REQUIRE(files.size() == 2);
  CHECK(files[0].first == "0002");
  CHECK(files[0].second == (dir / "0002" / "deepcad.json").string());
  CHECK(files[1].first == "0003");
  fs::remove_all(dir);
  CHECK_THROWS_AS(cad::data::find_deepcad_files(dir.string()), cad::Error);
}
