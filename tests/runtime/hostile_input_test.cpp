// Hostile input on both backends: quotes, injections, placeholders, NUL, invalid UTF-8, 1 MB values
// and boundary numbers round-trip byte for byte (or fail with a typed error), and never reach SQL text.
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "fault_support.hpp"
#include "hostile.orm.hpp"
#include "hostile_corpus.hpp"
#include "test_backend.hpp"

namespace {

using hostile::Bounds;
using hostile::Note;
using ormc_test::HostileString;
using ormc_test::to_bytes;

bool is_postgresql() { return ormc_test::backend() == "postgresql"; }

class HostileInputTest : public ormc_test::DatabaseTest<&hostile::metadata> {
 protected:
  static std::shared_ptr<Note> note(const std::string& v) {
    return Note::create({.name = v,
                         .body = v,
                         .data = to_bytes(v),
                         .label = v.size() <= 64 ? std::optional<std::string>(v) : std::nullopt,
                         .maybe_name = v,
                         .maybe_body = v,
                         .maybe_data = to_bytes(v)});
  }
  static void expect_note(const Note& n, const HostileString& h) {
    EXPECT_TRUE(n.name() == h.value) << h.label << ": name";
    EXPECT_TRUE(n.body() == h.value) << h.label << ": body";
    EXPECT_TRUE(n.data() == to_bytes(h.value)) << h.label << ": data";
    if (h.value.size() <= 64) {
      EXPECT_TRUE(n.label() == h.value) << h.label << ": label";
    }
    EXPECT_TRUE(n.maybe_name() == h.value) << h.label << ": maybe_name";
    EXPECT_TRUE(n.maybe_body() == h.value) << h.label << ": maybe_body";
    EXPECT_TRUE(n.maybe_data() == to_bytes(h.value)) << h.label << ": maybe_data";
  }
  /// No statement the test made carries a value in its text: no quote (values are never literals),
  /// backslash, percent, semicolon, comment, non-ASCII byte or NUL, and no long word.
  void expect_values_only_in_parameters() const {
    for (const auto& entry : log_->entries()) {
      const std::string& sql = entry.sql;
      // Long statements are fine (a 1,000-row VALUES list of placeholders); a long word is not.
      std::size_t word = 0;
      for (char c : sql) {
        word = (c == ' ' || c == ',' || c == '(' || c == ')') ? 0 : word + 1;
        ASSERT_LT(word, 200u) << sql.substr(0, 200);
      }
      EXPECT_EQ(sql.find_first_of(std::string("'\\%;\0", 5)), std::string::npos) << sql;
      EXPECT_EQ(sql.find("--"), std::string::npos) << sql;
      EXPECT_TRUE(std::all_of(sql.begin(), sql.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
          << sql;
    }
  }
  /// How many logged parameters equal `v` (as text), counting the elements of the array parameters
  /// of PostgreSQL's multi-row INSERTs (decoded: the literal must read back as exactly `v`).
  std::size_t times_bound(const std::string& v) const {
    std::size_t n = 0;
    for (const auto& entry : log_->entries()) {
      if (entry.sql.find(" FROM unnest(") != std::string::npos) {
        for (const auto& row : ormc_test::inserted_rows(entry))
          for (const auto& cell : row) n += cell == v;
        continue;
      }
      for (const auto& p : entry.params) n += p.holds<std::string>() && p.as<std::string>() == v;
    }
    return n;
  }
};

TEST_F(HostileInputTest, EveryHostileStringRoundTripsThroughEveryStringColumn) {
  const auto corpus = ormc_test::hostile_text_corpus();
  std::vector<std::int32_t> ids;
  {
    ormc::Session session(*db_, {.expire_on_commit = false});
    std::vector<std::shared_ptr<Note>> notes;
    for (const auto& h : corpus) notes.push_back(note(h.value));
    session.add_all(notes);
    session.commit();
    for (const auto& n : notes) ids.push_back(n->id());
  }
  ormc::Session reader(*db_);
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    auto n = reader.get<Note>(ids[i]);
    ASSERT_NE(n, nullptr) << corpus[i].label;
    expect_note(*n, corpus[i]);
  }
  expect_values_only_in_parameters();
  for (const auto& h : corpus) EXPECT_GE(times_bound(h.value), 3u) << h.label << " went in as parameters";
  EXPECT_EQ(ormc_test::count_rows(url_, "note"), static_cast<std::int64_t>(corpus.size())) << "no table was dropped";
}

TEST_F(HostileInputTest, HostileStringsFindTheirRowThroughEqualityInAndLike) {
  const auto corpus = ormc_test::hostile_text_corpus();
  {
    ormc::Session session(*db_);
    for (const auto& h : corpus) session.add(note(h.value));
    session.commit();
  }
  ormc::Session session(*db_);
  log_->clear();
  for (const auto& h : corpus) {
    auto equal = session.scalars(ormc::select<Note>().where(Note::c.name == h.value)).all();
    ASSERT_EQ(equal.size(), 1u) << h.label;
    EXPECT_TRUE(equal[0]->body() == h.value) << h.label;

    auto in = session.scalars(ormc::select<Note>().where(Note::c.body.in_({h.value, std::string("\x01none")}))).all();
    ASSERT_EQ(in.size(), 1u) << h.label;
    EXPECT_TRUE(in[0]->name() == h.value) << h.label;

    // A value used as a LIKE pattern matches itself (its % and _ match themselves among others).
    // PostgreSQL's LIKE treats backslash as its escape character; SQLite caps patterns at 50,000 bytes.
    if ((is_postgresql() && h.value.find('\\') != std::string::npos) || h.value.size() > 50000) continue;
    auto like = session.scalars(ormc::select<Note>().where(Note::c.name.like(h.value))).all();
    EXPECT_TRUE(std::any_of(like.begin(), like.end(), [&](const auto& n) { return n->name() == h.value; }))
        << h.label;
  }
  expect_values_only_in_parameters();
}

TEST_F(HostileInputTest, APostgresqlLikePatternEndingInItsEscapeCharacterIsADataError) {
  if (!is_postgresql()) GTEST_SKIP() << "SQLite's LIKE has no escape character unless ESCAPE is given";
  ormc::Session session(*db_);
  session.add(note("abcd"));  // PostgreSQL complains when matching a row reaches the trailing backslash
  session.commit();
  EXPECT_THROW((void)session.scalars(ormc::select<Note>().where(Note::c.name.like("ab\\"))).all(), ormc::DataError);
  session.rollback();
  EXPECT_EQ(session.scalars(ormc::select<Note>().where(Note::c.name.like("ab\\\\%"))).all().size(), 0u)
      << "an escaped backslash is a literal one";
}

TEST_F(HostileInputTest, BulkInsertStatementsCarryHostileStringsAsParameters) {
  const auto corpus = ormc_test::hostile_text_corpus();
  std::vector<ormc::Insert<Note>::Row> rows;
  for (const auto& h : corpus) {
    rows.push_back({Note::c.name = h.value, Note::c.body = h.value, Note::c.data = to_bytes(h.value),
                    Note::c.maybe_name = h.value});
  }
  ormc::Session session(*db_);
  EXPECT_EQ(session.execute(ormc::insert<Note>().values(rows)), corpus.size());
  session.commit();
  expect_values_only_in_parameters();
  ormc::Session reader(*db_);
  for (const auto& h : corpus) {
    auto n = reader.scalars(ormc::select<Note>().where(Note::c.maybe_name == h.value)).one();
    EXPECT_TRUE(n->name() == h.value && n->body() == h.value && n->data() == to_bytes(h.value)) << h.label;
  }
}

// Typed rows in a batch large enough that PostgreSQL sends it as one COPY (SQLite: multi-row
// INSERTs): COPY's own text format must escape what the corpus throws at it.
TEST_F(HostileInputTest, HostileStringsRoundTripThroughCopy) {
  const auto corpus = ormc_test::hostile_text_corpus();
  std::vector<Note::Fields> rows;
  std::vector<const HostileString*> expected;
  for (int copy = 0; rows.size() <= 1200; ++copy) {
    for (const auto& h : corpus) {
      if (copy > 0 && h.value.size() > 4096) continue;  // the 1 MB value once is enough
      rows.push_back({.name = h.value,
                      .body = h.value,
                      .data = to_bytes(h.value),
                      .label = std::to_string(rows.size()),
                      .maybe_name = h.value,
                      .maybe_body = std::nullopt,
                      .maybe_data = to_bytes(h.value)});
      expected.push_back(&h);
    }
  }
  ormc::Session session(*db_);
  EXPECT_EQ(session.execute(ormc::insert<Note>(), std::move(rows)), expected.size());
  session.commit();
  if (is_postgresql()) {
    EXPECT_EQ(log_->count("COPY note ("), 1u);
    EXPECT_EQ(log_->count("INSERT INTO note"), 0u);
  } else {
    EXPECT_EQ(log_->count("INSERT INTO note"), 2u) << "1,000 rows per statement";
  }
  expect_values_only_in_parameters();
  ormc::Session reader(*db_);
  std::size_t checked = 0;
  for (const auto& n : reader.scalars(ormc::select<Note>()).yield_per(500)) {
    const HostileString& h = *expected.at(std::stoul(n->label().value()));
    EXPECT_TRUE(n->name() == h.value && n->body() == h.value && n->data() == to_bytes(h.value) &&
                n->maybe_name() == h.value && !n->maybe_body() && n->maybe_data() == to_bytes(h.value))
        << h.label;
    ++checked;
  }
  EXPECT_EQ(checked, expected.size());
}

TEST_F(HostileInputTest, HostileStringsSurviveUpdates) {
  const auto corpus = ormc_test::hostile_text_corpus();
  std::vector<std::shared_ptr<Note>> notes;
  ormc::Session session(*db_, {.expire_on_commit = false});
  for (std::size_t i = 0; i < corpus.size(); ++i) notes.push_back(note("plain " + std::to_string(i)));
  session.add_all(notes);
  session.commit();
  // Every note gets its hostile value in a batched UPDATE ... FROM (VALUES ...).
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    notes[i]->set_name(corpus[i].value);
    notes[i]->set_body(corpus[i].value);
    notes[i]->set_data(to_bytes(corpus[i].value));
  }
  log_->clear();
  session.commit();
  EXPECT_EQ(log_->count("UPDATE note "), 1u);
  expect_values_only_in_parameters();
  ormc::Session reader(*db_);
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    auto n = reader.get<Note>(notes[i]->id());
    EXPECT_TRUE(n->name() == corpus[i].value && n->body() == corpus[i].value) << corpus[i].label;
    EXPECT_TRUE(n->data() == to_bytes(corpus[i].value)) << corpus[i].label;
  }
}

