// Bulk INSERT of typed rows, INSERT ... RETURNING, concatenation and clearing ORDER BY, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "bank.orm.hpp"
#include "statement.orm.hpp"
#include "statement_wide.orm.hpp"
#include "test_backend.hpp"

namespace {

using bank::Account;
using bank::AccountTransaction;
using bank::BankAudit;
using ormc::Decimal;
using stmttest::Author;
using stmttest::Tag;

/// The three schemas' tables (bank.orm, statement.orm, statement_wide.orm) on one database.
const ormc::MetaData& both_schemas() {
  static const std::vector<const ormc::TableInfo*> tables = [] {
    std::vector<const ormc::TableInfo*> all;
    for (const auto* t : bank::metadata().tables()) all.push_back(t);
    for (const auto* t : stmttest::metadata().tables()) all.push_back(t);
    for (const auto* t : stmtwide::metadata().tables()) all.push_back(t);
    return all;
  }();
  static const ormc::MetaData metadata(tables, {});
  return metadata;
}

class StatementInsertTest : public ormc_test::DatabaseTest<&both_schemas> {
 protected:
  [[nodiscard]] bool postgresql() const { return db_->dialect() == ormc::DialectKind::PostgreSQL; }

  /// A committed account, and a clear log.
  std::shared_ptr<Account> committed_account(ormc::Session& session, const std::string& identifier) {
    auto account = Account::create({.identifier = identifier});
    session.add(account);
    session.commit();
    log_->clear();
    return account;
  }

  /// Rows of account_transaction for `account` (and their sum), read by a Session of their own.
  std::int64_t stored(const std::shared_ptr<Account>& account) {
    ormc::Session s(*db_);
    return s.scalar(ormc::select(ormc::count()).select_from<AccountTransaction>().where(AccountTransaction::c.account_id ==
                                                                                          account->id()));
  }
};

TEST_F(StatementInsertTest, TheSpecsSpellingIsOneMultiRowInsertBoundToTheParent) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = committed_account(session, "account_01");

  const auto inserted = session.execute(account->account_transactions().insert(),
                                        {{.description = "transaction 1", .amount = Decimal("47.50")},
                                         {.description = "transaction 2", .amount = Decimal("-501.25")}});
  EXPECT_EQ(inserted, 2u);
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u) << "one statement, no SELECT of the collection";
  const std::string p1 = postgresql() ? "$1" : "?1";
  EXPECT_EQ(entries[0].sql.rfind("INSERT INTO account_transaction (account_id, description, amount) VALUES (" + p1, 0), 0u)
      << entries[0].sql << ": the parent's key first, no id and no timestamp (server-generated)";
  EXPECT_EQ(entries[0].params,
            (std::vector<ormc::Value>{ormc::Value(std::int64_t{account->id()}), ormc::Value("transaction 1"),
                                      ormc::Value(Decimal("47.50")), ormc::Value(std::int64_t{account->id()}),
                                      ormc::Value("transaction 2"), ormc::Value(Decimal("-501.25"))}));
  session.commit();

  EXPECT_EQ(stored(account), 2);
  ormc::Session reader(*db_);
  auto rows = reader.scalars(account->account_transactions().select().order_by(nullptr).order_by(
                                 AccountTransaction::c.description))
                  .all();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1]->amount(), Decimal("-501.25"));
  EXPECT_GT(rows[0]->timestamp().time_since_epoch().count(), 0) << "the server default filled the timestamp";
}

TEST_F(StatementInsertTest, ManyRowsAreOneCopyOnPostgresqlAndThousandRowInsertsOnSqlite) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = committed_account(session, "many");
  std::vector<AccountTransaction::Fields> rows;
  for (int i = 0; i < 2500; ++i)
    rows.push_back({.account_id = -1,  // ignored: the collection's insert() sets the parent's key
                    .description = "tab\there, new\nline, back\\slash " + std::to_string(i),
                    .amount = Decimal(std::to_string(i) + ".25")});
  EXPECT_EQ(session.execute(account->account_transactions().insert(), std::move(rows)), 2500u);
  if (postgresql()) {
    ASSERT_EQ(log_->size(), 1u) << "one COPY";
    EXPECT_EQ(log_->sql()[0], "COPY account_transaction (account_id, description, amount) FROM STDIN");
  } else {
    EXPECT_EQ(log_->size(), 3u) << "1,000 + 1,000 + 500 rows";
    EXPECT_EQ(log_->count("INSERT INTO account_transaction (account_id, description, amount) VALUES"), 3u);
  }
  session.commit();
  EXPECT_EQ(stored(account), 2500);
  ormc::Session reader(*db_);
  auto last = reader.scalars(account->account_transactions().select().where(
                                 AccountTransaction::c.description.like("%2499")))
                  .one();
  EXPECT_EQ(last->description(), "tab\there, new\nline, back\\slash 2499") << "COPY's escapes round-trip";
  EXPECT_EQ(last->amount(), Decimal("2499.25"));
  EXPECT_EQ(last->account_id(), account->id());
}

