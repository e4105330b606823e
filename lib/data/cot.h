// Expert chains of thought (CME-CAD's multi-expert styles), written from a part's construction
// and its drawing: no language model involved.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/part.h"

namespace cad::data {

/// One expert's reasoning and the code it ends in.
struct Cot {
  std::string expert;  ///< "views", "planner" or "coords"
  std::string text;    ///< the reasoning, ending with the sentence that introduces the code
  std::string code;    ///< the code the reasoning justifies (code_param for "planner" when kept)
};

/// The expert styles, in a fixed order:
/// - "views": reads the drawing view by view and dimension by dimension, then maps the
///   dimensions onto features;
/// - "planner": plans the base feature, then the secondary features, names the dimensions
///   and writes parameterized code when the part has it;
/// - "coords": derives the coordinate frame, the placement of every feature and checks the
///   overall size against the drawing.
const std::vector<std::string>& expert_names();

/// The fixed system prompt of an expert (MEFT: one per expert). Throws cad::UsageError for
/// an unknown name.
const std::string& expert_prompt(const std::string& expert);

/// Writes `expert`'s chain of thought for `part`. `dimensions` is the drawing's dimension
/// list (render::dimensions_json: [{kind, value, label, view, feature, direction?,
/// count?}]; may be empty when no drawing was made); `stats` holds the solid's figures
/// ({size: [x, y, z], bbox: {min, max}, volume, faces, ops}). `use_param` lets "planner" end
/// in part.code_param (when non-empty) instead of part.code. `brief` writes each style as
/// terse notes instead of sentences (a few dozen tokens, for models too small for the full
/// text): "views" lists each view's dimension labels and the size along X, Y, Z; "planner"
/// the feature kinds in modelling order and the named dimensions; "coords" the first
/// workplane and the extents. Deterministic.
Cot write_cot(const std::string& expert, const Part& part, const nlohmann::json& dimensions,
              const nlohmann::json& stats, bool use_param = true, bool brief = false);

}  // namespace cad::data
