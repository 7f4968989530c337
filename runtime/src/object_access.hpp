// Runtime-internal access to an Object's ORM state and mapped fields.
#pragma once

#include "ormc/object.hpp"

namespace ormc::detail {

struct ObjectAccess {
  static InstanceState& state(const Object& object) noexcept { return object.ormc_state_; }
  static const EntityInfo& entity(const Object& object) noexcept { return object.ormc_entity(); }
  /// Loads `column` first when it is expired, as a generated getter does.
  static void touch(const Object& object, std::size_t column) { object.ormc_touch(column); }
  static Value get(const Object& object, std::size_t column) {
    return object.ormc_entity().fields[column].get(object);
  }
  static void set(Object& object, std::size_t column, Value&& value) {
    object.ormc_entity().fields[column].set(object, std::move(value));
  }
};

}  // namespace ormc::detail
