// cad-render: dimensioned three-view drawings of CadQuery scripts, STEP and mesh files.
#include <CLI/CLI.hpp>

#include "core/cli.h"
#include "core/log.h"
#include "render/render_run.h"

int main(int argc, char** argv) {
  cad::render::RenderConfig config;
  CLI::App app{
      "Draw parts as a drafter would: front, top and left views in third-angle projection\n"
      "(visible edges solid, hidden edges dashed) with dimensions (overall extents, hole\n"
      "diameters, radii, hole positions), and shaded pictures. Writes <id>_drawing.svg,\n"
      "<id>_drawing.png, <id>_dims.json and <id>_render.png to --out-dir and one JSONL record\n"
      "per input to stdout.\n\n"
      "  cad-render part.py bracket.step --out-dir drawings/\n"
      "  cad-render --jsonl generations.jsonl --jobs 2 > render.jsonl\n\n"
      "Input records are JSON objects with `id` and either `code` (a CadQuery script) or\n"
      "`path` (a STEP, BREP, STL, PLY or OBJ file), optional `sample`. Exit status: 0 when\n"
      "every input was processed (failures are records), 1 on a runtime failure (or a failed\n"
      "record with --strict), 2 on a usage error."};
  cad::core::add_common_options(app, config.common);
  app.add_option("inputs", config.inputs, ".py scripts or .step/.stp/.brep/.stl/.ply/.obj files");
  app.add_option("--jsonl", config.common.input,
                 "JSONL of records {id, code | path, sample?}, '-' for stdin (same as -i)");
  app.add_option("--out-dir", config.render.out_dir, "directory for drawings and dimension lists")
      ->capture_default_str();
  app.add_option("--size", config.render.drawing.size, "drawing width and height, pixels")
      ->capture_default_str();
  app.add_option("--decimals", config.render.drawing.decimals,
                 "decimals in dimension labels and values (more for small values: two significant "
                 "digits)")
      ->capture_default_str();
  app.add_option("--line-width", config.render.drawing.line_width,
                 "width of visible edges, pixels (hidden edges and dimensions are thinner)")
      ->capture_default_str();
  bool no_svg = false, no_png = false;
  app.add_flag("--no-svg", no_svg, "do not write <id>_drawing.svg");
  app.add_flag("--no-png", no_png, "do not write <id>_drawing.png");
  app.add_option("--views", config.render.views,
                 "shaded pictures: iso (<id>_render.png), front, back, top, bottom, left, right, "
                 "iso1..iso4 (<id>_render_<view>.png), grid (2x2 of 128 px, <id>_grid.png), none")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--render-size", config.render.render_size,
                 "shaded picture width and height, pixels")
      ->capture_default_str();
  std::string background = "#ffffff";
  app.add_option("--background", background, "background of shaded pictures: #rrggbb")
      ->capture_default_str();
  app.add_option("-j,--jobs", config.jobs,
                 "worker processes (each input is drawn isolated in one); 0 = in this process")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--timeout", config.render.exec.timeout_s, "wall-clock limit per script, seconds")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--memory", config.render.exec.memory_mib,
                 "memory limit per worker, MiB (0 = none)")
      ->capture_default_str();
  cad::core::add_shard_option(app, config.shard);
  app.add_flag("--strict", config.strict, "exit 1 when any record is not ok");
  app.add_flag("--check", config.render.check,
               "check each drawing (labels clear of each other and of edges, beside their own "
               "spans, leaders on visible edges, no tangent edges): faults in the record's "
               "`check`, counts on stderr, exit 1 when any");
  app.add_flag("--id-from-parent", config.id_from_parent,
               "input file ids from their parent folder's name (corpus/<id>/ground_truth.stl), "
               "not their file name; inputs whose ids collide are refused either way");
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "no progress or info lines on stderr (--log-level warn)");
  return cad::core::run_tool("cad-render", argc, argv, app, [&] {
    if (quiet) cad::core::set_log_level("warn");
    if (app.count("--jobs") == 0 && app.count("--threads") > 0) config.jobs = config.common.threads;
    config.render.background = cad::render::parse_color(background);
    config.render.svg = !no_svg;
    config.render.png = !no_png;
    return cad::render::run(config);
  });
}
