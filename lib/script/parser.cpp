// Recursive-descent parser of the Python subset into the AST (ast.h), with Python's precedence.
#include <algorithm>
#include <cstring>
#include <set>

#include "script/ast.h"
#include "script/interpreter.h"
#include "script/lexer.h"

namespace cad::script {
namespace {

constexpr int kMaxNesting = 150;  // bounds C++ recursion on hostile input like "((((...))))"
// Bounds the depth of trees that loops build ("1+1+...", "w.a().b()...", elif chains), which
// evaluating and freeing walk recursively: a 20000-term sum would overflow the stack.
constexpr int kMaxHeight = 3000;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Body parse_module() {
    Body body;
    while (!at(Tok::End)) {
      if (at(Tok::Newline)) {
        ++i_;
        continue;
      }
      if (at(Tok::Indent)) error("unexpected indent");
      parse_statement(body);
    }
    return body;
  }

  ExprPtr parse_single_expression() {
    ExprPtr e = parse_exprlist();
    while (at(Tok::Newline)) ++i_;
    if (!at(Tok::End)) error("invalid syntax in f-string expression");
    return e;
  }

 private:
  // ---- token helpers ----
  const Token& cur() const { return t_[i_]; }
  bool at(Tok k) const { return t_[i_].kind == k; }
  bool at_op(const char* op) const { return t_[i_].kind == Tok::Op && t_[i_].text == op; }
  bool at_kw(const char* kw) const { return t_[i_].kind == Tok::Name && t_[i_].text == kw; }
  bool accept_op(const char* op) {
    if (!at_op(op)) return false;
    ++i_;
    return true;
  }
  bool accept_kw(const char* kw) {
    if (!at_kw(kw)) return false;
    ++i_;
    return true;
  }
  [[noreturn]] void error(const std::string& message) const {
    throw ScriptError(ErrorKind::Syntax, "SyntaxError", message, cur().pos.line, cur().pos.column);
  }
  [[noreturn]] void unsupported(const std::string& message) const {
    throw ScriptError(ErrorKind::Unsupported, "SyntaxError", message, cur().pos.line,
                      cur().pos.column);
  }
  void expect_op(const char* op) {
    if (!accept_op(op)) error(std::string("expected '") + op + "'" + near());
  }
  std::string near() const {
    if (at(Tok::Newline)) return " at end of line";
    if (at(Tok::End)) return " at end of file";
    if (at(Tok::Indent) || at(Tok::Dedent)) return " (indentation)";
    return " near '" + cur().text + "'";
  }
  std::string expect_name() {
    if (!at(Tok::Name) || is_keyword(cur().text)) error("expected a name" + near());
    return t_[i_++].text;
  }
  static bool is_keyword(const std::string& s) {
    static const std::set<std::string> kw = {
        "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
        "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
        "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
        "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};
    return kw.count(s) > 0;
  }
  ExprPtr node(ExprKind k, Pos p) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->pos = p;
    return e;
  }
  StmtPtr stmt(StmtKind k, Pos p) {
    auto s = std::make_unique<Stmt>();
    s->kind = k;
    s->pos = p;
    return s;
  }
  struct DepthGuard {
    DepthGuard(Parser& p) : p(p) {
      if (++p.depth_ > kMaxNesting) p.error("expression or block nested too deeply");
    }
    ~DepthGuard() { --p.depth_; }
    Parser& p;
  };

  // ---- statements ----
  void end_of_simple_statement() {
    if (accept_op(";")) return;
    if (at(Tok::Newline)) {
      ++i_;
      return;
    }
    if (at(Tok::End) || at(Tok::Dedent)) return;
    error("invalid syntax" + near());
  }

  void parse_statement(Body& out) {
    DepthGuard guard(*this);
    Pos p = cur().pos;
    if (at(Tok::Name)) {
      const std::string& w = cur().text;
      if (w == "if") return out.push_back(parse_if());
      if (w == "for") return out.push_back(parse_for());
      if (w == "while") return out.push_back(parse_while());
      if (w == "def") return out.push_back(parse_def());
      if (w == "try") return out.push_back(parse_try());
      if (w == "class") return out.push_back(parse_class());
      if (w == "with") unsupported("'with' statements are not supported");
      if (w == "async") unsupported("async code is not supported");
    }
    if (at_op("@")) unsupported("decorators are not supported");
    // simple statements separated by ';'
    for (;;) {
      out.push_back(parse_simple());
      if (at_op(";")) {
        ++i_;
        if (at(Tok::Newline)) {
          ++i_;
          return;
        }
        if (at(Tok::End)) return;
        continue;
      }
      end_of_simple_statement();
      return;
    }
    (void)p;
  }

