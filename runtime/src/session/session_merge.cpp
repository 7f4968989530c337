// SessionCore::merge(): the Session's instance for an object's row, its values copied over, and the merge
// cascade along relationships (SQLAlchemy's Session._merge / RelationshipProperty.merge).
#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "object_access.hpp"
#include "ormc/errors.hpp"
#include "relationship_kinds.hpp"
#include "session/row_values.hpp"
#include "session/session_core.hpp"

namespace ormc::detail {
namespace {

std::string describe(const Object& object) { return "'" + std::string(object.ormc_entity().name) + "'"; }

/// Restores the Session's autoflush setting when the merge walk ends (also on exceptions).
struct AutoflushOff {
  bool& flag;
  bool saved;
  explicit AutoflushOff(bool& f) : flag(f), saved(f) { flag = false; }
  ~AutoflushOff() { flag = saved; }
  AutoflushOff(const AutoflushOff&) = delete;
  AutoflushOff& operator=(const AutoflushOff&) = delete;
};

struct PairHash {
  std::size_t operator()(const std::pair<const Object*, const RelationshipInfo*>& p) const noexcept {
    return std::hash<const void*>()(p.first) * 31 + std::hash<const void*>()(p.second);
  }
};

}  // namespace

/// What one merge() call has done so far: each source object is merged once (cycles through
/// back_populates end there), and two sources with one new key become one pending object.
struct SessionCore::MergeMemo {
  std::unordered_map<const Object*, std::shared_ptr<Object>> merged;  ///< source -> the Session's object
  /// (source, relationship it was reached through): the reverse side is not walked back.
  std::unordered_set<std::pair<const Object*, const RelationshipInfo*>, PairHash> reached_via;
  /// Pending objects this call made for sources that carried a key.
  struct NewObject {
    const EntityInfo* entity;
    std::vector<Value> key;
    std::shared_ptr<Object> object;
  };
  std::vector<NewObject> new_by_key;
  std::vector<std::shared_ptr<Object>> sources;  ///< keeps every source alive while its address is a key
};

std::shared_ptr<Object> SessionCore::merge(const std::shared_ptr<Object>& source) {
  UseGuard guard(*this);
  check_usable();
  if (!source) throw InvalidRequestError("Session::merge() was given a null object");
  autoflush();
  // The walk itself never flushes (SQLAlchemy turns autoflush off for it): a half-merged graph
  // must not be written by a load in the middle.
  AutoflushOff off(options_.autoflush);
  MergeMemo memo;
  return merge_one(source, memo);
}

std::shared_ptr<Object> SessionCore::merge_one(const std::shared_ptr<Object>& source, MergeMemo& memo) {
  if (auto done = memo.merged.find(source.get()); done != memo.merged.end()) return done->second;
  const InstanceState& from = ObjectAccess::state(*source);
  if (from.session == this) {
    if (from.status == Status::Deleted)
      throw InvalidRequestError("merge() of " + describe(*source) + ", which is marked deleted in this Session");
    memo.merged.emplace(source.get(), source);
    memo.sources.push_back(source);
    return source;
  }
  const EntityInfo& entity = source->ormc_entity();
  const auto& columns = entity.table->columns;
  // The columns `source` carries a value for. A new object (transient or pending elsewhere) has
  // every column the caller can't leave to the database, plus the generated ones it set; an object
  // with a row has every column that is not expired.
  const bool fresh = from.status == Status::Transient || from.status == Status::Pending;
  const bool all_expired = from.expired && from.expired_columns.empty();
  ColumnSet loaded;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const bool has = fresh ? !server_generated(columns[i]) || from.modified.contains(i)
                           : !all_expired && !(from.expired && from.expired_columns.contains(i));
    if (has) loaded.insert(i);
  }
  const bool has_key = std::all_of(entity.primary_key.begin(), entity.primary_key.end(),
                                   [&](std::uint16_t c) { return loaded.contains(c); });

