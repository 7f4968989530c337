// The columns pass: each member becomes a column (type, modifiers) or a pending relationship.
#include <array>
#include <map>

#include "sema/passes.hpp"

namespace ormc::sema::detail {

namespace {

constexpr std::array<const char*, 9> kColumnModifiers = {
    "primary_key", "autoincrement", "unique", "index", "column", "default", "server_default", "foreign_key", "deferred",
};
constexpr std::array<const char*, 1> kRelationshipModifiers = {"relationship"};
constexpr std::array<const char*, 2> kForeignKeyArguments = {"ondelete", "onupdate"};
constexpr std::array<const char*, 1> kDeferredArguments = {"group"};
/// PostgreSQL's limit for varchar(n).
constexpr std::int64_t kMaxStringLength = 10485760;
constexpr std::int64_t kMaxNumericPrecision = 1000;

constexpr model::ColumnType kAllColumnTypes[] = {
    model::ColumnType::SmallInteger, model::ColumnType::Integer,  model::ColumnType::BigInteger,
    model::ColumnType::Boolean,      model::ColumnType::Float,    model::ColumnType::Double,
    model::ColumnType::Numeric,      model::ColumnType::String,   model::ColumnType::Text,
    model::ColumnType::Date,         model::ColumnType::DateTime, model::ColumnType::Uuid,
    model::ColumnType::LargeBinary,
};

std::vector<Candidate> type_candidates(const Context& ctx) {
  std::vector<Candidate> out;
  for (model::ColumnType t : kAllColumnTypes) out.push_back(Candidate{model::type_name(t), {}});
  for (Candidate& c : decl_candidates(ctx, false)) out.push_back(std::move(c));
  return out;
}

bool is_column_modifier(const std::string& name) {
  for (const char* m : kColumnModifiers) {
    if (name == m) return true;
  }
  return false;
}

/// `String(n)`, `Numeric(p, s)`; other types take no arguments.
void type_arguments(Context& ctx, const ast::TypeRef& type, model::Column& column) {
  const std::string& name = type.name.text;
  if (column.type == model::ColumnType::String) {
    if (!type.has_args) return;
    const auto args = check_arguments(ctx, type.args, 1, {}, name);
    if (args.empty()) {
      ctx.sink.error(type.name.where, "expected a length: String(n)");
      return;
    }
    const auto n = expect_integer(ctx, args[0]->value, "the length of 'String'");
    if (!n) return;
    if (*n <= 0 || *n > kMaxStringLength) {
      ctx.sink.error(args[0]->value.where, "string length must be between 1 and " + std::to_string(kMaxStringLength) +
                                               ", got " + std::to_string(*n));
      return;
    }
    column.length = static_cast<std::uint32_t>(*n);
    return;
  }
  if (column.type == model::ColumnType::Numeric) {
    const auto args = type.has_args ? check_arguments(ctx, type.args, 2, {}, name) : std::vector<const ast::Arg*>{};
    if (args.size() < 2) {
      ctx.sink.error(args.empty() ? type.name.where : args.back()->where,
                     "'Numeric' needs a precision and a scale: Numeric(p, s)");
      return;
    }
    const auto p = expect_integer(ctx, args[0]->value, "the precision of 'Numeric'");
    const auto s = expect_integer(ctx, args[1]->value, "the scale of 'Numeric'");
    if (!p || !s) return;
    if (*p < 1 || *p > kMaxNumericPrecision) {
      ctx.sink.error(args[0]->value.where, "numeric precision must be between 1 and 1000, got " + std::to_string(*p));
      return;
    }
    if (*s < 0 || *s > *p) {
      ctx.sink.error(args[1]->value.where, "numeric scale must be between 0 and the precision (" + std::to_string(*p) +
                                               "), got " + std::to_string(*s));
      return;
    }
    column.precision = static_cast<std::uint16_t>(*p);
    column.scale = static_cast<std::uint16_t>(*s);
    return;
  }
  if (type.has_args) check_arguments(ctx, type.args, 0, {}, name);
}

/// Where a column's modifiers put things that later checks point at.
struct ColumnNotes {
  Location primary_key;
  Location deferred;
  Location sql_name;  ///< the `column("...")` value, else the member name
};

/// Applies one column modifier to `column`.
void apply_modifier(Context& ctx, Decl& decl, const ast::Modifier& m, model::Column& column, ColumnNotes& notes) {
  const std::string& name = m.name.text;
  if (name == "primary_key" || name == "unique" || name == "index") {
    check_arguments(ctx, m.args, 0, {}, name);
    if (name == "primary_key") {
      column.primary_key = true;
      notes.primary_key = m.name.where;
    } else if (name == "unique") {
      column.unique = true;
    } else {
      column.index = true;
    }
  } else if (name == "autoincrement") {
    const auto args = check_arguments(ctx, m.args, 1, {}, name);
    bool value = true;  // bare `autoincrement` asks for it
    if (!args.empty()) {
      const auto b = expect_bool(ctx, args[0]->value, "'autoincrement'");
      if (!b) return;
      value = *b;
    }
    decl.autoincrement.push_back(ExplicitAutoincrement{column.position, value, m.name.where});
  } else if (name == "column") {
    const auto args = check_arguments(ctx, m.args, 1, {}, name);
    if (args.empty()) {
      ctx.sink.error(m.name.where, "expected the SQL column name: column(\"name\")");
      return;
    }
    const auto text = expect_string(ctx, args[0]->value, "'column'");
    if (!text) return;
    if (text->empty()) {
      ctx.sink.error(args[0]->value.where, "the SQL column name can't be empty");
      return;
    }
    column.sql_name = *text;
    notes.sql_name = args[0]->value.where;
  } else if (name == "default" || name == "server_default") {
    const auto args = check_arguments(ctx, m.args, 1, {}, name);
    if (args.empty()) {
      ctx.sink.error(m.name.where, "expected a value: " + name + "(value)");
      return;
    }
    auto value = check_default(ctx, args[0]->value, column, name == "server_default");
    if (!value) return;
    (name == "default" ? column.default_value : column.server_default) = std::move(value);
  } else if (name == "foreign_key") {
    const auto args = check_arguments(ctx, m.args, 1, kForeignKeyArguments, name);
    if (args.empty()) {
      ctx.sink.error(m.name.where, "expected the referenced column: foreign_key(Entity.attr)");
      decl.bad_foreign_key = true;
      return;
    }
    decl.foreign_keys.push_back(PendingForeignKey{column.position, &m});
  } else if (name == "deferred") {
    check_arguments(ctx, m.args, 0, kDeferredArguments, name);
    column.deferred = true;
    notes.deferred = m.name.where;
    if (const ast::Arg* group = named_argument(m.args, "group")) {
      const auto text = expect_string(ctx, group->value, "the deferred group");
      if (text && text->empty()) ctx.sink.error(group->value.where, "the deferred group name can't be empty");
      if (text) column.deferred_group = *text;
    }
  } else if (name == "relationship") {
    ctx.sink.error(m.name.where, "'relationship' applies to members whose type is an entity; " + q(column.attribute) +
                                     " is a column of type " + q(model::type_name(column.type)));
  } else if (!name.empty()) {
    diag::Diagnostic& e = ctx.sink.error(m.name.where, "unknown column modifier " + q(name));
    suggest(e, name, names(kColumnModifiers));
  }
}

void add_column(Context& ctx, Decl& decl, const ast::Member& member, model::ColumnType type,
                std::vector<Location>& sql_name_where) {
  model::Column column;
  column.attribute = member.name.text;
  column.sql_name = member.name.text;
  column.type = type;
  column.nullable = member.type.nullable;
  column.position = decl.table->columns.size();
  column.where = member.name.where;
  type_arguments(ctx, member.type, column);
  if (member.type.collection) {
    ctx.sink.error(member.type.where, "a column can't be a collection; '[]' applies to entity types");
  }

  ColumnNotes notes;
  notes.sql_name = member.name.where;
  std::map<std::string, Location> seen;
  for (const ast::Modifier& m : member.modifiers) {
    if (const auto [it, inserted] = seen.emplace(m.name.text, m.name.where); !inserted) {
      diag::Diagnostic& e = ctx.sink.error(m.name.where, "duplicate modifier " + q(m.name.text));
      diag::Sink::note(e, it->second, "first given here");
      continue;
    }
    apply_modifier(ctx, decl, m, column, notes);
  }
  if (column.primary_key && column.nullable) {
    diag::Diagnostic& e =
        ctx.sink.error(notes.primary_key, "primary key column " + q(column.attribute) + " can't be nullable");
    diag::Sink::note(e, member.type.where, "remove the '?' from its type");
  }
  if (column.primary_key && column.deferred) {
    ctx.sink.error(notes.deferred, "primary key column " + q(column.attribute) + " can't be deferred");
  }
  decl.table->columns.push_back(std::move(column));
  sql_name_where.push_back(notes.sql_name);
}

/// A member whose type names an entity: checked for shape here, resolved in relationships.cpp.
void add_relationship(Context& ctx, Decl& decl, const ast::Member& member, Decl& target) {
  const ast::TypeRef& type = member.type;
  if (!decl.is_entity()) {
    ctx.sink.error(type.name.where, "a table can only have columns; " + q(type.name.text) + " is an entity (declare " +
                                        q(decl.name) + " as an entity to relate it)");
    return;
  }
  if (!target.is_entity()) {
    diag::Diagnostic& e = ctx.sink.error(type.name.where, q(type.name.text) +
                                                              " is a table, not an entity; a relationship's type "
                                                              "must be an entity");
    diag::Sink::note(e, Location{}, "to join through it, use 'relationship(secondary = " + type.name.text + ")'");
    return;
  }
  if (type.has_args) {
    ctx.sink.error(type.name.where, q(type.name.text) + " is an entity; only column types take arguments");
  }
  if (type.nullable && type.collection) {
    ctx.sink.error(type.where, "a collection can't be nullable; remove the '?'");
  }
  std::map<std::string, Location> seen;
  for (const ast::Modifier& m : member.modifiers) {
    const std::string& name = m.name.text;
    if (name == "relationship") {
      if (const auto [it, inserted] = seen.emplace(name, m.name.where); !inserted) {
        diag::Diagnostic& e = ctx.sink.error(m.name.where, "duplicate modifier 'relationship'");
        diag::Sink::note(e, it->second, "first given here");
      }
    } else if (is_column_modifier(name)) {
      ctx.sink.error(m.name.where, q(name) + " is a column modifier, but " + q(member.name.text) +
                                       " is a relationship to entity " + q(target.name));
    } else if (!name.empty()) {
      diag::Diagnostic& e =
          ctx.sink.error(m.name.where, "unknown modifier " + q(name) + " of relationship " + q(member.name.text));
      suggest(e, name, names(kRelationshipModifiers));
    }
  }
  decl.relationship_members.emplace_back(&member, &target);
}

void build_members(Context& ctx, Decl& decl) {
  std::map<std::string, Location> members;
  std::vector<Location> sql_name_where;
  for (const ast::Member& member : decl.ast->members) {
    const std::string& name = member.name.text;
    const std::string& type = member.type.name.text;
    if (name.empty() || type.empty()) {  // recovered from a syntax error, already reported
      decl.lost_member = true;
      continue;
    }
    if (const auto [it, inserted] = members.emplace(name, member.name.where); !inserted) {
      diag::Diagnostic& e = ctx.sink.error(member.name.where, "duplicate member " + q(name) + " in " + decl.describe());
      diag::Sink::note(e, it->second, "previous declaration is here");
      decl.lost_member = true;
      continue;
    }
    // Generated classes use the prefix for their own members.
    if (name.starts_with("ormc_")) {
      ctx.sink.error(member.name.where, "member names starting with 'ormc_' are reserved");
    }
    if (const auto t = column_type(type)) {
      add_column(ctx, decl, member, *t, sql_name_where);
    } else if (Decl* target = ctx.find(type)) {
      add_relationship(ctx, decl, member, *target);
    } else {
      diag::Diagnostic& e = ctx.sink.error(member.type.name.where, "unknown type or entity " + q(type));
      suggest(e, type, type_candidates(ctx));
      decl.lost_member = true;
    }
  }

  const std::vector<model::Column>& columns = decl.table->columns;
  for (const model::Column& c : columns) {
    if (c.primary_key) decl.table->primary_key.push_back(c.position);
  }
  // SQLite compares column names without regard to case, even quoted ones.
  for (std::size_t i = 0; i < columns.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (!iequals(columns[i].sql_name, columns[j].sql_name)) continue;
      diag::Diagnostic& e = ctx.sink.error(sql_name_where[i], "SQL column name " + q(columns[i].sql_name) + " of " +
                                                                  q(columns[i].attribute) + " is already used by " +
                                                                  q(columns[j].attribute));
      diag::Sink::note(e, sql_name_where[j], q(columns[j].attribute) + " is declared here");
      break;
    }
  }
}

}  // namespace

std::optional<model::ColumnType> column_type(std::string_view name) {
  for (model::ColumnType t : kAllColumnTypes) {
    if (name == model::type_name(t)) return t;
  }
  return std::nullopt;
}

void build_columns(Context& ctx) {
  for (const auto& decl : ctx.decls) {
    if (decl->local()) build_members(ctx, *decl);
  }
}

}  // namespace ormc::sema::detail
