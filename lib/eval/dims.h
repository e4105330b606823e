// Dimension agreement (issue 13's reward no peer has): the share of an input drawing's annotated
// dimensions that a generated solid reproduces, measured by dimensioning the solid the way
// cad-render does and matching kinds, features and values.
#pragma once

#include <TopoDS_Shape.hxx>

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace cad::eval {

/// How two dimension values must agree to match.
struct DimsTolerance {
  double relative = 0.01;  ///< share of the drawing's value
  double absolute = 0.1;   ///< model units (mm), at least: labels are rounded to 0.1
  double degrees = 0.5;    ///< angles, at least
};

/// The outcome of matching a drawing's dimensions against a solid's.
struct DimsMatch {
  std::size_t total = 0;                            ///< the drawing's dimensions
  std::size_t matched = 0;                          ///< of them, reproduced by the solid
  nlohmann::json missed = nlohmann::json::array();  ///< labels of the others, drawing order
  /// matched / total; 1 when the drawing has no dimension.
  double share() const { return total ? static_cast<double>(matched) / total : 1.0; }
};

/// Matches `drawing` (a dims JSON list as cad-render writes it: kind, feature, value, count,
/// legs, hole_diameter, ...) against `solid_dims` (the same for the generated solid). A
/// drawing dimension is reproduced when an unused solid dimension has the same kind, feature
/// and count and every value agrees within the tolerance (value; a chamfer's two legs; a
/// pitch circle's hole diameter): |a - b| <= max(absolute, relative |b|) (angles: degrees).
/// Each solid dimension serves one drawing dimension; among candidates the nearest value is
/// taken (greedy, drawing dimensions in increasing value). Views are not compared: the same
/// extent drawn in two views is two dimensions on both sides. Throws cad::Error for a list
/// that is not one.
DimsMatch match_dimensions(const nlohmann::json& drawing, const nlohmann::json& solid_dims,
                           const DimsTolerance& tolerance = {});

/// The dimensions cad-render would annotate on `shape`'s three views (render::make_drawing at
/// its default page, labels with `decimals`), as a dims JSON list. Throws cad::Error.
nlohmann::json solid_dimensions(const TopoDS_Shape& shape, int decimals = 1);

}  // namespace cad::eval
