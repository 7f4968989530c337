// The entity options pass: `table "name";`, `order_by = ...;`, `eager_defaults`, `unique(...)`,
// `index(...)` and `check("...")`, on entities and (where they make sense) plain tables.
#include <algorithm>
#include <array>
#include <map>

#include "sema/passes.hpp"

namespace ormc::sema::detail {

namespace {

struct OptionSpec {
  const char* name;
  const char* usage;
  bool entity_only;
  bool once;
};

constexpr std::array<OptionSpec, 6> kOptions = {{
    {"table", "table \"name\";", true, true},
    {"order_by", "order_by = attr [asc|desc];", true, true},
    {"eager_defaults", "eager_defaults = true;", true, true},
    {"unique", "unique(a, b);", false, false},
    {"index", "index(a, b);", false, false},
    {"check", "check(\"sql\");", false, false},
}};

constexpr std::array<const char*, 1> kIndexArguments = {"name"};

std::vector<Candidate> option_candidates(bool entity) {
  std::vector<Candidate> out;
  for (const OptionSpec& o : kOptions) {
    if (entity || !o.entity_only) out.push_back(Candidate{o.name, {}});
  }
  return out;
}

/// The one value of `name value;` / `name = value;`, or of `check("...")`.
const ast::Expr* single_value(Context& ctx, const ast::EntityOption& option, const OptionSpec& spec,
                              bool call_allowed) {
  if (option.form != ast::EntityOption::Form::Call) {
    if (option.value) return &*option.value;
  } else if (call_allowed) {
    const auto args = check_arguments(ctx, option.args, 1, {}, spec.name);
    if (!args.empty()) return &args[0]->value;
  }
  ctx.sink.error(option.name.where, "expected " + std::string(spec.usage));
  return nullptr;
}

void index_option(Context& ctx, Decl& decl, const ast::EntityOption& option, const OptionSpec& spec) {
  if (option.form != ast::EntityOption::Form::Call) {
    ctx.sink.error(option.name.where, "expected " + std::string(spec.usage));
    return;
  }
  const auto columns = check_arguments(ctx, option.args, SIZE_MAX, kIndexArguments, spec.name);
  model::Index index;
  index.unique = option.name.text == "unique";
  index.where = option.name.where;
  if (const ast::Arg* name = named_argument(option.args, "name")) {
    if (const auto text = expect_string(ctx, name->value, "the index name")) index.name = *text;
  }
  if (columns.empty()) {
    ctx.sink.error(option.name.where, "expected at least one column: " + std::string(spec.usage));
    return;
  }
  const Decl* self[] = {&decl};
  bool ok = true;
  for (const ast::Arg* arg : columns) {
    const model::Column* column = resolve_column_path(ctx, arg->value, &decl, self, spec.name);
    if (column == nullptr) {
      ok = false;
      continue;
    }
    if (std::find(index.columns.begin(), index.columns.end(), column->position) != index.columns.end()) {
      ctx.sink.error(arg->value.where, "column " + q(column->attribute) + " is listed twice");
      ok = false;
      continue;
    }
    index.columns.push_back(column->position);
  }
  if (ok) decl.table->indexes.push_back(std::move(index));
}

void apply_option(Context& ctx, Decl& decl, const ast::EntityOption& option, std::map<std::string, Location>& seen) {
  const std::string& name = option.name.text;
  if (name.empty()) return;  // recovered from a syntax error, already reported
  const auto spec = std::find_if(kOptions.begin(), kOptions.end(), [&](const OptionSpec& o) { return name == o.name; });
  if (spec == kOptions.end() || (spec->entity_only && !decl.is_entity())) {
    if (spec != kOptions.end()) {
      ctx.sink.error(option.name.where, q(name) + " is an entity option; " + decl.describe() +
                                            (name == "table" ? " is named by its declaration" : " maps no class"));
      return;
    }
    diag::Diagnostic& e = ctx.sink.error(
        option.name.where, std::string("unknown ") + (decl.is_entity() ? "entity" : "table") + " option " + q(name));
    suggest(e, name, option_candidates(decl.is_entity()));
    return;
  }
  if (spec->once) {
    if (const auto [it, inserted] = seen.emplace(name, option.name.where); !inserted) {
      diag::Diagnostic& e = ctx.sink.error(option.name.where, "duplicate option " + q(name));
      diag::Sink::note(e, it->second, "first given here");
      return;
    }
  }
  if (name == "unique" || name == "index") {
    index_option(ctx, decl, option, *spec);
    return;
  }
  const ast::Expr* value = single_value(ctx, option, *spec, name == "check");
  if (value == nullptr) return;
  if (name == "table" || name == "check") {
    const auto text = expect_string(ctx, *value, q(name));
    if (!text) return;
    if (text->empty()) {
      ctx.sink.error(value->where, name == "table" ? "the table name can't be empty" : "the check can't be empty");
      return;
    }
    if (name == "check") {
      decl.table->checks.push_back(*text);
    } else {
      decl.table->sql_name = *text;
      decl.table_name_where = value->where;
    }
  } else if (name == "order_by") {
    bool ok = true;
    auto terms = resolve_order_by(ctx, *value, decl, "order_by", ok);
    if (ok) decl.entity->order_by = std::move(terms);
  } else if (name == "eager_defaults") {
    if (const auto b = expect_bool(ctx, *value, "'eager_defaults'")) decl.entity->eager_defaults = *b;
  }
}

}  // namespace

void apply_entity_options(Context& ctx) {
  for (const auto& decl : ctx.decls) {
    if (!decl->local()) continue;
    std::map<std::string, Location> seen;
    for (const ast::EntityOption& option : decl->ast->options) apply_option(ctx, *decl, option, seen);
  }
}

}  // namespace ormc::sema::detail
