// Builds the Mustache view of a schema: every C++ spelling, metadata initializer and flag, precomputed.
#include "codegen/view.hpp"

#include <string>

#include "codegen/names.hpp"
#include "model/sql_types.hpp"

#ifndef ORMC_VERSION
#define ORMC_VERSION "0.0.0"
#endif
#ifndef ORMC_RUNTIME_ABI
#define ORMC_RUNTIME_ABI 1
#endif

namespace ormc::codegen {
namespace {

namespace mu = kainjow::mustache;
using namespace model;

const char* action_name(ForeignKeyAction a) {
  switch (a) {
    case ForeignKeyAction::Unspecified: return "Unspecified";
    case ForeignKeyAction::Cascade: return "Cascade";
    case ForeignKeyAction::SetNull: return "SetNull";
    case ForeignKeyAction::Restrict: return "Restrict";
    case ForeignKeyAction::NoAction: return "NoAction";
  }
  return "Unspecified";
}

const char* kind_name(RelationshipKind k) {
  switch (k) {
    case RelationshipKind::OneToMany: return "OneToMany";
    case RelationshipKind::ManyToOne: return "ManyToOne";
    case RelationshipKind::OneToOne: return "OneToOne";
    case RelationshipKind::ManyToMany: return "ManyToMany";
  }
  return "OneToMany";
}

const char* lazy_name(LoaderStrategy s) {
  switch (s) {
    case LoaderStrategy::Select: return "Select";
    case LoaderStrategy::Joined: return "Joined";
    case LoaderStrategy::Selectin: return "Selectin";
    case LoaderStrategy::Raise: return "Raise";
    case LoaderStrategy::Noload: return "Noload";
    case LoaderStrategy::Dynamic: return "Dynamic";
    case LoaderStrategy::WriteOnly: return "WriteOnly";
  }
  return "Select";
}

const char* passive_deletes_name(PassiveDeletes p) {
  switch (p) {
    case PassiveDeletes::False: return "False";
    case PassiveDeletes::True: return "True";
    case PassiveDeletes::All: return "All";
  }
  return "False";
}

const char* collection_name(CollectionClass c) {
  switch (c) {
    case CollectionClass::None: return "None";
    case CollectionClass::List: return "List";
    case CollectionClass::Set: return "Set";
    case CollectionClass::Map: return "Map";
  }
  return "None";
}

/// The DSL spelling of a loader strategy, for generated comments.
const char* lazy_option(LoaderStrategy l) {
  switch (l) {
    case LoaderStrategy::Select: return "select";
    case LoaderStrategy::Joined: return "joined";
    case LoaderStrategy::Selectin: return "selectin";
    case LoaderStrategy::Raise: return "raise";
    case LoaderStrategy::Noload: return "noload";
    case LoaderStrategy::Dynamic: return "dynamic";
    case LoaderStrategy::WriteOnly: return "write_only";
  }
  return "select";
}

/// When a loaded relationship of this strategy is read from the database, for generated comments.
const char* when_loaded(LoaderStrategy l) {
  switch (l) {
    case LoaderStrategy::Joined: return "loaded by a JOIN in its owner's SELECT";
    case LoaderStrategy::Selectin: return "loaded after its owner's query, one IN SELECT per 500 owners";
    case LoaderStrategy::Raise: return "never loaded on access: reading it unloaded throws";
    case LoaderStrategy::Noload: return "never loaded";
    case LoaderStrategy::Select:
    case LoaderStrategy::Dynamic:
    case LoaderStrategy::WriteOnly: break;
  }
  return "loaded on first access";
}

std::string cascade_expr(std::uint16_t cascade) {
  static constexpr std::pair<std::uint16_t, const char*> kFlags[] = {
      {CascadeSaveUpdate, "CascadeSaveUpdate"}, {CascadeMerge, "CascadeMerge"},
      {CascadeDelete, "CascadeDelete"},         {CascadeDeleteOrphan, "CascadeDeleteOrphan"},
      {CascadeExpunge, "CascadeExpunge"},       {CascadeRefreshExpire, "CascadeRefreshExpire"},
  };
  // Three flags per line, continuation aligned under the first (after `        .cascade = `).
  std::string out;
  int count = 0;
  for (const auto& [flag, name] : kFlags) {
    if (!(cascade & flag)) continue;
    if (count > 0) out += count % 3 == 0 ? " |\n                   " : " | ";
    ++count;
    out += "::ormc::";
    out += name;
  }
  return out.empty() ? "::ormc::CascadeNone" : out;
}

bool server_generated(const Column& c) { return c.autoincrement || c.server_default.has_value(); }

/// C++ initializer for a client-side default, e.g. `{5}` or `{::ormc::Decimal("1.50")}`.
std::string cpp_default(const Column& c) {
  if (!c.default_value) return "{}";
  const DefaultValue& d = *c.default_value;
  switch (d.kind) {
    case DefaultValue::Kind::String: return "{" + names::string_literal(d.text) + "}";
    case DefaultValue::Kind::Boolean: return "{" + d.text + "}";
    case DefaultValue::Kind::Now: return "{}";
    case DefaultValue::Kind::Integer:
    case DefaultValue::Kind::Float:
      if (c.type == ColumnType::Numeric) return "{::ormc::Decimal(" + names::string_literal(d.text) + ")}";
      return "{" + names::base_type(c.type) + "(" + d.text + ")}";
  }
  return "{}";
}

std::string table_var(const Table& t) { return names::member(t.dsl_name); }

// The position, not the attribute: `a_b`.`c` and `a`.`b_c` would both spell ormc_fk_a_b_c.
std::string fk_var(const Table& t, const Column& c) { return "ormc_fk_" + t.dsl_name + "_" + std::to_string(c.position); }

std::string column_info(const Table& t, const Column& c) {
  std::string s = ".attribute = " + names::string_literal(c.attribute) + ", .name = " + names::string_literal(c.sql_name) +
                  ", .type = " + names::runtime_type(c.type);
  if (c.length) s += ", .length = " + std::to_string(c.length);
  if (c.type == ColumnType::Numeric)
    s += ", .precision = " + std::to_string(c.precision) + ", .scale = " + std::to_string(c.scale);
  if (c.nullable) s += ", .nullable = true";
  if (c.primary_key) s += ", .primary_key = true";
  if (c.autoincrement) s += ", .autoincrement = true";
  if (c.unique) s += ", .unique = true";
  if (c.index) s += ", .index = true";
  if (c.server_default) {
    if (c.server_default->kind == DefaultValue::Kind::Now)
      s += ", .server_default = {::ormc::ServerDefault::Kind::Now, {}}";
    else
      s += ", .server_default = {::ormc::ServerDefault::Kind::Literal, " +
           names::string_literal(sql_literal(*c.server_default)) + "}";
  }
  if (c.foreign_key) s += ", .foreign_key = &" + fk_var(t, c);
  return s;
}

std::string positions(const std::vector<std::size_t>& v) {
  std::string out;
  for (std::size_t p : v) {
    if (!out.empty()) out += ", ";
    out += std::to_string(p);
  }
  return out;
}

mu::data table_view(const Table& t) {
  mu::data view;
  view.set("var", table_var(t));
  view.set("sql_name", names::string_literal(t.sql_name));
  mu::data columns{mu::data::type::list};
  mu::data fks{mu::data::type::list};
  for (const Column& c : t.columns) {
    mu::data col;
    col.set("column_info", column_info(t, c));
    columns.push_back(col);
    if (c.foreign_key) {
      mu::data fk;
      fk.set("var", fk_var(t, c));
      fk.set("init", ".table = " + names::string_literal(c.foreign_key->table->sql_name) +
                         ", .column = " + names::string_literal(c.foreign_key->column->sql_name) +
                         ", .ondelete = ::ormc::ForeignKeyAction::" + action_name(c.foreign_key->ondelete) +
                         ", .onupdate = ::ormc::ForeignKeyAction::" + action_name(c.foreign_key->onupdate) +
                         (c.foreign_key->composite == 0 ? std::string()
                                                        : ", .composite = " + std::to_string(c.foreign_key->composite)));
      fks.push_back(fk);
    }
  }
  view.set("columns", columns);
  view.set("foreign_keys", fks);
  mu::data indexes{mu::data::type::list};
  for (std::size_t i = 0; i < t.indexes.size(); ++i) {
    const Index& index = t.indexes[i];
    mu::data iv;
    iv.set("var", "ormc_index_" + t.dsl_name + "_" + std::to_string(i));
    iv.set("columns", positions(index.columns));
    iv.set("name", names::string_literal(index.name));
    iv.set("unique", index.unique ? "true" : "false");
    indexes.push_back(iv);
  }
  view.set("has_indexes", !t.indexes.empty());
  view.set("indexes", indexes);
  mu::data checks{mu::data::type::list};
  for (const auto& check : t.checks) checks.push_back(mu::data(names::string_literal(check)));
  view.set("has_checks", !t.checks.empty());
  view.set("checks", checks);
  return view;
}

std::string join_pairs(const std::vector<JoinPair>& pairs, const Table& local, const Table& remote) {
  std::string out;
  for (const JoinPair& p : pairs) {
    out += "    {" + names::string_literal(local.sql_name) + ", " + names::string_literal(p.local->sql_name) + ", " +
           names::string_literal(remote.sql_name) + ", " + names::string_literal(p.remote->sql_name) + "},\n";
  }
  return out;
}

std::string order_terms(const std::vector<OrderTerm>& terms) {
  std::string out;
  for (const OrderTerm& t : terms) {
    if (!out.empty()) out += ", ";
    out += "{" + std::to_string(t.column->position) + ", " + (t.descending ? "true" : "false") + "}";
  }
  return out;
}

/// Which schema declares `entity` (this one or an import), to spell its qualified name.
const Schema& owner_schema(const Schema& schema, const Entity& entity) {
  for (const auto& e : schema.entities)
    if (e.get() == &entity) return schema;
  for (const auto& imported : schema.imports) {
    const Schema& found = owner_schema(*imported, entity);
    for (const auto& e : found.entities)
      if (e.get() == &entity) return found;
  }
  return schema;
}

std::string table_ref(const Schema& schema, const Table& table) {
  // Tables are reachable as <namespace>::ormc_tables::<name> from any file that includes their header.
  for (const auto& imported : schema.imports) {
    for (const auto& t : imported->tables)
      if (t.get() == &table) return "&" + names::schema_scope(*imported) + "::ormc_tables::" + table_var(table);
    for (const auto& e : imported->entities)
      if (&e->table == &table) return "&" + names::schema_scope(*imported) + "::ormc_tables::" + table_var(table);
  }
  return "&" + names::file_namespace(schema.source_name) + "::ormc_tables::" + table_var(table);
}

mu::data relationship_view(const Schema& schema, const Entity& owner, const Relationship& r, std::size_t index) {
  mu::data view;
  const std::string prefix = "ormc_rel_" + owner.name + "_" + std::to_string(index);
  const Table& target_table = r.target->table;
  const Table& join_remote = r.secondary ? *r.secondary : target_table;
  view.set("primaryjoin_var", prefix + "_primaryjoin");
  view.set("primaryjoin", join_pairs(r.primaryjoin, owner.table, join_remote));
  view.set("has_secondaryjoin", !r.secondaryjoin.empty());
  view.set("secondaryjoin_var", prefix + "_secondaryjoin");
  view.set("secondaryjoin", r.secondary ? join_pairs(r.secondaryjoin, *r.secondary, target_table) : std::string());
  view.set("has_order_by", !r.order_by.empty());
  view.set("order_by_var", prefix + "_order_by");
  view.set("order_by", order_terms(r.order_by));

  // Fields at their runtime default are left out (except the ones that describe the pattern), so
  // each initializer shows what is particular about the relationship.
  view.set("name", names::string_literal(r.name));
  view.set("kind", kind_name(r.kind));
  view.set("target", names::qualified_class(owner_schema(schema, *r.target), *r.target));
  view.set("lazy", lazy_name(r.lazy));
  view.set("cascade", cascade_expr(r.cascade));
  view.set("passive_deletes", passive_deletes_name(r.passive_deletes));
  view.set("passive_updates", r.passive_updates ? "true" : "false");
  view.set("single_parent", r.single_parent);
  view.set("post_update", r.post_update);
  view.set("viewonly", r.viewonly);
  view.set("innerjoin", r.innerjoin);
  view.set("uselist", r.uselist ? "true" : "false");
  view.set("has_join_depth", r.join_depth != 0);
  view.set("join_depth", std::to_string(r.join_depth));
  view.set("collection", collection_name(r.collection));
  view.set("has_collection_key", r.collection_key != nullptr);
  view.set("collection_key_column", r.collection_key ? std::to_string(r.collection_key->position) : std::string());
  view.set("has_secondary", r.secondary != nullptr);
  view.set("secondary", r.secondary ? table_ref(schema, *r.secondary) : std::string());
  view.set("has_back_populates", !r.back_populates.empty());
  view.set("back_populates", names::string_literal(r.back_populates));
  return view;
}

mu::data entity_view(const Schema& schema, const Entity& e) {
  mu::data view;
  const std::string cls = names::class_name(e.name);
  view.set("class", cls);
  view.set("name", e.name);
  view.set("qualified_name", names::string_literal(names::cpp_namespace(schema.namespace_parts) + "::" + e.name));
  view.set("table_var", table_var(e.table));
  view.set("table_sql_name", e.table.sql_name);
  view.set("var", e.name);
  view.set("primary_key", positions(e.table.primary_key));
  view.set("eager_defaults", e.eager_defaults ? "true" : "false");
  view.set("has_order_by", !e.order_by.empty());
  view.set("order_by", order_terms(e.order_by));
  mu::data columns{mu::data::type::list};
  std::vector<std::string> attributes;
  for (const Column& c : e.table.columns) attributes.push_back(c.attribute);
  // Relationship members share the class's name space with columns: one collision-free naming.
  for (const Relationship& r : e.relationships) attributes.push_back(r.name);
  const std::vector<names::Accessors> accessors = names::accessors(attributes);
  for (const Column& c : e.table.columns) {
    mu::data col;
    const bool generated = server_generated(c);
    const names::Accessors& a = accessors[c.position];
    col.set("member", a.member);
    col.set("getter", a.getter);
    col.set("setter", a.setter);
    col.set("value_type", names::value_type(c));
    col.set("getter_type", names::getter_type(c));
    col.set("fields_type", generated && !c.nullable ? "std::optional<" + names::base_type(c.type) + ">" : names::value_type(c));
    col.set("fields_init", cpp_default(c));
    col.set("position", std::to_string(c.position));
    col.set("optional_in_fields", generated);
    col.set("fields_deref", generated && !c.nullable ? "*" : "");
    col.set("attribute", c.attribute);
    col.set("deferred", c.deferred);
    col.set("deferred_note", c.deferred_group.empty() ? std::string() : " (group " + names::string_literal(c.deferred_group) + ")");
    columns.push_back(col);
  }
  view.set("columns", columns);
  mu::data rels{mu::data::type::list};
  mu::data collections{mu::data::type::list};
  for (std::size_t i = 0; i < e.relationships.size(); ++i) {
    const Relationship& r = e.relationships[i];
    const names::Accessors& a = accessors[e.table.columns.size() + i];
    mu::data rv = relationship_view(schema, e, r, i);
    // Relationships whose runtime type exists get a member and accessors; the others carry
    // metadata only.
    const bool is_collection = r.kind == RelationshipKind::OneToMany || r.kind == RelationshipKind::ManyToMany;
    const bool write_only = is_collection && r.lazy == LoaderStrategy::WriteOnly;
    const bool dynamic = is_collection && r.lazy == LoaderStrategy::Dynamic;
    const bool loaded = is_collection && !write_only && !dynamic;
    const bool reference = r.kind == RelationshipKind::ManyToOne;
    const bool inverse = r.kind == RelationshipKind::OneToOne && r.lazy != LoaderStrategy::Dynamic &&
                         r.lazy != LoaderStrategy::WriteOnly;
    rv.set("state_accessor", write_only || dynamic || loaded || reference || inverse);
    rv.set("state_member", a.member);
    if (write_only || dynamic || loaded || reference || inverse) {
      mu::data cv;
      cv.set("name", r.name);
      cv.set("getter", a.getter);
      cv.set("setter", a.setter);
      cv.set("member", a.member);
      cv.set("index", std::to_string(i));
      const std::string target = names::qualified_class(owner_schema(schema, *r.target), *r.target);
      const std::string kind = r.kind == RelationshipKind::ManyToMany ? "many-to-many" : "one-to-many";
      cv.set("target", target);
      cv.set("is_reference", reference || inverse);
      if (write_only) {
        cv.set("type", "::ormc::WriteOnlyCollection<" + target + ">");
        cv.set("doc", kind + " write-only collection of " + r.target->name + " (never loaded; query it with select())");
      } else if (dynamic) {
        cv.set("type", "::ormc::DynamicCollection<" + target + ">");
        cv.set("doc", kind + " dynamic collection of " + r.target->name +
                          " (a query pre-filtered by this object: filter(), count(), slice(), append(), ...)");
      } else if (loaded && r.collection == CollectionClass::Map && r.collection_key != nullptr) {
        // The key's C++ type is the key attribute's own (std::optional<...> when it is nullable).
        cv.set("type", "::ormc::MapCollection<" + names::value_type(*r.collection_key) + ", " + target + ">");
        cv.set("doc", kind + " map of " + r.target->name + " keyed by " + r.target->name + "." +
                          r.collection_key->attribute + ", lazy = \"" + lazy_option(r.lazy) + "\" (" +
                          when_loaded(r.lazy) + "; at(), find(), add(), erase(), iteration of (key, object))");
      } else if (loaded && r.collection == CollectionClass::Set) {
        cv.set("type", "::ormc::SetCollection<" + target + ">");
        cv.set("doc", kind + " set of " + r.target->name + ", lazy = \"" + lazy_option(r.lazy) + "\" (" +
                          when_loaded(r.lazy) + "; add(), remove(), contains(), iteration)");
      } else if (loaded) {
        cv.set("type", "::ormc::Collection<" + target + ">");
        cv.set("doc", kind + " collection of " + r.target->name + ", lazy = \"" + lazy_option(r.lazy) + "\" (" +
                          when_loaded(r.lazy) + "; add(), remove(), assign(), iteration)");
      } else if (inverse) {
        cv.set("type", "::ormc::InverseReference<" + target + ">");
        cv.set("doc", "one-to-one reference to " + r.target->name + " (which holds the foreign key), lazy = \"" +
                          lazy_option(r.lazy) + "\" (" + when_loaded(r.lazy) + ")");
      } else {
        cv.set("type", "::ormc::Reference<" + target + ">");
        cv.set("doc", "many-to-one reference to " + r.target->name + ", lazy = \"" + lazy_option(r.lazy) + "\" (" +
                          when_loaded(r.lazy) +
                          (r.lazy == LoaderStrategy::Select ? "; no SQL when the target is in the identity map)" : ")"));
      }
      collections.push_back(cv);
    }
    rels.push_back(rv);
  }
  view.set("collections", collections);
  view.set("has_relationships", !e.relationships.empty());
  view.set("relationships", rels);
  return view;
}

}  // namespace

mu::data schema_view(const Schema& schema, const std::string& header_name) {
  mu::data view;
  view.set("version", std::string(ORMC_VERSION));
  view.set("abi", std::to_string(ORMC_RUNTIME_ABI));
  // Only the file name: generated files must not depend on where the build tree is.
  view.set("source_name", names::stem(schema.source_name) + ".orm");
  view.set("header_name", header_name);
  view.set("namespace", names::cpp_namespace(schema.namespace_parts));
  view.set("file_namespace", names::file_namespace(schema.source_name));
  mu::data imports{mu::data::type::list};
  for (const auto& imported : schema.imports) {
    mu::data iv;
    iv.set("header", names::stem(imported->source_name) + ".orm.hpp");
    imports.push_back(iv);
  }
  view.set("imports", imports);
  mu::data entities{mu::data::type::list};
  for (const auto& e : schema.entities) entities.push_back(entity_view(schema, *e));
  view.set("entities", entities);
  mu::data tables{mu::data::type::list};
  for (const auto& e : schema.entities) tables.push_back(table_view(e->table));
  for (const auto& t : schema.tables) tables.push_back(table_view(*t));
  view.set("tables", tables);
  view.set("table_count", std::to_string(schema.entities.size() + schema.tables.size()));
  view.set("entity_count", std::to_string(schema.entities.size()));
  return view;
}

}  // namespace ormc::codegen
