// The flush: groups changes by table, orders tables by foreign keys, batches the statements.
#include "session/unit_of_work.hpp"

#include <algorithm>
#include <span>
#include <string>
#include <unordered_map>

#include "connection.hpp"
#include "object_access.hpp"
#include "ormc/errors.hpp"
#include "session/crud_sql.hpp"
#include "session/row_values.hpp"
#include "session/session_core.hpp"

namespace ormc::detail {

std::vector<UnitOfWork::TableWork*> UnitOfWork::ordered_tables() {
  // Parents before children by the foreign keys among the tables of this flush (depth-first
  // post-order). Self-references and cycles fall back to the order in which tables were met.
  std::unordered_map<std::string_view, TableWork*> by_name;
  for (auto& t : tables_) by_name.emplace(t->table->name, t.get());
  // Foreign keys written by post_update (an UPDATE after every INSERT) impose no order: they are
  // what breaks a cycle between two tables.
  auto post_updated = [](const TableWork& t, const ColumnInfo& c) {
    const Object* any = !t.inserts.empty() ? t.inserts.front()
                        : !t.updates.empty() ? t.updates.front()
                        : !t.deletes.empty() ? t.deletes.front()
                                             : nullptr;
    if (any == nullptr) return false;
    for (const RelationshipInfo& rel : any->ormc_entity().relationships) {
      if (!rel.post_update || rel.kind != RelationshipKind::ManyToOne) continue;
      for (const JoinPair& p : rel.primaryjoin)
        if (p.local_column == c.name) return true;
    }
    return false;
  };
  std::vector<TableWork*> order;
  std::unordered_map<TableWork*, int> mark;  // 1 = visiting, 2 = done
  auto visit = [&](auto&& self, TableWork* t) -> void {
    if (mark[t] != 0) return;
    mark[t] = 1;
    for (const ColumnInfo& c : t->table->columns) {
      if (!c.foreign_key || post_updated(*t, c)) continue;
      auto it = by_name.find(c.foreign_key->table);
      if (it != by_name.end() && it->second != t) self(self, it->second);
    }
    mark[t] = 2;
    order.push_back(t);
  };
  for (auto& t : tables_) visit(visit, t.get());
  return order;
}

UnitOfWork::TableWork& UnitOfWork::work_for(const TableInfo* table) {
  if (last_work_ != nullptr && last_work_->table == table) return *last_work_;
  auto [it, inserted] = table_index_.try_emplace(table, nullptr);
  if (inserted) {
    tables_.push_back(std::make_unique<TableWork>());
    tables_.back()->table = table;
    it->second = tables_.back().get();
  }
  last_work_ = it->second;
  return *it->second;
}

void UnitOfWork::execute() {
  settle_map_keys();  // may remove members from maps: before anything below reads the changes
  for (auto& o : session_.new_) work_for(o->ormc_entity().table).inserts.push_back(o.get());
  for (auto& o : session_.dirty_) {
    const InstanceState& s = ObjectAccess::state(*o);
    if (s.status == Status::Persistent && !s.modified.empty() && updating_.insert(o.get()).second)
      work_for(o->ormc_entity().table).updates.push_back(o.get());
  }
  for (auto& o : session_.deleted_) work_for(o->ormc_entity().table).deletes.push_back(o.get());
  plan_key_changes();
  plan_relationships();

  const std::vector<TableWork*> order = ordered_tables();
  for (TableWork* t : order) {
    // Children leaving a parent first: a UNIQUE foreign key (one-to-one) is free again before the
    // replacing row takes it.
    null_out(*t);
    insert_in_dependency_order(*t);
    update_rows(t->updates);
  }
  write_post_updates(post_updates_, false);
  write_associations(association_inserts_, true);
  write_associations(association_deletes_, false);
  write_post_updates(post_update_clears_, true);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    delete_orphans(**it);
    if (!(*it)->deletes.empty()) delete_rows((*it)->deletes.front()->ormc_entity(), (*it)->deletes);
  }
}

