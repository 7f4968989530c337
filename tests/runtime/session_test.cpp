// Session CRUD through generated classes, on SQLite and PostgreSQL, with statement sequences asserted.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>

#include "crud.orm.hpp"
#include "test_backend.hpp"

namespace {

using crudtest::Customer;
using crudtest::Order;
using ormc::Decimal;

ormc::Timestamp at(int y, int mo, int d, int h, int mi, int s, int us) {
  using namespace std::chrono;
  return sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s} + microseconds{us};
}

class SessionTest : public ormc_test::DatabaseTest<&crudtest::metadata> {
 protected:
  std::shared_ptr<Customer> customer(const std::string& name) {
    return Customer::create({.name = name, .balance = Decimal("500.00"), .active = true, .score = 1.5, .visits = 3});
  }

  /// A Session that starts now: on SQLite an open read transaction keeps its snapshot, so checks
  /// of what is committed use a new Session each time.
  std::shared_ptr<Customer> fresh_get(std::int32_t id) {
    ormc::Session s(*db_);
    return s.get<Customer>(id);
  }
};

TEST_F(SessionTest, AddAndCommitInsertsWithReturningAndAssignsTheKey) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto ada = customer("Ada");
  session.add(ada);
  session.commit();

  ASSERT_EQ(log_->size(), 1u) << "one INSERT, nothing else";
  const auto entries = log_->entries();
  EXPECT_EQ(entries[0].sql.rfind("INSERT INTO customer (name, email, balance, active, score, visits, note) VALUES (", 0), 0u)
      << entries[0].sql;
  EXPECT_NE(entries[0].sql.find("RETURNING id"), std::string::npos) << entries[0].sql;
  ASSERT_EQ(entries[0].params.size(), 7u);
  EXPECT_EQ(entries[0].params[0], ormc::Value("Ada"));
  EXPECT_GT(ada->id(), 0);
}

TEST_F(SessionTest, ManyAddsShareOneMultiRowInsert) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  std::vector<std::shared_ptr<Customer>> all;
  for (int i = 0; i < 25; ++i) all.push_back(customer("c" + std::to_string(i)));
  session.add_all(all);
  session.commit();
  ASSERT_EQ(log_->count("INSERT INTO customer"), 1u);
  const auto entry = log_->entries()[0];
  if (ormc_test::backend() == "postgresql") {
    // One array parameter per column, cast to the bare type (varchar, not varchar(100): the column
    // itself refuses a value too long), whatever the number of rows.
    EXPECT_EQ(entry.sql,
              "INSERT INTO customer (name, email, balance, active, score, visits, note) SELECT * FROM "
              "unnest($1::varchar[], $2::varchar[], $3::numeric[], $4::boolean[], $5::double precision[], "
              "$6::bigint[], $7::text[]) RETURNING id");
    ASSERT_EQ(entry.params.size(), 7u);
  } else {
    EXPECT_EQ(entry.sql.rfind("INSERT INTO customer (name, email, balance, active, score, visits, note) VALUES (", 0), 0u);
    ASSERT_EQ(entry.params.size(), 7u * 25u);
  }
  const auto rows = ormc_test::inserted_rows(entry);
  ASSERT_EQ(rows.size(), 25u);
  EXPECT_EQ(rows[0][0], "c0");
  EXPECT_EQ(rows[24][0], "c24");
  EXPECT_EQ(rows[3][1], std::nullopt) << "email: NULL";
  EXPECT_EQ(rows[3][2], "500.00");
  EXPECT_EQ(rows[3][3], "true");
  EXPECT_EQ(rows[3][5], "3");
  // Keys come back in the order the objects were added.
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1]->id(), all[i]->id());
}

TEST_F(SessionTest, LargeFlushesAreSplitIntoBatchesOfAThousandRows) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  std::vector<std::shared_ptr<Customer>> all;
  for (int i = 0; i < 2500; ++i) all.push_back(customer("c" + std::to_string(i)));
  session.add_all(all);
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 3u) << "2,500 rows: 1,000 + 1,000 + 500";
  EXPECT_EQ(ormc_test::inserted_rows(entries[0]).size(), 1000u);
  EXPECT_EQ(ormc_test::inserted_rows(entries[2]).size(), 500u);
  std::set<std::int32_t> ids;
  for (const auto& c : all) ids.insert(c->id());
  EXPECT_EQ(ids.size(), all.size()) << "every object got its own key";
  EXPECT_EQ(*ids.rbegin() - *ids.begin(), 2499);
}

