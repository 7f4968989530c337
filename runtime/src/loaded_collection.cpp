// LoadedCollectionState: a select / raise / noload collection (list, set or map) — loading, membership,
// back_populates.
#include <algorithm>
#include <string>

#include "cycle_collector.hpp"
#include "object_access.hpp"
#include "ormc/map_collection.hpp"
#include "ormc/errors.hpp"
#include "relationship_kinds.hpp"
#include "session/session_core.hpp"

namespace ormc::detail {
namespace {

bool has_row(Status s) { return s == Status::Persistent || s == Status::Deleted || s == Status::Detached; }

using Items = LoadedCollectionState::Items;

bool pending_add_of(const RelationshipState& state, const std::shared_ptr<Object>& child) {
  return std::find(state.added().begin(), state.added().end(), child) != state.added().end();
}

}  // namespace

MemberList& LoadedCollectionState::working(bool for_unit_of_work) {
  load(for_unit_of_work);
  return items_;
}

std::shared_ptr<const Items> LoadedCollectionState::snapshot() {
  // No ownership: the collection holds its items strongly (see ormc/collection.hpp), so the
  // pointer only has to stay valid as long as the collection is not changed.
  return std::shared_ptr<const Items>(std::shared_ptr<const void>(), &working().items());
}

Items LoadedCollectionState::loaded_items() const { return loaded_ ? items_.items() : Items{}; }

LoaderStrategy LoadedCollectionState::strategy() const noexcept { return overridden_ ? strategy_ : info().lazy; }

void LoadedCollectionState::load(bool for_unit_of_work) {
  if (loaded_) return;
  const LoaderStrategy lazy = strategy();
  if (!for_unit_of_work && lazy == LoaderStrategy::Raise)
    throw InvalidRequestError("'" + describe() + "' is not available due to lazy='raise'");
  Object& owner = this->owner();
  const InstanceState& s = ObjectAccess::state(owner);
  Items rows;
  // A parent without a row has no stored children (no SQL); noload never loads.
  if (has_row(s.status) && lazy != LoaderStrategy::Noload) {
    if (s.session == nullptr)
      throw InvalidRequestError("Parent instance '" + std::string(owner.ormc_entity().name) +
                                "' is not bound to a Session; lazy load of collection \"" + describe() +
                                "\" can't proceed");
    // selectin: one IN query fills this collection and those of the other parents in memory.
    if (lazy == LoaderStrategy::Selectin && s.session->selectin_load(*this) && loaded_) return;
    rows = s.session->load_collection(*this);  // may autoflush, which writes (and clears) pending changes
  }
  accept_loaded(std::move(rows));
}

void LoadedCollectionState::accept_loaded(Items rows) {
  if (loaded_) return;
  const RelationshipInfo& rel = info();
  // What memory knows and the database doesn't yet: unflushed adds and removes, and children
  // whose reference names this parent (back_populates) while autoflush is off.
  MemberList items;
  for (const auto& c : rows) items.push_back_once(c);
  for (const auto& c : added()) items.push_back_once(c);
  for (const auto& c : queued_.items()) items.push_back_once(c);
  for (const auto& c : removed()) items.erase(c.get());
  items_ = std::move(items);
  queued_.clear();
  loaded_ = true;
  if (!items_.empty()) register_cycle_candidate(owner());  // strong holds (ormc/cycles.hpp)
  // A many-to-one that a selectin batch or a joined load read holds its target; now that this
  // collection holds the child, the child's reference lets go (else the two would keep each other alive).
  if (const RelationshipInfo* pair = paired_relationship(rel); pair && is_reference(*pair))
    for (const auto& item : items_.items())
      if (ReferenceState* ref = reference_state(*item, *pair)) ref->release_hold(&owner());
}

bool LoadedCollectionState::contains_object(const Object* child) { return working().contains(child); }

void LoadedCollectionState::add_object(std::shared_ptr<Object> child) {
  collect_cycles_if_due();  // first: a collection frees objects, so nothing may be half done
  check_child(child, "add");
  // SQLAlchemy's append loads the collection first (noload: no SQL)
  if (!working().push_back_once(child)) return;
  register_cycle_candidate(owner());  // a strong hold (ormc/cycles.hpp); m2m pairs hold both ways
  record_add(child);  // after the append: its save-update cascade may come back here
  // back_populates, in memory only: the child's reference (or the other collection) names this
  // owner now; the child leaves the collection of its previous parent if that one is loaded.
  const RelationshipInfo* pair = paired_relationship(info());
  if (pair == nullptr) return;
  const std::shared_ptr<Object> self = owner().shared_from_this();
  if (ReferenceState* ref = reference_state(*child, *pair)) {
    if (auto old = ref->peek(); old && old != self)
      if (LoadedCollectionState* old_coll = loaded_collection_state(*old, info())) old_coll->backref_remove(child.get());
    ref->backref_set(self);
  } else if (LoadedCollectionState* other = loaded_collection_state(*child, *pair)) {
    other->backref_add(self);
  }
}

void LoadedCollectionState::remove_object(const std::shared_ptr<Object>& child) {
  check_child(child, "remove");
  if (!working().erase(child.get()))
    throw InvalidRequestError("Object '" + std::string(child->ormc_entity().name) + "' is not in collection \"" +
                              describe() + "\"; it can't be removed from it");
  const Status owner_status = ObjectAccess::state(owner()).status;
  const Status child_status = ObjectAccess::state(*child).status;
  // UPDATE to NULL, orphan DELETE or association DELETE at flush; or, for an unflushed add, the
  // add is dropped (with a delete-orphan child it brought in). A link that existed in memory only
  // (back_populates of a reference) has nothing to write.
  if ((has_row(owner_status) && has_row(child_status)) || pending_add_of(*this, child)) record_remove(child);
  const RelationshipInfo* pair = paired_relationship(info());
  if (pair == nullptr) return;
  Object* self = &owner();
  if (ReferenceState* ref = reference_state(*child, *pair)) {
    if (auto current = ref->peek(); current == nullptr || current.get() == self) ref->backref_set(nullptr);
  } else if (LoadedCollectionState* other = loaded_collection_state(*child, *pair)) {
    other->backref_remove(self);
  }
}

void LoadedCollectionState::assign_objects(const Items& children) {
  for (const auto& c : children) check_child(c, "assign");
  const Items current = working().items();  // a copy: remove_object() changes the collection
  for (const auto& c : current)
    if (std::find(children.begin(), children.end(), c) == children.end()) remove_object(c);
  for (const auto& c : children) add_object(c);
}

void LoadedCollectionState::backref_add(const std::shared_ptr<Object>& child) {
  drop_pending_remove(child.get());
  // A parent without a row has nothing stored: its collection is simply what memory holds.
  if (!loaded_ && !has_row(ObjectAccess::state(owner()).status)) load(true);
  // A map that already holds the child's key: the holder is replaced (SQLAlchemy's d[key] = child),
  // now rather than at the map's next use, so that a flush never writes two members with one key.
  if (loaded_ && info().collection == CollectionClass::Map && info().collection_key_column >= 0 &&
      !contains_object(child.get()))
    static_cast<MapCollectionState*>(this)->make_room_for(child);
  if (loaded_) {
    MemberList& items = working(true);
    const Items previous = info().uselist ? Items{} : items.items();  // only a one-to-one replaces
    items.push_back_once(child);
    // One-to-one: the object it held before is replaced, as if removed by the user (its foreign
    // key becomes NULL, or it is deleted with delete-orphan).
    if (!info().uselist)
      for (const auto& old : previous)
        if (old != child) remove_object(old);
  } else {
    queued_.push_back_once(child);
  }
  register_cycle_candidate(owner());  // the child may pin this owner: a cycle (ormc/cycles.hpp)
  if (SessionCore* session = ObjectAccess::state(owner()).session) {
    session->on_relationship_touched(*this);  // the flush clears what was queued
    session->cascade_child(info(), child);
  }
}

void LoadedCollectionState::forget(const Object* child) noexcept {
  items_.erase(child);
  queued_.erase(child);
}

void LoadedCollectionState::backref_remove(const Object* child) noexcept {
  drop_pending_add(child);
  forget(child);
}

void LoadedCollectionState::orphan(const std::shared_ptr<Object>& child) {
  const bool pending_add = pending_add_of(*this, child);
  forget(child.get());
  // DELETE at flush; an unflushed add is dropped instead (and a pending child it brought in
  // leaves the Session, as record_remove does for delete-orphan).
  if (pending_add || (has_row(ObjectAccess::state(owner()).status) && has_row(ObjectAccess::state(*child).status)))
    record_remove(child);
}

void LoadedCollectionState::after_flush() noexcept { queued_.clear(); }

void LoadedCollectionState::expire() noexcept {
  items_.clear();
  loaded_ = false;
}

void LoadedCollectionState::discard() noexcept {
  expire();
  queued_.clear();
}

}  // namespace ormc::detail
