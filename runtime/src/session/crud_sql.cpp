// Builds the unit of work's row statements; every value is a placeholder, never spliced text.
#include "session/crud_sql.hpp"

#include <string>
#include <vector>

namespace ormc::detail {
namespace {

void append_column(const Dialect& d, const TableInfo& table, std::uint16_t column, std::string& sql) {
  d.append_identifier(sql, table.columns[column].name);
}

void append_key_condition(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> key,
                          std::size_t& next_param, std::string& sql) {
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (i > 0) sql += " AND ";
    append_column(d, table, key[i], sql);
    sql += " = ";
    d.append_placeholder(sql, next_param++);
  }
}

void append_returning(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> returning,
                      std::string& sql) {
  if (returning.empty()) return;
  sql += " RETURNING ";
  for (std::size_t i = 0; i < returning.size(); ++i) {
    if (i > 0) sql += ", ";
    append_column(d, table, returning[i], sql);
  }
}

/// ` (a, b, c)`: the column list of an INSERT.
void append_insert_columns(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> columns,
                           std::string& sql) {
  sql += " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    append_column(d, table, columns[i], sql);
  }
  sql += ')';
}

}  // namespace

void append_column_list(const Dialect& d, const TableInfo& table, std::string& sql) {
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0) sql += ", ";
    d.append_identifier(sql, table.name);
    sql += '.';
    d.append_identifier(sql, table.columns[i].name);
  }
}

std::string insert_sql(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> columns,
                       std::size_t rows, std::span<const std::uint16_t> returning) {
  std::string sql = "INSERT INTO ";
  sql.reserve(32 + rows * columns.size() * 6);
  d.append_identifier(sql, table.name);
  if (columns.empty()) {
    // Every column is generated: one row of defaults (multi-row form has no portable spelling).
    sql += " DEFAULT VALUES";
  } else {
    append_insert_columns(d, table, columns, sql);
    sql += " VALUES ";
    std::size_t param = 1;
    for (std::size_t r = 0; r < rows; ++r) {
      sql += r > 0 ? ", (" : "(";
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i > 0) sql += ", ";
        d.append_placeholder(sql, param++);
      }
      sql += ')';
    }
  }
  append_returning(d, table, returning, sql);
  return sql;
}

std::string insert_from_arrays_sql(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> columns,
                                   std::span<const std::uint16_t> returning) {
  std::string sql = "INSERT INTO ";
  d.append_identifier(sql, table.name);
  append_insert_columns(d, table, columns, sql);
  sql += " SELECT * FROM unnest(";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    d.append_placeholder(sql, i + 1);
    sql += "::";
    sql += d.value_type(table.columns[columns[i]]);  // the bare type: see Dialect::value_type()
    sql += "[]";
  }
  sql += ')';
  append_returning(d, table, returning, sql);
  return sql;
}

std::string update_sql(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> set_columns,
                       std::span<const std::uint16_t> key_columns) {
  std::string sql = "UPDATE ";
  d.append_identifier(sql, table.name);
  sql += " SET ";
  std::size_t param = 1;
  for (std::size_t i = 0; i < set_columns.size(); ++i) {
    if (i > 0) sql += ", ";
    append_column(d, table, set_columns[i], sql);
    sql += " = ";
    d.append_placeholder(sql, param++);
  }
  sql += " WHERE ";
  append_key_condition(d, table, key_columns, param, sql);
  return sql;
}