TEST_F(StatementInsertTest, WideRowsAreSplitByTheParameterLimit) {
  ormc::Session session(*db_);
  std::vector<stmtwide::Wide::Fields> rows(1000);
  rows.back().c40 = 40;
  EXPECT_EQ(session.execute(ormc::insert<stmtwide::Wide>(), std::move(rows)), 1000u);
  // 40 columns a row: SQLite takes 32,766 / 40 = 819 rows a statement; PostgreSQL's 65,535 take all
  // 1,000 (not more than 1,000 rows, so an INSERT rather than COPY).
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), postgresql() ? 1u : 2u);
  EXPECT_EQ(entries[0].params.size(), postgresql() ? 40000u : 819u * 40u);
  if (!postgresql()) {
    EXPECT_EQ(entries[1].params.size(), 181u * 40u);
  }
  EXPECT_EQ(session.scalar(ormc::select(ormc::sum(stmtwide::Wide::c.c40))), std::optional<std::int64_t>(40));
}

TEST_F(StatementInsertTest, AFailedBulkInsertWritesNothing) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = committed_account(session, "kept");
  // Rows of an account that does not exist: the foreign key refuses them (COPY on PostgreSQL).
  std::vector<AccountTransaction::Fields> rows(1500, {.account_id = 987654, .description = "x", .amount = Decimal("1")});
  EXPECT_THROW((void)session.execute(ormc::insert<AccountTransaction>(), rows), ormc::IntegrityError);
  session.rollback();
  ormc::Session reader(*db_);
  EXPECT_EQ(reader.scalar(ormc::select(ormc::count()).select_from<AccountTransaction>()), 0);
  EXPECT_EQ(log_->count(postgresql() ? "COPY" : "INSERT"), 1u);
}

TEST_F(StatementInsertTest, AParentWithoutARowAndManyToManyAreRefusedByName) {
  ormc::Session session(*db_);
  auto transient = Account::create({.identifier = "t"});
  try {
    (void)transient->account_transactions().insert();
    FAIL() << "insert() of a transient parent's collection";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("Account.account_transactions"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no row"), std::string::npos) << e.what();
  }
  auto audit = BankAudit::create({});
  session.add(audit);
  session.commit();
  try {
    (void)audit->account_transactions().insert();
    FAIL() << "insert() of a many-to-many collection";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("BankAudit.account_transactions"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("add_all()"), std::string::npos) << e.what();
  }
  // Rows from values() and from execute() at once.
  auto account = committed_account(session, "both");
  EXPECT_THROW((void)session.execute(account->account_transactions().insert().values(
                                         AccountTransaction::c.description = "a", AccountTransaction::c.amount = 1),
                                     {{.description = "b", .amount = Decimal("2")}}),
               ormc::InvalidRequestError);
  EXPECT_EQ(log_->size(), 0u);
}

TEST_F(StatementInsertTest, RowsThatSetOtherColumnsGoInStatementsOfTheirOwn) {
  ormc::Session session(*db_);
  // Without a parent: insert<T>(). A row giving its own key sets one more column than the others.
  const auto inserted = session.execute(ormc::insert<Author>(),
                                        {{.name = "Ada", .rating = Decimal("1.50"), .active = true},
                                         {.name = "Bob", .rating = Decimal("2.00"), .active = false},
                                         {.id = 100, .name = "Cy", .email = "cy@example.org", .rating = Decimal("3"), .active = true},
                                         {.name = "Di", .rating = Decimal("4"), .active = true}});
  EXPECT_EQ(inserted, 4u);
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 3u) << "Ada+Bob, Cy (with id), Di";
  EXPECT_EQ(sql[0].rfind("INSERT INTO author (name, email, rating, score, active, born) VALUES (", 0), 0u) << sql[0];
  EXPECT_NE(sql[0].find("), ("), std::string::npos) << "two rows in the first statement: " << sql[0];
  EXPECT_EQ(sql[1].rfind("INSERT INTO author (id, name, email, rating, score, active, born) VALUES (", 0), 0u) << sql[1];
  session.commit();
  EXPECT_EQ(session.get<Author>(100)->email(), std::optional<std::string>("cy@example.org"));
  EXPECT_EQ(session.scalar(ormc::select(ormc::count()).select_from<Author>()), 4);
}

