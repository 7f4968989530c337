// Helpers shared by the sema passes: quoting, suggestions, name lookup and argument shapes.
#include <algorithm>
#include <cctype>

#include "sema/passes.hpp"

namespace ormc::sema::detail {

std::string Decl::describe() const { return (is_entity() ? "entity " : "table ") + q(name); }

Location RelationshipOptions::where(std::string_view name) const {
  const auto it = given.find(name);
  return it != given.end() ? it->second : Location{};
}

Decl* Context::find(const std::string& name) const {
  const auto it = by_name.find(name);
  return it != by_name.end() ? it->second : nullptr;
}

std::string q(std::string_view name) { return "'" + std::string(name) + "'"; }

namespace {
bool is_upper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }
bool is_lower_or_digit(char c) {
  return std::islower(static_cast<unsigned char>(c)) != 0 || std::isdigit(static_cast<unsigned char>(c)) != 0;
}
char to_lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
}  // namespace

std::string snake_case(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (is_upper(c) && i > 0) {
      // A word starts at `aB`, `2B`, and at the last capital of a run followed by lower case
      // (`HTTPServer` -> http_server); `_` already separates.
      const char prev = name[i - 1];
      const bool next_lower = i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1])) != 0;
      if (prev != '_' && (is_lower_or_digit(prev) || (is_upper(prev) && next_lower))) out += '_';
    }
    out += to_lower(c);
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return to_lower(x) == to_lower(y); });
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

void suggest(diag::Diagnostic& d, const std::string& name, const std::vector<Candidate>& candidates) {
  std::vector<std::string> words;
  words.reserve(candidates.size());
  for (const Candidate& c : candidates) words.push_back(c.name);
  const std::string best = diag::closest_match(name, words);
  if (best.empty()) return;
  for (const Candidate& c : candidates) {
    if (c.name == best) {
      diag::Sink::note(d, c.where, "did you mean " + q(best) + "?");
      return;
    }
  }
}

std::vector<Candidate> names(std::span<const char* const> words) {
  std::vector<Candidate> out;
  for (const char* w : words) out.push_back(Candidate{w, {}});
  return out;
}

std::vector<Candidate> column_candidates(const model::Table& table) {
  std::vector<Candidate> out;
  for (const model::Column& c : table.columns) out.push_back(Candidate{c.attribute, c.where});
  return out;
}

std::vector<Candidate> decl_candidates(const Context& ctx, bool tables) {
  std::vector<Candidate> out;
  for (const auto& d : ctx.decls) {
    if (tables || d->is_entity()) out.push_back(Candidate{d->name, d->where});
  }
  return out;
}

Decl* lookup_decl(Context& ctx, const ast::Ident& name) {
  if (name.text.empty()) return nullptr;  // recovered from a syntax error, already reported
  if (Decl* d = ctx.find(name.text)) return d;
  diag::Diagnostic& e = ctx.sink.error(name.where, "unknown entity or table " + q(name.text));
  suggest(e, name.text, decl_candidates(ctx, true));
  return nullptr;
}

namespace {
/// The relationship member `attr` of `decl`, if it has one (where it is declared).
std::optional<Location> relationship_named(const Decl& decl, const std::string& attr) {
  for (const auto& [member, target] : decl.relationship_members) {
    if (member->name.text == attr) return member->name.where;
  }
  if (decl.view_entity != nullptr) {
    for (const model::Relationship& r : decl.view_entity->relationships) {
      if (r.name == attr) return r.where;
    }
  }
  return std::nullopt;
}
}  // namespace

const model::Column* lookup_column(Context& ctx, const Decl& decl, const ast::Ident& attr) {
  if (attr.text.empty()) return nullptr;
  if (const model::Column* c = decl.view->find_column(attr.text)) return c;
  if (const auto where = relationship_named(decl, attr.text)) {
    diag::Diagnostic& e =
        ctx.sink.error(attr.where, q(decl.name + "." + attr.text) + " is a relationship, not a column");
    diag::Sink::note(e, *where, q(attr.text) + " is declared here");
    return nullptr;
  }
  diag::Diagnostic& e =
      ctx.sink.error(attr.where, std::string(decl.is_entity() ? "unknown attribute " : "unknown column ") +
                                     q(attr.text) + " of " + decl.describe());
  suggest(e, attr.text, column_candidates(*decl.view));
  return nullptr;
}

