// cq.Sketch: face operations placed at the current locations and combined by mode, edge
// construction and assembly, selection with string selectors, 2D fillets and the convex hull.
#include "cq/sketch.h"

#include "script/builtins.h"
#include "script/slice.h"

#include <BRepAdaptor_Curve.hxx>
#include <BRepBuilderAPI_MakeEdge.hxx>
#include <BRepBuilderAPI_MakeFace.hxx>
#include <BRepBuilderAPI_MakeVertex.hxx>
#include <BRepBuilderAPI_MakeWire.hxx>
#include <BRepFilletAPI_MakeFillet2d.hxx>
#include <BRep_Tool.hxx>
#include <Geom_BezierCurve.hxx>
#include <Precision.hxx>
#include <TColgp_Array1OfPnt.hxx>
#include <TopExp.hxx>
#include <TopTools_IndexedDataMapOfShapeListOfShape.hxx>
#include <TopoDS.hxx>
#include <algorithm>
#include <cmath>
#include <gp_Circ.hxx>
#include <gp_Pln.hxx>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "cq/cadquery.h"
#include "cq/geom_types.h"
#include "cq/host.h"
#include "cq/selector_classes.h"
#include "cq/selectors.h"
#include "cq/shapes.h"
#include "cq/sketch_solver.h"

namespace cad::cq {

using script::CallArgs;
using script::Interpreter;
using script::Param;
using script::Value;

namespace {

constexpr double kDeg = M_PI / 180;
constexpr double kTwoPi = 2 * M_PI;
constexpr double kEps = 1e-9;

gp_Trsf rotation_z(double degrees) {
  gp_Trsf t;
  t.SetRotation(gp_Ax1(gp_Pnt(), gp_Dir(0, 0, 1)), degrees * kDeg);
  return t;
}

gp_Trsf translation(const gp_Pnt& p) {
  gp_Trsf t;
  t.SetTranslation(gp_Vec(p.XYZ()));
  return t;
}

TopoDS_Shape as_compound(const TopoDS_Shape& s) {
  return s.ShapeType() == TopAbs_COMPOUND ? s : make_compound({s});
}

double num(const Value& v, const char* what) {
  return script::to_float(v, what);
}

std::optional<std::string> opt_str(const Value& v, const char* what) {
  if (v.is_none()) return std::nullopt;
  return script::to_str(v, what);
}

std::vector<gp_Pnt> points(const Value& v, const char* what) {
  std::vector<gp_Pnt> out;
  for (const auto& p : script::to_items(v, what)) out.push_back(to_point(p, what));
  return out;
}

TopoDS_Shape face_of(const TopoDS_Wire& outer, const std::vector<TopoDS_Wire>& inner = {}) {
  std::vector<TopoDS_Shape> faces;
  for (const auto& f : faces_from_wires(outer, inner)) faces.push_back(f);
  return faces.size() == 1 ? faces[0] : make_compound(faces);
}

TopoDS_Wire wire_of(const std::vector<TopoDS_Edge>& edges) {
  BRepBuilderAPI_MakeWire w;
  for (const auto& e : edges) w.Add(e);
  if (!w.IsDone()) script::throw_geometry("Sketch: the edges do not form a wire");
  return w.Wire();
}

// CadQuery's Wire.makePolygon(pts, close=True); a repeated first point does not add an edge.
TopoDS_Shape polygon_face(std::vector<gp_Pnt> pts, std::int64_t* sides) {
  if (pts.size() > 1 && pts.front().Distance(pts.back()) < kEps) pts.pop_back();
  if (pts.size() < 3)
    script::throw_value_error("polygon: at least three distinct points are required");
  *sides = static_cast<std::int64_t>(pts.size());
  return face_of(make_polygon(pts, true));
}

gp_Pnt curve_point(const TopoDS_Edge& e, bool end) {
  BRepAdaptor_Curve c(e);
  return c.Value(end ? c.LastParameter() : c.FirstParameter());
}

// ---- convex hull of points and circular arcs ------------------------------------------

double wrap(double a) {
  a = std::fmod(a, kTwoPi);
  return a < 0 ? a + kTwoPi : a;
}

// A hull input: a point (r == 0) or a circle, of which only the arcs [lo, lo + span] of
// outward-normal angles count unless `full`. Arc end points are separate point inputs.
struct Disk {
  gp_XY c;
  double r = 0;
  bool full = true;
  std::vector<std::pair<double, double>> arcs;

