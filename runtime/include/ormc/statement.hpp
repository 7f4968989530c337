// Typed statements: select<T>(), select(expr), insert<T>(), update<T>(), delete_<T>() and their SQL per dialect.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ormc/column.hpp"
#include "ormc/database.hpp"
#include "ormc/errors.hpp"
#include "ormc/detail/insert_rows.hpp"
#include "ormc/expression.hpp"
#include "ormc/functions.hpp"
#include "ormc/loader_options.hpp"
#include "ormc/metadata.hpp"
#include "ormc/operators.hpp"
#include "ormc/value.hpp"

namespace ormc {

namespace detail {

/// A JOIN along a relationship, resolved when the statement is compiled.
struct JoinSpec {
  const EntityInfo* target = nullptr;
  std::string_view relationship{};  ///< empty: the only relationship that leads to `target`
};

/// What select<T>() and select(expr) hold; the SQL compiler reads it.
struct SelectData {
  const EntityInfo* entity = nullptr;  ///< select<T>(): every column of T, rows become objects
  ExprPtr column;                      ///< select(expr): one expression, rows become values
  const EntityInfo* from = nullptr;    ///< select_from<T>()
  std::vector<JoinSpec> joins;
  std::vector<ExprPtr> where;          ///< ANDed
  std::vector<OrderBy> order_by;
  bool explicit_order = false;         ///< order_by() was called: the entity's default order is off
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  /// Further FROM tables without a class that the criteria use (a collection's association table).
  std::vector<const TableInfo*> from_tables;
  /// Runtime-internal: expressions selected after the entity's columns (a selectin load of a
  /// many-to-many reads each row's parent key from the association table).
  std::vector<ExprPtr> extra_columns;
  /// Per-query loader options (select<T>().options(...)), in the order given: the last one naming
  /// a relationship wins.
  std::vector<LoaderOption> loader_options;
  /// Runtime-internal: no joined eager loading (the limited inner query of a joined collection
  /// load, which SQLAlchemy wraps in a subquery and joins to).
  bool no_eager_joins = false;
  /// Runtime-internal: extra_columns are selected `AS anon_extra_<k>` (k from 1) so that an outer
  /// query can name them.
  bool label_extra_columns = false;
};

struct AssignmentData {
  std::uint16_t column = 0;
  ExprPtr value;
};

struct InsertData {
  const EntityInfo* entity = nullptr;
  std::vector<std::vector<AssignmentData>> rows;
  /// Values every row gets (a collection's insert(): the foreign key to its parent).
  std::vector<AssignmentData> fixed;
  /// RETURNING expressions (returning(expr)); empty: none.
  std::vector<ExprPtr> returning;
  /// returning(): RETURNING every column, and the rows become objects of the Session.
  bool returning_entity = false;
};

/// What an INSERT ... RETURNING hands back to session.execute(): one value per row (decoded as
/// `type`), or with `objects`, one persistent object per row (through the identity map).
struct ReturnedRows {
  Type type = Type::Integer;
  bool objects = false;
  std::vector<Value> values;
  std::vector<std::shared_ptr<Object>> rows;
};

struct UpdateData {
  const EntityInfo* entity = nullptr;
  std::vector<AssignmentData> values;
  std::vector<ExprPtr> where;
  /// Association tables the criteria use: UPDATE ... FROM where the dialect has it, else
  /// `WHERE key IN (SELECT key FROM t, secondary WHERE ...)`.
  std::vector<const TableInfo*> from_tables;
};

struct DeleteData {
  const EntityInfo* entity = nullptr;
  std::vector<ExprPtr> where;
  /// As UpdateData::from_tables: DELETE ... USING, or the IN (subquery) form.
  std::vector<const TableInfo*> from_tables;
};

template <class X>
[[nodiscard]] OrderBy to_order(const X& x) {
  if constexpr (std::is_same_v<X, OrderBy>)
    return x;
  else
    return OrderBy{to_node(x), SortOrder::Default};
}

template <class E>
[[nodiscard]] AssignmentData to_data(const Assignment<E>& a) {
  return {a.column, a.value};
}

}  // namespace detail

/// A statement's SQL text (placeholders in the dialect's spelling) and its bound parameters.
struct CompiledSql {
  std::string sql;
  std::vector<Value> params;
};

namespace detail {
/// @throw ormc::InvalidRequestError when the statement can't be expressed (see each builder).
[[nodiscard]] CompiledSql compile(DialectKind dialect, const SelectData& stmt);
[[nodiscard]] CompiledSql compile(DialectKind dialect, const InsertData& stmt);
[[nodiscard]] CompiledSql compile(DialectKind dialect, const UpdateData& stmt);
[[nodiscard]] CompiledSql compile(DialectKind dialect, const DeleteData& stmt);

/// The InsertRows that `session.execute(insert, rows)` fills: the statement's fixed values (a
/// collection's foreign key) go first in every row.
/// @throw ormc::InvalidRequestError when `stmt` already has values() rows (rows come from one
///        place), or a fixed value is not a plain value.
[[nodiscard]] InsertRows insert_rows_for(const InsertData& stmt);

/// The clauses select<T>() and select(expr) share (CRTP: each returns a modified copy of Self).
template <class Self>
class SelectClauses {
 public:
  /// Adds WHERE criteria; several calls (or several arguments) are ANDed.
  template <class... C>
    requires(sizeof...(C) > 0 && (Condition<C> && ...))
  [[nodiscard]] Self where(const C&... criteria) const {
    Self copy = self();
    (copy.data_.where.push_back(to_node(criteria)), ...);
    return copy;
  }
  /// Adds ORDER BY terms (`col`, `col.asc()`, `col.desc()`) after those already there (a
  /// collection's configured order, earlier order_by() calls); replaces the entity's default order.
  template <class... O>
    requires(sizeof...(O) > 0 && !(std::is_null_pointer_v<O> || ...))
  [[nodiscard]] Self order_by(const O&... terms) const {
    Self copy = self();
    copy.data_.explicit_order = true;
    (copy.data_.order_by.push_back(to_order(terms)), ...);
    return copy;
  }
  /// `order_by(nullptr)` drops every ORDER BY: earlier order_by() terms, a collection's configured
  /// order and the entity's default order (SQLAlchemy's `order_by(None)`). Terms added afterwards
  /// are the whole order.
  [[nodiscard]] Self order_by(std::nullptr_t) const {
    Self copy = self();
    copy.data_.explicit_order = true;
    copy.data_.order_by.clear();
    return copy;
  }
  /// LIMIT n (bound as a parameter, so every limit shares one prepared statement).
  [[nodiscard]] Self limit(std::int64_t n) const {
    Self copy = self();
    copy.data_.limit = n;
    return copy;
  }
  /// OFFSET n (bound as a parameter).
  [[nodiscard]] Self offset(std::int64_t n) const {
    Self copy = self();
    copy.data_.offset = n;
    return copy;
  }
  /// JOIN the table of `U` along the relationship between an entity already in the statement and
  /// U (either side may declare it); name it when several relationships lead there.
  /// Resolved when the statement is compiled: @throw ormc::InvalidRequestError there when no (or
  /// more than one) relationship matches.
  template <class U>
  [[nodiscard]] Self join(std::string_view relationship = {}) const {
    Self copy = self();
    copy.data_.joins.push_back({&U::ormc_entity_info(), relationship});
    return copy;
  }

