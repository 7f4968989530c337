// The in-memory pipeline: the import walk (cycles included) over a map of texts instead of files.
#include "driver/in_memory.hpp"

#include <memory>
#include <sstream>

#include "codegen/registry.hpp"
#include "codegen/render.hpp"
#include "diag/diagnostic.hpp"
#include "driver/import_walk.hpp"

namespace ormc::driver {
namespace {

/// The files of a compile_in_memory() call: the compiled text under its own path (importable by
/// it, as a file on disk would be) and the map of importable texts, each keyed by its exact name.
class MemorySource final : public SchemaSource {
 public:
  MemorySource(const std::string& root_path, const std::string& root_text,
               const std::map<std::string, std::string>& files)
      : root_path_(root_path), root_text_(root_text), files_(files) {}

  [[nodiscard]] std::optional<Located> locate(const std::string& import, const std::string&,
                                              std::string&) const override {
    if (!text_of(import)) return std::nullopt;
    return Located{import, import};
  }
  [[nodiscard]] std::optional<std::string> read(const Located& file, std::string& error) override {
    if (const std::string* text = text_of(file.key)) return *text;
    error = "no such file";
    return std::nullopt;
  }

 private:
  [[nodiscard]] const std::string* text_of(const std::string& path) const {
    if (path == root_path_) return &root_text_;
    const auto found = files_.find(path);
    return found == files_.end() ? nullptr : &found->second;
  }

  const std::string& root_path_;
  const std::string& root_text_;
  const std::map<std::string, std::string>& files_;
};

}  // namespace

InMemoryResult compile_in_memory(const std::string& path, const std::string& text, const InMemoryOptions& options) {
  InMemoryResult result;
  diag::Sink sink;
  MemorySource source(path, text, options.imports);
  ImportWalk walk(source, sink);
  bool unreadable = false;
  const std::shared_ptr<const model::Schema> schema = walk.load({path, path}, unreadable);
  if (sink.error_count() == 0 && schema) {
    const codegen::TemplateSource templates;
    const codegen::RenderOptions render_options{.ddl_postgresql = options.ddl_postgresql,
                                                .ddl_sqlite = options.ddl_sqlite};
    for (auto& file : codegen::render(*schema, templates, render_options))
      result.outputs.push_back(InMemoryFile{std::move(file.name), std::move(file.content)});
  }
  std::ostringstream printed;
  sink.print(printed);
  result.diagnostics = printed.str();
  for (const diag::Diagnostic& d : sink.all())
    if (d.severity == diag::Severity::Error) result.errors.push_back(d.message);
  result.status = sink.error_count() > 0 ? 1 : 0;
  return result;
}

}  // namespace ormc::driver
