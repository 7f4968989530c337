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

/// A parent whose collection one selectin statement fills, with its join value and its rows.
struct SelectinParent {
  LoadedCollectionState* collection;
  Value key;
  std::vector<std::shared_ptr<Object>> rows;
};

namespace {

/// The shapes selectin loads with IN queries: a one-to-many (or the side of a one-to-one without
/// the foreign key) or a many-to-many, joined on one column.
bool selectin_supported(const RelationshipInfo& rel) {
  return is_loaded_collection(rel) && rel.primaryjoin.size() == 1 &&
         (rel.kind != RelationshipKind::ManyToMany || (rel.secondary != nullptr && !rel.secondaryjoin.empty()));
}

/// The parent's join value without reloading it: from the identity when the parent is expired and
/// the value is part of its primary key; null when it would need a reload.
Value parent_key(Object& parent, std::uint16_t local) {
  const InstanceState& ps = ObjectAccess::state(parent);
  if (ps.expired && ps.identity) {
    const auto& pk = parent.ormc_entity().primary_key;
    for (std::size_t i = 0; i < pk.size() && i < ps.identity->key.size(); ++i)
      if (pk[i] == local) return ps.identity->key[i];
    return Value();
  }
  return ObjectAccess::get(parent, local);
}

}  // namespace

void SessionCore::selectin_fill(const RelationshipInfo& rel, std::span<SelectinParent> parents) {
  const EntityInfo& target = rel.target();
  const bool many_to_many = rel.kind == RelationshipKind::ManyToMany;
  // The column the IN list tests: the child's foreign key, or the association table's column
  // naming the parent (many-to-many, whose rows then also carry that column to sort them out).
  const TableInfo& keyed_table = many_to_many ? *rel.secondary : *target.table;
  const std::uint16_t keyed = column_of(keyed_table, rel.primaryjoin[0].remote_column);
  auto keyed_node = [&] {
    if (many_to_many) return make_node({.kind = ExprNode::Kind::TableColumn, .table = &keyed_table, .column = keyed});
    return make_node({.kind = ExprNode::Kind::Column, .entity = &target, .column = keyed});
  };
  const std::size_t width = target.table->columns.size();
  // One statement per chunk of parents, as SQLAlchemy's selectinload (500 per IN list).
  constexpr std::size_t kChunk = 500;
  const std::size_t chunk = std::max<std::size_t>(1, std::min(kChunk, engine_.dialect().max_parameters() - 1));
  for (std::size_t start = 0; start < parents.size(); start += chunk) {
    const std::size_t end = std::min(parents.size(), start + chunk);
    std::unordered_map<Value, std::vector<std::size_t>, ValueHash> by_key;
    ExprNode in{.kind = ExprNode::Kind::In};
    in.args.push_back(keyed_node());
    for (std::size_t i = start; i < end; ++i) {
      in.args.push_back(make_node({.kind = ExprNode::Kind::Param, .value = parents[i].key}));
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
      data.extra_columns.push_back(keyed_node());
    }
    data.where.push_back(make_node(std::move(in)));
    for (const OrderTerm& t : rel.order_by) {
      auto col = make_node({.kind = ExprNode::Kind::Column, .entity = &target, .column = t.column});
      data.order_by.push_back(OrderBy{col, t.descending ? SortOrder::Descending : SortOrder::Default});
    }
    data.explicit_order = !rel.order_by.empty();
    const CompiledSql sql = compile_select(engine_.dialect(), data);
    auto rows = execute(sql.sql, sql.params);
    while (rows->next()) {
      std::shared_ptr<Object> row = object_from_row(target, *rows, 0);
      const Value value = many_to_many ? read_column(*rows, width, keyed_table.columns[keyed]) : ObjectAccess::get(*row, keyed);
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
  const std::uint16_t local = column_of(*owner_entity.table, rel.primaryjoin[0].local_column);
  // The parents whose collection this query fills: the one being accessed, then the others of its
  // entity in the identity map whose collection is not loaded (a query loads selectin collections
  // itself; these are parents that got here otherwise, or whose collection was expired).
  std::vector<SelectinParent> parents;
  if (ObjectAccess::state(first).expired) load_expired(first);
  parents.push_back({&state, ObjectAccess::get(first, local), {}});
  if (parents.front().key.is_null()) return false;
  std::vector<std::shared_ptr<Object>> keep_alive;  // the batched parents live until they are filled
  identity_.for_each_live([&](const std::shared_ptr<Object>& o) {
    if (o.get() == &first || &o->ormc_entity() != &owner_entity) return;
    if (ObjectAccess::state(*o).status != Status::Persistent) return;
    auto* coll = loaded_collection_state(*o, rel);
    // A query's lazyload / raiseload option took that parent out of the batch.
    if (coll == nullptr || coll->loaded() || coll->strategy() != LoaderStrategy::Selectin) return;
    Value key = parent_key(*o, local);
    if (key.is_null()) return;
    keep_alive.push_back(o);
    parents.push_back({coll, std::move(key), {}});
  });
  selectin_fill(rel, parents);
  return true;
}

void SessionCore::selectin_load_query(const RelationshipInfo& rel, std::span<const std::shared_ptr<Object>> loaded) {
  UseGuard guard(*this);
  check_usable();
  if (!selectin_supported(rel) || loaded.empty()) return;  // others load on access, as lazy select
  const EntityInfo& owner_entity = loaded.front()->ormc_entity();
  const std::uint16_t local = column_of(*owner_entity.table, rel.primaryjoin[0].local_column);
  // The query's parents whose collection is not loaded yet, each once (a result may repeat one).
  std::vector<SelectinParent> parents;
  parents.reserve(loaded.size());
  std::unordered_set<const LoadedCollectionState*> seen;
  for (const auto& o : loaded) {
    if (!o || &o->ormc_entity() != &owner_entity) continue;
    auto* coll = loaded_collection_state(*o, rel);
    if (coll == nullptr || coll->loaded() || !seen.insert(coll).second) continue;
    Value key = parent_key(*o, local);
    if (!key.is_null()) parents.push_back({coll, std::move(key), {}});
  }
  if (!parents.empty()) selectin_fill(rel, parents);
}

}  // namespace ormc::detail
