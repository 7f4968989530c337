// ReferenceState: a many-to-one's target — held strongly until flushed, weakly after, re-resolved by key.
#include <string>

#include "cycle_collector.hpp"
#include "object_access.hpp"
#include "ormc/errors.hpp"
#include "relationship_kinds.hpp"
#include "session/session_core.hpp"

namespace ormc::detail {
namespace {

bool has_row(Status s) { return s == Status::Persistent || s == Status::Deleted || s == Status::Detached; }

}  // namespace

std::shared_ptr<Object> ReferenceState::get_object() {
  if (loaded_) {
    if (auto target = target_.lock()) return target;
    if (!has_target_) return nullptr;
    // The target was freed since (nothing held it): find it again through the foreign key.
  }
  const RelationshipInfo& rel = info();
  const LoaderStrategy lazy = strategy();
  if (lazy == LoaderStrategy::Raise)
    throw InvalidRequestError("'" + describe() + "' is not available due to lazy='raise'");
  Object& owner = this->owner();
  const InstanceState& s = ObjectAccess::state(owner);
  // An object without a row has nothing to load (SQLAlchemy's load_on_pending is off); noload
  // never loads.
  if (!has_row(s.status) || lazy == LoaderStrategy::Noload) return nullptr;
  if (s.session == nullptr)
    throw InvalidRequestError("Parent instance '" + std::string(owner.ormc_entity().name) +
                              "' is not bound to a Session; lazy load of \"" + describe() + "\" can't proceed");
  std::shared_ptr<Object> target = s.session->load_reference(owner, rel);
  target_ = target;
  has_target_ = target != nullptr;
  loaded_ = true;
  return target;
}

std::shared_ptr<Object> ReferenceState::peek() const {
  if (loaded_) return target_.lock();
  const InstanceState& s = ObjectAccess::state(owner());
  if (s.session == nullptr || s.expired || !has_row(s.status)) return nullptr;
  return s.session->peek_reference(owner(), info());
}

void ReferenceState::set_object(std::shared_ptr<Object> target) {
  collect_cycles_if_due();  // first: a collection frees objects, so nothing may be half done
  if (target) check_child(target, "set");
  std::shared_ptr<Object> old = peek();
  Object& owner = this->owner();
  const RelationshipInfo* pair = paired_relationship(info());
  if (!target && old && pair && (pair->cascade & CascadeDeleteOrphan)) {
    // Cleared while its parent's collection has delete-orphan: the child is an orphan, DELETEd at
    // the flush (with the parent criterion) instead of getting a NULL foreign key.
    if (LoadedCollectionState* coll = loaded_collection_state(*old, *pair)) {
      coll->orphan(owner.shared_from_this());
      backref_set(nullptr);
      return;
    }
  }
  target_ = target;
  has_target_ = target != nullptr;
  hold_.reset();
  pin_ = target;  // until the flush has copied its key (it may be reachable through nothing else)
  if (target) register_cycle_candidate(owner);  // the pin may close a cycle (ormc/cycles.hpp)
  loaded_ = true;
  changed_ = true;
  if (SessionCore* session = ObjectAccess::state(owner).session) session->on_reference_changed(*this);
  // back_populates: the old target's collection loses the owner, the new one gains it (memory only).
  if (pair == nullptr || old == target) return;
  const std::shared_ptr<Object> self = owner.shared_from_this();
  if (old)
    if (LoadedCollectionState* coll = loaded_collection_state(*old, *pair)) coll->backref_remove(&owner);
  if (target)
    if (LoadedCollectionState* coll = loaded_collection_state(*target, *pair)) coll->backref_add(self);
}

void ReferenceState::backref_set(const std::shared_ptr<Object>& target) noexcept {
  target_ = target;
  hold_.reset();
  has_target_ = target != nullptr;
  loaded_ = true;
  // The collection side now writes the foreign key (or NULL / DELETE): an unflushed set() of this
  // side is superseded, and syncing it too would write the row twice.
  changed_ = false;
  pin_.reset();
}

void ReferenceState::joined_loaded(const std::shared_ptr<Object>& target) noexcept {
  target_ = target;
  has_target_ = target != nullptr;
  loaded_ = true;
  hold_ = target;
  if (target) register_cycle_candidate(owner());  // a strong hold (ormc/cycles.hpp)
}

void ReferenceState::after_flush() noexcept {
  changed_ = false;
  pin_.reset();
}

void ReferenceState::expire() noexcept {
  if (changed_) return;  // an unflushed set() is still what the reference is
  target_.reset();
  hold_.reset();
  has_target_ = false;
  loaded_ = false;
}

void ReferenceState::discard() noexcept {
  changed_ = false;
  pin_.reset();
  hold_.reset();
  target_.reset();
  has_target_ = false;
  loaded_ = false;
}

LoaderStrategy ReferenceState::strategy() const noexcept { return overridden_ ? strategy_ : info().lazy; }

void ReferenceState::accept_loaded(const std::shared_ptr<Object>& target, bool hold) noexcept {
  if (loaded_ && (target_.lock() || !has_target_)) return;  // memory already knows (or the user set it)
  target_ = target;
  has_target_ = target != nullptr;
  loaded_ = true;
  if (hold && target) {
    hold_ = target;
    register_cycle_candidate(owner());  // a strong hold (ormc/cycles.hpp)
  }
}

}  // namespace ormc::detail
