// Savepoints: Session::begin_nested(), the NestedTransaction handle, and undoing in memory what a savepoint rollback undid.
#include <algorithm>
#include <string>

#include "connection.hpp"
#include "object_access.hpp"
#include "ormc/errors.hpp"
#include "session/session_core.hpp"

namespace ormc {

NestedTransaction::NestedTransaction(NestedTransaction&& other) noexcept
    : core_(other.core_), alive_(std::move(other.alive_)), id_(other.id_) {
  other.core_ = nullptr;
}

NestedTransaction& NestedTransaction::operator=(NestedTransaction&& other) noexcept {
  if (this != &other) {
    try {
      rollback();
    } catch (...) {
      // As the destructor: the savepoint being replaced is abandoned either way.
    }
    core_ = other.core_;
    alive_ = std::move(other.alive_);
    id_ = other.id_;
    other.core_ = nullptr;
  }
  return *this;
}

NestedTransaction::~NestedTransaction() {
  try {
    rollback();
  } catch (...) {
    // A broken connection: the Session's own rollback() reports it; a destructor can't.
  }
}

detail::SessionCore* NestedTransaction::live_core() const noexcept {
  return core_ != nullptr && !alive_.expired() ? core_ : nullptr;
}

void NestedTransaction::commit() {
  detail::SessionCore* core = live_core();
  if (core == nullptr || !core->nested_active(id_))
    throw InvalidRequestError("This nested transaction is inactive: it was already committed or rolled back");
  core->commit_nested(id_);
  core_ = nullptr;
}

void NestedTransaction::rollback() {
  detail::SessionCore* core = live_core();
  core_ = nullptr;
  if (core != nullptr && core->nested_active(id_)) core->rollback_nested(id_);
}

bool NestedTransaction::is_active() const noexcept {
  detail::SessionCore* core = live_core();
  return core != nullptr && core->nested_active(id_);
}

namespace detail {

std::size_t SessionCore::savepoint_index(std::uint64_t id) const noexcept {
  for (std::size_t i = 0; i < savepoints_.size(); ++i)
    if (savepoints_[i].id == id) return i;
  return savepoints_.size();
}

bool SessionCore::nested_active(std::uint64_t id) const noexcept { return savepoint_index(id) < savepoints_.size(); }

std::uint64_t SessionCore::begin_nested() {
  UseGuard guard(*this);
  check_usable();
  // SQLAlchemy flushes first, so that the savepoint starts from everything the Session knows and
  // its rollback touches only what happened after it.
  flush();
  Connection& c = connection();
  Savepoint sp;
  sp.id = ++next_savepoint_id_;
  // Named by depth: names repeat across siblings, so the texts (and prepared forms) repeat too.
  sp.name = "ormc_savepoint_" + std::to_string(savepoints_.size() + 1);
  sp.inserted_mark = inserted_in_transaction_.size();
  sp.deleted_mark = deleted_in_transaction_.size();
  sp.updated_mark = updated_in_savepoint_.size();
  engine_.savepoint(c, sp.name);
  savepoints_.push_back(std::move(sp));
  return savepoints_.back().id;
}

void SessionCore::commit_nested(std::uint64_t id) {
  UseGuard guard(*this);
  std::size_t index = savepoint_index(id);
  if (index == savepoints_.size()) throw InvalidRequestError("This nested transaction is inactive");
  flush();
  index = savepoint_index(id);  // a failed flush may have ended the transaction (and the savepoints)
  if (index == savepoints_.size()) throw InvalidRequestError("This nested transaction is inactive");
  try {
    // RELEASE also releases every savepoint begun after this one, as the database does.
    engine_.release_savepoint(*conn_, savepoints_[index].name);
  } catch (...) {
    end_transaction();
    flush_failed_ = true;  // the transaction is gone: rollback() must acknowledge it
    throw;
  }
  savepoints_.resize(index);
  if (savepoints_.empty()) updated_in_savepoint_.clear();
}

void SessionCore::rollback_nested(std::uint64_t id) {
  UseGuard guard(*this);
  const std::size_t index = savepoint_index(id);
  if (index == savepoints_.size()) return;
  Savepoint sp = std::move(savepoints_[index]);
  savepoints_.resize(index);
  try {
    if (conn_ && conn_->in_transaction()) engine_.rollback_to_savepoint(*conn_, sp.name);
  } catch (...) {
    end_transaction();
    flush_failed_ = true;
    throw;
  }
  // The database undid a failed flush's partial writes too: the Session is usable again.
  flush_failed_ = false;
  restore_to(sp);
  if (savepoints_.empty()) updated_in_savepoint_.clear();
}

void SessionCore::restore_to(const Savepoint& sp) {
  // As SQLAlchemy's _restore_snapshot(dirty_only=True): what was added since the savepoint becomes
  // transient, what was deleted is persistent again, what was changed is expired and reloads.
  discard_relationship_changes();
  for (auto& object : new_) make_transient(*object);
  new_.clear();
  for (std::size_t i = sp.inserted_mark; i < inserted_in_transaction_.size(); ++i)
    if (auto object = inserted_in_transaction_[i].lock()) make_transient(*object);
  inserted_in_transaction_.resize(std::min(sp.inserted_mark, inserted_in_transaction_.size()));

  for (auto& object : deleted_) ObjectAccess::state(*object).status = Status::Persistent;
  deleted_.clear();
  for (std::size_t i = sp.deleted_mark; i < deleted_in_transaction_.size(); ++i) {
    Object& object = *deleted_in_transaction_[i];
    InstanceState& s = ObjectAccess::state(object);
    s.status = Status::Persistent;
    s.identity = identity_.insert(deleted_in_transaction_[i]);
    expire_state(object);
  }
  deleted_in_transaction_.resize(std::min(sp.deleted_mark, deleted_in_transaction_.size()));

  for (auto& object : dirty_) expire_state(*object);
  dirty_.clear();
  for (std::size_t i = sp.updated_mark; i < updated_in_savepoint_.size(); ++i)
    if (auto object = updated_in_savepoint_[i].lock()) expire_state(*object);
  updated_in_savepoint_.resize(std::min(sp.updated_mark, updated_in_savepoint_.size()));
}

}  // namespace detail
}  // namespace ormc
