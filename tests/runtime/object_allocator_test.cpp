// The per-thread cache of freed object blocks: reuse, its limit, frees from other threads.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <thread>
#include <vector>

#include "ormc/detail/object_allocator.hpp"
#include "statement.orm.hpp"

namespace {

using ormc::detail::allocate_object;
using ormc::detail::free_object;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCaching = false;  // AddressSanitizer builds send every block to the heap
#else
constexpr bool kCaching = true;
#endif

// Runs `f` on a new thread: its cache starts empty.
template <class F>
void on_fresh_thread(F f) {
  std::thread(f).join();
}

TEST(ObjectAllocatorTest, AFreedBlockIsTheNextBlockOfItsSize) {
  if (!kCaching) GTEST_SKIP() << "AddressSanitizer build: no cache";
  on_fresh_thread([] {
    void* first = allocate_object(248);
    free_object(first, 248);
    void* second = allocate_object(250);  // the same 16-byte size class (241 to 256 bytes)
    EXPECT_EQ(second, first);
    void* other_size = allocate_object(512);
    EXPECT_NE(other_size, first);
    free_object(other_size, 512);
    free_object(second, 250);
  });
}

TEST(ObjectAllocatorTest, AThreadCachesAtMostAQuarterMegabyte) {
  if (!kCaching) GTEST_SKIP() << "AddressSanitizer build: no cache";
  on_fresh_thread([] {
    constexpr std::size_t kBlock = 1024;
    constexpr std::size_t kCached = 256 * 1024 / kBlock;
    std::vector<void*> blocks;
    for (std::size_t i = 0; i < 1000; ++i) blocks.push_back(allocate_object(kBlock));
    for (void* b : blocks) free_object(b, kBlock);
    // The first 256 frees filled the cache and the rest went to the heap: the cache hands back
    // exactly those 256, last freed first.
    std::vector<void*> again;
    for (std::size_t i = 0; i < kCached; ++i) again.push_back(allocate_object(kBlock));
    for (std::size_t i = 0; i < kCached; ++i) EXPECT_EQ(again[i], blocks[kCached - 1 - i]) << i;
    for (void* b : again) free_object(b, kBlock);
  });
}

TEST(ObjectAllocatorTest, BlocksLargerThanAKilobyteAndFreesFromOtherThreadsAreUsable) {
  void* big = allocate_object(4096);
  std::memset(big, 0xAB, 4096);
  free_object(big, 4096);
  // Objects made on one thread and released on others (their caches drain when they exit).
  std::vector<std::shared_ptr<stmttest::Author>> authors;
  for (int i = 0; i < 100; ++i) authors.push_back(stmttest::Author::create());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    std::vector<std::shared_ptr<stmttest::Author>> mine(authors.begin() + t * 25, authors.begin() + (t + 1) * 25);
    threads.emplace_back([mine = std::move(mine)]() mutable {
      mine.clear();
      for (int i = 0; i < 50; ++i) (void)stmttest::Author::create();  // reuses this thread's freed blocks
    });
  }
  authors.clear();
  for (auto& t : threads) t.join();
  auto again = stmttest::Author::create();
  EXPECT_NE(again, nullptr);
}

}  // namespace
