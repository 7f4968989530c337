// Fault injection on PostgreSQL: the server stopped in the middle of a flush (a cluster of the
// test's own), then unreachable, then back — nothing committed, nothing lost, the Session recovers.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "fault_pg_cluster.hpp"
#include "fault_support.hpp"
#include "faults.orm.hpp"

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

TEST(FaultServerTest, StoppingTheServerMidFlushRaisesConnectionErrorAndCommitsNothing) {
  if (ormc_test::ThrowawayCluster::find_bindir().empty()) {
    if (std::getenv("CI")) FAIL() << "PostgreSQL server binaries are needed in CI";
    GTEST_SKIP() << "PostgreSQL server binaries not found";
  }
  ormc_test::ThrowawayCluster cluster;
  ormc::Database db = ormc::connect(cluster.url());
  faults::metadata().create_all(db);

  ormc::Session session(db, {.expire_on_commit = false});
  auto parent = Parent::create({.name = "p"});
  parent->children().assign({Child::create({.code = "existing", .n = 0})});
  session.add(parent);
  session.commit();

  std::vector<std::shared_ptr<Child>> batch;
  for (int i = 0; i < 5000; ++i) batch.push_back(Child::create({.code = "c" + std::to_string(i), .n = i}));
  parent->children().add_all(batch);
  std::atomic<int> inserts{0};
  db.on_statement([&](const ormc::StatementEvent& e) {
    if (e.sql.starts_with("INSERT INTO child ") && ++inserts == 3) cluster.stop();
  });
  try {
    session.commit();
    FAIL() << "expected ConnectionError";
  } catch (const ormc::ConnectionError& e) {
    EXPECT_EQ(e.sql().rfind("INSERT INTO child ", 0), 0u) << e.sql();
  }
  db.clear_statement_listeners();
  for (const auto& c : batch) ASSERT_EQ(ormc::state_of(*c), ormc::ObjectState::Pending);

  // While the server is down, a new attempt fails to connect — with ConnectionError, not a hang.
  session.rollback();
  parent->children().add_all(batch);
  try {
    session.commit();
    FAIL() << "expected ConnectionError";
  } catch (const ormc::ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("could not connect to PostgreSQL"), std::string::npos) << e.what();
  }
  for (const auto& c : batch) ASSERT_EQ(ormc::state_of(*c), ormc::ObjectState::Pending);

  cluster.start();
  EXPECT_EQ(ormc_test::count_rows(cluster.url(), "child"), 1) << "the two sent batches were never committed";
  EXPECT_EQ(ormc_test::count_rows(cluster.url(), "parent"), 1);
  session.rollback();
  parent->children().add_all(batch);
  session.commit();
  EXPECT_EQ(ormc_test::count_rows(cluster.url(), "child"), 5001);
}

}  // namespace
