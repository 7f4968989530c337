// Test support: the database a runtime test runs on (SQLite or PostgreSQL, chosen by CTest) and a statement log.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <ormc/ormc.hpp>

namespace ormc_test {

/// "sqlite" or "postgresql": set per test by CTest (ORMC_TEST_BACKEND); SQLite when unset.
inline std::string backend() {
  const char* b = std::getenv("ORMC_TEST_BACKEND");
  return b ? b : "sqlite";
}

/// A fresh SQLite file for one test (WAL needs a file: several Sessions then work side by side),
/// removed with its -wal/-shm companions afterwards.
class TempSqliteFile {
 public:
  TempSqliteFile() {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("ormc_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".db"))
                .string();
    remove_files();
  }
  ~TempSqliteFile() { remove_files(); }
  TempSqliteFile(const TempSqliteFile&) = delete;
  TempSqliteFile& operator=(const TempSqliteFile&) = delete;
  [[nodiscard]] std::string url() const { return "sqlite:///" + path_; }

 private:
  void remove_files() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix, ec);
  }
  std::string path_;
};

/// The URL to test against: a fresh SQLite file, or ORMC_TEST_POSTGRESQL_URL. Empty when
/// PostgreSQL is wanted but not configured.
inline std::string database_url(const TempSqliteFile& sqlite_file) {
  if (backend() != "postgresql") return sqlite_file.url();
  const char* url = std::getenv("ORMC_TEST_POSTGRESQL_URL");
  if (url && *url) return url;
  return {};
}

/// Declares `url_var`; without a PostgreSQL URL the test is skipped on a developer machine and
/// fails under CI (CI set), where PostgreSQL tests must run.
#define ORMC_TEST_REQUIRE_DATABASE(url_var, sqlite_file)                                          \
  const std::string url_var = ::ormc_test::database_url(sqlite_file);                             \
  if (url_var.empty()) {                                                                          \
    if (std::getenv("CI")) FAIL() << "ORMC_TEST_POSTGRESQL_URL is not set: PostgreSQL tests must run in CI"; \
    GTEST_SKIP() << "ORMC_TEST_POSTGRESQL_URL is not set";                                        \
  }

/// Every statement a Database executed, in order.
class StatementLog {
 public:
  struct Entry {
    std::string sql;
    std::vector<ormc::Value> params;
  };

  explicit StatementLog(ormc::Database& db) {
    db.on_statement([this](const ormc::StatementEvent& e) {
      std::lock_guard lock(mutex_);
      entries_.push_back({std::string(e.sql), std::vector<ormc::Value>(e.params.begin(), e.params.end())});
    });
  }
  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }
  [[nodiscard]] std::vector<Entry> entries() const {
    std::lock_guard lock(mutex_);
    return entries_;
  }
  [[nodiscard]] std::vector<std::string> sql() const {
    std::vector<std::string> out;
    for (const auto& e : entries()) out.push_back(e.sql);
    return out;
  }
  /// How many statements start with `prefix` (e.g. "SELECT", "INSERT INTO customer").
  [[nodiscard]] std::size_t count(const std::string& prefix) const {
    std::size_t n = 0;
    for (const auto& e : entries()) n += e.sql.rfind(prefix, 0) == 0;
    return n;
  }
  [[nodiscard]] std::size_t size() const { return entries().size(); }

 private:
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

/// A logged value as the text a database reads (integers, strings, decimals, booleans); NULL is nullopt.
inline std::optional<std::string> value_text(const ormc::Value& v) {
  if (v.is_null()) return std::nullopt;
  if (v.holds<std::string>()) return v.as<std::string>();
  if (v.holds<std::int64_t>()) return std::to_string(v.as<std::int64_t>());
  if (v.holds<ormc::Decimal>()) return v.as<ormc::Decimal>().str();
  if (v.holds<bool>()) return v.as<bool>() ? "true" : "false";
  return v.debug_string();
}

/// The elements of a PostgreSQL array literal (`{"a\"b",NULL,3}`): quotes and backslash escapes
/// undone, unquoted NULL as nullopt. Only the one-dimensional literals ormc sends.
inline std::vector<std::optional<std::string>> array_elements(const std::string& literal) {
  std::vector<std::optional<std::string>> out;
  if (literal.size() < 2 || literal.front() != '{' || literal.back() != '}') {
    ADD_FAILURE() << "not an array literal: " << literal.substr(0, 80);
    return out;
  }
  std::size_t i = 1;
  const std::size_t end = literal.size() - 1;
  while (i < end) {
    std::string element;
    if (literal[i] == '"') {
      for (++i; i < end && literal[i] != '"'; ++i) {
        if (literal[i] == '\\') ++i;
        element += literal[i];
      }
      ++i;  // the closing quote
      out.emplace_back(std::move(element));
    } else {
      while (i < end && literal[i] != ',') element += literal[i++];
      if (element == "NULL") out.emplace_back(std::nullopt);
      else out.emplace_back(std::move(element));
    }
    if (i < end && literal[i] == ',') ++i;
  }
  return out;
}

/// The rows a logged INSERT carried, as text, whichever form it took: a VALUES list with a parameter
/// per value, or PostgreSQL's `SELECT * FROM unnest($1::type[], ...)` with one array literal per column.
inline std::vector<std::vector<std::optional<std::string>>> inserted_rows(const StatementLog::Entry& e) {
  std::vector<std::vector<std::optional<std::string>>> rows;
  if (e.sql.find(" FROM unnest(") != std::string::npos) {
    std::vector<std::vector<std::optional<std::string>>> columns;
    for (const auto& p : e.params) columns.push_back(array_elements(p.as<std::string>()));
    for (std::size_t r = 0; !columns.empty() && r < columns[0].size(); ++r) {
      rows.emplace_back();
      for (const auto& column : columns) rows.back().push_back(r < column.size() ? column[r] : std::nullopt);
    }
    return rows;
  }
  const auto open = e.sql.find(" (");
  const auto close = e.sql.find(')', open);
  if (open == std::string::npos || close == std::string::npos) return rows;
  const std::size_t width = 1 + static_cast<std::size_t>(std::count(e.sql.begin() + static_cast<std::ptrdiff_t>(open),
                                                                       e.sql.begin() + static_cast<std::ptrdiff_t>(close), ','));
  for (std::size_t first = 0; first + width <= e.params.size(); first += width) {
    rows.emplace_back();
    for (std::size_t i = 0; i < width; ++i) rows.back().push_back(value_text(e.params[first + i]));
  }
  return rows;
}

/// A fresh database per test on the CTest-chosen backend with `Metadata()`'s tables created (dropped
/// first, for a PostgreSQL server shared by test runs) and a statement log. `Metadata` is a schema's
/// generated `metadata` function.
template <const ormc::MetaData& (*Metadata)()>
class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ORMC_TEST_REQUIRE_DATABASE(url, sqlite_file_);
    url_ = url;
    db_ = std::make_unique<ormc::Database>(ormc::connect(url));
    Metadata().drop_all(*db_);
    Metadata().create_all(*db_);
    log_ = std::make_unique<StatementLog>(*db_);
  }
  void TearDown() override {
    log_.reset();
    if (db_) db_->clear_statement_listeners();
  }

  // Declared in this order so the database closes before its file is removed.
  TempSqliteFile sqlite_file_;
  std::string url_;
  std::unique_ptr<ormc::Database> db_;
  std::unique_ptr<StatementLog> log_;
};

}  // namespace ormc_test