TEST_F(HostileInputTest, NulAndInvalidUtf8AreStoredBySqliteAndRefusedByPostgresqlText) {
  for (const auto& h : ormc_test::hostile_non_text_corpus()) {
    ormc::Session session(*db_, {.expire_on_commit = false});
    // As bytes, every value is storable on both databases.
    auto as_bytes = Note::create({.name = "bytes", .body = "bytes", .data = to_bytes(h.value)});
    session.add(as_bytes);
    session.commit();
    EXPECT_TRUE(ormc::Session(*db_).get<Note>(as_bytes->id())->data() == to_bytes(h.value)) << h.label;

    auto as_text = note(h.value);
    session.add(as_text);
    if (is_postgresql()) {
      // Never stored truncated or altered: the flush fails, typed, and writes nothing.
      try {
        session.commit();
        ADD_FAILURE() << h.label << ": PostgreSQL accepted it";
      } catch (const ormc::DataError& e) {
        const std::string what = e.what();
        EXPECT_TRUE(what.find("NUL") != std::string::npos || what.find("UTF8") != std::string::npos)
            << h.label << ": " << what;
      }
      EXPECT_EQ(ormc::state_of(*as_text), ormc::ObjectState::Pending);
      session.rollback();
      // Comparing with such a value is refused the same way.
      EXPECT_THROW((void)session.scalars(ormc::select<Note>().where(Note::c.name == h.value)).all(), ormc::DataError)
          << h.label;
      session.rollback();
    } else {
      session.commit();
      ormc::Session reader(*db_);
      expect_note(*reader.get<Note>(as_text->id()), h);
      EXPECT_EQ(reader.scalars(ormc::select<Note>().where(Note::c.name == h.value)).all().size(), 1u) << h.label;
    }
  }
  EXPECT_EQ(ormc_test::count_rows(url_, "note"),
            static_cast<std::int64_t>(ormc_test::hostile_non_text_corpus().size() * (is_postgresql() ? 1 : 2)));
}

