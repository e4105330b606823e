// Reading run folders and dataset splits into RunData and GroundTruth.
#include "report/runs.h"

#include <filesystem>
#include <fstream>
#include <functional>

#include "core/jsonl.h"

namespace cad::report {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

bool is_file(const std::string& path) {
  std::error_code ec;
  return !path.empty() && fs::is_regular_file(path, ec);
}

/// The JSON objects of a JSONL file; malformed lines are counted into `notes`.
std::vector<json> read_objects(const std::string& path, std::vector<std::string>& notes) {
  std::vector<json> out;
  std::size_t bad = 0, first_bad = 0;
  std::string first_error;
  try {
    core::JsonlReader reader(path);
    core::JsonlLine line;
    while (reader.next(line)) {
      if (line.record && line.record->is_object()) {
        out.push_back(std::move(*line.record));
        continue;
      }
      if (bad++ == 0) {
        first_bad = line.line;
        first_error =
            line.record ? "line " + std::to_string(line.line) + ": not a JSON object" : line.error;
      }
    }
  } catch (const std::exception& e) {
    notes.push_back(e.what());
  }
  if (bad == 1)
    notes.push_back(path + ": " + first_error + " (skipped)");
  else if (bad > 1)
    notes.push_back(path + ": " + std::to_string(bad) +
                    " unreadable lines skipped, the first at line " + std::to_string(first_bad) +
                    ": " + first_error);
  return out;
}

}  // namespace

std::string sample_key(const json& id, const json& sample) {
  const std::string i = id.is_string() ? id.get<std::string>() : id.dump();
  return i + "\n" + (sample.is_null() ? "0" : sample.dump());
}

GroundTruth load_ground_truth(const std::string& path) {
  GroundTruth gt;
  gt.path = path;
  if (path.empty()) {
    gt.error = "no dataset split given (--gt or a row's gt)";
    return gt;
  }
  if (!is_file(path)) {
    gt.error = path + ": no such file";
    return gt;
  }
  gt.dir = fs::path(path).parent_path().string();
  for (json& r : read_objects(path, gt.warnings)) {
    if (!r.contains("id") || !r["id"].is_string()) continue;
    r.erase("cot");  // the long chains of thought are not shown
    const std::string id = r["id"];
    if (!gt.by_id.count(id)) gt.ids.push_back(id);
    gt.by_id[id] = std::move(r);
  }
  return gt;
}

RowSpec resolve_row(RowSpec spec, const std::string& default_gt) {
  auto in_run = [&](std::string& path, const char* name) {
    if (path.empty() && !spec.run.empty()) path = (fs::path(spec.run) / name).string();
  };
  in_run(spec.metrics, "metrics.jsonl");
  in_run(spec.eval, "eval.jsonl");
  in_run(spec.summary, "eval_summary.json");
  in_run(spec.generations, "generations.jsonl");
  if (spec.gt.empty()) spec.gt = default_gt;
  if (spec.label.empty()) {
    const std::string base = !spec.run.empty() ? spec.run : spec.eval;
    fs::path p(base);
    if (p.filename().empty()) p = p.parent_path();
    spec.label = !spec.run.empty() ? p.filename().string() : p.stem().string();
  }
  return spec;
}

RunData load_run(const RowSpec& spec,
                 const std::function<json(const std::vector<json>&, const std::string&,
                                          std::string&)>& summarize) {
  RunData run;
  run.spec = spec;
  run.label = spec.label;
  std::error_code ec;
  const bool has_folder = !spec.run.empty() && fs::is_directory(spec.run, ec);
  if (!spec.run.empty() && !has_folder) {
    run.missing = "run folder " + spec.run + " does not exist";
    run.metrics_missing = run.missing;
    return run;
  }

  // Training state and curves.
  if (is_file(spec.metrics)) {
    for (json& m : read_objects(spec.metrics, run.notes))
      if (m.contains("step") && m["step"].is_number()) run.metrics.push_back(std::move(m));
    if (run.metrics.empty()) run.metrics_missing = spec.metrics + " has no metrics lines yet";
  } else {
    run.metrics_missing =
        spec.metrics.empty() ? "no metrics.jsonl given" : spec.metrics + " does not exist";
  }
  double last_step = -1;
  for (const json& m : run.metrics) last_step = std::max(last_step, m["step"].get<double>());
  if (has_folder) {
    const bool final_model = is_file((fs::path(spec.run) / "final" / "model.safetensors").string());
    if (final_model)
      run.training =
          last_step >= 0 ? "finished at step " + std::to_string(long(last_step)) : "finished";
    else if (last_step >= 0)
      run.training = "still training: step " + std::to_string(long(last_step)) + ", no final/ yet";
    else
      run.training = "not started: no metrics and no final/";
  }

  // Generations: the prediction code and the task.
  if (is_file(spec.generations)) {
    std::vector<std::string> notes;
    for (json& g : read_objects(spec.generations, notes)) {
      if (!g.contains("id")) continue;
      if (run.task.empty() && g.contains("task") && g["task"].is_string()) run.task = g["task"];
      const std::string key = sample_key(g["id"], g.value("sample", json(0)));
      run.generations.emplace(key, std::move(g));
    }
    run.notes.insert(run.notes.end(), notes.begin(), notes.end());
  }

  // Evaluation: records, then cad-eval's summary (or one made from the records).
  const bool has_eval = is_file(spec.eval), has_summary = is_file(spec.summary);
  if (has_eval) run.eval = read_objects(spec.eval, run.notes);
  if (has_summary) {
    try {
      std::ifstream in(spec.summary);
      run.summary = json::parse(in);
      if (!run.summary.is_object() || !run.summary.contains("first_sample"))
        throw std::runtime_error("not a cad-eval summary (no first_sample)");
    } catch (const std::exception& e) {
      run.notes.push_back(spec.summary + ": " + e.what());
      run.summary = nullptr;
    }
  }
  if (run.summary.is_null() && !run.eval.empty()) {
    std::string why;
    run.summary = summarize(run.eval, run.label, why);
    if (run.summary.is_null())
      run.notes.push_back("no summary could be made from " + spec.eval + ": " + why);
    else {
      run.summary_recomputed = true;
      run.notes.push_back("summary made from " + spec.eval + " by cad-eval --summarize-only (" +
                          (has_summary ? spec.summary + " is unreadable" : "no " + spec.summary) +
                          ")");
    }
  }
  if (run.summary.is_null()) {
    if (has_eval && run.eval.empty())
      run.missing = spec.eval + " holds no records yet";
    else if (!has_eval && !has_summary)
      run.missing = "no evaluation yet: " + (spec.eval.empty() ? std::string("no eval.jsonl given")
                                                               : spec.eval + " does not exist");
    else
      run.missing =
          "no usable evaluation: " + (run.notes.empty() ? spec.summary : run.notes.back());
    if (!run.training.empty() && run.training.rfind("finished", 0) != 0)
      run.missing += " (" + run.training + ")";
  } else if (!run.training.empty() && run.training.rfind("finished", 0) != 0) {
    run.notes.push_back("the run is " + run.training + ": its evaluation may be of an older model");
  }
  return run;
}

}  // namespace cad::report
