// Command-line options shared by every tool, YAML config files through CLI11, and the tool main
// wrapper.
#include "core/cli.h"

#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/log.h"

#ifndef CAD_VERSION
#define CAD_VERSION "0.1.0"
#endif

namespace cad::core {
namespace {

void emit_value(YAML::Emitter& out, const std::vector<std::string>& values, bool is_list) {
  if (!is_list) {
    if (values.empty())
      out << YAML::Null;
    else
      out << values.back();
    return;
  }
  out << YAML::Flow << YAML::BeginSeq;
  for (const auto& v : values) out << v;
  out << YAML::EndSeq;
}

void flatten(const YAML::Node& map, const std::string& prefix,
             std::vector<CLI::ConfigItem>& items) {
  for (const auto& entry : map) {
    const std::string key = prefix + entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (value.IsNull()) continue;
    if (value.IsMap()) {
      flatten(value, key + ".", items);
      continue;
    }
    CLI::ConfigItem item;
    item.name = key;
    if (value.IsScalar()) {
      item.inputs.push_back(value.Scalar());
    } else {
      for (const auto& element : value) {
        if (!element.IsScalar())
          throw CLI::ConfigError(
              key + ": only lists of plain values are supported in a configuration file");
        item.inputs.push_back(element.Scalar());
      }
      if (item.inputs.empty()) continue;  // CLI11 cannot express an explicitly empty list
    }
    items.push_back(std::move(item));
  }
}

}  // namespace

std::string YamlConfig::to_config(const CLI::App* app, bool default_also,
                                  bool /*write_description*/, std::string prefix) const {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const CLI::Option* opt : app->get_options({})) {
    if (!opt->get_configurable()) continue;
    const bool is_list = opt->get_items_expected_max() > 1;
    std::vector<std::string> values = opt->reduced_results();
    if (values.empty() && default_also) {
      const std::string& def = opt->get_default_str();
      if (!def.empty() && is_list) {
        // CLI11 renders a vector default as "[a,b]", which is a YAML flow sequence.
        try {
          const YAML::Node node = YAML::Load(def);
          if (node.IsSequence()) {
            for (const auto& element : node) values.push_back(element.Scalar());
          } else {
            values.push_back(def);
          }
        } catch (const YAML::Exception&) {
          values.push_back(def);
        }
      } else if (!def.empty()) {
        values.push_back(def);
      } else if (opt->get_expected_min() == 0) {
        values.push_back("false");  // a flag never given
      }
    }
    if (values.empty() && !default_also) continue;
    out << YAML::Key << prefix + opt->get_single_name() << YAML::Value;
    emit_value(out, values, is_list);
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::vector<CLI::ConfigItem> YamlConfig::from_config(std::istream& input) const {
  const std::string text{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw CLI::ConfigError(std::string("invalid YAML configuration: ") + e.what());
  }
  std::vector<CLI::ConfigItem> items;
  if (!root || root.IsNull()) return items;
  if (!root.IsMap())
    throw CLI::ConfigError("a YAML configuration must be a mapping of option names to values");
  try {
    flatten(root, "", items);
  } catch (const YAML::Exception& e) {
    throw CLI::ConfigError(std::string("invalid YAML configuration: ") + e.what());
  }
  return items;
}

void add_common_options(CLI::App& app, CommonOptions& options) {
  app.config_formatter(std::make_shared<YamlConfig>());
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is a usage error
  app.option_defaults()->always_capture_default();
  app.add_option("-i,--input", options.input, "input JSONL file, - for stdin");
  app.add_option("-o,--output", options.output, "output JSONL file, - for stdout");
  app.set_config("--config", "",
                 "YAML file of option values (long names as keys; the command line wins)")
      ->type_name("FILE")
      ->each([&options](const std::string& path) { options.config = path; });
  app.add_option("--threads", options.threads, "number of worker threads or processes")
      ->check(CLI::Range(1, 4096));
  app.add_option("--seed", options.seed, "random seed");
  app.add_option("--log-level", options.log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_flag("--dry-run", options.dry_run, "print the effective configuration as YAML and exit")
      ->configurable(false);
}

std::string effective_config_yaml(const CLI::App& app) {
  return YamlConfig().to_config(&app, true, false, "");
}

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  auto number = [&](const std::string& digits) -> std::size_t {
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      throw UsageError("invalid shard '" + text + "' (expected K/N with 0 <= K < N)");
    return std::stoul(digits);
  };
  if (slash == std::string::npos) number("");
  Shard shard{number(text.substr(0, slash)), number(text.substr(slash + 1))};
  if (shard.count == 0 || shard.index >= shard.count)
    throw UsageError("invalid shard '" + text + "' (expected K/N with 0 <= K < N)");
  return shard;
}

void add_shard_option(CLI::App& app, Shard& shard) {
  const CLI::Validator shard_format(
      [](std::string& value) -> std::string {
        try {
          parse_shard(value);
          return {};
        } catch (const UsageError& e) {
          return e.what();
        }
      },
      "K/N");
  app.add_option_function<std::string>(
         "--shard", [&shard](const std::string& value) { shard = parse_shard(value); },
         "process only the records whose index modulo N is K")
      ->default_str("0/1")
      ->check(shard_format);
}

void check_unique_ids(const std::vector<std::string>& ids, const std::vector<std::string>& paths,
                      const std::string& hint) {
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto [it, inserted] = first.emplace(ids[i], i);
    if (!inserted)
      throw UsageError("inputs " + paths[it->second] + " and " + paths[i] + " both get the id '" +
                       ids[i] + "' (their outputs would overwrite each other): " + hint);
  }
}

std::string file_id(const std::string& path, bool from_parent) {
  namespace fs = std::filesystem;
  return from_parent ? fs::absolute(path).parent_path().filename().string()
                     : fs::path(path).stem().string();
}

std::string OutputKeys::repeat(const std::string& id, const std::string& sample, std::size_t line) {
  auto [it, inserted] = first_line_.emplace(id + "|" + sample, line);
  if (inserted) return "";
  return "line " + std::to_string(line) + ": id '" + id + "' and sample " + sample +
         " repeat line " + std::to_string(it->second) + ": its files would overwrite that record's";
}

const char* cad_version() {
  return CAD_VERSION;
}

int run_tool(const char* tool_name, int argc, char** argv, CLI::App& app,
             std::function<int()> body) {
  const std::string tool = tool_name;
  auto fail = [&tool](const std::string& message, int code) {
    std::cerr << tool << ": " << message << std::endl;
    return code;
  };
  try {
    if (app.get_name().empty()) app.name(tool);
    app.set_version_flag("--version", tool + " " + cad_version());
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
      std::string message = e.what();
      const std::string extras = "INI was not able to parse ";
      const bool extra = message.rfind(extras, 0) == 0;
      if (extra)
        message =
            "unknown option '" + message.substr(extras.size()) + "' in the configuration file";
      // An error that comes from the --config file names that file: a YAML error, an unknown
      // key, or a bad value of an option the command line does not give.
      std::string config_path;
      for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--config" && i + 1 < argc) config_path = argv[i + 1];
        if (a.rfind("--config=", 0) == 0) config_path = a.substr(9);
      }
      if (!config_path.empty()) {
        bool from_config = extra || dynamic_cast<const CLI::ConfigError*>(&e) != nullptr;
        if (!from_config && message.rfind("--", 0) == 0) {
          const std::string option = message.substr(0, message.find(':'));
          bool on_command_line = false;
          for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            on_command_line = on_command_line || a == option || a.rfind(option + "=", 0) == 0;
          }
          from_config = option != "--config" && !on_command_line;
        }
        if (from_config) message = config_path + ": " + message;
      }
      std::cerr << tool << ": " << message << "\nRun with --help for more information."
                << std::endl;
      return 2;
    }
    set_log_tool_name(tool);
    if (const CLI::Option* level = app.get_option_no_throw("--log-level"))
      set_log_level(level->as<std::string>());
    const CLI::Option* dry_run = app.get_option_no_throw("--dry-run");
    if (dry_run && dry_run->as<bool>()) {
      std::cout << effective_config_yaml(app) << std::flush;
      return 0;
    }
    if (logger().should_log(spdlog::level::debug))
      logger().debug("effective configuration:\n{}", effective_config_yaml(app));
    return body();
  } catch (const UsageError& e) {
    return fail(e.what(), 2);
  } catch (const Error& e) {
    return fail(e.what(), 1);
  } catch (const std::exception& e) {
    return fail(e.what(), 1);
  }
}

}  // namespace cad::core
