// SessionCore: the state behind ormc::Session — identity map, pending/dirty/deleted lists, transaction.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "engine.hpp"
#include "ormc/session.hpp"
#include "ormc/detail/relationship_state.hpp"
#include "ormc/collection.hpp"
#include "ormc/reference.hpp"
#include "session/identity_map.hpp"

namespace ormc::detail {

class Rows;
struct SelectinParent;  // relationship_load.cpp

/// Refuses use of one Session from two threads at once (re-entry from the owning thread is fine).
class UseGuard {
 public:
  explicit UseGuard(class SessionCore& core);
  ~UseGuard();
  UseGuard(const UseGuard&) = delete;
  UseGuard& operator=(const UseGuard&) = delete;

 private:
  SessionCore& core_;
};

class SessionCore {
 public:
  SessionCore(Database db, SessionOptions options);
  ~SessionCore();

  void add(const std::shared_ptr<Object>& object);
  std::shared_ptr<Object> get(const EntityInfo& entity, std::span<const Value> key);
  void remove(const std::shared_ptr<Object>& object);
  void flush();
  void commit();
  void rollback();
  void close();
  void refresh(const std::shared_ptr<Object>& object);
  void expire(const std::shared_ptr<Object>& object);
  void expunge(const std::shared_ptr<Object>& object);
  [[nodiscard]] bool is_modified(const Object& object) const;
  std::shared_ptr<Object> merge(const std::shared_ptr<Object>& object);
  [[nodiscard]] std::size_t identity_map_size() const noexcept { return identity_.size(); }

  // --- savepoints (Session::begin_nested)
  /// Flushes, emits SAVEPOINT and returns the new savepoint's id.
  std::uint64_t begin_nested();
  /// Flushes, then releases savepoint `id` and every savepoint begun after it.
  void commit_nested(std::uint64_t id);
  /// Rolls back to savepoint `id` (discarding those begun after it) and restores the objects.
  void rollback_nested(std::uint64_t id);
  [[nodiscard]] bool nested_active(std::uint64_t id) const noexcept;
  /// Expires with this SessionCore: NestedTransaction handles check it before touching the core.
  [[nodiscard]] std::weak_ptr<void> alive_token() const noexcept { return alive_; }

  [[nodiscard]] const Database& database() const noexcept { return db_; }
  [[nodiscard]] Engine& engine() const noexcept { return engine_; }
  [[nodiscard]] const SessionOptions& options() const noexcept { return options_; }

  /// Called by Object: a persistent object changed a column.
  void on_modified(Object& object);
  /// Called by Object: reload its expired columns.
  void load_expired(const Object& object);
  /// Called by ~Object: forget the dying object.
  void on_destroyed(InstanceState& state) noexcept;

  /// The transaction's connection; begins a transaction when none is open.
  Connection& connection();
  /// Runs a statement on the transaction's connection through the statement log.
  std::unique_ptr<Rows> execute(const std::string& sql, std::span<const Value> params);
  /// Several statements the same way, pipelined where the connection can (Connection::execute_pipelined).
  void execute_pipelined(std::size_t count, const std::function<PipelinedStatement(std::size_t)>& make,
                         const std::function<void(std::size_t, Rows&)>& take);
  /// The object for the row at the cursor (columns [first, first + column count) in table order):
  /// the identity map's object when there is one, else a new persistent object.
  std::shared_ptr<Object> object_from_row(const EntityInfo& entity, const Rows& rows, std::size_t first);
  /// Flushes when autoflush is on (before queries).
  void autoflush();

  // --- for typed statements (runtime/src/sql)
  /// What every query does before it runs: refuses a Session needing rollback(), then autoflushes.
  void before_query();
  /// Increases each time a transaction begins: a server-side cursor lives only in its own one.
  [[nodiscard]] std::uint64_t transaction_serial() const noexcept { return transaction_serial_; }
  /// Claims the Session for the calling thread (re-entrant), as a UseGuard does for one call.
  /// @throw ormc::InvalidRequestError when another thread holds it
  void claim_use();
  /// Undoes one claim_use(); the last one lets other threads use the Session again.
  void release_use() noexcept;
  /// Whether the calling thread holds the Session (a check without a locked instruction).
  [[nodiscard]] bool used_by_this_thread() const noexcept;
  /// A transaction is open on the Session's connection (without beginning one, unlike connection()).
  [[nodiscard]] bool in_transaction() const noexcept { return conn_ && conn_->in_transaction(); }
  /// The lowest cursor number not held by an open result; names of server-side cursors are built
  /// from it, so that FETCH texts repeat (and stay prepared) across results.
  [[nodiscard]] std::size_t acquire_cursor_slot();
  void release_cursor_slot(std::size_t slot) noexcept;
  /// After a bulk UPDATE / DELETE: expires `columns` (every column when empty) of the live
  /// persistent objects of `entity`, so they reload what the statement wrote.
  void expire_entity(const EntityInfo& entity, std::span<const std::uint16_t> columns);

