// Mounts: a pillow block (a bearing housing with two mirrored bolting ears).
#include <fmt/format.h>

#include <cmath>

#include "data/families/common.h"

namespace cad::data::fam {

namespace {

const std::vector<Level> kPillowLevels{Level::S, Level::MSE};
const std::vector<std::string> kPillowStyles{"chain", "sketch", "plane"};

Part pillow_block(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "pillow_block"));
  Choice c = choose(rng, "pillow_block", kPillowLevels, kPillowStyles, options);
  bool mse = c.level == Level::MSE;
  double body_w = rng.dimension(30, 70, 5);
  double body_h = rng.dimension(25, 60, 1);
  double ear_t = rng.dimension(6, std::min(12.0, body_h / 3), 1);
  double hole = rng.choice(std::vector<double>{6.5, 9, 11});
  double ear_l = rng.dimension(hole + 10, hole + 22, 1);
  double depth = rng.dimension(std::max(20.0, hole + 10), 50, 5);
  double radius = mse ? rng.dimension(2, std::min(ear_l / 2, depth / 2) - 2, 0.5) : 0;
  double bore = mse ? rng.dimension(10, std::min(body_w, body_h) - 12, 1) : 0;
  double bore_z =
      mse ? nice_dimension(rng, std::max(ear_t + bore / 2 + 3, bore / 2 + 6), body_h - bore / 2 - 5)
          : 0;
  double spacing = body_w + ear_l;

  Dims d;
  X BW = d.add("body_width", body_w, "width of the housing along X");
  X BD = d.add("depth", depth, "depth of the whole block along Y");
  X BH = d.add("body_height", body_h, "height of the housing along Z");
  X EL = d.add("ear_length", ear_l, "length of each bolting ear along X");
  X ET = d.add("ear_thickness", ear_t, "thickness of the ears");
  X HD = mse ? d.add("bolt_hole", hole, "bolt hole diameter in the ears") : X();
  X ER = mse ? d.add("ear_radius", radius, "corner radius at the ends of the ears") : X();
  X B = mse ? d.add("bore", bore, "bearing bore diameter (along Y)") : X();
  X BZ = mse ? d.add("bore_height", bore_z, "height of the bore axis above the base") : X();