  Body parse_block() {
    expect_op(":");
    Body body;
    if (!at(Tok::Newline)) {  // "if x: y = 1"
      for (;;) {
        body.push_back(parse_simple());
        if (accept_op(";") && !at(Tok::Newline) && !at(Tok::End)) continue;
        break;
      }
      if (at(Tok::Newline)) ++i_;
      return body;
    }
    ++i_;
    if (!at(Tok::Indent)) error("expected an indented block");
    ++i_;
    while (!at(Tok::Dedent) && !at(Tok::End)) {
      if (at(Tok::Newline)) {
        ++i_;
        continue;
      }
      parse_statement(body);
    }
    if (at(Tok::Dedent)) ++i_;
    return body;
  }

  StmtPtr parse_if(int elifs = 0) {
    auto s = stmt(StmtKind::If, cur().pos);
    if (elifs > kMaxHeight) error("too many 'elif' branches");
    ++i_;  // if / elif
    s->value = parse_expression();
    s->body = parse_block();
    if (at_kw("elif")) {
      s->orelse.push_back(parse_if(elifs + 1));
    } else if (accept_kw("else")) {
      s->orelse = parse_block();
    }
    return s;
  }

  StmtPtr parse_for() {
    auto s = stmt(StmtKind::For, cur().pos);
    ++i_;
    s->target = parse_target_list();
    if (!accept_kw("in")) error("expected 'in' in for statement" + near());
    s->iter = parse_exprlist();
    s->body = parse_loop_body();
    if (accept_kw("else")) s->orelse = parse_block();
    return s;
  }

  StmtPtr parse_while() {
    auto s = stmt(StmtKind::While, cur().pos);
    ++i_;
    s->value = parse_expression();
    s->body = parse_loop_body();
    if (accept_kw("else")) s->orelse = parse_block();
    return s;
  }

  Body parse_loop_body() {
    ++loops_;
    Body body = parse_block();
    --loops_;
    return body;
  }

  StmtPtr parse_try() {
    auto s = stmt(StmtKind::Try, cur().pos);
    ++i_;
    s->body = parse_block();
    while (at_kw("except")) {
      ++i_;
      ExceptClause h;
      if (!at_op(":")) {
        h.type = parse_expression();
        if (accept_kw("as")) h.name = expect_name();
      }
      h.body = parse_block();
      s->handlers.push_back(std::move(h));
    }
    if (accept_kw("else")) s->orelse = parse_block();
    if (accept_kw("finally")) s->finalbody = parse_block();
    if (s->handlers.empty() && s->finalbody.empty()) error("expected 'except' or 'finally' block");
    return s;
  }

  std::vector<Parameter> parse_params(const char* closing) {
    std::vector<Parameter> params;
    bool seen_default = false, keyword_only = false;
    while (!at_op(closing)) {
      Parameter prm;
      if (accept_op("**")) {
        prm.double_star = true;
      } else if (accept_op("*")) {
        prm.star = true;
        keyword_only = true;
        if (at_op(",")) {  // bare '*': the parameters after it are keyword-only
          params.push_back(std::move(prm));
          ++i_;
          continue;
        }
      } else if (at_op("/")) {
        ++i_;
        if (!accept_op(",")) break;
        continue;
      }
      prm.name = expect_name();
      if (std::string(closing) == ")" && accept_op(":")) parse_expression();  // annotation, ignored
      if (!prm.star && !prm.double_star) {
        if (accept_op("=")) {
          prm.default_value = parse_expression();
          seen_default = true;
        } else if (seen_default && !keyword_only) {
          error("non-default argument follows default argument");
        }
      }
      params.push_back(std::move(prm));
      if (!accept_op(",")) break;
    }
    return params;
  }

  StmtPtr parse_def() {
    auto s = stmt(StmtKind::FunctionDef, cur().pos);
    ++i_;
    s->name = expect_name();
    expect_op("(");
    s->params = parse_params(")");
    expect_op(")");
    if (accept_op("->")) parse_expression();  // return annotation, ignored
    int outer_loops = loops_;
    loops_ = 0;  // a loop around the def does not make 'break' valid inside it
    ++functions_;
    s->body = parse_block();
    --functions_;
    loops_ = outer_loops;
    compute_locals(*s);
    return s;
  }

  // class Name[(Base, ...)]: body. Bases are expressions (targets); keywords such as
  // metaclass= are refused.
  StmtPtr parse_class() {
    auto s = stmt(StmtKind::ClassDef, cur().pos);
    ++i_;
    s->name = expect_name();
    if (accept_op("(")) {
      while (!at_op(")")) {
        if (at(Tok::Name) && i_ + 1 < t_.size() && t_[i_ + 1].kind == Tok::Op &&
            t_[i_ + 1].text == "=")
          unsupported("class keywords (metaclass=...) are not supported");
        if (at_op("*") || at_op("**")) unsupported("starred class bases are not supported");
        s->targets.push_back(parse_expression());
        if (!accept_op(",")) break;
      }
      expect_op(")");
    }
    int outer_loops = loops_, outer_functions = functions_;
    loops_ = 0;
    functions_ = 0;  // 'return' directly in a class body is an error, as in Python
    s->body = parse_block();
    loops_ = outer_loops;
    functions_ = outer_functions;
    return s;
  }

