// Prismatic blocks: a block with a pocket (or a frame), a U channel, a T-slot block, a wedge and
// a shelled enclosure.
#include <fmt/format.h>

#include <cmath>

#include "data/families/common.h"

namespace cad::data::fam {

namespace {

const char* kPlaneXY = "cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))";

/// "(0, 0), (40, 0), ..." of a profile with numbers.
std::string profile_text(const std::vector<std::pair<X, X>>& pts) {
  std::string out;
  for (std::size_t i = 0; i < pts.size(); ++i)
    out +=
        fmt::format("{}({}, {})", i ? ", " : "", num(pts[i].first.value), num(pts[i].second.value));
  return out;
}

/// Hard-coded list "[-20, 0, 20]" or a comprehension over a centred row.
std::string centred_row(const W& w, int n, const X& count, const X& pitch) {
  if (w.named)
    return fmt::format("[(i - ({} - 1) / 2) * {} for i in range({})]", w(count), w(pitch),
                       w(count));
  std::string out = "[";
  for (int i = 0; i < n; ++i) out += (i ? ", " : "") + num((i - (n - 1) / 2.0) * pitch.value);
  return out + "]";
}

std::vector<double> centred(int n, double pitch) {
  std::vector<double> xs;
  for (int i = 0; i < n; ++i) xs.push_back((i - (n - 1) / 2.0) * pitch);
  return xs;
}

// ---------------------------------------------------------------------------------------
// pocket_block

const std::vector<Level> kPocketLevels{Level::F, Level::MSE};
const std::vector<std::string> kPocketStyles{"chain", "sketch", "plane"};

Part pocket_block(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "pocket_block"));
  Choice c = choose(rng, "pocket_block", kPocketLevels, kPocketStyles, options);
  bool frame = c.level == Level::F;
  double length = rng.dimension(50, 150, 5);
  double width = rng.dimension(40, std::min(120.0, length), 5);
  double height = frame ? rng.dimension(6, 20, 1) : rng.dimension(15, 50, 1);
  double wall = rng.dimension(8, 16, 1);
  double pl = length - 2 * wall, pw = width - 2 * wall;
  double depth = frame ? height : rng.dimension(4, height - 4, 1);
  double hole = rng.choice(std::vector<double>{3.5, 4.5, 5.5});
  while (hole > wall - 4) hole -= 1;
  double radius = frame ? 0 : rng.dimension(2, wall / 2, 0.5);
  double pocket_r = frame ? 0 : rng.dimension(1, std::min(8.0, pw / 4), 0.5);

  Dims d;
  X L = d.add("length", length, "block length along X");
  X Wd = d.add("width", width, "block width along Y");
  X H = d.add("height", height, "block height along Z");
  X WL = d.add("wall", wall, "wall thickness around the pocket");
  X DP = frame ? X() : d.add("pocket_depth", depth, "pocket depth from the top face");
  X HD = d.add("hole_diameter", hole, "corner hole diameter");
  X R = frame ? X() : d.add("corner_radius", radius, "fillet radius of the outer vertical edges");
  X PR =
      frame || c.style != "sketch" ? X() : d.add("pocket_radius", pocket_r, "pocket corner radius");

