// Unit tests of ormc::Decimal, ormc::Uuid, Value's log rendering and hash, and the shared text forms.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_set>

#include "ormc/decimal.hpp"
#include "ormc/errors.hpp"
#include "ormc/uuid.hpp"
#include "ormc/value.hpp"
#include "value_text.hpp"

namespace {

using namespace std::chrono;
using ormc::Decimal;
using ormc::Uuid;
using ormc::Value;

struct CanonicalCase {
  const char* input;
  const char* canonical;
};

TEST(DecimalTest, ParsesToCanonicalText) {
  const CanonicalCase cases[] = {
      {"0", "0"},
      {"-0", "0"},
      {"+0", "0"},
      {"-0.00", "0.00"},
      {"007", "7"},
      {"+12.50", "12.50"},
      {"-12.50", "-12.50"},
      {"000.001", "0.001"},
      {"1.000", "1.000"},
      {"-00123.4500", "-123.4500"},
      {"123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"},
  };
  for (const auto& c : cases) EXPECT_EQ(Decimal(c.input).str(), c.canonical) << c.input;
  EXPECT_EQ(Decimal().str(), "0");
  EXPECT_EQ(Decimal(std::int64_t{-42}).str(), "-42");
  EXPECT_EQ(Decimal(std::numeric_limits<std::int64_t>::min()).str(), "-9223372036854775808");
}

TEST(DecimalTest, RejectsMalformedText) {
  for (const char* bad : {"", "-", "+", ".", "1.", ".5", "1.2.3", "1e5", "abc", " 1", "1 ", "0x10", "--1", "1,5", "NaN",
                          "Infinity", "1.-2"}) {
    EXPECT_THROW((void)Decimal(bad), ormc::DataError) << "'" << bad << "'";
  }
  try {
    (void)Decimal("12a");
    FAIL();
  } catch (const ormc::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("'12a'"), std::string::npos) << e.what();
  }
}

TEST(DecimalTest, ComparesNumerically) {
  EXPECT_EQ(Decimal("1.50"), Decimal("1.5"));
  EXPECT_EQ(Decimal("0.00"), Decimal("-0"));
  EXPECT_LT(Decimal("-1"), Decimal("0"));
  EXPECT_LT(Decimal("-2.5"), Decimal("-2.49"));
  EXPECT_LT(Decimal("9.99"), Decimal("10"));
  EXPECT_LT(Decimal("0.001"), Decimal("0.01"));
  EXPECT_GT(Decimal("100"), Decimal("99.999999"));
  EXPECT_GT(Decimal("-0.001"), Decimal("-0.01"));
  EXPECT_LT(Decimal("-100"), Decimal("-99.5"));
  EXPECT_LT(Decimal("12345678901234567890.1"), Decimal("12345678901234567890.10001"));
  EXPECT_EQ(Decimal("5") <=> Decimal("5.000"), std::strong_ordering::equal);
}

struct ScaleCase {
  const char* input;
  unsigned scale;
  const char* want;
};

TEST(DecimalTest, WithScaleRoundsHalfAwayFromZero) {
  const ScaleCase cases[] = {
      {"12.5", 2, "12.50"},     {"12.345", 2, "12.35"},  {"-12.345", 2, "-12.35"}, {"12.344", 2, "12.34"},
      {"9.999", 2, "10.00"},    {"-9.995", 2, "-10.00"}, {"0.5", 0, "1"},          {"-0.5", 0, "-1"},
      {"0.49", 0, "0"},         {"-0.001", 2, "0.00"},   {"7", 3, "7.000"},        {"99.5", 0, "100"},
      {"1.23456", 4, "1.2346"}, {"0", 2, "0.00"},        {"12.50", 1, "12.5"},
  };
  for (const auto& c : cases) EXPECT_EQ(Decimal(c.input).with_scale(c.scale).str(), c.want) << c.input;
}

