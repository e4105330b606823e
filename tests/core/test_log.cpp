// Tests of the shared stderr logger.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/log.h"
#include "log_capture.h"

using cad::core::logger;
using cad::core::set_log_level;

TEST_CASE("the logger prints [tool] level: message", "[core]") {
  cad::test::LogCapture capture("cad-exec");
  logger().info("read {} records", 3);
  logger().warn("slow");
  CHECK(capture.text() == "[cad-exec] info: read 3 records\n[cad-exec] warning: slow\n");
}

TEST_CASE("set_log_level filters messages and rejects unknown names", "[core]") {
  cad::test::LogCapture capture;
  set_log_level("warn");
  logger().info("hidden");
  logger().error("shown");
  set_log_level("off");
  logger().error("hidden too");
  set_log_level("debug");
  logger().debug("visible");
  CHECK(capture.text() == "[test] error: shown\n[test] debug: visible\n");

  for (const char* name : {"trace", "debug", "info", "warn", "error", "off"})
    CHECK_NOTHROW(set_log_level(name));
  CHECK_THROWS_AS(set_log_level("verbose"), cad::UsageError);
  CHECK_THROWS_AS(set_log_level("WARN"), cad::UsageError);
}

TEST_CASE("spdlog's default logger is the core logger", "[core]") {
  cad::test::LogCapture capture("tool");
  spdlog::info("via default");
  CHECK(capture.text() == "[tool] info: via default\n");
}
