// ormc::Collection<T>: a loaded one-to-many or many-to-many collection (lazy select / raise / noload).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <vector>

#include "ormc/detail/item_iterator.hpp"
#include "ormc/detail/member_list.hpp"
#include "ormc/detail/relationship_state.hpp"

namespace ormc {

namespace detail {

/// The untyped state of a loaded collection: its items once loaded, plus what back_populates
/// queued while it was not loaded. Adds and removes made through it are also recorded in
/// RelationshipState's pending lists, which the unit of work writes (foreign key, NULL, DELETE,
/// association rows).
///
/// Ownership (see ReferenceState for the whole scheme): items are held strongly, on both sides of
/// a many-to-many pair too. Two loaded collections of a pair then hold each other's objects (a
/// reference cycle); when user code drops such a pair, ormc::collect_cycles() frees it (it runs
/// automatically as well, see ormc/cycles.hpp). Holding one side weakly instead would free an
/// object whose unflushed adds still had to be written (a silent loss of rows), so it is not done.
class LoadedCollectionState : public RelationshipState {
 public:
  using Items = std::vector<std::shared_ptr<Object>>;
  using RelationshipState::RelationshipState;

  /// The items, loading them first (one SELECT with the parent criterion and order_by). The
  /// pointer points into the collection without owning it (invalidated by add / remove, as
  /// std::vector's iterators).
  /// @throw ormc::InvalidRequestError for lazy = "raise", or a detached parent.
  [[nodiscard]] std::shared_ptr<const Items> snapshot();
  void add_object(std::shared_ptr<Object> child);
  void remove_object(const std::shared_ptr<Object>& child);
  void assign_objects(const std::vector<std::shared_ptr<Object>>& children);
  [[nodiscard]] bool contains_object(const Object* child);
  /// Whether the items are in memory (no access has to load).
  [[nodiscard]] bool loaded() const noexcept { return loaded_; }
  /// How an access loads: the relationship's lazy = ..., or what a query's loader option
  /// (lazyload / raiseload) set for this object.
  [[nodiscard]] LoaderStrategy strategy() const noexcept;
  /// A query's loader option for this object's collection (kept until the object is freed).
  void set_strategy(LoaderStrategy strategy) noexcept {
    strategy_ = strategy;
    overridden_ = true;
  }

  // --- runtime-internal
  /// Loads the items when they are not in memory. `for_unit_of_work`: a cascade needs them, which
  /// lazy = "raise" does not refuse (SQLAlchemy's unit of work loads raise collections too).
  void load(bool for_unit_of_work);
  /// Takes `rows` as the loaded contents (a batch loader read them for several parents at once).
  /// Nothing happens when the collection is loaded already.
  void accept_loaded(Items rows);
  /// The items in memory, without loading (empty when not loaded).
  [[nodiscard]] Items loaded_items() const;
  /// back_populates: a child's reference now names (or no longer names) this owner. Memory only:
  /// appended when loaded, queued otherwise (SQLAlchemy's pending collection, never loaded for it).
  void backref_add(const std::shared_ptr<Object>& child);
  [[nodiscard]] const Items& queued() const noexcept { return queued_.items(); }
  void backref_remove(const Object* child) noexcept;
  /// delete-orphan: `child`'s reference to this owner was cleared by the user, so it is removed
  /// as by remove() (DELETE at flush) — without loading the collection.
  void orphan(const std::shared_ptr<Object>& child);
  /// After a flush: the queued back_populates items are now rows, which a load will return.
  void after_flush() noexcept;
  /// expire() / commit: the items are loaded again on next access; unflushed add()s survive.
  void expire() noexcept;
  /// rollback(): unflushed changes go with the transaction; the items load again.
  void discard() noexcept;
  /// Cycle collector (ormc/cycles.hpp): the strongly held items, queue and pending lists.
  void visit_holds(HoldVisitor& visitor) const override;
  void release_holds() noexcept override;

 private:
  /// Loads if needed and returns the items to work on.
  MemberList& working(bool for_unit_of_work = false);
  /// Drops `child` from memory (items and queue) without recording anything.
  void forget(const Object* child) noexcept;

  MemberList items_;
  MemberList queued_;  ///< back_populates adds while not loaded
  bool loaded_ = false;
  bool overridden_ = false;  ///< strategy_ replaces the relationship's lazy = ...
  LoaderStrategy strategy_ = LoaderStrategy::Select;
};

}  // namespace detail

namespace detail {
/// The read surface Collection and SetCollection share: iteration, size, membership, a copy.
template <class T>
class LoadedItems : public LoadedCollectionState {
 public:
  using value_type = std::shared_ptr<T>;
  /// Iterates the items as std::shared_ptr<T>; keeps the items it walks alive.
  using iterator = ItemIterator<T>;
  using LoadedCollectionState::LoadedCollectionState;

