// Every column type of SPEC §1.4 round-trips exactly through a generated entity and a Session, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>

#include "test_backend.hpp"
#include "types.orm.hpp"

namespace {

using ormc::Bytes;
using ormc::Decimal;
using typestest::Sample;

ormc::Timestamp at(int y, int mo, int d, int h, int mi, int s, int us) {
  using namespace std::chrono;
  return sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s} + microseconds{us};
}

ormc::Date day(int y, int m, int d) {
  return std::chrono::year{y} / m / d;
}

Bytes bytes(std::initializer_list<int> values) {
  Bytes out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

/// Every byte value once, NUL first and last too.
Bytes all_bytes() {
  Bytes out;
  out.push_back(std::byte{0});
  for (int i = 0; i < 256; ++i) out.push_back(static_cast<std::byte>(i));
  out.push_back(std::byte{0});
  return out;
}

bool on_sqlite() { return ormc_test::backend() != "postgresql"; }

class SessionTypesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ORMC_TEST_REQUIRE_DATABASE(url, sqlite_file_);
    db_ = std::make_unique<ormc::Database>(ormc::connect(url));
    typestest::metadata().drop_all(*db_);
    typestest::metadata().create_all(*db_);
  }

  /// Stores `sample`, then reads it back in a new Session (so every value comes from the database).
  std::shared_ptr<Sample> round_trip(const std::shared_ptr<Sample>& sample) {
    std::int32_t id = 0;
    {
      ormc::Session session(*db_);
      session.add(sample);
      session.commit();
      id = sample->id();
    }
    reader_ = std::make_unique<ormc::Session>(*db_);
    auto loaded = reader_->get<Sample>(id);
    EXPECT_NE(loaded, nullptr);
    EXPECT_NE(loaded, sample) << "a new Session has its own object";
    return loaded;
  }

  static void expect_same(const Sample& want, const Sample& got) {
    EXPECT_EQ(got.i16(), want.i16());
    EXPECT_EQ(got.i32(), want.i32());
    EXPECT_EQ(got.i64(), want.i64());
    EXPECT_EQ(got.flag(), want.flag());
    EXPECT_EQ(got.f32(), want.f32()) << "float compared exactly, not approximately";
    EXPECT_EQ(got.f64(), want.f64()) << "double compared exactly, not approximately";
    EXPECT_EQ(got.amount().str(), want.amount().str()) << "Numeric keeps every digit and its scale";
    EXPECT_EQ(got.code(), want.code());
    EXPECT_EQ(got.body(), want.body());
    EXPECT_EQ(got.day(), want.day());
    EXPECT_EQ(got.at(), want.at());
    EXPECT_EQ(got.token(), want.token());
    EXPECT_EQ(got.data(), want.data());
    EXPECT_EQ(got.maybe_i16(), want.maybe_i16());
    EXPECT_EQ(got.maybe_i32(), want.maybe_i32());
    EXPECT_EQ(got.maybe_i64(), want.maybe_i64());
    EXPECT_EQ(got.maybe_flag(), want.maybe_flag());
    EXPECT_EQ(got.maybe_f32(), want.maybe_f32());
    EXPECT_EQ(got.maybe_f64(), want.maybe_f64());
    ASSERT_EQ(got.maybe_amount().has_value(), want.maybe_amount().has_value());
    if (want.maybe_amount()) {
      EXPECT_EQ(got.maybe_amount()->str(), want.maybe_amount()->str());
    }
    EXPECT_EQ(got.maybe_code(), want.maybe_code());
    EXPECT_EQ(got.maybe_body(), want.maybe_body());
    EXPECT_EQ(got.maybe_day(), want.maybe_day());
    EXPECT_EQ(got.maybe_at(), want.maybe_at());
    EXPECT_EQ(got.maybe_token(), want.maybe_token());
    EXPECT_EQ(got.maybe_data(), want.maybe_data());
  }

  ormc_test::TempSqliteFile sqlite_file_;
  std::unique_ptr<ormc::Database> db_;
  std::unique_ptr<ormc::Session> reader_;
};

