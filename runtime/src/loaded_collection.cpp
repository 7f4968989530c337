// LoadedCollectionState: a select / raise / noload collection — loading, membership, back_populates.
#include <algorithm>
#include <string>

#include "object_access.hpp"
#include "ormc/errors.hpp"
#include "relationship_kinds.hpp"
#include "session/session_core.hpp"

namespace ormc::detail {
namespace {

bool has_row(Status s) { return s == Status::Persistent || s == Status::Deleted || s == Status::Detached; }

using Items = std::vector<std::shared_ptr<Object>>;

Items::iterator find_in(Items& items, const Object* o) {
  return std::find_if(items.begin(), items.end(), [&](const auto& p) { return p.get() == o; });
}

bool holds(Items& items, const Object* o) { return find_in(items, o) != items.end(); }

void append_once(Items& items, const std::shared_ptr<Object>& o) {
  if (!holds(items, o.get())) items.push_back(o);
}

}  // namespace

const Items& LoadedCollectionState::items() {
  load(false);
  return items_;
}

void LoadedCollectionState::load(bool for_unit_of_work) {
  if (loaded_) return;
  const RelationshipInfo& rel = info();
  if (!for_unit_of_work && rel.lazy == LoaderStrategy::Raise)
    throw InvalidRequestError("'" + describe() + "' is not available due to lazy='raise'");
  Object& owner = this->owner();
  const InstanceState& s = ObjectAccess::state(owner);
  Items rows;
  // A parent without a row has no stored children (no SQL); noload never loads.
  if (has_row(s.status) && rel.lazy != LoaderStrategy::Noload) {
    if (s.session == nullptr)
      throw InvalidRequestError("Parent instance '" + std::string(owner.ormc_entity().name) +
                                "' is not bound to a Session; lazy load of collection \"" + describe() +
                                "\" can't proceed");
    rows = s.session->load_collection(*this);  // may autoflush, which writes (and clears) pending changes
  }
  // What memory knows and the database doesn't yet: unflushed adds and removes, and children
  // whose reference names this parent (back_populates) while autoflush is off.
  for (const auto& c : added()) append_once(rows, c);
  for (const auto& c : queued_) append_once(rows, c);
  for (const auto& c : removed())
    if (auto it = find_in(rows, c.get()); it != rows.end()) rows.erase(it);
  items_ = std::move(rows);
  queued_.clear();
  loaded_ = true;
}

bool LoadedCollectionState::contains_object(const Object* child) {
  load(false);
  return holds(items_, child);
}

void LoadedCollectionState::add_object(std::shared_ptr<Object> child) {
  check_child(child, "add");
  load(false);  // SQLAlchemy's append loads the collection first (noload: no SQL)
  if (holds(items_, child.get())) return;
  items_.push_back(child);
  record_add(child);
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
  load(false);
  auto it = find_in(items_, child.get());
  if (it == items_.end())
    throw InvalidRequestError("Object '" + std::string(child->ormc_entity().name) + "' is not in collection \"" +
                              describe() + "\"; it can't be removed from it");
  items_.erase(it);
  const Status owner_status = ObjectAccess::state(owner()).status;
  const Status child_status = ObjectAccess::state(*child).status;
  if (has_row(owner_status) && has_row(child_status)) {
    record_remove(child);  // UPDATE to NULL, orphan DELETE or association DELETE at flush
  } else if (std::find_if(added().begin(), added().end(), [&](const auto& p) { return p == child; }) != added().end()) {
    record_remove(child);  // drops the unflushed add (and a delete-orphan child it brought in)
  }
  // else: the link existed in memory only (back_populates of a reference); nothing to write.
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
  load(false);
  const Items current = items_;
  for (const auto& c : current)
    if (std::find(children.begin(), children.end(), c) == children.end()) remove_object(c);
  for (const auto& c : children) add_object(c);
}

void LoadedCollectionState::backref_add(const std::shared_ptr<Object>& child) {
  drop_pending_remove(child.get());
  // A parent without a row has nothing stored: its collection is simply what memory holds.
  if (!loaded_ && !has_row(ObjectAccess::state(owner()).status)) load(true);
  // One-to-one: the object it held before is replaced, as if removed by the user (its foreign
  // key becomes NULL, or it is deleted with delete-orphan).
  if (!info().uselist && loaded_) {
    const Items previous = items_;
    for (const auto& old : previous)
      if (old != child) remove_object(old);
  }
  append_once(loaded_ ? items_ : queued_, child);
  if (SessionCore* session = ObjectAccess::state(owner()).session) {
    session->on_relationship_touched(*this);  // the flush clears what was queued
    session->cascade_child(info(), child);
  }
}

void LoadedCollectionState::backref_remove(const Object* child) noexcept {
  drop_pending_add(child);
  if (auto it = find_in(items_, child); it != items_.end()) items_.erase(it);
  if (auto it = find_in(queued_, child); it != queued_.end()) queued_.erase(it);
}

void LoadedCollectionState::orphan(const std::shared_ptr<Object>& child) {
  if (auto it = find_in(items_, child.get()); it != items_.end()) items_.erase(it);
  if (auto it = find_in(queued_, child.get()); it != queued_.end()) queued_.erase(it);
  const bool pending_add =
      std::find_if(added().begin(), added().end(), [&](const auto& p) { return p == child; }) != added().end();
  if (pending_add || (has_row(ObjectAccess::state(owner()).status) && has_row(ObjectAccess::state(*child).status)))
    record_remove(child);
}

void LoadedCollectionState::after_flush() noexcept { queued_.clear(); }

void LoadedCollectionState::expire() noexcept {
  items_.clear();
  loaded_ = false;
}

void LoadedCollectionState::discard() noexcept {
  items_.clear();
  queued_.clear();
  loaded_ = false;
}

}  // namespace ormc::detail