TEST_F(HostileInputTest, AValueLongerThanStringNIsNeverTruncated) {
  const std::string long_label(65, 'L');  // label is String(64): varchar(64) on PostgreSQL
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto n = Note::create({.name = "n", .body = "b", .data = {}, .label = long_label});
  session.add(n);
  if (is_postgresql()) {
    EXPECT_THROW(session.commit(), ormc::DataError) << "value too long for type character varying(64)";
    session.rollback();
    EXPECT_EQ(ormc_test::count_rows(url_, "note"), 0);
  } else {
    session.commit();  // SQLite's TEXT has no length limit: the whole value is kept
    EXPECT_TRUE(ormc::Session(*db_).get<Note>(n->id())->label() == long_label);
  }
}

// Objects changing the same columns share one UPDATE ... FROM (VALUES ($1::type, ...)). A cast to
// varchar(64) would cut the value silently (an explicit cast truncates, PostgreSQL and the SQL
// standard agree); the cast is to the bare type, so the column itself refuses the value.
TEST_F(HostileInputTest, AValueLongerThanStringNIsNeverTruncatedByABatchedUpdate) {
  const std::string long_label(65, 'L');
  std::vector<std::int32_t> ids;
  {
    ormc::Session session(*db_, {.expire_on_commit = false});
    for (const char* name : {"a", "b", "c"}) {
      auto n = Note::create({.name = name, .body = "b", .data = {}, .label = "short"});
      session.add(n);
      session.flush();
      ids.push_back(n->id());
    }
    session.commit();
  }
  ormc::Session session(*db_, {.expire_on_commit = false});
  std::vector<std::shared_ptr<Note>> notes;
  for (std::int32_t id : ids) notes.push_back(session.get<Note>(id));  // before any change: get() autoflushes
  for (auto& n : notes) n->set_label(long_label);
  log_->clear();
  if (is_postgresql()) {
    EXPECT_THROW(session.commit(), ormc::DataError) << "value too long for type character varying(64)";
    ASSERT_GE(log_->entries().size(), 1u);
    EXPECT_NE(log_->entries()[0].sql.find("::varchar)"), std::string::npos) << log_->entries()[0].sql;
    session.rollback();
    ormc::Session reader(*db_);
    for (std::int32_t id : ids) EXPECT_EQ(reader.get<Note>(id)->label(), "short") << "nothing written, nothing cut";
  } else {
    session.commit();
    ormc::Session reader(*db_);
    for (std::int32_t id : ids) EXPECT_EQ(reader.get<Note>(id)->label(), long_label);
  }
}

