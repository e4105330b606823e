// Executing CadQuery scripts: one script in-process, or many through isolated workers (cad-exec).
#include "exec/execute.h"

#include <Standard_Failure.hxx>
#include <Standard_OutOfMemory.hxx>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <sstream>

#include "core/file_io.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "core/process_pool.h"
#include "core/progress.h"
#include "cq/cadquery.h"
#include "geom/mesh.h"
#include "geom/properties.h"
#include "geom/shape_io.h"
#include "script/interpreter.h"

namespace cad::exec {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* status_of(script::ErrorKind kind) {
  switch (kind) {
    case script::ErrorKind::Syntax:
      return "syntax_error";
    case script::ErrorKind::Unsupported:
      return "unsupported";
    case script::ErrorKind::StepLimit:
    case script::ErrorKind::Timeout:
      return "timeout";
    case script::ErrorKind::Runtime:
    case script::ErrorKind::Forbidden:
    case script::ErrorKind::Recursion:
    case script::ErrorKind::Geometry:
      return "runtime_error";
  }
  return "runtime_error";
}

json error_json(const std::string& type, const std::string& message, int line = 0, int column = 0) {
  json e = {{"type", type}, {"message", message}};
  e["line"] = line > 0 ? json(line) : json(nullptr);
  e["column"] = column > 0 ? json(column) : json(nullptr);
  return e;
}

json base_record(const std::string& id, const json& sample) {
  return json{{"id", id}, {"sample", sample}, {"status", "ok"}, {"error", nullptr}};
}

json vec3(const std::array<double, 3>& v) {
  return json::array({v[0], v[1], v[2]});
}

}  // namespace

std::string output_stem(const std::string& id, const json& sample) {
  std::string stem = id;
  if (!sample.is_null())
    stem += "+" + (sample.is_string() ? sample.get<std::string>() : sample.dump());
  for (char& c : stem)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '+' ||
          c == '-'))
      c = '_';
  if (stem.empty() || stem[0] == '.') stem = "_" + stem;
  return stem;
}

json invalid_input_record(const std::string& id, const json& sample, const std::string& message,
                          std::size_t line) {
  json r = base_record(id, sample);
  r["status"] = "invalid_input";
  r["error"] = error_json("InputError", message);
  r["input_line"] = line > 0 ? json(line) : json(nullptr);
  r["result_var"] = nullptr;
  r["ops"] = json::object();
  r["outputs"] = json::object();
  r["time_ms"] = 0.0;
  return r;
}