TEST_F(SessionTest, ObjectsSettingAServerDefaultedColumnGetTheirOwnInsertShape) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  const auto fixed = at(2020, 5, 17, 8, 30, 0, 250000);
  auto a = customer("a");
  auto b = Customer::create({.name = "b", .balance = Decimal("2"), .active = true, .created_at = fixed});
  auto c = customer("c");
  session.add_all(std::vector{a, b, c});
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 3u) << "a | b (with created_at) | c: consecutive runs of one shape share a statement";
  EXPECT_NE(sql[1].find("created_at"), std::string::npos) << sql[1];
  EXPECT_EQ(sql[0].find("created_at"), std::string::npos) << sql[0];
  log_->clear();
  EXPECT_EQ(b->created_at(), fixed) << "a value the caller set is not reloaded";
  EXPECT_EQ(log_->size(), 0u);
}

TEST_F(SessionTest, GetAnswersFromTheIdentityMapWithoutSql) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto ada = customer("Ada");
  session.add(ada);
  session.commit();
  log_->clear();
  auto again = session.get<Customer>(ada->id());
  EXPECT_EQ(again, ada);
  EXPECT_EQ(log_->size(), 0u) << "the key was returned by the INSERT; only created_at is left to load";
  (void)ada->created_at();
  EXPECT_EQ(log_->count("SELECT"), 1u) << "the server default is loaded on first access";
}

TEST_F(SessionTest, ValuesRoundTripThroughANewSession) {
  std::int32_t id = 0;
  const auto placed = at(2024, 2, 29, 23, 59, 58, 123456);
  {
    ormc::Session session(*db_);
    auto ada = Customer::create({.name = "Ada \"quotes\" 'and' \\ back",
                                 .email = std::string("ada@example.com"),
                                 .balance = Decimal("-1234.5"),
                                 .active = false,
                                 .score = 0.25,
                                 .visits = 9'000'000'000LL,
                                 .note = std::nullopt});
    session.add(ada);
    session.flush();
    id = ada->id();
    session.add(Order::create({.customer_id = id, .description = "first", .placed_at = placed}));
    session.commit();
  }
  ormc::Session session(*db_);
  log_->clear();
  auto ada = session.get<Customer>(id);
  ASSERT_NE(ada, nullptr);
  EXPECT_EQ(log_->count("SELECT"), 1u);
  EXPECT_EQ(ada->name(), "Ada \"quotes\" 'and' \\ back");
  EXPECT_EQ(ada->email(), std::optional<std::string>("ada@example.com"));
  EXPECT_EQ(ada->balance(), Decimal("-1234.50"));
  EXPECT_EQ(ada->balance().str(), "-1234.50") << "Numeric(10, 2) reads back at its scale";
  EXPECT_FALSE(ada->active());
  EXPECT_DOUBLE_EQ(ada->score(), 0.25);
  EXPECT_EQ(ada->visits(), 9'000'000'000LL);
  EXPECT_EQ(ada->note(), std::nullopt);
  const auto age = std::chrono::system_clock::now() - ada->created_at();
  EXPECT_LT(std::chrono::abs(age), std::chrono::hours(24)) << "server default now() was applied";

  auto orders = session.get<Order>(std::int64_t{1});
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->placed_at(), placed) << "timestamps keep microseconds";
  EXPECT_EQ(orders->customer_id(), id);
}

TEST_F(SessionTest, UpdateSendsOnlyTheChangedColumns) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto ada = customer("Ada");
  session.add(ada);
  session.commit();
  log_->clear();

  session.commit();
  EXPECT_EQ(log_->size(), 0u) << "nothing changed, nothing sent";

  ada->set_name("Ada Lovelace");
  ada->set_visits(4);
  EXPECT_TRUE(session.is_modified(ada));
  session.commit();
  ASSERT_EQ(log_->size(), 1u);
  const auto e = log_->entries()[0];
  EXPECT_EQ(e.sql.rfind("UPDATE customer SET name = ", 0), 0u) << e.sql;
  EXPECT_NE(e.sql.find("visits = "), std::string::npos) << e.sql;
  EXPECT_EQ(e.sql.find("balance"), std::string::npos) << "unchanged columns are not sent: " << e.sql;
  ASSERT_EQ(e.params.size(), 3u);
  EXPECT_EQ(e.params[0], ormc::Value("Ada Lovelace"));
  EXPECT_EQ(e.params[2], ormc::Value(std::int64_t{ada->id()}));

  EXPECT_EQ(fresh_get(ada->id())->name(), "Ada Lovelace");
}

