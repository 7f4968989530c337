// SQLite workloads: ormc against a careful hand-written sqlite3 program (prepared statements, one transaction).
#include <sqlite3.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "bench.orm.hpp"
#include "workloads.hpp"

namespace ormc_bench {
namespace {

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

/// The hand-written side's own connection, configured as ormc configures its own.
struct RawSqlite {
  explicit RawSqlite(const std::string& path) {
    check(sqlite3_open(path.c_str(), &db), db, "open");
    exec("PRAGMA foreign_keys=ON");
    exec("PRAGMA journal_mode=WAL");
  }
  ~RawSqlite() { sqlite3_close(db); }
  void exec(const char* sql) { check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql); }
  sqlite3* db = nullptr;
};

}  // namespace

std::vector<Result> run_sqlite(const std::string& path, const Options& options) {
  const std::size_t n = options.n;
  auto db = std::make_shared<ormc::Database>(ormc::connect("sqlite:///" + path));
  auto raw = std::make_shared<RawSqlite>(path);
  auto org_id = std::make_shared<std::int32_t>(0);
  auto fresh_tables = [db, org_id] {
    bench::metadata().drop_all(*db);
    bench::metadata().create_all(*db);
    ormc::Session s(*db, {.expire_on_commit = false});
    auto org = bench::Organization::create({.name = "org one"});
    s.add(org);
    s.commit();
    *org_id = org->org_id();
  };

  std::vector<Workload> workloads;
  workloads.push_back({"session_add_n",
                       {fresh_tables,
                        [db, org_id, n] {
                          ormc::Session s(*db, {.expire_on_commit = false});
                          for (std::size_t i = 0; i < n; ++i)
                            s.add(bench::Member::create({.name = "member " + std::to_string(i), .org_id = *org_id}));
                          s.commit();
                        }},
                       {fresh_tables, [raw, org_id, n] {
                          sqlite3_stmt* stmt = nullptr;
                          raw->exec("BEGIN");
                          check(sqlite3_prepare_v2(raw->db,
                                                   "INSERT INTO members (member_name, org_id) VALUES (?1, ?2) "
                                                   "RETURNING member_id",
                                                   -1, &stmt, nullptr),
                                raw->db, "prepare");
                          std::vector<std::int32_t> ids;
                          ids.reserve(n);
                          for (std::size_t i = 0; i < n; ++i) {
                            const std::string name = "member " + std::to_string(i);
                            sqlite3_bind_text(stmt, 1, name.c_str(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
                            sqlite3_bind_int(stmt, 2, *org_id);
                            check(sqlite3_step(stmt), raw->db, "step");
                            ids.push_back(sqlite3_column_int(stmt, 0));
                            sqlite3_reset(stmt);
                          }
                          sqlite3_finalize(stmt);
                          raw->exec("COMMIT");
                        }}});

  // get<T>(pk) of rows already in the identity map, against a hand-written hash map of objects.
  auto cached = std::make_shared<std::vector<std::shared_ptr<bench::Member>>>();
  auto session = std::make_shared<std::unique_ptr<ormc::Session>>();
  auto by_id = std::make_shared<std::unordered_map<std::int32_t, std::shared_ptr<bench::Member>>>();
  auto load_members = [db, fresh_tables, cached, session, by_id, n, org_id] {
    fresh_tables();
    cached->clear();
    by_id->clear();
    *session = std::make_unique<ormc::Session>(*db, ormc::SessionOptions{.expire_on_commit = false});
    for (std::size_t i = 0; i < n; ++i)
      cached->push_back(bench::Member::create({.name = "member " + std::to_string(i), .org_id = *org_id}));
    (*session)->add_all(*cached);
    (*session)->commit();
    for (auto& m : *cached) by_id->emplace(m->member_id(), m);
  };
  const std::size_t lookups = n * 10;
  workloads.push_back({"get_identity_map",
                       {load_members,
                        [cached, session, lookups] {
                          const std::size_t size = cached->size();
                          const std::int32_t first = (*cached)[0]->member_id();
                          for (std::size_t i = 0; i < lookups; ++i) {
                            auto m = (*session)->get<bench::Member>(first + static_cast<std::int32_t>(i % size));
                            if (!m) throw std::runtime_error("identity map lost a member");
                          }
                        }},
                       {load_members, [cached, by_id, lookups] {
                          const std::size_t size = cached->size();
                          const std::int32_t first = (*cached)[0]->member_id();
                          for (std::size_t i = 0; i < lookups; ++i) {
                            auto it = by_id->find(first + static_cast<std::int32_t>(i % size));
                            if (it == by_id->end()) throw std::runtime_error("lost a member");
                            std::shared_ptr<bench::Member> m = it->second;
                          }
                        }}});
  auto results = run_all("sqlite", workloads, options.repetitions);
  session->reset();
  return results;
}

}  // namespace ormc_bench
