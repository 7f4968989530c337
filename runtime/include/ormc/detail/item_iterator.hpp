// detail::ItemIterator<T>: iterates a loaded collection's items (a shared snapshot) as std::shared_ptr<T>.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

namespace ormc {
class Object;
}

namespace ormc::detail {

/// A random-access iterator over a snapshot of items. The snapshot points into the collection,
/// which holds the items strongly; it stays valid while the collection is not changed.
template <class T>
class ItemIterator {
  using Snapshot = std::shared_ptr<const std::vector<std::shared_ptr<Object>>>;

 public:
  using iterator_category = std::random_access_iterator_tag;
  using value_type = std::shared_ptr<T>;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = std::shared_ptr<T>;

  ItemIterator() = default;
  ItemIterator(Snapshot items, std::size_t i) : items_(std::move(items)), i_(static_cast<difference_type>(i)) {}
  [[nodiscard]] std::shared_ptr<T> operator*() const { return cast((*items_)[static_cast<std::size_t>(i_)]); }
  [[nodiscard]] std::shared_ptr<T> operator[](difference_type n) const {
    return cast((*items_)[static_cast<std::size_t>(i_ + n)]);
  }
  ItemIterator& operator++() { ++i_; return *this; }
  ItemIterator operator++(int) { auto old = *this; ++i_; return old; }
  ItemIterator& operator--() { --i_; return *this; }
  ItemIterator operator--(int) { auto old = *this; --i_; return old; }
  ItemIterator& operator+=(difference_type n) { i_ += n; return *this; }
  ItemIterator& operator-=(difference_type n) { i_ -= n; return *this; }
  friend ItemIterator operator+(ItemIterator a, difference_type n) { return a += n; }
  friend ItemIterator operator+(difference_type n, ItemIterator a) { return a += n; }
  friend ItemIterator operator-(ItemIterator a, difference_type n) { return a -= n; }
  friend difference_type operator-(const ItemIterator& a, const ItemIterator& b) { return a.i_ - b.i_; }
  // Positions compare; begin() and end() of one traversal may hold different snapshots.
  friend bool operator==(const ItemIterator& a, const ItemIterator& b) noexcept { return a.i_ == b.i_; }
  friend auto operator<=>(const ItemIterator& a, const ItemIterator& b) noexcept { return a.i_ <=> b.i_; }

 private:
  static std::shared_ptr<T> cast(const std::shared_ptr<Object>& o) { return std::static_pointer_cast<T>(o); }
  Snapshot items_;
  difference_type i_ = 0;
};

}  // namespace ormc::detail
