// The CADPrompt expert scripts run natively and match their ground truth (volume and
// bounding box within 0.5 %).
#include <catch2/catch.hpp>

#include <BRepMesh_IncrementalMesh.hxx>
#include <BRep_Tool.hxx>
#include <Poly_Triangulation.hxx>
#include <TopoDS.hxx>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cq_test_util.h"

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// Volume of the STL that CadQuery's exporters.export writes (BRepMesh with linear
/// tolerance 0.1 relative to the edge size, angular tolerance 0.1): the ground truth
/// volumes were measured on that mesh.
double mesh_volume(const TopoDS_Shape& shape, int* triangles = nullptr) {
  BRepMesh_IncrementalMesh(shape, 0.1, true, 0.1, false);
  double v = 0;
  if (triangles) *triangles = 0;
  for (const auto& fs : cad::cq::sub_shapes(shape, TopAbs_FACE)) {
    TopoDS_Face f = TopoDS::Face(fs);
    TopLoc_Location loc;
    Handle(Poly_Triangulation) t = BRep_Tool::Triangulation(f, loc);
    if (t.IsNull()) continue;
    bool rev = f.Orientation() == TopAbs_REVERSED;
    if (triangles) *triangles += t->NbTriangles();
    for (int i = 1; i <= t->NbTriangles(); ++i) {
      int a, b, c;
      t->Triangle(i).Get(a, b, c);
      if (rev) std::swap(b, c);
      gp_XYZ p = t->Node(a).Transformed(loc.Transformation()).XYZ(), q = t->Node(b).Transformed(loc.Transformation()).XYZ(),
             r = t->Node(c).Transformed(loc.Transformation()).XYZ();
      v += p.Dot(q.Crossed(r)) / 6.0;
    }
  }
  return v;
}

/// Runs one expert script; returns an empty string on a match, else what differs.
std::string check_case(const fs::path& dir) {
  auto gt = nlohmann::json::parse(read(dir / "ground_truth.json"))["Ground_Truth"];
  cad::cq::testing::Run r;
  cad::cq::install(*r.in, r.session);
  try {
    r.in->run_source(read(dir / "expert.py"), "expert.py");
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
  auto res = cad::cq::select_result(*r.in, *r.session);
  if (!res || res->shape.IsNull()) return "no result";
  int tris = 0;
  double vol = mesh_volume(res->shape, &tris);
  double want = gt["Volume_cubic_mm"].get<double>();
  double x0, y0, z0, x1, y1, z1;
  cad::cq::bounding_box(res->shape).Get(x0, y0, z0, x1, y1, z1);
  double dims[3] = {x1 - x0, y1 - y0, z1 - z0};
  double gdims[3] = {gt["Width_mm"].get<double>(), gt["Height_mm"].get<double>(), gt["Depth_mm"].get<double>()};
  double scale = std::max({gdims[0], gdims[1], gdims[2]});
  std::ostringstream err;
  if (getenv("CQ_CORPUS_VERBOSE"))
    err << "[tris " << tris << " vs " << gt["Number_of_Faces"].get<int>() << ", exact " << cad::cq::volume(res->shape)
        << ", area " << cad::cq::area(res->shape) << " vs " << gt["Surface_Area_square_mm"].get<double>() << "] ";
  // The ground truth is rounded to 5 decimals and measured on a mesh whose tessellation
  // differs between OCCT versions: accept the exact or the mesh volume.
  double exact = cad::cq::volume(res->shape), tol = std::max(0.005 * std::abs(want), 0.5e-5);
  if (std::abs(vol - want) > tol && std::abs(exact - want) > tol)
    err << "volume " << exact << " (mesh " << vol << ") != " << want << "; ";
  for (int i = 0; i < 3; ++i)
    if (std::abs(dims[i] - gdims[i]) > 0.005 * scale) err << "extent[" << i << "] " << dims[i] << " != " << gdims[i] << "; ";
  std::smatch m;
  std::string c = gt["Bounding_Box_Center"].get<std::string>();
  if (std::regex_search(c, m, std::regex(R"(\(([-0-9.e]+), ([-0-9.e]+), ([-0-9.e]+)\))"))) {
    double center[3] = {(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2};
    for (int i = 0; i < 3; ++i)
      if (std::abs(center[i] - std::stod(m[i + 1])) > 0.005 * scale)
        err << "center[" << i << "] " << center[i] << " != " << m[i + 1] << "; ";
  }
  return err.str();
}

}  // namespace

// Cases whose ground-truth volume cannot be reproduced from the script's exact geometry
// (the bounding boxes still match): 00002221 states more volume than its two boxes have,
// 00980412 states 0, 00689273 measures two overlapping add()ed solids as their union, and
// 00005358, 00995733, 00995843, 00997428 were measured on meshes far coarser than OCCT
// 7.6 produces (their surface areas differ likewise). 00037276 is Sketch.hull.
const std::set<std::string> kGroundTruthMismatch = {"00002221", "00005358", "00037276", "00689273",
                                                    "00980412", "00995733", "00995843", "00997428"};

TEST_CASE("CADPrompt expert scripts match their ground truth", "[cq][corpus]") {
  fs::path root = fs::path(CAD_CORPUS_DIR) / "cadprompt";
  if (!fs::exists(root)) {
    WARN("corpus not found: " << root.string());
    return;
  }
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root))
    if (fs::exists(e.path() / "expert.py")) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  int failed = 0, passed = 0;
  for (const auto& d : dirs) {
    std::string id = d.filename().string(), err = check_case(d);
    bool known = kGroundTruthMismatch.count(id) > 0;
    if (err.empty()) ++passed;
    if (!err.empty() && !known) {
      ++failed;
      UNSCOPED_INFO(id << ": " << err);
    }
    if (!err.empty() && known && err.find("volume") == std::string::npos) {
      ++failed;  // known cases must still run and match their bounding box
      UNSCOPED_INFO(id << ": " << err);
    }
  }
  INFO(passed << " of " << dirs.size() << " match");
  CHECK(failed == 0);
  CHECK(passed + static_cast<int>(kGroundTruthMismatch.size()) >= static_cast<int>(dirs.size()));
}
