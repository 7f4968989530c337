// ormc::Value's log rendering and hash, the DataErrors of ValueTraits, and the text forms drivers bind and parse.
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "ormc/errors.hpp"
#include "ormc/value.hpp"
#include "value_text.hpp"

namespace ormc {
namespace {

// Logs stay readable with megabyte parameters: long strings and blobs show their two ends only
// (SQLAlchemy's echo does the same).
constexpr std::size_t kMaxLoggedChars = 300;
constexpr std::size_t kMaxLoggedBytes = 64;

// Moves `pos` back to the start of a UTF-8 sequence so that truncation never splits a character.
std::size_t utf8_boundary(std::string_view s, std::size_t pos) {
  while (pos > 0 && pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

void append_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u == 0x7F)
          out += fmt::format("\\x{:02x}", u);
        else
          out += c;
    }
  }
}

std::string quoted(std::string_view s) {
  std::string out = "'";
  if (s.size() <= kMaxLoggedChars) {
    append_escaped(out, s);
  } else {
    const std::size_t head = utf8_boundary(s, kMaxLoggedChars / 2);
    const std::size_t tail = utf8_boundary(s, s.size() - kMaxLoggedChars / 2);
    append_escaped(out, s.substr(0, head));
    out += fmt::format(" ... ({} characters truncated) ... ", tail - head);
    append_escaped(out, s.substr(tail));
  }
  out += '\'';
  return out;
}

std::string bytes_literal(const Bytes& b) {
  if (b.size() <= kMaxLoggedBytes) return "x'" + detail::hex_encode(b) + "'";
  return fmt::format("x'{}...' ({} bytes)", detail::hex_encode(std::span(b).first(kMaxLoggedBytes)), b.size());
}

// Decimal equality is numeric ("1.50" == "1.5"), so the hash must ignore trailing fraction zeros.
std::string_view decimal_hash_key(const Decimal& d) {
  std::string_view s = d.str();
  if (s.find('.') == std::string_view::npos) return s;
  while (s.back() == '0') s.remove_suffix(1);
  if (s.back() == '.') s.remove_suffix(1);
  return s;
}

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

std::string Value::debug_string() const {
  return std::visit(Overloaded{
                        [](std::monostate) -> std::string { return "NULL"; },
                        [](std::int64_t v) -> std::string { return std::to_string(v); },
                        [](double v) -> std::string { return detail::format_double(v); },
                        [](bool v) -> std::string { return v ? "true" : "false"; },
                        [](const std::string& v) -> std::string { return quoted(v); },
                        [](const Decimal& v) -> std::string { return v.str(); },
                        [](Timestamp v) -> std::string { return "'" + detail::format_timestamp(v) + "'"; },
                        [](const Date& v) -> std::string { return "'" + detail::format_date(v) + "'"; },
                        [](const Uuid& v) -> std::string { return "'" + v.str() + "'"; },
                        [](const Bytes& v) -> std::string { return bytes_literal(v); },
                    },
                    v_);
}

std::size_t ValueHash::operator()(const Value& v) const noexcept {
  const std::size_t seed = v.storage().index() * 0x9E3779B97F4A7C15ULL;
  const std::size_t h = std::visit(
      Overloaded{
          [](std::monostate) -> std::size_t { return 0; },
          [](std::int64_t x) -> std::size_t { return std::hash<std::int64_t>{}(x); },
          // +0.0 == -0.0, so both must hash alike.
          [](double x) -> std::size_t { return x == 0.0 ? 0 : std::hash<double>{}(x); },
          [](bool x) -> std::size_t { return x ? 1 : 0; },
          [](const std::string& x) -> std::size_t { return std::hash<std::string>{}(x); },
          [](const Decimal& x) -> std::size_t { return std::hash<std::string_view>{}(decimal_hash_key(x)); },
          [](Timestamp x) -> std::size_t { return std::hash<std::int64_t>{}(x.time_since_epoch().count()); },
          [](const Date& x) -> std::size_t {
            return std::hash<std::int64_t>{}(std::chrono::sys_days(x).time_since_epoch().count());
          },
          [](const Uuid& x) -> std::size_t {
            return std::hash<std::string_view>{}(
                std::string_view(reinterpret_cast<const char*>(x.bytes().data()), x.bytes().size()));
          },
          [](const Bytes& x) -> std::size_t {
            return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(x.data()), x.size()));
          },
      },
      v.storage());
  return seed ^ (h + 0x9E3779B97F4A7C15ULL + (seed << 6) + (seed >> 2));
}

