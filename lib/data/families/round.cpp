// Round parts: a flange with a bolt circle, a stepped shaft, a bushing and a hexagonal spacer.
#include <fmt/format.h>

#include <cmath>

#include "data/families/common.h"

namespace cad::data::fam {

namespace {

const char* kPlaneXY = "cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))";

/// Angles of n holes on a full circle starting at 0 degrees.
std::string angle_list(int n) {
  std::vector<double> a;
  for (int i = 0; i < n; ++i) a.push_back(360.0 * i / n);
  std::string out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (i > 0) out += i + 1 == a.size() ? " and " : ", ";
    out += num(std::round(a[i] * 100) / 100);
  }
  return out + " degrees";
}

// ---------------------------------------------------------------------------------------
// flange

const std::vector<Level> kFlangeLevels{Level::F, Level::SE, Level::MSE};
const std::vector<std::string> kFlangeStyles{"chain", "sketch", "plane"};

Part flange(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "flange"));
  Choice c = choose(rng, "flange", kFlangeLevels, kFlangeStyles, options);
  bool hub = c.level == Level::MSE;
  double dia = 0, thick = 0, hub_d = 0, hub_h = 0, bore = 0, bolt = 0, bc = 0, chamfer = 0;
  int n = 4;
  for (int attempt = 0; attempt < 50; ++attempt) {
    dia = rng.dimension(60, 160, 5);
    thick = rng.dimension(8, 20, 1);
    bolt = rng.choice(std::vector<double>{6.5, 9, 11, 14});
    if (hub) {
      hub_d = rng.dimension(0.4 * dia, 0.6 * dia, 5);
      hub_h = rng.dimension(8, 30, 1);
      bore = rng.dimension(0.4 * hub_d, hub_d - 10, 1);
    } else {
      bore = rng.dimension(0.25 * dia, 0.45 * dia, 1);
    }
    double inner = (hub ? hub_d : bore) / 2 + bolt / 2 + 3;
    double outer = dia / 2 - bolt / 2 - 4;
    if (outer < inner) continue;
    bc = rng.dimension(2 * inner, 2 * outer, 5);
    if (bc < 2 * inner || bc > 2 * outer) bc = rng.dimension(2 * inner, 2 * outer, 1);
    if (bc < 2 * inner || bc > 2 * outer) continue;
    n = rng.integer(3, 8);
    while (n > 3 && bc * std::sin(M_PI / n) < bolt + 4) --n;
    if (bc * std::sin(M_PI / n) < bolt + 4) continue;
    break;
  }
  if (c.level == Level::SE) chamfer = rng.dimension(1, std::min(3.0, thick / 4), 0.5);

  Dims d;
  X D = d.add("diameter", dia, "outer diameter of the flange disc");
  X T = d.add("thickness", thick, "disc thickness");
  X HD = hub ? d.add("hub_diameter", hub_d, "diameter of the raised hub") : X();
  X HH = hub ? d.add("hub_height", hub_h, "hub height above the disc") : X();
  X B = d.add("bore", bore, "central bore diameter");
  X BC = d.add("bolt_circle", bc, "bolt circle diameter");
  X BD = d.add("bolt_hole", bolt, "bolt hole diameter");
  X N = d.add("bolt_count", n, "number of bolt holes");
  X C = chamfer > 0 ? d.add("chamfer", chamfer, "chamfer of the top outer edge") : X();

  Part part;
  part.family = "flange";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = 2 + n + (hub ? 1 : 0);

  const std::string style = c.style;
  const Level level = c.level;
  write_code(part, d, [&](const W& w) {
    std::string loop = fmt::format(
        "bolts = []\nfor i in range({}):\n    angle = math.radians(i * 360 / {})\n"
        "    bolts.append(({} * math.cos(angle), {} * math.sin(angle)))\n",
        w(N), w(N), w(BC / 2), w(BC / 2));
    if (level == Level::F) {
      if (style == "chain")
        return fmt::format(
            "result = (\n    cq.Workplane(\"XY\")\n    .circle({})\n    .circle({})\n"
            "    .polarArray({}, 0, 360, {})\n    .circle({})\n    .extrude({})\n)\n",
            w(D / 2), w(B / 2), w(BC / 2), w(N), w(BD / 2), w(T));
      if (style == "sketch")
        return fmt::format(
            "gasket = (\n    cq.Sketch()\n    .circle({})\n    .circle({}, mode=\"s\")\n"
            "    .parray({}, 0, 360, {})\n    .circle({}, mode=\"s\")\n)\n"
            "result = cq.Workplane(\"XY\").placeSketch(gasket).extrude({})\n",
            w(D / 2), w(B / 2), w(BC / 2), w(N), w(BD / 2), w(T));
      return fmt::format("plane = {}\n", kPlaneXY) + loop +
             fmt::format(
                 "result = cq.Workplane(plane).circle({}).circle({}).pushPoints(bolts)"
                 ".circle({}).extrude({})\n",
                 w(D / 2), w(B / 2), w(BD / 2), w(T));
    }
    if (level == Level::SE) {
      if (style == "chain")
        return fmt::format(
            "result = (\n    cq.Workplane(\"XY\")\n    .circle({})\n    .extrude({})\n"
            "    .faces(\">Z\")\n    .edges()\n    .chamfer({})\n    .faces(\">Z\")\n"
            "    .workplane()\n    .hole({})\n    .faces(\">Z\")\n    .workplane()\n"
            "    .polarArray({}, 0, 360, {})\n    .hole({})\n)\n",
            w(D / 2), w(T), w(C), w(B), w(BC / 2), w(N), w(BD));
      if (style == "sketch")
        return fmt::format(
            "disc = cq.Sketch().circle({})\n"
            "result = (\n    cq.Workplane(\"XY\")\n    .placeSketch(disc)\n    .extrude({})\n"
            "    .faces(\">Z\")\n    .edges()\n    .chamfer({})\n    .faces(\">Z\")\n"
            "    .workplane()\n    .hole({})\n    .faces(\">Z\")\n    .workplane()\n"
            "    .polarArray({}, 0, 360, {})\n    .hole({})\n)\n",
            w(D / 2), w(T), w(C), w(B), w(BC / 2), w(N), w(BD));
      return fmt::format("plane = {}\n", kPlaneXY) +
             fmt::format(
                 "disc = cq.Workplane(plane).circle({}).extrude({}).faces(\">Z\").edges()"
                 ".chamfer({})\n",
                 w(D / 2), w(T), w(C)) +
             loop +
             fmt::format(
                 "result = disc.faces(\">Z\").workplane().hole({}).faces(\">Z\").workplane()"
                 ".pushPoints(bolts).hole({})\n",
                 w(B), w(BD));
    }
    if (style == "chain")
      return fmt::format(
          "result = (\n    cq.Workplane(\"XY\")\n    .circle({})\n    .extrude({})\n"
          "    .faces(\">Z\")\n    .workplane()\n    .circle({})\n    .extrude({})\n"
          "    .faces(\">Z\")\n    .workplane()\n    .hole({})\n    .faces(\">Z[1]\")\n"
          "    .workplane()\n    .polarArray({}, 0, 360, {})\n    .hole({})\n)\n",
          w(D / 2), w(T), w(HD / 2), w(HH), w(B), w(BC / 2), w(N), w(BD));
    if (style == "sketch")
      return fmt::format(
          "disc = cq.Sketch().circle({}).parray({}, 0, 360, {}).circle({}, mode=\"s\")\n"
          "hub = cq.Sketch().circle({})\n"
          "result = (\n    cq.Workplane(\"XY\")\n    .placeSketch(disc)\n    .extrude({})\n"
          "    .faces(\">Z\")\n    .workplane()\n    .placeSketch(hub)\n    .extrude({})\n"
          "    .faces(\">Z\")\n    .workplane()\n    .hole({})\n)\n",
          w(D / 2), w(BC / 2), w(N), w(BD / 2), w(HD / 2), w(T), w(HH), w(B));
    return fmt::format(
               "base_plane = {}\nhub_plane = cq.Plane(origin={}, xDir=(1, 0, 0), normal=(0, 0, "
               "1))\n",
               kPlaneXY, w.pt(X(0), X(0), T)) +
           fmt::format(
               "flange = cq.Workplane(base_plane).circle({}).extrude({})\n"
               "flange = flange.union(cq.Workplane(hub_plane).circle({}).extrude({}))\n"
               "flange = flange.cut(cq.Workplane(base_plane).circle({}).extrude({}))\n",
               w(D / 2), w(T), w(HD / 2), w(HH), w(B / 2), w(T + HH)) +
           loop +
           fmt::format(
               "for x, y in bolts:\n"
               "    flange = flange.cut(cq.Workplane(base_plane).center(x, y).circle({})"
               ".extrude({}))\nresult = flange\n",
               w(BD / 2), w(T));
  });

  part.features.push_back(
      {"base",
       level == Level::F
           ? fmt::format("{} {} mm circle centred on the origin of the XY plane, with the {} mm "
                         "bore circle and {} bolt hole circles inside it, extruded {} mm along +Z",
                         article(num(dia)), num(dia), num(bore), count_word(n), num(thick))
           : fmt::format("{} {} mm disc centred on the origin of the XY plane, extruded {} mm "
                         "along +Z",
                         article(num(dia)), num(dia), num(thick)),
       {fmt::format("the disc spans x and y from -{0} to {0}, z from 0 to {1}", num(dia / 2),
                    num(thick))}});
  if (level == Level::SE)
    part.features.push_back(
        {"chamfer", fmt::format("the top outer edge is chamfered {} mm", num(chamfer)), {}});
  if (hub)
    part.features.push_back(
        {"boss",
         fmt::format("a hub {} mm in diameter and {} mm high on top of the disc", num(hub_d),
                     num(hub_h)),
         {fmt::format("the hub is concentric with the disc and rises from z = {} to {} + {} = {}",
                      num(thick), num(thick), num(hub_h), num(thick + hub_h))}});
  if (level != Level::F)
    part.features.push_back({"hole",
                             fmt::format("a {} mm bore through the {} on the axis", num(bore),
                                         hub ? "hub and disc" : "disc"),
                             {"the bore is centred on x = 0, y = 0"}});
  part.features.push_back(
      {"hole_pattern",
       fmt::format("{} bolt holes of {} mm diameter equally spaced on a {} mm bolt circle, the "
                   "first on the +X axis",
                   capitalize(count_word(n)), num(bolt), num(bc)),
       {fmt::format("the bolt circle radius is {} / 2 = {}; the first hole is on the +X axis at "
                    "({}, 0) and the holes are at {}",
                    num(bc), num(bc / 2), num(bc / 2), angle_list(n))}});
  part.text_abstract = fmt::format(
      fmt::runtime(pick(rng, {"A round flange{0} with {1} bolt holes on a bolt circle.",
                              "A {2} mm pipe flange{0}, {1} bolt holes and a central bore.",
                              "A circular {3} with a bore and a ring of {1} bolt holes."})),
      hub ? " with a raised hub" : "", count_word(n), num(dia),
      level == Level::F ? "gasket-like flange plate" : "flange");
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The flange disc is {0} mm in diameter and {1} mm thick.",
                              "A disc of diameter {0} mm and thickness {1} mm forms the flange.",
                              "Flange: outer diameter {0} mm, thickness {1} mm."})),
      num(dia), num(thick));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

