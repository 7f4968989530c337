// The driver interface: one open database connection and its results, implemented per dialect.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ormc/database.hpp"
#include "ormc/detail/cell_reader.hpp"
#include "ormc/value.hpp"

namespace ormc::detail {

/// A forward-only result. For SQLite the statement is stepped lazily; for PostgreSQL the rows are
/// in memory (or fetched from a server-side cursor by the cursor API).
class Rows : public CellReader {
 public:
  Rows() = default;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  virtual ~Rows() = default;
  /// Advances to the next row; false when there is none. Call before reading the first row.
  virtual bool next() = 0;
  [[nodiscard]] virtual std::size_t column_count() const = 0;
  /// Rows changed by an INSERT/UPDATE/DELETE (valid once the statement has completed).
  [[nodiscard]] virtual std::uint64_t affected_rows() const = 0;

 protected:
  /// A cell read is refused without a current row, or past the last of `columns`; every driver
  /// says so in the same words. @throw ormc::InvalidRequestError
  static void check_cell(bool on_row, std::size_t column, std::size_t columns) {
    if (!on_row || column >= columns) throw_cell_error(on_row, column, columns);
  }
  [[noreturn]] static void throw_cell_error(bool on_row, std::size_t column, std::size_t columns);
};

/// One statement of Connection::execute_pipelined(): its SQL and positional parameters.
struct PipelinedStatement {
  std::string sql;
  std::vector<Value> params;
};

/// One open connection. Not thread-safe: a Session (through the Engine's pool) owns it exclusively.
class Connection {
 public:
  virtual ~Connection() = default;
  [[nodiscard]] virtual DialectKind dialect() const noexcept = 0;

  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual void savepoint(const std::string& name) = 0;
  virtual void release_savepoint(const std::string& name) = 0;
  virtual void rollback_to_savepoint(const std::string& name) = 0;
  [[nodiscard]] virtual bool in_transaction() const noexcept = 0;

  /// Runs one statement with positional parameters (placeholders as the dialect spells them).
  /// Statements are prepared once per connection and cached by SQL text.
  /// The returned Rows must be destroyed before the next execute() on this connection.
  /// @throw ormc::IntegrityError, ormc::DatabaseError, ormc::ConnectionError
  virtual std::unique_ptr<Rows> execute(const std::string& sql, std::span<const Value> params) = 0;
  /// Runs `count` statements in order, with the results execute() would give, except that the next
  /// statement may be sent before the rows of the previous one are read (PostgreSQL's pipeline
  /// mode): the server runs statement k+1 while the caller reads k's rows and builds k+2. Statement
  /// k is made by `make(k)`, in order and at most one ahead of `take(k - 1, rows)`; `take(k, rows)`
  /// gets its rows, which are valid only during that call. The first failure (a statement's or
  /// one thrown by `make` or `take`) ends the pipeline: nothing more is made or taken, the
  /// connection is left ready for its next statement (inside a transaction the server has failed)
  /// and the error is thrown as execute() throws it. This default runs them one at a time.
  virtual void execute_pipelined(std::size_t count, const std::function<PipelinedStatement(std::size_t)>& make,
                                 const std::function<void(std::size_t, Rows&)>& take);
  /// Runs SQL text without parameters or results (DDL; may hold several statements on SQLite).
  virtual void execute_script(const std::string& sql) = 0;
  /// Bulk load: `COPY table (columns) FROM STDIN` (`sql` is that text, for errors) of `values`,
  /// row-major, columns.size() per row; `table` and `columns` are already quoted as identifiers.
  /// Returns the rows copied. Only dialects with COPY (PostgreSQL) implement it.
  /// @throw ormc::InvalidRequestError elsewhere; as execute() otherwise (nothing is copied then)
  virtual std::uint64_t copy_in(const std::string& sql, const std::string& table,
                                const std::vector<std::string>& columns, std::span<const Value> values);

  /// True once the connection is known to be unusable (the pool then drops it).
  [[nodiscard]] virtual bool broken() const noexcept = 0;
  /// Checked by the pool before it hands out an idle connection: false when the connection was
  /// lost while idle (the server ended it), so that the pool opens a fresh one instead. Cheap: no
  /// round trip.
  [[nodiscard]] virtual bool alive() noexcept { return !broken(); }
};

/// How open_sqlite() opens a database file.
struct SqliteOpenOptions {
  bool read_only = false;                         ///< SQLITE_OPEN_READONLY: every write fails
  std::chrono::milliseconds busy_timeout{5000};  ///< waiting for another connection's lock
};

/// Opens `path` (":memory:" for an in-memory database). @throw ormc::ConnectionError
std::unique_ptr<Connection> open_sqlite(const std::string& path, const SqliteOpenOptions& options = {});
/// Opens a libpq connection string (URL or key=value). @throw ormc::ConnectionError
std::unique_ptr<Connection> open_postgresql(const std::string& conninfo);

}  // namespace ormc::detail
