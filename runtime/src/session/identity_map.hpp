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

/// Primary-key values, inline for the usual single-column key: an identity (one per loaded row)
/// then costs no allocation of its own.
class KeyValues {
 public:
  KeyValues() = default;
  explicit KeyValues(std::vector<Value> values) {
    if (values.size() == 1) {
      first_ = std::move(values.front());
      size_ = 1;
    } else {
      more_ = std::move(values);
      size_ = more_.size();
    }
  }
  void push_back(Value v) {
    if (size_ == 0) {
      first_ = std::move(v);
    } else {
      if (size_ == 1) more_.push_back(std::move(first_));
      more_.push_back(std::move(v));
    }
    ++size_;
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] const Value* begin() const noexcept { return size_ <= 1 ? &first_ : more_.data(); }
  [[nodiscard]] const Value* end() const noexcept { return begin() + size_; }
  [[nodiscard]] const Value& operator[](std::size_t i) const noexcept { return begin()[i]; }
  operator std::span<const Value>() const noexcept { return {begin(), size_}; }
  [[nodiscard]] std::vector<Value> to_vector() const { return std::vector<Value>(begin(), end()); }

 private:
  Value first_;
  std::vector<Value> more_;  ///< every value, when there are two or more
  std::size_t size_ = 0;
};

struct IdentityKey {
  const EntityInfo* entity = nullptr;
  KeyValues key;
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
  /// The same, with the key already known (a row just decoded): no second read of the key.
  const IdentityKey* insert(const std::shared_ptr<Object>& object, KeyValues key);
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
