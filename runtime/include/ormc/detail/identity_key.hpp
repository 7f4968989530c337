// The key of a row in a Session's identity map: its entity and primary-key values.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "ormc/value.hpp"

namespace ormc {
struct EntityInfo;
}

namespace ormc::detail {

/// Primary-key values, inline for the usual single-column key: an identity (one per loaded row)
/// then costs no allocation of its own.
class KeyValues {
 public:
  KeyValues() = default;
  explicit KeyValues(Value single) : first_(std::move(single)), size_(1) {}
  explicit KeyValues(std::vector<Value> values) {
    if (values.size() == 1) {
      first_ = std::move(values.front());
      size_ = 1;
    } else {
      more_ = std::move(values);
      size_ = more_.size();
    }
  }
  /// Makes this the one-integer key `value` (in place: no Value is moved).
  void assign_integer(std::int64_t value) {
    first_ = value;
    more_.clear();
    size_ = 1;
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
  std::size_t hash = 0;  ///< set by the identity map when it enters the key (erasing needn't rehash)
};

}  // namespace ormc::detail
