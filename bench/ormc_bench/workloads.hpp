// The workloads of ormc_bench: the ormc side is one program for both backends; the hand-written side is
// a RawBackend per database (sqlite3 C API, libpqxx 6.4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness.hpp"

namespace ormc_bench {

struct Options {
  std::size_t n = 100000;  ///< rows per workload
  int repetitions = 5;
  std::string only;  ///< run just this workload (for profiling); empty: all
};

/// The rows filter_limit10 runs its query this many times per measurement: one query takes about a
/// millisecond, too close to the clock's and the scheduler's noise to time alone.
constexpr int kFilterQueries = 20;
/// The batch size of streaming (yield_per / FETCH FORWARD).
constexpr std::size_t kStreamBatch = 1000;

/// A member row as hand-written code materialises it (the raw side's equivalent of an object).
struct MemberRow {
  std::int32_t member_id = 0;
  std::string name;
  std::int32_t org_id = 0;
};

/// The hand-written side: what a careful engineer writes against the C API / libpqxx for each workload.
/// Tables are created by ormc's metadata (same DDL for both sides).
class RawBackend {
 public:
  virtual ~RawBackend() = default;
  /// INSERT n members of `org_id` named "member <i>", reading back their generated ids, one transaction.
  virtual void insert_returning(std::int32_t org_id, std::size_t n) = 0;
  /// Bulk load of n members without reading anything back (PostgreSQL: COPY; SQLite: a prepared loop).
  virtual void bulk_insert(std::int32_t org_id, std::size_t n) = 0;
  /// kFilterQueries times: up to 10 members of `org_id` whose name is LIKE '%member 1%'. Returns rows seen.
  virtual std::size_t filter_limit10(std::int32_t org_id) = 0;
  /// Every member of `org_id`, kStreamBatch rows at a time (PostgreSQL: DECLARE CURSOR / FETCH). Returns the count.
  virtual std::size_t stream(std::int32_t org_id) = 0;
  /// DELETE of the organization; ON DELETE CASCADE removes its members.
  virtual void delete_parent(std::int32_t org_id) = 0;
};

/// A backend: its name in BENCH lines, ormc's URL, and how to open its hand-written side (which
/// a stream child process opens anew).
struct Target {
  std::string backend;  ///< "sqlite" | "postgresql"
  std::string url;      ///< ormc::connect() URL
  std::string raw;      ///< the hand-written side's connection string (a file path for SQLite)
};

std::unique_ptr<RawBackend> open_raw(const Target& target);
std::unique_ptr<RawBackend> open_raw_sqlite(const std::string& path);
std::unique_ptr<RawBackend> open_raw_postgresql(const std::string& url);

/// Every workload on one backend, ormc against hand-written, interleaved.
std::vector<Result> run_backend(const Target& target, const Options& options);

/// The generator workload: `ormc` (the compiler executable) on a synthetic 1,000-entity schema, the
/// median wall time of `repetitions` runs. Prints `BENCH generator generate_1000_entities ormc_s=<median>
/// raw_s=0.000000 ratio=0.000`: there is no hand-written side to divide by.
Result run_generator(const std::string& ormc, int repetitions);

/// `ormc_bench --child stream <ormc|raw> <backend> <url> <raw> <org_id> <expected>`: streams in a fresh
/// process and prints "<seconds> <peak_rss_kb>". Returns the exit status.
int run_stream_child(const std::vector<std::string>& args);

}  // namespace ormc_bench
