// CadQuery's string selector grammar: a recursive-descent parser into a small tree, then
// evaluation over indices into the input list (so set operations keep the input order).
#include "cq/selectors.h"

#include "cq/shapes.h"

#include <BRepAdaptor_CompCurve.hxx>
#include <BRepAdaptor_Curve.hxx>
#include <BRepAdaptor_Surface.hxx>
#include <BRepBndLib.hxx>
#include <BRepBuilderAPI_MakeFace.hxx>
#include <BRepGProp.hxx>
#include <BRepGProp_Face.hxx>
#include <BRepTools.hxx>
#include <BRep_Tool.hxx>
#include <Bnd_Box.hxx>
#include <GCPnts_AbscissaPoint.hxx>
#include <GProp_GProps.hxx>
#include <TopoDS.hxx>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <gp_Vec.hxx>
#include <memory>
#include <optional>

#include "script/value.h"

namespace cad::cq {
namespace {

using script::ErrorKind;
using script::ScriptError;

constexpr double kTolerance = 1e-4;  // CadQuery's default for every direction/cluster test

}  // namespace

// One selector: the classes of cadquery/selectors.py as node kinds; the string grammar parses
// into the same tree, so a string and the equivalent objects select alike.
struct SelectorNode {
  enum class Kind {
    All,            // Selector(): the list unchanged
    BaseDir,        // BaseDirSelector: its test() is True (planar faces, straight edges)
    Along,          // DirectionSelector, "+D", "-D", "D"
    Parallel,       // ParallelDirSelector, "|D"
    Perpendicular,  // PerpendicularDirSelector, "#D"
    Type,           // TypeSelector, "%T"
    Nth,            // _NthSelector subclasses, ">D", "<D[n]", ">>D[n]", named views
    NearestToPoint,
    Box,
    And,     // AndSelector, "and"
    Or,      // SumSelector, "or"
    Except,  // SubtractSelector, "exc"
    Not,     // InverseSelector, "not"
  };
  Kind kind = Kind::All;
  gp_Vec dir;  // Along/Parallel/Perpendicular/Nth (Center key)
  double tolerance = kTolerance;
  std::string type;             // Type
  NthKey key = NthKey::Center;  // Nth
  bool ascending = true;        // Nth: '>' (directionMax) indexes clusters by ascending key
  long index = -1;              // Nth
  bool parallel_only = false;   // Nth: DirectionNthSelector keeps only shapes parallel to dir
  gp_Pnt p0, p1;                // NearestToPoint (p0), Box
  bool bounding_box = false;    // Box: test the bounding box, not the centre
  std::shared_ptr<const SelectorNode> lhs, rhs;
};

namespace {

using Node = SelectorNode;
using NodePtr = std::shared_ptr<Node>;

NodePtr make_node(Node::Kind kind, Selector lhs = nullptr, Selector rhs = nullptr) {
  auto n = std::make_shared<Node>();
  n->kind = kind;
  n->lhs = std::move(lhs);
  n->rhs = std::move(rhs);
  return n;
}

const char* const kGeomTypes[] = {
    "PLANE",     "CYLINDER", "CONE",  "SPHERE", "TORUS",  "BEZIER",  "BSPLINE",   "REVOLUTION",
    "EXTRUSION", "OFFSET",   "OTHER", "LINE",   "CIRCLE", "ELLIPSE", "HYPERBOLA", "PARABOLA"};

// Grammar (pyparsing's infix_notation in cadquery/selectors.py, lowest precedence first):
//   not_expr := "not" not_expr | exc_expr
//   exc_expr := or_expr (("except" | "exc") or_expr)*
//   or_expr  := and_expr ("or" and_expr)*
//   and_expr := operand ("and" operand)*
//   operand  := atom | "(" not_expr ")"
class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  NodePtr parse() {
    NodePtr n = not_expr();
    skip();
    if (pos_ != s_.size()) fail("unexpected text");
    return n;
  }

