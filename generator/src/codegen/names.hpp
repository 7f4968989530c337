// C++ naming rules for generated code, in one place: escaping keywords, avoiding ormc's own names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/model.hpp"

namespace ormc::codegen::names {

/// True for C++20 keywords and alternative tokens (`class`, `and`, `co_await`, ...).
bool is_cpp_keyword(std::string_view name);

/// `name`, or `name_` when it is a C++ keyword: a valid identifier for a struct member.
std::string member(std::string_view name);

/// The getter of a column: `name`, escaped with `_` when it is a keyword or would collide with a
/// name the generated class itself declares (`c`, `create`, `Fields`, `Columns`, `Row`, ...).
std::string getter(std::string_view attribute);
/// `set_<attribute>`.
std::string setter(std::string_view attribute);

/// The C++ names of one column, unique within its entity.
struct Accessors {
  std::string member;  ///< in Row, Fields and Columns
  std::string getter;
  std::string setter;  ///< always `set_<attribute>`
};

/// Names for every column of an entity, in order. The rule: a member is the attribute, or gets `_`
/// appended while it is a keyword or another column's name; a getter is the attribute, or gets `_`
/// appended while it is a keyword, a name the class declares, another column's setter (`set_x`
/// beside `x`: the getter of `set_x` is `set_x_()`) or another name already given. Deterministic:
/// it depends only on the attributes, in declaration order.
std::vector<Accessors> accessors(const std::vector<std::string>& attributes);

/// The class name of an entity (keywords escaped).
std::string class_name(std::string_view entity);
/// `a::b` for `schema a.b;` (each part escaped).
std::string cpp_namespace(const std::vector<std::string>& parts);
/// `::a::b::Entity`.
std::string qualified_class(const model::Schema& schema, const model::Entity& entity);

/// The inline namespace holding a file's metadata() and ormc_tables: `ormc_schema_<stem>`, so that
/// two files with the same `schema` namespace link into one program (non-identifier characters of
/// the stem become `_`).
std::string file_namespace(std::string_view input_path);
/// `::a::b::ormc_schema_<stem>`: the fully qualified scope of a file's metadata.
std::string schema_scope(const model::Schema& schema);

/// A C++ string literal (with quotes) for arbitrary text.
std::string string_literal(std::string_view text);

/// The C++ type a column holds (`std::int32_t`, `std::optional<std::string>`, ...).
std::string value_type(const model::Column& column);
/// The type without std::optional.
std::string base_type(model::ColumnType type);
/// The getter's return type: by value for small types, `const T&` otherwise.
std::string getter_type(const model::Column& column);
/// The runtime enumerator (`::ormc::Type::Integer`).
std::string runtime_type(model::ColumnType type);

/// The output file names for an input path: `dir/bank.orm` -> `bank.orm.hpp` / `bank.orm.cpp`.
std::string stem(std::string_view input_path);

}  // namespace ormc::codegen::names
