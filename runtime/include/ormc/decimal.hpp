// ormc::Decimal: an exact decimal number kept as canonical text, never as binary floating point.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace ormc {

/// An exact decimal value (SQL NUMERIC). Stored as its canonical text ("-12.50"), so a value
/// read from the database is written back byte for byte. Comparison is numeric.
class Decimal {
 public:
  /// Zero.
  Decimal() : text_("0") {}
  /// Parses `[+-]digits[.digits]`. @throw ormc::DataError on malformed text.
  explicit Decimal(std::string_view text);
  explicit Decimal(std::int64_t value) : text_(std::to_string(value)) {}

  /// Canonical text: optional '-', no leading zeros, '.' only when there are fraction digits.
  [[nodiscard]] const std::string& str() const noexcept { return text_; }
  /// The same value with exactly `scale` fraction digits (rounded half away from zero).
  [[nodiscard]] Decimal with_scale(unsigned scale) const;

  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept;
  friend bool operator==(const Decimal& a, const Decimal& b) noexcept { return (a <=> b) == 0; }

 private:
  std::string text_;
};

}  // namespace ormc
