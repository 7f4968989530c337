// Test support: a fresh crud.orm database per test on the CTest-chosen backend, with a statement log.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "crud.orm.hpp"
#include "test_backend.hpp"

namespace ormc_test {

class CrudSessionTest : public ormc_test::DatabaseTest<&crudtest::metadata> {
 protected:
  static std::shared_ptr<crudtest::Customer> customer(const std::string& name) {
    return crudtest::Customer::create(
        {.name = name, .balance = ormc::Decimal("500.00"), .active = true, .score = 1.5, .visits = 3});
  }

  /// The committed row as a new Session sees it (nullptr when there is none).
  std::shared_ptr<crudtest::Customer> fresh_get(std::int32_t id) {
    ormc::Session s(*db_);
    return s.get<crudtest::Customer>(id);
  }

  /// Customers committed now, in a Session of their own; returned detached-but-loaded
  /// (expire_on_commit off), so the test's own Session starts empty.
  std::vector<std::shared_ptr<crudtest::Customer>> committed_customers(int n) {
    ormc::Session s(*db_, {.expire_on_commit = false});
    std::vector<std::shared_ptr<crudtest::Customer>> all;
    for (int i = 0; i < n; ++i) all.push_back(customer("c" + std::to_string(i)));
    s.add_all(all);
    s.commit();
    return all;
  }
};

}  // namespace ormc_test
