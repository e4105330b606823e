// Table cells, breakdowns, failure groups and the gallery's choice, from cad-eval's outputs.
#include "report/figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/error.h"

namespace cad::report {
using json = nlohmann::json;

namespace {

bool has_number(const json& r, const char* key) {
  return r.contains(key) && r[key].is_number();
}

std::string id_of(const json& r) {
  if (!r.contains("id")) return "";
  return r["id"].is_string() ? r["id"].get<std::string>() : r["id"].dump();
}

}  // namespace

const Column& column(const std::string& key) {
  static const std::vector<Column> columns = {
      {"ids", "ids", 0, "ids: ground-truth ids in the evaluation (predicted or not)"},
      {"ir", "IR %", 2,
       "IR: ids without a valid prediction (no CD) / all ids, %; ids whose ground truth cannot "
       "be loaded left out"},
      {"exec", "exec %", 2, "exec: predictions whose code executed / all predictions, %"},
      {"mean_cd", "mean CD", 3,
       "CD: Chamfer distance x1000 (mean squared nearest-neighbour distance both ways, summed), "
       "mean and median over the valid predictions"},
      {"median_cd", "median CD", 3, ""},
      {"iou", "IoU %", 2,
       "IoU: volumetric IoU of the normalized solids, mean over the valid ones, %"},
      {"iou_best", "IoU_best %", 2,
       "IoU_best: CAD-Coder's inertia-aligned IoU, best of the four sign variants, mean, %"},
      {"f1", "F1", 3, "F1: F-score of the point clouds at the summary's threshold, mean"},
      {"primitive_f1", "P-F1 %", 2,
       "P-F1: Text2CAD's primitive F1 (line, arc, circle, extrusion), mean, %"},
      {"plane", "R_plane", 3, "R_plane: CME-CAD's plane term of the first workplanes, mean"}};
  for (const auto& c : columns)
    if (c.key == key) return c;
  throw UsageError("unknown column '" + key + "'");
}

json figure(const json& summary, const std::string& key, const std::string& samples) {
  if (!summary.is_object()) return nullptr;
  auto scaled = [](const json& v, double s) -> json {
    return v.is_number() ? json(v.get<double>() * s) : json(nullptr);
  };
  if (key == "ids") return summary.value("ids", json(nullptr));
  if (key == "ir") return scaled(summary.value("invalidity_ratio", json(nullptr)), 100);
  if (key == "exec") return scaled(summary.value("exec_rate", json(nullptr)), 100);
  const json& row = samples == "best" && summary.contains("best_of_k") ? summary["best_of_k"]
                                                                       : summary["first_sample"];
  if (!row.is_object()) return nullptr;
  auto get = [&](const char* name) { return row.value(name, json(nullptr)); };
  if (key == "mean_cd") return get("mean_cd");
  if (key == "median_cd") return get("median_cd");
  if (key == "iou") return scaled(get("mean_iou"), 100);
  if (key == "iou_best") return scaled(get("mean_iou_best"), 100);
  if (key == "f1") return get("mean_f1");
  if (key == "primitive_f1") return scaled(get("mean_primitive_f1"), 100);
  if (key == "plane") return get("mean_plane");
  return nullptr;
}

std::string format_figure(const json& value, int digits) {
  if (!value.is_number()) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value.get<double>());
  return buf;
}

std::vector<const json*> first_samples(const std::vector<json>& eval) {
  std::map<std::string, std::size_t> index;  // id -> position in out
  std::vector<const json*> out;
  for (const json& r : eval) {
    const std::string id = id_of(r);
    if (id.empty() || r.value("status", "") == "no_ground_truth") continue;
    const bool sample0 = !r.contains("sample") || r["sample"].is_null() ||
                         (r["sample"].is_number() && r["sample"].get<double>() == 0);
    auto it = index.find(id);
    if (it == index.end()) {
      index[id] = out.size();
      out.push_back(&r);
    } else if (sample0 &&
               !(out[it->second]->contains("sample") && (*out[it->second])["sample"] == json(0))) {
      out[it->second] = &r;
    }
  }
  return out;
}

