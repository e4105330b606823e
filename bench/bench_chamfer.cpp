// bench_chamfer: our Chamfer distance against SciPy's cKDTree and CGAL's spatial searching on
// the same points, side by side.
//
// Two CadQuery solids (a filleted plate with a hole and a slightly different "prediction") are
// executed natively, meshed finely, brought to the unit cube as cadrille's evaluate.py does and
// sampled (8192 points each, seeded). The point sets are written as raw little-endian float64
// files; then cad::metrics::chamfer_distance (one thread, both k-d tree builds included) and
// `python3 bench/chamfer_scipy.py` (two cKDTrees, query with workers=1, the formula of
// cadrille / CAD-Recode) time the same work, median of --runs. The two CD values must agree to
// 1e-9 relative or the program exits 1. CGAL's Orthogonal_k_neighbor_search (K = 1 on a
// CGAL::Kd_tree, both builds included, chamfer_cgal.cpp) times the same work in-process.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"
#include "exec/execute.h"
#include "geom/normalize.h"
#include "geom/sampling.h"
#include "geom/similarity.h"
#include "metrics/chamfer.h"

namespace bench {
double cgal_chamfer_distance(const std::vector<std::array<double, 3>>& a,
                             const std::vector<std::array<double, 3>>& b);
}  // namespace bench

namespace {

using cad::metrics::PointCloud;

const char* kGroundTruth =
    "import cadquery as cq\n"
    "r = cq.Workplane('XY').box(40, 30, 10).faces('>Z').workplane().hole(12)"
    ".edges('|Z').fillet(3)\n";
const char* kPrediction =
    "import cadquery as cq\n"
    "r = cq.Workplane('XY').box(41, 29, 10).faces('>Z').workplane().hole(11)"
    ".edges('|Z').fillet(2)\n";

PointCloud sample_script(const std::string& id, const std::string& code, std::size_t n,
                         std::uint64_t seed) {
  cad::exec::ExecOptions opt;
  auto run = cad::exec::execute({id, nullptr, code}, opt);
  if (run.shape.IsNull()) throw cad::Error(id + ": the script gave no solid: " + run.record.dump());
  cad::geom::Mesh mesh = cad::geom::mesh_for_sampling(run.shape);
  mesh = cad::geom::transformed(mesh, cad::geom::normalize_unit_cube(cad::geom::mesh_bbox(mesh)));
  return cad::geom::sample_surface(mesh, n, seed);
}

void write_points(const PointCloud& points, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(points.data()),
            static_cast<std::streamsize>(points.size() * sizeof(points[0])));
  if (!out) throw cad::Error(path + ": cannot write");
}

std::string run_command(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw cad::Error("cannot run: " + command);
  std::string out;
  char buf[4096];
  while (std::size_t got = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, got);
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chamfer distance of two sampled shapes: cad::metrics against SciPy cKDTree"};
  std::size_t points = 8192;
  int runs = 20;
  int threads = 1;
  std::string python = "/usr/bin/python3";
  std::string script = "bench/chamfer_scipy.py";
  std::string dir = "/tmp";
  app.add_option("--points", points, "surface samples per shape")->check(CLI::PositiveNumber);
  app.add_option("--runs", runs, "timed repetitions per side (median reported)")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "threads for our side (SciPy always uses workers=1)")
      ->check(CLI::PositiveNumber);
  app.add_option("--python", python, "the interpreter that has scipy (Debian's python3-scipy)");
  app.add_option("--script", script, "path of chamfer_scipy.py");
  app.add_option("--dir", dir, "where the two point files are written");
  CLI11_PARSE(app, argc, argv);

  try {
    PointCloud a = sample_script("gt", kGroundTruth, points, 1);
    PointCloud b = sample_script("pred", kPrediction, points, 2);
    std::string a_path = dir + "/bench_chamfer_a.bin", b_path = dir + "/bench_chamfer_b.bin";
    write_points(a, a_path);
    write_points(b, b_path);

    double ours = 0;
    std::vector<double> seconds;
    for (int i = 0; i < runs + 1; ++i) {  // the first run warms caches and is not counted
      auto t0 = std::chrono::steady_clock::now();
      ours = cad::metrics::chamfer_distance(a, b, threads);
      auto t1 = std::chrono::steady_clock::now();
      if (i > 0) seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
    }
    double ours_s = median(seconds);
    double ours_min = *std::min_element(seconds.begin(), seconds.end());

    double cgal = 0;
    std::vector<double> cgal_seconds;
    for (int i = 0; i < runs + 1; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      cgal = bench::cgal_chamfer_distance(a, b);
      auto t1 = std::chrono::steady_clock::now();
      if (i > 0) cgal_seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
    }
    double cgal_s = median(cgal_seconds);
    double cgal_min = *std::min_element(cgal_seconds.begin(), cgal_seconds.end());
    double cgal_rel = std::abs(ours - cgal) / std::max(std::abs(cgal), 1e-300);

    std::string command =
        fmt::format("{} {} {} {} --runs {}", python, script, a_path, b_path, runs);
    std::string output = run_command(command);
    nlohmann::json theirs;
    try {
      theirs = nlohmann::json::parse(output);
    } catch (const std::exception&) {
      throw cad::Error("unexpected output of `" + command + "`: " + output);
    }
    double scipy_cd = theirs.at("cd").get<double>();
    double scipy_s = theirs.at("median_s").get<double>();
    double scipy_min = theirs.at("min_s").get<double>();
    double rel = std::abs(ours - scipy_cd) / std::max(std::abs(scipy_cd), 1e-300);

    fmt::print(
        "points: {} x {} (unit cube), runs: {} (median), our threads: {}, SciPy {} workers=1\n",
        a.size(), b.size(), runs, threads, theirs.value("scipy", std::string("?")));
    fmt::print("| implementation | CD x1000 | median ms | min ms |\n");
    fmt::print("|---|---|---|---|\n");
    fmt::print("| cad::metrics::chamfer_distance | {:.9f} | {:.3f} | {:.3f} |\n", 1000 * ours,
               1000 * ours_s, 1000 * ours_min);
    fmt::print("| CGAL Orthogonal_k_neighbor_search (K = 1) | {:.9f} | {:.3f} | {:.3f} |\n",
               1000 * cgal, 1000 * cgal_s, 1000 * cgal_min);
    fmt::print("| scipy.spatial.cKDTree | {:.9f} | {:.3f} | {:.3f} |\n", 1000 * scipy_cd,
               1000 * scipy_s, 1000 * scipy_min);
    fmt::print("speed-up (SciPy median / ours median): {:.2f}x; relative CD difference {:.2e}\n",
               scipy_s / ours_s, rel);
    fmt::print("speed-up (CGAL median / ours median): {:.2f}x; relative CD difference {:.2e}\n",
               cgal_s / ours_s, cgal_rel);
    if (!(rel <= 1e-9) || !(cgal_rel <= 1e-9)) {
      fmt::print(stderr, "bench_chamfer: CD values disagree ({} vs SciPy {}, CGAL {})\n", ours,
                 scipy_cd, cgal);
      return 1;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench_chamfer: {}\n", e.what());
    return 1;
  }
  return 0;
}
