// ormc::Object: change notification, lazy reload of expired attributes, and session cleanup on destruction.
#include "ormc/object.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "ormc/errors.hpp"
#include "session/session_core.hpp"

namespace ormc {

Object::~Object() {
  if (ormc_state_.session) ormc_state_.session->on_destroyed(ormc_state_);
}

ObjectState state_of(const Object& object) noexcept {
  switch (object.ormc_state_.status) {
    case detail::Status::Transient: return ObjectState::Transient;
    case detail::Status::Pending: return ObjectState::Pending;
    case detail::Status::Persistent: return ObjectState::Persistent;
    case detail::Status::Deleted: return ObjectState::Deleted;
    case detail::Status::Detached: return ObjectState::Detached;
  }
  return ObjectState::Detached;
}

void Object::ormc_modified(std::size_t column) {
  ormc_state_.modified.insert(column);
  if (ormc_state_.session) ormc_state_.session->on_modified(*this);
}

void Object::ormc_load_expired() const {
  if (ormc_state_.status == detail::Status::Pending || ormc_state_.status == detail::Status::Transient) {
    ormc_state_.expired = false;
    return;
  }
  if (!ormc_state_.session)
    throw InvalidRequestError("Instance '" + std::string(ormc_entity().name) +
                              "' is not bound to a Session; its expired attributes can't be loaded");
  ormc_state_.session->load_expired(*this);
}

namespace detail {

ColumnSet::ColumnSet(const ColumnSet& other) : bits_(other.bits_), more_words_(other.more_words_) {
  if (other.more_) {
    more_ = std::make_unique<std::uint64_t[]>(more_words_);
    std::copy_n(other.more_.get(), more_words_, more_.get());
  }
}

ColumnSet& ColumnSet::operator=(const ColumnSet& other) {
  if (this != &other) {
    ColumnSet copy(other);
    *this = std::move(copy);
  }
  return *this;
}

void ColumnSet::insert_slow(std::size_t column) {
  const std::size_t word = column / 64 - 1;
  if (word >= more_words_) {
    auto grown = std::make_unique<std::uint64_t[]>(word + 1);
    if (more_) std::copy_n(more_.get(), more_words_, grown.get());
    more_ = std::move(grown);
    more_words_ = word + 1;
  }
  more_[word] |= std::uint64_t{1} << (column % 64);
}

bool ColumnSet::contains_slow(std::size_t column) const noexcept {
  const std::size_t word = column / 64 - 1;
  return word < more_words_ && ((more_[word] >> (column % 64)) & 1U);
}

}  // namespace detail
}  // namespace ormc
