// Connection and Rows over the sqlite3 C API: cached prepared statements, binding, decoding, error mapping.
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "connection.hpp"
#include "ormc/errors.hpp"
#include "value_text.hpp"

namespace ormc::detail {
namespace {

// Like Python's sqlite3 module (128) and SQLAlchemy's compiled cache (500): enough for every
// statement shape a program uses, bounded for programs that build many distinct texts.
constexpr std::size_t kMaxCachedStatements = 256;

std::string with_sql(std::string_view message, std::string_view sql) {
  return sql.empty() ? std::string(message) : fmt::format("{}\n[SQL: {}]", message, sql);
}

// SQLite names only CHECK constraints in its messages ("CHECK constraint failed: name"); a UNIQUE or
// NOT NULL message names table.column, which is not a constraint name.
std::string constraint_name(std::string_view message) {
  constexpr std::string_view check = "CHECK constraint failed: ";
  if (message.substr(0, check.size()) == check) return std::string(message.substr(check.size()));
  return {};
}

[[noreturn]] void throw_error(int rc, std::string_view db_message, std::string_view sql) {
  const std::string msg(db_message);
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:  // e.g. text into an INTEGER PRIMARY KEY; Python's sqlite3 agrees
      throw IntegrityError(with_sql(msg, sql), std::string(sql), msg, constraint_name(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw OperationalError(
          with_sql(fmt::format("database is locked: another connection holds a conflicting lock and did not release it "
                               "within the busy timeout ({})",
                               msg),
                   sql),
          std::string(sql), msg);
    case SQLITE_READONLY:
      throw OperationalError(
          with_sql(fmt::format("the SQLite database is read-only: it was opened with mode=ro, or its file or folder "
                               "is not writable ({})",
                               msg),
                   sql),
          std::string(sql), msg);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN: throw OperationalError(with_sql(msg, sql), std::string(sql), msg);
    case SQLITE_TOOBIG:
    case SQLITE_RANGE: throw DataError(with_sql(msg, sql), std::string(sql), msg);
    default: throw DatabaseError(with_sql(msg, sql), std::string(sql), msg);
  }
}

using Kind = DecodedCell::Kind;

[[noreturn]] void throw_decode_error(std::size_t column, Kind kind, std::string_view shown, Type type) {
  static constexpr const char* storage_names[] = {"NULL", "INTEGER", "REAL", "TEXT", "BLOB"};  // by Kind
  static constexpr const char* type_names[] = {"SmallInteger", "Integer", "BigInteger", "Boolean", "Float",
                                               "Double",       "Numeric", "String",     "Text",    "Date",
                                               "DateTime",     "Uuid",    "LargeBinary"};
  const std::string_view sample = shown.substr(0, 60);
  throw DataError(fmt::format("cannot read column {} (SQLite {} value '{}') as {}", column,
                              storage_names[static_cast<int>(kind)], sample,
                              type_names[static_cast<int>(type)]));
}

// NUMERIC affinity stores a decimal as INTEGER when it is a whole number that fits 64 bits, else as
// REAL, which keeps 15 significant digits (DBL_DIG): true when `text` (Decimal's canonical text)
// comes back exactly. A value that wouldn't is refused at bind time rather than rounded silently.
bool numeric_affinity_keeps(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  const auto dot = text.find('.');
  if (dot == std::string_view::npos && parse_int64(text)) return true;
  std::string digits(text.substr(0, dot));
  if (dot != std::string_view::npos) digits += text.substr(dot + 1);
  const auto first = digits.find_first_not_of('0');
  if (first == std::string::npos) return true;
  const auto last = digits.find_last_not_of('0');
  return last - first + 1 <= 15;
}

// SQLite renders REAL with 15 significant digits and may use an exponent ("1.0e-06"); Decimal only
// reads plain digits, so the exponent is applied by moving the point in the text.
std::optional<std::string> plain_decimal_text(std::string_view s) {
  std::string sign;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    if (s.front() == '-') sign = "-";
    s.remove_prefix(1);
  }
  const auto e = s.find_first_of("eE");
  if (e == std::string_view::npos) return sign + std::string(s);
  const auto exponent = parse_int64(s.substr(e + 1));
  if (!exponent || *exponent > 4096 || *exponent < -4096) return std::nullopt;
  const std::string_view mantissa = s.substr(0, e);
  const auto dot = mantissa.find('.');
  const std::string_view integer = mantissa.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : mantissa.substr(dot + 1);
  if (integer.empty()) return std::nullopt;
  const std::string digits = std::string(integer) + std::string(fraction);
  const std::int64_t point = static_cast<std::int64_t>(integer.size()) + *exponent;
  if (point <= 0) return sign + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  if (point >= static_cast<std::int64_t>(digits.size()))
    return sign + digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0');
  return sign + digits.substr(0, static_cast<std::size_t>(point)) + "." +
         digits.substr(static_cast<std::size_t>(point));
}

std::string real_text(double d) {
  char buf[64];
  sqlite3_snprintf(sizeof buf, buf, "%!.15g", d);
  return buf;
}

/// Views a cell in the type SQLite stored it in, with one sqlite3_column_value. Its "unprotected"
/// value is safe here because a connection is used by one thread at a time (opened
/// SQLITE_OPEN_NOMUTEX, handed out by the pool). No conversion is asked for, so reading one cell
/// never moves a text another cell's view points into. The view is valid until the next step.
inline void read_cell(sqlite3_stmt* stmt, int column, DecodedCell& c) {
  sqlite3_value* v = sqlite3_column_value(stmt, column);
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      c.kind = Kind::Integer;
      c.integer = sqlite3_value_int64(v);
      break;
    case SQLITE_FLOAT:
      c.kind = Kind::Real;
      c.real = sqlite3_value_double(v);
      break;
    case SQLITE_TEXT: {
      // Text first, then its length: the documented order for sqlite3_value_bytes.
      const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
      c.kind = Kind::Text;
      c.bytes = std::string_view(text ? text : "", static_cast<std::size_t>(sqlite3_value_bytes(v)));
      break;
    }
    case SQLITE_BLOB: {
      const auto* blob = static_cast<const char*>(sqlite3_value_blob(v));
      c.kind = Kind::Blob;
      c.bytes = std::string_view(blob ? blob : "", static_cast<std::size_t>(sqlite3_value_bytes(v)));
      break;
    }
    default: c.kind = Kind::Null; break;
  }
}

/// A cell's owned copy, for rows buffered before the statement is reset.
struct Cell {
  Kind kind = Kind::Null;
  std::int64_t integer = 0;
  double real = 0;
  std::string bytes;
  [[nodiscard]] DecodedCell view() const { return {kind, integer, real, bytes}; }
};

std::string shown(const DecodedCell& c) {
  switch (c.kind) {
    case Kind::Integer: return std::to_string(c.integer);
    case Kind::Real: return real_text(c.real);
    case Kind::Blob: return hex_encode(std::as_bytes(std::span(c.bytes.data(), c.bytes.size())));
    default: return std::string(c.bytes);
  }
}

Value decode(const DecodedCell& c, std::size_t column, Type type) {
  if (c.kind == Kind::Null) return Value();
  const auto fail = [&]() -> Value { throw_decode_error(column, c.kind, shown(c), type); };
  switch (type) {
    case Type::SmallInteger:
    case Type::Integer:
    case Type::BigInteger:
      if (c.kind == Kind::Integer) return Value(c.integer);
      if (c.kind == Kind::Real && std::trunc(c.real) == c.real && std::abs(c.real) < 9.2e18)
        return Value(static_cast<std::int64_t>(c.real));
      if (c.kind == Kind::Text) {
        if (auto v = parse_int64(c.bytes)) return Value(*v);
      }
      return fail();
    case Type::Boolean:
      if (c.kind == Kind::Integer) return Value(c.integer != 0);
      if (c.kind == Kind::Text && (c.bytes == "0" || c.bytes == "1")) return Value(c.bytes == "1");
      return fail();
    case Type::Float:
    case Type::Double:
      if (c.kind == Kind::Real) return Value(c.real);
      if (c.kind == Kind::Integer) return Value(static_cast<double>(c.integer));
      if (c.kind == Kind::Text) {
        if (auto v = parse_double(c.bytes)) return Value(*v);
      }
      return fail();
    case Type::Numeric: {
      // NUMERIC affinity stores what it can as INTEGER or REAL (15 significant digits); the session
      // re-quantises to the column's scale, so "12.5" read here becomes 12.50 again.
      std::optional<std::string> text;
      if (c.kind == Kind::Integer)
        text = std::to_string(c.integer);
      else if (c.kind == Kind::Real && std::isfinite(c.real))
        text = plain_decimal_text(real_text(c.real));
      else if (c.kind == Kind::Text)
        text = plain_decimal_text(c.bytes);
      if (!text) return fail();
      try {
        return Value(Decimal(*text));
      } catch (const DataError&) {
        return fail();
      }
    }
    case Type::String:
    case Type::Text:
      if (c.kind == Kind::Text || c.kind == Kind::Blob) return Value(std::string(c.bytes));
      return Value(shown(c));
    case Type::Date:
      if (c.kind == Kind::Text) {
        if (auto d = parse_date(c.bytes)) return Value(*d);
      }
      return fail();
    case Type::DateTime:
      if (c.kind == Kind::Text) {
        if (auto t = parse_timestamp(c.bytes)) return Value(*t);
      }
      return fail();
    case Type::Uuid:
      if (c.kind == Kind::Blob && c.bytes.size() == 16) {
        std::array<std::uint8_t, 16> b{};
        std::memcpy(b.data(), c.bytes.data(), 16);
        return Value(Uuid(b));
      }
      if (c.kind == Kind::Text) {
        try {
          return Value(Uuid::parse(c.bytes));
        } catch (const DataError&) {
          return fail();
        }
      }
      return fail();
    case Type::LargeBinary:
      if (c.kind == Kind::Blob || c.kind == Kind::Text) {
        const auto* p = reinterpret_cast<const std::byte*>(c.bytes.data());
        return Value(Bytes(p, p + c.bytes.size()));
      }
      return fail();
  }
  return fail();
}

/// A cached prepared statement; `in_use` while a Rows reads from it.
struct CachedStatement {
  sqlite3_stmt* stmt = nullptr;
  bool in_use = false;
  std::uint64_t last_used = 0;
};

/// Rows of a statement that completed inside execute(): none, or the buffered rows of a
/// data-changing statement with RETURNING (so that affected_rows() is already valid).
class BufferedRows final : public Rows {
 public:
  BufferedRows(std::size_t columns, std::vector<std::vector<Cell>> rows, std::uint64_t affected)
      : columns_(columns), rows_(std::move(rows)), affected_(affected) {}

