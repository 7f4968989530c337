// The generator workload: the ormc compiler run as a process on a synthetic 1,000-entity schema.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "workloads.hpp"

extern char** environ;

namespace ormc_bench {
namespace {

constexpr int kEntities = 1000;

/// The schema bench/generator/gen_schema.py writes for `entities`: columns of several types and up
/// to three many-to-one relationships per entity, each with its own foreign key.
void write_schema(const std::filesystem::path& path, int entities) {
  std::ofstream out(path);
  out << "// Synthetic schema for the generator benchmark (as bench/generator/gen_schema.py).\nschema synthetic;\n\n";
  for (int i = 0; i < entities; ++i) {
    out << "entity E" << i << " {\n"
        << "    id: Integer primary_key;\n    name: String(80);\n    amount: Numeric(12, 2);\n"
        << "    created: DateTime server_default(now());\n    note: Text?;\n";
    for (int k = 1; k <= 3 && i - k >= 0; ++k) {
      out << "    ref" << k << "_id: Integer? foreign_key(E" << i - k << ".id, ondelete = \"set null\");\n"
          << "    ref" << k << ": E" << i - k << "? relationship(foreign_keys = [ref" << k << "_id]);\n";
    }
    out << "}\n\n";
  }
  if (!out) throw std::runtime_error("generator: cannot write " + path.string());
}

/// Wall time of one `ormc -o out schema` process. @throw std::runtime_error when it fails.
double run_ormc(const std::string& ormc, const std::filesystem::path& out, const std::filesystem::path& schema) {
  std::vector<std::string> args{ormc, "-o", out.string(), schema.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (::posix_spawn(&pid, ormc.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("generator: cannot run " + ormc);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("generator: " + ormc + " failed on " + schema.string());
  return seconds;
}

}  // namespace

Result run_generator(const std::string& ormc, int repetitions) {
  const auto work = std::filesystem::temp_directory_path() / ("ormc_bench_gen_" + std::to_string(::getpid()));
  std::filesystem::create_directories(work);
  const auto schema = work / "s1000.orm";
  write_schema(schema, kEntities);
  std::vector<double> times;
  for (int rep = 0; rep < repetitions; ++rep) {
    std::filesystem::remove_all(work / "out");  // every run writes its files anew (no write-if-changed shortcut)
    times.push_back(run_ormc(ormc, work / "out", schema));
  }
  const bool generated = std::filesystem::file_size(work / "out" / "s1000.orm.hpp") > 0;
  std::filesystem::remove_all(work);
  if (!generated) throw std::runtime_error("generator: no header was generated");
  std::sort(times.begin(), times.end());
  const std::size_t n = times.size();
  Result r{"generator", "generate_1000_entities", n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2, 0};
  // No hand-written counterpart: raw_s=0 and ratio=0 say "not applicable" (see README, Performance).
  std::printf("BENCH %s %s ormc_s=%.6f raw_s=0.000000 ratio=0.000\n", r.backend.c_str(), r.workload.c_str(), r.ormc_s);
  std::fflush(stdout);
  return r;
}

}  // namespace ormc_bench