  // Whether the normal angle psi is on the disk: start of an arc included, end excluded
  // (the end is the following point input's business).
  bool holds(double psi) const {
    if (full) return true;
    for (const auto& [lo, span] : arcs)
      if (wrap(psi - lo + kEps) < span) return true;
    return false;
  }
};

std::vector<Disk> hull_inputs(const std::vector<TopoDS_Edge>& edges) {
  std::vector<Disk> ds;
  auto add_point = [&](const gp_Pnt& p) {
    gp_XY q(p.X(), p.Y());
    for (const auto& d : ds)
      if (d.r == 0 && (d.c - q).Modulus() < kEps) return;
    ds.push_back(Disk{q, 0, true, {}});
  };
  for (const auto& e : edges) {
    BRepAdaptor_Curve cu(e);
    double u0 = cu.FirstParameter(), u1 = cu.LastParameter();
    if (cu.GetType() == GeomAbs_Line) {
      add_point(cu.Value(u0));
      add_point(cu.Value(u1));
    } else if (cu.GetType() == GeomAbs_Circle) {
      gp_Circ circ = cu.Circle();
      gp_XY c(circ.Location().X(), circ.Location().Y());
      Disk* d = nullptr;  // arcs of one circle (split by booleans) share one input
      for (auto& o : ds)
        if (o.r > 0 && (o.c - c).Modulus() < 1e-7 && std::abs(o.r - circ.Radius()) < 1e-7) d = &o;
      if (!d) {
        ds.push_back(Disk{c, circ.Radius(), false, {}});
        d = &ds.back();
      }
      double span = u1 - u0;
      if (span >= kTwoPi - kEps) {
        d->full = true;
        continue;
      }
      gp_Pnt ps = cu.Value(u0), pe = cu.Value(u1);
      bool ccw = circ.Axis().Direction().Z() > 0;
      gp_Pnt from = ccw ? ps : pe;
      d->arcs.emplace_back(wrap(std::atan2(from.Y() - c.Y(), from.X() - c.X())), span);
      add_point(ps);
      add_point(pe);
    } else {
      script::throw_value_error("hull: unsupported geometry " + geom_type(e) +
                                " (only lines and circular arcs)");
    }
  }
  return ds;
}

// The outer tangent from a to b that keeps both on its left: its direction, the tangent
// points and the angle of its outward normal; nullopt if one disk contains the other.
struct Tangent {
  double dir;
  gp_XY from, to;
  double psi;
};

std::optional<Tangent> outer_tangent(const Disk& a, const Disk& b) {
  gp_XY d = b.c - a.c;
  double len = d.Modulus();
  if (len < kEps) return std::nullopt;
  double k = (a.r - b.r) / len;
  if (std::abs(k) > 1 + kEps) return std::nullopt;
  // A point on the other circle: acos is ill-conditioned there, take the exact tangent.
  if (std::abs(std::abs(k) - 1) < 1e-10) k = k > 0 ? 1 : -1;
  double psi = std::atan2(d.Y(), d.X()) - std::acos(std::clamp(k, -1.0, 1.0));
  gp_XY n(std::cos(psi), std::sin(psi));
  return Tangent{wrap(psi + M_PI / 2), a.c + n * a.r, b.c + n * b.r, psi};
}

}  // namespace

// Gift wrapping (Jarvis march) over disks, counter-clockwise from the lowest point with
// the travel direction theta growing from 0 to 2 pi: from the current disk take the
// outer tangent that turns least (ties: the farthest), roll along disks between tangents.
TopoDS_Wire convex_hull(const std::vector<TopoDS_Edge>& edges) {
  std::vector<Disk> ds = hull_inputs(edges);
  if (ds.empty()) script::throw_value_error("No entities specified");
  const double bottom = 1.5 * M_PI;  // normal angle of a disk's lowest point
  size_t start = ds.size();
  double best_x = 0, best_y = 0;
  for (size_t i = 0; i < ds.size(); ++i) {
    if (ds[i].r > 0 && !ds[i].holds(bottom)) continue;
    double x = ds[i].c.X(), y = ds[i].c.Y() - ds[i].r;
    if (start == ds.size() || y < best_y - kEps || (std::abs(y - best_y) <= kEps && x < best_x)) {
      start = i;
      best_x = x;
      best_y = y;
    }
  }
  struct Move {
    size_t to;
    Tangent t;
  };
  std::vector<Move> moves;
  size_t cur = start;
  double theta = 0;
  for (size_t iter = 0;; ++iter) {
    if (iter > 4 * ds.size() + 8) script::throw_geometry("hull: the convex hull did not close");
    std::optional<Move> best;
    double best_turn = 0, best_len = 0;
    for (size_t e = 0; e < ds.size(); ++e) {
      if (e == cur) continue;
      auto t = outer_tangent(ds[cur], ds[e]);
      if (!t || !ds[e].holds(t->psi)) continue;
      double len = (t->to - t->from).Modulus();
      double turn = wrap(t->dir - theta);
      if (turn > kTwoPi - kEps) turn = 0;
      // A step that neither moves nor turns must climb to a larger disk (a point onto the
      // arc that starts there), else two inputs touching there could trade places forever.
      if (len < Precision::Confusion() && turn < kEps && ds[e].r <= ds[cur].r) continue;
      if (!best || turn < best_turn - kEps || (turn < best_turn + kEps && len > best_len)) {
        best = Move{e, *t};
        best_turn = turn;
        best_len = len;
      }
    }
    if (!best || theta + best_turn >= kTwoPi - kEps) break;  // back at the lowest point
    moves.push_back(*best);
    cur = best->to;
    theta += best_turn;
  }

  // Pieces: an arc on every disk between its arrival and departure normals (the first
  // and last reach the lowest point), a segment for every move that has a length.
  struct Piece {
    const Disk* disk;  // nullptr: the segment a -> b
    gp_XY a, b;
    double psi1, span;  // arc: normal angle at its end, angle swept
  };
  std::vector<Piece> pieces;
  auto roll = [&](const Disk& d, double psi0, double psi1) {
    if (d.r == 0) return;
    if (pieces.empty() || pieces.back().disk != &d) pieces.push_back({&d, {}, {}, psi1, 0});
    pieces.back().span += wrap(psi1 - psi0);  // a disk left with a zero step goes on
    pieces.back().psi1 = psi1;
  };
  if (moves.empty()) {
    if (ds[start].r == 0) script::throw_value_error("hull: a single point has no hull");
    pieces.push_back({&ds[start], {}, {}, bottom, kTwoPi});
  } else {
    roll(ds[start], bottom, moves[0].t.psi);
    for (size_t i = 0; i < moves.size(); ++i) {
      if ((moves[i].t.to - moves[i].t.from).Modulus() > Precision::Confusion())
        pieces.push_back({nullptr, moves[i].t.from, moves[i].t.to, 0, 0});
      roll(ds[moves[i].to], moves[i].t.psi, i + 1 < moves.size() ? moves[i + 1].t.psi : bottom);
    }
    // The start disk's opening arc and the closing arc meet at the lowest point: join them.
    if (pieces.size() > 1 && pieces.front().disk && pieces.front().disk == pieces.back().disk) {
      pieces.front().span += pieces.back().span;
      pieces.pop_back();
    }
    pieces.erase(std::remove_if(pieces.begin(), pieces.end(),
                                [](const Piece& p) { return p.disk && p.span < kEps; }),
                 pieces.end());
  }
  if (pieces.size() < 2) {  // one disk holds everything
    if (pieces.empty() || !pieces[0].disk)
      script::throw_value_error("hull: the inputs have no area");
    const Disk& d = *pieces[0].disk;
    session().count("circle");
    return wire_of({BRepBuilderAPI_MakeEdge(
        gp_Circ(gp_Ax2(gp_Pnt(d.c.X(), d.c.Y(), 0), gp::DZ(), gp::DX()), d.r))});
  }
  std::vector<TopoDS_Vertex> ends;  // ends[i]: the vertex where piece i ends
  for (const auto& p : pieces) {
    gp_XY q = p.disk ? p.disk->c + gp_XY(std::cos(p.psi1), std::sin(p.psi1)) * p.disk->r : p.b;
    ends.push_back(BRepBuilderAPI_MakeVertex(gp_Pnt(q.X(), q.Y(), 0)));
  }
  std::vector<TopoDS_Edge> out;
  std::int64_t lines = 0, arcs = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    const TopoDS_Vertex& v0 = ends[(i + pieces.size() - 1) % pieces.size()];
    if (p.disk) {
      gp_Circ circ(gp_Ax2(gp_Pnt(p.disk->c.X(), p.disk->c.Y(), 0), gp::DZ(), gp::DX()), p.disk->r);
      out.push_back(BRepBuilderAPI_MakeEdge(circ, v0, ends[i]));
      ++arcs;
    } else {
      out.push_back(BRepBuilderAPI_MakeEdge(v0, ends[i]));
      ++lines;
    }
  }
  session().count("line", lines);
  session().count("arc", arcs);
  return wire_of(out);
}

// ---- the script methods -------------------------------------------------------------

struct SketchOps {
  using Item = Sketch::Item;

  static Item item(const TopoDS_Shape& s) { return Item{s, gp_Trsf()}; }
  static Item item(const gp_Trsf& t) { return Item{TopoDS_Shape(), t}; }
  static Value item_value(const Item& i) {
    return i.shape.IsNull() ? make_location(i.loc) : wrap_shape(i.shape);
  }
  static bool has_selection(const Sketch& s) { return s.selection_ && !s.selection_->empty(); }

  // CadQuery's Sketch.each locations: the selection (a shape stands for its centre).
  static std::vector<gp_Trsf> placements(const Sketch& s, bool ignore_selection) {
    if (!has_selection(s) || ignore_selection) return {gp_Trsf()};
    std::vector<gp_Trsf> out;
    for (const auto& i : *s.selection_)
      out.push_back(i.shape.IsNull() ? i.loc : translation(shape_center(i.shape)));
    return out;
  }

  // CadQuery's Sketch.each: `shape` (faces at the origin) placed at every location and
  // combined with the sketch's faces by `mode`; `counts` are primitives per placement.
  static Value place(Sketch& s, const TopoDS_Shape& shape, const Value& mode, const Value& tag,
                     std::initializer_list<std::pair<const char*, std::int64_t>> counts = {},
                     bool ignore_selection = false) {
    std::vector<TopoDS_Shape> res;
    auto locs = placements(s, ignore_selection);
    for (const auto& loc : locs)
      for (const auto& f : sub_shapes(moved(shape, loc), TopAbs_FACE)) res.push_back(f);
    for (const auto& [kind, n] : counts)
      session().count(kind, n * static_cast<std::int64_t>(locs.size()));
    return combine(s, res, mode, tag);
  }

  // The faces `res` tagged and combined with the sketch's faces by `mode` (CadQuery's each).
  static Value combine(Sketch& s, const std::vector<TopoDS_Shape>& res, const Value& mode,
                       const Value& tag) {
    auto tag_name = opt_str(tag, "tag");
    if (tag_name) {
      auto& tagged = s.tags_[*tag_name];
      tagged.clear();
      for (const auto& f : res) tagged.push_back(item(f));
    }
    const std::string& m = script::to_str(mode, "mode");
    auto current = children(s.faces_);
    if (m == "a") {
      current.insert(current.end(), res.begin(), res.end());
      if (current.size() == 1)
        s.faces_ = as_compound(current[0]);
      else if (current.size() > 1)
        s.faces_ = as_compound(boolean(BoolOp::Fuse, {current[0]},
                                       {current.begin() + 1, current.end()}, "Sketch (mode 'a')"));
    } else if (m == "s" || m == "i") {
      if (!current.empty() && !res.empty())
        s.faces_ = as_compound(boolean(m == "s" ? BoolOp::Cut : BoolOp::Common, current, res,
                                       m == "s" ? "Sketch (mode 's')" : "Sketch (mode 'i')"));
      else if (m == "i")
        s.faces_ = make_compound({});
    } else if (m == "r") {
      s.faces_ = make_compound(res);
    } else if (m == "c") {
      if (!tag_name)
        script::throw_value_error("No tag specified - the geometry will be unreachable");
    } else {
      script::throw_value_error("Invalid mode: " + m);
    }
    return s.shared_from_this();
  }

