// ormc_bench: ormc's generated code and runtime against hand-written sqlite3 / libpqxx code, same work,
// same run, and the generator's time on a 1,000-entity schema.
// Usage: ormc_bench [--n N] [--reps R] [--quick] [--postgresql URL] [--no-sqlite] [--only WORKLOAD] [--ormc PATH]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "harness.hpp"
#include "workloads.hpp"

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--child") {
    // A measurement in a process of its own (see harness.hpp run_child): only the harness calls this.
    try {
      return ormc_bench::run_stream_child(std::vector<std::string>(argv + 2, argv + argc));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ormc_bench --child: %s\n", e.what());
      return 1;
    }
  }
  ormc_bench::Options options;
  std::string postgresql_url;
  bool sqlite = true;
  std::string ormc = ORMC_BENCH_ORMC_EXECUTABLE;  // the compiler built with this benchmark
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
    else if (arg == "--no-sqlite") sqlite = false;
    else if (arg == "--only") options.only = value();
    else if (arg == "--ormc") ormc = value();
    else {
      std::fprintf(stderr, "usage: ormc_bench [--n N] [--reps R] [--quick] [--postgresql URL] [--no-sqlite] [--only WORKLOAD] [--ormc PATH]\n");
      return 2;
    }
  }
  std::printf("ormc_bench: N=%zu, %d repetitions, medians\n", options.n, options.repetitions);
  std::vector<ormc_bench::Result> all;
  try {
    if (sqlite) {
      const auto path =
          (std::filesystem::temp_directory_path() / ("ormc_bench_" + std::to_string(::getpid()) + ".db")).string();
      auto results = ormc_bench::run_backend({"sqlite", "sqlite:///" + path, path}, options);
      all.insert(all.end(), results.begin(), results.end());
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
    if (!postgresql_url.empty()) {
      auto results = ormc_bench::run_backend({"postgresql", postgresql_url, postgresql_url}, options);
      all.insert(all.end(), results.begin(), results.end());
    }
    if (options.only.empty() || options.only == "generate_1000_entities")
      all.push_back(ormc_bench::run_generator(ormc, options.repetitions));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ormc_bench: %s\n", e.what());
    return 1;
  }
  ormc_bench::print_table(all);
  return 0;
}
