// Loading a report's rows: a run folder's metrics, eval records and summary, generations, and the
// dataset split the ground truth came from. Whatever is missing becomes a reason, never an error.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/experiment.h"

namespace cad::report {

/// A dataset split (cad-dataset-build's JSONL): records by id, and the folder asset paths are
/// relative to.
struct GroundTruth {
  std::string path;                             ///< the split JSONL
  std::string dir;                              ///< its folder
  std::map<std::string, nlohmann::json> by_id;  ///< records without their chains of thought
  std::vector<std::string> ids;                 ///< in file order
  std::string error;                            ///< why it could not be read ("" = it was)
  std::vector<std::string> warnings;            ///< lines skipped, "path: line N: ..."
};

/// Reads a split; failures go to `error` and `warnings`.
GroundTruth load_ground_truth(const std::string& path);

/// One row as loaded.
struct RunData {
  RowSpec spec;       ///< with every path filled in
  std::string label;  ///< the row's name
  /// Why the row has no evaluation figures ("" = it has them): no run folder, no eval yet, ...
  std::string missing;
  /// What the reader should know about figures that are there: recomputed summary, a run
  /// still training, lines skipped.
  std::vector<std::string> notes;
  nlohmann::json summary;            ///< cad-eval's summary (null when missing)
  bool summary_recomputed = false;   ///< summary made from eval.jsonl by cad-eval --summarize-only
  std::vector<nlohmann::json> eval;  ///< cad-eval records, in file order
  std::map<std::string, nlohmann::json> generations;  ///< "id\nsample" -> cad-generate record
  std::string task;                     ///< the generations' task (drawing, image, text, dims)
  std::vector<nlohmann::json> metrics;  ///< metrics.jsonl lines (objects with a numeric step)
  std::string metrics_missing;          ///< why there are no curves ("" = there are)
  std::string training;                 ///< "finished at step N", "training: step N, no final/ yet"
};

/// The key of a record in RunData::generations.
std::string sample_key(const nlohmann::json& id, const nlohmann::json& sample);

/// Fills in the default paths of `spec` (<run>/metrics.jsonl, ...), the label, and `gt`.
RowSpec resolve_row(RowSpec spec, const std::string& default_gt);

/// Loads one row. `summarize` turns eval records into a summary when the summary file is
/// missing (returns null and sets `why` when it cannot). Never throws for missing or broken
/// files: they become `missing` or `notes`.
RunData load_run(
    const RowSpec& spec,
    const std::function<nlohmann::json(const std::vector<nlohmann::json>&, const std::string& name,
                                       std::string& why)>& summarize);

}  // namespace cad::report
