// Corpus test: the CADPrompt experts' scripts execute and match their measured ground truth.
#include <catch2/catch.hpp>

#include "../corpus_dir.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <BRepBuilderAPI_Copy.hxx>

#include "core/json_schema.h"
#include "exec/execute.h"
#include "geom/mesh.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The ground truths are printed with 5 decimals: allow half a unit of the last digit on
// top of the relative tolerance so that rounding alone never fails a tiny part.
bool close(double got, double want, double rel) {
  return std::fabs(got - want) <= rel * std::fabs(want) + 5e-6;
}

// ground_truth.json was measured on the mesh CadQuery exported (its face counts are the
// STL's triangles; a circle there has 36 segments, so a cylinder's volume is ~0.5 % below
// the exact one). A case passes when our exact volume, or the volume of our solid meshed
// at that resolution (angular deflection 0.349 rad = 36 segments per circle, linear 0.1),
// is within the tolerance: the two conventions bracket the figure being compared.
double volume_at_ground_truth_resolution(const TopoDS_Shape& shape) {
  TopoDS_Shape copy = BRepBuilderAPI_Copy(shape, true, false).Shape();
  return cad::geom::mesh_volume(cad::geom::tessellate(copy, 0.1, 0.349));
}

}  // namespace

TEST_CASE("CADPrompt expert scripts reproduce their ground-truth volume and bounding box",
          "[corpus]") {
  fs::path dir = fs::path(CAD_CORPUS_DIR) / "cadprompt";
  CAD_REQUIRE_CORPUS(dir);
  json schema =
      cad::core::load_json_file(std::string(CAD_SOURCE_DIR) + "/data_schemas/exec.schema.json");
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir))
    if (fs::exists(e.path() / "expert.py")) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() == 100);

  cad::exec::ExecOptions options;
  int passed = 0;
  std::string misses;
  for (const fs::path& c : cases) {
    std::string id = c.filename().string();
    json gt = json::parse(slurp(c / "ground_truth.json"))["Ground_Truth"];
    auto ex = cad::exec::execute({id, nullptr, slurp(c / "expert.py")}, options);
    const json& r = ex.record;
    auto errors = cad::core::validate_json(r, schema);
    INFO(id << ": " << r.dump());
    CHECK(errors.empty());
    std::string why;
    if (r["status"] != "ok") {
      why = r["status"].get<std::string>() + ": " + (r["error"].is_null() ? "" : r["error"].dump());
    } else {
      double volume = r["volume"], want = gt["Volume_cubic_mm"];
      const json& lo = r["bbox"]["min"];
      const json& hi = r["bbox"]["max"];
      double ext[3] = {hi[0].get<double>() - lo[0].get<double>(),
                       hi[1].get<double>() - lo[1].get<double>(),
                       hi[2].get<double>() - lo[2].get<double>()};
      double want_ext[3] = {gt["Width_mm"], gt["Height_mm"], gt["Depth_mm"]};
      // Where the JSON figure disagrees with the mesh it was measured on (00980412 says
      // 0.0 for a mesh enclosing 0.001), the mesh's enclosed volume is the reference too.
      double stl = cad::geom::mesh_volume(cad::geom::read_mesh((c / "ground_truth.stl").string()));
      auto matches = [&](double v) {
        return close(v, want, 0.005) || (!close(stl, want, 0.005) && close(v, stl, 0.005));
      };
      if (!matches(volume)) {
        double meshed = volume_at_ground_truth_resolution(ex.shape);
        if (!matches(meshed))
          why = "volume " + std::to_string(volume) + " (meshed " + std::to_string(meshed) +
                ") vs " + std::to_string(want) + " (ground_truth.stl encloses " +
                std::to_string(stl) + ")";
      }
      for (int k = 0; k < 3; ++k)
        if (!close(ext[k], want_ext[k], 0.005))
          why += std::string(why.empty() ? "" : "; ") + "extent " + "XYZ"[k] + " " +
                 std::to_string(ext[k]) + " vs " + std::to_string(want_ext[k]);
    }
    if (why.empty())
      ++passed;
    else
      misses += "  " + id + ": " + why + "\n";
  }
  WARN(passed << "/100 expert scripts match volume and extents within 0.5 %\n" << misses);
  // The misses we know of are ground truths that do not come from their expert.py (checked by
  // hand in tests/corpus/KNOWN_MISSES.md): e.g. 00002221's STL is 0.0078 thick where
  // the script says 0.0034. A regression in lib/cq shows up as more misses than these.
  CHECK(passed >= 94);
}
