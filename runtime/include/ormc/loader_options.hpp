// ormc::selectinload / joinedload / lazyload / raiseload / noload: per-query loader options naming a generated collection or reference accessor.
#pragma once

#include <functional>
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

/// The relationship of `entity` to `target` whose generated getter is `getter` (a many-to-one
/// reference, or the side of a one-to-one without the foreign key). Where several lead to
/// `target`, each is given a marker object in memory on a blank instance and the getter says
/// which it reads (no Session, no SQL).
/// @throw ormc::InvalidRequestError when no such relationship answers
const RelationshipInfo& reference_relationship_of(const EntityInfo& entity, const EntityInfo& target,
                                                  const std::function<std::shared_ptr<Object>(Object&)>& getter);

/// The relationship behind a generated reference getter (`&Child::parent`, `&Account::profile`).
template <class T, class U>
const RelationshipInfo& relationship_of(std::shared_ptr<U> (T::*member)() const) {
  return reference_relationship_of(T::ormc_entity_info(), U::ormc_entity_info(),
                                   [member](Object& o) -> std::shared_ptr<Object> { return (static_cast<T&>(o).*member)(); });
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
/// SQLAlchemy's joinedload(): the query's SELECT joins the relationship (LEFT OUTER JOIN, INNER
/// with innerjoin = true) and fills it from the same rows — collections
/// (`ormc::joinedload(&User::posts)`) and references (`ormc::joinedload(&Post::author)`). A
/// collection with limit() / offset() joins to the limited parents in a subquery; yield_per() is
/// refused for a joined collection.
template <class T, class C>
[[nodiscard]] LoaderOption joinedload(C& (T::*member)() noexcept) {
  return {&T::ormc_entity_info(), &detail::relationship_of(member), LoaderStrategy::Joined};
}
template <class T, class U>
[[nodiscard]] LoaderOption joinedload(std::shared_ptr<U> (T::*member)() const) {
  return {&T::ormc_entity_info(), &detail::relationship_of(member), LoaderStrategy::Joined};
}
/// lazyload(): the collections of this query's objects load on first access, one SELECT each; a
/// lazy = "joined" relationship is not joined.
template <class T, class C>
[[nodiscard]] LoaderOption lazyload(C& (T::*member)() noexcept) {
  return {&T::ormc_entity_info(), &detail::relationship_of(member), LoaderStrategy::Select};
}
/// lazyload() of a reference: a lazy = "joined" reference is not joined by this query; it loads on
/// first access (no SQL when its target is in the identity map).
template <class T, class U>
[[nodiscard]] LoaderOption lazyload(std::shared_ptr<U> (T::*member)() const) {
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