// ---------------------------------------------------------------------------------------
// stepped_shaft

const std::vector<Level> kShaftLevels{Level::SE, Level::MSE};
const std::vector<std::string> kShaftStyles{"chain", "plane"};

Part stepped_shaft(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "stepped_shaft"));
  Choice c = choose(rng, "stepped_shaft", kShaftLevels, kShaftStyles, options);
  int k = rng.integer(2, 4);
  std::vector<double> dias, lens;
  double dd = rng.dimension(20 + 6 * k, 60, 2);
  for (int i = 0; i < k; ++i) {
    dias.push_back(dd);
    lens.push_back(rng.dimension(10, 60, 5));
    dd = std::max(8.0, dd - rng.dimension(4, 12, 2));
  }
  double chamfer = rng.dimension(0.5, std::min(2.0, dias.back() / 8), 0.5);
  double total = 0;
  for (double l : lens) total += l;

  Dims d;
  std::vector<X> DI, LI;
  for (int i = 0; i < k; ++i) {
    DI.push_back(d.add(fmt::format("diameter_{}", i + 1), dias[i],
                       fmt::format("diameter of step {}{}", i + 1, i == 0 ? " (bottom)" : "")));
    LI.push_back(d.add(fmt::format("length_{}", i + 1), lens[i],
                       fmt::format("length of step {} along Z", i + 1)));
  }
  X C = d.add("chamfer", chamfer, "chamfer at both shaft ends");

  Part part;
  part.family = "stepped_shaft";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = c.level == Level::SE ? 2 * k + 2 : k;

  const std::string style = c.style;
  const Level level = c.level;
  write_code(part, d, [&](const W& w) {
    std::string ends =
        fmt::format(".faces(\">Z\").chamfer({}).faces(\"<Z\").chamfer({})", w(C), w(C));
    std::string steps = "steps = [";
    for (int i = 0; i < k; ++i) steps += (i ? ", " : "") + w.pt(DI[i], LI[i]);
    steps += "]  # (diameter, length) from the bottom up\n";
    if (level == Level::SE) {
      if (style == "chain") {
        std::string pts = "[(0, 0)";
        X z(0);
        for (int i = 0; i < k; ++i) {
          pts += ", " + w.pt(DI[i] / 2, z);
          z = i == 0 ? LI[0] : z + LI[i];
          pts += ", " + w.pt(DI[i] / 2, z);
        }
        pts += ", " + w.pt(X(0), z) + "]";
        return fmt::format(
            "profile = {}\nresult = (\n    cq.Workplane(\"XZ\")\n    .polyline(profile)\n"
            "    .close()\n    .revolve()\n    {}\n)\n",
            pts, ends);
      }
      return steps +
             "plane = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, -1, 0))\n"
             "profile = [(0, 0)]\nz = 0\nfor d, l in steps:\n    profile.append((d / 2, z))\n"
             "    z += l\n    profile.append((d / 2, z))\nprofile.append((0, z))\n"
             "shaft = cq.Workplane(plane).polyline(profile).close().revolve(360, (0, 0, 0), "
             "(0, 1, 0))\n"
             "result = shaft" +
             ends + "\n";
    }
    if (style == "chain") {
      std::string s = "result = (\n    cq.Workplane(\"XY\")\n";
      for (int i = 0; i < k; ++i) {
        if (i > 0) s += "    .faces(\">Z\").workplane()\n";
        s += fmt::format("    .circle({}).extrude({})\n", w(DI[i] / 2), w(LI[i]));
      }
      return s + "    " + ends + "\n)\n";
    }
    return steps +
           "shaft = cq.Workplane(\"XY\")\nz = 0\nfor d, l in steps:\n"
           "    plane = cq.Plane(origin=(0, 0, z), xDir=(1, 0, 0), normal=(0, 0, 1))\n"
           "    shaft = shaft.union(cq.Workplane(plane).circle(d / 2).extrude(l))\n"
           "    z += l\n"
           "result = shaft" +
           ends + "\n";
  });

  std::vector<std::string> zs;
  double z = 0;
  std::string step_text;
  for (int i = 0; i < k; ++i) {
    step_text += fmt::format("{}step {}: diameter {} mm from z = {} to {}", i ? "; " : "", i + 1,
                             num(dias[i]), num(z), num(z + lens[i]));
    z += lens[i];
  }
  if (level == Level::SE) {
    std::string pts = "(0, 0)";
    double zz = 0;
    for (int i = 0; i < k; ++i) {
      pts += fmt::format(", ({}, {})", num(dias[i] / 2), num(zz));
      zz += lens[i];
      pts += fmt::format(", ({}, {})", num(dias[i] / 2), num(zz));
    }
    pts += fmt::format(", (0, {})", num(zz));
    part.features.push_back(
        {"base",
         fmt::format("a stepped half profile in the XZ plane revolved 360 degrees about the Z "
                     "axis: {} steps with diameters {} and lengths {}, {} mm long in total",
                     count_word(k), value_list(dias), value_list(lens), num(total)),
         {"profile points (radius, z): " + pts, step_text}});
  } else {
    part.features.push_back(
        {"base",
         fmt::format("a {} mm diameter cylinder {} mm long, standing on the XY plane along +Z",
                     num(dias[0]), num(lens[0])),
         {"the shaft axis is the Z axis; the bottom face is at z = 0"}});
    double zz = lens[0];
    for (int i = 1; i < k; ++i) {
      part.features.push_back(
          {"join",
           fmt::format("a {} mm diameter step {} mm long on top of the previous one", num(dias[i]),
                       num(lens[i])),
           {fmt::format("it starts at z = {} and ends at z = {} + {} = {}", num(zz), num(zz),
                        num(lens[i]), num(zz + lens[i]))}});
      zz += lens[i];
    }
  }
  part.features.push_back(
      {"chamfer",
       fmt::format("both end edges are chamfered {} mm", num(chamfer)),
       {fmt::format("the ends are the faces at z = 0 and z = {}", num(total))}});
  part.text_abstract = fmt::format(
      fmt::runtime(pick(rng, {"A stepped shaft with {0} diameters and chamfered ends.",
                              "A {1} mm long turned shaft with {0} steps.",
                              "A cylindrical shaft stepping down from {2} mm to {3} mm in {0} "
                              "steps."})),
      count_word(k), num(total), num(dias[0]), num(dias.back()));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The shaft lies along the Z axis, {0} mm long overall, largest "
                              "diameter {1} mm.",
                              "A {0} mm long shaft on the Z axis; the bottom step is {1} mm in "
                              "diameter.",
                              "Overall length {0} mm, maximum diameter {1} mm, axis along Z."})),
      num(total), num(dias[0]));
  part.text_detailed =
      detailed_text(rng, opening, part.features, "Steps from the bottom: " + step_text + ".");
  return part;
}