  StmtPtr parse_simple() {
    Pos p = cur().pos;
    if (at(Tok::Name)) {
      const std::string w = cur().text;
      if (w == "pass") return ++i_, stmt(StmtKind::Pass, p);
      if ((w == "break" || w == "continue") && loops_ == 0) error("'" + w + "' outside loop");
      if (w == "break") return ++i_, stmt(StmtKind::Break, p);
      if (w == "continue") return ++i_, stmt(StmtKind::Continue, p);
      if (w == "return" && functions_ == 0) error("'return' outside function");
      if (w == "return") {
        ++i_;
        auto s = stmt(StmtKind::Return, p);
        if (!at(Tok::Newline) && !at_op(";") && !at(Tok::End) && !at(Tok::Dedent))
          s->value = parse_exprlist();
        return s;
      }
      if (w == "import") return parse_import();
      if (w == "from") return parse_from_import();
      if (w == "global" || w == "nonlocal") {
        ++i_;
        auto s = stmt(w == "global" ? StmtKind::Global : StmtKind::Nonlocal, p);
        do s->names.push_back({expect_name(), ""});
        while (accept_op(","));
        return s;
      }
      if (w == "assert") {
        ++i_;
        auto s = stmt(StmtKind::Assert, p);
        s->value = parse_expression();
        if (accept_op(",")) s->target = parse_expression();
        return s;
      }
      if (w == "raise") {
        ++i_;
        auto s = stmt(StmtKind::Raise, p);
        if (!at(Tok::Newline) && !at(Tok::End)) s->value = parse_expression();
        if (accept_kw("from")) parse_expression();
        return s;
      }
      if (w == "del") {
        ++i_;
        auto s = stmt(StmtKind::Del, p);
        do s->targets.push_back(parse_bitor());
        while (accept_op(","));
        return s;
      }
      if (w == "yield" || w == "await") unsupported("'" + w + "' is not supported");
    }
    ExprPtr first = parse_exprlist(true);
    if (accept_op(":")) {  // annotated assignment: x: float = 1.5
      check_target(*first);
      auto s = stmt(StmtKind::AnnAssign, p);
      parse_expression();  // the annotation is not evaluated
      s->target = std::move(first);
      if (accept_op("=")) s->value = parse_exprlist(true);
      return s;
    }
    static const std::pair<const char*, Op> aug[] = {
        {"+=", Op::Add},       {"-=", Op::Sub},    {"*=", Op::Mul},     {"/=", Op::Div},
        {"//=", Op::FloorDiv}, {"%=", Op::Mod},    {"**=", Op::Pow},    {"&=", Op::BitAnd},
        {"|=", Op::BitOr},     {"^=", Op::BitXor}, {"<<=", Op::LShift}, {">>=", Op::RShift}};
    for (const auto& [text, op] : aug) {
      if (accept_op(text)) {
        if (first->kind != ExprKind::Name && first->kind != ExprKind::Attribute &&
            first->kind != ExprKind::Subscript)
          error("illegal expression for augmented assignment");
        auto s = stmt(StmtKind::AugAssign, p);
        s->op = op;
        s->target = std::move(first);
        s->value = parse_exprlist(true);
        return s;
      }
    }
    if (at_op("=")) {
      auto s = stmt(StmtKind::Assign, p);
      s->targets.push_back(std::move(first));
      while (accept_op("=")) s->targets.push_back(parse_exprlist(true));
      s->value = std::move(s->targets.back());
      s->targets.pop_back();
      for (auto& t : s->targets) check_target(*t);
      return s;
    }
    auto s = stmt(StmtKind::Expr, p);
    s->value = std::move(first);
    return s;
  }

  void check_target(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Name:
      case ExprKind::Attribute:
      case ExprKind::Subscript:
        return;
      case ExprKind::Starred:
        return check_target(*e.a);
      case ExprKind::Tuple:
      case ExprKind::List:
        for (auto& it : e.items) check_target(*it);
        return;
      default:
        throw ScriptError(ErrorKind::Syntax, "SyntaxError", "cannot assign to expression",
                          e.pos.line, e.pos.column);
    }
  }

  std::string dotted_name() {
    std::string name = expect_name();
    while (accept_op(".")) name += "." + expect_name();
    return name;
  }

