// ormc::Uuid: a 128-bit UUID value with its canonical text form.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace ormc {

class Uuid {
 public:
  Uuid() = default;
  explicit Uuid(const std::array<std::uint8_t, 16>& bytes) : bytes_(bytes) {}
  /// Parses the 36-character form (hex digits, either case). @throw ormc::DataError when malformed.
  static Uuid parse(std::string_view text);
  /// Lower-case 8-4-4-4-12 form.
  [[nodiscard]] std::string str() const;
  [[nodiscard]] const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }
  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace ormc
