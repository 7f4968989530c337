// C++ naming rules for generated code.
#include "codegen/names.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace ormc::codegen::names {
namespace {

constexpr std::array<std::string_view, 97> kKeywords = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
    "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
    "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
    "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
    "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
    "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    // Macros and names that break generated code when used as identifiers.
    "NULL", "assert", "errno", "std",
};

/// Names every generated entity class declares itself (or inherits); a getter may not reuse them.
constexpr std::array<std::string_view, 8> kClassNames = {
    "c", "create", "Fields", "Columns", "Row", "shared_from_this", "weak_from_this", "Object",
};

}  // namespace

bool is_cpp_keyword(std::string_view name) {
  return std::find(kKeywords.begin(), kKeywords.end(), name) != kKeywords.end();
}

std::string member(std::string_view name) {
  std::string out(name);
  if (is_cpp_keyword(name)) out += '_';
  return out;
}

std::string getter(std::string_view attribute) {
  std::string out(attribute);
  if (is_cpp_keyword(attribute) || std::find(kClassNames.begin(), kClassNames.end(), attribute) != kClassNames.end())
    out += '_';
  return out;
}

std::string setter(std::string_view attribute) { return "set_" + std::string(attribute); }

std::vector<Accessors> accessors(const std::vector<std::string>& attributes) {
  const auto is_attribute = [&](const std::string& n) {
    return std::find(attributes.begin(), attributes.end(), n) != attributes.end();
  };
  std::vector<std::string> setters;
  for (const auto& a : attributes) setters.push_back(setter(a));
  const auto is_setter = [&](const std::string& n) { return std::find(setters.begin(), setters.end(), n) != setters.end(); };

  std::vector<Accessors> out;
  std::vector<std::string> members, getters;
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    const std::string& a = attributes[i];
    std::string m = member(a);
    // Another column may literally be called `class_`: keep escaping until the name is free.
    while ((m != a && is_attribute(m)) || std::find(members.begin(), members.end(), m) != members.end()) m += '_';
    std::string g = getter(a);
    while ((g != a && is_attribute(g)) || is_setter(g) || is_cpp_keyword(g) ||
           std::find(getters.begin(), getters.end(), g) != getters.end())
      g += '_';
    members.push_back(m);
    getters.push_back(g);
    out.push_back({m, g, setters[i]});
  }
  return out;
}

std::string class_name(std::string_view entity) { return member(entity); }

std::string cpp_namespace(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += "::";
    out += member(p);
  }
  return out;
}

std::string qualified_class(const model::Schema& schema, const model::Entity& entity) {
  return "::" + cpp_namespace(schema.namespace_parts) + "::" + class_name(entity.name);
}

std::string file_namespace(std::string_view input_path) {
  std::string out = "ormc_schema_";
  for (char ch : stem(input_path)) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    out += ok ? ch : '_';
  }
  return out;
}

std::string schema_scope(const model::Schema& schema) {
  return "::" + cpp_namespace(schema.namespace_parts) + "::" + file_namespace(schema.source_name);
}

std::string string_literal(std::string_view text) {
  std::string out = "\"";
  for (unsigned char ch : text) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (ch < 0x20 || ch == 0x7f || ch == '?') {
          // Octal escapes: no trigraph or hex-digit run-on surprises.
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", ch);
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  out += '"';
  return out;
}

std::string base_type(model::ColumnType type) {
  using T = model::ColumnType;
  switch (type) {
    case T::SmallInteger: return "std::int16_t";
    case T::Integer: return "std::int32_t";
    case T::BigInteger: return "std::int64_t";
    case T::Boolean: return "bool";
    case T::Float: return "float";
    case T::Double: return "double";
    case T::Numeric: return "::ormc::Decimal";
    case T::String:
    case T::Text: return "std::string";
    case T::Date: return "::ormc::Date";
    case T::DateTime: return "::ormc::Timestamp";
    case T::Uuid: return "::ormc::Uuid";
    case T::LargeBinary: return "::ormc::Bytes";
  }
  return "void";
}

std::string value_type(const model::Column& column) {
  const std::string base = base_type(column.type);
  return column.nullable ? "std::optional<" + base + ">" : base;
}

std::string getter_type(const model::Column& column) {
  using T = model::ColumnType;
  const bool heavy = column.nullable || column.type == T::Numeric || column.type == T::String ||
                     column.type == T::Text || column.type == T::LargeBinary;
  return heavy ? "const " + value_type(column) + "&" : value_type(column);
}

std::string runtime_type(model::ColumnType type) { return std::string("::ormc::Type::") + model::type_name(type); }

std::string stem(std::string_view input_path) {
  const auto slash = input_path.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? input_path : input_path.substr(slash + 1);
  if (name.size() > 4 && name.substr(name.size() - 4) == ".orm") name.remove_suffix(4);
  return std::string(name);
}

}  // namespace ormc::codegen::names
