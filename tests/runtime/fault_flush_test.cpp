// Fault injection on both backends: a flush whose third of five INSERT batches violates a unique
// constraint writes nothing, keeps its objects pending, and a rollback() makes the Session usable.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fault_support.hpp"
#include "faults.orm.hpp"
#include "test_backend.hpp"

namespace {

using faults::Child;
using faults::Parent;

class FaultFlushTest : public ormc_test::DatabaseTest<&faults::metadata> {
 protected:
  std::int64_t count(const std::string& table) const { return ormc_test::count_rows(url_, table); }

  /// A committed parent with one child coded "existing".
  std::shared_ptr<Parent> committed_parent(ormc::Session& session) {
    auto parent = Parent::create({.name = "before"});
    parent->children().assign({Child::create({.code = "existing", .n = 0})});
    session.add(parent);
    session.commit();
    return parent;
  }

  static std::vector<std::shared_ptr<Child>> children(int n) {
    std::vector<std::shared_ptr<Child>> out;
    for (int i = 0; i < n; ++i) out.push_back(Child::create({.code = "c" + std::to_string(i), .n = i}));
    return out;
  }
};

TEST_F(FaultFlushTest, AUniqueViolationInTheThirdOfFiveBatchesCommitsNothing) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto parent = committed_parent(session);
  ASSERT_EQ(count("child"), 1);

  auto batch = children(5000);
  batch[2500]->set_code("existing");  // row 2,501 of 5,000: in the third INSERT of 1,000 rows
  parent->children().add_all(batch);
  parent->set_name("after");  // an UPDATE in the same flush, undone with the rest
  log_->clear();
  try {
    session.commit();
    FAIL() << "expected IntegrityError";
  } catch (const ormc::IntegrityError& e) {
    EXPECT_EQ(e.sql().rfind("INSERT INTO child ", 0), 0u) << e.sql();
    if (ormc_test::backend() == "postgresql") {
      EXPECT_EQ(e.constraint(), "child_code_key");
    } else {
      EXPECT_NE(std::string(e.what()).find("UNIQUE constraint failed: child.code"), std::string::npos) << e.what();
    }
  }
  const auto entries = log_->entries();
  std::vector<std::size_t> insert_rows;
  for (const auto& entry : entries)
    if (entry.sql.rfind("INSERT INTO child ", 0) == 0) insert_rows.push_back(ormc_test::inserted_rows(entry).size());
  if (ormc_test::backend() == "postgresql") {
    // Pipelined: the fourth was sent while the third ran, and the server skipped it after the failure.
    EXPECT_EQ(insert_rows, (std::vector<std::size_t>{1000, 1000, 1000, 1000}))
        << "four INSERTs of 1,000 rows were sent; the fifth never was";
  } else {
    EXPECT_EQ(insert_rows, (std::vector<std::size_t>{1000, 1000, 1000}))
        << "three INSERTs of 1,000 rows were sent; the fourth and fifth never were";
  }
  EXPECT_EQ(log_->count("COMMIT"), 0u);

  // The database is exactly as before, seen from another connection.
  EXPECT_EQ(count("child"), 1);
  EXPECT_EQ(count("parent"), 1);
  EXPECT_EQ(ormc_test::read_text(url_, "SELECT name FROM parent"), "before");

  // Every child is still pending, including those whose INSERT had succeeded before the failure.
  for (const auto& c : batch) ASSERT_EQ(ormc::state_of(*c), ormc::ObjectState::Pending) << c->code();
  EXPECT_EQ(parent->name(), "after") << "the unflushed change stays in memory until rollback()";
  // Until rollback(), the Session refuses to go on (SQLAlchemy's rule).
  EXPECT_THROW(session.flush(), ormc::InvalidRequestError);

  session.rollback();
  EXPECT_EQ(ormc::state_of(*batch[0]), ormc::ObjectState::Transient) << "rollback() expunges pending objects";
  EXPECT_EQ(parent->name(), "before") << "rollback() expires the parent; it reloads the stored name";
  batch[2500]->set_code("c2500");
  parent->children().add_all(batch);
  log_->clear();
  session.commit();
  EXPECT_EQ(log_->count("INSERT INTO child "), 5u);
  EXPECT_EQ(count("child"), 5001);
  for (const auto& c : batch) ASSERT_EQ(ormc::state_of(*c), ormc::ObjectState::Persistent);
}

TEST_F(FaultFlushTest, AFailedFlushInsideASavepointKeepsTheOuterTransaction) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto parent = committed_parent(session);
  parent->children().add(Child::create({.code = "outer", .n = 1}));
  session.flush();
  auto nested = session.begin_nested();
  auto batch = children(3000);
  batch[2999]->set_code("outer");  // the last of three batches fails
  parent->children().add_all(batch);
  EXPECT_THROW(session.flush(), ormc::IntegrityError);
  nested.rollback();
  session.commit();
  EXPECT_EQ(count("child"), 2) << "the outer transaction's child survives; the savepoint's batches do not";
}

}  // namespace
