// Command-line parsing for ormc.
#include "driver/cli.hpp"

#include <ostream>
#include <string_view>

namespace ormc::driver {

void print_help(std::ostream& out) {
  out << "usage: ormc [options] FILE.orm...\n"
         "\n"
         "Compiles ormc schema files into C++ mapping classes: FILE.orm.hpp and FILE.orm.cpp.\n"
         "\n"
         "options:\n"
         "  -o, --out DIR          where to write generated files (default .)\n"
         "  -I, --import-path DIR  where imports are looked up (repeatable)\n"
         "  --ddl DIALECT          also write FILE.<dialect>.sql (postgresql | sqlite; repeatable)\n"
         "  --check                check only, write nothing\n"
         "  --depfile FILE         write a make-style depfile (for Ninja/Make DEPFILE)\n"
         "  --templates DIR        override built-in templates by name (DIR/<name>.mustache)\n"
         "  --version              print the version and exit\n"
         "  -h, --help             print this help and exit\n"
         "\n"
         "exit status: 0 success, 1 errors in a schema, 2 usage error\n";
}

std::optional<Options> parse_command_line(int argc, const char* const* argv, std::ostream& err) {
  Options options;
  auto usage_error = [&](const std::string& message) -> std::optional<Options> {
    err << "ormc: error: " << message << "\n(run 'ormc --help' for usage)\n";
    return std::nullopt;
  };
  bool only_files = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (only_files || arg.empty() || arg[0] != '-' || arg == "-") {
      options.inputs.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      only_files = true;
      continue;
    }
    // Options taking a value accept `--opt VALUE`, `--opt=VALUE` and, for short ones, `-oVALUE`.
    auto value_of = [&](std::string_view long_name, std::string_view short_name,
                        std::optional<std::string>& out) -> bool {
      if (arg == long_name || (!short_name.empty() && arg == short_name)) {
        if (i + 1 >= argc) {
          out = std::nullopt;
          usage_error("option '" + std::string(arg) + "' needs a value");
          return true;
        }
        out = argv[++i];
        return true;
      }
      if (arg.size() > long_name.size() && arg.substr(0, long_name.size()) == long_name &&
          arg[long_name.size()] == '=') {
        out = std::string(arg.substr(long_name.size() + 1));
        return true;
      }
      if (!short_name.empty() && arg.size() > short_name.size() && arg.substr(0, short_name.size()) == short_name) {
        out = std::string(arg.substr(short_name.size()));
        return true;
      }
      return false;
    };
    std::optional<std::string> value;
    if (value_of("--out", "-o", value)) {
      if (!value) return std::nullopt;
      options.out_dir = *value;
    } else if (value_of("--import-path", "-I", value)) {
      if (!value) return std::nullopt;
      options.import_dirs.push_back(*value);
    } else if (value_of("--ddl", "", value)) {
      if (!value) return std::nullopt;
      if (*value == "postgresql") options.ddl_postgresql = true;
      else if (*value == "sqlite") options.ddl_sqlite = true;
      else return usage_error("unknown --ddl dialect '" + *value + "' (expected postgresql or sqlite)");
    } else if (value_of("--depfile", "", value)) {
      if (!value) return std::nullopt;
      options.depfile = *value;
    } else if (value_of("--templates", "", value)) {
      if (!value) return std::nullopt;
      options.templates_dir = *value;
    } else if (arg == "--check") {
      options.check_only = true;
    } else if (arg == "--version") {
      options.show_version = true;
    } else if (arg == "--help" || arg == "-h") {
      options.show_help = true;
    } else {
      return usage_error("unknown option '" + std::string(arg) + "'");
    }
  }
  if (!options.show_help && !options.show_version && options.inputs.empty())
    return usage_error("no input files");
  return options;
}

}  // namespace ormc::driver
