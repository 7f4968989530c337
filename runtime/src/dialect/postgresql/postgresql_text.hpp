// The text forms PostgreSQL reads for each value type, shared by parameters, COPY lines and array literals.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "ormc/value.hpp"

namespace ormc::detail {

/// False for what PostgreSQL's text forms cannot carry: a NUL inside a string (libpq's C strings would
/// cut it short), a date or timestamp outside the years 0001..9999. A test per value, no allocation.
[[nodiscard]] bool has_text_form(const Value& v) noexcept;
/// The error for a value has_text_form() refuses; `what` names its place ("parameter 3", "column 2").
[[noreturn]] void throw_no_text_form(std::string_view what, const Value& v, const std::string& sql);

/// Appends the text form of a non-NULL value: a string as it is, digits, `true`/`false`, ISO dates,
/// `\x` and hex digits for bytes. Only meaningful for values has_text_form() accepts.
void append_text(std::string& out, const Value& v);

/// The array literal `{"a","b",NULL}` or `{1,2,NULL}` of column `column` of `rows` (row-major,
/// `width` values per row): strings, bytes, dates and timestamps quoted with `"` and `\` escaped, so
/// that commas, braces, spaces, the word NULL and empty strings read back exactly; numbers, booleans
/// and UUIDs bare. @throw ormc::DataError as throw_no_text_form()
[[nodiscard]] std::string array_literal(std::span<const Value> rows, std::size_t width, std::size_t column,
                                        const std::string& sql);

}  // namespace ormc::detail
