// Helpers shared by the cq host objects: bound methods, OCCT error translation, classes.
#pragma once

#include <Standard_Failure.hxx>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "script/interpreter.h"
#include "script/value.h"

namespace cad::cq {

/// Runs `fn`, turning OCCT exceptions into a GeometryError naming `what` (e.g.
/// "Workplane.fillet"); geometry errors that do not name a method yet get `what` prefixed.
/// Other script errors pass through unchanged.
template <class Fn>
auto guarded(const std::string& what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const script::ScriptError& e) {
    std::string msg = e.what();
    std::string head = msg.substr(0, msg.find(": "));
    bool named = head.size() < msg.size() && head.find('.') != std::string::npos &&
                 head.find(' ') == std::string::npos;
    if (e.kind != script::ErrorKind::Geometry || named) throw;
    throw script::ScriptError(e.kind, e.type, what + ": " + msg, e.line, e.column);
  } catch (const Standard_Failure& e) {
    std::string msg = e.GetMessageString() ? e.GetMessageString() : "";
    if (msg.empty()) msg = e.DynamicType()->Name();
    script::throw_geometry(what + ": " + msg);
  }
}

/// A host method: member function taking the interpreter and the call's arguments.
template <class T>
using Method = script::Value (T::*)(script::Interpreter&, script::CallArgs&);

/// A builtin that calls `m` on `self`, named `name` in errors, with OCCT errors translated.
template <class T>
script::Value bind_method(std::shared_ptr<T> self, const std::string& name, Method<T> m) {
  return std::make_shared<script::Builtin>(
      name, [self = std::move(self), name, m](script::Interpreter& in, script::CallArgs& args) {
        return guarded(name, [&] { return ((*self).*m)(in, args); });
      });
}

/// A builtin whose OCCT errors are translated to GeometryError naming `name`.
inline script::Value make_builtin(const std::string& name, script::Builtin::Fn fn) {
  return std::make_shared<script::Builtin>(
      name, [name, fn = std::move(fn)](script::Interpreter& in, script::CallArgs& args) {
        return guarded(name, [&] { return fn(in, args); });
      });
}

/// A class object such as cq.Vector or cq.Solid: callable (the constructor, if any) with
/// static attributes (cq.Plane.named, cq.Solid.makeBox, ...).
struct HostClass : script::Object {
  HostClass(std::string name, script::Builtin::Fn ctor)
      : name(std::move(name)), ctor(std::move(ctor)) {}
  std::string name;
  script::Builtin::Fn ctor;
  std::map<std::string, script::Value> statics;

  std::string type_name() const override { return "type"; }
  /// "<class 'Workplane'>": the form the interpreter's isinstance() compares with.
  std::string repr() const override { return "<class '" + name + "'>"; }
  script::Value call(script::Interpreter& in, script::CallArgs& args) override {
    if (!ctor) script::throw_type_error("cannot create '" + name + "' instances");
    return guarded(name, [&] { return ctor(in, args); });
  }
  script::Value get_attr(script::Interpreter& in, const std::string& attr) override {
    auto it = statics.find(attr);
    if (it != statics.end()) return it->second;
    return Object::get_attr(in, attr);
  }
  /// Adds a static method cq.<name>.<attr>.
  void def(const std::string& attr, script::Builtin::Fn fn) {
    statics[attr] = make_builtin(name + "." + attr, std::move(fn));
  }
};

}  // namespace cad::cq