  [[nodiscard]] const SelectData& data() const noexcept { return static_cast<const Self&>(*this).data_; }

 private:
  const Self& self() const noexcept { return static_cast<const Self&>(*this); }
};

}  // namespace detail

/// SELECT of whole entities of type T: `session.scalars(select<T>()...)` gives std::shared_ptr<T>.
/// Without order_by(), the entity's declared default order (if any) applies.
///
/// @code
///   auto page = session.scalars(ormc::select<Customer>()
///                                   .where(Customer::c.active, Customer::c.balance > 0)
///                                   .order_by(Customer::c.name.desc())
///                                   .limit(10)).all();
/// @endcode
template <class T>
class [[nodiscard]] Select : public detail::SelectClauses<Select<T>> {
 public:
  using entity_type = T;
  Select() { data_.entity = &T::ormc_entity_info(); }
  /// A statement prepared by the runtime (a collection's select()).
  explicit Select(detail::SelectData data) : data_(std::move(data)) {}

  /// Loader options for this query only: `.options(ormc::selectinload(&User::posts), ormc::raiseload(&User::tags))`
  /// override the relationships' configured lazy = ... for the objects it loads (collections not
  /// loaded yet; a loaded collection stays as it is, as in SQLAlchemy).
  /// @throw ormc::InvalidRequestError when an option names a relationship of another entity.
  template <class... O>
    requires(sizeof...(O) > 0 && (std::is_same_v<O, LoaderOption> && ...))
  [[nodiscard]] Select options(const O&... opts) const {
    Select copy = *this;
    (copy.add_option(opts), ...);
    return copy;
  }

