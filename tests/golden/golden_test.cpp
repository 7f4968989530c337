// Golden tests: every tests/golden/<case>/input.orm regenerates byte-identical C++ and DDL, every
// tests/golden/errors/<case>/input.orm prints exactly expected.stderr and exits 1, and every
// tests/golden/warnings/<case>/input.orm prints expected.stderr, exits 0 and still writes its files.
// Re-bless: ORMC_BLESS=1 ctest -R golden
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "driver/compile.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kGoldenDir = ORMC_GOLDEN_DIR;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

bool blessing() {
  const char* b = std::getenv("ORMC_BLESS");
  return b && std::string(b) == "1";
}

/// The first differing line with a little context, as a readable failure message.
std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  int line = 0;
  while (true) {
    const bool ha = static_cast<bool>(std::getline(a, la));
    const bool hb = static_cast<bool>(std::getline(b, lb));
    ++line;
    if (!ha && !hb) return "(identical)";
    if (!ha || !hb || la != lb)
      return "first difference at line " + std::to_string(line) + ":\n  expected: " + (ha ? la : "<end of file>") +
             "\n  actual:   " + (hb ? lb : "<end of file>");
  }
}

/// Runs ormc in-process from inside the case folder so paths print as given ("input.orm").
int run_ormc(const fs::path& case_dir, const fs::path& out_dir, std::string& err_text) {
  const fs::path saved = fs::current_path();
  fs::current_path(case_dir);
  ormc::driver::Options options;
  options.inputs = {"input.orm"};
  options.out_dir = out_dir.string();
  options.ddl_postgresql = true;
  options.ddl_sqlite = true;
  std::ostringstream out, err;
  const int status = ormc::driver::run(options, out, err);
  fs::current_path(saved);
  err_text = err.str();
  return status;
}

std::vector<std::string> cases(const fs::path& dir) {
  std::vector<std::string> names;
  if (!fs::is_directory(dir)) return names;
  for (const auto& entry : fs::directory_iterator(dir))
    if (fs::exists(entry.path() / "input.orm")) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class GoldenOutput : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenOutput, MatchesExpectedFiles) {
  const fs::path case_dir = kGoldenDir / GetParam();
  const fs::path out_dir = fs::temp_directory_path() / ("ormc_golden_" + GetParam() + "_" + std::to_string(::getpid()));
  fs::remove_all(out_dir);
  std::string err;
  ASSERT_EQ(run_ormc(case_dir, out_dir, err), 0) << err;
  EXPECT_EQ(err, "") << "a golden case must compile without diagnostics";
  for (const char* name : {"input.orm.hpp", "input.orm.cpp", "input.postgresql.sql", "input.sqlite.sql"}) {
    const std::string got = read(out_dir / name);
    if (blessing()) {
      write(case_dir / name, got);
      continue;
    }
    ASSERT_TRUE(fs::exists(case_dir / name)) << "missing " << (case_dir / name) << "; bless with ORMC_BLESS=1 ctest -R golden";
    const std::string want = read(case_dir / name);
    EXPECT_TRUE(want == got) << GetParam() << "/" << name << ": " << first_difference(want, got)
                             << "\nre-bless with: ORMC_BLESS=1 ctest --test-dir build -R golden";
  }
  fs::remove_all(out_dir);
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenOutput, ::testing::ValuesIn(cases(kGoldenDir)),
                         [](const auto& info) { return info.param; });

class GoldenDiagnostics : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenDiagnostics, PrintsExpectedStderr) {
  const fs::path case_dir = kGoldenDir / "errors" / GetParam();
  const fs::path out_dir = fs::temp_directory_path() / ("ormc_golden_err_" + std::to_string(::getpid()));
  std::string err;
  const int status = run_ormc(case_dir, out_dir, err);
  EXPECT_EQ(status, 1) << "schema errors exit with status 1";
  EXPECT_FALSE(fs::exists(out_dir / "input.orm.hpp")) << "nothing is written when there are errors";
  if (blessing()) {
    write(case_dir / "expected.stderr", err);
    return;
  }
  const std::string want = read(case_dir / "expected.stderr");
  EXPECT_EQ(want, err) << first_difference(want, err) << "\nre-bless with: ORMC_BLESS=1 ctest --test-dir build -R golden";
  fs::remove_all(out_dir);
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenDiagnostics, ::testing::ValuesIn(cases(kGoldenDir / "errors")),
                         [](const auto& info) { return info.param; });

class GoldenWarnings : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenWarnings, PrintsExpectedStderrAndStillWrites) {
  const fs::path case_dir = kGoldenDir / "warnings" / GetParam();
  const fs::path out_dir = fs::temp_directory_path() / ("ormc_golden_warn_" + std::to_string(::getpid()));
  fs::remove_all(out_dir);
  std::string err;
  const int status = run_ormc(case_dir, out_dir, err);
  EXPECT_EQ(status, 0) << "warnings alone do not fail the build";
  EXPECT_TRUE(fs::exists(out_dir / "input.orm.hpp")) << "a schema with only warnings is still generated";
  EXPECT_NE(err.find("warning:"), std::string::npos) << "a warnings/ case must warn";
  if (blessing()) {
    write(case_dir / "expected.stderr", err);
    return;
  }
  const std::string want = read(case_dir / "expected.stderr");
  EXPECT_EQ(want, err) << first_difference(want, err) << "\nre-bless with: ORMC_BLESS=1 ctest --test-dir build -R golden";
  fs::remove_all(out_dir);
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenWarnings, ::testing::ValuesIn(cases(kGoldenDir / "warnings")),
                         [](const auto& info) { return info.param; });

}  // namespace
