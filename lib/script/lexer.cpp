// Tokenizer of the Python subset, with Python's implicit and explicit line joining.
#include "script/lexer.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace cad::script {
namespace {

[[noreturn]] void syntax_error(const std::string& message, int line, int column) {
  throw ScriptError(ErrorKind::Syntax, "SyntaxError", message, line, column);
}

// Appends code point `cp` (from a \x, \u, \U or octal escape) encoded as UTF-8.
void append_utf8(std::string& out, unsigned long cp, int line, int column) {
  if (cp > 0x10FFFF) syntax_error("illegal Unicode character", line, column);
  out += utf8_encode(static_cast<std::uint32_t>(cp));
}

bool is_name_start(unsigned char c) {
  return std::isalpha(c) || c == '_' || c >= 0x80;
}
bool is_name_char(unsigned char c) {
  return std::isalnum(c) || c == '_' || c >= 0x80;
}

// Longest operators first so that "**=" wins over "**" and "*".
const char* const kOperators[] = {
    "**=", "//=", ">>=", "<<=", "...", "**", "//", "==", "!=", "<=", ">=", "->",
    "+=",  "-=",  "*=",  "/=",  "%=",  "&=", "|=", "^=", "<<", ">>", ":=", "+",
    "-",   "*",   "/",   "%",   "@",   "<",  ">",  "=",  "(",  ")",  "[",  "]",
    "{",   "}",   ",",   ":",   ".",   ";",  "&",  "|",  "^",  "~"};

class Lexer {
 public:
  Lexer(const std::string& src, Pos start) : s_(src), line_(start.line), col_(start.column) {}

