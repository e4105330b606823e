// cad-dataset-build: recipes, the plan of samples, per-sample work, deduplication, splits,
// statistics. A build is resumable: finished samples are appended to OUT/work/ as they
// complete, and a rerun skips them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/cli.h"
#include "data/part.h"

namespace cad::data {

/// How many parts of one procedural family a recipe asks for.
struct FamilyRequest {
  std::string name;
  int count = 0;                    ///< parts at levels chosen at random among `levels`
  std::vector<Level> levels;        ///< allowed levels (empty = all the family supports)
  std::vector<std::string> styles;  ///< allowed code styles (empty = the recipe's, else all)
  std::vector<std::pair<Level, int>> per_level;  ///< exact counts per level (added to `count`)
};

/// Everything a dataset recipe (configs/datasets/*.yaml) says.
struct Recipe {
  std::string name = "dataset";
  std::uint64_t seed = 0;
  std::vector<FamilyRequest> families;  ///< procedural parts
  std::vector<std::string> styles;      ///< code styles allowed for every family (empty = all)
  std::vector<std::string> deepcad;     ///< folders of DeepCAD JSON
  std::size_t deepcad_limit = 0;        ///< at most this many DeepCAD files per folder (0 = all)
  std::vector<std::string> scripts;     ///< folders of CadQuery scripts
  std::vector<std::string> experts{"views", "planner", "coords"};  ///< CoT styles
  std::string cot_length = "full";        ///< "full" sentences or "short" notes (for tiny models)
  bool drawings = true;                   ///< three-view drawings (SVG, PNG, dimensions JSON)
  bool renders = true;                    ///< shaded isometric picture
  bool meshes = true;                     ///< STL of the solid
  bool solids = true;                     ///< STEP of the solid
  int drawing_size = 768;                 ///< drawing width and height, pixels
  int render_size = 256;                  ///< render width and height, pixels
  int decimals = 1;                       ///< decimals of dimension labels
  double val_fraction = 0.1;              ///< share of geometry groups in val
  double test_fraction = 0.1;             ///< share of geometry groups in test
  std::vector<std::string> ood_families;  ///< families held out into test_ood.jsonl
  double duplicate_tolerance = 0.002;     ///< relative: closer descriptors are duplicates
  double group_tolerance = 0.02;          ///< relative: closer descriptors share a split
  double param_iou = 0.999;               ///< code_param is kept when IoU(code, code_param) >= this
  double timeout_s = 60;                  ///< per sample, all work included
  std::size_t memory_mib = 4096;          ///< per worker (0 = none)
};

/// Reads a recipe. Throws cad::UsageError("path: key: reason") for unknown keys, bad values
/// or unknown families/levels/styles/experts.
Recipe load_recipe(const std::string& path);
/// Parses recipe YAML text; `where` names it in errors.
Recipe parse_recipe(const std::string& yaml_text, const std::string& where);
/// The recipe as YAML (what --dry-run prints; parse_recipe reads it back to the same recipe).
std::string recipe_yaml(const Recipe& recipe);

/// One sample to build.
struct PlannedSample {
  std::string id;
  std::string source;  ///< "procedural", "deepcad" or "script"
  std::string family;  ///< procedural family, "deepcad" or "script"
  std::optional<Level> level;
  std::vector<std::string> styles;  ///< allowed styles (procedural; empty = any)
  std::uint64_t seed = 0;
  std::string path;       ///< deepcad / script file
  std::size_t index = 0;  ///< position in the plan
};

/// The samples a recipe asks for, in a fixed order with unique ids: procedural
/// `<family>-<nnnnn>` (per family, in recipe order), then DeepCAD files and scripts by id.
/// Throws cad::UsageError for a duplicate id or a missing folder.
std::vector<PlannedSample> plan(const Recipe& recipe);

/// Builds one sample: makes the part, runs its code (and code_param, kept only when its
/// solid equals the code's), draws and renders it, writes assets under
/// `out_dir/assets/<id>/`, writes the chains of thought. Returns the sample record
/// (data_schemas/sample.schema.json, without `split`) or, when the sample cannot be built,
/// {id, source, family, status: "rejected", reason, error}. Never throws for a bad sample.
nlohmann::json build_sample(const PlannedSample& sample, const Recipe& recipe,
                            const std::string& out_dir);

/// Rotation-invariant geometric descriptor of a record's solid (from `stats`): logs of
/// volume, area, sorted extents and principal radii of gyration, plus the face count.
std::vector<double> geometry_descriptor(const nlohmann::json& stats);
/// A 16-hex-digit hash of the descriptor quantized at 0.1 % (equal solids, equal hashes).
std::string geometry_hash(const std::vector<double>& descriptor);

/// What to do besides the recipe.
struct BuildOptions {
  std::string out_dir;
  int jobs = 1;           ///< worker processes (0 = in this process, no isolation)
  core::Shard shard;      ///< build only these samples and stop before the splits
  std::size_t limit = 0;  ///< stop after this many new samples (0 = all); for tests
  bool progress = true;   ///< progress bar (terminal) or log lines
};

/// Counts of a finished build.
struct BuildSummary {
  std::size_t planned = 0, built_now = 0, resumed = 0, rejected = 0, duplicates = 0;
  std::size_t train = 0, val = 0, test = 0, test_ood = 0;
  bool finalized = false;  ///< splits and stats written (not for a shard or a limited run)
};

/// The whole build: plan, build the missing samples through `jobs` isolated workers
/// (appending each to OUT/work/records[.K-of-N].jsonl as it completes), then (unless a
/// shard or limit stopped it) drop near-duplicates, assign splits by geometry group, write
/// OUT/{train,val,test}.jsonl (+ test_ood.jsonl with ood families), OUT/rejected.jsonl
/// (rejects and duplicates with reasons), OUT/stats.json and OUT/stats.md, and
/// OUT/recipe.yaml. Throws cad::Error on I/O failures.
BuildSummary build_dataset(const Recipe& recipe, const BuildOptions& options);

/// Statistics of finished records (counts per source, family, level, split, style; length
/// histograms of code and CoT in characters) as JSON and as Markdown.
nlohmann::json dataset_stats(const std::vector<nlohmann::json>& records,
                             const BuildSummary& summary);
std::string stats_markdown(const nlohmann::json& stats);

}  // namespace cad::data
