// A slice `obj[lo:hi:step]` handed to a host object's get_item (Python's slice object), for
// host sequences such as cq.Workplane whose items are not a script list.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "script/value.h"

namespace cad::script {

struct SliceValue : Object {
  SliceValue(std::optional<std::int64_t> lo, std::optional<std::int64_t> hi, std::int64_t step)
      : lo(lo), hi(hi), step(step) {}
  std::optional<std::int64_t> lo, hi;
  std::int64_t step = 1;  ///< never 0 (the interpreter raises ValueError first)
  std::string type_name() const override { return "slice"; }

  /// The indices the slice selects from a sequence of `n` items, as Python's
  /// slice.indices(n) and range() give them.
  std::vector<std::size_t> indices(std::size_t size) const {
    const auto n = static_cast<std::int64_t>(size);
    auto clamp = [&](std::optional<std::int64_t> v, std::int64_t def) {
      if (!v) return def;
      const std::int64_t x = *v < 0 ? *v + n : *v;
      return step > 0 ? std::clamp<std::int64_t>(x, 0, n) : std::clamp<std::int64_t>(x, -1, n - 1);
    };
    const std::int64_t a = clamp(lo, step > 0 ? 0 : n - 1), b = clamp(hi, step > 0 ? n : -1);
    std::vector<std::size_t> out;
    for (std::int64_t i = a; step > 0 ? i < b : i > b; i += step)
      out.push_back(static_cast<std::size_t>(i));
    return out;
  }
};

}  // namespace cad::script
