// The workloads of ormc_bench, per backend.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "harness.hpp"

namespace ormc_bench {

struct Options {
  std::size_t n = 100000;  ///< rows per workload
  int repetitions = 5;
};

std::vector<Result> run_sqlite(const std::string& path, const Options& options);
std::vector<Result> run_postgresql(const std::string& url, const Options& options);

}  // namespace ormc_bench
