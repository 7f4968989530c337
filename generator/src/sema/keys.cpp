// The keys pass: autoincrement defaults and checks, and "every entity has a primary key".
#include <algorithm>

#include "sema/passes.hpp"

namespace ormc::sema::detail {

namespace {

bool is_integer(model::ColumnType t) {
  return t == model::ColumnType::SmallInteger || t == model::ColumnType::Integer || t == model::ColumnType::BigInteger;
}

void check_explicit(Context& ctx, Decl& decl, const ExplicitAutoincrement& a) {
  model::Table& table = *decl.table;
  model::Column& column = table.columns[a.column];
  if (!a.value) {
    column.autoincrement = false;
    return;
  }
  if (!column.primary_key) {
    ctx.sink.error(a.where,
                   "autoincrement applies only to a primary key column; " + q(column.attribute) + " is not one");
  } else if (table.primary_key.size() != 1) {
    ctx.sink.error(a.where, "autoincrement needs a single-column primary key; " + decl.describe() + " has " +
                                std::to_string(table.primary_key.size()) + " key columns");
  } else if (!is_integer(column.type)) {
    ctx.sink.error(a.where, "autoincrement needs an integer column; " + q(column.attribute) + " is " +
                                q(model::type_name(column.type)));
  } else {
    column.autoincrement = true;
  }
}

void finish(Context& ctx, Decl& decl) {
  model::Table& table = *decl.table;
  // As SQLAlchemy's autoincrement="auto": a lone Integer/BigInteger key that is not also a
  // foreign key (a key shared with a parent row is copied, not generated).
  if (table.primary_key.size() == 1) {
    model::Column& key = table.columns[table.primary_key[0]];
    key.autoincrement =
        (key.type == model::ColumnType::Integer || key.type == model::ColumnType::BigInteger) && !key.foreign_key;
  }
  for (const ExplicitAutoincrement& a : decl.autoincrement) check_explicit(ctx, decl, a);

  if (decl.is_entity() && table.primary_key.empty() && !decl.lost_member) {
    diag::Diagnostic& e = ctx.sink.error(decl.where, "entity " + q(decl.name) + " has no primary key");
    diag::Sink::note(e, Location{}, "mark a column 'primary_key', e.g. 'id: Integer primary_key;'");
  }
}

}  // namespace

void finish_keys(Context& ctx) {
  for (const auto& decl : ctx.decls) {
    if (decl->local()) finish(ctx, *decl);
  }
}

}  // namespace ormc::sema::detail
