// The flush's statements on SQLite and PostgreSQL: batched UPDATEs, stale rows, constraint errors, autoflush, identity-map get.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "session_fixture.hpp"

namespace {

using crudtest::Customer;
using crudtest::Order;
using ormc::Decimal;

bool is_postgresql() { return ormc_test::backend() == "postgresql"; }

ormc::Timestamp at(int y, int mo, int d) {
  using namespace std::chrono;
  return sys_days{year{y} / mo / d};
}

class SessionFlushTest : public ormc_test::CrudSessionTest {
 protected:
  /// The committed customers, loaded into `session` by one SELECT.
  static std::vector<std::shared_ptr<Customer>> load_all(ormc::Session& session) {
    return session.scalars(ormc::select<Customer>().order_by(Customer::c.id.asc())).all();
  }
};

TEST_F(SessionFlushTest, DirtyObjectsWithTheSameChangedColumnsShareOneUpdate) {
  committed_customers(6);
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto all = load_all(session);
  ASSERT_EQ(all.size(), 6u);
  for (int i = 0; i < 3; ++i) all[i]->set_name("renamed " + std::to_string(i));
  all[3]->set_visits(40);
  all[4]->set_visits(50);
  all[5]->set_score(-2.5);
  log_->clear();
  session.commit();

  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 3u) << "names (3 rows) | visits (2 rows) | score (1 row)";
  if (is_postgresql()) {
    EXPECT_EQ(entries[0].sql,
              "UPDATE customer SET name = v.name FROM (VALUES ($1::integer, $2::varchar), "
              "($3::integer, $4::varchar), ($5::integer, $6::varchar)) AS v(id, name) "
              "WHERE customer.id = v.id");
    EXPECT_EQ(entries[1].sql,
              "UPDATE customer SET visits = v.visits FROM (VALUES ($1::integer, $2::bigint), ($3::integer, $4::bigint)) "
              "AS v(id, visits) WHERE customer.id = v.id");
    EXPECT_EQ(entries[2].sql, "UPDATE customer SET score = $1 WHERE id = $2");
  } else {
    EXPECT_EQ(entries[0].sql,
              "UPDATE customer SET name = v.column2 FROM (VALUES (?1, ?2), (?3, ?4), (?5, ?6)) AS v "
              "WHERE customer.id = v.column1");
    EXPECT_EQ(entries[1].sql,
              "UPDATE customer SET visits = v.column2 FROM (VALUES (?1, ?2), (?3, ?4)) AS v WHERE customer.id = v.column1");
    EXPECT_EQ(entries[2].sql, "UPDATE customer SET score = ?1 WHERE id = ?2");
  }
  ASSERT_EQ(entries[0].params.size(), 6u);
  EXPECT_EQ(entries[0].params[0], ormc::Value(std::int64_t{all[0]->id()})) << "each tuple starts with the key";
  EXPECT_EQ(entries[0].params[1], ormc::Value("renamed 0"));
  EXPECT_EQ(entries[1].params[3], ormc::Value(std::int64_t{50}));

  ormc::Session reader(*db_);
  auto stored = load_all(reader);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(stored[i]->name(), "renamed " + std::to_string(i));
  EXPECT_EQ(stored[3]->visits(), 40);
  EXPECT_EQ(stored[4]->visits(), 50);
  EXPECT_EQ(stored[5]->score(), -2.5);
  EXPECT_EQ(stored[5]->name(), "c5") << "columns nobody changed are untouched";
}

TEST_F(SessionFlushTest, BatchedUpdatesAreSplitIntoStatementsOfAThousandRows) {
  committed_customers(2500);
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto all = load_all(session);
  for (auto& c : all) c->set_visits(c->id() * 2);
  log_->clear();
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].params.size(), 2000u);
  EXPECT_EQ(entries[2].params.size(), 1000u);
  ormc::Session reader(*db_);
  for (auto& c : load_all(reader)) ASSERT_EQ(c->visits(), c->id() * 2);
}

TEST_F(SessionFlushTest, BatchedUpdatesOfAReservedWordTableAndTimestamps) {
  auto owner = committed_customers(1)[0];
  {
    ormc::Session s(*db_);
    for (int i = 0; i < 3; ++i) s.add(Order::create({.customer_id = owner->id(), .placed_at = at(2024, 1, 1)}));
    s.commit();
  }
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto orders = session.scalars(ormc::select<Order>().order_by(Order::c.id.asc())).all();
  ASSERT_EQ(orders.size(), 3u);
  for (std::size_t i = 0; i < orders.size(); ++i) {
    orders[i]->set_placed_at(at(2025, 3, static_cast<int>(i) + 1) + std::chrono::microseconds(7));
    orders[i]->set_description(i == 1 ? std::nullopt : std::optional<std::string>("order " + std::to_string(i)));
  }
  log_->clear();
  session.commit();
  ASSERT_EQ(log_->size(), 1u);
  EXPECT_EQ(log_->sql()[0].rfind("UPDATE \"order\" SET description = ", 0), 0u) << log_->sql()[0];
  ormc::Session reader(*db_);
  auto stored = reader.scalars(ormc::select<Order>().order_by(Order::c.id.asc())).all();
  for (std::size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i]->placed_at(), at(2025, 3, static_cast<int>(i) + 1) + std::chrono::microseconds(7));
    EXPECT_EQ(stored[i]->description(), orders[i]->description());
  }
}

