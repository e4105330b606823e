// cad-report: run folders and their evaluations -> one self-contained report.html and report.md.
#include <CLI/CLI.hpp>
#include <memory>

#include "core/cli.h"
#include "core/log.h"
#include "report/experiment.h"
#include "report/report.h"

int main(int argc, char** argv) {
  cad::report::ReportConfig config;
  CLI::App app{
      "Turn run folders (cad-sft / cad-rl --out-dir with metrics.jsonl, and the evaluation\n"
      "cad-generate and cad-eval wrote there: generations.jsonl, eval.jsonl, eval_summary.json)\n"
      "into one page: report.html (self-contained: pictures and charts inlined, opens from a\n"
      "file without network) and report.md (the same tables, for RESULTS.md).\n\n"
      "  cad-report --config configs/reports/rl-tiny.yaml -o runs/rl-tiny/report\n"
      "  cad-report runs/sft-tiny --gt data/sft-tiny/test.jsonl -o runs/sft-tiny\n\n"
      "The page has: the rows and their state; the tables in the papers' layouts (cad-eval, "
      "cmecad:\n"
      "IoU/mean CD/median CD/exec, recad-text: P-F1/median CD/mean CD/IR, recad-image:\n"
      "IoU_best/median CD/mean CD/IR) with the published figures of the experiment file beside\n"
      "ours and the metric conventions named (CD x1000, points, normalization, IoU kind, k,\n"
      "decoding); the same figures per family and per level of the dataset split (cad-eval\n"
      "--summarize-only of each group); learning curves (loss, val loss, reward and its "
      "components,\n"
      "exec rate, IoU against step) and an IoU histogram drawn by gnuplot as SVG; a gallery per\n"
      "row (best, median, worst and failed ids by a stated rule: input, prediction render,\n"
      "ground-truth render by cad-render, IoU, CD, code); failures grouped by status and message.\n"
      "A row without a run folder, an evaluation or metrics is shown as missing with the "
      "reason.\n\n"
      "--config FILE.yaml takes any option below by its long name (title, gt, gallery-rows, ...)\n"
      "and two structured keys: `rows` (a list of run folders or of {label, run, metrics, eval,\n"
      "summary, generations, gt, decoding}) and `tables` (a list of {title, layout, columns,\n"
      "samples: first|best, benchmark, source, note, rows, published: [{label, source, values:\n"
      "{column: figure}}]}, or a YAML file whose `tables` are taken, e.g.\n"
      "configs/reports/cmecad.yaml). Run folders on the command line are rows after the file's."};
  cad::core::add_common_options(app, config.common);
  auto format = std::make_shared<cad::report::ExperimentConfig>();
  app.config_formatter(format);
  app.get_option("-o")->description(
      "the report folder: report.html, report.md, assets/ (required)");
  app.get_option("-i")->description(
      "not used by cad-report (rows are run folders and --config rows)");
  app.add_option("runs", config.run_folders,
                 "run folders, each a row labelled by the folder's name (after --config's rows)");
  app.add_option("--title", config.experiment.title, "the page's title");
  app.add_option("--description", config.experiment.description,
                 "a paragraph under the title: what the experiment is");
  app.add_option("--gt", config.gt,
                 "the dataset split the rows were evaluated on (cad-dataset-build's test.jsonl): "
                 "families, levels, input drawings/images/texts, ground-truth code for renders");
  app.add_option("--decoding", config.decoding,
                 "how rows that state none were sampled, as the tables should say (e.g. greedy)");
  app.add_option("--gallery-rows", config.gallery_rows,
                 "labels of the rows that get a gallery (comma-separated; default every row with "
                 "eval records)")
      ->delimiter(',');
  app.add_option("--gallery-per-rule", config.gallery_per_rule,
                 "ids per gallery rule (best, median, worst, failures); 0 = no gallery")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--render-size", config.render_size,
                 "pixels of the prediction and ground-truth renders")
      ->capture_default_str()
      ->check(CLI::Range(64, 2048));
  app.add_option("-j,--jobs", config.jobs, "cad-render worker processes")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--tools", config.tools_dir,
                 "folder of cad-eval and cad-render (default: beside cad-report, then PATH)");
  app.add_option("--gnuplot", config.gnuplot, "the gnuplot program that draws the charts")
      ->capture_default_str();
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "no progress or info lines on stderr (--log-level warn)");
  return cad::core::run_tool("cad-report", argc, argv, app, [&] {
    if (quiet) cad::core::set_log_level("warn");
    cad::report::read_experiment(*format->node, config.common.config, config.experiment);
    if (app.count("--jobs") == 0 && app.count("--threads") > 0) config.jobs = config.common.threads;
    return cad::report::run(config);
  });
}