std::string update_from_values_sql(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> set_columns,
                                  std::span<const std::uint16_t> key_columns, std::size_t rows) {
  const bool postgresql = d.kind() == DialectKind::PostgreSQL;
  // The VALUES alias must not be the table's own name.
  const std::string_view alias = table.name == "v" ? "ormc_v" : "v";
  const std::size_t width = key_columns.size() + set_columns.size();
  auto column_at = [&](std::size_t i) { return i < key_columns.size() ? key_columns[i] : set_columns[i - key_columns.size()]; };
  // The alias's columns: named after the table's on PostgreSQL, SQLite's fixed column1, column2, ...
  auto append_value_column = [&](std::size_t i, std::string& sql) {
    sql += alias;
    sql += '.';
    if (postgresql) append_column(d, table, column_at(i), sql);
    else sql += "column" + std::to_string(i + 1);
  };
  std::vector<std::string> casts;
  if (postgresql) {
    for (std::size_t i = 0; i < width; ++i) casts.push_back("::" + d.value_type(table.columns[column_at(i)]));
  }

  std::string sql = "UPDATE ";
  sql.reserve(64 + rows * width * 12);
  d.append_identifier(sql, table.name);
  sql += " SET ";
  for (std::size_t i = 0; i < set_columns.size(); ++i) {
    if (i > 0) sql += ", ";
    append_column(d, table, set_columns[i], sql);
    sql += " = ";
    append_value_column(key_columns.size() + i, sql);
  }
  sql += " FROM (VALUES ";
  std::size_t param = 1;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r > 0 ? ", (" : "(";
    for (std::size_t i = 0; i < width; ++i) {
      if (i > 0) sql += ", ";
      d.append_placeholder(sql, param++);
      if (postgresql) sql += casts[i];
    }
    sql += ')';
  }
  sql += ") AS ";
  sql += alias;
  if (postgresql) {
    sql += '(';
    for (std::size_t i = 0; i < width; ++i) {
      if (i > 0) sql += ", ";
      append_column(d, table, column_at(i), sql);
    }
    sql += ')';
  }
  sql += " WHERE ";
  for (std::size_t i = 0; i < key_columns.size(); ++i) {
    if (i > 0) sql += " AND ";
    d.append_identifier(sql, table.name);
    sql += '.';
    append_column(d, table, key_columns[i], sql);
    sql += " = ";
    append_value_column(i, sql);
  }
  return sql;
}

std::string delete_sql(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> key_columns,
                       std::size_t rows) {
  std::string sql = "DELETE FROM ";
  d.append_identifier(sql, table.name);
  sql += " WHERE ";
  std::size_t param = 1;
  if (key_columns.size() == 1 && rows > 1) {
    append_column(d, table, key_columns[0], sql);
    sql += " IN (";
    for (std::size_t r = 0; r < rows; ++r) {
      if (r > 0) sql += ", ";
      d.append_placeholder(sql, param++);
    }
    sql += ')';
  } else {
    append_key_condition(d, table, key_columns, param, sql);
  }
  return sql;
}

std::string delete_tuples_sql(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> columns,
                              std::size_t rows) {
  std::string sql = "DELETE FROM ";
  d.append_identifier(sql, table.name);
  sql += " WHERE ";
  const bool tuple = columns.size() > 1;
  if (tuple) sql += '(';
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    append_column(d, table, columns[i], sql);
  }
  sql += tuple ? ") IN (" : " IN (";
  std::size_t param = 1;
  for (std::size_t r = 0; r < rows; ++r) {
    if (r > 0) sql += ", ";
    if (tuple) sql += '(';
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) sql += ", ";
      d.append_placeholder(sql, param++);
    }
    if (tuple) sql += ')';
  }
  sql += ')';
  return sql;
}

std::string select_by_key_sql(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> key_columns) {
  std::string sql = "SELECT ";
  append_column_list(d, table, sql);
  sql += " FROM ";
  d.append_identifier(sql, table.name);
  sql += " WHERE ";
  std::size_t param = 1;
  for (std::size_t i = 0; i < key_columns.size(); ++i) {
    if (i > 0) sql += " AND ";
    d.append_identifier(sql, table.name);
    sql += '.';
    append_column(d, table, key_columns[i], sql);
    sql += " = ";
    d.append_placeholder(sql, param++);
  }
  return sql;
}

}  // namespace ormc::detail