  Part part;
  part.family = "pillow_block";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = mse ? (c.style == "sketch" ? 12 : 10) : 12;

  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    X ex = BW / 2 + EL / 2;  // ear centre
    if (!mse) {
      if (style == "chain")
        return fmt::format(
            "result = (\n    cq.Workplane(\"XZ\")\n    .sketch()\n    .push([{}])\n"
            "    .rect({}, {})  # housing\n    .push([{}, {}])\n    .rect({}, {})  # ears\n"
            "    .clean()\n    .finalize()\n    .extrude({}, both=True)\n)\n",
            w.pt(X(0), BH / 2), w(BW), w(BH), w.pt(-ex, ET / 2), w.pt(ex, ET / 2), w(EL), w(ET),
            w(BD / 2));
      if (style == "sketch")
        return fmt::format(
            "profile = (\n    cq.Sketch()\n    .push([{}])\n    .rect({}, {})\n"
            "    .push([{}, {}])\n    .rect({}, {})\n    .clean()\n)\n"
            "result = cq.Workplane(\"XZ\").placeSketch(profile).extrude({}, both=True)\n",
            w.pt(X(0), BH / 2), w(BW), w(BH), w.pt(-ex, ET / 2), w.pt(ex, ET / 2), w(EL), w(ET),
            w(BD / 2));
      return fmt::format(
          "plane = cq.Plane(origin={}, xDir=(1, 0, 0), normal=(0, -1, 0))\n"
          "profile = cq.Sketch().push([{}]).rect({}, {})\n"
          "for side in (-1, 1):\n"
          "    profile = profile.push([(side * {}, {})]).rect({}, {})\n"
          "result = cq.Workplane(plane).placeSketch(profile.clean()).extrude({})\n",
          w.pt(X(0), BD / 2, X(0)), w.pt(X(0), BH / 2), w(BW), w(BH), w(group(ex)), w(ET / 2),
          w(EL), w(ET), w(BD));
    }
    std::string bore_cut =
        fmt::format(".faces(\">Y\").workplane().center(0, {}).hole({})", w(BZ), w(B));
    if (style == "chain")
      return fmt::format(
          "body = cq.Workplane(\"XY\").box({}, {}, {}, centered=(True, True, False))\n"
          "ear = (\n    cq.Workplane(\"XY\")\n    .box({}, {}, {}, centered=(False, True, False))\n"
          "    .translate(({}, 0, 0))\n    .edges(\"|Z and >X\")\n    .fillet({})\n"
          "    .faces(\">Z\")\n    .workplane()\n    .pushPoints([({}, 0)])\n    .hole({})\n)\n"
          "ears = ear.mirror(\"YZ\", union=True)\n"
          "result = body.union(ears){}\n",
          w(BW), w(BD), w(BH), w(EL), w(BD), w(ET), w(BW / 2), w(ER), w(ex), w(HD), bore_cut);
    if (style == "sketch")
      return fmt::format(
          "ear = (\n    cq.Sketch()\n    .push([({}, 0)])\n    .rect({}, {})\n"
          "    .reset()\n    .vertices(\">X\")\n    .fillet({})\n    .reset()\n    .push([({}, "
          "0)])\n"
          "    .circle({}, mode=\"s\")\n)\n"
          "ears = cq.Workplane(\"XY\").placeSketch(ear).extrude({}).mirror(\"YZ\", union=True)\n"
          "body = cq.Workplane(\"XY\").placeSketch(cq.Sketch().rect({}, {})).extrude({})\n"
          "result = body.union(ears){}\n",
          w(ex), w(EL), w(BD), w(ER), w(ex), w(HD / 2), w(ET), w(BW), w(BD), w(BH), bore_cut);
    return fmt::format(
        "base = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))\n"
        "block = cq.Workplane(base).rect({}, {}).extrude({})\n"
        "for side in (-1, 1):\n"
        "    ear = cq.Workplane(base).center(side * {}, 0).rect({}, {}).extrude({})\n"
        "    ear = ear.edges(\"|Z\").edges(\"{}\").fillet({})\n"
        "    block = block.union(ear)\n"
        "    block = block.cut(cq.Workplane(base).center(side * {}, 0).circle({}).extrude({}))\n"
        "front = cq.Plane(origin={}, xDir=(1, 0, 0), normal=(0, -1, 0))\n"
        "result = block.cut(cq.Workplane(front).center(0, {}).circle({}).extrude({}))\n",
        w(BW), w(BD), w(BH), w(group(ex)), w(EL), w(BD), w(ET), "<X\" if side < 0 else \">X", w(ER),
        w(group(ex)), w(HD / 2), w(ET), w.pt(X(0), BD / 2, X(0)), w(BZ), w(B / 2), w(BD));
  });

  double ex = body_w / 2 + ear_l / 2;
  double total = body_w + 2 * ear_l;
  if (!mse) {
    part.features.push_back(
        {"base",
         fmt::format("a sketch in the XZ plane of three rectangles, the {} housing standing on "
                     "the origin and two {} ears at its foot on both sides, merged and extruded "
                     "{} mm along Y, centred on y = 0",
                     size2(body_w, body_h), size2(ear_l, ear_t), num(depth)),
         {fmt::format("the housing spans x = -{0} to {0}; the ears continue to x = +/-({0} + {1}) "
                      "= +/-{2}, so the block is {3} mm long overall",
                      num(body_w / 2), num(ear_l), num(total / 2), num(total)),
          fmt::format("the ear centres are at x = +/-({} + {} / 2) = +/-{}, z = {} / 2 = {}",
                      num(body_w / 2), num(ear_l), num(ex), num(ear_t), num(ear_t / 2))}});
  } else {
    part.features.push_back(
        {"base",
         fmt::format("the housing, {} {} box (X x Y x Z) centred in X and Y on the XY plane",
                     article(num(body_w)), size3(body_w, depth, body_h)),
         {fmt::format("it spans x = -{0} to {0}, y = -{1} to {1}, z = 0 to {2}", num(body_w / 2),
                      num(depth / 2), num(body_h))}});
    part.features.push_back(
        {"boss",
         fmt::format("a bolting ear {} (X x Y x Z) on the right of the housing, its outer "
                     "corners rounded with r = {} mm and a {} mm hole in its centre",
                     size3(ear_l, depth, ear_t), num(radius), num(hole)),
         {fmt::format("the ear runs from x = {} to {} + {} = {}", num(body_w / 2), num(body_w / 2),
                      num(ear_l), num(body_w / 2 + ear_l)),
          fmt::format("the hole is at x = {} + {} / 2 = {}, y = 0", num(body_w / 2), num(ear_l),
                      num(ex)),
          fmt::format("the ear ends at x = {}, {} mm beyond the hole centre", num(total / 2),
                      num(ear_l / 2))}});
    part.features.push_back(
        {"mirror",
         fmt::format("the ear is mirrored about the YZ plane, so the bolt holes are {} mm apart",
                     num(spacing)),
         {fmt::format("the holes are at x = -{0} and {0}", num(ex))}});
    part.features.push_back(
        {"hole",
         fmt::format("a {} mm bearing bore through the housing along Y, its axis {} mm above "
                     "the base",
                     num(bore), num(bore_z)),
         {fmt::format("the bore axis is at x = 0, z = {}; {} mm of material remain above it",
                      num(bore_z), num(body_h - bore_z - bore / 2))}});
  }
  part.text_abstract = fmt::format(
      fmt::runtime(pick(rng, {"A pillow block: a bearing housing with two bolting ears{0}.",
                              "A {1} mm long bearing block with mirrored mounting lugs{0}.",
                              "A housing block with a flange ear on each side{0}."})),
      mse ? " and a through bore" : "", num(total));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The housing is {0} mm wide (X), {1} mm deep (Y) and {2} mm "
                              "high (Z); the ears are {3} mm long and {4} mm thick.",
                              "Housing {0} x {1} x {2} mm with {3} mm long, {4} mm thick ears "
                              "on both sides."})),
      num(body_w), num(depth), num(body_h), num(ear_l), num(ear_t));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

}  // namespace

