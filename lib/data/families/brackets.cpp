// Brackets: an L-bracket (profile, two-rectangle sketch or two boxes) and a bracket with
// triangular gusset ribs.
#include <fmt/format.h>

#include <cmath>

#include "data/families/common.h"

namespace cad::data::fam {

namespace {

/// Centred positions of n items at `pitch`.
std::vector<double> row(int n, double pitch) {
  std::vector<double> xs;
  for (int i = 0; i < n; ++i) xs.push_back((i - (n - 1) / 2.0) * pitch);
  return xs;
}

/// "[(x0, y), (x1, y)]" for the hard-coded code, a comprehension for the named one.
std::string row_points(const W& w, const std::vector<double>& xs, const X& n, const X& pitch,
                       const X& y) {
  if (w.named) {
    if (xs.size() == 1) return fmt::format("[(0, {})]", w(y));
    return fmt::format("[((i - ({} - 1) / 2) * {}, {}) for i in range({})]", w(n), w(pitch), w(y),
                       w(n));
  }
  std::vector<std::pair<double, double>> pts;
  for (double x : xs) pts.emplace_back(x, y.value);
  return point_list(pts);
}

/// "for x in [...]" list: literal numbers, or a comprehension.
std::string row_list(const W& w, const std::vector<double>& xs, const X& n, const X& pitch) {
  if (w.named) {
    if (xs.size() == 1) return "[0]";
    return fmt::format("[(i - ({} - 1) / 2) * {} for i in range({})]", w(n), w(pitch), w(n));
  }
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + num(xs[i]);
  return out + "]";
}

std::string x_positions(const std::vector<double>& xs) {
  return xs.size() == 1 ? "x = 0" : "x = " + value_list(xs, false);
}

// ---------------------------------------------------------------------------------------
// l_bracket

const std::vector<Level> kLLevels{Level::L, Level::S, Level::SE, Level::MSE};
const std::vector<std::string> kLStyles{"chain", "sketch", "plane"};

Part l_bracket(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "l_bracket"));
  Choice c = choose(rng, "l_bracket", kLLevels, kLStyles, options);
  double width = rng.dimension(30, 80, 5);
  double depth = rng.dimension(40, 100, 5);
  double height = rng.dimension(40, 100, 5);
  double thick = rng.dimension(4, 10, 1);
  bool holes = c.level == Level::SE || c.level == Level::MSE;
  double hole = rng.choice(std::vector<double>{4.5, 5.5, 6.5, 9});
  double radius = holes ? rng.dimension(2, std::min(8.0, thick - 0.5), 0.5) : 0;
  // Two holes per leg when the width leaves room for them, else one in the middle.
  double lo = hole + 8, hi = width - hole - 8;
  int n = hi >= lo ? 2 : 1;
  double pitch = n == 2 ? rng.dimension(lo, hi, 5) : 0;
  if (n == 2 && pitch > hi) pitch = lo;  // no multiple of 5 in range
  // Hole positions: from the free end of the base and from the top of the upright.
  double clear = thick + radius + hole / 2 + 2;
  double base_y = rng.dimension(std::ceil(clear), depth - hole / 2 - 3, 0.5);
  double base_y_nice = std::round(base_y / 5) * 5;
  if (base_y_nice >= clear && base_y_nice <= depth - hole / 2 - 3) base_y = base_y_nice;
  double up_z = rng.dimension(std::ceil(clear), height - hole / 2 - 3, 0.5);
  double up_z_nice = std::round(up_z / 5) * 5;
  if (up_z_nice >= clear && up_z_nice <= height - hole / 2 - 3) up_z = up_z_nice;

  Dims d;
  X Wd = d.add("width", width, "bracket width along X");
  X A = d.add("base_length", depth, "length of the base leg along Y");
  X H = d.add("height", height, "height of the upright leg along Z");
  X T = d.add("thickness", thick, "thickness of both legs");
  X R, D, N, P, YB, ZU;
  if (holes) {
    R = d.add("bend_radius", radius, "fillet radius inside the bend");
    D = d.add("hole_diameter", hole, "diameter of the mounting holes");
    if (n == 2) {
      N = d.add("holes", n, "holes per leg");
      P = d.add("hole_pitch", pitch, "hole spacing along X");
    } else {
      N = X(1);
      P = X(0.0);
    }
    YB = d.add("base_hole_y", base_y, "distance of the base holes from the back face");
    ZU = d.add("upright_hole_z", up_z, "height of the upright holes above the bottom");
  }
  std::vector<double> xs = row(n, pitch);

