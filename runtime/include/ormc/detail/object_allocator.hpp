// Allocation of entity objects: each thread keeps its recently freed blocks for the next objects.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace ormc::detail {

/// A block of at least `bytes`, from the calling thread's free blocks of that size class when it
/// has one. Streaming a result frees one object per row and allocates the next: the block goes
/// round without reaching malloc (whose free() costs several times more).
[[nodiscard]] void* allocate_object(std::size_t bytes);
/// Returns a block of allocate_object(bytes) to the calling thread's free blocks (or to the heap,
/// past a small per-thread limit). Any thread may free a block another allocated.
void free_object(void* block, std::size_t bytes) noexcept;

/// The std::allocator of generated classes' shared_ptr (allocate_shared puts the object and its
/// reference counts in one block, as make_shared does).
template <class T>
struct ObjectAllocator {
  using value_type = T;
  ObjectAllocator() noexcept = default;
  template <class U>
  ObjectAllocator(const ObjectAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor): rebinding
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "free blocks have operator new's alignment");

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n != 1) return static_cast<T*>(::operator new(n * sizeof(T)));
    return static_cast<T*>(allocate_object(sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n != 1) return ::operator delete(p);
    free_object(p, sizeof(T));
  }
  template <class U>
  bool operator==(const ObjectAllocator<U>&) const noexcept {
    return true;
  }
};

/// std::make_shared<T>(args...) with the ObjectAllocator: what generated classes create objects with.
template <class T, class... Args>
[[nodiscard]] std::shared_ptr<T> make_object(Args&&... args) {
  return std::allocate_shared<T>(ObjectAllocator<T>{}, std::forward<Args>(args)...);
}

}  // namespace ormc::detail