  StmtPtr parse_import() {
    auto s = stmt(StmtKind::Import, cur().pos);
    ++i_;
    do {
      ImportName n{dotted_name(), ""};
      if (accept_kw("as")) n.alias = expect_name();
      s->names.push_back(n);
    } while (accept_op(","));
    return s;
  }

  StmtPtr parse_from_import() {
    auto s = stmt(StmtKind::ImportFrom, cur().pos);
    ++i_;
    if (at_op(".")) unsupported("relative imports are not supported");
    s->name = dotted_name();
    if (!accept_kw("import")) error("expected 'import'" + near());
    bool paren = accept_op("(");
    if (accept_op("*")) {
      s->names.push_back({"*", ""});
    } else {
      do {
        if (paren && at_op(")")) break;
        ImportName n{expect_name(), ""};
        if (accept_kw("as")) n.alias = expect_name();
        s->names.push_back(n);
      } while (accept_op(","));
    }
    if (paren) expect_op(")");
    return s;
  }

  // Names a function body binds (its locals), minus global/nonlocal declarations.
  void compute_locals(Stmt& def) {
    std::set<std::string> assigned, declared;
    for (auto& p : def.params) assigned.insert(p.name);
    collect_assigned(def.body, assigned, declared);
    for (const auto& n : assigned)
      if (!declared.count(n)) def.locals.push_back(n);
  }
  static void collect_target(const Expr& e, std::set<std::string>& out) {
    if (e.kind == ExprKind::Name) out.insert(e.name);
    if (e.kind == ExprKind::Starred) collect_target(*e.a, out);
    if (e.kind == ExprKind::Tuple || e.kind == ExprKind::List)
      for (auto& it : e.items) collect_target(*it, out);
  }
  static void collect_assigned(const Body& body, std::set<std::string>& out,
                               std::set<std::string>& declared) {
    for (const auto& s : body) {
      switch (s->kind) {
        case StmtKind::Assign:
          for (auto& t : s->targets) collect_target(*t, out);
          break;
        case StmtKind::AugAssign:
        case StmtKind::AnnAssign:
        case StmtKind::For:
          collect_target(*s->target, out);
          break;
        case StmtKind::FunctionDef:
        case StmtKind::ClassDef:
          out.insert(s->name);
          break;
        case StmtKind::Import:
          for (auto& n : s->names)
            out.insert(!n.alias.empty() ? n.alias : n.name.substr(0, n.name.find('.')));
          break;
        case StmtKind::ImportFrom:
          for (auto& n : s->names) out.insert(!n.alias.empty() ? n.alias : n.name);
          break;
        case StmtKind::Global:
        case StmtKind::Nonlocal:
          for (auto& n : s->names) declared.insert(n.name);
          break;
        case StmtKind::Try:
          for (auto& h : s->handlers) {
            if (!h.name.empty()) out.insert(h.name);
            collect_assigned(h.body, out, declared);
          }
          collect_assigned(s->finalbody, out, declared);
          break;
        default:
          break;
      }
      if (s->kind != StmtKind::FunctionDef && s->kind != StmtKind::ClassDef) {
        collect_assigned(s->body, out, declared);
        collect_assigned(s->orelse, out, declared);
      }
    }
  }

  // ---- expressions ----
  // exprlist: expression (',' expression)* [','] -> a Tuple when there is a comma.
  ExprPtr parse_exprlist(bool allow_star = false) {
    Pos p = cur().pos;
    ExprPtr first = parse_star_or_expression(allow_star);
    if (!at_op(",")) return first;
    auto tup = node(ExprKind::Tuple, p);
    tup->items.push_back(std::move(first));
    while (accept_op(",")) {
      if (!starts_expression()) break;
      tup->items.push_back(parse_star_or_expression(allow_star));
    }
    return tup;
  }
  ExprPtr parse_star_or_expression(bool allow_star) {
    if (at_op("*")) {
      Pos p = cur().pos;
      ++i_;
      auto e = node(ExprKind::Starred, p);
      e->a = parse_bitor();
      return e;
    }
    return parse_expression();
  }
  ExprPtr parse_target_list() {
    Pos p = cur().pos;
    ExprPtr first = parse_target_atom();
    if (!at_op(",")) return first;
    auto tup = node(ExprKind::Tuple, p);
    tup->items.push_back(std::move(first));
    while (accept_op(",")) {
      if (at_kw("in")) break;
      tup->items.push_back(parse_target_atom());
    }
    return tup;
  }
  ExprPtr parse_target_atom() {
    ExprPtr e = at_op("*") ? parse_star_or_expression(true) : parse_bitor();
    check_target(*e);
    return e;
  }
  bool starts_expression() const {
    if (at(Tok::Name))
      return !is_keyword(cur().text) || cur().text == "not" || cur().text == "lambda" ||
             cur().text == "None" || cur().text == "True" || cur().text == "False";
    if (at(Tok::Number) || at(Tok::String)) return true;
    if (at(Tok::Op))
      return at_op("(") || at_op("[") || at_op("{") || at_op("-") || at_op("+") || at_op("~") ||
             at_op("*");
    return false;
  }

