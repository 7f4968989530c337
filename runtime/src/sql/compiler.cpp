// Renders typed statements as SQL text with numbered placeholders; values only ever become parameters.
//
// The same statement shape always renders the same text (values live in `params`, LIMIT and
// OFFSET included), so the per-connection prepared-statement cache keyed by SQL text hits.
#include "sql/compiler.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "ormc/errors.hpp"
#include "session/crud_sql.hpp"
#include "sql/joined_plan.hpp"

namespace ormc::detail {
namespace {

using Kind = ExprNode::Kind;

// Binding strength, weakest first. A child that binds less tightly than its parent is
// parenthesized; SQL comparisons do not chain, so a comparison inside one is too.
constexpr int kOr = 1;
constexpr int kAnd = 2;
constexpr int kNot = 3;
constexpr int kComparison = 4;
// String concatenation: PostgreSQL binds `||` looser than + and SQLite tighter, but its operands are
// always text (Comparable), so no arithmetic meets it unparenthesized; above comparisons on both.
constexpr int kConcat = 5;
constexpr int kAdditive = 6;
constexpr int kMultiplicative = 7;
constexpr int kAtom = 9;

int precedence(const ExprNode& n) {
  switch (n.kind) {
    case Kind::Column:
    case Kind::TableColumn:
    case Kind::Param:
    case Kind::Function: return kAtom;
    // Raw text is either an atom (`count(*)`) or a comparison (`1 != 1`).
    case Kind::Raw: return n.op.find(' ') == std::string_view::npos ? kAtom : kComparison;
    case Kind::Not: return kNot;
    case Kind::In:
    case Kind::Between:
    case Kind::IsNull:
    case Kind::IsNotNull: return kComparison;
    case Kind::Binary:
      if (n.op == "OR") return kOr;
      if (n.op == "AND") return kAnd;
      if (n.op == "||") return kConcat;
      if (n.op == "+" || n.op == "-") return kAdditive;
      if (n.op == "*" || n.op == "/") return kMultiplicative;
      return kComparison;
  }
  return kAtom;
}

/// Appends SQL for expressions, numbering parameters in order of appearance.
class Writer {
 public:
  Writer(const Dialect& d, CompiledSql& out) : d_(d), out_(out) {}

  void text(std::string_view s) { out_.sql += s; }
  void identifier(std::string_view s) { d_.append_identifier(out_.sql, s); }
  void param(const Value& v) {
    out_.params.push_back(v);
    d_.append_placeholder(out_.sql, out_.params.size());
  }
  void column(const EntityInfo& entity, std::uint16_t index) {
    identifier(entity.table->name);
    text(".");
    identifier(entity.table->columns[index].name);
  }

  /// `n`, parenthesized when it binds less tightly than `min_precedence` requires.
  void expr(const ExprNode& n, int min_precedence = 0) {
    const bool parens = precedence(n) < min_precedence;
    if (parens) text("(");
    bare(n);
    if (parens) text(")");
  }

 private:
  void bare(const ExprNode& n) {
    switch (n.kind) {
      case Kind::Column: column(*n.entity, n.column); return;
      case Kind::TableColumn:
        identifier(n.table->name);
        text(".");
        identifier(n.table->columns[n.column].name);
        return;
      case Kind::Param: param(n.value); return;
      case Kind::Raw: text(n.op); return;
      case Kind::Not:
        text("NOT ");
        expr(*n.args[0], kAtom);
        return;
      case Kind::Function:
        text(n.op);
        text("(");
        for (std::size_t i = 0; i < n.args.size(); ++i) {
          if (i > 0) text(", ");
          expr(*n.args[i]);
        }
        text(")");
        return;
      case Kind::In:
        expr(*n.args[0], kComparison + 1);
        text(" IN (");
        for (std::size_t i = 1; i < n.args.size(); ++i) {
          if (i > 1) text(", ");
          expr(*n.args[i]);
        }
        text(")");
        return;
      case Kind::Between:
        expr(*n.args[0], kComparison + 1);
        text(" BETWEEN ");
        expr(*n.args[1], kComparison + 1);
        text(" AND ");
        expr(*n.args[2], kComparison + 1);
        return;
      case Kind::IsNull:
        expr(*n.args[0], kComparison + 1);
        text(" IS NULL");
        return;
      case Kind::IsNotNull:
        expr(*n.args[0], kComparison + 1);
        text(" IS NOT NULL");
        return;
      case Kind::Binary: {
        const int p = precedence(n);
        // AND / OR / || are associative: `a AND (b AND c)` needs no parentheses. Arithmetic is not
        // (`a - (b - c)`), and comparisons don't chain, so there the right side needs more.
        const bool associative = p == kAnd || p == kOr || p == kConcat;
        expr(*n.args[0], p == kComparison ? p + 1 : p);
        text(" ");
        text(n.op);
        text(" ");
        expr(*n.args[1], associative ? p : p + 1);
        return;
      }
    }
  }

