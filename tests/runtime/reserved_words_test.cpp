// Tables and columns named with SQL reserved words ("user", "order", "group", "select", "from",
// "where", ...) end to end on both backends: DDL, INSERT, UPDATE, SELECT with WHERE / ORDER BY, DELETE.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fault_support.hpp"
#include "reserved.orm.hpp"
#include "test_backend.hpp"

namespace {

using reservedtest::Group;
using reservedtest::Order;
using reservedtest::User;

class ReservedWordsTest : public ormc_test::DatabaseTest<&reservedtest::metadata> {
 protected:
  std::int64_t count(const std::string& table) const { return ormc_test::count_rows(url_, table); }
  /// Every reserved word the schema uses appears quoted in the statement, never bare.
  static void expect_quoted(const std::string& sql, std::initializer_list<const char*> words) {
    for (const char* w : words) EXPECT_NE(sql.find('"' + std::string(w) + '"'), std::string::npos) << w << " in " << sql;
  }
};

TEST_F(ReservedWordsTest, InsertUpdateSelectAndDeleteQuoteEveryReservedName) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto user = User::create({.select = "first", .from = std::string("here"), .group = 7});
  user->orders().assign({Order::create({.check = true, .table = "t1", .where = 2, .limit = 5}),
                         Order::create({.check = false, .table = "t2", .where = 1})});
  session.add(user);
  session.commit();
  auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u);
  expect_quoted(entries[0].sql, {"user", "select", "from", "group"});
  expect_quoted(entries[1].sql, {"order", "user", "check", "table", "where", "limit"});
  EXPECT_EQ(count("user"), 1);
  EXPECT_EQ(count("order"), 2);

  log_->clear();
  user->set_group(8);
  user->set_from(std::nullopt);
  session.commit();
  ASSERT_EQ(log_->size(), 1u);
  expect_quoted(log_->entries()[0].sql, {"user", "group", "from"});

  ormc::Session reader(*db_);
  auto stored = reader.scalars(ormc::select<User>().where(User::c.select == "first")).one();
  EXPECT_EQ(stored->group(), 8);
  EXPECT_EQ(stored->from(), std::nullopt);

  // A bare `user` in PostgreSQL is CURRENT_USER: the column must be quoted to mean the column.
  auto orders = reader.scalars(ormc::select<Order>()
                                   .where(Order::c.user == user->id() && Order::c.table != "none")
                                   .order_by(Order::c.where.desc()))
                    .all();
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[0]->table(), "t1");
  EXPECT_EQ(orders[1]->table(), "t2");
  // The write-only collection's select() orders by its order_by (Order.where) and filters by "user".
  auto in_order = reader.scalars(user->orders().select().where(Order::c.check == false)).all();
  ASSERT_EQ(in_order.size(), 1u);
  EXPECT_EQ(in_order[0]->where(), 1);

  log_->clear();
  EXPECT_EQ(session.execute(ormc::update<Order>().values(Order::c.limit = 9).where(Order::c.table == "t2")), 1u);
  expect_quoted(log_->entries().back().sql, {"order", "limit", "table"});
  session.commit();
  EXPECT_EQ(ormc::Session(*db_).scalars(ormc::select<Order>().where(Order::c.limit == 9)).one()->table(), "t2");

  log_->clear();
  session.remove(user);
  session.commit();
  ASSERT_EQ(log_->size(), 1u) << "passive_deletes: one DELETE, ON DELETE CASCADE does the rest";
  expect_quoted(log_->entries()[0].sql, {"user"});
  EXPECT_EQ(count("user"), 0);
  EXPECT_EQ(count("order"), 0);
}

TEST_F(ReservedWordsTest, EntityOrderByAndBulkStatementsOnAReservedTable) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  session.execute(ormc::insert<Group>()
                      .values(Group::c.order = 1, Group::c.desc = "a", Group::c.distinct = std::string("x"),
                              Group::c.primary = true)
                      .values(Group::c.order = 3, Group::c.desc = "b", Group::c.distinct = std::string("y"),
                              Group::c.primary = false)
                      .values(Group::c.order = 2, Group::c.desc = "c", Group::c.distinct = std::string("z"),
                              Group::c.primary = true));
  session.commit();
  expect_quoted(log_->entries()[0].sql, {"group", "order", "desc", "distinct", "primary"});

  auto groups = session.scalars(ormc::select<Group>().where(Group::c.primary == true)).all();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0]->order(), 2) << "the entity's order_by (order desc)";
  EXPECT_EQ(groups[1]->order(), 1);

  groups[0]->set_desc("changed");
  groups[1]->set_desc("changed too");
  log_->clear();
  session.commit();
  ASSERT_EQ(log_->size(), 1u) << "one batched UPDATE";
  expect_quoted(log_->entries()[0].sql, {"group", "desc"});

  EXPECT_EQ(session.execute(ormc::delete_<Group>().where(Group::c.order >= 2)), 2u);
  session.commit();
  auto left = ormc::Session(*db_).scalars(ormc::select<Group>()).all();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]->desc(), "changed too");
}

}  // namespace
