// SessionCore's loaders for select-style relationships: a many-to-one's target, a collection's rows, selectin batches.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "connection.hpp"
#include "join_columns.hpp"
#include "object_access.hpp"
#include "ormc/detail/collection_query.hpp"
#include "ormc/result.hpp"
#include "relationship_kinds.hpp"
#include "session/crud_sql.hpp"
#include "session/row_values.hpp"
#include "session/session_core.hpp"
#include "sql/compiler.hpp"

namespace ormc::detail {

std::shared_ptr<Object> SessionCore::load_reference(Object& owner, const RelationshipInfo& rel) {
  UseGuard guard(*this);
  check_usable();
  InstanceState& s = ObjectAccess::state(owner);
  if (s.expired) load_expired(owner);  // the foreign key must be current
  const EntityInfo& target = rel.target();
  const std::vector<std::uint16_t> local = join_columns(*owner.ormc_entity().table, rel.primaryjoin, false);
  const std::vector<std::uint16_t> remote = join_columns(*target.table, rel.primaryjoin, true);
  std::vector<Value> values;
  values.reserve(local.size());
  for (std::uint16_t c : local) {
    values.push_back(ObjectAccess::get(owner, c));
    if (values.back().is_null()) return nullptr;  // no target: no SQL
  }
  // The usual case: the foreign key names the target's primary key, so the identity map answers
  // without SQL when the target is loaded (SQLAlchemy's "use_get" lazy load).
  const bool by_primary_key = std::equal(remote.begin(), remote.end(), target.primary_key.begin(), target.primary_key.end());
  if (by_primary_key) {
    if (auto found = identity_.find({&target, values})) return found;
  }
  autoflush();
  const std::string sql = select_by_key_sql(engine_.dialect(), *target.table, remote);
  auto rows = execute(sql, values);
  if (!rows->next()) return nullptr;
  return object_from_row(target, *rows, 0);
}

std::shared_ptr<Object> SessionCore::peek_reference(const Object& owner, const RelationshipInfo& rel) const {
  const EntityInfo& target = rel.target();
  const std::vector<std::uint16_t> remote = join_columns(*target.table, rel.primaryjoin, true);
  if (!std::equal(remote.begin(), remote.end(), target.primary_key.begin(), target.primary_key.end())) return nullptr;
  std::vector<Value> values;
  for (std::uint16_t c : join_columns(*owner.ormc_entity().table, rel.primaryjoin, false)) {
    values.push_back(ObjectAccess::get(owner, c));
    if (values.back().is_null()) return nullptr;
  }
  return identity_.find({&target, values});
}

std::vector<std::shared_ptr<Object>> SessionCore::load_collection(RelationshipState& state) {
  UseGuard guard(*this);
  check_usable();
  // The relationship's own SELECT (parent criterion through the association table for
  // many-to-many, and order_by); the cursor autoflushes first, as SQLAlchemy's lazy loads do.
  ResultCursor cursor(*this, collection_select(state), Type::Integer);
  std::vector<std::shared_ptr<Object>> rows;
  while (cursor.next()) rows.push_back(cursor.object());
  return rows;
}

/// The join values of one object (several for a composite foreign key), hashable as a whole.
using JoinKey = std::vector<Value>;
struct JoinKeyHash {
  std::size_t operator()(const JoinKey& key) const noexcept {
    std::size_t h = 0;
    for (const Value& v : key) h = h * 1000003u ^ ValueHash()(v);
    return h;
  }
};

/// A parent whose collection one selectin statement fills, with its join values and its rows.
struct SelectinParent {
  LoadedCollectionState* collection;
  JoinKey key;
  std::vector<std::shared_ptr<Object>> rows;
};

namespace {

/// The shapes selectin loads with IN queries: a one-to-many (or the side of a one-to-one without
/// the foreign key) or a many-to-many, on one join column or several (a tuple IN).
bool selectin_supported(const RelationshipInfo& rel) {
  return is_loaded_collection(rel) && !rel.primaryjoin.empty() &&
         (rel.kind != RelationshipKind::ManyToMany || (rel.secondary != nullptr && !rel.secondaryjoin.empty()));
}

/// The parent's join values without reloading it: from the identity when the parent is expired and
/// the values are part of its primary key; empty when it would need a reload or one is NULL.
JoinKey parent_key(Object& parent, std::span<const std::uint16_t> locals) {
  const InstanceState& ps = ObjectAccess::state(parent);
  JoinKey key;
  key.reserve(locals.size());
  for (std::uint16_t local : locals) {
    Value v;
    if (ps.expired && ps.identity) {
      const auto& pk = parent.ormc_entity().primary_key;
      for (std::size_t i = 0; i < pk.size() && i < ps.identity->key.size(); ++i)
        if (pk[i] == local) v = ps.identity->key[i];
    } else {
      v = ObjectAccess::get(parent, local);
    }
    if (v.is_null()) return {};
    key.push_back(std::move(v));
  }
  return key;
}

/// `columns IN (keys...)`: a plain IN for one column; for several SQLAlchemy's tuple IN —
/// `(a, b) IN ((?, ?), ...)` on PostgreSQL, `(a, b) IN (VALUES (?, ?), ...)` on SQLite, whose row
/// values take a subquery or VALUES on the right (as SQLAlchemy's tuple_in_values for SQLite).
ExprPtr in_keys(DialectKind dialect, const std::vector<ExprPtr>& columns, std::span<const JoinKey* const> keys) {
  ExprNode in{.kind = ExprNode::Kind::In};
  if (columns.size() == 1) {
    in.args.push_back(columns[0]);
    for (const JoinKey* k : keys) in.args.push_back(make_node({.kind = ExprNode::Kind::Param, .value = (*k)[0]}));
    return make_node(std::move(in));
  }
  // A Function node with an empty name prints as a parenthesised list: the row value.
  in.args.push_back(make_node({.kind = ExprNode::Kind::Function, .op = "", .args = columns}));
  bool first = true;
  for (const JoinKey* k : keys) {
    ExprNode row{.kind = ExprNode::Kind::Function, .op = ""};
    if (first && dialect == DialectKind::SQLite) row.op = "VALUES ";
    first = false;
    for (const Value& v : *k) row.args.push_back(make_node({.kind = ExprNode::Kind::Param, .value = v}));
    in.args.push_back(make_node(std::move(row)));
  }
  return make_node(std::move(in));
}

/// Keys per IN statement: 500 (SQLAlchemy's chunk), fewer when the dialect's parameter limit needs.
std::size_t selectin_chunk(const Dialect& dialect, std::size_t columns) {
  constexpr std::size_t kChunk = 500;
  return std::max<std::size_t>(1, std::min(kChunk, (dialect.max_parameters() - 1) / std::max<std::size_t>(1, columns)));
}

}  // namespace

void SessionCore::selectin_fill(const RelationshipInfo& rel, std::span<SelectinParent> parents) {
  const EntityInfo& target = rel.target();
  const bool many_to_many = rel.kind == RelationshipKind::ManyToMany;
  // The columns the IN list tests: the child's foreign key, or the association table's columns
  // naming the parent (many-to-many, whose rows then also carry them to sort them out).
  const TableInfo& keyed_table = many_to_many ? *rel.secondary : *target.table;
  std::vector<std::uint16_t> keyed;
  std::vector<ExprPtr> keyed_nodes;
  for (const JoinPair& p : rel.primaryjoin) {
    const std::uint16_t c = column_of(keyed_table, p.remote_column);
    keyed.push_back(c);
    keyed_nodes.push_back(many_to_many
                              ? make_node({.kind = ExprNode::Kind::TableColumn, .table = &keyed_table, .column = c})
                              : make_node({.kind = ExprNode::Kind::Column, .entity = &target, .column = c}));
  }
  const std::size_t width = target.table->columns.size();
  // One statement per chunk of parents, as SQLAlchemy's selectinload (500 per IN list).
  const std::size_t chunk = selectin_chunk(engine_.dialect(), keyed.size());
  for (std::size_t start = 0; start < parents.size(); start += chunk) {
    const std::size_t end = std::min(parents.size(), start + chunk);
    std::unordered_map<JoinKey, std::vector<std::size_t>, JoinKeyHash> by_key;
    std::vector<const JoinKey*> keys;
    for (std::size_t i = start; i < end; ++i) {
      keys.push_back(&parents[i].key);
      by_key[parents[i].key].push_back(i);
    }
    SelectData data;
    data.entity = &target;
    // Rows are read here one object each: the targets' own lazy = "joined" relationships are not
    // joined in (they load on access) rather than joined and then ignored.
    data.no_eager_joins = true;
    if (many_to_many) {
      // target.key = secondary.target_fk, and each row's parent key from the association table
      for (const JoinPair& p : rel.secondaryjoin) {
        auto sec = make_node({.kind = ExprNode::Kind::TableColumn, .table = rel.secondary,
                              .column = column_of(*rel.secondary, p.local_column)});
        auto tgt = make_node({.kind = ExprNode::Kind::Column, .entity = &target,
                              .column = column_of(*target.table, p.remote_column)});
        data.where.push_back(binary("=", tgt, sec));
      }
      data.from_tables.push_back(rel.secondary);
      for (const ExprPtr& n : keyed_nodes) data.extra_columns.push_back(n);
    }
    data.where.push_back(in_keys(engine_.kind(), keyed_nodes, keys));
    for (const OrderTerm& t : rel.order_by) {
      auto col = make_node({.kind = ExprNode::Kind::Column, .entity = &target, .column = t.column});
      data.order_by.push_back(OrderBy{col, t.descending ? SortOrder::Descending : SortOrder::Default});
    }
    data.explicit_order = !rel.order_by.empty();
    const CompiledSql sql = compile_select(engine_.dialect(), data);
    auto rows = execute(sql.sql, sql.params);
    JoinKey value(keyed.size());
    while (rows->next()) {
      std::shared_ptr<Object> row = object_from_row(target, *rows, 0);
      for (std::size_t j = 0; j < keyed.size(); ++j)
        value[j] = many_to_many ? read_column(*rows, width + j, keyed_table.columns[keyed[j]])
                                : ObjectAccess::get(*row, keyed[j]);
      auto found = by_key.find(value);
      if (found == by_key.end()) continue;
      for (std::size_t i : found->second) parents[i].rows.push_back(row);
    }
  }
  for (SelectinParent& p : parents) p.collection->accept_loaded(std::move(p.rows));
}

bool SessionCore::selectin_load(LoadedCollectionState& state) {
  UseGuard guard(*this);
  check_usable();
  const RelationshipInfo& rel = state.info();
  if (!selectin_supported(rel)) return false;
  autoflush();  // pending rows first, so every parent's key is known and the rows are stored
  Object& first = state.owner();
  const EntityInfo& owner_entity = first.ormc_entity();
  const std::vector<std::uint16_t> locals = join_columns(*owner_entity.table, rel.primaryjoin, false);
  // The parents whose collection this query fills: the one being accessed, then the others of its
  // entity in the identity map whose collection is not loaded (a query loads selectin collections
  // itself; these are parents that got here otherwise, or whose collection was expired).
  std::vector<SelectinParent> parents;
  if (ObjectAccess::state(first).expired) load_expired(first);
  parents.push_back({&state, parent_key(first, locals), {}});
  if (parents.front().key.empty()) return false;
  std::vector<std::shared_ptr<Object>> keep_alive;  // the batched parents live until they are filled
  identity_.for_each_live([&](const std::shared_ptr<Object>& o) {
    if (o.get() == &first || &o->ormc_entity() != &owner_entity) return;
    if (ObjectAccess::state(*o).status != Status::Persistent) return;
    auto* coll = loaded_collection_state(*o, rel);
    // A query's lazyload / raiseload option took that parent out of the batch.
    if (coll == nullptr || coll->loaded() || coll->strategy() != LoaderStrategy::Selectin) return;
    JoinKey key = parent_key(*o, locals);
    if (key.empty()) return;
    keep_alive.push_back(o);
    parents.push_back({coll, std::move(key), {}});
  });
  selectin_fill(rel, parents);
  return true;
}

void SessionCore::selectin_load_query(const RelationshipInfo& rel, std::span<const std::shared_ptr<Object>> loaded) {
  UseGuard guard(*this);
  check_usable();
  if (loaded.empty()) return;
  if (is_reference(rel)) {
    selectin_references(rel, loaded);
    return;
  }
  if (!selectin_supported(rel)) return;  // others load on access, as lazy select
  const EntityInfo& owner_entity = loaded.front()->ormc_entity();
  const std::vector<std::uint16_t> locals = join_columns(*owner_entity.table, rel.primaryjoin, false);
  // The query's parents whose collection is not loaded yet, each once (a result may repeat one).
  std::vector<SelectinParent> parents;
  parents.reserve(loaded.size());
  std::unordered_set<const LoadedCollectionState*> seen;
  for (const auto& o : loaded) {
    if (!o || &o->ormc_entity() != &owner_entity) continue;
    auto* coll = loaded_collection_state(*o, rel);
    if (coll == nullptr || coll->loaded() || !seen.insert(coll).second) continue;
    JoinKey key = parent_key(*o, locals);
    if (!key.empty()) parents.push_back({coll, std::move(key), {}});
  }
  if (!parents.empty()) selectin_fill(rel, parents);
}

void SessionCore::selectin_references(const RelationshipInfo& rel, std::span<const std::shared_ptr<Object>> loaded) {
  const EntityInfo& owner_entity = loaded.front()->ormc_entity();
  const EntityInfo& target = rel.target();
  const std::vector<std::uint16_t> locals = join_columns(*owner_entity.table, rel.primaryjoin, false);
  const std::vector<std::uint16_t> remotes = join_columns(*target.table, rel.primaryjoin, true);
  const bool by_primary_key =
      std::equal(remotes.begin(), remotes.end(), target.primary_key.begin(), target.primary_key.end());
  const RelationshipInfo* pair = paired_relationship(rel);
  // The target is held by the reference (reading it costs no SQL), unless its back_populates
  // collection is loaded and holds the owner: the two would keep each other alive.
  auto accept = [&](ReferenceState& ref, const std::shared_ptr<Object>& found) {
    bool hold = found != nullptr;
    if (hold && pair != nullptr)
      if (LoadedCollectionState* coll = loaded_collection_state(*found, *pair); coll && coll->loaded())
        hold = !coll->contains_object(&ref.owner());
    ref.accept_loaded(found, hold);
  };
  // The query's objects whose reference memory doesn't know yet, grouped by foreign key value:
  // NULL keys have no target (no SQL); keys the identity map answers need no SQL either
  // (SQLAlchemy's many-to-one selectin loads only what is not in the identity map).
  std::unordered_map<JoinKey, std::vector<ReferenceState*>, JoinKeyHash> waiting;
  std::vector<JoinKey> order;  // first-seen order of the keys to SELECT, for a stable IN list
  for (const auto& o : loaded) {
    if (!o || &o->ormc_entity() != &owner_entity) continue;
    ReferenceState* ref = reference_state(*o, rel);
    if (ref == nullptr || ref->loaded() || ObjectAccess::state(*o).expired) continue;
    JoinKey key;
    for (std::uint16_t c : locals) key.push_back(ObjectAccess::get(*o, c));
    if (std::any_of(key.begin(), key.end(), [](const Value& v) { return v.is_null(); })) {
      accept(*ref, nullptr);
      continue;
    }
    if (by_primary_key) {
      if (auto found = identity_.find({&target, key}); found && ObjectAccess::state(*found).status != Status::Deleted) {
        accept(*ref, found);
        continue;
      }
    }
    auto [it, inserted] = waiting.try_emplace(std::move(key));
    if (inserted) order.push_back(it->first);
    it->second.push_back(ref);
  }
  if (order.empty()) return;
  std::vector<ExprPtr> remote_nodes;
  for (std::uint16_t c : remotes)
    remote_nodes.push_back(make_node({.kind = ExprNode::Kind::Column, .entity = &target, .column = c}));
  const std::size_t chunk = selectin_chunk(engine_.dialect(), remotes.size());
  for (std::size_t start = 0; start < order.size(); start += chunk) {
    const std::size_t end = std::min(order.size(), start + chunk);
    std::vector<const JoinKey*> keys;
    for (std::size_t i = start; i < end; ++i) keys.push_back(&order[i]);
    SelectData data;
    data.entity = &target;
    data.where.push_back(in_keys(engine_.kind(), remote_nodes, keys));
    const CompiledSql sql = compile_select(engine_.dialect(), data);
    auto rows = execute(sql.sql, sql.params);
    JoinKey value(remotes.size());
    while (rows->next()) {
      std::shared_ptr<Object> row = object_from_row(target, *rows, 0);
      for (std::size_t j = 0; j < remotes.size(); ++j) value[j] = ObjectAccess::get(*row, remotes[j]);
      auto found = waiting.find(value);
      if (found == waiting.end()) continue;
      for (ReferenceState* ref : found->second) accept(*ref, row);
      waiting.erase(found);
    }
  }
  // Keys without a row (no real foreign key constraint, or a concurrent delete): no target.
  for (auto& [key, refs] : waiting)
    for (ReferenceState* ref : refs) accept(*ref, nullptr);
}

}  // namespace ormc::detail
