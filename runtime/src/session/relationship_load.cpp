// SessionCore's lazy loaders for select-style relationships: a many-to-one's target, a collection's rows.
#include <algorithm>
#include <string>

#include "connection.hpp"
#include "join_columns.hpp"
#include "object_access.hpp"
#include "ormc/detail/collection_query.hpp"
#include "ormc/result.hpp"
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

}  // namespace ormc::detail
