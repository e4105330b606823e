// cad-report's library: experiment files, figures from summaries, the gallery's rule, failure
// groups, rows that are missing, escaping and gnuplot scripts.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "report/charts.h"
#include "report/experiment.h"
#include "report/figures.h"
#include "report/report.h"
#include "report/runs.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace cad::report;

namespace {

fs::path temp_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("cad_report_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

json record(const std::string& id, const std::string& status, json iou = nullptr) {
  json r = {{"id", id}, {"sample", 0}, {"status", status}, {"error", nullptr}, {"iou", iou}};
  if (status == "ok") r["cd"] = 1.0;
  return r;
}

}  // namespace

TEST_CASE("base64 and escaping", "[report]") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foobar") == "Zm9vYmFy");
  CHECK(html_escape("<a & 'b'>") == "&lt;a &amp; &#39;b&#39;&gt;");
  CHECK(md_cell("a|b\nc") == "a\\|b c");
  CHECK(gnuplot_quote("it's") == "'it''s'");
}

TEST_CASE("an experiment's rows and tables, with published figures as printed", "[report]") {
  const fs::path dir = temp_dir("experiment");
  write(dir / "paper.yaml",
        "tables:\n"
        "  - title: paper\n"
        "    layout: cmecad\n"
        "    source: the paper\n"
        "    published:\n"
        "      - {label: P, values: {iou: 80.71, mean_cd: 1.00, exec: '-'}}\n");
  const YAML::Node root = YAML::Load(
      "rows:\n  - runs/a\n  - {label: B, run: runs/b, decoding: greedy}\n"
      "tables:\n  - {title: ours, layout: recad-image, samples: best}\n"
      "  - " +
      (dir / "paper.yaml").string() + "\n");
  Experiment ex;
  read_experiment(root, "exp.yaml", ex);
  REQUIRE(ex.rows.size() == 2);
  CHECK(ex.rows[0].run == "runs/a");
  CHECK(ex.rows[1].label == "B");
  CHECK(ex.rows[1].decoding == "greedy");
  REQUIRE(ex.tables.size() == 2);
  CHECK(ex.tables[0].columns == std::vector<std::string>{"iou_best", "median_cd", "mean_cd", "ir"});
  CHECK(ex.tables[0].samples == "best");
  REQUIRE(ex.tables[1].published.size() == 1);
  const PublishedRow& p = ex.tables[1].published[0];
  CHECK(p.source == "the paper");
  CHECK(p.text.at("mean_cd") == "1.00");
  CHECK(p.values.at("iou") == Approx(80.71));
  CHECK(p.values.count("exec") == 0);
  CHECK(p.text.at("exec") == "-");
  CHECK(resolve_row(ex.rows[0], "gt.jsonl").label == "a");
  CHECK(resolve_row(ex.rows[0], "gt.jsonl").eval == "runs/a/eval.jsonl");
}

TEST_CASE("a bad experiment entry is a usage error naming file and line", "[report]") {
  Experiment ex;
  auto message = [&](const std::string& yaml) {
    try {
      read_experiment(YAML::Load(yaml), "exp.yaml", ex);
    } catch (const cad::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message("rows:\n  - {label: a, rnu: x}\n").rfind("exp.yaml:2: unknown key 'rnu'", 0) == 0);
  CHECK(message("rows:\n  - {label: a}\n").find("needs 'run'") != std::string::npos);
  CHECK(message("tables:\n  - {layout: cmecad2}\n").find("unknown table layout 'cmecad2'") !=
        std::string::npos);
  CHECK(message("tables:\n  - {columns: [iou, cdd]}\n").find("unknown column 'cdd'") !=
        std::string::npos);
  CHECK(message("tables:\n  - no/such/file.yaml\n").find("cannot read the tables file") !=
        std::string::npos);
}

TEST_CASE("table figures are cad-eval's summary, scaled as shown", "[report]") {
  const json s = {{"ids", 10},
                  {"invalidity_ratio", 0.1},
                  {"exec_rate", 0.95},
                  {"samples_per_id", 1},
                  {"first_sample",
                   {{"mean_cd", 0.5},
                    {"median_cd", 0.25},
                    {"mean_iou", 0.8},
                    {"mean_iou_best", nullptr},
                    {"mean_f1", 0.7},
                    {"mean_primitive_f1", nullptr},
                    {"mean_plane", nullptr}}}};
  CHECK(format_figure(figure(s, "ids", "first"), column("ids").digits) == "10");
  CHECK(format_figure(figure(s, "ir", "first"), 2) == "10.00");
  CHECK(format_figure(figure(s, "exec", "first"), 2) == "95.00");
  CHECK(format_figure(figure(s, "iou", "first"), 2) == "80.00");
  CHECK(format_figure(figure(s, "iou", "best"), 2) == "80.00");  // k = 1: the first sample
  CHECK(format_figure(figure(s, "iou_best", "first"), 2) == "-");
  CHECK(format_figure(figure(s, "median_cd", "first"), 3) == "0.250");
  CHECK(figure(json(nullptr), "iou", "first").is_null());
}

TEST_CASE("the gallery's rule: best, median, worst, failures, each id once", "[report]") {
  std::vector<json> eval;
  for (int i = 0; i < 9; ++i) eval.push_back(record("id" + std::to_string(i), "ok", 0.1 * i));
  eval.push_back(record("bad1", "exec_failed"));
  eval.push_back(record("bad2", "no_prediction"));
  eval.push_back(record("id3", "ok", 0.99));  // a second record of id3 (sample 1) is not shown
  eval.back()["sample"] = 1;
  const std::vector<Pick> picks = pick_gallery(eval, 2);
  std::vector<std::string> got;
  for (const Pick& p : picks) got.push_back(p.rule + ":" + (*p.record)["id"].get<std::string>());
  CHECK(got == std::vector<std::string>{"best:id8", "best:id7", "median:id5", "median:id4",
                                        "worst:id1", "worst:id0", "failure:bad1", "failure:bad2"});
  // Fewer scored ids than rules: each still shown once.
  const std::vector<json> two = {record("a", "ok", 0.5), record("b", "ok", 0.6)};
  CHECK(pick_gallery(two, 2).size() == 2);
  CHECK(iou_histogram(eval, 10)[8] == 1);
  CHECK(iou_histogram(eval, 10)[3] == 1);  // id3's first sample (0.3), not its second
}

TEST_CASE("failures grouped by status and message, largest first", "[report]") {
  std::vector<json> eval;
  for (int i = 0; i < 3; ++i) {
    json r = record("x" + std::to_string(i), "exec_failed");
    r["pred_status"] = "runtime_error";
    r["error"] = {{"type", "NameError"}, {"message", "name 'w' is not defined\nline 2"}};
    eval.push_back(r);
  }
  eval.push_back(record("y", "no_prediction"));
  eval.push_back(record("z", "ok", 0.5));
  const auto groups = failure_groups(eval, 2);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].status == "exec_failed / runtime_error");
  CHECK(groups[0].message == "name 'w' is not defined");
  CHECK(groups[0].count == 3);
  CHECK(groups[0].ids == std::vector<std::string>{"x0", "x1"});
  CHECK(groups[1].status == "no_prediction");
}

