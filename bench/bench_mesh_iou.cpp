// bench_mesh_iou: where the time of an IoU against a mesh goes, per CADPrompt pair: executing
// the expert script, meshing the solid (solid_mesh), preparing each side (VolumeMesh: repair,
// orientation), the corefinement (mesh_iou), and the same IoU by OpenCASCADE's booleans with
// the STL made a solid (the occt backend). Prints a markdown table of totals and the slowest
// pairs. Usage: bench_mesh_iou [--corpus DIR] [--tolerance F] [--limit N]
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "exec/execute.h"
#include "geom/mesh.h"
#include "metrics/iou.h"
#include "metrics/mesh_iou.h"

namespace fs = std::filesystem;

namespace {
double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
struct Row {
  std::string id;
  std::size_t gt_triangles = 0, solid_triangles = 0;
  double exec = 0, mesh = 0, prep_solid = 0, prep_gt = 0, coref = 0, occt = 0;
  double iou_mesh = 0, iou_occt = 0;
  std::string occt_backend;
};
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Stages of the mesh IoU on the CADPrompt corpus, beside the occt backend"};
  std::string corpus = "../shared/corpus/cadprompt";
  double tolerance = cad::metrics::IouOptions{}.mesh_tolerance;
  std::size_t limit = 0;
  bool occt = true;
  double offset = 0;
  app.add_option("--offset", offset,
                 "move the solid's mesh by this fraction of its size along (1, 0.7, 0.4) first "
                 "(no coincident faces: shows what coplanar triangles cost)");
  app.add_option("--corpus", corpus, "folder of <id>/expert.py + ground_truth.stl");
  app.add_option("--tolerance", tolerance, "mesh tolerance (fraction of the diagonal)");
  app.add_option("--limit", limit, "only the first N pairs (0 = all)");
  app.add_flag("!--no-occt", occt, "skip the occt backend");
  CLI11_PARSE(app, argc, argv);

  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(corpus))
    if (fs::exists(e.path() / "expert.py")) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  if (limit && cases.size() > limit) cases.resize(limit);
  cad::metrics::IouOptions options;
  options.mesh_tolerance = tolerance;
  std::vector<Row> rows;
  for (const auto& c : cases) {
    Row r;
    r.id = c.filename().string();
    std::ifstream in(c / "expert.py");
    std::stringstream code;
    code << in.rdbuf();
    auto t0 = std::chrono::steady_clock::now();
    auto ex = cad::exec::execute({r.id, nullptr, code.str()}, {});
    r.exec = ms_since(t0);
    if (ex.shape.IsNull()) continue;
    cad::geom::Mesh gt = cad::geom::read_mesh((c / "ground_truth.stl").string());
    r.gt_triangles = gt.triangles.size();
    t0 = std::chrono::steady_clock::now();
    cad::geom::Mesh sm = cad::metrics::solid_mesh(ex.shape, options);
    r.mesh = ms_since(t0);
    r.solid_triangles = sm.triangles.size();
    if (offset != 0) {
      float lo[3] = {1e30f, 1e30f, 1e30f}, hi[3] = {-1e30f, -1e30f, -1e30f};
      for (const auto& v : sm.vertices)
        for (int k = 0; k < 3; ++k) lo[k] = std::min(lo[k], v[k]), hi[k] = std::max(hi[k], v[k]);
      const float size = std::max({hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]});
      const float d[3] = {1.0f, 0.7f, 0.4f};
      for (auto& v : sm.vertices)
        for (int k = 0; k < 3; ++k) v[k] += static_cast<float>(offset) * size * d[k];
    }
    t0 = std::chrono::steady_clock::now();
    cad::metrics::VolumeMesh vs(sm);
    r.prep_solid = ms_since(t0);
    t0 = std::chrono::steady_clock::now();
    cad::metrics::VolumeMesh vg(gt);
    r.prep_gt = ms_since(t0);
    t0 = std::chrono::steady_clock::now();
    try {
      r.iou_mesh = cad::metrics::mesh_iou(vs, vg);
    } catch (const std::exception& e) {
      r.iou_mesh = -1;
    }
    r.coref = ms_since(t0);
    if (occt) {
      cad::metrics::IouOptions o;
      o.backend = cad::metrics::IouBackend::Occt;
      t0 = std::chrono::steady_clock::now();
      auto res = cad::metrics::iou(ex.shape, gt, o);
      r.occt = ms_since(t0);
      r.iou_occt = res.iou;
      r.occt_backend = res.backend;
    }
    rows.push_back(r);
  }
  Row total;
  for (const auto& r : rows) {
    total.exec += r.exec;
    total.mesh += r.mesh;
    total.prep_solid += r.prep_solid;
    total.prep_gt += r.prep_gt;
    total.coref += r.coref;
    total.occt += r.occt;
  }
  fmt::print("{} pairs, mesh tolerance {}\n\n", rows.size(), tolerance);
  fmt::print("| stage | total ms | mean ms per pair |\n| --- | ---: | ---: |\n");
  auto line = [&](const char* name, double v) {
    fmt::print("| {} | {:.0f} | {:.1f} |\n", name, v, v / std::max<std::size_t>(1, rows.size()));
  };
  line("execute expert.py", total.exec);
  line("mesh the solid (solid_mesh)", total.mesh);
  line("prepare the solid's mesh (VolumeMesh)", total.prep_solid);
  line("prepare the STL (VolumeMesh)", total.prep_gt);
  line("corefinement + volume (mesh_iou)", total.coref);
  line("mesh backend: solid_mesh + VolumeMesh x2 + mesh_iou",
       total.mesh + total.prep_solid + total.prep_gt + total.coref);
  if (occt) line("occt backend: iou(solid, mesh)", total.occt);
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.mesh + a.prep_solid + a.prep_gt + a.coref >
           b.mesh + b.prep_solid + b.prep_gt + b.coref;
  });
  fmt::print(
      "\nslowest pairs (mesh backend):\n\n| id | STL triangles | solid triangles | mesh ms | "
      "prepare solid ms | prepare STL ms | corefine ms | occt ms | IoU mesh | IoU occt |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (std::size_t i = 0; i < std::min<std::size_t>(8, rows.size()); ++i) {
    const Row& r = rows[i];
    fmt::print(
        "| {} | {} | {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.5f} | {:.5f} ({}) |\n",
        r.id, r.gt_triangles, r.solid_triangles, r.mesh, r.prep_solid, r.prep_gt, r.coref, r.occt,
        r.iou_mesh, r.iou_occt, r.occt_backend);
  }
  return 0;
}