  ExprPtr parse_expression() {
    DepthGuard guard(*this);
    if (at_kw("lambda")) return parse_lambda();
    Pos p = cur().pos;
    ExprPtr e = parse_or();
    if (at_kw("if")) {
      ++i_;
      auto ife = node(ExprKind::IfExp, p);
      ife->a = parse_or();
      if (!accept_kw("else")) error("expected 'else' in conditional expression" + near());
      ife->b = std::move(e);
      ife->c = parse_expression();
      return ife;
    }
    if (at_op(":=")) unsupported("assignment expressions (:=) are not supported");
    return e;
  }
  ExprPtr parse_lambda() {
    Pos p = cur().pos;
    ++i_;
    auto e = node(ExprKind::Lambda, p);
    e->params = parse_params(":");
    expect_op(":");
    e->a = parse_expression();
    return e;
  }
  ExprPtr parse_or() {
    Pos p = cur().pos;
    ExprPtr e = parse_and();
    if (!at_kw("or")) return e;
    auto b = node(ExprKind::BoolOp, p);
    b->op = Op::Or;
    b->items.push_back(std::move(e));
    while (accept_kw("or")) b->items.push_back(parse_and());
    return b;
  }
  ExprPtr parse_and() {
    Pos p = cur().pos;
    ExprPtr e = parse_not();
    if (!at_kw("and")) return e;
    auto b = node(ExprKind::BoolOp, p);
    b->op = Op::And;
    b->items.push_back(std::move(e));
    while (accept_kw("and")) b->items.push_back(parse_not());
    return b;
  }
  ExprPtr parse_not() {
    if (at_kw("not")) {
      DepthGuard guard(*this);
      Pos p = cur().pos;
      ++i_;
      auto e = node(ExprKind::Unary, p);
      e->op = Op::Not;
      e->a = parse_not();
      return e;
    }
    return parse_comparison();
  }
  bool comparison_op(Op& op) {
    if (at(Tok::Op)) {
      static const std::pair<const char*, Op> ops[] = {{"==", Op::Eq}, {"!=", Op::Ne},
                                                       {"<", Op::Lt},  {"<=", Op::Le},
                                                       {">", Op::Gt},  {">=", Op::Ge}};
      for (const auto& [text, o] : ops)
        if (accept_op(text)) return op = o, true;
      return false;
    }
    if (accept_kw("in")) return op = Op::In, true;
    if (at_kw("not") && t_[i_ + 1].kind == Tok::Name && t_[i_ + 1].text == "in") {
      i_ += 2;
      return op = Op::NotIn, true;
    }
    if (accept_kw("is")) {
      op = accept_kw("not") ? Op::IsNot : Op::Is;
      return true;
    }
    return false;
  }
  ExprPtr parse_comparison() {
    Pos p = cur().pos;
    ExprPtr e = parse_bitor();
    Op op;
    if (!comparison_op(op)) return e;
    auto c = node(ExprKind::Compare, p);
    c->items.push_back(std::move(e));
    do {
      c->ops.push_back(op);
      c->items.push_back(parse_bitor());
    } while (comparison_op(op));
    return c;
  }
  ExprPtr binary(Pos p, Op op, ExprPtr l, ExprPtr r) {
    auto e = node(ExprKind::BinOp, p);
    e->op = op;
    e->a = std::move(l);
    e->b = std::move(r);
    check_height(*e);
    return e;
  }
  // Measures (and caches) the height of a finished expression. The recursion only enters
  // nodes not measured yet, whose nesting the DepthGuard already bounds.
  static int height(Expr& e) {
    if (e.height) return e.height;
    int h = 0;
    auto sub = [&h](const ExprPtr& c) {
      if (c) h = std::max(h, height(*c));
    };
    sub(e.a);
    sub(e.b);
    sub(e.c);
    for (const auto& it : e.items) sub(it);
    for (const auto& k : e.keywords) sub(k.value);
    for (const auto& c : e.comps) {
      sub(c.target);
      sub(c.iter);
      for (const auto& cond : c.conditions) sub(cond);
    }
    for (const auto& prm : e.params) sub(prm.default_value);
    return e.height = h + 1;
  }
  void check_height(Expr& e) const {
    if (height(e) > kMaxHeight)
      throw ScriptError(ErrorKind::Syntax, "SyntaxError",
                        "expression too long or nested too deeply", e.pos.line, e.pos.column);
  }
  ExprPtr parse_bitor() {
    Pos p = cur().pos;
    ExprPtr e = parse_bitxor();
    while (at_op("|")) {
      Pos q = cur().pos;
      ++i_;
      e = binary(q, Op::BitOr, std::move(e), parse_bitxor());
    }
    (void)p;
    return e;
  }
  ExprPtr parse_bitxor() {
    ExprPtr e = parse_bitand();
    while (at_op("^")) {
      Pos q = cur().pos;
      ++i_;
      e = binary(q, Op::BitXor, std::move(e), parse_bitand());
    }
    return e;
  }
  ExprPtr parse_bitand() {
    ExprPtr e = parse_shift();
    while (at_op("&")) {
      Pos q = cur().pos;
      ++i_;
      e = binary(q, Op::BitAnd, std::move(e), parse_shift());
    }
    return e;
  }
  ExprPtr parse_shift() {
    ExprPtr e = parse_arith();
    while (at_op("<<") || at_op(">>")) {
      Pos q = cur().pos;
      Op op = cur().text == "<<" ? Op::LShift : Op::RShift;
      ++i_;
      e = binary(q, op, std::move(e), parse_arith());
    }
    return e;
  }
  ExprPtr parse_arith() {
    ExprPtr e = parse_term();
    while (at_op("+") || at_op("-")) {
      Pos q = cur().pos;
      Op op = cur().text == "+" ? Op::Add : Op::Sub;
      ++i_;
      e = binary(q, op, std::move(e), parse_term());
    }
    return e;
  }
  ExprPtr parse_term() {
    ExprPtr e = parse_factor();
    for (;;) {
      Op op;
      if (at_op("*"))
        op = Op::Mul;
      else if (at_op("/"))
        op = Op::Div;
      else if (at_op("//"))
        op = Op::FloorDiv;
      else if (at_op("%"))
        op = Op::Mod;
      else if (at_op("@"))
        unsupported("the '@' operator is not supported");
      else
        return e;
      Pos q = cur().pos;
      ++i_;
      e = binary(q, op, std::move(e), parse_factor());
    }
  }
  ExprPtr parse_factor() {
    if (at_op("-") || at_op("+") || at_op("~")) {
      DepthGuard guard(*this);
      Pos p = cur().pos;
      Op op = at_op("-") ? Op::Neg : at_op("+") ? Op::Pos : Op::Invert;
      ++i_;
      auto e = node(ExprKind::Unary, p);
      e->op = op;
      e->a = parse_factor();
      // Fold negative literals so that -1 is a constant (cheap and gives exact ints).
      if (op == Op::Neg && e->a->kind == ExprKind::Constant && e->a->value.is_number() &&
          !e->a->value.is_bool()) {
        auto c = node(ExprKind::Constant, p);
        c->value = e->a->value.is_int() && e->a->value.as_int() != INT64_MIN
                       ? Value(-e->a->value.as_int())
                   : e->a->value.is_float() ? Value(-e->a->value.as_float())
                                            : e->a->value;
        if (!c->value.is_int() && !c->value.is_float()) return e;
        return c;
      }
      return e;
    }
    return parse_power();
  }
  ExprPtr parse_power() {
    ExprPtr e = parse_primary();
    if (at_op("**")) {
      DepthGuard guard(*this);  // right-associative: 2**2**2... recurses
      Pos q = cur().pos;
      ++i_;
      return binary(q, Op::Pow, std::move(e), parse_factor());
    }
    return e;
  }

