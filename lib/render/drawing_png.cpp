// PNG output of drawings through cairo (DejaVu Sans text).
#include <cairo.h>

#include <cmath>

#include "core/error.h"
#include "render/drawing.h"

namespace cad::render {

namespace {

void set_pen(cairo_t* cr, Pen pen, double lw) {
  switch (pen) {
    case Pen::Visible:
      cairo_set_line_width(cr, lw);
      cairo_set_dash(cr, nullptr, 0, 0);
      break;
    case Pen::Hidden: {
      const double dash[2] = {lw * 3, lw * 2};
      cairo_set_line_width(cr, lw * 0.6);
      cairo_set_dash(cr, dash, 2, 0);
      break;
    }
    case Pen::Thin:
      cairo_set_line_width(cr, lw * 0.4);
      cairo_set_dash(cr, nullptr, 0, 0);
      break;
    case Pen::Center: {
      const double dash[4] = {lw * 6, lw * 1.5, lw * 1, lw * 1.5};
      cairo_set_line_width(cr, lw * 0.4);
      cairo_set_dash(cr, dash, 4, 0);
      break;
    }
  }
}

}  // namespace

void write_png(const Drawing& d, const std::string& path) {
  const int w = static_cast<int>(std::lround(d.width));
  const int h = static_cast<int>(std::lround(d.height));
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  const double lw = d.line_width;
  for (const PagePolyline& line : d.lines) {
    if (line.points.size() < 2) continue;
    set_pen(cr, line.pen, lw);
    cairo_move_to(cr, line.points[0].x, line.points[0].y);
    for (std::size_t i = 1; i < line.points.size(); ++i)
      cairo_line_to(cr, line.points[i].x, line.points[i].y);
    cairo_stroke(cr);
  }
  for (const PageArc& arc : d.arcs) {
    set_pen(cr, arc.pen, lw);
    cairo_new_sub_path(cr);
    cairo_arc(cr, arc.center.x, arc.center.y, arc.radius, arc.start, arc.end);
    cairo_stroke(cr);
  }
  const double len = d.font_size * 0.8, half = d.font_size * 0.22;
  for (const PageArrow& a : d.arrows) {
    const double bx = a.tip.x - a.direction.x * len, by = a.tip.y - a.direction.y * len;
    const double nx = -a.direction.y, ny = a.direction.x;
    cairo_move_to(cr, a.tip.x, a.tip.y);
    cairo_line_to(cr, bx + nx * half, by + ny * half);
    cairo_line_to(cr, bx - nx * half, by - ny * half);
    cairo_close_path(cr);
    cairo_fill(cr);
  }
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, d.font_size);
  for (const PageText& t : d.texts) {
    cairo_text_extents_t ext;
    cairo_text_extents(cr, t.text.c_str(), &ext);
    cairo_save(cr);
    cairo_translate(cr, t.center.x, t.center.y);
    if (t.vertical) cairo_rotate(cr, -M_PI / 2);
    cairo_move_to(cr, -(ext.x_bearing + ext.width / 2), -(ext.y_bearing + ext.height / 2));
    cairo_show_text(cr, t.text.c_str());
    cairo_restore(cr);
  }
  cairo_surface_flush(surface);
  const cairo_status_t status = cairo_surface_write_to_png(surface, path.c_str());
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS)
    throw Error(path + ": cannot write PNG: " + cairo_status_to_string(status));
}

}  // namespace cad::render
