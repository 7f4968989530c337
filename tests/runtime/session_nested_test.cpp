// Session::begin_nested(): SAVEPOINT / RELEASE / ROLLBACK TO with SQLAlchemy's object semantics, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "session_fixture.hpp"

namespace {

using crudtest::Customer;
using ormc::ObjectState;

const std::string kSavepoint1 = "SAVEPOINT \"ormc_savepoint_1\"";
const std::string kRelease1 = "RELEASE SAVEPOINT \"ormc_savepoint_1\"";
const std::string kRollbackTo1 = "ROLLBACK TO SAVEPOINT \"ormc_savepoint_1\"";

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

class SessionNestedTest : public ormc_test::CrudSessionTest {};

TEST_F(SessionNestedTest, BeginNestedFlushesThenCommitReleasesTheSavepoint) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto outer = customer("outer");
  session.add(outer);
  auto nested = session.begin_nested();
  EXPECT_TRUE(nested.is_active());
  auto inner = customer("inner");
  session.add(inner);
  nested.commit();
  EXPECT_FALSE(nested.is_active());
  session.commit();

  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 4u);
  EXPECT_TRUE(starts_with(sql[0], "INSERT INTO customer")) << "begin_nested() flushes first: " << sql[0];
  EXPECT_EQ(sql[1], kSavepoint1);
  EXPECT_TRUE(starts_with(sql[2], "INSERT INTO customer")) << "commit() flushes the savepoint's work: " << sql[2];
  EXPECT_EQ(sql[3], kRelease1);
  EXPECT_EQ(state_of(*inner), ObjectState::Persistent);
  EXPECT_NE(fresh_get(outer->id()), nullptr);
  EXPECT_NE(fresh_get(inner->id()), nullptr);
}

TEST_F(SessionNestedTest, RollbackUndoesTheSavepointsWorkAndKeepsTheOuterTransaction) {
  auto committed = committed_customers(2);
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto kept = session.get<Customer>(committed[0]->id());
  auto doomed = session.get<Customer>(committed[1]->id());
  auto outer = customer("outer");
  session.add(outer);
  kept->set_visits(10);  // flushed by begin_nested(): part of the outer transaction

  auto nested = session.begin_nested();
  auto inner = customer("inner");
  session.add(inner);
  kept->set_name("renamed inside");
  session.remove(doomed);
  session.flush();  // the savepoint's INSERT, UPDATE and DELETE reach the database
  const auto inner_id = inner->id();
  kept->set_score(99.0);  // changed in memory only
  log_->clear();
  nested.rollback();
  ASSERT_EQ(log_->sql(), std::vector<std::string>{kRollbackTo1});

  EXPECT_EQ(state_of(*inner), ObjectState::Transient) << "added inside: transient again";
  EXPECT_EQ(state_of(*doomed), ObjectState::Persistent) << "deleted inside: persistent again";
  EXPECT_EQ(session.get<Customer>(doomed->id()), doomed);
  EXPECT_EQ(state_of(*outer), ObjectState::Persistent) << "the outer transaction's work stays";
  log_->clear();
  EXPECT_EQ(kept->name(), "c0") << "changed inside: expired and reloaded";
  EXPECT_EQ(kept->score(), 1.5) << "unflushed changes inside are dropped too";
  EXPECT_EQ(kept->visits(), 10) << "the outer transaction's UPDATE is still there";
  EXPECT_EQ(log_->count("SELECT"), 1u) << "one reload serves every attribute";

  session.commit();
  EXPECT_EQ(fresh_get(inner_id), nullptr) << "the INSERT inside the savepoint was undone";
  EXPECT_NE(fresh_get(doomed->id()), nullptr) << "the DELETE inside the savepoint was undone";
  EXPECT_NE(fresh_get(outer->id()), nullptr);
  EXPECT_EQ(fresh_get(kept->id())->visits(), 10);
  EXPECT_EQ(fresh_get(kept->id())->name(), "c0");

  // The object that went transient can be added anew.
  session.add(inner);
  session.commit();
  EXPECT_NE(fresh_get(inner->id()), nullptr);
}

TEST_F(SessionNestedTest, TheHandleRollsBackWhenItGoesOutOfScope) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto scoped = customer("scoped");
  {
    auto nested = session.begin_nested();
    session.add(scoped);
    session.flush();
  }
  EXPECT_EQ(log_->sql().back(), kRollbackTo1);
  EXPECT_EQ(state_of(*scoped), ObjectState::Transient);
  session.commit();
  ormc::Session reader(*db_);
  EXPECT_EQ(reader.scalar(ormc::select(ormc::count()).select_from<Customer>()), 0);
}

