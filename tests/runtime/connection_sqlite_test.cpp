// Database tests on SQLite (CTest label `sqlite`): the shared cases on :memory: and on a file, plus
// SQLite-only behaviour (one-connection :memory: pool, PRAGMAs, NUMERIC storage, URLs, locking).
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "connection_cases.hpp"
#include "connection_pipelined_cases.hpp"

namespace ormc_test {
namespace {

namespace fs = std::filesystem;

// One database file per test process, removed (with its WAL files) when the process ends.
fs::path database_file() {
  static const fs::path path = fs::temp_directory_path() / ("ormc_ct_" + std::to_string(::getpid()) + ".db");
  return path;
}

void remove_database(const fs::path& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
}

class RemoveDatabaseFile : public ::testing::Environment {
 public:
  void TearDown() override { remove_database(database_file()); }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new RemoveDatabaseFile);

std::string memory_url() { return "sqlite://:memory:"; }
// sqlite:/// + an absolute path gives the four-slash form.
std::string file_url() { return "sqlite:///" + database_file().string(); }

INSTANTIATE_TEST_SUITE_P(SQLite, ConnectionCases,
                         ::testing::Values(Target{"memory", &memory_url, true}, Target{"file", &file_url, false}),
                         target_name);

std::string single_text(ormc::detail::Connection& c, const std::string& sql) {
  auto rows = c.execute(sql, {});
  EXPECT_TRUE(rows->next());
  return rows->get(0, Type::Text).as<std::string>();
}

TEST(SqliteTest, MemoryDatabaseIsOnePooledConnection) {
  ormc::Database db = ormc::connect("sqlite://:memory:", {.pool_size = 8});
  db.execute_sql("CREATE TABLE t (x INTEGER)");
  db.execute_sql("INSERT INTO t VALUES (42)");
  auto first = db.engine().acquire();
  // A second connection would be a new, empty database; the pool never opens one.
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto c = db.engine().acquire();
    EXPECT_EQ(single_text(*c, "SELECT x FROM t"), "42");
    got = true;
  });
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_FALSE(got.load());
  first.release();
  waiter.join();
  EXPECT_TRUE(got.load());
  EXPECT_EQ(db.url(), "sqlite://:memory:");
  EXPECT_EQ(db.dialect(), ormc::DialectKind::SQLite);
}

