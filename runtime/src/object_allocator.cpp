// The per-thread free blocks behind ormc::detail::allocate_object() and free_object().
#include "ormc/detail/object_allocator.hpp"

#include <array>
#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define ORMC_POOL_OBJECTS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ORMC_POOL_OBJECTS 0
#endif
#endif
#ifndef ORMC_POOL_OBJECTS
#define ORMC_POOL_OBJECTS 1
#endif

namespace ormc::detail {

#if ORMC_POOL_OBJECTS

namespace {

constexpr std::size_t kGranule = 16;
constexpr std::size_t kClasses = 64;
constexpr std::size_t kMaxCachedBytes = 256 * 1024;

struct FreeBlock {
  FreeBlock* next;
};

/// A thread's free blocks. Trivially destructible, so that it stays usable while other thread_local
/// (and, on the main thread, static) objects are destroyed after the drain below: frees then go to
/// the heap.
struct ThreadBlocks {
  enum class Phase : std::uint8_t { Unregistered, Caching, Drained };
  std::array<FreeBlock*, kClasses> free{};
  std::size_t cached_bytes = 0;
  Phase phase = Phase::Unregistered;
};

thread_local ThreadBlocks blocks;

/// Returns the thread's cached blocks to the heap when the thread ends.
struct Drain {
  Drain() noexcept = default;
  Drain(const Drain&) = delete;
  Drain& operator=(const Drain&) = delete;
  ~Drain() {
    ThreadBlocks& t = blocks;
    for (std::size_t c = 0; c < kClasses; ++c) {
      while (FreeBlock* b = t.free[c]) {
        t.free[c] = b->next;
        ::operator delete(b);
      }
    }
    t.cached_bytes = 0;
    t.phase = ThreadBlocks::Phase::Drained;
  }
};

/// Whether the thread may cache blocks: the first time, registers the drain at the thread's exit.
[[gnu::noinline]] bool start_caching(ThreadBlocks& t) noexcept {
  if (t.phase == ThreadBlocks::Phase::Unregistered) {
    try {
      thread_local Drain at_exit;
      (void)at_exit;
      t.phase = ThreadBlocks::Phase::Caching;
    } catch (...) {  // only for want of memory, registering the thread's exit hook
      return false;
    }
  }
  return t.phase == ThreadBlocks::Phase::Caching;
}

/// Blocks of 16, 32, ..., 1024 bytes are cached; larger ones skip the cache.
std::size_t size_class(std::size_t bytes) noexcept { return (bytes - 1) / kGranule; }

}  // namespace

void* allocate_object(std::size_t bytes) {
  const std::size_t c = size_class(bytes);
  if (c >= kClasses) return ::operator new(bytes);
  ThreadBlocks& t = blocks;
  if (FreeBlock* b = t.free[c]) {
    t.free[c] = b->next;
    t.cached_bytes -= (c + 1) * kGranule;
    return b;
  }
  return ::operator new((c + 1) * kGranule);
}

void free_object(void* block, std::size_t bytes) noexcept {
  const std::size_t c = size_class(bytes);
  if (c >= kClasses) return ::operator delete(block);
  const std::size_t size = (c + 1) * kGranule;
  ThreadBlocks& t = blocks;
  if (t.cached_bytes + size > kMaxCachedBytes) return ::operator delete(block);
  if (t.phase != ThreadBlocks::Phase::Caching && !start_caching(t)) return ::operator delete(block);
  t.free[c] = new (block) FreeBlock{t.free[c]};
  t.cached_bytes += size;
}

#else  // AddressSanitizer: every object to the heap, so that a use after free is still reported.

void* allocate_object(std::size_t bytes) { return ::operator new(bytes); }
void free_object(void* block, std::size_t) noexcept { ::operator delete(block); }

#endif

}  // namespace ormc::detail
