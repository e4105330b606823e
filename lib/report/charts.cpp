// gnuplot as the plotting tool: data files, a script with `set terminal svg`, one run per chart.
#include "report/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/file_io.h"
#include "report/figures.h"
#include "report/process.h"

namespace cad::report {
namespace fs = std::filesystem;
using json = nlohmann::json;

std::string gnuplot_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "''";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out + "'";
}

std::string gnuplot_script(const Chart& chart, const std::vector<std::string>& data_files,
                           const std::string& svg) {
  std::string s;
  s += "set terminal svg size 720,360 font 'DejaVu Sans,11' background rgb 'white'\n";
  s += "set output " + gnuplot_quote(svg) + "\n";
  s += "set encoding utf8\n";
  s += "set title " + gnuplot_quote(chart.title) + " noenhanced\n";
  s += "set xlabel " + gnuplot_quote(chart.xlabel) + " noenhanced\n";
  s += "set ylabel " + gnuplot_quote(chart.ylabel) + " noenhanced\n";
  s += "set grid lc rgb '#dddddd'\n";
  s += "set key outside right top noenhanced\n";
  s += "set border 3\nset tics nomirror\n";
  if (chart.boxes) {
    s += "set style fill solid 0.7 border -1\n";
    s += "set boxwidth " + std::to_string(chart.box_width) + " absolute\n";
    s += "set xrange [0:1]\nset yrange [0:*]\n";
  }
  s += "plot ";
  for (std::size_t i = 0; i < data_files.size(); ++i) {
    if (i) s += ", \\\n     ";
    s += gnuplot_quote(data_files[i]) + " using 1:2 with " +
         (chart.boxes ? std::string("boxes") : std::string("linespoints pt 7 ps 0.35 lw 1.5")) +
         " title " + gnuplot_quote(chart.series[i].title);
  }
  return s + "\n";
}

std::string plot_svg(const Chart& chart, const std::string& dir, const std::string& gnuplot,
                     std::string& why) {
  fs::create_directories(dir);
  std::vector<std::string> files;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const std::string file =
        (fs::path(dir) / (chart.name + "." + std::to_string(i) + ".dat")).string();
    std::string data = "# " + chart.series[i].title + "\n";
    char line[96];
    for (const auto& [x, y] : chart.series[i].points) {
      std::snprintf(line, sizeof line, "%.10g %.10g\n", x, y);
      data += line;
    }
    core::write_file(file, data);
    files.push_back(fs::absolute(file).string());
  }
  const std::string svg = (fs::path(dir) / (chart.name + ".svg")).string();
  const std::string script = (fs::path(dir) / (chart.name + ".gp")).string();
  core::write_file(script, gnuplot_script(chart, files, fs::absolute(svg).string()));
  const std::string err = (fs::path(dir) / (chart.name + ".log")).string();
  std::error_code ec;
  fs::remove(svg, ec);
  const int rc = run_process({gnuplot, script}, "", "", err, why);
  if (rc < 0) return "";
  if (rc != 0 || !fs::is_regular_file(svg) || fs::file_size(svg) == 0) {
    std::string text = core::read_file(err);
    std::string first;
    for (std::size_t start = 0; start < text.size();) {  // the first non-blank line
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string l = text.substr(start, end - start);
      if (l.find_first_not_of(" \t^") != std::string::npos) {
        first = l;
        break;
      }
      start = end + 1;
    }
    why =
        gnuplot + " failed (exit " + std::to_string(rc) + ")" + (first.empty() ? "" : ": " + first);
    return "";
  }
  return svg;
}

namespace {

struct CurveSpec {
  const char* name;
  const char* title;
  const char* ylabel;
  std::vector<std::string> keys;  ///< empty: the reward components
};

bool is_component(const std::string& key) {
  return key.rfind("reward_", 0) == 0 && key != "reward_mean" && key != "reward_std";
}

}  // namespace

std::vector<Chart> learning_curves(const std::vector<RunData>& runs) {
  const std::vector<CurveSpec> specs = {
      {"curve-loss", "training loss", "loss (mean over the logging window)", {"loss"}},
      {"curve-val-loss", "validation loss", "mean token loss on val examples", {"val_loss"}},
      {"curve-reward",
       "reward",
       "reward (mean over the step's samples; val: greedy)",
       {"reward_mean", "val_reward"}},
      {"curve-reward-components", "reward components", "mean per step", {}},
      {"curve-exec", "execution rate", "share of samples that executed", {"exec_rate", "val_exec"}},
      {"curve-iou", "IoU", "mean IoU of the executed samples", {"iou_mean", "val_iou"}}};
  std::vector<Chart> charts;
  for (const CurveSpec& spec : specs) {
    Chart chart;
    chart.name = spec.name;
    chart.title = spec.title;
    chart.xlabel = "step";
    chart.ylabel = spec.ylabel;
    for (const RunData& run : runs) {
      std::vector<std::string> keys = spec.keys;
      if (keys.empty()) {
        std::set<std::string> found;
        for (const json& m : run.metrics)
          for (auto it = m.begin(); it != m.end(); ++it)
            if (is_component(it.key())) found.insert(it.key());
        keys.assign(found.begin(), found.end());
      }
      for (const std::string& key : keys) {
        Series s;
        s.title = run.label + ": " + key;
        for (const json& m : run.metrics)
          if (m.contains(key) && m[key].is_number() && std::isfinite(m[key].get<double>()))
            s.points.emplace_back(m["step"].get<double>(), m[key].get<double>());
        std::stable_sort(s.points.begin(), s.points.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        if (!s.points.empty()) chart.series.push_back(std::move(s));
      }
    }
    if (!chart.series.empty()) charts.push_back(std::move(chart));
  }
  return charts;
}

Chart iou_histogram_chart(const std::vector<RunData>& runs) {
  constexpr std::size_t bins = 20;
  Chart chart;
  chart.name = "iou-histogram";
  chart.title = "IoU of the first sample of each id";
  chart.xlabel = "IoU";
  chart.ylabel = "ids";
  chart.boxes = true;
  std::vector<const RunData*> with_eval;
  for (const RunData& run : runs)
    if (!run.eval.empty()) with_eval.push_back(&run);
  const double bin = 1.0 / bins;
  const std::size_t n = std::max<std::size_t>(1, with_eval.size());
  chart.box_width = bin / n * 0.9;
  std::string caption =
      "20 bins of 0.05; ids without an IoU (failed or missing predictions) are "
      "not in the bars:";
  for (std::size_t r = 0; r < with_eval.size(); ++r) {
    const std::vector<std::size_t> counts = iou_histogram(with_eval[r]->eval, bins);
    Series s;
    std::size_t total = 0;
    for (std::size_t b = 0; b < bins; ++b) {
      s.points.emplace_back(b * bin + bin * (r + 0.5) / n, double(counts[b]));
      total += counts[b];
    }
    const std::size_t ids = first_samples(with_eval[r]->eval).size();
    s.title = with_eval[r]->label;
    caption += " " + with_eval[r]->label + " " + std::to_string(ids - total) + " of " +
               std::to_string(ids) + (r + 1 < with_eval.size() ? ";" : ".");
    chart.series.push_back(std::move(s));
  }
  chart.caption = caption;
  return chart;
}

}  // namespace cad::report
