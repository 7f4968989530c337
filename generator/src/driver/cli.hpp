// Command-line parsing for ormc (SPEC §2); usage errors are reported, never thrown past main.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace ormc::driver {

struct Options {
  std::string out_dir = ".";
  std::vector<std::string> import_dirs;
  bool ddl_postgresql = false;
  bool ddl_sqlite = false;
  bool check_only = false;
  std::optional<std::string> depfile;
  std::optional<std::string> templates_dir;
  bool show_version = false;
  bool show_help = false;
  std::vector<std::string> inputs;
};

/// Parses argv; on a usage error prints `ormc: error: ...` to `err` and returns nullopt.
std::optional<Options> parse_command_line(int argc, const char* const* argv, std::ostream& err);

/// The --help text.
void print_help(std::ostream& out);

}  // namespace ormc::driver
