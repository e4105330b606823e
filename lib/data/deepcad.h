// DeepCAD JSON (Onshape sketch-and-extrude sequences) to CadQuery code and texts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "data/part.h"

namespace cad::data {

/// How a DeepCAD document is converted.
struct DeepcadOptions {
  /// Scale into DeepCAD's normalized frame: every coordinate is multiplied by
  /// 0.75 / (largest absolute coordinate of the document's bounding box), with no
  /// translation (the frame of the CADPrompt ground truths). Off: the document's units.
  bool normalize = true;
};

/// Converts one DeepCAD JSON document (`entities`, `properties.bounding_box`, `sequence` of
/// Sketch and ExtrudeFeature entries) into a Part of family and style "deepcad": CadQuery
/// code (hard-coded and parameterized) that assigns `result`, the ReCAD level, the number of
/// sketch curves, the construction steps and the two texts. Loops are chained geometrically
/// (their curves need not be consistently oriented) and the outer loop of a profile is the
/// one enclosing the largest area (`is_outer` is ignored). Throws cad::Error naming `where`
/// and the place in the document: "where: sequence[3] (ExtrudeFeature 'F1x'): reason".
Part convert_deepcad(const nlohmann::json& doc, const std::string& where,
                     const DeepcadOptions& options = {});

/// Reads and converts the DeepCAD JSON file at `path`; errors name the file.
Part read_deepcad(const std::string& path, const DeepcadOptions& options = {});

/// The DeepCAD files under `dir`: `*.json` directly in it (id = the file's stem) and
/// `*/deepcad.json` one level down (id = the folder's name), as (id, path) sorted by id.
/// Throws cad::Error when `dir` is not a directory.
std::vector<std::pair<std::string, std::string>> find_deepcad_files(const std::string& dir);

}  // namespace cad::data