void UnitOfWork::insert_rows(const EntityInfo& entity, std::vector<Object*>& objects) {
  // Consecutive objects that set the same columns share one multi-row INSERT. Only server-generated
  // columns can be left out, so two objects have the same shape when they agree on which of
  // those they set: compared in place, without building a column list per row.
  const auto& columns = entity.table->columns;
  std::vector<std::uint16_t> generated;
  for (std::uint16_t i = 0; i < columns.size(); ++i)
    if (server_generated(columns[i])) generated.push_back(i);
  auto same_shape = [&](const Object* a, const Object* b) {
    const ColumnSet& ma = ObjectAccess::state(*a).modified;
    const ColumnSet& mb = ObjectAccess::state(*b).modified;
    for (std::uint16_t i : generated)
      if (ma.contains(i) != mb.contains(i)) return false;
    return true;
  };
  const Dialect& dialect = session_.engine().dialect();
  std::vector<InsertBatch> batches;
  std::size_t start = 0;
  while (start < objects.size()) {
    std::vector<std::uint16_t> shape;
    const ColumnSet& set = ObjectAccess::state(*objects[start]).modified;
    for (std::uint16_t i = 0; i < columns.size(); ++i)
      if (!server_generated(columns[i]) || set.contains(i)) shape.push_back(i);
    // Arrays carry any number of rows in one parameter per column; a VALUES list one per value.
    const std::size_t limit = shape.empty()                   ? 1
                              : dialect.inserts_from_arrays() ? kMaxRowsPerStatement
                                                              : std::min(kMaxRowsPerStatement, dialect.max_parameters() / shape.size());
    std::size_t end = start + 1;
    while (end < objects.size() && end - start < limit && same_shape(objects[start], objects[end])) ++end;
    InsertBatch& batch = batches.emplace_back();
    batch.objects = std::span<Object* const>(objects.data() + start, end - start);
    batch.shape = std::move(shape);
    start = end;
  }
  // Pipelined: PostgreSQL runs one INSERT while the rows of the one before are read and the
  // parameters of the one after are built (the batches are independent of each other).
  session_.execute_pipelined(
      batches.size(), [&](std::size_t k) { return insert_statement(entity, batches[k]); },
      [&](std::size_t k, Rows& rows) { take_inserted(entity, batches[k], rows); });
}

PipelinedStatement UnitOfWork::insert_statement(const EntityInfo& entity, InsertBatch& b) {
  const TableInfo& table = *entity.table;
  const auto& columns = table.columns;
  const std::span<Object* const> batch = b.objects;
  const std::vector<std::uint16_t>& shape = b.shape;
  // RETURNING: generated primary-key columns always; other server defaults when eager_defaults.
  std::vector<std::uint16_t>& returning = b.returning;
  std::vector<std::uint16_t>& unfetched = b.unfetched;
  int& sort_column = b.sort_column;  // an autoincrement key: returned rows are matched to objects by its order
  for (std::uint16_t i = 0; i < columns.size(); ++i) {
    if (!server_generated(columns[i]) || std::find(shape.begin(), shape.end(), i) != shape.end()) continue;
    if (columns[i].primary_key || entity.eager_defaults) {
      if (columns[i].autoincrement && columns[i].primary_key && sort_column < 0)
        sort_column = static_cast<int>(returning.size());
      returning.push_back(i);
    } else {
      unfetched.push_back(i);
    }
  }
  // Without an ascending generated key, rows are matched by primary key: return it too.
  std::vector<std::uint16_t>& key_positions = b.key_positions;
  if (!returning.empty() && sort_column < 0) {
    for (std::uint16_t k : entity.primary_key) {
      auto it = std::find(returning.begin(), returning.end(), k);
      if (it == returning.end()) {
        returning.push_back(k);
        it = returning.end() - 1;
      }
      key_positions.push_back(static_cast<std::uint16_t>(it - returning.begin()));
    }
  }

  std::vector<Value> params;
  params.reserve(batch.size() * shape.size());
  for (Object* o : batch)
    for (std::uint16_t c : shape) params.push_back(ObjectAccess::get(*o, c));

  const auto& dialect = session_.engine().dialect();
  // One row keeps the plain VALUES form; several go as one array per column where the dialect can.
  const bool from_arrays = batch.size() > 1 && dialect.inserts_from_arrays();
  b.sql = from_arrays ? insert_from_arrays_sql(dialect, table, shape, returning)
                      : insert_sql(dialect, table, shape, batch.size(), returning);
  if (from_arrays) params = dialect.column_arrays(params, shape.size(), b.sql);
  return {b.sql, std::move(params)};
}