  Part part;
  part.family = "pocket_block";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = frame ? 12 : (c.style == "sketch" ? 20 : 12);

  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    X PL = L - X(2) * WL, PW = Wd - X(2) * WL, HX = L - WL, HY = Wd - WL;
    if (frame) {
      if (style == "chain")
        return fmt::format(
            "result = (\n    cq.Workplane(\"XY\")\n    .rect({}, {})\n    .rect({}, {})\n"
            "    .rarray({}, {}, 2, 2)\n    .circle({})\n    .extrude({})\n)\n",
            w(L), w(Wd), w(PL), w(PW), w(HX), w(HY), w(HD / 2), w(H));
      if (style == "sketch")
        return fmt::format(
            "frame = (\n    cq.Sketch()\n    .rect({}, {})\n    .rect({}, {}, mode=\"s\")\n"
            "    .rarray({}, {}, 2, 2)\n    .circle({}, mode=\"s\")\n)\n"
            "result = cq.Workplane(\"XY\").placeSketch(frame).extrude({})\n",
            w(L), w(Wd), w(PL), w(PW), w(HX), w(HY), w(HD / 2), w(H));
      return fmt::format(
          "plane = {}\nholes = []\nfor sx in (-1, 1):\n    for sy in (-1, 1):\n"
          "        holes.append((sx * {}, sy * {}))\n"
          "result = (\n    cq.Workplane(plane)\n    .rect({}, {})\n    .rect({}, {})\n"
          "    .pushPoints(holes)\n    .circle({})\n    .extrude({})\n)\n",
          kPlaneXY, w(HX / 2), w(HY / 2), w(L), w(Wd), w(PL), w(PW), w(HD / 2), w(H));
    }
    if (style == "chain")
      return fmt::format(
          "result = (\n    cq.Workplane(\"XY\")\n    .box({}, {}, {}, centered=(True, True, "
          "False))\n"
          "    .edges(\"|Z\")\n    .fillet({})\n    .faces(\">Z\")\n    .workplane()\n"
          "    .rect({}, {})\n    .cutBlind(-{})\n    .faces(\">Z\")\n    .workplane()\n"
          "    .rarray({}, {}, 2, 2)\n    .hole({})\n)\n",
          w(L), w(Wd), w(H), w(R), w(PL), w(PW), w(DP), w(HX), w(HY), w(HD));
    if (style == "sketch")
      return fmt::format(
          "outline = cq.Sketch().rect({}, {}).vertices().fillet({})\n"
          "pocket = cq.Sketch().rect({}, {}).vertices().fillet({})\n"
          "result = (\n    cq.Workplane(\"XY\")\n    .placeSketch(outline)\n    .extrude({})\n"
          "    .faces(\">Z\")\n    .workplane()\n    .placeSketch(pocket)\n    .cutBlind(-{})\n"
          "    .faces(\">Z\")\n    .workplane()\n    .rarray({}, {}, 2, 2)\n    .hole({})\n)\n",
          w(L), w(Wd), w(R), w(PL), w(PW), w(PR), w(H), w(DP), w(HX), w(HY), w(HD));
    return fmt::format(
        "plane = {}\ntop = cq.Plane(origin={}, xDir=(1, 0, 0), normal=(0, 0, 1))\n"
        "block = cq.Workplane(plane).box({}, {}, {}, centered=(True, True, False))\n"
        "block = block.edges(\"|Z\").fillet({})\n"
        "block = block.cut(cq.Workplane(top).rect({}, {}).extrude(-{}))\n"
        "for sx in (-1, 1):\n    for sy in (-1, 1):\n"
        "        hole = cq.Workplane(plane).center(sx * {}, sy * {}).circle({}).extrude({})\n"
        "        block = block.cut(hole)\nresult = block\n",
        kPlaneXY, w.pt(X(0), X(0), H), w(L), w(Wd), w(H), w(R), w(PL), w(PW), w(DP), w(HX / 2),
        w(HY / 2), w(HD / 2), w(H));
  });

  part.features.push_back(
      {"base",
       frame ? fmt::format("{} {} rectangle centred on the origin of the XY plane with a {} "
                           "rectangular opening and four {} mm corner hole circles inside, "
                           "extruded {} mm along +Z",
                           article(num(length)), size2(length, width), size2(pl, pw), num(hole),
                           num(height))
             : fmt::format("{} {} block centred on the origin in X and Y, standing on the XY "
                           "plane",
                           article(num(length)), size3(length, width, height)),
       {fmt::format("the block spans x = -{0} to {0}, y = -{1} to {1}, z = 0 to {2}",
                    num(length / 2), num(width / 2), num(height))}});
  if (!frame)
    part.features.push_back(
        {"fillet",
         fmt::format("the four vertical outer edges are rounded with r = {} mm", num(radius)),
         {}});
  part.features.push_back(
      {frame ? "cut" : "pocket",
       frame ? fmt::format("the opening is {} (the outer size less {} mm walls), straight "
                           "through",
                           size2(pl, pw), num(wall))
             : fmt::format(
                   "a centred rectangular pocket {}{} and {} mm deep, cut from the top "
                   "face",
                   size2(pl, pw),
                   style == "sketch" ? fmt::format(" with {} mm corner radii", num(pocket_r)) : "",
                   num(depth)),
       {fmt::format("the walls are {0} mm thick: the pocket spans x = -{1} + {0} = -{2} to {2} "
                    "and y = -{3} + {0} = -{4} to {4}",
                    num(wall), num(length / 2), num(pl / 2), num(width / 2), num(pw / 2))}});
  part.features.push_back(
      {"hole_pattern",
       fmt::format("four {} mm through holes in the corners, in the middle of the walls",
                   num(hole)),
       {fmt::format("the hole centres are {0} / 2 = {1} mm from the outer edges: x = +/-({2} - "
                    "{1}) = +/-{3}, y = +/-({4} - {1}) = +/-{5}",
                    num(wall), num(wall / 2), num(length / 2), num((length - wall) / 2),
                    num(width / 2), num((width - wall) / 2))}});
  part.text_abstract =
      frame ? fmt::format(fmt::runtime(pick(rng, {"A rectangular frame with four corner holes.",
                                                  "A {0} open frame plate with fixing holes in "
                                                  "its corners."})),
                          size2(length, width))
            : fmt::format(fmt::runtime(pick(rng, {"A rectangular block with a pocket machined "
                                                  "into its top and four corner holes.",
                                                  "A {0} pocketed block with rounded corners.",
                                                  "A tray-like block: a {1} mm deep pocket in "
                                                  "a solid block."})),
                          size3(length, width, height), num(depth));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The part is {0} mm long (X), {1} mm wide (Y) and {2} mm high "
                              "(Z).",
                              "Outer size {0} x {1} x {2} mm."})),
      num(length), num(width), num(height));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

// ---------------------------------------------------------------------------------------
// channel

const std::vector<Level> kChannelLevels{Level::L, Level::S, Level::SE, Level::MSE};
const std::vector<std::string> kChannelStyles{"chain", "sketch", "plane"};

