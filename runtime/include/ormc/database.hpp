// ormc::connect() and ormc::Database: a handle on one database (a connection pool) and its statement log.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "ormc/value.hpp"

namespace ormc {

namespace detail {
class Engine;
}

enum class DialectKind : std::uint8_t { SQLite, PostgreSQL };

/// What `on_statement` listeners receive, just before a statement is sent to the database.
struct StatementEvent {
  std::string_view sql;           ///< the SQL text, with placeholders
  std::span<const Value> params;  ///< bound parameter values, in placeholder order
  DialectKind dialect;
};

struct ConnectOptions {
  /// Print every statement and its parameters to stderr (like SQLAlchemy's echo=True).
  bool echo = false;
  /// Most connections kept open at once (PostgreSQL and SQLite files; `:memory:` always uses one).
  std::size_t pool_size = 4;
  /// SQLite files: how long a statement waits for another connection's lock before it fails with
  /// ormc::OperationalError ("database is locked"); writers from several Sessions take turns.
  std::chrono::milliseconds busy_timeout{5000};
};

/// A database: its dialect, a pool of connections and statement listeners. Cheap to copy
/// (copies share the same pool).
class Database {
 public:
  explicit Database(std::shared_ptr<detail::Engine> engine) : engine_(std::move(engine)) {}

  [[nodiscard]] DialectKind dialect() const noexcept;
  /// The URL given to connect(), with any password masked.
  [[nodiscard]] std::string url() const;

  /// Calls `listener` before every statement any Session on this Database executes.
  /// Listeners run on the executing thread and must not execute statements themselves.
  void on_statement(std::function<void(const StatementEvent&)> listener);
  /// Removes every listener added with on_statement().
  void clear_statement_listeners();
  /// Turns printing every statement to stderr on or off.
  void set_echo(bool echo);

  /// Executes SQL text with no parameters and no result (DDL, maintenance), outside any Session.
  /// @throw ormc::DatabaseError
  void execute_sql(const std::string& sql);

  /// The engine behind this handle (runtime-internal).
  [[nodiscard]] detail::Engine& engine() const noexcept { return *engine_; }

 private:
  std::shared_ptr<detail::Engine> engine_;
};

/// Opens a database:
///  - `sqlite://:memory:` — a private in-memory database;
///  - `sqlite:///relative/or/absolute/path.db` (three slashes then the path; `sqlite:////abs` also works),
///    `sqlite:///path.db?mode=ro` to open an existing file read-only;
///  - `postgresql://user:pass@host:port/db?opt=...` or a libpq key=value string (`host=... dbname=...`).
/// Every SQLite connection runs `PRAGMA foreign_keys=ON`; SQLite files use WAL.
/// @throw ormc::ConnectionError when the database can't be opened or the URL is malformed.
[[nodiscard]] Database connect(std::string_view url, ConnectOptions options = {});

}  // namespace ormc
