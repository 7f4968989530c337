// Database tests shared by the SQLite and PostgreSQL test binaries; each instantiates them with its URLs.
//
// Include from exactly one .cpp per test binary (it defines TEST_P cases).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine.hpp"
#include "ormc/database.hpp"
#include "ormc/errors.hpp"
#include "ormc/metadata.hpp"
#include "ormc/value.hpp"

namespace ormc_test {

using namespace std::chrono;
using ormc::ColumnInfo;
using ormc::Decimal;
using ormc::ForeignKeyAction;
using ormc::ForeignKeyInfo;
using ormc::ServerDefault;
using ormc::TableInfo;
using ormc::Type;
using ormc::Value;
using Row = std::vector<Value>;

/// One database the shared cases run against.
struct Target {
  const char* name;
  std::string (*url)();  ///< empty: not configured here, the test is skipped
  bool in_memory = false;
};

inline std::string target_name(const ::testing::TestParamInfo<Target>& info) { return info.param.name; }
/// How gtest prints a Target in failure messages.
inline void PrintTo(const Target& target, std::ostream* os) { *os << target.name; }

// Aggregates spelled positionally (see dialect_test.cpp).
constexpr TableInfo table(std::string_view name, std::span<const ColumnInfo> columns) {
  return TableInfo{name, columns, {}, {}};
}
constexpr ServerDefault now_default() { return ServerDefault{ServerDefault::Kind::Now, {}}; }

// ---- the tables the cases use (hand-written as generated code would be) --------------------------

inline constexpr ColumnInfo kTypesColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Integer, .primary_key = true, .autoincrement = true},
    {.attribute = "c_small", .name = "c_small", .type = Type::SmallInteger, .nullable = true},
    {.attribute = "c_int", .name = "c_int", .type = Type::Integer, .nullable = true},
    {.attribute = "c_big", .name = "c_big", .type = Type::BigInteger, .nullable = true},
    {.attribute = "c_bool", .name = "c_bool", .type = Type::Boolean, .nullable = true},
    {.attribute = "c_float", .name = "c_float", .type = Type::Float, .nullable = true},
    {.attribute = "c_double", .name = "c_double", .type = Type::Double, .nullable = true},
    {.attribute = "c_numeric",
     .name = "c_numeric",
     .type = Type::Numeric,
     .precision = 15,
     .scale = 6,
     .nullable = true},
    {.attribute = "c_string", .name = "c_string", .type = Type::String, .length = 200, .nullable = true},
    {.attribute = "c_text", .name = "c_text", .type = Type::Text, .nullable = true},
    {.attribute = "c_date", .name = "c_date", .type = Type::Date, .nullable = true},
    {.attribute = "c_datetime", .name = "c_datetime", .type = Type::DateTime, .nullable = true},
    {.attribute = "c_uuid", .name = "c_uuid", .type = Type::Uuid, .nullable = true},
    {.attribute = "c_binary", .name = "c_binary", .type = Type::LargeBinary, .nullable = true},
};
inline constexpr TableInfo kTypes = table("ormc_ct_types", kTypesColumns);

inline constexpr ColumnInfo kParentColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Integer, .primary_key = true, .autoincrement = true},
    {.attribute = "code", .name = "code", .type = Type::String, .length = 20, .unique = true},
    {.attribute = "created", .name = "created", .type = Type::DateTime, .server_default = now_default()},
};
inline constexpr TableInfo kParent = table("ormc_ct_parent", kParentColumns);

inline constexpr ForeignKeyInfo kChildParentFk{
    .table = "ormc_ct_parent", .column = "id", .ondelete = ForeignKeyAction::Cascade};
inline constexpr ColumnInfo kChildColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Integer, .primary_key = true, .autoincrement = true},
    {.attribute = "parent_id", .name = "parent_id", .type = Type::Integer, .foreign_key = &kChildParentFk},
    {.attribute = "amount", .name = "amount", .type = Type::Numeric, .precision = 10, .scale = 2},
};
inline constexpr TableInfo kChild = table("ormc_ct_child", kChildColumns);

inline constexpr ForeignKeyInfo kNodeParentFk{
    .table = "ormc_ct_node", .column = "id", .ondelete = ForeignKeyAction::Cascade};
inline constexpr ColumnInfo kNodeColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::BigInteger, .primary_key = true, .autoincrement = true},
    {.attribute = "parent_id",
     .name = "parent_id",
     .type = Type::BigInteger,
     .nullable = true,
     .foreign_key = &kNodeParentFk},
};
inline constexpr TableInfo kNode = table("ormc_ct_node", kNodeColumns);

