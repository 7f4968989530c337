// Finding the relationship behind a generated reference getter, for loader options on references.
#include <string>
#include <vector>

#include "ormc/errors.hpp"
#include "ormc/loader_options.hpp"
#include "relationship_kinds.hpp"

namespace ormc::detail {

const RelationshipInfo& reference_relationship_of(const EntityInfo& entity, const EntityInfo& target,
                                                  const std::function<std::shared_ptr<Object>(Object&)>& getter) {
  std::vector<const RelationshipInfo*> candidates;
  for (const RelationshipInfo& rel : entity.relationships) {
    if (rel.target == nullptr || &rel.target() != &target) continue;
    if (is_reference(rel) || (is_loaded_collection(rel) && !rel.uselist)) candidates.push_back(&rel);
  }
  if (candidates.size() == 1) return *candidates.front();
  // Several references lead to `target` (foreign_keys tells them apart): the getter names one.
  for (const RelationshipInfo* rel : candidates) {
    const std::shared_ptr<Object> blank = entity.instantiate();
    const std::shared_ptr<Object> marker = target.instantiate();
    if (ReferenceState* ref = reference_state(*blank, *rel)) ref->joined_loaded(marker);
    else if (LoadedCollectionState* one = loaded_collection_state(*blank, *rel)) one->accept_loaded({marker});
    if (getter(*blank) == marker) return *rel;
  }
  throw InvalidRequestError("no reference of '" + std::string(entity.name) + "' to '" + std::string(target.name) +
                            "' answers this accessor; loader options apply to references and loaded collections");
}

}  // namespace ormc::detail
