// Test support: a fresh crud.orm database per test on the CTest-chosen backend, with a statement log.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "crud.orm.hpp"
#include "test_backend.hpp"

namespace ormc_test {

class CrudSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ORMC_TEST_REQUIRE_DATABASE(url, sqlite_file_);
    url_ = url;
    db_ = std::make_unique<ormc::Database>(ormc::connect(url));
    crudtest::metadata().drop_all(*db_);
    crudtest::metadata().create_all(*db_);
    log_ = std::make_unique<StatementLog>(*db_);
  }
  void TearDown() override {
    log_.reset();
    if (db_) db_->clear_statement_listeners();
  }

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

  ormc_test::TempSqliteFile sqlite_file_;
  std::string url_;  ///< what db_ was connected to (for tests that open a Database of their own)
  std::unique_ptr<ormc::Database> db_;
  std::unique_ptr<StatementLog> log_;
};

}  // namespace ormc_test