// Two tables referring to each other.
inline constexpr ForeignKeyInfo kToB{.table = "ormc_ct_b", .column = "id", .ondelete = ForeignKeyAction::SetNull};
inline constexpr ForeignKeyInfo kToA{.table = "ormc_ct_a", .column = "id", .ondelete = ForeignKeyAction::SetNull};
inline constexpr ColumnInfo kAColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Integer, .primary_key = true, .autoincrement = true},
    {.attribute = "b_id", .name = "b_id", .type = Type::Integer, .nullable = true, .foreign_key = &kToB},
};
inline constexpr ColumnInfo kBColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Integer, .primary_key = true, .autoincrement = true},
    {.attribute = "a_id", .name = "a_id", .type = Type::Integer, .nullable = true, .foreign_key = &kToA},
};
inline constexpr TableInfo kA = table("ormc_ct_a", kAColumns);
inline constexpr TableInfo kB = table("ormc_ct_b", kBColumns);

// Children listed before parents on purpose: create_all must order them.
inline constexpr const TableInfo* kTables[] = {&kChild, &kTypes, &kParent, &kNode, &kA, &kB};
inline const ormc::MetaData kMetaData{kTables, {}};

/// Fixture: a fresh Database per test with the tables above created (and dropped afterwards).
class ConnectionCases : public ::testing::TestWithParam<Target> {
 protected:
  void SetUp() override {
    url_ = GetParam().url();
    if (url_.empty()) {
      // Skipped on a developer machine; under CI (CI set) PostgreSQL tests must run.
      if (std::getenv("CI") != nullptr) FAIL() << "ORMC_TEST_POSTGRESQL_URL is not set";
      GTEST_SKIP() << "ORMC_TEST_POSTGRESQL_URL is not set";
    }
    db_.emplace(ormc::connect(url_));
    kMetaData.drop_all(*db_);  // a run that crashed may have left tables behind
    kMetaData.create_all(*db_);
  }

  void TearDown() override {
    if (!db_) return;
    db_->clear_statement_listeners();  // they capture the test body's locals, gone by now
    db_->set_echo(false);
    kMetaData.drop_all(*db_);
    db_.reset();
  }

  ormc::Database& db() { return *db_; }
  ormc::detail::Engine& engine() { return db_->engine(); }
  [[nodiscard]] bool pg() const { return db_->dialect() == ormc::DialectKind::PostgreSQL; }
  [[nodiscard]] const std::string& url() const { return url_; }

  /// `text` with SQLite's `?N` placeholders turned into `$N` on PostgreSQL.
  [[nodiscard]] std::string sql(std::string_view text) const {
    std::string out(text);
    if (!pg()) return out;
    for (std::size_t i = 0; i + 1 < out.size(); ++i) {
      if (out[i] == '?' && out[i + 1] >= '0' && out[i + 1] <= '9') out[i] = '$';
    }
    return out;
  }

  /// Runs a statement through the engine and returns its affected-row count.
  std::uint64_t exec(ormc::detail::Connection& c, std::string_view text, const std::vector<Value>& params = {}) {
    return engine().execute(c, sql(text), params)->affected_rows();
  }

  /// Runs a query and reads every row, column i as types[i].
  std::vector<Row> fetch(ormc::detail::Connection& c, std::string_view text, const std::vector<Value>& params,
                         const std::vector<Type>& types) {
    auto rows = engine().execute(c, sql(text), params);
    std::vector<Row> out;
    while (rows->next()) {
      EXPECT_EQ(rows->column_count(), types.size());
      Row& r = out.emplace_back();
      for (std::size_t i = 0; i < types.size(); ++i) r.push_back(rows->get(i, types[i]));
    }
    return out;
  }

  std::int64_t count(ormc::detail::Connection& c, std::string_view text, const std::vector<Value>& params = {}) {
    const auto rows = fetch(c, text, params, {Type::BigInteger});
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? -1 : rows[0][0].as<std::int64_t>();
  }

  /// How many of this suite's tables exist right now.
  std::int64_t test_tables(ormc::detail::Connection& c) {
    return count(c, pg() ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                           "AND table_name LIKE 'ormc_ct_%'"
                         : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'ormc_ct_%'");
  }

 private:
  std::string url_;
  std::optional<ormc::Database> db_;
};

inline ormc::Bytes every_byte_twice() {
  ormc::Bytes b;
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < 256; ++i) b.push_back(static_cast<std::byte>(i));
  return b;
}

