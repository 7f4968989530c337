// ormc::Column<E, T>: the typed column handle behind `Entity::c.attr`; statements build on it.
#pragma once

#include <cstdint>

namespace ormc {

/// A mapped column of entity `E` whose C++ type is `T`. Generated classes expose one per column
/// as `E::c.attr`; typed statements take them (and reject values of a non-comparable type).
template <class E, class T>
struct Column {
  using entity_type = E;
  using value_type = T;
  std::uint16_t index;  ///< position in E's TableInfo::columns
};

}  // namespace ormc
