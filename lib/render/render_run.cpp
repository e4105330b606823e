// cad-render's whole job: read scripts, shape files or JSONL records, write drawings per record.
#include "render/render_run.h"

#include <BRepBuilderAPI_MakeFace.hxx>
#include <BRepBuilderAPI_MakePolygon.hxx>
#include <BRepBuilderAPI_Sewing.hxx>
#include <ShapeUpgrade_UnifySameDomain.hxx>
#include <Standard_Failure.hxx>
#include <TopoDS_Face.hxx>

#include <fmt/format.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/file_io.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "core/process_pool.h"
#include "core/progress.h"
#include "geom/mesh.h"
#include "geom/shape_io.h"
#include "render/drawing_check.h"
#include "render/shading.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace cad::render {

namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

bool is_mesh_file(const std::string& path) {
  const std::string ext = lower_extension(path);
  return ext == ".stl" || ext == ".ply" || ext == ".obj";
}

json base_record(const RenderTask& task) {
  json r;
  r["id"] = task.id;
  if (!task.sample.is_null()) r["sample"] = task.sample;
  return r;
}

json error_record(const RenderTask& task, const std::string& status, const std::string& type,
                  const std::string& message) {
  json r = base_record(task);
  r["status"] = status;
  r["error"] = {{"type", type}, {"message", message}};
  return r;
}

json task_to_json(const RenderTask& t) {
  return {{"id", t.id}, {"sample", t.sample}, {"code", t.code}, {"path", t.path}};
}

/// A task from one JSONL line, or an error record when the line cannot become one.
std::pair<RenderTask, std::optional<json>> task_from_line(const core::JsonlLine& line) {
  RenderTask task;
  task.id = line.id.value_or("line" + std::to_string(line.line));
  if (!line.record) return {task, error_record(task, "invalid_input", "InputError", line.error)};
  const json& j = *line.record;
  if (!j.is_object())
    return {task, error_record(task, "invalid_input", "InputError", "record is not an object")};
  if (j.contains("id")) task.id = j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump();
  if (j.contains("sample")) task.sample = j["sample"];
  for (const char* key : {"path", "mesh", "step"})
    if (j.contains(key) && j[key].is_string()) task.path = j[key].get<std::string>();
  if (j.contains("code") && j["code"].is_string()) task.code = j["code"].get<std::string>();
  if (task.code.empty() && task.path.empty())
    return {task, error_record(task, "invalid_input", "InputError",
                               fmt::format("line {}: record has no `code` or `path`", line.line))};
  return {task, std::nullopt};
}

}  // namespace

TopoDS_Shape read_mesh_as_shape(const std::string& path) {
  const geom::Mesh mesh = geom::read_mesh(path);
  if (mesh.empty()) throw Error(path + ": no triangles");
  try {
    BRepBuilderAPI_Sewing sewing(1e-6);
    for (const auto& t : mesh.triangles) {
      gp_Pnt p[3];
      for (int k = 0; k < 3; ++k) {
        const auto& v = mesh.vertices[t[k]];
        p[k] = gp_Pnt(v[0], v[1], v[2]);
      }
      if (p[0].Distance(p[1]) < 1e-9 || p[1].Distance(p[2]) < 1e-9 || p[0].Distance(p[2]) < 1e-9)
        continue;
      BRepBuilderAPI_MakePolygon polygon(p[0], p[1], p[2], Standard_True);
      if (!polygon.IsDone()) continue;
      BRepBuilderAPI_MakeFace face(polygon.Wire(), Standard_True);
      if (face.IsDone()) sewing.Add(face.Face());
    }
    sewing.Perform();
    ShapeUpgrade_UnifySameDomain unify(sewing.SewedShape(), Standard_True, Standard_True,
                                       Standard_False);
    unify.Build();
    return unify.Shape();
  } catch (const Standard_Failure& e) {
    throw Error(path + ": OpenCASCADE: " + e.GetMessageString());
  }
}