 private:
  const std::string& s_;
  size_t pos_ = 0;

  [[noreturn]] void fail(const std::string& what) const {
    throw ScriptError(
        ErrorKind::Runtime, "ValueError",
        "invalid selector '" + s_ + "' at position " + std::to_string(pos_) + ": " + what);
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool accept(const char* literal) {
    skip();
    size_t n = std::strlen(literal);
    if (s_.compare(pos_, n, literal) != 0) return false;
    pos_ += n;
    return true;
  }

  NodePtr not_expr() {
    if (accept("not")) return make_node(Node::Kind::Not, not_expr());
    return exc_expr();
  }
  NodePtr exc_expr() {
    NodePtr n = or_expr();
    while (accept("except") || accept("exc"))
      n = make_node(Node::Kind::Except, std::move(n), or_expr());
    return n;
  }
  NodePtr or_expr() {
    NodePtr n = and_expr();
    while (accept("or")) n = make_node(Node::Kind::Or, std::move(n), and_expr());
    return n;
  }
  NodePtr and_expr() {
    NodePtr n = operand();
    while (accept("and")) n = make_node(Node::Kind::And, std::move(n), operand());
    return n;
  }
  NodePtr operand() {
    skip();
    if (pos_ < s_.size() && s_[pos_] == '(') {
      size_t start = pos_;
      if (auto v = vector()) return along(*v);  // "(x,y,z)" is a direction atom
      pos_ = start + 1;
      NodePtr n = not_expr();
      if (!accept(")")) fail("expected ')'");
      return n;
    }
    return atom();
  }

  NodePtr along(const gp_Vec& v) {
    auto n = make_node(Node::Kind::Along);
    n->dir = v;
    return n;
  }

  NodePtr atom() {
    skip();
    if (auto d = direction()) return along(*d);
    if (accept("%")) return type_atom();
    for (const char* op : {">>", "<<", ">", "<"}) {
      if (!accept(op)) continue;
      auto n = make_node(Node::Kind::Nth);
      n->ascending = op[0] == '>';
      n->dir = required_direction();
      if (accept("[")) {
        n->index = integer();
        if (!accept("]")) fail("expected ']'");
        n->parallel_only = std::strlen(op) == 1;
      }
      return n;
    }
    const std::pair<const char*, Node::Kind> unary[] = {{"|", Node::Kind::Parallel},
                                                        {"#", Node::Kind::Perpendicular},
                                                        {"+", Node::Kind::Along},
                                                        {"-", Node::Kind::Along}};
    for (const auto& [op, kind] : unary) {
      if (!accept(op)) continue;
      auto n = make_node(kind);
      n->dir = required_direction();
      if (op[0] == '-') n->dir.Reverse();
      return n;
    }
    // Named views are min/max selectors along the view axis.
    const struct {
      const char* name;
      gp_Vec dir;
      bool max;
    } views[] = {{"front", gp_Vec(0, 0, 1), true}, {"back", gp_Vec(0, 0, 1), false},
                 {"left", gp_Vec(1, 0, 0), false}, {"right", gp_Vec(1, 0, 0), true},
                 {"top", gp_Vec(0, 1, 0), true},   {"bottom", gp_Vec(0, 1, 0), false}};
    for (const auto& view : views) {
      if (!accept(view.name)) continue;
      auto n = make_node(Node::Kind::Nth);
      n->dir = view.dir;
      n->ascending = view.max;
      return n;
    }
    fail(pos_ < s_.size() ? "expected a selector" : "unexpected end");
  }

  NodePtr type_atom() {
    skip();
    size_t start = pos_;
    while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    std::string word = s_.substr(start, pos_ - start);
    for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const char* t : kGeomTypes) {
      if (word == t) {
        auto n = make_node(Node::Kind::Type);
        n->type = word;
        return n;
      }
    }
    pos_ = start;
    fail("unknown geometry type");
  }