inline std::string megabyte_string() {
  std::string s;
  s.reserve(1 << 20);
  const std::string_view pieces[] = {"plain ascii ", "ünïcödé ", "日本語 ",   "'quote' ", "\"dq\" ",
                                     "back\\slash ", "tab\t",    "newline\n", "emoji 🎉 "};
  for (std::size_t i = 0; s.size() < (1u << 20); ++i) s += pieces[i % std::size(pieces)];
  return s;
}

inline constexpr std::string_view kInsertTypes =
    "INSERT INTO ormc_ct_types (c_small, c_int, c_big, c_bool, c_float, c_double, c_numeric, c_string, c_text, "
    "c_date, c_datetime, c_uuid, c_binary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
inline constexpr std::string_view kSelectTypes =
    "SELECT c_small, c_int, c_big, c_bool, c_float, c_double, c_numeric, c_string, c_text, c_date, c_datetime, "
    "c_uuid, c_binary FROM ormc_ct_types ORDER BY id";
inline const std::vector<Type> kTypeList = {
    Type::SmallInteger, Type::Integer, Type::BigInteger, Type::Boolean,  Type::Float, Type::Double,     Type::Numeric,
    Type::String,       Type::Text,    Type::Date,       Type::DateTime, Type::Uuid,  Type::LargeBinary};

TEST_P(ConnectionCases, RoundTripsEveryType) {
  const std::vector<Row> rows = {
      {Value(-32768), Value(std::int64_t{-2147483648LL}), Value(std::int64_t{9223372036854775807LL}), Value(true),
       Value(1.5), Value(0.1), Value(Decimal("-123456789.123456")),
       Value("héllo wörld ✓ 日本語 'single' \"double\" back\\slash \\x00 %s ?1 $1"), Value(megabyte_string()),
       Value(ormc::Date{year{2024}, February, day{29}}),
       Value(ormc::Timestamp(sys_days(year{1969} / 12 / 31) + hours(23) + minutes(59) + seconds(59) +
                             microseconds(999999))),
       Value(ormc::Uuid::parse("123e4567-e89b-12d3-a456-426614174000")), Value(every_byte_twice())},
      {Value(32767), Value(std::int64_t{2147483647}), Value(std::int64_t{-9223372036854775807LL - 1}), Value(false),
       Value(-0.25), Value(1e300), Value(Decimal("0.000001")), Value(""), Value(std::string(1, '\'')),
       Value(ormc::Date{year{1}, January, day{1}}),
       Value(ormc::Timestamp(sys_days(year{9999} / 12 / 31) + hours(23) + minutes(59) + seconds(59) + microseconds(1))),
       Value(ormc::Uuid::parse("ffffffff-ffff-ffff-ffff-ffffffffffff")), Value(ormc::Bytes{})},
      Row(kTypeList.size()),  // all NULL
  };
  auto c = engine().acquire();
  for (const Row& r : rows) EXPECT_EQ(exec(*c, kInsertTypes, r), 1u);
  const std::vector<Row> got = fetch(*c, kSelectTypes, {}, kTypeList);
  ASSERT_EQ(got.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < kTypeList.size(); ++j) {
      Value v = got[i][j];
      // Numeric comes back canonical; the session re-quantises it to the column's scale.
      if (v.holds<Decimal>()) v = Value(v.as<Decimal>().with_scale(6));
      const Value& want = rows[i][j];
      if (want.holds<Decimal>()) {
        ASSERT_TRUE(v.holds<Decimal>());
        EXPECT_EQ(v.as<Decimal>().str(), want.as<Decimal>().with_scale(6).str()) << "row " << i;
      } else {
        EXPECT_TRUE(v == want) << "row " << i << " column " << j << ": got " << v.debug_string().substr(0, 200)
                               << ", want " << want.debug_string().substr(0, 200);
      }
    }
  }
}