  ExprPtr parse_primary() {
    ExprPtr e = parse_atom();
    for (;;) {
      Pos p = cur().pos;
      if (accept_op(".")) {
        auto a = node(ExprKind::Attribute, p);
        a->a = std::move(e);
        a->name = expect_name();
        e = std::move(a);
      } else if (accept_op("(")) {
        e = parse_call(std::move(e), p);
      } else if (accept_op("[")) {
        auto s = node(ExprKind::Subscript, p);
        s->a = std::move(e);
        s->b = parse_subscript();
        expect_op("]");
        e = std::move(s);
      } else {
        return e;
      }
      check_height(*e);
    }
  }

  ExprPtr parse_slice_part() {
    return at_op(":") || at_op("]") || at_op(",") ? nullptr : parse_expression();
  }
  ExprPtr parse_subscript() {
    Pos p = cur().pos;
    auto one = [&]() -> ExprPtr {
      Pos q = cur().pos;
      ExprPtr lo = parse_slice_part();
      if (!at_op(":")) {
        if (!lo) error("expected an index" + near());
        return lo;
      }
      auto sl = node(ExprKind::Slice, q);
      sl->a = std::move(lo);
      ++i_;
      sl->b = parse_slice_part();
      if (accept_op(":")) sl->c = parse_slice_part();
      return sl;
    };
    ExprPtr first = one();
    if (!at_op(",")) return first;
    auto tup = node(ExprKind::Tuple, p);
    tup->items.push_back(std::move(first));
    while (accept_op(",") && !at_op("]")) tup->items.push_back(one());
    return tup;
  }

