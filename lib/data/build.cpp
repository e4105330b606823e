#include "data/build.h"

#include <yaml-cpp/yaml.h>
#include <BRepGProp.hxx>
#include <GProp_GProps.hxx>
#include <GProp_PrincipalProps.hxx>

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/file_io.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "core/process_pool.h"
#include "core/progress.h"
#include "data/cot.h"
#include "data/deepcad.h"
#include "data/families.h"
#include "exec/execute.h"
#include "geom/mesh.h"
#include "geom/shape_io.h"
#include "metrics/iou.h"
#include "render/drawing.h"
#include "render/shading.h"

namespace cad::data {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------
// Recipe
// ---------------------------------------------------------------------------------------------

[[noreturn]] void recipe_error(const std::string& where, const std::string& key,
                               const std::string& message) {
  throw UsageError(fmt::format("{}: {}: {}", where, key, message));
}

void check_keys(const YAML::Node& map, const std::string& where, const std::string& prefix,
                const std::set<std::string>& allowed) {
  for (const auto& entry : map) {
    const std::string key = entry.first.as<std::string>();
    if (!allowed.count(key)) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      recipe_error(where, prefix + key,
                   fmt::format("unknown key (expected one of: {})", fmt::join(names, ", ")));
    }
  }
}

template <class T>
T scalar(const YAML::Node& node, const std::string& where, const std::string& key) {
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    recipe_error(where, key, "has a value of the wrong type");
  }
}

std::vector<std::string> string_list(const YAML::Node& node, const std::string& where,
                                     const std::string& key) {
  std::vector<std::string> out;
  if (!node || node.IsNull()) return out;
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) recipe_error(where, key, "must be a list");
  for (const auto& item : node) out.push_back(scalar<std::string>(item, where, key));
  return out;
}

const std::set<std::string> kStyles{"chain", "sketch", "plane"};

void check_styles(const std::vector<std::string>& styles, const std::string& where,
                  const std::string& key) {
  for (const auto& s : styles)
    if (!kStyles.count(s))
      recipe_error(where, key,
                   fmt::format("unknown style '{}' (expected chain, sketch or plane)", s));
}

FamilyRequest parse_family(const std::string& name, const YAML::Node& node,
                           const std::string& where) {
  const std::string key = "families." + name;
  const Family* fam = nullptr;
  try {
    fam = &family(name);
  } catch (const UsageError& e) {
    recipe_error(where, key, e.what());
  }
  FamilyRequest req;
  req.name = name;
  auto check_level = [&](Level level) {
    if (std::find(fam->levels.begin(), fam->levels.end(), level) == fam->levels.end()) {
      std::vector<std::string> names;
      for (Level l : fam->levels) names.push_back(to_string(l));
      recipe_error(where, key,
                   fmt::format("family '{}' cannot make level {} (it makes {})", name,
                               to_string(level), fmt::join(names, ", ")));
    }
  };
  if (node.IsScalar()) {
    req.count = scalar<int>(node, where, key);
  } else if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string k = entry.first.as<std::string>();
      if (k == "count") {
        req.count = scalar<int>(entry.second, where, key + ".count");
      } else if (k == "levels") {
        for (const auto& s : string_list(entry.second, where, key + ".levels")) {
          Level level;
          try {
            level = parse_level(s);
          } catch (const UsageError& e) {
            recipe_error(where, key + ".levels", e.what());
          }
          check_level(level);
          req.levels.push_back(level);
        }
      } else if (k == "styles") {
        req.styles = string_list(entry.second, where, key + ".styles");
        check_styles(req.styles, where, key + ".styles");
        for (const auto& style : req.styles)
          if (std::find(fam->styles.begin(), fam->styles.end(), style) == fam->styles.end())
            recipe_error(where, key + ".styles",
                         fmt::format("family '{}' cannot write style '{}' (it writes {})", name,
                                     style, fmt::join(fam->styles, ", ")));
      } else {
        Level level;
        try {
          level = parse_level(k);
        } catch (const UsageError&) {
          recipe_error(where, key + "." + k,
                       "unknown key (expected count, levels, styles or a level: L, F, S, SE, MSE)");
        }
        check_level(level);
        req.per_level.emplace_back(level, scalar<int>(entry.second, where, key + "." + k));
      }
    }
  } else {
    recipe_error(where, key, "must be a count or a mapping {count, levels, styles, <level>: n}");
  }
  if (req.count < 0) recipe_error(where, key, "count must not be negative");
  for (const auto& [level, n] : req.per_level)
    if (n < 0) recipe_error(where, key, "counts must not be negative");
  return req;
}

// ---------------------------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------------------------

/// Principal radii of gyration (sqrt(I / volume)), ascending.
std::array<double, 3> gyration_radii(const TopoDS_Shape& shape) {
  GProp_GProps props;
  BRepGProp::VolumeProperties(shape, props);
  double mass = props.Mass();
  std::array<double, 3> r{0, 0, 0};
  if (mass <= 0) return r;
  double i1 = 0, i2 = 0, i3 = 0;
  props.PrincipalProperties().Moments(i1, i2, i3);
  r = {std::sqrt(std::max(0.0, i1) / mass), std::sqrt(std::max(0.0, i2) / mass),
       std::sqrt(std::max(0.0, i3) / mass)};
  std::sort(r.begin(), r.end());
  return r;
}

std::string relative_asset(const std::string& id, const std::string& file) {
  return (fs::path("assets") / id / file).generic_string();
}

