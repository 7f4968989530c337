// Fault injection on PostgreSQL: the Session's connection terminated mid-flush, and a pooled
// connection terminated while idle, both with pg_terminate_backend from another connection.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fault_support.hpp"
#include "faults.orm.hpp"
#include "test_backend.hpp"

// libpqxx 6.4 leaks one PGresult when a call discovers a lost connection (see
// connection_postgresql_test.cpp); these tests lose connections on purpose, so LeakSanitizer
// (in the sanitizer build) is told about that block here.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:pqxx::connection_base::register_prepared\n"
         "leak:pqxx::connection_base::prepared_exec\n"
         "leak:pqxx::connection_base::exec\n";
}

namespace {

using faults::Child;
using faults::Parent;

class FaultPostgresqlTest : public ormc_test::DatabaseTest<&faults::metadata> {
 protected:
  void SetUp() override {
    if (ormc_test::backend() != "postgresql") GTEST_SKIP() << "PostgreSQL only";
    DatabaseTest::SetUp();
  }
  std::int64_t count(const std::string& table) const { return ormc_test::count_rows(url_, table); }

  static std::vector<std::shared_ptr<Child>> children(int n) {
    std::vector<std::shared_ptr<Child>> out;
    for (int i = 0; i < n; ++i) out.push_back(Child::create({.code = "c" + std::to_string(i), .n = i}));
    return out;
  }
};

TEST_F(FaultPostgresqlTest, TerminatingTheConnectionMidFlushRaisesConnectionErrorAndCommitsNothing) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto parent = Parent::create({.name = "p"});
  session.add(parent);
  session.commit();

  // Just before the third INSERT is sent, another connection ends the Session's server process.
  // The INSERTs are pipelined: the process is still running the second, or idle in its transaction
  // after it.
  std::atomic<int> inserts{0};
  std::atomic<std::int64_t> terminated{-1};
  db_->on_statement([&](const ormc::StatementEvent& e) {
    if (e.sql.starts_with("INSERT INTO child ") && ++inserts == 3)
      terminated = ormc_test::terminate_backends(url_, {"active", "idle in transaction"});
  });
  auto batch = children(5000);
  parent->children().add_all(batch);
  try {
    session.commit();
    FAIL() << "expected ConnectionError";
  } catch (const ormc::ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("PostgreSQL connection lost"), std::string::npos) << e.what();
    EXPECT_EQ(e.sql().rfind("INSERT INTO child ", 0), 0u) << e.sql();
  }
  db_->clear_statement_listeners();
  EXPECT_EQ(terminated.load(), 1) << "exactly the Session's connection was in a transaction";
  // When the second INSERT had finished, its result was read and the fourth made before the loss showed.
  EXPECT_GE(inserts.load(), 3);
  EXPECT_LE(inserts.load(), 4);
  EXPECT_EQ(count("child"), 0) << "the first two batches died with the server process's transaction";
  for (const auto& c : batch) ASSERT_EQ(ormc::state_of(*c), ormc::ObjectState::Pending);
  EXPECT_THROW(session.flush(), ormc::InvalidRequestError);

  session.rollback();
  parent->children().add_all(batch);
  session.commit();  // on a new connection: the pool dropped the broken one
  EXPECT_EQ(count("child"), 5000);
}

TEST_F(FaultPostgresqlTest, ConnectionLostInsideASavepointNeedsTheWholeRollback) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto parent = Parent::create({.name = "p"});
  session.add(parent);
  session.commit();
  parent->children().add(Child::create({.code = "outer", .n = -1}));
  session.flush();  // written in the outer transaction, not committed
  auto nested = session.begin_nested();
  ASSERT_EQ(ormc_test::terminate_backends(url_, "idle in transaction"), 1);
  parent->children().add_all(children(10));
  EXPECT_THROW(session.flush(), ormc::ConnectionError);
  // The savepoint and the outer transaction went with the connection: rolling back to the
  // savepoint can't bring the outer transaction back, so the Session still wants rollback().
  nested.rollback();
  EXPECT_FALSE(nested.is_active());
  EXPECT_THROW(session.flush(), ormc::InvalidRequestError);
  EXPECT_THROW(session.commit(), ormc::InvalidRequestError) << "committing would silently drop the outer child";
  session.rollback();
  EXPECT_EQ(count("child"), 0);
  parent->children().add_all(children(10));
  session.commit();
  EXPECT_EQ(count("child"), 10);
}

