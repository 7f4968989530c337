// Per-object state of one relationship: the children added or removed since the last flush.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ormc/detail/holds.hpp"
#include "ormc/metadata.hpp"

namespace ormc {
class Object;
}

namespace ormc::detail {

/// Lives inside the owning object (one per relationship member). The unit of work reads the
/// pending changes at flush and clears them; nothing here ever loads the collection.
class RelationshipState {
 public:
  RelationshipState(Object& owner, std::uint16_t relationship) noexcept : owner_(&owner), index_(relationship) {}
  RelationshipState(const RelationshipState&) = delete;
  RelationshipState& operator=(const RelationshipState&) = delete;
  virtual ~RelationshipState() = default;

  [[nodiscard]] Object& owner() const noexcept { return *owner_; }
  [[nodiscard]] std::uint16_t index() const noexcept { return index_; }
  [[nodiscard]] const RelationshipInfo& info() const noexcept;
  /// "Entity.member", for error messages.
  [[nodiscard]] std::string describe() const;

  [[nodiscard]] const std::vector<std::shared_ptr<Object>>& added() const noexcept { return added_; }
  [[nodiscard]] const std::vector<std::shared_ptr<Object>>& removed() const noexcept { return removed_; }
  [[nodiscard]] bool has_changes() const noexcept { return !added_.empty() || !removed_.empty(); }
  /// After a flush wrote the changes (or a rollback discarded them).
  void clear_changes() noexcept {
    added_.clear();
    removed_.clear();
  }
  bool registered = false;  ///< in its session's list of changed relationships

  /// Cycle collector (ormc/cycles.hpp): reports each strong std::shared_ptr<Object> this member
  /// stores (here the pending add / remove lists; subclasses add theirs). Virtual so that every
  /// member type reports its own storage exactly.
  virtual void visit_holds(HoldVisitor& visitor) const;
  /// Cycle collector: the owner is garbage; drops every strong hold without back_populates,
  /// cascades or session bookkeeping (the owner is about to be freed).
  virtual void release_holds() noexcept;

 protected:
  /// Queues `child` for the collection; cascades it into the owner's session (save-update).
  /// @throw ormc::InvalidRequestError for a null child or one of the wrong entity.
  void record_add(std::shared_ptr<Object> child);
  /// Queues the removal of `child`. A child added since the last flush is simply dropped.
  void record_remove(std::shared_ptr<Object> child);
  /// Replaces the pending contents whole; allowed only while the owner has no row yet (transient
  /// or pending), since replacing a persistent collection would need the old contents loaded.
  /// @throw ormc::InvalidRequestError naming the collection otherwise.
  void record_assign(std::vector<std::shared_ptr<Object>> children);
  /// back_populates moved `child` elsewhere: forgets its pending add / remove without SQL or
  /// cascades. Returns whether there was one.
  bool drop_pending_add(const Object* child) noexcept;
  bool drop_pending_remove(const Object* child) noexcept;
  void check_child(const std::shared_ptr<Object>& child, const char* operation) const;

 private:
  void notify_session();

  Object* owner_;
  std::uint16_t index_;
  std::vector<std::shared_ptr<Object>> added_;
  std::vector<std::shared_ptr<Object>> removed_;
};

}  // namespace ormc::detail
