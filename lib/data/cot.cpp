#include "data/cot.h"

#include <fmt/format.h>

#include <map>

#include "core/error.h"

namespace cad::data {
namespace {

const char* kViewOrder[] = {"front", "top", "left"};

std::string unit_of(const Part& part) {
  return part.family == "deepcad" ? "" : " mm";
}

std::string capitalized(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 32);
  return text;
}

std::string lowered_first(std::string text) {
  if (text.size() > 1 && text[0] >= 'A' && text[0] <= 'Z' && !(text[1] >= 'A' && text[1] <= 'Z'))
    text[0] = static_cast<char>(text[0] + 32);
  return text;
}

std::string without_period(std::string text) {
  while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string count_word(int n) {
  static const char* words[] = {"zero", "one",   "two",   "three", "four", "five",
                                "six",  "seven", "eight", "nine",  "ten"};
  if (n >= 0 && n <= 10) return words[n];
  return std::to_string(n);
}

std::string plural(const std::string& noun, int n) {
  if (n == 1) return noun;
  if (!noun.empty() && (noun.back() == 's' || noun.back() == 'x')) return noun + "es";
  return noun + "s";
}

/// One dimension as a phrase: "the overall width is 40 mm".
std::string dimension_phrase(const nlohmann::json& d, const std::string& unit) {
  const std::string kind = d.value("kind", "");
  const std::string feature = d.value("feature", "feature");
  const std::string label = d.value("label", "");
  const int count = d.value("count", 1);
  const double value = d.value("value", 0.0);
  const std::string shown = label.empty() || label == num(value) ? "" : " (\"" + label + "\")";
  if (kind == "linear") return fmt::format("the {} is {}{}{}", feature, num(value), unit, shown);
  if (kind == "diameter") {
    if (count > 1)
      return fmt::format("{} {} of diameter {}{} (\"{}\")", count_word(count),
                         plural(feature, count), num(value), unit, label);
    return fmt::format("a {} of diameter {}{} (\"{}\")", feature, num(value), unit, label);
  }
  if (kind == "radius") {
    if (count > 1)
      return fmt::format("{} {} of radius {}{} (\"{}\")", count_word(count), plural(feature, count),
                         num(value), unit, label);
    return fmt::format("a {} of radius {}{} (\"{}\")", feature, num(value), unit, label);
  }
  if (kind == "position") {
    std::size_t from = feature.find(" from ");
    if (from != std::string::npos)
      return fmt::format("the {} lies {}{} from the {}", feature.substr(0, from), num(value), unit,
                         feature.substr(from + 6));
    return fmt::format("the {} is at {}{}", feature, num(value), unit);
  }
  return fmt::format("the {} is {}{}{}", feature, num(value), unit, shown);
}

double stat_size(const nlohmann::json& stats, int axis) {
  if (stats.contains("size") && stats["size"].is_array() && stats["size"].size() == 3)
    return stats["size"][axis].get<double>();
  return 0;
}

/// Rounds for prose (the drawing's precision): 4 significant digits at most.
double tidy(double v) {
  if (v == 0) return 0;
  double scale = std::pow(10.0, 3 - std::floor(std::log10(std::abs(v))));
  return std::round(v * scale) / scale;
}

std::string ops_summary(const nlohmann::json& stats) {
  if (!stats.contains("ops") || !stats["ops"].is_object() || stats["ops"].empty()) return "";
  std::vector<std::string> parts;
  for (const auto& [op, n] : stats["ops"].items()) {
    int count = n.get<int>();
    if (count > 0) parts.push_back(fmt::format("{} {}", count, plural(op, count)));
  }
  if (parts.empty()) return "";
  return fmt::format("{}", fmt::join(parts, ", "));
}

// A frame vector of the stats' first_plane as "(x, y, z)".
std::string frame_vector(const nlohmann::json& v) {
  return fmt::format("({}, {}, {})", num(tidy(v[0].get<double>())), num(tidy(v[1].get<double>())),
                     num(tidy(v[2].get<double>())));
}

std::string ending_code(const Part& part, bool param) {
  return param && !part.code_param.empty() ? part.code_param : part.code;
}

Cot views_expert(const Part& part, const nlohmann::json& dims, const nlohmann::json& stats) {
  const std::string unit = unit_of(part);
  std::string t =
      "The drawing has three orthographic views in third-angle projection: the front view, "
      "the top view above it and the left view to its left.\n";
  bool any = false;
  for (const char* view : kViewOrder) {
    std::vector<std::string> phrases;
    for (const auto& d : dims)
      if (d.value("view", "") == view) phrases.push_back(dimension_phrase(d, unit));
    if (phrases.empty()) continue;
    any = true;
    t += fmt::format("{} view: {}.\n", capitalized(view), fmt::join(phrases, "; "));
  }
  const double sx = tidy(stat_size(stats, 0)), sy = tidy(stat_size(stats, 1)),
               sz = tidy(stat_size(stats, 2));
  if (!any)
    t += "The drawing carries no dimensions, so the sizes are read from the views' scale.\n";
  t += fmt::format(
      "Combining the views: the front and top views share the width, {}{} along X; the top and "
      "left views share the depth, {}{} along Y; the front and left views share the height, {}{} "
      "along Z.\n",
      num(sx), unit, num(sy), unit, num(sz), unit);
  if (!part.features.empty()) {
    t += "Matching the dimensions to features:\n";
    for (const auto& f : part.features)
      t += fmt::format("- {}: {}\n", f.kind, without_period(f.description) + ".");
  } else {
    std::string ops = ops_summary(stats);
    if (!ops.empty()) t += fmt::format("The views are explained by {}.\n", ops);
  }
  if (!part.text_abstract.empty())
    t += fmt::format("So the part is {}\n", lowered_first(part.text_abstract));
  t += "Every dimension read above appears in the code below.";
  return {"views", t, ending_code(part, false)};
}

Cot planner_expert(const Part& part, const nlohmann::json& dims, const nlohmann::json& stats,
                   bool use_param) {
  const std::string unit = unit_of(part);
  std::string t;
  if (!part.text_abstract.empty()) t += fmt::format("Goal: {}\n", part.text_abstract);
  if (!part.features.empty()) {
    t += fmt::format("Base feature: {}.\n", without_period(part.features.front().description));
    if (part.features.size() > 1) {
      t += "Secondary features, in modelling order:\n";
      for (std::size_t i = 1; i < part.features.size(); ++i)
        t += fmt::format("{}. {}: {}.\n", i, part.features[i].kind,
                         without_period(part.features[i].description));
    } else {
      t += "There are no secondary features.\n";
    }
  } else {
    std::string ops = ops_summary(stats);
    t += fmt::format("Base feature: the main body, {} x {} x {}{}.\n",
                     num(tidy(stat_size(stats, 0))), num(tidy(stat_size(stats, 1))),
                     num(tidy(stat_size(stats, 2))), unit);
    if (!ops.empty()) t += fmt::format("The construction needs {}.\n", ops);
  }
  const bool param = use_param && !part.code_param.empty();
  if (param && !part.params.empty()) {
    t += "Named dimensions:\n";
    for (const auto& p : part.params)
      t += fmt::format("- {} = {}{}{}\n", p.name, num(p.value), p.meaning.empty() ? "" : " (",
                       p.meaning.empty() ? "" : p.meaning + ")");
  }
  t += "Order: the base body first, then material added or removed by later features, edge "
       "finishing (fillets and chamfers) last so that the edges it selects exist.\n";
  std::size_t n_dims = dims.is_array() ? dims.size() : 0;
  if (n_dims > 0)
    t += fmt::format("The plan accounts for the {} dimensions of the drawing.\n", n_dims);
  t += param ? "The code declares the dimensions first and builds the part from them."
             : "The code builds the part in that order.";
  return {"planner", t, ending_code(part, param)};
}

Cot coords_expert(const Part& part, const nlohmann::json& dims, const nlohmann::json& stats) {
  const std::string unit = unit_of(part);
  std::string t;
  if (stats.contains("first_plane") && stats["first_plane"].is_object()) {
    const auto& p = stats["first_plane"];
    t +=
        fmt::format("Frame: the first workplane has its origin at {}, x axis {} and normal {}.\n",
                    frame_vector(p["origin"]), frame_vector(p["x_dir"]), frame_vector(p["normal"]));
  }
  if (stats.contains("bbox")) {
    const auto& lo = stats["bbox"]["min"];
    const auto& hi = stats["bbox"]["max"];
    std::array<double, 3> a{}, b{};
    for (int i = 0; i < 3; ++i) {
      a[i] = tidy(lo[i].get<double>());
      b[i] = tidy(hi[i].get<double>());
    }
    t += fmt::format(
        "Extents: x from {} to {}, y from {} to {}, z from {} to {}; the centre of the "
        "footprint is at ({}, {}).\n",
        num(a[0]), num(b[0]), num(a[1]), num(b[1]), num(a[2]), num(b[2]),
        num(tidy((a[0] + b[0]) / 2)), num(tidy((a[1] + b[1]) / 2)));
  }
  bool placed = false;
  for (const auto& f : part.features) {
    if (f.placement.empty()) continue;
    if (!placed) t += "Placements:\n";
    placed = true;
    for (const auto& s : f.placement) t += fmt::format("- {}\n", without_period(s) + ".");
  }
  if (!placed) t += "Every feature is placed relative to that frame.\n";
  // Check the overall extents against the drawing.
  std::vector<std::string> checks;
  for (const auto& d : dims) {
    if (d.value("kind", "") != "linear") continue;
    const std::string feature = d.value("feature", "");
    int axis = feature == "overall width"    ? 0
               : feature == "overall depth"  ? 1
               : feature == "overall height" ? 2
                                             : -1;
    if (axis < 0) continue;
    std::string check = fmt::format("{} {} = {}{}", feature, d.value("label", ""),
                                    num(tidy(stat_size(stats, axis))), unit);
    if (std::find(checks.begin(), checks.end(), check) == checks.end()) checks.push_back(check);
  }
  if (!checks.empty())
    t += fmt::format("Check against the drawing: {}.\n", fmt::join(checks, ", "));
  t += "With every coordinate fixed, the code is:";
  return {"coords", t, ending_code(part, false)};
}

// The short styles: notes, not sentences.

std::string short_feature(const std::string& feature) {
  const std::string overall = "overall ";
  return feature.rfind(overall, 0) == 0 ? feature.substr(overall.size()) : feature;
}

Cot views_brief(const Part& part, const nlohmann::json& dims, const nlohmann::json& stats) {
  std::string t;
  for (const char* view : kViewOrder) {
    std::vector<std::string> notes;
    for (const auto& d : dims)
      if (d.value("view", "") == view)
        notes.push_back(
            fmt::format("{} {}", d.value("label", ""), short_feature(d.value("feature", ""))));
    if (!notes.empty()) t += fmt::format("{}: {}\n", view, fmt::join(notes, ", "));
  }
  t += fmt::format("size {} x {} x {}", num(tidy(stat_size(stats, 0))),
                   num(tidy(stat_size(stats, 1))), num(tidy(stat_size(stats, 2))));
  return {"views", t, ending_code(part, false)};
}

Cot planner_brief(const Part& part, const nlohmann::json& stats, bool use_param) {
  std::vector<std::string> kinds;
  for (const auto& f : part.features) kinds.push_back(f.kind);
  std::string t = kinds.empty()
                      ? fmt::format("plan: body {} x {} x {}", num(tidy(stat_size(stats, 0))),
                                    num(tidy(stat_size(stats, 1))), num(tidy(stat_size(stats, 2))))
                      : fmt::format("plan: {}", fmt::join(kinds, ", "));
  const bool param = use_param && !part.code_param.empty();
  if (param && !part.params.empty()) {
    std::vector<std::string> named;
    for (const auto& p : part.params) named.push_back(fmt::format("{}={}", p.name, num(p.value)));
    t += fmt::format("\nparams: {}", fmt::join(named, ", "));
  }
  return {"planner", t, ending_code(part, param)};
}

Cot coords_brief(const Part& part, const nlohmann::json& stats) {
  std::string t;
  if (stats.contains("first_plane") && stats["first_plane"].is_object()) {
    const auto& p = stats["first_plane"];
    t += fmt::format("origin {} normal {}\n", frame_vector(p["origin"]), frame_vector(p["normal"]));
  }
  if (stats.contains("bbox")) {
    const auto& lo = stats["bbox"]["min"];
    const auto& hi = stats["bbox"]["max"];
    t += fmt::format("x {}..{}, y {}..{}, z {}..{}", num(tidy(lo[0].get<double>())),
                     num(tidy(hi[0].get<double>())), num(tidy(lo[1].get<double>())),
                     num(tidy(hi[1].get<double>())), num(tidy(lo[2].get<double>())),
                     num(tidy(hi[2].get<double>())));
  }
  if (t.empty()) t = "frame: the default XY workplane";
  return {"coords", t, ending_code(part, false)};
}

}  // namespace

const std::vector<std::string>& expert_names() {
  static const std::vector<std::string> names{"views", "planner", "coords"};
  return names;
}

const std::string& expert_prompt(const std::string& expert) {
  static const std::map<std::string, std::string> prompts{
      {"views",
       "You are a drafter. Read the engineering drawing view by view and dimension by dimension, "
       "map every dimension onto a feature, then write CadQuery code that assigns the part to "
       "`result`."},
      {"planner",
       "You are a CAD modeller. Plan the base feature first, then the secondary features in "
       "modelling order, name the dimensions, then write parameterized CadQuery code that assigns "
       "the part to `result`."},
      {"coords",
       "You are a CNC programmer. Fix the coordinate frame, derive the coordinates of every "
       "feature from the drawing's reference edges, check the overall size, then write CadQuery "
       "code that assigns the part to `result`."},
  };
  auto it = prompts.find(expert);
  if (it == prompts.end())
    throw UsageError(
        fmt::format("unknown expert '{}' (expected views, planner or coords)", expert));
  return it->second;
}

Cot write_cot(const std::string& expert, const Part& part, const nlohmann::json& dimensions,
              const nlohmann::json& stats, bool use_param, bool brief) {
  const nlohmann::json dims = dimensions.is_array() ? dimensions : nlohmann::json::array();
  if (brief) {
    if (expert == "views") return views_brief(part, dims, stats);
    if (expert == "planner") return planner_brief(part, stats, use_param);
    if (expert == "coords") return coords_brief(part, stats);
  }
  if (expert == "views") return views_expert(part, dims, stats);
  if (expert == "planner") return planner_expert(part, dims, stats, use_param);
  if (expert == "coords") return coords_expert(part, dims, stats);
  expert_prompt(expert);  // throws the usage error
  return {};
}

}  // namespace cad::data
