// Literal defaults: `default(...)` and `server_default(...)` must fit their column's type.
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

#include "sema/passes.hpp"

namespace ormc::sema::detail {

namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

/// Reads exactly `n` digits at `pos` into `out`.
bool digits(std::string_view text, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(text[pos + i])) return false;
    out = out * 10 + (text[pos + i] - '0');
  }
  pos += n;
  return true;
}

bool expect_char(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// `YYYY-MM-DD` with a day that exists.
bool parse_date(std::string_view text, std::size_t& pos) {
  int y = 0, m = 0, d = 0;
  if (!digits(text, pos, 4, y) || !expect_char(text, pos, '-') || !digits(text, pos, 2, m) ||
      !expect_char(text, pos, '-') || !digits(text, pos, 2, d)) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return false;
  const int days = kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
  return d >= 1 && d <= days;
}

bool valid_date(std::string_view text) {
  std::size_t pos = 0;
  return parse_date(text, pos) && pos == text.size();
}

/// `YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][Z]` (UTC: the C++ type is a sys_time).
bool valid_datetime(std::string_view text) {
  std::size_t pos = 0;
  int h = 0, m = 0, s = 0;
  if (!parse_date(text, pos)) return false;
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != ' ')) return false;
  ++pos;
  if (!digits(text, pos, 2, h) || !expect_char(text, pos, ':') || !digits(text, pos, 2, m)) return false;
  if (h > 23 || m > 59) return false;
  if (expect_char(text, pos, ':')) {
    if (!digits(text, pos, 2, s) || s > 59) return false;
    if (expect_char(text, pos, '.')) {
      const std::size_t start = pos;
      while (pos < text.size() && is_digit(text[pos])) ++pos;
      if (pos == start || pos - start > 6) return false;  // microseconds at most
    }
  }
  expect_char(text, pos, 'Z');
  return pos == text.size();
}

bool valid_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : std::isxdigit(static_cast<unsigned char>(text[i])) == 0) return false;
  }
  return true;
}

/// A decimal number `[-+]digits[.digits]`, with an exponent when `exponent`; counts the
/// significant integer digits and the fraction digits.
struct DecimalShape {
  bool ok = false;
  std::size_t integer_digits = 0;
  std::size_t fraction_digits = 0;
};

DecimalShape decimal_shape(std::string_view text, bool exponent) {
  DecimalShape shape;
  std::size_t pos = 0;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) ++pos;
  const std::size_t int_start = pos;
  while (pos < text.size() && text[pos] == '0') ++pos;  // leading zeros take no precision
  const std::size_t significant = pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  if (pos == int_start) return shape;
  shape.integer_digits = pos - significant;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start) return shape;
    shape.fraction_digits = pos - start;
  }
  if (exponent && pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start) return shape;
  }
  shape.ok = pos == text.size();
  return shape;
}

std::size_t code_points(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool is_integer_type(model::ColumnType t) {
  return t == model::ColumnType::SmallInteger || t == model::ColumnType::Integer || t == model::ColumnType::BigInteger;
}

template <typename T>
std::pair<std::int64_t, std::int64_t> limits() {
  return {std::numeric_limits<T>::min(), std::numeric_limits<T>::max()};
}

/// The values an integer column holds (its C++ type's).
std::pair<std::int64_t, std::int64_t> integer_range(model::ColumnType t) {
  if (t == model::ColumnType::SmallInteger) return limits<std::int16_t>();
  if (t == model::ColumnType::Integer) return limits<std::int32_t>();
  return limits<std::int64_t>();
}

std::string type_spelling(const model::Column& c) {
  if (c.type == model::ColumnType::Numeric && c.precision > 0) {
    return "Numeric(" + std::to_string(c.precision) + ", " + std::to_string(c.scale) + ")";
  }
  if (c.type == model::ColumnType::String && c.length > 0) return "String(" + std::to_string(c.length) + ")";
  return model::type_name(c.type);
}

std::optional<model::DefaultValue> check_now(Context& ctx, const ast::Expr& value, const model::Column& column,
                                             bool server) {
  const std::string name = value.path.empty() ? std::string() : value.path[0].text;
  if (name != "now") {
    if (name.empty()) return std::nullopt;
    diag::Diagnostic& e =
        ctx.sink.error(value.path[0].where, "unknown function " + q(name) + "; a default is a literal or now()");
    static constexpr const char* kFunctions[] = {"now"};
    suggest(e, name, names(kFunctions));
    return std::nullopt;
  }
  if (!value.args.empty()) {
    ctx.sink.error(value.args[0].where, "'now' takes no arguments");
    return std::nullopt;
  }
  if (!server) {
    ctx.sink.error(value.where, "now() is evaluated by the database; use server_default(now())");
    return std::nullopt;
  }
  if (column.type != model::ColumnType::Date && column.type != model::ColumnType::DateTime) {
    ctx.sink.error(value.where, "now() needs a Date or DateTime column, but " + q(column.attribute) + " is " +
                                    type_spelling(column));
    return std::nullopt;
  }
  return model::DefaultValue{model::DefaultValue::Kind::Now, ""};
}

}  // namespace