Family pillow_block_family() {
  return {"pillow_block", "bearing housing with two mirrored bolting ears and a bore",
          kPillowLevels, kPillowStyles, &polished<pillow_block>};
}

}  // namespace cad::data::fam

namespace cad::data::fam {

namespace {

// ---------------------------------------------------------------------------------------
// pulley

const std::vector<Level> kPulleyLevels{Level::SE, Level::MSE};
const std::vector<std::string> kPulleyStyles{"chain", "plane"};

/// Parallel key width for a bore (DIN 6885 steps, rounded).
double key_width(double bore) {
  if (bore <= 12) return 4;
  if (bore <= 17) return 5;
  if (bore <= 22) return 6;
  if (bore <= 30) return 8;
  if (bore <= 38) return 10;
  return 12;
}

Part pulley(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "pulley"));
  Choice c = choose(rng, "pulley", kPulleyLevels, kPulleyStyles, options);
  bool mse = c.level == Level::MSE;
  double dia = rng.dimension(50, 160, 5);
  double width = rng.dimension(12, 30, 1);
  double top = rng.dimension(8, width - 4, 1);
  double bottom = rng.dimension(2, top - 4, 0.5);
  double hub_d = mse ? rng.dimension(0.35 * dia, 0.5 * dia, 1) : 0;
  double hub_l = mse ? rng.dimension(8, 25, 1) : 0;
  double bore =
      mse ? rng.dimension(0.4 * hub_d, 0.6 * hub_d, 1) : rng.dimension(0.2 * dia, 0.35 * dia, 1);
  double inner = mse ? hub_d / 2 : bore / 2;
  double groove = rng.dimension(4, std::min(14.0, dia / 2 - inner - 6), 0.5);
  double chamfer = mse ? 0 : 1;
  double key = mse ? key_width(bore) : 0;
  double key_depth = mse ? key / 2 : 0;  // depth of the keyway into the hub, beyond the bore

