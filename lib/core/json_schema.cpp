// A validator for the subset of JSON Schema that data_schemas/ uses.
#include "core/json_schema.h"

#include <fstream>
#include <regex>

#include "core/error.h"

namespace cad::core {
namespace {

using nlohmann::json;

bool has_type(const json& v, const std::string& t) {
  if (t == "null") return v.is_null();
  if (t == "boolean") return v.is_boolean();
  if (t == "integer")
    return v.is_number_integer() ||
           (v.is_number_float() && v.get<double>() == static_cast<long long>(v.get<double>()));
  if (t == "number") return v.is_number();
  if (t == "string") return v.is_string();
  if (t == "array") return v.is_array();
  if (t == "object") return v.is_object();
  return false;
}

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  void check(const json& v, const json& s, const std::string& at, std::vector<std::string>& out) {
    if (s.is_boolean()) {
      if (!s.get<bool>()) out.push_back(at + ": not allowed");
      return;
    }
    if (s.contains("$ref")) return check(v, resolve(s["$ref"].get<std::string>()), at, out);
    if (s.contains("type")) {
      const json& t = s["type"];
      bool ok = false;
      if (t.is_string())
        ok = has_type(v, t.get<std::string>());
      else
        for (const auto& x : t) ok = ok || has_type(v, x.get<std::string>());
      if (!ok) {
        out.push_back(at + ": expected type " + t.dump() + ", got " + v.dump().substr(0, 60));
        return;
      }
    }
    if (s.contains("enum")) {
      bool ok = false;
      for (const auto& e : s["enum"]) ok = ok || e == v;
      if (!ok) out.push_back(at + ": " + v.dump() + " is not one of " + s["enum"].dump());
    }
    if (s.contains("const") && s["const"] != v)
      out.push_back(at + ": must be " + s["const"].dump());
    if (v.is_number()) {
      double x = v.get<double>();
      if (s.contains("minimum") && x < s["minimum"].get<double>())
        out.push_back(at + ": " + v.dump() + " is below the minimum " + s["minimum"].dump());
      if (s.contains("maximum") && x > s["maximum"].get<double>())
        out.push_back(at + ": " + v.dump() + " is above the maximum " + s["maximum"].dump());
      if (s.contains("exclusiveMinimum") && x <= s["exclusiveMinimum"].get<double>())
        out.push_back(at + ": " + v.dump() + " is not above " + s["exclusiveMinimum"].dump());
    }
    if (v.is_string()) {
      const std::string& text = v.get_ref<const std::string&>();
      if (s.contains("minLength") && text.size() < s["minLength"].get<std::size_t>())
        out.push_back(at + ": shorter than " + s["minLength"].dump() + " characters");
      if (s.contains("pattern") &&
          !std::regex_search(text, std::regex(s["pattern"].get<std::string>())))
        out.push_back(at + ": " + v.dump() + " does not match " + s["pattern"].dump());
    }
    if (v.is_object()) {
      if (s.contains("required"))
        for (const auto& k : s["required"])
          if (!v.contains(k.get<std::string>()))
            out.push_back(at + ": missing required field '" + k.get<std::string>() + "'");
      const json* props = s.contains("properties") ? &s["properties"] : nullptr;
      for (auto it = v.begin(); it != v.end(); ++it) {
        std::string child = at + "/" + it.key();
        if (props && props->contains(it.key())) {
          check(it.value(), (*props)[it.key()], child, out);
        } else if (s.contains("additionalProperties")) {
          const json& ap = s["additionalProperties"];
          if (ap.is_boolean() && !ap.get<bool>())
            out.push_back(child + ": unexpected field");
          else if (ap.is_object())
            check(it.value(), ap, child, out);
        }
      }
    }
    if (v.is_array()) {
      if (s.contains("minItems") && v.size() < s["minItems"].get<std::size_t>())
        out.push_back(at + ": fewer than " + s["minItems"].dump() + " items");
      if (s.contains("maxItems") && v.size() > s["maxItems"].get<std::size_t>())
        out.push_back(at + ": more than " + s["maxItems"].dump() + " items");
      if (s.contains("items"))
        for (std::size_t i = 0; i < v.size(); ++i)
          check(v[i], s["items"], at + "/" + std::to_string(i), out);
    }
    if (s.contains("oneOf") || s.contains("anyOf")) {
      bool one = s.contains("oneOf");
      const json& alts = one ? s["oneOf"] : s["anyOf"];
      std::size_t matches = 0;
      std::vector<std::string> first_errors;
      for (const auto& alt : alts) {
        std::vector<std::string> errs;
        check(v, alt, at, errs);
        if (errs.empty())
          ++matches;
        else if (first_errors.empty() || errs.size() < first_errors.size())
          first_errors = errs;
      }
      if (matches == 0) {
        out.push_back(at + ": matches none of the alternatives");
        out.insert(out.end(), first_errors.begin(), first_errors.end());
      } else if (one && matches > 1) {
        out.push_back(at + ": matches more than one alternative of oneOf");
      }
    }
  }

 private:
  const json& resolve(const std::string& ref) {
    for (const char* prefix : {"#/$defs/", "#/definitions/"}) {
      std::string p = prefix;
      if (ref.rfind(p, 0) == 0) {
        std::string key = p.substr(2, p.size() - 3);
        std::string name = ref.substr(p.size());
        if (root_.contains(key) && root_[key].contains(name)) return root_[key][name];
      }
    }
    throw cad::Error("JSON schema: cannot resolve $ref '" + ref + "'");
  }
  const json& root_;
};

}  // namespace

std::vector<std::string> validate_json(const nlohmann::json& value, const nlohmann::json& schema) {
  std::vector<std::string> out;
  Validator(schema).check(value, schema, "", out);
  for (auto& m : out)
    if (m.empty() || m[0] == ':') m = "/" + m;
  return out;
}

nlohmann::json load_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw cad::Error(path + ": No such file or directory");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw cad::Error(path + ": " + e.what());
  }
}

}  // namespace cad::core
