// A part as cad-dataset-build knows it: how it was constructed, its code and its texts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cad::data {

/// ReCAD's hierarchy of primitive levels.
enum class Level {
  L,    ///< one closed loop, extruded
  F,    ///< one face with inner loops, extruded
  S,    ///< a sketch of several faces, extruded
  SE,   ///< one sketch-extrude with features (holes, fillets, chamfers, shell, ...)
  MSE,  ///< several sketch-extrudes (or revolves) combined by booleans
};

/// "L", "F", "S", "SE" or "MSE".
const char* to_string(Level level);
/// Parses "L", "F", "S", "SE", "MSE" (case-insensitive). Throws cad::UsageError otherwise.
Level parse_level(const std::string& text);
/// All levels in curriculum order.
const std::vector<Level>& all_levels();

/// A named dimension, as the parameterized code declares it (`width = 40`).
struct Param {
  std::string name;     ///< Python identifier, e.g. "width"
  double value = 0;     ///< model units (millimetres for procedural parts)
  std::string meaning;  ///< "overall width along X"
};

/// One construction step, in the order an engineer would model the part.
struct Feature {
  /// "base", "hole", "hole_pattern", "pocket", "boss", "slot", "fillet", "chamfer", "shell",
  /// "mirror", "revolve", "rib", "cut", "join", "counterbore", "countersink", ...
  std::string kind;
  /// One sentence with the values: "a 40 x 20 mm rectangle on the XY plane, extruded 10 mm
  /// along +Z".
  std::string description;
  /// Sentences that derive coordinates and placements from the drawing's reference edges:
  /// "the block is centred on the origin, so its left edge is at x = -20; the hole centre,
  /// 10 mm from it, is at x = -20 + 10 = -10".
  std::vector<std::string> placement;
};

/// Everything a source knows about one part before it is executed.
struct Part {
  std::string family;  ///< procedural family name, "deepcad" or "script"
  Level level = Level::SE;
  int n_curves = 0;   ///< sketch curves (lines, arcs, circles, spline segments) in all sketches
  std::string style;  ///< code style: "chain" (Workplane chains), "sketch" (Sketch API),
                      ///< "plane" (cq.Plane + Python loops), "deepcad", "script"
  std::vector<Param> params;      ///< named dimensions (empty when unknown)
  std::vector<Feature> features;  ///< construction steps, base feature first (may be empty)
  std::string code;               ///< hard-coded CadQuery (numbers inline), assigns `result`
  std::string code_param;         ///< parameterized: the params as named variables first, loops for
                                  ///< patterns; the same solid as `code` ("" when none)
  std::string text_abstract;      ///< one or two sentences: what the part is
  std::string text_detailed;      ///< every dimension and feature needed to model it
};

/// Formats a dimension for code and text: shortest decimal that round-trips at 1e-9
/// relative, no trailing zeros ("40", "12.5", "0.125", "-3").
std::string num(double value);

/// Deterministic random numbers that do not depend on the standard library's
/// distributions (the same seed gives the same parts with any compiler).
class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  /// Next raw 64-bit value (SplitMix64).
  std::uint64_t next();
  /// Uniform in [0, 1).
  double uniform();
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi);
  /// Uniform integer in [lo, hi] (inclusive).
  int integer(int lo, int hi);
  /// Uniform in [lo, hi] rounded to a multiple of `step` (realistic dimensions: step 0.5 or 1).
  double dimension(double lo, double hi, double step = 1.0);
  /// True with probability p.
  bool chance(double p);
  /// Index in [0, n).
  std::size_t index(std::size_t n);
  /// A uniformly chosen element.
  template <class T>
  const T& choice(const std::vector<T>& items) {
    return items[index(items.size())];
  }

 private:
  std::uint64_t state_;
};

/// Mixes several values into one seed (SplitMix64 finalizer over each).
std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b);
/// Mixes a string (FNV-1a) into a seed.
std::uint64_t mix_seed(std::uint64_t a, const std::string& text);

}  // namespace cad::data
