// Loads schema files and their imports (relative to the importer, then -I), detecting cycles.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"
#include "model/model.hpp"

namespace ormc::driver {

class Loader {
 public:
  Loader(std::vector<std::string> import_dirs, diag::Sink& sink) : import_dirs_(std::move(import_dirs)), sink_(sink) {}

  /// Loads, parses and analyses `path` and everything it imports. Returns its model, or null
  /// when it (or an import) had errors. `unreadable` is set when the file itself can't be read.
  std::shared_ptr<const model::Schema> load(const std::string& path, bool& unreadable);

  /// Every file read so far (inputs and imports), for depfiles.
  [[nodiscard]] std::vector<std::string> files_read() const;

 private:
  struct Unit {
    std::unique_ptr<diag::SourceFile> source;
    ast::File ast;
    std::shared_ptr<const model::Schema> schema;
    bool visiting = false;
    bool done = false;
    bool failed = false;
  };

  Unit* load_unit(const std::string& display_path, const std::filesystem::path& key_path,
                  const ast::Import* from, std::vector<std::string>& chain);
  std::optional<std::filesystem::path> resolve(const std::string& import, const std::filesystem::path& importer_dir) const;

  std::vector<std::string> import_dirs_;
  diag::Sink& sink_;
  std::map<std::filesystem::path, std::unique_ptr<Unit>> units_;
  std::vector<std::string> read_order_;
};

}  // namespace ormc::driver
