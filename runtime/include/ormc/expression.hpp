// ormc::Expr<T>: a typed SQL expression (a tree of nodes the SQL compiler renders), and its operand rules.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ormc/metadata.hpp"
#include "ormc/sql_type.hpp"
#include "ormc/value.hpp"

namespace ormc {

template <class E, class T>
struct Column;
template <class T>
class Expr;

namespace detail {

struct ExprNode;
/// Expression trees are immutable and shared: statements copy them freely.
using ExprPtr = std::shared_ptr<const ExprNode>;

/// One node of an expression tree. The compiler (runtime/src/sql) is the only reader.
struct ExprNode {
  enum class Kind : std::uint8_t {
    Column,    ///< entity + column position
    TableColumn, ///< a column of a table without a class (a many-to-many association table)
    Param,     ///< a bound value: always a placeholder in SQL text, never spliced
    Raw,       ///< fixed SQL text chosen by ormc itself (`count(*)`, `1 != 1`), never user data
    Binary,    ///< args[0] op args[1]; `op` is the SQL operator
    Not,       ///< NOT args[0]
    Function,  ///< op(args...)
    In,        ///< args[0] IN (args[1], ...)
    Between,   ///< args[0] BETWEEN args[1] AND args[2]
    IsNull,    ///< args[0] IS NULL
    IsNotNull, ///< args[0] IS NOT NULL
  };
  Kind kind = Kind::Raw;
  std::string_view op{};  ///< operator, function name or raw text (always a string literal)
  const EntityInfo* entity = nullptr;
  const TableInfo* table = nullptr;  ///< TableColumn
  std::uint16_t column = 0;
  Value value{};
  std::vector<ExprPtr> args{};
};

[[nodiscard]] inline ExprPtr make_node(ExprNode node) { return std::make_shared<const ExprNode>(std::move(node)); }
[[nodiscard]] inline ExprPtr binary(std::string_view op, ExprPtr lhs, ExprPtr rhs) {
  return make_node({.kind = ExprNode::Kind::Binary, .op = op, .args = {std::move(lhs), std::move(rhs)}});
}

/// What a statement operand is: a column, an expression, or a plain C++ value to bind.
template <class X>
struct operand_traits {
  static constexpr bool is_expression = false;
  using value_type = std::decay_t<X>;  // char[N] -> const char*
};
template <class E, class T>
struct operand_traits<Column<E, T>> {
  static constexpr bool is_expression = true;
  using value_type = T;
};
template <class T>
struct operand_traits<Expr<T>> {
  static constexpr bool is_expression = true;
  using value_type = T;
};

template <class X>
inline constexpr bool is_expression_v = operand_traits<std::remove_cvref_t<X>>::is_expression;
template <class X>
using operand_value_t = typename operand_traits<std::remove_cvref_t<X>>::value_type;
template <class X>
inline constexpr SqlFamily operand_family_v = sql_family_v<operand_value_t<X>>;

/// The node of an expression operand, or a Param node holding a value operand.
template <class X>
[[nodiscard]] ExprPtr to_node(const X& x) {
  if constexpr (is_expression_v<X>) {
    return x.node();
  } else {
    using V = std::decay_t<X>;
    if constexpr (std::is_same_v<V, std::string_view>)
      return make_node({.kind = ExprNode::Kind::Param, .value = Value(std::string(x))});
    else if constexpr (std::is_same_v<V, char*>)
      return make_node({.kind = ExprNode::Kind::Param, .value = Value(std::string(x))});
    else
      return make_node({.kind = ExprNode::Kind::Param, .value = ormc::to_value(x)});
  }
}

}  // namespace detail

/// `L` and `R` may be compared in SQL: at least one is a column or expression, both belong to the
/// same SqlFamily, and a plain value is not a std::optional (compare with `is_null()` or
/// `== std::nullopt` instead: `col = NULL` is never true in SQL).
template <class L, class R>
concept Comparable = (detail::is_expression_v<L> || detail::is_expression_v<R>) &&
                     detail::operand_family_v<L> != SqlFamily::None &&
                     detail::operand_family_v<L> == detail::operand_family_v<R> &&
                     (detail::is_expression_v<L> || !detail::is_optional_v<detail::operand_value_t<L>>) &&
                     (detail::is_expression_v<R> || !detail::is_optional_v<detail::operand_value_t<R>>);

/// `X` is a SQL boolean expression: a Boolean column or a comparison's result.
template <class X>
concept Condition = detail::is_expression_v<X> && detail::operand_family_v<X> == SqlFamily::Boolean;

/// `L` and `R` may be combined with + - * /: comparable numbers.
template <class L, class R>
concept Arithmetic = Comparable<L, R> && detail::operand_family_v<L> == SqlFamily::Numeric;

/// How an ORDER BY term sorts.
enum class SortOrder : std::uint8_t { Default, Ascending, Descending };

/// One ORDER BY term: `expr.asc()`, `expr.desc()`, or a plain expression (the database's default).
struct OrderBy {
  detail::ExprPtr expr;
  SortOrder order = SortOrder::Default;
};

/// `E::c.attr = value` inside `update<E>().values(...)` / `insert<E>().values(...)`.
template <class E>
struct Assignment {
  std::uint16_t column = 0;
  detail::ExprPtr value;
};

namespace detail {

/// The methods every typed expression has (columns and Expr<T> alike), on top of the node `self`.
template <class T>
struct ExpressionMethods {
  [[nodiscard]] static Expr<bool> like(const ExprPtr& self, std::string_view pattern);
  template <class Range>
  [[nodiscard]] static Expr<bool> in(const ExprPtr& self, const Range& values);
};

}  // namespace detail

/// A typed SQL expression whose C++ value type is `T` (std::optional<T> when it may be NULL).
/// Built by comparing or combining `E::c.attr` columns; never holds SQL text written by the user.
///
/// @code
///   auto rich = Customer::c.balance >= ormc::Decimal("1000") && Customer::c.name.like("A%");
/// @endcode
template <class T>
class Expr {
 public:
  using value_type = T;