  const Dialect& d_;
  CompiledSql& out_;
};

/// Every entity whose columns `n` uses, in order of first appearance.
void collect_entities(const ExprNode& n, std::vector<const EntityInfo*>& out) {
  if (n.kind == Kind::Column && std::find(out.begin(), out.end(), n.entity) == out.end()) out.push_back(n.entity);
  for (const auto& a : n.args) collect_entities(*a, out);
}

void append_where(Writer& w, const std::vector<ExprPtr>& where) {
  for (std::size_t i = 0; i < where.size(); ++i) {
    w.text(i == 0 ? " WHERE " : " AND ");
    w.expr(*where[i], where.size() > 1 ? kAnd : 0);  // an OR among several criteria needs parentheses
  }
}

std::string entity_name(const EntityInfo& e) { return std::string(e.name); }

bool same_table(std::string_view table, const EntityInfo& e) { return e.table->name == table; }

void append_pairs(Writer& w, std::span<const JoinPair> pairs) {
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0) w.text(" AND ");
    w.identifier(pairs[i].local_table);
    w.text(".");
    w.identifier(pairs[i].local_column);
    w.text(" = ");
    w.identifier(pairs[i].remote_table);
    w.text(".");
    w.identifier(pairs[i].remote_column);
  }
}

/// A relationship joining an entity already in FROM (`present`) to `target`: declared on a present
/// entity towards the target, or on the target towards a present entity (the other side of a
/// one-way relationship joins on the same columns).
struct FoundRelationship {
  const RelationshipInfo* rel;
  bool reversed;  ///< declared on the joined entity, pointing back at one already present
};

FoundRelationship find_relationship(const std::vector<const EntityInfo*>& present, const JoinSpec& join) {
  std::vector<const RelationshipInfo*> found;
  auto consider = [&](const RelationshipInfo& rel) {
    if (join.relationship.empty() || rel.name == join.relationship) found.push_back(&rel);
  };
  for (const EntityInfo* e : present)
    for (const RelationshipInfo& rel : e->relationships)
      if (rel.target != nullptr && &rel.target() == join.target) consider(rel);
  const bool reversed = found.empty();
  if (reversed) {
    for (const RelationshipInfo& rel : join.target->relationships)
      if (rel.target != nullptr && std::find(present.begin(), present.end(), &rel.target()) != present.end())
        consider(rel);
  }
  // A relationship and its back_populates partner describe the same join: keep one.
  if (found.size() == 2 && found[0]->back_populates == found[1]->name && found[1]->back_populates == found[0]->name)
    found.pop_back();
  if (found.empty()) {
    throw InvalidRequestError("join<" + entity_name(*join.target) + ">(" + std::string(join.relationship) +
                              "): no relationship connects it to the entities already in the statement");
  }
  if (found.size() > 1) {
    throw InvalidRequestError("join<" + entity_name(*join.target) +
                              ">(): several relationships lead there; name one, e.g. join<" +
                              entity_name(*join.target) + ">(\"" + std::string(found[0]->name) + "\")");
  }
  return {found[0], reversed};
}

void append_join(Writer& w, std::vector<const EntityInfo*>& present, const JoinSpec& join) {
  if (std::find(present.begin(), present.end(), join.target) != present.end()) {
    throw InvalidRequestError("join<" + entity_name(*join.target) +
                              ">(): the entity is already in the statement (self-joins need aliases, "
                              "which typed statements don't offer)");
  }
  const auto [found, reversed] = find_relationship(present, join);
  const RelationshipInfo& rel = *found;
  if (rel.secondary != nullptr) {
    // parent -(primaryjoin)- secondary -(secondaryjoin)- child; walked from the child when reversed.
    w.text(" JOIN ");
    w.identifier(rel.secondary->name);
    w.text(" ON ");
    append_pairs(w, reversed ? rel.secondaryjoin : rel.primaryjoin);
    w.text(" JOIN ");
    w.identifier(join.target->table->name);
    w.text(" ON ");
    append_pairs(w, reversed ? rel.primaryjoin : rel.secondaryjoin);
  } else {
    w.text(" JOIN ");
    w.identifier(join.target->table->name);
    w.text(" ON ");
    append_pairs(w, rel.primaryjoin);
  }
  present.push_back(join.target);
}

