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

struct IdentityKey {
  const EntityInfo* entity = nullptr;
  std::vector<Value> key;
};

/// A key to look up without building an IdentityKey (no allocation on get()).
struct IdentityKeyView {
  const EntityInfo* entity = nullptr;
  std::span<const Value> key;
};

struct IdentityKeyHash {
  using is_transparent = void;
  std::size_t operator()(const IdentityKey& k) const noexcept { return (*this)(IdentityKeyView{k.entity, k.key}); }
  std::size_t operator()(const IdentityKeyView& k) const noexcept;
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

/// Objects are held weakly, so clean objects nobody else references are freed (streaming stays
/// bounded); an object's destructor erases its own entry through the key pointer it keeps.
class IdentityMap {
 public:
  using Map = std::unordered_map<IdentityKey, std::weak_ptr<Object>, IdentityKeyHash, IdentityKeyEqual>;

  /// The live object for the key, or nullptr.
  [[nodiscard]] std::shared_ptr<Object> find(const IdentityKeyView& key) const;
  /// Registers `object` under its primary key (read from the object). An existing live entry for the
  /// same key must not exist; a dead one is replaced. Returns the key stored in the map.
  const IdentityKey* insert(const std::shared_ptr<Object>& object);
  /// Removes the entry whose key is `key` (a pointer previously returned by insert()).
  void erase(const IdentityKey* key);
  /// Calls f(shared_ptr<Object>) for every live object.
  template <class F>
  void for_each_live(F&& f) const {
    for (const auto& [key, weak] : map_)
      if (auto strong = weak.lock()) f(strong);
  }
  void clear() noexcept { map_.clear(); }
  /// Room for `n` entries without rehashing (before a flush registers many new objects).
  void reserve(std::size_t n) { map_.reserve(n); }
  [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }

  /// The primary key values of `object`.
  static std::vector<Value> primary_key_of(const Object& object);

 private:
  Map map_;
};

}  // namespace ormc::detail
