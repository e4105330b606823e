// Dimensioned three-view drawings (third-angle projection): dimensions, layout, SVG and JSON.
#include "render/drawing.h"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>

#include "core/error.h"
#include "render/features.h"

namespace cad::render {

namespace {

constexpr int kBelow = 0, kAbove = 1, kLeft = 2, kRight = 3;

/// Sides of each view's overall extents: {width side, height side, width name, height name}.
struct ExtentSides {
  int width_side, height_side;
  const char* width_name;
  const char* height_name;
};

ExtentSides extent_sides(ViewKind view) {
  switch (view) {
    case ViewKind::Front:
      return {kBelow, kRight, "overall width", "overall height"};
    case ViewKind::Top:
      return {kAbove, kRight, "overall width", "overall depth"};
    case ViewKind::Left:
      return {kBelow, kLeft, "overall depth", "overall height"};
  }
  return {kBelow, kRight, "", ""};
}

int view_index(ViewKind view) {
  return view == ViewKind::Front ? 0 : view == ViewKind::Top ? 1 : 2;
}

/// The view in which a cylinder along world axis `axis` (0 x, 1 y, 2 z) is seen as a circle.
ViewKind circle_view(int axis) {
  return axis == 0 ? ViewKind::Left : axis == 1 ? ViewKind::Front : ViewKind::Top;
}

bool near(double a, double b, double tol) {
  return std::abs(a - b) <= tol;
}

/// The world axis (0 x, 1 y, 2 z) along unit `d`, or -1.
int axis_of(const std::array<double, 3>& d) {
  for (int i = 0; i < 3; ++i)
    if (std::abs(d[i]) > 1 - 1e-9) return i;
  return -1;
}

Point2 project_array(ViewKind view, const std::array<double, 3>& p) {
  return project_point(view, p[0], p[1], p[2]);
}

/// Equally spaced holes (or bosses) of one size on a circle: the pitch circle's centre and
/// radius, and the members' indices.
struct CirclePattern {
  Point2 centre;
  double radius = 0;
  double phase = 0;  ///< angle of the first member in the view, radians, in [0, 2 pi / n)
  std::vector<std::size_t> members;
};

/// True when `points` take two distinct x and two distinct y values (a rectangle's corners
/// with its sides along the view's axes): such a pattern is dimensioned by its sides.
bool axis_aligned_rectangle(const std::vector<Point2>& points, double tol) {
  if (points.size() != 4) return false;
  std::vector<double> xs, ys;
  for (const Point2& p : points) {
    if (std::none_of(xs.begin(), xs.end(), [&](double x) { return near(x, p.x, tol); }))
      xs.push_back(p.x);
    if (std::none_of(ys.begin(), ys.end(), [&](double y) { return near(y, p.y, tol); }))
      ys.push_back(p.y);
  }
  return xs.size() == 2 && ys.size() == 2;
}

/// Among `centres` (of equal features in one view), the sets of three or more equally spaced
/// on a circle around one of `candidates` (other features' centres, then the set's centroid).
std::vector<CirclePattern> find_circle_patterns(const std::vector<Point2>& centres,
                                                std::vector<Point2> candidates, double tol) {
  std::vector<CirclePattern> patterns;
  if (centres.size() < 3) return patterns;
  Point2 centroid;
  for (const Point2& c : centres) {
    centroid.x += c.x / centres.size();
    centroid.y += c.y / centres.size();
  }
  candidates.push_back(centroid);
  std::vector<bool> used(centres.size(), false);
  for (const Point2& cc : candidates) {
    // Members by distance from the candidate centre; runs of equal distance are circles.
    std::vector<std::pair<double, std::size_t>> by_radius;
    for (std::size_t i = 0; i < centres.size(); ++i)
      if (!used[i]) by_radius.push_back({std::hypot(centres[i].x - cc.x, centres[i].y - cc.y), i});
    std::sort(by_radius.begin(), by_radius.end());
    for (std::size_t s = 0; s < by_radius.size();) {
      std::size_t e = s + 1;
      while (e < by_radius.size() && near(by_radius[e].first, by_radius[s].first, tol)) ++e;
      const double radius = by_radius[s].first;
      const std::size_t n = e - s;
      if (n >= 3 && radius > tol * 10) {
        std::vector<double> angles;
        std::vector<Point2> points;
        for (std::size_t k = s; k < e; ++k) {
          const Point2& p = centres[by_radius[k].second];
          double a = std::atan2(p.y - cc.y, p.x - cc.x);
          if (a < 0) a += 2 * M_PI;
          angles.push_back(a);
          points.push_back(p);
        }
        std::sort(angles.begin(), angles.end());
        const double step = 2 * M_PI / n;
        bool equal = true;
        for (std::size_t k = 0; k < n; ++k) {
          const double next = k + 1 < n ? angles[k + 1] : angles[0] + 2 * M_PI;
          equal &= near(next - angles[k], step, 1e-4);
        }
        if (equal && !axis_aligned_rectangle(points, tol)) {
          CirclePattern pattern;
          pattern.centre = cc;
          pattern.radius = radius;
          pattern.phase = std::fmod(angles[0], step);
          if (pattern.phase > step - 1e-6) pattern.phase = 0;
          for (std::size_t k = s; k < e; ++k) {
            pattern.members.push_back(by_radius[k].second);
            used[by_radius[k].second] = true;
          }
          patterns.push_back(std::move(pattern));
        }
      }
      s = e;
    }
  }
  return patterns;
}

/// Advance width of a character of DejaVu Sans, em.
double glyph_width(std::uint32_t c) {
  if (c >= '0' && c <= '9') return 0.636;
  switch (c) {
    case ' ':
    case '.':
    case ',':
      return 0.318;
    case '(':
    case ')':
      return 0.39;
    case 0x00D7:  // ×
      return 0.838;
    case 0x00D8:  // Ø
      return 0.787;
    case 0x00B0:  // °
      return 0.5;
    case 'R':
      return 0.695;
    case 'M':
      return 0.863;
    case 'W':
      return 0.989;
    case 'I':
      return 0.295;
  }
  if (c >= 'A' && c <= 'Z') return 0.72;
  if (c >= 'a' && c <= 'z') return 0.6;
  return 0.7;
}

std::vector<std::uint32_t> code_points(const std::string& s) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    std::uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < n && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

double distance_to_segment(Point2 p, Point2 a, Point2 b) {
  const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  const double t =
      len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0;
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

std::string fmt_number(double v) {
  return fmt::format("{:.2f}", v);
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

const char* to_string(DimensionKind kind) {
  switch (kind) {
    case DimensionKind::Linear:
      return "linear";
    case DimensionKind::Diameter:
      return "diameter";
    case DimensionKind::Radius:
      return "radius";
    case DimensionKind::Position:
      return "position";
    case DimensionKind::Chamfer:
      return "chamfer";
    case DimensionKind::PitchCircle:
      return "pitch_circle";
    case DimensionKind::Angle:
      return "angle";
  }
  return "?";
}

double text_width(const std::string& text, double font_size) {
  double em = 0;
  for (std::uint32_t c : code_points(text)) em += glyph_width(c);
  return em * font_size;
}

int label_decimals(double value, int decimals) {
  decimals = std::max(0, decimals);
  if (value == 0 || !std::isfinite(value)) return decimals;
  const int needed = 1 - static_cast<int>(std::floor(std::log10(std::abs(value))));
  return std::min(std::max(decimals, needed), 12);
}

std::string format_value(double value, int decimals) {
  std::string text = fmt::format("{:.{}f}", value, label_decimals(value, decimals));
  if (text.find('.') != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

std::vector<Dimension> find_dimensions(const TopoDS_Shape& shape,
                                       const std::vector<ViewProjection>& views, int decimals) {
  std::vector<Dimension> dims;
  std::array<const ViewProjection*, 3> by_view{};
  double size = 0;
  for (const ViewProjection& v : views) {
    by_view[view_index(v.view)] = &v;
    size = std::max({size, v.bounds.width(), v.bounds.height()});
  }
  const double tol = std::max(1e-9, size * 1e-6);

  // Hole and boss diameters, fillet radii, and centre positions, in the view showing circles.
  std::array<std::vector<Dimension>, 3> positions;  // per view, both directions
  // A feature's centre measured from the view's left and bottom edges (when inside them).
  auto add_centre_positions = [&](const ViewProjection& vp, const std::string& feature, Point2 c) {
    const Box2& b = vp.bounds;
    Dimension px;
    px.kind = DimensionKind::Position;
    px.view = vp.view;
    px.feature = feature + " centre from left edge";
    px.value = c.x - b.min_x;
    px.label = format_value(px.value, decimals);
    px.from = {b.min_x, b.min_y};
    px.to = c;
    px.horizontal = true;
    px.side = kBelow;
    if (px.value > tol && px.value < b.width() - tol) positions[view_index(vp.view)].push_back(px);
    Dimension py = px;
    py.feature = feature + " centre from bottom edge";
    py.value = c.y - b.min_y;
    py.label = format_value(py.value, decimals);
    py.horizontal = false;
    py.side = kLeft;
    if (py.value > tol && py.value < b.height() - tol) positions[view_index(vp.view)].push_back(py);
  };
  // Half-cylinder holes (span pi): a pair of equal, parallel ones are the ends of a slot.
  std::array<std::vector<std::pair<Point2, double>>, 3> slot_ends;  // per view: centre, radius
  // Full circles per view, for patterns and positions.
  struct Circle {
    Point2 centre;
    double radius;
    bool hole;
  };
  std::array<std::vector<Circle>, 3> circles;
  // True when a visible edge of `view` passes through `p` (view plane, model units).
  auto seen = [&](ViewKind view, Point2 p) {
    const ViewProjection* vp = by_view[view_index(view)];
    if (!vp) return false;
    for (const Path2& path : vp->paths) {
      if (!path.visible) continue;
      for (std::size_t k = 1; k < path.points.size(); ++k)
        if (distance_to_segment(p, path.points[k - 1], path.points[k]) <= size * 2e-3) return true;
    }
    return false;
  };
  // Diameters of circles hidden where they are seen end-on, measured across a side view
  // where their outline is seen (a pulley's groove bottom); added with the other linear ones.
  std::array<std::vector<Dimension>, 3> side_diameters;
  const std::vector<CylinderFeature> cylinders = find_cylinders(shape);
  for (const CylinderFeature& f : cylinders) {
    const int axis = axis_of(f.direction);
    if (axis < 0) {
      // An inclined hole (boss): its Ø on the view that looks most along its axis, with a
      // leader to its opening's edge, and the opening's centre positioned.
      if (!f.full()) continue;
      ViewKind best = ViewKind::Front;
      double along = -1;
      for (ViewKind v : all_views) {
        const std::array<double, 3> w = view_direction(v);
        const double a =
            std::abs(f.direction[0] * w[0] + f.direction[1] * w[1] + f.direction[2] * w[2]);
        if (a > along + 1e-9) {
          along = a;
          best = v;
        }
      }
      const ViewProjection* vp = by_view[view_index(best)];
      if (!vp || vp->bounds.empty()) continue;
      const std::array<double, 3> w = view_direction(best);
      const double toward = f.direction[0] * w[0] + f.direction[1] * w[1] + f.direction[2] * w[2];
      const double v = toward >= 0 ? f.max_v : f.min_v;  // the opening facing the viewer
      std::array<double, 3> e, side{f.direction[1] * w[2] - f.direction[2] * w[1],
                                    f.direction[2] * w[0] - f.direction[0] * w[2],
                                    f.direction[0] * w[1] - f.direction[1] * w[0]};
      const double sl = std::sqrt(side[0] * side[0] + side[1] * side[1] + side[2] * side[2]);
      if (sl < 1e-9) continue;
      for (int k = 0; k < 3; ++k) e[k] = f.origin[k] + f.direction[k] * v;
      // Better, the centre of the rim (the opening's ellipse) nearest the viewer.
      double nearest = -1e300;
      for (const auto& r : f.rims) {
        const double t = r[0] * w[0] + r[1] * w[1] + r[2] * w[2];
        if (t > nearest) {
          nearest = t;
          e = r;
        }
      }
      std::array<double, 3> on;
      for (int k = 0; k < 3; ++k) on[k] = e[k] + side[k] / sl * f.radius;
      Dimension d;
      d.kind = DimensionKind::Diameter;
      d.value = 2 * f.radius;
      d.view = best;
      d.feature = f.hole ? "inclined hole" : "inclined boss";
      d.label = "\u00D8" + format_value(d.value, decimals);
      d.from = project_array(best, e);
      d.to = project_array(best, on);
      dims.push_back(d);
      add_centre_positions(*vp, d.feature + " opening", d.from);
      continue;
    }
    const ViewKind view = circle_view(axis);
    const ViewProjection* vp = by_view[view_index(view)];
    if (!vp || vp->bounds.empty()) continue;
    const Point2 c = project_point(view, f.origin[0], f.origin[1], f.origin[2]);
    // Drafting convention: circles and arcs over 180 degrees get a diameter, smaller arcs a radius.
    if (f.span > M_PI + 1e-6) {
      Dimension d;
      d.kind = DimensionKind::Diameter;
      d.value = 2 * f.radius;
      d.view = view;
      d.feature = f.hole ? "hole" : "boss";
      d.label = "\u00D8" + format_value(d.value, decimals);
      d.from = c;
      d.to = {c.x + f.radius * M_SQRT1_2, c.y + f.radius * M_SQRT1_2};
      circles[view_index(view)].push_back({c, f.radius, f.hole});
      bool hidden = true;
      for (int k = 0; k < 16 && hidden; ++k)
        hidden = !seen(view, {c.x + f.radius * std::cos(k * M_PI / 8),
                              c.y + f.radius * std::sin(k * M_PI / 8)});
      bool moved = false;
      for (ViewKind side : all_views) {
        if (!hidden || moved || side == view || !by_view[view_index(side)]) continue;
        // The axis across the side view: its outline at the centre -/+ the radius, halfway
        // along the cylinder.
        const double mid = (f.min_v + f.max_v) / 2;
        const Point2 o =
            project_point(side, f.origin[0] + f.direction[0] * mid,
                          f.origin[1] + f.direction[1] * mid, f.origin[2] + f.direction[2] * mid);
        const Point2 along = project_array(side, f.direction);
        const bool horizontal = std::abs(along.y) > 0.5;  // axis vertical: measured along x
        const Point2 lo = horizontal ? Point2{o.x - f.radius, o.y} : Point2{o.x, o.y - f.radius};
        const Point2 hi = horizontal ? Point2{o.x + f.radius, o.y} : Point2{o.x, o.y + f.radius};
        if (!seen(side, lo) || !seen(side, hi)) continue;
        Dimension l;
        l.kind = DimensionKind::Linear;
        l.value = d.value;
        l.view = side;
        l.feature = d.feature + " diameter";
        l.label = d.label;
        l.horizontal = horizontal;
        l.side = horizontal ? kBelow : kRight;
        l.from = lo;
        l.to = hi;
        side_diameters[view_index(side)].push_back(l);
        moved = true;
      }
      if (!moved) dims.push_back(d);
    } else {
      if (f.hole && std::abs(f.span - M_PI) < 1e-3)
        slot_ends[view_index(view)].push_back({c, f.radius});
      // Find the arc drawn for this cylinder to know where to point at it.
      for (const Path2& path : vp->paths) {
        if (!path.visible || !path.arc) continue;
        const Arc2& arc = *path.arc;
        if (!near(arc.radius, f.radius, tol * 10) || !near(arc.center.x, c.x, tol * 10) ||
            !near(arc.center.y, c.y, tol * 10))
          continue;
        const double mid = (arc.start + arc.end) / 2;
        Dimension d;
        d.kind = DimensionKind::Radius;
        d.value = f.radius;
        d.view = view;
        d.feature = f.hole ? "fillet" : "round";
        d.label = "R" + format_value(d.value, decimals);
        d.from = c;
        d.to = {c.x + f.radius * std::cos(mid), c.y + f.radius * std::sin(mid)};
        d.arc_start = arc.start;
        d.arc_end = arc.end;
        dims.push_back(d);
        break;
      }
    }
  }

  // A rounded corner whose arc lies on a hole's or boss's circle (a screw boss in the corner of
  // a shell, its radius the inner fillet's) is that circle, already dimensioned: not twice.
  dims.erase(std::remove_if(dims.begin(), dims.end(),
                            [&](const Dimension& d) {
                              if (d.kind != DimensionKind::Radius) return false;
                              const auto& cs = circles[view_index(d.view)];
                              return std::any_of(cs.begin(), cs.end(), [&](const Circle& c) {
                                return near(c.radius, d.value, tol * 10) &&
                                       near(c.centre.x, d.from.x, tol * 10) &&
                                       near(c.centre.y, d.from.y, tol * 10);
                              });
                            }),
             dims.end());

  // Equally spaced equal holes (bosses) on a circle get a pitch circle and its centre's
  // position instead of each one's, rows and columns of them the first one's position and
  // the pitch; the others get their own positions.
  std::vector<Dimension> pitch_circles;
  std::array<std::vector<Dimension>, 3> pitches;  // of rows and columns of holes, per view
  for (int vi = 0; vi < 3; ++vi) {
    const ViewProjection* vp = by_view[vi];
    if (!vp || vp->bounds.empty()) continue;
    const std::vector<Circle>& cs = circles[vi];
    std::vector<bool> patterned(cs.size(), false), grouped(cs.size(), false);
    for (std::size_t i = 0; i < cs.size(); ++i) {
      if (grouped[i]) continue;
      std::vector<std::size_t> group;
      std::vector<Point2> centres, others;
      for (std::size_t j = i; j < cs.size(); ++j)
        if (!grouped[j] && cs[j].hole == cs[i].hole && near(cs[j].radius, cs[i].radius, tol * 10)) {
          grouped[j] = true;
          group.push_back(j);
          centres.push_back(cs[j].centre);
        }
      for (const Circle& o : cs)
        if (!near(o.radius, cs[i].radius, tol * 10)) others.push_back(o.centre);
      for (const CirclePattern& p : find_circle_patterns(centres, others, tol * 100)) {
        Dimension d;
        d.kind = DimensionKind::PitchCircle;
        d.value = 2 * p.radius;
        d.view = vp->view;
        d.feature = "pitch circle";
        d.label = "PCD \u00D8" + format_value(d.value, decimals);
        d.from = p.centre;
        d.to = {p.centre.x + p.radius * std::cos(p.phase),
                p.centre.y + p.radius * std::sin(p.phase)};
        d.arc_start = p.phase;
        d.count = static_cast<int>(p.members.size());
        d.second = 2 * cs[i].radius;
        pitch_circles.push_back(d);
        for (std::size_t m : p.members) patterned[group[m]] = true;
        add_centre_positions(*vp, "pitch circle", p.centre);
      }
      // The rest in rows and columns along the view's axes, equally spaced: the first one's
      // position and the pitch, "2× 35", once each way.
      std::vector<double> xs, ys;
      std::size_t rest = 0;
      for (std::size_t m : group) {
        if (patterned[m]) continue;
        ++rest;
        const Point2 c = cs[m].centre;
        if (std::none_of(xs.begin(), xs.end(), [&](double x) { return near(x, c.x, tol * 100); }))
          xs.push_back(c.x);
        if (std::none_of(ys.begin(), ys.end(), [&](double y) { return near(y, c.y, tol * 100); }))
          ys.push_back(c.y);
      }
      std::sort(xs.begin(), xs.end());
      std::sort(ys.begin(), ys.end());
      auto even = [&](const std::vector<double>& v) {
        for (std::size_t k = 2; k < v.size(); ++k)
          if (!near(v[k] - v[k - 1], v[1] - v[0], tol * 100)) return false;
        return true;
      };
      if (rest < 2 || xs.size() * ys.size() != rest || !even(xs) || !even(ys)) continue;
      const std::string what = cs[i].hole ? "hole pitch" : "boss pitch";
      for (bool horizontal : {true, false}) {
        const std::vector<double>& v = horizontal ? xs : ys;
        if (v.size() < 2) continue;
        Dimension d;
        d.kind = DimensionKind::Linear;
        d.view = vp->view;
        d.feature = what;
        d.value = v[1] - v[0];
        d.count = static_cast<int>(v.size()) - 1;
        d.label = (d.count > 1 ? std::to_string(d.count) + "\u00D7 " : std::string()) +
                  format_value(d.value, decimals);
        d.horizontal = horizontal;
        d.side = horizontal ? kBelow : kLeft;
        d.from = {xs[0], ys[0]};
        d.to = horizontal ? Point2{xs[1], ys[0]} : Point2{xs[0], ys[1]};
        // Holes in bosses on the same centres: one pitch says it for both.
        const bool same =
            std::any_of(pitches[vi].begin(), pitches[vi].end(), [&](const Dimension& o) {
              return o.horizontal == d.horizontal && o.count == d.count &&
                     near(o.from.x, d.from.x, tol * 100) && near(o.from.y, d.from.y, tol * 100) &&
                     near(o.to.x, d.to.x, tol * 100) && near(o.to.y, d.to.y, tol * 100);
            });
        if (!same) pitches[vi].push_back(d);
      }
      for (std::size_t m : group) patterned[m] = true;
      add_centre_positions(*vp, cs[i].hole ? "hole" : "boss", {xs[0], ys[0]});
    }
    for (std::size_t i = 0; i < cs.size(); ++i)
      if (!patterned[i]) add_centre_positions(*vp, cs[i].hole ? "hole" : "boss", cs[i].centre);
  }

  // Chamfers, on the view where they are slanted lines.
  for (const Chamfer& ch : find_chamfers(shape)) {
    const int axis = axis_of(ch.direction);
    if (axis < 0) continue;
    if (ch.conical) {
      // A cone round a rounded corner (a partial cylinder) joins the planar chamfers on either
      // side of it: it is part of theirs, not a chamfer to count apart.
      auto off_axis = [&](const std::array<double, 3>& p, const std::array<double, 3>& o,
                          const std::array<double, 3>& d) {
        const std::array<double, 3> v{p[0] - o[0], p[1] - o[1], p[2] - o[2]};
        const double t = v[0] * d[0] + v[1] * d[1] + v[2] * d[2];
        return std::sqrt(std::max(0.0, v[0] * v[0] + v[1] * v[1] + v[2] * v[2] - t * t));
      };
      const double ra = off_axis(ch.a, ch.origin, ch.direction);
      const bool corner =
          std::any_of(cylinders.begin(), cylinders.end(), [&](const CylinderFeature& c) {
            return !c.full() && axis_of(c.direction) == axis && near(c.radius, ra, tol * 1000) &&
                   off_axis(c.origin, ch.origin, ch.direction) < tol * 1000;
          });
      if (corner) continue;
    }
    ViewKind view = circle_view(axis);
    Point2 a, b, corner, normal;
    if (!ch.conical) {
      a = project_array(view, ch.a);
      b = project_array(view, ch.b);
      corner = project_array(view, ch.corner);
      normal = project_array(view, ch.normal);
    } else {
      // Seen from the side: the first view whose plane holds the axis, on the axis' right (or
      // upper) side.
      for (ViewKind v : all_views)
        if (v != circle_view(axis)) {
          view = v;
          break;
        }
      const Point2 o = project_array(view, ch.origin);
      const Point2 along = project_array(view, ch.direction);
      const Point2 radial = std::abs(along.y) > 0.5 ? Point2{1, 0} : Point2{0, 1};
      // A world point of the profile's plane in the view: its distances along and off the axis.
      auto place = [&](const std::array<double, 3>& p) {
        const std::array<double, 3> v{p[0] - ch.origin[0], p[1] - ch.origin[1],
                                      p[2] - ch.origin[2]};
        const double t = v[0] * ch.direction[0] + v[1] * ch.direction[1] + v[2] * ch.direction[2];
        const double r = std::sqrt(std::max(0.0, v[0] * v[0] + v[1] * v[1] + v[2] * v[2] - t * t));
        return Point2{o.x + along.x * t + radial.x * r, o.y + along.y * t + radial.y * r};
      };
      a = place(ch.a);
      b = place(ch.b);
      corner = place(ch.corner);
      // The normal: its part along the axis, and off the axis as the profile's points are.
      const std::array<double, 3>& n = ch.normal;
      const double t = n[0] * ch.direction[0] + n[1] * ch.direction[1] + n[2] * ch.direction[2];
      std::array<double, 3> off{};
      for (int k = 0; k < 3; ++k) off[k] = ch.a[k] - ch.origin[k];
      const double ta =
          off[0] * ch.direction[0] + off[1] * ch.direction[1] + off[2] * ch.direction[2];
      for (int k = 0; k < 3; ++k) off[k] -= ta * ch.direction[k];
      const double ro = std::sqrt(off[0] * off[0] + off[1] * off[1] + off[2] * off[2]);
      const double nr = ro > 0 ? (n[0] * off[0] + n[1] * off[1] + n[2] * off[2]) / ro : 0;
      normal = {along.x * t + radial.x * nr, along.y * t + radial.y * nr};
    }
    const ViewProjection* vp = by_view[view_index(view)];
    if (!vp || vp->bounds.empty()) continue;
    // Only corners between faces along the view's axes: a slanted face between slanted ones is
    // a polygon's side (its own shape), not a broken edge.
    auto along_axis = [&](Point2 p, Point2 q) {
      return std::abs(p.x - q.x) <= tol * 10 || std::abs(p.y - q.y) <= tol * 10;
    };
    if (!along_axis(a, corner) || !along_axis(b, corner)) continue;
    // Which leg lies horizontal in the view: the one whose face runs more along x.
    const bool a_horizontal = std::abs(corner.x - a.x) >= std::abs(corner.y - a.y);
    Dimension d;
    d.kind = DimensionKind::Chamfer;
    d.view = view;
    d.feature = "chamfer";
    d.value = a_horizontal ? ch.leg_a : ch.leg_b;
    d.second = a_horizontal ? ch.leg_b : ch.leg_a;
    const double nl = std::hypot(normal.x, normal.y);
    if (nl < 1e-9) continue;
    d.from = {(a.x + b.x) / 2, (a.y + b.y) / 2};
    d.to = {d.from.x + normal.x / nl, d.from.y + normal.y / nl};
    if (ch.conical && !seen(view, d.from)) {
      // A cone hidden from the side (a hole's countersink): on its rim circle where the hole
      // is seen end-on, the leader going out at 45 degrees.
      const ViewKind end_on = circle_view(axis);
      const Point2 o = project_array(end_on, ch.origin);
      auto radius = [&](const std::array<double, 3>& p) {
        const std::array<double, 3> v{p[0] - ch.origin[0], p[1] - ch.origin[1],
                                      p[2] - ch.origin[2]};
        const double t = v[0] * ch.direction[0] + v[1] * ch.direction[1] + v[2] * ch.direction[2];
        return std::sqrt(std::max(0.0, v[0] * v[0] + v[1] * v[1] + v[2] * v[2] - t * t));
      };
      const double r = std::max(radius(ch.a), radius(ch.b));
      const Point2 rim{o.x + r * M_SQRT1_2, o.y + r * M_SQRT1_2};
      if (by_view[view_index(end_on)] && seen(end_on, rim)) {
        d.view = end_on;
        d.from = rim;
        d.to = {rim.x + M_SQRT1_2, rim.y + M_SQRT1_2};
      }
    }
    if (near(d.value, d.second, tol * 10) && near(ch.angle, M_PI / 2, 1e-6))
      d.label = format_value(d.value, decimals) + " \u00D7 45\u00B0";
    else
      d.label = format_value(d.value, decimals) + " \u00D7 " + format_value(d.second, decimals);
    dims.push_back(d);
  }

  // V grooves (a pulley's), on the first view showing the axis from the side: the width at
  // the rim on the right (lower) silhouette with the other linear dimensions, and the angle
  // between the flanks on the left (upper) one, an arc between their lines drawn on outwards.
  // With the groove bottom's Ø and the rim's, they fix the groove.
  std::array<std::vector<Dimension>, 3> groove_widths;
  for (const Groove& g : find_grooves(shape)) {
    const int axis = axis_of(g.direction);
    if (axis < 0) continue;
    const ViewProjection* vp = nullptr;
    for (ViewKind v : all_views)
      if (v != circle_view(axis) && by_view[view_index(v)] &&
          !by_view[view_index(v)]->bounds.empty()) {
        vp = by_view[view_index(v)];
        break;
      }
    if (!vp) continue;
    const ViewKind view = vp->view;
    const Point2 o = project_array(view, g.origin);
    const Point2 along = project_array(view, g.direction);
    const bool axis_vertical = std::abs(along.y) > 0.5;
    const Point2 out_w = axis_vertical ? Point2{1, 0} : Point2{0, -1};
    const Point2 out_a{-out_w.x, -out_w.y};
    auto at = [&](Point2 out, double r, double t) {
      return Point2{o.x + along.x * t + out.x * r, o.y + along.y * t + out.y * r};
    };
    const Point2 w0 = at(out_w, g.r_top, g.top[0]), w1 = at(out_w, g.r_top, g.top[1]);
    const Point2 a0 = at(out_a, g.r_top, g.top[0]), a1 = at(out_a, g.r_top, g.top[1]);
    if (!seen(view, w0) || !seen(view, w1) || !seen(view, a0) || !seen(view, a1)) continue;
    Dimension w;
    w.kind = DimensionKind::Linear;
    w.view = view;
    w.feature = "groove width at rim";
    w.value = g.top[1] - g.top[0];
    w.label = format_value(w.value, decimals);
    w.horizontal = !axis_vertical;
    w.side = axis_vertical ? kRight : kBelow;
    w.from = w0;
    w.to = w1;
    groove_widths[view_index(view)].push_back(w);
    // Where the flanks' lines meet: position t0 + s0 k = t1 + s1 k, k = r - r_top (< 0).
    const double dr = g.r_top - g.r_bottom;
    const double s0 = (g.top[0] - g.bottom[0]) / dr, s1 = (g.top[1] - g.bottom[1]) / dr;
    if (!(s1 - s0 > 1e-9)) continue;
    const double k = -(g.top[1] - g.top[0]) / (s1 - s0);
    const Point2 apex = at(out_a, g.r_top + k, g.top[0] + s0 * k);
    Dimension a;
    a.kind = DimensionKind::Angle;
    a.view = view;
    a.feature = "groove angle";
    a.value = g.angle * 180 / M_PI;
    a.label = format_value(a.value, decimals) + "\u00B0";
    a.from = apex;
    a.side = axis_vertical ? kLeft : kAbove;
    a.second = std::hypot(a0.x - apex.x, a0.y - apex.y);
    double t0 = std::atan2(a0.y - apex.y, a0.x - apex.x);
    double t1 = std::atan2(a1.y - apex.y, a1.x - apex.x);
    if (std::remainder(t1 - t0, 2 * M_PI) < 0) std::swap(t0, t1);
    a.arc_start = t0;
    a.arc_end = t0 + std::abs(std::remainder(t1 - t0, 2 * M_PI));
    dims.push_back(a);
  }

  // Slots: overall length along their axis, and their centre's position like a hole's.
  std::array<std::vector<Dimension>, 3> slot_lengths;
  for (int vi = 0; vi < 3; ++vi) {
    const ViewProjection* vp = by_view[vi];
    if (!vp || vp->bounds.empty()) continue;
    auto& ends = slot_ends[vi];
    std::vector<bool> used(ends.size(), false);
    for (std::size_t i = 0; i < ends.size(); ++i) {
      for (std::size_t j = i + 1; j < ends.size() && !used[i]; ++j) {
        if (used[j] || !near(ends[i].second, ends[j].second, tol * 10)) continue;
        const Point2 a = ends[i].first, e = ends[j].first;
        const double dx = e.x - a.x, dy = e.y - a.y, len = std::hypot(dx, dy);
        const bool horizontal = std::abs(dy) < tol * 10, vertical = std::abs(dx) < tol * 10;
        if (len < tol || (!horizontal && !vertical)) continue;
        used[i] = used[j] = true;
        const double r = ends[i].second;
        Dimension d;
        d.kind = DimensionKind::Linear;
        d.view = vp->view;
        d.feature = "slot length";
        d.value = len + 2 * r;
        d.label = format_value(d.value, decimals);
        d.horizontal = horizontal;
        d.side = horizontal ? kAbove : kRight;
        const Point2 lo =
            horizontal ? Point2{std::min(a.x, e.x) - r, a.y} : Point2{a.x, std::min(a.y, e.y) - r};
        const Point2 hi =
            horizontal ? Point2{std::max(a.x, e.x) + r, a.y} : Point2{a.x, std::max(a.y, e.y) + r};
        d.from = lo;
        d.to = hi;
        slot_lengths[vi].push_back(d);
        add_centre_positions(*vp, "slot", {(a.x + e.x) / 2, (a.y + e.y) / 2});
      }
    }
  }

  // Keyways: a slot opening into a hole seen end-on in the top view, whose faces are hidden in
  // the front and left views (inside a hub). Its width between its sides and its depth from the
  // far side of the hole to its bottom go on the top view, where it is seen, in place of step
  // widths and depths to hidden lines.
  std::array<std::vector<double>, 3> keyway_levels;  // per world axis: levels dimensioned so
  std::vector<Dimension> keyways;
  if (by_view[1] && !by_view[1]->bounds.empty()) {
    // A visible edge of `view` along the line x = at (else y = at) over more than half of
    // [lo, hi].
    auto visible_along = [&](ViewKind view, bool x_line, double at, double lo, double hi) {
      const ViewProjection* vp = by_view[view_index(view)];
      if (!vp) return false;
      double covered = 0;
      for (const Path2& path : vp->paths) {
        if (!path.visible) continue;
        for (std::size_t k = 1; k < path.points.size(); ++k) {
          const Point2 p = path.points[k - 1], q = path.points[k];
          const double pa = x_line ? p.x : p.y, qa = x_line ? q.x : q.y;
          if (!near(pa, at, tol * 100) || !near(qa, at, tol * 100)) continue;
          const double u0 = std::max(lo, std::min(x_line ? p.y : p.x, x_line ? q.y : q.x));
          const double u1 = std::min(hi, std::max(x_line ? p.y : p.x, x_line ? q.y : q.x));
          covered += std::max(0.0, u1 - u0);
        }
      }
      return covered > 0.5 * (hi - lo);
    };
    // Levels across world axis `a` (0 x, 1 y) hidden from the side and seen from the top.
    auto top_only = [&](int a) {
      std::vector<StepLevel> out;
      for (const StepLevel& st : find_step_levels(shape, a)) {
        const bool side_seen =
            a == 0 ? visible_along(ViewKind::Front, true, st.level, st.min[2], st.max[2])
                   : visible_along(ViewKind::Left, true, -st.level, st.min[2], st.max[2]);
        const bool top_seen =
            a == 0 ? visible_along(ViewKind::Top, true, st.level, st.min[1], st.max[1])
                   : visible_along(ViewKind::Top, false, st.level, st.min[0], st.max[0]);
        if (!side_seen && top_seen) out.push_back(st);
      }
      return out;
    };
    const std::array<std::vector<StepLevel>, 2> hidden{top_only(0), top_only(1)};
    for (const Circle& h : circles[1]) {
      if (!h.hole) continue;
      const double centre[2] = {h.centre.x, h.centre.y};
      for (int a = 0; a < 2; ++a) {
        const int o = 1 - a;  // the axis the keyway runs along
        const auto& sides_a = hidden[a];
        bool done = false;
        for (std::size_t i = 0; i < sides_a.size() && !done; ++i)
          for (std::size_t j = 0; j < sides_a.size() && !done; ++j) {
            const double l1 = sides_a[i].level, l2 = sides_a[j].level;
            if (!(l1 < centre[a] && centre[a] < l2) || l2 - l1 >= 2 * h.radius) continue;
            // Its bottom: a level across the other axis beyond the hole's edge, spanning the
            // slot's width.
            for (const StepLevel& bottom : hidden[o]) {
              const double off = bottom.level - centre[o];
              if (std::abs(off) <= h.radius * 0.5 || std::abs(off) > h.radius * 3 ||
                  bottom.min[a] > l1 + tol * 100 || bottom.max[a] < l2 - tol * 100)
                continue;
              const double sgn = off > 0 ? 1 : -1;
              auto point = [&](double along_a, double along_o) {
                return a == 0 ? Point2{along_a, along_o} : Point2{along_o, along_a};
              };
              Dimension w;
              w.kind = DimensionKind::Linear;
              w.view = ViewKind::Top;
              w.feature = "keyway width";
              w.value = l2 - l1;
              w.label = format_value(w.value, decimals);
              w.horizontal = a == 0;
              w.side = a == 0 ? (sgn > 0 ? kAbove : kBelow) : (sgn > 0 ? kRight : kLeft);
              w.from = point(l1, bottom.level);
              w.to = point(l2, bottom.level);
              keyways.push_back(w);
              Dimension t = w;
              t.feature = "keyway depth";
              t.value = std::abs(bottom.level - (centre[o] - sgn * h.radius));
              t.label = format_value(t.value, decimals);
              t.horizontal = a != 0;
              t.side = a == 0 ? kRight : kAbove;
              t.from = point(centre[a], centre[o] - sgn * h.radius);
              t.to = point(l2, bottom.level);
              keyways.push_back(t);
              keyway_levels[a].push_back(l1);
              keyway_levels[a].push_back(l2);
              keyway_levels[o].push_back(bottom.level);
              done = true;
              break;
            }
          }
      }
    }
  }
  // A plate thin in Z: its front and left views are slivers where steps across X and Y
  // cannot be read; they go on the top view.
  const bool thin_plate = by_view[0] && by_view[1] && !by_view[1]->bounds.empty() &&
                          by_view[0]->bounds.height() < 0.1 * std::min(by_view[1]->bounds.width(),
                                                                       by_view[1]->bounds.height());
  auto keyway_level = [&](int axis, double level) {
    return std::any_of(keyway_levels[axis].begin(), keyway_levels[axis].end(),
                       [&](double l) { return near(l, level, tol * 100); });
  };

  for (const ViewProjection* vp : by_view) {
    if (!vp || vp->bounds.empty()) continue;
    const Box2& b = vp->bounds;
    const ExtentSides sides = extent_sides(vp->view);
    std::vector<Dimension>& pos = positions[view_index(vp->view)];
    // One position per distinct value and direction; nearest to the view first.
    std::sort(pos.begin(), pos.end(), [](const Dimension& a, const Dimension& b) {
      return std::make_tuple(a.horizontal, a.value) < std::make_tuple(b.horizontal, b.value);
    });
    pos.erase(std::unique(pos.begin(), pos.end(),
                          [&](const Dimension& a, const Dimension& b) {
                            return a.horizontal == b.horizontal && near(a.value, b.value, tol);
                          }),
              pos.end());
    std::array<int, 4> level{};
    for (Dimension& d : pos) {
      d.level = level[d.side]++;
      dims.push_back(d);
    }
    for (Dimension& d : pitches[view_index(vp->view)]) {
      d.level = level[d.side]++;
      dims.push_back(d);
    }
    for (Dimension& d : slot_lengths[view_index(vp->view)]) {
      d.level = level[d.side]++;
      dims.push_back(d);
    }
    for (Dimension& d : side_diameters[view_index(vp->view)]) {
      d.level = level[d.side]++;
      dims.push_back(d);
    }
    for (Dimension& d : groove_widths[view_index(vp->view)]) {
      d.level = level[d.side]++;
      dims.push_back(d);
    }
    for (Dimension& d : keyways)
      if (d.view == vp->view) {
        d.level = level[d.side]++;
        dims.push_back(d);
      }
    auto step = [&](const char* feature, double value, bool horizontal, int side, Point2 from,
                    Point2 to) {
      Dimension h;
      h.kind = DimensionKind::Linear;
      h.view = vp->view;
      h.value = value;
      h.label = format_value(value, decimals);
      h.feature = feature;
      h.horizontal = horizontal;
      h.side = side;
      h.from = from;
      h.to = to;
      h.level = level[side]++;
      dims.push_back(h);
    };
    if (vp->view == ViewKind::Front) {
      // Step heights from the bottom (right of the view) and step widths from the left edge
      // (below), inside the overall extents; a thin plate's widths go on the top view.
      for (const StepLevel& s : find_step_levels(shape, 2))
        step("step height", s.level - b.min_y, false, kRight, {b.max_x, b.min_y},
             {std::min(s.max[0], b.max_x), s.level});
      for (const StepLevel& s : find_step_levels(shape, 0))
        if (!keyway_level(0, s.level) && !thin_plate)
          step("step width", s.level - b.min_x, true, kBelow, {b.min_x, b.min_y},
               {s.level, std::max(s.min[2], b.min_y)});
    } else if (vp->view == ViewKind::Left) {
      // Step depths from the view's left edge (the part's back, +Y), below.
      for (const StepLevel& s : find_step_levels(shape, 1))
        if (!keyway_level(1, s.level) && !thin_plate)
          step("step depth", -s.level - b.min_x, true, kBelow, {b.min_x, b.min_y},
               {-s.level, std::max(s.min[2], b.min_y)});
    } else if (vp->view == ViewKind::Top && thin_plate) {
      // A thin plate's notches and steps, seen in outline only from the top: widths from
      // the left edge (below), depths from the front edge (left).
      for (const StepLevel& s : find_step_levels(shape, 0))
        if (!keyway_level(0, s.level))
          step("step width", s.level - b.min_x, true, kBelow, {b.min_x, b.min_y},
               {s.level, std::max(s.min[1], b.min_y)});
      for (const StepLevel& s : find_step_levels(shape, 1))
        if (!keyway_level(1, s.level))
          step("step depth", s.level - b.min_y, false, kLeft, {b.min_x, b.min_y},
               {std::max(s.min[0], b.min_x), s.level});
    }
    const double wy = sides.width_side == kAbove ? b.max_y : b.min_y;
    if (b.width() > tol)
      step(sides.width_name, b.width(), true, sides.width_side, {b.min_x, wy}, {b.max_x, wy});
    const double hx = sides.height_side == kLeft ? b.min_x : b.max_x;
    if (b.height() > tol)
      step(sides.height_name, b.height(), false, sides.height_side, {hx, b.min_y}, {hx, b.max_y});
  }
  // Equal diameters (radii, chamfers) of the same kind of feature in one view are labelled
  // once, "4× Ø6", as a drafter labels a hole pattern.
  std::vector<Dimension> grouped;
  auto countable = [](const Dimension& d) {
    return d.kind == DimensionKind::Diameter || d.kind == DimensionKind::Radius ||
           d.kind == DimensionKind::Chamfer;
  };
  for (Dimension& d : dims) {
    if (countable(d)) {
      auto same = std::find_if(grouped.begin(), grouped.end(), [&](const Dimension& g) {
        return g.kind == d.kind && g.view == d.view && g.feature == d.feature &&
               near(g.value, d.value, tol) && near(g.second, d.second, tol * 10);
      });
      if (same != grouped.end()) {
        same->count += 1;
        // A chamfer's label goes on the one towards the free side of its view (right of the
        // front view, left of the left view, above the top view).
        if (d.kind == DimensionKind::Chamfer) {
          const Point2 pref = d.view == ViewKind::Front  ? Point2{1, 0.5}
                              : d.view == ViewKind::Left ? Point2{-1, 0.5}
                                                         : Point2{0.5, 1};
          auto score = [&](const Dimension& x) { return x.from.x * pref.x + x.from.y * pref.y; };
          if (score(d) > score(*same) + tol) {
            same->from = d.from;
            same->to = d.to;
          }
        }
        continue;
      }
    }
    grouped.push_back(std::move(d));
  }
  dims.swap(grouped);
  for (Dimension& d : dims)
    if (countable(d) && d.count > 1) d.label = std::to_string(d.count) + "\u00D7 " + d.label;
  // The holes of a pitch circle are equally spaced: "6× Ø10 EQ SP" when that label stands for
  // them all, else the pitch circle says it.
  for (Dimension& p : pitch_circles) {
    auto holes = std::find_if(dims.begin(), dims.end(), [&](const Dimension& d) {
      return d.kind == DimensionKind::Diameter && d.view == p.view && near(d.value, p.second, tol);
    });
    if (holes != dims.end() && holes->count == p.count)
      holes->label += " EQ SP";
    else
      p.label += " (" + std::to_string(p.count) + "\u00D7 EQ SP)";
    dims.push_back(p);
  }
  // Deterministic order: by view, then kind, then value.
  std::stable_sort(dims.begin(), dims.end(), [](const Dimension& a, const Dimension& b) {
    return std::make_tuple(view_index(a.view), static_cast<int>(a.kind)) <
           std::make_tuple(view_index(b.view), static_cast<int>(b.kind));
  });
  return dims;
}

Point2 Drawing::to_page(ViewKind view, const Point2& p) const {
  const ViewFrame& f = frames[view_index(view)];
  return {f.corner.x + (p.x - f.bounds.min_x) * scale, f.corner.y + (f.bounds.max_y - p.y) * scale};
}

Drawing make_drawing(const TopoDS_Shape& shape, const DrawingOptions& options) {
  std::vector<ViewProjection> views;
  for (ViewKind v : all_views) views.push_back(project(shape, v));
  return make_drawing(shape, views, options);
}

Drawing make_drawing(const TopoDS_Shape& shape, const std::vector<ViewProjection>& views,
                     const DrawingOptions& options) {
  if (options.size < 64) throw Error("drawing: size must be at least 64 pixels");
  if (views.size() != 3) throw Error("drawing: expected the front, top and left views");
  Drawing drawing;
  drawing.width = drawing.height = options.size;
  drawing.line_width = options.line_width;
  drawing.dimensions = find_dimensions(shape, views, options.decimals);

  const double page = options.size;
  const double spacing = page * 0.04;  // between stacked dimension lines
  drawing.font_size = std::max(8.0, page * 0.022);
  const double pad = page * 0.03;
  // A strip along the bottom of the page for the units note and the projection symbol.
  const double strip = drawing.font_size * 2;

  // Margin each view needs on each side for its dimension levels.
  std::array<std::array<double, 4>, 3> margin{};
  for (const Dimension& d : drawing.dimensions) {
    if (d.kind == DimensionKind::Angle) {
      // Its arc just outside the silhouette, the label beyond it.
      double& m = margin[view_index(d.view)][d.side];
      const bool across = d.side == kLeft || d.side == kRight;
      m = std::max(m, spacing * 1.6 +
                          (across ? text_width(d.label, drawing.font_size) : drawing.font_size) +
                          drawing.font_size);
      continue;
    }
    if (d.kind != DimensionKind::Linear && d.kind != DimensionKind::Position) continue;
    double& m = margin[view_index(d.view)][d.side];
    m = std::max(m, spacing * (d.level + 1) + drawing.font_size);
  }
  for (auto& sides : margin)
    for (double& m : sides) m = std::max(m, spacing);
  const Box2& fb = views[0].bounds;
  const Box2& tb = views[1].bounds;
  const Box2& lb = views[2].bounds;
  const auto& mf = margin[0];
  const auto& mt = margin[1];
  const auto& ml = margin[2];
  const double left_of_front = std::max(mf[kLeft], mt[kLeft]);
  const double right_of_front = std::max(mf[kRight], mt[kRight]);
  const double fixed_w = 2 * pad + ml[kLeft] + ml[kRight] + left_of_front + right_of_front;
  const double above_front = std::max(mf[kAbove], ml[kAbove]);
  const double below_front = std::max(mf[kBelow], ml[kBelow]);
  const double fixed_h = 2 * pad + mt[kAbove] + mt[kBelow] + above_front + below_front + strip;
  const double model_w = lb.width() + fb.width();
  const double model_h = tb.height() + fb.height();
  double scale = 1;
  if (model_w > 0 || model_h > 0) {
    const double sw = model_w > 0 ? (page - fixed_w) / model_w : 1e300;
    const double sh = model_h > 0 ? (page - fixed_h) / model_h : 1e300;
    scale = std::min(sw, sh);
  }
  if (!(scale > 0)) throw Error("drawing: page too small for the dimensions");
  drawing.scale = scale;
  // Centre the arrangement on the page.
  const double used_w = fixed_w + model_w * scale;
  const double used_h = fixed_h + model_h * scale;
  const double ox = (page - used_w) / 2 + pad;
  const double oy = (page - used_h) / 2 + pad;
  // Top-left page corner of each view's box.
  std::array<Point2, 3> corner;
  const double front_x = ox + ml[kLeft] + lb.width() * scale + ml[kRight] + left_of_front;
  const double front_y = oy + mt[kAbove] + tb.height() * scale + mt[kBelow] + above_front;
  corner[0] = {front_x, front_y};
  corner[1] = {front_x, oy + mt[kAbove]};
  corner[2] = {ox + ml[kLeft], front_y};
  for (int i = 0; i < 3; ++i) drawing.frames[i] = {corner[i], views[i].bounds};
  drawing.marks.assign(drawing.dimensions.size(), {});

  auto to_page = [&](ViewKind view, const Point2& p) {
    const int i = view_index(view);
    const Box2& b = views[i].bounds;
    return Point2{corner[i].x + (p.x - b.min_x) * scale, corner[i].y + (b.max_y - p.y) * scale};
  };

  for (const ViewProjection& vp : views) {
    for (const Path2& path : vp.paths) {
      const Pen pen = path.visible ? Pen::Visible : Pen::Hidden;
      if (path.arc) {
        const Arc2& a = *path.arc;
        PageArc arc;
        arc.center = to_page(vp.view, a.center);
        arc.radius = a.radius * scale;
        arc.start = -a.end;  // y flips: counter-clockwise in the view is clockwise on the page
        arc.end = -a.start;
        arc.pen = pen;
        arc.outline = path.outline;
        drawing.arcs.push_back(arc);
        continue;
      }
      PagePolyline line;
      line.pen = pen;
      line.outline = path.outline;
      for (const Point2& p : path.points) line.points.push_back(to_page(vp.view, p));
      drawing.lines.push_back(std::move(line));
    }
  }

  const double f = drawing.font_size;
  auto text_width = [&](const std::string& text) { return render::text_width(text, f); };
  auto thin = [&](Point2 a, Point2 b) { drawing.lines.push_back({{a, b}, Pen::Thin}); };

  // Text boxes placed so far (page); later labels move to avoid them.
  std::vector<Box2> taken;
  auto text_box = [&](const Point2& c, const std::string& text, bool vertical) {
    const double w = text_width(text) / 2 + 2, h = f * 0.45 + 1;
    Box2 b;
    b.add(vertical ? Point2{c.x - h, c.y - w} : Point2{c.x - w, c.y - h});
    b.add(vertical ? Point2{c.x + h, c.y + w} : Point2{c.x + w, c.y + h});
    return b;
  };
  auto overlaps = [](const Box2& a, const Box2& b) {
    return a.min_x < b.max_x && b.min_x < a.max_x && a.min_y < b.max_y && b.min_y < a.max_y;
  };
  // The part's edges (visible and hidden, arcs as chords of about 2 pixels): no label on them.
  std::vector<std::pair<Point2, Point2>> outline;
  std::vector<bool> outline_visible;
  for (const PagePolyline& line : drawing.lines)
    for (std::size_t k = 1; k < line.points.size(); ++k) {
      outline.push_back({line.points[k - 1], line.points[k]});
      outline_visible.push_back(line.pen == Pen::Visible);
    }
  for (const PageArc& arc : drawing.arcs) {
    const int n = std::max(8, static_cast<int>(std::ceil((arc.end - arc.start) * arc.radius / 2)));
    for (int k = 0; k < n; ++k) {
      const double a0 = arc.start + (arc.end - arc.start) * k / n;
      const double a1 = arc.start + (arc.end - arc.start) * (k + 1) / n;
      outline.push_back(
          {{arc.center.x + arc.radius * std::cos(a0), arc.center.y + arc.radius * std::sin(a0)},
           {arc.center.x + arc.radius * std::cos(a1), arc.center.y + arc.radius * std::sin(a1)}});
      outline_visible.push_back(arc.pen == Pen::Visible);
    }
  }
  auto segment_hits_box = [](Point2 p, Point2 q, const Box2& b) {
    // Liang-Barsky clipping of p + t (q - p), t in [0, 1], against the box.
    double t0 = 0, t1 = 1;
    const double d[2] = {q.x - p.x, q.y - p.y};
    const double lo[2] = {b.min_x - p.x, b.min_y - p.y}, hi[2] = {b.max_x - p.x, b.max_y - p.y};
    for (int k = 0; k < 2; ++k) {
      if (std::abs(d[k]) < 1e-12) {
        if (lo[k] > 0 || hi[k] < 0) return 0;
        continue;
      }
      double a = lo[k] / d[k], c = hi[k] / d[k];
      if (a > c) std::swap(a, c);
      t0 = std::max(t0, a);
      t1 = std::min(t1, c);
      if (t0 > t1) return 0;
    }
    return 1;
  };
  auto free = [&](const Box2& b) {
    if (b.min_x < 0 || b.min_y < 0 || b.max_x > page || b.max_y > page) return false;
    for (const Box2& t : taken)
      if (overlaps(t, b)) return false;
    for (const auto& [p, q] : outline)
      if (segment_hits_box(p, q, b)) return false;
    return true;
  };
  // The units note and the third-angle projection symbol (ISO 5456-2: a truncated cone's end
  // view, two circles, left of its side view, whose narrow end faces them) in the strip at
  // the bottom right of the page.
  {
    const double hs = f * 1.1, cy = page - pad - strip / 2;
    const double symbol_w = hs * 2.5;
    std::string note = "ALL DIMENSIONS IN mm";
    if (text_width(note) + f + symbol_w > page - 2 * pad) note = "mm";
    const double x1 = page - pad, tx1 = x1 - hs * 0.1, tx0 = tx1 - hs * 1.3;
    const double cx = tx0 - hs * 0.75;
    drawing.arcs.push_back({{cx, cy}, hs / 2, 0, 2 * M_PI, Pen::Visible});
    drawing.arcs.push_back({{cx, cy}, hs / 4, 0, 2 * M_PI, Pen::Visible});
    drawing.lines.push_back({{{tx0, cy - hs / 4},
                              {tx1, cy - hs / 2},
                              {tx1, cy + hs / 2},
                              {tx0, cy + hs / 4},
                              {tx0, cy - hs / 4}},
                             Pen::Visible});
    drawing.lines.push_back({{{cx - hs * 0.65, cy}, {x1, cy}}, Pen::Center});
    drawing.lines.push_back({{{cx, cy - hs * 0.65}, {cx, cy + hs * 0.65}}, Pen::Center});
    const double nw = text_width(note);
    const Point2 at{cx - hs * 0.65 - f - nw / 2, cy};
    drawing.texts.push_back({at, note, false});
    Box2 used = text_box(at, note, false);
    used.add(Point2{x1, cy - hs * 0.65});
    used.add(Point2{x1, cy + hs * 0.65});
    taken.push_back(used);
  }
  // Crossings of a segment with visible model lines (2 each) and, with `thin_too`, with the
  // dimension and extension lines drawn so far (1 each): leaders and their labels keep off
  // them where they can.
  const std::size_t model_lines = drawing.lines.size();
  auto crossings = [&](Point2 p, Point2 q, bool thin_too = false) {
    int n = 0;
    auto orient = [](Point2 a, Point2 b, Point2 c) {
      return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
    };
    for (std::size_t k = 0; k < (thin_too ? drawing.lines.size() : model_lines); ++k) {
      const PagePolyline& line = drawing.lines[k];
      if (line.pen != Pen::Visible && !(thin_too && line.pen == Pen::Thin)) continue;
      for (std::size_t m = 1; m < line.points.size(); ++m) {
        const Point2 a = line.points[m - 1], b = line.points[m];
        if (std::max(a.x, b.x) < std::min(p.x, q.x) || std::min(a.x, b.x) > std::max(p.x, q.x) ||
            std::max(a.y, b.y) < std::min(p.y, q.y) || std::min(a.y, b.y) > std::max(p.y, q.y))
          continue;
        if ((orient(p, q, a) > 0) != (orient(p, q, b) > 0) &&
            (orient(a, b, p) > 0) != (orient(a, b, q) > 0))
          n += line.pen == Pen::Visible ? 2 : 1;
      }
    }
    const double dx = q.x - p.x, dy = q.y - p.y, dd = dx * dx + dy * dy;
    if (dd <= 0) return n;
    for (const PageArc& arc : drawing.arcs) {
      if (arc.pen != Pen::Visible) continue;
      // |p + t d - c| = R for t in [0, 1], at an angle the arc covers.
      const double fx = p.x - arc.center.x, fy = p.y - arc.center.y;
      const double b = fx * dx + fy * dy, c = fx * fx + fy * fy - arc.radius * arc.radius;
      const double disc = b * b - dd * c;
      if (disc < 0) continue;
      for (double sign : {-1.0, 1.0}) {
        const double t = (-b + sign * std::sqrt(disc)) / dd;
        if (t < 0 || t > 1) continue;
        double a = std::atan2(fy + t * dy, fx + t * dx);
        while (a < arc.start) a += 2 * M_PI;
        while (a > arc.start + 2 * M_PI) a -= 2 * M_PI;
        if (a <= arc.end) n += 2;
      }
    }
    return n;
  };
  auto box_crossings = [&](const Box2& b) {
    const Point2 p00{b.min_x, b.min_y}, p10{b.max_x, b.min_y}, p11{b.max_x, b.max_y},
        p01{b.min_x, b.max_y};
    return crossings(p00, p10, true) + crossings(p10, p11, true) + crossings(p11, p01, true) +
           crossings(p01, p00, true);
  };
  // Arrow tips of the leaders drawn so far: two leaders never point at one spot.
  std::vector<Point2> tips;
  // A chamfer's leader can only point at the middle of its slanted line: other leaders keep
  // off those spots from the start, whichever is placed first.
  for (const Dimension& d : drawing.dimensions)
    if (d.kind == DimensionKind::Chamfer) tips.push_back(to_page(d.view, d.from));
  auto on_visible = [&](Point2 p) {
    for (std::size_t k = 0; k < outline.size(); ++k)
      if (outline_visible[k] && distance_to_segment(p, outline[k].first, outline[k].second) <= 2)
        return true;
    return false;
  };
  // A leader from the circle of radius `r` (page) around `c` at one of `angles` (page, y
  // down), reaching out one to six steps: the first whose label is free (off other labels and
  // the part's edges), whose tip is its own and on a visible edge, and which crosses no line;
  // else the one that breaks fewest of these, a label in the way counting most.
  auto place_leader = [&](Point2 c, double r, const std::vector<double>& angles,
                          const std::string& label, std::size_t di) {
    const double tw = text_width(label);
    // The label on the side the leader points to, or (`back`) on the other.
    auto geometry = [&](double a, int reach, bool back, Point2& on, Point2& elbow, Point2& end,
                        Point2& text) {
      const Point2 u{std::cos(a), std::sin(a)};
      on = {c.x + u.x * r, c.y + u.y * r};
      elbow = {c.x + u.x * (r + spacing * 1.2 * reach), c.y + u.y * (r + spacing * 1.2 * reach)};
      end = {elbow.x + ((u.x >= 0) != back ? 1 : -1) * (tw + 6), elbow.y};
      text = {(elbow.x + end.x) / 2, elbow.y - f * 0.7};
    };
    Point2 on, elbow, end, text;
    int best = -1;
    double best_angle = angles[0];
    int best_reach = 1;
    bool best_back = false;
    for (int reach = 1; reach <= 6 && best != 0; ++reach)
      for (int k = 0; k < 2 * static_cast<int>(angles.size()) && best != 0; ++k) {
        // Each direction with its label on the near side first; the far side after them all.
        const bool back = k >= static_cast<int>(angles.size());
        const double a = angles[k % angles.size()];
        geometry(a, reach, back, on, elbow, end, text);
        const Box2 box = text_box(text, label, false);
        const Point2 start{on.x + (elbow.x - on.x) * 0.05, on.y + (elbow.y - on.y) * 0.05};
        int n = crossings(start, elbow, true) + crossings(elbow, end, true) + box_crossings(box);
        // Running through another label is worse than crossing a line.
        for (const Box2& t : taken)
          n += 5 * (segment_hits_box(start, elbow, t) + segment_hits_box(elbow, end, t));
        if (!free(box)) n += 1000;
        if (std::any_of(tips.begin(), tips.end(),
                        [&](Point2 t) { return std::hypot(t.x - on.x, t.y - on.y) < 0.6 * f; }))
          n += 200;
        if (!on_visible(on)) n += 100;
        if (best < 0 || n < best) {
          best = n;
          best_angle = a;
          best_reach = reach;
          best_back = back;
        }
      }
    geometry(best_angle, best_reach, best_back, on, elbow, end, text);
    const double len = std::hypot(on.x - elbow.x, on.y - elbow.y);
    thin(on, elbow);
    thin(elbow, end);
    drawing.arrows.push_back({on, {(on.x - elbow.x) / len, (on.y - elbow.y) / len}});
    tips.push_back(on);
    drawing.marks[di] = {static_cast<int>(drawing.texts.size()), true, on, elbow};
    drawing.texts.push_back({text, label, false});
    taken.push_back(text_box(text, label, false));
  };
  // Centres of holes on pitch circles (page), which get marks along and across the circle.
  std::vector<Point2> on_pitch_circles;
  for (const Dimension& d : drawing.dimensions) {
    if (d.kind != DimensionKind::PitchCircle) continue;
    const double r = std::hypot(d.to.x - d.from.x, d.to.y - d.from.y);
    for (int k = 0; k < d.count; ++k) {
      const double a = d.arc_start + 2 * M_PI * k / d.count;
      on_pitch_circles.push_back(
          to_page(d.view, {d.from.x + r * std::cos(a), d.from.y + r * std::sin(a)}));
    }
  }
  // Where the extension lines that cross dimension `di`'s row meet it (page, along the line):
  // its own and those of the dimensions on its side as far from the view or farther.
  auto row_ends = [&](std::size_t di) {
    const Dimension& d = drawing.dimensions[di];
    std::vector<double> ends;
    for (const Dimension& o : drawing.dimensions) {
      if ((o.kind != DimensionKind::Linear && o.kind != DimensionKind::Position) ||
          o.view != d.view || o.horizontal != d.horizontal || o.side != d.side || o.level < d.level)
        continue;
      for (const Point2& p : {to_page(o.view, o.from), to_page(o.view, o.to)})
        ends.push_back(d.horizontal ? p.x : p.y);
    }
    return ends;
  };
  // A label centred at `c` along its line lies beside its own span [s0, s1] when it is inside
  // it or no extension line is on either side of it: between two others, a reader pairs it
  // with their span.
  auto beside_own_span = [](double c, double s0, double s1, const std::vector<double>& ends) {
    if (c >= s0 - 1 && c <= s1 + 1) return true;
    const bool lower = std::any_of(ends.begin(), ends.end(), [&](double e) { return e < c - 1; });
    const bool upper = std::any_of(ends.begin(), ends.end(), [&](double e) { return e > c + 1; });
    return !(lower && upper);
  };
  // Places for a label of width `tw` outside the span [s0, s1] of a row whose extension lines
  // span [lo, hi]: next to either arrow, stepping outwards, and past the outermost extension
  // lines; nearest first.
  auto outside_places = [&](double s0, double s1, double lo, double hi, double tw) {
    std::vector<std::pair<double, double>> places;  // (distance from the span, centre)
    for (double g : {0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0}) {
      places.push_back({g * f, s1 + f + tw / 2 + g * f});
      places.push_back({g * f + 0.01, s0 - f - tw / 2 - g * f});
    }
    places.push_back({std::max(hi, s1) - s1, std::max(hi, s1) + f + tw / 2});
    places.push_back({s0 - std::min(lo, s0) + 0.01, std::min(lo, s0) - f - tw / 2});
    std::stable_sort(places.begin(), places.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<double> out;
    for (const auto& p : places) out.push_back(p.second);
    return out;
  };
  // Linear and position dimensions first (their places are fixed by level), then leaders.
  // Leaders with the fewest places first: a chamfer's points at one spot, a radius's at its
  // arc, then circles, which can point anywhere round them and so keep off the others' tips.
  std::vector<std::size_t> order(drawing.dimensions.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  auto freedom = [&](std::size_t k) {
    const DimensionKind kind = drawing.dimensions[k].kind;
    return kind == DimensionKind::Chamfer || kind == DimensionKind::Angle ? 0
           : kind == DimensionKind::Radius                                ? 1
                                                                          : 2;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return freedom(a) < freedom(b); });
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t di : order) {
      const Dimension& d = drawing.dimensions[di];
      const bool leader = d.kind != DimensionKind::Linear && d.kind != DimensionKind::Position;
      if (leader != (pass == 1)) continue;
      const int i = view_index(d.view);
      const Point2 tl = corner[i];
      const Point2 br = {tl.x + views[i].bounds.width() * scale,
                         tl.y + views[i].bounds.height() * scale};
      if (d.kind == DimensionKind::Chamfer) {
        // A leader to the middle of the slanted line, from outside the part along its normal.
        const Point2 c = to_page(d.view, d.from), n = to_page(d.view, d.to);
        const double a = std::atan2(n.y - c.y, n.x - c.x);
        std::vector<double> angles;
        for (double deg : {0.0, -20.0, 20.0, -40.0, 40.0, -60.0, 60.0, -80.0, 80.0})
          angles.push_back(a + deg * M_PI / 180);
        place_leader(c, 0, angles, d.label, di);
        continue;
      }
      if (d.kind == DimensionKind::Angle) {
        // Extension lines along the two flanks from the rim outwards, an arc between them
        // centred where they meet, arrows on it, the label beyond its middle: the first
        // radius whose label is free.
        const Point2 c = to_page(d.view, d.from);
        const double l = d.second * scale;
        const double p0 = -d.arc_end, p1 = -d.arc_start;  // page angles (y flips), p0 < p1
        const double pm = (p0 + p1) / 2;
        const Point2 ub{std::cos(pm), std::sin(pm)};
        const double tw = text_width(d.label);
        const double hw = tw / 2 + 2, hh = f * 0.45 + 1;
        double radius = l + spacing * 1.2;
        Point2 text{};
        for (int reach = 0; reach < 4; ++reach) {
          const double r = l + spacing * (1.2 + 0.6 * reach);
          const double dist = r + std::abs(ub.x) * hw + std::abs(ub.y) * hh + 3;
          const Point2 t{c.x + ub.x * dist, c.y + ub.y * dist};
          if (reach == 0 || free(text_box(t, d.label, false))) {
            radius = r;
            text = t;
            if (free(text_box(t, d.label, false))) break;
          }
        }
        const double gap = 3, over = 4;
        for (double p : {p0, p1}) {
          const Point2 u{std::cos(p), std::sin(p)};
          thin({c.x + u.x * (l + gap), c.y + u.y * (l + gap)},
               {c.x + u.x * (radius + over), c.y + u.y * (radius + over)});
        }
        drawing.arcs.push_back({c, radius, p0, p1, Pen::Thin});
        drawing.arrows.push_back({{c.x + radius * std::cos(p0), c.y + radius * std::sin(p0)},
                                  {std::sin(p0), -std::cos(p0)}});
        drawing.arrows.push_back({{c.x + radius * std::cos(p1), c.y + radius * std::sin(p1)},
                                  {-std::sin(p1), std::cos(p1)}});
        drawing.marks[di] = {static_cast<int>(drawing.texts.size()),
                             false,
                             c,
                             {c.x + ub.x * radius, c.y + ub.y * radius}};
        drawing.texts.push_back({text, d.label, false});
        taken.push_back(text_box(text, d.label, false));
        continue;
      }
      if (d.kind == DimensionKind::PitchCircle) {
        // The pitch circle as a centre line, each hole marked along and across it, and a
        // leader to the circle between two holes.
        const Point2 c = to_page(d.view, d.from), first = to_page(d.view, d.to);
        const double r = std::hypot(first.x - c.x, first.y - c.y);
        if (r <= 0 || d.count < 1) continue;
        drawing.arcs.push_back({c, r, 0, 2 * M_PI, Pen::Center});
        const double hole = d.second / 2 * scale + spacing * 0.25;
        std::vector<double> angles;
        for (int k = 0; k < d.count; ++k) {
          const double a = -(d.arc_start + 2 * M_PI * k / d.count);  // page angles flip sign
          const Point2 u{std::cos(a), std::sin(a)}, h{c.x + u.x * r, c.y + u.y * r};
          drawing.lines.push_back(
              {{{h.x - u.x * hole, h.y - u.y * hole}, {h.x + u.x * hole, h.y + u.y * hole}},
               Pen::Center});
          angles.push_back(a - M_PI / d.count);
        }
        // Upper right first, as the other leaders.
        std::stable_sort(angles.begin(), angles.end(), [](double a, double b) {
          auto off = [](double x) { return std::abs(std::remainder(x + M_PI / 4, 2 * M_PI)); };
          return off(a) < off(b);
        });
        place_leader(c, r, angles, d.label, di);
        continue;
      }
      if (leader) {
        const Point2 c = to_page(d.view, d.from);
        const Point2 on0 = to_page(d.view, d.to);
        const double r = std::hypot(on0.x - c.x, on0.y - c.y);
        if (r <= 0) continue;
        const bool patterned =
            std::any_of(on_pitch_circles.begin(), on_pitch_circles.end(),
                        [&](Point2 p) { return std::hypot(p.x - c.x, p.y - c.y) < 1; });
        const bool inclined = d.feature.rfind("inclined", 0) == 0;  // seen as an ellipse
        if (d.kind == DimensionKind::Diameter && !patterned && !inclined) {
          // Centre lines, then a leader from outside the circle to its edge.
          const double ext = r + spacing * 0.25;
          drawing.lines.push_back({{{c.x - ext, c.y}, {c.x + ext, c.y}}, Pen::Center});
          drawing.lines.push_back({{{c.x, c.y - ext}, {c.x, c.y + ext}}, Pen::Center});
        }
        // Candidate directions: the measured point's own, then around the circle.
        std::vector<double> angles{std::atan2(on0.y - c.y, on0.x - c.x)};
        if (inclined) angles.push_back(angles[0] + M_PI);  // the other end of that diameter
        if (d.kind == DimensionKind::Diameter && !inclined)
          for (double deg :
               {-45.0, -135.0, 45.0, 135.0, -60.0, -120.0, 60.0, 120.0, -30.0, -150.0, 30.0, 150.0})
            angles.push_back(deg * M_PI / 180);
        if (d.kind == DimensionKind::Radius)  // other points of the arc (page angles flip sign)
          for (double k : {-0.25, 0.25, -0.4, 0.4}) {
            const double span = d.arc_end - d.arc_start;
            angles.push_back(-((d.arc_start + d.arc_end) / 2 + k * span));
          }
        place_leader(c, r, angles, d.label, di);
        continue;
      }
      const Point2 a = to_page(d.view, d.from);
      const Point2 b = to_page(d.view, d.to);
      const double off = spacing * (d.level + 1);
      const double gap = 3, over = 4;
      const double tw = text_width(d.label);
      if (d.horizontal) {
        const double y = d.side == kAbove ? tl.y - off : br.y + off;
        const double s = d.side == kAbove ? -1 : 1;
        thin({a.x, a.y + s * gap}, {a.x, y + s * over});
        thin({b.x, b.y + s * gap}, {b.x, y + s * over});
        const double x0 = std::min(a.x, b.x), x1 = std::max(a.x, b.x);
        thin({x0, y}, {x1, y});
        drawing.arrows.push_back({{x0, y}, {-1, 0}});
        drawing.arrows.push_back({{x1, y}, {1, 0}});
        // Between the arrows when it fits, else outside (right, then left), else past the
        // outermost extension line on its row (the line drawn on to it): the first that is free
        // and beside its own span, else the first free one.
        const std::vector<double> ends = row_ends(di);
        const double lo = *std::min_element(ends.begin(), ends.end());
        const double hi = *std::max_element(ends.begin(), ends.end());
        std::vector<double> xs;
        if (tw + 2 * f <= x1 - x0) xs.push_back((x0 + x1) / 2);
        for (double c : outside_places(x0, x1, lo, hi, tw)) xs.push_back(c);
        double chosen = xs[0];
        int rank = 3;  // 0: free and beside its span, 1: free
        for (double x : xs) {
          const bool ok = free(text_box({x, y - f * 0.7}, d.label, false));
          const int r = ok && beside_own_span(x, x0, x1, ends) ? 0 : ok ? 1 : 2;
          if (r < rank) {
            rank = r;
            chosen = x;
          }
          if (r == 0) break;
        }
        const Point2 t{chosen, y - f * 0.7};
        if (chosen - tw / 2 > x1 + f + 1) thin({x1, y}, {chosen + tw / 2, y});
        if (chosen + tw / 2 < x0 - f - 1) thin({chosen - tw / 2, y}, {x0, y});
        drawing.marks[di] = {static_cast<int>(drawing.texts.size()), false, {x0, y}, {x1, y}};
        drawing.texts.push_back({t, d.label, false});
        taken.push_back(text_box(t, d.label, false));
      } else {
        const double x = d.side == kLeft ? tl.x - off : br.x + off;
        const double s = d.side == kLeft ? -1 : 1;
        thin({a.x + s * gap, a.y}, {x + s * over, a.y});
        thin({b.x + s * gap, b.y}, {x + s * over, b.y});
        const double y0 = std::min(a.y, b.y), y1 = std::max(a.y, b.y);
        thin({x, y0}, {x, y1});
        drawing.arrows.push_back({{x, y0}, {0, -1}});
        drawing.arrows.push_back({{x, y1}, {0, 1}});
        const std::vector<double> ends = row_ends(di);
        const double lo = *std::min_element(ends.begin(), ends.end());
        const double hi = *std::max_element(ends.begin(), ends.end());
        std::vector<double> ys;
        if (tw + 2 * f <= y1 - y0) ys.push_back((y0 + y1) / 2);
        for (double c : outside_places(y0, y1, lo, hi, tw)) ys.push_back(c);
        double chosen = ys[0];
        int rank = 3;
        for (double yy : ys) {
          const bool ok = free(text_box({x - f * 0.7, yy}, d.label, true));
          const int r = ok && beside_own_span(yy, y0, y1, ends) ? 0 : ok ? 1 : 2;
          if (r < rank) {
            rank = r;
            chosen = yy;
          }
          if (r == 0) break;
        }
        const Point2 t{x - f * 0.7, chosen};
        if (chosen - tw / 2 > y1 + f + 1) thin({x, y1}, {x, chosen + tw / 2});
        if (chosen + tw / 2 < y0 - f - 1) thin({x, chosen - tw / 2}, {x, y0});
        drawing.marks[di] = {static_cast<int>(drawing.texts.size()), false, {x, y0}, {x, y1}};
        drawing.texts.push_back({t, d.label, true});
        taken.push_back(text_box(t, d.label, true));
      }
    }
  return drawing;
}

std::string to_svg(const Drawing& d) {
  const double lw = d.line_width;
  auto pen_attrs = [&](Pen pen) -> std::string {
    switch (pen) {
      case Pen::Visible:
        return fmt::format("stroke-width=\"{}\"", fmt_number(lw));
      case Pen::Hidden:
        return fmt::format("stroke-width=\"{}\" stroke-dasharray=\"{},{}\"", fmt_number(lw * 0.6),
                           fmt_number(lw * 3), fmt_number(lw * 2));
      case Pen::Thin:
        return fmt::format("stroke-width=\"{}\"", fmt_number(lw * 0.4));
      case Pen::Center:
        return fmt::format("stroke-width=\"{}\" stroke-dasharray=\"{},{},{},{}\"",
                           fmt_number(lw * 0.4), fmt_number(lw * 6), fmt_number(lw * 1.5),
                           fmt_number(lw * 1), fmt_number(lw * 1.5));
    }
    return "";
  };
  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\">\n",
      fmt_number(d.width), fmt_number(d.height));
  out += "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out += "<g fill=\"none\" stroke=\"black\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n";
  for (const PagePolyline& line : d.lines) {
    out += "<polyline points=\"";
    for (std::size_t i = 0; i < line.points.size(); ++i) {
      if (i) out += ' ';
      out += fmt_number(line.points[i].x) + "," + fmt_number(line.points[i].y);
    }
    out += "\" " + pen_attrs(line.pen) + "/>\n";
  }
  for (const PageArc& arc : d.arcs) {
    if (arc.end - arc.start >= 2 * M_PI - 1e-9) {
      out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {}/>\n", fmt_number(arc.center.x),
                         fmt_number(arc.center.y), fmt_number(arc.radius), pen_attrs(arc.pen));
      continue;
    }
    const double x0 = arc.center.x + arc.radius * std::cos(arc.start);
    const double y0 = arc.center.y + arc.radius * std::sin(arc.start);
    const double x1 = arc.center.x + arc.radius * std::cos(arc.end);
    const double y1 = arc.center.y + arc.radius * std::sin(arc.end);
    const int large = arc.end - arc.start > M_PI ? 1 : 0;
    out += fmt::format("<path d=\"M {} {} A {} {} 0 {} 1 {} {}\" {}/>\n", fmt_number(x0),
                       fmt_number(y0), fmt_number(arc.radius), fmt_number(arc.radius), large,
                       fmt_number(x1), fmt_number(y1), pen_attrs(arc.pen));
  }
  out += "</g>\n<g fill=\"black\" stroke=\"none\">\n";
  const double len = d.font_size * 0.8, half = d.font_size * 0.22;
  for (const PageArrow& a : d.arrows) {
    const Point2 base{a.tip.x - a.direction.x * len, a.tip.y - a.direction.y * len};
    const Point2 n{-a.direction.y, a.direction.x};
    out += fmt::format("<polygon points=\"{},{} {},{} {},{}\"/>\n", fmt_number(a.tip.x),
                       fmt_number(a.tip.y), fmt_number(base.x + n.x * half),
                       fmt_number(base.y + n.y * half), fmt_number(base.x - n.x * half),
                       fmt_number(base.y - n.y * half));
  }
  for (const PageText& t : d.texts) {
    std::string transform;
    if (t.vertical)
      transform = fmt::format(" transform=\"rotate(-90 {} {})\"", fmt_number(t.center.x),
                              fmt_number(t.center.y));
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" font-family=\"DejaVu Sans\" font-size=\"{}\" "
        "text-anchor=\"middle\" dominant-baseline=\"central\"{}>{}</text>\n",
        fmt_number(t.center.x), fmt_number(t.center.y), fmt_number(d.font_size), transform,
        xml_escape(t.text));
  }
  out += "</g>\n</svg>\n";
  return out;
}

nlohmann::json dimensions_json(const Drawing& drawing, int decimals) {
  nlohmann::json list = nlohmann::json::array();
  for (const Dimension& d : drawing.dimensions) {
    nlohmann::json j;
    j["kind"] = to_string(d.kind);
    const double unit = std::pow(10.0, label_decimals(d.value, decimals));
    j["value"] = std::round(d.value * unit) / unit;
    j["label"] = d.label;
    j["view"] = to_string(d.view);
    j["feature"] = d.feature;
    if (d.count > 1) j["count"] = d.count;
    if (d.kind == DimensionKind::Linear || d.kind == DimensionKind::Position)
      j["direction"] = d.horizontal ? "horizontal" : "vertical";
    auto rounded = [&](double v) {
      const double u = std::pow(10.0, label_decimals(v, decimals));
      return std::round(v * u) / u;
    };
    if (d.kind == DimensionKind::Chamfer) j["legs"] = {rounded(d.value), rounded(d.second)};
    if (d.kind == DimensionKind::PitchCircle) j["hole_diameter"] = rounded(d.second);
    if (d.kind == DimensionKind::Angle) j["unit"] = "degree";
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace cad::render
