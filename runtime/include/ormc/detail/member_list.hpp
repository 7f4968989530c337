// detail::MemberList: a collection's items in order, with O(1) amortized membership checks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <unordered_set>
#include <vector>

namespace ormc {
class Object;
}

namespace ormc::detail {

/// The items of a loaded collection (or its back_populates queue), each once, in the order they
/// came. A linear search per append made n appends O(n^2); a hash index beside the vector makes a
/// membership check O(1) amortized. Small lists (most collections) skip the index: it is built
/// when the list first reaches kIndexFrom items and kept in step from then on.
class MemberList {
 public:
  using Items = std::vector<std::shared_ptr<Object>>;

  [[nodiscard]] const Items& items() const noexcept { return items_; }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }

  [[nodiscard]] bool contains(const Object* o) const {
    if (indexed()) return index_.contains(o);
    return std::any_of(items_.begin(), items_.end(), [&](const auto& p) { return p.get() == o; });
  }

  /// Appends `o` unless it is there already; returns whether it was appended.
  bool push_back_once(const std::shared_ptr<Object>& o) {
    if (contains(o.get())) return false;
    if (indexed()) {
      index_.insert(o.get());
      try {
        items_.push_back(o);
      } catch (...) {
        index_.erase(o.get());
        throw;
      }
    } else {
      items_.push_back(o);
      if (items_.size() >= kIndexFrom) build_index();
    }
    return true;
  }

  /// Removes `o`; returns whether it was there.
  bool erase(const Object* o) noexcept {
    if (indexed() && index_.erase(o) == 0) return false;
    const auto it = std::find_if(items_.begin(), items_.end(), [&](const auto& p) { return p.get() == o; });
    if (it == items_.end()) return false;
    items_.erase(it);
    return true;
  }

  void clear() noexcept {
    items_.clear();
    index_.clear();
  }

 private:
  static constexpr std::size_t kIndexFrom = 32;

  [[nodiscard]] bool indexed() const noexcept { return !index_.empty(); }

  // Out of memory here leaves the list unindexed, which is still correct (only slower): the
  // append that triggered it has happened and must not be reported as failed.
  void build_index() noexcept {
    try {
      index_.reserve(items_.size() * 2);
      for (const auto& p : items_) index_.insert(p.get());
    } catch (...) {
      index_.clear();
    }
  }

  Items items_;
  std::unordered_set<const Object*> index_;  ///< items_ as a set, once built (empty: not built)
};

}  // namespace ormc::detail
