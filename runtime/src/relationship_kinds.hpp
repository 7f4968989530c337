// Which runtime type backs a relationship member, and the member paired with it by back_populates.
#pragma once

#include "ormc/collection.hpp"
#include "ormc/metadata.hpp"
#include "ormc/object.hpp"
#include "ormc/reference.hpp"

namespace ormc::detail {

/// A many-to-one: the foreign key is on the owner's table; backed by ReferenceState.
inline bool is_reference(const RelationshipInfo& rel) noexcept {
  return rel.kind == RelationshipKind::ManyToOne && rel.state != nullptr;
}

/// A collection that loads (select, joined, selectin, raise, noload) — or the side of a one-to-one
/// without the foreign key, a collection of at most one; backed by LoadedCollectionState.
inline bool is_loaded_collection(const RelationshipInfo& rel) noexcept {
  return (rel.kind == RelationshipKind::OneToMany || rel.kind == RelationshipKind::ManyToMany ||
          rel.kind == RelationshipKind::OneToOne) &&
         rel.lazy != LoaderStrategy::Dynamic && rel.lazy != LoaderStrategy::WriteOnly && rel.state != nullptr;
}

inline ReferenceState* reference_state(Object& owner, const RelationshipInfo& rel) {
  return is_reference(rel) ? static_cast<ReferenceState*>(rel.state(owner)) : nullptr;
}

inline LoadedCollectionState* loaded_collection_state(Object& owner, const RelationshipInfo& rel) {
  return is_loaded_collection(rel) ? static_cast<LoadedCollectionState*>(rel.state(owner)) : nullptr;
}

/// The relationship of `target`'s entity that `rel` names as back_populates, or null.
inline const RelationshipInfo* paired_relationship(const RelationshipInfo& rel) noexcept {
  if (rel.back_populates.empty()) return nullptr;
  for (const RelationshipInfo& other : rel.target().relationships)
    if (other.name == rel.back_populates) return &other;
  return nullptr;
}

}  // namespace ormc::detail