  explicit Expr(detail::ExprPtr node) : node_(std::move(node)) {}

  [[nodiscard]] const detail::ExprPtr& node() const noexcept { return node_; }

  /// `expr LIKE pattern` (pattern bound as a parameter). Only for text expressions.
  [[nodiscard]] Expr<bool> like(std::string_view pattern) const
    requires(sql_family_v<T> == SqlFamily::Text)
  {
    return detail::ExpressionMethods<T>::like(node_, pattern);
  }
  /// `expr IN (v1, v2, ...)`; an empty list is a condition that is always false (`1 != 1`).
  template <class V>
    requires Comparable<Expr<T>, V>
  [[nodiscard]] Expr<bool> in_(const std::vector<V>& values) const {
    return detail::ExpressionMethods<T>::in(node_, values);
  }
  template <class V>
    requires Comparable<Expr<T>, V>
  [[nodiscard]] Expr<bool> in_(std::initializer_list<V> values) const {
    return detail::ExpressionMethods<T>::in(node_, values);
  }
  /// `expr BETWEEN low AND high` (inclusive).
  template <class Lo, class Hi>
    requires Comparable<Expr<T>, Lo> && Comparable<Expr<T>, Hi>
  [[nodiscard]] Expr<bool> between(const Lo& low, const Hi& high) const {
    return Expr<bool>(detail::make_node({.kind = detail::ExprNode::Kind::Between,
                                         .args = {node_, detail::to_node(low), detail::to_node(high)}}));
  }
  [[nodiscard]] Expr<bool> is_null() const {
    return Expr<bool>(detail::make_node({.kind = detail::ExprNode::Kind::IsNull, .args = {node_}}));
  }
  [[nodiscard]] Expr<bool> is_not_null() const {
    return Expr<bool>(detail::make_node({.kind = detail::ExprNode::Kind::IsNotNull, .args = {node_}}));
  }
  [[nodiscard]] OrderBy asc() const { return {node_, SortOrder::Ascending}; }
  [[nodiscard]] OrderBy desc() const { return {node_, SortOrder::Descending}; }

 private:
  detail::ExprPtr node_;
};

namespace detail {

template <class T>
Expr<bool> ExpressionMethods<T>::like(const ExprPtr& self, std::string_view pattern) {
  return Expr<bool>(binary("LIKE", self, make_node({.kind = ExprNode::Kind::Param, .value = Value(std::string(pattern))})));
}

template <class T>
template <class Range>
Expr<bool> ExpressionMethods<T>::in(const ExprPtr& self, const Range& values) {
  // SQL has no empty IN list; like SQLAlchemy, an empty list is a false expression that every
  // database accepts.
  if (values.size() == 0) return Expr<bool>(make_node({.kind = ExprNode::Kind::Raw, .op = "1 != 1"}));
  ExprNode node{.kind = ExprNode::Kind::In};
  node.args.reserve(values.size() + 1);
  node.args.push_back(self);
  for (const auto& v : values) node.args.push_back(to_node(v));
  return Expr<bool>(make_node(std::move(node)));
}

}  // namespace detail

}  // namespace ormc
