// cq.Vector, cq.Plane, cq.Location with CadQuery's constructors, attributes and operators.
#include "cq/geom_types.h"

#include <gp.hxx>
#include <gp_Ax1.hxx>
#include <gp_Mat.hxx>
#include <gp_Quaternion.hxx>

#include <cmath>

#include "cq/shapes.h"

namespace cad::cq {

using script::CallArgs;
using script::Interpreter;
using script::Param;
using script::Value;

namespace {

constexpr double kDeg = M_PI / 180.0;

std::string fmt(double d) {
  return Value(d).repr();
}

std::string tuple_str(const gp_XYZ& p) {
  return "(" + fmt(p.X()) + ", " + fmt(p.Y()) + ", " + fmt(p.Z()) + ")";
}

Value tuple3(const gp_XYZ& p) {
  return script::make_tuple({p.X(), p.Y(), p.Z()});
}

gp_Dir unit(const gp_Vec& v, const std::string& what) {
  if (v.Magnitude() <= gp::Resolution()) script::throw_value_error(what + " should be non null");
  return gp_Dir(v);
}

}  // namespace

// ---- Plane ---------------------------------------------------------------------------

Plane Plane::make(const gp_Pnt& origin, const std::optional<gp_Vec>& x_dir, const gp_Vec& normal) {
  Plane p;
  p.origin = origin;
  p.z_dir = unit(normal, "normal");
  gp_Dir x = x_dir ? unit(*x_dir, "xDir") : gp_Ax3(origin, p.z_dir).XDirection();
  gp_Vec y = gp_Vec(p.z_dir).Crossed(gp_Vec(x));
  if (y.Magnitude() < 1e-12) script::throw_value_error("Plane: xDir is parallel to the normal");
  p.y_dir = gp_Dir(y);
  p.x_dir = gp_Dir(gp_Vec(p.y_dir).Crossed(gp_Vec(p.z_dir)));
  return p;
}

Plane Plane::named(const std::string& name, const gp_Pnt& o) {
  struct Axes {
    const char* name;
    gp_Vec x, z;
  };
  static const Axes table[] = {
      {"XY", {1, 0, 0}, {0, 0, 1}},    {"YZ", {0, 1, 0}, {1, 0, 0}},
      {"ZX", {0, 0, 1}, {0, 1, 0}},    {"XZ", {1, 0, 0}, {0, -1, 0}},
      {"YX", {0, 1, 0}, {0, 0, -1}},   {"ZY", {0, 0, 1}, {-1, 0, 0}},
      {"front", {1, 0, 0}, {0, 0, 1}}, {"back", {-1, 0, 0}, {0, 0, -1}},
      {"left", {0, 0, 1}, {-1, 0, 0}}, {"right", {0, 0, -1}, {1, 0, 0}},
      {"top", {1, 0, 0}, {0, 1, 0}},   {"bottom", {1, 0, 0}, {0, -1, 0}},
  };
  for (const auto& a : table)
    if (name == a.name) return make(o, a.x, a.z);
  script::throw_value_error(
      "Supported names are ['XY', 'YZ', 'ZX', 'XZ', 'YX', 'ZY', 'front', 'back', 'left', "
      "'right', 'top', 'bottom']");
}

Plane Plane::from_location(const gp_Trsf& loc) {
  return make(gp_Pnt(loc.TranslationPart()), gp_Vec(1, 0, 0).Transformed(loc),
              gp_Vec(0, 0, 1).Transformed(loc));
}

gp_Trsf Plane::location() const {
  return location_at(origin);
}

gp_Trsf Plane::location_at(const gp_Pnt& v) const {
  gp_Trsf t;
  t.SetTransformation(gp_Ax3(v, z_dir, x_dir));
  t.Invert();
  return t;
}

gp_Pnt Plane::to_world(const gp_Pnt& local) const {
  return local.Transformed(location());
}
gp_Pnt Plane::to_local(const gp_Pnt& world) const {
  return world.Transformed(location().Inverted());
}
gp_Vec Plane::dir_to_world(const gp_Vec& l) const {
  return gp_Vec(x_dir) * l.X() + gp_Vec(y_dir) * l.Y() + gp_Vec(z_dir) * l.Z();
}

Plane Plane::rotated(double rx, double ry, double rz) const {
  gp_Trsf t1, t2, t3;
  t1.SetRotation(gp_Ax1(gp_Pnt(), x_dir), rx * kDeg);
  t2.SetRotation(gp_Ax1(gp_Pnt(), y_dir), ry * kDeg);
  t3.SetRotation(gp_Ax1(gp_Pnt(), z_dir), rz * kDeg);
  gp_Trsf t = t1 * t2 * t3;
  return make(origin, gp_Vec(x_dir).Transformed(t), gp_Vec(z_dir).Transformed(t));
}

gp_Trsf trsf_from_euler(const gp_Vec& t, double rx, double ry, double rz) {
  gp_Trsf tr;
  gp_Quaternion q;
  q.SetEulerAngles(gp_Extrinsic_XYZ, rx * kDeg, ry * kDeg, rz * kDeg);
  tr.SetRotation(q);
  tr.SetTranslationPart(t);
  return tr;
}

// ---- conversions ---------------------------------------------------------------------

Value make_vector(const gp_Vec& v) {
  return std::make_shared<VectorObj>(v);
}
Value make_vector(const gp_Pnt& p) {
  return std::make_shared<VectorObj>(gp_Vec(p.XYZ()));
}
Value make_plane(const Plane& p) {
  return std::make_shared<PlaneObj>(p);
}
Value make_location(const gp_Trsf& t) {
  return std::make_shared<LocationObj>(t);
}

namespace {
// The items of a script object that is a sequence of 2 or 3 by its own __len__ (a class with
// __len__ and __getitem__, unpacked as Vector(*p) would unpack it); nullopt otherwise.
std::optional<std::vector<Value>> sequence_items(const Value& v) {
  if (!v.is_object() || v.as<script::Sequence>()) return std::nullopt;
  const auto n = v.as_object()->length();
  if (!n || (*n != 2 && *n != 3)) return std::nullopt;
  return v.as_object()->iterate();
}
}  // namespace

bool is_vector_like(const Value& v) {
  if (v.as<VectorObj>()) return true;
  auto seq = v.as<script::Sequence>();
  std::optional<std::vector<Value>> own;
  if (!seq) own = sequence_items(v);
  const std::vector<Value>* items = seq ? &seq->items : own ? &*own : nullptr;
  if (!items || (items->size() != 2 && items->size() != 3)) return false;
  for (const auto& i : *items)
    if (!i.is_number()) return false;
  return true;
}

gp_Vec to_vec(const Value& v, const std::string& what) {
  if (auto vec = v.as<VectorObj>()) return vec->v;
  if (auto own = sequence_items(v)) return to_vec(script::make_tuple(std::move(*own)), what);
  if (auto seq = v.as<script::Sequence>()) {
    const auto& it = seq->items;
    if (it.size() == 2 || it.size() == 3)
      return gp_Vec(script::to_float(it[0], what), script::to_float(it[1], what),
                    it.size() == 3 ? script::to_float(it[2], what) : 0.0);
  }
  script::throw_type_error(what + ": expected a Vector or a 2- or 3-tuple of numbers, got " +
                           v.type_name());
}

gp_Pnt to_point(const Value& v, const std::string& what) {
  return gp_Pnt(to_vec(v, what).XYZ());
}

gp_Trsf to_trsf(const Value& v, const std::string& what) {
  if (auto loc = v.as<LocationObj>()) return loc->trsf;
  gp_Trsf t;
  t.SetTranslation(to_vec(v, what));
  return t;
}

Plane to_plane(const Value& v, const std::string& what) {
  if (auto p = v.as<PlaneObj>()) return p->plane;
  if (v.is_str()) return Plane::named(v.as_str());
  script::throw_type_error(what + ": expected a Plane or a plane name, got " + v.type_name());
}

// ---- Vector --------------------------------------------------------------------------

Value VectorObj::get_attr(Interpreter& in, const std::string& name) {
  if (name == "x") return v.X();
  if (name == "y") return v.Y();
  if (name == "z") return v.Z();
  if (name == "Length") return v.Magnitude();
  auto self = std::static_pointer_cast<VectorObj>(shared_from_this());
  gp_Vec a = v;
  auto method = [&](auto fn) {
    return make_builtin("Vector." + name, [fn](Interpreter&, CallArgs& args) { return fn(args); });
  };
  auto other = [name](CallArgs& args) {
    auto b = script::bind_args(args, "Vector." + name, {Param("v")});
    return to_vec(b[0], "Vector." + name);
  };
  if (name == "toTuple") return method([a](CallArgs&) { return tuple3(a.XYZ()); });
  if (name == "add") return method([a, other](CallArgs& x) { return make_vector(a + other(x)); });
  if (name == "sub") return method([a, other](CallArgs& x) { return make_vector(a - other(x)); });
  if (name == "dot") return method([a, other](CallArgs& x) { return Value(a.Dot(other(x))); });
  if (name == "cross")
    return method([a, other](CallArgs& x) { return make_vector(a.Crossed(other(x))); });
  if (name == "getAngle")
    return method([a, other](CallArgs& x) { return Value(a.Angle(other(x))); });
  if (name == "getSignedAngle")
    return method(
        [a, other](CallArgs& x) { return Value(a.AngleWithRef(other(x), gp_Vec(0, 0, -1))); });
  if (name == "multiply")
    return method([a](CallArgs& x) {
      auto b = script::bind_args(x, "Vector.multiply", {Param("scale")});
      return make_vector(a * script::to_float(b[0], "Vector.multiply"));
    });
  if (name == "normalized")
    return method([a](CallArgs&) { return make_vector(gp_Vec(unit(a, "Vector"))); });
  if (name == "Center") return method([self](CallArgs&) { return Value(self); });
  if (name == "projectToLine")
    return method([a, other](CallArgs& x) {
      gp_Vec l = other(x);
      return make_vector(l * (a.Dot(l) / l.SquareMagnitude()));
    });
  if (name == "transform")
    return method([a](CallArgs& x) {
      auto b = script::bind_args(x, "Vector.transform", {Param("T")});
      auto m = b[0].as<MatrixObj>();
      if (!m) script::throw_type_error("Vector.transform: T must be a Matrix");
      const gp_Trsf t = matrix_trsf(m->m, "Vector.transform");
      return make_vector(gp_Vec(gp_Pnt(a.XYZ()).Transformed(t).XYZ()));
    });
  if (name == "projectToPlane")
    return method([a](CallArgs& x) {
      auto b = script::bind_args(x, "Vector.projectToPlane", {Param("plane")});
      Plane p = to_plane(b[0], "Vector.projectToPlane");
      gp_Vec n(p.z_dir);
      return make_vector(a - n * ((a - gp_Vec(p.origin.XYZ())).Dot(n)));
    });
  return Object::get_attr(in, name);
}

void VectorObj::set_attr(Interpreter& in, const std::string& name, const Value& val) {
  if (name == "x") return v.SetX(script::to_float(val, "Vector.x"));
  if (name == "y") return v.SetY(script::to_float(val, "Vector.y"));
  if (name == "z") return v.SetZ(script::to_float(val, "Vector.z"));
  Object::set_attr(in, name, val);
}

std::optional<Value> VectorObj::binary_op(script::BinOp op, const Value& rhs, bool reflected) {
  using script::BinOp;
  if ((op == BinOp::Add || op == BinOp::Sub) && is_vector_like(rhs)) {
    gp_Vec b = to_vec(rhs);
    if (op == BinOp::Add) return make_vector(v + b);
    return make_vector(reflected ? b - v : v - b);
  }
  if (op == BinOp::Mul && rhs.is_number()) return make_vector(v * script::to_float(rhs, "Vector"));
  if (op == BinOp::Div && rhs.is_number() && !reflected) {
    double d = script::to_float(rhs, "Vector");
    if (d == 0) script::throw_runtime("ZeroDivisionError", "float division by zero");
    return make_vector(v / d);
  }
  return std::nullopt;
}

std::optional<Value> VectorObj::negate() {
  return make_vector(-v);
}

std::string VectorObj::repr() const {
  return "Vector: " + tuple_str(v.XYZ());
}

std::optional<std::vector<Value>> VectorObj::iterate() const {
  return std::vector<Value>{v.X(), v.Y(), v.Z()};
}

bool VectorObj::equals(const Value& other) const {
  auto o = other.as<VectorObj>();
  return o && v.IsEqual(o->v, 1e-5, 1e-5);
}

// ---- Matrix --------------------------------------------------------------------------

Value make_matrix(const gp_GTrsf& m) {
  return Value(std::make_shared<MatrixObj>(m));
}

gp_Trsf matrix_trsf(const gp_GTrsf& m, const std::string& what) {
  // A rigid motion: the 3x3 part orthonormal with determinant 1 (gp_GTrsf::Trsf() raises for
  // anything else, as CadQuery's Vector.transform and transformShape then do).
  const gp_Mat& r = m.VectorialPart();
  gp_Mat rt = r.Transposed() * r;
  for (int i = 1; i <= 3; ++i)
    for (int j = 1; j <= 3; ++j)
      if (std::abs(rt(i, j) - (i == j ? 1.0 : 0.0)) > 1e-9)
        script::throw_value_error(what + ": the matrix is not a rigid transformation");
  if (r.Determinant() < 0)
    script::throw_value_error(what + ": the matrix is not a rigid transformation");
  gp_Trsf t;
  t.SetValues(m.Value(1, 1), m.Value(1, 2), m.Value(1, 3), m.Value(1, 4), m.Value(2, 1),
              m.Value(2, 2), m.Value(2, 3), m.Value(2, 4), m.Value(3, 1), m.Value(3, 2),
              m.Value(3, 3), m.Value(3, 4));
  return t;
}

namespace {
std::vector<double> transposed_list(const gp_GTrsf& m) {
  std::vector<double> out;
  for (int c = 1; c <= 4; ++c)
    for (int r = 1; r <= 4; ++r) out.push_back(r == 4 ? (c == 4 ? 1.0 : 0.0) : m.Value(r, c));
  return out;
}
}  // namespace

Value MatrixObj::get_attr(Interpreter& in, const std::string& name) {
  auto self = std::static_pointer_cast<MatrixObj>(shared_from_this());
  auto rotate = [&](const gp_Ax1& axis) {
    return make_builtin("Matrix." + name, [self, axis, name](Interpreter&, CallArgs& args) {
      auto b = script::bind_args(args, "Matrix." + name, {Param("angle")});
      gp_Trsf t;
      t.SetRotation(axis, script::to_float(b[0], "Matrix." + name));
      self->m = self->m.Multiplied(gp_GTrsf(t));
      return Value();
    });
  };
  if (name == "rotateX") return rotate(gp::OX());
  if (name == "rotateY") return rotate(gp::OY());
  if (name == "rotateZ") return rotate(gp::OZ());
  if (name == "inverse")
    return make_builtin("Matrix.inverse", [self](Interpreter&, CallArgs& args) {
      script::bind_args(args, "Matrix.inverse", {});
      if (std::abs(self->m.VectorialPart().Determinant()) < 1e-300)
        script::throw_value_error("Matrix.inverse: the matrix is singular");
      return make_matrix(self->m.Inverted());
    });
  if (name == "multiply")
    return make_builtin("Matrix.multiply", [self](Interpreter&, CallArgs& args) {
      auto b = script::bind_args(args, "Matrix.multiply", {Param("other")});
      if (auto v = b[0].as<VectorObj>()) {  // other.transform(self)
        gp_XYZ p = v->v.XYZ();
        self->m.Transforms(p);
        return make_vector(gp_Vec(p));
      }
      auto o = b[0].as<MatrixObj>();
      if (!o) script::throw_type_error("Matrix.multiply: expected a Matrix or a Vector");
      return make_matrix(self->m.Multiplied(o->m));
    });
  if (name == "transposed_list")
    return make_builtin("Matrix.transposed_list", [self](Interpreter&, CallArgs& args) {
      script::bind_args(args, "Matrix.transposed_list", {});
      std::vector<Value> out;
      for (double d : transposed_list(self->m)) out.emplace_back(d);
      return script::make_list(std::move(out));
    });
  return Object::get_attr(in, name);
}

Value MatrixObj::get_item(const Value& key) {
  auto t = key.as<script::Sequence>();
  if (!t || !t->is_tuple || t->items.size() != 2)
    script::throw_runtime("IndexError", "Matrix subscript must provide (row, column)");
  const std::int64_t r = script::to_int(t->items[0], "row");
  const std::int64_t c = script::to_int(t->items[1], "column");
  if (r < 0 || r > 3 || c < 0 || c > 3)
    script::throw_runtime("IndexError", "Out of bounds access into 4x4 matrix: " + key.repr());
  if (r == 3) return Value(c == 3 ? 1.0 : 0.0);
  return Value(m.Value(static_cast<int>(r + 1), static_cast<int>(c + 1)));
}

std::string MatrixObj::repr() const {
  // CadQuery: "Matrix([" + the rows joined by ",\n        " + "])", rows as Python float lists.
  const auto l = transposed_list(m);
  std::string out = "Matrix([";
  for (int i = 0; i < 4; ++i) {
    std::vector<Value> row;
    for (int j = 0; j < 4; ++j) row.emplace_back(l[static_cast<std::size_t>(i + 4 * j)]);
    out += (i ? ",\n        " : "") + script::make_list(std::move(row)).repr();
  }
  return out + "])";
}

Value matrix_class() {
  return std::make_shared<HostClass>("Matrix", [](Interpreter&, CallArgs& args) {
    auto b = script::bind_args(args, "Matrix", {Param("matrix", Value())});
    gp_GTrsf m;
    if (b[0].is_none()) return make_matrix(m);
    if (auto o = b[0].as<MatrixObj>()) return make_matrix(o->m);
    if (auto l = b[0].as<LocationObj>()) return make_matrix(gp_GTrsf(l->trsf));
    auto rows = b[0].as<script::Sequence>();
    if (!rows) script::throw_type_error("Invalid param to matrix constructor: " + b[0].repr());
    bool valid = rows->items.size() == 3 || rows->items.size() == 4;
    for (const auto& row : rows->items) {
      auto r = row.as<script::Sequence>();
      valid = valid && r && r->items.size() == 4;
    }
    if (!valid)
      script::throw_type_error("Matrix constructor requires 2d list of 4x3 or 4x4, but got: " +
                               b[0].repr());
    if (rows->items.size() == 4) {
      const auto& last = rows->items[3].as<script::Sequence>()->items;
      for (std::size_t j = 0; j < 4; ++j)
        if (script::to_float(last[j], "Matrix") != (j == 3 ? 1.0 : 0.0))
          script::throw_value_error("Expected the last row to be [0,0,0,1], but got: " +
                                    rows->items[3].repr());
    }
    for (int i = 0; i < 3; ++i) {
      const auto& row = rows->items[static_cast<std::size_t>(i)].as<script::Sequence>()->items;
      for (int j = 0; j < 4; ++j)
        m.SetValue(i + 1, j + 1, script::to_float(row[static_cast<std::size_t>(j)], "Matrix"));
    }
    return make_matrix(m);
  });
}

// ---- Plane ---------------------------------------------------------------------------

Value PlaneObj::get_attr(Interpreter& in, const std::string& name) {
  if (name == "origin") return make_vector(plane.origin);
  if (name == "xDir") return make_vector(gp_Vec(plane.x_dir));
  if (name == "yDir") return make_vector(gp_Vec(plane.y_dir));
  if (name == "zDir") return make_vector(gp_Vec(plane.z_dir));
  if (name == "location") return make_location(plane.location());
  if (name == "rG") return make_matrix(gp_GTrsf(plane.location()));
  if (name == "fG") return make_matrix(gp_GTrsf(plane.location().Inverted()));
  auto self = std::static_pointer_cast<PlaneObj>(shared_from_this());
  if (name == "toWorldCoords")
    return make_builtin("Plane.toWorldCoords", [self](Interpreter&, CallArgs& args) {
      auto b = script::bind_args(args, "Plane.toWorldCoords", {Param("tuplePoint")});
      return make_vector(self->plane.to_world(to_point(b[0], "Plane.toWorldCoords")));
    });
  if (name == "toLocalCoords")
    return make_builtin("Plane.toLocalCoords", [self](Interpreter&, CallArgs& args) {
      auto b = script::bind_args(args, "Plane.toLocalCoords", {Param("obj")});
      if (auto s = b[0].as<ShapeObj>())
        return wrap_shape(transformed(s->shape, self->plane.location().Inverted()));
      return make_vector(self->plane.to_local(to_point(b[0], "Plane.toLocalCoords")));
    });
  if (name == "rotated")
    return make_builtin("Plane.rotated", [self](Interpreter&, CallArgs& args) {
      auto b = script::bind_args(args, "Plane.rotated",
                                 {Param("rotate", script::make_tuple({0, 0, 0}))});
      gp_Vec r = to_vec(b[0], "Plane.rotated");
      return make_plane(self->plane.rotated(r.X(), r.Y(), r.Z()));
    });
  if (name == "setOrigin2d")
    return make_builtin("Plane.setOrigin2d", [self](Interpreter&, CallArgs& args) {
      auto b = script::bind_args(args, "Plane.setOrigin2d", {Param("x"), Param("y")});
      self->plane.set_origin_2d(script::to_float(b[0], "x"), script::to_float(b[1], "y"));
      return Value();
    });
  return Object::get_attr(in, name);
}

void PlaneObj::set_attr(Interpreter& in, const std::string& name, const Value& v) {
  if (name == "origin") {
    plane.origin = to_point(v, "Plane.origin");
    return;
  }
  Object::set_attr(in, name, v);
}

std::string PlaneObj::repr() const {
  return "Plane(origin=" + tuple_str(plane.origin.XYZ()) +
         ", xDir=" + tuple_str(plane.x_dir.XYZ()) + ", normal=" + tuple_str(plane.z_dir.XYZ()) +
         ")";
}

bool PlaneObj::equals(const Value& other) const {
  auto o = other.as<PlaneObj>();
  return o && plane.origin.Distance(o->plane.origin) < 1e-6 &&
         std::abs(gp_Vec(plane.z_dir).Dot(gp_Vec(o->plane.z_dir)) - 1) < 1e-6 &&
         std::abs(gp_Vec(plane.x_dir).Dot(gp_Vec(o->plane.x_dir)) - 1) < 1e-6;
}

// ---- Location ------------------------------------------------------------------------

Value LocationObj::get_attr(Interpreter& in, const std::string& name) {
  if (name == "inverse") return make_location(trsf.Inverted());
  if (name == "plane") return make_plane(Plane::from_location(trsf));
  gp_Trsf t = trsf;
  if (name == "toTuple")
    return make_builtin("Location.toTuple", [t](Interpreter&, CallArgs&) {
      double rx, ry, rz;
      t.GetRotation().GetEulerAngles(gp_Extrinsic_XYZ, rx, ry, rz);
      return script::make_tuple(
          {tuple3(t.TranslationPart()), script::make_tuple({rx / kDeg, ry / kDeg, rz / kDeg})});
    });
  return Object::get_attr(in, name);
}

std::optional<Value> LocationObj::binary_op(script::BinOp op, const Value& rhs, bool reflected) {
  if (op == script::BinOp::Mul) {
    if (auto o = rhs.as<LocationObj>())
      return make_location(reflected ? o->trsf * trsf : trsf * o->trsf);
  }
  if (op == script::BinOp::Pow && rhs.is_int() && !reflected) {
    gp_Trsf t = trsf;
    t.Power(static_cast<int>(rhs.as_int()));
    return make_location(t);
  }
  return std::nullopt;
}

std::string LocationObj::repr() const {
  double rx, ry, rz;
  trsf.GetRotation().GetEulerAngles(gp_Extrinsic_XYZ, rx, ry, rz);
  return "Location(" + tuple_str(trsf.TranslationPart()) + ", " +
         tuple_str(gp_XYZ(rx / kDeg, ry / kDeg, rz / kDeg)) + ")";
}

// ---- classes -------------------------------------------------------------------------

Value vector_class() {
  return std::make_shared<HostClass>("Vector", [](Interpreter&, CallArgs& args) {
    if (!args.keywords.empty()) script::throw_type_error("Vector() takes no keyword arguments");
    const auto& a = args.positional;
    auto f = [](const Value& v) { return script::to_float(v, "Vector"); };
    switch (a.size()) {
      case 0:
        return make_vector(gp_Vec(0, 0, 0));
      case 1:
        return make_vector(to_vec(a[0], "Vector"));
      case 2:
        return make_vector(gp_Vec(f(a[0]), f(a[1]), 0));
      case 3:
        return make_vector(gp_Vec(f(a[0]), f(a[1]), f(a[2])));
      default:
        script::throw_type_error("Expected three floats, OCC gp_, or 3-tuple");
    }
  });
}

Value plane_class() {
  auto cls = std::make_shared<HostClass>("Plane", [](Interpreter&, CallArgs& args) {
    if (args.positional.size() == 1 && args.keywords.empty())
      if (auto loc = args.positional[0].as<LocationObj>())
        return make_plane(Plane::from_location(loc->trsf));
    auto b = script::bind_args(
        args, "Plane",
        {Param("origin"), Param("xDir", Value()), Param("normal", script::make_tuple({0, 0, 1}))});
    std::optional<gp_Vec> x;
    if (!b[1].is_none()) x = to_vec(b[1], "Plane xDir");
    return make_plane(Plane::make(to_point(b[0], "Plane origin"), x, to_vec(b[2], "Plane normal")));
  });
  cls->def("named", [](Interpreter&, CallArgs& args) {
    auto b = script::bind_args(args, "Plane.named",
                               {Param("stdName"), Param("origin", script::make_tuple({0, 0, 0}))});
    return make_plane(Plane::named(script::to_str(b[0], "Plane.named"), to_point(b[1], "origin")));
  });
  for (const char* name :
       {"XY", "YZ", "ZX", "XZ", "YX", "ZY", "front", "back", "left", "right", "top", "bottom"}) {
    std::string n = name;
    cls->def(n, [n](Interpreter&, CallArgs& args) {
      auto b = script::bind_args(
          args, "Plane." + n,
          {Param("origin", script::make_tuple({0, 0, 0})), Param("xDir", Value())});
      Plane p = Plane::named(n, to_point(b[0], "origin"));
      if (!b[1].is_none()) p = Plane::make(p.origin, to_vec(b[1], "xDir"), gp_Vec(p.z_dir));
      return make_plane(p);
    });
  }
  return cls;
}

Value location_class() {
  return std::make_shared<HostClass>("Location", [](Interpreter&, CallArgs& args) {
    const auto& a = args.positional;
    if (args.keywords.empty()) {
      if (a.empty()) return make_location(gp_Trsf());
      if (auto p = a[0].as<PlaneObj>()) {
        if (a.size() == 1) return make_location(p->plane.location());
        if (a.size() == 2) return make_location(p->plane.location_at(to_point(a[1], "Location")));
      }
      if (auto l = a[0].as<LocationObj>(); l && a.size() == 1) return make_location(l->trsf);
      if (is_vector_like(a[0])) {
        gp_Vec t = to_vec(a[0], "Location");
        if (a.size() == 1) return make_location(to_trsf(a[0]));
        if (a.size() == 2) {
          gp_Vec r = to_vec(a[1], "Location angles");
          return make_location(trsf_from_euler(t, r.X(), r.Y(), r.Z()));
        }
        if (a.size() == 3) {
          gp_Trsf tr;
          tr.SetRotation(gp_Ax1(gp_Pnt(), unit(to_vec(a[1], "Location axis"), "axis")),
                         script::to_float(a[2], "Location angle") * kDeg);
          tr.SetTranslationPart(t);
          return make_location(tr);
        }
      }
    }
    auto b = script::bind_args(args, "Location",
                               {Param("x", 0), Param("y", 0), Param("z", 0), Param("rx", 0),
                                Param("ry", 0), Param("rz", 0)});
    double v[6];
    for (int i = 0; i < 6; ++i) v[i] = script::to_float(b[i], "Location");
    return make_location(trsf_from_euler(gp_Vec(v[0], v[1], v[2]), v[3], v[4], v[5]));
  });
}

}  // namespace cad::cq