void UnitOfWork::take_inserted(const EntityInfo& entity, const InsertBatch& b, Rows& rows) {
  const TableInfo& table = *entity.table;
  const auto& columns = table.columns;
  const std::span<Object* const> batch = b.objects;
  const std::vector<std::uint16_t>& returning = b.returning;
  const std::vector<std::uint16_t>& unfetched = b.unfetched;
  const std::vector<std::uint16_t>& key_positions = b.key_positions;
  const int sort_column = b.sort_column;
  const std::string& sql = b.sql;
  if (!unfetched.empty())
    for (Object* o : batch) unfetched_.emplace_back(o, unfetched);
  if (returning.empty()) return;

  // One flat array, `width` values per returned row: no allocation per row.
  const std::size_t width = returning.size();
  std::vector<Value> returned;
  returned.reserve(batch.size() * width);
  while (rows.next())
    for (std::size_t i = 0; i < width; ++i) returned.push_back(read_column(rows, i, columns[returning[i]]));
  const std::size_t returned_rows = returned.size() / width;
  if (returned_rows != batch.size())
    throw StaleDataError("INSERT into '" + std::string(table.name) + "' returned " + std::to_string(returned_rows) +
                             " row(s) for " + std::to_string(batch.size()) + " inserted",
                         sql);

  std::vector<std::size_t> row_of_object(batch.size());
  if (sort_column >= 0) {
    // Generated keys ascend in row order (sequence / rowid), whatever order RETURNING uses.
    auto key_of = [&](std::size_t r) { return returned[r * width + sort_column].as<std::int64_t>(); };
    for (std::size_t i = 0; i < row_of_object.size(); ++i) row_of_object[i] = i;
    bool ascending = true;  // what both databases do in practice: then there is nothing to sort
    for (std::size_t r = 1; r < returned_rows && ascending; ++r) ascending = key_of(r - 1) < key_of(r);
    if (!ascending)
      std::sort(row_of_object.begin(), row_of_object.end(), [&](std::size_t a, std::size_t b) { return key_of(a) < key_of(b); });
  } else {
    // Match returned rows to objects by primary key (hash lookup, not a scan per object).
    std::unordered_map<IdentityKey, std::size_t, IdentityKeyHash, IdentityKeyEqual> row_by_key;
    for (std::size_t r = 0; r < returned_rows; ++r) {
      IdentityKey key{&entity, {}};
      for (std::uint16_t p : key_positions) key.key.push_back(returned[r * width + p]);
      row_by_key.emplace(std::move(key), r);
    }
    for (std::size_t o = 0; o < batch.size(); ++o) {
      const KeyValues key = IdentityMap::primary_key_of(*batch[o]);
      auto it = row_by_key.find(IdentityKeyView{&entity, key});
      if (it == row_by_key.end())
        throw StaleDataError("INSERT into '" + std::string(table.name) + "' returned a row that matches no object", sql);
      row_of_object[o] = it->second;
    }
  }
  for (std::size_t o = 0; o < batch.size(); ++o) {
    Object& object = *batch[o];
    Value* row = returned.data() + row_of_object[o] * width;
    for (std::size_t i = 0; i < width; ++i) {
      undo_.emplace_back(&object, returning[i], ObjectAccess::get(object, returning[i]));
      ObjectAccess::set(object, returning[i], std::move(row[i]));
    }
  }
}

