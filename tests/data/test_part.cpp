#include <catch2/catch.hpp>

#include "core/error.h"
#include "data/part.h"

using namespace cad::data;

TEST_CASE("num writes the shortest decimal that round-trips", "[data]") {
  CHECK(num(40) == "40");
  CHECK(num(12.5) == "12.5");
  CHECK(num(0.125) == "0.125");
  CHECK(num(-3) == "-3");
  CHECK(num(-0.0) == "0");
  CHECK(num(1.0 / 3.0) == "0.333333333");
  CHECK_THROWS_AS(num(std::numeric_limits<double>::infinity()), cad::Error);
}

TEST_CASE("levels parse and print in curriculum order", "[data]") {
  std::vector<std::string> names;
  for (Level level : all_levels()) names.push_back(to_string(level));
  CHECK(names == std::vector<std::string>{"L", "F", "S", "SE", "MSE"});
  CHECK(parse_level("mse") == Level::MSE);
  CHECK_THROWS_AS(parse_level("X"), cad::UsageError);
}

TEST_CASE("Rng is deterministic and stays in range", "[data]") {
  Rng a(42), b(42), c(43);
  CHECK(a.next() == b.next());
  CHECK(a.next() != c.next());
  Rng r(7);
  int low = 0, high = 0;
  for (int i = 0; i < 2000; ++i) {
    double d = r.dimension(10, 20, 0.5);
    REQUIRE(d >= 10);
    REQUIRE(d <= 20);
    REQUIRE(std::fmod(d, 0.5) == 0);
    int k = r.integer(1, 3);
    REQUIRE(k >= 1);
    REQUIRE(k <= 3);
    low += k == 1;
    high += k == 3;
  }
  CHECK(low > 500);
  CHECK(high > 500);
  CHECK(mix_seed(1, "plate") != mix_seed(1, "flange"));
  CHECK(mix_seed(1, 2) == mix_seed(1, 2));
}
