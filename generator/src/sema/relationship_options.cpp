// Relationship options (SPEC §1.5): their shapes and values, then what needs the resolved
// relationship (order_by and map keys on the target, collection classes, viewonly cascades).
#include <algorithm>
#include <array>

#include "sema/passes.hpp"

namespace ormc::sema::detail {

namespace {

constexpr std::array<const char*, 17> kOptions = {
    "lazy",     "cascade",   "passive_deletes", "passive_updates", "order_by",      "back_populates",
    "backref",  "secondary", "foreign_keys",    "remote_side",     "single_parent", "post_update",
    "viewonly", "innerjoin", "join_depth",      "collection",      "uselist",
};
/// Only a backref, whose type is not written, needs `uselist`.
constexpr std::string_view kBackrefOnly = "uselist";
/// A backref shares the join of the relationship that declares it.
constexpr std::array<std::string_view, 4> kNotInBackref = {"backref", "back_populates", "secondary", "foreign_keys"};

template <typename T>
struct Choice {
  const char* name;
  T value;
};

constexpr std::array<Choice<model::LoaderStrategy>, 7> kLazy = {{
    {"select", model::LoaderStrategy::Select},
    {"joined", model::LoaderStrategy::Joined},
    {"selectin", model::LoaderStrategy::Selectin},
    {"raise", model::LoaderStrategy::Raise},
    {"noload", model::LoaderStrategy::Noload},
    {"dynamic", model::LoaderStrategy::Dynamic},
    {"write_only", model::LoaderStrategy::WriteOnly},
}};

constexpr std::uint16_t kAll = model::CascadeSaveUpdate | model::CascadeMerge | model::CascadeRefreshExpire |
                               model::CascadeExpunge | model::CascadeDelete;
constexpr std::array<Choice<std::uint16_t>, 8> kCascade = {{
    {"save-update", model::CascadeSaveUpdate},
    {"merge", model::CascadeMerge},
    {"delete", model::CascadeDelete},
    {"delete-orphan", model::CascadeDeleteOrphan},
    {"expunge", model::CascadeExpunge},
    {"refresh-expire", model::CascadeRefreshExpire},
    {"all", kAll},
    {"none", model::CascadeNone},
}};

constexpr std::array<Choice<model::CollectionClass>, 3> kCollections = {{
    {"list", model::CollectionClass::List},
    {"set", model::CollectionClass::Set},
    {"map", model::CollectionClass::Map},
}};

template <typename T, std::size_t N>
std::vector<Candidate> choice_names(const std::array<Choice<T>, N>& choices) {
  std::vector<Candidate> out;
  for (const Choice<T>& c : choices) out.push_back(Candidate{c.name, {}});
  return out;
}

template <typename T, std::size_t N>
std::optional<T> choose(Context& ctx, const ast::Ident& word, std::string_view option,
                        const std::array<Choice<T>, N>& choices) {
  for (const Choice<T>& c : choices) {
    if (word.text == c.name) return c.value;
  }
  diag::Diagnostic& e = ctx.sink.error(word.where, "unknown value " + q(word.text) + " for " + q(option));
  suggest(e, word.text, choice_names(choices));
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// "all, delete-orphan": each item checked at its own column inside the string.
std::optional<std::uint16_t> cascade(Context& ctx, const ast::Expr& value, RelationshipOptions& options) {
  const auto text = expect_string(ctx, value, "'cascade'");
  if (!text) return std::nullopt;
  std::uint16_t flags = 0;
  bool ok = true;
  std::size_t start = 0;
  while (start <= text->size()) {
    const std::size_t comma = std::min(text->find(',', start), text->size());
    const std::string_view raw = std::string_view(*text).substr(start, comma - start);
    const std::string_view item = trim(raw);
    const std::size_t offset = start + static_cast<std::size_t>(item.data() - raw.data());
    start = comma + 1;
    if (item.empty()) continue;  // "a, b," and "" are harmless
    const ast::Ident word{std::string(item), part_location(value, offset, item.size())};
    const auto flag = choose(ctx, word, "cascade", kCascade);
    if (!flag) {
      ok = false;
      continue;
    }
    flags = static_cast<std::uint16_t>(flags | *flag);
    if (*flag == model::CascadeDeleteOrphan) options.delete_orphan_where = word.where;
    // "all" is fine on a viewonly relationship (SQLAlchemy masks it); these, written out, are not.
    const bool writes =
        *flag == model::CascadeSaveUpdate || *flag == model::CascadeDelete || *flag == model::CascadeDeleteOrphan;
    if (writes && !options.cascade_write_where.valid()) options.cascade_write_where = word.where;
  }
  return ok ? std::optional<std::uint16_t>(flags) : std::nullopt;
}

std::optional<model::PassiveDeletes> passive_deletes(Context& ctx, const ast::Expr& value) {
  if (value.kind == ast::Expr::Kind::Boolean) {
    return value.boolean ? model::PassiveDeletes::True : model::PassiveDeletes::False;
  }
  if (value.kind == ast::Expr::Kind::String && value.text == "all") return model::PassiveDeletes::All;
  diag::Diagnostic& e =
      ctx.sink.error(value.where, "expected true, false or \"all\" for 'passive_deletes', got " +
                                      (value.kind == ast::Expr::Kind::String ? q(value.text) : describe(value)));
  if (value.kind == ast::Expr::Kind::String) {
    static constexpr const char* kWords[] = {"all"};
    suggest(e, value.text, names(kWords));
  }
  return std::nullopt;
}

/// `list`, `set` or `map(Target.attr)` (names or strings).
void collection(Context& ctx, const ast::Expr& value, RelationshipOptions& options) {
  if (value.kind == ast::Expr::Kind::Call && !value.path.empty()) {
    const auto kind = choose(ctx, value.path[0], "collection", kCollections);
    if (!kind) return;
    if (*kind != model::CollectionClass::Map) {
      ctx.sink.error(value.where, q(value.path[0].text) + " takes no arguments");
      return;
    }
    const auto args = check_arguments(ctx, value.args, 1, {}, "map");
    if (args.empty()) {
      ctx.sink.error(value.where, "expected the key column: map(Target.attr)");
      return;
    }
    options.collection = kind;
    options.collection_key = &args[0]->value;
    return;
  }
  const auto word = expect_word(ctx, value, "'collection'");
  if (!word) return;
  const auto kind = choose(ctx, *word, "collection", kCollections);
  if (!kind) return;
  if (*kind == model::CollectionClass::Map) {
    ctx.sink.error(value.where, "expected the key column: map(Target.attr)");
    return;
  }
  options.collection = kind;
}

void parse_option(Context& ctx, const std::string& name, const ast::Expr& value, RelationshipOptions& o) {
  if (name == "lazy") {
    if (const auto word = expect_word(ctx, value, "'lazy'")) o.lazy = choose(ctx, *word, "lazy", kLazy);
  } else if (name == "cascade") {
    o.cascade = cascade(ctx, value, o);
  } else if (name == "passive_deletes") {
    o.passive_deletes = passive_deletes(ctx, value);
  } else if (name == "join_depth") {
    if (const auto n = expect_integer(ctx, value, "'join_depth'")) {
      if (*n < 0 || *n > 1000) {
        ctx.sink.error(value.where, "join_depth must be between 0 and 1000, got " + std::to_string(*n));
      } else {
        o.join_depth = static_cast<int>(*n);
      }
    }
  } else if (name == "order_by") {
    o.order_by = &value;
  } else if (name == "back_populates") {
    if (auto word = expect_word(ctx, value, "'back_populates'")) {
      if (word->text.empty()) {
        ctx.sink.error(value.where, "back_populates needs a member name");
      } else {
        o.back_populates = std::move(word);
      }
    }
  } else if (name == "backref") {
    o.backref = &value;
  } else if (name == "secondary") {
    o.secondary = &value;
  } else if (name == "foreign_keys") {
    o.foreign_keys = &value;
  } else if (name == "remote_side") {
    o.remote_side = &value;
  } else if (name == "collection") {
    collection(ctx, value, o);
  } else {
    std::optional<bool>* flag = name == "passive_updates" ? &o.passive_updates
                                : name == "single_parent" ? &o.single_parent
                                : name == "post_update"   ? &o.post_update
                                : name == "viewonly"      ? &o.viewonly
                                : name == "innerjoin"     ? &o.innerjoin
                                                          : &o.uselist;
    *flag = expect_bool(ctx, value, q(name));
  }
}

}  // namespace

RelationshipOptions parse_relationship_options(Context& ctx, std::span<const ast::Arg> args, bool backref,
                                               const ast::Arg* skip) {
  RelationshipOptions options;
  for (const ast::Arg& arg : args) {
    if (&arg == skip) continue;
    if (!arg.name) {
      ctx.sink.error(arg.where, backref ? "backref options are named, e.g. backref(\"name\", lazy = \"dynamic\")"
                                        : "relationship options are named, e.g. relationship(lazy = \"dynamic\")");
      continue;
    }
    const std::string& name = arg.name->text;
    if (name.empty()) continue;  // recovered from a syntax error, already reported
    const bool known = std::find(kOptions.begin(), kOptions.end(), name) != kOptions.end();
    if (!known || (!backref && name == kBackrefOnly)) {
      diag::Diagnostic& e = ctx.sink.error(
          arg.name->where, std::string(backref ? "unknown backref option " : "unknown relationship option ") + q(name));
      std::vector<Candidate> candidates;
      for (const char* o : kOptions) {
        if (backref ? std::find(kNotInBackref.begin(), kNotInBackref.end(), o) == kNotInBackref.end()
                    : o != kBackrefOnly) {
          candidates.push_back(Candidate{o, {}});
        }
      }
      suggest(e, name, candidates);
      if (!backref && name == kBackrefOnly) {
        diag::Sink::note(e, Location{}, "a member is a list when its type is written 'Target[]'");
      }
      continue;
    }
    if (backref && std::find(kNotInBackref.begin(), kNotInBackref.end(), name) != kNotInBackref.end()) {
      ctx.sink.error(arg.name->where, q(name) +
                                          " can't be given to a backref; it shares the join of the "
                                          "relationship that declares it");
      continue;
    }
    if (const auto [it, inserted] = options.given.emplace(name, arg.value.where); !inserted) {
      diag::Diagnostic& e = ctx.sink.error(arg.name->where, "duplicate option " + q(name));
      diag::Sink::note(e, it->second, "first given here");
      continue;
    }
    parse_option(ctx, name, arg.value, options);
  }
  return options;
}

void apply_relationship_options(Context& ctx, PendingRelationship& p) {
  model::Relationship& r = ctx.relationship(p);
  const RelationshipOptions& o = p.options;
  if (o.lazy) r.lazy = *o.lazy;
  if (o.cascade) r.cascade = *o.cascade;
  if (o.passive_deletes) r.passive_deletes = *o.passive_deletes;
  if (o.passive_updates) r.passive_updates = *o.passive_updates;
  if (o.single_parent) r.single_parent = *o.single_parent;
  if (o.post_update) r.post_update = *o.post_update;
  if (o.innerjoin) r.innerjoin = *o.innerjoin;
  if (o.join_depth) r.join_depth = *o.join_depth;
  if (o.viewonly) r.viewonly = *o.viewonly;
  // As SQLAlchemy: a viewonly relationship keeps only the cascades that don't write.
  if (r.viewonly) {
    r.cascade &= static_cast<std::uint16_t>(model::CascadeMerge | model::CascadeExpunge | model::CascadeRefreshExpire);
  }

  if (o.order_by != nullptr) {
    if (!r.uselist) {
      ctx.sink.error(o.where("order_by"),
                     "order_by applies to collections; " + member_name(r) + " is a " + kind_name(r.kind) + " scalar");
    } else {
      bool ok = true;
      r.order_by = resolve_order_by(ctx, *o.order_by, *p.target, "order_by", ok);
    }
  }

  if (!r.uselist) {
    r.collection = model::CollectionClass::None;
    if (o.collection) {
      ctx.sink.error(o.where("collection"), "'collection' applies to collections; " + member_name(r) + " is a scalar");
    }
    return;
  }
  r.collection = o.collection.value_or(model::CollectionClass::List);
  if (r.collection == model::CollectionClass::Map && o.collection_key != nullptr) {
    const Decl* target[] = {p.target};
    r.collection_key = resolve_column_path(ctx, *o.collection_key, p.target, target, "the map key");
  }
}

}  // namespace ormc::sema::detail
