#include "data/part.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/error.h"

namespace cad::data {

const char* to_string(Level level) {
  switch (level) {
    case Level::L:
      return "L";
    case Level::F:
      return "F";
    case Level::S:
      return "S";
    case Level::SE:
      return "SE";
    case Level::MSE:
      return "MSE";
  }
  return "?";
}

Level parse_level(const std::string& text) {
  std::string upper = text;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (Level level : all_levels())
    if (upper == to_string(level)) return level;
  throw UsageError(fmt::format("unknown level '{}' (expected L, F, S, SE or MSE)", text));
}

const std::vector<Level>& all_levels() {
  static const std::vector<Level> levels{Level::L, Level::F, Level::S, Level::SE, Level::MSE};
  return levels;
}

std::string num(double value) {
  if (!std::isfinite(value)) throw Error(fmt::format("num: non-finite value {}", value));
  if (value == 0) return "0";
  for (int precision = 0; precision <= 12; ++precision) {
    std::string text = fmt::format("{:.{}f}", value, precision);
    double back = std::stod(text);
    if (std::abs(back - value) <= 1e-9 * std::max(1.0, std::abs(value))) {
      if (text == "-0") return "0";
      return text;
    }
  }
  return fmt::format("{}", value);
}

Rng::Rng(std::uint64_t seed) : state_(seed) {}

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double Rng::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

double Rng::uniform(double lo, double hi) {
  return lo + (hi - lo) * uniform();
}

int Rng::integer(int lo, int hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<int>(index(static_cast<std::size_t>(hi - lo) + 1));
}

double Rng::dimension(double lo, double hi, double step) {
  if (step <= 0) return uniform(lo, hi);
  long first = static_cast<long>(std::ceil(lo / step - 1e-9));
  long last = static_cast<long>(std::floor(hi / step + 1e-9));
  if (last < first) return lo;
  long k = first + static_cast<long>(index(static_cast<std::size_t>(last - first) + 1));
  return static_cast<double>(k) * step;
}

bool Rng::chance(double p) {
  return uniform() < p;
}

std::size_t Rng::index(std::size_t n) {
  if (n <= 1) return 0;
  return static_cast<std::size_t>(next() % n);
}

std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b) {
  Rng rng(a ^ (b * 0xD6E8FEB86659FD93ULL));
  rng.next();
  return rng.next();
}

std::uint64_t mix_seed(std::uint64_t a, const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return mix_seed(a, h);
}

}  // namespace cad::data