  static Value rect(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "rect", {"w", "h", Param("angle", 0), Param("mode", "a"), Param("tag", Value())});
    double w = num(b[0], "rect w"), h = num(b[1], "rect h");
    TopoDS_Face f = BRepBuilderAPI_MakeFace(gp_Pln(gp_Ax3(gp::Origin(), gp::DZ(), gp::DX())),
                                            -w / 2, w / 2, -h / 2, h / 2);
    return place(s, moved(f, rotation_z(num(b[2], "rect angle"))), b[3], b[4], {{"line", 4}});
  }

  static Value circle(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "circle", {"r", Param("mode", "a"), Param("tag", Value())});
    TopoDS_Edge e = make_circle(num(b[0], "circle r"), gp_Pnt(), gp_Vec(0, 0, 1));
    return place(s, face_of(wire_of({e})), b[1], b[2], {{"circle", 1}});
  }

  static Value ellipse(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "ellipse", {"a1", "a2", Param("angle", 0), Param("mode", "a"), Param("tag", Value())});
    TopoDS_Edge e = make_ellipse(num(b[0], "ellipse a1"), num(b[1], "ellipse a2"), gp_Pnt(),
                                 gp_Vec(0, 0, 1), gp_Vec(1, 0, 0));
    return place(s, moved(face_of(wire_of({e})), rotation_z(num(b[2], "ellipse angle"))), b[3],
                 b[4], {{"ellipse", 1}});
  }

  static Value trapezoid(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "trapezoid",
                               {"w", "h", "a1", Param("a2", Value()), Param("angle", 0),
                                Param("mode", "a"), Param("tag", Value())});
    double w = num(b[0], "trapezoid w"), h = num(b[1], "trapezoid h"),
           a1 = num(b[2], "trapezoid a1");
    // As CadQuery: a2 of None (or 0) repeats a1.
    double a2 = b[3].is_none() || num(b[3], "trapezoid a2") == 0 ? a1 : num(b[3], "trapezoid a2");
    std::vector<gp_Pnt> pts{{-w / 2, -h / 2, 0},
                            {w / 2, -h / 2, 0},
                            {w / 2 - h / std::tan(a2 * kDeg), h / 2, 0},
                            {-w / 2 + h / std::tan(a1 * kDeg), h / 2, 0}};
    std::int64_t sides = 0;
    TopoDS_Shape f = polygon_face(pts, &sides);
    return place(s, moved(f, rotation_z(num(b[4], "trapezoid angle"))), b[5], b[6],
                 {{"line", sides}});
  }

  static Value slot(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "slot", {"w", "h", Param("angle", 0), Param("mode", "a"), Param("tag", Value())});
    double w = num(b[0], "slot w"), h = num(b[1], "slot h");
    gp_Pnt p1(-w / 2, h / 2, 0), p2(w / 2, h / 2, 0), p3(-w / 2, -h / 2, 0), p4(w / 2, -h / 2, 0);
    gp_Pnt p5(-w / 2 - h / 2, 0, 0), p6(w / 2 + h / 2, 0, 0);
    TopoDS_Wire wire = wire_of({make_line(p1, p2), make_three_point_arc(p2, p6, p4),
                                make_line(p4, p3), make_three_point_arc(p3, p5, p1)});
    return place(s, moved(face_of(wire), rotation_z(num(b[2], "slot angle"))), b[3], b[4],
                 {{"line", 2}, {"arc", 2}});
  }

  static Value regular_polygon(Sketch& s, Interpreter&, CallArgs& a) {
    auto b =
        script::bind_args(a, "regularPolygon",
                          {"r", "n", Param("angle", 0), Param("mode", "a"), Param("tag", Value())});
    double r = num(b[0], "regularPolygon r");
    std::int64_t n = script::to_int(b[1], "regularPolygon n");
    if (n < 3) script::throw_value_error("regularPolygon: n must be at least 3");
    std::vector<gp_Pnt> pts;
    for (std::int64_t i = 0; i <= n; ++i)
      pts.emplace_back(r * std::sin(i * kTwoPi / n), r * std::cos(i * kTwoPi / n), 0);
    std::int64_t sides = 0;
    TopoDS_Shape f = polygon_face(pts, &sides);
    return place(s, moved(f, rotation_z(num(b[2], "regularPolygon angle"))), b[3], b[4],
                 {{"line", sides}});
  }

  static Value polygon(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(
        a, "polygon", {"pts", Param("angle", 0), Param("mode", "a"), Param("tag", Value())});
    std::int64_t sides = 0;
    TopoDS_Shape f = polygon_face(points(b[0], "polygon pts"), &sides);
    return place(s, moved(f, rotation_z(num(b[1], "polygon angle"))), b[2], b[3],
                 {{"line", sides}});
  }

  // CadQuery's Sketch.face: a wire, a shape's faces, another sketch's faces or a list of
  // edges (first wire outer, the others holes); a Workplane gives its faces.
  static Value face_from(Sketch& s, const Value& v, double angle, const Value& mode,
                         const Value& tag, bool ignore_selection) {
    TopoDS_Shape shape;
    if (auto sh = as_shape(v)) {
      shape = sh->shape.ShapeType() == TopAbs_WIRE
                  ? face_of(TopoDS::Wire(sh->shape))
                  : make_compound(sub_shapes(sh->shape, TopAbs_FACE));
    } else if (auto other = v.as<Sketch>()) {
      shape = other->faces_;
    } else if (v.as<script::Sequence>()) {
      std::vector<TopoDS_Shape> edges;
      for (const auto& e : script::to_items(v, "face")) {
        auto sh = as_shape(e);
        if (!sh) script::throw_type_error("Sketch.face: expected edges, got " + e.type_name());
        edges.push_back(sh->shape);
      }
      auto wires = combine_wires(edges, 1e-6);
      if (wires.empty()) script::throw_value_error("Sketch.face: no edges given");
      shape = face_of(wires[0], {wires.begin() + 1, wires.end()});
    } else if (auto any = to_shape(v)) {
      shape = make_compound(sub_shapes(*any, TopAbs_FACE));
    } else {
      script::throw_value_error("Sketch.face: unsupported argument " + v.type_name());
    }
    if (angle != 0) shape = moved(shape, rotation_z(angle));
    return place(s, shape, mode, tag, {}, ignore_selection);
  }

  static Value face(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "face",
                               {"b", Param("angle", 0), Param("mode", "a"), Param("tag", Value()),
                                Param("ignore_selection", false)});
    return face_from(s, b[0], num(b[1], "face angle"), b[2], b[3], b[4].truthy());
  }

  // CadQuery's Sketch.offset: each selected wire offset by d (arc joins), each result added
  // as a face by `mode`.
  static Value offset(Sketch& s, Interpreter& in, CallArgs& a) {
    auto b = script::bind_args(a, "offset", {"d", Param("mode", "a"), Param("tag", Value())});
    const bool selected = has_selection(s);
    std::vector<TopoDS_Wire> wires;
    if (selected)
      for (const auto& i : *s.selection_)
        if (!i.shape.IsNull() && i.shape.ShapeType() == TopAbs_WIRE)
          for (const auto& w : offset_wire_2d(TopoDS::Wire(i.shape), num(b[0], "offset d"), "arc"))
            wires.push_back(w);
    for (const auto& w : wires) face_from(s, wrap_shape(w), 0, b[1], b[2], selected);
    (void)in;
    return s.shared_from_this();
  }

  // CadQuery's Sketch.each(callback, mode, tag, ignore_selection): the callback's faces (a
  // Face, a Compound or a Sketch) for each location of the selection, combined by `mode`.
  static Value each(Sketch& s, Interpreter& in, CallArgs& a) {
    auto b = script::bind_args(
        a, "each",
        {"callback", Param("mode", "a"), Param("tag", Value()), Param("ignore_selection", false)});
    std::vector<TopoDS_Shape> res;
    for (const auto& loc : placements(s, b[3].truthy())) {
      CallArgs ca;
      ca.positional.push_back(make_location(loc));
      const Value r = in.call(b[0], ca);
      TopoDS_Shape faces;
      if (auto sk = r.as<Sketch>())
        faces = sk->faces_;
      else if (auto sh = as_shape(r))
        faces = sh->shape;
      else
        script::throw_type_error("Sketch.each: the callback returned " + r.type_name() +
                                 ", not a Face, Compound or Sketch");
      for (const auto& f : sub_shapes(faces, TopAbs_FACE)) res.push_back(f);
    }
    return combine(s, res, b[1], b[2]);
  }

  // CadQuery's Sketch.distribute(n, start, stop, rotate): n locations along each selected
  // edge or wire (a closed one untrimmed gets n evenly round it), planar frames when
  // rotating, else positions; they become the selection.
  static Value distribute(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "distribute",
                               {"n", Param("start", 0), Param("stop", 1), Param("rotate", true)});
    const std::int64_t n = script::to_int(b[0], "distribute n");
    if (n < 1)
      script::throw_value_error("At least 1 element required, requested " + std::to_string(n));
    if (!has_selection(s)) script::throw_value_error("Nothing selected to distribute over");
    const double start = num(b[1], "start"), stop = num(b[2], "stop");
    const bool trimmed = !(1 - std::abs(stop - start) < 1e-6);
    std::vector<double> closed_params, open_params;
    for (std::int64_t i = 0; i < n; ++i) {
      closed_params.push_back(start + static_cast<double>(i) * (stop - start) / n);
      open_params.push_back(n > 1 ? start + static_cast<double>(i) * (stop - start) / (n - 1)
                                  : start);
    }
    std::vector<Item> sel;
    for (const auto& el : *s.selection_) {
      if (el.shape.IsNull() ||
          (el.shape.ShapeType() != TopAbs_EDGE && el.shape.ShapeType() != TopAbs_WIRE))
        script::throw_value_error("Unsupported selection: distribute needs edges or wires");
      const bool closed = BRep_Tool::IsClosed(el.shape);
      for (double d : closed && !trimmed ? closed_params : open_params) {
        if (b[3].truthy()) {
          sel.push_back(item(curve_location(el.shape, d, "length", "frenet", true)));
        } else {
          const gp_Trsf f = curve_location(el.shape, d, "length", "frenet", false);
          gp_Trsf t;
          t.SetTranslation(gp_Vec(f.TranslationPart()));
          sel.push_back(item(t));
        }
      }
    }
    s.selection_ = sel;
    return s.shared_from_this();
  }

  static Value hull(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "hull", {Param("mode", "a"), Param("tag", Value())});
    std::vector<TopoDS_Edge> edges;
    bool selected = has_selection(s);
    if (selected) {
      for (const auto& i : *s.selection_)
        if (!i.shape.IsNull() && i.shape.ShapeType() == TopAbs_EDGE)
          edges.push_back(TopoDS::Edge(i.shape));
    } else if (!children(s.faces_).empty()) {
      for (const auto& e : sub_shapes(s.faces_, TopAbs_EDGE)) edges.push_back(TopoDS::Edge(e));
    } else if (!s.edges_.empty()) {
      for (const auto& e : s.edges_) edges.push_back(e.edge);
    } else {
      script::throw_value_error("No objects available for hull construction");
    }
    TopoDS_Shape f = face_of(convex_hull(edges));
    return place(s, f, b[0], b[1], {}, selected);
  }

  static Value push(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "push", {"locs", Param("tag", Value())});
    std::vector<Item> sel;
    for (const auto& l : script::to_items(b[0], "push locs"))
      sel.push_back(item(to_trsf(l, "push")));
    s.selection_ = sel;
    if (auto t = opt_str(b[1], "tag")) s.tags_[*t] = sel;
    return s.shared_from_this();
  }

  // The selection as locations (a shape stands for its centre), identity when empty.
  static std::vector<gp_Trsf> selection_locs(const Sketch& s) {
    if (!has_selection(s)) return {gp_Trsf()};
    return placements(s, false);
  }

  static Value rarray(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "rarray", {"xs", "ys", "nx", "ny"});
    double xs = num(b[0], "rarray xs"), ys = num(b[1], "rarray ys");
    std::int64_t nx = script::to_int(b[2], "rarray nx"), ny = script::to_int(b[3], "rarray ny");
    if (nx < 1 || ny < 1)
      script::throw_value_error("At least 1 elements required, requested " + std::to_string(nx) +
                                ", " + std::to_string(ny));
    std::vector<Item> sel;
    for (std::int64_t i = 0; i < nx; ++i)
      for (std::int64_t j = 0; j < ny; ++j)
        for (const auto& el : selection_locs(s))
          sel.push_back(item(
              translation(gp_Pnt(i * xs - (nx - 1) * xs / 2, j * ys - (ny - 1) * ys / 2, 0)) * el));
    s.selection_ = sel;
    return s.shared_from_this();
  }

  static Value parray(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "parray", {"r", "a1", "da", "n", Param("rotate", true)});
    double r = num(b[0], "parray r"), a1 = num(b[1], "parray a1"), da = num(b[2], "parray da");
    std::int64_t n = script::to_int(b[3], "parray n");
    if (n < 1)
      script::throw_value_error("At least 1 element required, requested " + std::to_string(n));
    // A full circle spreads n copies over 360 degrees, otherwise the ends are both used.
    double step = std::abs(std::remainder(da, 360)) < 1e-6 ? da / n : (n > 1 ? da / (n - 1) : a1);
    std::vector<Item> sel;
    auto base = selection_locs(s);
    for (std::int64_t i = 0; i < n; ++i) {
      double phi = a1 + step * i;
      gp_Trsf l = translation(gp_Pnt(r * std::cos(phi * kDeg), r * std::sin(phi * kDeg), 0));
      for (const auto& el : base) sel.push_back(item(l * el * rotation_z(b[4].truthy() ? phi : 0)));
    }
    s.selection_ = sel;
    return s.shared_from_this();
  }

  static Value reset(Sketch& s, Interpreter&, CallArgs& a) {
    script::bind_args(a, "reset", {});
    s.selection_.reset();
    return s.shared_from_this();
  }

  // CadQuery's Sketch._select: sub-shapes of the tagged items, else of the selected
  // shapes, else of the faces and edges; filtered, then made unique.
  static Value select_kind(Sketch& s, CallArgs& a, const char* name, TopAbs_ShapeEnum kind) {
    auto b = script::bind_args(a, name, {Param("s", Value()), Param("tag", Value())});
    std::vector<TopoDS_Shape> rv;
    auto add = [&](const TopoDS_Shape& sh) {
      auto subs = sub_shapes(sh, kind);
      rv.insert(rv.end(), subs.begin(), subs.end());
    };
    if (auto t = opt_str(b[1], "tag")) {
      auto it = s.tags_.find(*t);
      if (it == s.tags_.end()) script::throw_runtime("KeyError", "'" + *t + "'");
      for (const auto& i : it->second)
        if (!i.shape.IsNull()) add(i.shape);
    } else if (has_selection(s)) {
      for (const auto& i : *s.selection_)
        if (!i.shape.IsNull()) add(i.shape);
    } else {
      add(s.faces_);
      for (const auto& e : s.edges_) add(e.edge);
    }
    if (!b[0].is_none()) rv = select_shapes(rv, to_selector(b[0], std::string("Sketch.") + name));
    std::vector<Item> sel;
    for (const auto& sh : rv)
      if (std::none_of(sel.begin(), sel.end(), [&](const Item& i) { return i.shape.IsSame(sh); }))
        sel.push_back(item(sh));
    s.selection_ = sel;
    return s.shared_from_this();
  }
  static Value faces(Sketch& s, Interpreter&, CallArgs& a) {
    return select_kind(s, a, "faces", TopAbs_FACE);
  }
  static Value edges(Sketch& s, Interpreter&, CallArgs& a) {
    return select_kind(s, a, "edges", TopAbs_EDGE);
  }
  static Value wires(Sketch& s, Interpreter&, CallArgs& a) {
    return select_kind(s, a, "wires", TopAbs_WIRE);
  }
  static Value vertices(Sketch& s, Interpreter&, CallArgs& a) {
    return select_kind(s, a, "vertices", TopAbs_VERTEX);
  }

  static Value tag(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "tag", {"tag"});
    if (!has_selection(s)) script::throw_value_error("Selection is needed to tag");
    s.tags_[script::to_str(b[0], "tag")] = *s.selection_;
    return s.shared_from_this();
  }

  static Value select(Sketch& s, Interpreter&, CallArgs& a) {
    if (!a.keywords.empty()) script::throw_type_error("select() takes no keyword arguments");
    std::vector<Item> sel;
    for (const auto& t : a.positional) {
      auto it = s.tags_.find(script::to_str(t, "tag"));
      if (it == s.tags_.end()) script::throw_runtime("KeyError", "'" + t.as_str() + "'");
      sel.insert(sel.end(), it->second.begin(), it->second.end());
    }
    s.selection_ = sel;
    return s.shared_from_this();
  }

  // 2D fillet or chamfer at the selected vertices of every face that has some.
  static Value round_corners(Sketch& s, CallArgs& a, bool chamfer) {
    const char* name = chamfer ? "chamfer" : "fillet";
    auto b = script::bind_args(a, name, {"d"});
    double d = num(b[0], name);
    if (!has_selection(s))
      script::throw_value_error("Selection is needed to match vertices to faces");
    std::vector<TopoDS_Shape> out;
    std::int64_t corners = 0;
    for (const auto& f : sub_shapes(s.faces_, TopAbs_FACE)) {
      std::vector<TopoDS_Vertex> vs;
      for (const auto& v : sub_shapes(f, TopAbs_VERTEX))
        for (const auto& i : *s.selection_)
          if (i.shape.IsSame(v)) {
            vs.push_back(TopoDS::Vertex(v));
            break;
          }
      if (vs.empty()) {
        out.push_back(f);
        continue;
      }
      BRepFilletAPI_MakeFillet2d mk(TopoDS::Face(f));
      TopTools_IndexedDataMapOfShapeListOfShape v2e;
      TopExp::MapShapesAndUniqueAncestors(f, TopAbs_VERTEX, TopAbs_EDGE, v2e);
      for (const auto& v : vs) {
        if (!chamfer) {
          mk.AddFillet(v, d);
          continue;
        }
        const auto& es = v2e.FindFromKey(v);
        if (es.Extent() != 2) script::throw_value_error("Cannot chamfer at this location");
        mk.AddChamfer(TopoDS::Edge(es.First()), TopoDS::Edge(es.Last()), d, d);
      }
      mk.Build();
      if (!mk.IsDone())
        script::throw_geometry(std::string("Sketch.") + name +
                               ": BRepFilletAPI_MakeFillet2d failed");
      out.push_back(mk.Shape());
      corners += static_cast<std::int64_t>(vs.size());
    }
    s.faces_ = make_compound(out);
    session().count(chamfer ? "line" : "arc", corners);
    return s.shared_from_this();
  }
  static Value fillet(Sketch& s, Interpreter&, CallArgs& a) { return round_corners(s, a, false); }
  static Value chamfer(Sketch& s, Interpreter&, CallArgs& a) { return round_corners(s, a, true); }

  static Value clean(Sketch& s, Interpreter&, CallArgs& a) {
    script::bind_args(a, "clean", {});
    s.faces_ = as_compound(cad::cq::clean(s.faces_));
    return s.shared_from_this();
  }

  static Value del(Sketch& s, Interpreter&, CallArgs& a) {
    script::bind_args(a, "delete", {});
    if (!has_selection(s)) script::throw_value_error("Selection is needed to delete");
    std::vector<TopoDS_Shape> faces;
    for (const auto& i : *s.selection_) {
      TopAbs_ShapeEnum t = i.shape.IsNull() ? TopAbs_SHAPE : i.shape.ShapeType();
      if (t == TopAbs_FACE) {
        faces.clear();
        for (const auto& c : children(s.faces_))
          if (!c.IsSame(i.shape)) faces.push_back(c);
        s.faces_ = make_compound(faces);
      } else if (t == TopAbs_EDGE) {
        s.edges_.erase(std::remove_if(s.edges_.begin(), s.edges_.end(),
                                      [&](const auto& e) { return e.edge.IsSame(i.shape); }),
                       s.edges_.end());
      } else {
        script::throw_value_error(
            "Deletion of " +
            (i.shape.IsNull() ? std::string("Location") : shape_type_name(i.shape)) +
            " not supported");
      }
    }
    s.selection_.reset();
    return s.shared_from_this();
  }

  // ---- edge-based construction ----

  static gp_Pnt end_point(const Sketch& s) {
    if (s.edges_.empty()) script::throw_value_error("No free edges available");
    return curve_point(s.edges_.back().edge, true);
  }

  // The start of the first edge in the same (construction or not) mode as the last one.
  static gp_Pnt start_point(const Sketch& s) {
    if (s.edges_.empty()) script::throw_value_error("No free edges available");
    for (const auto& e : s.edges_)
      if (e.construction == s.edges_.back().construction) return curve_point(e.edge, false);
    return curve_point(s.edges_.back().edge, false);
  }

  // Leading positional geometry (points and numbers), then tag and forConstruction.
  static std::vector<Value> geometry(CallArgs& a, const char* name, Value* tag,
                                     bool* construction) {
    std::vector<Value> geo;
    CallArgs rest;
    size_t i = 0;
    for (; i < a.positional.size() && (is_vector_like(a.positional[i]) ||
                                       a.positional[i].is_int() || a.positional[i].is_float());
         ++i)
      geo.push_back(a.positional[i]);
    rest.positional.assign(a.positional.begin() + i, a.positional.end());
    rest.keywords = a.keywords;
    auto b =
        script::bind_args(rest, name, {Param("tag", Value()), Param("forConstruction", false)});
    *tag = b[0];
    *construction = b[1].truthy();
    return geo;
  }

  static Value add_edge(Sketch& s, const TopoDS_Edge& e, const Value& tag, bool construction,
                        const char* kind) {
    s.edges_.push_back({e, construction});
    if (auto t = opt_str(tag, "tag")) s.tags_[*t] = {item(e)};
    session().count(kind);
    return s.shared_from_this();
  }

  static Value segment(Sketch& s, Interpreter&, CallArgs& a) {
    Value tag;
    bool construction;
    auto g = geometry(a, "segment", &tag, &construction);
    if (g.size() == 2 && is_vector_like(g[0]) && is_vector_like(g[1]))
      return add_edge(s, make_line(to_point(g[0]), to_point(g[1])), tag, construction, "line");
    if (g.size() == 1 && is_vector_like(g[0]))
      return add_edge(s, make_line(end_point(s), to_point(g[0])), tag, construction, "line");
    if (g.size() == 2 && !is_vector_like(g[0]) && !is_vector_like(g[1])) {  // length, angle
      double l = num(g[0], "segment l"), ang = num(g[1], "segment a") * kDeg;
      gp_Pnt p = end_point(s);
      return add_edge(s,
                      make_line(p, p.Translated(gp_Vec(l * std::cos(ang), l * std::sin(ang), 0))),
                      tag, construction, "line");
    }
    script::throw_type_error("segment() expects (p1, p2), (p2) or (length, angle)");
  }

  static Value arc(Sketch& s, Interpreter&, CallArgs& a) {
    Value tag;
    bool construction;
    auto g = geometry(a, "arc", &tag, &construction);
    auto all_points = [&] { return std::all_of(g.begin(), g.end(), is_vector_like); };
    if (g.size() == 3 && all_points())
      return add_edge(s, make_three_point_arc(to_point(g[0]), to_point(g[1]), to_point(g[2])), tag,
                      construction, "arc");
    if (g.size() == 2 && all_points())
      return add_edge(s, make_three_point_arc(end_point(s), to_point(g[0]), to_point(g[1])), tag,
                      construction, "arc");
    if (g.size() == 4 && is_vector_like(g[0]) && !is_vector_like(g[1])) {  // centre, r, start, span
      gp_Pnt c = to_point(g[0]);
      double r = num(g[1], "arc r"), a0 = num(g[2], "arc a"), da = num(g[3], "arc da");
      if (std::abs(da) >= 360)
        return add_edge(s, make_circle(r, c, gp_Vec(0, 0, 1), a0, a0, da > 0), tag, construction,
                        "circle");
      auto at = [&](double deg) {
        return c.Translated(gp_Vec(r * std::cos(deg * kDeg), r * std::sin(deg * kDeg), 0));
      };
      return add_edge(s, make_three_point_arc(at(a0), at(a0 + da / 2), at(a0 + da)), tag,
                      construction, "arc");
    }
    script::throw_type_error(
        "arc() expects (p1, p2, p3), (p2, p3) or (center, radius, angle, span)");
  }

  static Value spline(Sketch& s, Interpreter&, CallArgs& a) {
    std::vector<Value> b;
    if (a.positional.size() >= 2 &&
        a.positional[1].is_str()) {  // spline(pts, tag, forConstruction)
      auto t = script::bind_args(a, "spline",
                                 {"pts", Param("tag", Value()), Param("forConstruction", false)});
      b = {t[0], Value(), false, t[1], t[2]};
    } else {
      b = script::bind_args(a, "spline",
                            {"pts", Param("tangents", Value()), Param("periodic", false),
                             Param("tag", Value()), Param("forConstruction", false)});
    }
    std::vector<std::optional<gp_Vec>> tangents;
    if (!b[1].is_none())
      for (const auto& t : script::to_items(b[1], "spline tangents"))
        tangents.push_back(t.is_none() ? std::nullopt
                                       : std::optional<gp_Vec>(to_vec(t, "spline tangent")));
    return add_edge(s, make_spline(points(b[0], "spline pts"), tangents, b[2].truthy()), b[3],
                    b[4].truthy(), "spline");
  }

  static Value bezier(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "bezier",
                               {"pts", Param("tag", Value()), Param("forConstruction", false)});
    auto pts = points(b[0], "bezier pts");
    if (pts.size() < 2) script::throw_value_error("bezier: at least two points are required");
    TColgp_Array1OfPnt poles(1, static_cast<int>(pts.size()));
    for (size_t i = 0; i < pts.size(); ++i) poles.SetValue(static_cast<int>(i + 1), pts[i]);
    return add_edge(s, BRepBuilderAPI_MakeEdge(new Geom_BezierCurve(poles)), b[1], b[2].truthy(),
                    "spline");
  }

  static Value close(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "close", {Param("tag", Value())});
    return add_edge(s, make_line(end_point(s), start_point(s)), b[0], false, "line");
  }

  static Value assemble(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "assemble", {Param("mode", "a"), Param("tag", Value())});
    std::vector<TopoDS_Shape> edges;
    for (const auto& e : s.edges_)
      if (!e.construction) edges.push_back(e.edge);
    auto wires = combine_wires(edges, 1e-6);
    if (wires.empty()) script::throw_value_error("Sketch.assemble: no edges to assemble");
    return place(s, face_of(wires[0], {wires.begin() + 1, wires.end()}), b[0], b[1]);
  }

  // ---- results and copies ----

  static Value finalize(Sketch& s, Interpreter&, CallArgs& a) {
    script::bind_args(a, "finalize", {});
    return s.parent;
  }

  static std::vector<Value> values(const Sketch& s) {
    std::vector<Value> out;
    if (s.selection_) {
      for (const auto& i : *s.selection_) out.push_back(item_value(i));
    } else if (children(s.faces_).empty() && !s.edges_.empty()) {
      for (const auto& e : s.edges_) out.push_back(wrap_shape(e.edge, e.construction));
    } else {
      for (const auto& c : children(s.faces_)) out.push_back(wrap_shape(c));
    }
    return out;
  }

  static Value val(Sketch& s, Interpreter&, CallArgs& a) {
    script::bind_args(a, "val", {});
    if (s.selection_) {
      if (s.selection_->empty()) script::throw_runtime("IndexError", "list index out of range");
      return item_value(s.selection_->front());
    }
    if (children(s.faces_).empty() && !s.edges_.empty()) return wrap_shape(s.edges_.front().edge);
    return wrap_shape(s.faces_);
  }

  static Value vals(Sketch& s, Interpreter&, CallArgs& a) {
    script::bind_args(a, "vals", {});
    return script::make_list(values(s));
  }

  // -- CadQuery 2.5's functional selection API (filter, map, apply, sort, invoke) --

  // A selection item from a callback's value: a shape or a Location.
  static Item item_of(const Value& v, const char* what) {
    if (auto sh = as_shape(v)) return item(sh->shape);
    if (v.as<LocationObj>()) return item(to_trsf(v, what));
    script::throw_type_error(std::string("Sketch.") + what +
                             ": expected a Shape or Location, got " + v.type_name());
  }
  static Value set_selection(Sketch& s, const std::vector<Value>& values, const char* what) {
    std::vector<Item> sel;
    for (const auto& v : values) sel.push_back(item_of(v, what));
    s.selection_ = std::move(sel);
    return s.shared_from_this();
  }
  static Value call_with(Interpreter& in, const Value& f, const Value& arg) {
    CallArgs ca;
    ca.positional.push_back(arg);
    return in.call(f, ca);
  }
  static Value filter(Sketch& s, Interpreter& in, CallArgs& a) {
    auto b = script::bind_args(a, "filter", {"f"});
    std::vector<Value> kept;
    for (const auto& v : values(s))
      if (call_with(in, b[0], v).truthy()) kept.push_back(v);
    return set_selection(s, kept, "filter");
  }
  static Value map(Sketch& s, Interpreter& in, CallArgs& a) {
    auto b = script::bind_args(a, "map", {"f"});
    std::vector<Value> out;
    for (const auto& v : values(s)) out.push_back(call_with(in, b[0], v));
    return set_selection(s, out, "map");
  }
  static Value apply(Sketch& s, Interpreter& in, CallArgs& a) {
    auto b = script::bind_args(a, "apply", {"f"});
    const Value r = call_with(in, b[0], script::make_list(values(s)));
    return set_selection(s, script::to_items(r, "Sketch.apply"), "apply");
  }
  static Value sort(Sketch& s, Interpreter& in, CallArgs& a) {
    auto b = script::bind_args(a, "sort", {"key"});
    return set_selection(s, script::sorted_items(in, values(s), b[0], false), "sort");
  }
  // invoke(f): f() for a callable of no parameters, f(sketch) for one (its result replaces the
  // sketch unless None); more parameters are a ValueError (CadQuery's get_arity).
  static Value invoke(Sketch& s, Interpreter& in, CallArgs& a) {
    auto b = script::bind_args(a, "invoke", {"f"});
    const int arity = Interpreter::arity(b[0]);
    CallArgs ca;
    if (arity == 0) {
      in.call(b[0], ca);
      return s.shared_from_this();
    }
    if (arity > 1)
      script::throw_value_error("Provided function " + b[0].repr() + " accepts too many arguments");
    const Value r = call_with(in, b[0], s.shared_from_this());
    return r.is_none() ? Value(s.shared_from_this()) : r;
  }

  // CadQuery 2.5's add / subtract / replace: the faces of the selection fused with, cut from,
  // or instead of the sketch's faces (no clean, as in CadQuery).
  static std::vector<TopoDS_Shape> selected_faces(const Sketch& s, const char* what) {
    if (!s.selection_) script::throw_value_error(std::string("Sketch.") + what + ": no selection");
    std::vector<TopoDS_Shape> out;
    for (const auto& i : *s.selection_)
      if (!i.shape.IsNull())
        for (const auto& f : sub_shapes(i.shape, TopAbs_FACE)) out.push_back(f);
    return out;
  }
  static Value add_faces(Sketch& s, Interpreter&, CallArgs& a) {
    script::bind_args(a, "add", {});
    auto faces = selected_faces(s, "add");
    auto current = children(s.faces_);
    if (current.empty() || faces.empty()) {
      current.insert(current.end(), faces.begin(), faces.end());
      s.faces_ = make_compound(current);
    } else {
      s.faces_ =
          as_compound(boolean(BoolOp::Fuse, {s.faces_}, {make_compound(faces)}, "Sketch.add"));
    }
    return s.shared_from_this();
  }
  static Value subtract_faces(Sketch& s, Interpreter&, CallArgs& a) {
    script::bind_args(a, "subtract", {});
    auto faces = selected_faces(s, "subtract");
    if (!children(s.faces_).empty() && !faces.empty())
      s.faces_ =
          as_compound(boolean(BoolOp::Cut, {s.faces_}, {make_compound(faces)}, "Sketch.subtract"));
    return s.shared_from_this();
  }
  static Value replace_faces(Sketch& s, Interpreter&, CallArgs& a) {
    script::bind_args(a, "replace", {});
    s.faces_ = make_compound(selected_faces(s, "replace"));
    return s.shared_from_this();
  }
  // edge(val, tag=None, forConstruction=False): an Edge appended to the edge-based construction.
  static Value edge(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "edge",
                               {"val", Param("tag", Value()), Param("forConstruction", false)});
    auto sh = as_shape(b[0]);
    if (!sh || sh->shape.IsNull() || sh->shape.ShapeType() != TopAbs_EDGE)
      script::throw_type_error("Sketch.edge: val must be an Edge, not " + b[0].type_name());
    const TopoDS_Edge e = TopoDS::Edge(sh->shape);
    BRepAdaptor_Curve c(e);
    const char* kind = c.GetType() == GeomAbs_Line     ? "line"
                       : c.GetType() == GeomAbs_Circle ? "arc"
                                                       : "spline";
    return add_edge(s, e, b[1], b[2].truthy(), kind);
  }

  // ---- constraints (CadQuery's Sketch.constrain / solve, occ_impl/sketch_solver.py) ----

  static std::string edge_geom(const TopoDS_Shape& sh) {
    if (sh.IsNull()) return "Location";
    if (sh.ShapeType() != TopAbs_EDGE) return shape_type_name(sh);
    BRepAdaptor_Curve c(TopoDS::Edge(sh));
    return c.GetType() == GeomAbs_Line     ? "LINE"
           : c.GetType() == GeomAbs_Circle ? "CIRCLE"
                                           : "OTHER";
  }
  static bool is_real(const Value& v) { return v.is_int() || v.is_float(); }

  // constrain(tag, kind, param) or constrain(tag1, tag2, kind, param), validated as CadQuery's
  // Constraint.__init__ validates (ConstraintInvariants): ValueError on a bad kind, arity,
  // geometry or parameter; KeyError for an unknown tag.
  static Value constrain(Sketch& s, Interpreter&, CallArgs& a) {
    if (!a.keywords.empty() || (a.positional.size() != 3 && a.positional.size() != 4))
      script::throw_type_error("constrain() takes (tag, kind, arg) or (tag1, tag2, kind, arg)");
    const auto& p = a.positional;
    Sketch::Constraint c;
    const std::size_t ntags = p.size() - 2;
    for (std::size_t i = 0; i < ntags; ++i) c.tags.push_back(script::to_str(p[i], "constrain tag"));
    c.kind = script::to_str(p[ntags], "constrain kind");
    c.param = p[ntags + 1];
    struct Invariant {
      std::size_t arity;
      bool line, circle;
    };
    static const std::map<std::string, Invariant> inv = {
        {"Fixed", {1, true, true}},      {"FixedPoint", {1, true, true}},
        {"Coincident", {2, true, true}}, {"Angle", {2, true, true}},
        {"Length", {1, true, true}},     {"Distance", {2, true, true}},
        {"Radius", {1, false, true}},    {"Orientation", {1, true, false}},
        {"ArcAngle", {1, false, true}}};
    auto it = inv.find(c.kind);
    if (it == inv.end()) script::throw_value_error("Unknown constraint " + c.kind + ".");
    if (it->second.arity != ntags)
      script::throw_value_error("Invalid number of entities for constraint " + c.kind +
                                ". Provided " + std::to_string(ntags) + ", required " +
                                std::to_string(it->second.arity) + ".");
    for (const auto& t : c.tags) {
      auto tag = s.tags_.find(t);
      if (tag == s.tags_.end() || tag->second.empty())
        script::throw_runtime("KeyError", "'" + t + "'");
      const std::string g = edge_geom(tag->second.front().shape);
      if (!((g == "LINE" && it->second.line) || (g == "CIRCLE" && it->second.circle)))
        script::throw_value_error("Unsupported geometry types ['" + g + "'] for constraint " +
                                  c.kind + ".");
    }
    const Value& v = c.param;
    bool ok = false;
    if (c.kind == "Fixed" || c.kind == "Coincident") ok = v.is_none();
    if (c.kind == "FixedPoint") ok = v.is_none() || is_real(v);
    if (c.kind == "Angle" || c.kind == "Length" || c.kind == "Radius" || c.kind == "ArcAngle")
      ok = is_real(v);
    if (c.kind == "Distance" || c.kind == "Orientation") {
      auto t = v.as<script::Sequence>();
      const std::size_t n = c.kind == "Distance" ? 3 : 2;
      ok = t && t->items.size() == n;
      for (std::size_t i = 0; ok && i < n; ++i)
        ok = is_real(t->items[i]) || (c.kind == "Distance" && i < 2 && t->items[i].is_none());
    }
    if (!ok)
      script::throw_value_error("Unsupported argument types " + v.type_name() + " for constraint " +
                                c.kind + ".");
    s.constraints_.push_back(std::move(c));
    return s.shared_from_this();
  }

  static Value solve(Sketch& s, Interpreter&, CallArgs& a) {
    script::bind_args(a, "solve", {});
    // Entities: every tag whose first item is a line or an arc (CadQuery's solve()).
    std::vector<SolverEntity> entities;
    std::vector<TopoDS_Edge> originals;
    std::map<std::string, int> index;
    for (const auto& [name, items] : s.tags_) {
      if (items.empty()) continue;
      const std::string g = edge_geom(items.front().shape);
      if (g != "LINE" && g != "CIRCLE") continue;
      const TopoDS_Edge e = TopoDS::Edge(items.front().shape);
      BRepAdaptor_Curve c(e);
      const gp_Pnt p1 = c.Value(c.FirstParameter()), p2 = c.Value(c.LastParameter());
      SolverEntity ent;
      if (g == "LINE") {
        ent.x = {p1.X(), p1.Y(), p2.X(), p2.Y()};
      } else {
        ent.arc = true;
        const gp_Circ circ = c.Circle();
        const gp_Pnt pc = circ.Location();
        const gp_Pnt pm = c.Value(0.5 * (c.FirstParameter() + c.LastParameter()));
        const gp_Vec ref(0, 0, -1), v1(pc, p1), v2(pc, p2), vm(pc, pm);
        const double a1 = gp_Vec(0, 1, 0).AngleWithRef(v1, ref);
        double a2 = v1.AngleWithRef(v2, ref);
        const double a3 = v1.AngleWithRef(vm, ref);
        if (a3 > 0 && a2 < 0)
          a2 += 2 * M_PI;
        else if (a3 < 0 && a2 > 0)
          a2 -= 2 * M_PI;
        ent.x = {pc.X(), pc.Y(), circ.Radius(), a1, a2};
      }
      index[name] = static_cast<int>(entities.size());
      entities.push_back(std::move(ent));
      originals.push_back(e);
    }
    std::vector<SolverConstraint> constraints;
    auto num = [](const Value& v) { return script::to_float(v, "constraint"); };
    for (const auto& c : s.constraints_) {
      SolverConstraint sc;
      sc.kind = c.kind;
      sc.e1 = index.at(c.tags[0]);
      if (c.tags.size() == 2) sc.e2 = index.at(c.tags[1]);
      if (c.kind == "Angle" || c.kind == "ArcAngle") sc.value = num(c.param) * M_PI / 180;
      if (c.kind == "Length" || c.kind == "Radius") sc.value = num(c.param);
      if (c.kind == "FixedPoint" && !c.param.is_none()) sc.p1 = num(c.param);
      if (c.kind == "Distance") {
        const auto& t = c.param.as<script::Sequence>()->items;
        if (!t[0].is_none()) sc.p1 = num(t[0]);
        if (!t[1].is_none()) sc.p2 = num(t[1]);
        sc.value = num(t[2]);
      }
      if (c.kind == "Orientation") {
        const auto& t = c.param.as<script::Sequence>()->items;
        sc.dir = {num(t[0]), num(t[1])};
      }
      constraints.push_back(sc);
    }
    const SolverResult res = solve_sketch(entities, constraints);
    s.solve_cost_ = res.cost;
    // The solved entities replace their edges wherever the sketch holds them (edges, tags).
    for (std::size_t i = 0; i < entities.size(); ++i) {
      const auto& x = res.entities[i].x;
      TopoDS_Edge e;
      if (!entities[i].arc) {
        e = make_line(gp_Pnt(x[0], x[1], 0), gp_Pnt(x[2], x[3], 0));
      } else {
        const auto f = arc_point(x, 0.0), m = arc_point(x, 0.5), l = arc_point(x, 1.0);
        e = make_three_point_arc(gp_Pnt(f[0], f[1], 0), gp_Pnt(m[0], m[1], 0),
                                 gp_Pnt(l[0], l[1], 0));
      }
      for (auto& se : s.edges_)
        if (se.edge.IsSame(originals[i])) se.edge = e;
      for (auto& [name, items] : s.tags_)
        for (auto& item : items)
          if (!item.shape.IsNull() && item.shape.IsSame(originals[i])) item.shape = e;
    }
    return s.shared_from_this();
  }

  static std::shared_ptr<Sketch> copy_of(const Sketch& s) {
    auto c = std::make_shared<Sketch>();
    c->faces_ = s.faces_;
    return c;
  }
  static Value copy(Sketch& s, Interpreter&, CallArgs& a) {
    script::bind_args(a, "copy", {});
    return copy_of(s);
  }
  static Value located(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "located", {"loc"});
    auto c = copy_of(s);
    c->locs = {to_trsf(b[0], "located")};
    return c;
  }
  static Value moved_copy(Sketch& s, Interpreter&, CallArgs& a) {
    auto b = script::bind_args(a, "moved", {"loc"});
    auto c = copy_of(s);
    c->faces_ = as_compound(cad::cq::moved(s.faces_, to_trsf(b[0], "moved")));
    return c;
  }
};

