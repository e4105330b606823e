// Shaded pictures of parts from a software rasterizer: z-buffer, Lambert shading, outlined edges.
#pragma once

#include <TopoDS_Shape.hxx>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "geom/mesh.h"

namespace cad::render {

/// An 8-bit RGB image, rows top to bottom.
struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  ///< width * height * 3 bytes
  std::array<std::uint8_t, 3> pixel(int x, int y) const;
};

/// How a shaded picture looks.
struct ShadeOptions {
  int size = 512;                                         ///< image width and height, pixels
  std::array<std::uint8_t, 3> background{255, 255, 255};  ///< RGB
  std::array<std::uint8_t, 3> color{176, 196, 222};       ///< the part's base RGB
  double edge_width = 1.0;  ///< outline width, pixels (0 = no outlines)
  double margin = 0.05;     ///< empty border on each side, fraction of the size
};

/// Direction from the part to the viewer for a named view: "iso" (1, -1, 1), "front"
/// (0, -1, 0), "back", "top" (0, 0, 1), "bottom", "left" (-1, 0, 0), "right", and the four
/// grid views "iso1".."iso4". Throws cad::Error for another name.
std::array<double, 3> named_view(const std::string& name);

/// The four views of a 2x2 grid: iso1 (1,-1,1), iso2 (-1,1,1), iso3 (-1,-1,-1), iso4 (1,1,-1),
/// left to right, top to bottom; together they see every side of the part.
std::vector<std::string> grid_views();

/// Renders `mesh` orthographically from `view` (towards the viewer; +Z is up on screen, or
/// +Y when looking along Z), fitted to the image: Lambert + ambient shading with normals
/// smoothed over neighbours within 30 degrees, under a head light, 2x supersampled, with
/// outlines where depth or normal jumps (silhouettes and sharp edges). Deterministic. An empty mesh
/// gives a background-only image.
Image shade(const geom::Mesh& mesh, const std::array<double, 3>& view,
            const ShadeOptions& options = {});

/// The views `names` of `mesh`, each `tile` pixels square, laid out in rows of `columns`.
Image shade_grid(const geom::Mesh& mesh, const std::vector<std::string>& names, int tile,
                 int columns, const ShadeOptions& options = {});

/// Fraction of pixels that differ from `background`.
double coverage(const Image& image, const std::array<std::uint8_t, 3>& background);

/// Writes `image` as PNG through cairo. Throws cad::Error when it cannot be written.
void write_png(const Image& image, const std::string& path);

/// Reads a PNG written by write_png (or any PNG cairo reads) as RGB. Throws cad::Error.
Image read_png(const std::string& path);

}  // namespace cad::render