  Part part;
  part.family = "l_bracket";
  part.level = c.level;
  part.style = c.style;
  bool two_rects = c.level == Level::S || c.level == Level::MSE;
  part.n_curves = (two_rects ? 8 : 6) + (holes ? 2 * n : 0);

  const std::string style = c.style;
  const Level level = c.level;
  write_code(part, d, [&](const W& w) {
    // The L profile in the YZ plane (local x = Y, local y = Z), counter-clockwise.
    std::vector<std::pair<X, X>> prof{{X(0), X(0)}, {A, X(0)}, {A, T}, {T, T}, {T, H}, {X(0), H}};
    std::string s;
    std::string fillet =
        fmt::format(".edges(\"|X exc (<Y or >Y)\").edges(\"<Z\").fillet({})", holes ? w(R) : "");
    // Holes drilled from the base top face and from the back face of the upright.
    std::string drill =
        holes ? fmt::format(
                    ".faces(\"<Y\").workplane().pushPoints({}).hole({})\n"
                    "    .faces(\">Z[1]\").workplane().pushPoints({}).hole({})",
                    row_points(w, xs, N, P, ZU), w(D), row_points(w, xs, N, P, YB), w(D))
              : "";
    if (level == Level::L || level == Level::SE) {
      std::string body;
      if (style == "chain") {
        s = "pts = " + profile_list(w, prof, false) + "\n";
        body = fmt::format("cq.Workplane(\"YZ\").polyline(pts).close().extrude({}, both=True)",
                           w(Wd / 2));
      } else if (style == "sketch") {
        s = "pts = " + profile_list(w, prof, true) + "\nprofile = cq.Sketch().polygon(pts)\n";
        body = fmt::format("cq.Workplane(\"YZ\").placeSketch(profile).extrude({}, both=True)",
                           w(Wd / 2));
      } else {
        s = fmt::format("plane = cq.Plane(origin={}, xDir=(0, 1, 0), normal=(1, 0, 0))\n",
                        w.pt(-Wd / 2, X(0), X(0)));
        s += "pts = " + profile_list(w, prof, false) + "\n";
        body = fmt::format("cq.Workplane(plane).polyline(pts).close().extrude({})", w(Wd));
      }
      if (level == Level::L) return s + "result = " + body + "\n";
      if (style != "plane")
        return s + "result = (\n    " + body + "\n    " + fillet + "\n    " + drill + "\n)\n";
      s += "bracket = " + body + "\n";
      s += "bracket = bracket" + fillet + "\n";
    } else if (level == Level::S) {
      if (style == "chain")
        return fmt::format(
            "result = (\n    cq.Workplane(\"YZ\")\n    .sketch()\n    .push([{}])\n    .rect({}, "
            "{})\n"
            "    .push([{}])\n    .rect({}, {})\n    .clean()\n    .finalize()\n"
            "    .extrude({}, both=True)\n)\n",
            w.pt(A / 2, T / 2), w(A), w(T), w.pt(T / 2, H / 2), w(T), w(H), w(Wd / 2));
      if (style == "sketch")
        return fmt::format(
            "profile = (\n    cq.Sketch()\n    .push([{}])\n    .rect({}, {})\n    .push([{}])\n"
            "    .rect({}, {})\n    .clean()\n)\n"
            "result = cq.Workplane(\"YZ\").placeSketch(profile).extrude({}, both=True)\n",
            w.pt(A / 2, T / 2), w(A), w(T), w.pt(T / 2, H / 2), w(T), w(H), w(Wd / 2));
      return fmt::format(
          "plane = cq.Plane(origin={}, xDir=(0, 1, 0), normal=(1, 0, 0))\n"
          "legs = [{}, {}]  # (centre y, centre z, size y, size z)\n"
          "profile = cq.Sketch()\nfor y, z, dy, dz in legs:\n"
          "    profile = profile.push([(y, z)]).rect(dy, dz)\n"
          "result = cq.Workplane(plane).placeSketch(profile.clean()).extrude({})\n",
          w.pt(-Wd / 2, X(0), X(0)),
          fmt::format("({}, {}, {}, {})", w(A / 2), w(T / 2), w(A), w(T)),
          fmt::format("({}, {}, {}, {})", w(T / 2), w(H / 2), w(T), w(H)), w(Wd));
    } else {  // MSE: two boxes
      if (style == "chain") {
        s = fmt::format(
            "base = cq.Workplane(\"XY\").box({}, {}, {}, centered=(True, False, False))\n"
            "upright = cq.Workplane(\"XY\").box({}, {}, {}, centered=(True, False, False))\n",
            w(Wd), w(A), w(T), w(Wd), w(T), w(H));
        return s + "result = (\n    base.union(upright)\n    " + fillet + "\n    " + drill +
               "\n)\n";
      }
      if (style == "sketch") {
        s = fmt::format(
            "base = cq.Workplane(\"XY\").placeSketch(cq.Sketch().push([{}]).rect({}, {}))"
            ".extrude({})\n"
            "upright = cq.Workplane(\"XZ\", origin={}).placeSketch(cq.Sketch().push([{}])"
            ".rect({}, {})).extrude({})\n",
            w.pt(X(0), A / 2), w(Wd), w(A), w(T), w.pt(X(0), T, X(0)), w.pt(X(0), H / 2), w(Wd),
            w(H), w(T));
        return s + "result = (\n    base.union(upright)\n    " + fillet + "\n    " + drill +
               "\n)\n";
      }
      s = fmt::format(
          "base_plane = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))\n"
          "back_plane = cq.Plane(origin={}, xDir=(1, 0, 0), normal=(0, -1, 0))\n"
          "base = cq.Workplane(base_plane).center(0, {}).rect({}, {}).extrude({})\n"
          "upright = cq.Workplane(back_plane).center(0, {}).rect({}, {}).extrude({})\n"
          "bracket = base.union(upright){}\n",
          w.pt(X(0), T, X(0)), w(A / 2), w(Wd), w(A), w(T), w(H / 2), w(Wd), w(H), w(T), fillet);
    }
    // Plane style (SE and MSE): holes as cylinders cut in a loop.
    s += fmt::format(
        "floor_plane = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))\n"
        "wall_plane = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, -1, 0))\n"
        "for x in {}:\n"
        "    bracket = bracket.cut(cq.Workplane(floor_plane).center(x, {}).circle({})"
        ".extrude({}))\n"
        "    bracket = bracket.cut(cq.Workplane(wall_plane).center(x, {}).circle({})"
        ".extrude({}))\n"
        "result = bracket\n",
        row_list(w, xs, N, P), w(YB), w(D / 2), w(T), w(ZU), w(D / 2), w(-T));
    return s;
  });

