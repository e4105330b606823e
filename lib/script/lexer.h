// Tokenizer of the Python subset: names, numbers, strings, operators, NEWLINE/INDENT/DEDENT.
#pragma once

#include <string>
#include <vector>

#include "script/ast.h"

namespace cad::script {

enum class Tok { Name, Number, String, Op, Newline, Indent, Dedent, End };

struct Token {
  Tok kind;
  std::string text;  // Name/Op text; String: decoded contents
  Value number;      // Number: int or float
  Pos pos;
  bool fstring = false;  // String written as f"..."
};

/// Splits `source` into tokens. Throws ScriptError(Syntax) with line/column on a
/// bad character, an unterminated string or inconsistent indentation. `start` is
/// the position of the first character (an f-string expression starts mid-line).
std::vector<Token> tokenize(const std::string& source, Pos start = {1, 1});

}  // namespace cad::script
