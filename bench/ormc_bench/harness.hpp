// The benchmark harness: interleaved repetitions of ormc vs hand-written code, medians, BENCH lines.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace ormc_bench {

/// One measurement of one side: seconds, and (when measured in a child process) its peak RSS.
struct Sample {
  double seconds = 0;
  double rss_mb = -1;  ///< < 0: not measured
};

/// One side of a workload: `prepare` runs untimed (fresh tables, seed rows), `run` is timed.
/// A side with `measure` instead runs elsewhere (a child process, so that its peak RSS is its own)
/// and returns that process's own measurement.
struct Side {
  std::function<void()> prepare;
  std::function<void()> run;
  std::function<Sample()> measure = {};
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
  double ormc_rss_mb = -1;  ///< the highest peak over the repetitions; < 0: not measured
  double raw_rss_mb = -1;
};

/// Runs every workload `repetitions` times (short ones more, up to 15, until both sides have been
/// timed for 2 s in all), alternating which side goes first, and prints
/// `BENCH <backend> <workload> ormc_s=<median> raw_s=<median> ratio=<ormc/raw>` per workload
/// (plus ` ormc_rss_mb=<peak> raw_rss_mb=<peak>` when the sides were measured in child processes).
std::vector<Result> run_all(const std::string& backend, const std::vector<Workload>& workloads, int repetitions);

/// The readable table after the BENCH lines.
void print_table(const std::vector<Result>& results);

/// Runs this executable again (`/proc/self/exe args...`) and reads the Sample it prints as
/// "<seconds> <peak_rss_kb>" on stdout. @throw std::runtime_error when the child fails.
Sample run_child(const std::vector<std::string>& args);

/// This process's peak resident set size (VmHWM), in kB.
long peak_rss_kb();

}  // namespace ormc_bench
