// Executing CadQuery scripts: one script in-process, or many through isolated workers (cad-exec).
#pragma once

#include <TopoDS_Shape.hxx>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/cli.h"

namespace cad::exec {

/// How scripts run and what is written for their results.
struct ExecOptions {
  double timeout_s = 10;          ///< wall clock per script (interpreter deadline + worker kill)
  std::size_t memory_mib = 2048;  ///< address-space limit per worker, MiB (0 = none)
  std::uint64_t max_steps = 50'000'000;  ///< interpreter step budget (0 = none)
  std::vector<std::string> formats;      ///< result files to write: step, stl, brep, ply, obj
  std::string out_dir = ".";             ///< where result files go, named <id>[+<sample>].<ext>
  double mesh_tolerance = 0;  ///< linear deflection for meshes, model units (0 = 0.1 % of diagonal)
  /// A solid with a positive volume that BRepCheck rejects is `invalid_geometry`. Off (the
  /// default), it is `ok` with `valid: false`: CadQuery returns such shapes, and the peers'
  /// evaluations mesh and score them.
  bool require_valid = false;
};

/// One script to run.
struct ExecTask {
  std::string id;
  nlohmann::json sample;  ///< null when the input had none
  std::string code;
};

/// The record cad-exec writes for a task (schema: data_schemas/exec.schema.json) and
/// the result shape (null unless status is ok or invalid_geometry).
struct Execution {
  nlohmann::json record;
  TopoDS_Shape shape;
};

/// Runs one script in this process with the interpreter's limits (no isolation): parse,
/// evaluate, select the result, measure it, write the requested files. Script failures
/// become the record's status/error; it throws only for programming errors.
Execution execute(const ExecTask& task, const ExecOptions& options);

/// A record for input that could not become a task (bad JSON, no `code`, ...):
/// status "invalid_input", error {type "InputError", message, line}.
nlohmann::json invalid_input_record(const std::string& id, const nlohmann::json& sample,
                                    const std::string& message, std::size_t line);

/// File name stem for a result: `<id>` or `<id>+<sample>`, with characters other than
/// [A-Za-z0-9._+-] replaced by '_'.
std::string output_stem(const std::string& id, const nlohmann::json& sample);

/// Everything cad-exec is asked to do.
struct RunConfig {
  core::CommonOptions common;
  std::vector<std::string> scripts;  ///< .py files; when empty, common.input is a JSONL of records
  ExecOptions exec;
  int jobs = 1;  ///< worker processes; 0 = in-process, no isolation
  core::Shard shard;
  bool strict = false;          ///< exit 1 when any record is not ok
  bool id_from_parent = false;  ///< script ids from the parent folder name, not the file stem
};

/// cad-exec's whole job: read tasks, run them through a pool of `jobs` workers, write one
/// record per input record (in input order) to common.output. Returns the exit code.
int run(const RunConfig& config);

}  // namespace cad::exec
