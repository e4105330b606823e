// Dimension agreement between a drawing's annotations and a generated solid.
#include "eval/dims.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "core/error.h"
#include "render/drawing.h"

namespace cad::eval {
namespace {

using nlohmann::json;

/// What must be equal for two dimensions to be compared at all.
std::string match_key(const json& d) {
  return d.value("kind", "") + "|" + d.value("feature", "") + "|" +
         std::to_string(d.value("count", 1));
}

/// The values compared: the value, then a chamfer's second leg or a pitch circle's holes.
std::vector<double> values_of(const json& d) {
  std::vector<double> v;
  if (d.contains("value") && d["value"].is_number()) v.push_back(d["value"].get<double>());
  if (d.contains("legs") && d["legs"].is_array() && d["legs"].size() == 2 &&
      d["legs"][1].is_number())
    v.push_back(d["legs"][1].get<double>());
  if (d.contains("hole_diameter") && d["hole_diameter"].is_number())
    v.push_back(d["hole_diameter"].get<double>());
  return v;
}

bool agrees(double pred, double want, bool angle, const DimsTolerance& t) {
  const double floor = angle ? t.degrees : t.absolute;
  return std::abs(pred - want) <= std::max(floor, t.relative * std::abs(want)) + 1e-12;
}

void check_list(const json& list, const char* what) {
  if (!list.is_array()) throw cad::Error(std::string(what) + ": dimensions must be a JSON list");
  for (std::size_t i = 0; i < list.size(); ++i)
    if (!list[i].is_object() || !list[i].contains("kind") || !list[i].contains("value") ||
        !list[i]["value"].is_number())
      throw cad::Error(std::string(what) + ": dimension " + std::to_string(i) +
                       " is not an object with a kind and a numeric value");
}

}  // namespace

DimsMatch match_dimensions(const json& drawing, const json& solid_dims,
                           const DimsTolerance& tolerance) {
  check_list(drawing, "drawing");
  check_list(solid_dims, "solid");
  DimsMatch m;
  m.total = drawing.size();
  std::vector<bool> used(solid_dims.size(), false), hit(drawing.size(), false);
  std::vector<std::size_t> order(drawing.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return drawing[a]["value"].get<double>() < drawing[b]["value"].get<double>();
  });
  for (std::size_t i : order) {
    const json& want = drawing[i];
    const std::string key = match_key(want);
    const std::vector<double> wv = values_of(want);
    const bool angle = want.value("kind", "") == "angle";
    std::size_t best = solid_dims.size();
    double best_gap = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < solid_dims.size(); ++j) {
      if (used[j] || match_key(solid_dims[j]) != key) continue;
      const std::vector<double> pv = values_of(solid_dims[j]);
      if (pv.size() != wv.size()) continue;
      bool ok = true;
      for (std::size_t k = 0; k < wv.size() && ok; ++k) ok = agrees(pv[k], wv[k], angle, tolerance);
      if (!ok) continue;
      const double gap = std::abs(pv[0] - wv[0]);
      if (gap < best_gap) best_gap = gap, best = j;
    }
    if (best < solid_dims.size()) {
      used[best] = true;
      hit[i] = true;
      ++m.matched;
    }
  }
  for (std::size_t i = 0; i < drawing.size(); ++i)
    if (!hit[i])
      m.missed.push_back(drawing[i].contains("label") && drawing[i]["label"].is_string()
                             ? drawing[i]["label"]
                             : json(drawing[i].value("kind", "") + " " +
                                    std::to_string(drawing[i]["value"].get<double>())));
  return m;
}

json solid_dimensions(const TopoDS_Shape& shape, int decimals) {
  render::DrawingOptions options;
  options.decimals = decimals;
  return render::dimensions_json(render::make_drawing(shape, options), decimals);
}

}  // namespace cad::eval
