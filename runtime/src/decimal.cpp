// ormc::Decimal: parsing to canonical text, numeric comparison and rounding, all on decimal digits.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "ormc/decimal.hpp"
#include "ormc/errors.hpp"

namespace ormc {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// The pieces of a canonical text: sign, integer digits (no leading zeros, at least one digit)
// and fraction digits (possibly empty).
struct Parts {
  bool negative = false;
  std::string_view integer;
  std::string_view fraction;
};

Parts split(const std::string& canonical) noexcept {
  Parts p;
  std::string_view s = canonical;
  if (s.front() == '-') {
    p.negative = true;
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  p.integer = s.substr(0, dot);
  if (dot != std::string_view::npos) p.fraction = s.substr(dot + 1);
  return p;
}

bool all_zero(std::string_view digits) noexcept {
  return std::all_of(digits.begin(), digits.end(), [](char c) { return c == '0'; });
}

// Assembles canonical text: leading zeros stripped, and no sign on zero.
std::string assemble(bool negative, std::string_view integer, std::string_view fraction) {
  while (integer.size() > 1 && integer.front() == '0') integer.remove_prefix(1);
  if (integer.empty()) integer = "0";
  std::string out;
  out.reserve(integer.size() + fraction.size() + 2);
  if (negative && !(all_zero(integer) && all_zero(fraction))) out += '-';
  out += integer;
  if (!fraction.empty()) {
    out += '.';
    out += fraction;
  }
  return out;
}

// Compares magnitudes digit by digit; the fraction parts are compared as if padded with zeros.
std::strong_ordering compare_magnitude(const Parts& a, const Parts& b) noexcept {
  if (a.integer.size() != b.integer.size()) return a.integer.size() <=> b.integer.size();
  if (const int c = a.integer.compare(b.integer); c != 0) return c <=> 0;
  const std::size_t n = std::max(a.fraction.size(), b.fraction.size());
  for (std::size_t i = 0; i < n; ++i) {
    const char da = i < a.fraction.size() ? a.fraction[i] : '0';
    const char db = i < b.fraction.size() ? b.fraction[i] : '0';
    if (da != db) return da <=> db;
  }
  return std::strong_ordering::equal;
}

}  // namespace

Decimal::Decimal(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  const std::string_view integer = s.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  const bool ok = !integer.empty() && std::all_of(integer.begin(), integer.end(), is_digit) &&
                  (dot == std::string_view::npos || !fraction.empty()) &&
                  std::all_of(fraction.begin(), fraction.end(), is_digit);
  if (!ok) throw DataError(fmt::format("malformed decimal '{}': expected [+-]digits[.digits]", text));
  text_ = assemble(negative, integer, fraction);
}

Decimal Decimal::with_scale(unsigned scale) const {
  const Parts p = split(text_);
  std::string digits(p.integer);
  if (p.fraction.size() <= scale) {
    digits += p.fraction;
    digits.append(scale - p.fraction.size(), '0');
  } else {
    digits += p.fraction.substr(0, scale);
    // Half away from zero: the first dropped digit alone decides, whatever the sign.
    if (p.fraction[scale] >= '5') {
      std::size_t i = digits.size();
      while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
      if (i == 0)
        digits.insert(digits.begin(), '1');
      else
        ++digits[i - 1];
    }
  }
  const std::size_t int_len = digits.size() - scale;
  Decimal out;
  out.text_ =
      assemble(p.negative, std::string_view(digits).substr(0, int_len), std::string_view(digits).substr(int_len));
  return out;
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept {
  const Parts pa = split(a.text_);
  const Parts pb = split(b.text_);
  // Canonical text never carries a sign on zero, so the signs alone order mixed-sign values.
  if (pa.negative != pb.negative) return pa.negative ? std::strong_ordering::less : std::strong_ordering::greater;
  const auto mag = compare_magnitude(pa, pb);
  return pa.negative ? 0 <=> mag : mag;
}

}  // namespace ormc
