// Per-object ORM bookkeeping: lifecycle status, owning session, modified columns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "ormc/detail/identity_key.hpp"

namespace ormc::detail {

class SessionCore;

/// Lifecycle of an object, as SQLAlchemy names it.
enum class Status : std::uint8_t {
  Transient,   ///< never added to a Session
  Pending,     ///< added, not yet flushed
  Persistent,  ///< has a row, belongs to a Session
  Deleted,     ///< marked for deletion (flushed or not)
  Detached,    ///< has a row, belongs to no Session
};

/// A set of column positions; inline for the first 64 columns, heap beyond.
class ColumnSet {
 public:
  ColumnSet() = default;
  ColumnSet(const ColumnSet& other);
  ColumnSet& operator=(const ColumnSet& other);
  ColumnSet(ColumnSet&&) noexcept = default;
  ColumnSet& operator=(ColumnSet&&) noexcept = default;

  void insert(std::size_t column) {
    if (column < 64) bits_ |= std::uint64_t{1} << column;
    else insert_slow(column);
  }
  [[nodiscard]] bool contains(std::size_t column) const noexcept {
    if (column < 64) return (bits_ >> column) & 1U;
    return contains_slow(column);
  }
  [[nodiscard]] bool empty() const noexcept { return bits_ == 0 && !more_; }
  void clear() noexcept {
    bits_ = 0;
    more_.reset();
    more_words_ = 0;
  }

 private:
  void insert_slow(std::size_t column);
  [[nodiscard]] bool contains_slow(std::size_t column) const noexcept;

  std::uint64_t bits_ = 0;
  std::unique_ptr<std::uint64_t[]> more_;
  std::size_t more_words_ = 0;
};

struct InstanceState {
  SessionCore* session = nullptr;  ///< owning session while pending/persistent/deleted
  const IdentityKey* identity = nullptr;  ///< its entry in the session's identity map (&identity_key), if any
  /// Storage of the identity map's key for this object: kept here so that registering a loaded row
  /// allocates nothing (the map itself holds only object pointers).
  IdentityKey identity_key;
  Status status = Status::Transient;
  bool expired = false;            ///< some attributes must be reloaded before being read
  ColumnSet expired_columns;       ///< which ones (all columns when `expired` and this is empty)
  bool in_dirty_list = false;      ///< already registered with the session's dirty list
  bool cycle_candidate = false;    ///< in a thread's cycle-collector registry (ormc/cycles.hpp)
  bool flush_listed = false;       ///< during a flush: already taken from the pending list being read
  std::uint32_t cycle_node = 0;    ///< during a cycle collection: 1 + its index among the visited objects
  ColumnSet modified;              ///< columns changed since load/flush
};

}  // namespace ormc::detail
