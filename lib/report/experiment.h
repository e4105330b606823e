// An experiment for cad-report: the rows (run folders and their files), the tables with their
// published figures, the gallery, read from YAML.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/cli.h"

namespace cad::report {

/// One of our rows: a run folder and the files that evaluate it.
struct RowSpec {
  std::string label;    ///< the row's name in every table ("" = the folder's name)
  std::string run;      ///< run folder (cad-sft / cad-rl --out-dir); "" when only files are given
  std::string metrics;  ///< metrics.jsonl ("" = <run>/metrics.jsonl)
  std::string eval;     ///< cad-eval records ("" = <run>/eval.jsonl)
  std::string summary;  ///< cad-eval --summary ("" = <run>/eval_summary.json)
  std::string generations;  ///< cad-generate records ("" = <run>/generations.jsonl)
  std::string gt;           ///< dataset split JSONL ("" = the experiment's --gt)
  std::string decoding;     ///< how the generations were sampled, as stated (e.g. "greedy")
};

/// Figures of a paper set beside ours.
struct PublishedRow {
  std::string label;                     ///< e.g. "CME-CAD"
  std::string source;                    ///< where the figures come from
  std::map<std::string, double> values;  ///< column key -> the figure, when a number
  std::map<std::string, std::string>
      text;  ///< column key -> the cell as printed (e.g. "1.00", "-")
};

/// One table: columns in a paper's layout, our rows, published rows.
struct TableSpec {
  std::string title;
  std::string layout = "cad-eval";   ///< cad-eval, cmecad, recad-text, recad-image
  std::vector<std::string> columns;  ///< column keys; empty = the layout's
  std::string samples = "first";     ///< first (the first sample of each id) or best (best of k)
  std::string benchmark;             ///< the published figures' test set, e.g. "CADExpert test"
  std::string source;                ///< default source of the published rows
  std::string note;                  ///< anything else the reader must know
  std::vector<std::string> rows;     ///< our rows to show (labels); empty = all
  std::vector<PublishedRow> published;
};

/// Everything an experiment says; paths are relative to the working directory.
struct Experiment {
  std::string title;
  std::string description;
  std::vector<RowSpec> rows;
  std::vector<TableSpec> tables;  ///< empty = one table in cad-eval's layout
};

/// The column keys a layout shows, in order. Throws cad::UsageError naming the layouts for an
/// unknown one.
std::vector<std::string> layout_columns(const std::string& layout);

/// Reads the structured part of an experiment (`rows`, `tables`) from a YAML mapping that came
/// from `path`. A string entry of `tables` is a YAML file whose `tables` are taken (relative to
/// the working directory). Throws cad::UsageError("path:line: message") on a bad entry.
void read_experiment(const YAML::Node& root, const std::string& path, Experiment& experiment);

/// The keys of an experiment file that are not command-line options.
const std::vector<std::string>& structured_keys();

/// cad-report's --config format: the keys in structured_keys() are kept apart (in `node`) and
/// every other key is an option value, as in every tool's YAML config.
class ExperimentConfig : public core::YamlConfig {
 public:
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
  /// The structured keys of the last file read (null before any).
  std::shared_ptr<YAML::Node> node = std::make_shared<YAML::Node>();
};

}  // namespace cad::report
