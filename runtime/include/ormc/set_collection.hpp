// ormc::SetCollection<T>: a loaded collection with set semantics (`collection = set`).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <vector>

#include "ormc/collection.hpp"
#include "ormc/detail/item_iterator.hpp"

namespace ormc {

/// The far side of a `collection = set` relationship (one-to-many or many-to-many; lazy "select",
/// "selectin", "raise" or "noload"). Loads, writes and keeps back_populates in step exactly as
/// ormc::Collection does; what differs is the interface of a set, as SQLAlchemy's `set`:
///  - an object is a member at most once: add() of a member changes nothing and writes no SQL;
///  - no positional access; `contains`, `size`, `remove` (refuses a non-member) and `discard`
///    (ignores one, as Python's set.discard).
///
/// Iteration order: the order the members were loaded in (the relationship's order_by, else the
/// order the database returned the rows), then members added since, in the order they were added.
/// Membership tests compare object identity (one row is one object in a Session); past 32 members
/// a hash set beside the list answers them. Iterators are invalidated by add / remove, as std::vector's.
///
/// @code
///   auto& tags = post->tags();                // SetCollection<Tag>&
///   tags.add(rust); tags.add(rust);           // one association row INSERTed at flush
///   if (tags.contains(rust)) tags.discard(rust);
/// @endcode
template <class T>
class SetCollection : public detail::LoadedItems<T> {
 public:
  using detail::LoadedItems<T>::LoadedItems;

  /// Adds `child` (loading the set first, as SQLAlchemy's add); a member already in it is left
  /// alone. Sets the child's back_populates reference in memory.
  /// @throw ormc::InvalidRequestError for a null child or one of another entity
  void add(std::shared_ptr<T> child) { this->add_object(std::move(child)); }
  void add_all(const std::vector<std::shared_ptr<T>>& children) {
    for (const auto& c : children) this->add_object(c);
  }
  /// Removes `child`: its foreign key becomes NULL at flush (DELETE with delete-orphan;
  /// many-to-many: DELETE of the association row).
  /// @throw ormc::InvalidRequestError when `child` is not a member (naming the relationship)
  void remove(const std::shared_ptr<T>& child) { this->remove_object(child); }
  /// Removes `child` if it is a member; returns whether it was.
  bool discard(const std::shared_ptr<T>& child) {
    if (!this->contains(child)) return false;
    this->remove_object(child);
    return true;
  }
  /// Replaces the members: those not in `children` are removed, new ones added (duplicates in
  /// `children` count once).
  void assign(const std::vector<std::shared_ptr<T>>& children) {
    this->assign_objects(std::vector<std::shared_ptr<Object>>(children.begin(), children.end()));
  }
  void assign(std::initializer_list<std::shared_ptr<T>> children) { assign(std::vector<std::shared_ptr<T>>(children)); }
};

}  // namespace ormc
