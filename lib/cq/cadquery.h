// Entry points of the CadQuery implementation: install the `cadquery` module into an
// interpreter, per-run state (ops counts, show_object/export calls), result selection.
#pragma once

#include <TopoDS_Shape.hxx>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "script/interpreter.h"
#include "script/value.h"

namespace cad::cq {

/// State of one script run that host objects write into.
struct Session {
  /// Primitives the script built, by kind: "line", "arc", "circle", "spline", "ellipse",
  /// "extrude", "revolve", "loft", "sweep", "hole", "fillet", "chamfer", "shell", "box",
  /// "cylinder", "sphere", "union", "cut", "intersect", ... (edges are counted when
  /// created: rect adds 4 "line", polygon(n) adds n "line", circle adds 1 "circle").
  /// Solids placed per stack point count once per placement ("box", "cylinder", "sphere",
  /// "wedge", "hole" for hole/cboreHole/cskHole); extrude/revolve/loft/sweep/shell once
  /// per call; fillet/chamfer once per edge; union/cut/intersect once per explicit
  /// boolean (cutBlind/cutThruAll add "extrude" and "cut").
  std::map<std::string, std::int64_t> ops;
  /// Arguments of show_object(...) calls, in order.
  std::vector<script::Value> shown;
  /// exporters.export(obj, path) calls: the object and the path (never written).
  std::vector<std::pair<script::Value, std::string>> exported;

  /// The frame of the first `cq.Workplane(...)` the script made, for CME-CAD's plane
  /// reward: origin, x direction and normal in global coordinates.
  struct Frame {
    std::array<double, 3> origin, x_dir, normal;
  };
  std::optional<Frame> first_plane;

  void count(const std::string& op, std::int64_t n = 1) { ops[op] += n; }

  /// Breaks the reference cycles host objects form (a Sketch and the Workplane whose stack
  /// holds it point at each other), so that a worker running many scripts does not leak.
  /// Host code registers a cleanup per cycle; release() runs them once the run's values are
  /// no longer needed (the destructor does it too).
  void on_release(std::function<void()> cleanup) { cleanups_.push_back(std::move(cleanup)); }
  void release() {
    auto cleanups = std::move(cleanups_);
    cleanups_.clear();
    for (auto& f : cleanups) f();
  }
  ~Session() { release(); }

 private:
  std::vector<std::function<void()>> cleanups_;
};

/// The session of the run in progress on this thread (set by install()). Host code
/// calls session().count("line").
Session& session();

/// The module cadquery.func: CadQuery's free-function API (func.cpp), without its classes.
std::shared_ptr<script::Module> make_func_module();

/// Registers `cadquery` (with `cadquery.exporters`, `cadquery.occ_impl...` as far as
/// scripts use them) and the builtins `show_object` / `debug` in `in`, and makes
/// `session` the current session. One interpreter per run.
void install(script::Interpreter& in, std::shared_ptr<Session> session);

/// The object a script produced, chosen as DESIGN.md says: the last show_object
/// argument, else the last exporters.export argument, else the first of the variables r,
/// result, solid, part, assembly, part_1 that holds a solid, else the first of them bound to
/// any shape, else the last assigned Workplane that holds a solid.
struct ScriptResult {
  TopoDS_Shape shape;      ///< compound/solid of the chosen object; null if it holds none
  std::string result_var;  ///< "show_object", "exporters.export", or the variable name
};
std::optional<ScriptResult> select_result(const script::Interpreter& in, const Session& s);

/// The shape a script value stands for (Workplane: its solids, else all shapes on the
/// stack; cq.Shape: itself; Sketch: its faces; list: a compound); nullopt if none.
std::optional<TopoDS_Shape> to_shape(const script::Value& v);

}  // namespace cad::cq
