// cq.Assembly and cq.Color for the interpreter (CadQuery 2.8's assembly.py): parts with
// locations, names and colors, nested; toCompound() is the assembly's shapes placed;
// constrain / solve with the constraint kinds and costs of occ_impl/solver.py (minimized by
// Levenberg-Marquardt where CadQuery runs IPOPT).
#pragma once

#include <TopoDS_Shape.hxx>

#include <optional>

#include "script/value.h"

namespace cad::cq {

/// The class objects `cq.Assembly` and `cq.Color`.
script::Value assembly_class();
script::Value color_class();

/// toCompound() of an Assembly value; nullopt for any other value.
std::optional<TopoDS_Shape> assembly_compound(const script::Value& v);

}  // namespace cad::cq
