// ormc::Object: base class of every generated entity class; holds the per-instance ORM state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "ormc/detail/instance_state.hpp"
#include "ormc/detail/object_allocator.hpp"
#include "ormc/metadata.hpp"

namespace ormc {

namespace detail {
struct ObjectAccess;
}

/// Where an object is in its lifecycle (SQLAlchemy's `inspect(obj).transient`, `.pending`, ...).
enum class ObjectState {
  Transient,   ///< never added to a Session
  Pending,     ///< added, not yet flushed
  Persistent,  ///< has a row and belongs to a Session
  Deleted,     ///< its row was deleted in the Session's current transaction (or is marked for it)
  Detached,    ///< has (or had) a row, belongs to no Session
};

/// The lifecycle state of `object`.
[[nodiscard]] ObjectState state_of(const Object& object) noexcept;

/// Base of generated entity classes. Entities are always held by std::shared_ptr (use T::create()).
/// Names starting with `ormc_` are reserved for the runtime and generated code.
class Object : public std::enable_shared_from_this<Object> {
 public:
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  virtual ~Object();

  /// The mapping of this object's class.
  [[nodiscard]] virtual const EntityInfo& ormc_entity() const noexcept = 0;

 protected:
  Object() = default;

  /// Called by generated setters after a field changed: marks the column modified and, when the
  /// object belongs to a Session, registers it as dirty there.
  void ormc_modified(std::size_t column);
  /// Called by generated getters: when `column` is expired (after commit, expire(), or a server
  /// default not returned by the INSERT), loads the expired attributes first.
  void ormc_touch(std::size_t column) const {
    if (ormc_state_.expired) [[unlikely]] {
      if (ormc_state_.expired_columns.empty() || ormc_state_.expired_columns.contains(column)) ormc_load_expired();
    }
  }

 private:
  friend struct detail::ObjectAccess;
  friend ObjectState state_of(const Object& object) noexcept;
  void ormc_load_expired() const;

  mutable detail::InstanceState ormc_state_;
};

}  // namespace ormc
