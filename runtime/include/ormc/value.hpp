// ormc::Value: one SQL value (or NULL) as the runtime binds and reads it, plus C++ <-> Value traits.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "ormc/decimal.hpp"
#include "ormc/uuid.hpp"

namespace ormc {

/// The column types of the DSL (SPEC §1.4).
enum class Type : std::uint8_t {
  SmallInteger, Integer, BigInteger, Boolean, Float, Double, Numeric,
  String, Text, Date, DateTime, Uuid, LargeBinary,
};

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;
using Date = std::chrono::year_month_day;
using Bytes = std::vector<std::byte>;

/// One value or NULL. Integers of every width are held as int64; Float as double.
class Value {
 public:
  using Storage = std::variant<std::monostate, std::int64_t, double, bool, std::string, Decimal,
                               Timestamp, Date, Uuid, Bytes>;

  Value() = default;
  Value(std::nullopt_t) {}
  Value(std::int64_t v) : v_(v) {}
  Value(int v) : v_(std::int64_t{v}) {}
  Value(double v) : v_(v) {}
  Value(bool v) : v_(v) {}
  Value(std::string v) : v_(std::move(v)) {}
  Value(const char* v) : v_(std::string(v)) {}
  Value(Decimal v) : v_(std::move(v)) {}
  Value(Timestamp v) : v_(v) {}
  Value(Date v) : v_(v) {}
  Value(Uuid v) : v_(v) {}
  Value(Bytes v) : v_(std::move(v)) {}

  [[nodiscard]] bool is_null() const noexcept { return v_.index() == 0; }
  [[nodiscard]] const Storage& storage() const noexcept { return v_; }
  [[nodiscard]] Storage& storage() noexcept { return v_; }
  template <class T> [[nodiscard]] bool holds() const noexcept { return std::holds_alternative<T>(v_); }
  template <class T> [[nodiscard]] const T& as() const { return std::get<T>(v_); }
  template <class T> [[nodiscard]] T& as() { return std::get<T>(v_); }

  /// Human-readable rendering for logs (strings quoted, NULL as NULL); never used to build SQL.
  [[nodiscard]] std::string debug_string() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
  Storage v_;
};

/// Hash of a value, consistent with operator== (used by the identity map).
struct ValueHash {
  std::size_t operator()(const Value& v) const noexcept;
};

namespace detail {
[[noreturn]] void throw_value_mismatch(const char* wanted, const Value& got);
[[noreturn]] void throw_out_of_range(const char* wanted, std::int64_t got);
}  // namespace detail

/// Converts a C++ field type to and from Value. Specialised for every type of SPEC §1.4.
template <class T, class = void>
struct ValueTraits;

template <class T>
struct ValueTraits<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
  static Value to_value(T v) { return Value(static_cast<std::int64_t>(v)); }
  static T from_value(Value&& v) {
    if (!v.holds<std::int64_t>()) detail::throw_value_mismatch("integer", v);
    const std::int64_t x = v.as<std::int64_t>();
    if constexpr (sizeof(T) < sizeof(std::int64_t)) {
      if (x < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
          x > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
        detail::throw_out_of_range("integer", x);
    }
    return static_cast<T>(x);
  }
};
template <>
struct ValueTraits<bool> {
  static Value to_value(bool v) { return Value(v); }
  static bool from_value(Value&& v) {
    if (v.holds<bool>()) return v.as<bool>();
    if (v.holds<std::int64_t>()) return v.as<std::int64_t>() != 0;
    detail::throw_value_mismatch("boolean", v);
  }
};
template <class T>
struct ValueTraits<T, std::enable_if_t<std::is_floating_point_v<T>>> {
  static Value to_value(T v) { return Value(static_cast<double>(v)); }
  static T from_value(Value&& v) {
    if (v.holds<double>()) return static_cast<T>(v.as<double>());
    if (v.holds<std::int64_t>()) return static_cast<T>(v.as<std::int64_t>());
    detail::throw_value_mismatch("floating point", v);
  }
};
/// Types held as themselves in the variant.
template <class T>
struct ValueTraits<T, std::enable_if_t<std::is_same_v<T, std::string> || std::is_same_v<T, Decimal> ||
                                       std::is_same_v<T, Timestamp> || std::is_same_v<T, Date> ||
                                       std::is_same_v<T, Uuid> || std::is_same_v<T, Bytes>>> {
  static Value to_value(const T& v) { return Value(v); }
  static Value to_value(T&& v) { return Value(std::move(v)); }
  static T from_value(Value&& v) {
    if (!v.holds<T>()) detail::throw_value_mismatch(type_name(), v);
    return std::move(v.as<T>());
  }
  static const char* type_name() {
    if constexpr (std::is_same_v<T, std::string>) return "string";
    else if constexpr (std::is_same_v<T, Decimal>) return "decimal";
    else if constexpr (std::is_same_v<T, Timestamp>) return "timestamp";
    else if constexpr (std::is_same_v<T, Date>) return "date";
    else if constexpr (std::is_same_v<T, Uuid>) return "uuid";
    else return "bytes";
  }
};
template <class T>
struct ValueTraits<std::optional<T>> {
  static Value to_value(const std::optional<T>& v) { return v ? ValueTraits<T>::to_value(*v) : Value(); }
  static std::optional<T> from_value(Value&& v) {
    if (v.is_null()) return std::nullopt;
    return ValueTraits<T>::from_value(std::move(v));
  }
};

template <>
struct ValueTraits<const char*> {
  static Value to_value(const char* v) { return Value(std::string(v)); }
};
template <std::size_t N>
struct ValueTraits<char[N]> {
  static Value to_value(const char (&v)[N]) { return Value(std::string(v)); }
};

/// Shorthand: the Value of a C++ value.
template <class T>
[[nodiscard]] Value to_value(T&& v) {
  return ValueTraits<std::remove_cvref_t<T>>::to_value(std::forward<T>(v));
}
template <class T>
[[nodiscard]] T from_value(Value&& v) {
  return ValueTraits<T>::from_value(std::move(v));
}

}  // namespace ormc