  std::vector<Token> run() {
    indents_.push_back(0);
    bool at_line_start = true;
    while (i_ < s_.size()) {
      if (at_line_start && depth_ == 0) {
        if (handle_indent()) continue;  // blank or comment line
        at_line_start = false;
      }
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
        advance();
        continue;
      }
      if (c == '#') {
        while (i_ < s_.size() && s_[i_] != '\n') advance();
        continue;
      }
      if (c == '\\' && i_ + 1 < s_.size() && (s_[i_ + 1] == '\n' || s_[i_ + 1] == '\r')) {
        advance();
        if (s_[i_] == '\r') advance();
        if (i_ < s_.size() && s_[i_] == '\n') advance();
        continue;
      }
      if (c == '\n') {
        if (depth_ == 0 && !tokens_.empty() && tokens_.back().kind != Tok::Newline)
          push(Tok::Newline, "\n", pos());
        advance();
        at_line_start = depth_ == 0;  // inside brackets the next line continues this one
        continue;
      }
      if (is_name_start(static_cast<unsigned char>(c))) {
        lex_name_or_string();
        continue;
      }
      if (std::isdigit(static_cast<unsigned char>(c)) ||
          (c == '.' && i_ + 1 < s_.size() &&
           std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))) {
        lex_number();
        continue;
      }
      if (c == '"' || c == '\'') {
        lex_string(pos(), false, false);
        continue;
      }
      lex_operator();
    }
    if (depth_ > 0)
      syntax_error(std::string("'") + open_.back().first + "' was never closed",
                   open_.back().second.line, open_.back().second.column);
    if (!tokens_.empty() && tokens_.back().kind != Tok::Newline) push(Tok::Newline, "\n", pos());
    while (indents_.size() > 1) {
      indents_.pop_back();
      push(Tok::Dedent, "", pos());
    }
    push(Tok::End, "", pos());
    return std::move(tokens_);
  }

 private:
  Pos pos() const { return {line_, col_}; }
  void advance() {
    if (s_[i_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++i_;
  }
  void push(Tok kind, std::string text, Pos p) {
    tokens_.push_back({kind, std::move(text), {}, p});
  }

  // Measures the indentation of a new logical line; returns true if the line is blank.
  bool handle_indent() {
    int width = 0;
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\f')) {
      width = s_[i_] == '\t' ? (width / 8 + 1) * 8 : width + 1;
      advance();
    }
    if (i_ >= s_.size()) return true;
    char c = s_[i_];
    if (c == '\n' || c == '\r' || c == '#') {
      while (i_ < s_.size() && s_[i_] != '\n') advance();
      if (i_ < s_.size()) advance();
      return true;
    }
    if (c == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') return false;
    if (width > indents_.back()) {
      indents_.push_back(width);
      push(Tok::Indent, "", pos());
    } else {
      while (width < indents_.back()) {
        indents_.pop_back();
        push(Tok::Dedent, "", pos());
      }
      if (width != indents_.back())
        syntax_error("unindent does not match any outer indentation level", line_, col_);
    }
    return false;
  }

  void lex_name_or_string() {
    Pos p = pos();
    std::size_t start = i_;
    while (i_ < s_.size() && is_name_char(static_cast<unsigned char>(s_[i_]))) advance();
    std::string word = s_.substr(start, i_ - start);
    if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'') && word.size() <= 2) {
      std::string lower;
      for (char ch : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      bool raw = lower.find('r') != std::string::npos;
      bool fstr = lower.find('f') != std::string::npos;
      bool valid = true;
      for (char ch : lower) valid = valid && (ch == 'r' || ch == 'f' || ch == 'b' || ch == 'u');
      if (valid) {
        if (lower.find('b') != std::string::npos)
          throw ScriptError(ErrorKind::Unsupported, "SyntaxError",
                            "bytes literals are not supported", p.line, p.column);
        lex_string(p, raw, fstr);
        return;
      }
    }
    push(Tok::Name, word, p);
  }

  void lex_number() {
    Pos p = pos();
    std::size_t start = i_;
    std::string digits;
    bool is_float = false;
    if (s_[i_] == '0' && i_ + 1 < s_.size() && std::strchr("xXoObB", s_[i_ + 1])) {
      char base_ch = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[i_ + 1])));
      int base = base_ch == 'x' ? 16 : base_ch == 'o' ? 8 : 2;
      advance();
      advance();
      while (i_ < s_.size() &&
             (std::isxdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
        if (s_[i_] != '_') digits += s_[i_];
        advance();
      }
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(digits.c_str(), &end, base);
      if (digits.empty() || errno || *end) syntax_error("invalid number literal", p.line, p.column);
      Token t{Tok::Number, s_.substr(start, i_ - start), Value(static_cast<std::int64_t>(v)), p};
      tokens_.push_back(t);
      return;
    }
    auto take_digits = [&] {
      while (i_ < s_.size() &&
             (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
        if (s_[i_] != '_') digits += s_[i_];
        advance();
      }
    };
    take_digits();
    if (i_ < s_.size() && s_[i_] == '.') {
      is_float = true;
      digits += '.';
      advance();
      take_digits();
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      std::size_t save_i = i_;
      int save_col = col_;
      std::string exp = "e";
      advance();
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) {
        exp += s_[i_];
        advance();
      }
      if (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
        is_float = true;
        digits += exp;
        take_digits();
      } else {
        i_ = save_i;
        col_ = save_col;
      }
    }
    if (i_ < s_.size() && (s_[i_] == 'j' || s_[i_] == 'J'))
      throw ScriptError(ErrorKind::Unsupported, "SyntaxError", "complex numbers are not supported",
                        p.line, p.column);
    if (i_ < s_.size() && is_name_start(static_cast<unsigned char>(s_[i_])))
      syntax_error("invalid decimal literal", line_, col_);
    Token t{Tok::Number, s_.substr(start, i_ - start), {}, p};
    if (is_float) {
      t.number = Value(std::strtod(digits.c_str(), nullptr));
    } else {
      errno = 0;
      long long v = std::strtoll(digits.c_str(), nullptr, 10);
      if (errno == ERANGE) {
        t.number = Value(std::strtod(digits.c_str(), nullptr));  // beyond int64: keep magnitude
      } else {
        t.number = Value(static_cast<std::int64_t>(v));
      }
    }
    tokens_.push_back(t);
  }

  void lex_string(Pos p, bool raw, bool fstring) {
    char q = s_[i_];
    bool triple = i_ + 2 < s_.size() && s_[i_ + 1] == q && s_[i_ + 2] == q;
    int n = triple ? 3 : 1;
    for (int k = 0; k < n; ++k) advance();
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) syntax_error("unterminated string literal", p.line, p.column);
      char c = s_[i_];
      if (c == q && (!triple || (i_ + 2 < s_.size() && s_[i_ + 1] == q && s_[i_ + 2] == q))) {
        for (int k = 0; k < n; ++k) advance();
        break;
      }
      if (c == '\n' && !triple) syntax_error("unterminated string literal", p.line, p.column);
      if (c == '\\' && i_ + 1 < s_.size()) {
        char e = s_[i_ + 1];
        if (raw) {
          out += c;
          out += e;
          advance();
          advance();
          continue;
        }
        advance();
        advance();
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case '\\':
            out += '\\';
            break;
          case '\'':
            out += '\'';
            break;
          case '"':
            out += '"';
            break;
          case 'a':
            out += '\a';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'v':
            out += '\v';
            break;
          case '\n':
            break;
          case 'x':
          case 'u':
          case 'U': {
            int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            std::string hex = s_.substr(i_, len);
            if (static_cast<int>(hex.size()) != len ||
                hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
              syntax_error(std::string("truncated \\") + e + " escape", line_, col_);
            for (int k = 0; k < len; ++k) advance();
            append_utf8(out, std::strtoul(hex.c_str(), nullptr, 16), line_, col_);
            break;
          }
          default:
            if (e >= '0' && e <= '7') {  // octal: up to three digits
              unsigned code = e - '0';
              for (int k = 0; k < 2 && i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '7'; ++k) {
                code = code * 8 + (s_[i_] - '0');
                advance();
              }
              append_utf8(out, code, line_, col_);
            } else {
              out += '\\';
              out += e;
            }
        }
        continue;
      }
      out += c;
      advance();
    }
    Token t{Tok::String, out, {}, p};
    t.fstring = fstring;
    // Adjacent literals concatenate ("a" "b").
    if (!tokens_.empty() && tokens_.back().kind == Tok::String && !fstring &&
        !tokens_.back().fstring) {
      tokens_.back().text += out;
      return;
    }
    tokens_.push_back(t);
  }

  void lex_operator() {
    Pos p = pos();
    for (const char* op : kOperators) {
      std::size_t len = std::strlen(op);
      if (s_.compare(i_, len, op) == 0) {
        for (std::size_t k = 0; k < len; ++k) advance();
        if (len == 1 && std::strchr("([{", op[0])) {
          ++depth_;
          open_.emplace_back(op[0], p);
        }
        if (len == 1 && std::strchr(")]}", op[0])) {
          if (depth_ == 0) syntax_error(std::string("unmatched '") + op + "'", p.line, p.column);
          --depth_;
          open_.pop_back();
        }
        push(Tok::Op, op, p);
        return;
      }
    }
    unsigned char c = static_cast<unsigned char>(s_[i_]);
    std::string shown = c >= 0x20 && c < 0x7f ? std::string(1, static_cast<char>(c))
                                              : "\\x" + std::to_string(static_cast<int>(c));
    syntax_error("invalid character '" + shown + "'", p.line, p.column);
  }

  const std::string& s_;
  std::size_t i_ = 0;
  int line_;
  int col_;
  int depth_ = 0;
  std::vector<std::pair<char, Pos>> open_;  // unclosed brackets, for the "never closed" message
  std::vector<int> indents_;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize(const std::string& source, Pos start) {
  return Lexer(source, start).run();
}

}  // namespace cad::script
