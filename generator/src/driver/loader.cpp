// Loading schema files with their imports: path resolution, cycle detection, one analysis per file.
#include "driver/loader.hpp"

#include "driver/files.hpp"
#include "parse/parse.hpp"
#include "sema/sema.hpp"

namespace ormc::driver {
namespace {

std::filesystem::path canonical_key(const std::filesystem::path& p) {
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : c;
}

}  // namespace

std::optional<std::filesystem::path> Loader::resolve(const std::string& import,
                                                     const std::filesystem::path& importer_dir) const {
  std::error_code ec;
  const std::filesystem::path relative = importer_dir / import;
  if (std::filesystem::is_regular_file(relative, ec)) return relative;
  for (const auto& dir : import_dirs_) {
    const std::filesystem::path candidate = std::filesystem::path(dir) / import;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

std::shared_ptr<const model::Schema> Loader::load(const std::string& path, bool& unreadable) {
  std::vector<std::string> chain;
  unreadable = false;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    unreadable = true;
    std::string error = "no such file";
    if (std::filesystem::exists(path, ec)) error = "not a regular file";
    sink_.error({}, "cannot read '" + path + "': " + error);
    return nullptr;
  }
  Unit* unit = load_unit(path, canonical_key(path), nullptr, chain);
  if (!unit) {
    unreadable = true;
    return nullptr;
  }
  return unit->failed ? nullptr : unit->schema;
}

Loader::Unit* Loader::load_unit(const std::string& display_path, const std::filesystem::path& key,
                                const ast::Import* from, std::vector<std::string>& chain) {
  auto& slot = units_[key];
  if (slot) {
    if (slot->visiting) {
      // Report the cycle at the import that closes it, naming the whole chain.
      std::string cycle;
      for (const auto& c : chain) cycle += c + " -> ";
      cycle += display_path;
      if (from) sink_.error(from->where, "import cycle: " + cycle);
      return slot.get();
    }
    return slot.get();
  }
  std::string error;
  auto text = read_text_file(display_path, error);
  if (!text) {
    units_.erase(key);
    if (from) sink_.error(from->where, "cannot read import '" + from->path + "': " + error);
    else sink_.error({}, "cannot read '" + display_path + "': " + error);
    return nullptr;
  }
  slot = std::make_unique<Unit>();
  Unit* unit = slot.get();
  read_order_.push_back(display_path);
  unit->source = std::make_unique<diag::SourceFile>(display_path, std::move(*text));
  unit->visiting = true;
  const std::size_t errors_before = sink_.error_count();
  unit->ast = parse::parse_file(*unit->source, sink_);
  bool failed = sink_.error_count() != errors_before;

  std::vector<std::shared_ptr<const model::Schema>> imports;
  if (!failed) {
    chain.push_back(display_path);
    const std::filesystem::path dir = std::filesystem::path(display_path).parent_path();
    for (const ast::Import& imp : unit->ast.imports) {
      auto resolved = resolve(imp.path, dir);
      if (!resolved) {
        diag::Diagnostic& d = sink_.error(imp.where, "cannot find import '" + imp.path + "'");
        std::string searched = "searched: " + (dir.empty() ? std::string(".") : dir.string());
        for (const auto& d2 : import_dirs_) searched += ", " + d2;
        diag::Sink::note(d, {}, searched);
        failed = true;
        continue;
      }
      const std::filesystem::path import_key = canonical_key(*resolved);
      Unit* imported = load_unit(resolved->lexically_normal().string(), import_key, &imp, chain);
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
  unit->done = true;
  return unit;
}

std::vector<std::string> Loader::files_read() const { return read_order_; }

}  // namespace ormc::driver
