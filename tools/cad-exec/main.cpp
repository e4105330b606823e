// cad-exec: run CadQuery scripts natively and safely; one JSONL record per script.
#include <CLI/CLI.hpp>

#include "core/cli.h"
#include "core/log.h"
#include "exec/execute.h"

int main(int argc, char** argv) {
  cad::exec::RunConfig config;
  CLI::App app{
      "Execute CadQuery scripts without Python: a sandboxed interpreter of the Python subset that\n"
      "CAD code uses, on OpenCASCADE. Writes one JSONL record per script (status, error with\n"
      "line:column, volume, area, bbox, counts, ops, output paths) to stdout, and the result\n"
      "solids to --out-dir in the --format(s) asked for.\n\n"
      "  cad-exec part.py other.py --out-dir out/ --format step,stl\n"
      "  cad-exec --jsonl generations.jsonl --jobs 2 > exec.jsonl\n\n"
      "Input records are JSON objects with `id`, `code` and optional `sample`; output files are\n"
      "named <id>[+<sample>].<ext>. Exit status: 0 when every input was processed (failed\n"
      "scripts are records, not errors), 1 on a runtime failure (or a failed record with\n"
      "--strict), 2 on a usage error."};
  cad::core::add_common_options(app, config.common);
  app.add_option("scripts", config.scripts, "CadQuery .py files to execute (id = file stem)");
  app.add_option("--jsonl", config.common.input,
                 "JSONL of records {id, code, sample?} to execute, '-' for stdin (same as -i)");
  app.add_option("--out-dir", config.exec.out_dir, "directory for result files")
      ->capture_default_str();
  app.add_option("--format", config.exec.formats,
                 "result files to write: step, stl, brep, ply, obj (comma-separated)")
      ->delimiter(',');
  app.add_option("-j,--jobs", config.jobs,
                 "worker processes (each script runs isolated in one); 0 = in this process, "
                 "no isolation")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--timeout", config.exec.timeout_s, "wall-clock limit per script, seconds")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--memory", config.exec.memory_mib, "memory limit per worker, MiB (0 = none)")
      ->capture_default_str();
  app.add_option("--max-steps", config.exec.max_steps,
                 "interpreter step budget per script (0 = none)")
      ->capture_default_str();
  app.add_option("--mesh-tolerance", config.exec.mesh_tolerance,
                 "linear deflection of STL/PLY/OBJ meshes in model units (0 = 0.1 % of the "
                 "bounding-box diagonal)")
      ->capture_default_str();
  cad::core::add_shard_option(app, config.shard);
  app.add_flag("--id-from-parent", config.id_from_parent,
               "name each script by its folder (corpus/<id>/expert.py) instead of its file stem");
  app.add_flag("--strict", config.strict, "exit 1 when any record is not ok");
  app.add_flag("--require-valid", config.exec.require_valid,
               "a solid BRepCheck rejects is invalid_geometry (default: ok with valid: false, "
               "as CadQuery returns it and the peers score it)");
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "no progress or info lines on stderr (--log-level warn)");
  return cad::core::run_tool("cad-exec", argc, argv, app, [&] {
    if (quiet) cad::core::set_log_level("warn");
    // --threads is every tool's parallelism option; for cad-exec it means worker processes.
    if (app.count("--jobs") == 0 && app.count("--threads") > 0) config.jobs = config.common.threads;
    return cad::exec::run(config);
  });
}
