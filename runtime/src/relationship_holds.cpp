// The strong holds of each relationship member type, as the cycle collector enumerates and releases them.
//
// Exactness rule (see ormc/detail/holds.hpp): report every std::shared_ptr<Object> member that is
// a real copy, each once; never report a weak pointer, an aliasing pointer without ownership, or
// a copy made for the report.
#include "ormc/collection.hpp"
#include "ormc/detail/relationship_state.hpp"
#include "ormc/reference.hpp"

namespace ormc::detail {

// Pending adds and removes: all member types queue through these (write-only and dynamic
// collections hold nothing else).
void RelationshipState::visit_holds(HoldVisitor& visitor) const {
  for (const auto& o : added_) visitor.hold(o);
  for (const auto& o : removed_) visitor.hold(o);
}

void RelationshipState::release_holds() noexcept { clear_changes(); }

// A reference's strong holds are its pin (set and not flushed) and the target a selectin batch or
// a joined load read (hold_); target_ is weak.
void ReferenceState::visit_holds(HoldVisitor& visitor) const {
  RelationshipState::visit_holds(visitor);
  visitor.hold(pin_);
  visitor.hold(hold_);
}

void ReferenceState::release_holds() noexcept {
  RelationshipState::release_holds();
  pin_.reset();
  hold_.reset();
  changed_ = false;
}

// items_ (every loaded collection holds its items strongly, both sides of a many-to-many pair
// included) and the back_populates queue.
void LoadedCollectionState::visit_holds(HoldVisitor& visitor) const {
  RelationshipState::visit_holds(visitor);
  for (const auto& o : items_.items()) visitor.hold(o);
  for (const auto& o : queued_.items()) visitor.hold(o);
}

void LoadedCollectionState::release_holds() noexcept {
  RelationshipState::release_holds();
  items_.clear();
  queued_.clear();
  loaded_ = false;
}

}  // namespace ormc::detail
