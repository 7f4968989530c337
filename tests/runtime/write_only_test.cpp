// Write-only collections on SQLite and PostgreSQL: every step's statements, asserted through the log
// (SPEC §4: batched INSERTs, no SELECT of a collection, parent criterion, passive deletes).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

#include "bank.orm.hpp"
#include "connection.hpp"
#include "engine.hpp"
#include "test_backend.hpp"

namespace {

using bank::Account;
using bank::AccountTransaction;
using bank::BankAudit;
using ormc::Decimal;

class WriteOnlyTest : public ormc_test::DatabaseTest<&bank::metadata> {
 protected:
  static std::shared_ptr<AccountTransaction> tx(const std::string& description, const char* amount) {
    return AccountTransaction::create({.description = description, .amount = Decimal(amount)});
  }
  /// Rows of account_transaction stored for an account: one COUNT(*) outside any Session.
  std::int64_t stored_transactions(std::int32_t account_id) {
    auto& engine = db_->engine();
    auto conn = engine.acquire();
    std::string sql = "SELECT count(*) FROM account_transaction WHERE account_id = ";
    engine.dialect().append_placeholder(sql, 1);
    const ormc::Value params[] = {ormc::Value(std::int64_t{account_id})};
    auto rows = conn->execute(sql, params);  // not through the log: tests count only the ORM's statements
    rows->next();
    return rows->get(0, ormc::Type::BigInteger).as<std::int64_t>();
  }
};

TEST_F(WriteOnlyTest, TransientParentTakesAWholeCollectionAndInsertsItInOneBatch) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = Account::create({.identifier = "account_01"});
  account->account_transactions().assign({tx("initial deposit", "500.00"), tx("transfer", "1000.00"),
                                          tx("withdrawal", "-29.50")});
  session.add(account);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0].rfind("INSERT INTO account (identifier) VALUES", 0), 0u) << sql[0];
  EXPECT_EQ(sql[1].rfind("INSERT INTO account_transaction (account_id, description, amount) ", 0), 0u) << sql[1];
  EXPECT_NE(sql[1].find("RETURNING id, timestamp"), std::string::npos) << "eager_defaults: " << sql[1];
  const auto rows = ormc_test::inserted_rows(log_->entries()[1]);
  ASSERT_EQ(rows.size(), 3u) << "three rows in one statement";
  EXPECT_EQ(rows[0][0], std::to_string(account->id())) << "foreign key set from the parent";
  EXPECT_EQ(rows[2][1], "withdrawal");
  EXPECT_EQ(stored_transactions(account->id()), 3);
}

TEST_F(WriteOnlyTest, AddingToAPersistentParentNeverSelectsTheCollection) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = Account::create({.identifier = "a"});
  session.add(account);
  session.commit();
  log_->clear();
  std::vector<std::shared_ptr<AccountTransaction>> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(tx("t" + std::to_string(i), "1.00"));
  account->account_transactions().add_all(batch);
  session.commit();
  EXPECT_EQ(log_->count("SELECT"), 0u);
  ASSERT_EQ(log_->size(), 1u) << "one multi-row INSERT ... RETURNING, not 50 round trips";
  for (const auto& t : batch) {
    EXPECT_EQ(t->account_id(), account->id());
    EXPECT_GT(t->id(), 0);
  }
  EXPECT_EQ(stored_transactions(account->id()), 50);
}

TEST_F(WriteOnlyTest, AChildAddedTwiceIsWrittenOnce) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = Account::create({.identifier = "a"});
  session.add(account);
  session.commit();
  auto t = tx("twice", "1");
  account->account_transactions().add(t);
  account->account_transactions().add(t);
  log_->clear();
  session.commit();
  ASSERT_EQ(log_->size(), 1u);
  EXPECT_EQ(log_->entries()[0].params.size(), 3u) << "one row";
  EXPECT_EQ(stored_transactions(account->id()), 1);
}

