// render/shading: coverage of a rendered cube, determinism, grid layout, PNG round trip.
#include <catch2/catch.hpp>

#include <BRepPrimAPI_MakeBox.hxx>

#include <cstdio>
#include <filesystem>

#include "core/error.h"
#include "render/shading.h"
#include "test_fixtures.h"

using namespace cad::render;

namespace {
cad::geom::Mesh cube_mesh() {
  return cad::geom::tessellate(BRepPrimAPI_MakeBox(10, 10, 10).Shape());
}
}  // namespace

TEST_CASE("a cube seen square on covers the fitted square", "[shading]") {
  ShadeOptions options;
  options.size = 200;
  Image front = shade(cube_mesh(), named_view("front"), options);
  // 5 % margins on each side: the square is 0.9 of the width.
  CHECK(coverage(front, options.background) == Approx(0.81).margin(0.02));
  CHECK(front.pixel(0, 0) == options.background);
  CHECK(front.pixel(100, 100) != options.background);
}

TEST_CASE("an isometric cube covers a regular hexagon", "[shading]") {
  ShadeOptions options;
  options.size = 200;
  Image iso = shade(cube_mesh(), named_view("iso"), options);
  // Hexagon area sqrt(3) s^2; its height 2 sqrt(2/3) s is fitted to 0.9 of the image.
  const double fit = 0.9 / (2 * std::sqrt(2.0 / 3.0));
  CHECK(coverage(iso, options.background) == Approx(std::sqrt(3.0) * fit * fit).margin(0.02));
  // Three faces under one light: three different shades.
  const auto top = iso.pixel(100, 50);
  const auto left = iso.pixel(70, 120);
  const auto right = iso.pixel(130, 120);
  CHECK(top != left);
  CHECK(left != right);
}

TEST_CASE("shading is deterministic and the grid has four tiles", "[shading]") {
  const cad::geom::Mesh mesh = cad::geom::tessellate(block_with_hole());
  ShadeOptions options;
  Image a = shade_grid(mesh, grid_views(), 128, 2, options);
  Image b = shade_grid(mesh, grid_views(), 128, 2, options);
  CHECK(a.width == 256);
  CHECK(a.height == 256);
  CHECK(a.rgb == b.rgb);
  for (int tx = 0; tx < 2; ++tx)
    for (int ty = 0; ty < 2; ++ty) {
      int covered = 0;
      for (int y = 0; y < 128; ++y)
        for (int x = 0; x < 128; ++x)
          covered += a.pixel(tx * 128 + x, ty * 128 + y) != options.background;
      CHECK(covered > 128 * 128 / 10);
    }
  CHECK_THROWS_AS(named_view("sideways"), cad::Error);
}

TEST_CASE("PNG round trip keeps every pixel", "[shading]") {
  ShadeOptions options;
  options.size = 64;
  options.background = {10, 20, 30};
  Image image = shade(cube_mesh(), named_view("iso"), options);
  const std::string path =
      (std::filesystem::temp_directory_path() / "cad_render_test_shade.png").string();
  write_png(image, path);
  Image back = read_png(path);
  std::remove(path.c_str());
  CHECK(back.width == 64);
  CHECK(back.rgb == image.rgb);
}
