// Reading an experiment's rows and tables from YAML.
#include "report/experiment.h"

#include <filesystem>
#include <iterator>
#include <set>
#include <sstream>

#include "core/error.h"

namespace cad::report {
namespace {

std::string where(const std::string& path, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return path;
  return path + ":" + std::to_string(mark.line + 1);
}

[[noreturn]] void fail(const std::string& path, const YAML::Node& node, const std::string& what) {
  throw UsageError(where(path, node) + ": " + what);
}

std::string scalar(const YAML::Node& node, const std::string& path, const std::string& key) {
  if (!node.IsScalar()) fail(path, node, "'" + key + "' must be a plain value");
  return node.Scalar();
}

std::vector<std::string> string_list(const YAML::Node& node, const std::string& path,
                                     const std::string& key) {
  std::vector<std::string> out;
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) fail(path, node, "'" + key + "' must be a list of plain values");
  for (const auto& item : node) out.push_back(scalar(item, path, key));
  return out;
}

void check_keys(const YAML::Node& map, const std::string& path, const std::string& what,
                const std::set<std::string>& allowed) {
  if (!map.IsMap()) fail(path, map, what + " must be a mapping");
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    if (!allowed.count(key)) {
      std::string names;
      for (const auto& a : allowed) names += (names.empty() ? "" : ", ") + a;
      fail(path, entry.first, "unknown key '" + key + "' in " + what + " (known: " + names + ")");
    }
  }
}

RowSpec read_row(const YAML::Node& node, const std::string& path) {
  RowSpec row;
  if (node.IsScalar()) {
    row.run = node.Scalar();
    return row;
  }
  check_keys(node, path, "a row",
             {"label", "run", "metrics", "eval", "summary", "generations", "gt", "decoding"});
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const std::string value = scalar(entry.second, path, key);
    if (key == "label") row.label = value;
    if (key == "run") row.run = value;
    if (key == "metrics") row.metrics = value;
    if (key == "eval") row.eval = value;
    if (key == "summary") row.summary = value;
    if (key == "generations") row.generations = value;
    if (key == "gt") row.gt = value;
    if (key == "decoding") row.decoding = value;
  }
  if (row.run.empty() && row.eval.empty() && row.summary.empty() && row.metrics.empty())
    fail(path, node, "a row needs 'run' or one of 'eval', 'summary', 'metrics'");
  return row;
}

PublishedRow read_published(const YAML::Node& node, const std::string& path,
                            const std::vector<std::string>& columns) {
  check_keys(node, path, "a published row", {"label", "source", "values"});
  PublishedRow row;
  if (node["label"]) row.label = scalar(node["label"], path, "label");
  if (row.label.empty()) fail(path, node, "a published row needs a 'label'");
  if (node["source"]) row.source = scalar(node["source"], path, "source");
  const YAML::Node values = node["values"];
  if (!values || !values.IsMap()) fail(path, node, "a published row needs 'values' (a mapping)");
  const std::set<std::string> known(columns.begin(), columns.end());
  for (const auto& entry : values) {
    const std::string key = entry.first.Scalar();
    if (!known.count(key)) {
      std::string names;
      for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c;
      fail(path, entry.first, "'" + key + "' is not a column of this table (" + names + ")");
    }
    const std::string text = scalar(entry.second, path, key);
    row.text[key] = text;  // shown as printed ("1.00", or "-" for a figure not given)
    try {
      std::size_t used = 0;
      const double v = std::stod(text, &used);
      if (used == text.size()) row.values[key] = v;
    } catch (const std::exception&) {
    }
  }
  return row;
}

