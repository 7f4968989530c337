// The benchmark harness: timing, interleaving, medians, child-process measurements and output.
#include "harness.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ormc_bench {
namespace {

Sample timed(const Side& side) {
  side.prepare();
  if (side.measure) return side.measure();
  const auto start = std::chrono::steady_clock::now();
  side.run();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

// Workloads of a few tens of milliseconds swing by a third from one repetition to the next on a
// shared machine, and PostgreSQL's half-second ones by a fifth (the server's time for the same COPY
// ranged over 0.45-0.69 s in 11 repetitions): they get more repetitions, until both sides together
// have been timed for kMinTimedSeconds, within kMaxRepetitions and kMaxWorkloadSeconds of wall time
// (set-up included). Five runs of three pairs each gave PostgreSQL's bulk insert ratios of 0.89x to
// 1.20x; 31 pairs gave 0.96x.
constexpr double kMinTimedSeconds = 8.0;
constexpr int kMaxRepetitions = 15;
constexpr double kMaxWorkloadSeconds = 30.0;

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
    double ormc_rss = -1, raw_rss = -1;
    const auto started = std::chrono::steady_clock::now();
    double timed_seconds = 0;
    auto record = [&timed_seconds](const Sample& s, std::vector<double>& times, double& rss) {
      timed_seconds += s.seconds;
      times.push_back(s.seconds);
      rss = std::max(rss, s.rss_mb);
    };
    auto more = [&](int rep) {
      if (rep < repetitions) return true;
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      return timed_seconds < kMinTimedSeconds && rep < kMaxRepetitions && wall < kMaxWorkloadSeconds;
    };
    for (int rep = 0; more(rep); ++rep) {
      // Alternate the order so caches, the page cache and the server's state favour neither side.
      if (rep % 2 == 0) {
        record(timed(w.raw), raw_times, raw_rss);
        record(timed(w.ormc), ormc_times, ormc_rss);
      } else {
        record(timed(w.ormc), ormc_times, ormc_rss);
        record(timed(w.raw), raw_times, raw_rss);
      }
    }
    Result r{backend, w.name, median(ormc_times), median(raw_times), ormc_rss, raw_rss};
    std::printf("BENCH %s %s ormc_s=%.6f raw_s=%.6f ratio=%.3f", r.backend.c_str(), r.workload.c_str(), r.ormc_s,
                r.raw_s, r.raw_s > 0 ? r.ormc_s / r.raw_s : 0.0);
    if (r.ormc_rss_mb >= 0 && r.raw_rss_mb >= 0)
      std::printf(" ormc_rss_mb=%.1f raw_rss_mb=%.1f", r.ormc_rss_mb, r.raw_rss_mb);
    std::printf("\n");
    std::fflush(stdout);
    results.push_back(r);
  }
  return results;
}

void print_table(const std::vector<Result>& results) {
  std::printf(
      "\n| backend | workload | ormc (s) | hand-written (s) | ratio | peak RSS ormc / hand-written (MB) |\n"
      "| --- | --- | --- | --- | --- | --- |\n");
  for (const Result& r : results) {
    if (r.raw_s <= 0) {  // no hand-written counterpart (the generator)
      std::printf("| %s | %s | %.4f | - | - | |\n", r.backend.c_str(), r.workload.c_str(), r.ormc_s);
      continue;
    }
    std::printf("| %s | %s | %.4f | %.4f | %.2fx |", r.backend.c_str(), r.workload.c_str(), r.ormc_s, r.raw_s,
                r.ormc_s / r.raw_s);
    if (r.ormc_rss_mb >= 0 && r.raw_rss_mb >= 0)
      std::printf(" %.1f / %.1f |\n", r.ormc_rss_mb, r.raw_rss_mb);
    else
      std::printf(" |\n");
  }
}

Sample run_child(const std::vector<std::string>& args) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  std::fflush(stdout);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // exec rather than run in the forked copy: a fresh process's peak RSS is its own work only,
    // not the parent's heap that fork() would carry over.
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<char*> argv;
    static char self[] = "ormc_bench";
    argv.push_back(self);
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", argv.data());
    std::perror("execv /proc/self/exe");
    ::_exit(127);
  }
  ::close(out[1]);
  std::string text;
  char buffer[256];
  for (ssize_t got; (got = ::read(out[0], buffer, sizeof buffer)) != 0;) {
    if (got < 0) {
      if (errno == EINTR) continue;
      break;
    }
    text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("child measurement failed (status " + std::to_string(status) + "): " + text);
  std::istringstream in(text);
  double seconds = 0;
  long rss_kb = 0;
  if (!(in >> seconds >> rss_kb)) throw std::runtime_error("child printed no measurement: " + text);
  return {seconds, static_cast<double>(rss_kb) / 1024.0};
}

long peak_rss_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace ormc_bench