// ---------------------------------------------------------------------------------------
// bushing

const std::vector<Level> kBushLevels{Level::F, Level::SE, Level::MSE};
const std::vector<std::string> kBushStyles{"chain", "sketch", "plane"};

Part bushing(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "bushing"));
  Choice c = choose(rng, "bushing", kBushLevels, kBushStyles, options);
  double outer = rng.dimension(12, 60, 1);
  double wall = rng.dimension(2.5, std::max(2.5, outer / 4), 0.5);
  double bore = outer - 2 * wall;
  double length = rng.dimension(10, 60, 1);
  bool flanged = c.level == Level::MSE;
  double fd = flanged ? rng.dimension(outer + 8, outer + 30, 1) : 0;
  double ft = flanged ? rng.dimension(2, std::min(8.0, length / 3), 0.5) : 0;
  double chamfer =
      c.level == Level::SE ? rng.dimension(0.5, std::min(1.5, wall / 2 - 0.5), 0.5) : 0;

  Dims d;
  X OD = d.add("outer_diameter", outer, "outside diameter of the tube");
  X ID = d.add("bore", bore, "inside diameter");
  X L = d.add("length", length, "overall length along Z");
  X FD = flanged ? d.add("flange_diameter", fd, "flange diameter") : X();
  X FT = flanged ? d.add("flange_thickness", ft, "flange thickness") : X();
  X C = chamfer > 0 ? d.add("chamfer", chamfer, "chamfer of all four circular edges") : X();

  Part part;
  part.family = "bushing";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = flanged ? (c.style == "sketch" ? 4 : 3) : 2;

  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    std::string cham = chamfer > 0 ? fmt::format(".edges(\"%CIRCLE\").chamfer({})", w(C)) : "";
    if (!flanged) {
      if (style == "chain")
        return fmt::format("result = cq.Workplane(\"XY\").circle({}).circle({}).extrude({}){}\n",
                           w(OD / 2), w(ID / 2), w(L), cham);
      if (style == "sketch")
        return fmt::format(
            "ring = cq.Sketch().circle({}).circle({}, mode=\"s\")\n"
            "result = cq.Workplane(\"XY\").placeSketch(ring).extrude({}){}\n",
            w(OD / 2), w(ID / 2), w(L), cham);
      return fmt::format(
          "plane = {}\ntube = cq.Workplane(plane).circle({}).circle({}).extrude({})\n"
          "result = tube{}\n",
          kPlaneXY, w(OD / 2), w(ID / 2), w(L), cham);
    }
    if (style == "chain")
      return fmt::format(
          "result = (\n    cq.Workplane(\"XY\")\n    .circle({})\n    .extrude({})\n"
          "    .faces(\">Z\")\n    .workplane()\n    .circle({})\n    .extrude({})\n"
          "    .faces(\">Z\")\n    .workplane()\n    .hole({})\n)\n",
          w(FD / 2), w(FT), w(OD / 2), w(L - FT), w(ID));
    if (style == "sketch")
      return fmt::format(
          "flange = cq.Sketch().circle({}).circle({}, mode=\"s\")\n"
          "tube = cq.Sketch().circle({}).circle({}, mode=\"s\")\n"
          "result = (\n    cq.Workplane(\"XY\")\n    .placeSketch(flange)\n    .extrude({})\n"
          "    .faces(\">Z\")\n    .workplane()\n    .placeSketch(tube)\n    .extrude({})\n)\n",
          w(FD / 2), w(ID / 2), w(OD / 2), w(ID / 2), w(FT), w(L - FT));
    return fmt::format(
        "base_plane = {}\ntube_plane = cq.Plane(origin={}, xDir=(1, 0, 0), normal=(0, 0, 1))\n"
        "bushing = cq.Workplane(base_plane).circle({}).extrude({})\n"
        "bushing = bushing.union(cq.Workplane(tube_plane).circle({}).extrude({}))\n"
        "result = bushing.cut(cq.Workplane(base_plane).circle({}).extrude({}))\n",
        kPlaneXY, w.pt(X(0), X(0), FT), w(FD / 2), w(FT), w(OD / 2), w(L - FT), w(ID / 2), w(L));
  });

  if (!flanged)
    part.features.push_back(
        {"base",
         fmt::format("two concentric circles on the XY plane, {} mm and {} mm in diameter, "
                     "extruded {} mm along +Z into a tube",
                     num(outer), num(bore), num(length)),
         {fmt::format("the axis is the Z axis; the wall is ({} - {}) / 2 = {} mm thick", num(outer),
                      num(bore), num(wall))}});
  else {
    part.features.push_back(
        {"base",
         fmt::format("a flange {} mm in diameter and {} mm thick on the XY plane", num(fd),
                     num(ft)),
         {"the flange is centred on the Z axis, from z = 0 up"}});
    part.features.push_back(
        {"join",
         fmt::format("a {} mm diameter tube on top of the flange, up to a total length of {} mm",
                     num(outer), num(length)),
         {fmt::format("the tube runs from z = {} to {}, i.e. {} - {} = {} mm long", num(ft),
                      num(length), num(length), num(ft), num(length - ft))}});
    part.features.push_back(
        {"hole", fmt::format("a {} mm bore through the whole length", num(bore)), {}});
  }
  if (chamfer > 0)
    part.features.push_back(
        {"chamfer",
         fmt::format("all four circular edges (inside and outside, both ends) are chamfered {} "
                     "mm",
                     num(chamfer)),
         {}});
  part.text_abstract = fmt::format(
      fmt::runtime(pick(rng, {"A cylindrical {0}bushing.", "A {0}sleeve bushing, {1} mm long.",
                              "A plain tube-shaped {0}bushing with a {2} mm bore."})),
      flanged ? "flanged " : (chamfer > 0 ? "chamfered " : ""), num(length), num(bore));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The bushing is {0} mm in outside diameter, has a {1} mm bore and "
                              "is {2} mm long.",
                              "Outside diameter {0} mm, bore {1} mm, length {2} mm, axis along "
                              "Z."})),
      num(outer), num(bore), num(length));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