  bool next() override {
    if (started_ && current_ < rows_.size()) ++current_;
    started_ = true;
    return current_ < rows_.size();
  }
  [[nodiscard]] std::size_t column_count() const override { return columns_; }
  [[nodiscard]] Value get(std::size_t column, Type type) const override {
    return decode(cell(column).view(), column, type);
  }
  [[nodiscard]] std::uint64_t affected_rows() const override { return affected_; }

 private:
  [[nodiscard]] bool driver_is_null(std::size_t column) const override { return cell(column).kind == Kind::Null; }
  [[nodiscard]] CellRead driver_read_int64(std::size_t column, std::int64_t& out) const override {
    const Cell& c = cell(column);
    if (c.kind == Kind::Null) return CellRead::Null;
    if (c.kind != Kind::Integer) return CellRead::Other;
    out = c.integer;
    return CellRead::Read;
  }
  [[nodiscard]] CellRead driver_read_text(std::size_t column, std::string& out) const override {
    const Cell& c = cell(column);
    if (c.kind == Kind::Null) return CellRead::Null;
    if (c.kind != Kind::Text) return CellRead::Other;
    out = c.bytes;
    return CellRead::Read;
  }
  const Cell& cell(std::size_t column) const {
    check_cell(started_ && current_ < rows_.size(), column, columns_);
    return rows_[current_][column];
  }