TEST_F(SessionTest, RemoveDeletesTheRow) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto ada = customer("Ada");
  session.add(ada);
  session.commit();
  const auto id = ada->id();
  log_->clear();
  session.remove(ada);
  EXPECT_EQ(session.get<Customer>(id), nullptr) << "a row marked deleted is not returned";
  session.commit();
  ASSERT_EQ(log_->count("DELETE FROM customer"), 1u);
  EXPECT_EQ(fresh_get(id), nullptr);
}

TEST_F(SessionTest, FlushOrdersParentsBeforeChildrenAndChildrenBeforeParentsOnDelete) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  // The child is added first; the flush must still insert the parent row first.
  auto order = Order::create({.customer_id = 77, .placed_at = at(2024, 1, 1, 0, 0, 0, 0)});
  auto parent = Customer::create({.id = 77, .name = "Explicit", .balance = Decimal("1"), .active = true});
  session.add(order);
  session.add(parent);
  session.commit();
  auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0].rfind("INSERT INTO customer", 0), 0u) << sql[0];
  EXPECT_EQ(sql[1].rfind("INSERT INTO \"order\"", 0), 0u) << sql[1];

  log_->clear();
  session.remove(parent);
  session.remove(order);
  session.commit();
  sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0].rfind("DELETE FROM \"order\"", 0), 0u) << sql[0];
  EXPECT_EQ(sql[1].rfind("DELETE FROM customer", 0), 0u) << sql[1];
}

TEST_F(SessionTest, ExpireOnCommitReloadsOnNextAccess) {
  ormc::Session session(*db_);  // expire_on_commit = true, as SQLAlchemy
  auto ada = customer("Ada");
  session.add(ada);
  session.flush();
  const auto id = ada->id();
  session.commit();
  {
    ormc::Session other(*db_);
    other.get<Customer>(id)->set_name("Changed elsewhere");
    other.commit();
  }
  log_->clear();
  EXPECT_EQ(ada->name(), "Changed elsewhere");
  EXPECT_EQ(log_->count("SELECT"), 1u);
  EXPECT_EQ(ada->visits(), 3);
  EXPECT_EQ(log_->count("SELECT"), 1u) << "one reload serves every attribute";
}

TEST_F(SessionTest, RollbackDiscardsPendingObjectsAndChanges) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto ada = customer("Ada");
  session.add(ada);
  session.commit();
  ada->set_name("Not kept");
  auto pending = customer("Pending");
  session.add(pending);
  session.flush();
  session.rollback();
  EXPECT_EQ(ada->name(), "Ada") << "attributes are reloaded from the database after rollback";
  EXPECT_EQ(fresh_get(pending->id()), nullptr) << "the flushed INSERT was rolled back";
  // The rolled-back object is transient again and can be added anew.
  session.add(pending);
  session.commit();
  EXPECT_NE(fresh_get(pending->id()), nullptr);
}

TEST_F(SessionTest, FailedFlushRollsBackLeavesNothingAndNeedsRollback) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto first = customer("First");
  first->set_email(std::string("same@example.com"));
  session.add(first);
  session.commit();

  auto fine = customer("Fine");
  auto clash = customer("Clash");
  clash->set_email(std::string("same@example.com"));
  session.add(fine);
  session.add(clash);
  EXPECT_THROW(session.commit(), ormc::IntegrityError);
  EXPECT_THROW(session.get<Customer>(first->id()), ormc::InvalidRequestError)
      << "a Session whose flush failed refuses work until rollback()";
  session.rollback();

  EXPECT_EQ(fresh_get(first->id())->name(), "First");
  {
    ormc::Session other(*db_);
    log_->clear();
    EXPECT_EQ(other.get<Customer>(first->id() + 1), nullptr) << "nothing of the failed flush was written";
    EXPECT_EQ(other.get<Customer>(first->id() + 2), nullptr);
  }

  clash->set_email(std::string("other@example.com"));
  session.add(fine);
  session.add(clash);
  session.commit();
  EXPECT_NE(fresh_get(clash->id()), nullptr);
  EXPECT_NE(fresh_get(fine->id()), nullptr);
}

TEST_F(SessionTest, AddingAnObjectOfAnotherSessionIsRefused) {
  ormc::Session a(*db_);
  ormc::Session b(*db_);
  auto ada = customer("Ada");
  a.add(ada);
  EXPECT_THROW(b.add(ada), ormc::InvalidRequestError);
}

}  // namespace