namespace {

using SketchMethod = Value (*)(Sketch&, Interpreter&, CallArgs&);

const std::unordered_map<std::string, SketchMethod>& sketch_methods() {
  static const std::unordered_map<std::string, SketchMethod> methods = {
      {"rect", &SketchOps::rect},
      {"circle", &SketchOps::circle},
      {"ellipse", &SketchOps::ellipse},
      {"trapezoid", &SketchOps::trapezoid},
      {"slot", &SketchOps::slot},
      {"regularPolygon", &SketchOps::regular_polygon},
      {"polygon", &SketchOps::polygon},
      {"face", &SketchOps::face},
      {"hull", &SketchOps::hull},
      {"offset", &SketchOps::offset},
      {"each", &SketchOps::each},
      {"distribute", &SketchOps::distribute},
      {"push", &SketchOps::push},
      {"rarray", &SketchOps::rarray},
      {"parray", &SketchOps::parray},
      {"reset", &SketchOps::reset},
      {"faces", &SketchOps::faces},
      {"edges", &SketchOps::edges},
      {"wires", &SketchOps::wires},
      {"vertices", &SketchOps::vertices},
      {"tag", &SketchOps::tag},
      {"select", &SketchOps::select},
      {"fillet", &SketchOps::fillet},
      {"chamfer", &SketchOps::chamfer},
      {"clean", &SketchOps::clean},
      {"delete", &SketchOps::del},
      {"segment", &SketchOps::segment},
      {"arc", &SketchOps::arc},
      {"spline", &SketchOps::spline},
      {"bezier", &SketchOps::bezier},
      {"close", &SketchOps::close},
      {"assemble", &SketchOps::assemble},
      {"finalize", &SketchOps::finalize},
      {"val", &SketchOps::val},
      {"vals", &SketchOps::vals},
      {"copy", &SketchOps::copy},
      {"located", &SketchOps::located},
      {"moved", &SketchOps::moved_copy},
      {"filter", &SketchOps::filter},
      {"map", &SketchOps::map},
      {"apply", &SketchOps::apply},
      {"sort", &SketchOps::sort},
      {"invoke", &SketchOps::invoke},
      {"add", &SketchOps::add_faces},
      {"subtract", &SketchOps::subtract_faces},
      {"replace", &SketchOps::replace_faces},
      {"edge", &SketchOps::edge},
      {"constrain", &SketchOps::constrain},
      {"solve", &SketchOps::solve},
  };
  return methods;
}

// CadQuery Sketch attributes this implementation lacks (anything else is an AttributeError).
const std::unordered_set<std::string> kUnsupported = {"importDXF", "export", "exportDXF", "locs"};

}  // namespace

