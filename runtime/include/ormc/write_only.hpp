// ormc::WriteOnlyCollection<T>: a one-to-many or many-to-many collection that is never loaded.
#pragma once

#include <initializer_list>
#include <memory>
#include <vector>

#include "ormc/detail/collection_query.hpp"
#include "ormc/detail/relationship_state.hpp"
#include "ormc/statement.hpp"

namespace ormc {

namespace detail {
template <class>
inline constexpr bool always_false = false;
}  // namespace detail

/// The far side of a `lazy = "write_only"` relationship. It can be added to and removed from,
/// and (with statements) queried and bulk-modified, but it has no way to iterate, count or load:
/// there is no begin(), end() or size() — use `session.scalars(coll.select())` to read rows.
///
/// @code
///   account->account_transactions().add(AccountTransaction::create({...}));
///   session.commit();   // one INSERT for the new rows; never a SELECT of the collection
/// @endcode
template <class T>
class WriteOnlyCollection : public detail::RelationshipState {
 public:
  using value_type = T;
  using RelationshipState::RelationshipState;

  /// Adds `child`: INSERTed (one-to-many: with its foreign key set) or associated (many-to-many)
  /// at the next flush. @throw ormc::InvalidRequestError for a null child.
  void add(std::shared_ptr<T> child) { record_add(std::move(child)); }
  void add_all(const std::vector<std::shared_ptr<T>>& children) {
    for (const auto& c : children) record_add(c);
  }
  void add_all(std::initializer_list<std::shared_ptr<T>> children) {
    for (const auto& c : children) record_add(c);
  }
  /// Removes `child`: DELETEd at flush with delete-orphan, else its foreign key is set to NULL
  /// (one-to-many) or its association row deleted (many-to-many). The statement carries the
  /// parent criterion, so removing a child of another parent fails with ormc::StaleDataError.
  void remove(std::shared_ptr<T> child) { record_remove(std::move(child)); }

  /// SELECT of the collection's rows: the parent criterion (through the association table for
  /// many-to-many) and the relationship's order_by; refine it with where(), limit(), ... and run it
  /// with `session.scalars(...)` (`.yield_per(n)` to stream). A pending parent is flushed first.
  /// @code
  ///   auto debits = session.scalars(account->account_transactions().select()
  ///                                     .where(AccountTransaction::c.amount < 0).limit(10)).all();
  /// @endcode
  [[nodiscard]] Select<T> select() { return Select<T>(detail::collection_select(*this)); }
  /// A bulk INSERT whose rows get the foreign key to the parent, run with typed rows as SPEC §3
  /// spells it — multi-row statements (1,000 rows each) or, on PostgreSQL past 1,000 rows, COPY; no
  /// objects — or with rows added by values(...).
  /// @code
  ///   session.execute(account->account_transactions().insert(),
  ///                   {{.description = "transaction 1", .amount = Decimal("47.50")},
  ///                    {.description = "transaction 2", .amount = Decimal("-501.25")}});
  /// @endcode
  /// @throw ormc::InvalidRequestError for a many-to-many collection (insert the rows, then add_all()
  ///        them), or when the parent has no row and no Session to flush it (naming the collection).
  [[nodiscard]] Insert<T> insert() { return Insert<T>(detail::collection_insert(*this)); }
  /// A bulk UPDATE of the collection's rows (add values(...) and where(...)).
  [[nodiscard]] Update<T> update() { return Update<T>(detail::collection_update(*this)); }
  /// A bulk DELETE of the collection's rows (narrow it with where(...)).
  [[nodiscard]] Delete<T> delete_() { return Delete<T>(detail::collection_delete(*this)); }

  /// Replaces the whole collection — only while the parent has no row yet (transient or
  /// pending). @throw ormc::InvalidRequestError naming the collection once the parent is persistent.
  void assign(const std::vector<std::shared_ptr<T>>& children) {
    record_assign(std::vector<std::shared_ptr<Object>>(children.begin(), children.end()));
  }
  void assign(std::initializer_list<std::shared_ptr<T>> children) { assign(std::vector<std::shared_ptr<T>>(children)); }

  // A write-only collection never iterates: these exist only to say so at compile time.
  template <class U = T>
  void begin() const {
    static_assert(detail::always_false<U>,
                  "ormc::WriteOnlyCollection can't be iterated: it is never loaded. "
                  "Read rows with session.scalars(collection.select()) (add .yield_per(n) to stream them).");
  }
  template <class U = T>
  void end() const {
    static_assert(detail::always_false<U>,
                  "ormc::WriteOnlyCollection can't be iterated: it is never loaded. "
                  "Read rows with session.scalars(collection.select()) (add .yield_per(n) to stream them).");
  }
  template <class U = T>
  void size() const {
    static_assert(detail::always_false<U>,
                  "ormc::WriteOnlyCollection has no size(): it is never loaded. "
                  "Count rows with session.scalar(collection.select().count()).");
  }
};

}  // namespace ormc
