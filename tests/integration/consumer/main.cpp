// The install test's consumer: stores a row through generated code and reads it back.
#include <iostream>

#include "inventory.orm.hpp"

int main() {
  auto db = ormc::connect("sqlite://:memory:");
  inventory::metadata().create_all(db);
  ormc::Session session(db, {.expire_on_commit = false});
  auto item = inventory::Item::create({.name = "widget"});
  session.add(item);
  session.commit();
  ormc::Session again(db);
  session.close();
  auto loaded = again.get<inventory::Item>(item->id());
  if (!loaded) return 1;
  std::cout << "stored and loaded: " << loaded->name() << "\n";
  return 0;
}
