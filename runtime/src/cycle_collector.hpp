// The cycle collector's hooks for the relationship members: registering candidates, collecting when due.
#pragma once

#include "object_access.hpp"
#include "ormc/object.hpp"

namespace ormc::detail {

/// Adds `owner` to this thread's candidate registry (see ormc/cycles.hpp). Called where a
/// relationship member of `owner` starts holding an object strongly; never collects, so it is
/// safe in the middle of any operation. An object already registered costs one flag test.
void register_cycle_candidate_slow(Object& owner);
inline void register_cycle_candidate(Object& owner) {
  if (!ObjectAccess::state(owner).cycle_candidate) register_cycle_candidate_slow(owner);
}

/// Collects when the registry has passed its threshold. Called only where no runtime operation is
/// under way on this thread's objects (the start of set_parent() / Collection::add()), because a
/// collection frees objects and their destructors tell their Session.
void collect_cycles_if_due();

}  // namespace ormc::detail
