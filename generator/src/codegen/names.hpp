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

/// The class name of an entity (keywords escaped).
std::string class_name(std::string_view entity);
/// `a::b` for `schema a.b;` (each part escaped).
std::string cpp_namespace(const std::vector<std::string>& parts);
/// `::a::b::Entity`.
std::string qualified_class(const model::Schema& schema, const model::Entity& entity);

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