// ---------------------------------------------------------------------------------------
// hex_spacer

const std::vector<Level> kHexLevels{Level::F, Level::SE, Level::MSE};
const std::vector<std::string> kHexStyles{"chain", "sketch"};

struct HexSize {
  const char* thread;
  double flats, bore, stud;
};
const std::vector<HexSize> kHexSizes{{"M3", 5.5, 3.5, 3}, {"M4", 7, 4.5, 4},
                                     {"M5", 8, 5.5, 5},   {"M6", 10, 6.5, 6},
                                     {"M8", 13, 8.5, 8},  {"M10", 17, 10.5, 10}};

Part hex_spacer(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "hex_spacer"));
  Choice c = choose(rng, "hex_spacer", kHexLevels, kHexStyles, options);
  const HexSize& size = rng.choice(kHexSizes);
  double height = rng.dimension(6, 40, 1);
  bool stud = c.level == Level::MSE;
  double stud_l = stud ? rng.dimension(5, 15, 1) : 0;
  double depth = stud ? rng.dimension(std::min(5.0, height - 3), height - 3, 1) : 0;
  double chamfer = c.level == Level::SE ? 0.5 : 0;

  Dims d;
  X S = d.add("across_flats", size.flats, "hexagon width across flats");
  X H = d.add("height", height, "height of the hexagonal body");
  X B = d.add("bore", size.bore, stud ? "diameter of the blind hole" : "through bore diameter");
  X SD = stud ? d.add("stud_diameter", size.stud, "diameter of the stud on top") : X();
  X SL = stud ? d.add("stud_length", stud_l, "length of the stud") : X();
  X DP = stud ? d.add("hole_depth", depth, "depth of the blind hole from the bottom") : X();
  X C = chamfer > 0 ? d.add("chamfer", chamfer, "chamfer of the top and bottom edges") : X();

  Part part;
  part.family = "hex_spacer";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = 7 + (stud ? 1 : 0);

  const std::string style = c.style;
  const Level level = c.level;
  write_code(part, d, [&](const W& w) {
    std::string cham = chamfer > 0 ? fmt::format(
                                         "    .faces(\">Z\").edges(\"%LINE\").chamfer({})\n"
                                         "    .faces(\"<Z\").edges(\"%LINE\").chamfer({})\n",
                                         w(C), w(C))
                                   : "";
    if (style == "chain") {
      // polygon() takes the circumscribed diameter: across flats / cos(30 degrees).
      if (level != Level::MSE)
        return fmt::format(
            "result = (\n    cq.Workplane(\"XY\")\n    .polygon(6, {} / math.cos(math.pi / 6))\n"
            "    .circle({})\n    .extrude({})\n{})\n",
            w(S), w(B / 2), w(H), cham);
      return fmt::format(
          "result = (\n    cq.Workplane(\"XY\")\n    .polygon(6, {} / math.cos(math.pi / 6))\n"
          "    .extrude({})\n    .faces(\">Z\")\n    .workplane()\n    .circle({})\n"
          "    .extrude({})\n    .faces(\"<Z\")\n    .workplane()\n    .hole({}, {})\n)\n",
          w(S), w(H), w(SD / 2), w(SL), w(B), w(DP));
    }
    std::string hex =
        fmt::format("cq.Sketch().regularPolygon({} / 2 / math.cos(math.pi / 6), 6)", w(S));
    if (level != Level::MSE)
      return fmt::format(
          "hexagon = {}.circle({}, mode=\"s\")\n"
          "result = (\n    cq.Workplane(\"XY\")\n    .placeSketch(hexagon)\n    .extrude({})\n"
          "{})\n",
          hex, w(B / 2), w(H), cham);
    return fmt::format(
        "hexagon = {}\nstud = cq.Sketch().circle({})\n"
        "result = (\n    cq.Workplane(\"XY\")\n    .placeSketch(hexagon)\n    .extrude({})\n"
        "    .faces(\">Z\")\n    .workplane()\n    .placeSketch(stud)\n    .extrude({})\n"
        "    .faces(\"<Z\")\n    .workplane()\n    .hole({}, {})\n)\n",
        hex, w(SD / 2), w(H), w(SL), w(B), w(DP));
  });

  double corner = size.flats / std::cos(M_PI / 6);
  std::string orient =
      style == "chain"
          ? fmt::format("two corners on the X axis at x = +/-{} and the flats at y = +/-{}",
                        num(std::round(corner / 2 * 1000) / 1000), num(size.flats / 2))
          : fmt::format("two corners on the Y axis at y = +/-{} and the flats at x = +/-{}",
                        num(std::round(corner / 2 * 1000) / 1000), num(size.flats / 2));
  part.features.push_back(
      {"base",
       level == Level::MSE
           ? fmt::format("a regular hexagon {} mm across flats on the XY plane, centred on the "
                         "origin, extruded {} mm along +Z",
                         num(size.flats), num(height))
           : fmt::format("a regular hexagon {} mm across flats with a {} mm circle in its centre, "
                         "extruded {} mm along +Z",
                         num(size.flats), num(size.bore), num(height)),
       {"the hexagon has " + orient,
        fmt::format("its corner-to-corner width is {} / cos(30 deg) = {} mm", num(size.flats),
                    num(std::round(corner * 1000) / 1000))}});
  if (chamfer > 0)
    part.features.push_back(
        {"chamfer",
         fmt::format(
             "the six hexagon edges of the top face and of the bottom face are chamfered {} mm",
             num(chamfer)),
         {}});
  if (stud) {
    part.features.push_back(
        {"boss",
         fmt::format("{} {} mm stud ({} thread size) {} mm long on the top face",
                     article(size.thread), num(size.stud), size.thread, num(stud_l)),
         {fmt::format("the stud is on the axis, from z = {} to {}", num(height),
                      num(height + stud_l))}});
    part.features.push_back(
        {"hole",
         fmt::format("a blind {} mm hole {} mm deep drilled into the bottom face", num(size.bore),
                     num(depth)),
         {fmt::format("the hole is on the axis and ends at z = {}", num(depth))}});
  }
  part.text_abstract = fmt::format(
      fmt::runtime(pick(rng, {"A hexagonal {0} spacer{1}.", "A {0} hex standoff{1}.",
                              "A six-sided {0} spacer bar{1}."})),
      size.thread,
      stud ? " with a male stud and a female hole" : (chamfer > 0 ? " with chamfered ends" : ""));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The spacer is a hexagonal prism {0} mm across flats and {1} mm "
                              "high.",
                              "Hex body: {0} mm across flats, {1} mm tall along Z."})),
      num(size.flats), num(height));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

}  // namespace

Family flange_family() {
  return {"flange", "round flange with a bore and a bolt circle, optionally with a hub",
          kFlangeLevels, kFlangeStyles, &polished<flange>};
}
Family stepped_shaft_family() {
  return {"stepped_shaft", "turned shaft with two to four diameters and chamfered ends",
          kShaftLevels, kShaftStyles, &polished<stepped_shaft>};
}
Family bushing_family() {
  return {"bushing", "tube bushing, plain, chamfered or flanged", kBushLevels, kBushStyles,
          &polished<bushing>};
}
Family hex_spacer_family() {
  return {"hex_spacer", "hexagonal spacer or standoff with a bore or a stud", kHexLevels,
          kHexStyles, &polished<hex_spacer>};
}

}  // namespace cad::data::fam
