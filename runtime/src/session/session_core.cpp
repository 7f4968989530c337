// SessionCore: object lifecycle (add/get/remove/expire), transactions, loading rows into objects.
#include "session/session_core.hpp"

#include <algorithm>
#include <string>

#include "connection.hpp"
#include "object_access.hpp"
#include "ormc/errors.hpp"
#include "session/crud_sql.hpp"
#include "session/row_values.hpp"
#include "session/unit_of_work.hpp"

namespace ormc::detail {
namespace {

std::string describe(const Object& object) { return "'" + std::string(object.ormc_entity().name) + "'"; }

template <class T>
void erase_object(std::vector<std::shared_ptr<T>>& list, const Object* object) {
  list.erase(std::remove_if(list.begin(), list.end(), [&](const auto& p) { return p.get() == object; }), list.end());
}

}  // namespace

UseGuard::UseGuard(SessionCore& core) : core_(core) { core_.claim_use(); }

UseGuard::~UseGuard() { core_.release_use(); }

void SessionCore::claim_use() {
  const auto me = std::this_thread::get_id();
  auto expected = std::thread::id{};
  // Acquire pairs with the release in release_use(): the next thread sees everything the last one did.
  if (!owner_.compare_exchange_strong(expected, me, std::memory_order_acquire, std::memory_order_relaxed) &&
      expected != me)
    throw InvalidRequestError(
        "This Session is being used by another thread: a Session must be used by one thread at a time "
        "(give each thread its own Session on the shared Database; a result being read holds its Session "
        "until its last row)");
  ++depth_;
}

void SessionCore::release_use() noexcept {
  // A release store is a plain store on x86, where the default (sequentially consistent) one is a
  // locked exchange.
  if (--depth_ == 0) owner_.store(std::thread::id{}, std::memory_order_release);
}

bool SessionCore::used_by_this_thread() const noexcept {
  return owner_.load(std::memory_order_relaxed) == std::this_thread::get_id();
}

SessionCore::SessionCore(Database db, SessionOptions options)
    : db_(std::move(db)), engine_(db_.engine()), options_(options) {}

SessionCore::~SessionCore() {
  end_transaction();
  detach_all();
}

void SessionCore::check_usable() const {
  if (flush_failed_)
    throw InvalidRequestError(
        "This Session's transaction has been rolled back due to a previous exception during flush; "
        "call rollback() before using the Session again");
}

Connection& SessionCore::connection() {
  if (!conn_) conn_ = engine_.acquire();
  if (!conn_->in_transaction()) {
    conn_->begin();
    ++transaction_serial_;
  }
  return *conn_;
}

std::unique_ptr<Rows> SessionCore::execute(const std::string& sql, std::span<const Value> params) {
  Connection& c = connection();
  return engine_.execute(c, sql, params);
}

void SessionCore::execute_pipelined(std::size_t count, const std::function<PipelinedStatement(std::size_t)>& make,
                                    const std::function<void(std::size_t, Rows&)>& take) {
  Connection& c = connection();
  engine_.execute_pipelined(c, count, make, take);
}

void SessionCore::end_transaction() noexcept {
  savepoints_.clear();
  updated_in_savepoint_.clear();
  if (!conn_) return;
  try {
    if (conn_->in_transaction()) conn_->rollback();
  } catch (...) {
    // The connection is broken; the pool drops it on release.
  }
  conn_.release();
}

void SessionCore::add(const std::shared_ptr<Object>& object) {
  UseGuard guard(*this);
  check_usable();
  if (!object) throw InvalidRequestError("Session::add() was given a null object");
  InstanceState& s = ObjectAccess::state(*object);
  if (s.session == this) return;
  if (s.session != nullptr)
    throw InvalidRequestError("Object " + describe(*object) + " is already attached to another Session");
  switch (s.status) {
    case Status::Transient:
      s.session = this;
      s.status = Status::Pending;
      new_.push_back(object);
      cascade_add(object);
      return;
    case Status::Detached: {
      auto key = IdentityMap::primary_key_of(*object);
      if (auto existing = identity_.find({&object->ormc_entity(), key}); existing && existing != object)
        throw InvalidRequestError("Can't attach detached object " + describe(*object) +
                                  ": another object with the same identity is already in this Session");
      s.session = this;
      s.status = Status::Persistent;
      s.identity = identity_.insert(object);
      if (!s.modified.empty()) {
        dirty_.push_back(object);
        s.in_dirty_list = true;
      }
      cascade_add(object);
      return;
    }
    case Status::Deleted:
      throw InvalidRequestError("Object " + describe(*object) + " has been deleted; it can't be added again");
    default:
      return;
  }
}

std::shared_ptr<Object> SessionCore::get(const EntityInfo& entity, std::span<const Value> key) {
  UseGuard guard(*this);
  check_usable();
  if (key.size() != entity.primary_key.size())
    throw InvalidRequestError("get<" + std::string(entity.name) + ">() needs " +
                              std::to_string(entity.primary_key.size()) + " primary key value(s), got " +
                              std::to_string(key.size()));
  if (auto found = identity_.find({&entity, key})) {
    // A row marked for deletion is not returned, as SQLAlchemy's Session.get().
    return ObjectAccess::state(*found).status == Status::Deleted ? nullptr : found;
  }
  autoflush();
  std::shared_ptr<Object> object;
  if (has_joined_loads(entity)) [[unlikely]] {
    object = get_joined(entity, key);  // one SELECT with the joins, as SQLAlchemy's get()
  } else {
    const TableInfo& table = *entity.table;
    const std::string sql = select_by_key_sql(engine_.dialect(), table, entity.primary_key);
    auto rows = execute(sql, key);
    if (!rows->next()) return nullptr;
    object = object_from_row(entity, *rows, 0);
    rows.reset();  // the row's statement is done before relationship queries run
  }
  if (!object) return nullptr;
  // lazy = "selectin" relationships load with the object, as with SQLAlchemy's Session.get().
  for (const RelationshipInfo& rel : entity.relationships)
    if (rel.lazy == LoaderStrategy::Selectin) selectin_load_query(rel, std::span(&object, 1));
  return object;
}

void SessionCore::remove(const std::shared_ptr<Object>& object) {
  UseGuard guard(*this);
  check_usable();
  if (!object) throw InvalidRequestError("Session::remove() was given a null object");
  InstanceState& s = ObjectAccess::state(*object);
  if (s.session != this)
    throw InvalidRequestError("Object " + describe(*object) + " is not persisted in this Session");
  if (s.status == Status::Pending) {
    // Never flushed: deleting it just forgets it, as SQLAlchemy expunges a pending object.
    erase_object(new_, object.get());
    s.session = nullptr;
    s.status = Status::Transient;
    return;
  }
  if (s.status == Status::Deleted) return;
  // The whole cascade first (it may load, and autoflush), then every object in it is marked:
  // pending ones are forgotten, persistent ones deleted — what depends on an object before it.
  std::unordered_set<const Object*> visited{object.get()};
  std::vector<std::shared_ptr<Object>> cascade;
  collect_delete_cascade(object, visited, cascade);
  for (const auto& o : cascade) {
    InstanceState& os = ObjectAccess::state(*o);
    if (os.session != this) continue;
    if (os.status == Status::Pending) {
      erase_object(new_, o.get());
      os.session = nullptr;
      os.status = Status::Transient;
    } else if (os.status == Status::Persistent) {
      os.status = Status::Deleted;
      deleted_.push_back(o);
    }
  }
  s.status = Status::Deleted;
  deleted_.push_back(object);
}

void SessionCore::autoflush() {
  if (options_.autoflush && !flushing_) flush();
}

void SessionCore::before_query() {
  UseGuard guard(*this);
  check_usable();
  autoflush();
}

std::size_t SessionCore::acquire_cursor_slot() {
  for (std::size_t i = 0; i < cursor_slots_.size(); ++i) {
    if (!cursor_slots_[i]) {
      cursor_slots_[i] = true;
      return i;
    }
  }
  cursor_slots_.push_back(true);
  return cursor_slots_.size() - 1;
}

void SessionCore::release_cursor_slot(std::size_t slot) noexcept {
  if (slot < cursor_slots_.size()) cursor_slots_[slot] = false;
}

void SessionCore::expire_entity(const EntityInfo& entity, std::span<const std::uint16_t> columns) {
  identity_.for_each_live([&](const std::shared_ptr<Object>& object) {
    if (&object->ormc_entity() != &entity) return;
    InstanceState& s = ObjectAccess::state(*object);
    if (s.status != Status::Persistent) return;
    if (columns.empty()) {
      expire_state(*object);
      return;
    }
    if (s.expired && s.expired_columns.empty()) return;  // already wholly expired
    // A column changed in memory but not flushed (autoflush off) keeps the caller's value.
    for (std::uint16_t c : columns)
      if (!s.modified.contains(c)) s.expired_columns.insert(c);
    s.expired = !s.expired_columns.empty();
  });
}

void SessionCore::flush() {
  UseGuard guard(*this);
  check_usable();
  if (flushing_) throw InvalidRequestError("Session is already flushing");
  if (new_.empty() && dirty_.empty() && deleted_.empty() && changed_relationships_.empty()) return;
  flushing_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{flushing_};
  UnitOfWork work(*this);
  try {
    work.execute();
  } catch (...) {
    // Nothing of this flush may stay half-written: undo what was written into objects, roll the
    // transaction back, and refuse further use until rollback() (SQLAlchemy's rule). Inside a
    // savepoint the transaction stays open: rolling back to the savepoint (or the whole
    // transaction) removes what this flush wrote and makes the Session usable again — unless the
    // connection was lost: the server ended the transaction and its savepoints with it.
    work.undo();
    if (savepoints_.empty() || (conn_ && conn_->broken())) end_transaction();
    flush_failed_ = true;
    throw;
  }
  work.finish();
}

void SessionCore::commit() {
  UseGuard guard(*this);
  flush();
  if (conn_ && conn_->in_transaction()) {
    try {
      conn_->commit();
    } catch (...) {
      end_transaction();
      throw;
    }
  }
  conn_.release();
  savepoints_.clear();  // COMMIT released them
  updated_in_savepoint_.clear();
  for (auto& object : deleted_in_transaction_) {
    InstanceState& s = ObjectAccess::state(*object);
    s.session = nullptr;
    s.status = Status::Detached;
  }
  deleted_in_transaction_.clear();
  inserted_in_transaction_.clear();
  if (options_.expire_on_commit) identity_.for_each_live([this](const std::shared_ptr<Object>& o) { expire_state(*o); });
}

void SessionCore::rollback() {
  UseGuard guard(*this);
  end_transaction();
  flush_failed_ = false;
  // Pending collection changes go with the transaction, as SQLAlchemy's expired attribute history.
  discard_relationship_changes();
  // Pending objects, and objects whose INSERT this transaction made, become transient again.
  for (auto& object : new_) make_transient(*object);
  new_.clear();
  for (auto& weak : inserted_in_transaction_)
    if (auto object = weak.lock()) make_transient(*object);
  inserted_in_transaction_.clear();
  // Deletions of this transaction are undone: the rows are back, so are the objects.
  for (auto& object : deleted_) ObjectAccess::state(*object).status = Status::Persistent;
  deleted_.clear();
  for (auto& object : deleted_in_transaction_) {
    InstanceState& s = ObjectAccess::state(*object);
    s.status = Status::Persistent;
    s.identity = identity_.insert(object);
  }
  deleted_in_transaction_.clear();
  for (auto& object : dirty_) ObjectAccess::state(*object).in_dirty_list = false;
  dirty_.clear();
  identity_.for_each_live([this](const std::shared_ptr<Object>& o) { expire_state(*o); });
}

void SessionCore::make_transient(Object& object) noexcept {
  InstanceState& s = ObjectAccess::state(object);
  if (s.identity) identity_.erase(s.identity);
  s.identity = nullptr;
  s.session = nullptr;
  s.status = Status::Transient;
  s.in_dirty_list = false;
}

void SessionCore::close() {
  UseGuard guard(*this);
  end_transaction();
  flush_failed_ = false;
  detach_all();
}

void SessionCore::detach_all() noexcept {
  discard_relationship_changes();
  for (auto& object : new_) {
    InstanceState& s = ObjectAccess::state(*object);
    s.session = nullptr;
    s.status = Status::Transient;
  }
  new_.clear();
  identity_.for_each_live([](const std::shared_ptr<Object>& object) {
    InstanceState& s = ObjectAccess::state(*object);
    s.session = nullptr;
    s.identity = nullptr;
    s.in_dirty_list = false;
    if (s.status != Status::Deleted) s.status = Status::Detached;
  });
  for (auto& object : deleted_in_transaction_) ObjectAccess::state(*object).session = nullptr;
  identity_.clear();
  dirty_.clear();
  deleted_.clear();
  deleted_in_transaction_.clear();
  inserted_in_transaction_.clear();
}

void SessionCore::expire_state(Object& object) {
  InstanceState& s = ObjectAccess::state(object);
  if (s.status != Status::Persistent) return;
  s.expired = true;
  s.expired_columns.clear();  // empty + expired = every column
  s.modified.clear();
  s.in_dirty_list = false;
  expire_relationships(object);
}

void SessionCore::refresh(const std::shared_ptr<Object>& object) {
  UseGuard guard(*this);
  check_usable();
  InstanceState& s = ObjectAccess::state(*object);
  if (s.session != this || s.status != Status::Persistent)
    throw InvalidRequestError("Instance " + describe(*object) + " is not persistent within this Session");
  // refresh-expire cascade: loaded related objects are refreshed too (SQLAlchemy).
  const auto objects = refresh_expire_closure(object);
  for (const auto& o : objects) {
    erase_object(dirty_, o.get());
    expire_state(*o);
  }
  for (const auto& o : objects) load_expired(*o);
}

void SessionCore::expire(const std::shared_ptr<Object>& object) {
  UseGuard guard(*this);
  InstanceState& s = ObjectAccess::state(*object);
  if (s.session != this || s.status != Status::Persistent)
    throw InvalidRequestError("Instance " + describe(*object) + " is not persistent within this Session");
  for (const auto& o : refresh_expire_closure(object)) {
    erase_object(dirty_, o.get());
    expire_state(*o);
  }
}

void SessionCore::expunge(const std::shared_ptr<Object>& object) {
  UseGuard guard(*this);
  InstanceState& s = ObjectAccess::state(*object);
  if (s.session != this)
    throw InvalidRequestError("Instance " + describe(*object) + " is not present in this Session");
  std::unordered_set<const Object*> owners;
  expunge_one(object, owners);
  forget_relationship_changes(owners);
}

void SessionCore::expunge_one(const std::shared_ptr<Object>& object, std::unordered_set<const Object*>& owners) {
  InstanceState& s = ObjectAccess::state(*object);
  // expunge cascade: related objects in memory leave with it (collected before it leaves).
  const auto related = cascade_targets(*object, CascadeExpunge);
  erase_object(new_, object.get());
  erase_object(dirty_, object.get());
  erase_object(deleted_, object.get());
  if (s.identity) identity_.erase(s.identity);
  s.identity = nullptr;
  s.session = nullptr;
  s.in_dirty_list = false;
  s.status = s.status == Status::Pending ? Status::Transient : Status::Detached;
  for (const RelationshipInfo& rel : object->ormc_entity().relationships)
    if (rel.state != nullptr && rel.state(*object)->registered) {
      owners.insert(object.get());
      break;
    }
  for (const auto& r : related)
    if (ObjectAccess::state(*r).session == this) expunge_one(r, owners);
}

void SessionCore::forget_relationship_changes(const std::unordered_set<const Object*>& owners) {
  if (owners.empty()) return;
  // One pass for the whole expunge cascade. The pending changes stay on the objects (SQLAlchemy
  // keeps an expunged object's history): adding it to a Session again registers them there.
  // The dropped entries are released only after the list is whole again: releasing an owner may
  // free objects.
  std::vector<ChangedRelationship> kept;
  std::vector<ChangedRelationship> dropped;
  kept.reserve(changed_relationships_.size());  // both reserved: the moves below cannot throw
  dropped.reserve(changed_relationships_.size());
  for (auto& c : changed_relationships_) {
    if (owners.contains(&c.state->owner())) {
      c.state->registered = false;
      dropped.push_back(std::move(c));
    } else {
      kept.push_back(std::move(c));
    }
  }
  changed_relationships_.swap(kept);
}

bool SessionCore::is_modified(const Object& object) const { return !ObjectAccess::state(object).modified.empty(); }

void SessionCore::on_modified(Object& object) {
  InstanceState& s = ObjectAccess::state(object);
  if (s.status != Status::Persistent || s.in_dirty_list) return;
  dirty_.push_back(object.shared_from_this());
  s.in_dirty_list = true;
}

void SessionCore::on_destroyed(InstanceState& state) noexcept {
  if (state.identity) identity_.erase(state.identity);
  state.identity = nullptr;
}

void SessionCore::load_expired(const Object& object) {
  UseGuard guard(*this);
  check_usable();
  InstanceState& s = ObjectAccess::state(object);
  const EntityInfo& entity = object.ormc_entity();
  if (s.status == Status::Deleted)
    throw ObjectDeletedError("Instance " + describe(object) + " has been deleted");
  const KeyValues key = IdentityMap::primary_key_of(object);
  const std::string sql = select_by_key_sql(engine_.dialect(), *entity.table, entity.primary_key);
  auto rows = execute(sql, key);
  if (!rows->next())
    throw ObjectDeletedError("Instance " + describe(object) + " has been deleted, or its row is otherwise not present");
  populate(const_cast<Object&>(object), *rows, 0, true);
}

void SessionCore::populate(Object& object, const Rows& rows, std::size_t first, bool only_expired) {
  InstanceState& s = ObjectAccess::state(object);
  const EntityInfo& entity = object.ormc_entity();
  const auto& columns = entity.table->columns;
  const bool all_expired = s.expired && s.expired_columns.empty();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (s.modified.contains(i)) continue;
    if (only_expired && !all_expired && !s.expired_columns.contains(i)) continue;
    load_field(object, entity, i, rows, first);
  }
  s.expired = false;
  s.expired_columns.clear();
}

