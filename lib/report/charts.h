// Charts of a report as SVG, drawn by gnuplot from data files: learning curves and the IoU
// histogram.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "report/runs.h"

namespace cad::report {

/// One line (or set of boxes) of a chart.
struct Series {
  std::string title;
  std::vector<std::pair<double, double>> points;  ///< (x, y), in x order
};

/// A chart to draw.
struct Chart {
  std::string name;  ///< file stem, e.g. "curve-loss"
  std::string title;
  std::string xlabel;
  std::string ylabel;
  std::vector<Series> series;
  bool boxes = false;    ///< histogram boxes instead of lines
  double box_width = 0;  ///< with boxes: width of one box in x units
  std::string caption;   ///< shown under the chart
};

/// `text` as a gnuplot single-quoted string ('' for a quote).
std::string gnuplot_quote(const std::string& text);

/// The gnuplot script that draws `chart` into `svg` from `data_files` (one per series, columns
/// x y).
std::string gnuplot_script(const Chart& chart, const std::vector<std::string>& data_files,
                           const std::string& svg);

/// Writes the data files and script of `chart` into `dir`, runs `gnuplot` and returns the SVG's
/// path; "" with `why` set when gnuplot cannot be run or fails (its first stderr line).
std::string plot_svg(const Chart& chart, const std::string& dir, const std::string& gnuplot,
                     std::string& why);

/// The learning curves of the rows' metrics.jsonl: training loss, validation loss, reward,
/// reward components, execution rate, IoU against step; a chart only when a row has its keys.
std::vector<Chart> learning_curves(const std::vector<RunData>& runs);

/// The IoU histogram of the rows with eval records (first sample of each id, 20 bins), boxes
/// side by side per row.
Chart iou_histogram_chart(const std::vector<RunData>& runs);

}  // namespace cad::report
