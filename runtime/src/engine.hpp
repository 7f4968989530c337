// The Engine behind a Database: dialect, connection pool, and the statement log every statement goes through.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "connection.hpp"
#include "dialect/dialect.hpp"
#include "ormc/database.hpp"

namespace ormc::detail {

class Engine;

/// A connection borrowed from the pool; returns it (or drops it when broken) on destruction.
class PooledConnection {
 public:
  PooledConnection() = default;
  PooledConnection(Engine* engine, std::unique_ptr<Connection> conn) : engine_(engine), conn_(std::move(conn)) {}
  PooledConnection(PooledConnection&&) noexcept = default;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  ~PooledConnection();

  [[nodiscard]] Connection* operator->() const noexcept { return conn_.get(); }
  [[nodiscard]] Connection& operator*() const noexcept { return *conn_; }
  [[nodiscard]] explicit operator bool() const noexcept { return conn_ != nullptr; }
  void release();

 private:
  Engine* engine_ = nullptr;
  std::unique_ptr<Connection> conn_;
};

class Engine {
 public:
  Engine(std::string url_for_display, DialectKind kind, std::function<std::unique_ptr<Connection>()> opener,
         std::size_t pool_size, bool echo);
  ~Engine();

  [[nodiscard]] const Dialect& dialect() const noexcept { return *dialect_; }
  [[nodiscard]] DialectKind kind() const noexcept { return kind_; }
  [[nodiscard]] const std::string& url() const noexcept { return url_; }

  /// Borrows a connection (opening one when the pool is empty and below its size; else waits).
  [[nodiscard]] PooledConnection acquire();

  /// Logs the statement to every listener (and echo), then executes it on `conn`.
  std::unique_ptr<Rows> execute(Connection& conn, const std::string& sql, std::span<const Value> params);
  /// Connection::execute_pipelined(), logging each statement as it is made (before it is sent).
  void execute_pipelined(Connection& conn, std::size_t count,
                         const std::function<PipelinedStatement(std::size_t)>& make,
                         const std::function<void(std::size_t, Rows&)>& take);
  /// Logs `COPY table (columns) FROM STDIN` (without the rows) and bulk-loads `values` on `conn`
  /// (row-major, columns.size() per row; names as the dialect quotes them). Returns rows copied.
  std::uint64_t copy_in(Connection& conn, const TableInfo& table, std::span<const std::uint16_t> columns,
                        std::span<const Value> values);
  /// Logs and runs parameterless SQL text.
  void execute_script(Connection& conn, const std::string& sql);
  /// Logs and runs SAVEPOINT / RELEASE SAVEPOINT / ROLLBACK TO SAVEPOINT `name` on `conn`: savepoints
  /// appear in the statement log (as SQLAlchemy's echo shows them), unlike BEGIN and COMMIT.
  void savepoint(Connection& conn, const std::string& name);
  void release_savepoint(Connection& conn, const std::string& name);
  void rollback_to_savepoint(Connection& conn, const std::string& name);

  void add_listener(std::function<void(const StatementEvent&)> listener);
  void clear_listeners();
  void set_echo(bool echo);

 private:
  friend class PooledConnection;
  void give_back(std::unique_ptr<Connection> conn);
  void notify(const std::string& sql, std::span<const Value> params);

  std::string url_;
  DialectKind kind_;
  std::unique_ptr<Dialect> dialect_;
  std::function<std::unique_ptr<Connection>()> opener_;
  std::size_t pool_size_;

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_count_ = 0;
  std::thread::id holder_;  ///< the thread that last took a connection (checked for one-connection pools)

  std::mutex listeners_mutex_;
  std::vector<std::function<void(const StatementEvent&)>> listeners_;
  bool echo_ = false;
};

}  // namespace ormc::detail
