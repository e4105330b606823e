// Procedural families of industrial parts with randomized, realistic dimensions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/part.h"

namespace cad::data {

/// What a caller asks of a family; unset fields are chosen at random from the seed.
struct GenerateOptions {
  std::optional<Level> level;  ///< a level the family supports (Family::levels)
  std::string style;           ///< "chain", "sketch" or "plane"; "" = random among supported
};

/// One family: a kind of part (plate with a hole pattern, L-bracket, flange, ...).
struct Family {
  std::string name;                 ///< snake_case, e.g. "plate_holes"
  std::string description;          ///< one line for --list-families and the README
  std::vector<Level> levels;        ///< levels it can produce
  std::vector<std::string> styles;  ///< code styles it can write
  /// Makes one part. Deterministic in (seed, options). Throws cad::UsageError when
  /// options ask for a level or style the family does not support.
  Part (*generate)(std::uint64_t seed, const GenerateOptions& options);
};

/// Every family, in a fixed order.
const std::vector<Family>& families();
/// The family called `name`. Throws cad::UsageError listing the known names.
const Family& family(const std::string& name);

}  // namespace cad::data