std::optional<model::DefaultValue> check_default(Context& ctx, const ast::Expr& value, const model::Column& column,
                                                 bool server) {
  using Kind = ast::Expr::Kind;
  using T = model::ColumnType;
  if (value.kind == Kind::Call) return check_now(ctx, value, column, server);
  const std::string subject = "the default of " + type_spelling(column) + " column " + q(column.attribute);
  const auto mismatch = [&](const char* expected) {
    ctx.sink.error(value.where, subject + " must be " + expected + ", got " + describe(value));
    return std::nullopt;
  };
  const auto invalid = [&](const std::string& why) {
    ctx.sink.error(value.where, "invalid value \"" + value.text + "\" for " + subject + "; " + why);
    return std::nullopt;
  };

  if (is_integer_type(column.type)) {
    if (value.kind != Kind::Integer) return mismatch("an integer");
    const auto [lo, hi] = integer_range(column.type);
    if (value.integer < lo || value.integer > hi) {
      ctx.sink.error(value.where, std::to_string(value.integer) + " is out of range for " + subject +
                                      " (" + std::to_string(lo) + " to " + std::to_string(hi) + ")");
      return std::nullopt;
    }
    return model::DefaultValue{model::DefaultValue::Kind::Integer, std::to_string(value.integer)};
  }
  switch (column.type) {
    case T::Boolean:
      if (value.kind != Kind::Boolean) return mismatch("'true' or 'false'");
      return model::DefaultValue{model::DefaultValue::Kind::Boolean, value.boolean ? "true" : "false"};
    case T::Float:
    case T::Double:
    case T::Numeric: {
      // The DSL has no fraction literal: "12.50" is written as a string, exactly as meant.
      if (value.kind == Kind::Integer)
        return model::DefaultValue{model::DefaultValue::Kind::Float, std::to_string(value.integer)};
      if (value.kind != Kind::String) return mismatch("a number (an integer or a string such as \"1.5\")");
      const bool numeric = column.type == T::Numeric;
      const DecimalShape shape = decimal_shape(value.text, !numeric);
      if (!shape.ok) return invalid(numeric ? "expected a decimal number such as \"12.50\"" : "expected a number");
      if (!numeric) {
        const double d = std::strtod(value.text.c_str(), nullptr);
        const double limit =
            column.type == T::Float ? std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
        if (!std::isfinite(d) || std::fabs(d) > limit) return invalid("out of range");
      } else if (column.precision > 0 &&
                 (shape.fraction_digits > column.scale ||
                  shape.integer_digits > static_cast<std::size_t>(column.precision - column.scale))) {
        return invalid("it doesn't fit " + type_spelling(column));
      }
      return model::DefaultValue{model::DefaultValue::Kind::Float, value.text};
    }
    case T::String:
    case T::Text:
    case T::LargeBinary:
      if (value.kind != Kind::String) return mismatch("a string");
      if (column.length > 0 && code_points(value.text) > column.length) {
        return invalid("it is longer than " + std::to_string(column.length) + " characters");
      }
      return model::DefaultValue{model::DefaultValue::Kind::String, value.text};
    case T::Date:
      if (value.kind != Kind::String) return mismatch("a string such as \"2024-01-31\"");
      if (!valid_date(value.text)) return invalid("expected a date \"YYYY-MM-DD\"");
      return model::DefaultValue{model::DefaultValue::Kind::String, value.text};
    case T::DateTime:
      if (value.kind != Kind::String) return mismatch("a string such as \"2024-01-31 12:00:00\" or now()");
      if (!valid_datetime(value.text)) return invalid("expected \"YYYY-MM-DD HH:MM[:SS[.ffffff]]\" (UTC)");
      return model::DefaultValue{model::DefaultValue::Kind::String, value.text};
    case T::Uuid:
      if (value.kind != Kind::String) return mismatch("a string such as \"123e4567-e89b-12d3-a456-426614174000\"");
      if (!valid_uuid(value.text)) return invalid("expected a UUID \"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\"");
      return model::DefaultValue{model::DefaultValue::Kind::String, value.text};
    default:
      break;
  }
  return std::nullopt;
}

}  // namespace ormc::sema::detail
