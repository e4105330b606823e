// A drafter's check of a finished drawing: label overlaps, labels beside their own spans,
// leaders on visible features, no tangent edges.
#include "render/drawing_check.h"

#include <BRepAdaptor_Curve.hxx>
#include <BRepAdaptor_Curve2d.hxx>
#include <BRepAdaptor_Surface.hxx>
#include <BRep_Tool.hxx>
#include <Standard_Failure.hxx>
#include <TopExp.hxx>
#include <TopTools_IndexedDataMapOfShapeListOfShape.hxx>
#include <TopoDS.hxx>

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace cad::render {

namespace {

struct Segment {
  Point2 a, b;
};

double distance_to_segment(Point2 p, Point2 a, Point2 b) {
  const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  const double t =
      len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0;
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/// True when the segment p-q passes through the box (Liang-Barsky clipping).
bool segment_hits_box(Point2 p, Point2 q, const Box2& b) {
  double t0 = 0, t1 = 1;
  const double d[2] = {q.x - p.x, q.y - p.y};
  const double lo[2] = {b.min_x - p.x, b.min_y - p.y}, hi[2] = {b.max_x - p.x, b.max_y - p.y};
  for (int k = 0; k < 2; ++k) {
    if (std::abs(d[k]) < 1e-12) {
      if (lo[k] > 0 || hi[k] < 0) return false;
      continue;
    }
    double a = lo[k] / d[k], c = hi[k] / d[k];
    if (a > c) std::swap(a, c);
    t0 = std::max(t0, a);
    t1 = std::min(t1, c);
    if (t0 > t1) return false;
  }
  return true;
}

bool boxes_overlap(const Box2& a, const Box2& b) {
  return a.min_x < b.max_x && b.min_x < a.max_x && a.min_y < b.max_y && b.min_y < a.max_y;
}

Box2 shrunk(Box2 b, double by) {
  b.min_x += by;
  b.min_y += by;
  b.max_x -= by;
  b.max_y -= by;
  return b;
}

/// The strokes drawn with one of `pens`, arcs as chords of about 2 pixels; without the views'
/// silhouettes when `outlines` is false.
std::vector<Segment> strokes(const Drawing& d, std::initializer_list<Pen> pens,
                             bool outlines = true) {
  auto wanted = [&](Pen p) { return std::find(pens.begin(), pens.end(), p) != pens.end(); };
  std::vector<Segment> out;
  for (const PagePolyline& line : d.lines)
    if (wanted(line.pen) && (outlines || !line.outline))
      for (std::size_t i = 1; i < line.points.size(); ++i)
        out.push_back({line.points[i - 1], line.points[i]});
  for (const PageArc& arc : d.arcs) {
    if (!wanted(arc.pen) || (!outlines && arc.outline)) continue;
    const int n = std::max(8, static_cast<int>(std::ceil((arc.end - arc.start) * arc.radius / 2)));
    Point2 prev;
    for (int k = 0; k <= n; ++k) {
      const double a = arc.start + (arc.end - arc.start) * k / n;
      const Point2 p{arc.center.x + arc.radius * std::cos(a),
                     arc.center.y + arc.radius * std::sin(a)};
      if (k) out.push_back({prev, p});
      prev = p;
    }
  }
  return out;
}

bool near_any(Point2 p, const std::vector<Segment>& segments, double tol) {
  for (const Segment& s : segments)
    if (distance_to_segment(p, s.a, s.b) <= tol) return true;
  return false;
}

ViewKind view_of(const Drawing& d, int text) {
  for (std::size_t i = 0; i < d.marks.size(); ++i)
    if (d.marks[i].text == text) return d.dimensions[i].view;
  return ViewKind::Front;
}

std::string fmt_point(Point2 p) {
  return fmt::format("({:.0f}, {:.0f})", p.x, p.y);
}

/// Edges of `shape` between two faces whose normals agree all along them (fillet seams,
/// faces split in one plane): a drafter does not draw them. Each as sample points and the
/// faces' common normal there. The other edges, sampled, go to `sharp`.
struct EdgeSamples {
  std::vector<gp_Pnt> points;
  std::vector<gp_Dir> normals;
};

void classify_edges(const TopoDS_Shape& shape, std::vector<EdgeSamples>& tangent,
                    std::vector<std::vector<gp_Pnt>>& sharp) {
  TopTools_IndexedDataMapOfShapeListOfShape edge_faces;
  TopExp::MapShapesAndAncestors(shape, TopAbs_EDGE, TopAbs_FACE, edge_faces);
  for (int i = 1; i <= edge_faces.Extent(); ++i) {
    const TopoDS_Edge& edge = TopoDS::Edge(edge_faces.FindKey(i));
    if (BRep_Tool::Degenerated(edge)) continue;
    BRepAdaptor_Curve curve(edge);
    const double first = curve.FirstParameter(), last = curve.LastParameter();
    const TopTools_ListOfShape& faces = edge_faces(i);
    std::vector<TopoDS_Face> distinct;
    for (const TopoDS_Shape& f : faces)
      if (std::none_of(distinct.begin(), distinct.end(),
                       [&](const TopoDS_Face& g) { return g.IsSame(f); }))
        distinct.push_back(TopoDS::Face(f));
    EdgeSamples samples;
    bool smooth = distinct.size() == 2;
    if (smooth) {
      try {
        for (int k = 1; k <= 7 && smooth; ++k) {
          const double t = first + (last - first) * k / 8.0;
          gp_Dir n[2];
          for (int j = 0; j < 2; ++j) {
            BRepAdaptor_Curve2d pcurve(edge, distinct[j]);
            const gp_Pnt2d uv = pcurve.Value(t);
            BRepAdaptor_Surface surface(distinct[j], Standard_False);
            gp_Pnt p;
            gp_Vec du, dv;
            surface.D1(uv.X(), uv.Y(), p, du, dv);
            const gp_Vec nv = du.Crossed(dv);
            if (nv.Magnitude() < 1e-12) {
              smooth = false;
              break;
            }
            n[j] = gp_Dir(nv);
            if (distinct[j].Orientation() == TopAbs_REVERSED) n[j].Reverse();
          }
          if (!smooth) break;
          if (n[0].Angle(n[1]) > 0.5 * M_PI / 180) smooth = false;
          samples.points.push_back(curve.Value(t));
          samples.normals.push_back(n[0]);
        }
      } catch (const Standard_Failure&) {
        smooth = false;
      }
    }
    if (smooth) {
      tangent.push_back(std::move(samples));
      continue;
    }
    std::vector<gp_Pnt> polyline;
    const int n = curve.GetType() == GeomAbs_Line ? 1 : 64;
    for (int k = 0; k <= n; ++k) polyline.push_back(curve.Value(first + (last - first) * k / n));
    sharp.push_back(std::move(polyline));
  }
}

}  // namespace

Box2 label_box(const Drawing& drawing, const PageText& text) {
  const double half_w = text_width(text.text, drawing.font_size) / 2;
  const double half_h = drawing.font_size * 0.38;
  const Point2 c = text.center;
  Box2 b;
  b.add(text.vertical ? Point2{c.x - half_h, c.y - half_w} : Point2{c.x - half_w, c.y - half_h});
  b.add(text.vertical ? Point2{c.x + half_h, c.y + half_w} : Point2{c.x + half_w, c.y + half_h});
  return b;
}

std::vector<DrawingFault> check_drawing(const Drawing& drawing, const TopoDS_Shape& shape) {
  std::vector<DrawingFault> faults;
  const double f = drawing.font_size;
  auto fault = [&](const char* kind, ViewKind view, const std::string& label, std::string message) {
    faults.push_back({kind, to_string(view), label, std::move(message)});
  };

  // Labels clear of each other and of the visible and hidden edges.
  const std::vector<Segment> outlines = strokes(drawing, {Pen::Visible, Pen::Hidden});
  std::vector<Box2> boxes;
  for (const PageText& t : drawing.texts) boxes.push_back(shrunk(label_box(drawing, t), 0.5));
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const ViewKind view = view_of(drawing, static_cast<int>(i));
    for (std::size_t j = i + 1; j < boxes.size(); ++j)
      if (boxes_overlap(boxes[i], boxes[j]))
        fault("label_overlaps_label", view, drawing.texts[i].text,
              fmt::format("'{}' at {} overlaps '{}' at {}", drawing.texts[i].text,
                          fmt_point(drawing.texts[i].center), drawing.texts[j].text,
                          fmt_point(drawing.texts[j].center)));
    if (boxes[i].min_x < 0 || boxes[i].min_y < 0 || boxes[i].max_x > drawing.width ||
        boxes[i].max_y > drawing.height)
      fault("label_off_page", view, drawing.texts[i].text,
            fmt::format("'{}' at {} runs off the page", drawing.texts[i].text,
                        fmt_point(drawing.texts[i].center)));
    const Box2 inner = shrunk(boxes[i], 0.5);
    for (const Segment& s : outlines)
      if (segment_hits_box(s.a, s.b, inner)) {
        fault("label_overlaps_outline", view, drawing.texts[i].text,
              fmt::format("'{}' at {} lies on an edge of the part", drawing.texts[i].text,
                          fmt_point(drawing.texts[i].center)));
        break;
      }
  }

  // Each linear label beside its own span: near its dimension line, and not between the
  // extension lines of other dimensions that reach its row (the span a reader would pair it
  // with).
  for (std::size_t i = 0; i < drawing.dimensions.size() && i < drawing.marks.size(); ++i) {
    const Dimension& d = drawing.dimensions[i];
    const DimensionMarks& m = drawing.marks[i];
    if (m.text < 0 || m.leader) continue;
    const PageText& t = drawing.texts[m.text];
    if (d.kind == DimensionKind::Angle) {
      // Beyond the middle of its arc (`b`), clear of it by at most a line of text.
      const Box2 box = label_box(drawing, t);
      const double dx = std::max({box.min_x - m.b.x, 0.0, m.b.x - box.max_x});
      const double dy = std::max({box.min_y - m.b.y, 0.0, m.b.y - box.max_y});
      if (std::hypot(dx, dy) > 1.5 * f)
        fault("label_off_span", d.view, d.label,
              fmt::format("'{}' at {} is away from its angle's arc", d.label, fmt_point(t.center)));
      continue;
    }
    const bool h = d.horizontal;
    auto along = [&](Point2 p) { return h ? p.x : p.y; };
    auto across = [&](Point2 p) { return h ? p.y : p.x; };
    const double s0 = std::min(along(m.a), along(m.b)), s1 = std::max(along(m.a), along(m.b));
    const double c = along(t.center);
    if (std::abs(across(t.center) - across(m.a)) > 1.5 * f) {
      fault(
          "label_off_span", d.view, d.label,
          fmt::format("'{}' at {} is away from its dimension line", d.label, fmt_point(t.center)));
      continue;
    }
    if (c >= s0 - 1 && c <= s1 + 1) continue;
    // Farther from the view (or as far): its extension lines cross this row.
    const double row = across(m.a);
    const double outward = d.side == 0 || d.side == 3 ? 1 : -1;  // below, right: larger page x/y
    std::vector<double> ends{s0, s1};
    for (std::size_t j = 0; j < drawing.dimensions.size() && j < drawing.marks.size(); ++j) {
      const Dimension& o = drawing.dimensions[j];
      const DimensionMarks& om = drawing.marks[j];
      if (j == i || om.leader || om.text < 0 || o.view != d.view || o.horizontal != h ||
          o.side != d.side)
        continue;
      if ((across(om.a) - row) * outward < -1) continue;
      ends.push_back(along(om.a));
      ends.push_back(along(om.b));
    }
    const bool below = std::any_of(ends.begin(), ends.end(), [&](double e) { return e < c - 1; });
    const bool above = std::any_of(ends.begin(), ends.end(), [&](double e) { return e > c + 1; });
    if (below && above)
      fault("label_off_span", d.view, d.label,
            fmt::format("'{}' at {} lies between other extension lines, beside another span",
                        d.label, fmt_point(t.center)));
  }

  // Leaders end on a visible outline (pitch circles on their centre line), each at its own spot.
  const std::vector<Segment> visible = strokes(drawing, {Pen::Visible});
  const std::vector<Segment> centre = strokes(drawing, {Pen::Center});
  for (std::size_t i = 0; i < drawing.dimensions.size() && i < drawing.marks.size(); ++i) {
    const Dimension& d = drawing.dimensions[i];
    const DimensionMarks& m = drawing.marks[i];
    if (m.text < 0 || !m.leader) continue;
    const double tol = 1.5 + drawing.line_width / 2;
    const bool on = d.kind == DimensionKind::PitchCircle ? near_any(m.a, centre, tol)
                                                         : near_any(m.a, visible, tol);
    if (!on)
      fault(
          "leader_off_feature", d.view, d.label,
          fmt::format("the leader of '{}' ends at {} on no visible edge", d.label, fmt_point(m.a)));
    for (std::size_t j = i + 1; j < drawing.dimensions.size() && j < drawing.marks.size(); ++j) {
      const DimensionMarks& o = drawing.marks[j];
      if (o.text >= 0 && o.leader && std::hypot(o.a.x - m.a.x, o.a.y - m.a.y) < 0.5 * f)
        fault("shared_leader_tip", d.view, d.label,
              fmt::format("the leaders of '{}' and '{}' end at one point {}", d.label,
                          drawing.dimensions[j].label, fmt_point(m.a)));
    }
  }

  // Tangent edges: an edge between tangent faces that a visible stroke follows, where it is no
  // silhouette (the faces are not seen edge-on) and no sharp edge projects. (Hidden strokes
  // are left out: a hole's hidden outline may fall on a fillet's seam.)
  if (!shape.IsNull()) {
    std::vector<EdgeSamples> tangent;
    std::vector<std::vector<gp_Pnt>> sharp;
    try {
      classify_edges(shape, tangent, sharp);
    } catch (const Standard_Failure& e) {
      throw Error(std::string("drawing check: OpenCASCADE: ") + e.GetMessageString());
    }
    const double tol = 1.0 + drawing.line_width / 2;
    // A seam near a silhouette (a small fillet's, a pixel from the curve's outline) is not
    // drawn: only edge strokes count.
    const std::vector<Segment> edges = strokes(drawing, {Pen::Visible}, false);
    for (ViewKind view : all_views) {
      const std::array<double, 3> w = view_direction(view);
      auto page = [&](const gp_Pnt& p) {
        return drawing.to_page(view, project_point(view, p.X(), p.Y(), p.Z()));
      };
      std::vector<Segment> sharp_page;
      for (const auto& poly : sharp)
        for (std::size_t k = 1; k < poly.size(); ++k)
          sharp_page.push_back({page(poly[k - 1]), page(poly[k])});
      for (const EdgeSamples& e : tangent) {
        int looked = 0, drawn = 0;
        Box2 extent;
        for (std::size_t k = 0; k < e.points.size(); ++k) {
          const gp_Dir& n = e.normals[k];
          // Faces seen nearly edge-on: the seam lies within a pixel or two of the silhouette.
          if (std::abs(n.X() * w[0] + n.Y() * w[1] + n.Z() * w[2]) < 0.3) continue;
          const Point2 p = page(e.points[k]);
          if (near_any(p, sharp_page, tol)) continue;
          extent.add(p);
          ++looked;
          drawn += near_any(p, edges, tol);
        }
        if (looked >= 3 && drawn == looked && std::max(extent.width(), extent.height()) > 3) {
          const Point2 mid = page(e.points[e.points.size() / 2]);
          fault("tangent_edge", view, "",
                fmt::format("a line is drawn along the tangent edge at {}", fmt_point(mid)));
        }
      }
    }
  }
  return faults;
}

nlohmann::json faults_json(const std::vector<DrawingFault>& faults) {
  nlohmann::json list = nlohmann::json::array();
  for (const DrawingFault& f : faults) {
    nlohmann::json j{{"kind", f.kind}, {"view", f.view}, {"message", f.message}};
    if (!f.label.empty()) j["label"] = f.label;
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace cad::render
