// PostgreSQL, hand-written side: libpqxx 6.4 as the anchor's program writes it (multi-row INSERT ... RETURNING,
// 1,000 rows per prepared statement; COPY via stream_to; DECLARE CURSOR / FETCH 1000), one transaction each.
#include <pqxx/pqxx>

#include <memory>
#include <set>
#include <string>
#include <tuple>

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

MemberRow read_member(const pqxx::row& row) {
  return {row[0].as<std::int32_t>(), row[1].as<std::string>(), row[2].as<std::int32_t>()};
}

class RawPostgresql final : public RawBackend {
 public:
  explicit RawPostgresql(const std::string& url) : conn_(url) {
    conn_.prepare("filter", "SELECT member_id, member_name, org_id FROM members WHERE org_id = $1 AND member_name LIKE $2 "
                            "LIMIT $3");
  }

  void insert_returning(std::int32_t org_id, std::size_t n) override {
    pqxx::work tx(conn_);
    const std::string org = std::to_string(org_id);
    std::vector<std::string> names;
    std::vector<const char*> params;
    std::vector<std::int32_t> ids;
    ids.reserve(n);
    for (std::size_t start = 0; start < n; start += kRowsPerStatement) {
      const std::size_t rows = std::min(kRowsPerStatement, n - start);
      const std::string name = "ins" + std::to_string(rows);
      if (prepared_.insert(name).second) conn_.prepare(name, insert_members_sql(rows));
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

  void bulk_insert(std::int32_t org_id, std::size_t n) override {
    pqxx::work tx(conn_);
    {
      pqxx::stream_to copy(tx, "members", std::vector<std::string>{"member_name", "org_id"});
      for (std::size_t i = 0; i < n; ++i) copy << std::make_tuple("member " + std::to_string(i), org_id);
      copy.complete();
    }
    tx.commit();
  }

  std::size_t filter_limit10(std::int32_t org_id) override {
    std::size_t rows = 0;
    pqxx::work tx(conn_);
    for (int q = 0; q < kFilterQueries; ++q) {
      std::vector<MemberRow> some;
      for (const auto& row : tx.exec_prepared("filter", org_id, "%member 1%", 10)) some.push_back(read_member(row));
      rows += some.size();
    }
    tx.commit();
    return rows;
  }

  std::size_t stream(std::int32_t org_id) override {
    std::size_t count = 0;
    pqxx::work tx(conn_);
    tx.exec("DECLARE members_cursor NO SCROLL CURSOR FOR SELECT member_id, member_name, org_id FROM members "
            "WHERE org_id = " + tx.quote(org_id));
    const std::string fetch = "FETCH FORWARD " + std::to_string(kStreamBatch) + " FROM members_cursor";
    std::vector<MemberRow> batch;
    batch.reserve(kStreamBatch);
    for (;;) {
      const pqxx::result r = tx.exec(fetch);
      if (r.empty()) break;
      batch.clear();
      for (const auto& row : r) batch.push_back(read_member(row));
      count += batch.size();
    }
    tx.exec("CLOSE members_cursor");
    tx.commit();
    return count;
  }

  void delete_parent(std::int32_t org_id) override {
    pqxx::work tx(conn_);
    tx.exec_params("DELETE FROM organizations WHERE org_id = $1", org_id);
    tx.commit();
  }

 private:
  pqxx::connection conn_;
  std::set<std::string> prepared_;
};

}  // namespace

std::unique_ptr<RawBackend> open_raw_postgresql(const std::string& url) { return std::make_unique<RawPostgresql>(url); }

}  // namespace ormc_bench