  /// Called by RelationshipState when a relationship of `state.owner()` got a pending change:
  /// remembers it for the flush and cascades new children into this session (save-update).
  void on_relationship_changed(RelationshipState& state);
  /// The rows of a one-to-many relationship, loaded (for cascades that SQLAlchemy also loads
  /// for: deleting the parent of a dynamic collection without passive_deletes).
  std::vector<std::shared_ptr<Object>> load_children(Object& owner, const RelationshipInfo& rel);
  /// Called by ReferenceState::set_object(): remembers it for the flush and cascades the new
  /// target into this session (save-update).
  void on_reference_changed(ReferenceState& state);
  /// Remembers `state` for the flush without cascading (back_populates queued an item on it).
  void on_relationship_touched(RelationshipState& state) { register_relationship(state); }
  /// Adds `child` when `rel` cascades save-update and the child is in no Session yet.
  void cascade_child(const RelationshipInfo& rel, const std::shared_ptr<Object>& child);
  /// A many-to-one's target through the owner's foreign key: the identity map when the key is
  /// the target's primary key (no SQL), else a SELECT. Null when the foreign key is NULL.
  std::shared_ptr<Object> load_reference(Object& owner, const RelationshipInfo& rel);
  /// load_reference() without SQL: the identity map only (null when the target isn't there).
  std::shared_ptr<Object> peek_reference(const Object& owner, const RelationshipInfo& rel) const;
  /// The rows of a loaded collection: one SELECT with the parent criterion and order_by.
  std::vector<std::shared_ptr<Object>> load_collection(RelationshipState& state);
  /// lazy = "selectin" on access: loads `state`'s collection and the same, unloaded collection of
  /// every other persistent parent of its entity in the identity map, with one `IN (...)` SELECT
  /// per chunk of 500 parents. False when the relationship's shape isn't supported (a composite
  /// join): the caller loads the one collection instead.
  bool selectin_load(LoadedCollectionState& state);
  /// selectin at query time: fills `rel`'s unloaded collection of every object in `parents` (the
  /// rows a query just loaded) with one `IN (...)` SELECT per chunk of 500 — for many-to-many one
  /// SELECT of the target joined to the association table; a tuple IN for composite join keys. For
  /// a many-to-one, its reference (selectin_references). Unsupported shapes load on access.
  void selectin_load_query(const RelationshipInfo& rel, std::span<const std::shared_ptr<Object>> parents);
  /// Whether `entity` has lazy = "joined" relationships (get() then loads them with its SELECT).
  static bool has_joined_loads(const EntityInfo& entity) noexcept;
  /// get()'s SELECT by primary key with the entity's joined eager loads (joined_load.cpp).
  std::shared_ptr<Object> get_joined(const EntityInfo& entity, std::span<const Value> key);

 private:
  /// object_from_row() when the identity map had the row's object: fills only its expired attributes.
  std::shared_ptr<Object> found_in_identity_map(std::shared_ptr<Object> existing, const Rows& rows, std::size_t first);

  /// The statements of a selectin load: fills each parent's collection with its rows.
  void selectin_fill(const RelationshipInfo& rel, std::span<SelectinParent> parents);
  /// selectin of a many-to-one for the objects a query loaded: one `IN (...)` SELECT of the target
  /// per chunk of 500 distinct foreign key values that are neither NULL nor in the identity map.
  void selectin_references(const RelationshipInfo& rel, std::span<const std::shared_ptr<Object>> loaded);
  friend class UnitOfWork;