/// Level and curve count of a script from what it built (a heuristic: scripts carry no
/// construction history).
void classify_script(Part& part, const json& ops) {
  auto op = [&](const char* name) { return ops.value(name, 0); };
  int solids_made = op("extrude") + op("revolve") + op("loft") + op("sweep") + op("box") +
                    op("cylinder") + op("sphere") + op("wedge");
  int features = op("hole") + op("fillet") + op("chamfer") + op("shell");
  int booleans = op("cut") + op("union");
  part.n_curves = op("line") + op("arc") + op("circle") + op("spline") + op("ellipse");
  if (solids_made >= 2 || booleans > 0)
    part.level = Level::MSE;
  else if (features > 0)
    part.level = Level::SE;
  else if (op("circle") > 0 && part.n_curves > 1)
    part.level = Level::F;
  else
    part.level = Level::L;
}

/// Text for a script, from its solid's figures, what it built and its drawing's dimensions.
void describe_script(Part& part, const json& stats, const json& dims) {
  const auto& size = stats["size"];
  auto r2 = [](double v) { return num(std::round(v * 100) / 100); };
  const std::string box = fmt::format("{} x {} x {}", r2(size[0].get<double>()),
                                      r2(size[1].get<double>()), r2(size[2].get<double>()));
  // Features seen on the drawing: holes, bosses, radii, chamfers, pitch circles (once each).
  std::vector<std::string> seen;
  std::set<std::string> unique;
  for (const auto& d : dims) {
    const std::string kind = d.value("kind", ""), feature = d.value("feature", "");
    const int count = d.value("count", 1);
    const std::string value = r2(d.value("value", 0.0));
    std::string phrase;
    if (kind == "diameter" && feature.find("hole") != std::string::npos)
      phrase = count > 1 ? fmt::format("{} holes of diameter {}", count, value)
                         : fmt::format("a hole of diameter {}", value);
    else if (kind == "diameter" && feature.find("boss") != std::string::npos)
      phrase = fmt::format("a cylindrical section of diameter {}", value);
    else if (kind == "radius")
      phrase = fmt::format("rounded edges of radius {}", value);
    else if (kind == "chamfer")
      phrase = fmt::format("chamfers of {}", d.value("label", value));
    else if (kind == "pitch_circle")
      phrase = fmt::format("holes on a pitch circle of diameter {}", value);
    if (!phrase.empty() && unique.insert(phrase).second) seen.push_back(phrase);
  }
  std::vector<std::string> made;
  for (const auto& [op, n] : stats["ops"].items())
    if (n.get<int>() > 0) made.push_back(fmt::format("{} {}", n.get<int>(), op));
  part.text_abstract =
      seen.empty() ? fmt::format("A solid part of {} with {} faces.", box, stats.value("faces", 0))
                   : fmt::format("A {} part with {}.", box,
                                 seen.size() == 1 ? seen[0] : seen[0] + " and more features");
  part.text_detailed = fmt::format(
      "A solid part whose bounding box measures {} (X x Y x Z) with volume {}{}; it is built "
      "from {}.",
      box, num(std::round(stats.value("volume", 0.0) * 1000) / 1000),
      seen.empty() ? std::string() : fmt::format(", with {}", fmt::join(seen, ", ")),
      made.empty() ? std::string("primitive solids") : fmt::format("{}", fmt::join(made, ", ")));
}

Part make_part(const PlannedSample& sample) {
  if (sample.source == "procedural") {
    GenerateOptions options;
    options.level = sample.level;
    if (!sample.styles.empty()) {
      Rng rng(mix_seed(sample.seed, "style"));
      const Family& fam = family(sample.family);
      std::vector<std::string> usable;
      for (const auto& s : sample.styles)
        if (std::find(fam.styles.begin(), fam.styles.end(), s) != fam.styles.end())
          usable.push_back(s);
      if (usable.empty())
        throw UsageError(fmt::format("family '{}' writes none of the styles {}", sample.family,
                                     fmt::join(sample.styles, ", ")));
      options.style = rng.choice(usable);
    }
    return family(sample.family).generate(sample.seed, options);
  }
  if (sample.source == "deepcad") return read_deepcad(sample.path);
  Part part;
  part.family = "script";
  part.style = "script";
  part.code = core::read_file(sample.path);
  return part;
}

