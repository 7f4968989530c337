// The Engine: a bounded pool of connections and the statement log every statement passes through.
#include "engine.hpp"

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "ormc/errors.hpp"

namespace ormc::detail {
namespace {

// As SQLAlchemy's pool_timeout: a pool that stays exhausted this long is reported instead of
// hanging forever (typically two Sessions at once on a one-connection `:memory:` database).
constexpr std::chrono::seconds kAcquireTimeout{30};

std::mutex& echo_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    release();
    engine_ = other.engine_;
    conn_ = std::move(other.conn_);
    other.engine_ = nullptr;
  }
  return *this;
}

PooledConnection::~PooledConnection() { release(); }

void PooledConnection::release() {
  if (conn_ && engine_ != nullptr) engine_->give_back(std::move(conn_));
  conn_.reset();
  engine_ = nullptr;
}

Engine::Engine(std::string url_for_display, DialectKind kind, std::function<std::unique_ptr<Connection>()> opener,
               std::size_t pool_size, bool echo)
    : url_(std::move(url_for_display)),
      kind_(kind),
      dialect_(make_dialect(kind)),
      opener_(std::move(opener)),
      pool_size_(pool_size == 0 ? 1 : pool_size),
      echo_(echo) {}

Engine::~Engine() = default;

PooledConnection Engine::acquire() {
  {
    std::unique_lock lock(mutex_);
    // A one-connection pool (`sqlite://:memory:`) whose connection this very thread holds can never
    // be served: say so now instead of waiting for the timeout.
    if (pool_size_ == 1 && idle_.empty() && open_count_ == 1 && holder_ == std::this_thread::get_id())
      throw ConnectionError(fmt::format(
          "{} has a single connection and another Session (or an unfinished result) on this thread holds it: "
          "commit or close that Session first, or use a database file, which allows several connections",
          url_));
    const bool ready =
        available_.wait_for(lock, kAcquireTimeout, [&] { return !idle_.empty() || open_count_ < pool_size_; });
    if (!ready) {
      throw ConnectionError(
          fmt::format("connection pool of {} exhausted: no connection was returned within {} s (is another Session "
                      "or an unfinished result still holding one on this thread?)",
                      url_, kAcquireTimeout.count()));
    }
    holder_ = std::this_thread::get_id();
    // Idle connections the server ended meanwhile (SQLAlchemy's pool_pre_ping, without the round
    // trip) are dropped here, so a Session never begins on a dead one; their slots are reopened below.
    while (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->alive()) return PooledConnection(this, std::move(conn));
      --open_count_;
    }
    ++open_count_;  // reserve the slot; the connection is opened outside the lock
  }
  try {
    std::unique_ptr<Connection> conn = opener_();
    if (const std::string setup = dialect_->connection_setup(); !setup.empty()) conn->execute_script(setup);
    return PooledConnection(this, std::move(conn));
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      --open_count_;
    }
    available_.notify_one();
    throw;
  }
}

void Engine::give_back(std::unique_ptr<Connection> conn) {
  // Like SQLAlchemy's reset-on-return: a connection goes back to the pool outside any transaction.
  if (!conn->broken() && conn->in_transaction()) {
    try {
      conn->rollback();
    } catch (...) {
      conn.reset();  // could not be reset: drop it rather than hand out a dirty connection
    }
  }
  if (conn && conn->broken()) conn.reset();
  {
    std::lock_guard lock(mutex_);
    if (conn)
      idle_.push_back(std::move(conn));
    else
      --open_count_;
  }
  available_.notify_one();
}

void Engine::notify(const std::string& sql, std::span<const Value> params) {
  std::lock_guard lock(listeners_mutex_);
  if (listeners_.empty() && !echo_) return;
  const StatementEvent event{sql, params, kind_};
  for (const auto& listener : listeners_) listener(event);
  if (echo_) {
    std::string line = sql;
    line += "\n[";
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (i > 0) line += ", ";
      line += params[i].debug_string();
    }
    line += "]\n";
    std::lock_guard echo_lock(echo_mutex());
    std::fputs(line.c_str(), stderr);
  }
}

std::unique_ptr<Rows> Engine::execute(Connection& conn, const std::string& sql, std::span<const Value> params) {
  notify(sql, params);
  return conn.execute(sql, params);
}

void Rows::throw_cell_error(bool on_row, std::size_t column, std::size_t columns) {
  if (!on_row) throw InvalidRequestError("no current row: call next() first");
  throw InvalidRequestError(fmt::format("result column {} out of range: the row has {} columns", column, columns));
}

void Engine::execute_pipelined(Connection& conn, std::size_t count,
                               const std::function<PipelinedStatement(std::size_t)>& make,
                               const std::function<void(std::size_t, Rows&)>& take) {
  conn.execute_pipelined(
      count,
      [&](std::size_t k) {
        PipelinedStatement statement = make(k);
        notify(statement.sql, statement.params);
        return statement;
      },
      take);
}

void Connection::execute_pipelined(std::size_t count, const std::function<PipelinedStatement(std::size_t)>& make,
                                   const std::function<void(std::size_t, Rows&)>& take) {
  for (std::size_t k = 0; k < count; ++k) {
    const PipelinedStatement statement = make(k);
    const auto rows = execute(statement.sql, statement.params);
    take(k, *rows);
  }
}

std::uint64_t Connection::copy_in(const std::string& sql, const std::string&, const std::vector<std::string>&,
                                  std::span<const Value>) {
  throw InvalidRequestError("COPY is not available on this database", sql);
}

std::uint64_t Engine::copy_in(Connection& conn, const TableInfo& table, std::span<const std::uint16_t> columns,
                              std::span<const Value> values) {
  const std::string quoted_table = dialect_->quote_identifier(table.name);
  std::vector<std::string> quoted;
  quoted.reserve(columns.size());
  std::string sql = "COPY " + quoted_table + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    quoted.push_back(dialect_->quote_identifier(table.columns[columns[i]].name));
    sql += (i > 0 ? ", " : "") + quoted.back();
  }
  sql += ") FROM STDIN";
  notify(sql, {});  // the rows are data, not parameters: listeners see the statement once
  return conn.copy_in(sql, quoted_table, quoted, values);
}

void Engine::execute_script(Connection& conn, const std::string& sql) {
  notify(sql, {});
  conn.execute_script(sql);
}

// The logged text is the one the connection runs (it quotes the name the same way).
void Engine::savepoint(Connection& conn, const std::string& name) {
  notify("SAVEPOINT \"" + name + '"', {});
  conn.savepoint(name);
}

void Engine::release_savepoint(Connection& conn, const std::string& name) {
  notify("RELEASE SAVEPOINT \"" + name + '"', {});
  conn.release_savepoint(name);
}

void Engine::rollback_to_savepoint(Connection& conn, const std::string& name) {
  notify("ROLLBACK TO SAVEPOINT \"" + name + '"', {});
  conn.rollback_to_savepoint(name);
}

void Engine::add_listener(std::function<void(const StatementEvent&)> listener) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.push_back(std::move(listener));
}

void Engine::clear_listeners() {
  std::lock_guard lock(listeners_mutex_);
  listeners_.clear();
}

void Engine::set_echo(bool echo) {
  std::lock_guard lock(listeners_mutex_);
  echo_ = echo;
}

}  // namespace ormc::detail
