// ormc::selectinload / lazyload / raiseload / noload: per-query loader options naming a generated collection accessor.
#pragma once

#include <memory>
#include <type_traits>

#include "ormc/detail/relationship_state.hpp"
#include "ormc/metadata.hpp"

namespace ormc {

namespace detail {
class LoadedCollectionState;

/// The relationship behind a generated collection accessor (`&User::posts`). The accessor only
/// returns its member, whose state knows its relationship's position; a blank instance (never
/// added to a Session) answers, so no generated table of member pointers is needed.
template <class T, class C>
const RelationshipInfo& relationship_of(C& (T::*member)() noexcept) {
  static_assert(std::is_base_of_v<LoadedCollectionState, C>,
                "loader options apply to loaded collections (list members and one-to-one inverse sides), "
                "not to dynamic or write_only relationships");
  const EntityInfo& entity = T::ormc_entity_info();
  const std::shared_ptr<Object> blank = entity.instantiate();
  const RelationshipState& state = (static_cast<T&>(*blank).*member)();
  return entity.relationships[state.index()];
}
}  // namespace detail

/// One per-query loader option: `relationship` of `entity` loads with `strategy` for the objects
/// of that query (overriding its configured lazy = ...). Pass to `select<T>().options(...)`.
struct LoaderOption {
  const EntityInfo* entity = nullptr;
  const RelationshipInfo* relationship = nullptr;
  LoaderStrategy strategy = LoaderStrategy::Select;
};

/// SQLAlchemy's selectinload(): the query loads the collection of every parent it returns with one
/// `IN (...)` SELECT per chunk of 500 (per yield_per batch). `select<User>().options(ormc::selectinload(&User::posts))`
template <class T, class C>
[[nodiscard]] LoaderOption selectinload(C& (T::*member)() noexcept) {
  return {&T::ormc_entity_info(), &detail::relationship_of(member), LoaderStrategy::Selectin};
}
/// lazyload(): the collections of this query's objects load on first access, one SELECT each.
template <class T, class C>
[[nodiscard]] LoaderOption lazyload(C& (T::*member)() noexcept) {
  return {&T::ormc_entity_info(), &detail::relationship_of(member), LoaderStrategy::Select};
}
/// raiseload(): reading the collection of this query's objects throws InvalidRequestError naming
/// it (the unit of work still loads it for cascades).
template <class T, class C>
[[nodiscard]] LoaderOption raiseload(C& (T::*member)() noexcept) {
  return {&T::ormc_entity_info(), &detail::relationship_of(member), LoaderStrategy::Raise};
}
/// noload(): the collection of this query's objects is empty without SQL, and stays writable.
template <class T, class C>
[[nodiscard]] LoaderOption noload(C& (T::*member)() noexcept) {
  return {&T::ormc_entity_info(), &detail::relationship_of(member), LoaderStrategy::Noload};
}

}  // namespace ormc
