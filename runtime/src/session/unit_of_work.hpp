// One flush: INSERTs, UPDATEs and DELETEs in foreign-key order, batched, with an undo log.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "connection.hpp"
#include "ormc/metadata.hpp"
#include "ormc/object.hpp"

namespace ormc::detail {

/// Rows per multi-row INSERT / DELETE: large enough that round trips stop mattering. INSERTs from
/// arrays (Dialect::inserts_from_arrays()) take as many: PostgreSQL 15 spent no less time per row
/// with 2,000 to 10,000 rows per statement.
inline constexpr std::size_t kMaxRowsPerStatement = 1000;

class SessionCore;

/// A joined column whose referenced (parent-side) primary-key value changed in this flush.
struct KeyChangePair {
  std::uint16_t parent_column;
  std::uint16_t child_column;
  Value old_value;
  Value new_value;
};

class UnitOfWork {
 public:
  explicit UnitOfWork(SessionCore& session) : session_(session) {}

  /// Emits every statement. Values the database generated are written into the objects and
  /// recorded so that undo() can put the old ones back.
  void execute();
  /// After a failure: restores every value execute() wrote into objects.
  void undo() noexcept;
  /// After success: moves objects to their new states (pending -> persistent, deleted -> gone).
  void finish();

 private:
  /// A value execute() overwrote. The object is not owned: everything a flush touches is held by
  /// the Session (or a relationship's pending changes) until undo() or finish() has run, and an
  /// owning pointer would cost two atomic operations per generated key.
  struct Undo {
    Undo(Object* o, std::size_t c, Value v) : object(o), column(c), old_value(std::move(v)) {}
    Undo(const std::shared_ptr<Object>& o, std::size_t c, Value v) : Undo(o.get(), c, std::move(v)) {}
    Object* object;
    std::size_t column;
    Value old_value;
  };
  /// A child and the parent whose relationship changed it.
  struct Link {
    Object* owner;
    Object* child;
    const RelationshipInfo* rel;
  };
  /// Objects of one table, in the order they were added.
  struct TableWork {
    const TableInfo* table = nullptr;
    std::vector<Object*> inserts;
    std::vector<Object*> updates;
    std::vector<Object*> deletes;
    std::vector<Link> foreign_key_syncs;  ///< children added to a one-to-many collection
    /// Many-to-one references set since the last flush: `owner` is the target (null: set to
    /// NULL), `child` the object whose foreign key takes the target's key.
    std::vector<Link> reference_syncs;
    std::vector<Link> null_outs;          ///< children removed without delete-orphan
    std::vector<Link> orphan_deletes;     ///< children removed with delete-orphan
  };

  TableWork& work_for(const TableInfo* table);
  TableWork* last_work_ = nullptr;  ///< work_for()'s previous answer: runs of one table skip the hash
  std::vector<TableWork*> ordered_tables();
  // Relationship work (relationship_flush.cpp): nothing of it ever loads a write-only collection.
  void plan_relationships();
  /// Copies parent keys into children's foreign keys, then INSERTs the table's new rows; rows
  /// that reference new rows of the same table (self-referential) go in later rounds, after
  /// the rows they reference got their keys.
  void insert_in_dependency_order(TableWork& work);
  void sync_collection_link(TableWork& work, const Link& link);
  void sync_reference_link(TableWork& work, const Link& link);
  void plan_deleted_parent_collections();
  /// Changed keys (key_change_flush.cpp): map collections re-keyed before planning, and the
  /// children of parents whose primary key changed (passive_updates).
  void settle_map_keys();
  void plan_key_changes();
  /// Gives `child` the new key where its foreign key still holds the old one: in memory only, or
  /// (`write`) also as a column its UPDATE writes.
  void rewrite_foreign_key(const std::shared_ptr<Object>& child, const std::vector<KeyChangePair>& pairs, bool write);
  /// post_update references: an UPDATE of the referencing row after every INSERT (`clear`: the
  /// UPDATE to NULL that precedes the DELETEs).
  void write_post_updates(const std::vector<Link>& links, bool clear);
  void null_out(TableWork& work);
  void delete_orphans(TableWork& work);
  void write_associations(std::vector<Link>& links, bool insert);
  void finish_relationships();
  void insert_rows(const EntityInfo& entity, std::vector<Object*>& objects);
  /// One multi-row INSERT of insert_rows(): its objects and columns, then what reading its rows needs.
  struct InsertBatch {
    std::span<Object* const> objects;
    std::vector<std::uint16_t> shape;      ///< the columns it sets
    std::string sql;
    std::vector<std::uint16_t> returning;  ///< RETURNING columns
    std::vector<std::uint16_t> unfetched;  ///< server defaults left to load later
    std::vector<std::uint16_t> key_positions;  ///< where the primary key is among `returning`
    int sort_column = -1;  ///< an autoincrement key in `returning`: rows are matched by its order
  };
  PipelinedStatement insert_statement(const EntityInfo& entity, InsertBatch& batch);
  void take_inserted(const EntityInfo& entity, const InsertBatch& batch, Rows& rows);
  void update_rows(std::vector<Object*>& objects);
  void update_batch(const EntityInfo& entity, std::span<Object* const> batch, const std::vector<std::uint16_t>& columns);
  void update_row(Object& object);
  void delete_rows(const EntityInfo& entity, std::vector<Object*>& objects);

  SessionCore& session_;
  std::vector<std::unique_ptr<TableWork>> tables_;
  std::unordered_map<const TableInfo*, TableWork*> table_index_;
  std::unordered_set<const Object*> updating_;  ///< objects already in some TableWork::updates
  std::vector<Link> post_updates_;        ///< post_update references set since the last flush
  std::vector<Link> post_update_clears_;  ///< post_update references of deleted rows, still set
  std::vector<Link> association_inserts_;
  std::vector<Link> association_deletes_;
  std::vector<Object*> orphans_;              ///< deleted by delete-orphan this flush
  std::vector<std::shared_ptr<Object>> deleted_parents_;  ///< for passive-delete bookkeeping
  std::vector<Undo> undo_;
  /// Children whose foreign key plan_key_changes() rewrote: pinned, as undo_ does not own them.
  std::vector<std::shared_ptr<Object>> key_cascaded_;
  /// Columns the INSERT left to the server and did not RETURN: expired after the flush.
  std::vector<std::pair<Object*, std::vector<std::uint16_t>>> unfetched_;
};

}  // namespace ormc::detail
