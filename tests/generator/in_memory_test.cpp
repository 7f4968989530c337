// compile_in_memory (the fuzz target's entry point) gives exactly what the ormc CLI gives: the
// golden outputs byte for byte, the golden diagnostics, and imports served from a map.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "driver/in_memory.hpp"

namespace fs = std::filesystem;
using ormc::driver::compile_in_memory;
using ormc::driver::InMemoryOptions;

namespace {

const fs::path kGoldenDir = ORMC_GOLDEN_DIR;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> case_dirs(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir))
    if (fs::exists(entry.path() / "input.orm")) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

/// Every other .orm of a case folder, importable by its file name (as the golden cases do).
InMemoryOptions options_for(const fs::path& case_dir) {
  InMemoryOptions options;
  options.ddl_postgresql = true;
  options.ddl_sqlite = true;
  for (const auto& entry : fs::directory_iterator(case_dir))
    if (entry.path().extension() == ".orm" && entry.path().filename() != "input.orm")
      options.imports[entry.path().filename().string()] = read(entry.path());
  return options;
}

TEST(InMemory, EveryGoldenCaseGivesTheGoldenFiles) {
  const auto cases = case_dirs(kGoldenDir);
  ASSERT_GE(cases.size(), 10u);
  for (const fs::path& dir : cases) {
    const auto result = compile_in_memory("input.orm", read(dir / "input.orm"), options_for(dir));
    ASSERT_EQ(result.status, 0) << dir << "\n" << result.diagnostics;
    EXPECT_EQ(result.diagnostics, "") << dir;
    EXPECT_EQ(result.outputs.size(), 4u) << dir << ": header, source and two DDL files";
    for (const auto& file : result.outputs) {
      ASSERT_TRUE(fs::exists(dir / file.name)) << dir / file.name;
      EXPECT_TRUE(read(dir / file.name) == file.content) << dir / file.name << " differs from the golden file";
    }
  }
}

TEST(InMemory, EveryGoldenErrorGivesTheGoldenDiagnostics) {
  const auto cases = case_dirs(kGoldenDir / "errors");
  ASSERT_GE(cases.size(), 10u);
  for (const fs::path& dir : cases) {
    const auto result = compile_in_memory("input.orm", read(dir / "input.orm"), options_for(dir));
    EXPECT_EQ(result.status, 1) << dir;
    EXPECT_TRUE(result.outputs.empty()) << dir;
    EXPECT_FALSE(result.errors.empty()) << dir;
    EXPECT_EQ(result.diagnostics, read(dir / "expected.stderr")) << dir;
  }
}

TEST(InMemory, EveryGoldenWarningStillGenerates) {
  const auto cases = case_dirs(kGoldenDir / "warnings");
  ASSERT_GE(cases.size(), 1u);
  for (const fs::path& dir : cases) {
    const auto result = compile_in_memory("input.orm", read(dir / "input.orm"), options_for(dir));
    EXPECT_EQ(result.status, 0) << dir;
    EXPECT_TRUE(result.errors.empty()) << dir;
    EXPECT_FALSE(result.outputs.empty()) << dir;
    EXPECT_EQ(result.diagnostics, read(dir / "expected.stderr")) << dir;
  }
}

TEST(InMemory, ImportsComeFromTheMapOnly) {
  const std::string importer =
      "schema app;\nimport \"base.orm\";\nentity Child {\n    id: Integer primary_key;\n"
      "    parent_id: Integer foreign_key(Parent.id);\n}\n";
  InMemoryOptions options;
  options.imports["base.orm"] = "schema base;\nentity Parent {\n    id: Integer primary_key;\n}\n";
  const auto found = compile_in_memory("app.orm", importer, options);
  EXPECT_EQ(found.status, 0) << found.diagnostics;
  EXPECT_EQ(found.outputs.size(), 2u) << "no DDL unless asked for";

  const auto missing = compile_in_memory("app.orm", importer);
  EXPECT_EQ(missing.status, 1);
  ASSERT_EQ(missing.errors.size(), 1u) << missing.diagnostics;
  EXPECT_EQ(missing.errors[0], "cannot find import 'base.orm'");
  EXPECT_NE(missing.diagnostics.find("app.orm:2:8: error: cannot find import 'base.orm'"), std::string::npos)
      << missing.diagnostics;
}

TEST(InMemory, AFileImportingItselfIsACycle) {
  const std::string text = "schema app;\nimport \"app.orm\";\nentity A {\n    id: Integer primary_key;\n}\n";
  const auto result = compile_in_memory("app.orm", text);
  EXPECT_EQ(result.status, 1);
  ASSERT_EQ(result.errors.size(), 1u) << result.diagnostics;
  EXPECT_EQ(result.errors[0], "import cycle: app.orm -> app.orm");
  EXPECT_TRUE(result.outputs.empty());
}

}  // namespace
