// Tests of metrics/iou: exact boolean IoU, the voxel fallback, and their agreement.
#include <catch2/catch.hpp>

#include "../corpus_dir.h"

#include <BRepPrimAPI_MakeBox.hxx>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "exec/execute.h"
#include "geom/mesh_solid.h"
#include "metrics/iou.h"

namespace fs = std::filesystem;
using cad::metrics::iou;
using cad::metrics::IouOptions;
using cad::metrics::voxel_iou;

namespace {

TopoDS_Shape run(const std::string& code) {
  auto ex = cad::exec::execute({"t", nullptr, "import cadquery as cq\n" + code}, {});
  INFO(ex.record.dump());
  REQUIRE(ex.record["status"] == "ok");
  return ex.shape;
}

TopoDS_Shape box(double x0, double y0, double z0, double dx, double dy, double dz) {
  return BRepPrimAPI_MakeBox(gp_Pnt(x0, y0, z0), dx, dy, dz).Shape();
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

const char* kBoxWithHole =
    "result = cq.Workplane('XY').box(4, 3, 1).faces('>Z').workplane().hole(1.2)\n";
const char* kCylinder = "result = cq.Workplane('XY').cylinder(3, 1.1)\n";
const char* kBracket =
    "result = (cq.Workplane('XY').polyline([(0, 0), (4, 0), (4, 0.6), (0.6, 0.6), (0.6, 3), (0, "
    "3)])"
    ".close().extrude(2).faces('>X').workplane().hole(0.5))\n";

}  // namespace

TEST_CASE("identical solids have IoU 1", "[metrics]") {
  for (const char* code : {kBoxWithHole, kCylinder, kBracket}) {
    INFO(code);
    TopoDS_Shape a = run(code), b = run(code);
    auto r = iou(a, b);
    CHECK(r.backend == "occt");
    CHECK(r.iou == Approx(1).epsilon(1e-9));
    CHECK(iou(a, a).iou == Approx(1).epsilon(1e-9));
  }
}

TEST_CASE("two unit cubes offset by 0.5 along X have IoU 1/3", "[metrics]") {
  // Common 0.5, union 1 + 1 - 0.5 = 1.5.
  TopoDS_Shape a = box(0, 0, 0, 1, 1, 1), b = box(0.5, 0, 0, 1, 1, 1);
  auto r = iou(a, b);
  CHECK(r.backend == "occt");
  CHECK(r.note.empty());
  CHECK(r.iou == Approx(1.0 / 3).epsilon(1e-12));
  // On a 120-cell grid over the 1.5 x 1 x 1 union the faces fall on cell boundaries: exact.
  IouOptions vox;
  vox.backend = cad::metrics::IouBackend::Voxel;
  vox.voxel_resolution = 120;
  auto v = iou(a, b, vox);
  CHECK(v.backend == "voxel");
  CHECK(v.iou == Approx(1.0 / 3).epsilon(1e-12));
  // At 128 the shared face at x = 0.5 falls inside a column of cells: within half a cell
  // of the 42.7 cells of the overlap, 1.2 %.
  vox.voxel_resolution = 128;
  CHECK(iou(a, b, vox).iou == Approx(1.0 / 3).epsilon(0.02));
  // Disjoint and contained.
  CHECK(iou(a, box(2, 0, 0, 1, 1, 1)).iou == 0);
  CHECK(iou(box(0, 0, 0, 2, 2, 2), a).iou == Approx(1.0 / 8));
}

TEST_CASE("IoU of a solid against a mesh: CGAL mesh booleans by default, OCCT on request",
          "[metrics]") {
  TopoDS_Shape a = box(0, 0, 0, 1, 1, 1);
  cad::geom::Mesh m = cad::geom::tessellate(box(0.25, 0.25, 0, 1, 1, 1));
  auto r = iou(a, m);  // common 0.5625, union 1.4375
  CHECK(r.backend == "mesh");
  CHECK(r.mesh_tolerance > 0);
  CHECK(r.iou == Approx(0.5625 / 1.4375).margin(1e-8));
  auto mm = iou(cad::geom::tessellate(a), m);
  CHECK(mm.backend == "mesh");
  CHECK(mm.mesh_tolerance == 0);
  CHECK(mm.iou == Approx(r.iou).margin(1e-8));
  IouOptions occt;
  occt.backend = cad::metrics::IouBackend::Occt;
  auto o = iou(a, m, occt);
  CHECK(o.backend == "occt");
  CHECK(o.iou == Approx(r.iou).epsilon(1e-6));
  CHECK(iou(cad::geom::tessellate(a), m, occt).backend == "occt");

  // An open mesh cannot become a solid: the voxel path says why.
  m.triangles.pop_back();
  auto open = iou(a, m);
  CHECK(open.backend == "voxel");
  CHECK(open.note.find("boundary edges") != std::string::npos);
  CHECK(open.iou == Approx(r.iou).epsilon(0.03));
  IouOptions strict;
  strict.voxel_fallback = false;
  CHECK_THROWS_AS(iou(a, m, strict), cad::Error);
}

TEST_CASE("shapes without a solid are errors", "[metrics]") {
  TopoDS_Shape a = box(0, 0, 0, 1, 1, 1);
  CHECK_THROWS_AS(iou(a, TopoDS_Shape()), cad::Error);
  CHECK_THROWS_AS(voxel_iou(cad::geom::Mesh{}, cad::geom::Mesh{}), cad::Error);
}

TEST_CASE("voxel IoU agrees with boolean IoU within 1 % on CadQuery parts", "[metrics]") {
  // Each part against a copy shifted by a tenth of a cell-unrelated distance and scaled.
  for (const char* code : {kBoxWithHole, kCylinder, kBracket}) {
    INFO(code);
    TopoDS_Shape a = run(code);
    TopoDS_Shape b = run(std::string(code) + "result = result.translate((0.31, 0.17, 0.23))\n");
    auto exact = iou(a, b);
    REQUIRE(exact.backend == "occt");
    CHECK(exact.iou > 0.3);
    CHECK(exact.iou < 0.95);
    IouOptions vox;
    vox.backend = cad::metrics::IouBackend::Voxel;
    vox.mesh_deflection = 0.002;
    auto approx = iou(a, b, vox);
    CHECK(approx.backend == "voxel");
    CHECK(approx.iou == Approx(exact.iou).epsilon(0.01));
  }
}

TEST_CASE("IoU is deterministic", "[metrics]") {
  TopoDS_Shape a = run(kBracket);
  TopoDS_Shape b = run(std::string(kBracket) + "result = result.rotate((0,0,0), (1,1,1), 20)\n");
  auto r1 = iou(a, b), r2 = iou(a, b);
  CHECK(r1.iou == r2.iou);
  auto ma = cad::geom::tessellate(a), mb = cad::geom::tessellate(b);
  CHECK(voxel_iou(ma, mb, 64) == voxel_iou(ma, mb, 64));
}

TEST_CASE("CADPrompt experts against their ground-truth meshes: voxel agrees with boolean",
          "[metrics][corpus]") {
  fs::path dir = fs::path(CAD_CORPUS_DIR) / "cadprompt";
  CAD_REQUIRE_CORPUS(dir);
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir))
    if (fs::exists(e.path() / "expert.py") && fs::exists(e.path() / "ground_truth.stl"))
      cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 22);
  cases.resize(22);

  // Cases whose ground truth is not the script's solid (tests/corpus/KNOWN_MISSES.md; in
  // 00000960 the STL plate sits at z 0..0.00195, the script's is centred on z = 0).
  const std::vector<std::string> differs = {"00000960", "00002221", "00005358"};
  int compared = 0, fallbacks = 0;
  double boolean_ms = 0, voxel_ms = 0, worst = 0;
  for (const fs::path& c : cases) {
    std::string id = c.filename().string();
    std::ifstream in(c / "expert.py");
    std::stringstream code;
    code << in.rdbuf();
    auto ex = cad::exec::execute({id, nullptr, code.str()}, {});
    if (ex.record["status"] != "ok") {
      WARN(id << ": expert did not execute: " << ex.record.dump());
      continue;
    }
    cad::geom::Mesh gt = cad::geom::read_mesh((c / "ground_truth.stl").string());
    INFO(id << " (" << gt.triangles.size() << " triangles)");
    auto t0 = std::chrono::steady_clock::now();
    auto exact = iou(ex.shape, gt);
    boolean_ms += ms_since(t0);
    INFO("IoU " << exact.iou << " [" << exact.backend << "] " << exact.note);
    IouOptions vox;
    vox.backend = cad::metrics::IouBackend::Voxel;
    t0 = std::chrono::steady_clock::now();
    auto approx = iou(ex.shape, gt, vox);
    voxel_ms += ms_since(t0);
    INFO("voxel " << approx.iou << " " << approx.note);
    bool same = std::find(differs.begin(), differs.end(), id) == differs.end();
    // The ground truth was meshed coarsely (36 segments per circle): IoU a bit below 1.
    if (same) CHECK(exact.iou > 0.97);
    if (exact.backend != "voxel") {
      CHECK(approx.iou == Approx(exact.iou).epsilon(same ? 0.01 : 0.02));
      worst = std::max(worst, std::fabs(approx.iou - exact.iou) / exact.iou);
    } else {
      ++fallbacks;
    }
    ++compared;
  }
  CHECK(compared >= 20);
  CHECK(fallbacks <= 2);
  WARN(compared << " corpus pairs (" << fallbacks << " voxel fallbacks): " << boolean_ms / compared
                << " ms per IoU, " << voxel_ms / compared
                << " ms per voxel IoU (128 cells); worst voxel deviation " << worst * 100 << " %");
}
