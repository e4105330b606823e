#include "data/families/common.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/error.h"

namespace cad::data::fam {

namespace {

std::string levels_text(const std::vector<Level>& levels) {
  std::string out;
  for (Level l : levels) out += (out.empty() ? "" : ", ") + std::string(to_string(l));
  return out;
}

std::string wrap(const X& x, int min_prec) {
  return x.prec < min_prec ? "(" + x.text + ")" : x.text;
}

}  // namespace

Choice choose(Rng& rng, const std::string& family, const std::vector<Level>& levels,
              const std::vector<std::string>& styles, const GenerateOptions& options) {
  Choice c;
  if (options.level) {
    if (std::find(levels.begin(), levels.end(), *options.level) == levels.end())
      throw UsageError(fmt::format("family '{}' cannot make level {} (it makes {})", family,
                                   to_string(*options.level), levels_text(levels)));
    c.level = *options.level;
  } else {
    c.level = rng.choice(levels);
  }
  if (!options.style.empty()) {
    if (std::find(styles.begin(), styles.end(), options.style) == styles.end())
      throw UsageError(fmt::format("family '{}' has no code style '{}' (it writes {})", family,
                                   options.style, fmt::join(styles, ", ")));
    c.style = options.style;
  } else {
    c.style = rng.choice(styles);
  }
  return c;
}

X::X(double v) : text(num(v)), value(v), prec(v < 0 ? 1 : 3) {}

X operator+(const X& a, const X& b) {
  return {a.text + " + " + wrap(b, 1), a.value + b.value, 1};
}
X operator-(const X& a, const X& b) {
  return {a.text + " - " + wrap(b, 2), a.value - b.value, 1};
}
X operator*(const X& a, const X& b) {
  return {wrap(a, 2) + " * " + wrap(b, 2), a.value * b.value, 2};
}
X operator/(const X& a, const X& b) {
  return {wrap(a, 2) + " / " + wrap(b, 3), a.value / b.value, 2};
}
X operator-(const X& a) {
  // Negation commutes exactly with * and /, so "-a / 2" needs no parentheses.
  if (a.prec >= 2 && !a.text.empty() && a.text[0] != '-') return {"-" + a.text, -a.value, 2};
  return {"-(" + a.text + ")", -a.value, 2};
}
X group(const X& a) {
  return {wrap(a, 3), a.value, 3};
}

X Dims::add(const std::string& name, double value, const std::string& meaning) {
  for (const Param& p : params_)
    if (p.name == name) throw Error("Dims: duplicate parameter " + name);
  params_.push_back({name, value, meaning});
  return {name, value, 3};
}

X Dims::operator[](const std::string& name) const {
  for (const Param& p : params_)
    if (p.name == name) return {name, p.value, 3};
  throw Error("Dims: no parameter " + name);
}

std::string W::operator()(const X& x) const {
  return named ? x.text : num(x.value);
}
std::string W::pt(const X& a, const X& b) const {
  return "(" + (*this)(a) + ", " + (*this)(b) + ")";
}
std::string W::pt(const X& a, const X& b, const X& c) const {
  return "(" + (*this)(a) + ", " + (*this)(b) + ", " + (*this)(c) + ")";
}

std::string profile_list(const W& w, const std::vector<std::pair<X, X>>& pts, bool closed) {
  std::vector<std::string> items;
  for (const auto& p : pts) items.push_back(w.pt(p.first, p.second));
  if (closed && !pts.empty()) items.push_back(w.pt(pts[0].first, pts[0].second));
  std::string one_line = "[" + fmt::format("{}", fmt::join(items, ", ")) + "]";
  if (one_line.size() <= 72) return one_line;
  std::string out = "[\n";
  for (const auto& item : items) out += "    " + item + ",\n";
  return out + "]";
}

void write_code(Part& part, const Dims& dims, const std::function<std::string(const W&)>& body) {
  std::string fixed = body(W{false});
  std::string named = body(W{true});
  auto header = [](const std::string& b) {
    std::string h = "import cadquery as cq\n";
    if (b.find("math.") != std::string::npos) h += "import math\n";
    return h + "\n";
  };
  for (const Param& p : dims.params()) {
    std::string line = "\n" + named;
    if (line.find("\n" + p.name + " = ") != std::string::npos ||
        line.find("for " + p.name + " in") != std::string::npos)
      throw Error("write_code: the body reassigns the parameter " + p.name);
  }
  part.code = header(fixed) + fixed;
  std::string block;
  for (const Param& p : dims.params())
    block += fmt::format("{} = {}  # {}\n", p.name, num(p.value), p.meaning);
  part.code_param = header(named) + block + "\n" + named;
  part.params = dims.params();
}

double nice_dimension(Rng& rng, double lo, double hi) {
  for (double step : {5.0, 1.0, 0.5})
    if (std::floor(hi / step + 1e-9) >= std::ceil(lo / step - 1e-9))
      return rng.dimension(lo, hi, step);
  return std::ceil(lo * 2 - 1e-9) / 2;
}

std::string pick(Rng& rng, std::initializer_list<const char*> options) {
  std::vector<const char*> v(options);
  return v[rng.index(v.size())];
}

std::string size2(double a, double b) {
  return fmt::format("{} x {} mm", num(a), num(b));
}
std::string size3(double a, double b, double c) {
  return fmt::format("{} x {} x {} mm", num(a), num(b), num(c));
}

std::string count_word(int n) {
  static const char* words[] = {"zero", "one",   "two",   "three", "four", "five",
                                "six",  "seven", "eight", "nine",  "ten"};
  return n >= 0 && n <= 10 ? words[n] : std::to_string(n);
}

std::string article(const std::string& next) {
  if (next.empty()) return "a";
  char c = static_cast<char>(std::tolower(static_cast<unsigned char>(next[0])));
  if (std::string("aeiou").find(c) != std::string::npos) return "an";
  if (c == '8') return "an";
  std::size_t digits = 0;
  while (digits < next.size() && std::isdigit(static_cast<unsigned char>(next[digits]))) ++digits;
  if ((digits == 2 || digits == 5) &&
      (next.compare(0, 2, "11") == 0 || next.compare(0, 2, "18") == 0))
    return "an";
  return "a";
}

std::string capitalize(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string detailed_text(Rng& rng, const std::string& opening,
                          const std::vector<Feature>& features, const std::string& closing) {
  std::string out = opening;
  for (std::size_t i = 0; i < features.size(); ++i) {
    std::string d = features[i].description;
    if (!d.empty() && d.back() != '.') d += '.';
    if (i == 0) {
      out += " " + capitalize(d);
      continue;
    }
    std::string lead = pick(rng, {"", "Then ", "Next, ", "", "After that, "});
    if (!lead.empty() && d.size() > 1 && std::isupper(static_cast<unsigned char>(d[0])) &&
        !std::isupper(static_cast<unsigned char>(d[1])))
      d[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(d[0])));
    out += " " + (lead.empty() ? capitalize(d) : lead + d);
  }
  if (!closing.empty()) out += " " + closing;
  return out;
}

namespace {

std::string fix_articles(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool word_start = i == 0 || !std::isalpha(static_cast<unsigned char>(text[i - 1]));
    if (word_start && (text[i] == 'a' || text[i] == 'A') && i + 2 < text.size() &&
        text[i + 1] == ' ' && std::isdigit(static_cast<unsigned char>(text[i + 2])) &&
        article(text.substr(i + 2)) == "an") {
      out += text[i];
      out += 'n';
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace

void polish(Part& part) {
  part.text_abstract = fix_articles(part.text_abstract);
  part.text_detailed = fix_articles(part.text_detailed);
  for (Feature& f : part.features) {
    f.description = fix_articles(f.description);
    for (std::string& p : f.placement) p = fix_articles(p);
  }
}

std::vector<std::pair<double, double>> grid(int nx, int ny, double px, double py) {
  std::vector<std::pair<double, double>> pts;
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j)
      pts.emplace_back((i - (nx - 1) / 2.0) * px, (j - (ny - 1) / 2.0) * py);
  return pts;
}

std::string point_list(const std::vector<std::pair<double, double>>& pts) {
  std::string out = "[";
  for (std::size_t i = 0; i < pts.size(); ++i)
    out += fmt::format("{}({}, {})", i ? ", " : "", num(pts[i].first), num(pts[i].second));
  return out + "]";
}

std::string value_list(const std::vector<double>& values, bool unit) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += i + 1 == values.size() ? " and " : ", ";
    out += num(values[i]);
  }
  return unit ? out + " mm" : out;
}

}  // namespace cad::data::fam
