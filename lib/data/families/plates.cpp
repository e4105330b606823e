// Flat plates: a plate with a grid of holes, a slotted plate, a plate with counterbored or
// countersunk holes.
#include <fmt/format.h>

#include <cmath>

#include "data/families/common.h"

namespace cad::data::fam {

namespace {

const char* kPlaneXY = "cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))";

/// Sentences placing a centred nx x ny grid on a centred L x W plate.
std::vector<std::string> grid_placement(double length, double width, int nx, int ny, double px,
                                        double py, const std::string& what) {
  std::vector<std::string> out;
  double x0 = -(nx - 1) * px / 2, y0 = -(ny - 1) * py / 2;
  double mx = x0 + length / 2, my = y0 + width / 2;
  out.push_back(fmt::format(
      "the plate is centred on the origin, so its left edge is at x = -{}; the first column of "
      "{}, {} mm from it, is at x = -{} + {} = {}",
      num(length / 2), what, num(mx), num(length / 2), num(mx), num(x0)));
  if (nx > 1)
    out.push_back(
        fmt::format("the {} columns are {} mm apart, at x = {}", count_word(nx), num(px), [&] {
          std::vector<double> xs;
          for (int i = 0; i < nx; ++i) xs.push_back(x0 + i * px);
          return value_list(xs, false);
        }()));
  out.push_back(fmt::format(
      "the front edge is at y = -{}; the first row, {} mm from it, is at y = -{} + {} = {}",
      num(width / 2), num(my), num(width / 2), num(my), num(y0)));
  if (ny > 1)
    out.push_back(
        fmt::format("the {} rows are {} mm apart, at y = {}", count_word(ny), num(py), [&] {
          std::vector<double> ys;
          for (int j = 0; j < ny; ++j) ys.push_back(y0 + j * py);
          return value_list(ys, false);
        }()));
  return out;
}

/// `for i in range(nx): for j in range(ny): holes.append(...)` for a centred grid.
std::string grid_loop(const W& w, const X& nx, const X& ny, const X& px, const X& py,
                      const std::string& list = "holes") {
  X x0 = -px * (nx - 1) / 2, y0 = -py * (ny - 1) / 2;
  return fmt::format(
      "{0} = []\nfor i in range({1}):\n    for j in range({2}):\n"
      "        {0}.append(({3} + i * {4}, {5} + j * {6}))\n",
      list, w(nx), w(ny), w(x0), w(px), w(y0), w(py));
}

// ---------------------------------------------------------------------------------------
// plate_holes

const std::vector<Level> kPlateLevels{Level::F, Level::SE};
const std::vector<std::string> kPlateStyles{"chain", "sketch", "plane"};

Part plate_holes(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "plate_holes"));
  Choice c = choose(rng, "plate_holes", kPlateLevels, kPlateStyles, options);
  int nx = rng.integer(2, 4), ny = rng.integer(2, 3);
  double hole = rng.choice(std::vector<double>{3.5, 4.5, 5.5, 6.5, 9});
  double px = rng.dimension(std::max(15.0, hole + 8), 40, 5);
  double py = rng.dimension(std::max(15.0, hole + 8), 35, 5);
  double margin = rng.dimension(std::ceil(hole) + 2, std::ceil(hole) + 9, 1);
  double length = (nx - 1) * px + 2 * margin, width = (ny - 1) * py + 2 * margin;
  double thick = rng.dimension(3, 12, 1);
  bool se = c.level == Level::SE;
  double radius = se ? rng.dimension(2, std::min(10.0, margin - hole / 2 - 1), 0.5) : 0;
  double chamfer = se && rng.chance(0.5) ? rng.dimension(0.5, std::min(1.5, thick / 4), 0.5) : 0;

  Dims d;
  X L = d.add("length", length, "plate length along X");
  X Wd = d.add("width", width, "plate width along Y");
  X T = d.add("thickness", thick, "plate thickness along Z");
  X D = d.add("hole_diameter", hole, "through-hole diameter");
  X NX = d.add("holes_x", nx, "holes per row (along X)");
  X NY = d.add("holes_y", ny, "holes per column (along Y)");
  X PX = d.add("pitch_x", px, "hole spacing along X");
  X PY = d.add("pitch_y", py, "hole spacing along Y");
  X R = se ? d.add("corner_radius", radius, "fillet radius of the vertical corner edges") : X();
  X C = chamfer > 0 ? d.add("chamfer", chamfer, "chamfer of the top outer edges") : X();