TEST_F(SessionNestedTest, SavepointsNestSeveralDeep) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto level1 = session.begin_nested();
  auto a = customer("a");
  session.add(a);
  auto level2 = session.begin_nested();
  auto b = customer("b");
  session.add(b);
  auto level3 = session.begin_nested();
  auto c = customer("c");
  session.add(c);
  level3.commit();
  level2.rollback();
  level1.commit();
  session.commit();

  const auto sql = log_->sql();
  const std::vector<std::string> want_prefixes = {
      kSavepoint1,
      "INSERT INTO customer",  // a, flushed by the second begin_nested()
      "SAVEPOINT \"ormc_savepoint_2\"",
      "INSERT INTO customer",  // b
      "SAVEPOINT \"ormc_savepoint_3\"",
      "INSERT INTO customer",  // c, flushed by level3.commit()
      "RELEASE SAVEPOINT \"ormc_savepoint_3\"",
      "ROLLBACK TO SAVEPOINT \"ormc_savepoint_2\"",
      kRelease1,
  };
  ASSERT_EQ(sql.size(), want_prefixes.size());
  for (std::size_t i = 0; i < sql.size(); ++i) EXPECT_TRUE(starts_with(sql[i], want_prefixes[i])) << i << ": " << sql[i];
  EXPECT_EQ(state_of(*a), ObjectState::Persistent);
  EXPECT_EQ(state_of(*b), ObjectState::Transient);
  EXPECT_EQ(state_of(*c), ObjectState::Transient) << "released into level 2, then rolled back with it";
  ormc::Session reader(*db_);
  EXPECT_EQ(reader.scalar(ormc::select(ormc::count()).select_from<Customer>()), 1);
}

TEST_F(SessionNestedTest, RollingBackAnOuterSavepointEndsTheInnerOnes) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto level1 = session.begin_nested();
  auto level2 = session.begin_nested();
  session.add(customer("inner"));
  level1.rollback();
  EXPECT_FALSE(level2.is_active());
  EXPECT_THROW(level2.commit(), ormc::InvalidRequestError);
  log_->clear();
  level2.rollback();  // inactive: nothing to do
  EXPECT_EQ(log_->size(), 0u);
  // The session goes on; a new savepoint reuses the first level's name.
  auto again = session.begin_nested();
  EXPECT_EQ(log_->sql(), std::vector<std::string>{kSavepoint1});
  again.commit();
}

TEST_F(SessionNestedTest, AFailedFlushInsideASavepointIsUndoneByRollingBackToIt) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto first = customer("first");
  first->set_email(std::string("same@example.com"));
  session.add(first);
  session.flush();

  auto clash = customer("clash");
  clash->set_email(std::string("same@example.com"));
  {
    auto nested = session.begin_nested();
    auto fine = customer("fine but inside");
    session.add(fine);
    session.add(clash);
    EXPECT_THROW(nested.commit(), ormc::IntegrityError);
    EXPECT_TRUE(nested.is_active()) << "the failed commit leaves the savepoint to roll back";
    EXPECT_THROW(session.get<Customer>(first->id()), ormc::InvalidRequestError)
        << "the Session refuses work until the savepoint is rolled back";
    nested.rollback();
    EXPECT_EQ(state_of(*fine), ObjectState::Transient);
  }
  EXPECT_EQ(state_of(*clash), ObjectState::Transient);
  EXPECT_EQ(state_of(*first), ObjectState::Persistent) << "the outer transaction survived";
  auto after = customer("after");
  session.add(after);
  session.commit();
  ormc::Session reader(*db_);
  EXPECT_EQ(reader.scalar(ormc::select(ormc::count()).select_from<Customer>()), 2) << "first and after";
}

TEST_F(SessionNestedTest, SessionCommitAndRollbackEndOpenSavepoints) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto kept = customer("kept");
  {
    auto nested = session.begin_nested();
    session.add(kept);
    session.commit();  // COMMIT releases the savepoint with the transaction
    EXPECT_FALSE(nested.is_active());
    log_->clear();
  }
  EXPECT_EQ(log_->size(), 0u) << "an ended handle's destructor sends nothing";
  EXPECT_NE(fresh_get(kept->id()), nullptr);

  auto lost = customer("lost");
  auto nested = session.begin_nested();
  session.add(lost);
  session.flush();
  session.rollback();  // the whole transaction
  EXPECT_FALSE(nested.is_active());
  EXPECT_EQ(state_of(*lost), ObjectState::Transient);
  EXPECT_NE(fresh_get(kept->id()), nullptr);
}

TEST_F(SessionNestedTest, AHandleOutlivingItsSessionDoesNothing) {
  std::optional<ormc::NestedTransaction> handle;
  {
    ormc::Session session(*db_);
    handle.emplace(session.begin_nested());
  }
  EXPECT_FALSE(handle->is_active());
  EXPECT_THROW(handle->commit(), ormc::InvalidRequestError);
  handle.reset();
}

}  // namespace