  gp_Vec required_direction() {
    auto d = direction();
    if (!d) fail("expected a direction (X, Y, Z, XY, XZ, YZ or (x,y,z))");
    return *d;
  }

  std::optional<gp_Vec> direction() {
    skip();
    const std::pair<const char*, gp_Vec> axes[] = {{"XY", gp_Vec(1, 1, 0)}, {"XZ", gp_Vec(1, 0, 1)},
                                                   {"YZ", gp_Vec(0, 1, 1)}, {"X", gp_Vec(1, 0, 0)},
                                                   {"Y", gp_Vec(0, 1, 0)},  {"Z", gp_Vec(0, 0, 1)}};
    for (const auto& [name, v] : axes)
      if (accept(name)) return v;
    size_t start = pos_;
    if (auto v = vector()) {
      if (v->Magnitude() == 0) {
        pos_ = start;
        fail("zero direction");
      }
      return v;
    }
    return std::nullopt;
  }

  // "(x, y, z)" with numbers like "-1", "2." or "0.5" (no exponent, as CadQuery); restores
  // the position and returns nullopt when the text is not a vector.
  std::optional<gp_Vec> vector() {
    size_t start = pos_;
    double c[3];
    bool ok = accept("(");
    for (int i = 0; ok && i < 3; ++i) {
      auto x = number();
      ok = x && (i == 2 || accept(","));
      if (ok) c[i] = *x;
    }
    if (ok && accept(")")) return gp_Vec(c[0], c[1], c[2]);
    pos_ = start;
    return std::nullopt;
  }

  std::optional<double> number() {
    skip();
    size_t start = pos_;
    if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
    size_t digits = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ == digits) {
      pos_ = start;
      return std::nullopt;
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    return std::stod(s_.substr(start, pos_ - start));
  }

  long integer() {
    bool negative = accept("-");
    skip();
    size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ == start || pos_ - start > 9) fail("expected an index");
    long v = std::stol(s_.substr(start, pos_ - start));
    return negative ? -v : v;
  }
};

// CadQuery's geomType() (also in shapes.h; repeated here so selectors depend on OCCT only).
std::string selector_geom_type(const TopoDS_Shape& shape) {
  switch (shape.ShapeType()) {
    case TopAbs_EDGE: {
      static const char* const names[] = {"LINE",   "CIRCLE",  "ELLIPSE", "HYPERBOLA", "PARABOLA",
                                          "BEZIER", "BSPLINE", "OFFSET",  "OTHER"};
      return names[BRepAdaptor_Curve(TopoDS::Edge(shape)).GetType()];
    }
    case TopAbs_FACE: {
      static const char* const names[] = {"PLANE",     "CYLINDER", "CONE",    "SPHERE",
                                          "TORUS",     "BEZIER",   "BSPLINE", "REVOLUTION",
                                          "EXTRUSION", "OFFSET",   "OTHER"};
      return names[BRepAdaptor_Surface(TopoDS::Face(shape)).GetType()];
    }
    case TopAbs_VERTEX:
      return "Vertex";
    case TopAbs_WIRE:
      return "Wire";
    case TopAbs_SHELL:
      return "Shell";
    case TopAbs_SOLID:
      return "Solid";
    case TopAbs_COMPSOLID:
      return "CompSolid";
    case TopAbs_COMPOUND:
      return "Compound";
    default:
      return "Shape";
  }
}

