// The import walk shared by the file loader and the in-memory compiler: each file analysed once, imports first.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"
#include "model/model.hpp"

namespace ormc::driver {

/// Where the walk finds schema files: on disk (Loader) or in a map of texts (compile_in_memory).
class SchemaSource {
 public:
  struct Located {
    std::string display_path;  ///< the name diagnostics and import chains use
    std::string key;           ///< the file's identity: two imports of one key are one unit
  };

  virtual ~SchemaSource() = default;
  /// Finds `import`, written in the file shown as `importer`; nullopt when it is nowhere. `searched`
  /// may then name the places looked in (added to the error as a note when not empty).
  [[nodiscard]] virtual std::optional<Located> locate(const std::string& import, const std::string& importer,
                                                      std::string& searched) const = 0;
  /// The text of a located file; nullopt with `error` set when it can't be read.
  [[nodiscard]] virtual std::optional<std::string> read(const Located& file, std::string& error) = 0;
};

class ImportWalk {
 public:
  ImportWalk(SchemaSource& source, diag::Sink& sink) : source_(source), sink_(sink) {}

  /// Loads, parses and analyses `root` and everything it imports (units are kept across calls, so
  /// a file imported by several roots is analysed once). Returns its model, or null when it (or an
  /// import) had errors; `unreadable` is set when `root` itself couldn't be read.
  std::shared_ptr<const model::Schema> load(const SchemaSource::Located& root, bool& unreadable);

  /// Every file read so far, in reading order (inputs and imports), for depfiles.
  [[nodiscard]] const std::vector<std::string>& files_read() const noexcept { return read_order_; }

 private:
  struct Unit {
    std::unique_ptr<diag::SourceFile> source;
    ast::File ast;
    std::shared_ptr<const model::Schema> schema;
    bool visiting = false;
    bool failed = false;
  };

  Unit* load_unit(const SchemaSource::Located& file, const ast::Import* from, std::vector<std::string>& chain);

  SchemaSource& source_;
  diag::Sink& sink_;
  std::map<std::string, std::unique_ptr<Unit>> units_;
  std::vector<std::string> read_order_;
};

}  // namespace ormc::driver