Part channel(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "channel"));
  Choice c = choose(rng, "channel", kChannelLevels, kChannelStyles, options);
  double length = rng.dimension(60, 200, 10);
  double width = rng.dimension(30, 80, 5);
  double height = rng.dimension(20, 60, 5);
  double thick = rng.dimension(3, std::min(8.0, width / 6), 1);
  bool holes = c.level == Level::SE || c.level == Level::MSE;
  double radius = c.level == Level::SE ? rng.dimension(1, thick, 0.5) : 0;
  double hole = rng.choice(std::vector<double>{4.5, 5.5, 6.5, 9});
  while (hole > width - 2 * thick - 2 * radius - 6) hole -= 1;
  int n = rng.integer(2, 4);
  while (n > 2 && (length - 2 * hole - 10) / (n - 1) < hole + 10) --n;
  double pitch = nice_dimension(rng, hole + 6, (length - 2 * hole - 10) / (n - 1));

  Dims d;
  X L = d.add("length", length, "channel length along X");
  X Wd = d.add("width", width, "outside width along Y");
  X H = d.add("height", height, "outside height along Z");
  X T = d.add("thickness", thick, "wall and web thickness");
  X R = radius > 0 ? d.add("inner_radius", radius, "fillet radius of the inner corners") : X();
  X HD = holes ? d.add("hole_diameter", hole, "diameter of the holes in the web") : X();
  X N = holes ? d.add("holes", n, "number of holes along the web") : X();
  X P = holes ? d.add("hole_pitch", pitch, "hole spacing along X") : X();

  Part part;
  part.family = "channel";
  part.level = c.level;
  part.style = c.style;
  bool rects = c.level == Level::S || c.level == Level::MSE;
  part.n_curves = (rects ? 12 : 8) + (holes ? n : 0);
  if (c.level == Level::MSE) part.n_curves = 8 + n;

  const std::string style = c.style;
  const Level level = c.level;
  write_code(part, d, [&](const W& w) {
    X hw = Wd / 2, in = Wd / 2 - T;
    std::vector<std::pair<X, X>> prof{{-hw, X(0)}, {hw, X(0)}, {hw, H},  {in, H},
                                      {in, T},     {-in, T},   {-in, H}, {-hw, H}};
    std::string s;
    std::string body;
    if (level == Level::L || level == Level::SE) {
      if (style == "chain") {
        s += "pts = " + profile_list(w, prof, false) + "\n";
        body = fmt::format("cq.Workplane(\"YZ\").polyline(pts).close().extrude({}, both=True)",
                           w(L / 2));
      } else if (style == "sketch") {
        s = "pts = " + profile_list(w, prof, true) + "\nprofile = cq.Sketch().polygon(pts)\n";
        body = fmt::format("cq.Workplane(\"YZ\").placeSketch(profile).extrude({}, both=True)",
                           w(L / 2));
      } else {
        s = fmt::format("plane = cq.Plane(origin={}, xDir=(0, 1, 0), normal=(1, 0, 0))\n",
                        w.pt(-L / 2, X(0), X(0)));
        s += "pts = " + profile_list(w, prof, false) + "\n";
        body = fmt::format("cq.Workplane(plane).polyline(pts).close().extrude({})", w(L));
      }
      if (level == Level::L) return s + "result = " + body + "\n";
      std::string fil = fmt::format(".edges(\"|X exc (<Y or >Y)\").edges(\"<Z\").fillet({})", w(R));
      if (style != "plane")
        return s + fmt::format(
                       "result = (\n    {}\n    {}\n    .faces(\">Z[1]\")\n    .workplane()\n"
                       "    .rarray({}, 1, {}, 1)\n    .hole({})\n)\n",
                       body, fil, w(P), w(N), w(HD));
      return s + "channel = " + body + fil + "\n" +
             fmt::format(
                 "web = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))\n"
                 "for x in {}:\n"
                 "    channel = channel.cut(cq.Workplane(web).center(x, 0).circle({})"
                 ".extrude({}))\nresult = channel\n",
                 centred_row(w, n, N, P), w(HD / 2), w(T));
    }
    if (level == Level::S) {
      X wx = (Wd - T) / 2;
      if (style == "chain")
        return fmt::format(
            "result = (\n    cq.Workplane(\"YZ\")\n    .sketch()\n    .push([{}])\n"
            "    .rect({}, {})\n    .push([{}, {}])\n    .rect({}, {})\n    .clean()\n"
            "    .finalize()\n    .extrude({}, both=True)\n)\n",
            w.pt(X(0), T / 2), w(Wd), w(T), w.pt(-wx, H / 2), w.pt(wx, H / 2), w(T), w(H),
            w(L / 2));
      if (style == "sketch")
        return fmt::format(
            "profile = (\n    cq.Sketch()\n    .push([{}])\n    .rect({}, {})  # web\n"
            "    .push([{}, {}])\n    .rect({}, {})  # side walls\n    .clean()\n)\n"
            "result = cq.Workplane(\"YZ\").placeSketch(profile).extrude({}, both=True)\n",
            w.pt(X(0), T / 2), w(Wd), w(T), w.pt(-wx, H / 2), w.pt(wx, H / 2), w(T), w(H),
            w(L / 2));
      return fmt::format(
          "plane = cq.Plane(origin={}, xDir=(0, 1, 0), normal=(1, 0, 0))\n"
          "parts = [{}, {}, {}]  # (centre y, centre z, size y, size z)\n"
          "profile = cq.Sketch()\nfor y, z, dy, dz in parts:\n"
          "    profile = profile.push([(y, z)]).rect(dy, dz)\n"
          "result = cq.Workplane(plane).placeSketch(profile.clean()).extrude({})\n",
          w.pt(-L / 2, X(0), X(0)), fmt::format("(0, {}, {}, {})", w(T / 2), w(Wd), w(T)),
          fmt::format("({}, {}, {}, {})", w(-wx), w(H / 2), w(T), w(H)),
          fmt::format("({}, {}, {}, {})", w(wx), w(H / 2), w(T), w(H)), w(L));
    }
    // MSE: a box minus the inner box, holes in the web.
    if (style == "chain")
      return fmt::format(
          "outer = cq.Workplane(\"XY\").box({}, {}, {}, centered=(True, True, False))\n"
          "inner = cq.Workplane(\"XY\").box({}, {}, {}, centered=(True, True, False))"
          ".translate({})\n"
          "result = (\n    outer.cut(inner)\n    .faces(\">Z[1]\")\n    .workplane()\n"
          "    .rarray({}, 1, {}, 1)\n    .hole({})\n)\n",
          w(L), w(Wd), w(H), w(L), w(Wd - X(2) * T), w(H - T), w.pt(X(0), X(0), T), w(P), w(N),
          w(HD));
    if (style == "sketch")
      return fmt::format(
          "outer = cq.Sketch().push([{}]).rect({}, {})\n"
          "inner = cq.Sketch().push([{}]).rect({}, {})\n"
          "channel = cq.Workplane(\"YZ\").placeSketch(outer).extrude({}, both=True)\n"
          "channel = channel.cut(cq.Workplane(\"YZ\").placeSketch(inner).extrude({}, both=True))\n"
          "result = channel.faces(\">Z[1]\").workplane().rarray({}, 1, {}, 1).hole({})\n",
          w.pt(X(0), H / 2), w(Wd), w(H), w.pt(X(0), (H + T) / 2), w(Wd - X(2) * T), w(H - T),
          w(L / 2), w(L / 2), w(P), w(N), w(HD));
    return fmt::format(
        "floor = {}\nchannel = cq.Workplane(floor).rect({}, {}).extrude({})\n"
        "web_top = cq.Plane(origin={}, xDir=(1, 0, 0), normal=(0, 0, 1))\n"
        "channel = channel.cut(cq.Workplane(web_top).rect({}, {}).extrude({}))\n"
        "for x in {}:\n"
        "    channel = channel.cut(cq.Workplane(floor).center(x, 0).circle({}).extrude({}))\n"
        "result = channel\n",
        kPlaneXY, w(L), w(Wd), w(H), w.pt(X(0), X(0), T), w(L), w(Wd - X(2) * T), w(H - T),
        centred_row(w, n, N, P), w(HD / 2), w(T));
  });

  std::vector<std::pair<X, X>> prof{{X(-width / 2), X(0)},
                                    {X(width / 2), X(0)},
                                    {X(width / 2), X(height)},
                                    {X(width / 2 - thick), X(height)},
                                    {X(width / 2 - thick), X(thick)},
                                    {X(-width / 2 + thick), X(thick)},
                                    {X(-width / 2 + thick), X(height)},
                                    {X(-width / 2), X(height)}};
  std::string extent = fmt::format(
      "the channel runs along X from x = -{0} to {0}; the web is "
      "at the bottom (z = 0 to {1}) and the walls rise to z = {2}",
      num(length / 2), num(thick), num(height));
  if (level == Level::L || level == Level::SE)
    part.features.push_back(
        {"base",
         fmt::format("a U profile in the YZ plane, {} mm wide and {} mm high with {} mm thick "
                     "web and walls, extruded {} mm along X, centred on x = 0",
                     num(width), num(height), num(thick), num(length)),
         {"profile corners (y, z): " + profile_text(prof), extent}});
  else if (level == Level::S)
    part.features.push_back(
        {"base",
         fmt::format("a sketch in the YZ plane of three rectangles, the {} web at the bottom and "
                     "two {} walls at the sides, merged and extruded {} mm along X, centred on "
                     "x = 0",
                     size2(width, thick), size2(thick, height), num(length)),
         {fmt::format("the web is centred at (y, z) = (0, {}); the walls at (+/-({} - {}) / 2, "
                      "{}) = (+/-{}, {})",
                      num(thick / 2), num(width), num(thick), num(height / 2),
                      num((width - thick) / 2), num(height / 2)),
          extent}});
  else {
    part.features.push_back(
        {"base",
         fmt::format("{} {} box (X x Y x Z) centred in X and Y, standing on the XY plane",
                     article(num(length)), size3(length, width, height)),
         {extent}});
    part.features.push_back(
        {"cut",
         fmt::format("a {} box removed from the top, leaving {} mm walls and web",
                     size3(length, width - 2 * thick, height - thick), num(thick)),
         {fmt::format("it spans y = -{0} to {0} and z = {1} to {2}", num(width / 2 - thick),
                      num(thick), num(height))}});
  }
  if (radius > 0)
    part.features.push_back(
        {"fillet",
         fmt::format("the two inner corners between web and walls are filleted with r = {} mm",
                     num(radius)),
         {fmt::format("the inner corners are at y = +/-{}, z = {}", num(width / 2 - thick),
                      num(thick))}});
  if (holes) {
    std::vector<double> xs = centred(n, pitch);
    part.features.push_back(
        {"hole_pattern",
         fmt::format("{} holes of {} mm diameter through the web, {} mm apart along X on the "
                     "centreline",
                     count_word(n), num(hole), num(pitch)),
         {fmt::format("the holes are at y = 0 and x = {}", value_list(xs, false)),
          fmt::format("the left end is at x = -{}, so the first hole is {} - {} = {} mm from it",
                      num(length / 2), num(length / 2), num(-xs.front()),
                      num(length / 2 + xs.front()))}});
  }
  part.text_abstract = fmt::format(
      fmt::runtime(pick(rng, {"A U-shaped channel{0}.", "A {1} mm long U profile{0}.",
                              "A channel section with two side walls and a web{0}."})),
      holes ? fmt::format(" with {} holes in the web", count_word(n)) : "", num(length));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The channel is {0} mm long (X), {1} mm wide (Y) and {2} mm high "
                              "(Z), with {3} mm walls.",
                              "A {0} mm length of U channel, {1} x {2} mm outside, {3} mm "
                              "thick."})),
      num(length), num(width), num(height), num(thick));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