void append_order(Writer& w, const OrderBy& term) {
  w.expr(*term.expr);
  if (term.order == SortOrder::Ascending) w.text(" ASC");
  if (term.order == SortOrder::Descending) w.text(" DESC");
}

void check_single_table(const EntityInfo& target, const std::vector<ExprPtr>& where, const char* verb) {
  std::vector<const EntityInfo*> used;
  for (const auto& c : where) collect_entities(*c, used);
  for (const EntityInfo* e : used) {
    if (e != &target && !same_table(e->table->name, target)) {
      throw InvalidRequestError(std::string(verb) + " of " + entity_name(target) + ": the criteria use " +
                                entity_name(*e) + ", but only the statement's own table may appear");
    }
  }
}

/// ` RETURNING e1, e2` of an INSERT.
void append_returning(Writer& w, const InsertData& stmt) {
  if (stmt.returning_entity) {  // every column, in table order: the row becomes an object
    const auto& columns = stmt.entity->table->columns;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      w.text(i == 0 ? " RETURNING " : ", ");
      w.column(*stmt.entity, static_cast<std::uint16_t>(i));
    }
    return;
  }
  check_single_table(*stmt.entity, stmt.returning, "insert().returning()");
  for (std::size_t i = 0; i < stmt.returning.size(); ++i) {
    w.text(i == 0 ? " RETURNING " : ", ");
    w.expr(*stmt.returning[i]);
  }
}

void append_table_list(Writer& w, const std::vector<const TableInfo*>& tables) {
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (i > 0) w.text(", ");
    w.identifier(tables[i]->name);
  }
}

/// ` WHERE (t.k1, ...) IN (SELECT t.k1, ... FROM t, extra... WHERE criteria)`: the portable form of
/// a multi-table UPDATE / DELETE, for dialects without UPDATE ... FROM / DELETE ... USING.
void append_key_in_subquery(Writer& w, const EntityInfo& entity, const std::vector<const TableInfo*>& tables,
                            const std::vector<ExprPtr>& where) {
  const auto& key = entity.primary_key;
  auto key_list = [&] {
    for (std::size_t i = 0; i < key.size(); ++i) {
      if (i > 0) w.text(", ");
      w.column(entity, key[i]);
    }
  };
  w.text(" WHERE ");
  if (key.size() > 1) w.text("(");
  key_list();
  if (key.size() > 1) w.text(")");
  w.text(" IN (SELECT ");
  key_list();
  w.text(" FROM ");
  w.identifier(entity.table->name);
  w.text(", ");
  append_table_list(w, tables);
  append_where(w, where);
  w.text(")");
}


// --- joined eager loading (lazy = "joined", joinedload()): aliased joins, labelled columns, order.

/// `<alias>.<column>`.
void aliased_column(Writer& w, std::string_view alias, std::string_view column) {
  w.identifier(alias);
  w.text(".");
  w.identifier(column);
}

/// `, alias.col AS alias_col, ...` for every step's target: each joined column under its own label.
void append_joined_columns(Writer& w, const JoinedPlan& plan) {
  for (const JoinedStep& step : plan.steps) {
    for (const ColumnInfo& c : step.rel->target().table->columns) {
      w.text(", ");
      aliased_column(w, step.alias, c.name);
      w.text(" AS ");
      w.identifier(step.alias + "_" + std::string(c.name));
    }
  }
}

/// `owner.local = other.remote AND ...` for `pairs`, the owner side under `owner`, the other side
/// under `other` (table names alone can't tell them apart in a self-referential join).
void append_aliased_pairs(Writer& w, std::span<const JoinPair> pairs, std::string_view owner, std::string_view other) {
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0) w.text(" AND ");
    aliased_column(w, owner, pairs[i].local_column);
    w.text(" = ");
    aliased_column(w, other, pairs[i].remote_column);
  }
}

