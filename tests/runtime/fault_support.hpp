// Test support for fault injection: row counts and server-side actions through connections of their own.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <ormc/ormc.hpp>

#include "engine.hpp"

namespace ormc_test {

/// Rows in `table`, counted through a Database (and pool) of its own: what another program sees.
inline std::int64_t count_rows(const std::string& url, const std::string& table) {
  ormc::Database other = ormc::connect(url, {.pool_size = 1});
  auto& engine = other.engine();
  auto conn = engine.acquire();
  auto rows = conn->execute("SELECT count(*) FROM " + engine.dialect().quote_identifier(table), {});
  rows->next();
  return rows->get(0, ormc::Type::BigInteger).as<std::int64_t>();
}

/// One text column of the first row of `sql` (no parameters), read through a Database of its own.
inline std::string read_text(const std::string& url, const std::string& sql) {
  ormc::Database other = ormc::connect(url, {.pool_size = 1});
  auto conn = other.engine().acquire();
  auto rows = conn->execute(sql, {});
  if (!rows->next()) return "<no row>";
  return rows->get(0, ormc::Type::Text).as<std::string>();
}

/// PostgreSQL: ends every other session of this database whose state is one of `states` ("idle",
/// "idle in transaction", "active", ...), waiting until each has exited; returns how many were ended.
inline std::int64_t terminate_backends(const std::string& url, std::initializer_list<std::string_view> states) {
  std::string list = "{";  // a text[] literal
  for (std::string_view state : states) {
    if (list.size() > 1) list += ',';
    list += '"';
    list += state;
    list += '"';
  }
  list += '}';
  ormc::Database admin = ormc::connect(url, {.pool_size = 1});
  auto conn = admin.engine().acquire();
  const ormc::Value params[] = {ormc::Value(list)};
  auto rows = conn->execute(
      // OFFSET 0 keeps the filter in the subquery, evaluated before any backend is terminated.
      "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000)) FROM (SELECT pid FROM pg_stat_activity "
      "WHERE pid <> pg_backend_pid() AND datname = current_database() AND state = ANY($1::text[]) OFFSET 0) AS victims",
      params);
  rows->next();
  return rows->get(0, ormc::Type::BigInteger).as<std::int64_t>();
}
inline std::int64_t terminate_backends(const std::string& url, const std::string& state) {
  return terminate_backends(url, {state});
}

}  // namespace ormc_test