namespace detail {

namespace {
const char* kind_name(const Value& v) {
  constexpr const char* names[] = {"NULL",    "integer",   "floating point", "boolean", "string",
                                   "decimal", "timestamp", "date",           "uuid",    "bytes"};
  return names[v.storage().index()];
}
}  // namespace

void throw_value_mismatch(const char* wanted, const Value& got) {
  throw DataError(fmt::format("expected a {} value, got {} {}", wanted, kind_name(got), got.debug_string()));
}

void throw_out_of_range(const char* wanted, std::int64_t got) {
  throw DataError(fmt::format("value {} is out of range for the C++ {} type it is read into", got, wanted));
}

// ---- text forms -------------------------------------------------------------------------------

bool date_in_range(const Date& date) noexcept {
  return date.ok() && date.year() >= std::chrono::year{1} && date.year() <= std::chrono::year{9999};
}

bool timestamp_in_range(Timestamp ts) noexcept {
  return date_in_range(Date(std::chrono::floor<std::chrono::days>(ts)));
}

std::string format_date(const Date& date) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()));
}

std::string format_timestamp(Timestamp ts) {
  using namespace std::chrono;
  const auto day = floor<days>(ts);
  const hh_mm_ss<microseconds> tod(ts - day);
  return fmt::format("{} {:02}:{:02}:{:02}.{:06}", format_date(Date(day)), tod.hours().count(), tod.minutes().count(),
                     tod.seconds().count(), tod.subseconds().count());
}

namespace {

// Reads exactly `width` decimal digits at `pos`.
bool read_fixed(std::string_view s, std::size_t pos, std::size_t width, int& out) noexcept {
  if (pos + width > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<Date> parse_date(std::string_view s) noexcept {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!read_fixed(s, 0, 4, y) || !read_fixed(s, 5, 2, m) || !read_fixed(s, 8, 2, d)) return std::nullopt;
  const Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::optional<Timestamp> parse_timestamp(std::string_view s) noexcept {
  using namespace std::chrono;
  if (s.size() < 16 || (s[10] != ' ' && s[10] != 'T')) return std::nullopt;
  const auto date = parse_date(s.substr(0, 10));
  int h = 0, mi = 0, sec = 0;
  if (!date || !read_fixed(s, 11, 2, h) || s[13] != ':' || !read_fixed(s, 14, 2, mi)) return std::nullopt;
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!read_fixed(s, pos + 1, 2, sec)) return std::nullopt;
    pos += 3;
  }
  std::int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
    for (std::size_t i = digits; i < 6; ++i) micros *= 10;
  }
  if (pos != s.size() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return Timestamp(sys_days(*date)) + hours(h) + minutes(mi) + seconds(sec) + microseconds(micros);
}

std::string format_double(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, r.ptr);
}

std::optional<double> parse_double(std::string_view s) noexcept {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity" || s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity" || s == "-inf") return -std::numeric_limits<double>::infinity();
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_int64(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string hex_encode(std::span<const std::byte> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned>(bytes[i]);
    out[2 * i] = digits[b >> 4];
    out[2 * i + 1] = digits[b & 0xF];
  }
  return out;
}

std::optional<Bytes> hex_decode(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::byte>(hi * 16 + lo);
  }
  return out;
}

}  // namespace detail
}  // namespace ormc
