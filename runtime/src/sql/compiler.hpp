// The SQL compiler of typed statements: expression trees and statement data -> SQL text + parameters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "dialect/dialect.hpp"
#include "ormc/statement.hpp"

namespace ormc::detail {

/// SELECT ... FROM ... [JOIN ...] [WHERE ...] [ORDER BY ...] [LIMIT ...] [OFFSET ...].
/// @throw ormc::InvalidRequestError for a join no relationship explains, or a scalar select
/// that names no table.
[[nodiscard]] CompiledSql compile_select(const Dialect& d, const SelectData& stmt);

/// INSERT INTO t (cols) VALUES (...), ... for rows [first, first + count) of `stmt`.
/// @throw ormc::InvalidRequestError when rows name different columns, or there are no rows.
[[nodiscard]] CompiledSql compile_insert(const Dialect& d, const InsertData& stmt, std::size_t first,
                                         std::size_t count);
/// INSERT INTO t (columns) VALUES (placeholders) x rows [RETURNING ...] for typed rows, whose values
/// the caller binds in order (they are not copied into the result): `params` holds only RETURNING's.
/// No columns: `INSERT INTO t DEFAULT VALUES` (one row).
[[nodiscard]] CompiledSql compile_insert_rows(const Dialect& d, const InsertData& stmt,
                                              std::span<const std::uint16_t> columns, std::size_t rows);
/// How many parameters one row of `stmt` binds at most (for splitting rows into statements).
[[nodiscard]] std::size_t insert_row_parameters(const InsertData& stmt);

/// UPDATE t SET ... [WHERE ...]. @throw ormc::InvalidRequestError without SET items, or when
/// another table's column appears (UPDATE ... FROM is not offered).
[[nodiscard]] CompiledSql compile_update(const Dialect& d, const UpdateData& stmt);
/// DELETE FROM t [WHERE ...]. @throw ormc::InvalidRequestError when another table's column appears.
[[nodiscard]] CompiledSql compile_delete(const Dialect& d, const DeleteData& stmt);

}  // namespace ormc::detail
