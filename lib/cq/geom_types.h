// cq.Vector, cq.Plane and cq.Location: value types, their host objects, and conversions
// from script values (tuples, lists, Vectors) to OCCT geometry.
#pragma once

#include <gp_Ax3.hxx>
#include <gp_Dir.hxx>
#include <gp_GTrsf.hxx>
#include <gp_Pnt.hxx>
#include <gp_Trsf.hxx>
#include <gp_Vec.hxx>

#include <memory>
#include <optional>
#include <string>

#include "cq/host.h"
#include "script/value.h"

namespace cad::cq {

/// A 2D coordinate system in space (CadQuery's Plane): origin and right-handed axes,
/// yDir = zDir x xDir.
struct Plane {
  gp_Pnt origin;
  gp_Dir x_dir{1, 0, 0};
  gp_Dir y_dir{0, 1, 0};
  gp_Dir z_dir{0, 0, 1};

  /// CadQuery's Plane(origin, xDir=None, normal): xDir None takes gp_Ax3's default
  /// x direction for the normal. ValueError for a null normal or xDir.
  static Plane make(const gp_Pnt& origin, const std::optional<gp_Vec>& x_dir, const gp_Vec& normal);
  /// Named planes XY YZ ZX XZ YX ZY front back left right top bottom; ValueError otherwise.
  static Plane named(const std::string& name, const gp_Pnt& origin = gp_Pnt());
  /// The plane whose local frame is `loc` applied to the global frame.
  static Plane from_location(const gp_Trsf& loc);

  gp_Ax3 ax3() const { return gp_Ax3(origin, z_dir, x_dir); }
  /// Transformation from local to world coordinates (CadQuery's plane.location).
  gp_Trsf location() const;
  gp_Pnt to_world(const gp_Pnt& local) const;
  gp_Pnt to_world(double x, double y, double z = 0) const { return to_world(gp_Pnt(x, y, z)); }
  gp_Pnt to_local(const gp_Pnt& world) const;
  /// Local direction -> world direction (no translation).
  gp_Vec dir_to_world(const gp_Vec& local) const;
  /// CadQuery's Plane.rotated: rotations (degrees) about xDir, yDir, zDir; origin kept.
  Plane rotated(double rx, double ry, double rz) const;
  /// CadQuery's Location(plane, v): this plane's orientation at origin v.
  gp_Trsf location_at(const gp_Pnt& v) const;
  void set_origin_2d(double x, double y) { origin = to_world(x, y); }
};

/// cq.Vector.
struct VectorObj : script::Object {
  explicit VectorObj(const gp_Vec& v) : v(v) {}
  gp_Vec v;
  std::string type_name() const override { return "Vector"; }
  script::Value get_attr(script::Interpreter& in, const std::string& name) override;
  void set_attr(script::Interpreter& in, const std::string& name, const script::Value& v) override;
  std::optional<script::Value> binary_op(script::BinOp op, const script::Value& rhs,
                                         bool reflected) override;
  std::optional<script::Value> negate() override;
  std::string repr() const override;
  std::optional<std::vector<script::Value>> iterate() const override;
  bool equals(const script::Value& other) const override;
};

/// cq.Plane.
struct PlaneObj : script::Object {
  explicit PlaneObj(const Plane& p) : plane(p) {}
  Plane plane;
  std::string type_name() const override { return "Plane"; }
  script::Value get_attr(script::Interpreter& in, const std::string& name) override;
  void set_attr(script::Interpreter& in, const std::string& name, const script::Value& v) override;
  std::string repr() const override;
  bool equals(const script::Value& other) const override;
};

/// cq.Location: a rigid transformation.
struct LocationObj : script::Object {
  explicit LocationObj(const gp_Trsf& t) : trsf(t) {}
  gp_Trsf trsf;
  std::string type_name() const override { return "Location"; }
  script::Value get_attr(script::Interpreter& in, const std::string& name) override;
  std::optional<script::Value> binary_op(script::BinOp op, const script::Value& rhs,
                                         bool reflected) override;
  std::string repr() const override;
};

/// cq.Matrix: CadQuery's 3x4 transformation matrix (a gp_GTrsf; the fourth row is implied
/// [0, 0, 0, 1]). rotateX/Y/Z change it in place (radians, right-multiplied, as CadQuery does).
struct MatrixObj : script::Object {
  explicit MatrixObj(const gp_GTrsf& m) : m(m) {}
  gp_GTrsf m;
  std::string type_name() const override { return "Matrix"; }
  script::Value get_attr(script::Interpreter& in, const std::string& name) override;
  /// m[r, c] with r, c in 0..3 (row 3 is [0, 0, 0, 1]); IndexError otherwise.
  script::Value get_item(const script::Value& key) override;
  std::string repr() const override;
};
script::Value make_matrix(const gp_GTrsf& m);
/// The rigid transformation of a Matrix (ValueError when it scales or shears).
gp_Trsf matrix_trsf(const gp_GTrsf& m, const std::string& what);
script::Value matrix_class();

script::Value make_vector(const gp_Vec& v);
script::Value make_vector(const gp_Pnt& p);
script::Value make_plane(const Plane& p);
script::Value make_location(const gp_Trsf& t);

/// True for a Vector or a tuple/list of 2 or 3 numbers.
bool is_vector_like(const script::Value& v);
/// A Vector, or a tuple/list of 2 (z = 0) or 3 numbers; TypeError naming `what` otherwise.
gp_Vec to_vec(const script::Value& v, const std::string& what = "vector");
gp_Pnt to_point(const script::Value& v, const std::string& what = "point");
/// A Location, or a vector-like value taken as a translation.
gp_Trsf to_trsf(const script::Value& location, const std::string& what = "location");
/// A Plane object or a plane name.
Plane to_plane(const script::Value& v, const std::string& what = "plane");
/// Euler angles (degrees, extrinsic XYZ) and translation -> transformation (Location(x, y, z, rx,
/// ry, rz)).
gp_Trsf trsf_from_euler(const gp_Vec& t, double rx, double ry, double rz);

/// The class objects cq.Vector, cq.Plane and cq.Location.
script::Value vector_class();
script::Value plane_class();
script::Value location_class();

}  // namespace cad::cq