// Several rows go to PostgreSQL as one array literal per column. A value no text form can carry
// (NUL inside a string) fails the flush before anything is sent, naming its row and column.
TEST_F(HostileInputTest, ANulInOneRowOfAMultiRowInsertFailsTheFlushBeforeAnythingIsSent) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  session.add_all(std::vector<std::shared_ptr<Note>>{note("fine"), note(std::string("nul\0inside", 10)), note("also fine")});
  log_->clear();
  if (is_postgresql()) {
    try {
      session.commit();
      FAIL() << "expected DataError";
    } catch (const ormc::DataError& e) {
      EXPECT_NE(std::string(e.what()).find("row 2, column 1: PostgreSQL text cannot hold NUL"), std::string::npos)
          << e.what();
    }
    EXPECT_EQ(log_->count("INSERT"), 0u) << "refused before the statement was sent";
    session.rollback();
    EXPECT_EQ(ormc_test::count_rows(url_, "note"), 0);
  } else {
    session.commit();  // SQLite binds text with its length: the NUL is kept
    EXPECT_EQ(ormc_test::count_rows(url_, "note"), 3);
  }
}

TEST_F(HostileInputTest, LargeBinaryRoundTripsEveryByteValue) {
  const auto values = ormc_test::hostile_bytes();
  std::vector<std::int32_t> ids;
  {
    ormc::Session session(*db_, {.expire_on_commit = false});
    for (const auto& b : values) {
      auto n = Note::create({.name = "b", .body = "b", .data = b, .maybe_data = b});
      session.add(n);
      session.flush();
      ids.push_back(n->id());
    }
    session.commit();
  }
  ormc::Session reader(*db_);
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto n = reader.get<Note>(ids[i]);
    EXPECT_TRUE(n->data() == values[i]) << "value " << i << " (" << values[i].size() << " bytes)";
    EXPECT_TRUE(n->maybe_data() == values[i]) << "value " << i;
  }
  // Found again by equality on the blob itself.
  EXPECT_EQ(reader.scalars(ormc::select<Note>().where(Note::c.data == values[1])).all().size(), 1u);
}