TEST_F(FaultPostgresqlTest, ChangesFlushedBeforeTheConnectionWasLostMakeCommitFail) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto parent = Parent::create({.name = "p"});
  session.add(parent);
  session.flush();  // the INSERT succeeded inside the transaction, which is not committed yet
  ASSERT_EQ(ormc_test::terminate_backends(url_, "idle in transaction"), 1);
  try {
    session.commit();  // nothing left to flush: only the COMMIT, which can't happen
    FAIL() << "commit() must not report success for a transaction the server rolled back";
  } catch (const ormc::ConnectionError& e) {
    EXPECT_EQ(e.sql(), "COMMIT");
    EXPECT_NE(std::string(e.what()).find("the server rolled back its transaction"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count("parent"), 0);
  session.rollback();
  EXPECT_EQ(ormc::state_of(*parent), ormc::ObjectState::Transient);
  session.add(parent);
  session.commit();
  EXPECT_EQ(count("parent"), 1);
}

TEST_F(FaultPostgresqlTest, ALockTimeoutIsAnOperationalErrorAndTheSessionRecovers) {
  ormc::Session holder(*db_, {.expire_on_commit = false});
  auto held = Parent::create({.name = "held"});
  holder.add(held);
  holder.commit();
  held->set_name("locked by the holder");
  holder.flush();  // the row stays locked until the holder's transaction ends

  // libpq passes -c options to the server: this Database's sessions wait 200 ms for a lock at most.
  ormc::Database impatient = ormc::connect(url_ + "?options=-c%20lock_timeout%3D200");
  ormc::Session session(impatient, {.expire_on_commit = false});
  auto same = session.get<Parent>(held->id());
  same->set_name("wanted");
  try {
    session.commit();
    FAIL() << "expected OperationalError";
  } catch (const ormc::OperationalError& e) {
    EXPECT_NE(std::string(e.what()).find("lock timeout"), std::string::npos) << e.what();
    EXPECT_EQ(e.sql().rfind("UPDATE parent ", 0), 0u) << e.sql();
  }
  holder.commit();
  session.rollback();
  same->set_name("wanted");
  session.commit();
  EXPECT_EQ(ormc_test::read_text(url_, "SELECT name FROM parent"), "wanted");
}

TEST_F(FaultPostgresqlTest, ADeadlockFailsOneSessionWithOperationalErrorAndTheOtherCommits) {
  std::int32_t ids[2];
  {
    ormc::Session setup(*db_, {.expire_on_commit = false});
    auto a = Parent::create({.name = "a"});
    auto b = Parent::create({.name = "b"});
    setup.add(a);
    setup.add(b);
    setup.commit();
    ids[0] = a->id();
    ids[1] = b->id();
  }
  // Each Session locks one row, then wants the other's: PostgreSQL ends one of them.
  std::latch first_locks_taken(2);
  std::atomic<int> deadlocks{0};
  std::atomic<int> commits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      ormc::Session session(*db_, {.expire_on_commit = false});
      auto mine = session.get<Parent>(ids[t]);
      auto theirs = session.get<Parent>(ids[1 - t]);
      mine->set_name("first by " + std::to_string(t));
      session.flush();
      first_locks_taken.arrive_and_wait();
      theirs->set_name("second by " + std::to_string(t));
      try {
        session.commit();
        ++commits;
      } catch (const ormc::OperationalError& e) {
        if (std::string(e.what()).find("deadlock detected") != std::string::npos) ++deadlocks;
        session.rollback();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(deadlocks.load(), 1);
  EXPECT_EQ(commits.load(), 1);
}

TEST_F(FaultPostgresqlTest, APooledConnectionTerminatedWhileIdleIsReplacedOnCheckout) {
  ormc::Database db = ormc::connect(url_, {.pool_size = 2});
  ormc_test::StatementLog log(db);
  {
    // Two Sessions at once: the pool then holds two idle connections.
    ormc::Session a(db);
    ormc::Session b(db);
    a.add(Parent::create({.name = "a"}));
    b.add(Parent::create({.name = "b"}));
    a.flush();
    b.flush();
    a.commit();
    b.commit();
  }
  ASSERT_GE(ormc_test::terminate_backends(url_, "idle"), 2) << "both pooled connections (and the fixture's)";

  log.clear();
  for (const char* name : {"c", "d"}) {
    ormc::Session s(db);
    s.add(Parent::create({.name = name}));
    s.commit();  // no ConnectionError: the dead connections are noticed at checkout and replaced
  }
  {
    ormc::Session a(db);
    ormc::Session b(db);
    a.add(Parent::create({.name = "e"}));
    b.add(Parent::create({.name = "f"}));
    a.commit();
    b.commit();
  }
  EXPECT_EQ(log.count("INSERT INTO parent "), 4u) << "each INSERT was sent once: nothing failed and was retried";
  EXPECT_EQ(count("parent"), 6);
}

}  // namespace