 private:
  void add_option(const LoaderOption& option) {
    if (option.entity != data_.entity)
      throw InvalidRequestError("Loader option for '" + std::string(option.entity->name) + "." +
                                std::string(option.relationship->name) + "' does not apply to the entity of select<" +
                                std::string(data_.entity->name) + ">()");
    data_.loader_options.push_back(option);
  }
  friend class detail::SelectClauses<Select<T>>;
  detail::SelectData data_;
};

/// SELECT of one expression (a column, an aggregate, arithmetic): `session.scalar(...)` /
/// `session.scalars(...)` give values of type V.
///
/// @code
///   std::int64_t n = session.scalar(ormc::select(ormc::count()).select_from<Customer>());
/// @endcode
template <class V>
class [[nodiscard]] ScalarSelect : public detail::SelectClauses<ScalarSelect<V>> {
 public:
  using value_type = V;
  explicit ScalarSelect(detail::ExprPtr column) { data_.column = std::move(column); }

  /// FROM T: needed when the selected expression names no table (`count()`); otherwise the
  /// tables come from the columns used, as in SQLAlchemy.
  template <class T>
  [[nodiscard]] ScalarSelect select_from() const {
    ScalarSelect copy = *this;
    copy.data_.from = &T::ormc_entity_info();
    return copy;
  }

 private:
  friend class detail::SelectClauses<ScalarSelect<V>>;
  detail::SelectData data_;
};

/// `SELECT <every column of T> FROM T`.
template <class T>
[[nodiscard]] Select<T> select() {
  return Select<T>();
}
/// `SELECT <expr>`: a scalar select of a column, aggregate or arithmetic expression.
template <class X>
  requires detail::is_expression_v<X>
[[nodiscard]] ScalarSelect<detail::operand_value_t<X>> select(const X& expr) {
  return ScalarSelect<detail::operand_value_t<X>>(detail::to_node(expr));
}

template <class T, class V>
class InsertReturning;

/// INSERT INTO T. Rows come either from values() (typed assignments, which may be expressions) or,
/// as SPEC §3 spells it, as `T::Fields` given to `session.execute(stmt, rows)`: one multi-row
/// statement per 1,000 rows within the dialect's parameter limit, or COPY on PostgreSQL for more.
///
/// @code
///   session.execute(ormc::insert<Customer>(), {{.name = "Ada", .balance = Decimal("1.00")},
///                                              {.name = "Bob", .balance = Decimal("2.00")}});
///   session.execute(ormc::insert<Customer>()
///                       .values(Customer::c.name = "Ada", Customer::c.balance = Decimal("1.00"))
///                       .values(Customer::c.name = "Bob", Customer::c.balance = Decimal("2.00")));
/// @endcode
template <class T>
class [[nodiscard]] Insert {
 public:
  using entity_type = T;
  using Row = std::vector<Assignment<T>>;
  Insert() { data_.entity = &T::ormc_entity_info(); }
  /// A statement prepared by the runtime (a collection's insert()).
  explicit Insert(detail::InsertData data) : data_(std::move(data)) {}

  /// Adds one row.
  template <class... A>
    requires(std::is_same_v<A, Assignment<T>> && ...)
  [[nodiscard]] Insert values(const A&... row) const {
    Insert copy = *this;
    copy.data_.rows.push_back({detail::to_data(row)...});
    return copy;
  }
  /// Adds several rows: `.values({{T::c.a = 1, T::c.b = 2}, {T::c.a = 3, T::c.b = 4}})`.
  [[nodiscard]] Insert values(const std::vector<Row>& rows) const {
    Insert copy = *this;
    for (const Row& row : rows) {
      auto& out = copy.data_.rows.emplace_back();
      for (const auto& a : row) out.push_back(detail::to_data(a));
    }
    return copy;
  }

  /// Adds `RETURNING expr` (SQLAlchemy's `insert(T).returning(T.id)`): a column or an expression of
  /// T's columns. See InsertReturning.
  template <class X>
    requires detail::is_expression_v<X>
  [[nodiscard]] InsertReturning<T, detail::operand_value_t<X>> returning(const X& expr) const;
  /// Adds `RETURNING <every column>` (SQLAlchemy's `insert(T).returning(T)`): session.execute()
  /// returns the inserted rows as persistent objects of the Session, in row order.
  [[nodiscard]] InsertReturning<T, std::shared_ptr<T>> returning() const;

  [[nodiscard]] const detail::InsertData& data() const noexcept { return data_; }