void SessionCore::load_field(Object& object, const EntityInfo& entity, std::size_t column, const Rows& rows,
                             std::size_t first) {
  // Every generated accessor has a loader (ABI 2; older generated code fails its static_assert).
  entity.fields[column].load(object, rows, first + column, entity.table->columns[column]);
}

std::shared_ptr<Object> SessionCore::object_from_row(const EntityInfo& entity, const Rows& rows, std::size_t first) {
  const auto& columns = entity.table->columns;
  const auto& key_columns = entity.primary_key;
  // The usual key, one integer column, is looked up without building a Value, and one probe of the
  // identity map serves both the lookup and, on a miss, the registration.
  std::int64_t integer = 0;
  if (key_columns.size() == 1 && is_integer(columns[key_columns[0]].type) &&
      rows.read_int64(first + key_columns[0], integer) == CellRead::Read) {
    IdentityMap::IntegerProbe probe = identity_.probe_integer(&entity, integer);
    if (probe.live) return found_in_identity_map(std::move(probe.live), rows, first);
    std::shared_ptr<Object> object = entity.instantiate();
    // The key's loader reads its cell again: cheaper than setting it from the integer through a
    // Value (on SQLite the row is decoded already; PostgreSQL parses a short text once more).
    for (std::size_t i = 0; i < columns.size(); ++i) load_field(*object, entity, i, rows, first);
    InstanceState& s = ObjectAccess::state(*object);
    s.session = this;
    s.status = Status::Persistent;
    s.identity = identity_.insert_probed(probe, *object, integer);
    return object;
  }
  KeyValues key;
  for (std::uint16_t c : key_columns) key.push_back(read_column(rows, first + c, columns[c]));
  if (std::shared_ptr<Object> existing = identity_.find({&entity, key}))
    return found_in_identity_map(std::move(existing), rows, first);
  std::shared_ptr<Object> object = entity.instantiate();
  for (std::size_t k = 0; k < key_columns.size(); ++k) ObjectAccess::set(*object, key_columns[k], Value(key[k]));
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (std::find(key_columns.begin(), key_columns.end(), i) == key_columns.end())
      load_field(*object, entity, i, rows, first);
  InstanceState& s = ObjectAccess::state(*object);
  s.session = this;
  s.status = Status::Persistent;
  s.identity = identity_.insert(object, std::move(key));
  return object;
}

std::shared_ptr<Object> SessionCore::found_in_identity_map(std::shared_ptr<Object> existing, const Rows& rows,
                                                          std::size_t first) {
  // The identity map wins: only expired attributes are filled from the row (SQLAlchemy).
  if (ObjectAccess::state(*existing).expired) populate(*existing, rows, first, true);
  return existing;
}

}  // namespace ormc::detail
