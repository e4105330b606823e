// Dimensioned three-view drawings (third-angle projection): dimensions, layout, SVG and JSON.
#include "render/drawing.h"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cmath>
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
  }
  return "?";
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
  for (const CylinderFeature& f : find_cylinders(shape)) {
    int axis = -1;
    for (int i = 0; i < 3; ++i)
      if (std::abs(f.direction[i]) > 1 - 1e-9) axis = i;
    if (axis < 0) continue;
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
      dims.push_back(d);
      add_centre_positions(*vp, d.feature, c);
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
    for (Dimension& d : slot_lengths[view_index(vp->view)]) {
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
      // (below), inside the overall extents.
      for (const StepLevel& s : find_step_levels(shape, 2))
        step("step height", s.level - b.min_y, false, kRight, {b.max_x, b.min_y},
             {std::min(s.max[0], b.max_x), s.level});
      for (const StepLevel& s : find_step_levels(shape, 0))
        step("step width", s.level - b.min_x, true, kBelow, {b.min_x, b.min_y},
             {s.level, std::max(s.min[2], b.min_y)});
    } else if (vp->view == ViewKind::Left) {
      // Step depths from the view's left edge (the part's back, +Y), below.
      for (const StepLevel& s : find_step_levels(shape, 1))
        step("step depth", -s.level - b.min_x, true, kBelow, {b.min_x, b.min_y},
             {-s.level, std::max(s.min[2], b.min_y)});
    }
    const double wy = sides.width_side == kAbove ? b.max_y : b.min_y;
    if (b.width() > tol)
      step(sides.width_name, b.width(), true, sides.width_side, {b.min_x, wy}, {b.max_x, wy});
    const double hx = sides.height_side == kLeft ? b.min_x : b.max_x;
    if (b.height() > tol)
      step(sides.height_name, b.height(), false, sides.height_side, {hx, b.min_y}, {hx, b.max_y});
  }
  // Equal diameters (or radii) of the same kind of feature in one view are labelled once,
  // "4× Ø6", as a drafter labels a hole pattern.
  std::vector<Dimension> grouped;
  for (Dimension& d : dims) {
    if (d.kind == DimensionKind::Diameter || d.kind == DimensionKind::Radius) {
      auto same = std::find_if(grouped.begin(), grouped.end(), [&](const Dimension& g) {
        return g.kind == d.kind && g.view == d.view && g.feature == d.feature &&
               near(g.value, d.value, tol);
      });
      if (same != grouped.end()) {
        same->count += 1;
        continue;
      }
    }
    grouped.push_back(std::move(d));
  }
  dims.swap(grouped);
  for (Dimension& d : dims)
    if (d.count > 1) d.label = std::to_string(d.count) + "\u00D7 " + d.label;
  // Deterministic order: by view, then kind, then value.
  std::stable_sort(dims.begin(), dims.end(), [](const Dimension& a, const Dimension& b) {
    return std::make_tuple(view_index(a.view), static_cast<int>(a.kind)) <
           std::make_tuple(view_index(b.view), static_cast<int>(b.kind));
  });
  return dims;
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

  // Margin each view needs on each side for its dimension levels.
  std::array<std::array<double, 4>, 3> margin{};
  for (const Dimension& d : drawing.dimensions) {
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
  const double fixed_h = 2 * pad + mt[kAbove] + mt[kBelow] + above_front + below_front;
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
        drawing.arcs.push_back(arc);
        continue;
      }
      PagePolyline line;
      line.pen = pen;
      for (const Point2& p : path.points) line.points.push_back(to_page(vp.view, p));
      drawing.lines.push_back(std::move(line));
    }
  }

  const double f = drawing.font_size;
  auto text_width = [&](const std::string& text) {
    std::size_t glyphs = 0;
    for (unsigned char c : text)
      if ((c & 0xC0) != 0x80) ++glyphs;
    return 0.62 * f * glyphs;
  };
  auto thin = [&](Point2 a, Point2 b) { drawing.lines.push_back({{a, b}, Pen::Thin}); };

  // Text boxes placed so far (page); later labels move to avoid them.
  std::vector<Box2> taken;
  auto text_box = [&](const Point2& c, const std::string& text, bool vertical) {
    const double w = text_width(text) / 2 + 2, h = f * 0.6 + 1;
    Box2 b;
    b.add(vertical ? Point2{c.x - h, c.y - w} : Point2{c.x - w, c.y - h});
    b.add(vertical ? Point2{c.x + h, c.y + w} : Point2{c.x + w, c.y + h});
    return b;
  };
  auto overlaps = [](const Box2& a, const Box2& b) {
    return a.min_x < b.max_x && b.min_x < a.max_x && a.min_y < b.max_y && b.min_y < a.max_y;
  };
  auto free = [&](const Box2& b) {
    if (b.min_x < 0 || b.min_y < 0 || b.max_x > page || b.max_y > page) return false;
    for (const Box2& t : taken)
      if (overlaps(t, b)) return false;
    return true;
  };
  // Linear and position dimensions first (their places are fixed by level), then leaders.
  for (int pass = 0; pass < 2; ++pass)
    for (const Dimension& d : drawing.dimensions) {
      const bool leader = d.kind == DimensionKind::Diameter || d.kind == DimensionKind::Radius;
      if (leader != (pass == 1)) continue;
      const int i = view_index(d.view);
      const Point2 tl = corner[i];
      const Point2 br = {tl.x + views[i].bounds.width() * scale,
                         tl.y + views[i].bounds.height() * scale};
      if (leader) {
        const Point2 c = to_page(d.view, d.from);
        const Point2 on0 = to_page(d.view, d.to);
        const double r = std::hypot(on0.x - c.x, on0.y - c.y);
        if (r <= 0) continue;
        if (d.kind == DimensionKind::Diameter) {
          // Centre lines, then a leader from outside the circle to its edge.
          const double ext = r + spacing * 0.25;
          drawing.lines.push_back({{{c.x - ext, c.y}, {c.x + ext, c.y}}, Pen::Center});
          drawing.lines.push_back({{{c.x, c.y - ext}, {c.x, c.y + ext}}, Pen::Center});
        }
        // Candidate directions: the measured point's own, then around the circle.
        std::vector<double> angles{std::atan2(on0.y - c.y, on0.x - c.x)};
        if (d.kind == DimensionKind::Diameter)
          for (double deg :
               {-45.0, -135.0, 45.0, 135.0, -60.0, -120.0, 60.0, 120.0, -30.0, -150.0, 30.0, 150.0})
            angles.push_back(deg * M_PI / 180);
        if (d.kind == DimensionKind::Radius)  // other points of the arc (page angles flip sign)
          for (double k : {-0.25, 0.25, -0.4, 0.4}) {
            const double span = d.arc_end - d.arc_start;
            angles.push_back(-((d.arc_start + d.arc_end) / 2 + k * span));
          }
        const double tw = text_width(d.label);
        Point2 on, elbow, end, text;
        bool placed = false;
        for (int reach = 1; reach <= 4 && !placed; ++reach)
          for (double a : angles) {
            const Point2 u{std::cos(a), std::sin(a)};
            on = {c.x + u.x * r, c.y + u.y * r};
            elbow = {c.x + u.x * (r + spacing * 1.2 * reach),
                     c.y + u.y * (r + spacing * 1.2 * reach)};
            const double dir = u.x >= 0 ? 1 : -1;
            end = {elbow.x + dir * (tw + 6), elbow.y};
            text = {(elbow.x + end.x) / 2, elbow.y - f * 0.7};
            if (free(text_box(text, d.label, false))) {
              placed = true;
              break;
            }
          }
        if (!placed) {  // fall back to the first candidate
          const Point2 u{std::cos(angles[0]), std::sin(angles[0])};
          on = {c.x + u.x * r, c.y + u.y * r};
          elbow = {c.x + u.x * (r + spacing * 1.2), c.y + u.y * (r + spacing * 1.2)};
          end = {elbow.x + (u.x >= 0 ? 1 : -1) * (tw + 6), elbow.y};
          text = {(elbow.x + end.x) / 2, elbow.y - f * 0.7};
        }
        const double len = std::hypot(on.x - elbow.x, on.y - elbow.y);
        thin(on, elbow);
        thin(elbow, end);
        drawing.arrows.push_back({on, {(on.x - elbow.x) / len, (on.y - elbow.y) / len}});
        drawing.texts.push_back({text, d.label, false});
        taken.push_back(text_box(text, d.label, false));
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
        // Between the arrows when it fits, else outside (right, then left).
        std::vector<double> xs;
        if (tw + 2 * f <= x1 - x0) xs.push_back((x0 + x1) / 2);
        xs.push_back(x1 + f + tw / 2);
        xs.push_back(x0 - f - tw / 2);
        Point2 t{xs[0], y - f * 0.7};
        for (double x : xs)
          if (free(text_box({x, y - f * 0.7}, d.label, false))) {
            t = {x, y - f * 0.7};
            break;
          }
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
        std::vector<double> ys;
        if (tw + 2 * f <= y1 - y0) ys.push_back((y0 + y1) / 2);
        ys.push_back(y0 - f - tw / 2);
        ys.push_back(y1 + f + tw / 2);
        Point2 t{x - f * 0.7, ys[0]};
        for (double y : ys)
          if (free(text_box({x - f * 0.7, y}, d.label, true))) {
            t = {x - f * 0.7, y};
            break;
          }
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
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace cad::render