  Dims d;
  X D = d.add("diameter", dia, "outside diameter of the rim");
  X B = d.add("width", width, "rim width along Z");
  X GT = d.add("groove_top", top, "width of the V groove at the rim");
  X GB = d.add("groove_bottom", bottom, "width of the V groove at its bottom");
  X GD = d.add("groove_depth", groove, "radial depth of the groove");
  X BO = d.add("bore", bore, "bore diameter");
  X HD = mse ? d.add("hub_diameter", hub_d, "hub diameter") : X();
  X HL = mse ? d.add("hub_length", hub_l, "hub length above the rim") : X();
  X KW = mse ? d.add("key_width", key, "keyway width") : X();
  X KD = mse ? d.add("key_depth", key_depth, "keyway depth beyond the bore") : X();
  X C = mse ? X() : d.add("chamfer", chamfer, "chamfer of the rim and bore edges");

  Part part;
  part.family = "pulley";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = 8 + (mse ? 6 : 0);

  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    X r0 = mse ? X(0) : BO / 2, R = D / 2;
    std::vector<std::pair<X, X>> prof{{r0, X(0)},
                                      {R, X(0)},
                                      {R, (B - GT) / 2},
                                      {R - GD, (B - GB) / 2},
                                      {R - GD, (B + GB) / 2},
                                      {R, (B + GT) / 2},
                                      {R, B},
                                      {r0, B}};
    std::string s =
        "profile = " + profile_list(w, prof, false) + "  # (radius, z) of the half section\n";
    if (style == "chain") {
      s += "result = (\n    cq.Workplane(\"XZ\")\n    .polyline(profile)\n    .close()\n"
           "    .revolve()\n";
      if (!mse)
        return s + fmt::format(
                       "    .faces(\">Z\")\n    .edges()\n    .chamfer({})\n    .faces(\"<Z\")\n"
                       "    .edges()\n    .chamfer({})\n)\n",
                       w(C), w(C));
      return s +
             fmt::format(
                 "    .faces(\">Z\")\n    .workplane()\n    .circle({})\n    .extrude({})\n"
                 "    .faces(\">Z\")\n    .workplane()\n    .hole({})\n)\n"
                 "keyway = cq.Workplane(\"XY\").box({}, {}, {}, centered=(True, False, False))\n"
                 "result = result.cut(keyway)\n",
                 w(HD / 2), w(HL), w(BO), w(KW), w(BO / 2 + KD), w(B + HL));
    }
    s += "side = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, -1, 0))\n"
         "pulley = cq.Workplane(side).polyline(profile).close().revolve(360, (0, 0, 0), (0, 1, "
         "0))\n";
    if (!mse)
      return s + fmt::format(
                     "for end in (\">Z\", \"<Z\"):\n"
                     "    pulley = pulley.faces(end).edges().chamfer({})\nresult = pulley\n",
                     w(C));
    return s + fmt::format(
                   "base = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))\n"
                   "hub_plane = cq.Plane(origin={}, xDir=(1, 0, 0), normal=(0, 0, 1))\n"
                   "pulley = pulley.union(cq.Workplane(hub_plane).circle({}).extrude({}))\n"
                   "pulley = pulley.cut(cq.Workplane(base).circle({}).extrude({}))\n"
                   "keyway = cq.Workplane(base).center(0, {}).rect({}, {}).extrude({})\n"
                   "result = pulley.cut(keyway)\n",
                   w.pt(X(0), X(0), B), w(HD / 2), w(HL), w(BO / 2), w(B + HL),
                   w((BO / 2 + KD) / 2), w(KW), w(BO / 2 + KD), w(B + HL));
  });

  double r = dia / 2;
  part.features.push_back(
      {"revolve",
       fmt::format("a half section in the XZ plane revolved about the Z axis: a rim {} mm in "
                   "diameter and {} mm wide{}, with a V groove {} mm wide at the rim, {} mm "
                   "wide at the bottom and {} mm deep",
                   num(dia), num(width), mse ? "" : fmt::format(" with a {} mm bore", num(bore)),
                   num(top), num(bottom), num(groove)),
       {fmt::format("section points (radius, z): ({0}, 0), ({1}, 0), ({1}, {2}), ({3}, {4}), "
                    "({3}, {5}), ({1}, {6}), ({1}, {7}), ({0}, {7})",
                    num(mse ? 0 : bore / 2), num(r), num((width - top) / 2), num(r - groove),
                    num((width - bottom) / 2), num((width + bottom) / 2), num((width + top) / 2),
                    num(width)),
        fmt::format("the groove is centred on the rim width: its flanks start ({} - {}) / 2 = {} "
                    "mm from each face",
                    num(width), num(top), num((width - top) / 2))}});
  part.features.front().kind = "base";
  if (!mse) {
    part.features.push_back(
        {"chamfer",
         fmt::format("the outer and bore edges of both faces are chamfered {} mm", num(chamfer)),
         {}});
  } else {
    part.features.push_back(
        {"boss",
         fmt::format("a hub {} mm in diameter and {} mm long on the top face", num(hub_d),
                     num(hub_l)),
         {fmt::format("the hub runs from z = {} to {}", num(width), num(width + hub_l))}});
    part.features.push_back({"hole",
                             fmt::format("a {} mm bore through hub and rim", num(bore)),
                             {"the bore is on the Z axis"}});
    part.features.push_back(
        {"cut",
         fmt::format("a {} mm wide keyway along the bore, {} mm deep into the hub", num(key),
                     num(key_depth)),
         {fmt::format("the keyway is centred on x = 0 and reaches y = {} / 2 + {} = {}", num(bore),
                      num(key_depth), num(bore / 2 + key_depth))}});
  }
  part.text_abstract =
      fmt::format(fmt::runtime(pick(rng, {"A single-groove V-belt pulley{0}.",
                                          "A {1} mm V pulley{0}.", "A grooved belt pulley{0}."})),
                  mse ? " with a hub and a keyed bore" : " with a plain bore", num(dia));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The pulley is {0} mm in diameter and {1} mm wide, its axis along "
                              "Z.",
                              "Outside diameter {0} mm, rim width {1} mm."})),
      num(dia), num(width));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

}  // namespace

