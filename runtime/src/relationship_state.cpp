// RelationshipState: queues adds and removes, refuses what can be proven wrong in memory, and
// tells the owner's session (which cascades new children into itself).
#include "ormc/detail/relationship_state.hpp"

#include <algorithm>
#include <string>

#include "cycle_collector.hpp"
#include "object_access.hpp"
#include "ormc/errors.hpp"
#include "session/session_core.hpp"

namespace ormc::detail {
namespace {

bool has_row(Status s) { return s == Status::Persistent || s == Status::Deleted || s == Status::Detached; }

template <class V>
auto find_ptr(V& list, const Object* o) {
  return std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.get() == o; });
}

}  // namespace

const RelationshipInfo& RelationshipState::info() const noexcept { return owner_->ormc_entity().relationships[index_]; }

std::string RelationshipState::describe() const {
  std::string name(owner_->ormc_entity().name);
  if (const auto sep = name.rfind("::"); sep != std::string::npos) name = name.substr(sep + 2);
  return name + "." + std::string(info().name);
}

void RelationshipState::check_child(const std::shared_ptr<Object>& child, const char* operation) const {
  if (!child)
    throw InvalidRequestError(std::string(operation) + "() on collection \"" + describe() + "\" was given a null object");
  const EntityInfo& target = info().target();
  if (&child->ormc_entity() != &target)
    throw InvalidRequestError("Collection \"" + describe() + "\" holds '" + std::string(target.name) + "' objects, not '" +
                              std::string(child->ormc_entity().name) + "'");
}

void RelationshipState::notify_session() {
  if (SessionCore* session = ObjectAccess::state(*owner_).session) session->on_relationship_changed(*this);
}

void RelationshipState::record_add(std::shared_ptr<Object> child) {
  check_child(child, "add");
  if (!removed_.empty()) {
    if (auto it = find_ptr(removed_, child.get()); it != removed_.end()) {
      removed_.erase(it);  // removed and added back before a flush: nothing to write
      return;
    }
  }
  // Adding the same child twice is harmless and de-duplicated at flush: searching the pending
  // list here would make add_all() of N children O(N^2).
  added_.push_back(std::move(child));
  register_cycle_candidate(*owner_);  // a strong hold that may close a cycle (ormc/cycles.hpp)
  notify_session();
}

void RelationshipState::record_remove(std::shared_ptr<Object> child) {
  check_child(child, "remove");
  if (auto it = find_ptr(added_, child.get()); it != added_.end()) {
    // Never flushed into the collection: forget the add. A delete-orphan child that only the
    // collection brought into the session leaves it again.
    added_.erase(it);
    const InstanceState& cs = ObjectAccess::state(*child);
    if ((info().cascade & CascadeDeleteOrphan) && cs.status == Status::Pending && cs.session)
      cs.session->expunge(child);
    return;
  }
  const InstanceState& owner_state = ObjectAccess::state(*owner_);
  const InstanceState& child_state = ObjectAccess::state(*child);
  // Refuse what memory already proves: an owner without a row has no members but its pending
  // adds, and a child without a row can't be in any stored collection.
  if (!has_row(owner_state.status) || !has_row(child_state.status))
    throw InvalidRequestError("Object '" + std::string(child->ormc_entity().name) + "' is not in collection \"" +
                              describe() + "\"; it can't be removed from it");
  // One-to-many: a loaded foreign key that names another parent proves non-membership.
  const RelationshipInfo& rel = info();
  if ((rel.kind == RelationshipKind::OneToMany || rel.kind == RelationshipKind::OneToOne) && !child_state.expired) {
    const TableInfo& owner_table = *owner_->ormc_entity().table;
    const TableInfo& child_table = *child->ormc_entity().table;
    for (const JoinPair& pair : rel.primaryjoin) {
      const int local = owner_table.column_index(pair.local_column);
      const int remote = child_table.column_index(pair.remote_column);
      if (local < 0 || remote < 0) continue;
      if (ObjectAccess::get(*owner_, static_cast<std::size_t>(local)) !=
          ObjectAccess::get(*child, static_cast<std::size_t>(remote)))
        throw InvalidRequestError("Object '" + std::string(child->ormc_entity().name) + "' is not in collection \"" +
                                  describe() + "\" (its foreign key names another parent); it can't be removed from it");
    }
  }
  removed_.push_back(std::move(child));  // duplicates are dropped at flush, as for adds
  register_cycle_candidate(*owner_);
  notify_session();
}

bool RelationshipState::drop_pending_add(const Object* child) noexcept {
  auto it = find_ptr(added_, child);
  if (it == added_.end()) return false;
  added_.erase(it);
  return true;
}

bool RelationshipState::drop_pending_remove(const Object* child) noexcept {
  auto it = find_ptr(removed_, child);
  if (it == removed_.end()) return false;
  removed_.erase(it);
  return true;
}

void RelationshipState::record_assign(std::vector<std::shared_ptr<Object>> children) {
  const Status s = ObjectAccess::state(*owner_).status;
  if (s != Status::Transient && s != Status::Pending)
    throw InvalidRequestError("Collection \"" + describe() +
                              "\" does not support implicit iteration; collection replacement operations can't be "
                              "used once its parent is persistent: use add(), add_all() and remove()");
  for (const auto& c : children) check_child(c, "assign");
  // Dropping the previous pending adds goes through record_remove so delete-orphan children that
  // only this collection brought into the session leave it again.
  const auto previous = added_;
  for (const auto& c : previous) record_remove(c);
  for (auto& c : children) record_add(std::move(c));
}

}  // namespace ormc::detail