json render_task(const RenderTask& task, const RenderOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  TopoDS_Shape shape;
  geom::Mesh mesh;  // mesh inputs are drawn from their triangles, not from the sewn shape
  try {
    if (!task.code.empty()) {
      exec::ExecOptions eo = options.exec;
      eo.formats.clear();
      exec::Execution ex = exec::execute(exec::ExecTask{task.id, task.sample, task.code}, eo);
      if (ex.shape.IsNull()) {
        json r = base_record(task);
        r["status"] = ex.record.value("status", std::string("empty"));
        r["error"] = ex.record.value(
            "error", json{{"type", "ExecError"}, {"message", "the script made no shape"}});
        r["exec"] = ex.record;
        return r;
      }
      shape = ex.shape;
    } else if (is_mesh_file(task.path)) {
      mesh = geom::read_mesh(task.path);
      shape = read_mesh_as_shape(task.path);
    } else {
      shape = geom::read_shape(task.path);
    }
    Drawing drawing;
    if (!mesh.empty()) {
      std::vector<ViewProjection> views;
      for (ViewKind v : all_views) views.push_back(project_mesh(mesh, v));
      drawing = make_drawing(shape, views, options.drawing);
    } else {
      drawing = make_drawing(shape, options.drawing);
    }
    const std::string stem = fs::path(options.out_dir) / exec::output_stem(task.id, task.sample);
    json r = base_record(task);
    r["status"] = "ok";
    json outputs = json::object();
    if (options.svg) {
      core::write_file(stem + "_drawing.svg", to_svg(drawing));
      outputs["drawing_svg"] = stem + "_drawing.svg";
    }
    if (options.png) {
      write_png(drawing, stem + "_drawing.png");
      outputs["drawing_png"] = stem + "_drawing.png";
    }
    if (!options.views.empty() && options.views != std::vector<std::string>{"none"}) {
      if (mesh.empty()) mesh = geom::tessellate(shape);
      ShadeOptions so;
      so.size = options.render_size;
      so.background = options.background;
      for (const std::string& name : options.views) {
        if (name == "grid") {
          write_png(shade_grid(mesh, grid_views(), 128, 2, so), stem + "_grid.png");
          outputs["grid_png"] = stem + "_grid.png";
        } else {
          const std::string suffix = name == "iso" ? "_render" : "_render_" + name;
          write_png(shade(mesh, named_view(name), so), stem + suffix + ".png");
          outputs[suffix.substr(1) + "_png"] = stem + suffix + ".png";
        }
      }
    }
    const json dims = dimensions_json(drawing, options.drawing.decimals);
    core::write_file(stem + "_dims.json", dims.dump(2) + "\n");
    outputs["dims"] = stem + "_dims.json";
    r["outputs"] = outputs;
    r["dimensions"] = dims;
    // Mesh inputs have no B-rep faces to tell tangent edges by.
    if (options.check)
      r["check"] = faults_json(check_drawing(drawing, mesh.empty() ? shape : TopoDS_Shape()));
    r["time_ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return r;
  } catch (const Standard_Failure& e) {
    return error_record(task, "error", "OCCTError", e.GetMessageString());
  } catch (const std::exception& e) {
    return error_record(task, "error", "RenderError", e.what());
  }
}

std::array<std::uint8_t, 3> parse_color(const std::string& text) {
  if (text == "white") return {255, 255, 255};
  if (text == "black") return {0, 0, 0};
  const std::string hex = !text.empty() && text[0] == '#' ? text.substr(1) : text;
  if (hex.size() != 6 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    throw UsageError("--background: expected #rrggbb, white or black, got '" + text + "'");
  std::array<std::uint8_t, 3> rgb{};
  for (int c = 0; c < 3; ++c)
    rgb[c] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * c, 2), nullptr, 16));
  return rgb;
}

