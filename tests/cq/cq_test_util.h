// Helpers for the cq tests: run a CadQuery script in a fresh interpreter and inspect it.
#pragma once

#include <TopoDS_Shape.hxx>

#include <memory>
#include <string>

#include "cq/cadquery.h"
#include "cq/shapes.h"
#include "script/interpreter.h"

namespace cad::cq::testing {

/// A finished script run: its interpreter (globals) and session.
struct Run {
  std::unique_ptr<script::Interpreter> in = std::make_unique<script::Interpreter>();
  std::shared_ptr<Session> session = std::make_shared<Session>();

  /// The shape a global stands for (to_shape); a null shape when none.
  TopoDS_Shape shape(const std::string& var) const {
    auto v = in->global(var);
    if (!v) return {};
    return to_shape(*v).value_or(TopoDS_Shape());
  }
  /// Evaluates a global of the script as a number (int or float).
  double number(const std::string& var) const {
    auto v = in->global(var);
    return v ? script::to_float(*v, var) : -1;
  }
};

/// Runs `source` with `import cadquery as cq` prepended.
inline Run run_cq(const std::string& source) {
  Run r;
  install(*r.in, r.session);
  r.in->run_source("import cadquery as cq\n" + source);
  return r;
}

inline std::size_t count(const TopoDS_Shape& s, TopAbs_ShapeEnum t) {
  return sub_shapes(s, t).size();
}

}  // namespace cad::cq::testing
