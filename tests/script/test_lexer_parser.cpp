// Tests of the script lexer and parser: literals, line structure, f-strings, annotations,
// syntax errors with their line/column, and constructs reported as unsupported.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "script/lexer.h"
#include "script_test_util.h"

using namespace cad::script;
using cad::script::test::error_of;
using cad::script::test::output;
using cad::script::test::repr_of;

namespace {

// Token kinds of `source`, as letters: N name, 1 number, S string, O op, L newline,
// > indent, < dedent, E end.
std::string kinds(const std::string& source) {
  std::string out;
  for (const Token& t : tokenize(source)) {
    switch (t.kind) {
      case Tok::Name:
        out += 'N';
        break;
      case Tok::Number:
        out += '1';
        break;
      case Tok::String:
        out += 'S';
        break;
      case Tok::Op:
        out += 'O';
        break;
      case Tok::Newline:
        out += 'L';
        break;
      case Tok::Indent:
        out += '>';
        break;
      case Tok::Dedent:
        out += '<';
        break;
      case Tok::End:
        out += 'E';
        break;
    }
  }
  return out;
}

void check_reprs(const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [expr, expected] : cases) {
    CAPTURE(expr);
    CHECK(repr_of(expr) == expected);
  }
}

void check_syntax_error(const std::string& source, int line, int column) {
  CAPTURE(source);
  ScriptError e = error_of(source);
  CHECK(e.kind == ErrorKind::Syntax);
  CHECK(e.type == "SyntaxError");
  CHECK(e.line == line);
  CHECK(e.column == column);
}

void check_unsupported(const std::string& source, int line) {
  CAPTURE(source);
  ScriptError e = error_of(source);
  CHECK(e.kind == ErrorKind::Unsupported);
  CHECK(e.line == line);
}

}  // namespace

// ---- literals ------------------------------------------------------------------------------

TEST_CASE("integer literals: decimal, hex, octal, binary, underscores", "[script][lexer]") {
  check_reprs({
      {"0", "0"},
      {"42", "42"},
      {"1_000_000", "1000000"},
      {"0x1F", "31"},
      {"0XfF", "255"},
      {"0o17", "15"},
      {"0b101", "5"},
      {"0b_1010", "10"},
      {"9223372036854775807", "9223372036854775807"},
  });
}

TEST_CASE("integer literals with digits outside their base are syntax errors", "[script][lexer]") {
  check_syntax_error("x = 0b12", 1, 5);
  check_syntax_error("x = 0o8", 1, 5);
  check_syntax_error("x = 0x", 1, 5);
  check_syntax_error("x = 12abc", 1, 7);
}

TEST_CASE("float literals: exponents, bare dots, underscores", "[script][lexer]") {
  check_reprs({
      {"1e3", "1000.0"},
      {"1E-3", "0.001"},
      {"1.5e+2", "150.0"},
      {"2.5E2", "250.0"},
      {".5", "0.5"},
      {"5.", "5.0"},
      {"1_0.5_0", "10.5"},
      {"1e1_0", "10000000000.0"},
      {"0.000_001", "1e-06"},
      {"1.0e0", "1.0"},
  });
}

TEST_CASE("a name right after 'e' is not an exponent", "[script][lexer]") {
  // "1 if x else 2" must not lex "1 e..." as a float; "2e" alone is an invalid literal.
  CHECK(output("e = 5\nx = 1 if e else 2\nprint(x)") == "1\n");
  check_syntax_error("x = 2e", 1, 6);
}

