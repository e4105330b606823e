// CadQuery's selector objects (cadquery.selectors / cq.selectors) for the interpreter: the
// classes, their set operators (& + and unary -) and filter(), over cq/selectors.h's trees.
#pragma once

#include <string>

#include "cq/selectors.h"
#include "script/value.h"

namespace cad::cq {

/// The selector of a script value: a string is parsed (StringSyntaxSelector), a selector object
/// is taken as it is. TypeError naming `what` for anything else.
Selector to_selector(const script::Value& v, const std::string& what);

/// Adds the selector classes to a module: every class of cadquery/selectors.py when `all`,
/// else the ones `cadquery` itself exports (Selector, NearestToPointSelector, BoxSelector,
/// ParallelDirSelector, DirectionSelector, PerpendicularDirSelector, TypeSelector,
/// DirectionMinMaxSelector, StringSyntaxSelector).
void add_selector_classes(script::Module& module, bool all);

/// The module `cadquery.selectors`.
script::Value make_selectors_module();

}  // namespace cad::cq
