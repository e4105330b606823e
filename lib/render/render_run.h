// cad-render's whole job: read scripts, shape files or JSONL records, write drawings per record.
#pragma once

#include <TopoDS_Shape.hxx>

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/cli.h"
#include "exec/execute.h"
#include "render/drawing.h"

namespace cad::render {

/// What is written for each input.
struct RenderOptions {
  std::string out_dir = ".";  ///< where <stem>_drawing.svg|png and <stem>_dims.json go
  DrawingOptions drawing;
  bool svg = true;  ///< write <stem>_drawing.svg
  bool png = true;  ///< write <stem>_drawing.png
  /// Shaded pictures: "iso" -> <stem>_render.png, another view name -> <stem>_render_<name>.png,
  /// "grid" -> <stem>_grid.png (2x2 tiles of 128 px, grid_views()); "none" or empty: none.
  std::vector<std::string> views{"iso"};
  int render_size = 512;  ///< shaded picture width and height, pixels (not the grid's)
  std::array<std::uint8_t, 3> background{255, 255, 255};  ///< of shaded pictures
  exec::ExecOptions exec;                                 ///< limits for scripts given as code
  /// Check each drawing (check_drawing) and put its faults in the record's `check`.
  bool check = false;
};

/// One thing to draw: CadQuery `code`, or a `path` to a STEP, BREP or STL file.
struct RenderTask {
  std::string id;
  nlohmann::json sample;  ///< null when the input had none
  std::string code;
  std::string path;
};

/// Builds a B-rep solid from a triangle mesh file (STL, PLY, OBJ): one planar face per
/// triangle, sewn, coplanar faces merged so that drawings show the part's real edges.
/// Throws cad::Error("path: reason").
TopoDS_Shape read_mesh_as_shape(const std::string& path);

/// Draws one task in this process: the shape (run the code or read the file), its
/// drawing and dimension files. Returns the output record {id, sample?, status, error?,
/// outputs {drawing_svg?, drawing_png?, dims}, dimensions [...], check? [...], time_ms}. Failures
/// become the record's status: cad-exec's status when the script fails (its record under "exec"),
/// "error" when reading or drawing fails.
nlohmann::json render_task(const RenderTask& task, const RenderOptions& options);

/// Parses a background colour: "#rrggbb", "rrggbb", "white" or "black". Throws
/// cad::UsageError on anything else.
std::array<std::uint8_t, 3> parse_color(const std::string& text);

/// Everything cad-render is asked to do.
struct RenderConfig {
  core::CommonOptions common;
  std::vector<std::string> inputs;  ///< .py, .step/.stp, .brep, .stl/.ply/.obj files; when
                                    ///< empty, common.input is a JSONL of records
  RenderOptions render;
  int jobs = 1;  ///< worker processes; 0 = in this process, no isolation
  core::Shard shard;
  bool strict = false;          ///< exit 1 when any record is not ok
  bool id_from_parent = false;  ///< input file ids from the parent folder name, not the stem
};

/// Reads the tasks, draws them through a pool of `jobs` workers and writes one record per
/// input (in input order) to common.output. JSONL records are {id, code} or {id, path}
/// (also `mesh`, `step`), with optional `sample`. With render.check, logs the faults found
/// by kind and returns 1 when there is any. Returns the exit code.
int run(const RenderConfig& config);

}  // namespace cad::render