json reject(const PlannedSample& sample, const std::string& reason, const json& error) {
  return {{"id", sample.id},      {"source", sample.source}, {"family", sample.family},
          {"status", "rejected"}, {"reason", reason},        {"error", error}};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Recipe I/O
// ---------------------------------------------------------------------------------------------

Recipe parse_recipe(const std::string& yaml_text, const std::string& where) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw UsageError(fmt::format("{}: invalid YAML: {}", where, e.what()));
  }
  Recipe r;
  if (!root || root.IsNull()) return r;
  if (!root.IsMap()) throw UsageError(fmt::format("{}: a recipe must be a mapping", where));
  check_keys(root, where, "",
             {"name", "seed", "families", "styles", "deepcad", "deepcad_limit", "scripts",
              "experts", "cot_length", "outputs", "splits", "dedup", "param_iou", "limits"});
  if (root["name"]) r.name = scalar<std::string>(root["name"], where, "name");
  if (root["seed"]) r.seed = scalar<std::uint64_t>(root["seed"], where, "seed");
  if (const auto& fams = root["families"]; fams && !fams.IsNull()) {
    if (!fams.IsMap()) recipe_error(where, "families", "must be a mapping of family: count");
    for (const auto& entry : fams)
      r.families.push_back(parse_family(entry.first.as<std::string>(), entry.second, where));
  }
  r.styles = string_list(root["styles"], where, "styles");
  check_styles(r.styles, where, "styles");
  // The recipe-wide styles must leave every family without its own list something to write.
  for (const auto& req : r.families) {
    if (!req.styles.empty() || r.styles.empty()) continue;
    const auto& can = family(req.name).styles;
    bool any = false;
    for (const auto& style : r.styles)
      any = any || std::find(can.begin(), can.end(), style) != can.end();
    if (!any)
      recipe_error(where, "styles",
                   fmt::format("family '{}' writes none of {} (it writes {})", req.name,
                               fmt::join(r.styles, ", "), fmt::join(can, ", ")));
  }
  r.deepcad = string_list(root["deepcad"], where, "deepcad");
  if (root["deepcad_limit"])
    r.deepcad_limit = scalar<std::size_t>(root["deepcad_limit"], where, "deepcad_limit");
  r.scripts = string_list(root["scripts"], where, "scripts");
  if (root["experts"]) {
    r.experts = string_list(root["experts"], where, "experts");
    for (const auto& e : r.experts) {
      try {
        expert_prompt(e);
      } catch (const UsageError& err) {
        recipe_error(where, "experts", err.what());
      }
    }
  }
  if (root["cot_length"]) {
    r.cot_length = scalar<std::string>(root["cot_length"], where, "cot_length");
    if (r.cot_length != "full" && r.cot_length != "short")
      recipe_error(where, "cot_length", "must be full or short");
  }
  if (const auto& out = root["outputs"]; out && !out.IsNull()) {
    check_keys(
        out, where, "outputs.",
        {"drawings", "renders", "meshes", "solids", "drawing_size", "render_size", "decimals"});
    if (out["drawings"]) r.drawings = scalar<bool>(out["drawings"], where, "outputs.drawings");
    if (out["renders"]) r.renders = scalar<bool>(out["renders"], where, "outputs.renders");
    if (out["meshes"]) r.meshes = scalar<bool>(out["meshes"], where, "outputs.meshes");
    if (out["solids"]) r.solids = scalar<bool>(out["solids"], where, "outputs.solids");
    if (out["drawing_size"])
      r.drawing_size = scalar<int>(out["drawing_size"], where, "outputs.drawing_size");
    if (out["render_size"])
      r.render_size = scalar<int>(out["render_size"], where, "outputs.render_size");
    if (out["decimals"]) r.decimals = scalar<int>(out["decimals"], where, "outputs.decimals");
    if (r.drawing_size < 64 || r.drawing_size > 8192)
      recipe_error(where, "outputs.drawing_size", "must be within 64..8192");
    if (r.render_size < 16 || r.render_size > 8192)
      recipe_error(where, "outputs.render_size", "must be within 16..8192");
    if (r.decimals < 0 || r.decimals > 6) recipe_error(where, "outputs.decimals", "must be 0..6");
  }
  if (const auto& sp = root["splits"]; sp && !sp.IsNull()) {
    check_keys(sp, where, "splits.", {"val", "test", "ood_families"});
    if (sp["val"]) r.val_fraction = scalar<double>(sp["val"], where, "splits.val");
    if (sp["test"]) r.test_fraction = scalar<double>(sp["test"], where, "splits.test");
    r.ood_families = string_list(sp["ood_families"], where, "splits.ood_families");
    if (r.val_fraction < 0 || r.test_fraction < 0 || r.val_fraction + r.test_fraction > 1)
      recipe_error(where, "splits", "val and test must be >= 0 with val + test <= 1");
  }
  if (const auto& dd = root["dedup"]; dd && !dd.IsNull()) {
    check_keys(dd, where, "dedup.", {"duplicate_tolerance", "group_tolerance"});
    if (dd["duplicate_tolerance"])
      r.duplicate_tolerance =
          scalar<double>(dd["duplicate_tolerance"], where, "dedup.duplicate_tolerance");
    if (dd["group_tolerance"])
      r.group_tolerance = scalar<double>(dd["group_tolerance"], where, "dedup.group_tolerance");
    if (r.duplicate_tolerance < 0 || r.group_tolerance < r.duplicate_tolerance)
      recipe_error(where, "dedup", "need 0 <= duplicate_tolerance <= group_tolerance");
  }
  if (root["param_iou"]) r.param_iou = scalar<double>(root["param_iou"], where, "param_iou");
  if (const auto& lim = root["limits"]; lim && !lim.IsNull()) {
    check_keys(lim, where, "limits.", {"timeout", "memory"});
    if (lim["timeout"]) r.timeout_s = scalar<double>(lim["timeout"], where, "limits.timeout");
    if (lim["memory"]) r.memory_mib = scalar<std::size_t>(lim["memory"], where, "limits.memory");
  }
  return r;
}