  Part part;
  part.family = "plate_holes";
  part.level = c.level;
  part.style = c.style;
  int n = nx * ny;
  part.n_curves = 4 + n + (se && c.style == "sketch" ? 4 : 0);

  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    std::string s;
    if (!se) {
      if (style == "chain") {
        s = fmt::format(
            "result = (\n    cq.Workplane(\"XY\")\n    .rect({}, {})\n    .rarray({}, {}, {}, {})\n"
            "    .circle({})\n    .extrude({})\n)\n",
            w(L), w(Wd), w(PX), w(PY), w(NX), w(NY), w(D / 2), w(T));
      } else if (style == "sketch") {
        s = fmt::format(
            "plate = (\n    cq.Sketch()\n    .rect({}, {})\n    .rarray({}, {}, {}, {})\n"
            "    .circle({}, mode=\"s\")\n)\nresult = cq.Workplane(\"XY\").placeSketch(plate)"
            ".extrude({})\n",
            w(L), w(Wd), w(PX), w(PY), w(NX), w(NY), w(D / 2), w(T));
      } else {
        s = fmt::format("plane = {}\n", kPlaneXY) + grid_loop(w, NX, NY, PX, PY) +
            fmt::format(
                "result = cq.Workplane(plane).rect({}, {}).pushPoints(holes).circle({})"
                ".extrude({})\n",
                w(L), w(Wd), w(D / 2), w(T));
      }
      return s;
    }
    std::string cham =
        chamfer > 0 ? fmt::format("    .edges(\">Z\")\n    .chamfer({})\n", w(C)) : "";
    if (style == "chain") {
      s = fmt::format(
          "result = (\n    cq.Workplane(\"XY\")\n    .box({}, {}, {}, centered=(True, True, "
          "False))\n"
          "    .edges(\"|Z\")\n    .fillet({})\n{}    .faces(\">Z\")\n    .workplane()\n"
          "    .rarray({}, {}, {}, {})\n    .hole({})\n)\n",
          w(L), w(Wd), w(T), w(R), cham, w(PX), w(PY), w(NX), w(NY), w(D));
    } else if (style == "sketch") {
      s = fmt::format(
          "outline = cq.Sketch().rect({}, {}).vertices().fillet({})\n"
          "result = (\n    cq.Workplane(\"XY\")\n    .placeSketch(outline)\n    .extrude({})\n"
          "{}    .faces(\">Z\")\n    .workplane()\n    .rarray({}, {}, {}, {})\n    .hole({})\n)\n",
          w(L), w(Wd), w(R), w(T), cham, w(PX), w(PY), w(NX), w(NY), w(D));
    } else {
      s = fmt::format("plane = {}\n", kPlaneXY) +
          fmt::format(
              "plate = cq.Workplane(plane).rect({}, {}).extrude({}).edges(\"|Z\").fillet({})\n",
              w(L), w(Wd), w(T), w(R));
      if (chamfer > 0) s += fmt::format("plate = plate.edges(\">Z\").chamfer({})\n", w(C));
      s += grid_loop(w, NX, NY, PX, PY) +
           fmt::format("result = plate.faces(\">Z\").workplane().pushPoints(holes).hole({})\n",
                       w(D));
    }
    return s;
  });

  std::string n_holes = count_word(n);
  Feature base{
      "base",
      se ? fmt::format("{} {} rectangle centred on the origin of the XY plane, extruded "
                       "{} mm along +Z",
                       article(num(length)), size2(length, width), num(thick))
         : fmt::format("{} {} rectangle centred on the origin of the XY plane with {} "
                       "circles of diameter {} mm inside it, extruded {} mm along +Z "
                       "so that the circles become through holes",
                       article(num(length)), size2(length, width), n_holes, num(hole), num(thick)),
      {fmt::format("the plate spans x = -{0} to {0}, y = -{1} to {1} and z = 0 to {2}",
                   num(length / 2), num(width / 2), num(thick))}};
  part.features.push_back(base);
  if (se) {
    part.features.push_back(
        {"fillet",
         fmt::format("the four vertical corner edges are rounded with a {} mm radius", num(radius)),
         {}});
    if (chamfer > 0)
      part.features.push_back(
          {"chamfer", fmt::format("the top outer edges get a {} mm chamfer", num(chamfer)), {}});
  }
  part.features.push_back(
      {"hole_pattern",
       fmt::format("{} holes of {} mm diameter{} in a {} x {} grid, {} mm apart along X and {} mm "
                   "along Y",
                   capitalize(n_holes), num(hole), se ? " drilled through from the top face" : "",
                   nx, ny, num(px), num(py)),
       grid_placement(length, width, nx, ny, px, py, "holes")});

  part.text_abstract = fmt::format(
      fmt::runtime(pick(rng, {"A rectangular mounting plate with a {0} x {1} grid of {2} mm holes.",
                              "A flat {3} plate drilled with {4} holes in a rectangular pattern.",
                              "A {5} mm thick plate with {4} through holes on a regular grid."})),
      nx, ny, num(hole), size2(length, width), n_holes, num(thick));
  if (se) part.text_abstract += pick(rng, {" Its corners are rounded.", ""});
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The part is a rectangular plate {0} mm long (X), {1} mm wide (Y) "
                              "and {2} mm thick (Z).",
                              "A plate of {0} x {1} mm, {2} mm thick.",
                              "Overall size: {0} mm along X, {1} mm along Y, {2} mm thick."})),
      num(length), num(width), num(thick));
  part.text_detailed = detailed_text(
      rng, opening, part.features,
      fmt::format("The hole grid is centred, leaving {} mm from the hole centres to the edges.",
                  num(margin)));
  return part;
}

