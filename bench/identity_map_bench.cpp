// Micro-benchmark: Session::get<T>(pk) answered from the identity map (target: no SQL, < 100 ns).
#include <benchmark/benchmark.h>

#include "bench.orm.hpp"

static void BM_GetFromIdentityMap(benchmark::State& state) {
  auto db = ormc::connect("sqlite://:memory:");
  bench::metadata().create_all(db);
  ormc::Session session(db, {.expire_on_commit = false});
  std::vector<std::shared_ptr<bench::Member>> members;
  for (int i = 0; i < 1000; ++i) members.push_back(bench::Member::create({.name = "member " + std::to_string(i)}));
  session.add_all(members);
  session.commit();
  std::size_t statements = 0;
  db.on_statement([&](const ormc::StatementEvent&) { ++statements; });
  std::int32_t id = members[0]->member_id();
  const std::int32_t first = id;
  for (auto _ : state) {
    benchmark::DoNotOptimize(session.get<bench::Member>(id));
    id = id == first + 999 ? first : id + 1;
  }
  if (statements != 0) state.SkipWithError("get<T>() of a cached row emitted SQL");
}
BENCHMARK(BM_GetFromIdentityMap);

BENCHMARK_MAIN();