  ExprPtr parse_call(ExprPtr callee, Pos p) {
    DepthGuard guard(*this);
    auto c = node(ExprKind::Call, p);
    c->a = std::move(callee);
    while (!at_op(")")) {
      if (accept_op("**")) {
        c->keywords.push_back({"", parse_expression()});
      } else if (at(Tok::Name) && t_[i_ + 1].kind == Tok::Op && t_[i_ + 1].text == "=" &&
                 !is_keyword(cur().text)) {
        std::string name = cur().text;
        i_ += 2;
        for (auto& k : c->keywords)
          if (k.name == name) error("keyword argument repeated: " + name);
        c->keywords.push_back({name, parse_expression()});
      } else {
        if (!c->keywords.empty() && !at_op("*"))
          error("positional argument follows keyword argument");
        Pos q = cur().pos;
        ExprPtr arg = parse_star_or_expression(true);
        if (at_kw("for")) {  // f(x for x in xs)
          arg = parse_comprehension(std::move(arg), q, true);
        }
        c->items.push_back(std::move(arg));
      }
      if (!accept_op(",")) break;
    }
    expect_op(")");
    return c;
  }

  ExprPtr parse_comprehension(ExprPtr element, Pos p, bool generator) {
    auto comp = node(ExprKind::Comp, p);
    comp->generator = generator;
    comp->a = std::move(element);
    while (accept_kw("for")) {
      Comprehension c;
      c.target = parse_target_list();
      if (!accept_kw("in")) error("expected 'in' in comprehension" + near());
      c.iter = parse_or();
      while (at_kw("if")) {
        ++i_;
        c.conditions.push_back(parse_or_no_ternary());
      }
      comp->comps.push_back(std::move(c));
    }
    return comp;
  }
  ExprPtr parse_or_no_ternary() { return parse_or(); }

  ExprPtr parse_fstring(const Token& tok) {
    auto js = node(ExprKind::JoinedStr, tok.pos);
    const std::string& s = tok.text;
    std::string lit;
    auto flush = [&] {
      if (lit.empty()) return;
      auto c = node(ExprKind::Constant, tok.pos);
      c->value = Value(lit);
      js->items.push_back(std::move(c));
      js->specs.emplace_back();
      js->conversions += '\0';
      lit.clear();
    };
    for (std::size_t k = 0; k < s.size(); ++k) {
      if (s[k] == '{' && k + 1 < s.size() && s[k + 1] == '{') {
        lit += '{';
        ++k;
      } else if (s[k] == '}' && k + 1 < s.size() && s[k + 1] == '}') {
        lit += '}';
        ++k;
      } else if (s[k] == '{') {
        flush();
        int depth = 0;
        std::size_t start = k + 1, end = start, colon = std::string::npos;
        for (end = start; end < s.size(); ++end) {
          char ch = s[end];
          if (ch == '(' || ch == '[' || ch == '{')
            ++depth;
          else if ((ch == ')' || ch == ']' || ch == '}') && depth > 0)
            --depth;
          else if (ch == '}' && depth == 0)
            break;
          else if ((ch == ':' || (ch == '!' && end + 1 < s.size() && s[end + 1] != '=')) &&
                   depth == 0 && colon == std::string::npos)
            colon = end;
        }
        if (end >= s.size())
          throw ScriptError(ErrorKind::Syntax, "SyntaxError", "f-string: expecting '}'",
                            tok.pos.line, tok.pos.column);
        std::string expr_text = s.substr(start, (colon == std::string::npos ? end : colon) - start);
        if (expr_text.find_first_not_of(" \t\n") == std::string::npos)
          throw ScriptError(ErrorKind::Syntax, "SyntaxError",
                            "f-string: empty expression not allowed", tok.pos.line, tok.pos.column);
        std::string spec = colon == std::string::npos ? "" : s.substr(colon, end - colon);
        char conversion = 0;
        if (!spec.empty() && spec[0] == '!') {  // conversion: !r / !s, optional :spec
          conversion = spec.size() > 1 ? spec[1] : 0;
          if (conversion != 'r' && conversion != 's' && conversion != 'a')
            throw ScriptError(ErrorKind::Syntax, "SyntaxError",
                              "f-string: invalid conversion character", tok.pos.line,
                              tok.pos.column);
          std::size_t c2 = spec.find(':');
          spec = c2 == std::string::npos ? "" : spec.substr(c2 + 1);
        } else if (!spec.empty()) {
          spec = spec.substr(1);
        }
        std::size_t last = expr_text.find_last_not_of(" \t");
        if (expr_text[last] == '=' && last > 0 && !std::strchr("=!<>", expr_text[last - 1])) {
          lit += expr_text;  // f"{x=}" writes "x=" then the value (its repr unless formatted)
          flush();
          expr_text.erase(last);
          if (!conversion && spec.empty()) conversion = 'r';
        }
        // Parenthesized like CPython does, so that "{ x }" and line breaks parse; positions
        // point into the literal (approximately when it has escapes or a longer prefix).
        std::size_t line_start = s.rfind('\n', start);
        int newlines = static_cast<int>(std::count(s.begin(), s.begin() + start, '\n'));
        Pos at = newlines == 0 ? Pos{tok.pos.line, tok.pos.column + 1 + static_cast<int>(start)}
                               : Pos{tok.pos.line + newlines, static_cast<int>(start - line_start)};
        Parser sub(tokenize("(" + expr_text + ")", at));
        ExprPtr ex = sub.parse_single_expression();
        js->items.push_back(std::move(ex));
        js->specs.push_back(spec);
        js->conversions += conversion;
        k = end;
      } else {
        lit += s[k];
      }
    }
    flush();
    return js;
  }

