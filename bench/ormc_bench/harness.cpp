// The benchmark harness: timing, interleaving, medians and output.
#include "harness.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace ormc_bench {
namespace {

double timed(const Side& side) {
  side.prepare();
  const auto start = std::chrono::steady_clock::now();
  side.run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

std::vector<Result> run_all(const std::string& backend, const std::vector<Workload>& workloads, int repetitions) {
  std::vector<Result> results;
  for (const Workload& w : workloads) {
    std::vector<double> ormc_times, raw_times;
    for (int rep = 0; rep < repetitions; ++rep) {
      // Alternate the order so caches, the page cache and the server's state favour neither side.
      if (rep % 2 == 0) {
        raw_times.push_back(timed(w.raw));
        ormc_times.push_back(timed(w.ormc));
      } else {
        ormc_times.push_back(timed(w.ormc));
        raw_times.push_back(timed(w.raw));
      }
    }
    Result r{backend, w.name, median(ormc_times), median(raw_times)};
    std::printf("BENCH %s %s ormc_s=%.6f raw_s=%.6f ratio=%.3f\n", r.backend.c_str(), r.workload.c_str(), r.ormc_s,
                r.raw_s, r.raw_s > 0 ? r.ormc_s / r.raw_s : 0.0);
    std::fflush(stdout);
    results.push_back(r);
  }
  return results;
}

void print_table(const std::vector<Result>& results) {
  std::printf("\n| backend | workload | ormc (s) | hand-written (s) | ratio |\n| --- | --- | --- | --- | --- |\n");
  for (const Result& r : results)
    std::printf("| %s | %s | %.4f | %.4f | %.2fx |\n", r.backend.c_str(), r.workload.c_str(), r.ormc_s, r.raw_s,
                r.raw_s > 0 ? r.ormc_s / r.raw_s : 0.0);
}

}  // namespace ormc_bench
