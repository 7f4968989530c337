// ormc_load: appends N children (default 10,000,000) to one parent's write-only collection on
// PostgreSQL in batches, streams them back with yield_per, counts them, deletes the parent with one
// statement, and reports each phase's time and the process's peak RSS (which must stay < 50 MB).
//
//   ormc_load [--rows N] [--batch N] [--yield-per N] POSTGRESQL_URL
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "load.orm.hpp"

namespace {

using load::Item;
using load::Owner;
using Clock = std::chrono::steady_clock;

constexpr long kRssLimitKb = 50 * 1024;

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // kilobytes on Linux
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Options {
  std::int64_t rows = 10'000'000;
  std::int64_t batch = 10'000;  // children per commit
  std::size_t yield_per = 10'000;
  std::string url;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto number = [&] {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
      return std::stoll(argv[++i]);
    };
    if (arg == "--rows")
      o.rows = number();
    else if (arg == "--batch")
      o.batch = number();
    else if (arg == "--yield-per")
      o.yield_per = static_cast<std::size_t>(number());
    else
      o.url = arg;
  }
  if (o.url.empty()) {
    const char* env = std::getenv("ORMC_TEST_POSTGRESQL_URL");
    if (env != nullptr) o.url = env;
  }
  if (o.url.empty() || o.rows <= 0 || o.batch <= 0 || o.yield_per == 0)
    throw std::invalid_argument("usage: ormc_load [--rows N] [--batch N] [--yield-per N] POSTGRESQL_URL");
  return o;
}

int run(const Options& o) {
  ormc::Database db = ormc::connect(o.url);
  std::atomic<std::int64_t> statements{0};
  std::atomic<std::int64_t> deletes{0};
  std::atomic<std::int64_t> selects_of_items{0};
  db.on_statement([&](const ormc::StatementEvent& e) {
    ++statements;
    if (e.sql.starts_with("DELETE")) ++deletes;
    if (e.sql.starts_with("SELECT") && e.sql.find("load_item") != std::string_view::npos) ++selects_of_items;
  });
  load::metadata().drop_all(db);
  load::metadata().create_all(db);
  std::printf("ormc_load: %lld rows in commits of %lld, yield_per %zu, on %s\n", static_cast<long long>(o.rows),
              static_cast<long long>(o.batch), o.yield_per, db.url().c_str());

  ormc::Session session(db, {.expire_on_commit = false});
  auto owner = Owner::create({.name = "owner"});
  session.add(owner);
  session.commit();

  // 1. Append: the batch's objects die after each commit; nothing keeps them alive.
  const auto append_start = Clock::now();
  const std::int64_t before_append = statements;
  for (std::int64_t done = 0; done < o.rows;) {
    const std::int64_t n = std::min(o.batch, o.rows - done);
    std::vector<std::shared_ptr<Item>> batch;
    batch.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
      batch.push_back(Item::create({.n = done + i, .label = "item " + std::to_string(done + i)}));
    owner->items().add_all(batch);
    session.commit();
    done += n;
    if (done % 1'000'000 == 0 || done == o.rows)
      std::printf("  appended %lld (%.1f s, peak RSS %.1f MB)\n", static_cast<long long>(done),
                  seconds_since(append_start), peak_rss_kb() / 1024.0);
    std::fflush(stdout);
  }
  const double append_s = seconds_since(append_start);
  const std::int64_t append_statements = statements - before_append;
  const long rss_after_append = peak_rss_kb();
  const std::int64_t selects_while_appending = selects_of_items;

  // 2. Stream back through a server-side cursor, checking each row's n.
  const auto stream_start = Clock::now();
  std::int64_t streamed = 0;
  std::int64_t sum = 0;
  for (const auto& item : session.scalars(owner->items().select().order_by(Item::c.n.asc())).yield_per(o.yield_per)) {
    if (item->n() != streamed) {
      std::printf("FAIL: row %lld has n = %lld\n", static_cast<long long>(streamed), static_cast<long long>(item->n()));
      return 1;
    }
    sum += item->n();
    ++streamed;
  }
  session.commit();
  const double stream_s = seconds_since(stream_start);

  // 3. Count on the server.
  const auto count_start = Clock::now();
  const std::int64_t counted = session.scalar(ormc::select(ormc::count()).select_from<Item>().where(
      Item::c.owner_id == owner->id()));
  session.commit();
  const double count_s = seconds_since(count_start);

  // 4. Delete the parent: one DELETE; ON DELETE CASCADE removes the children on the server.
  const auto delete_start = Clock::now();
  const std::int64_t deletes_before = deletes;
  session.remove(owner);
  session.commit();
  const double delete_s = seconds_since(delete_start);
  const std::int64_t delete_statements = deletes - deletes_before;
  const std::int64_t left = session.scalar(ormc::select(ormc::count()).select_from<Item>());
  session.commit();

  const long peak_kb = peak_rss_kb();
  const std::int64_t expected_sum = o.rows * (o.rows - 1) / 2;
  std::printf("append:  %lld rows in %.1f s (%.0f rows/s), %lld statements, peak RSS %.1f MB\n",
              static_cast<long long>(o.rows), append_s, static_cast<double>(o.rows) / append_s,
              static_cast<long long>(append_statements), rss_after_append / 1024.0);
  std::printf("stream:  %lld rows in %.1f s (%.0f rows/s), sum of n %s\n", static_cast<long long>(streamed), stream_s,
              static_cast<double>(streamed) / stream_s, sum == expected_sum ? "correct" : "WRONG");
  std::printf("count:   %lld in %.1f s\n", static_cast<long long>(counted), count_s);
  std::printf("delete:  %lld DELETE statement(s) in %.1f s, %lld rows left\n", static_cast<long long>(delete_statements),
              delete_s, static_cast<long long>(left));
  std::printf("SELECTs of the collection while appending: %lld\n", static_cast<long long>(selects_while_appending));
  std::printf("peak RSS: %.1f MB (limit %.0f MB)\n", peak_kb / 1024.0, kRssLimitKb / 1024.0);
  const bool ok = streamed == o.rows && counted == o.rows && sum == expected_sum && delete_statements == 1 &&
                  left == 0 && selects_while_appending == 0 && peak_kb < kRssLimitKb;
  std::printf("%s\n", ok ? "OK" : "FAIL");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ormc_load: %s\n", e.what());
    return 2;
  }
}