// ---------------------------------------------------------------------------------------
// slotted_plate

const std::vector<Level> kSlotLevels{Level::F, Level::SE};
const std::vector<std::string> kSlotStyles{"chain", "sketch", "plane"};

Part slotted_plate(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "slotted_plate"));
  Choice c = choose(rng, "slotted_plate", kSlotLevels, kSlotStyles, options);
  int n = rng.integer(2, 4);
  double sw = rng.choice(std::vector<double>{5.5, 6.5, 9, 11});
  double sl = rng.dimension(sw + 15, sw + 50, 5);
  double pitch = rng.dimension(sw + 8, sw + 25, 5);
  double edge_y = rng.dimension(std::ceil(sw / 2) + 5, std::ceil(sw / 2) + 15, 1);
  double end = rng.dimension(8, 30, 1);
  double length = sl + 2 * end, width = (n - 1) * pitch + 2 * edge_y;
  double thick = rng.dimension(3, 10, 1);
  bool se = c.level == Level::SE;
  double radius = se ? rng.dimension(2, std::min(10.0, std::min(end, edge_y) - 1), 0.5) : 0;
  double chamfer = se ? rng.dimension(0.5, std::min(1.5, thick / 4), 0.5) : 0;

  Dims d;
  X L = d.add("length", length, "plate length along X");
  X Wd = d.add("width", width, "plate width along Y");
  X T = d.add("thickness", thick, "plate thickness along Z");
  X SL = d.add("slot_length", sl, "overall slot length along X");
  X SW = d.add("slot_width", sw, "slot width");
  X N = d.add("slots", n, "number of slots");
  X P = d.add("slot_pitch", pitch, "slot spacing along Y");
  X R = se ? d.add("corner_radius", radius, "fillet radius of the plate corners") : X();
  X C = se ? d.add("chamfer", chamfer, "chamfer of the top edges") : X();

  Part part;
  part.family = "slotted_plate";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = 4 + 4 * n + (se && c.style == "sketch" ? 4 : 0);

  std::vector<std::pair<double, double>> centres;
  for (int i = 0; i < n; ++i) centres.emplace_back(0, (i - (n - 1) / 2.0) * pitch);
  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    // The slot centres: a literal list, or a comprehension over the parameters.
    std::string pts =
        w.named ? fmt::format("[(0, (i - ({} - 1) / 2) * {}) for i in range({})]", w(N), w(P), w(N))
                : point_list(centres);
    std::string s;
    if (style == "chain") {
      if (!se)
        return fmt::format(
            "result = (\n    cq.Workplane(\"XY\")\n    .rect({}, {})\n    .pushPoints({})\n"
            "    .slot2D({}, {})\n    .extrude({})\n)\n",
            w(L), w(Wd), pts, w(SL), w(SW), w(T));
      return fmt::format(
          "result = (\n    cq.Workplane(\"XY\")\n    .box({}, {}, {}, centered=(True, True, "
          "False))\n"
          "    .edges(\"|Z\")\n    .fillet({})\n    .faces(\">Z\")\n    .workplane()\n"
          "    .pushPoints({})\n    .slot2D({}, {})\n    .cutThruAll()\n    .edges(\">Z\")\n"
          "    .chamfer({})\n)\n",
          w(L), w(Wd), w(T), w(R), pts, w(SL), w(SW), w(C));
    }
    if (style == "sketch") {
      s = fmt::format("plate = cq.Sketch().rect({}, {})", w(L), w(Wd));
      if (se) s += fmt::format(".vertices().fillet({}).reset()", w(R));
      s += fmt::format(".rarray(1, {}, 1, {}).slot({}, {}, mode=\"s\")\n", w(P), w(N), w(SL - SW),
                       w(SW));
      s += fmt::format("result = cq.Workplane(\"XY\").placeSketch(plate).extrude({})\n", w(T));
      if (se) s += fmt::format("result = result.edges(\">Z\").chamfer({})\n", w(C));
      return s;
    }
    X y0 = -P * (N - 1) / 2;
    s = fmt::format(
        "plane = {}\ncentres = []\nfor i in range({}):\n    centres.append((0, {} + i * {}))\n",
        kPlaneXY, w(N), w(y0), w(P));
    if (!se)
      return s + fmt::format(
                     "result = cq.Workplane(plane).rect({}, {}).pushPoints(centres).slot2D({}, {})"
                     ".extrude({})\n",
                     w(L), w(Wd), w(SL), w(SW), w(T));
    return s + fmt::format(
                   "plate = cq.Workplane(plane).rect({}, {}).extrude({}).edges(\"|Z\").fillet({})\n"
                   "plate = plate.faces(\">Z\").workplane().pushPoints(centres).slot2D({}, {})"
                   ".cutThruAll()\nresult = plate.edges(\">Z\").chamfer({})\n",
                   w(L), w(Wd), w(T), w(R), w(SL), w(SW), w(C));
  });

  std::vector<double> ys;
  for (auto& p : centres) ys.push_back(p.second);
  part.features.push_back(
      {"base",
       se ? fmt::format("{} {} rectangle centred on the origin of the XY plane, extruded {} mm "
                        "along +Z",
                        article(num(length)), size2(length, width), num(thick))
          : fmt::format("{} {} rectangle centred on the origin of the XY plane with {} slot "
                        "outlines inside it, extruded {} mm along +Z",
                        article(num(length)), size2(length, width), count_word(n), num(thick)),
       {fmt::format("the plate spans x = -{0} to {0} and y = -{1} to {1}", num(length / 2),
                    num(width / 2))}});
  if (se)
    part.features.push_back(
        {"fillet",
         fmt::format("the vertical corners are rounded with a {} mm radius", num(radius)),
         {}});
  part.features.push_back(
      {"slot",
       fmt::format("{} straight slots {} mm long overall and {} mm wide, running along X, cut "
                   "through the plate {} mm apart, the pattern centred on the plate",
                   capitalize(count_word(n)), num(sl), num(sw), num(pitch)),
       {fmt::format("the slots are centred on x = 0, so each runs from x = -{0} to {0}, leaving "
                    "{1} mm to the left and right edges",
                    num(sl / 2), num(end)),
        fmt::format("the front edge is at y = -{}; the first slot centreline, {} mm from it, is "
                    "at y = -{} + {} = {}; the centrelines are at y = {}",
                    num(width / 2), num(edge_y), num(width / 2), num(edge_y), num(ys[0]),
                    value_list(ys, false))}});
  if (se)
    part.features.push_back(
        {"chamfer",
         fmt::format("all top edges, the slot edges included, get a {} mm chamfer", num(chamfer)),
         {}});

  part.text_abstract =
      fmt::format(fmt::runtime(pick(
                      rng, {"A rectangular plate with {0} parallel slots for adjustable mounting.",
                            "An adjustment plate, {1}, with {0} long slots.",
                            "A slotted plate: {0} straight slots through a {2} mm plate."})),
                  count_word(n), size2(length, width), num(thick));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The plate is {0} mm long along X, {1} mm wide along Y and {2} mm "
                              "thick.",
                              "A {0} x {1} mm plate, {2} mm thick, centred on the origin."})),
      num(length), num(width), num(thick));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

