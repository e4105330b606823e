// cad-report: loads the rows, computes tables and breakdowns through cad-eval, draws charts with
// gnuplot and pictures with cad-render, and writes report.html and report.md.
#include "report/report.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/error.h"
#include "core/file_io.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "report/charts.h"
#include "report/figures.h"
#include "report/process.h"
#include "report/runs.h"

namespace cad::report {
namespace fs = std::filesystem;
using json = nlohmann::json;

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string base64(const std::string& bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 |
                       (unsigned char)bytes[i + 2];
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = (unsigned char)bytes[i] << 16;
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8;
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string md_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

namespace {

/// A table as computed, written both as HTML and as markdown.
struct TableRow {
  std::string label;
  std::vector<std::string> cells;
  std::string note;
  std::string kind;  ///< ours, missing, published
};

struct TableOut {
  std::string title;
  std::string first_header = "row";
  std::vector<std::string> headers;
  std::vector<TableRow> rows;
  std::vector<std::string> conventions;
};

/// A picture on the page: a file to inline, or why there is none.
struct Picture {
  std::string path;
  std::string missing;
};

struct GalleryEntry {
  std::string rule, id, family, level, status, error;
  json iou, cd;
  std::string input_text;  ///< for text tasks
  Picture input, prediction, ground_truth;
  std::string code, gt_code;
};

struct Gallery {
  std::string label;
  std::vector<GalleryEntry> entries;
};

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string safe_name(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum((unsigned char)c) || c == '-' || c == '_' ? c : '_';
  return out.empty() ? "_" : out;
}

class Reporter {
 public:
  explicit Reporter(const ReportConfig& config) : config_(config) {}

  int run();

 private:
  json summarize(const std::vector<json>& records, const std::string& name, std::string& why);
  const GroundTruth& ground_truth(const std::string& path);
  TableOut main_table(const TableSpec& spec);
  TableOut breakdown(const std::string& field);
  std::string row_conventions(const RunData& run) const;
  void render_gallery(std::size_t row, Gallery& gallery);
  std::map<std::string, Picture> render(const std::vector<json>& tasks, const std::string& dir);

  std::string html() const;
  std::string markdown() const;

  const ReportConfig& config_;
  std::string out_, assets_;
  std::string cad_eval_, cad_render_;
  std::vector<RunData> runs_;
  std::map<std::string, GroundTruth> gts_;
  std::vector<TableOut> tables_, breakdowns_;
  std::vector<Chart> charts_;
  std::vector<std::string> chart_svgs_, chart_missing_;
  std::vector<std::string> curve_notes_;
  std::vector<Gallery> galleries_;
  std::vector<std::string> gallery_notes_;
  std::size_t summaries_made_ = 0;
};

const GroundTruth& Reporter::ground_truth(const std::string& path) {
  auto it = gts_.find(path);
  if (it == gts_.end()) it = gts_.emplace(path, load_ground_truth(path)).first;
  return it->second;
}

json Reporter::summarize(const std::vector<json>& records, const std::string& name,
                         std::string& why) {
  const fs::path dir = fs::path(assets_) / "summaries";
  fs::create_directories(dir);
  const std::string stem = std::to_string(summaries_made_++) + "-" + safe_name(name);
  const std::string in = (dir / (stem + ".eval.jsonl")).string();
  {
    core::JsonlWriter writer(in);
    for (const json& r : records) writer.write(r);
  }
  const std::string out = (dir / (stem + ".summary.json")).string();
  const std::string log = (dir / (stem + ".log")).string();
  const int rc = run_process({cad_eval_, "--summarize-only", "-i", in, "--summary", out, "-q"}, "",
                             "", log, why);
  if (rc != 0) {
    if (rc > 0)
      why = cad_eval_ + " --summarize-only failed (exit " + std::to_string(rc) + "), see " + log;
    return nullptr;
  }
  try {
    return json::parse(core::read_file(out));
  } catch (const std::exception& e) {
    why = out + ": " + e.what();
    return nullptr;
  }
}

std::string Reporter::row_conventions(const RunData& run) const {
  const json& s = run.summary;
  std::string text = "CD x1000 on " + (s.contains("points") ? s["points"].dump() : "?") +
                     " points, normalization " + s.value("normalize", std::string("?"));
  std::map<std::string, std::size_t> backends;
  for (const json& r : run.eval)
    if (r.contains("iou") && r["iou"].is_number())
      backends[r.value("iou_backend", std::string("unstated"))]++;
  if (backends.empty()) {
    text += run.eval.empty() ? "; IoU kind not recorded (no eval records)" : "; no IoU computed";
  } else {
    std::vector<std::string> parts;
    for (const auto& [b, n] : backends)
      parts.push_back(b +
                      (b == "occt"    ? " (exact booleans)"
                       : b == "mesh"  ? " (CGAL mesh booleans)"
                       : b == "voxel" ? " (voxel estimate)"
                                      : "") +
                      " " + std::to_string(n));
    text += "; IoU by " + join(parts, ", ");
  }
  text += "; k = " + (s.contains("samples_per_id") ? s["samples_per_id"].dump() : "?");
  text +=
      "; decoding " + (run.spec.decoding.empty() ? std::string("not stated") : run.spec.decoding);
  if (!run.task.empty()) text += "; task " + run.task;
  return text;
}

TableOut Reporter::main_table(const TableSpec& spec) {
  TableOut t;
  t.title = spec.title.empty() ? "Results" : spec.title;
  for (const auto& key : spec.columns) t.headers.push_back(column(key).header);
  std::set<std::string> labels;
  for (const RunData& r : runs_) labels.insert(r.label);
  for (const auto& l : spec.rows)
    if (!labels.count(l))
      throw UsageError("table '" + t.title + "' names row '" + l + "', which is not a row (" +
                       join(std::vector<std::string>(labels.begin(), labels.end()), ", ") + ")");
  std::vector<std::pair<std::string, std::string>> conventions;  // (conventions, rows)
  for (const RunData& run : runs_) {
    if (!spec.rows.empty() &&
        std::find(spec.rows.begin(), spec.rows.end(), run.label) == spec.rows.end())
      continue;
    TableRow row;
    row.label = run.label;
    if (run.summary.is_null()) {
      row.kind = "missing";
      row.cells.assign(spec.columns.size(), "missing");
      row.note = "missing: " + run.missing;
    } else {
      row.kind = "ours";
      for (const auto& key : spec.columns)
        row.cells.push_back(
            format_figure(figure(run.summary, key, spec.samples), column(key).digits));
      std::vector<std::string> notes;
      if (run.summary_recomputed) notes.push_back("summary made from eval.jsonl");
      if (spec.samples == "best" && run.summary.value("samples_per_id", 1) <= 1)
        notes.push_back("k = 1: best of k is the first sample");
      if (!run.training.empty() && run.training.rfind("finished", 0) != 0)
        notes.push_back(run.training);
      row.note = join(notes, "; ");
      const std::string c = row_conventions(run);
      auto same = std::find_if(conventions.begin(), conventions.end(),
                               [&](const auto& entry) { return entry.first == c; });
      if (same == conventions.end())
        conventions.emplace_back(c, run.label);
      else
        same->second += ", " + run.label;
    }
    t.rows.push_back(std::move(row));
  }
  for (const PublishedRow& p : spec.published) {
    TableRow row;
    row.label = p.label;
    row.kind = "published";
    for (const auto& key : spec.columns) {
      auto v = p.values.find(key);
      auto s = p.text.find(key);
      row.cells.push_back(s != p.text.end()     ? s->second
                          : v != p.values.end() ? format_figure(v->second, column(key).digits)
                                                : "n/p");
    }
    row.note = p.source.empty() ? "published" : "published: " + p.source;
    t.rows.push_back(std::move(row));
  }
  for (const auto& key : spec.columns)
    if (!column(key).definition.empty()) t.conventions.push_back(column(key).definition + ".");
  std::vector<std::string> per_row;
  for (const auto& [c, rows] : conventions) per_row.push_back(rows + ": " + c);
  t.conventions.push_back(
      std::string("Our rows: ") +
      (spec.samples == "best" ? "best of the k samples of each id (min CD, max IoU)"
                              : "the first sample of each id") +
      ". " + (per_row.empty() ? "No evaluated rows." : join(per_row, ". ") + "."));
  if (!spec.published.empty())
    t.conventions.push_back(
        "Published rows: figures as printed in the papers" +
        (spec.benchmark.empty() ? std::string() : ", on " + spec.benchmark) +
        ", in the papers' own conventions; not re-measured here (n/p: not published).");
  if (!spec.note.empty()) t.conventions.push_back(spec.note);
  return t;
}

TableOut Reporter::breakdown(const std::string& field) {
  static const std::vector<std::string> keys = {"ids",       "ir",  "exec",    "mean_cd",
                                                "median_cd", "iou", "iou_best"};
  TableOut t;
  t.title = "By " + field;
  t.first_header = field;
  t.headers.push_back("row");
  for (const auto& k : keys) t.headers.push_back(column(k).header);
  std::map<std::string, std::vector<TableRow>> by_group;
  std::vector<TableRow> missing;
  for (const RunData& run : runs_) {
    const GroundTruth& gt = ground_truth(run.spec.gt);
    std::string why = run.missing;
    if (why.empty() && run.eval.empty()) why = "no eval records (only a summary)";
    if (why.empty() && !gt.error.empty()) why = gt.error;
    if (!why.empty()) {
      TableRow row;
      row.label = "-";
      row.kind = "missing";
      row.cells.push_back(run.label);
      row.cells.resize(keys.size() + 1, "missing");
      row.note = "missing: " + why;
      missing.push_back(std::move(row));
      continue;
    }
    for (const auto& [name, records] : group_by(run.eval, gt.by_id, field)) {
      TableRow row;
      row.label = name;
      row.cells.push_back(run.label);
      std::string reason;
      const json s = summarize(records, run.label + "-" + field + "-" + name, reason);
      if (s.is_null()) {
        row.kind = "missing";
        row.cells.resize(keys.size() + 1, "missing");
        row.note = "missing: " + reason;
      } else {
        row.kind = "ours";
        for (const auto& k : keys)
          row.cells.push_back(format_figure(figure(s, k, "first"), column(k).digits));
      }
      by_group[name].push_back(std::move(row));
    }
  }
  for (auto& [name, rows] : by_group)
    for (auto& r : rows) t.rows.push_back(std::move(r));
  for (auto& r : missing) t.rows.push_back(std::move(r));
  t.conventions.push_back(
      "Each group's figures are cad-eval's summary (cad-eval --summarize-only) of "
      "the row's eval records whose ground-truth " +
      field + " is the group's; first sample of each id.");
  return t;
}

std::map<std::string, Picture> Reporter::render(const std::vector<json>& tasks,
                                                const std::string& dir) {
  std::map<std::string, Picture> out;
  if (tasks.empty()) return out;
  fs::create_directories(dir);
  const std::string in = (fs::path(dir) / "render_in.jsonl").string();
  {
    core::JsonlWriter writer(in);
    for (const json& t : tasks) writer.write(t);
  }
  const std::string records = (fs::path(dir) / "render.jsonl").string();
  const std::string log = (fs::path(dir) / "render.log").string();
  std::string why;
  const int rc = run_process({cad_render_, "--jsonl", in, "--out-dir", dir, "--views", "iso",
                              "--render-size", std::to_string(config_.render_size), "--no-svg",
                              "--no-png", "-j", std::to_string(std::max(1, config_.jobs)), "-q"},
                             "", records, log, why);
  if (rc < 0) {
    for (const json& t : tasks) out[t["id"].get<std::string>()] = {"", "not rendered: " + why};
    return out;
  }
  std::vector<std::string> notes;
  core::JsonlReader reader(records);
  core::JsonlLine line;
  while (reader.next(line)) {
    if (!line.record || !line.record->contains("id")) continue;
    const json& r = *line.record;
    const std::string id = r["id"].is_string() ? r["id"].get<std::string>() : r["id"].dump();
    Picture p;
    if (r.value("status", "") == "ok" && r.contains("outputs") &&
        r["outputs"].contains("render_png"))
      p.path = r["outputs"]["render_png"];
    else
      p.missing = "not rendered: " + r.value("status", std::string("?")) +
                  (error_message(r).empty() ? "" : ": " + error_message(r));
    out[id] = p;
  }
  for (const json& t : tasks)
    if (!out.count(t["id"].get<std::string>()))
      out[t["id"].get<std::string>()] = {"", "not rendered: cad-render wrote no record (exit " +
                                                 std::to_string(rc) + ", see " + log + ")"};
  return out;
}

void Reporter::render_gallery(std::size_t index, Gallery& gallery) {
  const RunData& run = runs_[index];
  const GroundTruth& gt = ground_truth(run.spec.gt);
  gallery.label = run.label;
  const std::vector<Pick> picks = pick_gallery(run.eval, std::size_t(config_.gallery_per_rule));
  std::vector<json> pred_tasks, gt_tasks;
  for (const Pick& pick : picks) {
    const json& r = *pick.record;
    GalleryEntry e;
    e.rule = pick.rule;
    e.id = r["id"].is_string() ? r["id"].get<std::string>() : r["id"].dump();
    e.status = r.value("status", "");
    if (r.contains("pred_status") && r["pred_status"].is_string())
      e.status += " / " + r["pred_status"].get<std::string>();
    e.error = error_message(r);
    e.iou = r.value("iou", json(nullptr));
    e.cd = r.value("cd", json(nullptr));
    auto g = run.generations.find(sample_key(r["id"], r.value("sample", json(0))));
    if (g != run.generations.end()) e.code = g->second.value("code", "");
    auto truth = gt.by_id.find(e.id);
    const std::string task = run.task.empty() ? "drawing" : run.task;
    if (truth != gt.by_id.end()) {
      const json& t = truth->second;
      e.family = t.value("family", "");
      e.level = t.value("level", "");
      e.gt_code = t.value("code", "");
      auto asset = [&](const json& v) -> Picture {
        if (!v.is_string()) return {"", "the dataset has no picture for this task"};
        const std::string p = (fs::path(gt.dir) / v.get<std::string>()).string();
        if (!fs::is_regular_file(p)) return {"", p + " does not exist"};
        return {p, ""};
      };
      if (task == "text" || task == "dims") {
        if (task == "text" && t.contains("text") && t["text"].is_object())
          e.input_text = t["text"].value("detailed", t["text"].value("abstract", ""));
        else if (t.contains("dimensions"))
          e.input_text = t["dimensions"].dump(1);
      } else if (task == "image") {
        e.input = asset(t.value("render", json(nullptr)));
      } else {
        e.input = t.contains("drawing") && t["drawing"].is_object()
                      ? asset(t["drawing"].value("png", json(nullptr)))
                      : Picture{"", "the dataset has no drawing"};
      }
      if (!e.gt_code.empty())
        gt_tasks.push_back({{"id", e.id}, {"code", e.gt_code}});
      else if (t.value("mesh", json(nullptr)).is_string())
        gt_tasks.push_back(
            {{"id", e.id}, {"path", (fs::path(gt.dir) / t["mesh"].get<std::string>()).string()}});
      else
        e.ground_truth.missing = "the ground truth has no code and no mesh";
    } else {
      e.input.missing = e.ground_truth.missing = "id not in the dataset split " + gt.path;
    }
    if (pick.rule != "failure" && !e.code.empty())
      pred_tasks.push_back({{"id", e.id}, {"code", e.code}});
    else
      e.prediction.missing =
          e.code.empty() ? "no prediction code (generations.jsonl)" : "no solid: " + e.status;
    gallery.entries.push_back(std::move(e));
  }
  const std::string dir =
      (fs::path(assets_) / "render" / ("row-" + std::to_string(index))).string();
  const auto preds = render(pred_tasks, (fs::path(dir) / "prediction").string());
  const auto truths = render(gt_tasks, (fs::path(dir) / "ground_truth").string());
  for (GalleryEntry& e : gallery.entries) {
    if (auto it = preds.find(e.id); it != preds.end() && e.prediction.missing.empty())
      e.prediction = it->second;
    if (auto it = truths.find(e.id); it != truths.end() && e.ground_truth.missing.empty())
      e.ground_truth = it->second;
  }
}

// ---- writing --------------------------------------------------------------------------

const char* kCss =
    R"(body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:24px auto;max-width:1240px;color:#222;line-height:1.4}
h1{font-size:1.6em;margin-bottom:0.2em}h2{border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:1.8em}
table{border-collapse:collapse;margin:8px 0 4px 0;font-size:0.92em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f1f1f1}td.label,th.label{text-align:left}td.note{text-align:left;color:#555;font-size:0.9em;max-width:420px}
tr.published td{background:#f7f7fb;color:#334}tr.missing td{background:#fff4f0;color:#a33}
p.conv{font-size:0.85em;color:#444;margin:2px 0}.charts{display:flex;flex-wrap:wrap;gap:10px}.charts figure{margin:0;width:610px}
img.chart{display:block;width:600px;border:1px solid #eee}.charts figcaption{font-size:0.85em;color:#444}
.gallery{display:flex;flex-wrap:wrap;gap:14px}.entry{border:1px solid #ccc;border-radius:4px;padding:8px;width:580px}
.entry h3{font-size:1em;margin:0 0 6px 0}.pics{display:flex;gap:6px}.pics figure{margin:0;text-align:center;font-size:0.8em;color:#555}
.pics img{width:180px;height:180px;object-fit:contain;border:1px solid #eee;background:#fff}
.nopic{width:180px;height:180px;display:flex;align-items:center;justify-content:center;border:1px dashed #caa;color:#a33;font-size:0.85em;padding:4px;box-sizing:border-box}
pre{background:#f7f7f7;padding:6px;font-size:0.78em;max-height:220px;overflow:auto;white-space:pre-wrap;margin:6px 0 0 0}
.inputtext{width:180px;height:180px;overflow:auto;font-size:0.78em;border:1px solid #eee;text-align:left;padding:4px;box-sizing:border-box}
.err{color:#a33;font-size:0.85em})";

std::string html_table(const TableOut& t) {
  std::string h = "<table>\n<tr><th class=\"label\">" + html_escape(t.first_header) + "</th>";
  for (const auto& c : t.headers) h += "<th>" + html_escape(c) + "</th>";
  h += "<th class=\"label\">note</th></tr>\n";
  for (const TableRow& r : t.rows) {
    h += "<tr class=\"" + r.kind + "\"><td class=\"label\">" + html_escape(r.label) + "</td>";
    for (std::size_t i = 0; i < r.cells.size(); ++i)
      h += std::string(i == 0 && t.first_header != "row" ? "<td class=\"label\">" : "<td>") +
           html_escape(r.cells[i]) + "</td>";
    h += "<td class=\"note\">" + html_escape(r.note) + "</td></tr>\n";
  }
  h += "</table>\n";
  for (const auto& c : t.conventions) h += "<p class=\"conv\">" + html_escape(c) + "</p>\n";
  return h;
}

std::string md_table(const TableOut& t) {
  std::string m = "| " + md_cell(t.first_header) + " |";
  std::string rule = "| --- |";
  for (const auto& c : t.headers) {
    m += " " + md_cell(c) + " |";
    rule += " --- |";
  }
  m += " note |\n" + rule + " --- |\n";
  for (const TableRow& r : t.rows) {
    m += "| " + md_cell(r.label) + " |";
    for (const auto& c : r.cells) m += " " + md_cell(c) + " |";
    m += " " + md_cell(r.note) + " |\n";
  }
  m += "\n";
  for (const auto& c : t.conventions) m += md_cell(c) + "\n";
  return m + "\n";
}

std::string html_picture(const Picture& p, const std::string& kind, const std::string& id,
                         const std::string& caption) {
  std::string h = "<figure>";
  if (!p.path.empty()) {
    std::string bytes;
    try {
      bytes = core::read_file(p.path);
    } catch (const std::exception& e) {
      return html_picture({"", e.what()}, kind, id, caption);
    }
    h += "<img data-kind=\"" + kind + "\" data-id=\"" + html_escape(id) + "\" alt=\"" +
         html_escape(kind + " " + id) + "\" src=\"data:image/png;base64," + base64(bytes) + "\">";
  } else {
    h += "<div class=\"nopic\" data-kind=\"" + kind + "\">" + html_escape(p.missing) + "</div>";
  }
  return h + "<figcaption>" + html_escape(caption) + "</figcaption></figure>";
}

std::string Reporter::html() const {
  const Experiment& ex = config_.experiment;
  const std::string title = ex.title.empty() ? "cad-report" : ex.title;
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<link rel=\"icon\" href=\"data:,\">\n<title>" +
      html_escape(title) + "</title>\n<style>\n" + kCss + "\n</style>\n</head>\n<body>\n";
  h += "<h1>" + html_escape(title) + "</h1>\n";
  if (!ex.description.empty()) h += "<p>" + html_escape(ex.description) + "</p>\n";

  h += "<h2 id=\"rows\">Rows</h2>\n<table>\n<tr><th class=\"label\">row</th><th "
       "class=\"label\">run</th>"
       "<th class=\"label\">training</th><th class=\"label\">evaluation</th><th "
       "class=\"label\">notes</th></tr>\n";
  for (const RunData& r : runs_) {
    const bool missing = !r.missing.empty();
    h += std::string("<tr class=\"") + (missing ? "missing" : "ours") + "\"><td class=\"label\">" +
         html_escape(r.label) + "</td><td class=\"label\">" +
         html_escape(r.spec.run.empty() ? "-" : r.spec.run) + "</td><td class=\"label\">" +
         html_escape(r.training.empty() ? "-" : r.training) + "</td><td class=\"label\">" +
         html_escape(
             missing ? "missing: " + r.missing
                     : (r.summary.contains("ids") ? r.summary["ids"].dump() : std::string("?")) +
                           " ids, " + std::to_string(r.eval.size()) + " eval records") +
         "</td><td class=\"note\">" + html_escape(join(r.notes, "; ")) + "</td></tr>\n";
  }
  h += "</table>\n";

  for (const TableOut& t : tables_) h += "<h2>" + html_escape(t.title) + "</h2>\n" + html_table(t);
  for (const TableOut& t : breakdowns_)
    h += "<h2>" + html_escape(t.title) + "</h2>\n" + html_table(t);

  h += "<h2 id=\"curves\">Learning curves and IoU histogram</h2>\n<div class=\"charts\">\n";
  for (std::size_t i = 0; i < charts_.size(); ++i) {
    h += "<figure>";
    if (!chart_svgs_[i].empty()) {
      h += "<img class=\"chart\" data-kind=\"chart\" alt=\"" + html_escape(charts_[i].title) +
           "\" src=\"data:image/svg+xml;base64," + base64(core::read_file(chart_svgs_[i])) +
           "\">\n";
    } else {
      h += "<p class=\"err\">chart '" + html_escape(charts_[i].title) +
           "' missing: " + html_escape(chart_missing_[i]) + "</p>\n";
    }
    if (!charts_[i].caption.empty())
      h += "<figcaption>" + html_escape(charts_[i].caption) + "</figcaption>";
    h += "</figure>\n";
  }
  h += "</div>\n";
  for (const auto& n : curve_notes_) h += "<p class=\"conv\">" + html_escape(n) + "</p>\n";

  h +=
      "<h2 id=\"gallery\">Gallery</h2>\n<p class=\"conv\">Rule: among the first sample of each id, "
      "the ids with an IoU sorted by IoU (highest first, ties by id): the " +
      std::to_string(config_.gallery_per_rule) + " best, the " +
      std::to_string(config_.gallery_per_rule) + " around the median, the " +
      std::to_string(config_.gallery_per_rule) + " worst; then the first " +
      std::to_string(config_.gallery_per_rule) +
      " ids without an IoU in file order (failures). An id appears once, under the first rule that "
      "picks it. Pictures: the model's input, the prediction's render and the ground truth's "
      "render (cad-render, iso view).</p>\n";
  for (const auto& n : gallery_notes_) h += "<p class=\"err\">" + html_escape(n) + "</p>\n";
  for (const Gallery& g : galleries_) {
    h += "<h3>" + html_escape(g.label) + "</h3>\n<div class=\"gallery\">\n";
    for (const GalleryEntry& e : g.entries) {
      h += "<div class=\"entry\" data-rule=\"" + e.rule + "\" data-id=\"" + html_escape(e.id) +
           "\">\n<h3>" + html_escape(e.rule + ": " + e.id) + "</h3>\n<div>" +
           html_escape((e.family.empty() ? "" : e.family + ", level " + e.level + "; ") + "IoU " +
                       format_figure(e.iou, 3) + ", CD " + format_figure(e.cd, 3) + "; status " +
                       e.status) +
           "</div>\n";
      if (!e.error.empty())
        h += "<div class=\"err\">" + html_escape(e.error.substr(0, 400)) + "</div>\n";
      h += "<div class=\"pics\">";
      if (!e.input_text.empty())
        h += "<figure><div class=\"inputtext\">" + html_escape(e.input_text) +
             "</div><figcaption>input text</figcaption></figure>";
      else
        h += html_picture(e.input, "input", e.id, "input");
      h += html_picture(e.prediction, "prediction", e.id, "prediction");
      h += html_picture(e.ground_truth, "ground-truth", e.id, "ground truth");
      h += "</div>\n<pre>" + html_escape(e.code.empty() ? "(no code)" : e.code) + "</pre>\n";
      if (!e.gt_code.empty())
        h += "<details><summary>ground-truth code</summary><pre>" + html_escape(e.gt_code) +
             "</pre></details>\n";
      h += "</div>\n";
    }
    h += "</div>\n";
  }

  h += "<h2 id=\"failures\">Failures by status and message</h2>\n";
  for (const RunData& r : runs_) {
    h += "<h3>" + html_escape(r.label) + "</h3>\n";
    if (!r.missing.empty()) {
      h += "<p class=\"err\">missing: " + html_escape(r.missing) + "</p>\n";
      continue;
    }
    const auto groups = failure_groups(r.eval);
    if (groups.empty()) {
      h += std::string("<p class=\"conv\">") +
           (r.eval.empty() ? "no eval records" : "no failures") + "</p>\n";
      continue;
    }
    h += "<table>\n<tr><th class=\"label\">status</th><th "
         "class=\"label\">message</th><th>records</th>"
         "<th class=\"label\">ids</th></tr>\n";
    for (const FailureGroup& g : groups)
      h += "<tr><td class=\"label\">" + html_escape(g.status) + "</td><td class=\"note\">" +
           html_escape(g.message.empty() ? "(no message)" : g.message) + "</td><td>" +
           std::to_string(g.count) + "</td><td class=\"note\">" + html_escape(join(g.ids, ", ")) +
           (g.count > g.ids.size() ? ", ..." : "") + "</td></tr>\n";
    h += "</table>\n";
  }
  h += "<p class=\"conv\">Made by cad-report " + html_escape(core::cad_version()) +
       ".</p>\n</body>\n</html>\n";
  return h;
}

std::string Reporter::markdown() const {
  const Experiment& ex = config_.experiment;
  std::string m = "# " + (ex.title.empty() ? std::string("cad-report") : ex.title) + "\n\n";
  if (!ex.description.empty()) m += ex.description + "\n\n";
  m +=
      "## Rows\n\n| row | run | training | evaluation | notes |\n| --- | --- | --- | --- | --- |\n";
  for (const RunData& r : runs_)
    m += "| " + md_cell(r.label) + " | " + md_cell(r.spec.run.empty() ? "-" : r.spec.run) + " | " +
         md_cell(r.training.empty() ? "-" : r.training) + " | " +
         md_cell(r.missing.empty()
                     ? (r.summary.contains("ids") ? r.summary["ids"].dump() : std::string("?")) +
                           " ids, " + std::to_string(r.eval.size()) + " eval records"
                     : "missing: " + r.missing) +
         " | " + md_cell(join(r.notes, "; ")) + " |\n";
  m += "\n";
  for (const TableOut& t : tables_) m += "## " + t.title + "\n\n" + md_table(t);
  for (const TableOut& t : breakdowns_) m += "## " + t.title + "\n\n" + md_table(t);
  m += "## Learning curves and IoU histogram\n\n";
  for (std::size_t i = 0; i < charts_.size(); ++i) {
    if (!chart_svgs_[i].empty())
      m += "![" + charts_[i].title + "](" + fs::relative(chart_svgs_[i], out_).string() + ")\n\n";
    else
      m += "chart '" + charts_[i].title + "' missing: " + chart_missing_[i] + "\n\n";
    if (!charts_[i].caption.empty()) m += charts_[i].caption + "\n\n";
  }
  for (const auto& n : curve_notes_) m += n + "\n\n";
  m += "## Gallery\n\n";
  for (const auto& n : gallery_notes_) m += n + "\n\n";
  for (const Gallery& g : galleries_) {
    m += "### " + g.label +
         "\n\n| rule | id | family | level | IoU | CD | status |\n| --- | --- | --- | --- | --- | "
         "--- | --- |\n";
    for (const GalleryEntry& e : g.entries)
      m += "| " + e.rule + " | " + md_cell(e.id) + " | " + md_cell(e.family) + " | " +
           md_cell(e.level) + " | " + format_figure(e.iou, 3) + " | " + format_figure(e.cd, 3) +
           " | " + md_cell(e.status) + " |\n";
    m += "\n";
  }
  m += "## Failures by status and message\n\n";
  for (const RunData& r : runs_) {
    m += "### " + r.label + "\n\n";
    if (!r.missing.empty()) {
      m += "missing: " + r.missing + "\n\n";
      continue;
    }
    const auto groups = failure_groups(r.eval);
    if (groups.empty()) {
      m += std::string(r.eval.empty() ? "no eval records" : "no failures") + "\n\n";
      continue;
    }
    m += "| status | message | records | ids |\n| --- | --- | --- | --- |\n";
    for (const FailureGroup& g : groups)
      m += "| " + md_cell(g.status) + " | " +
           md_cell(g.message.empty() ? "(no message)" : g.message) + " | " +
           std::to_string(g.count) + " | " + md_cell(join(g.ids, ", ")) +
           (g.count > g.ids.size() ? ", ..." : "") + " |\n";
    m += "\n";
  }
  return m;
}

int Reporter::run() {
  if (config_.common.output.empty() || config_.common.output == "-")
    throw UsageError("-o DIR is required: the folder report.html and report.md are written to");
  if (config_.gallery_per_rule < 0) throw UsageError("--gallery-per-rule must be >= 0");
  out_ = config_.common.output;
  assets_ = (fs::path(out_) / "assets").string();
  std::error_code ec;
  fs::remove_all(assets_, ec);  // nothing stale from an earlier report
  fs::create_directories(assets_);
  cad_eval_ = find_tool("cad-eval", config_.tools_dir);
  cad_render_ = find_tool("cad-render", config_.tools_dir);

  std::vector<RowSpec> specs = config_.experiment.rows;
  for (const auto& folder : config_.run_folders) {
    RowSpec r;
    r.run = folder;
    specs.push_back(r);
  }
  if (specs.empty())
    throw UsageError("no rows: give run folders, or --config FILE.yaml with 'rows'");
  std::set<std::string> labels;
  for (RowSpec& s : specs) {
    s = resolve_row(s, config_.gt);
    if (s.decoding.empty()) s.decoding = config_.decoding;
    if (!labels.insert(s.label).second)
      throw UsageError("two rows are labelled '" + s.label + "': give each a label");
  }
  for (const auto& l : config_.gallery_rows)
    if (!labels.count(l)) throw UsageError("--gallery-rows names '" + l + "', which is not a row");

  for (const RowSpec& s : specs) {
    runs_.push_back(load_run(s, [this](const std::vector<json>& r, const std::string& n,
                                       std::string& why) { return summarize(r, n, why); }));
    const RunData& r = runs_.back();
    if (!r.missing.empty()) core::logger().warn("row '{}' is missing: {}", r.label, r.missing);
    for (const auto& n : r.notes) core::logger().info("row '{}': {}", r.label, n);
  }

  std::vector<TableSpec> tables = config_.experiment.tables;
  if (tables.empty()) {
    TableSpec t;
    t.title = "Results (cad-eval's summary)";
    t.columns = layout_columns("cad-eval");
    tables.push_back(t);
  }
  for (const TableSpec& t : tables) tables_.push_back(main_table(t));
  for (const char* field : {"family", "level"}) breakdowns_.push_back(breakdown(field));

  // Charts.
  charts_ = learning_curves(runs_);
  for (const RunData& r : runs_)
    if (!r.metrics_missing.empty())
      curve_notes_.push_back(r.label + ": no curves: " + r.metrics_missing);
  bool any_eval = false;
  for (const RunData& r : runs_) any_eval = any_eval || !r.eval.empty();
  if (any_eval) charts_.push_back(iou_histogram_chart(runs_));
  for (const Chart& c : charts_) {
    std::string why;
    chart_svgs_.push_back(
        plot_svg(c, (fs::path(assets_) / "charts").string(), config_.gnuplot, why));
    chart_missing_.push_back(why);
    if (!why.empty()) core::logger().warn("chart '{}' missing: {}", c.title, why);
  }

  // Gallery.
  if (config_.gallery_per_rule > 0) {
    if (!tool_exists(cad_render_))
      gallery_notes_.push_back("no renders: " + cad_render_ + " not found (--tools DIR)");
    for (std::size_t i = 0; i < runs_.size(); ++i) {
      const RunData& r = runs_[i];
      if (!config_.gallery_rows.empty() &&
          std::find(config_.gallery_rows.begin(), config_.gallery_rows.end(), r.label) ==
              config_.gallery_rows.end())
        continue;
      if (r.eval.empty()) {
        gallery_notes_.push_back(
            r.label + ": no gallery: " + (r.missing.empty() ? "no eval records" : r.missing));
        continue;
      }
      core::logger().info("rendering the gallery of '{}'", r.label);
      galleries_.emplace_back();
      render_gallery(i, galleries_.back());
    }
  }

  const std::string html_path = (fs::path(out_) / "report.html").string();
  const std::string md_path = (fs::path(out_) / "report.md").string();
  core::write_file(html_path, html());
  core::write_file(md_path, markdown());
  std::size_t missing = 0;
  for (const RunData& r : runs_) missing += !r.missing.empty();
  core::logger().info("wrote {} and {}: {} rows ({} missing)", html_path, md_path, runs_.size(),
                      missing);
  return 0;
}

}  // namespace

int run(const ReportConfig& config) {
  return Reporter(config).run();
}

}  // namespace cad::report
