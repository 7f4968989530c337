// SQLite, hand-written side: a careful sqlite3 C API program (prepared statements, one transaction).
#include <sqlite3.h>

#include <memory>
#include <vector>
#include <stdexcept>
#include <string>

#include "workloads.hpp"

namespace ormc_bench {
namespace {

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

/// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) { check(sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr), db, sql); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  /// One step; true while it yields a row.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    check(rc, db_, "step");
    return rc == SQLITE_ROW;
  }
  void reset() { sqlite3_reset(stmt_); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

MemberRow read_member(sqlite3_stmt* stmt) {
  return {sqlite3_column_int(stmt, 0),
          std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)),
                      static_cast<std::size_t>(sqlite3_column_bytes(stmt, 1))),
          sqlite3_column_int(stmt, 2)};
}

/// The hand-written side's own connection, configured as ormc configures its own: no per-connection
/// mutex (one thread uses it; the default serialized mode would lock on every call, which ormc's
/// connections do not), foreign keys on, WAL.
class RawSqlite final : public RawBackend {
 public:
  explicit RawSqlite(const std::string& path) {
    check(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr),
          db_, "open");
    exec("PRAGMA foreign_keys=ON");
    exec("PRAGMA journal_mode=WAL");
  }
  ~RawSqlite() override { sqlite3_close(db_); }

  void insert_returning(std::int32_t org_id, std::size_t n) override {
    exec("BEGIN");
    Statement stmt(db_, "INSERT INTO members (member_name, org_id) VALUES (?1, ?2) RETURNING member_id");
    std::vector<std::int32_t> ids;
    ids.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string name = "member " + std::to_string(i);
      sqlite3_bind_text(stmt.get(), 1, name.c_str(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int(stmt.get(), 2, org_id);
      if (stmt.step()) ids.push_back(sqlite3_column_int(stmt.get(), 0));
      stmt.reset();
    }
    exec("COMMIT");
  }

  void bulk_insert(std::int32_t org_id, std::size_t n) override {
    exec("BEGIN");
    Statement stmt(db_, "INSERT INTO members (member_name, org_id) VALUES (?1, ?2)");
    for (std::size_t i = 0; i < n; ++i) {
      const std::string name = "member " + std::to_string(i);
      sqlite3_bind_text(stmt.get(), 1, name.c_str(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int(stmt.get(), 2, org_id);
      stmt.step();
      stmt.reset();
    }
    exec("COMMIT");
  }

  std::size_t filter_limit10(std::int32_t org_id) override {
    std::size_t rows = 0;
    exec("BEGIN");
    Statement stmt(db_,
                   "SELECT member_id, member_name, org_id FROM members WHERE org_id = ?1 AND member_name LIKE ?2 LIMIT ?3");
    for (int q = 0; q < kFilterQueries; ++q) {
      sqlite3_bind_int(stmt.get(), 1, org_id);
      sqlite3_bind_text(stmt.get(), 2, "%member 1%", -1, SQLITE_STATIC);
      sqlite3_bind_int(stmt.get(), 3, 10);
      std::vector<MemberRow> some;
      while (stmt.step()) some.push_back(read_member(stmt.get()));
      rows += some.size();
      stmt.reset();
    }
    exec("COMMIT");
    return rows;
  }

  std::size_t stream(std::int32_t org_id) override {
    std::size_t count = 0;
    exec("BEGIN");
    Statement stmt(db_, "SELECT member_id, member_name, org_id FROM members WHERE org_id = ?1");
    sqlite3_bind_int(stmt.get(), 1, org_id);
    // SQLite has no cursor to fetch from: stepping is streaming. Rows are materialised in batches of
    // kStreamBatch, as a consumer that hands batches on would.
    std::vector<MemberRow> batch;
    batch.reserve(kStreamBatch);
    while (stmt.step()) {
      batch.push_back(read_member(stmt.get()));
      if (batch.size() == kStreamBatch) {
        count += batch.size();
        batch.clear();
      }
    }
    count += batch.size();
    exec("COMMIT");
    return count;
  }

  void delete_parent(std::int32_t org_id) override {
    exec("BEGIN");
    Statement stmt(db_, "DELETE FROM organizations WHERE org_id = ?1");
    sqlite3_bind_int(stmt.get(), 1, org_id);
    stmt.step();
    exec("COMMIT");
  }

 private:
  void exec(const char* sql) { check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), db_, sql); }
  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<RawBackend> open_raw_sqlite(const std::string& path) { return std::make_unique<RawSqlite>(path); }

}  // namespace ormc_bench
