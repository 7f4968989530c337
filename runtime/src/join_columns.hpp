// Resolving a relationship's join columns (named by SQL name in the metadata) to column positions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ormc/errors.hpp"
#include "ormc/metadata.hpp"

namespace ormc::detail {

/// Position of column `name` in `table`. Metadata built by ormc always resolves; hand-made metadata
/// that doesn't is reported rather than read out of bounds.
inline std::uint16_t column_of(const TableInfo& table, std::string_view name) {
  const int i = table.column_index(name);
  if (i < 0)
    throw InvalidRequestError("relationship metadata names column '" + std::string(name) + "' which table '" +
                              std::string(table.name) + "' does not have");
  return static_cast<std::uint16_t>(i);
}

/// Positions in `table` of the local (or remote) columns of `pairs`.
inline std::vector<std::uint16_t> join_columns(const TableInfo& table, std::span<const JoinPair> pairs, bool remote) {
  std::vector<std::uint16_t> out;
  out.reserve(pairs.size());
  for (const JoinPair& p : pairs) out.push_back(column_of(table, remote ? p.remote_column : p.local_column));
  return out;
}

}  // namespace ormc::detail
