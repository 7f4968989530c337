// Private to sema: the state the passes share, the passes themselves and their small helpers.
//
// Order (sema.cpp): declare -> columns -> entity options -> foreign keys / keys ->
// relationships -> pairing (backref, back_populates) -> relationship checks.
// Every Column is created before any pointer to one is taken: Table::columns never grows
// after the columns pass, so ForeignKey/JoinPair/OrderTerm pointers stay valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"
#include "model/model.hpp"

namespace ormc::sema::detail {

using diag::Location;

/// A `foreign_key(...)` modifier waiting for every table to have its columns.
struct PendingForeignKey {
  std::size_t column = 0;  ///< position in the owning table
  const ast::Modifier* modifier = nullptr;
};

/// `autoincrement(true|false)` as written; checked once the primary key is known.
struct ExplicitAutoincrement {
  std::size_t column = 0;
  bool value = true;
  Location where;
};

/// A name visible in this file: a local or imported entity or plain table.
struct Decl {
  std::string name;
  Location where;                              ///< the name in its declaration
  const ast::Entity* ast = nullptr;            ///< null when imported
  model::Entity* entity = nullptr;             ///< local entity (null for plain tables and imports)
  model::Table* table = nullptr;               ///< local table: the entity's or a plain table
  const model::Table* view = nullptr;          ///< the table, local or imported
  const model::Entity* view_entity = nullptr;  ///< the entity, local or imported; null for tables
  /// Errors that make later checks guess: skip those that would only echo them ("no primary
  /// key" after an unknown column type, "no foreign key path" after a bad foreign key).
  bool lost_member = false;      ///< a member was dropped (unknown type, duplicate): it may have been a key
  bool bad_foreign_key = false;  ///< a foreign_key(...) failed to resolve
  Location table_name_where;     ///< the `table "..."` value, else the name
  std::vector<std::pair<const ast::Member*, Decl*>> relationship_members;  ///< member, target
  std::vector<PendingForeignKey> foreign_keys;
  std::vector<ExplicitAutoincrement> autoincrement;  ///< written `autoincrement(...)` modifiers

  [[nodiscard]] bool local() const { return ast != nullptr; }
  [[nodiscard]] bool is_entity() const { return view_entity != nullptr; }
  /// "entity 'X'" or "table 'x'", for messages.
  [[nodiscard]] std::string describe() const;
};

/// The options of one `relationship(...)` (or `backref("name", ...)`), checked for shape and
/// values but not yet resolved against tables.
struct RelationshipOptions {
  std::map<std::string, Location, std::less<>> given;  ///< option name -> its value's location
  std::optional<model::LoaderStrategy> lazy;
  std::optional<std::uint16_t> cascade;
  Location delete_orphan_where;  ///< the `delete-orphan` item of cascade
  Location cascade_write_where;  ///< the first save-update/delete/delete-orphan written by name
  std::optional<model::PassiveDeletes> passive_deletes;
  std::optional<bool> passive_updates, single_parent, post_update, viewonly, innerjoin, uselist;
  std::optional<int> join_depth;
  std::optional<model::CollectionClass> collection;
  const ast::Expr* collection_key = nullptr;  ///< map(Target.attr)
  const ast::Expr* order_by = nullptr;
  const ast::Expr* backref = nullptr;
  const ast::Expr* secondary = nullptr;
  const ast::Expr* foreign_keys = nullptr;
  const ast::Expr* remote_side = nullptr;
  std::optional<ast::Ident> back_populates;

  [[nodiscard]] Location where(std::string_view name) const;
};

/// One relationship of a local entity on its way into the model.
struct PendingRelationship {
  Decl* owner = nullptr;
  Decl* target = nullptr;
  std::size_t index = 0;                ///< in owner->entity->relationships
  RelationshipOptions options;
  bool resolved = false;  ///< kind and join columns are known
};

struct Context {
  Context(const ast::File& f, std::span<const std::shared_ptr<const model::Schema>> i, diag::Sink& s, model::Schema& m)
      : file(f), imports(i), sink(s), schema(m) {}

  const ast::File& file;
  std::span<const std::shared_ptr<const model::Schema>> imports;
  diag::Sink& sink;
  model::Schema& schema;
  std::vector<std::unique_ptr<Decl>> decls;  ///< imported first, then local in source order
  std::unordered_map<std::string, Decl*> by_name;
  std::vector<PendingRelationship> relationships;

