// The relationship checks of SPEC §1.6 that need the resolved kind: loader strategies on
// scalars, delete-orphan on the "many" side, passive_deletes without ON DELETE, viewonly writes.
#include "sema/passes.hpp"

namespace ormc::sema::detail {

namespace {

using model::RelationshipKind;

/// The option's value when written, else the member (a backref's options are its own).
Location at(const PendingRelationship& p, const model::Relationship& r, std::string_view option) {
  const Location where = p.options.where(option);
  return where.valid() ? where : r.where;
}

const char* lazy_name(model::LoaderStrategy s) {
  return s == model::LoaderStrategy::Dynamic ? "dynamic" : "write_only";
}

void check_loader(Context& ctx, const PendingRelationship& p, const model::Relationship& r) {
  const bool no_collection = r.lazy == model::LoaderStrategy::Dynamic || r.lazy == model::LoaderStrategy::WriteOnly;
  if (!no_collection) return;
  if (!r.uselist) {
    ctx.sink.error(at(p, r, "lazy"), "lazy = \"" + std::string(lazy_name(r.lazy)) + "\" needs a collection, but " +
                                         member_name(r) + " is a " + kind_name(r.kind) + " scalar");
    return;
  }
  if (r.collection == model::CollectionClass::Set || r.collection == model::CollectionClass::Map) {
    ctx.sink.error(at(p, r, "collection"), "'collection' has no effect with lazy = \"" +
                                               std::string(lazy_name(r.lazy)) + "\": " + member_name(r) +
                                               " is never loaded as a whole");
  }
}

void check_cascade(Context& ctx, const PendingRelationship& p, const model::Relationship& r) {
  const RelationshipOptions& o = p.options;
  const std::uint16_t written = o.cascade.value_or(0);
  if ((written & model::CascadeDeleteOrphan) != 0 && !r.single_parent &&
      (r.kind == RelationshipKind::ManyToOne || r.kind == RelationshipKind::ManyToMany)) {
    const Location where = o.delete_orphan_where.valid() ? o.delete_orphan_where : at(p, r, "cascade");
    diag::Diagnostic& e =
        ctx.sink.error(where, "on " + member_name(r) +
                                  ", delete-orphan cascade is normally configured only on the \"one\" side of "
                                  "a one-to-many relationship, not on the \"many\" side of a " +
                                  kind_name(r.kind) + " relationship");
    const std::string target = r.target != nullptr ? r.target->name : std::string();
    diag::Sink::note(e, Location{},
                     "to let a particular " + q(target) + " be referred to by only one " + q(r.owner->name) +
                         " at a time via " + member_name(r) +
                         ", which allows delete-orphan here, set single_parent = true");
  }
  if (r.viewonly && o.cascade_write_where.valid()) {
    ctx.sink.error(o.cascade_write_where,
                   "on " + member_name(r) +
                       ", save-update, delete and delete-orphan "
                       "cascades apply to persistence and can't be combined with viewonly = true");
  }
}

void warn_no_ondelete(Context& ctx, const PendingRelationship& p, const model::Relationship& r,
                      const model::Column& fk_column, const model::Table& fk_table) {
  diag::Diagnostic& w =
      ctx.sink.warning(at(p, r, "passive_deletes"), "passive_deletes on " + member_name(r) +
                                                        " relies on ON DELETE, but foreign "
                                                        "key " +
                                                        q(fk_table.dsl_name + "." + fk_column.attribute) +
                                                        " has no ondelete; the rows would be orphaned, not deleted");
  diag::Sink::note(w, fk_column.foreign_key->where, "add 'ondelete = \"cascade\"' (or \"set null\") here");
}

/// The table holding `column` among the join's tables (for messages).
const model::Table& table_of(const model::Relationship& r, const model::Column& column) {
  if (r.secondary != nullptr) {
    for (const model::Column& c : r.secondary->columns) {
      if (&c == &column) return *r.secondary;
    }
  }
  return r.target != nullptr ? r.target->table : r.owner->table;
}

void check_passive_deletes(Context& ctx, const PendingRelationship& p, const model::Relationship& r) {
  if (r.passive_deletes == model::PassiveDeletes::False) return;
  if (r.passive_deletes == model::PassiveDeletes::All &&
      (r.cascade & (model::CascadeDelete | model::CascadeDeleteOrphan)) != 0) {
    ctx.sink.error(at(p, r, "passive_deletes"), "on " + member_name(r) +
                                                    ", passive_deletes = \"all\" can't be "
                                                    "combined with 'delete' or 'delete-orphan' cascade");
    return;
  }
  if (r.kind == RelationshipKind::ManyToOne) {
    ctx.sink.warning(at(p, r, "passive_deletes"), "passive_deletes has no effect on many-to-one " + member_name(r) +
                                                      "; it is configured on the one-to-many side");
    return;
  }
  // The rows deleted with the owner are those whose foreign key references the owner: the
  // target's (one-to-many) or the secondary's (many-to-many).
  for (const model::JoinPair& j : r.primaryjoin) {
    const model::Column& fk = *j.remote;
    if (fk.foreign_key && fk.foreign_key->ondelete == model::ForeignKeyAction::Unspecified) {
      warn_no_ondelete(ctx, p, r, fk, table_of(r, fk));
      return;
    }
  }
}

}  // namespace

void check_relationships(Context& ctx) {
  for (const PendingRelationship& p : ctx.relationships) {
    if (!p.resolved) continue;
    const model::Relationship& r = ctx.relationship(p);
    check_loader(ctx, p, r);
    check_cascade(ctx, p, r);
    check_passive_deletes(ctx, p, r);
  }
}

}  // namespace ormc::sema::detail