Recipe load_recipe(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("{}: cannot read the recipe", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_recipe(buffer.str(), path);
}

std::string recipe_yaml(const Recipe& r) {
  YAML::Emitter out;
  auto seq = [&out](const std::vector<std::string>& items) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& i : items) out << i;
    out << YAML::EndSeq;
  };
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << r.name;
  out << YAML::Key << "seed" << YAML::Value << r.seed;
  out << YAML::Key << "families" << YAML::Value << YAML::BeginMap;
  for (const auto& f : r.families) {
    out << YAML::Key << f.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "count" << YAML::Value << f.count;
    if (!f.levels.empty()) {
      std::vector<std::string> names;
      for (Level l : f.levels) names.push_back(to_string(l));
      out << YAML::Key << "levels" << YAML::Value;
      seq(names);
    }
    if (!f.styles.empty()) {
      out << YAML::Key << "styles" << YAML::Value;
      seq(f.styles);
    }
    for (const auto& [level, n] : f.per_level)
      out << YAML::Key << to_string(level) << YAML::Value << n;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  out << YAML::Key << "styles" << YAML::Value;
  seq(r.styles);
  out << YAML::Key << "deepcad" << YAML::Value;
  seq(r.deepcad);
  out << YAML::Key << "deepcad_limit" << YAML::Value << r.deepcad_limit;
  out << YAML::Key << "scripts" << YAML::Value;
  seq(r.scripts);
  out << YAML::Key << "experts" << YAML::Value;
  seq(r.experts);
  out << YAML::Key << "cot_length" << YAML::Value << r.cot_length;
  out << YAML::Key << "outputs" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "drawings" << YAML::Value << r.drawings;
  out << YAML::Key << "renders" << YAML::Value << r.renders;
  out << YAML::Key << "meshes" << YAML::Value << r.meshes;
  out << YAML::Key << "solids" << YAML::Value << r.solids;
  out << YAML::Key << "drawing_size" << YAML::Value << r.drawing_size;
  out << YAML::Key << "render_size" << YAML::Value << r.render_size;
  out << YAML::Key << "decimals" << YAML::Value << r.decimals;
  out << YAML::EndMap;
  out << YAML::Key << "splits" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "val" << YAML::Value << r.val_fraction;
  out << YAML::Key << "test" << YAML::Value << r.test_fraction;
  out << YAML::Key << "ood_families" << YAML::Value;
  seq(r.ood_families);
  out << YAML::EndMap;
  out << YAML::Key << "dedup" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "duplicate_tolerance" << YAML::Value << r.duplicate_tolerance;
  out << YAML::Key << "group_tolerance" << YAML::Value << r.group_tolerance;
  out << YAML::EndMap;
  out << YAML::Key << "param_iou" << YAML::Value << r.param_iou;
  out << YAML::Key << "limits" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "timeout" << YAML::Value << r.timeout_s;
  out << YAML::Key << "memory" << YAML::Value << r.memory_mib;
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

// ---------------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------------

std::vector<PlannedSample> plan(const Recipe& recipe) {
  std::vector<PlannedSample> out;
  for (const auto& req : recipe.families) {
    const Family& fam = family(req.name);
    const std::vector<Level>& allowed = req.levels.empty() ? fam.levels : req.levels;
    const std::vector<std::string>& styles = req.styles.empty() ? recipe.styles : req.styles;
    const std::uint64_t family_seed = mix_seed(recipe.seed, req.name);
    std::vector<std::optional<Level>> levels;
    for (int k = 0; k < req.count; ++k) {
      Rng rng(mix_seed(family_seed, static_cast<std::uint64_t>(k) + 0x1000));
      levels.push_back(rng.choice(allowed));
    }
    for (const auto& [level, n] : req.per_level)
      for (int k = 0; k < n; ++k) levels.push_back(level);
    for (std::size_t k = 0; k < levels.size(); ++k) {
      PlannedSample s;
      s.id = fmt::format("{}-{:05d}", req.name, k);
      s.source = "procedural";
      s.family = req.name;
      s.level = levels[k];
      s.styles = styles;
      s.seed = mix_seed(family_seed, static_cast<std::uint64_t>(k));
      out.push_back(std::move(s));
    }
  }
  for (const auto& dir : recipe.deepcad) {
    auto files = find_deepcad_files(dir);
    if (recipe.deepcad_limit > 0 && files.size() > recipe.deepcad_limit)
      files.resize(recipe.deepcad_limit);
    for (const auto& [id, path] : files) {
      PlannedSample s;
      s.id = id;
      s.source = "deepcad";
      s.family = "deepcad";
      s.path = path;
      out.push_back(std::move(s));
    }
  }
  for (const auto& dir : recipe.scripts) {
    if (!fs::is_directory(dir)) throw UsageError(fmt::format("{}: not a folder of scripts", dir));
    std::vector<std::pair<std::string, std::string>> found;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".py") {
        found.emplace_back(entry.path().stem().string(), entry.path().string());
      } else if (entry.is_directory()) {
        std::vector<fs::path> scripts;
        for (const auto& inner : fs::directory_iterator(entry.path()))
          if (inner.is_regular_file() && inner.path().extension() == ".py")
            scripts.push_back(inner.path());
        if (scripts.size() == 1)
          found.emplace_back(entry.path().filename().string(), scripts[0].string());
      }
    }
    std::sort(found.begin(), found.end());
    for (const auto& [id, path] : found) {
      PlannedSample s;
      s.id = id;
      s.source = "script";
      s.family = "script";
      s.path = path;
      out.push_back(std::move(s));
    }
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].index = i;
    if (!seen.insert(out[i].id).second)
      throw UsageError(fmt::format("two samples have the id '{}' ({}); ids must be unique",
                                   out[i].id, out[i].path.empty() ? out[i].family : out[i].path));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One sample
// ---------------------------------------------------------------------------------------------

std::vector<double> geometry_descriptor(const json& stats) {
  auto lg = [](double v) { return std::log(std::max(v, 1e-12)); };
  std::vector<double> d;
  d.push_back(lg(stats.value("volume", 0.0)));
  d.push_back(lg(stats.value("area", 0.0)));
  std::array<double, 3> size{0, 0, 0};
  for (int i = 0; i < 3; ++i) size[i] = stats["size"][i].get<double>();
  std::sort(size.begin(), size.end());
  for (double s : size) d.push_back(lg(s));
  for (int i = 0; i < 3; ++i) d.push_back(lg(stats["gyration"][i].get<double>()));
  d.push_back(static_cast<double>(stats.value("faces", 0)));
  return d;
}

