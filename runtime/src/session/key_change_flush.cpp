// The unit of work's steps for changed keys: map collections whose members' key attribute changed
// (re-keyed before anything is planned), and passive_updates — a parent whose primary key changed
// and the foreign keys that name it, left to ON UPDATE CASCADE (true) or UPDATEd (false).
#include <string>
#include <vector>

#include "join_columns.hpp"
#include "object_access.hpp"
#include "ormc/map_collection.hpp"
#include "relationship_kinds.hpp"
#include "session/session_core.hpp"
#include "session/unit_of_work.hpp"

namespace ormc::detail {
namespace {

using ChangedPair = KeyChangePair;

/// The join columns of `rel` with the parent's old (identity) and new values; empty when none
/// changed, or when a parent-side column is not part of the primary key (its old value is not
/// known — SQLAlchemy's passive_updates is about primary keys too). `rel` is the parent's own
/// one-to-many (`parent_is_local`) or another entity's many-to-one, whose table `child_table` is.
std::vector<ChangedPair> changed_pairs(const Object& parent, const InstanceState& ps, const RelationshipInfo& rel,
                                       bool parent_is_local, const TableInfo& child_table) {
  const EntityInfo& entity = parent.ormc_entity();
  std::vector<ChangedPair> pairs;
  bool any = false;
  for (const JoinPair& p : rel.primaryjoin) {
    const std::uint16_t column = column_of(*entity.table, parent_is_local ? p.local_column : p.remote_column);
    std::size_t k = 0;
    while (k < entity.primary_key.size() && entity.primary_key[k] != column) ++k;
    if (k == entity.primary_key.size() || k >= ps.identity->key.size()) return {};
    Value now = ObjectAccess::get(parent, column);
    any = any || now != ps.identity->key[k];
    const std::uint16_t child = column_of(child_table, parent_is_local ? p.remote_column : p.local_column);
    pairs.push_back(ChangedPair{column, child, ps.identity->key[k], std::move(now)});
  }
  if (!any) pairs.clear();
  return pairs;
}

/// Restores the parent's old key values while it lives: the collection is loaded by the key its
/// rows still hold (SQLAlchemy's lazy loader reads the committed value the same way).
class OldKeyScope {
 public:
  OldKeyScope(Object& parent, const std::vector<ChangedPair>& pairs) : parent_(parent), pairs_(pairs) {
    for (const ChangedPair& p : pairs_) ObjectAccess::set(parent_, p.parent_column, Value(p.old_value));
  }
  ~OldKeyScope() {
    for (const ChangedPair& p : pairs_) {
      try {
        ObjectAccess::set(parent_, p.parent_column, Value(p.new_value));
      } catch (...) {
        // The value came from this very field: converting it back cannot fail.
      }
    }
  }
  OldKeyScope(const OldKeyScope&) = delete;
  OldKeyScope& operator=(const OldKeyScope&) = delete;