// The vector CadQuery's direction filters test: the normal of a planar face, the
// tangent of a straight edge; nullopt for every other shape.
std::optional<gp_Vec> test_vector(const TopoDS_Shape& s) {
  if (s.ShapeType() == TopAbs_FACE) {
    const TopoDS_Face& face = TopoDS::Face(s);
    if (BRepAdaptor_Surface(face).GetType() != GeomAbs_Plane) return std::nullopt;
    double u0, u1, v0, v1;
    BRepTools::UVBounds(face, u0, u1, v0, v1);
    gp_Pnt p;
    gp_Vec n;
    BRepGProp_Face(face).Normal(0.5 * (u0 + u1), 0.5 * (v0 + v1), p, n);
    return n.Normalized();
  }
  if (s.ShapeType() == TopAbs_EDGE) {
    BRepAdaptor_Curve curve(TopoDS::Edge(s));
    if (curve.GetType() != GeomAbs_Line) return std::nullopt;
    return gp_Vec(curve.Line().Direction());
  }
  return std::nullopt;
}

// The key an _NthSelector sorts by; nullopt where CadQuery's key() raises ValueError (the
// shape is dropped).
std::optional<double> nth_key(const Node& n, const TopoDS_Shape& s, const gp_Pnt& center) {
  const TopAbs_ShapeEnum t = s.ShapeType();
  switch (n.key) {
    case NthKey::Center:
      return gp_Vec(center.XYZ()).Dot(n.dir);
    case NthKey::Radius: {
      // Edge/Wire.radius(): the radius of a curve that is a circle, else ValueError.
      if (t == TopAbs_EDGE) {
        BRepAdaptor_Curve c(TopoDS::Edge(s));
        if (c.GetType() == GeomAbs_Circle) return c.Circle().Radius();
      } else if (t == TopAbs_WIRE) {
        BRepAdaptor_CompCurve c(TopoDS::Wire(s));
        if (c.GetType() == GeomAbs_Circle) return c.Circle().Radius();
      }
      return std::nullopt;
    }
    case NthKey::Length:
      if (t == TopAbs_EDGE) return GCPnts_AbscissaPoint::Length(BRepAdaptor_Curve(TopoDS::Edge(s)));
      if (t == TopAbs_WIRE)
        return GCPnts_AbscissaPoint::Length(BRepAdaptor_CompCurve(TopoDS::Wire(s)));
      return std::nullopt;
    case NthKey::Area: {
      GProp_GProps props;
      if (t == TopAbs_FACE || t == TopAbs_SHELL || t == TopAbs_SOLID) {
        BRepGProp::SurfaceProperties(s, props);
        return props.Mass();
      }
      if (t == TopAbs_WIRE) {  // closed planar wires: the area of a face made from them
        BRepBuilderAPI_MakeFace face(TopoDS::Wire(s), true);
        if (!face.IsDone()) return std::nullopt;
        BRepGProp::SurfaceProperties(face.Face(), props);
        return std::abs(props.Mass());
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Bounding box of a shape as CadQuery's BoundingBox() (optimal, triangulation, no tolerance).
Bnd_Box optimal_box(const TopoDS_Shape& s) {
  Bnd_Box b;
  BRepBndLib::AddOptimal(s, b, true, false);
  return b;
}

class Evaluator {
 public:
  explicit Evaluator(const std::vector<TopoDS_Shape>& objects)
      : objects_(objects), centers_(objects.size()) {}

  std::vector<size_t> eval(const Node& n, const std::vector<size_t>& in) {
    using K = Node::Kind;
    switch (n.kind) {
      case K::All:
        return in;
      case K::BaseDir:
        return filter(in, [&](size_t i) { return test_vector(objects_[i]).has_value(); });
      case K::Along:
        return filter(in, [&](size_t i) {
          auto v = test_vector(objects_[i]);
          return v && n.dir.Angle(*v) < n.tolerance;
        });
      case K::Parallel:
        return parallel(in, n.dir, n.tolerance);
      case K::Perpendicular:
        return filter(in, [&](size_t i) {
          auto v = test_vector(objects_[i]);
          return v && std::abs(n.dir.Angle(*v) - M_PI / 2) < n.tolerance;
        });
      case K::Type:
        return filter(in, [&](size_t i) { return selector_geom_type(objects_[i]) == n.type; });
      case K::Nth:
        return nth(n, n.parallel_only ? parallel(in, n.dir, n.tolerance) : in);
      case K::NearestToPoint: {
        // min(objectList, key=distance of Center() to the point): the first of the nearest.
        if (in.empty())
          throw ScriptError(ErrorKind::Runtime, "ValueError", "min() arg is an empty sequence");
        size_t best = in[0];
        double best_d = center(best).Distance(n.p0);
        for (size_t i : in) {
          const double d = center(i).Distance(n.p0);
          if (d < best_d) best = i, best_d = d;
        }
        return {best};
      }
      case K::Box: {
        // Inside on every axis whatever the order of the corners: (p < a) xor (p < b).
        auto inside = [&](double x, double y, double z) {
          return ((x < n.p0.X()) != (x < n.p1.X())) && ((y < n.p0.Y()) != (y < n.p1.Y())) &&
                 ((z < n.p0.Z()) != (z < n.p1.Z()));
        };
        return filter(in, [&](size_t i) {
          if (!n.bounding_box) {
            const gp_Pnt& c = center(i);
            return inside(c.X(), c.Y(), c.Z());
          }
          const Bnd_Box b = optimal_box(objects_[i]);
          if (b.IsVoid()) return false;
          double x0, y0, z0, x1, y1, z1;
          b.Get(x0, y0, z0, x1, y1, z1);
          return inside(x0, y0, z0) && inside(x1, y1, z1);
        });
      }
      case K::And:
        return combine(eval(*n.lhs, in), eval(*n.rhs, in), in, true, true);
      case K::Or:
        return combine(eval(*n.lhs, in), eval(*n.rhs, in), in, true, false);
      case K::Except:
        return combine(eval(*n.lhs, in), eval(*n.rhs, in), in, false, true);
      case K::Not:
        return combine(in, eval(*n.lhs, in), in, false, true);
    }
    return {};
  }

 private:
  const std::vector<TopoDS_Shape>& objects_;
  std::vector<std::optional<gp_Pnt>> centers_;

  template <class Pred>
  static std::vector<size_t> filter(const std::vector<size_t>& in, Pred keep) {
    std::vector<size_t> out;
    for (size_t i : in)
      if (keep(i)) out.push_back(i);
    return out;
  }

  std::vector<size_t> parallel(const std::vector<size_t>& in, const gp_Vec& dir, double tol) {
    return filter(in, [&](size_t i) {
      auto v = test_vector(objects_[i]);
      return v && dir.Crossed(*v).Magnitude() < tol;
    });
  }

  // Set operations in `in`'s order: keep i when i in a and (i in b) == want_b, or, for
  // an or, when i is in either.
  std::vector<size_t> combine(const std::vector<size_t>& a, const std::vector<size_t>& b,
                              const std::vector<size_t>& in, bool want_b, bool and_like) const {
    std::vector<char> in_a(objects_.size()), in_b(objects_.size());
    for (size_t i : a) in_a[i] = 1;
    for (size_t i : b) in_b[i] = 1;
    return filter(in, [&](size_t i) {
      return and_like ? in_a[i] && bool(in_b[i]) == want_b : in_a[i] || in_b[i];
    });
  }

  const gp_Pnt& center(size_t i) {
    if (!centers_[i]) centers_[i] = shape_center(objects_[i]);
    return *centers_[i];
  }

  // CadQuery's _NthSelector: sort by the key (centre . dir, radius, length or area; shapes
  // without one drop out), cluster keys within the tolerance of the cluster's first key, then
  // pick one cluster (Python indexing).
  std::vector<size_t> nth(const Node& n, const std::vector<size_t>& in) {
    if (in.empty())
      throw ScriptError(ErrorKind::Runtime, "ValueError",
                        "Can not return the Nth element of an empty list");
    std::vector<std::pair<double, size_t>> keyed;
    for (size_t i : in) {
      const gp_Pnt c = n.key == NthKey::Center ? center(i) : gp_Pnt();
      if (auto key = nth_key(n, objects_[i], c)) keyed.emplace_back(*key, i);
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::vector<size_t>> clusters;
    double start = 0;
    for (const auto& [key, i] : keyed) {
      if (clusters.empty() || std::abs(key - start) > n.tolerance) {
        clusters.emplace_back();
        start = key;
      }
      clusters.back().push_back(i);
    }
    if (!n.ascending) std::reverse(clusters.begin(), clusters.end());
    long size = static_cast<long>(clusters.size());
    long k = n.index < 0 ? n.index + size : n.index;
    if (k < 0 || k >= size)
      throw ScriptError(ErrorKind::Runtime, "IndexError",
                        "Attempted to access index " + std::to_string(n.index) +
                            " of a list with length " + std::to_string(size));
    return clusters[k];
  }
};

}  // namespace

gp_Pnt shape_center(const TopoDS_Shape& shape) {
  return center_of_mass(shape);  // Shape.Center(): one rule for selectors and scripts
}

Selector parse_selector(const std::string& text) {
  return Parser(text).parse();
}

std::vector<TopoDS_Shape> select_shapes(const std::vector<TopoDS_Shape>& objects,
                                        const Selector& selector) {
  std::vector<size_t> all(objects.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<TopoDS_Shape> out;
  if (!selector) return objects;
  for (size_t i : Evaluator(objects).eval(*selector, all)) out.push_back(objects[i]);
  return out;
}

std::vector<TopoDS_Shape> select_shapes(const std::vector<TopoDS_Shape>& objects,
                                        const std::string& selector) {
  return select_shapes(objects, parse_selector(selector));
}

Selector all_selector() {
  return make_node(Node::Kind::All);
}

Selector direction_selector(DirectionTest test, const gp_Vec& direction, double tolerance) {
  if (direction.Magnitude() == 0)
    throw ScriptError(ErrorKind::Runtime, "ValueError", "a selector direction must not be zero");
  auto n = make_node(test == DirectionTest::Base       ? Node::Kind::BaseDir
                     : test == DirectionTest::Along    ? Node::Kind::Along
                     : test == DirectionTest::Parallel ? Node::Kind::Parallel
                                                       : Node::Kind::Perpendicular);
  n->dir = direction;
  n->tolerance = tolerance;
  return n;
}

Selector type_selector(const std::string& type) {
  auto n = make_node(Node::Kind::Type);
  n->type = type;
  for (char& c : n->type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return n;
}

Selector nth_selector(NthKey key, long index, bool direction_max, double tolerance,
                      const gp_Vec& direction, bool parallel_only) {
  if ((key == NthKey::Center || parallel_only) && direction.Magnitude() == 0)
    throw ScriptError(ErrorKind::Runtime, "ValueError", "a selector direction must not be zero");
  auto n = make_node(Node::Kind::Nth);
  n->key = key;
  n->index = index;
  n->ascending = direction_max;
  n->tolerance = tolerance;
  n->dir = direction;
  n->parallel_only = parallel_only;
  return n;
}

Selector nearest_to_point_selector(const gp_Pnt& point) {
  auto n = make_node(Node::Kind::NearestToPoint);
  n->p0 = point;
  return n;
}

Selector box_selector(const gp_Pnt& corner0, const gp_Pnt& corner1, bool bounding_box) {
  auto n = make_node(Node::Kind::Box);
  n->p0 = corner0;
  n->p1 = corner1;
  n->bounding_box = bounding_box;
  return n;
}

Selector combine_selectors(SetOperation op, Selector lhs, Selector rhs) {
  if (op == SetOperation::Inverse) return make_node(Node::Kind::Not, std::move(lhs));
  return make_node(op == SetOperation::And   ? Node::Kind::And
                   : op == SetOperation::Sum ? Node::Kind::Or
                                             : Node::Kind::Except,
                   std::move(lhs), std::move(rhs));
}

}  // namespace cad::cq