// Repeats anywhere in the pending lists, not only next to each other, in no particular address order.
TEST_F(WriteOnlyTest, ChildrenAddedAndRemovedSeveralTimesInAnyOrderAreEachWrittenOnce) {
  auto listing = [this] {
    std::string out;
    for (const auto& sql : log_->sql()) out += "\n" + sql;
    return out;
  };
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = Account::create({.identifier = "a"});
  session.add(account);
  session.commit();
  std::vector<std::shared_ptr<AccountTransaction>> made;
  for (int i = 0; i < 6; ++i) made.push_back(tx("t" + std::to_string(i), "1"));
  std::sort(made.begin(), made.end(), [](const auto& a, const auto& b) { return a.get() > b.get(); });
  for (int i : {0, 1, 0, 2, 3, 1, 4, 5, 5, 0}) account->account_transactions().add(made[i]);
  log_->clear();
  session.commit();
  ASSERT_EQ(log_->size(), 1u) << listing();
  EXPECT_EQ(ormc_test::inserted_rows(log_->entries()[0]).size(), 6u) << "six rows, each once";
  EXPECT_EQ(stored_transactions(account->id()), 6);
  for (const auto& t : made) EXPECT_EQ(t->account_id(), account->id());

  for (int i : {4, 1, 4, 0, 1}) account->account_transactions().remove(made[i]);
  log_->clear();
  session.commit();
  // One DELETE per orphan, with the parent criterion: three, one for each child removed.
  ASSERT_EQ(log_->count("DELETE"), 3u) << listing();
  ASSERT_EQ(log_->size(), 3u) << listing();
  std::set<std::string> deleted;
  for (const auto& e : log_->entries()) deleted.insert(*ormc_test::value_text(e.params.at(0)));
  EXPECT_EQ(deleted, (std::set<std::string>{std::to_string(made[4]->id()), std::to_string(made[1]->id()),
                                            std::to_string(made[0]->id())}));
  EXPECT_EQ(stored_transactions(account->id()), 3);
}

TEST_F(WriteOnlyTest, WholeAssignmentOfAPersistentParentIsRefused) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = Account::create({.identifier = "a"});
  session.add(account);
  session.commit();
  try {
    account->account_transactions().assign({tx("x", "1")});
    FAIL() << "assign() on a persistent parent must throw";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("\"Account.account_transactions\""), std::string::npos) << e.what();
  }
}

TEST_F(WriteOnlyTest, RemoveWithDeleteOrphanDeletesWithTheParentCriterion) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = Account::create({.identifier = "a"});
  auto keep = tx("keep", "1");
  auto drop = tx("drop", "2");
  account->account_transactions().assign({keep, drop});
  session.add(account);
  session.commit();
  log_->clear();
  account->account_transactions().remove(drop);
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].sql.rfind("DELETE FROM account_transaction WHERE id = ", 0), 0u) << entries[0].sql;
  EXPECT_NE(entries[0].sql.find("AND account_id = "), std::string::npos) << entries[0].sql;
  EXPECT_EQ(stored_transactions(account->id()), 1);
}

TEST_F(WriteOnlyTest, RemovingAnotherParentsChildIsRefused) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto a = Account::create({.identifier = "a"});
  auto b = Account::create({.identifier = "b"});
  auto of_b = tx("b's", "1");
  b->account_transactions().add(of_b);
  session.add(a);
  session.add(b);
  session.commit();
  // In memory: its loaded foreign key names b.
  EXPECT_THROW(a->account_transactions().remove(of_b), ormc::InvalidRequestError);
  // Unknown in memory (expired): the parent criterion makes the flush fail instead of deleting b's row.
  session.expire(of_b);
  a->account_transactions().remove(of_b);
  EXPECT_THROW(session.commit(), ormc::StaleDataError);
  session.rollback();
  EXPECT_EQ(stored_transactions(b->id()), 1) << "b's transaction is untouched";
}