TEST_F(HostileInputTest, BoundaryValuesOfEveryOtherTypeRoundTrip) {
  using std::numeric_limits;
  using namespace std::chrono;
  // SQLite's NUMERIC affinity keeps 15 significant digits (it converts to REAL): its boundary is
  // narrower than numeric(38, 10)'s. Reported, not hidden: see the hostile-input note in README.
  const std::string big_amount =
      is_postgresql() ? "9999999999999999999999999999.9999999999" : "99999.9999999999";
  const std::vector<std::shared_ptr<Bounds>> rows = {
      Bounds::create({.i16 = numeric_limits<std::int16_t>::min(),
                      .i32 = numeric_limits<std::int32_t>::min(),
                      .i64 = numeric_limits<std::int64_t>::min(),
                      .flag = false,
                      .f32 = -FLT_MAX,
                      .f64 = -DBL_MAX,
                      .amount = ormc::Decimal("-" + big_amount),
                      .day = year{1} / January / 1,
                      .at = sys_days{year{1} / January / 1},
                      .token = ormc::Uuid::parse("00000000-0000-0000-0000-000000000000")}),
      Bounds::create({.i16 = numeric_limits<std::int16_t>::max(),
                      .i32 = numeric_limits<std::int32_t>::max(),
                      .i64 = numeric_limits<std::int64_t>::max(),
                      .flag = true,
                      .f32 = FLT_MAX,
                      .f64 = DBL_MAX,
                      .amount = ormc::Decimal(big_amount),
                      .day = year{9999} / December / 31,
                      .at = sys_days{year{9999} / December / 31} + hours{23} + minutes{59} + seconds{59} +
                            microseconds{999999},
                      .token = ormc::Uuid::parse("ffffffff-ffff-ffff-ffff-ffffffffffff")}),
      Bounds::create({.i16 = 0,
                      .i32 = -1,
                      .i64 = 1,
                      .flag = true,
                      .f32 = FLT_MIN,
                      .f64 = DBL_MIN,
                      .amount = ormc::Decimal("0.0000000001"),
                      .day = year{2000} / February / 29,
                      .at = sys_days{year{1970} / January / 1} - microseconds{1},
                      .token = ormc::Uuid::parse("12345678-9abc-def0-1234-56789abcdef0")}),
  };
  {
    ormc::Session session(*db_, {.expire_on_commit = false});
    session.add_all(rows);
    session.commit();
  }
  ormc::Session reader(*db_);
  for (const auto& want : rows) {
    auto got = reader.get<Bounds>(want->id());
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->i16(), want->i16());
    EXPECT_EQ(got->i32(), want->i32());
    EXPECT_EQ(got->i64(), want->i64());
    EXPECT_EQ(got->flag(), want->flag());
    EXPECT_EQ(got->f32(), want->f32());
    EXPECT_EQ(got->f64(), want->f64());
    EXPECT_EQ(got->amount().str(), want->amount().str());
    EXPECT_EQ(got->day(), want->day());
    EXPECT_EQ(got->at(), want->at());
    EXPECT_EQ(got->token().str(), want->token().str());
    // ... and each is found again by equality on the bound value.
    EXPECT_EQ(reader.scalars(ormc::select<Bounds>().where(Bounds::c.i64 == want->i64())).all().size(), 1u);
    EXPECT_EQ(reader.scalars(ormc::select<Bounds>().where(Bounds::c.at == want->at())).all().size(), 1u);
  }
}

TEST_F(HostileInputTest, InfinitiesRoundTripAndNanIsNeverStoredAsSomethingElse) {
  using namespace std::chrono;
  const auto make = [](float f32, double f64) {
    return Bounds::create({.i16 = 0,
                           .i32 = 0,
                           .i64 = 0,
                           .flag = false,
                           .f32 = f32,
                           .f64 = f64,
                           .amount = ormc::Decimal("0"),
                           .day = year{2000} / January / 1,
                           .at = sys_days{year{2000} / January / 1},
                           .token = ormc::Uuid::parse("00000000-0000-0000-0000-000000000001")});
  };
  constexpr double inf = std::numeric_limits<double>::infinity();
  constexpr float inf32 = std::numeric_limits<float>::infinity();
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto positive = make(inf32, inf);
  auto negative = make(-inf32, -inf);
  session.add_all(std::vector<std::shared_ptr<Bounds>>{positive, negative});
  session.commit();
  {
    ormc::Session reader(*db_);
    EXPECT_EQ(reader.get<Bounds>(positive->id())->f64(), inf);
    EXPECT_EQ(reader.get<Bounds>(positive->id())->f32(), inf32);
    EXPECT_EQ(reader.get<Bounds>(negative->id())->f64(), -inf);
    EXPECT_EQ(reader.get<Bounds>(negative->id())->f32(), -inf32);
  }
  auto nan = make(std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN());
  session.add(nan);
  if (is_postgresql()) {
    session.commit();
    ormc::Session reader(*db_);
    EXPECT_TRUE(std::isnan(reader.get<Bounds>(nan->id())->f64()));
    EXPECT_TRUE(std::isnan(reader.get<Bounds>(nan->id())->f32()));
  } else {
    try {
      session.commit();
      ADD_FAILURE() << "SQLite would have stored NULL for NaN";
    } catch (const ormc::DataError& e) {
      EXPECT_NE(std::string(e.what()).find("NaN"), std::string::npos) << e.what();
    }
    session.rollback();
    EXPECT_EQ(ormc_test::count_rows(url_, "bounds"), 2);
  }
}

}  // namespace