 private:
  detail::InsertData data_;
};

/// `INSERT ... RETURNING expr` (Insert::returning(expr)): `session.execute(stmt[, rows])` returns the
/// values of `expr`, one per inserted row, in the order the rows were given; with returning() (V is
/// std::shared_ptr<T>) the rows as objects. Always multi-row INSERT statements (never COPY, which
/// returns nothing). The order is the order the database returns them in: the VALUES order on
/// PostgreSQL and SQLite, which the unit of work's INSERT ... RETURNING relies on too.
///
/// @code
///   std::vector<std::int32_t> ids =
///       session.execute(ormc::insert<Customer>().returning(Customer::c.id), {{.name = "Ada"}, {.name = "Bob"}});
/// @endcode
template <class T, class V>
class [[nodiscard]] InsertReturning {
 public:
  using entity_type = T;
  using value_type = V;
  explicit InsertReturning(detail::InsertData data) : data_(std::move(data)) {}
  [[nodiscard]] const detail::InsertData& data() const noexcept { return data_; }

 private:
  detail::InsertData data_;
};

template <class T>
template <class X>
  requires detail::is_expression_v<X>
InsertReturning<T, detail::operand_value_t<X>> Insert<T>::returning(const X& expr) const {
  detail::InsertData data = data_;
  data.returning = {detail::to_node(expr)};
  data.returning_entity = false;
  return InsertReturning<T, detail::operand_value_t<X>>(std::move(data));
}

template <class T>
InsertReturning<T, std::shared_ptr<T>> Insert<T>::returning() const {
  detail::InsertData data = data_;
  data.returning.clear();
  data.returning_entity = true;
  return InsertReturning<T, std::shared_ptr<T>>(std::move(data));
}

/// UPDATE T SET ... WHERE ...: `session.execute()` returns the number of rows matched.
/// Objects of T in the Session have the SET columns expired, so they reload the new values.
///
/// @code
///   session.execute(ormc::update<Customer>()
///                       .values(Customer::c.visits = Customer::c.visits + 1)
///                       .where(Customer::c.active));
/// @endcode
template <class T>
class [[nodiscard]] Update {
 public:
  Update() { data_.entity = &T::ormc_entity_info(); }
  /// A statement prepared by the runtime (a collection's update()).
  explicit Update(detail::UpdateData data) : data_(std::move(data)) {}

  /// Adds SET items `T::c.x = value_or_expression`.
  template <class... A>
    requires(sizeof...(A) > 0 && (std::is_same_v<A, Assignment<T>> && ...))
  [[nodiscard]] Update values(const A&... assignments) const {
    Update copy = *this;
    (copy.data_.values.push_back(detail::to_data(assignments)), ...);
    return copy;
  }
  /// Adds WHERE criteria (ANDed). Only T's columns may appear (no UPDATE ... FROM).
  template <class... C>
    requires(sizeof...(C) > 0 && (Condition<C> && ...))
  [[nodiscard]] Update where(const C&... criteria) const {
    Update copy = *this;
    (copy.data_.where.push_back(detail::to_node(criteria)), ...);
    return copy;
  }

  [[nodiscard]] const detail::UpdateData& data() const noexcept { return data_; }

 private:
  detail::UpdateData data_;
};

/// DELETE FROM T WHERE ...: `session.execute()` returns the number of rows deleted. Objects of T
/// in the Session are expired: one whose row is gone raises ObjectDeletedError when next read.
template <class T>
class [[nodiscard]] Delete {
 public:
  Delete() { data_.entity = &T::ormc_entity_info(); }
  /// A statement prepared by the runtime (a collection's delete_()).
  explicit Delete(detail::DeleteData data) : data_(std::move(data)) {}

  /// Adds WHERE criteria (ANDed). Only T's columns may appear (no DELETE ... USING).
  template <class... C>
    requires(sizeof...(C) > 0 && (Condition<C> && ...))
  [[nodiscard]] Delete where(const C&... criteria) const {
    Delete copy = *this;
    (copy.data_.where.push_back(detail::to_node(criteria)), ...);
    return copy;
  }

  [[nodiscard]] const detail::DeleteData& data() const noexcept { return data_; }

 private:
  detail::DeleteData data_;
};

template <class T>
[[nodiscard]] Insert<T> insert() {
  return Insert<T>();
}
template <class T>
[[nodiscard]] Update<T> update() {
  return Update<T>();
}
/// `delete` is a C++ keyword, hence the underscore (as SQLAlchemy's `delete` stays `delete_` here).
template <class T>
[[nodiscard]] Delete<T> delete_() {
  return Delete<T>();
}

/// The SQL text and parameters `stmt` runs as on `dialect` (for logs, tests and EXPLAIN).
/// @throw ormc::InvalidRequestError when the statement can't be expressed (e.g. an ambiguous join).
template <class Statement>
[[nodiscard]] CompiledSql to_sql(const Statement& stmt, DialectKind dialect) {
  return detail::compile(dialect, stmt.data());
}

}  // namespace ormc