  // Features.
  std::string size = size3(width, depth, height);
  if (level == Level::S || level == Level::MSE) {
    part.features.push_back(
        {"base",
         level == Level::S
             ? fmt::format("a sketch in the YZ plane made of two rectangles, {} (the base leg) "
                           "and {} (the upright leg), merged into an L and extruded {} mm "
                           "symmetrically along X",
                           size2(depth, thick), size2(thick, height), num(width))
             : fmt::format("the base leg, {} {} box (X x Y x Z) standing on the XY plane from "
                           "the back face y = 0 forward",
                           article(num(width)), size3(width, depth, thick)),
         {fmt::format("the legs share the back face at y = 0 and the bottom at z = 0; the "
                      "bracket is centred in X, from x = -{0} to {0}",
                      num(width / 2))}});
    if (level == Level::MSE)
      part.features.push_back(
          {"join",
           fmt::format("the upright leg, {} {} box, joined at the back: y = 0 to {}, z = 0 to {}",
                       article(num(width)), size3(width, thick, height), num(thick), num(height)),
           {}});
  } else {
    part.features.push_back(
        {"base",
         fmt::format("an L profile in the YZ plane, a base leg {} mm long and an upright {} mm "
                     "high, both {} mm thick, extruded {} mm along X, centred on x = 0",
                     num(depth), num(height), num(thick), num(width)),
         {fmt::format("profile corners (y, z): (0, 0), ({0}, 0), ({0}, {1}), ({1}, {1}), ({1}, "
                      "{2}), (0, {2})",
                      num(depth), num(thick), num(height)),
          fmt::format("the inner corner of the bend is at y = {0}, z = {0}, the thickness "
                      "measured from the back and the bottom",
                      num(thick))}});
  }
  if (holes) {
    std::string spacing =
        n == 2 ? fmt::format(", {} mm apart along X and centred on the bracket width", num(pitch))
               : ", on the centre of the width";
    part.features.push_back(
        {"fillet",
         fmt::format("the inner edge of the bend (at y = {0}, z = {0}) is filleted with a {1} mm "
                     "radius",
                     num(thick), num(radius)),
         {}});
    part.features.push_back(
        {"hole_pattern",
         fmt::format("{} {} mm through {} in the base leg, {} mm from the back face{}",
                     count_word(n), num(hole), n == 1 ? "hole" : "holes", num(base_y), spacing),
         {fmt::format("the holes are at {}, y = {}, drilled down through the {} mm base",
                      x_positions(xs), num(base_y), num(thick)),
          fmt::format("the left side is at x = -{}, so the first hole is {} mm from it",
                      num(width / 2), num(width / 2 + xs.front())),
          fmt::format("the free end of the base is at y = {}, so they are {} - {} = {} mm from it",
                      num(depth), num(depth), num(base_y), num(depth - base_y))}});
    part.features.push_back(
        {"hole_pattern",
         fmt::format("{} {} mm through {} in the upright leg, {} mm above the bottom{}",
                     count_word(n), num(hole), n == 1 ? "hole" : "holes", num(up_z), spacing),
         {fmt::format("the holes are at {}, z = {}, drilled through the upright along Y",
                      x_positions(xs), num(up_z)),
          fmt::format("the top of the upright is at z = {}, so they are {} mm below it",
                      num(height), num(height - up_z))}});
  }
  part.text_abstract = fmt::format(
      fmt::runtime(pick(rng, {"An L-shaped bracket{0}.", "A right-angle bracket, {1}{0}.",
                              "An angle bracket made of a {2} mm thick base and upright{0}."})),
      holes ? fmt::format(" with {} holes in each leg", count_word(n)) : "", size, num(thick));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The bracket is {0} mm wide (X); its base leg runs {1} mm along Y "
                              "and its upright rises {2} mm along Z; both legs are {3} mm "
                              "thick.",
                              "Overall {0} mm (X) by {1} mm (Y) by {2} mm (Z), with {3} mm "
                              "thick legs."})),
      num(width), num(depth), num(height), num(thick));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