void UnitOfWork::update_rows(std::vector<Object*>& objects) {
  // Objects that changed the same columns share an UPDATE ... FROM (VALUES ...); a lone object, or
  // one whose primary key changed (its VALUES tuple would name the key twice), gets its own UPDATE.
  struct Group {
    const EntityInfo* entity;
    std::vector<std::uint16_t> columns;
    std::vector<Object*> objects;
  };
  std::vector<Group> groups;
  std::vector<std::uint16_t> columns;
  for (Object* o : objects) {
    const EntityInfo& entity = o->ormc_entity();
    const ColumnSet& modified = ObjectAccess::state(*o).modified;
    columns.clear();
    bool key_changed = false;
    for (std::uint16_t i = 0; i < entity.table->columns.size(); ++i) {
      if (!modified.contains(i)) continue;
      columns.push_back(i);
      key_changed = key_changed || entity.table->columns[i].primary_key;
    }
    if (key_changed) {
      groups.push_back(Group{&entity, {}, {o}});
      continue;
    }
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const Group& g) { return g.entity == &entity && g.columns == columns; });
    if (it == groups.end()) groups.push_back(Group{&entity, columns, {o}});
    else it->objects.push_back(o);
  }
  const std::size_t max_params = session_.engine().dialect().max_parameters();
  for (Group& g : groups) {
    if (g.objects.size() == 1) {
      update_row(*g.objects.front());
      continue;
    }
    const std::size_t per_row = g.entity->primary_key.size() + g.columns.size();
    const std::size_t limit = std::max<std::size_t>(1, std::min(kMaxRowsPerStatement, max_params / per_row));
    for (std::size_t start = 0; start < g.objects.size(); start += limit) {
      const std::size_t n = std::min(limit, g.objects.size() - start);
      if (n == 1) update_row(*g.objects[start]);
      else update_batch(*g.entity, std::span<Object* const>(g.objects.data() + start, n), g.columns);
    }
  }
}

void UnitOfWork::update_batch(const EntityInfo& entity, std::span<Object* const> batch,
                              const std::vector<std::uint16_t>& columns) {
  std::vector<Value> params;
  params.reserve(batch.size() * (entity.primary_key.size() + columns.size()));
  for (Object* o : batch) {
    // The row is found by the key it had when loaded (the identity).
    for (const Value& v : ObjectAccess::state(*o).identity->key) params.push_back(v);
    for (std::uint16_t c : columns) params.push_back(ObjectAccess::get(*o, c));
  }
  const std::string sql =
      update_from_values_sql(session_.engine().dialect(), *entity.table, columns, entity.primary_key, batch.size());
  auto rows = session_.execute(sql, params);
  if (rows->affected_rows() != batch.size())
    throw StaleDataError("UPDATE statement on table '" + std::string(entity.table->name) + "' expected to update " +
                             std::to_string(batch.size()) + " row(s); " + std::to_string(rows->affected_rows()) +
                             " were matched",
                         sql);
}

void UnitOfWork::update_row(Object& object) {
  const EntityInfo& entity = object.ormc_entity();
  const InstanceState& s = ObjectAccess::state(object);
  std::vector<std::uint16_t> set_columns;
  std::vector<Value> params;
  for (std::uint16_t i = 0; i < entity.table->columns.size(); ++i) {
    if (!s.modified.contains(i)) continue;
    set_columns.push_back(i);
    params.push_back(ObjectAccess::get(object, i));
  }
  // The row is found by the key it had when loaded (the identity), even if the key changed.
  for (const Value& v : s.identity->key) params.push_back(v);
  const std::string sql = update_sql(session_.engine().dialect(), *entity.table, set_columns, entity.primary_key);
  auto rows = session_.execute(sql, params);
  if (rows->affected_rows() != 1)
    throw StaleDataError("UPDATE statement on table '" + std::string(entity.table->name) +
                             "' expected to update 1 row(s); " + std::to_string(rows->affected_rows()) +
                             " were matched",
                         sql);
}