Family pulley_family() {
  return {"pulley", "V-belt pulley by revolve, with a plain or keyed bore and a hub", kPulleyLevels,
          kPulleyStyles, &polished<pulley>};
}

}  // namespace cad::data::fam

namespace cad::data::fam {

namespace {

// ---------------------------------------------------------------------------------------
// shaft_collar

const std::vector<Level> kCollarLevels{Level::L, Level::SE};
const std::vector<std::string> kCollarStyles{"sketch", "plane"};

Part shaft_collar(std::uint64_t seed, const GenerateOptions& options) {
  Rng rng(mix_seed(seed, "shaft_collar"));
  Choice c = choose(rng, "shaft_collar", kCollarLevels, kCollarStyles, options);
  bool se = c.level == Level::SE;
  double bore = rng.dimension(10, 40, 1);
  double wall = rng.dimension(7, 14, 1);
  double dia = bore + 2 * wall;
  double width = rng.dimension(8, 20, 1);
  double gap = rng.dimension(1, 3, 0.5);
  double screw = rng.choice(std::vector<double>{3.5, 4.5, 5.5});
  while (screw > wall - 3 || screw > width - 3) screw -= 1;
  double screw_x = (bore + dia) / 4;  // middle of the wall: bore / 2 + wall / 2

  Dims d;
  X D = d.add("diameter", dia, "outside diameter");
  X BO = d.add("bore", bore, "bore diameter");
  X Wd = d.add("width", width, "collar width along Z");
  X G = d.add("gap", gap, "width of the clamping slit");
  X S = se ? d.add("screw_hole", screw, "clamp screw hole diameter") : X();

  Part part;
  part.family = "shaft_collar";
  part.level = c.level;
  part.style = c.style;
  part.n_curves = 6 + (se ? 1 : 0);

  const std::string style = c.style;
  write_code(part, d, [&](const W& w) {
    X wall_x = (D - BO) / 2;
    X mid = (D + BO) / 4;
    std::string sketch = fmt::format(
        "collar = (\n    cq.Sketch()\n    .circle({})\n    .circle({}, mode=\"s\")\n"
        "    .push([({}, 0)])\n    .rect({}, {}, mode=\"s\")  # the slit through the wall\n)\n",
        w(D / 2), w(BO / 2), w(mid), w(wall_x + X(2)), w(G));
    std::string s;
    if (style == "sketch") {
      s = sketch +
          fmt::format("result = cq.Workplane(\"XY\").placeSketch(collar).extrude({})\n", w(Wd));
      if (se)
        s += fmt::format(
            "screw = cq.Workplane(\"XZ\").center({}, {}).circle({}).extrude({}, both=True)\n"
            "result = result.cut(screw)\n",
            w(mid), w(Wd / 2), w(S / 2), w(D / 2));
      return s;
    }
    s = "plane = cq.Plane(origin=(0, 0, 0), xDir=(1, 0, 0), normal=(0, 0, 1))\n" + sketch +
        fmt::format("result = cq.Workplane(plane).placeSketch(collar).extrude({})\n", w(Wd));
    if (se)
      s += fmt::format(
          "side = cq.Plane(origin={}, xDir=(1, 0, 0), normal=(0, 1, 0))\n"
          "result = result.cut(cq.Workplane(side).circle({}).extrude({}))\n",
          w.pt(mid, -D / 2, Wd / 2), w(S / 2), w(D));
    return s;
  });

  part.features.push_back(
      {"base",
       fmt::format("a ring {} mm outside and {} mm inside diameter on the XY plane, cut open by "
                   "a {} mm wide radial slit on the +X side, extruded {} mm along +Z",
                   num(dia), num(bore), num(gap), num(width)),
       {fmt::format("the ring is centred on the origin; its wall is ({} - {}) / 2 = {} mm thick",
                    num(dia), num(bore), num(wall)),
        fmt::format("the slit is centred on y = 0 and runs from the bore (x = {}) out through "
                    "the rim (x = {})",
                    num(bore / 2), num(dia / 2))}});
  if (se)
    part.features.push_back(
        {"hole",
         fmt::format("a {} mm clamp screw hole along Y through both sides of the slit, in the "
                     "middle of the wall and of the width",
                     num(screw)),
         {fmt::format("the hole axis is at x = ({} + {}) / 4 = {}, z = {} / 2 = {}", num(dia),
                      num(bore), num(screw_x), num(width), num(width / 2))}});
  part.text_abstract =
      fmt::format(fmt::runtime(pick(
                      rng, {"A split shaft collar{0}.", "A clamping collar for a {1} mm shaft{0}.",
                            "A slotted ring collar{0}."})),
                  se ? " with a clamp screw hole" : "", num(bore));
  std::string opening = fmt::format(
      fmt::runtime(pick(rng, {"The collar is {0} mm in outside diameter with a {1} mm bore and "
                              "{2} mm wide.",
                              "Outside diameter {0} mm, bore {1} mm, width {2} mm."})),
      num(dia), num(bore), num(width));
  part.text_detailed = detailed_text(rng, opening, part.features);
  return part;
}

}  // namespace

Family shaft_collar_family() {
  return {"shaft_collar", "split shaft collar (slit ring), optionally with a clamp screw hole",
          kCollarLevels, kCollarStyles, &polished<shaft_collar>};
}

}  // namespace cad::data::fam
