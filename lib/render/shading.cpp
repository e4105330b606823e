// Shaded pictures of parts from a software rasterizer: z-buffer, Lambert shading, outlined edges.
#include "render/shading.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace cad::render {

namespace {

using Vec3 = std::array<double, 3>;

Vec3 sub(const Vec3& a, const Vec3& b) {
  return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}
double dot(const Vec3& a, const Vec3& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec3 normalized(const Vec3& a) {
  const double n = std::sqrt(dot(a, a));
  return n > 0 ? Vec3{a[0] / n, a[1] / n, a[2] / n} : Vec3{0, 0, 0};
}

}  // namespace

std::array<std::uint8_t, 3> Image::pixel(int x, int y) const {
  const std::size_t i = (static_cast<std::size_t>(y) * width + x) * 3;
  return {rgb[i], rgb[i + 1], rgb[i + 2]};
}

std::array<double, 3> named_view(const std::string& name) {
  if (name == "iso" || name == "iso1") return {1, -1, 1};
  if (name == "iso2") return {-1, 1, 1};
  if (name == "iso3") return {-1, -1, -1};
  if (name == "iso4") return {1, 1, -1};
  if (name == "front") return {0, -1, 0};
  if (name == "back") return {0, 1, 0};
  if (name == "top") return {0, 0, 1};
  if (name == "bottom") return {0, 0, -1};
  if (name == "left") return {-1, 0, 0};
  if (name == "right") return {1, 0, 0};
  throw Error("unknown view '" + name +
              "' (iso, iso1..iso4, front, back, top, bottom, left, right)");
}

std::vector<std::string> grid_views() {
  return {"iso1", "iso2", "iso3", "iso4"};
}

Image shade(const geom::Mesh& mesh, const std::array<double, 3>& view,
            const ShadeOptions& options) {
  const int size = std::max(1, options.size);
  const int ss = 2 * size;  // supersampled
  Image image;
  image.width = image.height = size;
  image.rgb.resize(static_cast<std::size_t>(size) * size * 3);
  for (std::size_t i = 0; i < image.rgb.size(); i += 3)
    std::copy(options.background.begin(), options.background.end(), image.rgb.begin() + i);
  if (mesh.empty()) return image;

  const Vec3 d = normalized(view);
  const Vec3 up0 = std::abs(d[2]) > 0.999 ? Vec3{0, 1, 0} : Vec3{0, 0, 1};
  const Vec3 right = normalized(cross(up0, d));
  const Vec3 up = cross(d, right);

  std::vector<Vec3> cam(mesh.vertices.size());
  double min_x = 1e300, max_x = -1e300, min_y = 1e300, max_y = -1e300;
  for (std::size_t i = 0; i < mesh.vertices.size(); ++i) {
    const Vec3 p{mesh.vertices[i][0], mesh.vertices[i][1], mesh.vertices[i][2]};
    cam[i] = {dot(p, right), dot(p, up), dot(p, d)};
    min_x = std::min(min_x, cam[i][0]);
    max_x = std::max(max_x, cam[i][0]);
    min_y = std::min(min_y, cam[i][1]);
    max_y = std::max(max_y, cam[i][1]);
  }
  double extent = std::max(max_x - min_x, max_y - min_y);
  if (!(extent > 0)) extent = 1;
  const double scale = ss * (1 - 2 * options.margin) / extent;
  const double cx = (min_x + max_x) / 2, cy = (min_y + max_y) / 2;
  for (Vec3& c : cam) {
    c[0] = ss / 2.0 + (c[0] - cx) * scale;
    c[1] = ss / 2.0 - (c[1] - cy) * scale;
  }

  const std::size_t n = static_cast<std::size_t>(ss) * ss;
  const float empty = -std::numeric_limits<float>::infinity();
  std::vector<float> depth(n, empty);
  std::vector<std::array<float, 3>> normal(n, {0, 0, 0});
  // Per-corner normals averaged over the triangles around the vertex that are within 30
  // degrees of this one (area-weighted): curved faces shade softly, sharp edges stay sharp.
  const std::size_t nt = mesh.triangles.size();
  std::vector<Vec3> face_normal(nt), face_cross(nt);
  std::vector<std::vector<std::uint32_t>> around(mesh.vertices.size());
  for (std::size_t t = 0; t < nt; ++t) {
    const auto& tri = mesh.triangles[t];
    const Vec3 a{mesh.vertices[tri[0]][0], mesh.vertices[tri[0]][1], mesh.vertices[tri[0]][2]};
    const Vec3 b{mesh.vertices[tri[1]][0], mesh.vertices[tri[1]][1], mesh.vertices[tri[1]][2]};
    const Vec3 c{mesh.vertices[tri[2]][0], mesh.vertices[tri[2]][1], mesh.vertices[tri[2]][2]};
    face_cross[t] = cross(sub(b, a), sub(c, a));
    face_normal[t] = normalized(face_cross[t]);
    for (int k = 0; k < 3; ++k) around[tri[k]].push_back(static_cast<std::uint32_t>(t));
  }
  const double smooth = std::cos(30 * M_PI / 180);
  auto corner_normal = [&](std::size_t t, std::uint32_t v) {
    Vec3 sum{0, 0, 0};
    for (std::uint32_t o : around[v])
      if (dot(face_normal[o], face_normal[t]) > smooth)
        for (int i = 0; i < 3; ++i) sum[i] += face_cross[o][i];
    const Vec3 nv = normalized(sum);
    return dot(nv, nv) > 0 ? nv : face_normal[t];
  };

  for (std::size_t ti = 0; ti < nt; ++ti) {
    const auto& t = mesh.triangles[ti];
    if (dot(face_normal[ti], face_normal[ti]) == 0) continue;
    const Vec3 n0 = corner_normal(ti, t[0]), n1 = corner_normal(ti, t[1]),
               n2 = corner_normal(ti, t[2]);
    const Vec3& p0 = cam[t[0]];
    const Vec3& p1 = cam[t[1]];
    const Vec3& p2 = cam[t[2]];
    const double area = (p1[0] - p0[0]) * (p2[1] - p0[1]) - (p1[1] - p0[1]) * (p2[0] - p0[0]);
    if (std::abs(area) < 1e-12) continue;
    const int x0 = std::max(0, static_cast<int>(std::floor(std::min({p0[0], p1[0], p2[0]}))));
    const int x1 = std::min(ss - 1, static_cast<int>(std::ceil(std::max({p0[0], p1[0], p2[0]}))));
    const int y0 = std::max(0, static_cast<int>(std::floor(std::min({p0[1], p1[1], p2[1]}))));
    const int y1 = std::min(ss - 1, static_cast<int>(std::ceil(std::max({p0[1], p1[1], p2[1]}))));
    for (int y = y0; y <= y1; ++y) {
      const double py = y + 0.5;
      for (int x = x0; x <= x1; ++x) {
        const double px = x + 0.5;
        const double w0 = ((p1[0] - px) * (p2[1] - py) - (p1[1] - py) * (p2[0] - px)) / area;
        const double w1 = ((p2[0] - px) * (p0[1] - py) - (p2[1] - py) * (p0[0] - px)) / area;
        const double w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const float z = static_cast<float>(w0 * p0[2] + w1 * p1[2] + w2 * p2[2]);
        const std::size_t i = static_cast<std::size_t>(y) * ss + x;
        if (z > depth[i]) {
          depth[i] = z;
          Vec3 nrm = normalized({w0 * n0[0] + w1 * n1[0] + w2 * n2[0],
                                 w0 * n0[1] + w1 * n1[1] + w2 * n2[1],
                                 w0 * n0[2] + w1 * n1[2] + w2 * n2[2]});
          if (dot(nrm, d) < 0) nrm = {-nrm[0], -nrm[1], -nrm[2]};  // light both sides
          normal[i] = {static_cast<float>(nrm[0]), static_cast<float>(nrm[1]),
                       static_cast<float>(nrm[2])};
        }
      }
    }
  }

  // Outlines: coverage edges, depth jumps (the nearer side) and creases.
  std::vector<std::uint8_t> edge(n, 0);
  if (options.edge_width > 0) {
    const float depth_jump = static_cast<float>(0.02 * extent + 4 / scale);
    const float crease = 0.9f;  // cos of about 25 degrees
    for (int y = 0; y < ss; ++y)
      for (int x = 0; x < ss; ++x) {
        const std::size_t i = static_cast<std::size_t>(y) * ss + x;
        if (depth[i] == empty) continue;
        const int nx[4] = {x - 1, x + 1, x, x};
        const int ny[4] = {y, y, y - 1, y + 1};
        for (int k = 0; k < 4 && !edge[i]; ++k) {
          if (nx[k] < 0 || ny[k] < 0 || nx[k] >= ss || ny[k] >= ss) {
            edge[i] = 1;
            break;
          }
          const std::size_t j = static_cast<std::size_t>(ny[k]) * ss + nx[k];
          if (depth[j] == empty || depth[i] - depth[j] > depth_jump)
            edge[i] = 1;
          else if (std::abs(depth[i] - depth[j]) <= depth_jump &&
                   normal[i][0] * normal[j][0] + normal[i][1] * normal[j][1] +
                           normal[i][2] * normal[j][2] <
                       crease)
            edge[i] = 1;
        }
      }
    const int grow = std::max(0, static_cast<int>(std::lround(options.edge_width)) - 1);
    for (int g = 0; g < grow; ++g) {
      std::vector<std::uint8_t> next = edge;
      for (int y = 0; y < ss; ++y)
        for (int x = 0; x < ss; ++x) {
          const std::size_t i = static_cast<std::size_t>(y) * ss + x;
          if (edge[i] || depth[i] == empty) continue;
          if ((x > 0 && edge[i - 1]) || (x + 1 < ss && edge[i + 1]) || (y > 0 && edge[i - ss]) ||
              (y + 1 < ss && edge[i + ss]))
            next[i] = 1;
        }
      edge.swap(next);
    }
  }

  // Head light from the upper left of the viewer; ambient keeps the far sides readable.
  const Vec3 light =
      normalized({d[0] + 0.6 * up[0] - 0.4 * right[0], d[1] + 0.6 * up[1] - 0.4 * right[1],
                  d[2] + 0.6 * up[2] - 0.4 * right[2]});
  const std::array<int, 3> edge_rgb{40, 40, 48};
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      int sum[3] = {0, 0, 0};
      for (int sy = 0; sy < 2; ++sy)
        for (int sx = 0; sx < 2; ++sx) {
          const std::size_t i = static_cast<std::size_t>(2 * y + sy) * ss + (2 * x + sx);
          for (int c = 0; c < 3; ++c) {
            int v = options.background[c];
            if (edge[i]) {
              v = edge_rgb[c];
            } else if (depth[i] != empty) {
              const Vec3 nv{normal[i][0], normal[i][1], normal[i][2]};
              const double shade = 0.35 + 0.65 * std::max(0.0, dot(nv, light));
              v = static_cast<int>(std::lround(options.color[c] * std::min(1.0, shade)));
            }
            sum[c] += v;
          }
        }
      const std::size_t o = (static_cast<std::size_t>(y) * size + x) * 3;
      for (int c = 0; c < 3; ++c) image.rgb[o + c] = static_cast<std::uint8_t>((sum[c] + 2) / 4);
    }
  return image;
}

