#include "data/deepcad.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.h"

namespace cad::data {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr double kPi = 3.14159265358979323846;

// ---- small vector algebra ---------------------------------------------------------------

struct V2 {
  double x = 0, y = 0;
};
V2 operator+(V2 a, V2 b) {
  return {a.x + b.x, a.y + b.y};
}
V2 operator-(V2 a, V2 b) {
  return {a.x - b.x, a.y - b.y};
}
V2 operator*(V2 a, double s) {
  return {a.x * s, a.y * s};
}
double dot(V2 a, V2 b) {
  return a.x * b.x + a.y * b.y;
}
double cross(V2 a, V2 b) {
  return a.x * b.y - a.y * b.x;
}
double len(V2 a) {
  return std::hypot(a.x, a.y);
}

struct V3 {
  double x = 0, y = 0, z = 0;
};
V3 operator+(V3 a, V3 b) {
  return {a.x + b.x, a.y + b.y, a.z + b.z};
}
V3 operator-(V3 a, V3 b) {
  return {a.x - b.x, a.y - b.y, a.z - b.z};
}
V3 operator*(V3 a, double s) {
  return {a.x * s, a.y * s, a.z * s};
}
double dot(V3 a, V3 b) {
  return a.x * b.x + a.y * b.y + a.z * b.z;
}
V3 cross(V3 a, V3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
double len(V3 a) {
  return std::sqrt(dot(a, a));
}
double comp(V3 a, int i) {
  return i == 0 ? a.x : i == 1 ? a.y : a.z;
}

// ---- the document's content -------------------------------------------------------------

enum class Kind { Line, Arc, Circle };

/// One sketch curve in local sketch coordinates: a -> b (through m for arcs); circles use c, r.
struct Curve {
  Kind kind = Kind::Line;
  V2 a, b, m, c;
  double r = 0;
};

/// A closed loop, chained: each curve starts where the previous one ends.
struct Loop {
  std::vector<Curve> curves;
};

/// A region of a sketch: the outer loop first, then the inner ones.
struct Profile {
  std::string key;  ///< "sketch/profile", to count each profile's curves once
  std::vector<Loop> loops;
};

struct Frame {
  V3 origin, x, y, z;
};

enum class Op { NewBody, Join, Cut, Intersect };
enum class Extent { OneSide, Symmetric, TwoSides };

struct Extrude {
  std::string name;    ///< "Extrude 1"
  std::string sketch;  ///< the sketch's name ("Sketch 1")
  Op op = Op::NewBody;
  Extent extent = Extent::OneSide;
  double d1 = 0, d2 = 0;  ///< along the normal; against it (TwoSides)
  Frame frame;
  std::vector<Profile> profiles;
};

// ---- errors and JSON access --------------------------------------------------------------

[[noreturn]] void fail(const std::string& ctx, const std::string& what) {
  throw Error(ctx + ": " + what);
}

const json& field(const json& j, const char* key, const std::string& ctx) {
  if (!j.is_object()) fail(ctx, fmt::format("expected an object holding '{}'", key));
  auto it = j.find(key);
  if (it == j.end()) fail(ctx, fmt::format("missing '{}'", key));
  return *it;
}

double number(const json& j, const char* key, const std::string& ctx) {
  const json& v = field(j, key, ctx);
  if (!v.is_number()) fail(ctx, fmt::format("'{}' is not a number", key));
  double d = v.get<double>();
  if (!std::isfinite(d)) fail(ctx, fmt::format("'{}' is not finite", key));
  return d;
}

std::string text(const json& j, const char* key, const std::string& ctx) {
  const json& v = field(j, key, ctx);
  if (!v.is_string()) fail(ctx, fmt::format("'{}' is not a string", key));
  return v.get<std::string>();
}

V3 vec3(const json& j, const char* key, const std::string& ctx) {
  const json& v = field(j, key, ctx);
  std::string c = ctx + ", " + key;
  return {number(v, "x", c), number(v, "y", c), number(v, "z", c)};
}

V2 point(const json& j, const char* key, const std::string& ctx) {
  V3 p = vec3(j, key, ctx);
  return {p.x, p.y};
}

/// "OneSideFeatureExtentType" -> "OneSide"; "CutFeatureOperation" -> "Cut".
std::string strip_suffix(std::string s, const std::string& suffix) {
  if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
    s.resize(s.size() - suffix.size());
  return s;
}

// ---- parsing ----------------------------------------------------------------------------

double wrap_angle(double a) {
  while (a <= -kPi) a += 2 * kPi;
  while (a > kPi) a -= 2 * kPi;
  return a;
}

V2 on_circle(V2 c, double r, double angle) {
  return {c.x + r * std::cos(angle), c.y + r * std::sin(angle)};
}

/// An Arc3D: its stored start and end, and a middle point found from the sweep.
Curve parse_arc(const json& j, const std::string& ctx) {
  Curve k;
  k.kind = Kind::Arc;
  k.a = point(j, "start_point", ctx);
  k.b = point(j, "end_point", ctx);
  k.c = point(j, "center_point", ctx);
  k.r = number(j, "radius", ctx);
  if (!(k.r > 0)) fail(ctx, "Arc3D radius is not positive");
  double t0 = number(j, "start_angle", ctx), t1 = number(j, "end_angle", ctx);
  double sweep = t1 - t0;
  while (sweep <= 1e-12) sweep += 2 * kPi;
  while (sweep > 2 * kPi + 1e-9) sweep -= 2 * kPi;
  // The sweep runs counter-clockwise in the sketch's own coordinates whatever the stored
  // normal says (a semicircle with normal -Z bulges the way the angles say, not mirrored).
  double nz = 1;
  double tol = 1e-3 * k.r;
  // As documented: counter-clockwise about the normal from centre + radius * reference.
  if (j.contains("reference_vector")) {
    V2 ref = point(j, "reference_vector", ctx);
    if (len(ref) > 0) {
      double base = std::atan2(ref.y, ref.x);
      V2 p0 = on_circle(k.c, k.r, base + nz * t0),
         p1 = on_circle(k.c, k.r, base + nz * t0 + nz * sweep);
      if ((len(p0 - k.a) < tol && len(p1 - k.b) < tol) ||
          (len(p0 - k.b) < tol && len(p1 - k.a) < tol)) {
        k.m = on_circle(k.c, k.r, base + nz * (t0 + sweep / 2));
        return k;
      }
    }
  }
  // Otherwise from the end points: the direction of travel that covers the sweep.
  double as = std::atan2(k.a.y - k.c.y, k.a.x - k.c.x),
         ae = std::atan2(k.b.y - k.c.y, k.b.x - k.c.x);
  double best = 1e300;
  for (double dir : {nz, -nz}) {
    double miss = std::abs(wrap_angle(as + dir * sweep - ae));
    if (miss < best - 1e-9) {
      best = miss;
      k.m = on_circle(k.c, k.r, as + dir * sweep / 2);
    }
  }
  return k;
}

Curve parse_curve(const json& j, const std::string& ctx) {
  std::string type = text(j, "type", ctx);
  Curve k;
  if (type == "Line3D") {
    k.a = point(j, "start_point", ctx);
    k.b = point(j, "end_point", ctx);
  } else if (type == "Circle3D") {
    k.kind = Kind::Circle;
    k.c = point(j, "center_point", ctx);
    k.r = number(j, "radius", ctx);
    if (!(k.r > 0)) fail(ctx, "Circle3D radius is not positive");
  } else if (type == "Arc3D") {
    k = parse_arc(j, ctx);
  } else {
    fail(ctx,
         fmt::format("unsupported curve type '{}' (expected Line3D, Arc3D or Circle3D)", type));
  }
  return k;
}

void reverse(Curve& k) {
  std::swap(k.a, k.b);
}

/// Orders and orients the curves of a loop so that each starts where the previous ends
/// (greedy nearest end point, starting from the first curve).
Loop chain(std::vector<Curve> curves, const std::string& ctx) {
  Loop loop;
  if (curves.empty()) fail(ctx, "empty loop");
  bool circle = std::any_of(curves.begin(), curves.end(),
                            [](const Curve& k) { return k.kind == Kind::Circle; });
  if (circle) {
    if (curves.size() != 1) fail(ctx, "a Circle3D shares its loop with other curves");
    loop.curves = curves;
    return loop;
  }
  auto nearest = [&](V2 p, std::size_t skip) {
    double d = 1e300;
    for (std::size_t i = 0; i < curves.size(); ++i)
      if (i != skip) d = std::min({d, len(curves[i].a - p), len(curves[i].b - p)});
    return d;
  };
  if (curves.size() > 1 && nearest(curves[0].a, 0) < nearest(curves[0].b, 0)) reverse(curves[0]);
  loop.curves.push_back(curves[0]);
  std::vector<bool> used(curves.size(), false);
  used[0] = true;
  double size = 0;
  for (const Curve& k : curves) size = std::max({size, len(k.a - k.b), 2 * k.r});
  for (std::size_t n = 1; n < curves.size(); ++n) {
    V2 at = loop.curves.back().b;
    std::size_t best = 0;
    double d = 1e300;
    bool flip = false;
    for (std::size_t i = 0; i < curves.size(); ++i) {
      if (used[i]) continue;
      if (len(curves[i].a - at) < d) d = len(curves[i].a - at), best = i, flip = false;
      if (len(curves[i].b - at) < d) d = len(curves[i].b - at), best = i, flip = true;
    }
    used[best] = true;
    Curve k = curves[best];
    if (flip) reverse(k);
    loop.curves.push_back(k);
  }
  // A loop that does not close is not a profile boundary.
  double gap = len(loop.curves.back().b - loop.curves.front().a);
  for (std::size_t i = 1; i < loop.curves.size(); ++i)
    gap = std::max(gap, len(loop.curves[i].a - loop.curves[i - 1].b));
  if (gap > 1e-2 * std::max(size, 1e-12))
    fail(ctx, fmt::format("loop does not close (gap {:.3g})", gap));
  return loop;
}

/// Points along a loop (arcs and circles sampled), for areas and extents.
std::vector<V2> sample(const Loop& loop, int per_arc = 24) {
  std::vector<V2> pts;
  for (const Curve& k : loop.curves) {
    if (k.kind == Kind::Circle) {
      for (int i = 0; i < 4 * per_arc; ++i)
        pts.push_back(on_circle(k.c, k.r, 2 * kPi * i / (4 * per_arc)));
    } else if (k.kind == Kind::Line) {
      pts.push_back(k.a);
    } else {
      double as = std::atan2(k.a.y - k.c.y, k.a.x - k.c.x);
      double am = std::atan2(k.m.y - k.c.y, k.m.x - k.c.x);
      double half = wrap_angle(am - as);
      double sweep = 2 * half;
      for (int i = 0; i < per_arc; ++i)
        pts.push_back(on_circle(k.c, k.r, as + sweep * i / per_arc));
    }
  }
  return pts;
}

double signed_area(const std::vector<V2>& pts) {
  double a = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) a += cross(pts[i], pts[(i + 1) % pts.size()]);
  return a / 2;
}

/// The curves of one profile: loops chained, the outer one (largest area) first.
Profile parse_profile(const json& j, const std::string& ctx) {
  Profile p;
  const json& loops = field(j, "loops", ctx);
  if (!loops.is_array() || loops.empty()) fail(ctx, "'loops' is not a non-empty array");
  for (std::size_t li = 0; li < loops.size(); ++li) {
    std::string lctx = fmt::format("{}, loop {}", ctx, li);
    const json& pc = field(loops[li], "profile_curves", lctx);
    if (!pc.is_array()) fail(lctx, "'profile_curves' is not an array");
    std::vector<Curve> curves;
    for (std::size_t ci = 0; ci < pc.size(); ++ci)
      curves.push_back(parse_curve(pc[ci], fmt::format("{}, curve {}", lctx, ci)));
    p.loops.push_back(chain(std::move(curves), lctx));
  }
  std::size_t outer = 0;
  double best = -1;
  for (std::size_t i = 0; i < p.loops.size(); ++i) {
    double a = std::abs(signed_area(sample(p.loops[i])));
    if (a > best) best = a, outer = i;
  }
  std::rotate(p.loops.begin(), p.loops.begin() + static_cast<long>(outer),
              p.loops.begin() + static_cast<long>(outer) + 1);
  return p;
}

// ---- rounding and formatting -------------------------------------------------------------

std::string count_word(std::size_t n) {
  static const char* words[] = {"no",    "one",   "two",  "three", "four",   "five",  "six",
                                "seven", "eight", "nine", "ten",   "eleven", "twelve"};
  return n < 13 ? words[n] : std::to_string(n);
}

std::string article(const std::string& noun) {
  if (noun.empty()) return noun;
  char c = noun[0];
  bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'O';
  return (vowel ? "an " : "a ") + noun;
}

std::string counted(std::size_t n, const std::string& singular, const std::string& plural) {
  return n == 1 ? article(singular) : count_word(n) + " " + plural;
}

std::string join_list(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  std::string s;
  for (std::size_t i = 0; i + 1 < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s + (items.size() > 2 ? ", and " : " and ") + items.back();
}

std::string capitalize(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// ---- shapes of loops ---------------------------------------------------------------------

enum class Shape { Circle, Rect, Slot, RegularPolygon, Polygon, Outline };

/// What a loop is, recognized from its (rounded) curves.
struct LoopInfo {
  Shape shape = Shape::Outline;
  V2 center;                ///< circle, rectangle, slot, regular polygon
  double w = 0, h = 0;      ///< rectangle sides (along its first side, across); slot length, width
  double r = 0;             ///< circle radius; slot end radius; polygon circumradius
  double angle = 0;         ///< rectangle/slot rotation in degrees (0 = axis-aligned)
  int n = 0;                ///< polygon sides
  bool orthogonal = false;  ///< a polygon whose corners are all right angles
  int lines = 0, arcs = 0;
  V2 lo, hi;  ///< extent in sketch coordinates
  std::vector<V2> vertices;
  std::vector<V2> slot_centers;
};

class Converter {
 public:
  Converter(const json& doc, std::string where, const DeepcadOptions& options)
      : doc_(doc), where_(std::move(where)), options_(options) {}

  Part run();

 private:
  // parsing
  void parse();
  Frame parse_frame(const json& sketch, const std::string& ctx);
  void normalize();
  // rounding
  double rd(double v) const;
  V2 rd(V2 p) const { return {rd(p.x), rd(p.y)}; }
  V3 rd(V3 p) const { return {rd(p.x), rd(p.y), rd(p.z)}; }
  std::string n(double v) const { return num(rd(v)); }
  std::string p2(V2 p) const { return "(" + n(p.x) + ", " + n(p.y) + ")"; }
  std::string p3(V3 p) const { return "(" + n(p.x) + ", " + n(p.y) + ", " + n(p.z) + ")"; }
  // recognition and texts
  LoopInfo analyze(const Loop& loop) const;
  std::string loop_short(const LoopInfo& info) const;
  std::string hole_short(const std::vector<LoopInfo>& inner, bool dims = true) const;
  std::string loop_full(const Loop& loop, const LoopInfo& info) const;
  std::string profile_short(const Profile& p) const;
  std::string profile_full(const Profile& p) const;
  std::string plane_desc(const Frame& f) const;
  std::string dir_desc(V3 d) const;
  std::string mapping(const Frame& f) const;
  std::string extent_desc(const Extrude& e) const;
  std::string noun(const Extrude& e, std::size_t profile, bool base) const;
  std::vector<std::string> placement(const Extrude& e) const;
  // code
  std::string param(const std::string& base, double value, const std::string& meaning);
  std::string loop_code(const Loop& loop, const LoopInfo& info, bool inner, bool parametric,
                        const std::string& feature);
  std::string code(bool parametric);

  const json& doc_;
  std::string where_;
  DeepcadOptions options_;
  std::vector<Extrude> extrudes_;
  V3 box_lo_, box_hi_;
  double scale_ = 1;
  double size_ = 1;  ///< largest absolute coordinate after scaling
  std::vector<Param> params_;
};

double Converter::rd(double v) const {
  if (std::abs(v) < 1e-7 * size_) return 0;
  double r = std::stod(fmt::format("{:.6g}", v));
  return r == 0 ? 0 : r;
}

Frame Converter::parse_frame(const json& sketch, const std::string& ctx) {
  const json& t = field(sketch, "transform", ctx);
  std::string c = ctx + ", transform";
  Frame f{vec3(t, "origin", c), vec3(t, "x_axis", c), vec3(t, "y_axis", c), vec3(t, "z_axis", c)};
  if (len(f.x) < 1e-9 || len(f.z) < 1e-9) fail(c, "degenerate axes");
  f.x = f.x * (1 / len(f.x));
  f.z = f.z * (1 / len(f.z));
  if (std::abs(dot(f.x, f.z)) > 1e-6) fail(c, "x_axis is not perpendicular to z_axis");
  return f;
}

void Converter::parse() {
  const json& entities = field(doc_, "entities", where_);
  if (!entities.is_object()) fail(where_, "'entities' is not an object");
  const json& seq = field(doc_, "sequence", where_);
  if (!seq.is_array()) fail(where_, "'sequence' is not an array");
  for (std::size_t si = 0; si < seq.size(); ++si) {
    std::string sctx = fmt::format("{}: sequence[{}]", where_, si);
    std::string type = text(seq[si], "type", sctx);
    std::string id = text(seq[si], "entity", sctx);
    std::string ctx = fmt::format("{} ({} '{}')", sctx, type, id);
    auto it = entities.find(id);
    if (it == entities.end()) fail(ctx, "no such entity");
    const json& e = *it;
    if (type == "Sketch") continue;
    if (type != "ExtrudeFeature")
      fail(ctx, fmt::format("unsupported feature type '{}' (DeepCAD has Sketch and ExtrudeFeature)",
                            type));
    Extrude x;
    x.name = e.contains("name") && e["name"].is_string()
                 ? e["name"].get<std::string>()
                 : fmt::format("Extrude {}", extrudes_.size() + 1);
    std::string op = strip_suffix(text(e, "operation", ctx), "FeatureOperation");
    if (op == "NewBody")
      x.op = Op::NewBody;
    else if (op == "Join")
      x.op = Op::Join;
    else if (op == "Cut")
      x.op = Op::Cut;
    else if (op == "Intersect")
      x.op = Op::Intersect;
    else
      fail(ctx, fmt::format("unsupported operation '{}'", text(e, "operation", ctx)));
    std::string ext = strip_suffix(text(e, "extent_type", ctx), "FeatureExtentType");
    if (ext == "OneSide")
      x.extent = Extent::OneSide;
    else if (ext == "Symmetric")
      x.extent = Extent::Symmetric;
    else if (ext == "TwoSides")
      x.extent = Extent::TwoSides;
    else
      fail(ctx, fmt::format("unsupported extent type '{}'", text(e, "extent_type", ctx)));
    if (e.contains("start_extent")) {
      std::string start = text(field(e, "start_extent", ctx), "type", ctx + ", start_extent");
      if (start != "ProfilePlaneStartDefinition")
        fail(ctx, fmt::format("unsupported start extent '{}'", start));
    }
    const json& one = field(e, "extent_one", ctx);
    x.d1 = number(field(one, "distance", ctx + ", extent_one"), "value",
                  ctx + ", extent_one.distance");
    if (one.contains("taper_angle") && one["taper_angle"].contains("value") &&
        number(one["taper_angle"], "value", ctx) != 0)
      fail(ctx, "tapered extrusions are not supported");
    if (x.extent == Extent::TwoSides) {
      const json& two = field(e, "extent_two", ctx);
      x.d2 = number(field(two, "distance", ctx + ", extent_two"), "value",
                    ctx + ", extent_two.distance");
    }
    if (x.extent == Extent::Symmetric) x.d1 = std::abs(x.d1);
    if (x.extent == Extent::OneSide && x.d1 == 0) fail(ctx, "zero extrusion distance");
    if (x.extent == Extent::Symmetric && x.d1 == 0) fail(ctx, "zero extrusion distance");
    if (x.extent == Extent::TwoSides && !(x.d1 + x.d2 > 0))
      fail(ctx,
           fmt::format("empty two-sided extrusion ({} along, {} against the normal)", x.d1, x.d2));
    const json& profiles = field(e, "profiles", ctx);
    if (!profiles.is_array() || profiles.empty()) fail(ctx, "'profiles' is not a non-empty array");
    std::string sketch_id;
    for (std::size_t pi = 0; pi < profiles.size(); ++pi) {
      std::string pctx = fmt::format("profiles[{}]", pi);
      std::string sid = text(profiles[pi], "sketch", ctx + ", " + pctx);
      std::string pid = text(profiles[pi], "profile", ctx + ", " + pctx);
      auto sk = entities.find(sid);
      if (sk == entities.end()) fail(ctx, fmt::format("{}: no sketch '{}'", pctx, sid));
      std::string kctx = fmt::format("{}, profile '{}' of sketch '{}'", ctx, pid, sid);
      if (pi == 0) {
        sketch_id = sid;
        x.frame = parse_frame(*sk, ctx + fmt::format(", sketch '{}'", sid));
        x.sketch = sk->contains("name") && (*sk)["name"].is_string()
                       ? (*sk)["name"].get<std::string>()
                       : sid;
      } else if (sid != sketch_id) {
        fail(ctx, "profiles from several sketches in one extrusion are not supported");
      }
      const json& sp = field(*sk, "profiles", kctx);
      auto pr = sp.find(pid);
      if (pr == sp.end()) fail(kctx, "no such profile in the sketch");
      Profile p = parse_profile(*pr, kctx);
      p.key = sid + "/" + pid;
      x.profiles.push_back(std::move(p));
    }
    // A left-handed sketch frame (y_axis = -(z x x)) mirrors the sketch's v coordinates.
    Frame& f = x.frame;
    V3 yc = cross(f.z, f.x);
    if (dot(yc, f.y) < 0)
      for (Profile& p : x.profiles)
        for (Loop& l : p.loops)
          for (Curve& k : l.curves)
            for (V2* q : {&k.a, &k.b, &k.m, &k.c}) q->y = -q->y;
    f.y = yc;
    extrudes_.push_back(std::move(x));
  }
  if (extrudes_.empty()) fail(where_, "no ExtrudeFeature in the sequence");
}

/// The box of the solid extrusions (new bodies and joins; cuts only remove material), from
/// their sampled outer loops; of all extrusions when `all`.
void extrusion_box(const std::vector<Extrude>& extrudes, bool all, V3& lo_out, V3& hi_out) {
  bool first = true;
  for (const Extrude& e : extrudes) {
    if (!all && (e.op == Op::Cut || e.op == Op::Intersect)) continue;
    double lo = e.extent == Extent::OneSide     ? std::min(0.0, e.d1)
                : e.extent == Extent::Symmetric ? -e.d1
                                                : -e.d2;
    double hi = e.extent == Extent::OneSide ? std::max(0.0, e.d1) : e.d1;
    for (const Profile& p : e.profiles)
      for (const V2& q : sample(p.loops[0], 64))
        for (double h : {lo, hi}) {
          V3 g = e.frame.origin + e.frame.x * q.x + e.frame.y * q.y + e.frame.z * h;
          if (first) lo_out = hi_out = g, first = false;
          lo_out = {std::min(lo_out.x, g.x), std::min(lo_out.y, g.y), std::min(lo_out.z, g.z)};
          hi_out = {std::max(hi_out.x, g.x), std::max(hi_out.y, g.y), std::max(hi_out.z, g.z)};
        }
  }
}

void Converter::normalize() {
  // The bounding box as the document states it; from the geometry when it is absent.
  bool have = false;
  if (doc_.contains("properties") && doc_["properties"].is_object() &&
      doc_["properties"].contains("bounding_box")) {
    const json& bb = doc_["properties"]["bounding_box"];
    std::string c = where_ + ": properties.bounding_box";
    box_lo_ = vec3(bb, "min_point", c);
    box_hi_ = vec3(bb, "max_point", c);
    have = true;
  }
  if (!have) extrusion_box(extrudes_, true, box_lo_, box_hi_);
  double m = 0;
  for (int i = 0; i < 3; ++i)
    m = std::max({m, std::abs(comp(box_lo_, i)), std::abs(comp(box_hi_, i))});
  if (!(m > 0)) fail(where_, "the bounding box is empty");
  scale_ = options_.normalize ? 0.75 / m : 1.0;
  size_ = m * scale_;
  box_lo_ = box_lo_ * scale_;
  box_hi_ = box_hi_ * scale_;
  for (Extrude& e : extrudes_) {
    e.d1 *= scale_;
    e.d2 *= scale_;
    e.frame.origin = e.frame.origin * scale_;
    for (Profile& p : e.profiles)
      for (Loop& l : p.loops)
        for (Curve& k : l.curves) {
          for (V2* q : {&k.a, &k.b, &k.m, &k.c}) *q = *q * scale_;
          k.r *= scale_;
        }
  }
  // Round once: code and texts then agree on every number. Lines that vanish are dropped.
  for (Extrude& e : extrudes_)
    for (Profile& p : e.profiles)
      for (Loop& l : p.loops) {
        std::vector<Curve> kept;
        for (Curve k : l.curves) {
          k.a = rd(k.a), k.b = rd(k.b), k.m = rd(k.m), k.c = rd(k.c), k.r = rd(k.r);
          if (k.kind != Kind::Circle && len(k.a - k.b) == 0) continue;
          kept.push_back(k);
        }
        l.curves = kept;
      }
  for (Extrude& e : extrudes_)
    for (Profile& p : e.profiles) {
      p.loops.erase(std::remove_if(p.loops.begin() + 1, p.loops.end(),
                                   [](const Loop& l) { return l.curves.empty(); }),
                    p.loops.end());
      if (p.loops[0].curves.empty()) fail(where_, fmt::format("{}: a profile vanishes", e.name));
    }
}

// ---- recognition -------------------------------------------------------------------------

LoopInfo Converter::analyze(const Loop& loop) const {
  LoopInfo info;
  const auto& cs = loop.curves;
  std::vector<V2> pts = sample(loop, 64);
  info.lo = info.hi = pts[0];
  for (V2 q : pts) {
    info.lo = {std::min(info.lo.x, q.x), std::min(info.lo.y, q.y)};
    info.hi = {std::max(info.hi.x, q.x), std::max(info.hi.y, q.y)};
  }
  for (const Curve& k : cs) {
    info.lines += k.kind == Kind::Line;
    info.arcs += k.kind == Kind::Arc;
    if (k.kind != Kind::Circle) info.vertices.push_back(k.a);
  }
  if (cs.size() == 1 && cs[0].kind == Kind::Circle) {
    info.shape = Shape::Circle;
    info.center = cs[0].c;
    info.r = cs[0].r;
    info.lo = cs[0].c - V2{cs[0].r, cs[0].r};
    info.hi = cs[0].c + V2{cs[0].r, cs[0].r};
    return info;
  }
  const double eps = 1e-4 * size_;
  auto angle_of = [](V2 d) { return std::atan2(d.y, d.x) * 180 / kPi; };
  if (info.arcs == 0 && cs.size() == 4) {
    bool right = true;
    for (std::size_t i = 0; i < 4; ++i) {
      V2 d0 = cs[i].b - cs[i].a, d1 = cs[(i + 1) % 4].b - cs[(i + 1) % 4].a;
      right = right && std::abs(dot(d0, d1)) < 1e-4 * len(d0) * len(d1);
    }
    if (right) {
      info.shape = Shape::Rect;
      V2 d0 = cs[0].b - cs[0].a, d1 = cs[1].b - cs[1].a;
      info.center = (cs[0].a + cs[2].a) * 0.5;
      bool aligned = std::abs(d0.x) < eps || std::abs(d0.y) < eps;
      if (aligned) {
        info.w = info.hi.x - info.lo.x;
        info.h = info.hi.y - info.lo.y;
        info.center = (info.lo + info.hi) * 0.5;
      } else {
        // The side closest to the sketch's x direction comes first.
        double a = angle_of(d0);
        while (a > 45) a -= 90;
        while (a <= -45) a += 90;
        bool first_x = std::abs(std::abs(angle_of(d0)) - std::abs(a)) < 1e-6 ||
                       std::abs(std::abs(angle_of(d0)) - 180 + std::abs(a)) < 1e-6;
        info.w = first_x ? len(d0) : len(d1);
        info.h = first_x ? len(d1) : len(d0);
        info.angle = a;
      }
      return info;
    }
  }
  if (info.lines == 2 && info.arcs == 2 && cs.size() == 4) {
    std::size_t s = cs[0].kind == Kind::Arc ? 1 : 0;  // first line
    const Curve &l0 = cs[s], &a0 = cs[s + 1], &l1 = cs[(s + 2) % 4], &a1 = cs[(s + 3) % 4];
    bool alternating = l0.kind == Kind::Line && l1.kind == Kind::Line && a0.kind == Kind::Arc &&
                       a1.kind == Kind::Arc;
    if (alternating) {
      V2 d0 = l0.b - l0.a, d1 = l1.b - l1.a;
      bool half0 = std::abs(len(a0.a - a0.b) - 2 * a0.r) < eps,
           half1 = std::abs(len(a1.a - a1.b) - 2 * a1.r) < eps;
      if (half0 && half1 && std::abs(a0.r - a1.r) < eps &&
          std::abs(cross(d0, d1)) < 1e-4 * len(d0) * len(d1) && std::abs(len(d0) - len(d1)) < eps) {
        info.shape = Shape::Slot;
        info.r = a0.r;
        info.w = len(d0) + 2 * a0.r;
        info.h = 2 * a0.r;
        info.slot_centers = {a0.c, a1.c};
        info.center = (a0.c + a1.c) * 0.5;
        double a = angle_of(d0);
        while (a > 90) a -= 180;
        while (a <= -90) a += 180;
        info.angle = std::abs(a) < 1e-6 ? 0 : a;
        return info;
      }
    }
  }
  if (info.arcs == 0 && cs.size() >= 3) {
    V2 c;
    for (V2 v : info.vertices) c = c + v;
    c = c * (1.0 / static_cast<double>(info.vertices.size()));
    double smin = 1e300, smax = 0, rmin = 1e300, rmax = 0;
    for (const Curve& k : cs) {
      smin = std::min(smin, len(k.b - k.a)), smax = std::max(smax, len(k.b - k.a));
      rmin = std::min(rmin, len(k.a - c)), rmax = std::max(rmax, len(k.a - c));
    }
    info.n = static_cast<int>(cs.size());
    if (smax - smin < 1e-3 * smax && rmax - rmin < 1e-3 * rmax) {
      info.shape = Shape::RegularPolygon;
      info.center = c;
      info.r = (rmin + rmax) / 2;
      info.w = (smin + smax) / 2;
    } else {
      info.shape = Shape::Polygon;
      info.orthogonal = true;
      for (std::size_t k = 0; k < cs.size(); ++k) {
        V2 d0 = cs[k].b - cs[k].a, d1 = cs[(k + 1) % cs.size()].b - cs[(k + 1) % cs.size()].a;
        info.orthogonal = info.orthogonal && std::abs(dot(d0, d1)) < 1e-4 * len(d0) * len(d1);
      }
    }
    return info;
  }
  info.shape = Shape::Outline;
  return info;
}

std::string polygon_name(int n) {
  switch (n) {
    case 3:
      return "triangle";
    case 4:
      return "quadrilateral";
    case 5:
      return "pentagon";
    case 6:
      return "hexagon";
    case 7:
      return "heptagon";
    case 8:
      return "octagon";
    default:
      return fmt::format("{}-sided polygon", n);
  }
}

std::string Converter::loop_short(const LoopInfo& i) const {
  switch (i.shape) {
    case Shape::Circle:
      return "circle of radius " + n(i.r);
    case Shape::Rect:
      return fmt::format("{} x {} {}", n(i.w), n(i.h),
                         std::abs(i.w - i.h) < 1e-9 ? "square" : "rectangle") +
             (i.angle != 0 ? fmt::format(" rotated {}°", n(i.angle)) : "");
    case Shape::Slot:
      return fmt::format("{} x {} slot", n(i.w), n(i.h));
    case Shape::RegularPolygon:
      return fmt::format("regular {} of side {}", polygon_name(i.n), n(i.w));
    case Shape::Polygon:
      return i.n == 3                   ? "triangle"
             : i.orthogonal && i.n == 6 ? "L-shaped polygon"
                                        : fmt::format("{}-sided polygon", i.n);
    case Shape::Outline:
      break;
  }
  std::vector<std::string> parts;
  if (i.lines) parts.push_back(counted(static_cast<std::size_t>(i.lines), "line", "lines"));
  if (i.arcs) parts.push_back(counted(static_cast<std::size_t>(i.arcs), "arc", "arcs"));
  return "outline of " + join_list(parts);
}

/// "two circular holes of radius 0.05 and a 0.1 x 0.05 rectangular cutout".
std::string Converter::hole_short(const std::vector<LoopInfo>& inner, bool dims) const {
  std::vector<std::pair<std::string, std::size_t>> groups;  // singular noun, count
  auto add = [&](const std::string& s) {
    for (auto& g : groups)
      if (g.first == s) return void(++g.second);
    groups.push_back({s, 1});
  };
  for (const LoopInfo& i : inner) {
    std::string size = dims ? fmt::format("{} x {} ", n(i.w), n(i.h)) : "";
    std::string square = std::abs(i.w - i.h) < 1e-9 ? "square" : "rectangular";
    switch (i.shape) {
      case Shape::Circle:
        add(std::string("circular hole|circular holes|") + (dims ? " of radius " + n(i.r) : ""));
        break;
      case Shape::Rect:
        add(fmt::format("{0}{1} cutout|{0}{1} cutouts|", size, square));
        break;
      case Shape::Slot:
        add(fmt::format("{0}slot|{0}slots|", size));
        break;
      case Shape::RegularPolygon:
        add(fmt::format("{0} cutout|{0} cutouts|{1}", polygon_name(i.n),
                        dims ? " of side " + n(i.w) : ""));
        break;
      case Shape::Polygon:
        add(i.orthogonal && i.n == 6 ? "L-shaped cutout|L-shaped cutouts|"
                                     : "polygonal cutout|polygonal cutouts|");
        break;
      case Shape::Outline:
        add("profiled cutout|profiled cutouts|");
        break;
    }
  }
  std::vector<std::string> out;
  for (const auto& g : groups) {
    std::size_t p1 = g.first.find('|'), p2 = g.first.find('|', p1 + 1);
    std::string sing = g.first.substr(0, p1), plur = g.first.substr(p1 + 1, p2 - p1 - 1),
                tail = g.first.substr(p2 + 1);
    out.push_back(counted(g.second, sing, plur) + tail);
  }
  return join_list(out);
}

std::string Converter::loop_full(const Loop& loop, const LoopInfo& i) const {
  switch (i.shape) {
    case Shape::Circle:
      return fmt::format("a circle of radius {} (diameter {}) centred at {}", n(i.r), n(2 * i.r),
                         p2(i.center));
    case Shape::Rect:
      if (i.angle == 0)
        return fmt::format("a {} x {} rectangle from {} to {} (centre {})", n(i.w), n(i.h),
                           p2(i.lo), p2(i.hi), p2(i.center));
      return fmt::format(
          "a {} x {} rectangle centred at {}, rotated {}°, with corners {}, {}, {} and {}", n(i.w),
          n(i.h), p2(i.center), n(i.angle), p2(i.vertices[0]), p2(i.vertices[1]), p2(i.vertices[2]),
          p2(i.vertices[3]));
    case Shape::Slot:
      return fmt::format(
          "a slot {} long and {} wide{}: two parallel straight sides joined by semicircles of "
          "radius {} "
          "centred at {} and {}",
          n(i.w), n(i.h), i.angle != 0 ? fmt::format(" (its long axis at {}°)", n(i.angle)) : "",
          n(i.r), p2(i.slot_centers[0]), p2(i.slot_centers[1]));
    case Shape::RegularPolygon: {
      std::vector<std::string> v;
      for (V2 q : i.vertices) v.push_back(p2(q));
      return fmt::format("a regular {} of side {} centred at {} (circumradius {}) with vertices {}",
                         polygon_name(i.n), n(i.w), p2(i.center), n(i.r), join_list(v));
    }
    case Shape::Polygon: {
      std::vector<std::string> v;
      for (V2 q : i.vertices) v.push_back(p2(q));
      return fmt::format("a {} with vertices {}",
                         i.n == 3 ? "triangle" : fmt::format("{}-sided polygon", i.n),
                         join_list(v));
    }
    case Shape::Outline:
      break;
  }
  std::vector<std::string> steps;
  for (std::size_t k = 0; k < loop.curves.size(); ++k) {
    const Curve& c = loop.curves[k];
    V2 end = k + 1 == loop.curves.size() ? loop.curves[0].a : c.b;
    if (c.kind == Kind::Line)
      steps.push_back(k + 1 == loop.curves.size() ? "a line back to the start"
                                                  : "a line to " + p2(end));
    else
      steps.push_back(fmt::format("an arc of radius {} centred at {} through {} to {}", n(c.r),
                                  p2(c.c), p2(c.m),
                                  k + 1 == loop.curves.size() ? "the start" : p2(end)));
  }
  return fmt::format("an {} starting at {}: {}", loop_short(i), p2(loop.curves[0].a), [&] {
    std::string s;
    for (std::size_t k = 0; k < steps.size(); ++k) s += (k ? "; " : "") + steps[k];
    return s;
  }());
}

std::string Converter::profile_short(const Profile& p) const {
  std::string s = article(loop_short(analyze(p.loops[0])));
  std::vector<LoopInfo> inner;
  for (std::size_t i = 1; i < p.loops.size(); ++i) inner.push_back(analyze(p.loops[i]));
  if (!inner.empty()) s += " with " + hole_short(inner);
  return s;
}

std::string Converter::profile_full(const Profile& p) const {
  std::string s = loop_full(p.loops[0], analyze(p.loops[0]));
  if (p.loops.size() > 1) {
    std::vector<std::string> inner;
    for (std::size_t i = 1; i < p.loops.size(); ++i)
      inner.push_back(loop_full(p.loops[i], analyze(p.loops[i])));
    s += "; inside it, cut out " + join_list(inner);
  }
  return s;
}

std::string Converter::dir_desc(V3 d) const {
  const char* names[] = {"X", "Y", "Z"};
  for (int i = 0; i < 3; ++i)
    if (std::abs(std::abs(comp(d, i)) - 1) < 1e-9)
      return (comp(d, i) > 0 ? "+" : "-") + std::string(names[i]);
  return p3(d);
}

std::string Converter::plane_desc(const Frame& f) const {
  const char* planes[] = {"YZ", "XZ", "XY"};
  const char* axes[] = {"x", "y", "z"};
  for (int i = 0; i < 3; ++i)
    if (std::abs(std::abs(comp(f.z, i)) - 1) < 1e-9)
      return fmt::format("the {} plane at {} = {}", planes[i], axes[i], n(comp(f.origin, i)));
  return fmt::format("the plane through {} with normal {}", p3(f.origin), p3(f.z));
}

/// "(u, 0.1 + v, 0)": where a sketch point (u, v) lies.
std::string Converter::mapping(const Frame& f) const {
  std::vector<std::string> out;
  for (int i = 0; i < 3; ++i) {
    double o = rd(comp(f.origin, i)), xu = rd(comp(f.x, i)), yv = rd(comp(f.y, i));
    std::string s = o != 0 ? n(o) : "";
    auto term = [&](double k, const char* var) {
      if (k == 0) return;
      std::string mag = std::abs(k) == 1 ? var : n(std::abs(k)) + "·" + var;
      if (s.empty())
        s = (k < 0 ? "-" : "") + mag;
      else
        s += (k < 0 ? " - " : " + ") + mag;
    };
    term(xu, "u");
    term(yv, "v");
    out.push_back(s.empty() ? "0" : s);
  }
  return "(" + out[0] + ", " + out[1] + ", " + out[2] + ")";
}

std::string Converter::extent_desc(const Extrude& e) const {
  std::string verb = e.op == Op::Cut ? "cut" : "extruded";
  V3 nz = rd(e.frame.z);
  switch (e.extent) {
    case Extent::OneSide:
      return fmt::format("{} {} along {}", verb, n(std::abs(e.d1)),
                         dir_desc(e.d1 > 0 ? nz : nz * -1));
    case Extent::Symmetric:
      return fmt::format(
          "{} symmetrically {} to each side of the sketch plane along ±{} ({} in total)", verb,
          n(e.d1), dir_desc(nz).substr(dir_desc(nz)[0] == '+' || dir_desc(nz)[0] == '-' ? 1 : 0),
          n(2 * e.d1));
    case Extent::TwoSides:
      return fmt::format("{} {} along {} and {} along {}", verb, n(e.d1), dir_desc(nz), n(e.d2),
                         dir_desc(nz * -1));
  }
  return verb;
}

double thickness(const Extrude& e) {
  return e.extent == Extent::OneSide     ? std::abs(e.d1)
         : e.extent == Extent::Symmetric ? 2 * e.d1
                                         : e.d1 + e.d2;
}

/// What an extrusion makes: "rectangular plate", "cylinder", "hexagonal prism", ...
std::string Converter::noun(const Extrude& e, std::size_t profile, bool base) const {
  const Profile& p = e.profiles[profile];
  LoopInfo i = analyze(p.loops[0]);
  double t = thickness(e);
  double a = i.hi.x - i.lo.x, b = i.hi.y - i.lo.y;
  if (i.shape == Shape::Rect) a = i.w, b = i.h;
  double small = std::min(a, b), big = std::max(a, b);
  bool thin = t<0.25 * small, tall = t> 2.5 * big;
  bool ring = false;
  if (i.shape == Shape::Circle && p.loops.size() == 2) {
    LoopInfo h = analyze(p.loops[1]);
    ring = h.shape == Shape::Circle && len(h.center - i.center) < 1e-6 * size_;
  }
  std::string s;
  if (e.op == Op::Cut) {
    switch (i.shape) {
      case Shape::Circle:
        s = "circular hole";
        break;
      case Shape::Rect:
        s = "rectangular cutout";
        break;
      case Shape::Slot:
        s = "slot";
        break;
      case Shape::RegularPolygon:
        s = polygon_name(i.n) + " cutout";
        break;
      case Shape::Polygon:
        s = "polygonal cutout";
        break;
      case Shape::Outline:
        s = "profiled cutout";
        break;
    }
    return s;
  }
  switch (i.shape) {
    case Shape::Circle:
      s = ring   ? (thin ? "ring" : "tube")
          : thin ? "circular disc"
          : tall ? "cylindrical rod"
                 : "cylinder";
      break;
    case Shape::Rect: {
      bool square = std::abs(i.w - i.h) < 1e-9;
      if (thin)
        s = square ? "square plate" : "rectangular plate";
      else if (tall || t > 4 * small || big > 4 * std::max(t, small))
        s = square ? "square bar" : "rectangular bar";
      else
        s = square && std::abs(t - i.w) < 1e-6 * size_ ? "cube" : "rectangular block";
      break;
    }
    case Shape::Slot:
      s = thin ? "obround plate" : "obround block";
      break;
    case Shape::RegularPolygon:
      s = (i.n == 6   ? std::string("hexagonal")
           : i.n == 8 ? "octagonal"
           : i.n == 5 ? "pentagonal"
           : i.n == 3 ? "triangular"
                      : "polygonal") +
          (thin ? " plate" : " prism");
      break;
    case Shape::Polygon:
      s = std::string(i.n == 3                   ? "triangular"
                      : i.orthogonal && i.n == 6 ? "L-shaped"
                                                 : "polygonal") +
          (thin ? " plate" : " prism");
      break;
    case Shape::Outline:
      s = thin ? "profiled plate" : "profiled prism";
      break;
  }
  if (!base && !thin && i.shape == Shape::Circle && !ring) s = "cylindrical boss";
  return s;
}

std::vector<std::string> Converter::placement(const Extrude& e) const {
  std::vector<std::string> out;
  const Frame& f = e.frame;
  out.push_back(
      fmt::format("The sketch plane has its origin at {}, its x axis along {} and its normal along "
                  "{} (its y axis is normal x "
                  "x axis = {}), so a sketch point (u, v) lies at {}.",
                  p3(f.origin), p3(rd(f.x)), p3(rd(f.z)), p3(rd(f.y)), mapping(f)));
  if (e.extent == Extent::TwoSides)
    out.push_back(fmt::format(
        "Both sides together span {} along the normal, from {} behind the sketch plane to {} "
        "in front of it.",
        n(e.d1 + e.d2), n(e.d2), n(e.d1)));
  for (std::size_t pi = 0; pi < e.profiles.size(); ++pi) {
    const Profile& p = e.profiles[pi];
    LoopInfo o = analyze(p.loops[0]);
    std::string who = e.profiles.size() > 1 ? fmt::format("Profile {} ({})", pi + 1, loop_short(o))
                                            : "The " + loop_short(o);
    V2 mid = (o.lo + o.hi) * 0.5;
    V3 g = f.origin + rd(f.x) * mid.x + rd(f.y) * mid.y;
    out.push_back(fmt::format(
        "{} spans u from {} to {} and v from {} to {}; its centre {} lies at {} in the part.", who,
        n(o.lo.x), n(o.hi.x), n(o.lo.y), n(o.hi.y), p2(mid), p3(g)));
    for (std::size_t li = 1; li < p.loops.size(); ++li) {
      LoopInfo h = analyze(p.loops[li]);
      V2 c = h.shape == Shape::Circle || h.shape == Shape::Rect || h.shape == Shape::Slot ||
                     h.shape == Shape::RegularPolygon
                 ? h.center
                 : (h.lo + h.hi) * 0.5;
      out.push_back(
          fmt::format("The inner {} is centred at {}: {} from the outline's left edge (u = {} + {} "
                      "= {}) and {} from its "
                      "bottom edge (v = {} + {} = {}).",
                      loop_short(h), p2(c), n(c.x - o.lo.x), n(o.lo.x), n(c.x - o.lo.x), n(c.x),
                      n(c.y - o.lo.y), n(o.lo.y), n(c.y - o.lo.y), n(c.y)));
    }
  }
  return out;
}

// ---- code --------------------------------------------------------------------------------

bool is_identifier_taken(const std::vector<Param>& ps, const std::string& name) {
  return std::any_of(ps.begin(), ps.end(), [&](const Param& p) { return p.name == name; });
}

/// A variable for `value` named after `base` (reused when one with that base has the value).
std::string Converter::param(const std::string& base, double value, const std::string& meaning) {
  value = rd(value);
  for (const Param& p : params_) {
    std::string stem = p.name;
    std::size_t us = stem.rfind('_');
    if (us != std::string::npos &&
        std::all_of(stem.begin() + static_cast<long>(us) + 1, stem.end(), ::isdigit))
      stem.resize(us);
    if ((stem == base || p.name == base) && p.value == value) return p.name;
  }
  std::string name = base;
  for (int k = 2; is_identifier_taken(params_, name); ++k) name = fmt::format("{}_{}", base, k);
  params_.push_back({name, value, meaning});
  return name;
}

std::string Converter::loop_code(const Loop& loop, const LoopInfo& info, bool inner,
                                 bool parametric, const std::string& feature) {
  std::vector<std::string> calls;
  if (info.shape == Shape::Circle) {
    std::string r = n(info.r);
    if (parametric)
      r = param(inner ? "hole_radius" : "radius", info.r,
                fmt::format("radius of the {} in {}", inner ? "circular hole" : "circle", feature));
    calls.push_back(fmt::format(".moveTo({}, {})", n(info.center.x), n(info.center.y)));
    calls.push_back(fmt::format(".circle({})", r));
  } else if (parametric && info.shape == Shape::Rect && info.angle == 0) {
    std::string w = param(inner ? "cutout_length" : "length", info.w,
                          fmt::format("{} rectangle's side along the sketch x axis in {}",
                                      inner ? "inner" : "outer", feature));
    std::string h = param(inner ? "cutout_width" : "width", info.h,
                          fmt::format("{} rectangle's side along the sketch y axis in {}",
                                      inner ? "inner" : "outer", feature));
    calls.push_back(fmt::format(".moveTo({}, {})", n(info.center.x), n(info.center.y)));
    calls.push_back(fmt::format(".rect({}, {})", w, h));
  } else {
    const auto& cs = loop.curves;
    calls.push_back(fmt::format(".moveTo({}, {})", n(cs[0].a.x), n(cs[0].a.y)));
    for (std::size_t k = 0; k < cs.size(); ++k) {
      bool last = k + 1 == cs.size();
      V2 end = last ? cs[0].a : cs[k].b;
      if (cs[k].kind == Kind::Line) {
        if (!last) calls.push_back(fmt::format(".lineTo({}, {})", n(end.x), n(end.y)));
      } else {
        calls.push_back(fmt::format(".threePointArc(({}, {}), ({}, {}))", n(cs[k].m.x),
                                    n(cs[k].m.y), n(end.x), n(end.y)));
      }
    }
    calls.push_back(".close()");
  }
  // Calls packed into lines of at most 88 characters.
  std::string out, line;
  for (const std::string& c : calls) {
    if (!line.empty() && line.size() + c.size() > 84) out += "    " + line + "\n", line.clear();
    line += c;
  }
  if (!line.empty()) out += "    " + line + "\n";
  return out;
}

std::string Converter::code(bool parametric) {
  std::string body;
  bool have = false;
  for (std::size_t ei = 0; ei < extrudes_.size(); ++ei) {
    const Extrude& e = extrudes_[ei];
    std::size_t k = ei + 1;
    std::string feature = fmt::format("{} ({})", e.name,
                                      k == 1                  ? "base"
                                      : e.op == Op::Cut       ? "cut"
                                      : e.op == Op::Intersect ? "intersect"
                                                              : "join");
    body += fmt::format("\n# {}: {}\n", feature,
                        e.profiles.size() == 1 ? profile_short(e.profiles[0])
                                               : fmt::format("{} profiles", e.profiles.size()));
    Frame f = e.frame;
    std::string extrude;
    std::string what = e.op == Op::Cut         ? "cut_depth"
                       : e.op == Op::Intersect ? "intersect_depth"
                                               : "height";
    if (e.extent == Extent::TwoSides) {
      f.origin = f.origin - f.z * e.d2;
      std::string total = n(e.d1 + e.d2);
      if (parametric)
        total =
            param(what + "_front", e.d1, "extrusion of " + feature + " along the sketch normal") +
            " + " +
            param(what + "_back", e.d2, "extrusion of " + feature + " against the sketch normal");
      extrude = fmt::format(".extrude({})", total);
    } else if (e.extent == Extent::Symmetric) {
      std::string d = parametric
                          ? param("half_" + what, e.d1,
                                  "extrusion of " + feature + " to each side of the sketch plane")
                          : n(e.d1);
      extrude = fmt::format(".extrude({}, both=True)", d);
    } else {
      std::string d = n(e.d1);
      if (parametric)
        d = (e.d1 < 0 ? "-" : "") + param(what, std::abs(e.d1),
                                          fmt::format("extrusion of {} {} the sketch normal",
                                                      feature, e.d1 < 0 ? "against" : "along"));
      extrude = fmt::format(".extrude({})", d);
    }
    body += fmt::format("plane{} = cq.Plane(origin={}, xDir={}, normal={})\n", k, p3(f.origin),
                        p3(rd(f.x)), p3(rd(f.z)));
    std::vector<std::string> names;
    for (std::size_t pi = 0; pi < e.profiles.size(); ++pi) {
      const Profile& p = e.profiles[pi];
      std::string var =
          e.profiles.size() == 1 ? fmt::format("solid{}", k) : fmt::format("solid{}_{}", k, pi + 1);
      names.push_back(var);
      body += fmt::format("{} = (\n    cq.Workplane(plane{})\n", var, k);
      for (std::size_t li = 0; li < p.loops.size(); ++li)
        body += loop_code(p.loops[li], analyze(p.loops[li]), li > 0, parametric, feature);
      body += "    " + extrude + "\n)\n";
    }
    std::string solid = names[0];
    if (names.size() > 1) {
      solid = fmt::format("solid{}", k);
      body += solid + " = " + names[0];
      for (std::size_t i = 1; i < names.size(); ++i) body += ".union(" + names[i] + ")";
      body += "\n";
    }
    if (!have) {
      if (e.op == Op::Cut || e.op == Op::Intersect) {
        body += "# (nothing to cut or intersect yet)\n";
        continue;
      }
      body += "result = " + solid + "\n";
      have = true;
    } else {
      const char* m = e.op == Op::Cut ? "cut" : e.op == Op::Intersect ? "intersect" : "union";
      body += fmt::format("result = result.{}({})\n", m, solid);
    }
  }
  if (!have) fail(where_, "no extrusion makes a body (only cuts and intersections)");
  std::string head = "import cadquery as cq\n";
  if (parametric) {
    head += "\n# Dimensions in DeepCAD's normalized frame\n";
    for (const Param& p : params_)
      head += fmt::format("{} = {}  # {}\n", p.name, num(p.value), p.meaning);
  }
  return head + body;
}

// ---- the part ----------------------------------------------------------------------------

Part Converter::run() {
  parse();
  normalize();
  Part part;
  part.family = "deepcad";
  part.style = "deepcad";
  part.code = code(false);
  params_.clear();
  part.code_param = code(true);
  part.params = params_;

  std::size_t profiles = 0;
  std::map<std::string, std::size_t> curves;
  for (const Extrude& e : extrudes_)
    for (const Profile& p : e.profiles) {
      ++profiles;
      std::size_t c = 0;
      for (const Loop& l : p.loops) c += l.curves.size();
      curves[p.key] = c;
    }
  for (const auto& c : curves) part.n_curves += static_cast<int>(c.second);
  if (extrudes_.size() > 1)
    part.level = Level::MSE;
  else if (profiles > 1)
    part.level = Level::S;
  else if (extrudes_[0].profiles[0].loops.size() > 1)
    part.level = Level::F;
  else
    part.level = Level::L;

  // Features, in sequence order.
  std::vector<std::string> steps;
  bool have = false;
  for (std::size_t ei = 0; ei < extrudes_.size(); ++ei) {
    const Extrude& e = extrudes_[ei];
    Feature f;
    f.kind = !have && e.op != Op::Cut && e.op != Op::Intersect ? "base"
             : e.op == Op::Cut                                 ? "cut"
             : e.op == Op::Intersect                           ? "intersect"
                                                               : "join";
    have = have || f.kind == "base";
    std::vector<std::string> ps;
    {
      std::vector<std::pair<std::string, std::size_t>> groups;
      for (const Profile& p : e.profiles) {
        std::string d = profile_short(p);
        auto it =
            std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == d; });
        if (it == groups.end())
          groups.push_back({d, 1});
        else
          ++it->second;
      }
      for (const auto& g : groups)
        ps.push_back(g.second == 1
                         ? g.first
                         : fmt::format("{} profiles, each {}", count_word(g.second), g.first));
    }
    f.description = fmt::format("{} on {}, {}", join_list(ps), plane_desc(e.frame), extent_desc(e));
    if (f.kind == "join") f.description += ", and joined to the body";
    if (f.kind == "intersect") f.description += ", and intersected with the body";
    f.placement = placement(e);
    part.features.push_back(f);

    std::vector<std::string> full;
    for (std::size_t pi = 0; pi < e.profiles.size(); ++pi)
      full.push_back((e.profiles.size() > 1 ? fmt::format("profile {}: ", pi + 1) : "") +
                     profile_full(e.profiles[pi]));
    std::string purpose = f.kind == "base"        ? "the base body"
                          : f.kind == "cut"       ? "cut from the body"
                          : f.kind == "intersect" ? "intersected with the body"
                                                  : "joined to the body";
    std::string step = fmt::format(
        "Step {} ({}, {}): on {} (sketch point (u, v) at {}), draw {}. {}, {}.", ei + 1, e.name,
        f.kind, plane_desc(e.frame), mapping(e.frame),
        [&] {
          std::string s;
          for (std::size_t i = 0; i < full.size(); ++i) s += (i ? "; " : "") + full[i];
          return s;
        }(),
        capitalize(e.profiles.size() > 1 ? "the profiles are " + extent_desc(e)
                                         : "it is " + extent_desc(e)),
        purpose);
    steps.push_back(step);
  }

  // Texts.
  const Extrude* base = nullptr;
  for (const Extrude& e : extrudes_)
    if (e.op != Op::Cut && e.op != Op::Intersect) {
      base = &e;
      break;
    }
  std::string what = noun(*base, 0, true);
  auto plural = [](const std::string& s) {
    if (s.size() > 1 && (s.back() == 'x' || s.back() == 's')) return s + "es";
    return s + "s";
  };
  std::vector<std::string> with;
  {
    const Profile& p = base->profiles[0];
    std::vector<LoopInfo> inner;
    for (std::size_t i = 1; i < p.loops.size(); ++i) inner.push_back(analyze(p.loops[i]));
    bool ring = what == "ring" || what == "tube";
    if (!inner.empty() && !ring) with.push_back(hole_short(inner, false));
  }
  // All profiles of the base sketch: "two rectangular bars", "a cylinder and a profiled prism".
  std::vector<std::string> together;
  if (base->profiles.size() > 1) {
    std::map<std::string, std::size_t> count;
    std::vector<std::string> order;
    for (std::size_t pi = 0; pi < base->profiles.size(); ++pi) {
      std::string nn = noun(*base, pi, true);
      if (!count[nn]++) order.push_back(nn);
    }
    for (const auto& nn : order) together.push_back(counted(count[nn], nn, plural(nn)));
  }
  std::map<std::string, std::size_t> joins, cuts, inters;
  std::vector<std::string> join_order, cut_order;
  for (const Extrude& e : extrudes_) {
    if (&e == base) continue;
    std::string nn = noun(e, 0, false);
    if (e.op == Op::Cut) {
      if (!cuts[nn]++) cut_order.push_back(nn);
    } else if (e.op == Op::Intersect) {
      ++inters[nn];
    } else {
      if (!joins[nn]++) join_order.push_back(nn);
    }
  }
  for (const auto& j : join_order) with.push_back(counted(joins[j], j, plural(j)) + " attached");
  for (const auto& c : cut_order) with.push_back(counted(cuts[c], c, plural(c)));
  std::string abstract = capitalize(article(what));
  if (!together.empty()) {
    abstract = capitalize(join_list(together)) + ", extruded together from one sketch" +
               (with.empty() ? "" : ",");
  }
  if (!with.empty()) abstract += " with " + join_list(with);
  if (!inters.empty()) abstract += ", trimmed by intersecting it with another extrusion";
  abstract += ".";
  // The solid's extent (the document's box may include sketches that are never extruded).
  V3 lo, hi;
  extrusion_box(extrudes_, false, lo, hi);
  double ex = hi.x - lo.x, ey = hi.y - lo.y, ez = hi.z - lo.z;
  abstract += fmt::format(
      " It measures about {} x {} x {} and is made of {}.",
      num(std::stod(fmt::format("{:.2g}", ex))), num(std::stod(fmt::format("{:.2g}", ey))),
      num(std::stod(fmt::format("{:.2g}", ez))),
      extrudes_.size() == 1 ? "one sketch extruded once"
                            : count_word(extrudes_.size()) + " sketch-and-extrude steps");
  part.text_abstract = abstract;

  std::string detailed = fmt::format(
      "{} All dimensions are in {}; the extrusions span {} to {} ({} x {} x {}) before any cuts. "
      "It is built in {}:",
      abstract.substr(0, abstract.find('.') + 1),
      options_.normalize
          ? "DeepCAD's normalized frame (the document's bounding box scaled so that its largest "
            "absolute coordinate is 0.75)"
          : "the document's units",
      p3(lo), p3(hi), n(ex), n(ey), n(ez),
      extrudes_.size() == 1 ? "one step"
                            : count_word(extrudes_.size()) + " steps, combined in this order");
  for (const std::string& s : steps) detailed += " " + s;
  part.text_detailed = detailed;
  return part;
}

}  // namespace

Part convert_deepcad(const nlohmann::json& doc, const std::string& where,
                     const DeepcadOptions& options) {
  if (!doc.is_object()) throw Error(where + ": not a JSON object");
  return Converter(doc, where, options).run();
}

Part read_deepcad(const std::string& path, const DeepcadOptions& options) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open");
  json doc;
  try {
    in >> doc;
  } catch (const json::exception& e) {
    throw Error(path + ": invalid JSON: " + e.what());
  }
  return convert_deepcad(doc, path, options);
}

std::vector<std::pair<std::string, std::string>> find_deepcad_files(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir + ": not a directory");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json")
      out.emplace_back(e.path().stem().string(), e.path().string());
    else if (e.is_directory() && fs::is_regular_file(e.path() / "deepcad.json"))
      out.emplace_back(e.path().filename().string(), (e.path() / "deepcad.json").string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace cad::data
