// Shared helpers of the procedural families: option handling, named dimensions, expressions
// that print as numbers (hard-coded code) or as parameter names (parameterized code), and
// text templates.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "data/families.h"
#include "data/part.h"

namespace cad::data::fam {

/// The level and style one part is made in.
struct Choice {
  Level level = Level::SE;
  std::string style;
};

/// Resolves `options` against what a family supports: the asked level and style, or random
/// ones among the supported. Throws cad::UsageError for an unsupported level or style.
Choice choose(Rng& rng, const std::string& family, const std::vector<Level>& levels,
              const std::vector<std::string>& styles, const GenerateOptions& options);

/// A value with the Python expression that computes it from the parameters: `width / 2`
/// with value 20. Arithmetic builds both, with the parentheses Python needs.
struct X {
  std::string text;  ///< expression over parameter names
  double value = 0;
  int prec = 3;  ///< 1: + -, 2: * /, 3: atom

  X() = default;
  X(double v);  // NOLINT(google-explicit-constructor): numbers are expressions
  X(int v) : X(static_cast<double>(v)) {}  // NOLINT(google-explicit-constructor)
  X(std::string t, double v, int p = 3) : text(std::move(t)), value(v), prec(p) {}
};
X operator+(const X& a, const X& b);
X operator-(const X& a, const X& b);
X operator*(const X& a, const X& b);
X operator/(const X& a, const X& b);
X operator-(const X& a);
/// The expression in parentheses when it is not an atom (for method arguments it is never
/// needed; for `(a + b, c)` tuples neither).
X group(const X& a);

/// Named dimensions of one part, in declaration order (the order of `Part::params`).
class Dims {
 public:
  /// Declares `name` = `value` (`meaning` for the comment and Part::params); returns it as
  /// an expression.
  X add(const std::string& name, double value, const std::string& meaning);
  /// A declared dimension.
  X operator[](const std::string& name) const;
  const std::vector<Param>& params() const { return params_; }

 private:
  std::vector<Param> params_;
};

/// Writes expressions as numbers (hard-coded code) or as their text (parameterized code).
struct W {
  bool named = false;
  /// "20" or "width / 2".
  std::string operator()(const X& x) const;
  /// "(a, b)".
  std::string pt(const X& a, const X& b) const;
  /// "(a, b, c)".
  std::string pt(const X& a, const X& b, const X& c) const;
};

/// A Python list of 2D points, on one line when short, else one point per line;
/// closed (first point repeated) when `closed`.
std::string profile_list(const W& w, const std::vector<std::pair<X, X>>& pts, bool closed);

/// Fills `part.code` and `part.code_param` from `body`, which writes the statements after the
/// imports (and, for code_param, after the parameter block) for either writer. Adds
/// `import math` when the body uses `math.`.
void write_code(Part& part, const Dims& dims, const std::function<std::string(const W&)>& body);

/// A dimension in [lo, hi] on the coarsest of the steps 5, 1 and 0.5 that has a value in the
/// range; lo rounded up to 0.5 when none has (or when hi < lo).
double nice_dimension(Rng& rng, double lo, double hi);

/// One of `options`, chosen by `rng`.
std::string pick(Rng& rng, std::initializer_list<const char*> options);
/// "40 x 20 mm", "40 x 20 x 10 mm".
std::string size2(double a, double b);
std::string size3(double a, double b, double c);
/// "two", "three", ... for small counts, digits otherwise.
std::string count_word(int n);
/// "a" or "an" before `next` ("an 80 mm", "an 11 mm", "a 40 mm", "an M8").
std::string article(const std::string& next);
/// First letter upper-case.
std::string capitalize(std::string s);
/// The detailed text: an opening sentence, then every feature's description (with varied
/// connectives), then `closing` when not empty.
std::string detailed_text(Rng& rng, const std::string& opening,
                          const std::vector<Feature>& features, const std::string& closing = "");
/// Fixes "a 8 mm" to "an 8 mm" (and 11, 18, 80-89, ...) in the texts, feature descriptions and
/// placements.
void polish(Part& part);
/// A generator whose part is polished.
template <Part (*F)(std::uint64_t, const GenerateOptions&)>
Part polished(std::uint64_t seed, const GenerateOptions& options) {
  Part part = F(seed, options);
  polish(part);
  return part;
}

/// Points of a centred `nx` x `ny` grid with pitches `px`, `py` (row by row, as rarray).
std::vector<std::pair<double, double>> grid(int nx, int ny, double px, double py);
/// "[(a, b), (c, d)]" with numbers.
std::string point_list(const std::vector<std::pair<double, double>>& pts);
/// "a, b and c" of the values with unit "mm" appended when `unit`.
std::string value_list(const std::vector<double>& values, bool unit = true);

// The families, one factory per family (registry: families.cpp).
Family plate_holes_family();
Family slotted_plate_family();
Family counterbored_plate_family();
Family l_bracket_family();
Family rib_bracket_family();
Family flange_family();
Family stepped_shaft_family();
Family bushing_family();
Family hex_spacer_family();
Family pocket_block_family();
Family channel_family();
Family tslot_block_family();
Family wedge_family();
Family enclosure_family();
Family pillow_block_family();
Family pulley_family();
Family shaft_collar_family();

}  // namespace cad::data::fam
