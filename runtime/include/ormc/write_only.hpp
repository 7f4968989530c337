// ormc::WriteOnlyCollection<T>: a one-to-many or many-to-many collection that is never loaded.
#pragma once

#include <initializer_list>
#include <memory>
#include <vector>

#include "ormc/detail/relationship_state.hpp"

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