  std::size_t columns_;
  std::vector<std::vector<Cell>> rows_;
  std::uint64_t affected_;
  std::size_t current_ = 0;
  bool started_ = false;
};

/// Rows of a read-only statement, stepped one row per next(), which decodes the row's cells as it
/// steps onto it (so that generated loaders read them without a virtual call per cell). Resets the
/// statement (releasing its read lock) when destroyed.
class LazyRows final : public Rows {
 public:
  LazyRows(sqlite3* db, sqlite3_stmt* stmt, CachedStatement* cached, bool has_row)
      : db_(db),
        stmt_(stmt),
        cached_(cached),
        pending_(has_row),
        done_(!has_row),
        row_(static_cast<std::size_t>(sqlite3_column_count(stmt))) {}
  LazyRows(const LazyRows&) = delete;
  LazyRows& operator=(const LazyRows&) = delete;
  ~LazyRows() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (cached_ != nullptr)
      cached_->in_use = false;
    else
      sqlite3_finalize(stmt_);
  }

  bool next() override {
    decoded_ = {};
    if (pending_) {
      pending_ = false;
      decode_row();
      return true;
    }
    if (done_) return false;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
      decode_row();
      return true;
    }
    done_ = true;
    if (rc != SQLITE_DONE) {
      const std::string msg = sqlite3_errmsg(db_);
      sqlite3_reset(stmt_);
      throw_error(rc, msg, sqlite3_sql(stmt_));
    }
    return false;
  }
  [[nodiscard]] std::size_t column_count() const override { return row_.size(); }
  [[nodiscard]] Value get(std::size_t column, Type type) const override {
    check_cell(!decoded_.empty() || row_.empty(), column, row_.size());
    return decode(row_[column], column, type);
  }
  // Read-only statements change nothing.
  [[nodiscard]] std::uint64_t affected_rows() const override { return 0; }

 private:
  // decoded() answers for every cell of a current row; these run only for a cell there isn't.
  [[nodiscard]] bool driver_is_null(std::size_t column) const override { throw_no_cell(column); }
  [[nodiscard]] CellRead driver_read_int64(std::size_t column, std::int64_t&) const override { throw_no_cell(column); }
  [[nodiscard]] CellRead driver_read_text(std::size_t column, std::string&) const override { throw_no_cell(column); }

  void decode_row() {
    const int columns = static_cast<int>(row_.size());
    for (int i = 0; i < columns; ++i) read_cell(stmt_, i, row_[static_cast<std::size_t>(i)]);
    decoded_ = row_;
  }
  [[noreturn]] void throw_no_cell(std::size_t column) const { throw_cell_error(!decoded_.empty(), column, row_.size()); }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  CachedStatement* cached_;  ///< null when this Rows owns (and finalizes) the statement
  bool pending_;             ///< execute() already stepped onto the first row
  bool done_;
  std::vector<DecodedCell> row_;  ///< the current row's cells (decoded_ views them while there is one)
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, bool in_memory) : db_(db), in_memory_(in_memory) {}
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection() override {
    for (auto& [sql, entry] : cache_) sqlite3_finalize(entry.stmt);
    sqlite3_close_v2(db_);
  }

  [[nodiscard]] DialectKind dialect() const noexcept override { return DialectKind::SQLite; }

  void begin() override {
    if (in_transaction()) throw InvalidRequestError("begin(): a transaction is already in progress");
    run("BEGIN");
  }
  void commit() override {
    if (!in_transaction()) throw InvalidRequestError("commit(): no transaction is in progress");
    savepoints_.clear();
    run("COMMIT");
  }
  // SQLite itself rolls back on some errors (SQLITE_FULL, ON CONFLICT ROLLBACK, ...), so a
  // rollback with nothing left to undo is not an error.
  void rollback() override {
    savepoints_.clear();
    if (in_transaction()) run("ROLLBACK");
  }
  void savepoint(const std::string& name) override {
    run("SAVEPOINT " + savepoint_name(name));
    savepoints_.push_back(name);
  }
  // RELEASE ends the savepoint and every one begun after it; ROLLBACK TO keeps the savepoint itself.
  void release_savepoint(const std::string& name) override {
    run("RELEASE SAVEPOINT " + savepoint_name(name));
    forget_savepoints_after(name, true);
  }
  void rollback_to_savepoint(const std::string& name) override {
    run("ROLLBACK TO SAVEPOINT " + savepoint_name(name));
    forget_savepoints_after(name, false);
  }
  [[nodiscard]] bool in_transaction() const noexcept override { return sqlite3_get_autocommit(db_) == 0; }

  std::unique_ptr<Rows> execute(const std::string& sql, std::span<const Value> params) override {
    CachedStatement* cached = nullptr;
    sqlite3_stmt* stmt = statement(sql, cached);
    const int columns = sqlite3_column_count(stmt);
    // A statement that will be stepped after execute() returns must own copies of its
    // parameters; one that completes here may read them in place.
    const bool lazy = columns > 0 && sqlite3_stmt_readonly(stmt) != 0;
    try {
      bind(stmt, sql, params, lazy);
    } catch (...) {
      finish(stmt, cached);
      throw;
    }
    sqlite3_int64 changes_before = sqlite3_total_changes64(db_);
    int rc = sqlite3_step(stmt);
    if ((rc & 0xFF) == SQLITE_BUSY && restartable_for_write(stmt)) {
      sqlite3_reset(stmt);  // keeps the bindings for the second attempt
      try {
        restart_for_write();
      } catch (...) {
        finish(stmt, cached);
        throw;
      }
      changes_before = sqlite3_total_changes64(db_);
      rc = sqlite3_step(stmt);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail_step(rc, stmt, cached, sql);
    if (lazy) return std::make_unique<LazyRows>(db_, stmt, cached, rc == SQLITE_ROW);

    std::vector<std::vector<Cell>> rows;
    while (rc == SQLITE_ROW) {
      std::vector<Cell>& row = rows.emplace_back(static_cast<std::size_t>(columns));
      for (int i = 0; i < columns; ++i) {
        DecodedCell v;
        read_cell(stmt, i, v);
        row[static_cast<std::size_t>(i)] = Cell{v.kind, v.integer, v.real, std::string(v.bytes)};
      }
      rc = sqlite3_step(stmt);
    }
    if (rc != SQLITE_DONE) fail_step(rc, stmt, cached, sql);
    // sqlite3_changes64() keeps the count of the last INSERT/UPDATE/DELETE through DDL and the
    // like, so it only counts when this statement changed rows at all.
    const bool changed = sqlite3_total_changes64(db_) != changes_before;
    const auto affected = changed ? static_cast<std::uint64_t>(sqlite3_changes64(db_)) : 0;
    finish(stmt, cached);
    return std::make_unique<BufferedRows>(static_cast<std::size_t>(columns), std::move(rows), affected);
  }

  void execute_script(const std::string& sql) override { run(sql); }

  // A database file found corrupt or not a database is unusable; a :memory: connection is the
  // database itself and is never given up.
  [[nodiscard]] bool broken() const noexcept override { return broken_; }

 private:
  static std::string savepoint_name(const std::string& name) {
    const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!ok) throw InvalidRequestError(fmt::format("invalid savepoint name '{}'", name));
    return '"' + name + '"';
  }

  void forget_savepoints_after(const std::string& name, bool including) {
    const auto it = std::find(savepoints_.rbegin(), savepoints_.rend(), name);
    if (it == savepoints_.rend()) return;
    const auto keep = static_cast<std::size_t>(savepoints_.rend() - it) - (including ? 1 : 0);
    savepoints_.resize(keep);
  }

  // A write that found the database locked can be retried after restarting the transaction when
  // the transaction has only read so far: nothing of it is lost. SQLite does not wait (call the
  // busy handler) for a transaction that already holds a read snapshot, because the snapshot may
  // be older than the other writer's commit (SQLITE_BUSY_SNAPSHOT) — so without this, two
  // Sessions that each read then write fail instead of taking turns. The restarted transaction
  // sees rows committed meanwhile, which is what PostgreSQL's default isolation (read committed)
  // gives too. Not done when a savepoint is open or another statement of the transaction is
  // still being read: a ROLLBACK would end those.
  bool restartable_for_write(sqlite3_stmt* failed) const {
    if (in_memory_ || !in_transaction() || !savepoints_.empty()) return false;
    if (sqlite3_stmt_readonly(failed) != 0) return false;
    if (sqlite3_txn_state(db_, nullptr) != SQLITE_TXN_READ) return false;
    for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s != nullptr; s = sqlite3_next_stmt(db_, s)) {
      if (s != failed && sqlite3_stmt_busy(s) != 0) return false;
    }
    return true;
  }
  // BEGIN IMMEDIATE takes the write lock up front, waiting for it through the busy handler.
  void restart_for_write() {
    run("ROLLBACK");
    run("BEGIN IMMEDIATE");
  }

  void note_failure(int rc) {
    const int primary = rc & 0xFF;
    if (!in_memory_ && (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)) broken_ = true;
  }

  void run(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return;
    const std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    note_failure(rc);
    throw_error(rc, msg, sql);
  }

  [[noreturn]] void fail_step(int rc, sqlite3_stmt* stmt, CachedStatement* cached, const std::string& sql) {
    const std::string msg = sqlite3_errmsg(db_);
    finish(stmt, cached);
    note_failure(rc);
    throw_error(rc, msg, sql);
  }

  // Makes a statement that completed (or failed) inside execute() ready for its next use.
  static void finish(sqlite3_stmt* stmt, CachedStatement* cached) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (cached != nullptr)
      cached->in_use = false;
    else
      sqlite3_finalize(stmt);
  }

  // The cached statement for `sql`, marked in use; when that one is still being read by a live
  // Rows, a private statement that the caller's Rows will finalize (`cached` stays null).
  sqlite3_stmt* statement(const std::string& sql, CachedStatement*& cached) {
    ++tick_;
    if (auto it = cache_.find(sql); it != cache_.end()) {
      if (!it->second.in_use) {
        it->second.in_use = true;
        it->second.last_used = tick_;
        cached = &it->second;
        return it->second.stmt;
      }
      return prepare(sql, 0);
    }
    sqlite3_stmt* stmt = prepare(sql, SQLITE_PREPARE_PERSISTENT);
    evict_if_full();
    auto& entry = cache_[sql];
    entry = CachedStatement{stmt, true, tick_};
    cached = &entry;
    return stmt;
  }

  sqlite3_stmt* prepare(const std::string& sql, unsigned flags) {
    if (broken_) throw ConnectionError("the SQLite connection is unusable after an earlier error", sql);
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1), flags, &stmt, &tail);
    if (rc != SQLITE_OK) {
      note_failure(rc);
      throw_error(rc, sqlite3_errmsg(db_), sql);
    }
    const bool trailing =
        tail != nullptr && std::string_view(tail).find_first_not_of(" \t\r\n;") != std::string_view::npos;
    if (stmt == nullptr || trailing) {
      sqlite3_finalize(stmt);
      throw InvalidRequestError(stmt == nullptr ? "execute(): the SQL text holds no statement"
                                                : "execute() runs one statement; use execute_script() for several",
                                sql);
    }
    return stmt;
  }

  void evict_if_full() {
    if (cache_.size() < kMaxCachedStatements) return;
    auto victim = cache_.end();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (!it->second.in_use && (victim == cache_.end() || it->second.last_used < victim->second.last_used))
        victim = it;
    }
    if (victim == cache_.end()) return;
    sqlite3_finalize(victim->second.stmt);
    cache_.erase(victim);
  }

  void bind(sqlite3_stmt* stmt, const std::string& sql, std::span<const Value> params, bool copy) {
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (static_cast<std::size_t>(expected) != params.size()) {
      throw InvalidRequestError(
          fmt::format("the statement takes {} parameters but {} were given", expected, params.size()), sql);
    }
    const auto lifetime = copy ? SQLITE_TRANSIENT : SQLITE_STATIC;
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      const auto bind_text = [&](const std::string& text) {
        return sqlite3_bind_text64(stmt, index, text.data(), text.size(), lifetime, SQLITE_UTF8);
      };
      const auto bind_owned_text = [&](const std::string& text) {
        return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      };
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (v.is_null())
        rc = sqlite3_bind_null(stmt, index);
      else if (v.holds<std::int64_t>())
        rc = sqlite3_bind_int64(stmt, index, v.as<std::int64_t>());
      else if (v.holds<double>()) {
        // SQLite turns a NaN into NULL: refuse it rather than store (or compare with) something else.
        if (std::isnan(v.as<double>())) {
          throw DataError(fmt::format("parameter {} is NaN, which SQLite can't store (it would become NULL)", i + 1),
                          sql);
        }
        rc = sqlite3_bind_double(stmt, index, v.as<double>());
      }
      else if (v.holds<bool>())
        rc = sqlite3_bind_int(stmt, index, v.as<bool>() ? 1 : 0);
      else if (v.holds<std::string>())
        rc = bind_text(v.as<std::string>());
      else if (v.holds<Decimal>()) {
        if (!numeric_affinity_keeps(v.as<Decimal>().str())) {
          throw DataError(fmt::format("parameter {} ({}) has more than the 15 significant digits SQLite's NUMERIC "
                                      "keeps exactly; storing it would round it",
                                      i + 1, v.as<Decimal>().str()),
                          sql);
        }
        rc = bind_text(v.as<Decimal>().str());
      }
      else if (v.holds<Timestamp>()) {
        if (!timestamp_in_range(v.as<Timestamp>())) throw_out_of_range_param(i, v, sql);
        rc = bind_owned_text(format_timestamp(v.as<Timestamp>()));
      } else if (v.holds<Date>()) {
        if (!date_in_range(v.as<Date>())) throw_out_of_range_param(i, v, sql);
        rc = bind_owned_text(format_date(v.as<Date>()));
      } else if (v.holds<Uuid>())
        rc = bind_owned_text(v.as<Uuid>().str());
      else if (v.holds<Bytes>()) {
        const Bytes& b = v.as<Bytes>();
        // A null data pointer would bind NULL, so an empty blob is bound as a zero-length blob.
        rc = b.empty() ? sqlite3_bind_zeroblob(stmt, index, 0)
                       : sqlite3_bind_blob64(stmt, index, b.data(), b.size(), lifetime);
      }
      if (rc != SQLITE_OK) throw_error(rc, sqlite3_errmsg(db_), sql);
    }
  }

  [[noreturn]] static void throw_out_of_range_param(std::size_t i, const Value& v, const std::string& sql) {
    throw DataError(
        fmt::format("parameter {} ({}) is outside the years 0001..9999 SQL dates can hold", i + 1, v.debug_string()),
        sql);
  }

  sqlite3* db_;
  bool in_memory_;
  bool broken_ = false;
  std::vector<std::string> savepoints_;  ///< open savepoints, innermost last
  std::uint64_t tick_ = 0;
  std::unordered_map<std::string, CachedStatement> cache_;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path, const SqliteOpenOptions& options) {
  const bool in_memory = path == ":memory:" || path.empty();
  sqlite3* db = nullptr;
  // No URI filenames, and no per-connection mutex: the pool hands a connection to one thread at a time.
  const int mode = options.read_only && !in_memory ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, mode | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    throw ConnectionError(fmt::format("could not open SQLite database '{}': {}", path, msg), {}, msg);
  }
  sqlite3_extended_result_codes(db, 1);
  auto conn = std::make_unique<SqliteConnection>(db, in_memory);
  if (!in_memory) {
    sqlite3_busy_timeout(db, static_cast<int>(std::clamp<std::int64_t>(options.busy_timeout.count(), 0, std::numeric_limits<int>::max())));
    // A read-only connection can't switch the journal mode; it reads whatever mode the file has.
    if (options.read_only) return conn;
    try {
      // WAL lets readers proceed while one connection writes.
      conn->execute_script("PRAGMA journal_mode=WAL");
    } catch (const Error& e) {
      throw ConnectionError(fmt::format("could not open SQLite database '{}': {}", path, e.db_message()), e.sql(),
                            e.db_message());
    }
  }
  return conn;
}

}  // namespace ormc::detail