  void check_usable() const;
  /// One merge() call's memory of what it merged (session_merge.cpp).
  struct MergeMemo;
  /// merge() of one object: the Session's instance for it, then its merge-cascade relationships.
  std::shared_ptr<Object> merge_one(const std::shared_ptr<Object>& source, MergeMemo& memo);
  /// The merge cascade: each relationship of `source` with `merge` whose contents memory holds
  /// sets `target`'s relationship to the merged related objects.
  void merge_relationships(Object& source, const std::shared_ptr<Object>& target, MergeMemo& memo);
  /// Cascades after `object` joined this session: its relationships' pending children follow.
  void cascade_add(const std::shared_ptr<Object>& object);
  /// The delete cascade of `object`, collected at remove() before anything is marked (as
  /// SQLAlchemy's session.delete(), so no autoflush of a load deletes early): the objects reached
  /// along relationships with `delete` — collections, many-to-one references (loading the target),
  /// dynamic collections without passive_deletes — appended to `out` in post-order, each once.
  /// Refuses write-only collections without passive_deletes that cascade delete.
  void collect_delete_cascade(const std::shared_ptr<Object>& object, std::unordered_set<const Object*>& visited,
                              std::vector<std::shared_ptr<Object>>& out);
  void register_relationship(RelationshipState& state);
  void discard_relationship_changes() noexcept;
  /// expunge() of `object` and its expunge cascade; collects the objects that had relationship
  /// changes registered here.
  void expunge_one(const std::shared_ptr<Object>& object, std::unordered_set<const Object*>& owners);
  /// The session forgets the relationship changes of expunged `owners` (it would otherwise still
  /// flush them, and refuse their targets as not in the Session).
  void forget_relationship_changes(const std::unordered_set<const Object*>& owners);
  /// Unloads `object`'s loaded collections and references (they load again on access); unflushed
  /// changes survive.
  static void expire_relationships(Object& object) noexcept;
  /// The objects `object`'s relationships with cascade `flag` hold in memory (loaded collection
  /// items, known references); nothing is loaded.
  static std::vector<std::shared_ptr<Object>> cascade_targets(Object& object, std::uint16_t flag);
  /// `object` and the persistent objects of this session reachable from it along refresh-expire
  /// cascades, each once.
  std::vector<std::shared_ptr<Object>> refresh_expire_closure(const std::shared_ptr<Object>& object);
  void expire_state(Object& object);
  /// Forgets an object whose row does not exist (any more): it leaves the identity map, unowned.
  void make_transient(Object& object) noexcept;
  void detach_all() noexcept;
  /// Rolls back the database transaction (if any) and forgets every savepoint.
  void end_transaction() noexcept;
  struct Savepoint;
  /// After ROLLBACK TO SAVEPOINT: undoes in memory what happened since `sp` began.
  void restore_to(const Savepoint& sp);
  /// Position of savepoint `id` in savepoints_, or savepoints_.size() when it is no longer open.
  [[nodiscard]] std::size_t savepoint_index(std::uint64_t id) const noexcept;
  /// Reads the row's columns into `object`, skipping modified columns; `only_expired` limits it
  /// to expired columns.
  void populate(Object& object, const Rows& rows, std::size_t first, bool only_expired);
  /// Reads result cell `first + column` into the object's field.
  static void load_field(Object& object, const EntityInfo& entity, std::size_t column, const Rows& rows,
                         std::size_t first);

  Database db_;
  Engine& engine_;
  SessionOptions options_;
  PooledConnection conn_;
  IdentityMap identity_;

  std::vector<std::shared_ptr<Object>> new_;      ///< pending, in add() order
  std::vector<std::shared_ptr<Object>> dirty_;    ///< persistent with modified columns
  std::vector<std::shared_ptr<Object>> deleted_;  ///< marked by remove(), not yet flushed

  /// Relationships with pending adds/removes; the owner is held so its state stays alive.
  struct ChangedRelationship {
    std::shared_ptr<Object> owner;
    RelationshipState* state;
  };
  std::vector<ChangedRelationship> changed_relationships_;

  /// Rows this transaction inserted / deleted: rollback() makes them transient / persistent again.
  std::vector<std::weak_ptr<Object>> inserted_in_transaction_;
  std::vector<std::shared_ptr<Object>> deleted_in_transaction_;

  /// An open SAVEPOINT and how far the transaction's lists had grown when it began.
  struct Savepoint {
    std::uint64_t id = 0;
    std::string name;
    std::size_t inserted_mark = 0;
    std::size_t deleted_mark = 0;
    std::size_t updated_mark = 0;
  };
  std::vector<Savepoint> savepoints_;  ///< innermost last
  std::uint64_t next_savepoint_id_ = 0;
  /// Objects UPDATEd by flushes while a savepoint is open: expired if it is rolled back.
  std::vector<std::weak_ptr<Object>> updated_in_savepoint_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);

  std::uint64_t transaction_serial_ = 0;
  std::vector<bool> cursor_slots_;  ///< true: held by an open streaming result
  bool flush_failed_ = false;
  bool flushing_ = false;
  std::atomic<std::thread::id> owner_{};
  int depth_ = 0;
};

}  // namespace ormc::detail
