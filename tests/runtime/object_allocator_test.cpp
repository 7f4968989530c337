// The per-thread cache of freed object blocks: reuse, its limit, frees from other threads.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <iterator>
#include <set>
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

TEST(ObjectAllocatorTest, BlocksLargerThanAKilobyteSkipTheCache) {
  void* big = allocate_object(4096);
  std::memset(big, 0xAB, 4096);  // the whole block is usable
  free_object(big, 4096);
}

TEST(ObjectAllocatorTest, AnObjectReleasedOnAnotherThreadGoesToThatThreadsCache) {
  // Objects made here, each thread getting the only references to 25 of them.
  std::vector<std::shared_ptr<stmttest::Author>> authors;
  for (int i = 0; i < 100; ++i) authors.push_back(stmttest::Author::create());
  std::vector<std::thread> threads;
  std::vector<int> reused(4, 0);
  for (int t = 0; t < 4; ++t) {
    std::vector<std::shared_ptr<stmttest::Author>> mine(std::make_move_iterator(authors.begin() + t * 25),
                                                        std::make_move_iterator(authors.begin() + (t + 1) * 25));
    threads.emplace_back([mine = std::move(mine), &count = reused[static_cast<std::size_t>(t)]]() mutable {
      std::set<const void*> freed;
      for (const auto& a : mine) freed.insert(a.get());
      mine.clear();  // freed on this thread: into its cache
      std::vector<std::shared_ptr<stmttest::Author>> made;
      for (int i = 0; i < 25; ++i) {
        made.push_back(stmttest::Author::create());
        count += freed.contains(made.back().get()) ? 1 : 0;
      }
    });  // the thread's cache drains when it exits
  }
  for (auto& t : threads) t.join();
  // Without the cache (AddressSanitizer) the check is ASan's own: no block used after its free.
  if (kCaching) {
    for (int count : reused) EXPECT_EQ(count, 25);
  }
  EXPECT_NE(stmttest::Author::create(), nullptr);
}

}  // namespace