TEST_F(SessionTypesTest, LargestValuesAndEveryByte) {
  std::string long_text;
  for (int i = 0; i < 20000; ++i) long_text += "line " + std::to_string(i) + "\n\t'\"\\";
  auto sample = Sample::create({
      .i16 = std::numeric_limits<std::int16_t>::max(),
      .i32 = std::numeric_limits<std::int32_t>::min(),
      .i64 = std::numeric_limits<std::int64_t>::max(),
      .flag = true,
      .f32 = std::numeric_limits<float>::max(),
      .f64 = 0.1,
      // SQLite's NUMERIC keeps 15 significant digits; more is refused (SqliteRefusesDecimalsItWouldRound).
      .amount = Decimal(on_sqlite() ? "999999999.999999" : "99999999999999.999999"),
      .code = "héllo ✓ 'single' \"double\" \\ %_",
      .body = long_text,
      .day = day(2024, 2, 29),
      .at = at(2024, 2, 29, 23, 59, 59, 999999),
      .token = ormc::Uuid::parse("123e4567-e89b-12d3-a456-426614174000"),
      .data = all_bytes(),
      .maybe_i16 = std::numeric_limits<std::int16_t>::min(),
      .maybe_i32 = std::numeric_limits<std::int32_t>::max(),
      .maybe_i64 = std::numeric_limits<std::int64_t>::min(),
      .maybe_flag = false,
      .maybe_f32 = 0.1f,
      .maybe_f64 = std::numeric_limits<double>::max(),
      .maybe_amount = Decimal("-0.000001"),
      .maybe_code = std::string(40, 'x'),
      .maybe_body = std::string("NUL-free text"),
      .maybe_day = day(1970, 1, 1),
      .maybe_at = at(1970, 1, 1, 0, 0, 0, 1),
      .maybe_token = ormc::Uuid::parse("ffffffff-ffff-ffff-ffff-ffffffffffff"),
      .maybe_data = bytes({0, 0, 0}),
  });
  auto loaded = round_trip(sample);
  ASSERT_NE(loaded, nullptr);
  expect_same(*sample, *loaded);
  EXPECT_EQ(loaded->data().size(), 258u);
  EXPECT_EQ(loaded->maybe_data()->size(), 3u) << "a BLOB of NULs is not cut at the first one";
}

// SQLite's NUMERIC affinity would store 16 or more significant digits as a REAL rounded to 15 (or
// as INTEGER when whole and within 64 bits): the value is refused, the flush rolls back, nothing is
// written. PostgreSQL's numeric keeps every digit.
TEST_F(SessionTypesTest, SqliteRefusesDecimalsItWouldRound) {
  const Decimal exact("1234567890.1234567");  // 17 significant digits
  auto sample = Sample::create({.amount = exact, .day = day(2000, 1, 1), .at = at(2000, 1, 1, 0, 0, 0, 0)});
  if (!on_sqlite()) {
    auto loaded = round_trip(sample);
    ASSERT_NE(loaded, nullptr);
    EXPECT_EQ(loaded->amount().str(), "1234567890.123457") << "numeric(20, 6) rounds to its scale, as PostgreSQL does";
    return;
  }
  ormc::Session session(*db_);
  session.add(sample);
  try {
    session.commit();
    FAIL() << "a decimal SQLite would round was stored";
  } catch (const ormc::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("15 significant digits"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ormc::state_of(*sample), ormc::ObjectState::Pending) << "nothing was half-written";
  session.rollback();
  ormc::Session reader(*db_);
  EXPECT_EQ(reader.scalar(ormc::select(ormc::count()).select_from<Sample>()), 0);
  // Whole numbers within 64 bits are stored as INTEGER, exactly, whatever their length.
  auto whole = Sample::create(
      {.amount = Decimal("123456789012345678"), .day = day(2000, 1, 1), .at = at(2000, 1, 1, 0, 0, 0, 0)});
  auto loaded = round_trip(whole);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->amount().str(), "123456789012345678.000000");
}

