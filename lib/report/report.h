// cad-report's whole job: rows of runs -> one self-contained report.html and report.md.
#pragma once

#include <string>
#include <vector>

#include "core/cli.h"
#include "report/experiment.h"

namespace cad::report {

/// Everything cad-report is asked to do.
struct ReportConfig {
  core::CommonOptions common;             ///< common.output: the report folder
  Experiment experiment;                  ///< rows and tables from --config
  std::vector<std::string> run_folders;   ///< more rows from the command line
  std::string gt;                         ///< dataset split for rows that name none
  std::string decoding;                   ///< decoding of rows that state none
  std::vector<std::string> gallery_rows;  ///< labels of the rows with a gallery; empty = all
  int gallery_per_rule = 2;  ///< ids per rule (best, median, worst, failures); 0 = none
  int render_size = 256;     ///< pixels of the prediction and ground-truth renders
  int jobs = 1;              ///< cad-render workers
  std::string tools_dir;  ///< where cad-eval and cad-render are ("" = beside cad-report, then PATH)
  std::string gnuplot = "gnuplot";  ///< the plotting program
};

/// Writes <output>/report.html (images inlined, no network), <output>/report.md and
/// <output>/assets/ (charts, renders, data). Rows that cannot be read are shown as missing
/// with the reason. Throws cad::UsageError for a wrong configuration. Returns the exit code.
int run(const ReportConfig& config);

/// `text` with &, <, >, " and ' escaped for HTML.
std::string html_escape(const std::string& text);

/// `bytes` in base64 (RFC 4648, with padding).
std::string base64(const std::string& bytes);

/// `text` made safe inside a markdown table cell (| escaped, newlines as spaces).
std::string md_cell(const std::string& text);

}  // namespace cad::report
