// Error types shared by every cadrl library: user-facing failures vs. broken invariants.
#pragma once

#include <stdexcept>
#include <string>

namespace cad {

/// A failure the user can act on (bad input, bad file, bad option). Tools print
/// `tool: message` and exit 1; adapters translate OCCT/yaml-cpp/... exceptions into it.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A wrong command line or configuration; tools exit 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace cad
