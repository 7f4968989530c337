// session.execute() for typed INSERT / UPDATE / DELETE: autoflush, the statement log, identity-map upkeep.
#include "sql/execute.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "connection.hpp"
#include "ormc/errors.hpp"
#include "session/session_core.hpp"
#include "sql/compiler.hpp"

namespace ormc::detail {
namespace {
constexpr std::size_t kMaxRowsPerInsert = 1000;

/// Rows per statement: at most 1,000 (SQLAlchemy's insertmanyvalues page size; SQLite parses huge
/// VALUES lists slowly) and within the dialect's parameter limit (SQLite 3.32+: 32766).
std::size_t rows_per_statement(const Dialect& d, std::size_t per_row) {
  return std::clamp<std::size_t>(d.max_parameters() / std::max<std::size_t>(1, per_row), 1, kMaxRowsPerInsert);
}

/// Runs one INSERT; what RETURNING gives (when `returned`) is appended. Returns the rows inserted.
std::uint64_t run_insert(SessionCore& session, const InsertData& stmt, const CompiledSql& sql,
                         std::span<const Value> params, ReturnedRows* returned) {
  std::unique_ptr<Rows> rows = session.execute(sql.sql, params);
  if (!returned) return rows->affected_rows();
  std::uint64_t n = 0;
  while (rows->next()) {
    if (returned->objects) returned->rows.push_back(session.object_from_row(*stmt.entity, *rows, 0));
    else returned->values.push_back(rows->get(0, returned->type));
    ++n;
  }
  return n;
}
}  // namespace

InsertRows insert_rows_for(const InsertData& stmt) {
  if (!stmt.rows.empty()) {
    throw InvalidRequestError("insert<" + std::string(stmt.entity->name) +
                              ">(): the statement has values() rows and execute() was given rows too; give rows in "
                              "one place");
  }
  std::vector<std::pair<std::uint16_t, Value>> fixed;
  for (const AssignmentData& a : stmt.fixed) {
    if (a.value->kind != ExprNode::Kind::Param)
      throw InvalidRequestError("insert<" + std::string(stmt.entity->name) + ">(): a fixed value is an expression");
    fixed.emplace_back(a.column, a.value->value);
  }
  return InsertRows(*stmt.entity, std::move(fixed));
}

std::uint64_t execute_insert_rows(SessionCore& session, const InsertData& stmt, const InsertRows& rows,
                                  ReturnedRows* returned) {
  UseGuard guard(session);
  session.before_query();
  const Dialect& d = session.engine().dialect();
  const TableInfo& table = *stmt.entity->table;
  std::uint64_t inserted = 0;
  for (const InsertRows::Group& group : rows.groups()) {
    const std::size_t width = group.columns.size();
    if (width == 0) {
      // Every column left to the database: DEFAULT VALUES has no multi-row form.
      const CompiledSql sql = compile_insert_rows(d, stmt, group.columns, 1);
      for (std::size_t r = 0; r < group.rows; ++r) inserted += run_insert(session, stmt, sql, sql.params, returned);
      continue;
    }
    const std::span<const Value> values = rows.values().subspan(group.first_value, group.rows * width);
    // COPY when the rows would take more than one INSERT (below that, one INSERT is one round
    // trip where COPY takes two) and nothing is to be read back.
    if (!returned && d.kind() == DialectKind::PostgreSQL && group.rows > kMaxRowsPerInsert) {
      inserted += session.engine().copy_in(session.connection(), table, group.columns, values);
      continue;
    }
    const std::size_t chunk = rows_per_statement(d, width);
    CompiledSql full;  // the text of a full chunk repeats: rendered once, prepared once
    for (std::size_t first = 0; first < group.rows; first += chunk) {
      const std::size_t n = std::min(chunk, group.rows - first);
      CompiledSql partial;
      if (n == chunk && full.sql.empty()) full = compile_insert_rows(d, stmt, group.columns, n);
      if (n != chunk) partial = compile_insert_rows(d, stmt, group.columns, n);
      const CompiledSql& sql = n == chunk ? full : partial;
      const std::span<const Value> chunk_values = values.subspan(first * width, n * width);
      if (sql.params.empty()) {
        inserted += run_insert(session, stmt, sql, chunk_values, returned);
      } else {
        std::vector<Value> params(chunk_values.begin(), chunk_values.end());
        params.insert(params.end(), sql.params.begin(), sql.params.end());
        inserted += run_insert(session, stmt, sql, params, returned);
      }
    }
  }
  return inserted;
}

void execute_insert_returning(SessionCore& session, const InsertData& stmt, ReturnedRows& returned) {
  UseGuard guard(session);
  session.before_query();
  const Dialect& d = session.engine().dialect();
  const std::size_t chunk = rows_per_statement(d, insert_row_parameters(stmt));
  if (stmt.rows.empty()) (void)compile_insert(d, stmt, 0, 0);  // reports the missing rows
  for (std::size_t first = 0; first < stmt.rows.size(); first += chunk) {
    const CompiledSql sql = compile_insert(d, stmt, first, chunk);
    (void)run_insert(session, stmt, sql, sql.params, &returned);
  }
}

std::uint64_t execute_insert(SessionCore& session, const InsertData& stmt) {
  UseGuard guard(session);
  session.before_query();
  const Dialect& d = session.engine().dialect();
  // The text of full chunks repeats, so they share one prepared statement.
  const std::size_t chunk = rows_per_statement(d, insert_row_parameters(stmt));
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