TEST_P(ConnectionCases, DecimalsCompareNumericallyInSql) {
  auto c = engine().acquire();
  exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES ('p')");
  const std::int64_t parent = count(*c, "SELECT id FROM ormc_ct_parent");
  for (const char* amount : {"9.50", "10.25", "-3.00", "-501.25"})
    exec(*c, "INSERT INTO ormc_ct_child (parent_id, amount) VALUES (?1, ?2)", {Value(parent), Value(Decimal(amount))});
  const auto above = fetch(*c, "SELECT amount FROM ormc_ct_child WHERE amount > ?1 ORDER BY amount",
                           {Value(Decimal("9.6"))}, {Type::Numeric});
  ASSERT_EQ(above.size(), 1u);
  EXPECT_EQ(above[0][0].as<Decimal>().with_scale(2).str(), "10.25");
  EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_child WHERE amount < ?1", {Value(Decimal("0"))}), 2);
  EXPECT_EQ(exec(*c, "UPDATE ormc_ct_child SET amount = amount + ?1 WHERE amount = ?2",
                 {Value(Decimal("200")), Value(Decimal("-501.25"))}),
            1u);
  EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_child WHERE amount = ?1", {Value(Decimal("-301.25"))}), 1);
}

TEST_P(ConnectionCases, ServerDefaultNowIsCurrentUtcTime) {
  auto c = engine().acquire();
  const auto before = floor<seconds>(system_clock::now());
  exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES ('now')");
  const auto after = system_clock::now() + seconds(1);
  const auto rows = fetch(*c, "SELECT created FROM ormc_ct_parent", {}, {Type::DateTime});
  ASSERT_EQ(rows.size(), 1u);
  const ormc::Timestamp created = rows[0][0].as<ormc::Timestamp>();
  EXPECT_GE(created, before);
  EXPECT_LE(created, after);
}

TEST_P(ConnectionCases, PreparedStatementsAreReusedWithFreshParameters) {
  auto c = engine().acquire();
  for (const char* code : {"a", "b", "c"}) exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES (?1)", {Value(code)});
  const std::string select = "SELECT code FROM ormc_ct_parent WHERE code >= ?1 ORDER BY code";
  {
    // Read one row only, then drop the result: the statement must be reset before its next use.
    auto rows = engine().execute(*c, sql(select), std::vector<Value>{Value("a")});
    ASSERT_TRUE(rows->next());
    EXPECT_EQ(rows->get(0, Type::String), Value("a"));
  }
  EXPECT_EQ(fetch(*c, select, {Value("b")}, {Type::String}), (std::vector<Row>{{Value("b")}, {Value("c")}}));
  EXPECT_EQ(fetch(*c, select, {Value("c")}, {Type::String}), (std::vector<Row>{{Value("c")}}));
  // A NULL after a non-NULL in the same cached statement is a real NULL.
  EXPECT_EQ(fetch(*c, select, {Value()}, {Type::String}), (std::vector<Row>{}));
}

TEST_P(ConnectionCases, UniqueViolationIsIntegrityError) {
  auto c = engine().acquire();
  exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES ('dup')");
  const std::string insert = sql("INSERT INTO ormc_ct_parent (code) VALUES (?1)");
  try {
    engine().execute(*c, insert, std::vector<Value>{Value("dup")});
    FAIL() << "no IntegrityError";
  } catch (const ormc::IntegrityError& e) {
    EXPECT_EQ(e.sql(), insert);
    EXPECT_FALSE(e.db_message().empty());
    EXPECT_NE(std::string(e.what()).find(insert), std::string::npos) << e.what();
    if (pg())
      EXPECT_EQ(e.constraint(), "ormc_ct_parent_code_key");
    else
      EXPECT_NE(e.db_message().find("UNIQUE constraint failed: ormc_ct_parent.code"), std::string::npos);
  }
}

