// Sessions and threads, and what the identity map keeps alive, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "session_fixture.hpp"

namespace {

using crudtest::Customer;

class SessionThreadsTest : public ormc_test::CrudSessionTest {};

TEST_F(SessionThreadsTest, UseFromASecondThreadWhileTheFirstIsInsideACallIsRefused) {
  const auto id = committed_customers(1)[0]->id();
  ormc::Session session(*db_, {.expire_on_commit = false});

  // The worker's SELECT stops in a statement listener until the main thread has tried the Session.
  std::atomic<std::thread::id> worker_id{};
  std::atomic<bool> blocked{false};
  std::latch entered(1);
  std::latch release(1);
  db_->on_statement([&](const ormc::StatementEvent&) {
    if (std::this_thread::get_id() == worker_id.load() && !blocked.exchange(true)) {
      entered.count_down();
      release.wait();
    }
  });
  std::shared_ptr<Customer> from_worker;
  std::thread worker([&] {
    worker_id = std::this_thread::get_id();
    from_worker = session.get<Customer>(id);
  });
  entered.wait();
  try {
    session.add(customer("second thread"));
    ADD_FAILURE() << "expected InvalidRequestError";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("another thread"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)session.get<Customer>(id), ormc::InvalidRequestError);
  EXPECT_THROW(session.flush(), ormc::InvalidRequestError);
  EXPECT_THROW((void)session.scalars(ormc::select<Customer>()).all(), ormc::InvalidRequestError);
  release.count_down();
  worker.join();
  ASSERT_NE(from_worker, nullptr);
  EXPECT_EQ(from_worker->id(), id);
  // Once the first thread is out of the Session, another may use it (one at a time is the rule).
  EXPECT_EQ(session.get<Customer>(id), from_worker);
  db_->clear_statement_listeners();
}

TEST_F(SessionThreadsTest, AResultBeingReadHoldsItsSessionUntilItsLastRow) {
  committed_customers(3);
  ormc::Session session(*db_, {.expire_on_commit = false});
  const auto refused_elsewhere = [&session] {
    bool refused = false;
    std::thread other([&] {
      try {
        (void)session.scalars(ormc::select<Customer>()).all();
      } catch (const ormc::InvalidRequestError& e) {
        refused = std::string(e.what()).find("another thread") != std::string::npos;
      }
    });
    other.join();
    return refused;
  };
  {
    auto result = session.scalars(ormc::select<Customer>()).yield_per(1);
    auto it = result.begin();
    ASSERT_NE(it, result.end());
    // Between rows nothing of the Session runs, but the statement is open on its connection.
    EXPECT_TRUE(refused_elsewhere());
    std::size_t rows = 0;
    for (; it != result.end(); ++it) ++rows;
    EXPECT_EQ(rows, 3U);
    // Read to the end: released, though the result object still exists.
    EXPECT_FALSE(refused_elsewhere());
  }
  {
    auto result = session.scalars(ormc::select<Customer>()).yield_per(1);
    ASSERT_NE(result.begin(), result.end());
    EXPECT_TRUE(refused_elsewhere());
  }
  // A result left after its first row releases the Session when it is destroyed.
  EXPECT_FALSE(refused_elsewhere());
  // The owning thread itself may use the Session between the rows it reads.
  std::size_t rows = 0;
  for (auto& c : session.scalars(ormc::select<Customer>()).yield_per(1)) {
    EXPECT_EQ(session.get<Customer>(c->id()), c);
    ++rows;
  }
  EXPECT_EQ(rows, 3U);
  EXPECT_FALSE(refused_elsewhere());
}

TEST_F(SessionThreadsTest, ThreadsWithTheirOwnSessionsShareOneDatabase) {
  // Four threads on a pool of two connections: Sessions wait for a connection, never share one.
  ormc::Database shared = ormc::connect(url_, {.pool_size = 2});
  constexpr int kThreads = 4;
  constexpr int kRowsPerThread = 500;
  std::mutex ids_mutex;
  std::set<std::int32_t> ids;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        ormc::Session session(shared, {.expire_on_commit = false});
        std::vector<std::shared_ptr<Customer>> mine;
        for (int i = 0; i < kRowsPerThread; ++i) {
          mine.push_back(customer("t" + std::to_string(t) + "-" + std::to_string(i)));
          session.add(mine.back());
          if (i % 25 == 24) session.commit();  // many short transactions: connections go back and forth
        }
        session.commit();
        std::lock_guard lock(ids_mutex);
        for (auto& c : mine) ids.insert(c->id());
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << "thread " << t << ": " << e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kRowsPerThread)) << "every row got its own key";
  ormc::Session reader(shared);
  EXPECT_EQ(reader.scalar(ormc::select(ormc::count()).select_from<Customer>()), kThreads * kRowsPerThread);
  EXPECT_EQ(reader.scalar(ormc::select(ormc::count()).select_from<Customer>().where(Customer::c.name.like("t3-%"))),
            kRowsPerThread);
}

TEST_F(SessionThreadsTest, TheIdentityMapDoesNotKeepCleanUnreferencedObjectsAlive) {
  constexpr std::size_t kRows = 10000;
  {
    ormc::Session session(*db_, {.expire_on_commit = false});
    std::vector<std::shared_ptr<Customer>> all;
    for (std::size_t i = 0; i < kRows; ++i) all.push_back(customer("c" + std::to_string(i)));
    session.add_all(all);
    session.commit();
    EXPECT_EQ(session.identity_map_size(), kRows);
    all.clear();
    EXPECT_EQ(session.identity_map_size(), 0u) << "committed, clean and unreferenced: freed";
  }

  ormc::Session session(*db_, {.expire_on_commit = false});
  std::size_t seen = 0;
  std::size_t largest = 0;
  for (auto& c : session.scalars(ormc::select<Customer>()).yield_per(1000)) {
    ++seen;
    largest = std::max(largest, session.identity_map_size());
    (void)c;
  }
  EXPECT_EQ(seen, kRows);
  EXPECT_GT(largest, 0u);
  EXPECT_LE(largest, 2000u) << "at most about one batch of rows is alive while streaming";
  EXPECT_EQ(session.identity_map_size(), 0u);

  // Held objects stay, and so do changed ones nobody holds: their change must still be flushed.
  auto held = session.scalars(ormc::select<Customer>()).all();
  EXPECT_EQ(session.identity_map_size(), kRows);
  held[0]->set_name("changed, then dropped");
  const auto changed_id = held[0]->id();
  held.clear();
  EXPECT_EQ(session.identity_map_size(), 1u) << "a dirty object is kept until it is flushed";
  session.commit();
  EXPECT_EQ(session.identity_map_size(), 0u);
  EXPECT_EQ(fresh_get(changed_id)->name(), "changed, then dropped");
}

}  // namespace
