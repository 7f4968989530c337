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

/// The value of result column `index`, decoded as `column`'s type; NUMERIC is brought to the
/// column's declared scale, so "500" stored by SQLite reads back as 500.00 for Numeric(10, 2).
[[nodiscard]] inline Value read_column(const Rows& rows, std::size_t index, const ColumnInfo& column) {
  Value v = rows.get(index, column.type);
  if (column.type == Type::Numeric && column.scale > 0 && v.holds<Decimal>())
    v = Value(v.as<Decimal>().with_scale(column.scale));
  return v;
}

}  // namespace ormc::detail
