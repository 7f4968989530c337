// Text forms of values (ISO dates and timestamps, hex bytes, round-trip doubles) shared by logging and both drivers.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ormc/value.hpp"

namespace ormc::detail {

/// True when `date` is a valid calendar date in years 0001..9999 (the range the text forms cover).
[[nodiscard]] bool date_in_range(const Date& date) noexcept;
/// True when `ts` falls on a date that date_in_range() accepts.
[[nodiscard]] bool timestamp_in_range(Timestamp ts) noexcept;

/// `YYYY-MM-DD`. Only meaningful for dates that date_in_range() accepts.
[[nodiscard]] std::string format_date(const Date& date);
/// `YYYY-MM-DD HH:MM:SS.ffffff`, always six fraction digits so that text order is time order.
[[nodiscard]] std::string format_timestamp(Timestamp ts);
/// Parses `YYYY-MM-DD`; nullopt when malformed or not a real date.
[[nodiscard]] std::optional<Date> parse_date(std::string_view text) noexcept;
/// Parses `YYYY-MM-DD[ T]HH:MM[:SS[.f...]]` (up to 9 fraction digits, truncated to microseconds);
/// nullopt when malformed.
[[nodiscard]] std::optional<Timestamp> parse_timestamp(std::string_view text) noexcept;

/// The shortest text that reads back as the same double; `Infinity`, `-Infinity`, `NaN` as PostgreSQL spells them.
[[nodiscard]] std::string format_double(double value);
/// Parses what format_double() writes (and any plain decimal or exponent form); nullopt when malformed.
[[nodiscard]] std::optional<double> parse_double(std::string_view text) noexcept;
/// Parses a whole signed 64-bit integer; nullopt when malformed or out of range.
[[nodiscard]] std::optional<std::int64_t> parse_int64(std::string_view text) noexcept;

/// Lower-case hex digits of `bytes`, two per byte, no prefix.
[[nodiscard]] std::string hex_encode(std::span<const std::byte> bytes);
/// The bytes of an even-length run of hex digits (either case); nullopt when malformed.
[[nodiscard]] std::optional<Bytes> hex_decode(std::string_view hex);

}  // namespace ormc::detail