const model::Column* resolve_column_path(Context& ctx, const ast::Expr& path, const Decl* bare,
                                         std::span<const Decl* const> allowed, std::string_view what, bool ordered) {
  if (path.kind != ast::Expr::Kind::Path) {
    ctx.sink.error(path.where, "expected a column for " + std::string(what) + ", got " + describe(path));
    return nullptr;
  }
  if (path.path.empty() ||
      std::any_of(path.path.begin(), path.path.end(), [](const ast::Ident& part) { return part.text.empty(); })) {
    return nullptr;  // recovered from a syntax error, already reported
  }
  if (path.order && !ordered) {
    ctx.sink.error(path.order->where, q(path.order->text) + " is only valid in order_by");
  }
  if (path.path.size() > 2) {
    ctx.sink.error(path.path[2].where, "expected 'Entity.attr' for " + std::string(what) + ", got a path of " +
                                           std::to_string(path.path.size()) + " names");
    return nullptr;
  }
  if (path.path.size() == 1) {
    if (bare == nullptr) {
      ctx.sink.error(path.where, "expected 'Entity.attr' for " + std::string(what) + ", got " + q(path.path[0].text));
      return nullptr;
    }
    return lookup_column(ctx, *bare, path.path[0]);
  }
  const Decl* decl = lookup_decl(ctx, path.path[0]);
  if (decl == nullptr) return nullptr;
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), decl) == allowed.end()) {
    std::string names;
    for (std::size_t i = 0; i < allowed.size(); ++i) {
      if (std::find(allowed.begin(), allowed.begin() + static_cast<std::ptrdiff_t>(i), allowed[i]) !=
          allowed.begin() + static_cast<std::ptrdiff_t>(i)) {
        continue;  // self-referential: owner and target are the same
      }
      if (!names.empty()) names += " or ";
      names += q(allowed[i]->name);
    }
    ctx.sink.error(path.path[0].where,
                   std::string(what) + " must name a column of " + names + ", not of " + q(decl->name));
    return nullptr;
  }
  return lookup_column(ctx, *decl, path.path[1]);
}

std::vector<model::OrderTerm> resolve_order_by(Context& ctx, const ast::Expr& value, const Decl& on,
                                               std::string_view what, bool& ok) {
  std::vector<model::OrderTerm> terms;
  const std::vector<const ast::Expr*> elements = list_elements(value);
  if (elements.empty()) {
    ctx.sink.error(value.where, "empty " + std::string(what));
    ok = false;
  }
  const Decl* allowed[] = {&on};
  for (const ast::Expr* e : elements) {
    const model::Column* column = resolve_column_path(ctx, *e, &on, allowed, what, true);
    if (column == nullptr) {
      ok = false;
      continue;
    }
    terms.push_back(model::OrderTerm{column, e->order && e->order->text == "desc"});
  }
  return terms;
}

const char* describe(const ast::Expr& expr) {
  switch (expr.kind) {
    case ast::Expr::Kind::Integer:
      return "an integer";
    case ast::Expr::Kind::String:
      return "a string";
    case ast::Expr::Kind::Boolean:
      return expr.boolean ? "'true'" : "'false'";
    case ast::Expr::Kind::Path:
      return "a name";
    case ast::Expr::Kind::Call:
      return "a call";
    case ast::Expr::Kind::List:
      return "a list";
  }
  return "a value";
}

std::optional<std::string> expect_string(Context& ctx, const ast::Expr& expr, std::string_view what) {
  if (expr.kind == ast::Expr::Kind::String) return expr.text;
  ctx.sink.error(expr.where, "expected a string for " + std::string(what) + ", got " + describe(expr));
  return std::nullopt;
}

std::optional<bool> expect_bool(Context& ctx, const ast::Expr& expr, std::string_view what) {
  if (expr.kind == ast::Expr::Kind::Boolean) return expr.boolean;
  ctx.sink.error(expr.where, "expected 'true' or 'false' for " + std::string(what) + ", got " + describe(expr));
  return std::nullopt;
}

