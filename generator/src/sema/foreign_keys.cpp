// The foreign keys pass: `foreign_key(Entity.attr, ondelete = ..., onupdate = ...)` resolved
// once every table has its columns, with type and uniqueness checks on the referenced column.
#include <algorithm>
#include <array>

#include "sema/passes.hpp"

namespace ormc::sema::detail {

namespace {

struct ActionSpec {
  const char* name;
  model::ForeignKeyAction action;
};
constexpr std::array<ActionSpec, 4> kActions = {{
    {"cascade", model::ForeignKeyAction::Cascade},
    {"set null", model::ForeignKeyAction::SetNull},
    {"restrict", model::ForeignKeyAction::Restrict},
    {"no action", model::ForeignKeyAction::NoAction},
}};

enum class Family { Integer, Real, Decimal, Text, Other };

Family family(model::ColumnType t) {
  using T = model::ColumnType;
  switch (t) {
    case T::SmallInteger:
    case T::Integer:
    case T::BigInteger:
      return Family::Integer;
    case T::Float:
    case T::Double:
      return Family::Real;
    case T::Numeric:
      return Family::Decimal;
    case T::String:
    case T::Text:
      return Family::Text;
    default:
      return Family::Other;
  }
}

/// Integer widths may differ (Integer -> BigInteger) and String(n) may reference Text; the
/// database compares such values without surprise. Anything else must be the same type.
bool compatible(model::ColumnType a, model::ColumnType b) {
  const Family fa = family(a);
  return fa == family(b) && (fa != Family::Other || a == b);
}

/// SQL accepts a foreign key only to a primary key or a unique column (set).
bool referenceable(const model::Table& table, const model::Column& column) {
  if (column.primary_key || column.unique) return true;
  return std::any_of(table.indexes.begin(), table.indexes.end(), [&](const model::Index& i) {
    return i.unique && std::find(i.columns.begin(), i.columns.end(), column.position) != i.columns.end();
  });
}

/// Unique by itself: a single-column primary key, `unique`, or a one-column unique index.
bool referenceable_alone(const model::Table& table, const model::Column& column) {
  if (column.unique || (column.primary_key && table.primary_key.size() == 1)) return true;
  return std::any_of(table.indexes.begin(), table.indexes.end(), [&](const model::Index& i) {
    return i.unique && i.columns.size() == 1 && i.columns.front() == column.position;
  });
}

std::optional<model::ForeignKeyAction> action(Context& ctx, const ast::Arg* arg, const model::Column& column) {
  if (arg == nullptr) return model::ForeignKeyAction::Unspecified;
  const auto text = expect_string(ctx, arg->value, q(arg->name->text));
  if (!text) return std::nullopt;
  for (const ActionSpec& a : kActions) {
    if (iequals(*text, a.name)) {
      if (a.action == model::ForeignKeyAction::SetNull && !column.nullable) {
        diag::Diagnostic& w = ctx.sink.warning(
            arg->value.where, "\"set null\" on non-nullable column " + q(column.attribute) + " would fail");
        diag::Sink::note(w, column.where, "make its type nullable with '?'");
      }
      return a.action;
    }
  }
  diag::Diagnostic& e = ctx.sink.error(arg->value.where, "unknown " + arg->name->text + " action \"" + *text +
                                                             "\"; expected cascade, set null, restrict or no action");
  std::vector<Candidate> candidates;
  for (const ActionSpec& a : kActions) candidates.push_back(Candidate{a.name, {}});
  suggest(e, lower(*text), candidates);
  return std::nullopt;
}

/// `Entity.attr` of a foreign key; a bare entity name gets a hint at its key.
std::pair<const Decl*, const model::Column*> target(Context& ctx, const ast::Expr& path) {
  if (path.kind == ast::Expr::Kind::Path && path.path.size() == 1 && !path.path[0].text.empty()) {
    diag::Diagnostic& e =
        ctx.sink.error(path.where, "expected 'Entity.attr' for foreign_key, got " + q(path.path[0].text));
    if (const Decl* d = ctx.find(path.path[0].text); d != nullptr && d->view->primary_key.size() == 1) {
      const model::Column& key = d->view->columns[d->view->primary_key[0]];
      diag::Sink::note(e, key.where, "did you mean " + q(d->name + "." + key.attribute) + "?");
    }
    return {nullptr, nullptr};
  }
  if (path.kind == ast::Expr::Kind::Path && path.path.size() == 2) {
    const Decl* decl = lookup_decl(ctx, path.path[0]);
    if (decl == nullptr) return {nullptr, nullptr};
    if (path.order) ctx.sink.error(path.order->where, q(path.order->text) + " is only valid in order_by");
    return {decl, lookup_column(ctx, *decl, path.path[1])};
  }
  return {nullptr, resolve_column_path(ctx, path, nullptr, {}, "foreign_key")};  // reports the shape
}

void resolve(Context& ctx, Decl& decl, const PendingForeignKey& pending) {
  model::Column& column = decl.table->columns[pending.column];
  const ast::Modifier& m = *pending.modifier;
  const auto positional = std::find_if(m.args.begin(), m.args.end(), [](const ast::Arg& a) { return !a.name; });
  if (positional == m.args.end()) return;
  const std::size_t errors = ctx.sink.error_count();
  const auto [ref_decl, ref] = target(ctx, positional->value);
  const auto ondelete = action(ctx, named_argument(m.args, "ondelete"), column);
  const auto onupdate = action(ctx, named_argument(m.args, "onupdate"), column);
  if (ref_decl == nullptr || ref == nullptr || !ondelete || !onupdate) {
    decl.bad_foreign_key = true;
    return;
  }
  const Location where = positional->value.where;
  if (ref == &column) {
    ctx.sink.error(where, "column " + q(column.attribute) + " can't reference itself");
  } else if (!compatible(column.type, ref->type)) {
    diag::Diagnostic& e =
        ctx.sink.error(where, "foreign key " + q(column.attribute) + " of type " + q(model::type_name(column.type)) +
                                  " can't reference " + q(ref_decl->name + "." + ref->attribute) + " of type " +
                                  q(model::type_name(ref->type)));
    diag::Sink::note(e, ref->where, q(ref->attribute) + " is declared here");
  } else if (!referenceable(*ref_decl->view, *ref)) {
    diag::Diagnostic& e = ctx.sink.error(where, "foreign key target " + q(ref_decl->name + "." + ref->attribute) +
                                                    " is neither a primary key nor unique");
    diag::Sink::note(e, ref->where, "mark it 'unique', or reference the primary key");
  }
  if (ctx.sink.error_count() != errors) {
    decl.bad_foreign_key = true;
    return;
  }
  column.foreign_key = model::ForeignKey{ref_decl->view, ref, *ondelete, *onupdate, m.name.where};
}

/// Columns of `table` that reference the columns of another table's multi-column primary key
/// form one FOREIGN KEY constraint each set (a database checks the key as a whole): in column
/// order, a column joins the first unfinished set to that table, with the same actions, that
/// lacks its referenced column. A set left unfinished references part of a key, which no database
/// accepts unless that column is unique on its own.
void group_composite_foreign_keys(Context& ctx, model::Table& table) {
  struct Group {
    std::vector<model::Column*> columns;
    std::uint16_t number = 0;
  };
  std::vector<Group> groups;
  for (model::Column& column : table.columns) {
    if (!column.foreign_key) continue;
    const model::ForeignKey& fk = *column.foreign_key;
    if (fk.table->primary_key.size() < 2 || !fk.column->primary_key) continue;
    const auto fits = [&](const Group& g) {
      const model::ForeignKey& first = *g.columns.front()->foreign_key;
      return g.columns.size() < fk.table->primary_key.size() && first.table == fk.table &&
             first.ondelete == fk.ondelete && first.onupdate == fk.onupdate &&
             std::none_of(g.columns.begin(), g.columns.end(),
                          [&](const model::Column* c) { return c->foreign_key->column == fk.column; });
    };
    const auto group = std::find_if(groups.begin(), groups.end(), fits);
    if (group == groups.end()) groups.push_back({{&column}});
    else group->columns.push_back(&column);
  }
  std::uint16_t next = 0;
  for (Group& g : groups) {
    const model::ForeignKey& first = *g.columns.front()->foreign_key;
    if (g.columns.size() == first.table->primary_key.size()) {
      ++next;
      for (model::Column* c : g.columns) c->foreign_key->composite = next;
      continue;
    }
    for (model::Column* c : g.columns) {
      const model::Column& ref = *c->foreign_key->column;
      if (ref.unique || referenceable_alone(*first.table, ref)) continue;
      diag::Diagnostic& e = ctx.sink.error(
          c->foreign_key->where, "foreign key " + q(c->attribute) + " references " +
                                     q(first.table->dsl_name + "." + ref.attribute) + ", one column of a " +
                                     std::to_string(first.table->primary_key.size()) +
                                     "-column primary key: reference every key column, each from a column of its own");
      diag::Sink::note(e, ref.where, q(ref.attribute) + " is declared here");
    }
  }
}

}  // namespace

void resolve_foreign_keys(Context& ctx) {
  for (const auto& decl : ctx.decls) {
    if (!decl->local()) continue;
    for (const PendingForeignKey& pending : decl->foreign_keys) resolve(ctx, *decl, pending);
    if (decl->table != nullptr) group_composite_foreign_keys(ctx, *decl->table);
  }
}

}  // namespace ormc::sema::detail