 private:
  Object& parent_;
  const std::vector<ChangedPair>& pairs_;
};

}  // namespace

void UnitOfWork::settle_map_keys() {
  // A member whose key attribute changed since its map was last used: the map resolves it now
  // (see MapCollectionState), so that the flush does not write two members under one key. The map
  // is found through the member's back_populates reference; a map without one settles at its next use.
  std::vector<std::shared_ptr<Object>> parents;
  std::vector<MapCollectionState*> maps;
  for (auto& o : session_.dirty_) {
    const InstanceState& s = ObjectAccess::state(*o);
    if (s.status != Status::Persistent || s.modified.empty()) continue;
    for (const RelationshipInfo& rel : o->ormc_entity().relationships) {
      const RelationshipInfo* pair = is_reference(rel) ? paired_relationship(rel) : nullptr;
      if (pair == nullptr || pair->collection != CollectionClass::Map || pair->collection_key_column < 0) continue;
      if (!s.modified.contains(static_cast<std::size_t>(pair->collection_key_column))) continue;
      auto parent = reference_state(*o, rel)->peek();
      LoadedCollectionState* coll = parent ? loaded_collection_state(*parent, *pair) : nullptr;
      if (coll == nullptr || !coll->loaded()) continue;
      parents.push_back(std::move(parent));
      maps.push_back(static_cast<MapCollectionState*>(coll));
    }
  }
  for (MapCollectionState* map : maps) (void)map->entries();
}

void UnitOfWork::rewrite_foreign_key(const std::shared_ptr<Object>& child, const std::vector<ChangedPair>& pairs,
                                     bool write) {
  InstanceState& cs = ObjectAccess::state(*child);
  if (cs.status != Status::Persistent || cs.session != &session_) return;
  bool changed = false;
  for (const ChangedPair& p : pairs) {
    // A foreign key the user changed since is the user's to write; one naming another row stays.
    if (cs.modified.contains(p.child_column) || ObjectAccess::get(*child, p.child_column) != p.old_value) continue;
    undo_.push_back(Undo{child, p.child_column, ObjectAccess::get(*child, p.child_column)});
    ObjectAccess::set(*child, p.child_column, Value(p.new_value));
    if (write) cs.modified.insert(p.child_column);
    changed = true;
  }
  if (!changed) return;
  key_cascaded_.push_back(child);  // undo_ does not own what it restores
  if (write && updating_.insert(child.get()).second) work_for(child->ormc_entity().table).updates.push_back(child.get());
}

void UnitOfWork::plan_key_changes() {
  std::vector<std::shared_ptr<Object>> parents;
  for (auto& o : session_.dirty_) {
    const InstanceState& s = ObjectAccess::state(*o);
    if (s.status != Status::Persistent || s.identity == nullptr || s.modified.empty()) continue;
    const auto& pk = o->ormc_entity().primary_key;
    for (std::size_t k = 0; k < pk.size() && k < s.identity->key.size(); ++k) {
      if (ObjectAccess::get(*o, pk[k]) == s.identity->key[k]) continue;
      parents.push_back(o);
      break;
    }
  }
  for (auto& parent : parents) {
    const InstanceState& ps = ObjectAccess::state(*parent);
    const EntityInfo& entity = parent->ormc_entity();
    for (const RelationshipInfo& rel : entity.relationships) {
      if (rel.viewonly || (rel.kind != RelationshipKind::OneToMany && rel.kind != RelationshipKind::OneToOne)) continue;
      const std::vector<ChangedPair> pairs = changed_pairs(*parent, ps, rel, true, *rel.target().table);
      if (pairs.empty()) continue;
      const EntityInfo& target = rel.target();
      if (rel.passive_updates) {
        // The database's ON UPDATE CASCADE rewrites the rows: the objects of those rows that are
        // in memory take the new value without SQL (undone if the flush fails).
        std::vector<std::shared_ptr<Object>> hit;
        session_.identity_.for_each_live([&](const std::shared_ptr<Object>& o) {
          if (&o->ormc_entity() == &target) hit.push_back(o);
        });
        for (const auto& child : hit) rewrite_foreign_key(child, pairs, false);
        continue;
      }
      // passive_updates = false: as SQLAlchemy, the collection is loaded (by the old key) and each
      // child's foreign key is UPDATEd after the parent's row, in table dependency order.
      LoadedCollectionState* coll = loaded_collection_state(*parent, rel);
      if (coll == nullptr) continue;  // dynamic / write-only: not loaded by the unit of work
      std::vector<std::shared_ptr<Object>> children;
      {
        OldKeyScope old_key(*parent, pairs);
        coll->load(true);
        children = coll->loaded_items();
      }
      for (const auto& child : children) rewrite_foreign_key(child, pairs, true);
    }
    // Many-to-one references to the parent from objects in memory, declared without (or apart
    // from) a one-to-many side (SQLAlchemy's DetectKeySwitch): each follows its own passive_updates.
    // A foreign key the one-to-many side rewrote above no longer holds the old value: not twice.
    struct Hit {
      std::shared_ptr<Object> object;
      const RelationshipInfo* rel;
    };
    std::vector<Hit> hits;
    session_.identity_.for_each_live([&](const std::shared_ptr<Object>& o) {
      for (const RelationshipInfo& rel : o->ormc_entity().relationships)
        if (rel.kind == RelationshipKind::ManyToOne && !rel.viewonly && &rel.target() == &entity) hits.push_back({o, &rel});
    });
    for (const Hit& hit : hits) {
      const std::vector<ChangedPair> pairs = changed_pairs(*parent, ps, *hit.rel, false, *hit.object->ormc_entity().table);
      if (!pairs.empty()) rewrite_foreign_key(hit.object, pairs, !hit.rel->passive_updates);
    }
  }
}

}  // namespace ormc::detail
