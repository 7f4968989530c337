// PostgreSQL workloads: ormc against hand-written libpqxx 6.4 (multi-row INSERT ... RETURNING, 1,000 rows
// per prepared statement, one transaction) — the anchor's hand-written program.
#include <pqxx/pqxx>

#include <memory>
#include <string>

#include "bench.orm.hpp"
#include "workloads.hpp"

namespace ormc_bench {
namespace {

constexpr std::size_t kRowsPerStatement = 1000;

std::string insert_members_sql(std::size_t rows) {
  std::string sql = "INSERT INTO members (member_name, org_id) VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    if (r) sql += ", ";
    sql += "($" + std::to_string(2 * r + 1) + ", $" + std::to_string(2 * r + 2) + ")";
  }
  return sql + " RETURNING member_id";
}

/// Inserts n members the way a careful engineer would with libpqxx 6.4.
void raw_insert_members(pqxx::connection& conn, std::int32_t org_id, std::size_t n) {
  pqxx::work tx(conn);
  const std::string org = std::to_string(org_id);
  std::vector<std::string> names;
  std::vector<const char*> params;
  std::vector<std::int32_t> ids;
  ids.reserve(n);
  for (std::size_t start = 0; start < n; start += kRowsPerStatement) {
    const std::size_t rows = std::min(kRowsPerStatement, n - start);
    const std::string name = "ins" + std::to_string(rows);
    try {
      conn.prepare(name, insert_members_sql(rows));
    } catch (const pqxx::usage_error&) {
      // already prepared on this connection
    }
    names.clear();
    names.reserve(rows);
    params.clear();
    for (std::size_t i = 0; i < rows; ++i) {
      names.push_back("member " + std::to_string(start + i));
      params.push_back(names.back().c_str());
      params.push_back(org.c_str());
    }
    const pqxx::result r = tx.exec_prepared(name, pqxx::prepare::make_dynamic_params(params));
    for (const auto& row : r) ids.push_back(row[0].as<std::int32_t>());
  }
  tx.commit();
}

}  // namespace

std::vector<Result> run_postgresql(const std::string& url, const Options& options) {
  const std::size_t n = options.n;
  auto db = std::make_shared<ormc::Database>(ormc::connect(url));
  auto raw = std::make_shared<pqxx::connection>(url);
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
                       {fresh_tables, [raw, org_id, n] { raw_insert_members(*raw, *org_id, n); }}});
  return run_all("postgresql", workloads, options.repetitions);
}

}  // namespace ormc_bench
