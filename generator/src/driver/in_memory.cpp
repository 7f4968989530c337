// The in-memory pipeline: the Loader's import walk (cycles included) over a map instead of files.
#include "driver/in_memory.hpp"

#include <memory>
#include <sstream>

#include "codegen/registry.hpp"
#include "codegen/render.hpp"
#include "diag/diagnostic.hpp"
#include "parse/parse.hpp"
#include "sema/sema.hpp"

namespace ormc::driver {
namespace {

class MemoryLoader {
 public:
  MemoryLoader(const std::map<std::string, std::string>& files, diag::Sink& sink) : files_(files), sink_(sink) {}

  /// Parses and analyses `path` (whose text is `text`) and its imports; null on any error.
  std::shared_ptr<const model::Schema> load(const std::string& path, const std::string& text) {
    root_path_ = &path;
    root_text_ = &text;
    std::vector<std::string> chain;
    Unit* unit = load_unit(path, text, nullptr, chain);
    return unit->failed ? nullptr : unit->schema;
  }

 private:
  struct Unit {
    std::unique_ptr<diag::SourceFile> source;
    ast::File ast;
    std::shared_ptr<const model::Schema> schema;
    bool visiting = false;
    bool failed = false;
  };

  Unit* load_unit(const std::string& path, const std::string& text, const ast::Import* from,
                  std::vector<std::string>& chain) {
    auto& slot = units_[path];
    if (slot) {
      if (slot->visiting && from) {
        std::string cycle;
        for (const auto& c : chain) cycle += c + " -> ";
        sink_.error(from->where, "import cycle: " + cycle + path);
      }
      return slot.get();
    }
    slot = std::make_unique<Unit>();
    Unit* unit = slot.get();
    unit->source = std::make_unique<diag::SourceFile>(path, text);
    unit->visiting = true;
    const std::size_t errors_before = sink_.error_count();
    unit->ast = parse::parse_file(*unit->source, sink_);
    bool failed = sink_.error_count() != errors_before;

    std::vector<std::shared_ptr<const model::Schema>> imports;
    if (!failed) {
      chain.push_back(path);
      for (const ast::Import& imp : unit->ast.imports) {
        const std::string* imported_text = text_of(imp.path);
        if (!imported_text) {
          sink_.error(imp.where, "cannot find import '" + imp.path + "'");
          failed = true;
          continue;
        }
        Unit* imported = load_unit(imp.path, *imported_text, &imp, chain);
        if (imported->visiting || imported->failed || !imported->schema) {
          failed = true;
          continue;
        }
        imports.push_back(imported->schema);
      }
      chain.pop_back();
    }
    if (!failed) {
      unit->schema = sema::analyze(unit->ast, imports, sink_);
      failed = unit->schema == nullptr;
    }
    unit->failed = failed;
    unit->visiting = false;
    return unit;
  }

  /// The compiled file itself is importable by its own path, as a file on disk would be.
  const std::string* text_of(const std::string& path) const {
    if (path == *root_path_) return root_text_;
    const auto found = files_.find(path);
    return found == files_.end() ? nullptr : &found->second;
  }

  const std::map<std::string, std::string>& files_;
  const std::string* root_path_ = nullptr;
  const std::string* root_text_ = nullptr;
  diag::Sink& sink_;
  std::map<std::string, std::unique_ptr<Unit>> units_;
};

}  // namespace

InMemoryResult compile_in_memory(const std::string& path, const std::string& text, const InMemoryOptions& options) {
  InMemoryResult result;
  diag::Sink sink;
  MemoryLoader loader(options.imports, sink);
  const std::shared_ptr<const model::Schema> schema = loader.load(path, text);
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
