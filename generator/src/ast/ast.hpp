// The syntax tree of one .orm file: plain structs with source locations and no ANTLR types.
//
// The grammar is deliberately generic (options and modifiers are `name`, `name(args)`,
// `name = value`); sema gives them meaning, so new options need no grammar change and
// every misuse is reported by sema at the right token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diag/source.hpp"

namespace ormc::ast {

using diag::Location;

struct Ident {
  std::string text;
  Location where;
};

struct Arg;

/// A value in an option or modifier argument.
struct Expr {
  enum class Kind {
    Integer,  ///< 42, -1
    String,   ///< "text" (escapes already decoded)
    Boolean,  ///< true / false
    Path,     ///< Name or Entity.attr or a.b.c, optionally followed by asc/desc
    Call,     ///< name(args), e.g. now(), map(Member.name), backref("x", lazy = "dynamic")
    List,     ///< [a, b desc]
  };
  Kind kind = Kind::Integer;
  Location where;
  std::int64_t integer = 0;
  bool boolean = false;
  std::string text;            ///< String: the decoded text
  std::vector<Ident> path;     ///< Path: the dotted parts; Call: path[0] is the callee
  std::optional<Ident> order;  ///< Path: "asc" or "desc" when written
  std::vector<Arg> args;       ///< Call: its arguments; List: its elements (unnamed)
};

/// `value` or `name = value` inside parentheses or brackets.
struct Arg {
  std::optional<Ident> name;
  Expr value;
  Location where;
};

/// `[Type]`, `Type?`, `Type[]`, `String(50)`, `Numeric(10, 2)`.
struct TypeRef {
  Ident name;
  std::vector<Arg> args;
  bool has_args = false;  ///< parentheses were written (even empty)
  bool nullable = false;  ///< `?`
  bool collection = false;  ///< `[]`
  Location where;
};

/// A modifier after a member's type: `primary_key`, `column("x")`, `relationship(...)`, ...
struct Modifier {
  Ident name;
  std::vector<Arg> args;
  bool has_args = false;
  Location where;
};

/// `name: Type modifier* ;`
struct Member {
  Ident name;
  TypeRef type;
  std::vector<Modifier> modifiers;
  Location where;
};

/// An entity-level option: `table "name";`, `order_by = a desc;`, `unique(a, b);`.
struct EntityOption {
  enum class Form { Value, Assign, Call };  ///< `name value;` / `name = value;` / `name(args);`
  Ident name;
  Form form = Form::Value;
  std::optional<Expr> value;  ///< Value and Assign forms
  std::vector<Arg> args;      ///< Call form
  Location where;
};

/// `entity Name { ... }` or `table name { ... }`; items keep source order.
struct Entity {
  bool is_table = false;  ///< declared with `table` (no class is generated)
  Ident name;
  std::vector<EntityOption> options;
  std::vector<Member> members;
  Location where;
};

struct Import {
  std::string path;  ///< as written (decoded)
  Location where;
};

struct File {
  const diag::SourceFile* source = nullptr;
  std::optional<std::vector<Ident>> schema;  ///< `schema a.b;` parts
  Location schema_where;
  std::vector<Import> imports;
  std::vector<Entity> entities;  ///< entities and tables in source order
};

}  // namespace ormc::ast