TEST_CASE("string literals: both quotes and escapes", "[script][lexer]") {
  check_reprs({
      {R"('single')", R"('single')"},
      {R"("double")", R"('double')"},
      {R"('a"b')", R"('a"b')"},
      {R"("it's")", R"("it's")"},
      {R"('it\'s')", R"("it's")"},
      {R"('tab\there')", R"('tab\there')"},
      {R"('line\nbreak')", R"('line\nbreak')"},
      {R"('back\\slash')", R"('back\\slash')"},
      {R"('\x41\102\u0043')", R"('ABC')"},
      {R"('unknown \q kept')", R"('unknown \\q kept')"},
  });
  CHECK(output(R"(print('\u00e9' == '\xc3\xa9' if False else '\u00e9'))") == "\xc3\xa9\n");
}

TEST_CASE("triple-quoted strings span lines and keep inner quotes", "[script][lexer]") {
  CHECK(output("s = '''one\n  two'''\nprint(s)") == "one\n  two\n");
  CHECK(output("s = \"\"\"say \"hi\" \"\"\"\nprint(s)") == "say \"hi\" \n");
  CHECK(output("s = \"\"\"a\\\nb\"\"\"\nprint(s)") == "ab\n");  // backslash-newline joins
}

TEST_CASE("raw strings keep backslashes", "[script][lexer]") {
  check_reprs({
      {R"(r'a\nb')", R"('a\\nb')"},
      {R"(R"C:\dir")", R"('C:\\dir')"},
      {R"(r'\'')", R"("\\'")"},
  });
}

TEST_CASE("adjacent string literals concatenate", "[script][lexer]") {
  CHECK(repr_of("'ab' 'cd'") == "'abcd'");
  CHECK(repr_of("'a' \"b\" '''c'''") == "'abc'");
  CHECK(output("s = ('first '\n     'second')\nprint(s)") == "first second\n");
}

TEST_CASE("bytes literals and complex numbers are unsupported", "[script][lexer]") {
  check_unsupported("x = b'abc'", 1);
  check_unsupported("x = 3j", 1);
}

// ---- line structure ------------------------------------------------------------------------

TEST_CASE("tokenizer emits indent, dedent and newline tokens", "[script][lexer]") {
  CHECK(kinds("x = 1") == "NO1LE");
  CHECK(kinds("if x:\n    y = 1\nz = 2\n") == "NNOL>NO1L<NO1LE");
  CHECK(kinds("if a:\n  if b:\n    c\nd") == "NNOL>NNOL>NL<<NLE");
}

TEST_CASE("tokenizer records 1-based line and column", "[script][lexer]") {
  std::vector<Token> t = tokenize("x = 1\n  # comment\ny = 'a'\n");
  REQUIRE(t.size() >= 7);
  CHECK(t[0].text == "x");
  CHECK(t[0].pos.line == 1);
  CHECK(t[0].pos.column == 1);
  CHECK(t[2].pos.column == 5);
  CHECK(t[4].text == "y");
  CHECK(t[4].pos.line == 3);
  CHECK(t[6].kind == Tok::String);
  CHECK(t[6].text == "a");
  CHECK(t[6].pos.column == 5);
}

TEST_CASE("newlines inside brackets do not end the statement", "[script][lexer]") {
  // Regression: after a bracket that spans lines closed, the newline ending the statement
  // was swallowed, so the next statement joined this one.
  CHECK(kinds("x = (1,\n  2)\ny = 3\n") == "NOO1O1OLNO1LE");
  CHECK(output("r = (str(1)\n     .upper())\nprint(r)") == "1\n");
  CHECK(output("def f(a,\n      b):\n    return a + b\nprint(f(1,\n  2))\nx = [1,\n  2]\nif x:\n"
               "    print(x)") == "3\n[1, 2]\n");
  CHECK(output("d = {\n  'a': 1,\n    'b': [\n2,\n],\n}\nprint(d)") == "{'a': 1, 'b': [2]}\n");
}

TEST_CASE("multi-line method chains in parentheses", "[script][lexer]") {
  std::string src =
      "s = (\n"
      "    '  a-b  '\n"
      "    .strip()   # comment inside the chain\n"
      "\n"
      "    .replace('-', '+')\n"
      "    .upper()\n"
      ")\n"
      "print(s)\n";
  CHECK(output(src) == "A+B\n");
}

TEST_CASE("backslash continues a line", "[script][lexer]") {
  CHECK(output("x = 1 + \\\n    2\nprint(x)") == "3\n");
  CHECK(output("if 1 == 1 and \\\n   2 == 2:\n    print('ok')") == "ok\n");
  CHECK(output("s = 'a' \\\n  .upper()\nprint(s)") == "A\n");
}

TEST_CASE("comments, including type-ignore comments, are skipped", "[script][lexer]") {
  std::string src =
      "# leading comment\n"
      "x = 1  # trailing comment\n"
      "import math  #type:ignore\n"
      "y = [1, 2,  # type: ignore[list-item]\n"
      "]\n"
      "    # an indented comment does not open a block\n"
      "print(x, y)  # done\n";
  CHECK(output(src) == "1 [1, 2]\n");
}

TEST_CASE("tabs, CRLF line endings, blank lines, missing final newline", "[script][lexer]") {
  CHECK(output("if 1:\n\tx = 1\n\ty = 2\nprint(x + y)") == "3\n");
  CHECK(output("x = 1\r\nif x:\r\n    y = 2\r\nprint(x, y)\r\n") == "1 2\n");
  CHECK(output("def f(x):\n    if x:\n        return 1\n\n    # c\n\n    return 2\nprint(f(0))") ==
        "2\n");
  CHECK(output("").empty());
  CHECK(output("# only a comment\n\n   \n").empty());
}

TEST_CASE("semicolons and one-line blocks", "[script][parser]") {
  CHECK(output("x = 1; y = 2; print(x + y);") == "3\n");
  CHECK(output("if True: a = 1; b = 2\nprint(a, b)") == "1 2\n");
  CHECK(output("for i in range(2): print(i)") == "0\n1\n");
  CHECK(output("def f(x): return x * 2\nprint(f(4))") == "8\n");
}

// ---- f-strings -----------------------------------------------------------------------------

TEST_CASE("f-strings with format specs", "[script][fstring]") {
  std::string src =
      "x = 3.14159\n"
      "n = 42\n"
      "print(f'{x:.2f}|{n:5d}|{n:<5}|{n:^7}|{x:10.3f}|{n:05d}|{x:e}|{x:g}|{n:+d}|{-n:+d}')\n"
      "print(f'{n:x}|{n:#x}|{n:X}|{n:o}|{n:b}|{1234567:,}|{1234567.891:,.2f}|{0.25:.1%}')\n"
      "print(f'{\"s\":>4}|{\"s\":*<3}|{x}|{n}|{True}|{None}')\n";
  CHECK(output(src) ==
        "3.14|   42|42   |  42   |     3.142|00042|3.141590e+00|3.14159|+42|-42\n"
        "2a|0x2a|2A|52|101010|1,234,567|1,234,567.89|25.0%\n"
        "   s|s**|3.14159|42|True|None\n");
}

TEST_CASE("f-string conversions and self-documenting expressions", "[script][fstring]") {
  CHECK(output("s = 'ab'\nprint(f'{s!r}|{s!s}|{s!r:>6}')") == "'ab'|ab|  'ab'\n");
  CHECK(output("x = 1.5\nprint(f'{x=}|{x = :.2f}|{x + 1=}')") == "x=1.5|x = 1.50|x + 1=2.5\n");
  CHECK(output("print(f'{1 != 2}|{3 == 3}')") == "True|True\n");  // '!=' is not a conversion
}

TEST_CASE("f-strings: escaped braces, nested quotes and brackets, whitespace",
          "[script][fstring]") {
  CHECK(output("print(f'{{literal}} {1 + 1}')") == "{literal} 2\n");
  CHECK(output("d = {'k': [1, 2]}\nprint(f\"{d['k'][1]} { {'a': 1}['a'] } {'x' + 'y'}\")") ==
        "2 1 xy\n");
  CHECK(output("print(f'''a\n{1 +\n 2}b''')") == "a\n3b\n");
  CHECK(output("print(f'{\"\"}' + F'{3}' + rf'\\{4}')") == "3\\4\n");
}

TEST_CASE("f-string errors", "[script][fstring]") {
  check_syntax_error("x = 1\ny = f'{}'", 2, 5);
  check_syntax_error("y = f'{1'", 1, 5);
  // A runtime error inside an f-string expression reports the f-string's line.
  ScriptError e = error_of("x = 1\n\ny = f'value: {undefined_name}'");
  CHECK(e.type == "NameError");
  CHECK(e.line == 3);
}

// ---- annotations ---------------------------------------------------------------------------

TEST_CASE("type annotations are parsed and not evaluated", "[script][parser]") {
  std::string src =
      "x: float = 1.5\n"
      "part: cq.Workplane = 3\n"  // cq is undefined: the annotation must not be evaluated
      "y: int\n"
      "def f(a: float, b: 'int' = 2, *args: float, **kw: dict) -> float:\n"
      "    local: List[float] = [a]\n"
      "    return local[0] * b\n"
      "print(x, part, f(2.0))\n";
  CHECK(output(src) == "1.5 3 4.0\n");
  CHECK_FALSE(test::run(src)->global("y"));
}

TEST_CASE("typing imports and generic annotations", "[script][parser]") {
  std::string src =
      "from typing import List, Tuple, Optional, Dict\n"
      "import typing\n"
      "pts: List[Tuple[float, float]] = [(1.0, 2.0), (3.0, 4.0)]\n"
      "def f(p: List[Tuple[float, float]], s: Optional[float] = None) -> Dict[str, int]:\n"
      "    return {'n': len(p)}\n"
      "print(f(pts), typing.cast(int, 5))\n";
  CHECK(output(src) == "{'n': 2} 5\n");
}

// ---- syntax errors -------------------------------------------------------------------------

TEST_CASE("unclosed brackets report where they were opened", "[script][parser][errors]") {
  check_syntax_error("x = (1,\n  2\ny = 3", 1, 5);
  check_syntax_error("a = 1\nx = [1, 2", 2, 5);
  check_syntax_error("x = (1, [2,\n  3", 1, 9);  // the innermost one
  check_syntax_error("x = 1)", 1, 6);            // unmatched closer
}

TEST_CASE("bad indentation is a syntax error on its line", "[script][parser][errors]") {
  check_syntax_error("x = 1\n    y = 2", 2, 5);
  check_syntax_error("if True:\n    a = 1\n  b = 2", 3, 3);
  check_syntax_error("def f():\nreturn 1", 2, 1);
  check_syntax_error("x = 1\n  # ok\n y = 2", 3, 2);
}

TEST_CASE("invalid characters are syntax errors", "[script][parser][errors]") {
  check_syntax_error("x = 1\ny = 2 $ 3", 2, 7);
  check_syntax_error("x = 1 ? 2", 1, 7);
  check_syntax_error("x = `1`", 1, 5);
}

TEST_CASE("malformed statements are syntax errors with line and column",
          "[script][parser][errors]") {
  check_syntax_error("x = = 1", 1, 5);
  check_syntax_error("a = 1\nfor i in range(3)\n    pass", 2, 18);
  check_syntax_error("s = 'abc", 1, 5);
  check_syntax_error("s = '''abc\n", 1, 5);
  check_syntax_error("x = 1 +", 1, 8);
  check_syntax_error("1 = x", 1, 1);
  check_syntax_error("None = 1", 1, 1);
  check_syntax_error("for 1 in x: pass", 1, 5);
  check_syntax_error("f(a=1, 2)", 1, 8);
  check_syntax_error("f(a=1, a=2)", 1, 10);
  check_syntax_error("def f(a=1, b): pass", 1, 13);
  check_syntax_error("def (x): pass", 1, 5);
  check_syntax_error("import", 1, 7);
  check_syntax_error("x = 1 if 2", 1, 11);
  check_syntax_error("try:\n    pass\nx = 1", 3, 1);
  check_syntax_error("print('a' 'b' c)", 1, 15);
  check_syntax_error("x = [1, 2)", 1, 10);
}

TEST_CASE("break, continue and return outside their blocks are syntax errors",
          "[script][parser][errors]") {
  check_syntax_error("x = 1\nbreak", 2, 1);
  check_syntax_error("if True:\n    continue", 2, 5);
  check_syntax_error("x = 1\nreturn x", 2, 1);
  check_syntax_error("for i in []:\n    pass\nelse:\n    break", 4, 5);
  check_syntax_error("for i in []:\n    def f():\n        break", 3, 9);
  CHECK(output("def f():\n    for i in range(3):\n        if i:\n            return i\n"
               "print(f())\nwhile True:\n    for j in []:\n        pass\n    else:\n"
               "        break\nprint('out')") == "1\nout\n");
}

TEST_CASE("a syntax error anywhere stops the script before it runs", "[script][parser][errors]") {
  Interpreter in;
  CHECK_THROWS_AS(in.run_source("print('ran')\nx = = 1"), ScriptError);
  CHECK(in.printed().empty());
  CHECK_FALSE(in.global("x"));
}

TEST_CASE("parse() builds a program without running it", "[script][parser]") {
  auto program = parse("import os\nopen('x')\nwhile True: pass\n");
  REQUIRE(program);
  CHECK(program->body.size() == 3);
  CHECK(program->body[0]->kind == StmtKind::Import);
  CHECK(program->body[2]->kind == StmtKind::While);
}

TEST_CASE("valid Python outside the subset is reported as unsupported", "[script][parser]") {
  check_unsupported("class A(metaclass=M): pass", 1);
  check_unsupported("x = 1\nwith open('f') as f: pass", 2);
  check_unsupported("@dec\ndef f(): pass", 1);
  check_unsupported("x = {1, 2}", 1);
  check_unsupported("if (y := 3): pass", 1);
  check_unsupported("def g():\n    yield 1", 2);
  check_unsupported("x = {k: 1 for k in 'ab'}", 1);
  check_unsupported("from . import x", 1);
  check_unsupported("async def f(): pass", 1);
  check_unsupported("x = [1, 2]\nx[0:1] = [3]", 2);
}

TEST_CASE("operator precedence and associativity", "[script][parser]") {
  check_reprs({
      {"1 + 2 * 3 ** 2", "19"},
      {"-2 ** 2", "-4"},
      {"(-2) ** 2", "4"},
      {"2 ** 3 ** 2", "512"},
      {"2 ** -1", "0.5"},
      {"10 - 2 - 3", "5"},
      {"100 / 10 / 5", "2.0"},
      {"2 * 3 % 4", "2"},
      {"not 1 == 2", "True"},
      {"1 + 2 == 3 and 2 < 3", "True"},
      {"1 | 2 ^ 3 & 4", "3"},
      {"1 << 2 + 1", "8"},
      {"~5 + 1", "-5"},
      {"-3 // 2", "-2"},
      {"1 if 0 else 2 if 0 else 3", "3"},
      {"(lambda x: x + 1)(2) * 3", "9"},
      {"not None or 0", "True"},
      {"[1, 2][-1] ** 2", "4"},
  });
}
