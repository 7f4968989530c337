// SQL functions for statements: the aggregates count(), count(x), sum, min, max, avg, and concat().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

#include "ormc/expression.hpp"

namespace ormc {

namespace detail {

template <class X>
[[nodiscard]] ExprPtr call(std::string_view name, const X& x) {
  return make_node({.kind = ExprNode::Kind::Function, .op = name, .args = {to_node(x)}});
}

/// SUM of integers is a 64-bit integer; of anything else its own type.
template <class T>
using sum_result_t = std::conditional_t<std::is_integral_v<strip_optional_t<T>>, std::int64_t, strip_optional_t<T>>;
/// AVG of a Decimal stays exact; of integers and floating point it is a double.
template <class T>
using avg_result_t = std::conditional_t<std::is_same_v<strip_optional_t<T>, Decimal>, Decimal, double>;

}  // namespace detail

/// `count(*)`: the number of rows. @code session.scalar(ormc::select(ormc::count()).select_from<Customer>()) @endcode
[[nodiscard]] inline Expr<std::int64_t> count() {
  return Expr<std::int64_t>(detail::make_node({.kind = detail::ExprNode::Kind::Raw, .op = "count(*)"}));
}
/// `count(x)`: the number of rows where `x` is not NULL.
template <class X>
  requires detail::is_expression_v<X>
[[nodiscard]] Expr<std::int64_t> count(const X& x) {
  return Expr<std::int64_t>(detail::call("count", x));
}
/// `sum(x)` of a numeric expression; NULL (std::nullopt) over no rows.
template <class X>
  requires detail::is_expression_v<X> && (detail::operand_family_v<X> == SqlFamily::Numeric)
[[nodiscard]] Expr<std::optional<detail::sum_result_t<detail::operand_value_t<X>>>> sum(const X& x) {
  return Expr<std::optional<detail::sum_result_t<detail::operand_value_t<X>>>>(detail::call("sum", x));
}
/// `avg(x)` of a numeric expression; NULL (std::nullopt) over no rows.
template <class X>
  requires detail::is_expression_v<X> && (detail::operand_family_v<X> == SqlFamily::Numeric)
[[nodiscard]] Expr<std::optional<detail::avg_result_t<detail::operand_value_t<X>>>> avg(const X& x) {
  return Expr<std::optional<detail::avg_result_t<detail::operand_value_t<X>>>>(detail::call("avg", x));
}

/// Families both databases can take min/max of (PostgreSQL has no min(boolean) or min(uuid)).
template <class X>
concept Orderable = detail::is_expression_v<X> &&
                    (detail::operand_family_v<X> == SqlFamily::Numeric || detail::operand_family_v<X> == SqlFamily::Text ||
                     detail::operand_family_v<X> == SqlFamily::DateTime || detail::operand_family_v<X> == SqlFamily::Date);

/// `min(x)`; NULL (std::nullopt) over no rows.
template <class X>
  requires Orderable<X>
[[nodiscard]] Expr<std::optional<detail::strip_optional_t<detail::operand_value_t<X>>>> min(const X& x) {
  return Expr<std::optional<detail::strip_optional_t<detail::operand_value_t<X>>>>(detail::call("min", x));
}
/// `max(x)`; NULL (std::nullopt) over no rows.
template <class X>
  requires Orderable<X>
[[nodiscard]] Expr<std::optional<detail::strip_optional_t<detail::operand_value_t<X>>>> max(const X& x) {
  return Expr<std::optional<detail::strip_optional_t<detail::operand_value_t<X>>>>(detail::call("max", x));
}

/// A concat() operand: text, and a plain value is not a std::optional (as Comparable requires).
template <class X>
concept TextOperand = sql_family_v<detail::operand_value_t<X>> == SqlFamily::Text &&
                      (detail::is_expression_v<X> || !detail::is_optional_v<detail::operand_value_t<X>>);

/// `a || b || ...`: concatenation of text columns, expressions and values (at least one an
/// expression), as SQLAlchemy's `+` on strings; the same as chaining `+`. NULL when any part is.
/// @code session.scalars(select(ormc::concat(Author::c.name, " <", Author::c.email, ">"))) @endcode
template <class First, class Second, class... Rest>
  requires(TextOperand<First> && TextOperand<Second> && (TextOperand<Rest> && ...) &&
           (detail::is_expression_v<First> || detail::is_expression_v<Second> || (detail::is_expression_v<Rest> || ...)))
[[nodiscard]] auto concat(const First& first, const Second& second, const Rest&... rest) {
  constexpr bool nullable = detail::is_optional_v<detail::operand_value_t<First>> ||
                            detail::is_optional_v<detail::operand_value_t<Second>> ||
                            (detail::is_optional_v<detail::operand_value_t<Rest>> || ...);
  using Result = std::conditional_t<nullable, std::optional<std::string>, std::string>;
  detail::ExprPtr node = detail::binary("||", detail::to_node(first), detail::to_node(second));
  ((node = detail::binary("||", std::move(node), detail::to_node(rest))), ...);
  return Expr<Result>(std::move(node));
}

}  // namespace ormc