// ---------------------------------------------------------------------------------------
// tslot_block

const std::vector<Level> kTslotLevels{Level::L, Level::SE};
const std::vector<std::string> kTslotStyles{"chain", "sketch", "plane"};

Part tslot_block(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "tslot_block"));
  Choice c = choose(rng, "tslot_block", kTslotLevels, kTslotStyles, options);
  double neck = rng.choice(std::vector<double>{8, 10, 12, 14, 18});
  double head = std::round(neck * 1.8);
  double head_h = std::round(neck * 0.6 * 2) / 2 + 1;
  double neck_h = rng.dimension(4, 10, 1);
  double width = rng.dimension(head + 12, head + 40, 5);
  double floor = rng.dimension(6, 15, 1);
  double height = neck_h + head_h + floor;
  double length = rng.dimension(40, 150, 5);
  bool se = c.level == Level::SE;
  double chamfer = se ? rng.dimension(0.5, 1.5, 0.5) : 0;
  double hole = se ? std::min(head - 3, rng.choice(std::vector<double>{5.5, 6.5, 9, 11})) : 0;
  double pitch = se ? nice_dimension(rng, std::max(hole + 4, length / 3), length - hole - 8) : 0;

  Dims d;
  X L = d.add("length", length, "block length along X (slot direction)");
  X Wd = d.add("width", width, "block width along Y");
  X H = d.add("height", height, "block height along Z");
  X A = d.add("slot_width", neck, "width of the slot opening");
  X NH = d.add("neck_depth", neck_h, "depth of the narrow slot neck");
  X B = d.add("head_width", head, "width of the wide slot head");
  X HH = d.add("head_height", head_h, "height of the wide slot head");
  X C = se ? d.add("chamfer", chamfer, "chamfer of the top long edges") : X();
  X HD = se ? d.add("hole_diameter", hole, "diameter of the fixing holes in the slot floor") : X();
  X P = se ? d.add("hole_pitch", pitch, "fixing hole spacing along X") : X();

  Part part;
  part.family = "tslot_block";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = 12 + (se ? 2 : 0);

  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    X hw = Wd / 2, a = A / 2, b = B / 2, zn = H - NH, zh = H - NH - HH;
    std::vector<std::pair<X, X>> prof{{-hw, X(0)}, {hw, X(0)}, {hw, H}, {a, H},
                                      {a, zn},     {b, zn},    {b, zh}, {-b, zh},
                                      {-b, zn},    {-a, zn},   {-a, H}, {-hw, H}};
    std::string s, body;
    if (style == "chain") {
      s += "pts = " + profile_list(w, prof, false) + "\n";
      body = fmt::format("cq.Workplane(\"YZ\").polyline(pts).close().extrude({}, both=True)",
                         w(L / 2));
    } else if (style == "sketch") {
      s = "pts = " + profile_list(w, prof, true) + "\nprofile = cq.Sketch().polygon(pts)\n";
      body =
          fmt::format("cq.Workplane(\"YZ\").placeSketch(profile).extrude({}, both=True)", w(L / 2));
    } else {
      s = fmt::format("plane = cq.Plane(origin={}, xDir=(0, 1, 0), normal=(1, 0, 0))\n",
                      w.pt(-L / 2, X(0), X(0)));
      s += "pts = " + profile_list(w, prof, false) + "\n";
      body = fmt::format("cq.Workplane(plane).polyline(pts).close().extrude({})", w(L));
    }
    if (!se) return s + "result = " + body + "\n";
    if (style != "plane")
      return s + fmt::format(
                     "result = (\n    {}\n    .faces(\">Z\")\n    .edges(\"|X\")\n"
                     "    .chamfer({})\n    .faces(\"<Z\")\n    .workplane()\n"
                     "    .rarray({}, 1, 2, 1)\n    .hole({})\n)\n",
                     body, w(C), w(P), w(HD));
    return s + fmt::format(
                   "block = {}.faces(\">Z\").edges(\"|X\").chamfer({})\n"
                   "floor = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))\n"
                   "for x in [-{} / 2, {} / 2]:\n"
                   "    block = block.cut(cq.Workplane(floor).center(x, 0).circle({})"
                   ".extrude({}))\nresult = block\n",
                   body, w(C), w(P), w(P), w(HD / 2), w(zh));
  });

  double zn = height - neck_h, zh = height - neck_h - head_h;
  part.features.push_back(
      {"base",
       fmt::format("a T-slot profile in the YZ plane extruded {} mm along X (centred on x = 0): "
                   "a {} rectangle with a T-shaped slot opening at the top, {} mm wide for {} mm "
                   "and then {} mm wide for {} mm",
                   num(length), size2(width, height), num(neck), num(neck_h), num(head),
                   num(head_h)),
       {fmt::format("the slot is centred on y = 0: the opening spans y = -{} to {}, the head "
                    "y = -{} to {}",
                    num(neck / 2), num(neck / 2), num(head / 2), num(head / 2)),
        fmt::format("from the top face at z = {}: the neck ends at z = {} - {} = {}, the head at "
                    "z = {} - {} = {}, leaving a {} mm floor",
                    num(height), num(height), num(neck_h), num(zn), num(zn), num(head_h), num(zh),
                    num(zh))}});
  if (se) {
    part.features.push_back(
        {"chamfer",
         fmt::format("the four long top edges (outer corners and slot lips) are chamfered {} mm",
                     num(chamfer)),
         {}});
    part.features.push_back(
        {"hole_pattern",
         fmt::format("two {} mm holes through the slot floor, {} mm apart along X and centred on "
                     "the length",
                     num(hole), num(pitch)),
         {fmt::format("the holes are at y = 0, x = -{0} and {0}, drilled up from the bottom face",
                      num(pitch / 2)),
          fmt::format("the left end is at x = -{}, so the first hole is {} mm from it",
                      num(length / 2), num(length / 2 - pitch / 2))}});
  }
  part.text_abstract =
      fmt::format(fmt::runtime(pick(rng, {"A block with a T-slot running along its length{0}.",
                                          "A T-slot rail section, {1} mm long{0}.",
                                          "A machine-table style block with a {2} mm T-slot{0}."})),
                  se ? " and two fixing holes" : "", num(length), num(neck));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The block is {0} mm long (X), {1} mm wide (Y) and {2} mm high "
                              "(Z).",
                              "Overall {0} x {1} x {2} mm, the slot running along X."})),
      num(length), num(width), num(height));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