TEST_F(StatementInsertTest, InsertReturningGivesTheValuesInRowOrder) {
  ormc::Session session(*db_);
  const std::vector<std::int32_t> ids =
      session.execute(ormc::insert<Tag>().returning(Tag::c.id), {{.label = "a"}, {.label = "b"}, {.label = "c"}});
  ASSERT_EQ(ids.size(), 3u);
  ASSERT_EQ(log_->size(), 1u);
  EXPECT_NE(log_->sql()[0].find(") RETURNING tag.id"), std::string::npos) << log_->sql()[0];
  EXPECT_EQ(session.get<Tag>(ids[0])->label(), "a");
  EXPECT_EQ(session.get<Tag>(ids[2])->label(), "c");

  // Past 1,000 rows RETURNING still needs INSERTs (COPY returns nothing), 1,000 rows each.
  log_->clear();
  std::vector<Tag::Fields> many(1500, {.label = "m"});
  const std::vector<std::int32_t> more = session.execute(ormc::insert<Tag>().returning(Tag::c.id), std::move(many));
  ASSERT_EQ(more.size(), 1500u);
  EXPECT_EQ(log_->size(), 2u);
  EXPECT_EQ(log_->count("INSERT INTO tag (label) VALUES"), 2u);
  EXPECT_TRUE(std::is_sorted(more.begin(), more.end()) && more.front() > ids.back()) << "row order";

  // An expression, over values() rows.
  const std::vector<std::string> labels = session.execute(
      ormc::insert<Tag>().values(Tag::c.label = "x").values(Tag::c.label = "y").returning(Tag::c.label + "!"));
  EXPECT_EQ(labels, (std::vector<std::string>{"x!", "y!"}));
}

TEST_F(StatementInsertTest, ReturningTheEntityGivesPersistentObjectsOfTheSession) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = committed_account(session, "objects");
  const std::vector<std::shared_ptr<AccountTransaction>> made = session.execute(
      account->account_transactions().insert().returning(),
      {{.description = "one", .amount = Decimal("1.00")}, {.description = "two", .amount = Decimal("2.00")}});
  ASSERT_EQ(made.size(), 2u);
  ASSERT_EQ(log_->size(), 1u) << "one INSERT ... RETURNING, no SELECT";
  EXPECT_NE(log_->sql()[0].find("RETURNING account_transaction.id, account_transaction.account_id"), std::string::npos)
      << log_->sql()[0];
  EXPECT_EQ(made[0]->description(), "one");
  EXPECT_EQ(made[1]->amount(), Decimal("2.00"));
  EXPECT_EQ(made[1]->account_id(), account->id());
  EXPECT_GT(made[0]->timestamp().time_since_epoch().count(), 0) << "server-generated values come back too";
  EXPECT_EQ(session.get<AccountTransaction>(made[0]->id()), made[0]) << "in the identity map: no SQL";
  EXPECT_EQ(log_->size(), 1u);
  made[0]->set_description("changed");
  session.commit();
  ormc::Session reader(*db_);
  EXPECT_EQ(reader.get<AccountTransaction>(made[0]->id())->description(), "changed") << "tracked as persistent";
}

TEST_F(StatementInsertTest, ConcatenationCompilesToTheSqlOperatorOnBothDatabases) {
  ormc::Session session(*db_);
  session.execute(ormc::insert<Author>(), {{.name = "Ada", .email = "ada@example.org", .rating = Decimal("1"), .active = true},
                                           {.name = "Bob", .rating = Decimal("2"), .active = true}});
  log_->clear();
  EXPECT_EQ(session.execute(ormc::update<Author>().values(Author::c.name = Author::c.name + " L.").where(
                Author::c.name + "!" == "Ada!")),
            1u);
  EXPECT_NE(log_->sql()[0].find("SET name = author.name || "), std::string::npos) << log_->sql()[0];
  auto contact = session.scalars(ormc::select(ormc::concat(Author::c.name, " <", Author::c.email, ">"))
                                     .order_by(Author::c.name))
                     .all();
  ASSERT_EQ(contact.size(), 2u);
  EXPECT_EQ(contact[0], std::optional<std::string>("Ada L. <ada@example.org>"));
  EXPECT_FALSE(contact[1].has_value()) << "NULL || text is NULL";
}

TEST_F(StatementInsertTest, OrderByNullptrClearsTheCollectionsConfiguredOrder) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = committed_account(session, "ordered");
  session.execute(account->account_transactions().insert(),
                  {{.description = "b", .amount = Decimal("1")}, {.description = "a", .amount = Decimal("3")},
                   {.description = "c", .amount = Decimal("2")}});
  log_->clear();
  auto by_amount = session.scalars(account->account_transactions().select().order_by(nullptr).order_by(
                                       AccountTransaction::c.amount.desc()))
                       .all();
  ASSERT_EQ(by_amount.size(), 3u);
  EXPECT_EQ(by_amount[0]->description(), "a");
  EXPECT_EQ(by_amount[2]->description(), "b");
  const std::string sql = log_->sql().back();
  EXPECT_NE(sql.find("ORDER BY account_transaction.amount DESC"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("timestamp"), sql.rfind("timestamp")) << "the configured order is gone: " << sql;
  auto unordered = session.scalars(account->account_transactions().select().order_by(nullptr)).all();
  EXPECT_EQ(unordered.size(), 3u);
  EXPECT_EQ(log_->sql().back().find("ORDER BY"), std::string::npos) << log_->sql().back();
}

}  // namespace