TEST_P(ConnectionCases, ForeignKeyViolationIsIntegrityError) {
  auto c = engine().acquire();
  try {
    exec(*c, "INSERT INTO ormc_ct_child (parent_id, amount) VALUES (?1, ?2)", {Value(12345), Value(Decimal("1"))});
    FAIL() << "foreign key not enforced";
  } catch (const ormc::IntegrityError& e) {
    if (pg())
      EXPECT_EQ(e.constraint(), "ormc_ct_child_parent_id_fkey");
    else
      EXPECT_NE(e.db_message().find("FOREIGN KEY constraint failed"), std::string::npos) << e.db_message();
  }
  EXPECT_THROW(exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES (NULL)"), ormc::IntegrityError);
}

TEST_P(ConnectionCases, OnDeleteCascadeRemovesChildren) {
  auto c = engine().acquire();
  exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES ('p')");
  const std::int64_t parent = count(*c, "SELECT id FROM ormc_ct_parent");
  for (int i = 0; i < 3; ++i)
    exec(*c, "INSERT INTO ormc_ct_child (parent_id, amount) VALUES (?1, ?2)", {Value(parent), Value(Decimal("1.5"))});
  EXPECT_EQ(exec(*c, "DELETE FROM ormc_ct_parent WHERE id = ?1", {Value(parent)}), 1u);
  EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_child"), 0);
}

TEST_P(ConnectionCases, AffectedRowsAreValidRightAway) {
  auto c = engine().acquire();
  for (const char* code : {"a", "b", "c"}) exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES (?1)", {Value(code)});
  EXPECT_EQ(exec(*c, "UPDATE ormc_ct_parent SET code = code || 'x'"), 3u);
  EXPECT_EQ(exec(*c, "DELETE FROM ormc_ct_parent WHERE code = 'nothing'"), 0u);
  auto rows = engine().execute(*c, sql("INSERT INTO ormc_ct_parent (code) VALUES (?1), (?2) RETURNING id"),
                               std::vector<Value>{Value("d"), Value("e")});
  EXPECT_EQ(rows->affected_rows(), 2u);  // before the caller has read the RETURNING rows
  std::vector<std::int64_t> ids;
  while (rows->next()) ids.push_back(rows->get(0, Type::Integer).as<std::int64_t>());
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_EQ(rows->affected_rows(), 2u);
  rows.reset();
  EXPECT_EQ(exec(*c, "CREATE TABLE ormc_ct_scratch (x INTEGER)"), 0u);  // DDL changes no rows
  exec(*c, "DROP TABLE ormc_ct_scratch");
}

TEST_P(ConnectionCases, TransactionsAndSavepoints) {
  auto c = engine().acquire();
  EXPECT_FALSE(c->in_transaction());
  c->begin();
  EXPECT_TRUE(c->in_transaction());
  EXPECT_THROW(c->begin(), ormc::InvalidRequestError);
  exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES ('kept')");
  c->savepoint("sp_1");
  exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES ('undone')");
  c->rollback_to_savepoint("sp_1");
  c->release_savepoint("sp_1");
  c->commit();
  EXPECT_FALSE(c->in_transaction());
  EXPECT_EQ(fetch(*c, "SELECT code FROM ormc_ct_parent", {}, {Type::String}), (std::vector<Row>{{Value("kept")}}));

  c->begin();
  exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES ('rolled back')");
  c->rollback();
  EXPECT_FALSE(c->in_transaction());
  EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_parent"), 1);
  EXPECT_THROW(c->commit(), ormc::InvalidRequestError);
  EXPECT_THROW(c->savepoint("bad name"), ormc::InvalidRequestError);
}

TEST_P(ConnectionCases, FailedStatementInTransactionRecoversAfterRollback) {
  auto c = engine().acquire();
  const std::string insert = "INSERT INTO ormc_ct_parent (code) VALUES (?1)";
  c->begin();
  exec(*c, insert, {Value("x")});
  c->savepoint("before_dup");
  EXPECT_THROW(exec(*c, insert, {Value("x")}), ormc::IntegrityError);
  c->rollback_to_savepoint("before_dup");  // the transaction goes on
  exec(*c, insert, {Value("y")});
  c->commit();
  EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_parent"), 2);

  c->begin();
  EXPECT_THROW(exec(*c, insert, {Value("x")}), ormc::IntegrityError);
  c->rollback();
  exec(*c, insert, {Value("z")});  // the same prepared statement, now outside the failed transaction
  EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_parent"), 3);
}

TEST_P(ConnectionCases, ReturnedConnectionIsRolledBack) {
  {
    auto c = engine().acquire();
    c->begin();
    exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES ('abandoned')");
  }
  auto c = engine().acquire();
  EXPECT_FALSE(c->in_transaction());
  EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_parent"), 0);
}

TEST_P(ConnectionCases, ErrorsCarrySqlAndDatabaseMessage) {
  auto c = engine().acquire();
  try {
    exec(*c, "SELEC 1");
    FAIL() << "no error";
  } catch (const ormc::IntegrityError&) {
    FAIL() << "a syntax error is not an IntegrityError";
  } catch (const ormc::DatabaseError& e) {
    EXPECT_EQ(e.sql(), "SELEC 1");
    EXPECT_NE(e.db_message().find("syntax error"), std::string::npos) << e.db_message();
  }
  // Text that is no integer can't be read as one.
  auto rows = engine().execute(*c, "SELECT 'abc'", {});
  ASSERT_TRUE(rows->next());
  EXPECT_THROW((void)rows->get(0, Type::Integer), ormc::DataError);
  EXPECT_THROW((void)rows->get(0, Type::DateTime), ormc::DataError);
  EXPECT_THROW((void)rows->get(1, Type::String), ormc::InvalidRequestError);
}

TEST_P(ConnectionCases, ListenersSeeEveryStatementBeforeItRuns) {
  struct Seen {
    std::string sql;
    std::vector<Value> params;
  };
  std::vector<Seen> seen;
  db().on_statement([&](const ormc::StatementEvent& e) {
    EXPECT_EQ(e.dialect, db().dialect());
    seen.push_back({std::string(e.sql), std::vector<Value>(e.params.begin(), e.params.end())});
  });
  auto c = engine().acquire();
  exec(*c, "INSERT INTO ormc_ct_parent (code) VALUES (?1)", {Value("it's")});
  EXPECT_THROW(exec(*c, "SELEC ?1", {Value(1)}), ormc::DatabaseError);  // logged although it fails
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].sql, sql("INSERT INTO ormc_ct_parent (code) VALUES (?1)"));
  EXPECT_EQ(seen[0].params, (std::vector<Value>{Value("it's")}));
  EXPECT_EQ(seen[1].sql, sql("SELEC ?1"));

  db().clear_statement_listeners();
  exec(*c, "DELETE FROM ormc_ct_parent");
  EXPECT_EQ(seen.size(), 2u);

  db().set_echo(true);
  ::testing::internal::CaptureStderr();
  exec(*c, "SELECT code FROM ormc_ct_parent WHERE code = ?1 OR id = ?2", {Value("a'b"), Value(7)});
  const std::string echoed = ::testing::internal::GetCapturedStderr();
  db().set_echo(false);
  EXPECT_EQ(echoed, sql("SELECT code FROM ormc_ct_parent WHERE code = ?1 OR id = ?2") + "\n['a\\'b', 7]\n");
}