std::string geometry_hash(const std::vector<double>& descriptor) {
  std::uint64_t h = 1469598103934665603ULL;
  for (double v : descriptor) {
    long long q = std::llround(v / 0.001);
    for (int b = 0; b < 8; ++b) {
      h ^= static_cast<std::uint64_t>(q >> (8 * b)) & 0xFF;
      h *= 1099511628211ULL;
    }
  }
  return fmt::format("{:016x}", h);
}

json build_sample(const PlannedSample& sample, const Recipe& recipe, const std::string& out_dir) {
  Part part;
  try {
    part = make_part(sample);
  } catch (const std::exception& e) {
    return reject(sample, "source", {{"type", "SourceError"}, {"message", e.what()}});
  }
  exec::ExecOptions eo;
  eo.timeout_s = std::max(1.0, recipe.timeout_s / 3);
  eo.memory_mib = 0;        // the worker's limit applies
  eo.require_valid = true;  // ground truth is a solid BRepCheck accepts
  exec::Execution ex = exec::execute({sample.id, nullptr, part.code}, eo);
  const json& rec = ex.record;
  if (rec["status"] != "ok")
    return reject(sample, "code " + rec["status"].get<std::string>(), rec["error"]);

  json stats;
  for (const char* key :
       {"volume", "area", "bbox", "center_of_mass", "solids", "faces", "edges", "vertices", "ops"})
    if (rec.contains(key)) stats[key] = rec[key];
  if (rec.contains("first_plane")) stats["first_plane"] = rec["first_plane"];
  json size = json::array();
  for (int i = 0; i < 3; ++i)
    size.push_back(rec["bbox"]["max"][i].get<double>() - rec["bbox"]["min"][i].get<double>());
  stats["size"] = size;
  auto radii = gyration_radii(ex.shape);
  stats["gyration"] = {radii[0], radii[1], radii[2]};

  if (sample.source == "script") classify_script(part, stats.value("ops", json::object()));

  // code_param is kept only when it builds the same solid.
  json param_check = {{"status", "none"}};
  if (!part.code_param.empty()) {
    exec::Execution px = exec::execute({sample.id, nullptr, part.code_param}, eo);
    if (px.record["status"] != "ok") {
      param_check = {{"status", "dropped"},
                     {"reason", "code_param " + px.record["status"].get<std::string>()}};
    } else {
      try {
        double v = metrics::iou(ex.shape, px.shape).iou;
        if (v >= recipe.param_iou)
          param_check = {{"status", "kept"}, {"iou", std::round(v * 1e6) / 1e6}};
        else
          param_check = {{"status", "dropped"},
                         {"reason", fmt::format("IoU {:.4f} < {}", v, recipe.param_iou)}};
      } catch (const std::exception& e) {
        param_check = {{"status", "dropped"}, {"reason", std::string("IoU failed: ") + e.what()}};
      }
    }
    if (param_check["status"] != "kept") part.code_param.clear();
  }

  const fs::path dir = fs::path(out_dir) / "assets" / sample.id;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("{}: {}", dir.string(), ec.message()));

  json record;
  record["id"] = sample.id;
  record["source"] = sample.source;
  record["family"] = part.family;
  record["level"] = to_string(part.level);
  record["n_curves"] = part.n_curves;
  record["style"] = part.style;
  record["code"] = part.code;
  record["code_param"] = part.code_param.empty() ? json(nullptr) : json(part.code_param);
  record["code_param_check"] = param_check;
  json params = json::array();
  for (const auto& p : part.params)
    params.push_back({{"name", p.name}, {"value", p.value}, {"meaning", p.meaning}});
  record["params"] = params;
  json features = json::array();
  for (const auto& f : part.features)
    features.push_back(
        {{"kind", f.kind}, {"description", f.description}, {"placement", f.placement}});
  record["features"] = features;

  json dims = json::array();
  record["drawing"] = nullptr;
  try {
    if (recipe.drawings) {
      render::DrawingOptions dopt;
      dopt.size = recipe.drawing_size;
      dopt.decimals = recipe.decimals;
      dopt.line_width = std::max(1.0, recipe.drawing_size / 512.0);
      render::Drawing drawing = render::make_drawing(ex.shape, dopt);
      dims = render::dimensions_json(drawing, recipe.decimals);
      core::write_file(dir / "drawing.svg", render::to_svg(drawing));
      render::write_png(drawing, (dir / "drawing.png").string());
      core::write_file(dir / "dims.json", dims.dump(1) + "\n");
      record["drawing"] = {{"svg", relative_asset(sample.id, "drawing.svg")},
                           {"png", relative_asset(sample.id, "drawing.png")},
                           {"dims", relative_asset(sample.id, "dims.json")}};
    }
  } catch (const std::exception& e) {
    return reject(sample, "drawing", {{"type", "DrawingError"}, {"message", e.what()}});
  }
  record["dimensions"] = dims;
  if (sample.source == "script") describe_script(part, stats, dims);
  record["text"] = {{"abstract", part.text_abstract}, {"detailed", part.text_detailed}};

  record["render"] = nullptr;
  record["mesh"] = nullptr;
  record["step"] = nullptr;
  try {
    if (recipe.renders || recipe.meshes) {
      geom::Mesh mesh = geom::tessellate(ex.shape);
      if (recipe.meshes) {
        geom::write_mesh(mesh, (dir / "mesh.stl").string());
        record["mesh"] = relative_asset(sample.id, "mesh.stl");
      }
      if (recipe.renders) {
        render::ShadeOptions so;
        so.size = recipe.render_size;
        render::write_png(render::shade(mesh, render::named_view("iso"), so),
                          (dir / "render.png").string());
        record["render"] = relative_asset(sample.id, "render.png");
      }
    }
    if (recipe.solids) {
      geom::write_shape(ex.shape, (dir / "solid.step").string());
      record["step"] = relative_asset(sample.id, "solid.step");
    }
  } catch (const std::exception& e) {
    return reject(sample, "assets", {{"type", "AssetError"}, {"message", e.what()}});
  }

  json cots = json::array();
  for (const auto& expert : recipe.experts) {
    Cot c = write_cot(expert, part, dims, stats, true, recipe.cot_length == "short");
    cots.push_back({{"expert", c.expert}, {"text", c.text}, {"code", c.code}});
  }
  record["cot"] = cots;
  record["stats"] = stats;
  record["geometry_hash"] = geometry_hash(geometry_descriptor(stats));
  record["status"] = "ok";
  return record;
}

