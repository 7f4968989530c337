// Operators on columns and expressions: comparisons, arithmetic, &&, ||, ! and and_/or_/not_.
//
// Every operator is constrained (Comparable, Arithmetic, Condition), so `Customer::c.name == 5`
// or `Customer::c.id + "x"` do not compile, and operators never touch types that are not ormc
// columns or expressions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <type_traits>

#include "ormc/column.hpp"
#include "ormc/expression.hpp"

namespace ormc {

namespace detail {

template <class L, class R>
[[nodiscard]] Expr<bool> compare(std::string_view op, const L& lhs, const R& rhs) {
  return Expr<bool>(binary(op, to_node(lhs), to_node(rhs)));
}

/// The value type of an arithmetic result: the expression operand's type without optional.
template <class L, class R>
using arithmetic_result_t =
    strip_optional_t<std::conditional_t<is_expression_v<L>, operand_value_t<L>, operand_value_t<R>>>;

/// The value type of a concatenation: std::string, or std::optional<std::string> when either side
/// may be NULL (NULL || 'x' is NULL on both databases).
template <class L, class R>
using concat_result_t = std::conditional_t<is_optional_v<operand_value_t<L>> || is_optional_v<operand_value_t<R>>,
                                           std::optional<std::string>, std::string>;

}  // namespace detail

/// `L` and `R` may be concatenated with +: comparable text (so `T::c.id + "x"` does not compile).
template <class L, class R>
concept Concatenable = Comparable<L, R> && detail::operand_family_v<L> == SqlFamily::Text;

/// `lhs = rhs` in SQL. Values are bound as parameters.
template <class L, class R>
  requires Comparable<L, R>
[[nodiscard]] Expr<bool> operator==(const L& lhs, const R& rhs) {
  return detail::compare("=", lhs, rhs);
}
template <class L, class R>
  requires Comparable<L, R>
[[nodiscard]] Expr<bool> operator!=(const L& lhs, const R& rhs) {
  return detail::compare("!=", lhs, rhs);
}
template <class L, class R>
  requires Comparable<L, R>
[[nodiscard]] Expr<bool> operator<(const L& lhs, const R& rhs) {
  return detail::compare("<", lhs, rhs);
}
template <class L, class R>
  requires Comparable<L, R>
[[nodiscard]] Expr<bool> operator<=(const L& lhs, const R& rhs) {
  return detail::compare("<=", lhs, rhs);
}
template <class L, class R>
  requires Comparable<L, R>
[[nodiscard]] Expr<bool> operator>(const L& lhs, const R& rhs) {
  return detail::compare(">", lhs, rhs);
}
template <class L, class R>
  requires Comparable<L, R>
[[nodiscard]] Expr<bool> operator>=(const L& lhs, const R& rhs) {
  return detail::compare(">=", lhs, rhs);
}

/// `col == std::nullopt` is `col IS NULL` (as SQLAlchemy's `col == None`); only for nullable columns.
template <class X>
  requires detail::is_expression_v<X> && detail::is_optional_v<detail::operand_value_t<X>>
[[nodiscard]] Expr<bool> operator==(const X& x, std::nullopt_t) {
  return Expr<bool>(detail::make_node({.kind = detail::ExprNode::Kind::IsNull, .args = {detail::to_node(x)}}));
}
/// `col != std::nullopt` is `col IS NOT NULL`.
template <class X>
  requires detail::is_expression_v<X> && detail::is_optional_v<detail::operand_value_t<X>>
[[nodiscard]] Expr<bool> operator!=(const X& x, std::nullopt_t) {
  return Expr<bool>(detail::make_node({.kind = detail::ExprNode::Kind::IsNotNull, .args = {detail::to_node(x)}}));
}

/// Arithmetic on numeric columns and expressions; the result has the expression operand's type.
template <class L, class R>
  requires Arithmetic<L, R>
[[nodiscard]] Expr<detail::arithmetic_result_t<L, R>> operator+(const L& lhs, const R& rhs) {
  return Expr<detail::arithmetic_result_t<L, R>>(detail::binary("+", detail::to_node(lhs), detail::to_node(rhs)));
}
template <class L, class R>
  requires Arithmetic<L, R>
[[nodiscard]] Expr<detail::arithmetic_result_t<L, R>> operator-(const L& lhs, const R& rhs) {
  return Expr<detail::arithmetic_result_t<L, R>>(detail::binary("-", detail::to_node(lhs), detail::to_node(rhs)));
}
template <class L, class R>
  requires Arithmetic<L, R>
[[nodiscard]] Expr<detail::arithmetic_result_t<L, R>> operator*(const L& lhs, const R& rhs) {
  return Expr<detail::arithmetic_result_t<L, R>>(detail::binary("*", detail::to_node(lhs), detail::to_node(rhs)));
}
/// SQL division: integer operands divide as integers, as in SQL.
template <class L, class R>
  requires Arithmetic<L, R>
[[nodiscard]] Expr<detail::arithmetic_result_t<L, R>> operator/(const L& lhs, const R& rhs) {
  return Expr<detail::arithmetic_result_t<L, R>>(detail::binary("/", detail::to_node(lhs), detail::to_node(rhs)));
}

/// `lhs || rhs`: string concatenation of text columns and expressions (SQLAlchemy's `+` on
/// String). @code session.execute(update<Member>().values(Member::c.name = Member::c.name + " (old)")); @endcode
template <class L, class R>
  requires Concatenable<L, R>
[[nodiscard]] Expr<detail::concat_result_t<L, R>> operator+(const L& lhs, const R& rhs) {
  return Expr<detail::concat_result_t<L, R>>(detail::binary("||", detail::to_node(lhs), detail::to_node(rhs)));
}

/// `a AND b`. (Both sides are always sent to the database: no C++ short-circuit applies.)
template <class L, class R>
  requires Condition<L> && Condition<R>
[[nodiscard]] Expr<bool> operator&&(const L& lhs, const R& rhs) {
  return Expr<bool>(detail::binary("AND", detail::to_node(lhs), detail::to_node(rhs)));
}
/// `a OR b`.
template <class L, class R>
  requires Condition<L> && Condition<R>
[[nodiscard]] Expr<bool> operator||(const L& lhs, const R& rhs) {
  return Expr<bool>(detail::binary("OR", detail::to_node(lhs), detail::to_node(rhs)));
}
/// `NOT x`.
template <class X>
  requires Condition<X>
[[nodiscard]] Expr<bool> operator!(const X& x) {
  return Expr<bool>(detail::make_node({.kind = detail::ExprNode::Kind::Not, .args = {detail::to_node(x)}}));
}

/// `a AND b AND ...` (SQLAlchemy's and_()).
template <class First, class... Rest>
  requires Condition<First> && (Condition<Rest> && ...)
[[nodiscard]] Expr<bool> and_(const First& first, const Rest&... rest) {
  Expr<bool> out(detail::to_node(first));
  ((out = out && rest), ...);
  return out;
}
/// `a OR b OR ...` (SQLAlchemy's or_()).
template <class First, class... Rest>
  requires Condition<First> && (Condition<Rest> && ...)
[[nodiscard]] Expr<bool> or_(const First& first, const Rest&... rest) {
  Expr<bool> out(detail::to_node(first));
  ((out = out || rest), ...);
  return out;
}
/// `NOT x` (SQLAlchemy's not_()).
template <class X>
  requires Condition<X>
[[nodiscard]] Expr<bool> not_(const X& x) {
  return !x;
}

}  // namespace ormc
