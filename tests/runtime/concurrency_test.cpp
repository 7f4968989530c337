// Concurrency on both backends: 8 threads, each with its own Session on one Database, append 10,000
// children each to one parent (write-only, then dynamic with concurrent readers): every row, no error.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fault_support.hpp"
#include "faults.orm.hpp"
#include "test_backend.hpp"

namespace {

using faults::Board;
using faults::Child;
using faults::Parent;
using faults::Post;
using namespace std::chrono_literals;

constexpr int kWriters = 8;
constexpr int kPerWriter = 10000;
constexpr int kPerCommit = 500;  // 20 commits per writer, 160 in all

/// The first exception any thread saw (threads must not call gtest assertions that return early).
class Failures {
 public:
  void record(const std::string& what) {
    std::lock_guard lock(mutex_);
    if (count_++ == 0) first_ = what;
  }
  [[nodiscard]] int count() const {
    std::lock_guard lock(mutex_);
    return count_;
  }
  [[nodiscard]] std::string first() const {
    std::lock_guard lock(mutex_);
    return first_;
  }

 private:
  mutable std::mutex mutex_;
  int count_ = 0;
  std::string first_;
};

class ConcurrencyTest : public ormc_test::DatabaseTest<&faults::metadata> {
 protected:
  /// One Database for every thread, a connection each; a generous busy timeout: SQLite writers
  /// take turns, and on this shared machine a turn may be slow.
  ormc::Database shared_database() const { return ormc::connect(url_, {.pool_size = kWriters + 2, .busy_timeout = 60s}); }
  std::int64_t scalar(const std::string& sql) const {
    return std::stoll(ormc_test::read_text(url_, "SELECT CAST((" + sql + ") AS TEXT)"));
  }
};

class WriteOnlyConcurrencyTest : public ConcurrencyTest {
 protected:
  /// Eight writers append to one parent through `db`; checks every row and statement afterwards.
  /// With `start_together`, each writer first loads the parent and waits for the others, so all
  /// first transactions overlap (that needs a connection per writer: a Session keeps its
  /// connection until commit).
  void run_writers(ormc::Database db, bool start_together) {
    std::int32_t parent_id = 0;
    {
      ormc::Session setup(*db_, {.expire_on_commit = false});
      auto parent = Parent::create({.name = "shared"});
      setup.add(parent);
      setup.commit();
      parent_id = parent->id();
    }
    ormc_test::StatementLog log(db);
    Failures failures;
    std::latch ready(kWriters);
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        try {
          ormc::Session session(db, {.expire_on_commit = false});
          auto parent = session.get<Parent>(parent_id);  // each first transaction reads, then writes
          if (start_together) ready.arrive_and_wait();
          for (int start = 0; start < kPerWriter; start += kPerCommit) {
            std::vector<std::shared_ptr<Child>> batch;
            for (int i = start; i < start + kPerCommit; ++i)
              batch.push_back(Child::create({.code = std::to_string(w) + "-" + std::to_string(i), .n = w}));
            parent->children().add_all(batch);
            session.commit();
          }
        } catch (const std::exception& e) {
          failures.record(e.what());
        }
      });
    }
    for (auto& t : writers) t.join();
    EXPECT_EQ(failures.count(), 0) << failures.first();
    // One multi-row INSERT per commit, and the collection is never read.
    EXPECT_EQ(log.count("INSERT INTO child "), static_cast<std::size_t>(kWriters * kPerWriter / kPerCommit));
    EXPECT_EQ(log.count("SELECT"), static_cast<std::size_t>(kWriters)) << "only each writer's get<Parent>()";
    EXPECT_EQ(ormc_test::count_rows(url_, "child"), kWriters * kPerWriter);
    for (int w = 0; w < kWriters; ++w)
      EXPECT_EQ(scalar("SELECT count(*) FROM child WHERE n = " + std::to_string(w) +
                       " AND parent_id = " + std::to_string(parent_id)),
                kPerWriter)
          << "writer " << w;
  }
};

TEST_F(WriteOnlyConcurrencyTest, EightWritersAppendTenThousandChildrenEachToOneParentsWriteOnlyCollection) {
  run_writers(shared_database(), true);
}

TEST_F(WriteOnlyConcurrencyTest, EightWritersShareTheDefaultPoolOfFourConnections) {
  // Sessions wait for a connection at their first statement; none fails or deadlocks.
  run_writers(ormc::connect(url_, {.busy_timeout = 60s}), false);
}

TEST_F(ConcurrencyTest, DynamicCollectionReadersSeeOnlyWholeCommitsWhileEightWritersAppend) {
  std::int32_t board_id = 0;
  {
    ormc::Session setup(*db_, {.expire_on_commit = false});
    auto board = Board::create({});
    setup.add(board);
    setup.commit();
    board_id = board->id();
  }
  ormc::Database db = shared_database();
  ormc_test::StatementLog log(db);
  Failures failures;
  std::atomic<int> writers_left{kWriters};
  std::atomic<int> reads{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      try {
        ormc::Session session(db, {.expire_on_commit = false});
        auto board = session.get<Board>(board_id);
        for (int start = 0; start < kPerWriter; start += kPerCommit) {
          std::vector<std::shared_ptr<Post>> batch;
          for (int i = start; i < start + kPerCommit; ++i)
            batch.push_back(Post::create({.writer = w, .body = "post " + std::to_string(i)}));
          board->posts().extend(batch);
          session.commit();
        }
      } catch (const std::exception& e) {
        failures.record(std::string("writer: ") + e.what());
      }
      --writers_left;
    });
  }
  // Readers count the collection (and one writer's share of it) over and over while writers run:
  // a commit is all or nothing, so every count is a whole number of batches, and never goes down.
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      try {
        ormc::Session session(db, {.expire_on_commit = false});
        auto board = session.get<Board>(board_id);
        std::size_t last = 0;
        while (writers_left.load() > 0) {
          const std::size_t all = board->posts().count();
          const std::size_t mine = board->posts().filter(Post::c.writer == r).count();
          session.commit();  // the next count starts a new transaction and sees newer commits
          ++reads;
          if (all % kPerCommit != 0 || mine % kPerCommit != 0)
            failures.record("reader saw part of a commit: " + std::to_string(all) + " / " + std::to_string(mine));
          if (all < last) failures.record("reader saw the count go down");
          last = all;
          std::this_thread::sleep_for(5ms);
        }
        if (board->posts().count() != static_cast<std::size_t>(kWriters * kPerWriter))
          failures.record("reader's final count is wrong");
      } catch (const std::exception& e) {
        failures.record(std::string("reader: ") + e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.count(), 0) << failures.first();
  EXPECT_GT(reads.load(), 2) << "the readers ran while the writers did";
  EXPECT_EQ(log.count("INSERT INTO post "), static_cast<std::size_t>(kWriters * kPerWriter / kPerCommit))
      << "appending to a dynamic collection loads nothing and inserts in batches";
  EXPECT_EQ(log.count("SELECT count(*)"), static_cast<std::size_t>(2 * reads.load() + 2))
      << "each read is two COUNT queries (plus each reader's final one)";
  EXPECT_EQ(ormc_test::count_rows(url_, "post"), kWriters * kPerWriter);
}

}  // namespace
