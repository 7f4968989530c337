// Loads schema files and their imports from disk (relative to the importer, then -I), detecting cycles.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "diag/diagnostic.hpp"
#include "driver/import_walk.hpp"
#include "model/model.hpp"

namespace ormc::driver {

/// Files on disk: an import is looked up next to its importer, then in each -I directory; a file
/// is identified by its canonical path, so two spellings of one file are one unit.
class DiskSource final : public SchemaSource {
 public:
  explicit DiskSource(std::vector<std::string> import_dirs) : import_dirs_(std::move(import_dirs)) {}

  [[nodiscard]] std::optional<Located> locate(const std::string& import, const std::string& importer,
                                              std::string& searched) const override;
  [[nodiscard]] std::optional<std::string> read(const Located& file, std::string& error) override;
  /// `path` as given on the command line, keyed by its canonical path.
  [[nodiscard]] static Located input(const std::string& path);

 private:
  std::vector<std::string> import_dirs_;
};

class Loader {
 public:
  Loader(std::vector<std::string> import_dirs, diag::Sink& sink)
      : source_(std::move(import_dirs)), walk_(source_, sink), sink_(sink) {}

  /// Loads, parses and analyses `path` and everything it imports. Returns its model, or null
  /// when it (or an import) had errors. `unreadable` is set when the file itself can't be read.
  std::shared_ptr<const model::Schema> load(const std::string& path, bool& unreadable);

  /// Every file read so far (inputs and imports), for depfiles.
  [[nodiscard]] std::vector<std::string> files_read() const { return walk_.files_read(); }

 private:
  DiskSource source_;
  ImportWalk walk_;
  diag::Sink& sink_;
};

}  // namespace ormc::driver