TEST(SqliteTest, EveryConnectionEnforcesForeignKeysAndFilesUseWal) {
  ormc::Database db = ormc::connect(file_url(), {.pool_size = 2});
  auto a = db.engine().acquire();
  auto b = db.engine().acquire();
  for (auto* c : {&a, &b}) {
    EXPECT_EQ(single_text(**c, "PRAGMA foreign_keys"), "1");
    EXPECT_EQ(single_text(**c, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(single_text(**c, "PRAGMA busy_timeout"), "5000");
  }
  ormc::Database memory = ormc::connect("sqlite://:memory:");
  EXPECT_EQ(single_text(*memory.engine().acquire(), "PRAGMA foreign_keys"), "1");
}

TEST(SqliteTest, LockedDatabaseIsReportedClearly) {
  ormc::Database db = ormc::connect(file_url(), {.pool_size = 2});
  db.execute_sql("CREATE TABLE IF NOT EXISTS ormc_ct_lock (x INTEGER)");
  auto writer = db.engine().acquire();
  auto other = db.engine().acquire();
  writer->execute_script("BEGIN IMMEDIATE");
  other->execute_script("PRAGMA busy_timeout = 50");
  try {
    (void)other->execute("INSERT INTO ormc_ct_lock VALUES (1)", {});
    FAIL() << "no error while another connection holds the write lock";
  } catch (const ormc::DatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find("database is locked"), std::string::npos) << e.what();
  }
  writer->rollback();
  other->execute_script("PRAGMA busy_timeout = 5000");
  (void)other->execute("DROP TABLE ormc_ct_lock", {});
}

TEST(SqliteTest, NumericDecodesFromEveryStorageClass) {
  ormc::Database db = ormc::connect("sqlite://:memory:");
  auto c = db.engine().acquire();
  auto rows = c->execute("SELECT 1e-6, -1.0e-06, 12, '0012.50', 1.0e+20, 2.5, '3'", {});
  ASSERT_TRUE(rows->next());
  const char* want[] = {"0.000001", "-0.000001", "12", "12.50", "100000000000000000000", "2.5", "3"};
  for (std::size_t i = 0; i < std::size(want); ++i) {
    const Value v = rows->get(i, Type::Numeric);
    ASSERT_TRUE(v.holds<Decimal>()) << i;
    EXPECT_EQ(v.as<Decimal>(), Decimal(want[i])) << i << ": " << v.as<Decimal>().str();
  }
}

TEST(SqliteTest, StorageClassesDecodeLeniently) {
  ormc::Database db = ormc::connect("sqlite://:memory:");
  auto c = db.engine().acquire();
  auto rows = c->execute("SELECT 3.0, 7, x'0102', 'text', x'123e4567e89b12d3a456426614174000', 1, 'nope'", {});
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->get(0, Type::Integer), Value(3));
  EXPECT_EQ(rows->get(1, Type::Double), Value(7.0));
  EXPECT_EQ(rows->get(2, Type::LargeBinary), Value(ormc::Bytes{std::byte{1}, std::byte{2}}));
  EXPECT_EQ(rows->get(3, Type::LargeBinary),
            Value(ormc::Bytes{std::byte{'t'}, std::byte{'e'}, std::byte{'x'}, std::byte{'t'}}));
  EXPECT_EQ(rows->get(4, Type::Uuid), Value(ormc::Uuid::parse("123e4567-e89b-12d3-a456-426614174000")));
  EXPECT_EQ(rows->get(5, Type::Boolean), Value(true));
  EXPECT_THROW((void)rows->get(6, Type::Numeric), ormc::DataError);
  EXPECT_THROW((void)rows->get(2, Type::Date), ormc::DataError);
  EXPECT_FALSE(rows->next());
}

TEST(SqliteTest, StatementStillBeingReadIsNotHandedOutTwice) {
  ormc::Database db = ormc::connect("sqlite://:memory:");
  auto c = db.engine().acquire();
  c->execute_script("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3);");
  const std::string select = "SELECT x FROM t WHERE x >= ?1 ORDER BY x";
  auto outer = c->execute(select, std::vector<Value>{Value(1)});
  ASSERT_TRUE(outer->next());
  EXPECT_EQ(outer->get(0, Type::Integer), Value(1));
  {
    auto inner = c->execute(select, std::vector<Value>{Value(3)});
    ASSERT_TRUE(inner->next());
    EXPECT_EQ(inner->get(0, Type::Integer), Value(3));
    EXPECT_FALSE(inner->next());
  }
  ASSERT_TRUE(outer->next());
  EXPECT_EQ(outer->get(0, Type::Integer), Value(2));
  ASSERT_TRUE(outer->next());
  EXPECT_EQ(outer->get(0, Type::Integer), Value(3));
  EXPECT_FALSE(outer->next());
  EXPECT_FALSE(outer->next());
}

TEST(SqliteTest, ExecuteRejectsMisuse) {
  ormc::Database db = ormc::connect("sqlite://:memory:");
  auto c = db.engine().acquire();
  EXPECT_THROW((void)c->execute("SELECT 1; SELECT 2", {}), ormc::InvalidRequestError);
  EXPECT_THROW((void)c->execute("SELECT ?1", {}), ormc::InvalidRequestError);
  EXPECT_THROW((void)c->execute("   ", {}), ormc::InvalidRequestError);
  EXPECT_NO_THROW((void)c->execute("SELECT 1;", {}));
  // Bound dates must fit the YYYY-MM-DD text form.
  EXPECT_THROW((void)c->execute("SELECT ?1", std::vector<Value>{Value(ormc::Date{year{10000}, January, day{1}})}),
               ormc::DataError);
}

