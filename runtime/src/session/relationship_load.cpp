// SessionCore's lazy loaders for select-style relationships: a many-to-one's target, a collection's rows.
#include <algorithm>
#include <string>

#include "connection.hpp"
#include "join_columns.hpp"
#include "object_access.hpp"
#include "ormc/detail/collection_query.hpp"
#include "ormc/result.hpp"
#include "relationship_kinds.hpp"
#include "session/crud_sql.hpp"
#include "session/session_core.hpp"

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

bool SessionCore::selectin_load(LoadedCollectionState& state) {
  UseGuard guard(*this);
  check_usable();
  const RelationshipInfo& rel = state.info();
  if (rel.kind != RelationshipKind::OneToMany || rel.primaryjoin.size() != 1) return false;
  autoflush();  // pending rows first, so every parent's key is known and the rows are stored
  Object& first = state.owner();
  const EntityInfo& owner_entity = first.ormc_entity();
  const EntityInfo& target = rel.target();
  const std::uint16_t local = column_of(*owner_entity.table, rel.primaryjoin[0].local_column);
  const std::uint16_t remote = column_of(*target.table, rel.primaryjoin[0].remote_column);
  // The parent's join value without reloading it: from the identity when it is the primary key.
  auto key_of = [&](Object& parent) -> Value {
    const InstanceState& ps = ObjectAccess::state(parent);
    if (ps.expired && ps.identity) {
      const auto& pk = owner_entity.primary_key;
      for (std::size_t i = 0; i < pk.size() && i < ps.identity->key.size(); ++i)
        if (pk[i] == local) return ps.identity->key[i];
      return Value();  // would need a reload: not batched
    }
    return ObjectAccess::get(parent, local);
  };
  // The parents whose collection this query fills: the one being accessed, then the others of
  // its entity in the identity map (SQLAlchemy batches the parents of one query; the identity map
  // is what this Session has loaded together).
  struct Parent {
    std::shared_ptr<Object> object;
    LoadedCollectionState* collection;
    Value key;
    std::vector<std::shared_ptr<Object>> rows;
  };
  std::vector<Parent> parents;
  if (ObjectAccess::state(first).expired) load_expired(first);
  parents.push_back({first.shared_from_this(), &state, ObjectAccess::get(first, local), {}});
  if (parents.front().key.is_null()) return false;
  identity_.for_each_live([&](const std::shared_ptr<Object>& o) {
    if (o.get() == &first || &o->ormc_entity() != &owner_entity) return;
    if (ObjectAccess::state(*o).status != Status::Persistent) return;
    auto* coll = loaded_collection_state(*o, rel);
    if (coll == nullptr || coll->loaded()) return;
    Value key = key_of(*o);
    if (!key.is_null()) parents.push_back({o, coll, std::move(key), {}});
  });
  // One statement per chunk of parents, as SQLAlchemy's selectinload (500 per IN list).
  constexpr std::size_t kChunk = 500;
  const std::size_t chunk = std::max<std::size_t>(1, std::min(kChunk, engine_.dialect().max_parameters() - 1));
  for (std::size_t start = 0; start < parents.size(); start += chunk) {
    const std::size_t end = std::min(parents.size(), start + chunk);
    ExprNode in{.kind = ExprNode::Kind::In};
    in.args.push_back(make_node({.kind = ExprNode::Kind::Column, .entity = &target, .column = remote}));
    for (std::size_t i = start; i < end; ++i)
      in.args.push_back(make_node({.kind = ExprNode::Kind::Param, .value = parents[i].key}));
    SelectData data;
    data.entity = &target;
    data.where.push_back(make_node(std::move(in)));
    for (const OrderTerm& t : rel.order_by) {
      auto col = make_node({.kind = ExprNode::Kind::Column, .entity = &target, .column = t.column});
      data.order_by.push_back(OrderBy{col, t.descending ? SortOrder::Descending : SortOrder::Default});
    }
    data.explicit_order = !rel.order_by.empty();
    ResultCursor cursor(*this, data, Type::Integer);
    while (cursor.next()) {
      std::shared_ptr<Object> row = cursor.object();
      const Value value = ObjectAccess::get(*row, remote);
      for (std::size_t i = start; i < end; ++i) {
        if (parents[i].key == value) {
          parents[i].rows.push_back(std::move(row));
          break;
        }
      }
    }
  }
  for (Parent& p : parents) p.collection->accept_loaded(std::move(p.rows));
  return true;
}

}  // namespace ormc::detail
