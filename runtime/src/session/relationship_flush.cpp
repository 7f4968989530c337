// The unit of work's relationship steps: foreign keys of added children and of set references (in
// dependency order within a table), removed children (NULL or DELETE, always with the parent
// criterion), association rows, post_update, deleted parents' children, passive-delete bookkeeping.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "connection.hpp"
#include "join_columns.hpp"
#include "object_access.hpp"
#include "ormc/errors.hpp"
#include "relationship_kinds.hpp"
#include "session/crud_sql.hpp"
#include "session/session_core.hpp"
#include "session/unit_of_work.hpp"

namespace ormc::detail {
namespace {

std::string entity_name(const Object& o) { return std::string(o.ormc_entity().name); }

/// "Owner.member" of a relationship, for messages.
std::string describe(const Object& owner, const RelationshipInfo& rel) {
  std::string name = entity_name(owner);
  if (const auto sep = name.rfind("::"); sep != std::string::npos) name = name.substr(sep + 2);
  return name + "." + std::string(rel.name);
}

bool in_session(const Object& o, const SessionCore& session) {
  const InstanceState& s = ObjectAccess::state(o);
  return s.session == &session && (s.status == Status::Pending || s.status == Status::Persistent);
}

/// The children of a pending add or remove list, each once, in list order (a child is listed twice
/// when it was added twice before a flush). Each is marked while the list is read, then unmarked: a
/// set of every child cost about 500 instructions per appended row.
std::vector<Object*> each_once(const std::vector<std::shared_ptr<Object>>& list) {
  std::vector<Object*> children;
  children.reserve(list.size());  // nothing below throws while children are marked
  for (const auto& child : list) {
    bool& listed = ObjectAccess::state(*child).flush_listed;
    if (listed) continue;
    listed = true;
    children.push_back(child.get());
  }
  for (Object* child : children) ObjectAccess::state(*child).flush_listed = false;
  return children;
}

}  // namespace

void UnitOfWork::plan_deleted_parent_collections() {
  // Children of a loaded collection whose parent is deleted without a delete cascade keep their
  // rows: one-to-many gets the foreign key set to NULL, many-to-many loses the association rows.
  // Without passive_deletes the collection is loaded for it (SQLAlchemy); with `true` only what
  // is in memory is handled; with "all" nothing is.
  for (auto& parent : session_.deleted_) {
    for (const RelationshipInfo& rel : parent->ormc_entity().relationships) {
      LoadedCollectionState* coll = loaded_collection_state(*parent, rel);
      if (coll == nullptr || rel.viewonly || rel.passive_deletes == PassiveDeletes::All) continue;
      if (rel.passive_deletes == PassiveDeletes::False) coll->load(true);
      for (const auto& child : coll->loaded_items()) {
        if (!in_session(*child, session_) || ObjectAccess::state(*child).status != Status::Persistent) continue;
        if (rel.kind == RelationshipKind::ManyToMany) association_deletes_.push_back({parent.get(), child.get(), &rel});
        else work_for(child->ormc_entity().table).null_outs.push_back({parent.get(), child.get(), &rel});
      }
    }
  }
}

void UnitOfWork::plan_relationships() {
  plan_deleted_parent_collections();
  // A deleted row whose post_update reference is set: the reference is cleared by an UPDATE first,
  // so the row it points at may be deleted before this one (the cycle is broken both ways).
  for (auto& object : session_.deleted_) {
    for (const RelationshipInfo& rel : object->ormc_entity().relationships) {
      if (!rel.post_update || rel.kind != RelationshipKind::ManyToOne || rel.viewonly) continue;
      const TableInfo& table = *object->ormc_entity().table;
      bool set = false;
      for (const JoinPair& p : rel.primaryjoin) set = set || !ObjectAccess::get(*object, column_of(table, p.local_column)).is_null();
      if (set) post_update_clears_.push_back({nullptr, object.get(), &rel});
    }
  }
  // Deleting a parent: write-only collections can't be loaded to handle their rows.
  for (auto& parent : session_.deleted_) {
    deleted_parents_.push_back(parent);
    for (const RelationshipInfo& rel : parent->ormc_entity().relationships) {
      if (rel.kind != RelationshipKind::OneToMany && rel.kind != RelationshipKind::ManyToMany) continue;
      if (is_loaded_collection(rel)) continue;  // plan_deleted_parent_collections()
      if (rel.passive_deletes != PassiveDeletes::False || rel.viewonly) continue;
      if (rel.lazy == LoaderStrategy::WriteOnly)
        throw InvalidRequestError("Can't delete '" + entity_name(*parent) + "': write-only collection \"" +
                                  describe(*parent, rel) +
                                  "\" would have to be loaded to handle its rows. Configure passive_deletes = true "
                                  "on the relationship (with ondelete on the foreign key) so the database does it");
      // Dynamic collections without passive_deletes are loaded and their children detached
      // (the delete cascade, when configured, already removed them at Session::remove()).
      // With a delete cascade, Session::remove() already loaded and deleted them: load once.
      if (rel.lazy == LoaderStrategy::Dynamic && rel.kind == RelationshipKind::OneToMany &&
          !(rel.cascade & CascadeDelete)) {
        for (auto& child : session_.load_children(*parent, rel)) {
          if (ObjectAccess::state(*child).status != Status::Persistent) continue;
          work_for(child->ormc_entity().table).null_outs.push_back({parent.get(), child.get(), &rel});
        }
      }
    }
  }

  for (auto& changed : session_.changed_relationships_) {
    RelationshipState& state = *changed.state;
    Object* owner = &state.owner();
    const RelationshipInfo& rel = state.info();
    if (rel.viewonly) continue;
    if (ObjectAccess::state(*owner).status == Status::Deleted) continue;  // its rows go with it
    if (is_reference(rel)) {
      const auto& ref = static_cast<const ReferenceState&>(state);
      if (!ref.changed()) continue;
      Object* target = ref.pinned().get();
      if (target != nullptr && !in_session(*target, session_))
        throw InvalidRequestError("Object '" + entity_name(*target) + "' is referenced by \"" + describe(*owner, rel) +
                                  "\" but is not in the Session (the relationship has no save-update cascade, or it "
                                  "was deleted or expunged): add it too");
      if (rel.post_update) post_updates_.push_back({target, owner, &rel});
      else work_for(owner->ormc_entity().table).reference_syncs.push_back({target, owner, &rel});
      continue;
    }
    const bool many_to_many = rel.kind == RelationshipKind::ManyToMany;
    // One-to-one without the foreign key is written as a one-to-many collection of at most one.
    if (rel.kind != RelationshipKind::OneToMany && rel.kind != RelationshipKind::OneToOne && !many_to_many) continue;
    // A child added (or removed) twice before the flush is written once.
    for (Object* child : each_once(state.added())) {
      if (!in_session(*child, session_))
        throw InvalidRequestError("Object '" + entity_name(*child) + "' was added to collection \"" +
                                  describe(*owner, rel) +
                                  "\" but is not in the Session (the relationship has no save-update cascade): add it too");
      if (many_to_many) association_inserts_.push_back({owner, child, &rel});
      else work_for(child->ormc_entity().table).foreign_key_syncs.push_back({owner, child, &rel});
    }
    for (Object* child : each_once(state.removed())) {
      const Status cs = ObjectAccess::state(*child).status;
      if (many_to_many) {
        association_deletes_.push_back({owner, child, &rel});
        if ((rel.cascade & CascadeDeleteOrphan) && cs == Status::Persistent)
          work_for(child->ormc_entity().table).orphan_deletes.push_back({owner, child, &rel});
        continue;
      }
      if (cs == Status::Deleted) continue;  // removed from the Session too: its own DELETE does it
      if (rel.cascade & CascadeDeleteOrphan) work_for(child->ormc_entity().table).orphan_deletes.push_back({owner, child, &rel});
      else work_for(child->ormc_entity().table).null_outs.push_back({owner, child, &rel});
    }
  }
}

void UnitOfWork::insert_in_dependency_order(TableWork& work) {
  // Rows of this table not inserted yet that give their key to a link. The link waits for its row;
  // so does the child row it would fill. Without self-references the set is empty (no row of a large
  // flush is hashed) and this is one round: every link synchronised, then one batched INSERT of all
  // rows (as before relationships existed).
  std::unordered_set<const Object*> waiting;
  auto note_owner = [&](const Link& link) {
    if (link.owner != nullptr && link.owner->ormc_entity().table == work.table) waiting.insert(link.owner);
  };
  for (const Link& link : work.foreign_key_syncs) note_owner(link);
  for (const Link& link : work.reference_syncs) note_owner(link);
  // An owner counts only while its INSERT is pending in this flush.
  if (!waiting.empty()) {
    std::unordered_set<const Object*> pending(work.inserts.begin(), work.inserts.end());
    std::erase_if(waiting, [&](const Object* o) { return !pending.contains(o); });
  }
  std::vector<char> fk_done(work.foreign_key_syncs.size(), 0);
  std::vector<char> ref_done(work.reference_syncs.size(), 0);
  auto blocked = [&](const Link& link) { return link.owner != nullptr && waiting.contains(link.owner); };
  std::vector<Object*> remaining = work.inserts;
  while (true) {
    std::unordered_set<const Object*> held;  // children whose key-giving row is not inserted yet
    for (std::size_t i = 0; i < work.foreign_key_syncs.size(); ++i)
      if (!fk_done[i] && blocked(work.foreign_key_syncs[i])) held.insert(work.foreign_key_syncs[i].child);
    for (std::size_t i = 0; i < work.reference_syncs.size(); ++i)
      if (!ref_done[i] && blocked(work.reference_syncs[i])) held.insert(work.reference_syncs[i].child);
    std::vector<Object*> ready;
    std::vector<Object*> rest;
    for (Object* o : remaining) (held.contains(o) ? rest : ready).push_back(o);
    if (!remaining.empty() && ready.empty())
      throw InvalidRequestError("Rows of table '" + std::string(work.table->name) +
                                "' reference each other in a cycle, so none can be INSERTed first; break the cycle "
                                "with post_update = true on one of the relationships");
    for (std::size_t i = 0; i < work.foreign_key_syncs.size(); ++i) {
      const Link& link = work.foreign_key_syncs[i];
      if (fk_done[i] || blocked(link) || held.contains(link.child)) continue;
      sync_collection_link(work, link);
      fk_done[i] = 1;
    }
    for (std::size_t i = 0; i < work.reference_syncs.size(); ++i) {
      const Link& link = work.reference_syncs[i];
      if (ref_done[i] || blocked(link) || held.contains(link.child)) continue;
      sync_reference_link(work, link);
      ref_done[i] = 1;
    }
    if (remaining.empty()) break;
    insert_rows(ready.front()->ormc_entity(), ready);
    for (Object* o : ready) waiting.erase(o);
    remaining = std::move(rest);
  }
}

void UnitOfWork::sync_reference_link(TableWork& work, const Link& link) {
  // Many-to-one: the child's own columns take the target's key (NULL when the reference was cleared).
  InstanceState& child_state = ObjectAccess::state(*link.child);
  for (const JoinPair& pair : link.rel->primaryjoin) {
    const std::uint16_t local = column_of(*work.table, pair.local_column);
    Value value;
    if (link.owner != nullptr) {
      value = ObjectAccess::get(*link.owner, column_of(*link.owner->ormc_entity().table, pair.remote_column));
      if (value.is_null())
        throw InvalidRequestError("Can't set the foreign key of \"" + describe(*link.child, *link.rel) +
                                  "\": the referenced object has no '" + std::string(pair.remote_column) + "' value yet");
    }
    Value current = ObjectAccess::get(*link.child, local);
    if (current == value) continue;
    undo_.push_back(Undo{link.child, local, std::move(current)});
    ObjectAccess::set(*link.child, local, std::move(value));
    if (child_state.status == Status::Persistent) {
      child_state.modified.insert(local);
      if (updating_.insert(link.child).second) work.updates.push_back(link.child);
    }
  }
}

void UnitOfWork::sync_collection_link(TableWork& work, const Link& link) {
  // One-to-many: the child's foreign key takes the parent's key.
  const TableInfo& owner_table = *link.owner->ormc_entity().table;
  InstanceState& child_state = ObjectAccess::state(*link.child);
  for (const JoinPair& pair : link.rel->primaryjoin) {
    const std::uint16_t local = column_of(owner_table, pair.local_column);
    const std::uint16_t remote = column_of(*work.table, pair.remote_column);
    Value value = ObjectAccess::get(*link.owner, local);
    if (value.is_null())
      throw InvalidRequestError("Can't set the foreign key of a child of \"" + describe(*link.owner, *link.rel) +
                                "\": the parent has no '" + std::string(pair.local_column) + "' value yet");
    Value current = ObjectAccess::get(*link.child, remote);
    if (current == value) continue;
    undo_.push_back(Undo{link.child, remote, std::move(current)});
    ObjectAccess::set(*link.child, remote, std::move(value));
    if (child_state.status == Status::Persistent) {
      child_state.modified.insert(remote);
      if (updating_.insert(link.child).second) work.updates.push_back(link.child);
    }
  }
}

void UnitOfWork::write_post_updates(const std::vector<Link>& links, bool clear) {
  // UPDATE t SET fk = ? WHERE pk = ?: one per row, as SQLAlchemy's post_update. A row INSERTed by
  // this flush has no identity yet, so the key is read from the object.
  const auto& dialect = session_.engine().dialect();
  for (const Link& link : links) {
    if (!clear && ObjectAccess::state(*link.child).status == Status::Deleted) continue;
    const EntityInfo& entity = link.child->ormc_entity();
    const TableInfo& table = *entity.table;
    std::vector<std::uint16_t> set_columns;
    std::vector<Value> params;
    bool changed = clear;
    for (const JoinPair& pair : link.rel->primaryjoin) {
      const std::uint16_t local = column_of(table, pair.local_column);
      Value value;
      if (!clear && link.owner != nullptr) {
        value = ObjectAccess::get(*link.owner, column_of(*link.owner->ormc_entity().table, pair.remote_column));
        if (value.is_null())
          throw InvalidRequestError("Can't write post_update reference \"" + describe(*link.child, *link.rel) +
                                    "\": the referenced object has no '" + std::string(pair.remote_column) + "' value");
      }
      Value current = ObjectAccess::get(*link.child, local);
      // A row just INSERTed went in with whatever its field held: always write the reference.
      changed = changed || current != value || ObjectAccess::state(*link.child).status == Status::Pending;
      undo_.push_back(Undo{link.child, local, std::move(current)});
      ObjectAccess::set(*link.child, local, Value(value));
      set_columns.push_back(local);
      params.push_back(std::move(value));
    }
    if (!changed) continue;
    for (const Value& v : IdentityMap::primary_key_of(*link.child)) params.push_back(v);
    const std::string sql = update_sql(dialect, table, set_columns, entity.primary_key);
    auto rows = session_.execute(sql, params);
    if (rows->affected_rows() != 1)
      throw StaleDataError("post_update of \"" + describe(*link.child, *link.rel) + "\" matched " +
                               std::to_string(rows->affected_rows()) + " rows",
                           sql);
  }
}

void UnitOfWork::null_out(TableWork& work) {
  // UPDATE child SET fk = NULL WHERE pk = ? AND fk = <parent>: a child that is not the parent's
  // (membership of a write-only collection can't be known in memory) matches no row.
  const auto& dialect = session_.engine().dialect();
  for (const Link& link : work.null_outs) {
    const EntityInfo& child_entity = link.child->ormc_entity();
    const TableInfo& owner_table = *link.owner->ormc_entity().table;
    std::vector<std::uint16_t> set_columns;
    std::vector<std::uint16_t> where(child_entity.primary_key.begin(), child_entity.primary_key.end());
    std::vector<Value> params;
    for (const JoinPair& pair : link.rel->primaryjoin) {
      set_columns.push_back(column_of(*work.table, pair.remote_column));
      params.emplace_back();
    }
    for (const Value& v : ObjectAccess::state(*link.child).identity->key) params.push_back(v);
    for (const JoinPair& pair : link.rel->primaryjoin) {
      where.push_back(column_of(*work.table, pair.remote_column));
      params.push_back(ObjectAccess::get(*link.owner, column_of(owner_table, pair.local_column)));
    }
    const std::string sql = update_sql(dialect, *work.table, set_columns, where);
    auto rows = session_.execute(sql, params);
    if (rows->affected_rows() != 1)
      throw StaleDataError("Removing '" + entity_name(*link.child) + "' from collection \"" +
                               describe(*link.owner, *link.rel) + "\" matched " + std::to_string(rows->affected_rows()) +
                               " rows: it is not in that collection",
                           sql);
    for (std::uint16_t c : set_columns) {
      undo_.push_back(Undo{link.child, c, ObjectAccess::get(*link.child, c)});
      ObjectAccess::set(*link.child, c, Value());
    }
  }
}

void UnitOfWork::delete_orphans(TableWork& work) {
  const auto& dialect = session_.engine().dialect();
  for (const Link& link : work.orphan_deletes) {
    const EntityInfo& child_entity = link.child->ormc_entity();
    std::vector<std::uint16_t> where(child_entity.primary_key.begin(), child_entity.primary_key.end());
    std::vector<Value> params = ObjectAccess::state(*link.child).identity->key.to_vector();
    if (link.rel->kind == RelationshipKind::OneToMany) {
      const TableInfo& owner_table = *link.owner->ormc_entity().table;
      for (const JoinPair& pair : link.rel->primaryjoin) {
        where.push_back(column_of(*work.table, pair.remote_column));
        params.push_back(ObjectAccess::get(*link.owner, column_of(owner_table, pair.local_column)));
      }
    }
    const std::string sql = delete_sql(dialect, *work.table, where, 1);
    auto rows = session_.execute(sql, params);
    if (rows->affected_rows() != 1)
      throw StaleDataError("Deleting orphan '" + entity_name(*link.child) + "' of collection \"" +
                               describe(*link.owner, *link.rel) + "\" matched " + std::to_string(rows->affected_rows()) +
                               " rows: it is not in that collection",
                           sql);
    orphans_.push_back(link.child);
  }
}

void UnitOfWork::write_associations(std::vector<Link>& links, bool insert) {
  // One statement per run of links of the same relationship, up to kMaxRowsPerStatement rows.
  const auto& dialect = session_.engine().dialect();
  std::size_t start = 0;
  while (start < links.size()) {
    const RelationshipInfo& rel = *links[start].rel;
    const TableInfo& secondary = *rel.secondary;
    std::vector<std::uint16_t> columns;
    for (const JoinPair& p : rel.primaryjoin) columns.push_back(column_of(secondary, p.remote_column));
    for (const JoinPair& p : rel.secondaryjoin) columns.push_back(column_of(secondary, p.local_column));
    const bool arrays = insert && dialect.inserts_from_arrays();
    const std::size_t limit =
        arrays ? kMaxRowsPerStatement : std::min(kMaxRowsPerStatement, dialect.max_parameters() / columns.size());
    std::size_t end = start;
    std::vector<Value> params;
    while (end < links.size() && links[end].rel == &rel && end - start < limit) {
      const Link& link = links[end];
      const TableInfo& owner_table = *link.owner->ormc_entity().table;
      const TableInfo& target_table = *link.child->ormc_entity().table;
      for (const JoinPair& p : rel.primaryjoin)
        params.push_back(ObjectAccess::get(*link.owner, column_of(owner_table, p.local_column)));
      for (const JoinPair& p : rel.secondaryjoin)
        params.push_back(ObjectAccess::get(*link.child, column_of(target_table, p.remote_column)));
      ++end;
    }
    const std::size_t n = end - start;
    const bool from_arrays = arrays && n > 1;
    const std::string sql = from_arrays ? insert_from_arrays_sql(dialect, secondary, columns, {})
                            : insert    ? insert_sql(dialect, secondary, columns, n, {})
                                        : delete_tuples_sql(dialect, secondary, columns, n);
    if (from_arrays) params = dialect.column_arrays(params, columns.size(), sql);
    auto rows = session_.execute(sql, params);
    if (!insert && rows->affected_rows() != n)
      throw StaleDataError("DELETE of " + std::to_string(n) + " association row(s) of collection \"" +
                               describe(*links[start].owner, rel) + "\" matched " +
                               std::to_string(rows->affected_rows()) + ": some objects were not in the collection",
                           sql);
    start = end;
  }
}

void UnitOfWork::finish_relationships() {
  SessionCore& s = session_;
  for (auto& changed : s.changed_relationships_) {
    changed.state->clear_changes();
    changed.state->registered = false;
    const RelationshipInfo& rel = changed.state->info();
    if (is_reference(rel)) static_cast<ReferenceState*>(changed.state)->after_flush();
    else if (is_loaded_collection(rel)) static_cast<LoadedCollectionState*>(changed.state)->after_flush();
  }
  s.changed_relationships_.clear();
  for (Object* orphan : orphans_) {
    InstanceState& st = ObjectAccess::state(*orphan);
    if (st.identity) s.identity_.erase(st.identity);
    st.identity = nullptr;
    st.status = Status::Deleted;
    s.deleted_in_transaction_.push_back(orphan->shared_from_this());
  }
  // The database's ON DELETE did the rest for passive_deletes: objects of those rows that are in
  // the Session are marked deleted (CASCADE) or get their foreign key cleared (SET NULL) without
  // SQL, instead of being left stale as SQLAlchemy leaves them.
  for (const auto& parent : deleted_parents_) {
    const TableInfo& parent_table = *parent->ormc_entity().table;
    for (const RelationshipInfo& rel : parent->ormc_entity().relationships) {
      if (rel.kind != RelationshipKind::OneToMany || rel.passive_deletes == PassiveDeletes::False) continue;
      const EntityInfo& target = rel.target();
      std::vector<std::pair<std::uint16_t, Value>> match;  // child column -> parent's value
      ForeignKeyAction action = ForeignKeyAction::Unspecified;
      for (const JoinPair& p : rel.primaryjoin) {
        const std::uint16_t remote = column_of(*target.table, p.remote_column);
        match.emplace_back(remote, ObjectAccess::get(*parent, column_of(parent_table, p.local_column)));
        if (const ForeignKeyInfo* fk = target.table->columns[remote].foreign_key) action = fk->ondelete;
      }
      if (action != ForeignKeyAction::Cascade && action != ForeignKeyAction::SetNull) continue;
      std::vector<std::shared_ptr<Object>> hit;
      s.identity_.for_each_live([&](const std::shared_ptr<Object>& o) {
        if (&o->ormc_entity() != &target || ObjectAccess::state(*o).status != Status::Persistent) return;
        for (const auto& [column, value] : match)
          if (ObjectAccess::get(*o, column) != value) return;
        hit.push_back(o);
      });
      for (auto& child : hit) {
        InstanceState& st = ObjectAccess::state(*child);
        if (action == ForeignKeyAction::SetNull) {
          for (const auto& [column, value] : match) ObjectAccess::set(*child, column, Value());
          continue;
        }
        if (st.identity) s.identity_.erase(st.identity);
        st.identity = nullptr;
        st.status = Status::Deleted;
        s.deleted_in_transaction_.push_back(child);
      }
    }
  }
}

}  // namespace ormc::detail
