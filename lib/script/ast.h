// Abstract syntax tree of the Python subset (expressions, statements, the parsed program).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "script/value.h"

namespace cad::script {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct Pos {
  int line = 0;
  int column = 0;
};

enum class ExprKind {
  Constant,   // value
  Name,       // name
  Attribute,  // a.name
  Subscript,  // a[b] / a[lo:hi:step] (Slice in b)
  Slice,      // lo:hi:step, children a (lo), b (hi), c (step), any may be null
  Call,       // a(args..., name=kw...)
  BinOp,      // a op b
  Unary,      // -a, +a, not a, ~a
  BoolOp,     // a and b / a or b (items)
  Compare,    // items[0] ops[0] items[1] ...
  IfExp,      // b if a else c
  List,       // [items]
  Tuple,      // (items)
  Dict,       // {items[2k]: items[2k+1]}
  Comp,       // list comprehension / generator: a = element, comps
  Lambda,     // lambda params: a
  Starred,    // *a (in calls and targets)
  JoinedStr,  // f-string: items (Constant str or expressions), specs[i] = format spec of items[i]
};

enum class Op {
  Add,
  Sub,
  Mul,
  Div,
  FloorDiv,
  Mod,
  Pow,
  BitAnd,
  BitOr,
  BitXor,
  LShift,
  RShift,
  Neg,
  Pos,
  Not,
  Invert,
  And,
  Or,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  In,
  NotIn,
  Is,
  IsNot,
};

struct Comprehension {
  ExprPtr target;
  ExprPtr iter;
  std::vector<ExprPtr> conditions;
};

struct Parameter {
  std::string name;
  ExprPtr default_value;     // null: required
  bool star = false;         // *args
  bool double_star = false;  // **kwargs
};

struct Keyword {
  std::string name;  // empty: **mapping
  ExprPtr value;
};

struct Expr {
  ExprKind kind;
  Pos pos;
  Value value;       // Constant
  std::string name;  // Name, Attribute
  Op op = Op::Add;   // BinOp, Unary, BoolOp
  ExprPtr a, b, c;
  std::vector<ExprPtr> items;
  std::vector<Op> ops;               // Compare
  std::vector<Keyword> keywords;     // Call
  std::vector<Comprehension> comps;  // Comp
  std::vector<Parameter> params;     // Lambda
  bool generator = false;            // Comp written with ()
  std::vector<std::string> specs;    // JoinedStr
  std::string conversions;           // JoinedStr: 'r', 's' or 0 (none) per item
  int height = 0;                    // longest path to a leaf; 0 until the parser measures it
};

enum class StmtKind {
  Expr,
  Assign,
  AugAssign,
  AnnAssign,
  If,
  For,
  While,
  FunctionDef,
  Return,
  Pass,
  Break,
  Continue,
  Import,
  ImportFrom,
  Global,
  Nonlocal,
  Assert,
  Raise,
  Del,
  Try,
  With,
  ClassDef,
};

struct ImportName {
  std::string name;   // dotted module name or imported attribute
  std::string alias;  // as-name, empty if none
};

struct ExceptClause {
  ExprPtr type;  // null: bare except
  std::string name;
  Body body;
};

struct Stmt {
  StmtKind kind;
  Pos pos;
  std::vector<ExprPtr> targets;  // Assign: target = target = value; Del
  ExprPtr value;                 // Expr, Assign, AugAssign, AnnAssign, Return, Raise, If/While test
  ExprPtr target;                // AugAssign, AnnAssign, For
  ExprPtr iter;                  // For
  Op op = Op::Add;               // AugAssign
  Body body, orelse;
  std::string name;                    // FunctionDef, ImportFrom module
  std::vector<Parameter> params;       // FunctionDef
  std::vector<ImportName> names;       // Import, ImportFrom, Global, Nonlocal
  std::vector<ExceptClause> handlers;  // Try
  Body finalbody;                      // Try
  std::vector<std::string> locals;     // FunctionDef: names local to the function
};

/// A parsed module.
struct Program {
  std::string filename;
  Body body;
};

}  // namespace cad::script