TEST_F(SessionFlushTest, AnUpdateOfARowDeletedElsewhereRaisesStaleDataError) {
  auto ada = committed_customers(1)[0];
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto mine = session.get<Customer>(ada->id());
  session.commit();  // ends the read transaction (SQLite would otherwise keep its snapshot)
  {
    ormc::Session other(*db_);
    other.remove(other.get<Customer>(ada->id()));
    other.commit();
  }
  mine->set_name("too late");
  try {
    session.commit();
    FAIL() << "expected StaleDataError";
  } catch (const ormc::StaleDataError& e) {
    EXPECT_NE(std::string(e.what()).find("expected to update 1 row(s); 0 were matched"), std::string::npos) << e.what();
    EXPECT_EQ(e.sql().rfind("UPDATE customer SET name = ", 0), 0u) << e.sql();
  }
  session.rollback();
  EXPECT_THROW((void)mine->name(), ormc::ObjectDeletedError);
}

TEST_F(SessionFlushTest, ABatchedUpdateMissingARowRaisesStaleDataErrorAndWritesNothing) {
  auto committed = committed_customers(3);
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto all = load_all(session);
  session.commit();
  {
    ormc::Session other(*db_);
    other.remove(other.get<Customer>(committed[1]->id()));
    other.commit();
  }
  for (auto& c : all) c->set_visits(77);
  try {
    session.commit();
    FAIL() << "expected StaleDataError";
  } catch (const ormc::StaleDataError& e) {
    EXPECT_NE(std::string(e.what()).find("expected to update 3 row(s); 2 were matched"), std::string::npos) << e.what();
  }
  session.rollback();
  EXPECT_EQ(fresh_get(committed[0]->id())->visits(), 3) << "the batch's other rows were rolled back";
  EXPECT_EQ(fresh_get(committed[2]->id())->visits(), 3);
}

TEST_F(SessionFlushTest, IntegrityErrorsCarryTheConstraintOnPostgresql) {
  ormc::Session session(*db_);
  auto a = customer("a");
  a->set_email(std::string("dup@example.com"));
  auto b = customer("b");
  b->set_email(std::string("dup@example.com"));
  session.add(a);
  session.commit();
  session.add(b);
  try {
    session.commit();
    FAIL() << "expected IntegrityError";
  } catch (const ormc::IntegrityError& e) {
    EXPECT_EQ(e.sql().rfind("INSERT INTO customer", 0), 0u) << e.sql();
    if (is_postgresql()) {
      EXPECT_EQ(e.constraint(), "customer_email_key");
    } else {
      EXPECT_NE(std::string(e.what()).find("customer.email"), std::string::npos) << e.what();
    }
  }
  session.rollback();

  session.add(Order::create({.customer_id = 424242, .placed_at = at(2024, 1, 1)}));
  try {
    session.commit();
    FAIL() << "expected IntegrityError";
  } catch (const ormc::IntegrityError& e) {
    if (is_postgresql()) {
      EXPECT_EQ(e.constraint(), "order_customer_id_fkey");
    } else {
      EXPECT_NE(std::string(e.what()).find("FOREIGN KEY"), std::string::npos) << e.what();
    }
  }
  session.rollback();
}

TEST_F(SessionFlushTest, AutoflushSendsPendingChangesBeforeAQuery) {
  auto committed = committed_customers(1);
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto loaded = session.get<Customer>(committed[0]->id());
  loaded->set_name("needle");
  auto added = customer("needle");
  session.add(added);
  log_->clear();
  auto found = session.scalars(ormc::select<Customer>().where(Customer::c.name == "needle").order_by(Customer::c.id.asc())).all();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 3u);
  EXPECT_EQ(sql[0].rfind("INSERT INTO customer", 0), 0u) << sql[0];
  EXPECT_EQ(sql[1].rfind("UPDATE customer SET name", 0), 0u) << sql[1];
  EXPECT_EQ(sql[2].rfind("SELECT", 0), 0u) << sql[2];
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], loaded);
  EXPECT_EQ(found[1], added);

  // Without autoflush the query does not see them.
  ormc::Session manual(*db_, {.autoflush = false, .expire_on_commit = false});
  manual.add(customer("invisible"));
  log_->clear();
  EXPECT_TRUE(manual.scalars(ormc::select<Customer>().where(Customer::c.name == "invisible")).all().empty());
  EXPECT_EQ(log_->count("INSERT"), 0u);
}

TEST_F(SessionFlushTest, GetOfObjectsAlreadyLoadedEmitsNoSql) {
  committed_customers(50);
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto all = load_all(session);
  log_->clear();
  for (auto& c : all) EXPECT_EQ(session.get<Customer>(c->id()), c);
  EXPECT_EQ(log_->size(), 0u);
  EXPECT_EQ(session.get<Customer>(-1), nullptr);
  EXPECT_EQ(log_->count("SELECT"), 1u) << "a key not in the identity map is looked up";
}

}  // namespace