// ---------------------------------------------------------------------------------------
// wedge

const std::vector<Level> kWedgeLevels{Level::L, Level::SE};
const std::vector<std::string> kWedgeStyles{"chain", "sketch", "plane"};

Part wedge(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "wedge"));
  Choice c = choose(rng, "wedge", kWedgeLevels, kWedgeStyles, options);
  double length = rng.dimension(30, 120, 5);
  double width = rng.dimension(20, 80, 5);
  double height = rng.dimension(15, std::min(60.0, length * 1.5), 5);
  double low = rng.chance(0.5) ? rng.dimension(3, height / 2, 1) : 0;
  bool se = c.level == Level::SE;
  double radius = se ? rng.dimension(1, 3, 0.5) : 0;
  double hole = se ? rng.choice(std::vector<double>{4.5, 5.5, 6.5}) : 0;
  double hole_x = se ? rng.dimension(hole / 2 + 4, std::max(hole / 2 + 4, length / 3), 1) : 0;
  int n = se && width >= 2 * hole + 16 ? 2 : 1;
  double pitch = n == 2 ? rng.dimension(hole + 6, width - hole - 8, 1) : 0;

  Dims d;
  X L = d.add("length", length, "length along X");
  X Wd = d.add("width", width, "width along Y");
  X H = d.add("height", height, "height of the tall end (x = 0)");
  X LO = low > 0 ? d.add("end_height", low, "height of the low end (x = length)") : X();
  X R = se ? d.add("edge_radius", radius, "fillet radius of the top edge") : X();
  X HD = se ? d.add("hole_diameter", hole, "diameter of the vertical holes") : X();
  X HX = se ? d.add("hole_x", hole_x, "distance of the holes from the tall end") : X();
  X P = n == 2 ? d.add("hole_pitch", pitch, "hole spacing along Y") : X();

  Part part;
  part.family = "wedge";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = (low > 0 ? 4 : 3) + (se ? n : 0);

  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    std::vector<std::pair<X, X>> prof{{X(0), X(0)}, {L, X(0)}};
    if (low > 0) prof.push_back({L, LO});
    prof.push_back({X(0), H});
    std::string s, body;
    if (style == "chain") {
      s += "pts = " + profile_list(w, prof, false) + "\n";
      body = fmt::format("cq.Workplane(\"XZ\").polyline(pts).close().extrude({}, both=True)",
                         w(Wd / 2));
    } else if (style == "sketch") {
      s = "pts = " + profile_list(w, prof, true) + "\nprofile = cq.Sketch().polygon(pts)\n";
      body = fmt::format("cq.Workplane(\"XZ\").placeSketch(profile).extrude({}, both=True)",
                         w(Wd / 2));
    } else {
      s = fmt::format("plane = cq.Plane(origin={}, xDir=(1, 0, 0), normal=(0, -1, 0))\n",
                      w.pt(X(0), Wd / 2, X(0)));
      s += "pts = " + profile_list(w, prof, false) + "\n";
      body = fmt::format("cq.Workplane(plane).polyline(pts).close().extrude({})", w(Wd));
    }
    if (!se) return s + "result = " + body + "\n";
    std::string pts = n == 2 ? fmt::format("[{}, {}]", w.pt(HX, -P / 2), w.pt(HX, P / 2))
                             : fmt::format("[{}]", w.pt(HX, X(0)));
    if (style != "plane")
      return s + fmt::format(
                     "result = (\n    {}\n    .edges(\"|Y\")\n    .edges(\">Z\")\n"
                     "    .fillet({})\n    .faces(\"<Z\")\n    .workplane()\n"
                     "    .pushPoints({})\n    .hole({})\n)\n",
                     body, w(R), pts, w(HD));
    std::string ys = n == 2 ? fmt::format("[-{} / 2, {} / 2]", w(P), w(P)) : "[0]";
    return s + fmt::format(
                   "block = {}.edges(\"|Y\").edges(\">Z\").fillet({})\n"
                   "bottom = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))\n"
                   "for y in {}:\n"
                   "    block = block.cut(cq.Workplane(bottom).center({}, y).circle({})"
                   ".extrude({}))\nresult = block\n",
                   body, w(R), ys, w(HX), w(HD / 2), w(H));
  });

  std::string pts = low > 0 ? fmt::format("(0, 0), ({0}, 0), ({0}, {1}), (0, {2})", num(length),
                                          num(low), num(height))
                            : fmt::format("(0, 0), ({0}, 0), (0, {1})", num(length), num(height));
  part.features.push_back(
      {"base",
       fmt::format("a {} profile in the XZ plane, {} mm long and {} mm high at x = 0{}, "
                   "extruded {} mm along Y, centred on y = 0",
                   low > 0 ? "trapezoidal" : "right-triangle", num(length), num(height),
                   low > 0 ? fmt::format(" falling to {} mm at x = {}", num(low), num(length)) : "",
                   num(width)),
       {"profile corners (x, z): " + pts,
        fmt::format("the slope falls {} mm over {} mm, i.e. {} degrees", num(height - low),
                    num(length),
                    num(std::round(std::atan2(height - low, length) * 180 / M_PI * 10) / 10)),
        fmt::format("the part spans y = -{0} to {0}", num(width / 2))}});
  if (se) {
    part.features.push_back({"fillet",
                             fmt::format("the top edge at x = 0, z = {} is rounded with r = {} mm",
                                         num(height), num(radius)),
                             {}});
    part.features.push_back(
        {"hole_pattern",
         fmt::format("{} vertical {} mm {} drilled from the bottom through the slope, {} mm from "
                     "the tall end",
                     n == 2 ? "two" : "one", num(hole), n == 2 ? "holes" : "hole", num(hole_x)),
         {n == 2 ? fmt::format("the holes are at x = {}, y = -{} and {} ({} mm apart)", num(hole_x),
                               num(pitch / 2), num(pitch / 2), num(pitch))
                 : fmt::format("the hole is at x = {}, y = 0", num(hole_x))}});
  }
  part.text_abstract = fmt::format(
      fmt::runtime(pick(rng, {"A wedge block with a sloped top{0}.", "A {1} ramp block{0}.",
                              "A tapered shim wedge{0}."})),
      se ? fmt::format(" and {} mounting {}", n == 2 ? "two" : "one", n == 2 ? "holes" : "hole")
         : "",
      low > 0 ? "trapezoidal" : "triangular");
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The wedge is {0} mm long (X), {1} mm wide (Y) and {2} mm high at "
                              "its tall end.",
                              "Length {0} mm, width {1} mm, maximum height {2} mm."})),
      num(length), num(width), num(height));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