// ---------------------------------------------------------------------------------------------
// The build
// ---------------------------------------------------------------------------------------------

namespace {

json planned_to_json(const PlannedSample& s) {
  json levels = s.level ? json(to_string(*s.level)) : json(nullptr);
  return {{"id", s.id},         {"source", s.source}, {"family", s.family}, {"level", levels},
          {"styles", s.styles}, {"seed", s.seed},     {"path", s.path},     {"index", s.index}};
}

PlannedSample planned_from_json(const json& j) {
  PlannedSample s;
  s.id = j["id"];
  s.source = j["source"];
  s.family = j["family"];
  if (!j["level"].is_null()) s.level = parse_level(j["level"].get<std::string>());
  s.styles = j["styles"].get<std::vector<std::string>>();
  s.seed = j["seed"];
  s.path = j["path"];
  s.index = j["index"];
  return s;
}

/// Reads finished records from OUT/work/records*.jsonl. A torn last line (a killed build) is
/// skipped, and cut off in `own` (the file this process appends to) so that appending
/// continues cleanly; other files may belong to shards still running and are left alone.
std::map<std::string, json> read_finished(const fs::path& work, const std::string& own) {
  std::map<std::string, json> done;
  if (!fs::is_directory(work)) return done;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(work)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("records", 0) == 0 && entry.path().extension() == ".jsonl")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string text = core::read_file(path.string());
    std::size_t good = 0, start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) break;  // torn line
      try {
        json r = json::parse(text.substr(start, end - start));
        const std::string id = r.at("id").get<std::string>();
        done[id] = std::move(r);
        good = end + 1;
      } catch (const std::exception& e) {
        core::logger().debug("{}: line at byte {} unreadable ({}); rebuilding from there",
                             path.string(), start, e.what());
        break;  // a torn or corrupt line: everything after it is rebuilt
      }
      start = end + 1;
    }
    if (good < text.size() && path.filename() == own) fs::resize_file(path, good);
  }
  return done;
}

struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (a < b)
      parent[b] = a;
    else
      parent[a] = b;  // the root is the earliest record of the group
  }
};

std::string split_of(std::uint64_t seed, const std::string& group_id, const Recipe& recipe) {
  Rng rng(mix_seed(mix_seed(seed, "split"), group_id));
  double u = rng.uniform();
  if (u < recipe.test_fraction) return "test";
  if (u < recipe.test_fraction + recipe.val_fraction) return "val";
  return "train";
}

std::vector<int> histogram(const std::vector<std::size_t>& values,
                           const std::vector<std::size_t>& edges) {
  std::vector<int> counts(edges.size() + 1, 0);
  for (std::size_t v : values) {
    std::size_t b = 0;
    while (b < edges.size() && v >= edges[b]) ++b;
    counts[b]++;
  }
  return counts;
}

}  // namespace

json dataset_stats(const std::vector<json>& records, const BuildSummary& s) {
  json stats;
  stats["counts"] = {
      {"planned", s.planned},  {"rejected", s.rejected}, {"duplicates", s.duplicates},
      {"train", s.train},      {"val", s.val},           {"test", s.test},
      {"test_ood", s.test_ood}};
  std::map<std::string, std::map<std::string, int>> by;
  std::vector<std::size_t> code_len, cot_len;
  for (const auto& r : records) {
    by["source"][r["source"]]++;
    by["family"][r["family"]]++;
    by["level"][r["level"]]++;
    by["split"][r["split"]]++;
    by["style"][r["style"]]++;
    by["code_param"][r["code_param_check"]["status"]]++;
    code_len.push_back(r["code"].get<std::string>().size());
    for (const auto& c : r["cot"]) cot_len.push_back(c["text"].get<std::string>().size());
  }
  for (const auto& [key, counts] : by) stats["by_" + key] = counts;
  std::map<std::string, std::map<std::string, int>> family_split;
  for (const auto& r : records) family_split[r["family"]][r["split"]]++;
  stats["family_split"] = family_split;
  const std::vector<std::size_t> edges{250, 500, 1000, 1500, 2000, 3000, 4000, 6000};
  auto hist = [&](const std::vector<std::size_t>& values) {
    json h;
    h["edges"] = edges;
    h["counts"] = histogram(values, edges);
    if (!values.empty()) {
      std::vector<std::size_t> sorted = values;
      std::sort(sorted.begin(), sorted.end());
      h["min"] = sorted.front();
      h["median"] = sorted[sorted.size() / 2];
      h["max"] = sorted.back();
      h["mean"] = std::accumulate(sorted.begin(), sorted.end(), 0.0) / sorted.size();
    }
    return h;
  };
  stats["code_chars"] = hist(code_len);
  stats["cot_chars"] = hist(cot_len);
  return stats;
}