TEST(SqliteTest, ManyDistinctStatementsStayUsable) {
  ormc::Database db = ormc::connect("sqlite://:memory:");
  auto c = db.engine().acquire();
  // More distinct texts than the statement cache holds: old ones are evicted and re-prepared.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 600; ++i) {
      auto rows = c->execute("SELECT " + std::to_string(i), {});
      ASSERT_TRUE(rows->next());
      ASSERT_EQ(rows->get(0, Type::Integer), Value(i));
    }
  }
}

struct BadUrl {
  const char* url;
  const char* mentions;
};

TEST(ConnectTest, RejectsMalformedUrlsWithClearMessages) {
  const BadUrl cases[] = {
      {"", "empty database URL"},
      {"mysql://user@host/db", "unknown database URL scheme 'mysql'"},
      {"sqlite://host/db.sqlite", "a SQLite URL has no host"},
      {"sqlite:///", "the file path is empty"},
      {"sqlite:///x.db?cache=shared", "unknown query parameters 'cache=shared'"},
      {"sqlite:///?mode=ro", "the file path is empty"},
      {"just-a-name", "malformed database URL"},
      {"sqlite:////nonexistent-ormc-dir/x.db", "could not open SQLite database"},
  };
  for (const BadUrl& c : cases) {
    try {
      (void)ormc::connect(c.url);
      ADD_FAILURE() << c.url << " was accepted";
    } catch (const ormc::ConnectionError& e) {
      EXPECT_NE(std::string(e.what()).find(c.mentions), std::string::npos) << c.url << ": " << e.what();
    }
  }
}

TEST(ConnectTest, PasswordsNeverAppearInMessages) {
  const char* urls[] = {
      "postgresql://someone:s3cret@127.0.0.1:1/db?connect_timeout=2",
      "postgres://someone@127.0.0.1:1/db?connect_timeout=2&password=s3cret",
      "host=127.0.0.1 port=1 user=someone password=s3cret connect_timeout=2",
      "host=127.0.0.1 port=1 password = 's3 cret' connect_timeout=2",
  };
  for (const char* url : urls) {
    try {
      (void)ormc::connect(url);
      ADD_FAILURE() << "nothing listens on port 1";
    } catch (const ormc::ConnectionError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find("s3"), std::string::npos) << what;
      EXPECT_NE(what.find("***"), std::string::npos) << what;
      EXPECT_NE(what.find("could not connect to PostgreSQL"), std::string::npos) << what;
    }
  }
}

TEST(ConnectTest, SqliteFileUrlsAreRelativeOrAbsolute) {
  const std::string relative = "ormc_ct_relative_" + std::to_string(::getpid()) + ".db";
  {
    ormc::Database db = ormc::connect("sqlite:///" + relative);
    db.execute_sql("CREATE TABLE t (x INTEGER)");
    EXPECT_EQ(db.url(), "sqlite:///" + relative);
  }
  EXPECT_TRUE(fs::exists(fs::current_path() / relative));
  remove_database(fs::current_path() / relative);

  const fs::path absolute = fs::temp_directory_path() / ("ormc_ct_absolute_" + std::to_string(::getpid()) + ".db");
  {
    ormc::Database db = ormc::connect("sqlite:///" + absolute.string());  // four slashes
    db.execute_sql("CREATE TABLE t (x INTEGER)");
  }
  EXPECT_TRUE(fs::exists(absolute));
  remove_database(absolute);
}

TEST(ConnectTest, MemoryUrlsGiveSeparateDatabases) {
  ormc::Database a = ormc::connect("sqlite://");
  ormc::Database b = ormc::connect("sqlite:///:memory:");
  a.execute_sql("CREATE TABLE t (x INTEGER)");
  EXPECT_NO_THROW(b.execute_sql("CREATE TABLE t (x INTEGER)"));
}

TEST(ConnectTest, FileThatIsNotADatabaseFailsAtConnect) {
  const fs::path path = fs::temp_directory_path() / ("ormc_ct_garbage_" + std::to_string(::getpid()) + ".db");
  std::ofstream(path) << std::string(4096, 'x');
  EXPECT_THROW((void)ormc::connect("sqlite:///" + path.string()), ormc::ConnectionError);
  remove_database(path);
}

}  // namespace
}  // namespace ormc_test
