// Command-line options shared by every tool, YAML config files through CLI11, and the tool main
// wrapper.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace cad::core {

/// The options every tool has (STYLE.md item 3).
struct CommonOptions {
  std::string input = "-";         ///< JSONL input path, "-" = stdin
  std::string output = "-";        ///< JSONL output path, "-" = stdout
  std::string config;              ///< YAML file with defaults for any long option ("" = none)
  int threads = 1;                 ///< worker threads/processes, >= 1
  std::uint64_t seed = 0;          ///< seed for every random choice
  std::string log_level = "info";  ///< trace, debug, info, warn, error or off
  bool dry_run = false;            ///< print the effective configuration as YAML and exit 0
};

/// CLI11 config-file format for YAML: a mapping whose keys are long option names
/// (`timeout: 5`, `format: [step, stl]`, `log-level: debug`); nested mappings are
/// flattened with dots (`model: {layers: 4}` sets `--model.layers`); null values
/// are ignored. Values given on the command line win over the file. Parse errors are
/// thrown as CLI::ConfigError (exit 2 through run_tool).
class YamlConfig : public CLI::Config {
 public:
  /// The app's configurable options as a YAML mapping: the parsed value, else the
  /// captured default (if `default_also`), else null; vector options as sequences.
  std::string to_config(const CLI::App* app, bool default_also, bool write_description,
                        std::string prefix) const override;
  /// Parses YAML into one CLI::ConfigItem per (flattened) key.
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
};

/// Registers -i/--input, -o/--output, --config (YAML, via YamlConfig), --threads,
/// --seed, --log-level and --dry-run on `app`, bound to `options`, and makes `app`
/// capture the defaults of options added afterwards (so --dry-run can print them).
/// Call it before adding the tool's own options.
void add_common_options(CLI::App& app, CommonOptions& options);

/// The effective configuration of a parsed `app` as YAML (every configurable option,
/// command line over config file over default); feeding it back with --config
/// reproduces the run. Subcommands are not included.
std::string effective_config_yaml(const CLI::App& app);

/// Records whose index modulo `count` equals `index` (`--shard K/N`).
struct Shard {
  std::size_t index = 0;  ///< K, 0 <= K < N
  std::size_t count = 1;  ///< N >= 1
  /// True when the record at 0-based position `record_index` belongs to this shard.
  bool contains(std::size_t record_index) const { return record_index % count == index; }
};

/// Parses "K/N" (0 <= K < N). Throws cad::UsageError on anything else.
Shard parse_shard(const std::string& text);

/// Registers `--shard K/N` (default 0/1) on `app`, bound to `shard`.
void add_shard_option(CLI::App& app, Shard& shard);

/// Refuses input files whose ids collide: two of them would write the same output files and
/// their records would carry one id. `ids[i]` is the id given to `paths[i]`. Throws
/// cad::UsageError naming the id, both paths and `hint` (e.g. "use --id-from-parent").
void check_unique_ids(const std::vector<std::string>& ids, const std::vector<std::string>& paths,
                      const std::string& hint);

/// The id of an input file: its stem, or with `from_parent` its folder's name
/// (corpus/<id>/expert.py).
std::string file_id(const std::string& path, bool from_parent);

/// The (id, sample) pairs of the JSONL records a tool writes files for, in input order.
class OutputKeys {
 public:
  /// "" for a new pair; for a repeat, the reason its record is refused ("line 5: id 'a' and
  /// sample 0 repeat line 2: its files would overwrite that record's").
  std::string repeat(const std::string& id, const std::string& sample, std::size_t line);

 private:
  std::map<std::string, std::size_t> first_line_;
};

/// The version string of the toolkit (CAD_VERSION, e.g. "0.1.0").
const char* cad_version();

/// The whole life of a tool's main(): sets the app name and a `--version` flag
/// ("<tool> <version>"), parses (CLI11 errors: "tool: message" on stderr, exit 2;
/// --help/--version: stdout, exit 0), applies --log-level and the tool name to the
/// logger, handles --dry-run (effective YAML on stdout, exit 0), then runs `body`
/// inside one try/catch: cad::UsageError -> "tool: message", exit 2; cad::Error and
/// any std::exception -> "tool: message", exit 1. Otherwise returns body's result.
int run_tool(const char* tool_name, int argc, char** argv, CLI::App& app,
             std::function<int()> body);

}  // namespace cad::core