TEST_CASE("rows that are missing or partial say why", "[report]") {
  const fs::path dir = temp_dir("runs");
  auto no_summary = [](const std::vector<json>&, const std::string&, std::string& why) {
    why = "not asked";
    return json(nullptr);
  };
  RowSpec absent;
  absent.run = (dir / "absent").string();
  RunData a = load_run(resolve_row(absent, ""), no_summary);
  CHECK(a.missing.find("does not exist") != std::string::npos);

  write(dir / "training" / "metrics.jsonl", "{\"step\": 10, \"loss\": 2}\n{\"step\": 20, \"lo");
  RowSpec training;
  training.run = (dir / "training").string();
  RunData t = load_run(resolve_row(training, ""), no_summary);
  CHECK(t.training == "still training: step 10, no final/ yet");
  CHECK(t.missing.find("no evaluation yet") != std::string::npos);
  CHECK(t.missing.find("still training") != std::string::npos);
  CHECK(t.metrics.size() == 1);
  REQUIRE(!t.notes.empty());  // the half-written last line is named, not fatal
  CHECK(t.notes[0].find("line 2") != std::string::npos);

  // Eval records without a summary: the summary comes from the callback (cad-eval in the tool).
  write(dir / "evaluated" / "eval.jsonl", record("a", "ok", 0.5).dump() + "\n");
  write(dir / "evaluated" / "final" / "model.safetensors", "");
  RowSpec evaluated;
  evaluated.run = (dir / "evaluated").string();
  RunData e = load_run(resolve_row(evaluated, ""),
                       [](const std::vector<json>& records, const std::string&, std::string&) {
                         return json{{"ids", records.size()}, {"first_sample", json::object()}};
                       });
  CHECK(e.missing.empty());
  CHECK(e.summary_recomputed);
  CHECK(e.summary["ids"] == 1);
  CHECK(e.training == "finished");
}

TEST_CASE("learning curves from both kinds of metrics lines", "[report]") {
  RunData sft, rl;
  sft.label = "sft";
  sft.metrics = {
      {{"step", 1}, {"loss", 3.0}}, {{"step", 2}, {"loss", 2.0}}, {{"step", 2}, {"val_loss", 2.5}}};
  rl.label = "rl";
  rl.metrics = {{{"step", 1},
                 {"reward_mean", -1.0},
                 {"reward_iou", 0.2},
                 {"reward_std", 1.0},
                 {"exec_rate", 0.5}},
                {{"step", 2}, {"val_exec", 0.75}, {"val_iou", 0.4}, {"val_reward", 3.0}}};
  const std::vector<Chart> charts = learning_curves({sft, rl});
  std::vector<std::string> names;
  for (const Chart& c : charts) names.push_back(c.name);
  CHECK(names == std::vector<std::string>{"curve-loss", "curve-val-loss", "curve-reward",
                                          "curve-reward-components", "curve-exec", "curve-iou"});
  CHECK(charts[0].series.size() == 1);
  CHECK(charts[0].series[0].points.size() == 2);
  CHECK(charts[3].series.size() == 1);
  CHECK(charts[3].series[0].title == "rl: reward_iou");
  const std::string script = gnuplot_script(charts[0], {"/tmp/a.dat"}, "/tmp/o'ut.svg");
  CHECK(script.find("set terminal svg") != std::string::npos);
  CHECK(script.find("set output '/tmp/o''ut.svg'") != std::string::npos);
  CHECK(script.find("'/tmp/a.dat' using 1:2 with linespoints") != std::string::npos);
}
