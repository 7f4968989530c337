// Large collections: every step of SQLAlchemy's "Working with Large Collections" bank example, in order,
// printing each step and the SQL it sent.
//
//   large_collections                                   # an SQLite file, large_collections.db, in the current folder
//   large_collections postgresql://user@host:5432/db    # PostgreSQL
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "bank.orm.hpp"

namespace {

using bank::Account;
using bank::AccountTransaction;
using bank::BankAudit;
using ormc::Decimal;
using AT = bank::AccountTransaction;

/// The statements of the current step, so that each step ends with what it sent (and tests can check it).
std::vector<std::string> step_sql;

void step(int number, const std::string& title) {
  step_sql.clear();
  std::cout << "\n== " << number << ". " << title << "\n";
}

/// "-- 2 statements: 1 INSERT INTO account, 1 INSERT INTO account_transaction" (counted by verb and table).
void end_step() {
  std::map<std::string, int> kinds;
  for (const std::string& sql : step_sql) {
    // The verb and its table: the first three words ("INSERT INTO account", "DELETE FROM account", "UPDATE x SET").
    std::string head;
    std::size_t pos = 0;
    for (int words = 0; words < 3 && pos != std::string::npos; ++words) {
      const std::size_t next = sql.find(' ', pos);
      head += (words ? " " : "") + sql.substr(pos, next == std::string::npos ? next : next - pos);
      pos = next == std::string::npos ? next : next + 1;
    }
    if (head.rfind("UPDATE", 0) == 0 || head.rfind("SELECT", 0) == 0) head = head.substr(0, head.find(' '));
    ++kinds[head];
  }
  std::cout << "   -- " << step_sql.size() << (step_sql.size() == 1 ? " statement" : " statements");
  const char* sep = ": ";
  for (const auto& [kind, count] : kinds) {
    std::cout << sep << count << " " << kind;
    sep = ", ";
  }
  std::cout << "\n";
}

std::string describe(const AccountTransaction& t) {
  return "AccountTransaction(id=" + std::to_string(t.id()) + ", description='" + t.description() +
         "', amount=" + t.amount().str() + ", timestamp=" + ormc::Value(t.timestamp()).debug_string() + ")";
}

std::shared_ptr<AccountTransaction> transaction(const std::string& description, const char* amount) {
  return AccountTransaction::create({.description = description, .amount = Decimal(amount)});
}

}  // namespace