Execution execute(const ExecTask& task, const ExecOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  Execution out;
  json& r = out.record;
  r = base_record(task.id, task.sample);
  auto session = std::make_shared<cq::Session>();
  script::Limits limits;
  limits.max_steps = options.max_steps;
  limits.timeout_s = options.timeout_s;
  script::Interpreter in(limits);
  cq::install(in, session);
  std::optional<cq::ScriptResult> result;
  try {
    in.run_source(task.code, task.id);
    result = cq::select_result(in, *session);
  } catch (const script::ScriptError& e) {
    // The interpreter turns allocation failures and oversized containers into MemoryError.
    r["status"] = e.type == "MemoryError" ? "memory" : status_of(e.kind);
    std::string type = e.kind == script::ErrorKind::Forbidden && e.type == "ImportError"
                           ? std::string("ImportError")
                           : e.type;
    r["error"] = error_json(type, e.what(), e.line, e.column);
  } catch (const std::bad_alloc&) {
    r["status"] = "memory";
    r["error"] = error_json("MemoryError",
                            "out of memory (limit " + std::to_string(options.memory_mib) + " MiB)");
  } catch (const Standard_OutOfMemory& e) {
    r["status"] = "memory";
    r["error"] = error_json("MemoryError", std::string("OpenCASCADE: ") + e.GetMessageString());
  } catch (const Standard_Failure& e) {
    r["status"] = "runtime_error";
    r["error"] = error_json("GeometryError", std::string("OpenCASCADE: ") + e.GetMessageString());
  } catch (const std::exception& e) {
    r["status"] = "runtime_error";
    r["error"] = error_json("InternalError", e.what());
  }

  json ops = json::object();
  for (const auto& [k, v] : session->ops) ops[k] = v;
  r["ops"] = ops;
  r["result_var"] = result ? json(result->result_var) : json(nullptr);
  if (session->first_plane) {
    const auto& f = *session->first_plane;
    r["first_plane"] = {
        {"origin", vec3(f.origin)}, {"x_dir", vec3(f.x_dir)}, {"normal", vec3(f.normal)}};
  }

  if (r["status"] == "ok") {
    if (!result || result->shape.IsNull()) {
      r["status"] = "empty";
      r["error"] = error_json("EmptyResult",
                              result ? "the result '" + result->result_var + "' holds no shape"
                                     : "the script produced no result (no show_object, "
                                       "export, result variable or solid)");
    } else {
      try {
        geom::ShapeProperties p = geom::measure(result->shape);
        r["volume"] = p.volume;
        r["area"] = p.area;
        r["bbox"] = {{"min", vec3(p.bbox_min)}, {"max", vec3(p.bbox_max)}};
        r["center_of_mass"] = vec3(p.center_of_mass);
        r["solids"] = p.solids;
        r["faces"] = p.faces;
        r["edges"] = p.edges;
        r["vertices"] = p.vertices;
        r["valid"] = p.valid;
        out.shape = result->shape;
        if (p.solids == 0) {
          r["status"] = "empty";
          r["error"] =
              error_json("EmptyResult", "the result '" + result->result_var + "' holds no solid (" +
                                            std::to_string(p.faces) + " faces, " +
                                            std::to_string(p.edges) + " edges)");
        } else if (!std::isfinite(p.volume) || p.volume <= 0) {
          r["status"] = "invalid_geometry";
          r["error"] = error_json("InvalidGeometry", "the result solid has no positive volume");
        } else if (!p.valid && options.require_valid) {
          r["status"] = "invalid_geometry";
          r["error"] = error_json("InvalidGeometry",
                                  "BRepCheck reports the result solid invalid (--require-valid)");
        }
      } catch (const std::exception& e) {
        r["status"] = "invalid_geometry";
        r["error"] = error_json("InvalidGeometry", e.what());
      }
    }
  }

  json outputs = json::object();
  if (!out.shape.IsNull() && !options.formats.empty()) {
    std::string stem = (fs::path(options.out_dir) / output_stem(task.id, task.sample)).string();
    for (const std::string& fmt : options.formats) {
      std::string path = stem + "." + fmt;
      try {
        if (fmt == "step" || fmt == "brep") {
          geom::write_shape(out.shape, path);
        } else {
          geom::write_mesh(geom::tessellate(out.shape, options.mesh_tolerance), path);
        }
        outputs[fmt] = path;
      } catch (const std::exception& e) {
        outputs[fmt] = nullptr;
        core::logger().warn("{}: cannot write {}: {}", task.id, fmt, e.what());
      }
    }
  }
  r["outputs"] = outputs;
  if (!in.printed().empty()) r["stdout"] = in.printed();
  session->release();
  r["time_ms"] =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

namespace {

/// An input record on its way through the pool: either a task or an already-final record.
struct Pending {
  ExecTask task;
  std::optional<json> final_record;
};

/// Turns one JSONL line into a task or an invalid_input record.
Pending pending_from_line(const core::JsonlLine& line) {
  Pending p;
  auto fail = [&](const std::string& id, const json& sample, const std::string& msg) {
    p.final_record = invalid_input_record(id, sample, msg, line.line);
  };
  std::string fallback_id = "line" + std::to_string(line.line);
  if (!line.record) {
    fail(line.id.value_or(fallback_id), nullptr, line.error);
    return p;
  }
  const json& rec = *line.record;
  if (!rec.is_object()) {
    fail(fallback_id, nullptr,
         "line " + std::to_string(line.line) + ": record is not a JSON object");
    return p;
  }
  std::string id = fallback_id;
  if (rec.contains("id") && rec["id"].is_string())
    id = rec["id"].get<std::string>();
  else if (rec.contains("id") && rec["id"].is_number_integer())
    id = rec["id"].dump();
  json sample = rec.contains("sample") ? rec["sample"] : json(nullptr);
  if (!rec.contains("id")) {
    fail(id, sample, "line " + std::to_string(line.line) + ": record has no 'id'");
  } else if ((!rec.contains("code") || !rec["code"].is_string()) && rec.contains("error") &&
             !rec["error"].is_null()) {
    // A failed cad-generate (or other tool's) record: relay its own reason.
    const json& e = rec["error"];
    const json& m = e.is_object() && e.contains("message") ? e["message"] : e;
    const std::string why = m.is_string() ? m.get<std::string>() : m.dump();
    fail(id, sample,
         "line " + std::to_string(line.line) + ": the input record carries no code; its " +
             (rec.contains("status") && rec["status"].is_string()
                  ? "status is '" + rec["status"].get<std::string>() + "' and its "
                  : std::string()) +
             "error: " + why);
  } else if (!rec.contains("code") || !rec["code"].is_string()) {
    fail(id, sample, "line " + std::to_string(line.line) + ": record has no string field 'code'");
  } else {
    p.task = ExecTask{id, sample, rec["code"].get<std::string>()};
  }
  return p;
}

json task_to_json(const ExecTask& t) {
  return {{"id", t.id}, {"sample", t.sample}, {"code", t.code}};
}

json record_for_failure(const ExecTask& task, const core::TaskResult& res, const ExecOptions& opt) {
  json r = base_record(task.id, task.sample);
  switch (res.status) {
    case core::TaskStatus::Timeout:
      r["status"] = "timeout";
      r["error"] = error_json("TimeoutError", "killed after " + std::to_string(opt.timeout_s) +
                                                  " s (wall-clock limit, inside the CAD kernel)");
      break;
    case core::TaskStatus::Memory:
      r["status"] = "memory";
      r["error"] = error_json(
          "MemoryError", "exceeded the memory limit of " + std::to_string(opt.memory_mib) + " MiB" +
                             (res.detail.empty() ? "" : " (" + res.detail + ")"));
      break;
    case core::TaskStatus::Crash:
      r["status"] = "crash";
      r["error"] = error_json("Crash", "the worker died: " + res.detail);
      break;
    default:
      r["status"] = "runtime_error";
      r["error"] = error_json("InternalError", res.detail);
  }
  r["ops"] = json::object();
  r["result_var"] = nullptr;
  r["outputs"] = json::object();
  r["time_ms"] = res.wall_ms;
  return r;
}

}  // namespace

int run(const RunConfig& config) {
  const ExecOptions& opt = config.exec;
  for (const std::string& f : opt.formats)
    if (f != "step" && f != "stl" && f != "brep" && f != "ply" && f != "obj")
      throw cad::UsageError("--format: unknown format '" + f + "' (step, stl, brep, ply, obj)");
  if (!opt.formats.empty()) {
    std::error_code ec;
    fs::create_directories(opt.out_dir, ec);
    if (ec) throw cad::Error(opt.out_dir + ": cannot create directory: " + ec.message());
  }

  // Collect every input record (scripts or JSONL lines) in order.
  std::vector<Pending> pending;
  std::size_t index = 0;
  if (!config.scripts.empty()) {
    std::vector<std::string> ids;
    for (const std::string& path : config.scripts)
      ids.push_back(core::file_id(path, config.id_from_parent));
    core::check_unique_ids(ids, config.scripts,
                           config.id_from_parent
                               ? "give each script its own folder name"
                               : "use --id-from-parent when the scripts share a file name");
    for (std::size_t k = 0; k < config.scripts.size(); ++k) {
      if (!config.shard.contains(index++)) continue;
      const std::string& path = config.scripts[k];
      const std::string& id = ids[k];
      Pending p;
      try {
        if (fs::is_directory(path))
          throw cad::Error(path + ": is a directory, not a script (give the .py files in it)");
        p.task = ExecTask{id, nullptr, core::read_file(path)};
        std::size_t bad;
        if (!core::valid_utf8(p.task.code, &bad))
          p.final_record = invalid_input_record(
              id, nullptr, path + ": invalid UTF-8 at byte " + std::to_string(bad), 0);
      } catch (const cad::Error& e) {
        p.final_record = invalid_input_record(id, nullptr, e.what(), 0);
      }
      pending.push_back(std::move(p));
    }
  } else {
    core::JsonlReader reader(config.common.input);
    core::JsonlLine line;
    // Two records with one (id, sample) would write the same files: the later one is refused.
    core::OutputKeys keys;
    while (reader.next(line)) {
      if (!config.shard.contains(index++)) continue;
      Pending p = pending_from_line(line);
      if (!p.final_record && !opt.formats.empty())
        if (std::string why = keys.repeat(p.task.id, p.task.sample.dump(), line.line); !why.empty())
          p.final_record = invalid_input_record(p.task.id, p.task.sample, why, line.line);
      pending.push_back(std::move(p));
    }
  }

  core::JsonlWriter writer(config.common.output);
  core::Progress progress("cad-exec", pending.size());
  std::map<std::string, std::size_t> counts;
  auto emit = [&](const json& r) {
    writer.write(r);
    counts[r["status"].get<std::string>()]++;
    progress.advance();
  };

  core::TaskLimits limits;
  // The interpreter stops itself at the deadline; the pool's kill is for time spent inside
  // one kernel call, so it gets a little slack to let the script report its own timeout.
  limits.timeout_s = opt.timeout_s > 0 ? opt.timeout_s + 1.0 : 0;
  limits.memory_mib = opt.memory_mib;
  core::ProcessPool pool(
      static_cast<std::size_t>(std::max(0, config.jobs)),
      [opt](const std::string& payload) {
        json t = json::parse(payload);
        ExecTask task{t["id"].get<std::string>(), t["sample"], t["code"].get<std::string>()};
        return core::dump_line(execute(task, opt).record);
      },
      limits);

  // Batches keep memory bounded on long inputs while every worker stays busy.
  const std::size_t batch = std::max<std::size_t>(16, 32 * std::max(1, config.jobs));
  for (std::size_t start = 0; start < pending.size(); start += batch) {
    std::size_t end = std::min(pending.size(), start + batch);
    std::vector<std::string> payloads;
    std::vector<std::size_t> which;
    for (std::size_t i = start; i < end; ++i)
      if (!pending[i].final_record) {
        payloads.push_back(task_to_json(pending[i].task).dump());
        which.push_back(i);
      }
    std::vector<std::optional<json>> done(end - start);
    std::size_t next = start;
    auto flush = [&] {
      while (next < end) {
        const Pending& p = pending[next];
        if (p.final_record) {
          emit(*p.final_record);
        } else if (done[next - start]) {
          emit(*done[next - start]);
        } else {
          break;
        }
        ++next;
      }
    };
    pool.run_all(payloads, [&](std::size_t k, const core::TaskResult& res) {
      std::size_t i = which[k];
      if (res.status == core::TaskStatus::Ok) {
        done[i - start] = json::parse(res.payload);
      } else {
        done[i - start] = record_for_failure(pending[i].task, res, opt);
      }
      flush();
    });
    flush();
  }
  progress.finish();

  std::string summary;
  for (const auto& [status, n] : counts) summary += fmt::format(" {}={}", status, n);
  core::logger().info(
      "{} records:{}{}", writer.count(), summary,
      pool.restarts() ? fmt::format(" (workers restarted: {})", pool.restarts()) : "");
  bool all_ok = counts.size() == (counts.count("ok") ? 1u : 0u);
  return config.strict && !all_ok ? 1 : 0;
}

}  // namespace cad::exec