// ---------------------------------------------------------------------------------------
// rib_bracket

const std::vector<Level> kRibLevels{Level::MSE};
const std::vector<std::string> kRibStyles{"chain", "plane"};

Part rib_bracket(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "rib_bracket"));
  Choice c = choose(rng, "rib_bracket", kRibLevels, kRibStyles, options);
  double width = rng.dimension(50, 100, 5);
  double thick = rng.dimension(5, 12, 1);
  double rib_t = rng.dimension(4, thick, 1);
  double hole = rng.choice(std::vector<double>{5.5, 6.5, 9, 11});
  double depth = rng.dimension(std::max(50.0, thick + 20 + hole + 8), 120, 5);
  double height = rng.dimension(50, 120, 5);
  double rib_l = rng.dimension(20, depth - thick - hole - 6, 5);
  double rib_h = rng.dimension(20, height - thick - 5, 5);
  bool two = rng.chance(0.5);
  // Holes between the side ribs, or either side of the central rib.
  double pitch;
  if (two) {
    double hi = width - 2 * rib_t - hole - 6;
    pitch = rng.dimension(std::min(hi, 20.0), hi, 5);
    if (pitch > hi) pitch = std::floor(hi);
  } else {
    double lo = rib_t + hole + 6;
    pitch = rng.dimension(lo, width - hole - 8, 5);
    if (pitch < lo) pitch = std::ceil(lo);
  }
  double base_y = std::round((depth + thick + rib_l) / 2 * 2) / 2;  // middle of the free base
  double up_z = rng.dimension(thick + hole / 2 + 3, height - hole / 2 - 4, 1);

  Dims d;
  X Wd = d.add("width", width, "bracket width along X");
  X A = d.add("base_length", depth, "base leg length along Y");
  X H = d.add("height", height, "upright height along Z");
  X T = d.add("thickness", thick, "thickness of base and upright");
  X RT = d.add("rib_thickness", rib_t, "gusset thickness along X");
  X RL = d.add("rib_length", rib_l, "gusset length along the base, from the upright");
  X RH = d.add("rib_height", rib_h, "gusset height along the upright, from the base");
  X D = d.add("hole_diameter", hole, "mounting hole diameter");
  X P = d.add("hole_pitch", pitch, "hole spacing along X");
  X YB = d.add("base_hole_y", base_y, "distance of the base holes from the back face");
  X ZU = d.add("upright_hole_z", up_z, "height of the upright holes");

  Part part;
  part.family = "rib_bracket";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = 8 + (c.style == "plane" && two ? 6 : 3) + 4;

  std::vector<double> ribs =
      two ? std::vector<double>{-(width - rib_t) / 2, (width - rib_t) / 2} : std::vector<double>{0};
  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    std::string tri = fmt::format("[{}, {}, {}]", w.pt(T, T), w.pt(T + RL, T), w.pt(T, T + RH));
    std::string s;
    if (style == "chain") {
      s = fmt::format(
          "base = cq.Workplane(\"XY\").box({}, {}, {}, centered=(True, False, False))\n"
          "upright = cq.Workplane(\"XY\").box({}, {}, {}, centered=(True, False, False))\n",
          w(Wd), w(A), w(T), w(Wd), w(T), w(H));
      X x0 = two ? Wd / 2 - RT : -RT / 2;
      s += fmt::format("rib = cq.Workplane(\"YZ\", origin={}).polyline({}).close().extrude({})\n",
                       w.pt(x0, X(0), X(0)), tri, w(RT));
      if (two) s += "ribs = rib.mirror(\"YZ\", union=True)\n";
      s += fmt::format(
          "result = (\n    base.union(upright)\n    .union({})\n"
          "    .faces(\"<Y\").workplane().center(0, {}).rarray({}, 1, 2, 1).hole({})\n"
          "    .faces(\">Z[1]\").workplane().center(0, {}).rarray({}, 1, 2, 1).hole({})\n)\n",
          two ? "ribs" : "rib", w(ZU), w(P), w(D), w(YB), w(P), w(D));
      return s;
    }
    s = fmt::format(
        "floor_plane = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))\n"
        "wall_plane = cq.Plane(origin={}, xDir=(1, 0, 0), normal=(0, -1, 0))\n"
        "base = cq.Workplane(floor_plane).center(0, {}).rect({}, {}).extrude({})\n"
        "upright = cq.Workplane(wall_plane).center(0, {}).rect({}, {}).extrude({})\n"
        "bracket = base.union(upright)\n",
        w.pt(X(0), T, X(0)), w(A / 2), w(Wd), w(A), w(T), w(H / 2), w(Wd), w(H), w(T));
    std::string rib_xs;
    if (w.named)
      rib_xs =
          two ? fmt::format("[-({} - {}) / 2, ({} - {}) / 2]", w(Wd), w(RT), w(Wd), w(RT)) : "[0]";
    else
      rib_xs = "[" + (two ? num(ribs[0]) + ", " + num(ribs[1]) : std::string("0")) + "]";
    s += fmt::format(
        "for x in {}:  # gusset centres\n"
        "    side = cq.Plane(origin=(x - {}, 0, 0), xDir=(0, 1, 0), normal=(1, 0, 0))\n"
        "    bracket = bracket.union(cq.Workplane(side).polyline({}).close().extrude({}))\n",
        rib_xs, w(RT / 2), tri, w(RT));
    s += fmt::format(
        "for x in [-{0} / 2, {0} / 2]:\n"
        "    bracket = bracket.cut(cq.Workplane(floor_plane).center(x, {1}).circle({2})"
        ".extrude({3}))\n"
        "    bracket = bracket.cut(cq.Workplane(wall_plane).center(x, {4}).circle({2})"
        ".extrude({5}))\n"
        "result = bracket\n",
        w(P), w(YB), w(D / 2), w(T), w(ZU), w(T));
    return s;
  });

  part.features.push_back(
      {"base",
       fmt::format("the base plate, {} {} box (X x Y x Z) on the XY plane, centred in X and "
                   "running from the back face y = 0 forward",
                   article(num(width)), size3(width, depth, thick)),
       {fmt::format("the base spans x = -{0} to {0}, y = 0 to {1}, z = 0 to {2}", num(width / 2),
                    num(depth), num(thick))}});
  part.features.push_back(
      {"join",
       fmt::format("the upright, {} {} box, joined along the back edge: y = 0 to {}, z = 0 to {}",
                   article(num(width)), size3(width, thick, height), num(thick), num(height)),
       {}});
  Feature rib{
      "rib",
      fmt::format("{} triangular {} {} mm thick, with legs of {} mm along the base and "
                  "{} mm up the upright, filling the inside corner{}",
                  two ? "two" : "a", two ? "gussets" : "gusset", num(rib_t), num(rib_l), num(rib_h),
                  two ? ", flush with the two sides" : ", centred on the width"),
      {fmt::format("the triangle corners (y, z) are ({0}, {0}), ({0} + {1}, {0}) = ({2}, "
                   "{0}) and ({0}, {0} + {3}) = ({0}, {4})",
                   num(thick), num(rib_l), num(thick + rib_l), num(rib_h), num(thick + rib_h))}};
  if (two)
    rib.placement.push_back(fmt::format(
        "the gussets are flush with the sides: x = {} to {} and its mirror image about x = 0, "
        "centres at x = {}",
        num(width / 2 - rib_t), num(width / 2), value_list(ribs, false)));
  else
    rib.placement.push_back(
        fmt::format("the gusset is centred on x = 0, from x = -{0} to {0}", num(rib_t / 2)));
  part.features.push_back(rib);
  if (two && style == "chain")
    part.features.push_back(
        {"mirror", "the gusset is mirrored about the YZ plane to make the second one", {}});
  part.features.push_back(
      {"hole_pattern",
       fmt::format("two {} mm through holes in the base, {} mm apart along X, {} mm from the "
                   "back face",
                   num(hole), num(pitch), num(base_y)),
       {fmt::format("x = -{0} and {0}; y = {1}, midway between the gusset tip at y = {2} and "
                    "the front edge at y = {3}",
                    num(pitch / 2), num(base_y), num(thick + rib_l), num(depth))}});
  part.features.push_back(
      {"hole_pattern",
       fmt::format("two {} mm through holes in the upright, {} mm apart along X, {} mm above the "
                   "bottom",
                   num(hole), num(pitch), num(up_z)),
       {fmt::format("x = -{0} and {0}, z = {1}", num(pitch / 2), num(up_z)),
        fmt::format("the left side is at x = -{}, so the left holes are {} mm from it",
                    num(width / 2), num(width / 2 - pitch / 2))}});
  part.text_abstract = fmt::format(
      fmt::runtime(pick(rng, {"A gusseted angle bracket with {0} and four mounting holes.",
                              "A stiffened L-bracket, {1}, reinforced by {0}.",
                              "A heavy right-angle bracket with {0} between base and upright."})),
      two ? "two side gussets" : "a central gusset", size3(width, depth, height));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The bracket is {0} mm wide along X, its base {1} mm long along Y "
                              "and its upright {2} mm high; plates are {3} mm thick.",
                              "Base {1} mm deep, upright {2} mm tall, width {0} mm, plate "
                              "thickness {3} mm."})),
      num(width), num(depth), num(height), num(thick));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

}  // namespace

Family l_bracket_family() {
  return {"l_bracket", "L-shaped angle bracket, optionally with a bend fillet and holes", kLLevels,
          kLStyles, &polished<l_bracket>};
}
Family rib_bracket_family() {
  return {"rib_bracket", "angle bracket stiffened by one or two triangular gussets", kRibLevels,
          kRibStyles, &polished<rib_bracket>};
}

}  // namespace cad::data::fam
