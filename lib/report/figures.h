// The figures of a report: table cells from cad-eval summaries, breakdowns by family and level,
// failures grouped by status and message, the gallery's choice of ids.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cad::report {

/// What a column shows and how.
struct Column {
  std::string key;         ///< ids, ir, exec, mean_cd, median_cd, iou, iou_best, f1, ...
  std::string header;      ///< e.g. "IoU %"
  int digits = 2;          ///< decimals shown
  std::string definition;  ///< one line for the conventions paragraph
};

/// The column `key` (one of layout_columns("cad-eval-all")). Throws cad::UsageError otherwise.
const Column& column(const std::string& key);

/// The figure of `column` in a cad-eval summary, scaled as shown (percentages x100, CD as
/// cad-eval writes it: x1000), or null when the summary does not have it. `samples` is
/// "first" (first_sample) or "best" (best_of_k; the first sample when k = 1).
nlohmann::json figure(const nlohmann::json& summary, const std::string& column,
                      const std::string& samples);

/// A figure as shown: fixed decimals, "-" for null.
std::string format_figure(const nlohmann::json& value, int digits);

/// The first record of each id (sample 0, else the first in file order), in file order, leaving
/// out no_ground_truth records and lines without an id.
std::vector<const nlohmann::json*> first_samples(const std::vector<nlohmann::json>& eval);

/// The eval records grouped by a field of their ground-truth record (`family`, `level`): group
/// name -> records, in file order. Records whose id is not in `gt` go to "(no ground truth)".
std::map<std::string, std::vector<nlohmann::json>> group_by(
    const std::vector<nlohmann::json>& eval, const std::map<std::string, nlohmann::json>& gt,
    const std::string& field);

/// A kind of failure: status (with cad-exec's status for exec_failed) and message.
struct FailureGroup {
  std::string status;   ///< e.g. "exec_failed / runtime_error"
  std::string message;  ///< the error message's first line, at most 160 characters
  std::size_t count = 0;
  std::vector<std::string> ids;  ///< the first few ids, file order
};

/// The records that are not ok (ok and open_mesh with a CD count as scored), grouped by status
/// and message, largest groups first (then status, then message).
std::vector<FailureGroup> failure_groups(const std::vector<nlohmann::json>& eval,
                                         std::size_t ids_kept = 5);

/// One gallery entry's choice.
struct Pick {
  std::string rule;  ///< best, median, worst, failure
  const nlohmann::json* record = nullptr;
};

/// The gallery's rule: among the first sample of each id, those with an IoU sorted by IoU
/// (descending, ties by id): the `per_rule` best, the `per_rule` around the median, the
/// `per_rule` worst; then the first `per_rule` records without an IoU in file order (failures).
/// An id is shown once, under the first rule that picks it.
std::vector<Pick> pick_gallery(const std::vector<nlohmann::json>& eval, std::size_t per_rule);

/// IoU histogram bins: counts of first-sample IoUs in `bins` equal bins over [0, 1] (1 in the
/// last bin).
std::vector<std::size_t> iou_histogram(const std::vector<nlohmann::json>& eval, std::size_t bins);

/// The error message of an eval record (its `error.message`, or a string error), "" when none.
std::string error_message(const nlohmann::json& record);

}  // namespace cad::report