TEST(UuidTest, ParsesAndPrintsCanonicalForm) {
  const Uuid u = Uuid::parse("123E4567-e89b-12D3-a456-426614174000");
  EXPECT_EQ(u.str(), "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(u.bytes()[0], 0x12);
  EXPECT_EQ(u.bytes()[15], 0x00);
  EXPECT_EQ(Uuid::parse(u.str()), u);
  EXPECT_EQ(Uuid().str(), "00000000-0000-0000-0000-000000000000");
  EXPECT_LT(Uuid::parse("00000000-0000-0000-0000-000000000001"), Uuid::parse("00000000-0000-0000-0000-000000000002"));
}

TEST(UuidTest, RejectsMalformedText) {
  for (const char* bad : {"", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400",
                          "123e4567-e89b-12d3-a456-4266141740000", "123e4567+e89b-12d3-a456-426614174000",
                          "g23e4567-e89b-12d3-a456-426614174000", "{123e4567-e89b-12d3-a456-426614174000}"}) {
    EXPECT_THROW((void)Uuid::parse(bad), ormc::DataError) << bad;
  }
}

TEST(ValueTest, DebugStringRendersEachKind) {
  EXPECT_EQ(Value().debug_string(), "NULL");
  EXPECT_EQ(Value(std::int64_t{-7}).debug_string(), "-7");
  EXPECT_EQ(Value(0.1).debug_string(), "0.1");
  EXPECT_EQ(Value(true).debug_string(), "true");
  EXPECT_EQ(Value("it's a \\ test\n").debug_string(), R"('it\'s a \\ test\n')");
  EXPECT_EQ(Value(std::string("a\0b", 3)).debug_string(), R"('a\x00b')");
  EXPECT_EQ(Value("héllo").debug_string(), "'héllo'");
  EXPECT_EQ(Value(Decimal("-12.50")).debug_string(), "-12.50");
  EXPECT_EQ(Value(ormc::Date{year{2024}, February, day{29}}).debug_string(), "'2024-02-29'");
  EXPECT_EQ(Value(ormc::Timestamp(sys_days(year{2024} / 1 / 2) + hours(3) + minutes(4) + seconds(5) + microseconds(6)))
                .debug_string(),
            "'2024-01-02 03:04:05.000006'");
  EXPECT_EQ(Value(Uuid::parse("123e4567-e89b-12d3-a456-426614174000")).debug_string(),
            "'123e4567-e89b-12d3-a456-426614174000'");
  EXPECT_EQ(Value(ormc::Bytes{std::byte{0}, std::byte{0xAB}}).debug_string(), "x'00ab'");
}

TEST(ValueTest, DebugStringTruncatesHugeValues) {
  const std::string big = std::string(1000, 'a') + "é" + std::string(1000, 'z');
  const std::string shown = Value(big).debug_string();
  EXPECT_LT(shown.size(), 400u);
  EXPECT_EQ(shown.substr(0, 4), "'aaa");
  EXPECT_EQ(shown.substr(shown.size() - 4), "zzz'");
  EXPECT_NE(shown.find("characters truncated"), std::string::npos);
  const std::string blob = Value(ormc::Bytes(5000, std::byte{1})).debug_string();
  EXPECT_NE(blob.find("(5000 bytes)"), std::string::npos);
  EXPECT_LT(blob.size(), 200u);
}

TEST(ValueTest, HashAgreesWithEquality) {
  const ormc::ValueHash hash;
  EXPECT_EQ(Value(Decimal("1.50")), Value(Decimal("1.5")));
  EXPECT_EQ(hash(Value(Decimal("1.50"))), hash(Value(Decimal("1.5"))));
  EXPECT_EQ(hash(Value(Decimal("0.000"))), hash(Value(Decimal("0"))));
  EXPECT_EQ(hash(Value(0.0)), hash(Value(-0.0)));
  EXPECT_EQ(hash(Value("abc")), hash(Value(std::string("abc"))));
  std::unordered_set<Value, ormc::ValueHash> set{Value(1), Value("1"), Value(true), Value(Decimal("1")), Value()};
  EXPECT_EQ(set.size(), 5u);
  EXPECT_TRUE(set.contains(Value(Decimal("1.000"))));
  EXPECT_FALSE(set.contains(Value(2)));
}

TEST(ValueTest, TraitsReportMismatchAndRangeAsDataError) {
  EXPECT_EQ(ormc::from_value<std::int16_t>(Value(32767)), 32767);
  EXPECT_THROW((void)ormc::from_value<std::int16_t>(Value(32768)), ormc::DataError);
  EXPECT_THROW((void)ormc::from_value<std::int32_t>(Value("12")), ormc::DataError);
  EXPECT_THROW((void)ormc::from_value<std::string>(Value(12)), ormc::DataError);
  try {
    (void)ormc::from_value<Decimal>(Value("x"));
    FAIL();
  } catch (const ormc::DataError& e) {
    EXPECT_EQ(std::string(e.what()), "expected a decimal value, got string 'x'");
  }
}

TEST(ValueTextTest, TimestampsRoundTripAndParseVariants) {
  using ormc::detail::format_timestamp;
  using ormc::detail::parse_timestamp;
  const ormc::Timestamp t =
      sys_days(year{1969} / 12 / 31) + hours(23) + minutes(59) + seconds(59) + microseconds(999999);
  EXPECT_EQ(format_timestamp(t), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(parse_timestamp(format_timestamp(t)), t);
  const ormc::Timestamp noon = sys_days(year{2024} / 5 / 6) + hours(12);
  EXPECT_EQ(parse_timestamp("2024-05-06 12:00:00"), noon);
  EXPECT_EQ(parse_timestamp("2024-05-06T12:00:00.000"), noon);
  EXPECT_EQ(parse_timestamp("2024-05-06 12:00:00.5"), noon + milliseconds(500));
  EXPECT_EQ(parse_timestamp("2024-05-06 12:00:00.123456789"), noon + microseconds(123456));
  for (const char* bad : {"2024-05-06", "2024-02-30 00:00:00", "2024-05-06 24:00:00", "2024-05-06 12:00:00.",
                          "2024-05-06 12:00:00+02", "2024/05/06 12:00:00"}) {
    EXPECT_FALSE(parse_timestamp(bad).has_value()) << bad;
  }
  EXPECT_EQ(format_timestamp(ormc::Timestamp(sys_days(year{1} / 1 / 1))), "0001-01-01 00:00:00.000000");
}

TEST(ValueTextTest, DoublesAndHexRoundTrip) {
  using ormc::detail::format_double;
  using ormc::detail::parse_double;
  for (double d : {0.1, -0.0, 1e300, 5e-324, 123456.789, std::numeric_limits<double>::max()}) {
    EXPECT_EQ(parse_double(format_double(d)), d) << format_double(d);
  }
  EXPECT_EQ(format_double(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_TRUE(std::isnan(*parse_double("NaN")));
  EXPECT_FALSE(parse_double("1.5x").has_value());
  const ormc::Bytes bytes{std::byte{0}, std::byte{0x7F}, std::byte{0xFF}};
  EXPECT_EQ(ormc::detail::hex_encode(bytes), "007fff");
  EXPECT_EQ(ormc::detail::hex_decode("007FfF"), bytes);
  EXPECT_FALSE(ormc::detail::hex_decode("0g").has_value());
  EXPECT_FALSE(ormc::detail::hex_decode("000").has_value());
}

}  // namespace