  /// @throw ormc::InvalidRequestError for lazy = "raise" (naming the relationship) or a detached parent
  [[nodiscard]] iterator begin() { return iterator(snapshot(), 0); }
  [[nodiscard]] iterator end() {
    auto items = snapshot();
    const std::size_t n = items->size();
    return iterator(std::move(items), n);
  }
  [[nodiscard]] std::size_t size() { return snapshot()->size(); }
  [[nodiscard]] bool empty() { return snapshot()->empty(); }
  [[nodiscard]] bool contains(const std::shared_ptr<T>& child) { return child && contains_object(child.get()); }
  /// The items as a vector, in iteration order (a copy of the pointers).
  [[nodiscard]] std::vector<std::shared_ptr<T>> to_vector() {
    std::vector<std::shared_ptr<T>> out;
    for (const auto& o : *snapshot()) out.push_back(std::static_pointer_cast<T>(o));
    return out;
  }
};
}  // namespace detail

/// The far side of a `lazy = "select"` (default), `"raise"` or `"noload"` collection relationship:
/// a list of T that loads with one SELECT on first use (select), refuses every read (raise), or
/// starts empty and stays writable (noload). `add` / `remove` / `assign` are written at the next
/// flush: the child's foreign key, NULL (or DELETE with delete-orphan), or association rows.
/// Iterators are invalidated by add / remove / assign, as std::vector's.
///
/// @code
///   for (const auto& child : parent->children()) std::cout << child->name();   // one SELECT
///   parent->children().add(Child::create({.name = "new"}));                       // INSERT at flush
///   parent->children().remove(old);   // UPDATE child SET parent_id = NULL (DELETE with delete-orphan)
/// @endcode
template <class T>
class Collection : public detail::LoadedItems<T> {
 public:
  using detail::LoadedItems<T>::LoadedItems;

  [[nodiscard]] std::shared_ptr<T> operator[](std::size_t i) {
    return std::static_pointer_cast<T>(this->snapshot()->at(i));
  }

  /// Appends `child` (loading the collection first, as SQLAlchemy's append); a child already in
  /// it stays once. Sets the child's back_populates reference in memory.
  /// @throw ormc::InvalidRequestError for a null child
  void add(std::shared_ptr<T> child) { this->add_object(std::move(child)); }
  void push_back(std::shared_ptr<T> child) { this->add_object(std::move(child)); }
  void add_all(const std::vector<std::shared_ptr<T>>& children) {
    for (const auto& c : children) this->add_object(c);
  }
  /// Removes `child`: UPDATE of its foreign key to NULL at flush, or DELETE with delete-orphan
  /// (many-to-many: DELETE of the association row).
  /// @throw ormc::InvalidRequestError when `child` is not in the collection (refused rather than
  ///        nulling another parent's foreign key)
  void remove(const std::shared_ptr<T>& child) { this->remove_object(child); }
  /// Replaces the contents: items not in `children` are removed, new ones added.
  void assign(const std::vector<std::shared_ptr<T>>& children) {
    this->assign_objects(std::vector<std::shared_ptr<Object>>(children.begin(), children.end()));
  }
  void assign(std::initializer_list<std::shared_ptr<T>> children) { assign(std::vector<std::shared_ptr<T>>(children)); }
};

/// The side of a one-to-one without the foreign key (`profile: Profile?` where Profile holds the
/// unique foreign key): a collection of at most one, exposed as `profile()` / `set_profile(p)`.
/// Replacing the object sets the old one's foreign key to NULL at flush (DELETE with
/// delete-orphan) and the new one's to this object's key.
template <class T>
class InverseReference : public detail::LoadedCollectionState {
 public:
  using LoadedCollectionState::LoadedCollectionState;

  /// The related object, or null; loads with one SELECT on first access (lazy = "select").
  /// @throw ormc::InvalidRequestError for lazy = "raise", or a detached parent that must load
  [[nodiscard]] std::shared_ptr<T> get() {
    const auto all = snapshot();
    return all->empty() ? nullptr : std::static_pointer_cast<T>(all->front());
  }
  /// Replaces the related object (null: none).
  void set(std::shared_ptr<T> target) {
    if (target) this->assign_objects({std::move(target)});
    else this->assign_objects({});
  }
};

}  // namespace ormc