Sketch::Sketch() : faces_(make_compound({})) {}

std::vector<TopoDS_Edge> Sketch::edges() const {
  std::vector<TopoDS_Edge> out;
  for (const auto& e : edges_) out.push_back(e.edge);
  return out;
}

void Sketch::set_faces(const TopoDS_Shape& faces) {
  faces_ = faces.IsNull() ? make_compound({}) : as_compound(faces);
}

Value Sketch::get_attr(Interpreter& in, const std::string& name) {
  const auto& methods = sketch_methods();
  auto it = methods.find(name);
  if (it == methods.end()) {
    if (name == "parent") return parent;
    if (kUnsupported.count(name)) script::throw_unsupported("Sketch." + name + " is not supported");
    return Object::get_attr(in, name);
  }
  auto self = std::static_pointer_cast<Sketch>(shared_from_this());
  SketchMethod m = it->second;
  return make_builtin("Sketch." + name,
                      [self, m](Interpreter& i, CallArgs& a) { return m(*self, i, a); });
}

// CadQuery 2.5's operators: val() of each side (a Location is a ValueError), fused (+), cut
// (-), intersected (*) or split (/), as a new sketch whose faces are the result.
std::optional<Value> Sketch::binary_op(script::BinOp op, const Value& rhs, bool reflected) {
  auto other = rhs.as<Sketch>();
  if (!other) return std::nullopt;
  if (op != script::BinOp::Add && op != script::BinOp::Sub && op != script::BinOp::Mul &&
      op != script::BinOp::Div)
    return std::nullopt;
  auto shape_of = [](const Sketch& s) -> TopoDS_Shape {
    if (s.selection_) {
      if (s.selection_->empty()) script::throw_runtime("IndexError", "list index out of range");
      const Item& first = s.selection_->front();
      if (first.shape.IsNull())
        script::throw_value_error("Location was provided, Shape is required.");
      return first.shape;
    }
    if (children(s.faces_).empty() && !s.edges_.empty()) return s.edges_.front().edge;
    return s.faces_;
  };
  TopoDS_Shape a = shape_of(*this), b = shape_of(*other);
  if (reflected) std::swap(a, b);
  TopoDS_Shape res;
  if (op == script::BinOp::Add)
    res = boolean(BoolOp::Fuse, {a}, {b}, "Sketch +");
  else if (op == script::BinOp::Sub)
    res = boolean(BoolOp::Cut, {a}, {b}, "Sketch -");
  else if (op == script::BinOp::Mul)
    res = boolean(BoolOp::Common, {a}, {b}, "Sketch *");
  else
    res = split_shape(a, {b});
  auto out = std::make_shared<Sketch>();
  out->set_faces(res.ShapeType() == TopAbs_COMPOUND ? res : make_compound({res}));
  return Value(out);
}

