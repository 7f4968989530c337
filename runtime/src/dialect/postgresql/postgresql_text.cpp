// The text forms PostgreSQL reads for each value type, shared by parameters and COPY lines.
#include "dialect/postgresql/postgresql_text.hpp"

#include <charconv>

#include <fmt/format.h>

#include "ormc/errors.hpp"
#include "value_text.hpp"

namespace ormc::detail {

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

}  // namespace ormc::detail