TEST_F(WriteOnlyTest, DeletingTheParentIsOneDeleteAndInSessionChildrenAreMarkedDeleted) {
  std::int32_t account_id = 0;
  std::int32_t child_id = 0;
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = Account::create({.identifier = "a"});
  auto child = tx("t", "1");
  account->account_transactions().assign({child, tx("u", "2"), tx("v", "3")});
  session.add(account);
  session.commit();
  account_id = account->id();
  child_id = child->id();
  log_->clear();
  session.remove(account);
  session.flush();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << "exactly one DELETE; the collection is never loaded";
  EXPECT_EQ(sql[0].rfind("DELETE FROM account WHERE id = ", 0), 0u) << sql[0];
  // The database deleted the children (ON DELETE CASCADE); the one in this Session knows it
  // without any SQL, instead of being left stale as SQLAlchemy leaves it.
  EXPECT_EQ(ormc::state_of(*child), ormc::ObjectState::Deleted);
  EXPECT_EQ(log_->size(), 1u);
  session.commit();
  EXPECT_EQ(ormc::state_of(*child), ormc::ObjectState::Detached);
  EXPECT_EQ(stored_transactions(account_id), 0) << "ON DELETE CASCADE removed the rows";
  EXPECT_EQ(session.get<AccountTransaction>(child_id), nullptr);
}

TEST_F(WriteOnlyTest, ManyToManyAddsAndRemovesOnlyAssociationRows) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = Account::create({.identifier = "a"});
  std::vector<std::shared_ptr<AccountTransaction>> txs{tx("1", "1"), tx("2", "2"), tx("3", "3")};
  account->account_transactions().add_all(txs);
  session.add(account);
  session.commit();
  log_->clear();

  auto audit = BankAudit::create();
  session.add(audit);
  audit->account_transactions().add_all(txs);
  session.commit();
  auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0].rfind("INSERT INTO audit DEFAULT VALUES", 0), 0u) << sql[0];
  EXPECT_EQ(sql[1].rfind("INSERT INTO audit_transaction (audit_id, transaction_id) ", 0), 0u) << sql[1];
  const auto rows = ormc_test::inserted_rows(log_->entries()[1]);
  ASSERT_EQ(rows.size(), 3u) << "three association rows in one statement";
  EXPECT_EQ(rows[1][0], std::to_string(audit->id()));
  EXPECT_EQ(rows[1][1], std::to_string(txs[1]->id()));

  log_->clear();
  audit->account_transactions().remove(txs[1]);
  session.commit();
  sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_EQ(sql[0].rfind("DELETE FROM audit_transaction WHERE ", 0), 0u) << sql[0];
  EXPECT_EQ(stored_transactions(account->id()), 3) << "the transactions themselves stay";
}

TEST_F(WriteOnlyTest, DeletingAParentWhoseWriteOnlyCollectionCascadesWithoutPassiveDeletesIsRefusedAtRemove) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto ledger = bank::Ledger::create();
  session.add(ledger);
  session.commit();
  try {
    session.remove(ledger);
    FAIL() << "remove() must refuse";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("passive_deletes"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Ledger.entries"), std::string::npos) << e.what();
  }
}

TEST_F(WriteOnlyTest, DeletingAParentWhoseWriteOnlyCollectionLacksPassiveDeletesIsRefusedAtFlush) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto journal = bank::Journal::create();
  session.add(journal);
  session.commit();
  session.remove(journal);
  log_->clear();
  EXPECT_THROW(session.commit(), ormc::InvalidRequestError);
  EXPECT_EQ(log_->count("DELETE"), 0u) << "nothing was deleted";
  session.rollback();
}

