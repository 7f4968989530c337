// The identity map: (entity, primary key) -> the one live object for that row, held weakly.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "ormc/metadata.hpp"
#include "ormc/object.hpp"
#include "ormc/value.hpp"

namespace ormc::detail {

/// A key to look up without building an IdentityKey (no allocation on get()).
struct IdentityKeyView {
  const EntityInfo* entity = nullptr;
  std::span<const Value> key;
};

struct IdentityKeyHash {
  using is_transparent = void;
  std::size_t operator()(const IdentityKey& k) const noexcept { return (*this)(IdentityKeyView{k.entity, k.key}); }
  std::size_t operator()(const IdentityKeyView& k) const noexcept;
  /// The hash of a one-integer key (what operator() gives for it).
  static std::size_t integer(const EntityInfo* entity, std::int64_t key) noexcept;
};
struct IdentityKeyEqual {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const noexcept {
    return a.entity == b.entity && std::equal(view(a).begin(), view(a).end(), view(b).begin(), view(b).end());
  }

 private:
  static std::span<const Value> view(const IdentityKey& k) noexcept { return k.key; }
  static std::span<const Value> view(const IdentityKeyView& k) noexcept { return k.key; }
};

/// Objects are held weakly: clean objects nobody else references are freed (streaming stays
/// bounded), and an object's destructor erases its own entry. An open-addressing table of object
/// pointers (linear probing, backward-shift deletion); each key lives in its object's
/// InstanceState, so registering and forgetting a streamed row costs no allocation.
class IdentityMap {
 public:
  IdentityMap() = default;
  IdentityMap(const IdentityMap&) = delete;
  IdentityMap& operator=(const IdentityMap&) = delete;

  /// The live object for the key, or nullptr.
  [[nodiscard]] std::shared_ptr<Object> find(const IdentityKeyView& key) const;
  /// What one probe for a one-integer key found: its live object, or where to enter it.
  struct IntegerProbe {
    std::shared_ptr<Object> live;  ///< the live object of the key, if any
    std::size_t hash = 0;
    std::size_t slot = 0;          ///< the key's slot (its object dying when `live` is null), or the
                                   ///< empty slot that ended the probe
    std::uint64_t version = 0;     ///< the table's version when probed
  };
  /// find() for a one-integer key, without building a Value. It also remembers where the key would
  /// be entered, so that a row loaded after a miss is registered by insert_probed() without probing again.
  [[nodiscard]] IntegerProbe probe_integer(const EntityInfo* entity, std::int64_t key) const;
  /// insert() for a one-integer key, at the place `probe` found (probing again when the table changed since).
  const IdentityKey* insert_probed(const IntegerProbe& probe, Object& object, std::int64_t key);
  /// Registers `object` under its primary key (read from the object). A live entry for the same key
  /// must not exist (the caller checks); a dying one is replaced. Returns the key stored.
  const IdentityKey* insert(const std::shared_ptr<Object>& object);
  /// The same, with the key already known (a row just decoded): no second read of the key.
  const IdentityKey* insert(const std::shared_ptr<Object>& object, KeyValues&& key);
  /// Removes the entry whose key is `key` (a pointer previously returned by insert()).
  void erase(const IdentityKey* key);
  /// Calls f(shared_ptr<Object>) for every live object. The objects are collected first, so f may
  /// add or remove entries, and an object released during the walk can't disturb it.
  template <class F>
  void for_each_live(F&& f) const {
    for (const auto& object : live_objects()) f(object);
  }
  [[nodiscard]] std::vector<std::shared_ptr<Object>> live_objects() const;
  void clear() noexcept;
  /// Room for `n` entries without rehashing (before a flush registers many new objects).
  void reserve(std::size_t n);
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// The primary key values of `object` (a one-column key without a heap allocation).
  static KeyValues primary_key_of(const Object& object);

 private:
  struct Slot {
    std::size_t hash = 0;
    Object* object = nullptr;  ///< null: empty slot
  };
  [[nodiscard]] std::size_t home(std::size_t hash) const noexcept;
  void grow(std::size_t min_slots);
  void place(Slot slot) noexcept;
  /// Enters `object`, whose InstanceState already holds its key, hashed as `hash`.
  const IdentityKey* enter(Object& object, std::size_t hash);

  /// Claims the entry of `object`'s key (already in its InstanceState) for it; returns the key.
  const IdentityKey* claim(Slot& slot, Object& object, std::size_t hash) noexcept;

  std::vector<Slot> slots_;  ///< a power of two in size, or empty
  std::size_t size_ = 0;
  std::uint64_t version_ = 0;  ///< bumped by every change of the table's layout (an IntegerProbe goes stale)
  unsigned shift_ = 64;      ///< 64 - log2(slots_.size())
};

}  // namespace ormc::detail
