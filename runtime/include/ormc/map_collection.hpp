// ormc::MapCollection<K, T>: a loaded collection keyed by an attribute of its members (`collection = map(T.attr)`).
#pragma once

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "ormc/collection.hpp"
#include "ormc/value.hpp"

namespace ormc {

namespace detail {

/// The untyped part of a map collection: the members are those of LoadedCollectionState (loading,
/// flush, back_populates and cascades are the list's), and the key of each member is read from its
/// key attribute (RelationshipInfo::collection_key_column) whenever the map is used.
///
/// Re-keying: SQLAlchemy's attribute_keyed_dict computes a member's key once, when it is added, so
/// a member whose key attribute changes later is stored under a stale key. Here every access
/// (lookup, size, iteration, add, erase) first reads the keys of the members in memory — linear in
/// their number — so the map always answers by the current attribute values. Two members with one
/// key are resolved as SQLAlchemy resolves `d[key] = obj`: the later one wins and the one it
/// replaces is removed from the collection, as by remove() (its foreign key becomes NULL at flush,
/// or it is DELETEd with delete-orphan; many-to-many: its association row is DELETEd). "Later" is:
/// a member added, or whose key attribute changed, since the map was last used wins over one whose
/// key did not change; among equals, the one later in the collection's order.
class MapCollectionState : public LoadedCollectionState {
 public:
  using LoadedCollectionState::LoadedCollectionState;

  /// One member and its current key.
  struct Entry {
    Value key;
    std::shared_ptr<Object> object;
  };
  using Entries = std::vector<Entry>;

  /// The members with their keys, in the collection's order, after re-keying (may load).
  /// @throw ormc::InvalidRequestError for lazy = "raise", or a detached parent that must load
  [[nodiscard]] Entries entries();
  /// The member with key `key`, or null (may load).
  [[nodiscard]] std::shared_ptr<Object> find_object(const Value& key);
  /// The member with key `key`. @throw ormc::KeyNotFound naming the entity, relationship and key
  [[nodiscard]] std::shared_ptr<Object> at_object(const Value& key);
  /// Adds `child` under its key attribute; a different member holding that key is removed first.
  /// @throw ormc::InvalidRequestError for a null child or one of another entity
  void put_object(std::shared_ptr<Object> child);
  /// Removes the member with key `key`, if any; returns whether there was one.
  bool erase_key(const Value& key);
  /// The key `child` has now (its key attribute; loaded first when expired).
  [[nodiscard]] Value key_of(const Object& child) const;

  // --- runtime-internal
  /// back_populates is adding `child` to this loaded map: the member holding its key leaves, so
  /// that a flush never writes two members with one key.
  void make_room_for(const std::shared_ptr<Object>& child);

 private:
  /// Reads every member's key, resolves duplicates (see the class comment); returns the members.
  Entries refresh();

  /// What the last refresh() saw: each member and its key, in order. The pointer only identifies
  /// a member (the collection owns it; holding it here would defeat the weakly holding side of a
  /// many-to-many pair).
  struct Seen {
    const Object* object;
    Value key;
  };
  std::vector<Seen> seen_;
};

}  // namespace detail

/// The far side of a `collection = map(Target.attr)` relationship: the members keyed by their
/// `attr`, K being that attribute's C++ type. Loads, writes at flush, cascades and keeps
/// back_populates in step as ormc::Collection does (re-parenting a member with
/// `child->set_parent(other)` moves it from this map to the other's).
///
/// Iteration yields (key, object) pairs in the collection's order: as loaded (order_by, else the
/// order the database returned the rows), then members added since in the order they were added.
/// Every access reads the members' current keys first (linear in the number of members in
/// memory), so a member whose key attribute changed is found under its new key; see
/// detail::MapCollectionState for what happens when two members end up with one key.
///
/// @code
///   auto& notes = item->notes();                 // MapCollection<std::string, Note>&
///   notes.add(Note::create({.keyword = "a"}));   // INSERT at flush; replaces a member keyed "a"
///   auto a = notes.at("a");                      // ormc::KeyNotFound when there is none
///   notes.erase("a");                            // UPDATE ... SET item_id = NULL (DELETE with delete-orphan)
/// @endcode
template <class K, class T>
class MapCollection : public detail::MapCollectionState {
 public:
  using key_type = K;
  using mapped_type = std::shared_ptr<T>;
  using value_type = std::pair<K, std::shared_ptr<T>>;
  using MapCollectionState::MapCollectionState;

  /// Iterates a snapshot of the (key, object) pairs taken by begin().
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = MapCollection::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    iterator() = default;
    iterator(std::shared_ptr<const std::vector<value_type>> pairs, std::size_t i) : pairs_(std::move(pairs)), i_(i) {}
    [[nodiscard]] const value_type& operator*() const { return (*pairs_)[i_]; }
    [[nodiscard]] const value_type* operator->() const { return &(*pairs_)[i_]; }
    iterator& operator++() { ++i_; return *this; }
    iterator operator++(int) { auto old = *this; ++i_; return old; }
    // Positions compare; begin() and end() of one traversal hold different snapshots.
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.i_ == b.i_; }

   private:
    std::shared_ptr<const std::vector<value_type>> pairs_;
    std::size_t i_ = 0;
  };

  /// @throw ormc::InvalidRequestError for lazy = "raise" (naming the relationship) or a detached parent
  [[nodiscard]] iterator begin() { return iterator(std::make_shared<const std::vector<value_type>>(items()), 0); }
  [[nodiscard]] iterator end() { return iterator(nullptr, entries().size()); }
  /// The (key, object) pairs, in iteration order.
  [[nodiscard]] std::vector<value_type> items() {
    std::vector<value_type> out;
    for (auto& e : entries()) out.emplace_back(from_value<K>(std::move(e.key)), std::static_pointer_cast<T>(e.object));
    return out;
  }
  /// The keys, in iteration order.
  [[nodiscard]] std::vector<K> keys() {
    std::vector<K> out;
    for (auto& e : entries()) out.push_back(from_value<K>(std::move(e.key)));
    return out;
  }
  [[nodiscard]] std::size_t size() { return entries().size(); }
  [[nodiscard]] bool empty() { return entries().empty(); }
  /// The member with `key`. @throw ormc::KeyNotFound naming the entity, the relationship and the key
  [[nodiscard]] std::shared_ptr<T> at(const K& key) { return std::static_pointer_cast<T>(at_object(to_value(key))); }
  /// The member with `key`, or null.
  [[nodiscard]] std::shared_ptr<T> find(const K& key) { return std::static_pointer_cast<T>(find_object(to_value(key))); }
  [[nodiscard]] bool contains(const K& key) { return find_object(to_value(key)) != nullptr; }

  /// Adds `child` under its key attribute (loading the map first, as SQLAlchemy's set). A different
  /// member holding that key is replaced: removed as by remove(). Sets the child's back_populates
  /// reference in memory. @throw ormc::InvalidRequestError for a null child
  void add(std::shared_ptr<T> child) { put_object(std::move(child)); }
  void add_all(const std::vector<std::shared_ptr<T>>& children) {
    for (const auto& c : children) put_object(c);
  }
  /// Removes `child`: its foreign key becomes NULL at flush (DELETE with delete-orphan).
  /// @throw ormc::InvalidRequestError when `child` is not a member (naming the relationship)
  void remove(const std::shared_ptr<T>& child) { remove_object(child); }
  /// Removes the member with `key`, if any; returns whether there was one.
  bool erase(const K& key) { return erase_key(to_value(key)); }
};

}  // namespace ormc
