// ormc::Column<E, T>: the typed column handle behind `Entity::c.attr`; statements build on it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include "ormc/expression.hpp"

namespace ormc {

/// `V` may be stored into a column whose C++ type is `T`: same SqlFamily; NULL (std::nullopt or
/// an empty std::optional value) only into a nullable column.
template <class T, class V>
concept AssignableTo =
    (std::is_same_v<std::remove_cvref_t<V>, std::nullopt_t> && detail::is_optional_v<T>) ||
    (!std::is_same_v<std::remove_cvref_t<V>, std::nullopt_t> && sql_family_v<T> != SqlFamily::None &&
     detail::operand_family_v<V> == sql_family_v<T> &&
     (detail::is_expression_v<V> || !detail::is_optional_v<detail::operand_value_t<V>> || detail::is_optional_v<T>));

/// A mapped column of entity `E` whose C++ type is `T`. Generated classes expose one per column
/// as `E::c.attr`; typed statements take them (and reject values of a non-comparable type).
///
/// @code
///   session.scalars(ormc::select<Customer>().where(Customer::c.name.like("A%"))).all();
///   session.execute(ormc::update<Customer>().values(Customer::c.visits = Customer::c.visits + 1));
/// @endcode
template <class E, class T>
struct Column {
  using entity_type = E;
  using value_type = T;
  std::uint16_t index;  ///< position in E's TableInfo::columns

  /// The expression node `table.column`.
  [[nodiscard]] detail::ExprPtr node() const {
    return detail::make_node({.kind = detail::ExprNode::Kind::Column, .entity = &E::ormc_entity_info(), .column = index});
  }
  /// This column as an Expr<T> (what comparisons and arithmetic produce from it).
  [[nodiscard]] Expr<T> expr() const { return Expr<T>(node()); }

  /// `column LIKE pattern` (pattern bound as a parameter). Only for text columns.
  [[nodiscard]] Expr<bool> like(std::string_view pattern) const
    requires(sql_family_v<T> == SqlFamily::Text)
  {
    return detail::ExpressionMethods<T>::like(node(), pattern);
  }
  /// `column IN (v1, v2, ...)`; an empty list is a condition that is always false (`1 != 1`).
  template <class V>
    requires Comparable<Column, V>
  [[nodiscard]] Expr<bool> in_(const std::vector<V>& values) const {
    return detail::ExpressionMethods<T>::in(node(), values);
  }
  template <class V>
    requires Comparable<Column, V>
  [[nodiscard]] Expr<bool> in_(std::initializer_list<V> values) const {
    return detail::ExpressionMethods<T>::in(node(), values);
  }
  /// `column BETWEEN low AND high` (inclusive).
  template <class Lo, class Hi>
    requires Comparable<Column, Lo> && Comparable<Column, Hi>
  [[nodiscard]] Expr<bool> between(const Lo& low, const Hi& high) const {
    return expr().between(low, high);
  }
  [[nodiscard]] Expr<bool> is_null() const { return expr().is_null(); }
  [[nodiscard]] Expr<bool> is_not_null() const { return expr().is_not_null(); }
  [[nodiscard]] OrderBy asc() const { return {node(), SortOrder::Ascending}; }
  [[nodiscard]] OrderBy desc() const { return {node(), SortOrder::Descending}; }

  /// `E::c.attr = value_or_expression`: a SET item of update<E>() or a field of an insert<E>() row.
  /// It builds an Assignment and changes nothing (the column handles are constants).
  template <class V>
    requires AssignableTo<T, V>
  Assignment<E> operator=(const V& value) const {  // NOLINT(misc-unconventional-assign-operator)
    if constexpr (std::is_same_v<std::remove_cvref_t<V>, std::nullopt_t>)
      return {index, detail::make_node({.kind = detail::ExprNode::Kind::Param})};
    else
      return {index, detail::to_node(value)};
  }
};

}  // namespace ormc