int main(int argc, char** argv) {
  const std::string url = argc > 1 ? argv[1] : "sqlite:///large_collections.db";
  try {
    auto db = ormc::connect(url);
    db.on_statement([](const ormc::StatementEvent& e) {
      step_sql.emplace_back(e.sql);
      std::cout << "    SQL: " << e.sql << "\n";
      if (!e.params.empty()) {
        std::cout << "         [";
        for (std::size_t i = 0; i < e.params.size(); ++i) std::cout << (i ? ", " : "") << e.params[i].debug_string();
        std::cout << "]\n";
      }
    });
    std::cout << "connected to " << db.url() << "\n";
    bank::metadata().drop_all(db);
    bank::metadata().create_all(db);
    std::cout << "created the tables account, account_transaction, audit, audit_transaction\n";

    // --- Creating and persisting new write-only collections
    std::shared_ptr<Account> new_account;
    {
      step(1, "create an account with a whole collection while it is transient");
      ormc::Session session(db, {.expire_on_commit = false});
      new_account = Account::create({.identifier = "account_01"});
      new_account->account_transactions().assign({transaction("initial deposit", "500.00"),
                                                  transaction("transfer", "1000.00"),
                                                  transaction("withdrawal", "-29.50")});
      session.add(new_account);
      session.commit();
      end_step();
      std::cout << "   account_01 has id " << new_account->id() << "; its 3 transactions went in one INSERT\n";

      step(2, "replacing the whole collection of a persistent account is refused");
      try {
        new_account->account_transactions().assign({transaction("some transaction", "10.00")});
        std::cout << "   unexpected: the assignment was accepted\n";
        return 1;
      } catch (const ormc::InvalidRequestError& e) {
        std::cout << "   InvalidRequestError: " << e.what() << "\n";
      }
      end_step();
    }

    // --- Adding new items to an existing collection (a new Session, as the chapter does)
    ormc::Session session(db, {.expire_on_commit = false});
    step(3, "load the account, add_all two transactions to its collection, commit");
    auto existing_account = session.scalar(ormc::select<Account>().where(Account::c.identifier == "account_01"));
    existing_account->account_transactions().add_all(
        {transaction("paycheck", "2000.00"), transaction("rent", "-800.00")});
    session.commit();
    end_step();
    std::cout << "   no SELECT of the collection: the two rows were INSERTed with RETURNING id, timestamp\n";

    // --- Querying items
    step(4, "select() the debits: where(amount < 0).limit(10)");
    // The configured order (timestamp) comes first; timestamps can tie (PostgreSQL's now() is the
    // transaction's start, SQLite's has millisecond resolution), so the id is appended as a tie-break and
    // "the first debit" is the same row on every run and backend.
    auto account_transactions = session.scalars(existing_account->account_transactions()
                                                    .select()
                                                    .where(AT::c.amount < Decimal("0"))
                                                    .order_by(AT::c.id)
                                                    .limit(10))
                                    .all();
    end_step();
    for (const auto& t : account_transactions) std::cout << "   " << describe(*t) << "\n";

    // --- Removing items
    step(5, "remove() the first debit: delete-orphan DELETEs its row");
    auto existing_transaction = account_transactions.at(0);
    existing_account->account_transactions().remove(existing_transaction);
    session.commit();
    end_step();
    std::cout << "   removed '" << existing_transaction->description() << "'\n";

    // --- Bulk INSERT of new items (one-to-many)
    step(6, "bulk insert() of four new rows into the collection");
    const auto inserted = session.execute(existing_account->account_transactions().insert(),
                                          {{.description = "transaction 1", .amount = Decimal("47.50")},
                                           {.description = "transaction 2", .amount = Decimal("-501.25")},
                                           {.description = "transaction 3", .amount = Decimal("1800.00")},
                                           {.description = "transaction 4", .amount = Decimal("-300.00")}});
    session.commit();
    end_step();
    std::cout << "   inserted " << inserted << " rows in one statement, no objects created\n";

    // --- Many-to-many: bulk insert separately, then add_all to the audit's collection
    step(7, "bulk insert three more transactions, then add_all them to a new BankAudit (many-to-many)");
    // As the chapter: the new objects come back from INSERT ... RETURNING, already in the Session.
    const std::vector<std::shared_ptr<AT>> new_transactions =
        session.execute(existing_account->account_transactions().insert().returning(),
                        {{.description = "odd trans 1", .amount = Decimal("50000.00")},
                         {.description = "odd trans 2", .amount = Decimal("25000.00")},
                         {.description = "odd trans 3", .amount = Decimal("45.00")}});
    auto bank_audit = BankAudit::create();
    session.add(bank_audit);
    bank_audit->account_transactions().add_all(new_transactions);
    session.commit();
    end_step();
    std::cout << "   audit " << bank_audit->id() << " refers to " << new_transactions.size()
              << " transactions through audit_transaction\n";

    // --- Bulk UPDATE and DELETE of items (one-to-many)
    step(8, "bulk update(): amount + 200 where amount == -800");
    const auto updated = session.execute(existing_account->account_transactions()
                                             .update()
                                             .values(AT::c.amount = AT::c.amount + 200)
                                             .where(AT::c.amount == Decimal("-800")));
    end_step();
    std::cout << "   updated " << updated << " row(s)\n";

    step(9, "bulk delete_() where amount between 0 and 30");
    const auto deleted =
        session.execute(existing_account->account_transactions().delete_().where(AT::c.amount.between(Decimal("0"), Decimal("30"))));
    end_step();
    // None of the account's amounts lies in [0, 30] at this point, as in the chapter: the statement is the point.
    std::cout << "   deleted " << deleted << " row(s)\n";

    // --- Bulk UPDATE of a many-to-many collection, through the association table
    step(10, "bulk update() of the audit's transactions (many-to-many, through audit_transaction)");
    // The chapter appends " (audited)" with SQL's ||; typed expressions have no string concatenation
    // yet, so the description is replaced instead — the statement's shape (UPDATE ... FROM / IN) is the point.
    const auto audited =
        session.execute(bank_audit->account_transactions().update().values(AT::c.description = "odd trans (audited)"));
    session.commit();
    end_step();
    std::cout << "   " << audited << " transaction(s) marked audited\n";

    // --- Deleting the parent: passive_deletes leaves the children to ON DELETE CASCADE
    step(11, "delete the account: passive_deletes, so exactly one DELETE");
    session.remove(existing_account);
    session.commit();
    end_step();

    std::cout << "\n== check\n";
    const std::int64_t left = session.scalar(ormc::select(ormc::count()).select_from<AccountTransaction>());
    std::cout << "   account_transaction rows left: " << left << " (ON DELETE CASCADE removed them)\n";
    return left == 0 ? 0 : 1;
  } catch (const ormc::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    if (!e.sql().empty()) std::cerr << "  while running: " << e.sql() << "\n";
    return 1;
  }
}