// ---------------------------------------------------------------------------------------
// counterbored_plate

const std::vector<Level> kCboreLevels{Level::SE};
const std::vector<std::string> kCboreStyles{"chain", "sketch", "plane"};

struct Screw {
  const char* name;
  double hole, cbore, depth, csk;
};
const std::vector<Screw> kScrews{{"M3", 3.5, 6.5, 3.5, 6.5},
                                 {"M4", 4.5, 8, 4.5, 8.5},
                                 {"M5", 5.5, 10, 5.5, 10.5},
                                 {"M6", 6.5, 11, 6.5, 12.5},
                                 {"M8", 9, 15, 9, 16.5}};

Part counterbored_plate(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "counterbored_plate"));
  Choice c = choose(rng, "counterbored_plate", kCboreLevels, kCboreStyles, options);
  const Screw& screw = rng.choice(kScrews);
  bool csk = rng.chance(0.5);
  double head = csk ? screw.csk : screw.cbore;
  double sink = csk ? (screw.csk - screw.hole) / 2 : screw.depth;
  double thick = rng.dimension(std::max(6.0, std::ceil(sink) + 3), std::ceil(sink) + 12, 1);
  double margin = rng.dimension(std::ceil(head / 2) + 3, std::ceil(head / 2) + 12, 1);
  double hx = rng.dimension(std::max(30.0, 2 * head + 10), 140, 5);
  double hy = rng.dimension(std::max(20.0, 2 * head + 10), std::min(100.0, hx), 5);
  double length = hx + 2 * margin, width = hy + 2 * margin;
  double radius = rng.dimension(2, std::min(8.0, margin - 1), 0.5);
  double centre = 0;
  double room = std::min(hx, hy) - head - 8;
  if (room >= 10 && rng.chance(0.6)) centre = rng.dimension(8, std::min(40.0, room), 1);

  Dims d;
  X L = d.add("length", length, "plate length along X");
  X Wd = d.add("width", width, "plate width along Y");
  X T = d.add("thickness", thick, "plate thickness");
  X SX = d.add("spacing_x", hx, "hole spacing along X");
  X SY = d.add("spacing_y", hy, "hole spacing along Y");
  X HD = d.add("hole_diameter", screw.hole, fmt::format("clearance hole for {}", screw.name));
  X HH = csk ? d.add("csk_diameter", head, "countersink diameter at the top face")
             : d.add("cbore_diameter", head, "counterbore diameter");
  X HDP = csk ? X() : d.add("cbore_depth", screw.depth, "counterbore depth");
  X R = d.add("corner_radius", radius, "corner fillet radius");
  X CD = centre > 0 ? d.add("centre_hole", centre, "diameter of the central through hole") : X();

  Part part;
  part.family = "counterbored_plate";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = 4 + (c.style == "sketch" ? 4 : 0) + 4 + (centre > 0 ? 1 : 0);

  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    std::string hole_call = csk ? fmt::format("cskHole({}, {}, 90)", w(HD), w(HH))
                                : fmt::format("cboreHole({}, {}, {})", w(HD), w(HH), w(HDP));
    std::string centre_line =
        centre > 0 ? fmt::format("    .faces(\">Z\")\n    .workplane()\n    .hole({})\n", w(CD))
                   : "";
    if (style == "chain")
      return fmt::format(
          "result = (\n    cq.Workplane(\"XY\")\n    .box({}, {}, {}, centered=(True, True, "
          "False))\n"
          "    .edges(\"|Z\")\n    .fillet({})\n    .faces(\">Z\")\n    .workplane()\n"
          "    .rect({}, {}, forConstruction=True)\n    .vertices()\n    .{}\n{})\n",
          w(L), w(Wd), w(T), w(R), w(SX), w(SY), hole_call, centre_line);
    if (style == "sketch")
      return fmt::format(
          "outline = cq.Sketch().rect({}, {}).vertices().fillet({})\n"
          "result = (\n    cq.Workplane(\"XY\")\n    .placeSketch(outline)\n    .extrude({})\n"
          "    .faces(\">Z\")\n    .workplane()\n    .rarray({}, {}, 2, 2)\n    .{}\n{})\n",
          w(L), w(Wd), w(R), w(T), w(SX), w(SY), hole_call, centre_line);
    std::string s = fmt::format(
        "plane = {}\nplate = cq.Workplane(plane).box({}, {}, {}, centered=(True, True, False))\n"
        "plate = plate.edges(\"|Z\").fillet({})\n",
        kPlaneXY, w(L), w(Wd), w(T), w(R));
    s += fmt::format(
        "corners = []\nfor sx in (-1, 1):\n    for sy in (-1, 1):\n"
        "        corners.append((sx * {}, sy * {}))\n",
        w(SX / 2), w(SY / 2));
    s +=
        fmt::format("result = plate.faces(\">Z\").workplane().pushPoints(corners).{}\n", hole_call);
    if (centre > 0) s += fmt::format("result = result.faces(\">Z\").workplane().hole({})\n", w(CD));
    return s;
  });

  part.features.push_back(
      {"base",
       fmt::format("{} {} rectangle centred on the origin of the XY plane, extruded {} mm along "
                   "+Z",
                   article(num(length)), size2(length, width), num(thick)),
       {fmt::format("the plate spans x = -{0} to {0}, y = -{1} to {1}, z = 0 to {2}",
                    num(length / 2), num(width / 2), num(thick))}});
  part.features.push_back(
      {"fillet",
       fmt::format("the four vertical corner edges are rounded with a {} mm radius", num(radius)),
       {}});
  std::string kind = csk ? "countersink" : "counterbore";
  part.features.push_back(
      {kind,
       csk ? fmt::format("four {} mm through holes for {} screws, countersunk from the top face "
                         "to {} mm diameter at 90 degrees, on a {} rectangle centred on the plate",
                         num(screw.hole), screw.name, num(head), size2(hx, hy))
           : fmt::format("four {} mm through holes for {} screws, counterbored from the top face "
                         "to {} mm diameter and {} mm depth, on a {} rectangle centred on the "
                         "plate",
                         num(screw.hole), screw.name, num(head), num(screw.depth), size2(hx, hy)),
       {fmt::format("the holes sit on a {} rectangle centred on the plate: x = +/-{} and "
                    "y = +/-{}",
                    size2(hx, hy), num(hx / 2), num(hy / 2)),
        fmt::format("the left edge is at x = -{}, so the left holes are {} mm from it: "
                    "x = -{} + {} = -{}",
                    num(length / 2), num(margin), num(length / 2), num(margin), num(hx / 2))}});
  if (centre > 0)
    part.features.push_back(
        {"hole",
         fmt::format("a {} mm through hole in the centre of the plate", num(centre)),
         {"the hole is on the origin, at x = 0, y = 0"}});

  part.text_abstract = fmt::format(
      fmt::runtime(pick(rng, {"A rectangular base plate with four {0} holes for {1} screws.",
                              "A mounting plate, {2}, fixed by four {1} screws in {0} holes.",
                              "A rounded-corner plate with four {0} screw holes{3}."})),
      csk ? "countersunk" : "counterbored", screw.name, size2(length, width),
      centre > 0 ? " and a central bore" : "");
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The plate measures {0} mm along X, {1} mm along Y and is {2} mm "
                              "thick.",
                              "A {0} x {1} x {2} mm plate."})),
      num(length), num(width), num(thick));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

}  // namespace

Family plate_holes_family() {
  return {"plate_holes", "rectangular plate with a grid of through holes", kPlateLevels,
          kPlateStyles, &polished<plate_holes>};
}
Family slotted_plate_family() {
  return {"slotted_plate", "rectangular plate with parallel slots", kSlotLevels, kSlotStyles,
          &polished<slotted_plate>};
}
Family counterbored_plate_family() {
  return {"counterbored_plate", "plate with four counterbored or countersunk screw holes",
          kCboreLevels, kCboreStyles, &polished<counterbored_plate>};
}

}  // namespace cad::data::fam