std::string stats_markdown(const json& stats) {
  std::string md = "# Dataset statistics\n\n";
  const auto& c = stats["counts"];
  md += fmt::format(
      "Planned {}: train {}, val {}, test {}, test_ood {}; rejected {}, near-duplicates dropped "
      "{}.\n",
      c["planned"].get<std::size_t>(), c["train"].get<std::size_t>(), c["val"].get<std::size_t>(),
      c["test"].get<std::size_t>(), c["test_ood"].get<std::size_t>(),
      c["rejected"].get<std::size_t>(), c["duplicates"].get<std::size_t>());
  for (const char* key : {"by_source", "by_level", "by_style", "by_code_param"}) {
    if (!stats.contains(key)) continue;
    md += fmt::format("\n## {}\n\n| {} | records |\n|---|---:|\n", key + 3, key + 3);
    for (const auto& [name, n] : stats[key].items())
      md += fmt::format("| {} | {} |\n", name, n.get<int>());
  }
  if (stats.contains("family_split")) {
    md +=
        "\n## family x split\n\n| family | train | val | test | test_ood "
        "|\n|---|---:|---:|---:|---:|\n";
    for (const auto& [fam, splits] : stats["family_split"].items())
      md +=
          fmt::format("| {} | {} | {} | {} | {} |\n", fam, splits.value("train", 0),
                      splits.value("val", 0), splits.value("test", 0), splits.value("test_ood", 0));
  }
  for (const char* key : {"code_chars", "cot_chars"}) {
    if (!stats.contains(key) || !stats[key].contains("median")) continue;
    const auto& h = stats[key];
    md += fmt::format("\n## {} (characters)\n\nmin {}, median {}, mean {:.0f}, max {}\n\n", key,
                      h["min"].get<std::size_t>(), h["median"].get<std::size_t>(),
                      h["mean"].get<double>(), h["max"].get<std::size_t>());
    md += "| length | records |\n|---|---:|\n";
    const auto& edges = h["edges"];
    const auto& counts = h["counts"];
    for (std::size_t b = 0; b < counts.size(); ++b) {
      std::string range = b == 0 ? fmt::format("< {}", edges[0].get<std::size_t>())
                          : b == edges.size()
                              ? fmt::format(">= {}", edges[b - 1].get<std::size_t>())
                              : fmt::format("{}-{}", edges[b - 1].get<std::size_t>(),
                                            edges[b].get<std::size_t>() - 1);
      md += fmt::format("| {} | {} |\n", range, counts[b].get<int>());
    }
  }
  return md;
}