/// `table AS alias`.
void append_aliased_table(Writer& w, std::string_view table, std::string_view alias) {
  w.identifier(table);
  w.text(" AS ");
  w.identifier(alias);
}

/// The eager joins, each from its owner (`root` for the selected entity) to its aliased target.
/// A many-to-many outer join nests the association table and the target, as SQLAlchemy does:
/// `LEFT OUTER JOIN (secondary AS s JOIN target AS t ON ...) ON owner... = s...`.
void append_eager_joins(Writer& w, const JoinedPlan& plan, std::string_view root) {
  for (const JoinedStep& step : plan.steps) {
    const RelationshipInfo& rel = *step.rel;
    const std::string_view owner = step.parent < 0 ? root : std::string_view(plan.steps[static_cast<std::size_t>(step.parent)].alias);
    const TableInfo& target = *rel.target().table;
    if (rel.kind == RelationshipKind::ManyToMany) {
      if (step.inner) {
        w.text(" JOIN ");
        append_aliased_table(w, rel.secondary->name, step.secondary_alias);
        w.text(" ON ");
        append_aliased_pairs(w, rel.primaryjoin, owner, step.secondary_alias);
        w.text(" JOIN ");
        append_aliased_table(w, target.name, step.alias);
        w.text(" ON ");
        append_aliased_pairs(w, rel.secondaryjoin, step.secondary_alias, step.alias);
      } else {
        w.text(" LEFT OUTER JOIN (");
        append_aliased_table(w, rel.secondary->name, step.secondary_alias);
        w.text(" JOIN ");
        append_aliased_table(w, target.name, step.alias);
        w.text(" ON ");
        append_aliased_pairs(w, rel.secondaryjoin, step.secondary_alias, step.alias);
        w.text(") ON ");
        append_aliased_pairs(w, rel.primaryjoin, owner, step.secondary_alias);
      }
      continue;
    }
    w.text(step.inner ? " JOIN " : " LEFT OUTER JOIN ");
    append_aliased_table(w, target.name, step.alias);
    w.text(" ON ");
    append_aliased_pairs(w, rel.primaryjoin, owner, step.alias);
  }
}

/// The joined collections' order_by, after the parent's order (`ordered`: terms came before).
void append_eager_order(Writer& w, const JoinedPlan& plan, bool ordered) {
  for (const JoinedStep& step : plan.steps) {
    if (!step.multi_row()) continue;
    for (const OrderTerm& t : step.rel->order_by) {
      w.text(ordered ? ", " : " ORDER BY ");
      ordered = true;
      aliased_column(w, step.alias, step.rel->target().table->columns[t.column].name);
      if (t.descending) w.text(" DESC");
    }
  }
}

/// LIMIT / OFFSET of a joined collection load, as SQLAlchemy: the limited parent query becomes a
/// subquery `anon_1` and the eager joins attach to it, so the limit counts parents, not rows.
/// Parent order terms that are not the entity's own columns are carried out of the subquery as
/// labelled extra columns.
CompiledSql compile_wrapped_select(const Dialect& d, const SelectData& stmt, const JoinedPlan& plan) {
  constexpr std::string_view kAnon = "anon_1";
  const EntityInfo& entity = *stmt.entity;
  const auto& columns = entity.table->columns;
  SelectData inner = stmt;
  inner.no_eager_joins = true;
  inner.label_extra_columns = true;
  inner.loader_options.clear();
  // The outer ORDER BY: the parent's order, named through the subquery.
  struct OuterTerm {
    std::string column;  // a column of anon_1
    bool descending = false;
  };
  std::vector<OuterTerm> outer_order;
  const auto extra_label = [](std::size_t k) { return "anon_extra_" + std::to_string(k); };
  if (stmt.explicit_order) {
    for (const OrderBy& term : stmt.order_by) {
      const bool descending = term.order == SortOrder::Descending;
      if (term.expr->kind == Kind::Column && term.expr->entity == &entity) {
        outer_order.push_back({std::string(columns[term.expr->column].name), descending});
      } else {
        inner.extra_columns.push_back(term.expr);
        outer_order.push_back({extra_label(inner.extra_columns.size()), descending});
      }
    }
  } else {
    for (const OrderTerm& t : entity.order_by) outer_order.push_back({std::string(columns[t.column].name), t.descending});
  }
  CompiledSql out = compile_select(d, inner);
  std::string subquery = std::move(out.sql);
  out.sql.clear();
  Writer w(d, out);  // the subquery's parameters stay first and keep their numbers
  w.text("SELECT ");
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) w.text(", ");
    aliased_column(w, kAnon, columns[i].name);
  }
  for (std::size_t k = 1; k <= stmt.extra_columns.size(); ++k) {
    w.text(", ");
    aliased_column(w, kAnon, extra_label(k));
  }
  append_joined_columns(w, plan);
  w.text(" FROM (");
  w.text(subquery);
  w.text(") AS ");
  w.identifier(kAnon);
  append_eager_joins(w, plan, kAnon);
  for (std::size_t i = 0; i < outer_order.size(); ++i) {
    w.text(i == 0 ? " ORDER BY " : ", ");
    aliased_column(w, kAnon, outer_order[i].column);
    if (outer_order[i].descending) w.text(" DESC");
  }
  append_eager_order(w, plan, !outer_order.empty());
  return out;
}

}  // namespace