TEST_F(WriteOnlyTest, SelectCarriesTheParentCriterionAndTheConfiguredOrder) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto a = Account::create({.identifier = "a"});
  auto b = Account::create({.identifier = "b"});
  a->account_transactions().add_all({tx("deposit", "500.00"), tx("debit 1", "-20.00"), tx("debit 2", "-5.00")});
  b->account_transactions().add(tx("b's debit", "-1.00"));
  session.add(a);
  session.add(b);
  session.commit();
  log_->clear();
  auto debits = session.scalars(a->account_transactions().select()
                                    .where(AccountTransaction::c.amount < Decimal("0"))
                                    .limit(10)).all();
  ASSERT_EQ(debits.size(), 2u) << "b's debit is not in a's collection";
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_NE(sql[0].find("FROM account_transaction WHERE account_transaction.account_id = "), std::string::npos) << sql[0];
  EXPECT_NE(sql[0].find("ORDER BY account_transaction.timestamp"), std::string::npos) << sql[0];
  EXPECT_NE(sql[0].find(" LIMIT "), std::string::npos) << sql[0];

  std::size_t streamed = 0;
  for (auto& t : session.scalars(a->account_transactions().select()).yield_per(2)) streamed += t != nullptr;
  EXPECT_EQ(streamed, 3u);
}

TEST_F(WriteOnlyTest, BulkInsertUpdateAndDeleteArePreBoundToTheParent) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto a = Account::create({.identifier = "a"});
  auto b = Account::create({.identifier = "b"});
  b->account_transactions().add(tx("b's", "-800.00"));
  session.add(a);
  session.add(b);
  session.commit();
  log_->clear();

  using AT = AccountTransaction;
  const auto inserted = session.execute(a->account_transactions()
                                            .insert()
                                            .values(AT::c.description = "transaction 1", AT::c.amount = Decimal("47.50"))
                                            .values(AT::c.description = "transaction 2", AT::c.amount = Decimal("-501.25"))
                                            .values(AT::c.description = "transaction 3", AT::c.amount = Decimal("-800.00")));
  EXPECT_EQ(inserted, 3u);
  auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << "one multi-row INSERT";
  EXPECT_EQ(sql[0].rfind("INSERT INTO account_transaction (account_id, description, amount) VALUES", 0), 0u) << sql[0];
  session.commit();
  EXPECT_EQ(stored_transactions(a->id()), 3);

  log_->clear();
  const auto updated = session.execute(a->account_transactions()
                                           .update()
                                           .values(AT::c.amount = AT::c.amount + 200)
                                           .where(AT::c.amount == Decimal("-800.00")));
  EXPECT_EQ(updated, 1u) << "only a's row, not b's";
  sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_EQ(sql[0].rfind("UPDATE account_transaction SET amount = account_transaction.amount + ", 0), 0u) << sql[0];
  EXPECT_NE(sql[0].find("WHERE account_transaction.account_id = "), std::string::npos) << sql[0];

  log_->clear();
  const auto deleted = session.execute(a->account_transactions().delete_().where(
      AT::c.amount.between(Decimal("0"), Decimal("50"))));
  EXPECT_EQ(deleted, 1u) << "47.50 only";
  sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_EQ(sql[0].rfind("DELETE FROM account_transaction WHERE account_transaction.account_id = ", 0), 0u) << sql[0];
  session.commit();
  EXPECT_EQ(stored_transactions(a->id()), 2);
  EXPECT_EQ(stored_transactions(b->id()), 1);
}

