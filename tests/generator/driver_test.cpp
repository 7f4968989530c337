// The compiler driver: command line, imports, cycles, write-if-changed, depfiles, --check.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "driver/cli.hpp"
#include "driver/compile.hpp"
#include "driver/files.hpp"

namespace fs = std::filesystem;
using ormc::driver::Options;

namespace {

class DriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ormc_driver_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "out");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void file(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }
  int run(Options options) {
    std::ostringstream out, err;
    const int status = ormc::driver::run(options, out, err);
    err_ = err.str();
    return status;
  }
  Options options_for(std::vector<std::string> inputs) {
    Options o;
    for (auto& i : inputs) o.inputs.push_back((dir_ / i).string());
    o.out_dir = (dir_ / "out").string();
    return o;
  }

  fs::path dir_;
  std::string err_;
};

const char* kParent = "schema shop;\nentity Customer {\n    id: Integer primary_key;\n    name: String;\n}\n";

TEST(CommandLine, ParsesEveryOption) {
  const char* argv[] = {"ormc", "-o", "gen", "-I", "a", "--import-path=b", "-Ic", "--ddl", "sqlite",
                        "--ddl=postgresql", "--check", "--depfile", "x.d", "--templates", "t", "in.orm"};
  std::ostringstream err;
  auto o = ormc::driver::parse_command_line(static_cast<int>(std::size(argv)), argv, err);
  ASSERT_TRUE(o) << err.str();
  EXPECT_EQ(o->out_dir, "gen");
  EXPECT_EQ(o->import_dirs, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(o->ddl_sqlite && o->ddl_postgresql && o->check_only);
  EXPECT_EQ(o->depfile, "x.d");
  EXPECT_EQ(o->templates_dir, "t");
  EXPECT_EQ(o->inputs, (std::vector<std::string>{"in.orm"}));
}

TEST(CommandLine, UsageErrorsAreReported) {
  for (std::vector<const char*> argv : {std::vector<const char*>{"ormc", "--bogus", "x.orm"},
                                        std::vector<const char*>{"ormc"},
                                        std::vector<const char*>{"ormc", "--ddl", "oracle", "x.orm"},
                                        std::vector<const char*>{"ormc", "x.orm", "-o"}}) {
    std::ostringstream err;
    EXPECT_FALSE(ormc::driver::parse_command_line(static_cast<int>(argv.size()), argv.data(), err));
    EXPECT_NE(err.str().find("ormc: error: "), std::string::npos) << err.str();
  }
}

TEST_F(DriverTest, WritesHeaderAndSourceAndLeavesUnchangedFilesAlone) {
  file("shop.orm", kParent);
  ASSERT_EQ(run(options_for({"shop.orm"})), 0) << err_;
  const fs::path header = dir_ / "out" / "shop.orm.hpp";
  ASSERT_TRUE(fs::exists(header));
  ASSERT_TRUE(fs::exists(dir_ / "out" / "shop.orm.cpp"));
  const auto before = fs::last_write_time(header);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(run(options_for({"shop.orm"})), 0) << err_;
  EXPECT_EQ(fs::last_write_time(header), before) << "an unchanged output is not rewritten";
}

TEST_F(DriverTest, CheckWritesNothing) {
  file("shop.orm", kParent);
  auto o = options_for({"shop.orm"});
  o.check_only = true;
  ASSERT_EQ(run(o), 0) << err_;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "shop.orm.hpp"));
}

TEST_F(DriverTest, ImportsResolveRelativelyThenThroughImportDirsAndLandInTheDepfile) {
  file("lib/shop.orm", kParent);
  file("app/orders.orm",
       "schema orders;\nimport \"shop.orm\";\nentity Order {\n    id: Integer primary_key;\n"
       "    customer_id: Integer foreign_key(Customer.id);\n}\n");
  auto o = options_for({"app/orders.orm"});
  o.import_dirs = {(dir_ / "lib").string()};
  o.depfile = (dir_ / "out" / "orders.d").string();
  ASSERT_EQ(run(o), 0) << err_;
  std::ifstream dep(*o.depfile);
  std::stringstream text;
  text << dep.rdbuf();
  EXPECT_NE(text.str().find("shop.orm"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("orders.orm.hpp"), std::string::npos) << text.str();
  std::ifstream header(dir_ / "out" / "orders.orm.hpp");
  std::stringstream h;
  h << header.rdbuf();
  EXPECT_NE(h.str().find("#include \"shop.orm.hpp\""), std::string::npos);
}

TEST_F(DriverTest, MissingImportIsAnErrorAtTheImport) {
  file("a.orm", "schema a;\nimport \"nowhere.orm\";\n");
  EXPECT_EQ(run(options_for({"a.orm"})), 1);
  EXPECT_NE(err_.find("a.orm:2:8: error: cannot find import 'nowhere.orm'"), std::string::npos) << err_;
}

TEST_F(DriverTest, ImportCyclesAreErrors) {
  file("a.orm", "schema a;\nimport \"b.orm\";\n");
  file("b.orm", "schema b;\nimport \"a.orm\";\n");
  EXPECT_EQ(run(options_for({"a.orm"})), 1);
  EXPECT_NE(err_.find("import cycle"), std::string::npos) << err_;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "a.orm.hpp"));
}

TEST_F(DriverTest, TemplatesCanBeOverriddenByName) {
  file("shop.orm", kParent);
  file("tpl/header.mustache", "// custom header for {{namespace}}\n");
  auto o = options_for({"shop.orm"});
  o.templates_dir = (dir_ / "tpl").string();
  ASSERT_EQ(run(o), 0) << err_;
  std::ifstream header(dir_ / "out" / "shop.orm.hpp");
  std::stringstream h;
  h << header.rdbuf();
  EXPECT_EQ(h.str(), "// custom header for shop\n");
}

}  // namespace
