// SessionCore's relationship cascades: save-update when children are added, the delete cascade collected at
// remove() (along collections and many-to-one references),
// expunge and refresh-expire along what is loaded; unloading relationships on expiry.
#include <algorithm>
#include <string>
#include <unordered_set>

#include "connection.hpp"
#include "join_columns.hpp"
#include "relationship_kinds.hpp"
#include "object_access.hpp"
#include "ormc/errors.hpp"
#include "session/crud_sql.hpp"
#include "session/session_core.hpp"

namespace ormc::detail {
void SessionCore::register_relationship(RelationshipState& state) {
  if (state.registered) return;
  state.registered = true;
  changed_relationships_.push_back({state.owner().shared_from_this(), &state});
}

void SessionCore::on_relationship_changed(RelationshipState& state) {
  register_relationship(state);
  // save-update: a child joins the owner's session when it is added (as SQLAlchemy's append event).
  if (!(state.info().cascade & CascadeSaveUpdate) || state.added().empty()) return;
  const auto& child = state.added().back();
  if (ObjectAccess::state(*child).session == nullptr) add(child);
}

void SessionCore::on_reference_changed(ReferenceState& state) {
  register_relationship(state);
  if (state.pinned()) cascade_child(state.info(), state.pinned());
}

void SessionCore::cascade_child(const RelationshipInfo& rel, const std::shared_ptr<Object>& child) {
  if ((rel.cascade & CascadeSaveUpdate) && ObjectAccess::state(*child).session == nullptr) add(child);
}

void SessionCore::cascade_add(const std::shared_ptr<Object>& object) {
  const EntityInfo& entity = object->ormc_entity();
  for (const RelationshipInfo& rel : entity.relationships) {
    if (!rel.state) continue;
    if (ReferenceState* ref = reference_state(*object, rel)) {
      // save-update along the reference as memory knows it (set by the user, or by back_populates
      // of a collection the target holds it in): the target follows.
      if (ref->changed()) register_relationship(*ref);
      if (auto target = ref->known()) cascade_child(rel, target);
      continue;
    }
    if (LoadedCollectionState* coll = loaded_collection_state(*object, rel)) {
      // Everything the collection holds in memory follows (SQLAlchemy cascades along the current
      // contents): items, and what back_populates queued while it was not loaded.
      if (coll->has_changes() || !coll->queued().empty()) register_relationship(*coll);
      const auto items = coll->loaded_items();
      for (const auto& child : items) cascade_child(rel, child);
      const auto queued = coll->queued();
      for (const auto& child : queued) cascade_child(rel, child);
    }
    RelationshipState* state = rel.state(*object);
    if (!state || !state->has_changes()) continue;
    register_relationship(*state);
    if (!(rel.cascade & CascadeSaveUpdate)) continue;
    for (const auto& child : state->added())
      if (ObjectAccess::state(*child).session == nullptr) add(child);
  }
}

void SessionCore::collect_delete_cascade(const std::shared_ptr<Object>& object,
                                         std::unordered_set<const Object*>& visited,
                                         std::vector<std::shared_ptr<Object>>& out) {
  const EntityInfo& entity = object->ormc_entity();
  // Whether `related` joins the cascade; pending objects join (remove() forgets them) but have no
  // rows whose relationships could cascade further.
  auto follow = [&](const std::shared_ptr<Object>& related) {
    if (!related || !visited.insert(related.get()).second) return;
    const InstanceState& rs = ObjectAccess::state(*related);
    if (rs.session != this || (rs.status != Status::Persistent && rs.status != Status::Pending)) return;
    if (rs.status == Status::Persistent) collect_delete_cascade(related, visited, out);
    out.push_back(related);  // post-order: what depends on `related` is deleted before it
  };
  for (const RelationshipInfo& rel : entity.relationships) {
    if (ReferenceState* ref = reference_state(*object, rel)) {
      // A many-to-one with a delete cascade: the target is deleted too, loaded through the foreign
      // key when memory doesn't know it (SQLAlchemy's cascade_iterator loads for "delete", even
      // lazy = "raise"; passive_deletes keeps it to what is in memory).
      if (rel.viewonly || !(rel.cascade & CascadeDelete)) continue;
      std::shared_ptr<Object> target = ref->known();
      if (!target && !ref->known_empty() && rel.passive_deletes == PassiveDeletes::False)
        target = load_reference(*object, rel);
      follow(target);
      continue;
    }
    if (LoadedCollectionState* coll = loaded_collection_state(*object, rel)) {
      // Without passive_deletes the collection is loaded (even lazy = "raise": the unit of work
      // may); with it, only children already in memory are deleted and the database's ON DELETE
      // does the rest.
      if (rel.viewonly || !(rel.cascade & CascadeDelete)) continue;
      if (rel.passive_deletes == PassiveDeletes::False) coll->load(true);
      for (const auto& child : coll->loaded_items()) follow(child);
      continue;
    }
    if (rel.kind != RelationshipKind::OneToMany && rel.kind != RelationshipKind::ManyToMany) continue;
    if (rel.passive_deletes != PassiveDeletes::False || rel.viewonly) continue;
    const bool cascades_delete = rel.cascade & CascadeDelete;
    if (rel.lazy == LoaderStrategy::WriteOnly && cascades_delete) {
      RelationshipState* state = rel.state ? rel.state(*object) : nullptr;
      const std::string name = state ? state->describe() : std::string(rel.name);
      throw InvalidRequestError("Can't delete '" + std::string(entity.name) + "': write-only collection \"" + name +
                                "\" would have to be loaded to delete its rows. Configure passive_deletes = true on "
                                "the relationship (with ondelete = \"cascade\" on the foreign key) so the database "
                                "deletes them");
    }
    // Dynamic collections are loaded and their rows deleted first, as SQLAlchemy does.
    if (rel.lazy == LoaderStrategy::Dynamic && cascades_delete && rel.kind == RelationshipKind::OneToMany) {
      for (auto& child : load_children(*object, rel))
        if (ObjectAccess::state(*child).status == Status::Persistent) follow(child);
    }
  }
}

std::vector<std::shared_ptr<Object>> SessionCore::load_children(Object& owner, const RelationshipInfo& rel) {
  const EntityInfo& target = rel.target();
  const TableInfo& owner_table = *owner.ormc_entity().table;
  const std::vector<std::uint16_t> local = join_columns(owner_table, rel.primaryjoin, false);
  const std::vector<std::uint16_t> remote = join_columns(*target.table, rel.primaryjoin, true);
  std::vector<Value> params;
  for (std::uint16_t c : local) params.push_back(ObjectAccess::get(owner, c));
  autoflush();
  const std::string sql = select_by_key_sql(engine_.dialect(), *target.table, remote);
  auto rows = execute(sql, params);
  std::vector<std::shared_ptr<Object>> children;
  while (rows->next()) children.push_back(object_from_row(target, *rows, 0));
  return children;
}

void SessionCore::discard_relationship_changes() noexcept {
  for (auto& changed : changed_relationships_) {
    changed.state->clear_changes();
    changed.state->registered = false;
    const RelationshipInfo& rel = changed.state->info();
    if (is_reference(rel)) static_cast<ReferenceState*>(changed.state)->discard();
    else if (is_loaded_collection(rel)) static_cast<LoadedCollectionState*>(changed.state)->discard();
  }
  changed_relationships_.clear();
}

void SessionCore::expire_relationships(Object& object) noexcept {
  for (const RelationshipInfo& rel : object.ormc_entity().relationships) {
    if (ReferenceState* ref = reference_state(object, rel)) ref->expire();
    else if (LoadedCollectionState* coll = loaded_collection_state(object, rel)) coll->expire();
  }
}

std::vector<std::shared_ptr<Object>> SessionCore::cascade_targets(Object& object, std::uint16_t flag) {
  std::vector<std::shared_ptr<Object>> out;
  for (const RelationshipInfo& rel : object.ormc_entity().relationships) {
    if (!(rel.cascade & flag)) continue;
    if (ReferenceState* ref = reference_state(object, rel)) {
      if (auto target = ref->known()) out.push_back(std::move(target));
    } else if (LoadedCollectionState* coll = loaded_collection_state(object, rel)) {
      const auto items = coll->loaded_items();
      out.insert(out.end(), items.begin(), items.end());
    }
  }
  return out;
}

std::vector<std::shared_ptr<Object>> SessionCore::refresh_expire_closure(const std::shared_ptr<Object>& object) {
  std::vector<std::shared_ptr<Object>> all;
  std::unordered_set<const Object*> seen;
  std::vector<std::shared_ptr<Object>> todo{object};
  while (!todo.empty()) {
    std::shared_ptr<Object> o = std::move(todo.back());
    todo.pop_back();
    if (!seen.insert(o.get()).second) continue;
    for (auto& r : cascade_targets(*o, CascadeRefreshExpire)) {
      const InstanceState& rs = ObjectAccess::state(*r);
      if (rs.session == this && rs.status == Status::Persistent) todo.push_back(std::move(r));
    }
    all.push_back(std::move(o));
  }
  return all;
}

}  // namespace ormc::detail
