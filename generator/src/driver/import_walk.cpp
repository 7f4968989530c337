// The import walk: parse a file, load its imports depth-first (each once), then analyse it against them.
#include "driver/import_walk.hpp"

#include "parse/parse.hpp"
#include "sema/sema.hpp"

namespace ormc::driver {

std::shared_ptr<const model::Schema> ImportWalk::load(const SchemaSource::Located& root, bool& unreadable) {
  std::vector<std::string> chain;
  const Unit* unit = load_unit(root, nullptr, chain);
  unreadable = unit == nullptr;
  return unit && !unit->failed ? unit->schema : nullptr;
}

ImportWalk::Unit* ImportWalk::load_unit(const SchemaSource::Located& file, const ast::Import* from,
                                        std::vector<std::string>& chain) {
  auto& slot = units_[file.key];
  if (slot) {
    if (slot->visiting && from) {
      // Report the cycle at the import that closes it, naming the whole chain.
      std::string cycle;
      for (const auto& c : chain) cycle += c + " -> ";
      sink_.error(from->where, "import cycle: " + cycle + file.display_path);
    }
    return slot.get();
  }
  std::string error;
  auto text = source_.read(file, error);
  if (!text) {
    units_.erase(file.key);  // a later import of it reports the failure again, at its own place
    if (from) sink_.error(from->where, "cannot read import '" + from->path + "': " + error);
    else sink_.error({}, "cannot read '" + file.display_path + "': " + error);
    return nullptr;
  }
  slot = std::make_unique<Unit>();
  Unit* unit = slot.get();
  read_order_.push_back(file.display_path);
  unit->source = std::make_unique<diag::SourceFile>(file.display_path, std::move(*text));
  unit->visiting = true;
  const std::size_t errors_before = sink_.error_count();
  unit->ast = parse::parse_file(*unit->source, sink_);
  bool failed = sink_.error_count() != errors_before;

  std::vector<std::shared_ptr<const model::Schema>> imports;
  if (!failed) {
    chain.push_back(file.display_path);
    for (const ast::Import& imp : unit->ast.imports) {
      std::string searched;
      const auto located = source_.locate(imp.path, file.display_path, searched);
      if (!located) {
        diag::Diagnostic& d = sink_.error(imp.where, "cannot find import '" + imp.path + "'");
        if (!searched.empty()) diag::Sink::note(d, {}, "searched: " + searched);
        failed = true;
        continue;
      }
      const Unit* imported = load_unit(*located, &imp, chain);
      if (!imported || imported->visiting || imported->failed || !imported->schema) {
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

}  // namespace ormc::driver
