// The workloads, ormc side, for both backends; each paired with the hand-written side of its RawBackend.
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "bench.orm.hpp"
#include "bench_dynamic.orm.hpp"
#include "workloads.hpp"

namespace ormc_bench {
namespace {

using bench::Member;
using bench::Organization;

std::string member_name(std::size_t i) { return "member " + std::to_string(i); }

/// Shared state of one backend's run: ormc's Database, the hand-written connection, the current organization.
struct Context {
  Target target;
  std::size_t n = 0;
  std::shared_ptr<ormc::Database> db;
  std::unique_ptr<RawBackend> raw;
  std::int32_t org_id = 0;
  std::string dataset;  ///< which seeded dataset the tables hold now ("" = none or modified)

  /// Empty tables and one organization.
  void fresh_tables() {
    bench::metadata().drop_all(*db);
    bench::metadata().create_all(*db);
    ormc::Session s(*db, {.expire_on_commit = false});
    auto org = Organization::create({.name = "org one"});
    s.add(org);
    s.commit();
    org_id = org->org_id();
    dataset.clear();
  }
  /// Tables holding one organization with `rows` members, loaded once and reused by read-only workloads.
  void seeded(const std::string& name, std::size_t rows) {
    if (dataset == name) return;
    fresh_tables();
    raw->bulk_insert(org_id, rows);
    dataset = name;
  }
};

void expect(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("benchmark self-check failed: ") + what);
}

}  // namespace

std::vector<Result> run_backend(const Target& target, const Options& options) {
  auto ctx = std::make_shared<Context>();
  ctx->target = target;
  ctx->n = options.n;
  ctx->db = std::make_shared<ormc::Database>(ormc::connect(target.url));
  ctx->raw = open_raw(target);
  const std::size_t n = options.n;
  auto fresh = [ctx] { ctx->fresh_tables(); };

  std::vector<Workload> workloads;

  // session.add() of N independent members (foreign key set by hand) + commit.
  workloads.push_back({"session_add_n",
                       {fresh,
                        [ctx, n] {
                          ormc::Session s(*ctx->db, {.expire_on_commit = false});
                          for (std::size_t i = 0; i < n; ++i)
                            s.add(Member::create({.name = member_name(i), .org_id = ctx->org_id}));
                          s.commit();
                        }},
                       {fresh, [ctx, n] { ctx->raw->insert_returning(ctx->org_id, n); }}});

  // add_all() of N new members to a persistent organization's write-only collection + commit.
  workloads.push_back({"write_only_add_n",
                       {fresh,
                        [ctx, n] {
                          ormc::Session s(*ctx->db, {.expire_on_commit = false});
                          auto org = s.get<Organization>(ctx->org_id);
                          std::vector<std::shared_ptr<Member>> members;
                          members.reserve(n);
                          for (std::size_t i = 0; i < n; ++i) members.push_back(Member::create({.name = member_name(i)}));
                          org->members().add_all(members);
                          s.commit();
                          expect(members.back()->member_id() > 0 && members.back()->org_id() == ctx->org_id,
                                 "write_only_add_n: generated ids and foreign keys are set");
                        }},
                       {fresh, [ctx, n] { ctx->raw->insert_returning(ctx->org_id, n); }}});

  // append() of N new members to a persistent organization's dynamic collection + commit (the same
  // tables, mapped by bench_dynamic.orm).
  workloads.push_back({"dynamic_append_n",
                       {fresh,
                        [ctx, n] {
                          ormc::Session s(*ctx->db, {.expire_on_commit = false});
                          auto org = s.get<bench_dynamic::Organization>(ctx->org_id);
                          std::shared_ptr<bench_dynamic::Member> last;
                          for (std::size_t i = 0; i < n; ++i) {
                            last = bench_dynamic::Member::create({.name = member_name(i)});
                            org->members().append(last);
                          }
                          s.commit();
                          expect(last->member_id() > 0 && last->org_id() == ctx->org_id,
                                 "dynamic_append_n: generated ids and foreign keys are set");
                        }},
                       {fresh, [ctx, n] { ctx->raw->insert_returning(ctx->org_id, n); }}});

  // The collection's insert() bulk statement of N typed rows (SPEC §3's spelling; no objects) + commit.
  workloads.push_back({"bulk_insert_n",
                       {fresh,
                        [ctx, n] {
                          ormc::Session s(*ctx->db, {.expire_on_commit = false});
                          auto org = s.get<Organization>(ctx->org_id);
                          std::vector<Member::Fields> rows;
                          rows.reserve(n);
                          for (std::size_t i = 0; i < n; ++i) rows.push_back({.name = member_name(i)});
                          const auto inserted = s.execute(org->members().insert(), std::move(rows));
                          s.commit();
                          expect(inserted == n, "bulk_insert_n: every row inserted");
                        }},
                       {fresh, [ctx, n] { ctx->raw->bulk_insert(ctx->org_id, n); }}});

  // select() of the collection with LIKE + LIMIT 10, kFilterQueries times, over N members.
  auto filter_data = [ctx, n] { ctx->seeded("filter", n); };
  workloads.push_back({"filter_limit10",
                       {filter_data,
                        [ctx] {
                          ormc::Session s(*ctx->db, {.expire_on_commit = false});
                          auto org = s.get<Organization>(ctx->org_id);
                          for (int q = 0; q < kFilterQueries; ++q) {
                            auto some = s.scalars(org->members().select().where(Member::c.name.like("%member 1%")).limit(10))
                                            .all();
                            expect(some.size() == 10, "filter_limit10: ten rows");
                          }
                        }},
                       {filter_data, [ctx] {
                          expect(ctx->raw->filter_limit10(ctx->org_id) == 10u * kFilterQueries, "filter_limit10: ten rows");
                        }}});

  // Iterate 2N members with yield_per(1000), each side in its own process so that its peak RSS is its own.
  auto stream_data = [ctx, n] { ctx->seeded("stream", 2 * n); };
  auto stream_side = [ctx, n](const char* side) {
    return [ctx, n, side] {
      return run_child({"--child", "stream", side, ctx->target.backend, ctx->target.url, ctx->target.raw,
                        std::to_string(ctx->org_id), std::to_string(2 * n)});
    };
  };
  workloads.push_back({"stream_2n", {stream_data, {}, stream_side("ormc")}, {stream_data, {}, stream_side("raw")}});

  // Delete an organization with N members: passive_deletes, so one DELETE and ON DELETE CASCADE.
  auto delete_data = [ctx, n] {
    ctx->fresh_tables();
    ctx->raw->bulk_insert(ctx->org_id, n);
  };
  workloads.push_back({"delete_parent",
                       {delete_data,
                        [ctx] {
                          ormc::Session s(*ctx->db, {.expire_on_commit = false});
                          s.remove(s.get<Organization>(ctx->org_id));
                          s.commit();
                        }},
                       {delete_data, [ctx] { ctx->raw->delete_parent(ctx->org_id); }}});

  // get<T>(pk) of rows already in the identity map, against a hand-written hash map of the same objects.
  struct Loaded {
    std::vector<std::shared_ptr<Member>> members;
    std::unique_ptr<ormc::Session> session;
    std::unordered_map<std::int32_t, std::shared_ptr<Member>> by_id;
  };
  auto loaded = std::make_shared<Loaded>();
  auto load_members = [ctx, loaded, n] {
    loaded->session.reset();  // its connection must not hold the tables while they are dropped
    ctx->fresh_tables();
    loaded->members.clear();
    loaded->by_id.clear();
    loaded->session = std::make_unique<ormc::Session>(*ctx->db, ormc::SessionOptions{.expire_on_commit = false});
    for (std::size_t i = 0; i < n; ++i)
      loaded->members.push_back(Member::create({.name = member_name(i), .org_id = ctx->org_id}));
    loaded->session->add_all(loaded->members);
    loaded->session->commit();
    for (auto& m : loaded->members) loaded->by_id.emplace(m->member_id(), m);
  };
  const std::size_t lookups = n * 10;
  workloads.push_back({"get_identity_map",
                       {load_members,
                        [loaded, lookups] {
                          const std::size_t size = loaded->members.size();
                          const std::int32_t first = loaded->members[0]->member_id();
                          for (std::size_t i = 0; i < lookups; ++i) {
                            auto m = loaded->session->get<Member>(first + static_cast<std::int32_t>(i % size));
                            expect(m != nullptr, "get_identity_map: every member found");
                          }
                        }},
                       {load_members, [loaded, lookups] {
                          const std::size_t size = loaded->members.size();
                          const std::int32_t first = loaded->members[0]->member_id();
                          for (std::size_t i = 0; i < lookups; ++i) {
                            auto it = loaded->by_id.find(first + static_cast<std::int32_t>(i % size));
                            expect(it != loaded->by_id.end(), "get_identity_map: every member found");
                            std::shared_ptr<Member> m = it->second;
                          }
                        }}});

  if (!options.only.empty())
    std::erase_if(workloads, [&](const Workload& w) { return w.name != options.only; });
  auto results = run_all(target.backend, workloads, options.repetitions);
  loaded->session.reset();
  return results;
}

