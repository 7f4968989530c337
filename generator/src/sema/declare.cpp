// The declare pass: the schema namespace, every visible name, and one model object per declaration.
#include <algorithm>
#include <set>

#include "sema/passes.hpp"

namespace ormc::sema::detail {

namespace {

/// Where a clash with imported name `name` is reported: the import that brought it in when
/// the driver passed one analysed schema per `import` line, else the top of the file.
Location import_location(const Context& ctx, std::size_t import_index) {
  if (ctx.imports.size() == ctx.file.imports.size()) return ctx.file.imports[import_index].where;
  return Location{ctx.file.source, 1, 1, 1};
}

void declare_imported(Context& ctx, std::size_t import_index, const std::string& name, Location where,
                      const model::Table* table, const model::Entity* entity) {
  if (Decl* existing = ctx.find(name)) {
    if (existing->view == table) return;  // the same file imported twice
    diag::Diagnostic& e = ctx.sink.error(import_location(ctx, import_index),
                                         "imported name " + q(name) + " is declared by two imported files");
    diag::Sink::note(e, existing->where, "one is here");
    diag::Sink::note(e, where, "the other is here");
    return;
  }
  auto decl = std::make_unique<Decl>();
  decl->name = name;
  decl->where = where;
  decl->view = table;
  decl->view_entity = entity;
  ctx.by_name.emplace(name, decl.get());
  ctx.decls.push_back(std::move(decl));
}

void declare_local(Context& ctx, const ast::Entity& node) {
  const std::string& name = node.name.text;
  auto decl = std::make_unique<Decl>();
  decl->name = name;
  decl->where = node.name.where;
  decl->table_name_where = node.name.where;
  decl->ast = &node;
  if (node.is_table) {
    auto table = std::make_unique<model::Table>();
    table->dsl_name = name;
    table->sql_name = name;
    table->where = node.name.where;
    decl->table = table.get();
    ctx.schema.tables.push_back(std::move(table));
  } else {
    auto entity = std::make_unique<model::Entity>();
    entity->name = name;
    entity->where = node.name.where;
    entity->table.dsl_name = name;
    entity->table.sql_name = snake_case(name);
    entity->table.entity = entity.get();
    entity->table.where = node.name.where;
    decl->entity = entity.get();
    decl->table = &entity->table;
    decl->view_entity = entity.get();
    ctx.schema.entities.push_back(std::move(entity));
  }
  decl->view = decl->table;

  if (column_type(name)) {
    // `x: Integer` would be ambiguous.
    ctx.sink.error(node.name.where,
                   q(name) + " is a column type and can't be the name of " + (node.is_table ? "a table" : "an entity"));
  } else if (Decl* existing = ctx.find(name)) {
    diag::Diagnostic& e = ctx.sink.error(node.name.where, "duplicate declaration of " + q(name));
    diag::Sink::note(
        e, existing->where,
        existing->local() ? "previous declaration is here" : "previously declared in an imported file here");
  } else if (!name.empty()) {
    ctx.by_name.emplace(name, decl.get());
  }
  // A duplicate is still analysed (its own errors matter) but can't be referred to by name.
  ctx.decls.push_back(std::move(decl));
}

void collect_tables(const model::Schema& schema, std::set<const model::Schema*>& seen,
                    std::vector<const model::Table*>& out) {
  if (!seen.insert(&schema).second) return;
  for (const auto& e : schema.entities) out.push_back(&e->table);
  for (const auto& t : schema.tables) out.push_back(t.get());
  for (const auto& i : schema.imports) {
    if (i) collect_tables(*i, seen, out);
  }
}

std::string describe_table(const model::Table& t) {
  return (t.entity != nullptr ? "entity " : "table ") + q(t.dsl_name);
}

}  // namespace

void declare(Context& ctx) {
  ctx.schema.source_name = ctx.file.source != nullptr ? ctx.file.source->path() : std::string();
  if (ctx.file.schema) {
    for (const ast::Ident& part : *ctx.file.schema) ctx.schema.namespace_parts.push_back(part.text);
  } else {
    diag::Diagnostic& e = ctx.sink.error(Location{ctx.file.source, 1, 1, 1}, "missing 'schema' declaration");
    diag::Sink::note(e, Location{}, "every .orm file starts with 'schema name;' (the C++ namespace of its code)");
  }

  ctx.schema.imports.assign(ctx.imports.begin(), ctx.imports.end());
  for (std::size_t i = 0; i < ctx.imports.size(); ++i) {
    if (!ctx.imports[i]) continue;
    for (const auto& e : ctx.imports[i]->entities) declare_imported(ctx, i, e->name, e->where, &e->table, e.get());
    for (const auto& t : ctx.imports[i]->tables) declare_imported(ctx, i, t->dsl_name, t->where, t.get(), nullptr);
  }
  for (const ast::Entity& node : ctx.file.entities) declare_local(ctx, node);
}

void check_table_names(Context& ctx) {
  std::vector<const model::Table*> seen;
  std::set<const model::Schema*> visited;
  for (const auto& i : ctx.imports) {
    if (i) collect_tables(*i, visited, seen);
  }
  for (const auto& decl : ctx.decls) {
    // A duplicate declaration was reported as such; its table name would only repeat it.
    if (!decl->local() || ctx.find(decl->name) != decl.get()) continue;
    const model::Table& table = *decl->table;
    // SQLite compares table names without regard to case, even quoted ones.
    const auto clash = std::find_if(seen.begin(), seen.end(),
                                    [&](const model::Table* t) { return iequals(t->sql_name, table.sql_name); });
    if (clash != seen.end()) {
      diag::Diagnostic& e =
          ctx.sink.error(decl->table_name_where, "SQL table name " + q(table.sql_name) + " of " + decl->describe() +
                                                     " is already used by " + describe_table(**clash));
      diag::Sink::note(e, (*clash)->where, describe_table(**clash) + " is declared here");
      continue;
    }
    seen.push_back(&table);
  }
}

}  // namespace ormc::sema::detail