int run(const RenderConfig& config) {
  const RenderOptions& opt = config.render;
  for (const std::string& name : opt.views)
    if (name != "grid" && name != "none") {
      try {
        named_view(name);
      } catch (const Error& e) {
        throw UsageError(std::string("--views: ") + e.what());
      }
    }
  if (opt.render_size < 16) throw UsageError("--render-size: must be at least 16 pixels");
  if (opt.drawing.size < 64) throw UsageError("--size: must be at least 64 pixels");
  if (opt.drawing.decimals < 0 || opt.drawing.decimals > 6)
    throw UsageError("--decimals: must be between 0 and 6");
  if (!(opt.drawing.line_width > 0)) throw UsageError("--line-width: must be positive");
  std::error_code ec;
  fs::create_directories(opt.out_dir, ec);
  if (ec) throw Error(opt.out_dir + ": cannot create directory: " + ec.message());

  std::vector<RenderTask> tasks;
  std::vector<std::optional<json>> final_records;
  std::size_t index = 0;
  if (!config.inputs.empty()) {
    std::vector<std::string> ids;
    for (const std::string& path : config.inputs)
      ids.push_back(core::file_id(path, config.id_from_parent));
    core::check_unique_ids(ids, config.inputs,
                           config.id_from_parent
                               ? "give each input its own folder name"
                               : "use --id-from-parent when the inputs share a file name");
    for (std::size_t k = 0; k < config.inputs.size(); ++k) {
      if (!config.shard.contains(index++)) continue;
      const std::string& path = config.inputs[k];
      RenderTask task;
      task.id = ids[k];
      std::optional<json> final_record;
      if (lower_extension(path) == ".py") {
        try {
          task.code = core::read_file(path);
        } catch (const Error& e) {
          final_record = error_record(task, "invalid_input", "InputError", e.what());
        }
      } else {
        task.path = path;
      }
      tasks.push_back(std::move(task));
      final_records.push_back(std::move(final_record));
    }
  } else {
    core::JsonlReader reader(config.common.input);
    core::JsonlLine line;
    // Two records with one (id, sample) would write the same files: the later one is refused.
    core::OutputKeys keys;
    while (reader.next(line)) {
      if (!config.shard.contains(index++)) continue;
      auto [task, final_record] = task_from_line(line);
      if (!final_record)
        if (std::string why = keys.repeat(task.id, task.sample.dump(), line.line); !why.empty())
          final_record = error_record(task, "invalid_input", "InputError", why);
      tasks.push_back(std::move(task));
      final_records.push_back(std::move(final_record));
    }
  }

  core::TaskLimits limits;
  limits.timeout_s = opt.exec.timeout_s > 0 ? 2 * opt.exec.timeout_s + 30 : 0;
  limits.memory_mib = opt.exec.memory_mib;
  core::ProcessPool pool(
      static_cast<std::size_t>(std::max(0, config.jobs)),
      [opt](const std::string& payload) {
        const json t = json::parse(payload);
        RenderTask task{t["id"].get<std::string>(), t["sample"], t["code"].get<std::string>(),
                        t["path"].get<std::string>()};
        return core::dump_line(render_task(task, opt));
      },
      limits);

  std::vector<std::string> payloads;
  std::vector<std::size_t> which;
  for (std::size_t i = 0; i < tasks.size(); ++i)
    if (!final_records[i]) {
      payloads.push_back(task_to_json(tasks[i]).dump());
      which.push_back(i);
    }
  core::JsonlWriter writer(config.common.output);
  std::map<std::string, std::size_t> counts, fault_counts;
  std::size_t checked = 0, faulty = 0;
  std::size_t next = 0;
  // Records go out in input order as soon as every earlier one is done.
  auto flush = [&] {
    for (; next < final_records.size() && final_records[next]; ++next) {
      writer.write(*final_records[next]);
      counts[final_records[next]->value("status", std::string("?"))]++;
      if (const auto c = final_records[next]->find("check"); c != final_records[next]->end()) {
        ++checked;
        faulty += !c->empty();
        for (const json& f : *c) fault_counts[f.value("kind", std::string("?"))]++;
      }
      final_records[next].reset();
      tasks[next].code.clear();
    }
  };
  flush();
  core::Progress progress("cad-render", payloads.size());
  pool.run_all(payloads, [&](std::size_t k, const core::TaskResult& res) {
    const std::size_t i = which[k];
    if (res.status == core::TaskStatus::Ok) {
      final_records[i] = json::parse(res.payload);
    } else {
      final_records[i] =
          error_record(tasks[i], core::to_string(res.status), "WorkerError", res.detail);
    }
    progress.advance();
    flush();
  });
  progress.finish();
  flush();
  std::string summary;
  for (const auto& [status, n] : counts) summary += fmt::format(" {}={}", status, n);
  core::logger().info("{} records:{}", writer.count(), summary);
  const bool all_ok = counts.size() == (counts.count("ok") ? 1u : 0u);
  if (opt.check) {
    std::size_t total = 0;
    std::string kinds;
    for (const auto& [kind, n] : fault_counts) {
      total += n;
      kinds += fmt::format(" {}={}", kind, n);
    }
    // The figures are the output of a check: shown even with -q.
    core::logger().warn("check: {} faults in {} of {} drawings{}", total, faulty, checked, kinds);
    if (total > 0) return 1;
  }
  return config.strict && !all_ok ? 1 : 0;
}

}  // namespace cad::render
