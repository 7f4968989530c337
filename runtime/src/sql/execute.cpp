// session.execute() for typed INSERT / UPDATE / DELETE: autoflush, the statement log, identity-map upkeep.
#include "sql/execute.hpp"

#include <algorithm>
#include <vector>

#include "connection.hpp"
#include "session/session_core.hpp"
#include "sql/compiler.hpp"

namespace ormc::detail {
namespace {
constexpr std::size_t kMaxRowsPerInsert = 1000;
}  // namespace

std::uint64_t execute_insert(SessionCore& session, const InsertData& stmt) {
  UseGuard guard(session);
  session.before_query();
  const Dialect& d = session.engine().dialect();
  // At most 1,000 rows per statement (SQLAlchemy's insertmanyvalues page size; SQLite parses huge
  // VALUES lists slowly), and within the dialect's parameter limit. The text of full chunks repeats,
  // so they share one prepared statement.
  const std::size_t per_row = std::max<std::size_t>(1, insert_row_parameters(stmt));
  const std::size_t chunk = std::clamp<std::size_t>(d.max_parameters() / per_row, 1, kMaxRowsPerInsert);
  if (stmt.rows.empty()) (void)compile_insert(d, stmt, 0, 0);  // reports the missing rows
  std::uint64_t inserted = 0;
  for (std::size_t first = 0; first < stmt.rows.size(); first += chunk) {
    const CompiledSql sql = compile_insert(d, stmt, first, chunk);
    inserted += session.execute(sql.sql, sql.params)->affected_rows();
  }
  return inserted;
}

std::uint64_t execute_update(SessionCore& session, const UpdateData& stmt) {
  UseGuard guard(session);
  const CompiledSql sql = compile_update(session.engine().dialect(), stmt);
  session.before_query();
  const std::uint64_t matched = session.execute(sql.sql, sql.params)->affected_rows();
  std::vector<std::uint16_t> columns;
  for (const auto& a : stmt.values) columns.push_back(a.column);
  session.expire_entity(*stmt.entity, columns);
  return matched;
}

std::uint64_t execute_delete(SessionCore& session, const DeleteData& stmt) {
  UseGuard guard(session);
  const CompiledSql sql = compile_delete(session.engine().dialect(), stmt);
  session.before_query();
  const std::uint64_t deleted = session.execute(sql.sql, sql.params)->affected_rows();
  session.expire_entity(*stmt.entity, {});
  return deleted;
}

}  // namespace ormc::detail