  std::shared_ptr<Object> target;
  std::vector<Value> key;
  if (has_key) {
    key = IdentityMap::primary_key_of(*source).to_vector();
    target = identity_.find({&entity, key});
    if (target && ObjectAccess::state(*target).status == Status::Deleted)
      throw InvalidRequestError("merge() of " + describe(*source) + ", whose row is marked deleted in this Session");
    if (!target) {
      // A key this call already made a pending object for (SQLAlchemy's _resolve_conflict_map).
      for (const auto& made : memo.new_by_key)
        if (made.entity == &entity && made.key == key) target = made.object;
    }
    if (!target) target = get(entity, key);  // SQLAlchemy's load=True
  }
  bool created = false;
  if (!target) {
    // No row: a pending copy. Its modified set says which generated columns were given, which is
    // what the INSERT's shape is decided by.
    target = entity.instantiate();
    InstanceState& to = ObjectAccess::state(*target);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (!loaded.contains(i)) continue;
      ObjectAccess::set(*target, i, ObjectAccess::get(*source, i));
      to.modified.insert(i);
    }
    created = true;
  }
  // Recorded before the relationships are walked: an object reached again through a cycle is this one.
  memo.merged.emplace(source.get(), target);
  memo.sources.push_back(source);
  if (created) {
    if (has_key) memo.new_by_key.push_back({&entity, key, target});
    add(target);
  } else {
    InstanceState& to = ObjectAccess::state(*target);
    if (to.expired) load_expired(*target);  // compare with current values, not stale ones
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (!loaded.contains(i) || columns[i].primary_key) continue;
      Value value = ObjectAccess::get(*source, i);
      if (value == ObjectAccess::get(*target, i)) continue;  // equal values are no change (no UPDATE)
      ObjectAccess::set(*target, i, std::move(value));
      to.modified.insert(i);
      on_modified(*target);
    }
  }
  merge_relationships(*source, target, memo);
  return target;
}

void SessionCore::merge_relationships(Object& source, const std::shared_ptr<Object>& target, MergeMemo& memo) {
  for (const RelationshipInfo& rel : source.ormc_entity().relationships) {
    // Only relationships with the merge cascade are followed ("save-update, merge" by default,
    // part of "all"); the side this object was reached from is not walked back.
    if (!(rel.cascade & CascadeMerge)) continue;
    if (const RelationshipInfo* reverse = paired_relationship(rel); reverse && memo.reached_via.contains({&source, reverse}))
      continue;
    if (ReferenceState* ref = reference_state(source, rel)) {
      // Only what the source's memory holds: a reference never loaded (or whose target was freed)
      // is left alone, and its foreign key column was merged with the other columns.
      std::shared_ptr<Object> from = ref->known();
      if (!from && !ref->known_empty()) continue;
      std::shared_ptr<Object> merged;
      if (from) {
        memo.reached_via.insert({from.get(), &rel});
        merged = merge_one(from, memo);
      }
      ReferenceState* dest = reference_state(*target, rel);
      if (dest->known() != merged || (!merged && !dest->known_empty())) dest->set_object(merged);
      continue;
    }
    LoadedCollectionState* coll = loaded_collection_state(source, rel);
    // An unloaded collection of the source says nothing about the rows: it is not touched.
    if (coll == nullptr || !coll->loaded()) continue;
    const auto items = coll->loaded_items();
    LoadedCollectionState* dest = loaded_collection_state(*target, rel);
    // The destination's collection is loaded first (even lazy = "raise", as SQLAlchemy's
    // PASSIVE_MERGE), so each item's merge finds the rows it holds in the identity map.
    dest->load(true);
    std::vector<std::shared_ptr<Object>> merged;
    merged.reserve(items.size());
    for (const auto& item : items) {
      memo.reached_via.insert({item.get(), &rel});
      merged.push_back(merge_one(item, memo));
    }
    // Becomes exactly the merged items: others leave it (NULL foreign key, or DELETE with
    // delete-orphan, at the flush), new ones join.
    dest->assign_objects(merged);
  }
}

}  // namespace ormc::detail