std::map<std::string, std::vector<json>> group_by(const std::vector<json>& eval,
                                                  const std::map<std::string, json>& gt,
                                                  const std::string& field) {
  std::map<std::string, std::vector<json>> groups;
  for (const json& r : eval) {
    auto it = gt.find(id_of(r));
    std::string name = "(no ground truth)";
    if (it != gt.end()) {
      const json& v = it->second.value(field, json(nullptr));
      name = v.is_string() ? v.get<std::string>() : v.is_null() ? "(none)" : v.dump();
    }
    groups[name].push_back(r);
  }
  return groups;
}

std::string error_message(const json& r) {
  if (!r.contains("error")) return "";
  const json& e = r["error"];
  if (e.is_string()) return e.get<std::string>();
  if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"];
  return "";
}

std::vector<FailureGroup> failure_groups(const std::vector<json>& eval, std::size_t ids_kept) {
  std::map<std::pair<std::string, std::string>, FailureGroup> groups;
  for (const json& r : eval) {
    const std::string status = r.value("status", "");
    if (status == "ok" || (status == "open_mesh" && has_number(r, "cd"))) continue;
    std::string s = status;
    if (r.contains("pred_status") && r["pred_status"].is_string())
      s += " / " + r["pred_status"].get<std::string>();
    std::string message = error_message(r);
    message = message.substr(0, message.find('\n'));
    if (message.size() > 160) message = message.substr(0, 157) + "...";
    FailureGroup& g = groups[{s, message}];
    g.status = s;
    g.message = message;
    ++g.count;
    if (g.ids.size() < ids_kept) g.ids.push_back(id_of(r));
  }
  std::vector<FailureGroup> out;
  for (auto& [key, g] : groups) out.push_back(std::move(g));
  std::stable_sort(out.begin(), out.end(),
                   [](const FailureGroup& a, const FailureGroup& b) { return a.count > b.count; });
  return out;
}

std::vector<Pick> pick_gallery(const std::vector<json>& eval, std::size_t per_rule) {
  const std::vector<const json*> firsts = first_samples(eval);
  std::vector<const json*> scored, failed;
  for (const json* r : firsts) {
    if (r->value("status", "") == "ok" && has_number(*r, "iou"))
      scored.push_back(r);
    else if (!has_number(*r, "iou"))
      failed.push_back(r);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const json* a, const json* b) {
    const double ia = (*a)["iou"], ib = (*b)["iou"];
    if (ia != ib) return ia > ib;
    return id_of(*a) < id_of(*b);
  });
  std::vector<Pick> picks;
  std::set<const json*> shown;
  auto take = [&](const char* rule, const json* r) {
    if (shown.insert(r).second) picks.push_back({rule, r});
  };
  const std::size_t n = scored.size(), k = std::min(per_rule, n);
  for (std::size_t i = 0; i < k; ++i) take("best", scored[i]);
  const std::size_t mid_start = n > k ? (n - k) / 2 : 0;
  for (std::size_t i = mid_start; i < mid_start + k && i < n; ++i) take("median", scored[i]);
  for (std::size_t i = n - k; i < n; ++i) take("worst", scored[i]);
  for (std::size_t i = 0; i < failed.size() && i < per_rule; ++i) take("failure", failed[i]);
  return picks;
}

std::vector<std::size_t> iou_histogram(const std::vector<json>& eval, std::size_t bins) {
  std::vector<std::size_t> counts(bins, 0);
  if (bins == 0) return counts;
  for (const json* r : first_samples(eval)) {
    if (!has_number(*r, "iou")) continue;
    const double v = std::clamp((*r)["iou"].get<double>(), 0.0, 1.0);
    counts[std::min(bins - 1, std::size_t(v * bins))]++;
  }
  return counts;
}

}  // namespace cad::report
