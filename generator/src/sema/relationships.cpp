// The relationships pass: each relationship's kind and join columns, found from the foreign
// keys between the tables as SQLAlchemy does (secondary, foreign_keys and remote_side decide
// when more than one reading is possible).
#include <algorithm>

#include "sema/passes.hpp"

namespace ormc::sema::detail {

namespace {

/// A column holding a foreign key, with the table it belongs to (for messages).
struct FkColumn {
  const model::Column* column;
  const model::Table* table;
};
using FkColumns = std::vector<FkColumn>;

FkColumns foreign_keys_between(const model::Table& from, const model::Table& to) {
  FkColumns out;
  for (const model::Column& c : from.columns) {
    if (c.foreign_key && c.foreign_key->table == &to) out.push_back(FkColumn{&c, &from});
  }
  return out;
}

bool contains(const model::Table& table, const model::Column* column) {
  return std::any_of(table.columns.begin(), table.columns.end(), [&](const model::Column& c) { return &c == column; });
}

std::string dotted(const model::Table& table, const model::Column& column) {
  return q(table.dsl_name + "." + column.attribute);
}

void note_paths(diag::Diagnostic& e, const FkColumns& columns) {
  for (const FkColumn& c : columns) {
    const model::ForeignKey& fk = *c.column->foreign_key;
    diag::Sink::note(e, fk.where, dotted(*c.table, *c.column) + " references " + dotted(*fk.table, *fk.column));
  }
}

/// Whether `columns` form one join path: no referenced column appears twice, and unless the
/// user named them, they are one column or together the referenced table's whole primary key.
bool one_path(const FkColumns& columns, bool named) {
  if (columns.size() <= 1) return true;
  std::vector<const model::Column*> referenced;
  for (const FkColumn& c : columns) {
    const model::Column* r = c.column->foreign_key->column;
    if (std::find(referenced.begin(), referenced.end(), r) != referenced.end()) return false;
    referenced.push_back(r);
  }
  if (named) return true;
  const model::Table& table = *columns.front().column->foreign_key->table;
  return std::all_of(table.primary_key.begin(), table.primary_key.end(),
                     [&](std::size_t k) {
                       return std::find(referenced.begin(), referenced.end(), &table.columns[k]) != referenced.end();
                     }) &&
         referenced.size() == table.primary_key.size();
}

void keep(FkColumns& columns, const std::vector<const model::Column*>& listed) {
  std::erase_if(columns,
                [&](const FkColumn& c) { return std::find(listed.begin(), listed.end(), c.column) == listed.end(); });
}

struct Listed {
  bool given = false;
  bool ok = true;
  std::vector<const model::Column*> columns;
};

/// `foreign_keys = [...]`: columns with a foreign key between the relationship's sides.
Listed listed_foreign_keys(Context& ctx, const PendingRelationship& p, const Decl* secondary) {
  Listed listed;
  const ast::Expr* value = p.options.foreign_keys;
  if (value == nullptr) return listed;
  listed.given = true;
  const model::Table& owner = *p.owner->view;
  const model::Table& target = *p.target->view;
  std::vector<const Decl*> allowed;
  if (secondary != nullptr) {
    allowed = {secondary};
  } else {
    allowed = {p.owner, p.target};
  }
  for (const ast::Expr* e : list_elements(*value)) {
    // Bare names are the owner's, as in a SQLAlchemy class body.
    const model::Column* c = resolve_column_path(ctx, *e, p.owner, allowed, "foreign_keys");
    if (c == nullptr) {
      listed.ok = false;
      continue;
    }
    const model::Table* table = secondary != nullptr ? secondary->view : contains(owner, c) ? &owner : &target;
    if (!contains(*table, c)) {
      ctx.sink.error(e->where,
                     "foreign_keys must name columns of " +
                         (secondary != nullptr ? q(secondary->name) : q(p.owner->name) + " or " + q(p.target->name)));
      listed.ok = false;
      continue;
    }
    if (!c->foreign_key) {
      diag::Diagnostic& d = ctx.sink.error(e->where, dotted(*table, *c) +
                                                         " has no foreign_key(...), so it can't "
                                                         "join " +
                                                         member_name(ctx.relationship(p)));
      diag::Sink::note(d, c->where, q(c->attribute) + " is declared here");
      listed.ok = false;
      continue;
    }
    const model::Table* to = c->foreign_key->table;
    const bool between =
        secondary != nullptr ? (to == &owner || to == &target) : (table == &owner ? to == &target : to == &owner);
    if (!between) {
      ctx.sink.error(e->where, dotted(*table, *c) + " references " + q(to->dsl_name) + ", not " +
                                   q(table == &owner && secondary == nullptr ? p.target->name : p.owner->name));
      listed.ok = false;
      continue;
    }
    listed.columns.push_back(c);
  }
  if (listed.ok && listed.columns.empty()) {
    ctx.sink.error(value->where, "foreign_keys names no column");
    listed.ok = false;
  }
  return listed;
}

/// A dropped member or a bad foreign key may be why no path is found: don't echo it.
bool uncertain(const Decl& d) { return d.lost_member || d.bad_foreign_key; }

void no_path(Context& ctx, const PendingRelationship& p) {
  const model::Relationship& r = ctx.relationship(p);
  diag::Diagnostic& e =
      ctx.sink.error(r.where, "no foreign key path between " + q(p.owner->name) + " and " + q(p.target->name));
  const model::Table& key_table = r.uselist ? *p.owner->view : *p.target->view;
  const model::Table& fk_table = r.uselist ? *p.target->view : *p.owner->view;
  const std::string key = key_table.primary_key.empty()
                              ? key_table.dsl_name + ".id"
                              : key_table.dsl_name + "." + key_table.columns[key_table.primary_key[0]].attribute;
  diag::Sink::note(e, Location{},
                   "add a column with 'foreign_key(" + key + ")' to " + q(fk_table.dsl_name) +
                       ", or join through a table with 'relationship(secondary = ...)'");
}

void many_paths(Context& ctx, const PendingRelationship& p, const std::string& between, const FkColumns& a,
                const FkColumns& b) {
  diag::Diagnostic& e = ctx.sink.error(ctx.relationship(p).where,
                                       "more than one foreign key path between " + between + "; specify foreign_keys");
  note_paths(e, a);
  note_paths(e, b);
}

/// `remote_side = [...]`: columns of the target. Bare names are the owner's, as in a
/// SQLAlchemy class body (`remote_side=[id]` in a self-referential mapping).
std::vector<const model::Column*> remote_side(Context& ctx, const PendingRelationship& p, bool& ok) {
  std::vector<const model::Column*> remote;
  if (p.options.remote_side == nullptr) return remote;
  const Decl* allowed[] = {p.target};
  for (const ast::Expr* e : list_elements(*p.options.remote_side)) {
    const model::Column* c = resolve_column_path(ctx, *e, p.owner, allowed, "remote_side");
    if (c == nullptr) {
      ok = false;
    } else if (!contains(*p.target->view, c)) {
      ctx.sink.error(e->where, "remote_side must name columns of " + q(p.target->name));
      ok = false;
    } else {
      remote.push_back(c);
    }
  }
  if (ok && remote.empty()) {
    ctx.sink.error(p.options.remote_side->where, "remote_side names no column");
    ok = false;
  }
  return remote;
}

/// Joins without `secondary`: one-to-many / one-to-one (the foreign key is on the target) or
/// many-to-one (it is on the owner).
bool resolve_direct(Context& ctx, PendingRelationship& p) {
  model::Relationship& r = ctx.relationship(p);
  const model::Table& owner = *p.owner->view;
  const model::Table& target = *p.target->view;
  const bool self = &owner == &target;
  const bool quiet = uncertain(*p.owner) || uncertain(*p.target);
  const std::string between = q(p.owner->name) + " and " + q(p.target->name);
  FkColumns to_owner = foreign_keys_between(target, owner);
  FkColumns to_target = foreign_keys_between(owner, target);
  const Listed listed = listed_foreign_keys(ctx, p, nullptr);
  bool remote_ok = true;
  const std::vector<const model::Column*> remote = remote_side(ctx, p, remote_ok);
  if (!listed.ok || !remote_ok) return false;
  if (listed.given) {
    keep(to_owner, listed.columns);
    keep(to_target, listed.columns);
  }

  enum class Direction { ToOwner, ToTarget } direction = Direction::ToOwner;
  if (to_owner.empty() && to_target.empty()) {
    if (!quiet && !listed.given) no_path(ctx, p);
    return false;
  }
  if (p.options.remote_side != nullptr) {
    const auto in = [](const FkColumns& cols, const model::Column* c, bool referenced) {
      return std::any_of(cols.begin(), cols.end(), [&](const FkColumn& f) {
        return (referenced ? f.column->foreign_key->column : f.column) == c;
      });
    };
    // The remote side holds the foreign key (one-to-many) or what it references (many-to-one).
    const bool holds_key = !to_owner.empty() && std::all_of(remote.begin(), remote.end(), [&](const model::Column* c) {
      return in(to_owner, c, false);
    });
    const bool referenced =
        !to_target.empty() &&
        std::all_of(remote.begin(), remote.end(), [&](const model::Column* c) { return in(to_target, c, true); });
    if (holds_key) {
      direction = Direction::ToOwner;
    } else if (referenced) {
      direction = Direction::ToTarget;
    } else {
      diag::Diagnostic& e =
          ctx.sink.error(p.options.where("remote_side"), "remote_side of " + member_name(r) +
                                                             " names neither foreign key columns of " +
                                                             q(p.target->name) + " nor the columns they reference");
      note_paths(e, to_owner);
      if (!self) note_paths(e, to_target);
      return false;
    }
  } else if (self) {
    if (!r.uselist) {
      const model::Column& key = *to_owner.front().column->foreign_key->column;
      diag::Diagnostic& e = ctx.sink.error(
          r.where, "self-referential scalar " + member_name(r) + " needs remote_side to tell its direction");
      diag::Sink::note(e, Location{},
                       "'relationship(remote_side = [" + p.target->name + "." + key.attribute +
                           "])' makes it many-to-one (e.g. a parent); a one-to-many is "
                           "declared as a collection '" +
                           p.target->name + "[]'");
      return false;
    }
  } else if (!to_owner.empty() && !to_target.empty()) {
    many_paths(ctx, p, between, to_owner, to_target);
    return false;
  } else {
    direction = to_owner.empty() ? Direction::ToTarget : Direction::ToOwner;
  }

  const FkColumns& chosen = direction == Direction::ToOwner ? to_owner : to_target;
  if (!one_path(chosen, listed.given)) {
    many_paths(ctx, p, between, chosen, {});
    return false;
  }
  if (direction == Direction::ToTarget && r.uselist) {
    if (self) {
      ctx.sink.error(r.where, "remote_side makes " + member_name(r) +
                                  " many-to-one, so it can't be a collection; "
                                  "declare it as '" +
                                  p.target->name + "?'");
    } else {
      diag::Diagnostic& e = ctx.sink.error(r.where, q(p.target->name + "[]") + " needs a foreign key on " +
                                                        q(p.target->name) + " referencing " + q(p.owner->name));
      note_paths(e, chosen);
      diag::Sink::note(e, Location{},
                       "with the foreign key on " + q(p.owner->name) + ", " + member_name(r) +
                           " is many-to-one: declare it as '" + p.target->name + "' or '" + p.target->name + "?'");
    }
    return false;
  }
  for (const FkColumn& c : chosen) {
    if (direction == Direction::ToOwner) {
      r.primaryjoin.push_back(model::JoinPair{c.column->foreign_key->column, c.column});
    } else {
      r.primaryjoin.push_back(model::JoinPair{c.column, c.column->foreign_key->column});
    }
  }
  r.kind = direction == Direction::ToTarget ? model::RelationshipKind::ManyToOne
           : r.uselist                      ? model::RelationshipKind::OneToMany
                                            : model::RelationshipKind::OneToOne;
  return true;
}

/// Joins through `secondary`: owner <- secondary -> target.
bool resolve_secondary(Context& ctx, PendingRelationship& p) {
  model::Relationship& r = ctx.relationship(p);
  const ast::Expr& value = *p.options.secondary;
  std::optional<ast::Ident> name;
  if (value.kind == ast::Expr::Kind::String || (value.kind == ast::Expr::Kind::Path && value.path.size() == 1)) {
    name = expect_word(ctx, value, "'secondary'");
  } else {
    ctx.sink.error(value.where, "expected a table name for 'secondary', got " + std::string(describe(value)));
  }
  if (!name || name->text.empty()) return false;
  const Decl* secondary = lookup_decl(ctx, *name);
  if (secondary == nullptr) return false;
  if (p.options.remote_side != nullptr) {
    ctx.sink.error(p.options.where("remote_side"), "remote_side has no meaning with 'secondary'");
    return false;
  }
  const model::Table& owner = *p.owner->view;
  const model::Table& target = *p.target->view;
  const model::Table& table = *secondary->view;
  if (&table == &owner || &table == &target) {
    ctx.sink.error(name->where, "'secondary' must be an association table between " + q(p.owner->name) + " and " +
                                    q(p.target->name) + ", not one of them");
    return false;
  }
  const bool quiet = uncertain(*p.owner) || uncertain(*p.target) || uncertain(*secondary);
  FkColumns owner_side = foreign_keys_between(table, owner);
  FkColumns target_side = foreign_keys_between(table, target);
  const Listed listed = listed_foreign_keys(ctx, p, secondary);
  if (!listed.ok) return false;

  if (&owner == &target) {
    // Both sides reference the same table: foreign_keys names the owner's side.
    if (!listed.given) {
      diag::Diagnostic& e =
          ctx.sink.error(r.where, "self-referential many-to-many through " + q(secondary->name) +
                                      " needs foreign_keys naming the columns that reference the owner's side");
      note_paths(e, owner_side);
      return false;
    }
    keep(owner_side, listed.columns);
    std::erase_if(target_side, [&](const FkColumn& c) {
      return std::find(listed.columns.begin(), listed.columns.end(), c.column) != listed.columns.end();
    });
  } else if (listed.given) {
    // Each side is restricted only when foreign_keys names any of its columns.
    FkColumns o = owner_side, t = target_side;
    keep(o, listed.columns);
    keep(t, listed.columns);
    if (!o.empty()) owner_side = o;
    if (!t.empty()) target_side = t;
  }
  for (const auto& [side, decl] : {std::pair{&owner_side, p.owner}, std::pair{&target_side, p.target}}) {
    if (side->empty()) {
      if (quiet) return false;
      diag::Diagnostic& e =
          ctx.sink.error(name->where, "secondary " + q(secondary->name) + " has no foreign key to " + q(decl->name));
      diag::Sink::note(e, secondary->where, q(secondary->name) + " is declared here");
      return false;
    }
    if (!one_path(*side, listed.given)) {
      many_paths(ctx, p, q(secondary->name) + " and " + q(decl->name), *side, {});
      return false;
    }
  }
  for (const FkColumn& c : owner_side)
    r.primaryjoin.push_back(model::JoinPair{c.column->foreign_key->column, c.column});
  for (const FkColumn& c : target_side)
    r.secondaryjoin.push_back(model::JoinPair{c.column, c.column->foreign_key->column});
  r.secondary = &table;
  r.kind = model::RelationshipKind::ManyToMany;
  return true;
}

const ast::Modifier* relationship_modifier(const ast::Member& member) {
  for (const ast::Modifier& m : member.modifiers) {
    if (m.name.text == "relationship") return &m;
  }
  return nullptr;
}

}  // namespace

void resolve_relationships(Context& ctx) {
  for (const auto& decl : ctx.decls) {
    if (!decl->local() || decl->entity == nullptr) continue;
    for (const auto& [member, target] : decl->relationship_members) {
      PendingRelationship p;
      p.owner = decl.get();
      p.target = target;
      if (const ast::Modifier* m = relationship_modifier(*member)) {
        p.options = parse_relationship_options(ctx, m->args, false);
      }
      model::Relationship r;
      r.name = member->name.text;
      r.owner = decl->entity;
      r.target = target->view_entity;
      r.uselist = member->type.collection;
      r.nullable = r.uselist || member->type.nullable;
      r.where = member->name.where;
      p.index = decl->entity->relationships.size();
      decl->entity->relationships.push_back(std::move(r));
      ctx.relationships.push_back(std::move(p));
    }
  }
  for (PendingRelationship& p : ctx.relationships) {
    p.resolved = p.options.secondary != nullptr ? resolve_secondary(ctx, p) : resolve_direct(ctx, p);
    if (p.resolved) apply_relationship_options(ctx, p);
  }
}

}  // namespace ormc::sema::detail