TEST_F(SessionTypesTest, SmallestValuesAndNullsAsOptional) {
  auto sample = Sample::create({
      .i16 = std::numeric_limits<std::int16_t>::min(),
      .i32 = std::numeric_limits<std::int32_t>::max(),
      .i64 = std::numeric_limits<std::int64_t>::min(),
      .flag = false,
      .f32 = -std::numeric_limits<float>::denorm_min(),
      .f64 = -std::numeric_limits<double>::min(),
      .amount = Decimal(on_sqlite() ? "-123456789.000010" : "-12345678901234.000010"),
      .code = "",
      .body = "",
      .day = day(1, 1, 1),
      .at = at(1969, 12, 31, 23, 59, 59, 999999),
      .token = ormc::Uuid{},
      .data = Bytes{},
  });
  auto loaded = round_trip(sample);
  ASSERT_NE(loaded, nullptr);
  expect_same(*sample, *loaded);
  EXPECT_FALSE(loaded->maybe_i64().has_value());
  EXPECT_FALSE(loaded->maybe_data().has_value());
  EXPECT_TRUE(loaded->data().empty()) << "an empty BLOB is not NULL";
}

TEST_F(SessionTypesTest, EmptyOptionalValuesAreNotNull) {
  auto sample = Sample::create({
      .amount = Decimal("0.000000"),
      .day = day(2000, 1, 1),
      .at = at(2000, 1, 1, 0, 0, 0, 0),
      .maybe_i32 = 0,
      .maybe_flag = false,
      .maybe_f64 = 0.0,
      .maybe_amount = Decimal("0.000000"),
      .maybe_code = std::string(),
      .maybe_body = std::string(),
      .maybe_token = ormc::Uuid{},
      .maybe_data = Bytes{},
  });
  auto loaded = round_trip(sample);
  ASSERT_NE(loaded, nullptr);
  expect_same(*sample, *loaded);
  EXPECT_EQ(loaded->maybe_code(), std::optional<std::string>("")) << "'' stays '', not NULL";
  EXPECT_EQ(loaded->maybe_data(), std::optional<Bytes>(Bytes{})) << "an empty BLOB stays empty, not NULL";
}

TEST_F(SessionTypesTest, UpdatedValuesRoundTripToo) {
  auto sample = Sample::create({.amount = Decimal("1"), .day = day(2000, 1, 1), .at = at(2000, 1, 1, 0, 0, 0, 0)});
  std::int32_t id = 0;
  {
    ormc::Session session(*db_, {.expire_on_commit = false});
    session.add(sample);
    session.commit();
    id = sample->id();
    sample->set_at(at(2038, 1, 19, 3, 14, 8, 654321));
    sample->set_maybe_at(at(1900, 3, 1, 12, 0, 0, 42));
    sample->set_amount(Decimal("0.5"));
    sample->set_data(bytes({0xff, 0x00, 0x7f, 0x80}));
    sample->set_maybe_f32(-1.5e-38f);
    sample->set_maybe_token(ormc::Uuid::parse("00000000-0000-0000-0000-000000000001"));
    session.commit();
  }
  ormc::Session session(*db_);
  auto loaded = session.get<Sample>(id);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->at(), at(2038, 1, 19, 3, 14, 8, 654321));
  EXPECT_EQ(loaded->maybe_at(), at(1900, 3, 1, 12, 0, 0, 42));
  EXPECT_EQ(loaded->amount().str(), "0.500000") << "read back at the column's scale";
  EXPECT_EQ(loaded->data(), bytes({0xff, 0x00, 0x7f, 0x80}));
  EXPECT_EQ(loaded->maybe_f32(), -1.5e-38f);
  EXPECT_EQ(loaded->maybe_token(), ormc::Uuid::parse("00000000-0000-0000-0000-000000000001"));
}

TEST_F(SessionTypesTest, ValuesCompareInQueriesAsTheyAreStored) {
  const auto when = at(2024, 6, 1, 10, 20, 30, 405060);
  const auto token = ormc::Uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto match = Sample::create({.i64 = 1, .amount = Decimal("2.5"), .day = day(2024, 6, 1), .at = when, .token = token});
  auto other = Sample::create(
      {.i64 = 2, .amount = Decimal("2.4"), .day = day(2024, 6, 2), .at = when + std::chrono::microseconds(1)});
  session.add(match);
  session.add(other);
  session.commit();
  ormc::Session reader(*db_);
  auto found = reader.scalars(ormc::select<Sample>()
                                  .where(Sample::c.at == when)
                                  .where(Sample::c.token == token)
                                  .where(Sample::c.day == day(2024, 6, 1))
                                  .where(Sample::c.amount == Decimal("2.500000")))
                   .all();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->i64(), 1);
}

}  // namespace
