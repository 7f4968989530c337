// Session::merge(): the Session's own instance for an object's row, its values copied over, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <string>

#include "session_fixture.hpp"

namespace {

using crudtest::Customer;
using ormc::Decimal;
using ormc::ObjectState;

class SessionMergeTest : public ormc_test::CrudSessionTest {};

TEST_F(SessionMergeTest, ADetachedObjectIsLoadedAndItsChangesCopiedOnto) {
  auto detached = committed_customers(1)[0];
  ASSERT_EQ(state_of(*detached), ObjectState::Detached);
  detached->set_name("changed while detached");

  ormc::Session session(*db_, {.expire_on_commit = false});
  log_->clear();
  auto merged = session.merge(detached);
  ASSERT_NE(merged, nullptr);
  EXPECT_NE(merged, detached) << "merge() returns the Session's instance, never its argument";
  EXPECT_EQ(log_->count("SELECT"), 1u) << "the row is loaded with get()";
  EXPECT_EQ(merged->name(), "changed while detached");
  EXPECT_EQ(merged->balance(), Decimal("500.00"));
  EXPECT_TRUE(session.is_modified(merged));
  EXPECT_EQ(state_of(*detached), ObjectState::Detached) << "the argument stays out of the Session";

  log_->clear();
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].sql.rfind("UPDATE customer SET name = ", 0), 0u)
      << "only the column whose value differs: " << entries[0].sql;
  EXPECT_EQ(entries[0].params.size(), 2u);
  EXPECT_EQ(fresh_get(detached->id())->name(), "changed while detached");
}

TEST_F(SessionMergeTest, AnInstanceAlreadyInTheIdentityMapIsUsedWithoutSql) {
  auto detached = committed_customers(1)[0];
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto mine = session.get<Customer>(detached->id());
  detached->set_visits(42);
  log_->clear();
  auto merged = session.merge(detached);
  EXPECT_EQ(merged, mine);
  EXPECT_EQ(log_->size(), 0u);
  EXPECT_EQ(mine->visits(), 42);
  session.commit();
  EXPECT_EQ(fresh_get(detached->id())->visits(), 42);
}

TEST_F(SessionMergeTest, EqualValuesAreNoChange) {
  auto detached = committed_customers(1)[0];
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto merged = session.merge(detached);
  EXPECT_FALSE(session.is_modified(merged));
  log_->clear();
  session.commit();
  EXPECT_EQ(log_->size(), 0u) << "nothing differed, nothing is sent";
}

TEST_F(SessionMergeTest, ATransientObjectWithoutAKeyBecomesANewPendingCopy) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto transient = customer("new");
  auto merged = session.merge(transient);
  EXPECT_NE(merged, transient);
  EXPECT_EQ(state_of(*merged), ObjectState::Pending);
  EXPECT_EQ(state_of(*transient), ObjectState::Transient);
  EXPECT_EQ(log_->size(), 0u) << "no key: nothing to look up";
  session.commit();
  ASSERT_EQ(log_->count("INSERT INTO customer (name, email, balance, active, score, visits, note) VALUES"), 1u)
      << "the key is left to the database, as for the original";
  EXPECT_GT(merged->id(), 0);
  EXPECT_EQ(fresh_get(merged->id())->name(), "new");
}

TEST_F(SessionMergeTest, AGivenKeyWithoutARowIsLookedUpThenInserted) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto transient = Customer::create({.id = 7001, .name = "explicit", .balance = Decimal("1.00"), .active = true});
  auto merged = session.merge(transient);
  EXPECT_EQ(log_->count("SELECT"), 1u) << "the key may have a row: get() first";
  EXPECT_EQ(state_of(*merged), ObjectState::Pending);
  session.commit();
  EXPECT_EQ(log_->count("INSERT INTO customer (id, "), 1u);
  EXPECT_EQ(fresh_get(7001)->name(), "explicit");

  // Merged again with the same key, the row now exists: it is updated, not inserted.
  ormc::Session second(*db_, {.expire_on_commit = false});
  auto again = Customer::create({.id = 7001, .name = "explicit 2", .balance = Decimal("1.00"), .active = true});
  log_->clear();
  auto updated = second.merge(again);
  EXPECT_EQ(state_of(*updated), ObjectState::Persistent);
  second.commit();
  EXPECT_EQ(log_->count("INSERT"), 0u);
  EXPECT_EQ(log_->count("UPDATE customer SET name = "), 1u);
  EXPECT_EQ(fresh_get(7001)->name(), "explicit 2");
}

TEST_F(SessionMergeTest, OwnObjectsAreReturnedAsTheyAreAndDeletedRowsRefused) {
  auto detached = committed_customers(1)[0];
  // Without autoflush, so that the DELETE is still pending when merge() looks the row up (with it,
  // the DELETE is flushed first and the row no longer exists: a pending copy, as SQLAlchemy does).
  ormc::Session session(*db_, {.autoflush = false, .expire_on_commit = false});
  auto mine = session.get<Customer>(detached->id());
  EXPECT_EQ(session.merge(mine), mine);
  session.remove(mine);
  EXPECT_THROW((void)session.merge(mine), ormc::InvalidRequestError);
  EXPECT_THROW((void)session.merge(detached), ormc::InvalidRequestError) << "its row is marked deleted here";
  EXPECT_THROW((void)session.merge(std::shared_ptr<Customer>()), ormc::InvalidRequestError);
}

TEST_F(SessionMergeTest, MergeAutoflushesFirst) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto pending = Customer::create({.id = 8001, .name = "pending", .balance = Decimal("1.00"), .active = true});
  session.add(pending);
  auto copy = Customer::create({.id = 8001, .name = "merged", .balance = Decimal("1.00"), .active = true});
  auto merged = session.merge(copy);
  EXPECT_EQ(merged, pending) << "the pending object was flushed and so is the row's instance";
  EXPECT_EQ(pending->name(), "merged");
}

}  // namespace
