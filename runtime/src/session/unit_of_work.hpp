// One flush: INSERTs, UPDATEs and DELETEs in foreign-key order, batched, with an undo log.
#pragma once

#include <memory>
#include <vector>

#include "ormc/metadata.hpp"
#include "ormc/object.hpp"

namespace ormc::detail {

class SessionCore;

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
  struct Undo {
    std::shared_ptr<Object> object;
    std::size_t column;
    Value old_value;
  };
  /// Objects of one table, in the order they were added.
  struct TableWork {
    const TableInfo* table = nullptr;
    std::vector<Object*> inserts;
    std::vector<Object*> updates;
    std::vector<Object*> deletes;
  };

  std::vector<TableWork*> ordered_tables();
  void insert_rows(const EntityInfo& entity, std::vector<Object*>& objects);
  void insert_batch(const EntityInfo& entity, std::span<Object* const> batch, const std::vector<std::uint16_t>& columns);
  void update_row(Object& object);
  void delete_rows(const EntityInfo& entity, std::vector<Object*>& objects);

  SessionCore& session_;
  std::vector<std::unique_ptr<TableWork>> tables_;
  std::vector<Undo> undo_;
  /// Columns the INSERT left to the server and did not RETURN: expired after the flush.
  std::vector<std::pair<Object*, std::vector<std::uint16_t>>> unfetched_;
};

}  // namespace ormc::detail