BuildSummary build_dataset(const Recipe& recipe, const BuildOptions& options) {
  if (options.out_dir.empty()) throw UsageError("no output folder (-o)");
  const fs::path out(options.out_dir);
  const fs::path work = out / "work";
  std::error_code ec;
  fs::create_directories(work, ec);
  if (ec) throw Error(fmt::format("{}: {}", work.string(), ec.message()));

  for (const auto& name : recipe.ood_families)
    if (name != "deepcad" && name != "script") family(name);  // throws for an unknown name
  // Records in OUT/work/ are reused only for the recipe that made them.
  Recipe generation = recipe;
  generation.val_fraction = generation.test_fraction = 0;
  generation.ood_families.clear();
  generation.duplicate_tolerance = generation.group_tolerance = 0;
  generation.timeout_s = 0;
  generation.memory_mib = 0;
  const std::string fingerprint = recipe_yaml(generation);
  const fs::path fingerprint_path = work / "recipe.yaml";
  if (fs::exists(fingerprint_path)) {
    if (core::read_file(fingerprint_path.string()) != fingerprint)
      throw UsageError(fmt::format(
          "{} was built from another recipe (sources, counts, seed or outputs differ); use a new "
          "output folder or delete {}",
          out.string(), work.string()));
  } else {
    core::write_file(fingerprint_path, fingerprint);
  }

  const std::vector<PlannedSample> planned = plan(recipe);
  BuildSummary summary;
  summary.planned = planned.size();
  const std::string records_name =
      options.shard.count > 1
          ? fmt::format("records.{}-of-{}.jsonl", options.shard.index, options.shard.count)
          : "records.jsonl";
  std::map<std::string, json> done = read_finished(work, records_name);
  core::logger().debug("{} finished records in {}", done.size(), work.string());

  std::vector<const PlannedSample*> todo;
  for (std::size_t i = 0; i < planned.size(); ++i) {
    if (!options.shard.contains(i)) continue;
    if (done.count(planned[i].id)) {
      summary.resumed++;
      continue;
    }
    todo.push_back(&planned[i]);
  }
  if (options.limit > 0 && todo.size() > options.limit) todo.resize(options.limit);
  core::logger().info("{}: {} samples planned, {} already built, {} to build with {} job(s)",
                      recipe.name, planned.size(), summary.resumed, todo.size(), options.jobs);

  std::ofstream append(work / records_name, std::ios::binary | std::ios::app);
  if (!append) throw Error(fmt::format("{}: cannot append", (work / records_name).string()));

  if (!todo.empty()) {
    core::TaskLimits limits;
    limits.timeout_s = recipe.timeout_s;
    limits.memory_mib = recipe.memory_mib;
    const std::string out_dir = options.out_dir;
    core::ProcessPool pool(
        static_cast<std::size_t>(std::max(0, options.jobs)),
        [recipe, out_dir](const std::string& payload) {
          return build_sample(planned_from_json(json::parse(payload)), recipe, out_dir).dump();
        },
        limits);
    core::Progress progress("cad-dataset-build", todo.size(),
                            options.progress ? core::ProgressMode::Auto : core::ProgressMode::Off);
    std::vector<std::string> payloads;
    for (const auto* s : todo) payloads.push_back(planned_to_json(*s).dump());
    pool.run_all(payloads, [&](std::size_t k, const core::TaskResult& res) {
      json r;
      if (res.status == core::TaskStatus::Ok) {
        r = json::parse(res.payload);
      } else {
        r = reject(*todo[k], std::string("worker ") + core::to_string(res.status),
                   {{"type", "WorkerError"}, {"message", res.detail}});
      }
      if (r["status"] == "rejected")
        core::logger().warn("{}: rejected ({}): {}", todo[k]->id, r["reason"].get<std::string>(),
                            r["error"].is_object() ? r["error"].value("message", "") : "");
      append << core::dump_line(r) << '\n';
      append.flush();
      if (!append) throw Error(fmt::format("{}: write failed", (work / records_name).string()));
      done[todo[k]->id] = std::move(r);
      summary.built_now++;
      progress.advance();
    });
    progress.finish();
  }

  // Finalize only when every planned sample is built.
  for (const auto& s : planned)
    if (!done.count(s.id)) {
      core::logger().info("{} of {} samples built; run again without --shard/--limit to finish",
                          done.size(), planned.size());
      return summary;
    }

  // Dedup and groups, in plan order.
  std::set<std::string> ood(recipe.ood_families.begin(), recipe.ood_families.end());
  std::vector<json> ok;
  std::vector<json> rejected;
  for (const auto& s : planned) {
    json& r = done[s.id];
    if (r.value("status", "") == "ok")
      ok.push_back(r);
    else
      rejected.push_back(r);
  }
  summary.rejected = rejected.size();
  std::vector<std::vector<double>> desc;
  for (const auto& r : ok) desc.push_back(geometry_descriptor(r["stats"]));
  UnionFind groups(ok.size());
  std::vector<bool> duplicate(ok.size(), false);
  std::multimap<double, std::size_t> by_volume;  // kept records by log volume
  for (std::size_t i = 0; i < ok.size(); ++i) {
    const auto& d = desc[i];
    auto lo = by_volume.lower_bound(d[0] - recipe.group_tolerance);
    auto hi = by_volume.upper_bound(d[0] + recipe.group_tolerance);
    for (auto it = lo; it != hi; ++it) {
      std::size_t j = it->second;
      double diff = 0;
      for (std::size_t c = 0; c + 1 < d.size(); ++c)
        diff = std::max(diff, std::abs(d[c] - desc[j][c]));
      if (diff > recipe.group_tolerance) continue;
      groups.unite(i, j);
      if (!duplicate[i] && diff <= recipe.duplicate_tolerance && d.back() == desc[j].back() &&
          ok[i]["family"] == ok[j]["family"]) {
        duplicate[i] = true;
        json dup = {{"id", ok[i]["id"]},
                    {"source", ok[i]["source"]},
                    {"family", ok[i]["family"]},
                    {"status", "duplicate"},
                    {"reason", "near-duplicate geometry"},
                    {"duplicate_of", ok[j]["id"]},
                    {"geometry_hash", ok[i]["geometry_hash"]}};
        rejected.push_back(dup);
        summary.duplicates++;
      }
    }
    by_volume.emplace(d[0], i);
  }

  std::map<std::string, std::vector<json>> splits;
  std::vector<json> kept;
  for (std::size_t i = 0; i < ok.size(); ++i) {
    if (duplicate[i]) continue;
    json r = ok[i];
    r.erase("status");
    const std::string split = ood.count(r["family"].get<std::string>())
                                  ? "test_ood"
                                  : split_of(recipe.seed, ok[groups.find(i)]["id"], recipe);
    r["split"] = split;
    splits[split].push_back(r);
    kept.push_back(r);
  }
  summary.train = splits["train"].size();
  summary.val = splits["val"].size();
  summary.test = splits["test"].size();
  summary.test_ood = splits["test_ood"].size();

  for (const char* name : {"train", "val", "test", "test_ood"}) {
    const fs::path path = out / (std::string(name) + ".jsonl");
    if (std::string(name) == "test_ood" && ood.empty()) {
      fs::remove(path, ec);
      continue;
    }
    core::JsonlWriter writer(path.string());
    for (const auto& r : splits[name]) writer.write(r);
  }
  {
    core::JsonlWriter writer((out / "rejected.jsonl").string());
    for (const auto& r : rejected) writer.write(r);
  }
  json stats = dataset_stats(kept, summary);
  core::write_file(out / "stats.json", stats.dump(2) + "\n");
  core::write_file(out / "stats.md", stats_markdown(stats));
  core::write_file(out / "recipe.yaml", recipe_yaml(recipe));
  summary.finalized = true;
  core::logger().info("{}: train {}, val {}, test {}{}; rejected {}, near-duplicates {} -> {}",
                      recipe.name, summary.train, summary.val, summary.test,
                      ood.empty() ? std::string() : fmt::format(", test_ood {}", summary.test_ood),
                      summary.rejected, summary.duplicates, out.string());
  return summary;
}

}  // namespace cad::data