TEST_F(WriteOnlyTest, ManyToManySelectUpdateAndDeleteGoThroughTheAssociationTable) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = Account::create({.identifier = "a"});
  std::vector<std::shared_ptr<AccountTransaction>> txs{tx("1", "1"), tx("2", "2"), tx("3", "3")};
  account->account_transactions().add_all(txs);
  session.add(account);
  auto audit = BankAudit::create();
  session.add(audit);
  audit->account_transactions().add_all({txs[0], txs[2]});
  session.commit();
  log_->clear();

  auto audited = session.scalars(audit->account_transactions().select()).all();
  ASSERT_EQ(audited.size(), 2u);
  auto sql = log_->sql();
  EXPECT_NE(sql[0].find("FROM account_transaction, audit_transaction WHERE audit_transaction.audit_id = "),
            std::string::npos) << sql[0];
  EXPECT_NE(sql[0].find("account_transaction.id = audit_transaction.transaction_id"), std::string::npos) << sql[0];

  using AT = AccountTransaction;
  log_->clear();
  const auto updated = session.execute(audit->account_transactions().update().values(AT::c.description = "audited"));
  EXPECT_EQ(updated, 2u);
  sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_NE(sql[0].find(" FROM audit_transaction WHERE "), std::string::npos) << "UPDATE ... FROM: " << sql[0];

  log_->clear();
  const auto deleted = session.execute(audit->account_transactions().delete_().where(AT::c.amount == Decimal("3")));
  EXPECT_EQ(deleted, 1u);
  sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u);
  if (db_->dialect() == ormc::DialectKind::PostgreSQL)
    EXPECT_NE(sql[0].find("DELETE FROM account_transaction USING audit_transaction WHERE "), std::string::npos) << sql[0];
  else
    EXPECT_NE(sql[0].find("WHERE account_transaction.id IN (SELECT account_transaction.id FROM account_transaction, "
                          "audit_transaction WHERE "),
              std::string::npos)
        << "SQLite has no DELETE ... USING: " << sql[0];
  session.commit();
  EXPECT_EQ(stored_transactions(account->id()), 2);

  EXPECT_THROW((void)audit->account_transactions().insert(), ormc::InvalidRequestError)
      << "a bulk INSERT can't create association rows";
}

TEST_F(WriteOnlyTest, KeysetPagesFollowTheRelationshipOrderAndTheKeyWithoutOffset) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto a = Account::create({.identifier = "a"});
  auto b = Account::create({.identifier = "b"});
  b->account_transactions().add(tx("b's", "1"));
  session.add(a);
  session.add(b);
  session.commit();
  // One INSERT: every row gets the same server-default timestamp, so the key must break the ties.
  using AT = AccountTransaction;
  auto insert = a->account_transactions().insert();
  for (int i = 0; i < 25; ++i) insert = insert.values(AT::c.description = "t" + std::to_string(i), AT::c.amount = Decimal("1"));
  session.execute(insert);
  log_->clear();

  std::vector<std::size_t> sizes;
  std::set<std::int32_t> seen;
  for (auto& page : session.pages(a->account_transactions().select(), 10)) {
    sizes.push_back(page.size());
    for (auto& t : page) {
      EXPECT_EQ(t->account_id(), a->id());
      EXPECT_TRUE(seen.insert(t->id()).second) << "no row twice";
    }
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 10, 5}));
  EXPECT_EQ(seen.size(), 25u) << "no row skipped";
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 3u) << "the last page is short: no empty query after it";
  for (const auto& s : sql) {
    EXPECT_EQ(s.find("OFFSET"), std::string::npos) << s;
    EXPECT_NE(s.find("ORDER BY account_transaction.timestamp, account_transaction.id LIMIT "), std::string::npos) << s;
  }
  EXPECT_NE(sql[1].find("account_transaction.timestamp > "), std::string::npos) << sql[1];
  EXPECT_NE(sql[1].find("account_transaction.timestamp = "), std::string::npos) << sql[1];
  EXPECT_NE(sql[1].find("account_transaction.id > "), std::string::npos) << sql[1];
  EXPECT_NE(sql[1].find("WHERE account_transaction.account_id = "), std::string::npos) << "the parent criterion stays";

  // Descending order walks backwards; a statement with its own limit() is refused.
  std::vector<std::int32_t> descending;
  for (auto& page : session.pages(ormc::select<AT>().where(AT::c.account_id == a->id()).order_by(AT::c.id.desc()), 7))
    for (auto& t : page) descending.push_back(t->id());
  ASSERT_EQ(descending.size(), 25u);
  EXPECT_TRUE(std::is_sorted(descending.rbegin(), descending.rend()));
  EXPECT_THROW((void)session.pages(a->account_transactions().select().limit(3), 10).next(), ormc::InvalidRequestError);
}

}  // namespace