  ExprPtr parse_atom() {
    DepthGuard guard(*this);
    const Token& tok = cur();
    Pos p = tok.pos;
    switch (tok.kind) {
      case Tok::Number: {
        ++i_;
        auto e = node(ExprKind::Constant, p);
        e->value = tok.number;
        return e;
      }
      case Tok::String: {
        ++i_;
        if (tok.fstring) return parse_fstring(tok);
        auto e = node(ExprKind::Constant, p);
        e->value = Value(tok.text);
        return e;
      }
      case Tok::Name: {
        const std::string& w = tok.text;
        if (w == "None" || w == "True" || w == "False") {
          ++i_;
          auto e = node(ExprKind::Constant, p);
          e->value = w == "None" ? Value() : Value(w == "True");
          return e;
        }
        if (w == "yield" || w == "await") unsupported("'" + w + "' is not supported");
        if (is_keyword(w)) error("invalid syntax near '" + w + "'");
        ++i_;
        auto e = node(ExprKind::Name, p);
        e->name = w;
        return e;
      }
      case Tok::Op:
        if (accept_op("(")) {
          if (accept_op(")")) return node(ExprKind::Tuple, p);
          ExprPtr first = parse_star_or_expression(true);
          if (at_kw("for")) {
            ExprPtr g = parse_comprehension(std::move(first), p, true);
            expect_op(")");
            return g;
          }
          if (accept_op(")")) return first;
          auto tup = node(ExprKind::Tuple, p);
          tup->items.push_back(std::move(first));
          while (accept_op(",")) {
            if (at_op(")")) break;
            tup->items.push_back(parse_star_or_expression(true));
          }
          expect_op(")");
          return tup;
        }
        if (accept_op("[")) {
          auto list = node(ExprKind::List, p);
          if (accept_op("]")) return list;
          ExprPtr first = parse_star_or_expression(true);
          if (at_kw("for")) {
            ExprPtr comp = parse_comprehension(std::move(first), p, false);
            expect_op("]");
            return comp;
          }
          list->items.push_back(std::move(first));
          while (accept_op(",")) {
            if (at_op("]")) break;
            list->items.push_back(parse_star_or_expression(true));
          }
          expect_op("]");
          return list;
        }
        if (accept_op("{")) {
          auto dict = node(ExprKind::Dict, p);
          if (accept_op("}")) return dict;
          ExprPtr k = parse_expression();
          if (!at_op(":")) unsupported("set literals are not supported");
          for (;;) {
            expect_op(":");
            dict->items.push_back(std::move(k));
            dict->items.push_back(parse_expression());
            if (at_kw("for")) unsupported("dict comprehensions are not supported");
            if (!accept_op(",") || at_op("}")) break;
            k = parse_expression();
          }
          expect_op("}");
          return dict;
        }
        if (at_op("...")) {
          ++i_;
          auto e = node(ExprKind::Constant, p);
          return e;
        }
        error("invalid syntax near '" + tok.text + "'");
      case Tok::Newline:
        error("invalid syntax: unexpected end of line");
      case Tok::Indent:
        error("unexpected indent");
      case Tok::Dedent:
      case Tok::End:
        error("invalid syntax: unexpected end of input");
    }
    error("invalid syntax");
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  int depth_ = 0;
  int loops_ = 0;      // loops enclosing the current statement (within its function)
  int functions_ = 0;  // defs enclosing the current statement
};

}  // namespace

std::shared_ptr<Program> parse(const std::string& source, const std::string& filename) {
  auto program = std::make_shared<Program>();
  program->filename = filename;
  Parser parser(tokenize(source));
  program->body = parser.parse_module();
  return program;
}

}  // namespace cad::script