Image shade_grid(const geom::Mesh& mesh, const std::vector<std::string>& names, int tile,
                 int columns, const ShadeOptions& options) {
  columns = std::max(1, columns);
  const int rows = static_cast<int>((names.size() + columns - 1) / columns);
  Image grid;
  grid.width = tile * columns;
  grid.height = tile * std::max(1, rows);
  grid.rgb.resize(static_cast<std::size_t>(grid.width) * grid.height * 3);
  for (std::size_t i = 0; i < grid.rgb.size(); i += 3)
    std::copy(options.background.begin(), options.background.end(), grid.rgb.begin() + i);
  ShadeOptions tile_options = options;
  tile_options.size = tile;
  for (std::size_t k = 0; k < names.size(); ++k) {
    const Image one = shade(mesh, named_view(names[k]), tile_options);
    const int ox = static_cast<int>(k % columns) * tile;
    const int oy = static_cast<int>(k / columns) * tile;
    for (int y = 0; y < tile; ++y)
      std::copy_n(one.rgb.begin() + static_cast<std::size_t>(y) * tile * 3, tile * 3,
                  grid.rgb.begin() + (static_cast<std::size_t>(oy + y) * grid.width + ox) * 3);
  }
  return grid;
}

double coverage(const Image& image, const std::array<std::uint8_t, 3>& background) {
  if (image.width <= 0 || image.height <= 0) return 0;
  std::size_t count = 0;
  for (std::size_t i = 0; i + 2 < image.rgb.size(); i += 3)
    if (image.rgb[i] != background[0] || image.rgb[i + 1] != background[1] ||
        image.rgb[i + 2] != background[2])
      ++count;
  return static_cast<double>(count) / (static_cast<double>(image.width) * image.height);
}

