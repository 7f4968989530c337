// InsertRows: the rows of a bulk INSERT given as typed `T::Fields`, flattened to values grouped by the columns they set.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "ormc/metadata.hpp"
#include "ormc/sql_type.hpp"
#include "ormc/value.hpp"

namespace ormc::detail {

/// What `session.execute(insert, rows)` builds from its `T::Fields` rows, through the generated
/// `T::ormc_insert_row()`: every value once, moved out of the Fields (no expression nodes), in one
/// flat vector. Consecutive rows that set the same columns form one group, which becomes one
/// multi-row INSERT per chunk (or one COPY); a server-generated field left empty (an autoincrement
/// key, a column with a server default) is not sent, as `T::create()` leaves it out of its INSERT.
///
/// Columns whose value is fixed for every row (a collection's foreign key to its parent) come first
/// in each row; the Fields' own value of such a column is ignored.
class InsertRows {
 public:
  /// Rows sharing one column list, stored at values()[first_value, first_value + rows * columns.size()).
  struct Group {
    std::vector<std::uint16_t> columns;
    std::size_t first_value = 0;
    std::size_t rows = 0;
  };

  /// `fixed`: (column, value) pairs every row gets, e.g. the parent's key.
  InsertRows(const EntityInfo& entity, std::vector<std::pair<std::uint16_t, Value>> fixed)
      : entity_(&entity), fixed_(std::move(fixed)), is_fixed_(entity.table->columns.size(), false) {
    for (const auto& f : fixed_) is_fixed_[f.first] = true;
  }

  void reserve(std::size_t rows) { values_.reserve(rows * entity_->table->columns.size()); }

  // --- called by the generated T::ormc_insert_row(), in column order
  /// Starts a row: the fixed values first.
  void begin_row() {
    row_columns_.clear();
    for (const auto& f : fixed_) {
      row_columns_.push_back(f.first);
      values_.push_back(f.second);
    }
  }
  /// A field the row always sets (NULL for an empty std::optional of a nullable column).
  template <class V>
  void set(std::uint16_t column, V&& value) {
    if (is_fixed_[column]) return;
    row_columns_.push_back(column);
    values_.push_back(value_of(std::forward<V>(value)));
  }
  /// A server-generated field: left to the database (not sent) when empty.
  template <class V>
  void set_generated(std::uint16_t column, std::optional<V>&& value) {
    if (!value || is_fixed_[column]) return;
    row_columns_.push_back(column);
    values_.push_back(to_value(std::move(*value)));
  }
  /// Ends the row: it joins the previous rows' group when it sets the same columns.
  void end_row() {
    if (groups_.empty() || groups_.back().columns != row_columns_) {
      groups_.push_back({row_columns_, values_.size() - row_columns_.size(), 0});
    }
    ++groups_.back().rows;
    ++rows_;
  }

  [[nodiscard]] const EntityInfo& entity() const noexcept { return *entity_; }
  [[nodiscard]] const std::vector<Group>& groups() const noexcept { return groups_; }
  [[nodiscard]] std::span<const Value> values() const noexcept { return values_; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }

 private:
  template <class V>
  static Value value_of(V&& v) {
    using Plain = std::remove_cvref_t<V>;
    if constexpr (is_optional_v<Plain>) {
      // Moves the string out of the optional (ValueTraits<std::optional<T>> would copy it).
      if (!v) return Value();
      return to_value(std::move(*v));
    } else {
      return to_value(std::forward<V>(v));
    }
  }

  const EntityInfo* entity_;
  std::vector<std::pair<std::uint16_t, Value>> fixed_;
  std::vector<bool> is_fixed_;
  std::vector<std::uint16_t> row_columns_;
  std::vector<Value> values_;
  std::vector<Group> groups_;
  std::size_t rows_ = 0;
};

}  // namespace ormc::detail
