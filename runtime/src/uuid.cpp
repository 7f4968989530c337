// ormc::Uuid: the canonical 8-4-4-4-12 text form, parsed and printed.
#include <fmt/format.h>

#include "ormc/errors.hpp"
#include "ormc/uuid.hpp"

namespace ormc {
namespace {

constexpr std::size_t kTextLength = 36;

bool is_hyphen_position(std::size_t i) noexcept { return i == 8 || i == 13 || i == 18 || i == 23; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Uuid Uuid::parse(std::string_view text) {
  std::array<std::uint8_t, 16> bytes{};
  bool ok = text.size() == kTextLength;
  std::size_t nibble = 0;
  for (std::size_t i = 0; ok && i < text.size(); ++i) {
    if (is_hyphen_position(i)) {
      ok = text[i] == '-';
      continue;
    }
    const int v = hex_value(text[i]);
    ok = v >= 0;
    if (ok) bytes[nibble / 2] = static_cast<std::uint8_t>(bytes[nibble / 2] * 16 + v);
    ++nibble;
  }
  if (!ok) throw DataError(fmt::format("malformed UUID '{}': expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", text));
  return Uuid(bytes);
}

std::string Uuid::str() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(kTextLength);
  for (std::size_t i = 0; i < bytes_.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += digits[bytes_[i] >> 4];
    out += digits[bytes_[i] & 0xF];
  }
  return out;
}

}  // namespace ormc