void write_png(const Image& image, const std::string& path) {
  cairo_surface_t* surface =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, image.width, image.height);
  cairo_surface_flush(surface);
  unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (int y = 0; y < image.height; ++y) {
    auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::size_t>(y) * stride);
    for (int x = 0; x < image.width; ++x) {
      const auto p = image.pixel(x, y);
      row[x] = (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
    }
  }
  cairo_surface_mark_dirty(surface);
  const cairo_status_t status = cairo_surface_write_to_png(surface, path.c_str());
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS)
    throw Error(path + ": cannot write PNG: " + cairo_status_to_string(status));
}

Image read_png(const std::string& path) {
  cairo_surface_t* surface = cairo_image_surface_create_from_png(path.c_str());
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    const std::string why = cairo_status_to_string(cairo_surface_status(surface));
    cairo_surface_destroy(surface);
    throw Error(path + ": cannot read PNG: " + why);
  }
  cairo_surface_t* rgb =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, cairo_image_surface_get_width(surface),
                                 cairo_image_surface_get_height(surface));
  cairo_t* cr = cairo_create(rgb);
  cairo_set_source_surface(cr, surface, 0, 0);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_flush(rgb);
  Image image;
  image.width = cairo_image_surface_get_width(rgb);
  image.height = cairo_image_surface_get_height(rgb);
  image.rgb.resize(static_cast<std::size_t>(image.width) * image.height * 3);
  const unsigned char* data = cairo_image_surface_get_data(rgb);
  const int stride = cairo_image_surface_get_stride(rgb);
  for (int y = 0; y < image.height; ++y) {
    const auto* row =
        reinterpret_cast<const std::uint32_t*>(data + static_cast<std::size_t>(y) * stride);
    for (int x = 0; x < image.width; ++x) {
      const std::size_t o = (static_cast<std::size_t>(y) * image.width + x) * 3;
      image.rgb[o] = static_cast<std::uint8_t>(row[x] >> 16);
      image.rgb[o + 1] = static_cast<std::uint8_t>(row[x] >> 8);
      image.rgb[o + 2] = static_cast<std::uint8_t>(row[x]);
    }
  }
  cairo_surface_destroy(surface);
  cairo_surface_destroy(rgb);
  return image;
}

}  // namespace cad::render
