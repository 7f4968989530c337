// The pairing pass: `backref` creates the reverse member on the target; `back_populates` must
// name a member that points back, with the opposite kind and the same foreign key.
#include <algorithm>

#include "sema/passes.hpp"

namespace ormc::sema::detail {

namespace {

using model::RelationshipKind;

/// The name and options of `backref("name", ...)` / `backref = "name"`.
struct BackrefSpec {
  ast::Ident name;
  RelationshipOptions options;
};

std::optional<BackrefSpec> parse_backref(Context& ctx, const ast::Expr& value) {
  BackrefSpec spec;
  if (value.kind == ast::Expr::Kind::Call && !value.path.empty() && value.path[0].text == "backref") {
    const auto positional =
        std::find_if(value.args.begin(), value.args.end(), [](const ast::Arg& a) { return !a.name; });
    if (positional == value.args.end()) {
      ctx.sink.error(value.where, "expected the reverse member's name: backref(\"name\", ...)");
      return std::nullopt;
    }
    const auto name = expect_word(ctx, positional->value, "the backref name");
    spec.options = parse_relationship_options(ctx, value.args, true, &*positional);
    if (!name) return std::nullopt;
    spec.name = *name;
  } else if (value.kind == ast::Expr::Kind::Call) {
    diag::Diagnostic& e = ctx.sink.error(value.where, "expected \"name\" or backref(\"name\", ...) for 'backref'");
    if (!value.path.empty()) {
      static constexpr const char* kCalls[] = {"backref"};
      suggest(e, value.path[0].text, names(kCalls));
    }
    return std::nullopt;
  } else {
    const auto name = expect_word(ctx, value, "'backref'");
    if (!name) return std::nullopt;
    spec.name = *name;
  }
  if (spec.name.text.empty()) {
    ctx.sink.error(value.where, "the backref name can't be empty");
    return std::nullopt;
  }
  return spec;
}

/// A member of `decl` (local or imported) named `name`: where it is declared, if it exists.
std::optional<Location> member_of(const Decl& decl, const std::string& name) {
  if (decl.ast != nullptr) {
    for (const ast::Member& m : decl.ast->members) {
      if (m.name.text == name) return m.name.where;
    }
  }
  if (const model::Column* c = decl.view->find_column(name)) return c->where;
  if (decl.view_entity != nullptr) {
    for (const model::Relationship& r : decl.view_entity->relationships) {
      if (r.name == name) return r.where;
    }
  }
  return std::nullopt;
}

/// Backref `remote_side` is redundant (the direction is the reverse of the declaring side);
/// SQLAlchemy code often has it, so it is accepted when it agrees.
bool check_backref_remote_side(Context& ctx, const PendingRelationship& p, const model::Relationship& b) {
  if (p.options.remote_side == nullptr) return true;
  if (b.kind == RelationshipKind::ManyToMany) {
    ctx.sink.error(p.options.where("remote_side"), "remote_side has no meaning with 'secondary'");
    return false;
  }
  const Decl* allowed[] = {p.target};
  for (const ast::Expr* e : list_elements(*p.options.remote_side)) {
    const model::Column* c = resolve_column_path(ctx, *e, p.owner, allowed, "remote_side");
    if (c == nullptr) return false;
    if (std::none_of(b.primaryjoin.begin(), b.primaryjoin.end(),
                     [&](const model::JoinPair& j) { return j.remote == c; })) {
      ctx.sink.error(e->where, "remote_side " + q(p.target->name + "." + c->attribute) + " contradicts backref " +
                                   member_name(b) + ", which is " + kind_name(b.kind));
      return false;
    }
  }
  return true;
}

std::vector<model::JoinPair> swapped(const std::vector<model::JoinPair>& pairs) {
  std::vector<model::JoinPair> out;
  for (const model::JoinPair& j : pairs) out.push_back(model::JoinPair{j.remote, j.local});
  return out;
}

void create_backref(Context& ctx, std::size_t index) {
  const RelationshipOptions& forward_options = ctx.relationships[index].options;
  const ast::Expr& value = *forward_options.backref;
  if (forward_options.back_populates) {
    ctx.sink.error(forward_options.where("backref"), "use either 'backref' or 'back_populates', not both");
    return;
  }
  auto spec = parse_backref(ctx, value);
  PendingRelationship& forward = ctx.relationships[index];
  if (!spec || !forward.resolved) return;
  const ast::Ident& name = spec->name;
  if (!forward.target->local() || forward.target->entity == nullptr) {
    ctx.sink.error(name.where, "backref " + q(name.text) + " would add a member to " + q(forward.target->name) +
                                   ", which is declared in an imported file; declare it there with back_populates");
    return;
  }
  if (name.text.starts_with("ormc_")) {
    ctx.sink.error(name.where, "member names starting with 'ormc_' are reserved");
    return;
  }
  if (const auto existing = member_of(*forward.target, name.text)) {
    diag::Diagnostic& e =
        ctx.sink.error(name.where, "backref " + q(name.text) + " of " + member_name(ctx.relationship(forward)) +
                                       " collides with member " + q(forward.target->name + "." + name.text));
    diag::Sink::note(e, *existing, q(name.text) + " is declared here");
    return;
  }

  model::Relationship& f = ctx.relationship(forward);
  model::Relationship b;
  b.name = name.text;
  b.owner = forward.target->entity;
  b.target = forward.owner->entity;
  b.from_backref = true;
  b.where = name.where;
  b.back_populates = f.name;
  const std::optional<bool> uselist = spec->options.uselist;
  switch (f.kind) {
    case RelationshipKind::OneToMany:
    case RelationshipKind::OneToOne:
      if (uselist.value_or(false)) {
        ctx.sink.error(spec->options.where("uselist"), "backref " + q(name.text) + " of " + kind_name(f.kind) + " " +
                                                           member_name(f) + " is many-to-one; it can't be a list");
        return;
      }
      b.kind = RelationshipKind::ManyToOne;
      b.uselist = false;
      b.primaryjoin = swapped(f.primaryjoin);
      b.nullable = std::any_of(b.primaryjoin.begin(), b.primaryjoin.end(),
                               [](const model::JoinPair& j) { return j.local->nullable; });
      break;
    case RelationshipKind::ManyToOne:
      b.uselist = uselist.value_or(true);
      b.kind = b.uselist ? RelationshipKind::OneToMany : RelationshipKind::OneToOne;
      b.primaryjoin = swapped(f.primaryjoin);
      break;
    case RelationshipKind::ManyToMany:
      b.uselist = uselist.value_or(true);
      b.kind = RelationshipKind::ManyToMany;
      b.secondary = f.secondary;
      b.primaryjoin = swapped(f.secondaryjoin);
      b.secondaryjoin = swapped(f.primaryjoin);
      break;
  }

  PendingRelationship reverse;
  reverse.owner = forward.target;
  reverse.target = forward.owner;
  reverse.options = std::move(spec->options);
  if (!check_backref_remote_side(ctx, reverse, b)) return;
  f.back_populates = b.name;
  reverse.index = reverse.owner->entity->relationships.size();
  reverse.resolved = true;
  reverse.owner->entity->relationships.push_back(std::move(b));
  ctx.relationships.push_back(std::move(reverse));  // `forward` and `f` may dangle from here on
  apply_relationship_options(ctx, ctx.relationships.back());
}

/// The columns that carry the foreign keys of `r` (what a pair must agree on).
std::vector<const model::Column*> foreign_key_columns(const model::Relationship& r, bool owner_side_of_secondary) {
  std::vector<const model::Column*> out;
  if (r.kind == RelationshipKind::ManyToMany) {
    // Through a secondary, the pair agrees when one side's owner columns are the other's target ones.
    if (owner_side_of_secondary) {
      for (const model::JoinPair& j : r.primaryjoin) out.push_back(j.remote);
    } else {
      for (const model::JoinPair& j : r.secondaryjoin) out.push_back(j.local);
    }
  } else {
    for (const model::JoinPair& j : r.primaryjoin)
      out.push_back(r.kind == RelationshipKind::ManyToOne ? j.local : j.remote);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool opposite_kinds(const model::Relationship& a, const model::Relationship& b) {
  const auto one_side = [](RelationshipKind k) {
    return k == RelationshipKind::OneToMany || k == RelationshipKind::OneToOne;
  };
  if (a.kind == RelationshipKind::ManyToMany || b.kind == RelationshipKind::ManyToMany) {
    return a.kind == b.kind && a.secondary == b.secondary;
  }
  return (one_side(a.kind) && b.kind == RelationshipKind::ManyToOne) ||
         (a.kind == RelationshipKind::ManyToOne && one_side(b.kind));
}

/// The other side of a pair.
struct Other {
  const model::Relationship* relationship = nullptr;
  bool resolved = true;
  /// The member it names as its pair: its own back_populates option (checked in turn, so not
  /// yet in the model), or the model's (backrefs, imports).
  std::string pairs_with;
};

Other find_other(const Context& ctx, const Decl& target, const std::string& name) {
  Other other;
  if (target.entity != nullptr) {
    for (const PendingRelationship& p : ctx.relationships) {
      if (p.owner == &target && ctx.relationship(p).name == name) {
        other.relationship = &ctx.relationship(p);
        other.resolved = p.resolved;
        other.pairs_with =
            p.options.back_populates ? p.options.back_populates->text : other.relationship->back_populates;
        return other;
      }
    }
    return other;
  }
  if (target.view_entity != nullptr) {
    for (const model::Relationship& r : target.view_entity->relationships) {
      if (r.name == name) {
        other.relationship = &r;
        other.pairs_with = r.back_populates;
        return other;
      }
    }
  }
  return other;
}

void check_back_populates(Context& ctx, const PendingRelationship& p) {
  const ast::Ident& name = *p.options.back_populates;
  if (p.options.backref != nullptr || !p.resolved) return;  // both given: reported with the backref
  model::Relationship& r = ctx.relationship(p);
  const std::string subject = "back_populates " + q(name.text) + " on " + member_name(r);
  const std::string other_name = q(p.target->name + "." + name.text);
  const Other found = find_other(ctx, *p.target, name.text);
  const model::Relationship* other = found.relationship;
  if (other == nullptr) {
    if (const model::Column* c = p.target->view->find_column(name.text)) {
      diag::Diagnostic& e =
          ctx.sink.error(name.where, subject + ": " + other_name + " is a column, not a relationship");
      diag::Sink::note(e, c->where, q(name.text) + " is declared here");
    } else if (!member_of(*p.target, name.text)) {
      diag::Diagnostic& e =
          ctx.sink.error(name.where, subject + ": entity " + q(p.target->name) + " has no member " + q(name.text));
      std::vector<Candidate> candidates;
      for (const model::Relationship& x : p.target->view_entity->relationships)
        candidates.push_back(Candidate{x.name, x.where});
      suggest(e, name.text, candidates);
    }
    return;  // else: a member dropped for its own, already reported, error
  }
  if (!found.resolved) return;
  if (other->target != r.owner) {
    diag::Diagnostic& e =
        ctx.sink.error(name.where, subject + ": " + other_name + " does not point back to " + q(p.owner->name));
    diag::Sink::note(
        e, other->where,
        other_name + " is a relationship to " + q(other->target != nullptr ? other->target->name : std::string()));
    return;
  }
  if (!found.pairs_with.empty() && found.pairs_with != r.name) {
    diag::Diagnostic& e = ctx.sink.error(
        name.where, subject + ": " + other_name + " is paired with " + q(p.owner->name + "." + found.pairs_with));
    diag::Sink::note(e, other->where, other_name + " is declared here");
    return;
  }
  if (!opposite_kinds(r, *other)) {
    diag::Diagnostic& e = ctx.sink.error(
        name.where, subject + ": " + member_name(r) + " is " + kind_name(r.kind) + " and " + other_name + " is " +
                        kind_name(other->kind) +
                        (r.kind == RelationshipKind::ManyToMany || other->kind == RelationshipKind::ManyToMany
                             ? "; a many-to-many pair shares one 'secondary'"
                             : "; a pair is one-to-many and many-to-one"));
    diag::Sink::note(e, other->where, other_name + " is declared here");
    return;
  }
  if (foreign_key_columns(r, true) != foreign_key_columns(*other, r.kind != RelationshipKind::ManyToMany)) {
    diag::Diagnostic& e = ctx.sink.error(
        name.where, subject + ": " + member_name(r) + " and " + other_name + " join on different foreign keys");
    diag::Sink::note(e, other->where, other_name + " is declared here; use the same foreign_keys on both sides");
    return;
  }
  r.back_populates = name.text;
  if (found.pairs_with.empty()) {
    // SQLAlchemy then syncs one direction only; almost always an oversight.
    diag::Diagnostic& w =
        ctx.sink.warning(name.where, other_name + " does not name " + q(r.name) +
                                         " in back_populates; changes to it won't show in " + member_name(r));
    diag::Sink::note(w, other->where, "add 'back_populates = " + r.name + "' here");
  }
}

}  // namespace

void pair_relationships(Context& ctx) {
  // Index loops: creating a backref appends to ctx.relationships.
  const std::size_t declared = ctx.relationships.size();
  for (std::size_t i = 0; i < declared; ++i) {
    if (ctx.relationships[i].options.backref != nullptr) create_backref(ctx, i);
  }
  for (std::size_t i = 0; i < declared; ++i) {
    if (ctx.relationships[i].options.back_populates) check_back_populates(ctx, ctx.relationships[i]);
  }
}

}  // namespace ormc::sema::detail
