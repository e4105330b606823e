// Tests of the shared tool options, YAML configuration, --dry-run and run_tool's exit codes.
#include <catch2/catch.hpp>

#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/cli.h"
#include "core/error.h"
#include "log_capture.h"
#include "temp_file.h"

using cad::core::CommonOptions;

namespace {

// argv for CLI11 built from strings; argv[0] is the tool name.
class Args {
 public:
  Args(std::initializer_list<std::string> args) : storage_{"cad-test"} {
    storage_.insert(storage_.end(), args);
    for (auto& s : storage_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(storage_.size()); }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> storage_;
  std::vector<char*> pointers_;
};

// Redirects std::cout and std::cerr into strings for the lifetime of the object.
class StreamCapture {
 public:
  StreamCapture()
      : old_out_(std::cout.rdbuf(out_.rdbuf())), old_err_(std::cerr.rdbuf(err_.rdbuf())) {}
  ~StreamCapture() {
    std::cout.rdbuf(old_out_);
    std::cerr.rdbuf(old_err_);
  }
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

 private:
  std::ostringstream out_, err_;
  std::streambuf* old_out_;
  std::streambuf* old_err_;
};

// A tool's full option set: the common ones plus a few of its own.
struct ToolOptions {
  CommonOptions common;
  double timeout = 10;
  std::vector<std::string> formats{"step"};
  bool fast = false;
};

void add_tool_options(CLI::App& app, ToolOptions& o) {
  cad::core::add_common_options(app, o.common);
  app.add_option("--timeout", o.timeout, "seconds per record");
  app.add_option("--format", o.formats, "output formats");
  app.add_flag("--fast", o.fast, "skip checks");
}

int run(Args args, ToolOptions& o, std::function<int()> body, StreamCapture& capture) {
  CLI::App app{"test tool"};
  add_tool_options(app, o);
  cad::test::LogCapture log;  // restores the log level afterwards
  return cad::core::run_tool("cad-test", args.argc(), args.argv(), app, std::move(body));
}

}  // namespace

TEST_CASE("common options have the documented defaults and long names", "[core]") {
  CLI::App app;
  ToolOptions o;
  add_tool_options(app, o);
  Args args{"-i", "in.jsonl", "--output", "out.jsonl",   "--threads",
            "3",  "--seed",   "42",       "--log-level", "debug"};
  app.parse(args.argc(), args.argv());
  CHECK(o.common.input == "in.jsonl");
  CHECK(o.common.output == "out.jsonl");
  CHECK(o.common.threads == 3);
  CHECK(o.common.seed == 42);
  CHECK(o.common.log_level == "debug");
  CHECK_FALSE(o.common.dry_run);
  CHECK(o.common.config.empty());

  CLI::App bad;
  ToolOptions b;
  add_tool_options(bad, b);
  Args zero_threads{"--threads", "0"};
  CHECK_THROWS_AS(bad.parse(zero_threads.argc(), zero_threads.argv()), CLI::ValidationError);
}

TEST_CASE("a YAML config sets options and the command line wins over it", "[core]") {
  cad::test::TempFile config("config");
  config.write(
      "threads: 4\nseed: 7\ntimeout: 5\nformat: [step, stl]\nfast: true\nlog-level: warn\n");
  CLI::App app;
  ToolOptions o;
  add_tool_options(app, o);
  Args args{"--config", config.path(), "--seed", "9", "--format", "brep"};
  app.parse(args.argc(), args.argv());
  CHECK(o.common.config == config.path());
  CHECK(o.common.threads == 4);
  CHECK(o.common.seed == 9);  // command line
  CHECK(o.timeout == 5.0);
  CHECK(o.formats == std::vector<std::string>{"brep"});  // command line
  CHECK(o.fast);
  CHECK(o.common.log_level == "warn");
  CHECK(o.common.input == "-");  // untouched default
}

TEST_CASE("YamlConfig flattens nested maps, skips nulls and rejects bad YAML", "[core]") {
  cad::core::YamlConfig yaml;
  std::istringstream nested("model:\n  layers: 4\n  dims: [8, 16]\nempty: ~\n");
  const auto items = yaml.from_config(nested);
  REQUIRE(items.size() == 2);
  CHECK(items[0].name == "model.layers");
  CHECK(items[0].inputs == std::vector<std::string>{"4"});
  CHECK(items[1].name == "model.dims");
  CHECK(items[1].inputs == std::vector<std::string>{"8", "16"});

  std::istringstream empty("");
  CHECK(yaml.from_config(empty).empty());
  std::istringstream broken("threads: [1, 2\n");
  CHECK_THROWS_AS(yaml.from_config(broken), CLI::ConfigError);
  std::istringstream scalar("just a string\n");
  CHECK_THROWS_AS(yaml.from_config(scalar), CLI::ConfigError);
}

TEST_CASE("dry-run prints the effective configuration as YAML and skips the work", "[core]") {
  cad::test::TempFile config("config");
  config.write("timeout: 2.5\nformat: [step, stl]\n");
  ToolOptions o;
  StreamCapture capture;
  bool ran = false;
  const int code = run(
      {"--config", config.path(), "--threads", "2", "--dry-run"}, o,
      [&] {
        ran = true;
        return 0;
      },
      capture);
  CHECK(code == 0);
  CHECK_FALSE(ran);
  const YAML::Node doc = YAML::Load(capture.out());
  REQUIRE(doc.IsMap());
  CHECK(doc["input"].as<std::string>() == "-");
  CHECK(doc["output"].as<std::string>() == "-");
  CHECK(doc["threads"].as<int>() == 2);
  CHECK(doc["seed"].as<int>() == 0);
  CHECK(doc["log-level"].as<std::string>() == "info");
  CHECK(doc["timeout"].as<double>() == 2.5);
  CHECK(doc["format"].as<std::vector<std::string>>() == std::vector<std::string>{"step", "stl"});
  CHECK(doc["fast"].as<bool>() == false);
  CHECK_FALSE(doc["dry-run"]);  // an action, not configuration
  CHECK_FALSE(doc["config"]);
}

TEST_CASE("the effective YAML fed back with --config reproduces the options", "[core]") {
  CLI::App first;
  ToolOptions a;
  add_tool_options(first, a);
  Args args{"-i",  "data set.jsonl", "--seed", "123",   "--timeout", "0.25", "--format",
            "stl", "--format",       "ply",    "--fast"};
  first.parse(args.argc(), args.argv());
  cad::test::TempFile config("config");
  config.write(cad::core::effective_config_yaml(first));

  CLI::App second;
  ToolOptions b;
  add_tool_options(second, b);
  Args again{"--config", config.path()};
  second.parse(again.argc(), again.argv());
  CHECK(b.common.input == "data set.jsonl");
  CHECK(b.common.seed == 123);
  CHECK(b.timeout == 0.25);
  CHECK(b.formats == std::vector<std::string>{"stl", "ply"});
  CHECK(b.fast);
}

TEST_CASE("run_tool maps outcomes to exit codes 0, 1 and 2", "[core]") {
  ToolOptions o;
  {
    StreamCapture capture;
    CHECK(run(
              {}, o, [] { return 0; }, capture) == 0);
  }
  {
    StreamCapture capture;
    CHECK(run(
              {}, o, [] { return 3; }, capture) == 3);
  }
  {
    StreamCapture capture;
    CHECK(run(
              {}, o, []() -> int { throw cad::UsageError("--gt is required"); }, capture) == 2);
    CHECK(capture.err() == "cad-test: --gt is required\n");
  }
  {
    StreamCapture capture;
    CHECK(run(
              {}, o, []() -> int { throw cad::Error("in.jsonl: No such file or directory"); },
              capture) == 1);
    CHECK(capture.err() == "cad-test: in.jsonl: No such file or directory\n");
  }
  {
    StreamCapture capture;
    CHECK(run(
              {}, o, []() -> int { throw std::runtime_error("boom"); }, capture) == 1);
    CHECK(capture.err() == "cad-test: boom\n");
  }
}

TEST_CASE("run_tool: usage errors exit 2, --help and --version exit 0", "[core]") {
  ToolOptions o;
  bool ran = false;
  auto body = [&] {
    ran = true;
    return 0;
  };
  {
    StreamCapture capture;
    CHECK(run({"--no-such-option"}, o, body, capture) == 2);
    CHECK(capture.err().rfind("cad-test: ", 0) == 0);
  }
  {
    StreamCapture capture;
    CHECK(run({"--threads", "many"}, o, body, capture) == 2);
  }
  {
    StreamCapture capture;
    CHECK(run({"--config", "/nonexistent/config.yaml"}, o, body, capture) == 2);
  }
  {
    cad::test::TempFile config("config");
    config.write("no-such-key: 1\n");
    StreamCapture capture;
    CHECK(run({"--config", config.path()}, o, body, capture) == 2);
    CHECK(capture.err().find("unknown option 'no-such-key' in the configuration file") !=
          std::string::npos);
  }
  {
    cad::test::TempFile config("config");
    config.write("dry-run: true\n");
    StreamCapture capture;
    CHECK(run({"--config", config.path()}, o, body, capture) == 2);
  }
  {
    StreamCapture capture;
    CHECK(run({"--help"}, o, body, capture) == 0);
    CHECK(capture.out().find("--log-level") != std::string::npos);
  }
  {
    StreamCapture capture;
    CHECK(run({"--version"}, o, body, capture) == 0);
    CHECK(capture.out() == std::string("cad-test ") + cad::core::cad_version() + "\n");
  }
  CHECK_FALSE(ran);
}

TEST_CASE("run_tool applies --log-level before running the body", "[core]") {
  ToolOptions o;
  StreamCapture capture;
  CLI::App app;
  add_tool_options(app, o);
  cad::test::LogCapture log;
  Args args{"--log-level", "error"};
  const int code = cad::core::run_tool("cad-test", args.argc(), args.argv(), app, [] {
    cad::core::logger().warn("hidden");
    cad::core::logger().error("shown");
    return 0;
  });
  CHECK(code == 0);
  CHECK(log.text() == "[cad-test] error: shown\n");
}

TEST_CASE("shards select records by index modulo N", "[core]") {
  const auto shard = cad::core::parse_shard("1/3");
  CHECK(shard.index == 1);
  CHECK(shard.count == 3);
  CHECK(shard.contains(4));
  CHECK_FALSE(shard.contains(3));
  for (const char* bad : {"3/3", "1/0", "1", "a/2", "-1/2", "1/2/3", ""})
    CHECK_THROWS_AS(cad::core::parse_shard(bad), cad::UsageError);

  CLI::App app;
  cad::core::Shard selected;
  cad::core::add_shard_option(app, selected);
  Args args{"--shard", "2/4"};
  app.parse(args.argc(), args.argv());
  CHECK(selected.index == 2);
  CHECK(selected.count == 4);
  CLI::App bad_app;
  cad::core::add_shard_option(bad_app, selected);
  Args bad_args{"--shard", "4/4"};
  CHECK_THROWS_AS(bad_app.parse(bad_args.argc(), bad_args.argv()), CLI::ValidationError);
}
