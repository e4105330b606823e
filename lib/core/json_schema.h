// A validator for the subset of JSON Schema that data_schemas/ uses.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cad::core {

/// Validates `value` against `schema`. Supports type (incl. arrays of types and
/// "integer"), enum, const, required, properties, additionalProperties (bool or
/// schema), items, minItems, maxItems, minimum, maximum, exclusiveMinimum, minLength, pattern
/// (ECMAScript), oneOf, anyOf, and $ref to
/// "#/$defs/..." or "#/definitions/...". Returns one message per violation, each
/// starting with the JSON pointer of the offending value ("/error/line: ...");
/// empty when valid. Throws cad::Error for an unresolvable $ref.
std::vector<std::string> validate_json(const nlohmann::json& value, const nlohmann::json& schema);

/// Reads a schema file. Throws cad::Error("path: reason").
nlohmann::json load_json_file(const std::string& path);

}  // namespace cad::core
