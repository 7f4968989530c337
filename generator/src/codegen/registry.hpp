// The template registry: which template renders which output, and where template text comes from.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ormc::codegen {

/// When a registered template produces an output file.
enum class Condition {
  Always,         ///< every run (header, source)
  DdlPostgresql,  ///< `--ddl postgresql`
  DdlSqlite,      ///< `--ddl sqlite`
  Partial,        ///< never on its own: included by other templates as {{> name}}
};

struct TemplateSpec {
  std::string_view name;        ///< also the file name: templates/<name>.mustache
  std::string_view applies_to;  ///< "schema" (once per .orm file) or "entity"/"table" (partials)
  Condition condition;
  std::string_view output;      ///< output file pattern; {stem} is the input's name without .orm
};

/// Every template ormc knows, in rendering order.
std::span<const TemplateSpec> registry();

/// Template text: built-in (embedded in the binary), or overridden by a file of the same name
/// in the `--templates` folder.
class TemplateSource {
 public:
  explicit TemplateSource(std::optional<std::filesystem::path> override_dir = std::nullopt);

  /// The text of template `name`. @throw std::runtime_error for an unknown name.
  [[nodiscard]] std::string text(std::string_view name) const;
  /// Files of the override folder that replace built-in templates (for depfiles).
  [[nodiscard]] std::vector<std::string> overriding_files() const;
  /// Override files whose names match no registered template (likely typos).
  [[nodiscard]] std::vector<std::string> unknown_overrides() const;

 private:
  std::optional<std::filesystem::path> override_dir_;
};

}  // namespace ormc::codegen