std::optional<std::int64_t> expect_integer(Context& ctx, const ast::Expr& expr, std::string_view what) {
  if (expr.kind == ast::Expr::Kind::Integer) return expr.integer;
  ctx.sink.error(expr.where, "expected an integer for " + std::string(what) + ", got " + describe(expr));
  return std::nullopt;
}

std::optional<ast::Ident> expect_word(Context& ctx, const ast::Expr& expr, std::string_view what) {
  if (expr.kind == ast::Expr::Kind::String) return ast::Ident{expr.text, expr.where};
  if (expr.kind == ast::Expr::Kind::Path && expr.path.size() == 1 && !expr.order) return expr.path[0];
  ctx.sink.error(expr.where, "expected a string for " + std::string(what) + ", got " + describe(expr));
  return std::nullopt;
}

std::vector<const ast::Expr*> list_elements(const ast::Expr& expr) {
  std::vector<const ast::Expr*> out;
  if (expr.kind != ast::Expr::Kind::List) {
    out.push_back(&expr);
    return out;
  }
  for (const ast::Arg& a : expr.args) out.push_back(&a.value);
  return out;
}

Location part_location(const ast::Expr& string_literal, std::size_t offset, std::size_t length) {
  const Location& where = string_literal.where;
  if (!where.valid() || where.column == 0) return where;
  const std::string_view line = where.file->line(where.line);
  const std::size_t start = where.column;  // just after the opening quote (columns are 1-based)
  const std::string_view decoded(string_literal.text);
  if (offset + length > decoded.size() || start + offset + length > line.size()) return where;
  // Escapes make source and decoded text differ; then the whole literal is the best we know.
  if (line.substr(start, offset + length) != decoded.substr(0, offset + length)) return where;
  return Location{where.file, where.line, static_cast<std::uint32_t>(start + 1 + offset),
                  static_cast<std::uint32_t>(std::max<std::size_t>(length, 1))};
}

std::vector<const ast::Arg*> check_arguments(Context& ctx, std::span<const ast::Arg> args, std::size_t max_positional,
                                             std::span<const char* const> allowed, std::string_view call) {
  std::vector<const ast::Arg*> positional;
  std::map<std::string, Location> seen;
  for (const ast::Arg& a : args) {
    if (!a.name) {
      if (positional.size() == max_positional) {
        ctx.sink.error(a.where, max_positional == 0 && allowed.empty() ? q(call) + " takes no arguments"
                                                                       : "too many arguments to " + q(call));
      }
      positional.push_back(&a);
      continue;
    }
    const std::string& name = a.name->text;
    if (std::find_if(allowed.begin(), allowed.end(), [&](const char* w) { return name == w; }) == allowed.end()) {
      diag::Diagnostic& e =
          ctx.sink.error(a.name->where, allowed.empty() ? q(call) + " takes no named arguments"
                                                        : "unknown argument " + q(name) + " of " + q(call));
      suggest(e, name, names(allowed));
      continue;
    }
    if (const auto [it, inserted] = seen.emplace(name, a.name->where); !inserted) {
      diag::Diagnostic& e = ctx.sink.error(a.name->where, "duplicate argument " + q(name));
      diag::Sink::note(e, it->second, "first given here");
    }
  }
  if (positional.size() > max_positional) positional.resize(max_positional);
  return positional;
}

const ast::Arg* named_argument(std::span<const ast::Arg> args, std::string_view name) {
  for (const ast::Arg& a : args) {
    if (a.name && a.name->text == name) return &a;
  }
  return nullptr;
}

const char* kind_name(model::RelationshipKind kind) {
  switch (kind) {
    case model::RelationshipKind::OneToMany:
      return "one-to-many";
    case model::RelationshipKind::ManyToOne:
      return "many-to-one";
    case model::RelationshipKind::OneToOne:
      return "one-to-one";
    case model::RelationshipKind::ManyToMany:
      return "many-to-many";
  }
  return "?";
}

std::string member_name(const model::Relationship& r) {
  return q((r.owner != nullptr ? r.owner->name : std::string()) + "." + r.name);
}

}  // namespace ormc::sema::detail