TEST_P(ConnectionCases, CreateAllIsRepeatableAndDropAllRemovesEverything) {
  std::vector<std::string> logged;
  db().on_statement([&](const ormc::StatementEvent& e) { logged.emplace_back(e.sql); });
  kMetaData.create_all(db());  // the tables exist already: nothing fails
  EXPECT_EQ(logged, kMetaData.create_statements(db().dialect()));
  {
    auto c = engine().acquire();
    EXPECT_EQ(test_tables(*c), 6);
    // The cycle and the self-reference hold real rows.
    exec(*c, "INSERT INTO ormc_ct_a (id) VALUES (1)");
    exec(*c, "INSERT INTO ormc_ct_b (id, a_id) VALUES (1, 1)");
    exec(*c, "UPDATE ormc_ct_a SET b_id = 1 WHERE id = 1");
    exec(*c, "INSERT INTO ormc_ct_node (id) VALUES (1)");
    exec(*c, "INSERT INTO ormc_ct_node (id, parent_id) VALUES (2, 1)");
    EXPECT_THROW(exec(*c, "INSERT INTO ormc_ct_b (id, a_id) VALUES (2, 99)"), ormc::IntegrityError);
    EXPECT_EQ(exec(*c, "DELETE FROM ormc_ct_node WHERE id = 1"), 1u);
    EXPECT_EQ(count(*c, "SELECT count(*) FROM ormc_ct_node"), 0);  // cascaded to the child node
  }
  kMetaData.drop_all(db());
  auto c = engine().acquire();
  EXPECT_EQ(test_tables(*c), 0);
  c.release();
  kMetaData.drop_all(db());  // nothing left to drop: still fine
  kMetaData.create_all(db());
  c = engine().acquire();
  EXPECT_EQ(test_tables(*c), 6);
}

TEST_P(ConnectionCases, PoolWaitsWhenAllConnectionsAreOut) {
  ormc::Database small = ormc::connect(url(), {.pool_size = 2});
  ormc::detail::Engine& e = small.engine();
  const std::size_t size = GetParam().in_memory ? 1 : 2;
  std::vector<ormc::detail::PooledConnection> held;
  for (std::size_t i = 0; i < size; ++i) held.push_back(e.acquire());
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto c = e.acquire();
    got = true;
  });
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_FALSE(got.load());
  held.pop_back();
  waiter.join();
  EXPECT_TRUE(got.load());
}

}  // namespace ormc_test
