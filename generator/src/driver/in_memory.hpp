// Compiles schema text held in memory (parse + sema + render), reading and writing no files.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ormc::driver {

struct InMemoryOptions {
  bool ddl_postgresql = false;
  bool ddl_sqlite = false;
  /// Imported schemas by the path written in `import "..."` (the compiled text itself is
  /// importable by its own path); an import not found is reported as a missing file is.
  std::map<std::string, std::string> imports;
};

struct InMemoryFile {
  std::string name;
  std::string content;
};

struct InMemoryResult {
  int status = 0;                     ///< 0 ok, 1 schema errors (as `ormc --check` / `ormc`)
  std::string diagnostics;            ///< every diagnostic, formatted exactly as ormc prints them
  std::vector<std::string> errors;    ///< the message of each error alone (no location, no source line)
  std::vector<InMemoryFile> outputs;  ///< rendered with the built-in templates; empty on errors
};

/// Compiles the schema `text`, shown in diagnostics as `path`, with the built-in templates.
/// Exceptions escaping here are ormc bugs (the CLI reports them as internal errors).
InMemoryResult compile_in_memory(const std::string& path, const std::string& text,
                                 const InMemoryOptions& options = {});

}  // namespace ormc::driver