// CadQuery 2.5's indexing: an int, a slice or a sequence of ints picks from vals() and becomes
// the selection.
Value Sketch::get_item(const Value& key) {
  const std::vector<Value> vals = SketchOps::values(*this);
  const auto n = static_cast<std::int64_t>(vals.size());
  auto at = [&](std::int64_t i) -> const Value& {
    if (i < 0) i += n;
    if (i < 0 || i >= n) script::throw_runtime("IndexError", "list index out of range");
    return vals[static_cast<std::size_t>(i)];
  };
  std::vector<Value> picked;
  if (auto slice = key.as<script::SliceValue>()) {
    for (std::size_t i : slice->indices(vals.size())) picked.push_back(vals[i]);
  } else if (key.is_int()) {
    picked.push_back(at(key.as_int()));
  } else {
    for (const auto& k : script::to_items(key, "Sketch index"))
      picked.push_back(at(script::to_int(k, "Sketch index")));
  }
  SketchOps::set_selection(*this, picked, "__getitem__");
  return shared_from_this();
}

std::optional<std::vector<Value>> Sketch::iterate() const {
  std::vector<Value> out;
  bool has_faces = !children(faces_).empty();
  for (const auto& l : locs) {
    if (has_faces) {
      for (const auto& f : sub_shapes(cad::cq::moved(faces_, l), TopAbs_FACE))
        out.push_back(wrap_shape(f));
    } else {
      for (const auto& e : edges_) out.push_back(wrap_shape(cad::cq::moved(e.edge, l)));
    }
  }
  return out;
}

std::shared_ptr<Sketch> new_sketch(Value parent, std::vector<gp_Trsf> locs) {
  auto s = std::make_shared<Sketch>();
  s->parent = std::move(parent);
  if (!s->parent.is_none()) {
    std::weak_ptr<Sketch> weak = s;
    session().on_release([weak] {
      if (auto alive = weak.lock()) alive->parent = Value();
    });
  }
  s->locs = std::move(locs);
  return s;
}

Value make_sketch(Interpreter&, CallArgs& args) {
  auto b = script::bind_args(
      args, "Sketch", {Param("parent", Value()), Param("locs", Value()), Param("obj", Value())});
  std::vector<gp_Trsf> locs;
  if (b[1].is_none())
    locs.emplace_back();
  else
    for (const auto& l : script::to_items(b[1], "Sketch locs"))
      locs.push_back(to_trsf(l, "Sketch locs"));
  auto s = new_sketch(b[0], std::move(locs));
  if (!b[2].is_none()) {
    auto sh = as_shape(b[2]);
    if (!sh) script::throw_type_error("Sketch obj must be a Shape, not " + b[2].type_name());
    s->set_faces(sh->shape);
  }
  return s;
}

}  // namespace cad::cq
