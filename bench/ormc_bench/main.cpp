// ormc_bench: ormc's generated code and runtime against hand-written sqlite3 / libpqxx code, same work,
// same run. Usage: ormc_bench [--n N] [--reps R] [--quick] [--postgresql URL] [--sqlite-only]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "harness.hpp"
#include "workloads.hpp"

int main(int argc, char** argv) {
  ormc_bench::Options options;
  std::string postgresql_url;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "ormc_bench: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--n") options.n = std::stoul(value());
    else if (arg == "--reps") options.repetitions = std::stoi(value());
    else if (arg == "--quick") {
      options.n = 2000;
      options.repetitions = 3;
    } else if (arg == "--postgresql") postgresql_url = value();
    else {
      std::fprintf(stderr, "usage: ormc_bench [--n N] [--reps R] [--quick] [--postgresql URL]\n");
      return 2;
    }
  }
  std::vector<ormc_bench::Result> all;
  const auto sqlite_path = std::filesystem::temp_directory_path() / ("ormc_bench_" + std::to_string(::getpid()) + ".db");
  {
    auto results = ormc_bench::run_sqlite(sqlite_path.string(), options);
    all.insert(all.end(), results.begin(), results.end());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(sqlite_path.string() + suffix);
  if (!postgresql_url.empty()) {
    auto results = ormc_bench::run_postgresql(postgresql_url, options);
    all.insert(all.end(), results.begin(), results.end());
  }
  ormc_bench::print_table(all);
  return 0;
}
