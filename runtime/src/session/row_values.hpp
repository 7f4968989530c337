// Reading one column of a result row into a Value the way the column's mapping wants it.
#pragma once

#include "connection.hpp"
#include "ormc/metadata.hpp"

namespace ormc::detail {

/// The database may fill the column itself (autoincrement or server default): an INSERT may leave
/// it out, so an object only carries a value for it when the caller set one.
[[nodiscard]] inline bool server_generated(const ColumnInfo& c) noexcept {
  return c.autoincrement || c.server_default.kind != ServerDefault::Kind::None;
}

[[nodiscard]] inline bool is_integer(Type type) noexcept {
  return type == Type::SmallInteger || type == Type::Integer || type == Type::BigInteger;
}

/// The value of result column `index`, decoded as `column`'s type (see detail::read_value).
[[nodiscard]] inline Value read_column(const Rows& rows, std::size_t index, const ColumnInfo& column) {
  return read_value(rows, index, column);
}

}  // namespace ormc::detail
