// Corpus test: every CADPrompt deepcad.json converted to CadQuery by lib/data, executed, and
// compared with the case's ground_truth.stl (DeepCAD's normalized frame on both sides).
#include <catch2/catch.hpp>

#include "../corpus_dir.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <BRepBuilderAPI_Copy.hxx>

#include "core/error.h"
#include "data/deepcad.h"
#include "exec/execute.h"
#include "geom/mesh.h"
#include "metrics/iou.h"

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// ground_truth.stl is CadQuery's coarse export (36 segments per circle, vertices every 10
// degrees from the circle's start): against it the exact solid of a thin-walled round part
// loses IoU to the chords alone (a ring 0.013 thick of radius 0.75 loses a fifth of its wall).
// Our solid meshed at that resolution is compared like with like, as
// tests/corpus/test_corpus_eval.cpp does for the expert scripts. OCCT's mesher puts 37 or 36
// segments on a circle at an angular deflection of 0.349 or 0.35 rad (and 10 or 11 on a quarter
// arc), so the second is tried when the first falls short.
double iou_at_ground_truth_resolution(const TopoDS_Shape& shape, const cad::geom::Mesh& gt) {
  double best = 0;
  for (double angular : {0.35, 0.349}) {
    if (best >= 0.95) break;
    TopoDS_Shape copy = BRepBuilderAPI_Copy(shape, true, false).Shape();
    best = std::max(best, cad::metrics::iou(cad::geom::tessellate(copy, 0.1, angular), gt).iou);
  }
  return best;
}

}  // namespace

TEST_CASE("CADPrompt DeepCAD JSON converted to CadQuery against ground_truth.stl", "[corpus]") {
  fs::path dir = fs::path(CAD_CORPUS_DIR) / "cadprompt";
  CAD_REQUIRE_CORPUS(dir);
  auto files = cad::data::find_deepcad_files(dir.string());
  REQUIRE(files.size() == 100);
  auto t0 = Clock::now();
  double t_convert = 0, t_iou = 0, t_param = 0;
  int passed = 0, coarse = 0, same = 0, exact = 0;
  double sum = 0;
  std::ostringstream misses, param_misses;
  for (const auto& [id, path] : files) {
    auto t = Clock::now();
    cad::data::Part part;
    try {
      part = cad::data::read_deepcad(path);
    } catch (const cad::Error& e) {
      misses << "  " << id << ": conversion failed: " << e.what() << "\n";
      continue;
    }
    auto a = cad::exec::execute({id, nullptr, part.code}, {});
    t_convert += since(t);
    if (a.record["status"] != "ok") {
      misses << "  " << id << ": code fails: " << a.record["error"].dump() << "\n";
      continue;
    }
    t = Clock::now();
    cad::geom::Mesh gt =
        cad::geom::read_mesh((fs::path(path).parent_path() / "ground_truth.stl").string());
    // Voxels (128 cells along each axis) are within about 1.5 % of the exact IoU here and
    // a hundred times faster (2 s against 60 s for the corpus); the exact boolean decides
    // the cases near the threshold.
    cad::metrics::IouOptions voxel;
    voxel.backend = cad::metrics::IouBackend::Voxel;
    double iou = cad::metrics::iou(a.shape, gt, voxel).iou;
    if (iou < 0.975) iou = cad::metrics::iou(a.shape, gt).iou, ++exact;
    double like = iou >= 0.95 ? iou : iou_at_ground_truth_resolution(a.shape, gt);
    t_iou += since(t);
    sum += iou;
    passed += like >= 0.95;
    coarse += iou < 0.95 && like >= 0.95;
    if (like < 0.95)
      misses << "  " << id << ": IoU " << iou << ", at ground-truth resolution " << like
             << " (level " << cad::data::to_string(part.level) << ")\n";
    // The parameterized code makes the same solid.
    t = Clock::now();
    auto b = cad::exec::execute({id, nullptr, part.code_param}, {});
    double again = b.record["status"] == "ok" ? cad::metrics::iou(a.shape, b.shape).iou : 0;
    t_param += since(t);
    if (again >= 0.999)
      ++same;
    else
      param_misses << "  " << id << ": code_param " << b.record["status"] << " IoU " << again
                   << "\n";
  }
  WARN(passed << "/100 converted DeepCAD models reach IoU >= 0.95 against ground_truth.stl ("
              << coarse << " of them only at the ground truth's resolution; mean IoU " << sum / 100
              << ", exact for the " << exact << " below 0.975 by voxels"
              << "); code_param makes the same solid: " << same << "/100; " << since(t0)
              << " s (convert + execute " << t_convert << " s, IoU " << t_iou << " s, code_param "
              << t_param << " s)\n"
              << misses.str() << param_misses.str());
  // The misses are ground truths not made from their JSON (tests/corpus/DEEPCAD_MISSES.md).
  CHECK(passed >= 98);
  CHECK(same == 100);
}

// Hidden (run it by name): writes each case's code, code_param, texts and exact IoU under
// $TMPDIR/deepcad_dump for reading; DEEPCAD_ONLY=<id part> limits it to matching cases.
TEST_CASE("deepcad corpus dump", "[.deepcad_dump]") {
  fs::path dir = fs::path(CAD_CORPUS_DIR) / "cadprompt";
  if (!fs::is_directory(dir)) return;
  fs::path out = fs::temp_directory_path() / "deepcad_dump";
  fs::create_directories(out);
  const char* only = std::getenv("DEEPCAD_ONLY");
  for (const auto& [id, path] : cad::data::find_deepcad_files(dir.string())) {
    if (only && id.find(only) == std::string::npos) continue;
    std::ofstream f(out / (id + ".txt"));
    try {
      cad::data::Part part = cad::data::read_deepcad(path);
      f << part.code << "\n#----\n"
        << part.code_param << "\n#----\n"
        << part.text_abstract << "\n\n"
        << part.text_detailed << "\n\nlevel " << cad::data::to_string(part.level) << " curves "
        << part.n_curves << "\n";
      for (const auto& ft : part.features) {
        f << "feature " << ft.kind << ": " << ft.description << "\n";
        for (const auto& p : ft.placement) f << "   " << p << "\n";
      }
      for (const auto& p : part.params)
        f << "param " << p.name << " = " << p.value << " # " << p.meaning << "\n";
      auto a = cad::exec::execute({id, nullptr, part.code}, {});
      f << "record " << a.record.dump() << "\n";
      if (!a.shape.IsNull()) {
        auto gt =
            cad::geom::read_mesh((fs::path(path).parent_path() / "ground_truth.stl").string());
        f << "iou " << cad::metrics::iou(a.shape, gt).iou << "\n";
      }
    } catch (const cad::Error& e) {
      f << "error " << e.what() << "\n";
    }
  }
}