int run_stream_child(const std::vector<std::string>& args) {
  // args: stream <ormc|raw> <backend> <url> <raw> <org_id> <expected>
  if (args.size() != 7 || args[0] != "stream") {
    std::fprintf(stderr, "ormc_bench --child: bad arguments\n");
    return 2;
  }
  const Target target{args[2], args[3], args[4]};
  const auto org_id = static_cast<std::int32_t>(std::stol(args[5]));
  const std::size_t expected = std::stoul(args[6]);
  std::size_t count = 0;
  double seconds = 0;
  if (args[1] == "ormc") {
    auto db = ormc::connect(target.url);
    const auto start = std::chrono::steady_clock::now();
    ormc::Session s(db, {.expire_on_commit = false});
    auto org = s.get<Organization>(org_id);
    for (auto& m : s.scalars(org->members().select()).yield_per(kStreamBatch)) count += m->member_id() > 0;
    s.commit();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } else {
    auto raw = open_raw(target);
    const auto start = std::chrono::steady_clock::now();
    count = raw->stream(org_id);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  if (count != expected) {
    std::fprintf(stderr, "stream: %zu rows, expected %zu\n", count, expected);
    return 1;
  }
  std::printf("%.6f %ld\n", seconds, peak_rss_kb());
  return 0;
}

std::unique_ptr<RawBackend> open_raw(const Target& target) {
  return target.backend == "postgresql" ? open_raw_postgresql(target.raw) : open_raw_sqlite(target.raw);
}

}  // namespace ormc_bench