CompiledSql compile_select(const Dialect& d, const SelectData& stmt) {
  const JoinedPlan plan = joined_plan(stmt);  // empty for every select without joined eager loads
  if (plan.has_collection() && (stmt.limit || stmt.offset)) return compile_wrapped_select(d, stmt, plan);
  CompiledSql out;
  Writer w(d, out);
  std::vector<const EntityInfo*> from;  // FROM entities, then joined ones: what the criteria may use

  w.text("SELECT ");
  if (stmt.entity != nullptr) {
    append_column_list(d, *stmt.entity->table, out.sql);
    for (std::size_t k = 0; k < stmt.extra_columns.size(); ++k) {
      w.text(", ");
      w.expr(*stmt.extra_columns[k]);
      if (stmt.label_extra_columns) {
        w.text(" AS ");
        w.identifier("anon_extra_" + std::to_string(k + 1));
      }
    }
    if (!plan.empty()) append_joined_columns(w, plan);
    from.push_back(stmt.entity);
  } else {
    w.expr(*stmt.column);
    if (stmt.from != nullptr) from.push_back(stmt.from);
    else collect_entities(*stmt.column, from);
  }
  // Tables the criteria use but nothing joins become further FROM items, as in SQLAlchemy.
  std::vector<const EntityInfo*> used = from;
  for (const auto& c : stmt.where) collect_entities(*c, used);
  for (const auto& o : stmt.order_by) collect_entities(*o.expr, used);
  std::vector<const EntityInfo*> extra;
  for (const EntityInfo* e : used) {
    const bool joined = std::any_of(stmt.joins.begin(), stmt.joins.end(), [&](const JoinSpec& j) { return j.target == e; });
    if (!joined && std::find(from.begin(), from.end(), e) == from.end()) extra.push_back(e);
  }
  if (from.empty() && extra.empty()) {
    throw InvalidRequestError(
        "select(expr) names no table: say which with .select_from<T>(), e.g. select(count()).select_from<T>()");
  }
  if (from.empty()) {
    from.push_back(extra.front());
    extra.erase(extra.begin());
  }

  w.text(" FROM ");
  w.identifier(from.front()->table->name);
  std::vector<const EntityInfo*> present{from.front()};
  for (const auto& join : stmt.joins) append_join(w, present, join);
  // Eager joins attach to the entity's join chain, before any comma-separated FROM item.
  if (!plan.empty()) append_eager_joins(w, plan, stmt.entity->table->name);
  for (std::size_t i = 1; i < from.size(); ++i) {
    if (std::find(present.begin(), present.end(), from[i]) != present.end()) continue;
    w.text(", ");
    w.identifier(from[i]->table->name);
    present.push_back(from[i]);
  }
  for (const EntityInfo* e : extra) {
    if (std::find(present.begin(), present.end(), e) != present.end()) continue;
    w.text(", ");
    w.identifier(e->table->name);
    present.push_back(e);
  }
  for (const TableInfo* t : stmt.from_tables) {
    w.text(", ");
    w.identifier(t->name);
  }

  append_where(w, stmt.where);

  bool ordered = false;
  if (stmt.explicit_order) {
    for (std::size_t i = 0; i < stmt.order_by.size(); ++i) {
      w.text(i == 0 ? " ORDER BY " : ", ");
      append_order(w, stmt.order_by[i]);
    }
    ordered = !stmt.order_by.empty();
  } else if (stmt.entity != nullptr && !stmt.entity->order_by.empty()) {
    const auto& terms = stmt.entity->order_by;
    for (std::size_t i = 0; i < terms.size(); ++i) {
      w.text(i == 0 ? " ORDER BY " : ", ");
      w.column(*stmt.entity, terms[i].column);
      if (terms[i].descending) w.text(" DESC");
    }
    ordered = true;
  }
  // Joined collections fill in row order: their order_by follows the parent's (SQLAlchemy).
  if (!plan.empty()) append_eager_order(w, plan, ordered);

  if (stmt.limit) {
    w.text(" LIMIT ");
    w.param(Value(*stmt.limit));
  } else if (stmt.offset && d.kind() == DialectKind::SQLite) {
    w.text(" LIMIT -1");  // SQLite's grammar has OFFSET only after a LIMIT; -1 means none
  }
  if (stmt.offset) {
    w.text(" OFFSET ");
    w.param(Value(*stmt.offset));
  }
  return out;
}

