// A drafter's check of a finished drawing: labels clear of each other and of the outlines, each
// label beside its own dimension, leaders on what they point at, no tangent edges drawn.
#pragma once

#include <TopoDS_Shape.hxx>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "render/drawing.h"

namespace cad::render {

/// One fault of a drawing.
struct DrawingFault {
  /// "label_overlaps_label", "label_overlaps_outline", "label_off_page", "label_off_span" (a
  /// linear dimension's
  /// label lies between other dimensions' extension lines, not beside its own span),
  /// "leader_off_feature" (a leader's arrow does not touch a visible outline: the feature is
  /// hidden or missed), "shared_leader_tip" (two leaders point at one spot), "tangent_edge"
  /// (an edge between tangent faces drawn as a visible line).
  std::string kind;
  std::string view;     ///< "front", "top" or "left"
  std::string label;    ///< the label concerned, when there is one
  std::string message;  ///< what and where, for people
};

/// The box a label's text covers on the page (pixels), from DejaVu Sans' advance widths.
Box2 label_box(const Drawing& drawing, const PageText& text);

/// Checks `drawing`, made of `shape` by make_drawing. The tangent-edge check needs the B-rep
/// and is skipped when `shape` is null. Throws cad::Error when OCCT fails.
std::vector<DrawingFault> check_drawing(const Drawing& drawing, const TopoDS_Shape& shape);

/// The faults as [{kind, view, label?, message}].
nlohmann::json faults_json(const std::vector<DrawingFault>& faults);

}  // namespace cad::render
