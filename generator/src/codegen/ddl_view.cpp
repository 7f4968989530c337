// Builds the DDL view: the runtime's Dialect::create_table / create_indexes, split into pieces a template joins.
#include "codegen/ddl_view.hpp"

#include <algorithm>

namespace ormc::codegen {
namespace {

namespace mu = kainjow::mustache;
using namespace model;

const char* action_sql(ForeignKeyAction action) {
  switch (action) {
    case ForeignKeyAction::Cascade: return "CASCADE";
    case ForeignKeyAction::SetNull: return "SET NULL";
    case ForeignKeyAction::Restrict: return "RESTRICT";
    case ForeignKeyAction::NoAction: return "NO ACTION";
    case ForeignKeyAction::Unspecified: break;
  }
  return "";
}

/// The columns of the FOREIGN KEY constraint `c` belongs to, in table order: itself, or every
/// column of its composite group (as the runtime's Dialect groups them).
std::vector<const Column*> foreign_key_columns(const Table& t, const Column& c) {
  if (c.foreign_key->composite == 0) return {&c};
  std::vector<const Column*> out;
  for (const Column& other : t.columns)
    if (other.foreign_key && other.foreign_key->composite == c.foreign_key->composite) out.push_back(&other);
  return out;
}

/// Only the first column of a constraint creates it.
bool leads_foreign_key(const Table& t, const Column& c) { return foreign_key_columns(t, c).front() == &c; }

/// FOREIGN KEY clause pieces, shared by CREATE TABLE and ALTER TABLE ... ADD CONSTRAINT.
void set_foreign_key(mu::data& view, const Table& t, const Column& c) {
  std::string columns;
  std::string ref_columns;
  for (const Column* member : foreign_key_columns(t, c)) {
    columns += (columns.empty() ? "" : ", ") + quote_identifier(member->sql_name);
    ref_columns += (ref_columns.empty() ? "" : ", ") + quote_identifier(member->foreign_key->column->sql_name);
  }
  view.set("column", columns);
  view.set("ref_table", quote_identifier(c.foreign_key->table->sql_name));
  view.set("ref_column", ref_columns);
  // kainjow treats "" as true in a section, hence the flags.
  view.set("has_ondelete", c.foreign_key->ondelete != ForeignKeyAction::Unspecified);
  view.set("ondelete", action_sql(c.foreign_key->ondelete));
  view.set("has_onupdate", c.foreign_key->onupdate != ForeignKeyAction::Unspecified);
  view.set("onupdate", action_sql(c.foreign_key->onupdate));
}

/// One comma-separated element of CREATE TABLE; `sep` is ", " except before the first.
mu::data element(std::size_t& count, const char* kind) {
  mu::data e;
  e.set("sep", count++ == 0 ? "" : ", ");
  e.set(kind, true);
  return e;
}

mu::data table_view(const Table& t, const DdlPlan& plan, SqlDialect dialect) {
  const auto deferred = [&](const Column& c) {
    return std::any_of(plan.deferred.begin(), plan.deferred.end(),
                       [&](const DeferredForeignKey& d) { return d.table == &t && d.column == &c; });
  };
  const bool single_pk = t.primary_key.size() == 1;
  std::size_t count = 0;
  mu::data elements{mu::data::type::list};
  for (const Column& c : t.columns) {
    mu::data e = element(count, "is_column");
    const bool inline_pk = c.primary_key && single_pk;
    // serial / INTEGER PRIMARY KEY: the database fills the value and NOT NULL is implied.
    const bool generated = inline_pk && c.autoincrement;
    e.set("name", quote_identifier(c.sql_name));
    e.set("type", sql_type(c, dialect));
    e.set("not_null", !generated && (!c.nullable || c.primary_key));
    e.set("has_default", !generated && c.server_default.has_value());
    if (!generated && c.server_default) e.set("default", server_default_sql(c, dialect));
    e.set("primary_key", inline_pk);
    // unique + index becomes a unique index instead, as in SQLAlchemy.
    e.set("unique", !inline_pk && c.unique && !c.index);
    elements.push_back(e);
  }
  if (t.primary_key.size() > 1) {
    mu::data e = element(count, "is_primary_key");
    std::string columns;
    for (std::size_t p : t.primary_key) columns += (columns.empty() ? "" : ", ") + quote_identifier(t.columns[p].sql_name);
    e.set("columns", columns);
    elements.push_back(e);
  }
  for (const Column& c : t.columns) {
    if (!c.foreign_key || deferred(c) || !leads_foreign_key(t, c)) continue;
    mu::data e = element(count, "is_foreign_key");
    set_foreign_key(e, t, c);
    elements.push_back(e);
  }
  for (const std::string& check : t.checks) {
    mu::data e = element(count, "is_check");
    e.set("sql", check);
    elements.push_back(e);
  }
  mu::data view;
  view.set("name", quote_identifier(t.sql_name));
  view.set("elements", elements);
  return view;
}

mu::data index_view(const Table& t, const std::string& name, bool unique, const std::vector<std::string_view>& columns) {
  mu::data view;
  view.set("name", quote_identifier(name));
  view.set("table", quote_identifier(t.sql_name));
  view.set("unique", unique);
  std::string list;
  for (std::string_view c : columns) list += (list.empty() ? "" : ", ") + quote_identifier(c);
  view.set("columns", list);
  return view;
}

}  // namespace

mu::data ddl_view(const Schema& schema, SqlDialect dialect) {
  const DdlPlan plan = ddl_plan(schema, dialect);
  mu::data tables{mu::data::type::list};
  for (const Table* t : plan.order) tables.push_back(table_view(*t, plan, dialect));

  mu::data deferred{mu::data::type::list};
  for (const DeferredForeignKey& d : plan.deferred) {
    // A composite foreign key is deferred column by column (they share a parent) but added once.
    if (!leads_foreign_key(*d.table, *d.column)) continue;
    std::vector<std::string_view> names;
    for (const Column* member : foreign_key_columns(*d.table, *d.column)) names.push_back(member->sql_name);
    mu::data view;
    view.set("table", quote_identifier(d.table->sql_name));
    view.set("name", quote_identifier(generated_constraint_name("fk", d.table->sql_name, names)));
    set_foreign_key(view, *d.table, *d.column);
    deferred.push_back(view);
  }

  mu::data indexes{mu::data::type::list};
  for (const Table* t : plan.order) {
    for (const Column& c : t->columns)
      if (c.index) indexes.push_back(index_view(*t, generated_constraint_name("ix", t->sql_name, {c.sql_name}), c.unique, {c.sql_name}));
    for (const Index& index : t->indexes) {
      std::vector<std::string_view> columns;
      for (std::size_t p : index.columns) columns.push_back(t->columns[p].sql_name);
      const std::string name =
          index.name.empty() ? generated_constraint_name(index.unique ? "uq" : "ix", t->sql_name, columns) : index.name;
      indexes.push_back(index_view(*t, name, index.unique, columns));
    }
  }

  mu::data view;
  view.set("tables", tables);
  view.set("deferred_foreign_keys", deferred);
  view.set("indexes", indexes);
  return view;
}

}  // namespace ormc::codegen