std::size_t insert_row_parameters(const InsertData& stmt) {
  std::size_t most = 0;
  for (const auto& row : stmt.rows) {
    std::size_t n = 0;
    std::vector<const ExprNode*> todo;
    for (const auto& a : row) todo.push_back(a.value.get());
    for (const auto& a : stmt.fixed) todo.push_back(a.value.get());
    while (!todo.empty()) {
      const ExprNode* node = todo.back();
      todo.pop_back();
      n += node->kind == Kind::Param;
      for (const auto& arg : node->args) todo.push_back(arg.get());
    }
    most = std::max(most, n);
  }
  return most;
}

CompiledSql compile_insert(const Dialect& d, const InsertData& stmt, std::size_t first, std::size_t count) {
  if (stmt.rows.empty()) throw InvalidRequestError("insert<" + entity_name(*stmt.entity) + ">() has no values() rows");
  const TableInfo& table = *stmt.entity->table;
  // The first row fixes the columns and their order; every other row must name the same set.
  std::vector<std::uint16_t> columns;
  for (const auto& a : stmt.fixed) columns.push_back(a.column);
  for (const auto& a : stmt.rows.front()) {
    if (std::find(columns.begin(), columns.end(), a.column) != columns.end()) {
      throw InvalidRequestError("insert<" + entity_name(*stmt.entity) + ">(): column '" +
                                std::string(table.columns[a.column].name) + "' is given twice in one row");
    }
    columns.push_back(a.column);
  }
  CompiledSql out;
  Writer w(d, out);
  w.text("INSERT INTO ");
  w.identifier(table.name);
  if (columns.empty()) {
    if (stmt.rows.size() != 1 || !stmt.rows.front().empty()) {
      throw InvalidRequestError("insert<" + entity_name(*stmt.entity) +
                                ">(): rows without values can't be inserted several at a time");
    }
    w.text(" DEFAULT VALUES");
    append_returning(w, stmt);
    return out;
  }
  w.text(" (");
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) w.text(", ");
    w.identifier(table.columns[columns[i]].name);
  }
  w.text(") VALUES ");
  const std::size_t end = std::min(stmt.rows.size(), first + count);
  for (std::size_t r = first; r < end; ++r) {
    const auto& row = stmt.rows[r];
    if (row.size() + stmt.fixed.size() != columns.size()) {
      throw InvalidRequestError("insert<" + entity_name(*stmt.entity) + ">(): row " + std::to_string(r + 1) +
                                " names other columns than the first row; every row must set the same columns");
    }
    w.text(r > first ? ", (" : "(");
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i < stmt.fixed.size()) {
        if (i > 0) w.text(", ");
        w.expr(*stmt.fixed[i].value);
        continue;
      }
      const auto it = std::find_if(row.begin(), row.end(), [&](const AssignmentData& a) { return a.column == columns[i]; });
      if (it == row.end()) {
        throw InvalidRequestError("insert<" + entity_name(*stmt.entity) + ">(): row " + std::to_string(r + 1) +
                                  " lacks column '" + std::string(table.columns[columns[i]].name) +
                                  "'; every row must set the same columns");
      }
      if (i > 0) w.text(", ");
      w.expr(*it->value);
    }
    w.text(")");
  }
  append_returning(w, stmt);
  return out;
}