  [[nodiscard]] Decl* find(const std::string& name) const;
  [[nodiscard]] model::Relationship& relationship(const PendingRelationship& p) const {
    return p.owner->entity->relationships[p.index];
  }
};

// ---------------------------------------------------------------- passes

void declare(Context& ctx);                ///< declare.cpp: schema, names, model objects
void build_columns(Context& ctx);          ///< columns.cpp: member types and column modifiers
void apply_entity_options(Context& ctx);   ///< entity_options.cpp
void check_table_names(Context& ctx);      ///< declare.cpp: SQL table names unique
void resolve_foreign_keys(Context& ctx);   ///< foreign_keys.cpp
void finish_keys(Context& ctx);            ///< keys.cpp: primary keys and autoincrement
void resolve_relationships(Context& ctx);  ///< relationships.cpp: kinds and join columns
void pair_relationships(Context& ctx);     ///< pairing.cpp: backref and back_populates
void check_relationships(Context& ctx);    ///< validate.cpp: SPEC §1.6 relationship rules

/// The column type spelled `name` (columns.cpp), if it is one.
std::optional<model::ColumnType> column_type(std::string_view name);

// ---------------------------------------------------------------- helpers (helpers.cpp)

/// 'name', quoted the way every message quotes names.
std::string q(std::string_view name);
std::string snake_case(std::string_view name);
bool iequals(std::string_view a, std::string_view b);
std::string lower(std::string_view text);

/// A name that could have been meant, with where it is declared (invalid when built in).
struct Candidate {
  std::string name;
  Location where;
};
/// Adds `note: did you mean 'x'?` when one candidate is close to `name`.
void suggest(diag::Diagnostic& d, const std::string& name, const std::vector<Candidate>& candidates);
std::vector<Candidate> names(std::span<const char* const> words);
std::vector<Candidate> column_candidates(const model::Table& table);
/// Entities (and, when `tables`, plain tables) visible in this file.
std::vector<Candidate> decl_candidates(const Context& ctx, bool tables);

/// Looks up an entity or table by name, reporting "unknown entity or table 'X'".
Decl* lookup_decl(Context& ctx, const ast::Ident& name);
/// Looks up `attr` among the columns of `decl`, reporting unknown attributes and
/// relationships named where a column is needed.
const model::Column* lookup_column(Context& ctx, const Decl& decl, const ast::Ident& attr);
/// `attr` or `Decl.attr`: bare names resolve on `bare`; `allowed` (when not empty) lists the
/// declarations a qualified name may name, `what` says what the path is for.
/// `asc`/`desc` after the path is an error unless `ordered`.
const model::Column* resolve_column_path(Context& ctx, const ast::Expr& path, const Decl* bare,
                                         std::span<const Decl* const> allowed, std::string_view what,
                                         bool ordered = false);
/// Order terms from `a`, `a desc`, `[a, b desc]` (each resolved by resolve_column_path).
std::vector<model::OrderTerm> resolve_order_by(Context& ctx, const ast::Expr& value, const Decl& on,
                                               std::string_view what, bool& ok);

/// "a string", "an integer", ... for "expected X, got Y" messages.
const char* describe(const ast::Expr& expr);
std::optional<std::string> expect_string(Context& ctx, const ast::Expr& expr, std::string_view what);
std::optional<bool> expect_bool(Context& ctx, const ast::Expr& expr, std::string_view what);
std::optional<std::int64_t> expect_integer(Context& ctx, const ast::Expr& expr, std::string_view what);
/// A word given either as a string or as a bare name (`lazy = "dynamic"`, `collection = set`).
std::optional<ast::Ident> expect_word(Context& ctx, const ast::Expr& expr, std::string_view what);
/// The elements of `[a, b]`, or the single expression itself.
std::vector<const ast::Expr*> list_elements(const ast::Expr& expr);

/// Where bytes [offset, offset + length) of a string literal's decoded text are, when the
/// literal has no escapes before them; otherwise the whole literal.
Location part_location(const ast::Expr& string_literal, std::size_t offset, std::size_t length);

/// Reports positional arguments beyond `max` and named ones not in `allowed`; `call` names
/// the modifier or option for messages. Returns the positional arguments.
std::vector<const ast::Arg*> check_arguments(Context& ctx, std::span<const ast::Arg> args, std::size_t max_positional,
                                             std::span<const char* const> allowed, std::string_view call);
const ast::Arg* named_argument(std::span<const ast::Arg> args, std::string_view name);

/// Literal defaults (literals.cpp): the value when it fits `column`, else an error.
std::optional<model::DefaultValue> check_default(Context& ctx, const ast::Expr& value, const model::Column& column,
                                                 bool server);

/// Relationship options (relationship_options.cpp); `backref` parses the options of a
/// `backref("name", ...)` call, which may not repeat the join-defining ones.
/// `skip` (the backref's name) is not an option. The result points into `args`.
RelationshipOptions parse_relationship_options(Context& ctx, std::span<const ast::Arg> args, bool backref,
                                               const ast::Arg* skip = nullptr);
/// Applies what needs the resolved kind and target: flags, order_by, collection class.
void apply_relationship_options(Context& ctx, PendingRelationship& p);

const char* kind_name(model::RelationshipKind kind);
/// "'A.b'" for messages.
std::string member_name(const model::Relationship& r);

}  // namespace ormc::sema::detail
