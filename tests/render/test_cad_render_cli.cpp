// cad-render as a user runs it: scripts and JSONL in, one record per input, files on disk.
#include <catch2/catch.hpp>

#include "core/json_schema.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "geom/mesh.h"
#include "geom/shape_io.h"
#include "test_fixtures.h"

namespace fs = std::filesystem;

namespace {

struct Run {
  int rc = 0;
  std::vector<nlohmann::json> records;
};

/// Runs cad-render with `args` (a shell fragment), stdout parsed as JSONL.
Run run_cad_render(const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "stdout.jsonl";
  const std::string cmd = std::string(CAD_BIN_DIR) + "/cad-render " + args + " > " + out.string() +
                          " 2> " + (dir / "stderr.txt").string();
  Run run;
  const int status = std::system(cmd.c_str());
  run.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) run.records.push_back(nlohmann::json::parse(line));
  return run;
}

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("cad_render_cli_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("cad-render draws a script and lists its dimensions", "[cli]") {
  // Show that the block-with-hole example gets its drawing files and the expected dimensions.
  const fs::path dir = fresh_dir("script");
  const std::string script = std::string(CAD_SOURCE_DIR) + "/examples/parts/block_with_hole.py";
  Run run = run_cad_render(
      script + " --size 300 --views iso,grid --render-size 96 --out-dir " + dir.string(), dir);
  REQUIRE(run.rc == 0);
  REQUIRE(run.records.size() == 1);
  const nlohmann::json& r = run.records[0];
  CHECK(r["id"] == "block_with_hole");
  CHECK(r["status"] == "ok");
  CHECK(fs::exists(dir / "block_with_hole_drawing.svg"));
  CHECK(fs::exists(dir / "block_with_hole_drawing.png"));
  CHECK(fs::exists(dir / "block_with_hole_render.png"));
  CHECK(fs::exists(dir / "block_with_hole_grid.png"));
  CHECK(r["outputs"].contains("render_png"));
  CHECK(r["outputs"].contains("grid_png"));
  REQUIRE(fs::exists(dir / "block_with_hole_dims.json"));
  std::ifstream in(dir / "block_with_hole_dims.json");
  nlohmann::json dims = nlohmann::json::parse(in);
  std::multiset<std::string> found;
  for (const auto& d : dims)
    found.insert(d["kind"].get<std::string>() + ":" + d["view"].get<std::string>() + ":" +
                 d["label"].get<std::string>());
  CHECK(found.count("linear:front:40") == 1);
  CHECK(found.count("linear:front:10") == 1);
  CHECK(found.count("linear:top:20") == 1);
  CHECK(found.count("diameter:top:\u00D86") == 1);
  CHECK(found.count("position:top:10") == 1);
  CHECK(found.count("position:top:5") == 1);
}

TEST_CASE("cad-render gives every JSONL line a record, failures included", "[cli]") {
  // Show that a bad script, a bad line and a missing file are records, in input order.
  const fs::path dir = fresh_dir("jsonl");
  std::ofstream(dir / "in.jsonl")
      << R"J({"id":"ok","code":"import cadquery as cq\nr = cq.Workplane().box(2, 3, 4)"})J"
      << "\n"
      << R"J({"id":"bad","code":"r = cq.Workplane().box(1, 1"})J"
      << "\n"
      << "not json\n"
      << R"J({"id":"gone","path":"/nonexistent/part.step"})J"
      << "\n";
  Run run = run_cad_render("--jsonl " + (dir / "in.jsonl").string() +
                               " --no-png --views none --out-dir " + dir.string() + " -j 1",
                           dir);
  REQUIRE(run.rc == 0);
  REQUIRE(run.records.size() == 4);
  CHECK(run.records[0]["status"] == "ok");
  CHECK(run.records[1]["id"] == "bad");
  CHECK(run.records[1]["status"] == "syntax_error");
  CHECK(run.records[2]["status"] == "invalid_input");
  CHECK(run.records[3]["status"] == "error");
  // Every record, failures included, follows data_schemas/render.schema.json.
  const nlohmann::json schema =
      cad::core::load_json_file(std::string(CAD_SOURCE_DIR) + "/data_schemas/render.schema.json");
  for (const auto& r : run.records) {
    auto errors = cad::core::validate_json(r, schema);
    INFO(r.dump());
    for (const auto& e : errors) UNSCOPED_INFO(e);
    CHECK(errors.empty());
  }
  CHECK(fs::exists(dir / "ok_drawing.svg"));
  CHECK_FALSE(fs::exists(dir / "ok_drawing.png"));
  CHECK_FALSE(fs::exists(dir / "ok_render.png"));
}

TEST_CASE("cad-render rejects a bad option value with exit 2", "[cli]") {
  const fs::path dir = fresh_dir("usage");
  CHECK(run_cad_render("--size 10 --jsonl /dev/null", dir).rc == 2);
  CHECK(run_cad_render("--decimals 9 --jsonl /dev/null", dir).rc == 2);
  CHECK(run_cad_render("--views sideways --jsonl /dev/null", dir).rc == 2);
  CHECK(run_cad_render("--background pink --jsonl /dev/null", dir).rc == 2);
}

TEST_CASE("cad-render draws STL and STEP files", "[cli]") {
  // Show that mesh and B-rep files give the block's overall extents (and, from STEP, the Ø).
  const fs::path dir = fresh_dir("files");
  const TopoDS_Shape part = block_with_hole();
  // Two names: block.stl and block.step would both be id "block" and are refused (their
  // drawings would overwrite each other).
  cad::geom::write_mesh(cad::geom::tessellate(part), (dir / "block_mesh.stl").string());
  cad::geom::write_shape(part, (dir / "block_brep.step").string());
  Run run =
      run_cad_render((dir / "block_mesh.stl").string() + " " + (dir / "block_brep.step").string() +
                         " --views none --no-png --out-dir " + (dir / "out").string(),
                     dir);
  REQUIRE(run.rc == 0);
  REQUIRE(run.records.size() == 2);
  for (const auto& r : run.records) {
    CHECK(r["status"] == "ok");
    std::multiset<std::string> labels;
    for (const auto& d : r["dimensions"]) labels.insert(d["label"].get<std::string>());
    CHECK(labels.count("40") == 2);  // front and top widths
    CHECK(labels.count("10") >= 2);  // front and left heights (+ the hole position from STEP)
    CHECK(labels.count("20") == 2);  // top depth, left depth
  }
  bool diameter = false;
  for (const auto& d : run.records[1]["dimensions"]) diameter |= d["kind"] == "diameter";
  CHECK(diameter);
}