TableSpec read_table(const YAML::Node& node, const std::string& path) {
  check_keys(node, path, "a table",
             {"title", "layout", "columns", "samples", "benchmark", "source", "note", "rows",
              "published"});
  TableSpec t;
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    if (key == "title") t.title = scalar(entry.second, path, key);
    if (key == "layout") t.layout = scalar(entry.second, path, key);
    if (key == "samples") t.samples = scalar(entry.second, path, key);
    if (key == "benchmark") t.benchmark = scalar(entry.second, path, key);
    if (key == "source") t.source = scalar(entry.second, path, key);
    if (key == "note") t.note = scalar(entry.second, path, key);
    if (key == "columns") t.columns = string_list(entry.second, path, key);
    if (key == "rows") t.rows = string_list(entry.second, path, key);
  }
  try {
    const auto all = layout_columns("cad-eval-all");
    const std::set<std::string> known(all.begin(), all.end());
    if (t.columns.empty()) t.columns = layout_columns(t.layout);
    for (const auto& c : t.columns)
      if (!known.count(c)) {
        std::string names;
        for (const auto& k : all) names += (names.empty() ? "" : ", ") + k;
        throw UsageError("unknown column '" + c + "' (known: " + names + ")");
      }
  } catch (const UsageError& e) {
    fail(path, node, e.what());
  }
  if (t.samples != "first" && t.samples != "best")
    fail(path, node["samples"], "'samples' is first or best, not '" + t.samples + "'");
  if (const YAML::Node published = node["published"]) {
    if (!published.IsSequence()) fail(path, published, "'published' must be a list of rows");
    for (const auto& p : published) {
      PublishedRow row = read_published(p, path, t.columns);
      if (row.source.empty()) row.source = t.source;
      t.published.push_back(std::move(row));
    }
  }
  return t;
}

void read_tables(const YAML::Node& node, const std::string& path, std::vector<TableSpec>& out,
                 int depth) {
  if (!node.IsSequence()) fail(path, node, "'tables' must be a list");
  for (const auto& entry : node) {
    if (entry.IsScalar()) {
      // Another file's tables, e.g. configs/reports/cmecad.yaml's published figures.
      std::string file = entry.Scalar();
      // Relative to the working directory, else to the including file's folder.
      const std::filesystem::path beside = std::filesystem::path(path).parent_path() / file;
      if (!std::filesystem::exists(file) && std::filesystem::path(file).is_relative() &&
          std::filesystem::exists(beside))
        file = beside.string();
      if (depth > 4) fail(path, entry, "tables included too deeply (a file including itself?)");
      YAML::Node root;
      try {
        root = YAML::LoadFile(file);
      } catch (const YAML::BadFile&) {
        fail(path, entry, "cannot read the tables file '" + file + "'");
      } catch (const YAML::Exception& e) {
        throw UsageError(file + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
      }
      if (!root.IsMap() || !root["tables"]) fail(path, entry, "'" + file + "' has no 'tables'");
      read_tables(root["tables"], file, out, depth + 1);
    } else {
      out.push_back(read_table(entry, path));
    }
  }
}

}  // namespace

std::vector<std::string> layout_columns(const std::string& layout) {
  if (layout == "cad-eval")
    return {"ids", "ir", "exec", "mean_cd", "median_cd", "iou", "iou_best", "f1"};
  if (layout == "cad-eval-all")
    return {"ids", "ir",       "exec", "mean_cd",      "median_cd",
            "iou", "iou_best", "f1",   "primitive_f1", "plane"};
  if (layout == "cmecad") return {"iou", "mean_cd", "median_cd", "exec"};
  if (layout == "recad-text") return {"primitive_f1", "median_cd", "mean_cd", "ir"};
  if (layout == "recad-image") return {"iou_best", "median_cd", "mean_cd", "ir"};
  throw UsageError("unknown table layout '" + layout +
                   "' (cad-eval, cmecad, recad-text, recad-image)");
}

const std::vector<std::string>& structured_keys() {
  static const std::vector<std::string> keys{"rows", "tables"};
  return keys;
}

void read_experiment(const YAML::Node& root, const std::string& path, Experiment& experiment) {
  if (!root || root.IsNull()) return;
  if (const YAML::Node rows = root["rows"]) {
    if (!rows.IsSequence()) fail(path, rows, "'rows' must be a list");
    for (const auto& r : rows) experiment.rows.push_back(read_row(r, path));
  }
  if (const YAML::Node tables = root["tables"]) read_tables(tables, path, experiment.tables, 0);
}

std::vector<CLI::ConfigItem> ExperimentConfig::from_config(std::istream& input) const {
  const std::string text{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw CLI::ConfigError(std::string("invalid YAML configuration: ") + e.what());
  }
  *node = YAML::Node(YAML::NodeType::Map);
  if (!root || !root.IsMap()) {
    std::istringstream again(text);
    return core::YamlConfig::from_config(again);
  }
  YAML::Node options(YAML::NodeType::Map);
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    bool structured = false;
    for (const auto& k : structured_keys()) structured = structured || key == k;
    if (structured)
      (*node)[key] = entry.second;
    else
      options[key] = entry.second;
  }
  std::istringstream rest(YAML::Dump(options));
  return core::YamlConfig::from_config(rest);
}

}  // namespace cad::report
