// The quickstart: creates, reads, updates and deletes rows, printing each step and the SQL it sent.
//
//   quickstart                                   # an SQLite file, quickstart.db, in the current folder
//   quickstart postgresql://user@host:5432/db    # PostgreSQL
#include <iostream>
#include <string>

#include "shop.orm.hpp"

int main(int argc, char** argv) {
  const std::string url = argc > 1 ? argv[1] : "sqlite:///quickstart.db";
  try {
    auto db = ormc::connect(url);
    db.on_statement([](const ormc::StatementEvent& e) {
      std::cout << "    SQL: " << e.sql << "\n";
      if (!e.params.empty()) {
        std::cout << "         [";
        for (std::size_t i = 0; i < e.params.size(); ++i) std::cout << (i ? ", " : "") << e.params[i].debug_string();
        std::cout << "]\n";
      }
    });
    std::cout << "connected to " << db.url() << "\n";

    shop::metadata().drop_all(db);
    shop::metadata().create_all(db);
    std::cout << "created the tables\n";

    std::int32_t customer_id = 0;
    {
      ormc::Session session(db, {.expire_on_commit = false});
      auto ada = shop::Customer::create({.name = "Ada Lovelace", .email = "ada@example.com",
                                         .balance = ormc::Decimal("100.00")});
      session.add(ada);
      session.commit();
      customer_id = ada->id();
      std::cout << "create: customer " << ada->name() << " got id " << customer_id << "\n";

      session.add(shop::Order::create({.customer_id = customer_id, .total = ormc::Decimal("42.50")}));
      session.add(shop::Order::create({.customer_id = customer_id, .total = ormc::Decimal("7.25")}));
      session.commit();
      std::cout << "create: two orders for customer " << customer_id << " in one INSERT\n";
    }
    {
      ormc::Session session(db);
      auto ada = session.get<shop::Customer>(customer_id);
      std::cout << "read: " << ada->name() << " <" << ada->email().value_or("-") << ">, balance "
                << ada->balance().str() << "\n";
      ada->set_balance(ormc::Decimal("57.50"));
      session.commit();
      std::cout << "update: only the balance column was sent\n";
      // Committing expired the object (expire_on_commit): this read reloads it from its row.
      const std::string balance = ada->balance().str();
      std::cout << "read after commit: balance is " << balance << "\n";

      session.remove(ada);
      session.commit();
      std::cout << "delete: customer " << customer_id << " removed (its orders by ON DELETE CASCADE)\n";
      const bool still_there = session.get<shop::Customer>(customer_id) != nullptr;
      std::cout << "read again: " << (still_there ? "still there" : "gone") << "\n";
    }
    return 0;
  } catch (const ormc::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    if (!e.sql().empty()) std::cerr << "  while running: " << e.sql() << "\n";
    return 1;
  }
}
