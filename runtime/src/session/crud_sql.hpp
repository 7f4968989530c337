// SQL text for the unit of work's row statements (INSERT / UPDATE / DELETE / SELECT by key), per dialect.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "dialect/dialect.hpp"
#include "ormc/metadata.hpp"

namespace ormc::detail {

/// `t.a, t.b, ...` for every column of the table (the SELECT list of an entity).
void append_column_list(const Dialect& d, const TableInfo& table, std::string& sql);

/// INSERT INTO t (cols) VALUES (...), (...) [RETURNING returning] for `rows` rows.
[[nodiscard]] std::string insert_sql(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> columns,
                                     std::size_t rows, std::span<const std::uint16_t> returning);

/// INSERT INTO t (a, b) SELECT * FROM unnest($1::text[], $2::integer[]) [RETURNING returning]: any
/// number of rows, one array parameter per column (Dialect::inserts_from_arrays(), column_arrays()).
/// Rows are inserted in array order, so generated keys ascend with it as they do with VALUES.
[[nodiscard]] std::string insert_from_arrays_sql(const Dialect& d, const TableInfo& table,
                                                 std::span<const std::uint16_t> columns,
                                                 std::span<const std::uint16_t> returning);

/// UPDATE t SET a = $1, ... WHERE pk1 = $n AND ...
[[nodiscard]] std::string update_sql(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> set_columns,
                                     std::span<const std::uint16_t> key_columns);

/// One UPDATE of `rows` rows that all change `set_columns`, each row a VALUES tuple of its key and
/// new values (key columns first):
///   PostgreSQL: UPDATE t SET a = v.a FROM (VALUES ($1::integer, $2::text), ...) AS v(id, a) WHERE t.id = v.id
///   SQLite:     UPDATE t SET a = v.column2 FROM (VALUES (?1, ?2), ...) AS v WHERE t.id = v.column1
/// PostgreSQL needs the casts: parameters of a VALUES list have no type of their own. They cast to
/// Dialect::value_type(), the bare type: a too-long string is refused by the column, not cut by the cast.
[[nodiscard]] std::string update_from_values_sql(const Dialect& d, const TableInfo& table,
                                                 std::span<const std::uint16_t> set_columns,
                                                 std::span<const std::uint16_t> key_columns, std::size_t rows);

/// DELETE FROM t WHERE pk IN ($1, ..., $rows) (single-column key) or WHERE pk1 = $1 AND ... (rows == 1).
[[nodiscard]] std::string delete_sql(const Dialect& d, const TableInfo& table, std::span<const std::uint16_t> key_columns,
                                     std::size_t rows);

/// DELETE FROM t WHERE (c1, c2) IN (($1, $2), ...) for `rows` tuples (c1 IN (...) for one column):
/// association rows of many-to-many collections.
[[nodiscard]] std::string delete_tuples_sql(const Dialect& d, const TableInfo& table,
                                            std::span<const std::uint16_t> columns, std::size_t rows);

/// SELECT every column FROM t WHERE pk1 = $1 AND ...
[[nodiscard]] std::string select_by_key_sql(const Dialect& d, const TableInfo& table,
                                            std::span<const std::uint16_t> key_columns);

}  // namespace ormc::detail