void UnitOfWork::delete_rows(const EntityInfo& entity, std::vector<Object*>& objects) {
  const auto& dialect = session_.engine().dialect();
  const std::size_t key_size = entity.primary_key.size();
  const std::size_t per_statement =
      key_size == 1 ? std::min(kMaxRowsPerStatement, dialect.max_parameters()) : std::size_t{1};
  for (std::size_t start = 0; start < objects.size(); start += per_statement) {
    const std::size_t n = std::min(per_statement, objects.size() - start);
    std::vector<Value> params;
    params.reserve(n * key_size);
    for (std::size_t i = start; i < start + n; ++i)
      for (const Value& v : ObjectAccess::state(*objects[i]).identity->key) params.push_back(v);
    const std::string sql = delete_sql(dialect, *entity.table, entity.primary_key, n);
    auto rows = session_.execute(sql, params);
    if (rows->affected_rows() != n)
      throw StaleDataError("DELETE statement on table '" + std::string(entity.table->name) + "' expected to delete " +
                               std::to_string(n) + " row(s); only " + std::to_string(rows->affected_rows()) +
                               " were matched",
                           sql);
  }
}

void UnitOfWork::undo() noexcept {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    try {
      ObjectAccess::set(*it->object, it->column, std::move(it->old_value));
    } catch (...) {
      // Restoring a value we read from the same field cannot fail to convert.
    }
  }
  undo_.clear();
}

void UnitOfWork::finish() {
  SessionCore& s = session_;
  // The work lists hold raw pointers; the lists that own the objects (dirty, relationship changes)
  // are released below. Pin every object this flush touched until finish() is done with them.
  std::vector<std::shared_ptr<Object>> pinned;
  for (auto& t : tables_) {
    for (Object* o : t->updates) pinned.push_back(o->shared_from_this());
    for (const Link& l : t->null_outs) pinned.push_back(l.child->shared_from_this());
  }
  for (Object* o : orphans_) pinned.push_back(o->shared_from_this());
  finish_relationships();
  s.identity_.reserve(s.identity_.size() + s.new_.size());  // one rehash, not one per doubling
  for (auto& object : s.new_) {
    InstanceState& st = ObjectAccess::state(*object);
    st.status = Status::Persistent;
    st.modified.clear();
    st.identity = s.identity_.insert(object);
    s.inserted_in_transaction_.push_back(object);
  }
  for (auto& [object, columns] : unfetched_) {
    InstanceState& st = ObjectAccess::state(*object);
    st.expired = true;
    for (std::uint16_t c : columns) st.expired_columns.insert(c);
  }
  s.new_.clear();
  for (auto& object : s.dirty_) {
    InstanceState& st = ObjectAccess::state(*object);
    st.in_dirty_list = false;
    if (st.status != Status::Persistent) continue;
    st.modified.clear();
    // A changed primary key moves the object to its new identity.
    if (st.identity && !std::ranges::equal(std::span<const Value>(IdentityMap::primary_key_of(*object)),
                                           std::span<const Value>(st.identity->key))) {
      s.identity_.erase(st.identity);
      st.identity = s.identity_.insert(object);
    }
  }
  s.dirty_.clear();
  for (auto& t : tables_) {
    for (Object* object : t->updates) {
      // Children whose foreign key the flush synchronised are not in the dirty list.
      ObjectAccess::state(*object).modified.clear();
      if (!s.savepoints_.empty()) s.updated_in_savepoint_.push_back(object->weak_from_this());
    }
    if (!s.savepoints_.empty())
      for (const Link& link : t->null_outs) s.updated_in_savepoint_.push_back(link.child->weak_from_this());
  }
  // Foreign keys passive_updates rewrote in memory (the database cascaded): expired again if the
  // savepoint is rolled back, like the rows this flush wrote.
  if (!s.savepoints_.empty())
    for (const auto& child : key_cascaded_) s.updated_in_savepoint_.push_back(child);
  for (auto& object : s.deleted_) {
    InstanceState& st = ObjectAccess::state(*object);
    if (st.identity) s.identity_.erase(st.identity);
    st.identity = nullptr;
    st.in_dirty_list = false;
    s.deleted_in_transaction_.push_back(object);
  }
  s.deleted_.clear();
}

}  // namespace ormc::detail