// ---------------------------------------------------------------------------------------
// enclosure

const std::vector<Level> kBoxLevels{Level::SE, Level::MSE};
const std::vector<std::string> kBoxStyles{"chain", "sketch", "plane"};

Part enclosure(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "enclosure"));
  Choice c = choose(rng, "enclosure", kBoxLevels, kBoxStyles, options);
  double length = rng.dimension(60, 200, 5);
  double width = rng.dimension(40, std::min(150.0, length), 5);
  double height = rng.dimension(25, 80, 5);
  double wall = rng.dimension(2, 4, 0.5);
  double radius = rng.dimension(wall + 2, 15, 1);
  bool bosses = c.level == Level::MSE;
  double boss_d = bosses ? rng.choice(std::vector<double>{7, 8, 10}) : 0;
  double boss_hole = boss_d - 4.5;
  double boss_h = bosses ? rng.dimension(5, std::min(20.0, height - wall - 5), 1) : 0;
  double inset = std::ceil(std::max(radius, wall + boss_d / 2) * 2) / 2;
  double bx = length - 2 * inset, by = width - 2 * inset;

  Dims d;
  X L = d.add("length", length, "outside length along X");
  X Wd = d.add("width", width, "outside width along Y");
  X H = d.add("height", height, "outside height along Z");
  X T = d.add("wall", wall, "wall and floor thickness");
  X R = d.add("corner_radius", radius, "outside radius of the vertical corners");
  X BD = bosses ? d.add("boss_diameter", boss_d, "diameter of the screw bosses") : X();
  X BH = bosses ? d.add("boss_hole", boss_hole, "hole diameter in the bosses") : X();
  X BT = bosses ? d.add("boss_height", boss_h, "boss height above the floor") : X();
  X BX = bosses ? d.add("boss_spacing_x", bx, "boss spacing along X") : X();
  X BY = bosses ? d.add("boss_spacing_y", by, "boss spacing along Y") : X();

  Part part;
  part.family = "enclosure";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = (c.style == "sketch" ? 8 : 4) + (bosses ? 8 : 0);

  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    std::string s;
    if (style == "chain") {
      s = fmt::format(
          "{} = (\n    cq.Workplane(\"XY\")\n    .box({}, {}, {}, centered=(True, True, False))\n"
          "    .edges(\"|Z\")\n    .fillet({})\n    .faces(\">Z\")\n    .shell(-{})\n)\n",
          bosses ? "shell" : "result", w(L), w(Wd), w(H), w(R), w(T));
      if (!bosses) return s;
      return s + fmt::format(
                     "bosses = cq.Workplane(\"XY\", origin={}).rarray({}, {}, 2, 2).circle({})"
                     ".extrude({})\n"
                     "holes = cq.Workplane(\"XY\", origin={}).rarray({}, {}, 2, 2).circle({})"
                     ".extrude({})\n"
                     "result = shell.union(bosses).cut(holes)\n",
                     w.pt(X(0), X(0), T), w(BX), w(BY), w(BD / 2), w(BT), w.pt(X(0), X(0), T),
                     w(BX), w(BY), w(BH / 2), w(BT));
    }
    if (style == "sketch") {
      s = fmt::format(
          "outline = cq.Sketch().rect({}, {}).vertices().fillet({})\n"
          "{} = cq.Workplane(\"XY\").placeSketch(outline).extrude({}).faces(\">Z\").shell(-{})\n",
          w(L), w(Wd), w(R), bosses ? "shell" : "result", w(H), w(T));
      if (!bosses) return s;
      return s + fmt::format(
                     "bosses = cq.Sketch().rarray({}, {}, 2, 2).circle({}).circle({}, mode=\"s\")\n"
                     "result = shell.union(cq.Workplane(\"XY\", origin={}).placeSketch(bosses)"
                     ".extrude({}))\n",
                     w(BX), w(BY), w(BD / 2), w(BH / 2), w.pt(X(0), X(0), T), w(BT));
    }
    s = fmt::format(
        "plane = {}\nbox = cq.Workplane(plane).box({}, {}, {}, centered=(True, True, False))\n"
        "box = box.edges(\"|Z\").fillet({}).faces(\">Z\").shell(-{})\n",
        kPlaneXY, w(L), w(Wd), w(H), w(R), w(T));
    if (!bosses) return s + "result = box\n";
    return s + fmt::format(
                   "for sx in (-1, 1):\n    for sy in (-1, 1):\n"
                   "        boss_plane = cq.Plane(origin=(sx * {}, sy * {}, {}), xDir=(1, 0, 0), "
                   "normal=(0, 0, 1))\n"
                   "        boss = cq.Workplane(boss_plane).circle({}).circle({}).extrude({})\n"
                   "        box = box.union(boss)\nresult = box\n",
                   w(BX / 2), w(BY / 2), w(T), w(BD / 2), w(BH / 2), w(BT));
  });

  part.features.push_back(
      {"base",
       fmt::format("{} {} box centred in X and Y, standing on the XY plane", article(num(length)),
                   size3(length, width, height)),
       {fmt::format("the box spans x = -{0} to {0}, y = -{1} to {1}, z = 0 to {2}", num(length / 2),
                    num(width / 2), num(height))}});
  part.features.push_back(
      {"fillet",
       fmt::format("the four vertical outside corners are rounded with r = {} mm", num(radius)),
       {}});
  part.features.push_back(
      {"shell",
       fmt::format("the box is hollowed out with the top face removed, leaving {} mm walls and "
                   "floor",
                   num(wall)),
       {fmt::format("the cavity spans x = -{0} to {0}, y = -{1} to {1}, z = {2} to {3}",
                    num(length / 2 - wall), num(width / 2 - wall), num(wall), num(height)),
        fmt::format("the inside corners keep a {} - {} = {} mm radius", num(radius), num(wall),
                    num(radius - wall))}});
  if (bosses)
    part.features.push_back(
        {"boss",
         fmt::format("four screw bosses of {} mm diameter with {} mm holes, {} mm high, standing "
                     "on the floor on a {} rectangle",
                     num(boss_d), num(boss_hole), num(boss_h), size2(bx, by)),
         {fmt::format("the bosses are {0} mm in from the outside faces: x = +/-({1} - {0}) = "
                      "+/-{2}, y = +/-({3} - {0}) = +/-{4}",
                      num(inset), num(length / 2), num(bx / 2), num(width / 2), num(by / 2)),
          fmt::format("they start on the floor at z = {} and end at z = {}", num(wall),
                      num(wall + boss_h))}});
  part.text_abstract =
      fmt::format(fmt::runtime(pick(rng, {"An open-top enclosure with rounded corners{0}.",
                                          "A shelled box housing, {1}{0}.",
                                          "A thin-walled rectangular tray{0}."})),
                  bosses ? " and four screw bosses inside" : "", size3(length, width, height));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The enclosure measures {0} mm (X) by {1} mm (Y) by {2} mm (Z) "
                              "outside.",
                              "Outside size {0} x {1} x {2} mm, open at the top."})),
      num(length), num(width), num(height));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

}  // namespace

Family pocket_block_family() {
  return {"pocket_block", "block with a rectangular pocket (or an open frame) and corner holes",
          kPocketLevels, kPocketStyles, &polished<pocket_block>};
}
Family channel_family() {
  return {"channel", "U channel section, optionally with holes in the web", kChannelLevels,
          kChannelStyles, &polished<channel>};
}
Family tslot_block_family() {
  return {"tslot_block", "block with a T-slot along its length", kTslotLevels, kTslotStyles,
          &polished<tslot_block>};
}
Family wedge_family() {
  return {"wedge", "triangular or trapezoidal wedge block", kWedgeLevels, kWedgeStyles,
          &polished<wedge>};
}
Family enclosure_family() {
  return {"enclosure", "open-top shelled box with rounded corners, optionally with bosses",
          kBoxLevels, kBoxStyles, &polished<enclosure>};
}

}  // namespace cad::data::fam
