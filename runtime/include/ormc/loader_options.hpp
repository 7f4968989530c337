// ormc::selectinload / lazyload / raiseload / noload: per-query loader options naming a generated collection or reference accessor.
#pragma once

#include <memory>
#include <type_traits>

#include "ormc/detail/relationship_state.hpp"
#include "ormc/errors.hpp"
#include "ormc/metadata.hpp"
#include "ormc/object.hpp"
#include "ormc/reference.hpp"

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

/// The many-to-one behind a generated reference getter (`&Book::author`). The getter returns the
/// target, not its member, so each many-to-one of T to U is tried on a blank instance whose
/// reference is made to hold a blank U: the one the getter then returns is its relationship.
/// No SQL, no Session; works when T has several references to U (foreign_keys).
template <class T, class U>
const RelationshipInfo& relationship_of(std::shared_ptr<U> (T::*getter)() const) {
  const EntityInfo& entity = T::ormc_entity_info();
  const EntityInfo& target = U::ormc_entity_info();
  const std::shared_ptr<Object> probe = target.instantiate();
  for (const RelationshipInfo& rel : entity.relationships) {
    if (rel.kind != RelationshipKind::ManyToOne || rel.state == nullptr || &rel.target() != &target) continue;
    const std::shared_ptr<Object> blank = entity.instantiate();
    static_cast<ReferenceState*>(rel.state(*blank))->accept_loaded(probe, false);
    if ((static_cast<const T&>(*blank).*getter)() == probe) return rel;
  }
  throw InvalidRequestError("Loader options apply to collections and many-to-one references; this accessor of '" +
                            std::string(entity.name) + "' returning '" + std::string(target.name) + "' is neither");
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

/// selectinload() of a many-to-one (`&Book::author`): after the query, one `SELECT ... WHERE
/// author.id IN (...)` per 500 distinct foreign keys that are neither NULL nor in the identity map.
template <class T, class U>
[[nodiscard]] LoaderOption selectinload(std::shared_ptr<U> (T::*getter)() const) {
  return {&T::ormc_entity_info(), &detail::relationship_of(getter), LoaderStrategy::Selectin};
}
/// lazyload() of a many-to-one: loaded on first access (no SQL when the target is in the identity map).
template <class T, class U>
[[nodiscard]] LoaderOption lazyload(std::shared_ptr<U> (T::*getter)() const) {
  return {&T::ormc_entity_info(), &detail::relationship_of(getter), LoaderStrategy::Select};
}
/// raiseload() of a many-to-one: reading a reference memory doesn't hold throws InvalidRequestError
/// naming it, even when the target is in the identity map (SQLAlchemy's default, sql_only=False).
template <class T, class U>
[[nodiscard]] LoaderOption raiseload(std::shared_ptr<U> (T::*getter)() const) {
  return {&T::ormc_entity_info(), &detail::relationship_of(getter), LoaderStrategy::Raise};
}
/// noload() of a many-to-one: the reference of this query's objects reads as null, without SQL.
template <class T, class U>
[[nodiscard]] LoaderOption noload(std::shared_ptr<U> (T::*getter)() const) {
  return {&T::ormc_entity_info(), &detail::relationship_of(getter), LoaderStrategy::Noload};
}

}  // namespace ormc
