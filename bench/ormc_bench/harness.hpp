// The benchmark harness: interleaved repetitions of ormc vs hand-written code, medians, BENCH lines.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace ormc_bench {

/// One side of a workload: `prepare` runs untimed (fresh tables, seed rows), `run` is timed.
struct Side {
  std::function<void()> prepare;
  std::function<void()> run;
};

struct Workload {
  std::string name;
  Side ormc;
  Side raw;
};

struct Result {
  std::string backend;
  std::string workload;
  double ormc_s = 0;
  double raw_s = 0;
};

/// Runs every workload `repetitions` times, alternating which side goes first, and prints
/// `BENCH <backend> <workload> ormc_s=<median> raw_s=<median> ratio=<ormc/raw>` per workload.
std::vector<Result> run_all(const std::string& backend, const std::vector<Workload>& workloads, int repetitions);

/// The readable table after the BENCH lines.
void print_table(const std::vector<Result>& results);

}  // namespace ormc_bench
