// Compile-time classification of C++ types into the SQL type families that statements may compare.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "ormc/decimal.hpp"
#include "ormc/uuid.hpp"
#include "ormc/value.hpp"

namespace ormc {

/// Groups of SQL types whose values SQL compares with each other. A column and a value (or two
/// columns) may be compared only when their families are equal and not None: `int` against a
/// Numeric column is fine, a string against an Integer column does not compile.
enum class SqlFamily : std::uint8_t { None, Numeric, Text, Boolean, DateTime, Date, Uuid, Bytes };

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
inline constexpr bool is_optional_v = is_optional<std::remove_cvref_t<T>>::value;

template <class T>
struct strip_optional {
  using type = T;
};
template <class T>
struct strip_optional<std::optional<T>> {
  using type = T;
};
/// `T` without one level of std::optional (the nullability of a column is not part of its family).
template <class T>
using strip_optional_t = typename strip_optional<std::remove_cvref_t<T>>::type;

template <class T>
constexpr SqlFamily family_of() {
  using U = std::decay_t<strip_optional_t<T>>;
  if constexpr (std::is_same_v<U, bool>) return SqlFamily::Boolean;
  else if constexpr (std::is_integral_v<U> && !std::is_same_v<U, char> && !std::is_same_v<U, char8_t> &&
                     !std::is_same_v<U, char16_t> && !std::is_same_v<U, char32_t> && !std::is_same_v<U, wchar_t>)
    return SqlFamily::Numeric;
  else if constexpr (std::is_floating_point_v<U> || std::is_same_v<U, Decimal>) return SqlFamily::Numeric;
  else if constexpr (std::is_same_v<U, std::string> || std::is_same_v<U, std::string_view> ||
                     std::is_same_v<U, const char*> || std::is_same_v<U, char*>)
    return SqlFamily::Text;
  else if constexpr (std::is_same_v<U, Timestamp>) return SqlFamily::DateTime;
  else if constexpr (std::is_same_v<U, Date>) return SqlFamily::Date;
  else if constexpr (std::is_same_v<U, Uuid>) return SqlFamily::Uuid;
  else if constexpr (std::is_same_v<U, Bytes>) return SqlFamily::Bytes;
  else return SqlFamily::None;
}

}  // namespace detail

/// The SQL family of the C++ type `T` (std::optional<T> has T's family; arrays of char are text).
template <class T>
inline constexpr SqlFamily sql_family_v = detail::family_of<T>();

/// The Type the runtime decodes a result value of C++ type `T` (or std::optional<T>) as.
template <class T>
constexpr Type sql_type_of() {
  using U = detail::strip_optional_t<T>;
  if constexpr (std::is_same_v<U, bool>) return Type::Boolean;
  else if constexpr (std::is_integral_v<U> && sizeof(U) <= 2) return Type::SmallInteger;
  else if constexpr (std::is_integral_v<U> && sizeof(U) <= 4) return Type::Integer;
  else if constexpr (std::is_integral_v<U>) return Type::BigInteger;
  else if constexpr (std::is_same_v<U, float>) return Type::Float;
  else if constexpr (std::is_floating_point_v<U>) return Type::Double;
  else if constexpr (std::is_same_v<U, Decimal>) return Type::Numeric;
  else if constexpr (std::is_same_v<U, std::string>) return Type::Text;
  else if constexpr (std::is_same_v<U, Timestamp>) return Type::DateTime;
  else if constexpr (std::is_same_v<U, Date>) return Type::Date;
  else if constexpr (std::is_same_v<U, Uuid>) return Type::Uuid;
  else {
    static_assert(std::is_same_v<U, Bytes>, "no SQL type for this C++ type");
    return Type::LargeBinary;
  }
}

}  // namespace ormc
