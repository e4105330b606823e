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
                      num(ex))}});
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
