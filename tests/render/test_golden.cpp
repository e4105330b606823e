// Golden images: the drawing and the shaded grid of the block with a hole, compared with a
// tolerance. CAD_UPDATE_GOLDEN=1 rewrites them (review the new images before committing).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "render/drawing.h"
#include "render/shading.h"
#include "test_fixtures.h"

using namespace cad::render;

namespace {

const std::string golden_dir = std::string(CAD_SOURCE_DIR) + "/tests/render/golden/";

/// Compares `image` with the golden PNG `name`: mean absolute channel difference under 2
/// and under 1 % of pixels off by more than 64 in some channel (font hinting and rounding
/// may move a few pixels between cairo versions).
void check_golden(const Image& image, const std::string& name) {
  const std::string path = golden_dir + name;
  const char* update = std::getenv("CAD_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    write_png(image, path);
    WARN("rewrote " << path);
    return;
  }
  REQUIRE(std::filesystem::exists(path));
  const Image golden = read_png(path);
  REQUIRE(golden.width == image.width);
  REQUIRE(golden.height == image.height);
  double total = 0;
  std::size_t far = 0;
  for (std::size_t i = 0; i < image.rgb.size(); i += 3) {
    int worst = 0;
    for (int c = 0; c < 3; ++c) {
      const int diff = std::abs(int{image.rgb[i + c]} - int{golden.rgb[i + c]});
      total += diff;
      worst = std::max(worst, diff);
    }
    far += worst > 64;
  }
  const double pixels = static_cast<double>(image.width) * image.height;
  INFO(name << ": mean diff " << total / (3 * pixels) << ", far pixels " << far / pixels);
  CHECK(total / (3 * pixels) < 2.0);
  CHECK(far / pixels < 0.01);
}

}  // namespace

TEST_CASE("shaded grid of the block matches its golden image", "[golden]") {
  const cad::geom::Mesh mesh = cad::geom::tessellate(block_with_hole());
  check_golden(shade_grid(mesh, grid_views(), 128, 2, {}), "block_with_hole_grid.png");
}

TEST_CASE("drawing of the block matches its golden image", "[golden]") {
  const Drawing drawing = make_drawing(block_with_hole(), {400, 1, 1.5});
  const std::string path =
      (std::filesystem::temp_directory_path() / "cad_render_golden_drawing.png").string();
  write_png(drawing, path);
  const Image image = read_png(path);
  std::remove(path.c_str());
  check_golden(image, "block_with_hole_drawing.png");
}
