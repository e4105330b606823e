// cad-dataset-build: CADExpert/ReCAD-style datasets from procedural parts, DeepCAD JSON and
// CadQuery scripts.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <filesystem>

#include <iostream>

#include "core/cli.h"
#include "core/error.h"
#include "data/build.h"
#include "data/families.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Build a training dataset: for every part (procedural families, DeepCAD JSON, CadQuery\n"
      "scripts) its hard-coded and parameterized CadQuery code, abstract and detailed texts,\n"
      "three expert chains of thought, a dimensioned three-view drawing (SVG, PNG, dimensions\n"
      "JSON), a shaded render, the mesh (STL) and solid (STEP), statistics and a geometry hash.\n"
      "Near-duplicates are dropped; splits keep near-identical parts together.\n\n"
      "  cad-dataset-build --config configs/datasets/tiny.yaml -o data/tiny --jobs 2\n"
      "  cad-dataset-build --deepcad ../shared/corpus/cadprompt -o data/cadprompt\n\n"
      "Writes OUT/{train,val,test}.jsonl (+ test_ood.jsonl with --ood-families), "
      "OUT/assets/<id>/,\n"
      "OUT/rejected.jsonl (samples that failed or were near-duplicates, with reasons),\n"
      "OUT/stats.json, OUT/stats.md and OUT/recipe.yaml. A build is resumable: finished samples\n"
      "are kept in OUT/work/, and running the same command again builds only what is missing.\n"
      "The same recipe and seed give the same dataset. Exit status: 0 when the build finished\n"
      "(rejected samples included), 1 on a runtime failure, 2 on a usage error."};
  std::string recipe_path, out_dir;
  std::vector<std::string> deepcad, scripts, ood, experts;
  std::size_t deepcad_limit = 0;
  std::uint64_t seed = 0;
  double val = -1, test = -1, timeout = 0;
  int jobs = 1;
  bool no_drawings = false, no_renders = false, no_meshes = false, no_step = false;
  bool list_families = false, print_recipe = false, quiet = false;
  std::string log_level = "info";
  cad::core::Shard shard;
  std::size_t limit = 0;

  app.add_option("-c,--config", recipe_path,
                 "dataset recipe (YAML, configs/datasets/*.yaml): families and counts per level, "
                 "styles, sources, outputs, splits, seed")
      ->check(CLI::ExistingFile);
  app.add_option("-o,--out", out_dir, "output folder (created; reused to resume)");
  app.add_option("--deepcad", deepcad,
                 "folder of DeepCAD JSON (*.json, or */deepcad.json: id = the folder name) to "
                 "convert; repeatable; added to the recipe's");
  app.add_option("--deepcad-limit", deepcad_limit, "at most this many DeepCAD files per folder");
  app.add_option("--scripts", scripts,
                 "folder of CadQuery scripts (*.py, or */<one>.py: id = the folder name); "
                 "repeatable");
  auto* seed_opt = app.add_option("--seed", seed, "random seed (overrides the recipe's)");
  app.add_option("-j,--jobs", jobs,
                 "worker processes (each sample is built isolated in one); 0 = in this process")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--ood-families", ood,
                 "families held out of train/val/test into test_ood.jsonl (comma-separated)")
      ->delimiter(',');
  app.add_option("--val", val, "share of geometry groups in val (overrides the recipe's)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--test", test, "share of geometry groups in test (overrides the recipe's)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--experts", experts, "CoT experts: views, planner, coords (comma-separated)")
      ->delimiter(',');
  std::string cot_length;
  app.add_option("--cot-length", cot_length,
                 "chains of thought as full sentences or short notes for tiny models (recipe "
                 "cot_length: full)")
      ->check(CLI::IsMember({"full", "short"}));
  int decimals = -1;
  app.add_option("--decimals", decimals,
                 "decimals of dimension labels (recipe: 1; 3 for DeepCAD's normalized units when "
                 "no recipe is given)")
      ->check(CLI::Range(0, 6));
  app.add_flag("--no-drawings", no_drawings, "skip the three-view drawings (and dimensions)");
  app.add_flag("--no-renders", no_renders, "skip the shaded renders");
  app.add_flag("--no-meshes", no_meshes, "skip the STL meshes");
  app.add_flag("--no-step", no_step, "skip the STEP solids");
  app.add_option("--timeout", timeout, "seconds per sample, all work included (recipe: 60)")
      ->check(CLI::NonNegativeNumber);
  cad::core::add_shard_option(app, shard);
  app.add_option("--limit", limit,
                 "build at most this many missing samples, then stop (resume later)");
  app.add_flag("--list-families", list_families, "list the procedural families and exit");
  app.add_flag("--print-recipe", print_recipe,
               "print the effective recipe (YAML) and the number of planned samples, then exit");
  app.add_flag("-q,--quiet", quiet, "no progress bar");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  return cad::core::run_tool("cad-dataset-build", argc, argv, app, [&]() {
    if (list_families) {
      for (const auto& f : cad::data::families()) {
        std::vector<std::string> levels;
        for (auto l : f.levels) levels.push_back(cad::data::to_string(l));
        const std::string level_list = fmt::format("{}", fmt::join(levels, ","));
        const std::string style_list = fmt::format("{}", fmt::join(f.styles, ","));
        std::cout << fmt::format("{:<20} levels {:<14} styles {:<18} {}\n", f.name, level_list,
                                 style_list, f.description);
      }
      return 0;
    }
    cad::data::Recipe recipe;
    if (!recipe_path.empty()) {
      recipe = cad::data::load_recipe(recipe_path);
    } else if (deepcad.empty() && scripts.empty()) {
      throw cad::UsageError("give a recipe (--config) or a source (--deepcad, --scripts)");
    }
    if (recipe_path.empty() && !deepcad.empty()) recipe.decimals = 3;
    if (decimals >= 0) recipe.decimals = decimals;
    for (const auto& d : deepcad) recipe.deepcad.push_back(d);
    for (const auto& s : scripts) recipe.scripts.push_back(s);
    if (deepcad_limit) recipe.deepcad_limit = deepcad_limit;
    if (seed_opt->count()) recipe.seed = seed;
    if (!ood.empty()) recipe.ood_families = ood;
    if (val >= 0) recipe.val_fraction = val;
    if (test >= 0) recipe.test_fraction = test;
    if (recipe.val_fraction + recipe.test_fraction > 1)
      throw cad::UsageError("--val + --test must not exceed 1");
    if (!experts.empty()) {
      recipe.experts = experts;
      cad::data::parse_recipe(cad::data::recipe_yaml(recipe), "--experts");  // validates
    }
    if (!cot_length.empty()) recipe.cot_length = cot_length;
    if (timeout > 0) recipe.timeout_s = timeout;
    if (no_drawings) recipe.drawings = false;
    if (no_renders) recipe.renders = false;
    if (no_meshes) recipe.meshes = false;
    if (no_step) recipe.solids = false;
    // Sources are checked before anything is printed or created: a wrong path is a usage
    // error that leaves no output folder behind.
    for (const auto& d : recipe.deepcad)
      if (!std::filesystem::is_directory(d))
        throw cad::UsageError("--deepcad " + d + ": not a folder (of DeepCAD JSON files)");
    for (const auto& d : recipe.scripts)
      if (!std::filesystem::is_directory(d))
        throw cad::UsageError("--scripts " + d + ": not a folder (of CadQuery scripts)");
    if (print_recipe) {
      const std::size_t planned = cad::data::plan(recipe).size();  // may throw: nothing printed
      std::cout << cad::data::recipe_yaml(recipe);
      std::cout << "# planned samples: " << planned << "\n";
      return 0;
    }
    if (out_dir.empty()) throw cad::UsageError("no output folder: give -o OUT");
    cad::data::BuildOptions options;
    options.out_dir = out_dir;
    options.jobs = jobs;
    options.shard = shard;
    options.limit = limit;
    options.progress = !quiet;
    cad::data::build_dataset(recipe, options);
    return 0;
  });
}
