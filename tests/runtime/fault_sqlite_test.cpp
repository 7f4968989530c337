// Fault injection on SQLite: a database locked by another connection's write transaction, Sessions
// that read then write taking turns, and a database opened read-only — typed errors, then recovery.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "connection.hpp"
#include "fault_support.hpp"
#include "faults.orm.hpp"
#include "test_backend.hpp"

namespace {

using faults::Child;
using faults::Parent;
using namespace std::chrono_literals;

class FaultSqliteTest : public ormc_test::DatabaseTest<&faults::metadata> {
 protected:
  void SetUp() override {
    if (ormc_test::backend() != "sqlite") GTEST_SKIP() << "SQLite only";
    DatabaseTest::SetUp();
  }
  std::int64_t count(const std::string& table) const { return ormc_test::count_rows(url_, table); }

  std::int32_t committed_parent() {
    ormc::Session session(*db_, {.expire_on_commit = false});
    auto parent = Parent::create({.name = "stored"});
    session.add(parent);
    session.commit();
    return parent->id();
  }
};

TEST_F(FaultSqliteTest, AWriteLockHeldElsewhereGivesOperationalErrorAfterTheBusyTimeout) {
  ormc::Database db = ormc::connect(url_, {.busy_timeout = 300ms});
  // Another connection holds the write lock in an open transaction.
  ormc::Database other = ormc::connect(url_);
  auto holder = other.engine().acquire();
  holder->begin();
  (void)holder->execute("INSERT INTO parent (name) VALUES ('held')", {});

  ormc::Session session(db);
  auto parent = Parent::create({.name = "p"});
  session.add(parent);
  const auto started = std::chrono::steady_clock::now();
  try {
    session.commit();
    FAIL() << "expected OperationalError";
  } catch (const ormc::OperationalError& e) {
    EXPECT_NE(std::string(e.what()).find("database is locked"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("busy timeout"), std::string::npos) << e.what();
    EXPECT_EQ(e.sql().rfind("INSERT INTO parent ", 0), 0u) << e.sql();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms) << "the busy timeout was waited out first";
  EXPECT_EQ(ormc::state_of(*parent), ormc::ObjectState::Pending);

  holder->rollback();
  holder.release();
  session.rollback();
  session.add(parent);
  session.commit();
  EXPECT_EQ(count("parent"), 1) << "the held row was rolled back; the Session's row is committed";
}

TEST_F(FaultSqliteTest, AWriterWaitsForAWriteLockReleasedWithinTheBusyTimeout) {
  const auto id = committed_parent();
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto parent = session.get<Parent>(id);  // this transaction has read: SQLite won't wait for it alone

  ormc::Database other = ormc::connect(url_);
  auto holder = other.engine().acquire();
  holder->begin();
  (void)holder->execute("INSERT INTO child (parent_id, code, n) VALUES (" + std::to_string(id) + ", 'other', 1)", {});
  std::thread releaser([&] {
    std::this_thread::sleep_for(300ms);
    holder->commit();
  });
  parent->children().add(Child::create({.code = "mine", .n = 2}));
  EXPECT_NO_THROW(session.commit()) << "the INSERT waits for the lock instead of failing";
  releaser.join();
  holder.release();
  EXPECT_EQ(count("child"), 2);
}

TEST_F(FaultSqliteTest, SessionsThatReadThenWriteTakeTurnsInsteadOfFailing) {
  const auto id = committed_parent();
  ormc::Session a(*db_, {.expire_on_commit = false});
  ormc::Session b(*db_, {.expire_on_commit = false});
  auto from_a = a.get<Parent>(id);  // a's transaction holds a read snapshot ...
  auto from_b = b.get<Parent>(id);
  from_b->children().add(Child::create({.code = "b", .n = 1}));
  b.commit();  // ... older than b's commit: a's write can't simply wait (SQLITE_BUSY_SNAPSHOT)
  from_a->children().add(Child::create({.code = "a", .n = 2}));
  log_->clear();
  EXPECT_NO_THROW(a.commit());
  EXPECT_EQ(log_->count("INSERT INTO child "), 1u) << "the restart is below the statement log";
  EXPECT_EQ(count("child"), 2);
}

TEST_F(FaultSqliteTest, ARestartedWriterStillFailsWhenTheLockIsNeverReleased) {
  const auto id = committed_parent();
  ormc::Session a(*db_, {.expire_on_commit = false});
  auto from_a = a.get<Parent>(id);
  from_a->children().add(Child::create({.code = "a", .n = 1}));
  a.flush();  // a holds the write lock until it commits
  ormc::Database quick = ormc::connect(url_, {.busy_timeout = 200ms});
  ormc::Session c(quick, {.expire_on_commit = false});
  auto from_c = c.get<Parent>(id);  // c has read: its write restarts the transaction, then waits
  from_c->children().add(Child::create({.code = "c", .n = 3}));
  EXPECT_THROW(c.commit(), ormc::OperationalError);
  c.rollback();
  a.commit();  // a's work is untouched by c's attempt
  EXPECT_EQ(count("child"), 1);
  c.add(Child::create({.parent_id = id, .code = "c", .n = 3}));
  c.commit();
  EXPECT_EQ(count("child"), 2);
}

TEST_F(FaultSqliteTest, AReadOnlyDatabaseRefusesWritesWithOperationalError) {
  const auto id = committed_parent();
  ormc::Database read_only = ormc::connect(url_ + "?mode=ro");
  ormc::Session session(read_only, {.expire_on_commit = false});
  auto parent = session.get<Parent>(id);
  ASSERT_NE(parent, nullptr);
  parent->set_name("changed");
  try {
    session.commit();
    FAIL() << "expected OperationalError";
  } catch (const ormc::OperationalError& e) {
    EXPECT_NE(std::string(e.what()).find("the SQLite database is read-only"), std::string::npos) << e.what();
    EXPECT_EQ(e.sql().rfind("UPDATE parent ", 0), 0u) << e.sql();
  }
  session.rollback();
  EXPECT_EQ(parent->name(), "stored") << "reads still work after rollback()";
  session.add(Parent::create({.name = "new"}));
  EXPECT_THROW(session.commit(), ormc::OperationalError);
  session.rollback();
  EXPECT_EQ(count("parent"), 1);
}

/// Makes a file unwritable for this process while alive: mode 0444, or for root (who writes whatever
/// the mode says) the immutable attribute, which stops root too. `ok` is false where neither works.
class WriteProtection {
 public:
  explicit WriteProtection(std::string path) : path_(std::move(path)) {
    if (::geteuid() == 0) {
      immutable_ = std::system(("chattr +i '" + path_ + "' 2>/dev/null").c_str()) == 0;
      ok_ = immutable_;
    } else {
      std::filesystem::permissions(path_, std::filesystem::perms::owner_write | std::filesystem::perms::group_write |
                                              std::filesystem::perms::others_write,
                                   std::filesystem::perm_options::remove);
      ok_ = true;
    }
  }
  ~WriteProtection() {
    if (immutable_) (void)std::system(("chattr -i '" + path_ + "'").c_str());
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_write, std::filesystem::perm_options::add, ec);
  }
  WriteProtection(const WriteProtection&) = delete;
  WriteProtection& operator=(const WriteProtection&) = delete;
  [[nodiscard]] bool ok() const noexcept { return ok_; }

 private:
  std::string path_;
  bool immutable_ = false;
  bool ok_ = false;
};

TEST_F(FaultSqliteTest, AWriteProtectedFileRefusesWrites) {
  const auto id = committed_parent();
  db_.reset();  // every connection closed: the file is reopened under its new protection
  const WriteProtection protection(url_.substr(std::string("sqlite:///").size()));
  if (!protection.ok()) GTEST_SKIP() << "this file system can't make the file immutable for root (chattr +i)";

  ormc::Database db = ormc::connect(url_);  // SQLite falls back to reading a file it can't write
  ormc::Session session(db, {.expire_on_commit = false});
  auto parent = session.get<Parent>(id);
  ASSERT_NE(parent, nullptr);
  parent->set_name("changed");
  try {
    session.commit();
    FAIL() << "expected OperationalError";
  } catch (const ormc::OperationalError& e) {
    EXPECT_NE(std::string(e.what()).find("the SQLite database is read-only"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(ormc::Session(db).get<Parent>(id)->name() == "stored");
  session.rollback();
  EXPECT_EQ(parent->name(), "stored") << "the Session reads again after rollback()";
}

}  // namespace