CompiledSql compile_insert_rows(const Dialect& d, const InsertData& stmt, std::span<const std::uint16_t> columns,
                                std::size_t rows) {
  const TableInfo& table = *stmt.entity->table;
  CompiledSql out;
  Writer w(d, out);
  w.text("INSERT INTO ");
  w.identifier(table.name);
  if (columns.empty()) {
    w.text(" DEFAULT VALUES");  // one row: there is no multi-row form without columns
  } else {
    w.text(" (");
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) w.text(", ");
      w.identifier(table.columns[columns[i]].name);
    }
    w.text(") VALUES ");
    // Placeholders only: the caller binds the rows' values, in order, without copying them here.
    std::size_t index = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      w.text(r > 0 ? ", (" : "(");
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i > 0) w.text(", ");
        d.append_placeholder(out.sql, ++index);
      }
      w.text(")");
    }
  }
  if (!stmt.returning.empty() || stmt.returning_entity) {
    // RETURNING parameters (rare: `returning(T::c.x + 1)`) are numbered after the rows' values.
    CompiledSql tail;
    tail.params.resize(rows * columns.size());
    Writer t(d, tail);
    append_returning(t, stmt);
    out.sql += tail.sql;
    out.params.assign(std::make_move_iterator(tail.params.begin() + static_cast<std::ptrdiff_t>(rows * columns.size())),
                      std::make_move_iterator(tail.params.end()));
  }
  return out;
}

CompiledSql compile_update(const Dialect& d, const UpdateData& stmt) {
  const TableInfo& table = *stmt.entity->table;
  if (stmt.values.empty())
    throw InvalidRequestError("update<" + entity_name(*stmt.entity) + ">() needs values(T::c.x = ...) to SET");
  std::vector<ExprPtr> used_exprs = stmt.where;
  for (const auto& a : stmt.values) used_exprs.push_back(a.value);
  check_single_table(*stmt.entity, used_exprs, "update()");
  CompiledSql out;
  Writer w(d, out);
  w.text("UPDATE ");
  w.identifier(table.name);
  w.text(" SET ");
  for (std::size_t i = 0; i < stmt.values.size(); ++i) {
    if (i > 0) w.text(", ");
    w.identifier(table.columns[stmt.values[i].column].name);  // SET targets are never qualified
    w.text(" = ");
    w.expr(*stmt.values[i].value);
  }
  if (!stmt.from_tables.empty() && d.supports_update_from()) {
    w.text(" FROM ");
    append_table_list(w, stmt.from_tables);
    append_where(w, stmt.where);
  } else if (!stmt.from_tables.empty()) {
    append_key_in_subquery(w, *stmt.entity, stmt.from_tables, stmt.where);
  } else {
    append_where(w, stmt.where);
  }
  return out;
}

CompiledSql compile_delete(const Dialect& d, const DeleteData& stmt) {
  check_single_table(*stmt.entity, stmt.where, "delete_()");
  CompiledSql out;
  Writer w(d, out);
  w.text("DELETE FROM ");
  w.identifier(stmt.entity->table->name);
  if (!stmt.from_tables.empty() && d.supports_delete_using()) {
    w.text(" USING ");
    append_table_list(w, stmt.from_tables);
    append_where(w, stmt.where);
  } else if (!stmt.from_tables.empty()) {
    append_key_in_subquery(w, *stmt.entity, stmt.from_tables, stmt.where);
  } else {
    append_where(w, stmt.where);
  }
  return out;
}

namespace {
const Dialect& dialect_of(DialectKind kind) {
  static const std::unique_ptr<Dialect> sqlite = make_dialect(DialectKind::SQLite);
  static const std::unique_ptr<Dialect> postgresql = make_dialect(DialectKind::PostgreSQL);
  return kind == DialectKind::SQLite ? *sqlite : *postgresql;
}
}  // namespace

CompiledSql compile(DialectKind dialect, const SelectData& stmt) { return compile_select(dialect_of(dialect), stmt); }
CompiledSql compile(DialectKind dialect, const InsertData& stmt) {
  return compile_insert(dialect_of(dialect), stmt, 0, stmt.rows.size());
}
CompiledSql compile(DialectKind dialect, const UpdateData& stmt) { return compile_update(dialect_of(dialect), stmt); }
CompiledSql compile(DialectKind dialect, const DeleteData& stmt) { return compile_delete(dialect_of(dialect), stmt); }

}  // namespace ormc::detail
