// The text forms PostgreSQL reads for each value type, shared by parameters, COPY lines and array literals.
#include "dialect/postgresql/postgresql_text.hpp"

#include <charconv>

#include <fmt/format.h>

#include "ormc/errors.hpp"
#include "value_text.hpp"

namespace ormc::detail {
namespace {

/// Appends `s` for a double-quoted array element: backslash and double quote escaped by a backslash.
void append_array_escaped(std::string& out, std::string_view s) {
  for (const char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
}

}  // namespace

bool has_text_form(const Value& v) noexcept {
  if (v.holds<std::string>()) return v.as<std::string>().find('\0') == std::string::npos;
  if (v.holds<Timestamp>()) return timestamp_in_range(v.as<Timestamp>());
  if (v.holds<Date>()) return date_in_range(v.as<Date>());
  return true;
}

void throw_no_text_form(std::string_view what, const Value& v, const std::string& sql) {
  if (v.holds<std::string>())
    throw DataError(fmt::format("{}: PostgreSQL text cannot hold NUL characters (use LargeBinary)", what), sql);
  throw DataError(fmt::format("{} ({}) is outside the years 0001..9999 SQL dates can hold", what, v.debug_string()), sql);
}

void append_text(std::string& out, const Value& v) {
  if (v.holds<std::string>()) {
    out += v.as<std::string>();
  } else if (v.holds<std::int64_t>()) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, v.as<std::int64_t>()).ptr;
    out.append(digits, end);
  } else if (v.holds<bool>()) {
    out += v.as<bool>() ? "true" : "false";
  } else if (v.holds<Decimal>()) {
    out += v.as<Decimal>().str();
  } else if (v.holds<double>()) {
    out += format_double(v.as<double>());
  } else if (v.holds<Timestamp>()) {
    out += format_timestamp(v.as<Timestamp>());
  } else if (v.holds<Date>()) {
    out += format_date(v.as<Date>());
  } else if (v.holds<Uuid>()) {
    out += v.as<Uuid>().str();
  } else {
    out += "\\x";  // bytea's hex form
    out += hex_encode(v.as<Bytes>());
  }
}

std::string array_literal(std::span<const Value> rows, std::size_t width, std::size_t column, const std::string& sql) {
  std::string out = "{";
  std::string text;  // a bytes element's text form, reused
  for (std::size_t at = column; at < rows.size(); at += width) {
    if (at != column) out += ',';
    const Value& v = rows[at];
    if (v.is_null()) {
      out += "NULL";
      continue;
    }
    if (!has_text_form(v)) throw_no_text_form(fmt::format("row {}, column {}", at / width + 1, column + 1), v, sql);
    if (v.holds<std::string>()) {
      out += '"';
      append_array_escaped(out, v.as<std::string>());
      out += '"';
    } else if (v.holds<Bytes>()) {
      text.clear();
      append_text(text, v);
      out += '"';
      append_array_escaped(out, text);  // the backslash of bytea's `\x`
      out += '"';
    } else if (v.holds<Timestamp>() || v.holds<Date>()) {
      out += '"';  // a timestamp's space would end an unquoted element's meaning
      append_text(out, v);
      out += '"';
    } else {
      append_text(out, v);  // numbers, true/false, a UUID: no character an array literal reserves
    }
  }
  out += '}';
  return out;
}

}  // namespace ormc::detail
