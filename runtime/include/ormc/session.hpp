// ormc::Session: the unit of work — identity map, change tracking, flush in dependency order, transactions.
#pragma once

#include <array>
#include <initializer_list>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "ormc/database.hpp"
#include "ormc/object.hpp"
#include "ormc/result.hpp"
#include "ormc/statement.hpp"
#include "ormc/value.hpp"

namespace ormc {

namespace detail {
class SessionCore;
}

struct SessionOptions {
  /// Flush pending changes before a query runs (as SQLAlchemy's autoflush).
  bool autoflush = true;
  /// After commit(), mark every object's attributes expired so they are reloaded on next access.
  bool expire_on_commit = true;
};

/// A SAVEPOINT begun by Session::begin_nested(): commit() releases it, rollback() rolls back to it.
/// When neither was called, the destructor rolls back (so a scope left by an exception undoes its
/// work). The outer transaction is untouched either way. Must not outlive its Session's use; a
/// handle whose savepoint the Session already ended (commit(), rollback(), an enclosing savepoint
/// ended) is inactive.
///
/// @code
///   for (auto& record : records) {
///     auto nested = session.begin_nested();    // flush, then SAVEPOINT
///     try {
///       session.add(record);
///       nested.commit();                        // flush, then RELEASE SAVEPOINT
///     } catch (const ormc::IntegrityError&) {
///       nested.rollback();                      // ROLLBACK TO SAVEPOINT: record is transient again
///     }
///   }
///   session.commit();                           // the records that did not clash
/// @endcode
class [[nodiscard]] NestedTransaction {
 public:
  NestedTransaction(NestedTransaction&& other) noexcept;
  NestedTransaction& operator=(NestedTransaction&& other) noexcept;
  NestedTransaction(const NestedTransaction&) = delete;
  NestedTransaction& operator=(const NestedTransaction&) = delete;
  /// Rolls back to the savepoint when still active (errors are swallowed: destructors can't throw).
  ~NestedTransaction();

  /// Flushes, then RELEASE SAVEPOINT (savepoints begun inside this one are released with it).
  /// @throw ormc::InvalidRequestError when inactive, or when a failed flush needs rollback() first
  /// @throw the flush's errors (the Session then needs rollback() of this or an outer transaction)
  void commit();
  /// ROLLBACK TO SAVEPOINT: objects added inside become transient again, objects deleted inside
  /// are persistent again, objects changed inside are expired (reloaded on next access). No-op
  /// when inactive. @throw ormc::DatabaseError, ormc::ConnectionError from the database
  void rollback();
  /// Neither committed nor rolled back, by this handle or by the Session.
  [[nodiscard]] bool is_active() const noexcept;

 private:
  friend class Session;
  NestedTransaction(detail::SessionCore* core, std::weak_ptr<void> alive, std::uint64_t id)
      : core_(core), alive_(std::move(alive)), id_(id) {}
  [[nodiscard]] detail::SessionCore* live_core() const noexcept;

  detail::SessionCore* core_ = nullptr;
  std::weak_ptr<void> alive_;  ///< expires with the Session: a late handle then does nothing
  std::uint64_t id_ = 0;
};

/// A unit of work on one Database. Within a Session one row is one object (identity map).
/// A Session is used by one thread at a time. Transactions begin automatically on first use.
///
/// @code
///   ormc::Session session(db, {.expire_on_commit = false});
///   auto c = shop::Customer::create({.name = "Ada"});
///   session.add(c);
///   session.commit();                        // INSERT ... RETURNING id
///   auto same = session.get<shop::Customer>(c->id());  // from the identity map, no SQL
/// @endcode
template <class T>
class Pages;

class Session {
 public:
  explicit Session(Database db, SessionOptions options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  /// Makes a transient object pending (INSERTed at the next flush); no-op for its own objects.
  /// @throw ormc::InvalidRequestError if it belongs to another Session or was deleted.
  void add(const std::shared_ptr<Object>& object);
  template <class T>
  void add_all(const std::vector<std::shared_ptr<T>>& objects) {
    for (const auto& o : objects) add(o);
  }

  /// The object of type T with primary key `key...` (one value per primary-key column):
  /// from the identity map without SQL when present, else one SELECT; nullptr when no row.
  template <class T, class... Key>
  [[nodiscard]] std::shared_ptr<T> get(const Key&... key) {
    static_assert(sizeof...(Key) > 0, "get<T>() needs the primary key value(s)");
    const std::array<Value, sizeof...(Key)> values{to_value(key)...};
    return std::static_pointer_cast<T>(get_object(T::ormc_entity_info(), values));
  }
  /// get<T>() for code that has only the EntityInfo.
  [[nodiscard]] std::shared_ptr<Object> get_object(const EntityInfo& entity, std::span<const Value> key);

  /// Keyset pagination over `stmt`: pages of at most `page_size` objects, each fetched with
  /// "after the last row" criteria instead of OFFSET (see ormc/pages.hpp).
  template <class T>
  [[nodiscard]] Pages<T> pages(const Select<T>& stmt, std::size_t page_size);

  /// Marks a persistent object for deletion (DELETE at the next flush); a pending one is just
  /// expunged. As SQLAlchemy's session.delete(), the delete cascade is collected here: objects
  /// reached along relationships with `delete` (collections, and many-to-one references, whose
  /// target is loaded when needed) are marked too. @throw ormc::InvalidRequestError if not in this Session.
  void remove(const std::shared_ptr<Object>& object);

  /// Sends pending INSERTs, UPDATEs and DELETEs, in dependency order, inside the transaction.
  /// On failure the transaction is rolled back and the exception is rethrown; pending objects
  /// stay pending and the Session needs rollback() before further use.
  void flush();
  /// flush(), then COMMIT. Expires every object when expire_on_commit is set.
  void commit();
  /// Rolls back the transaction: pending objects become transient again, objects are expired.
  void rollback();
  /// Rolls back and releases every object (they become detached).
  void close();

  /// Flushes, then begins a SAVEPOINT inside the transaction (beginning the transaction when none is
  /// open), as SQLAlchemy's session.begin_nested(). Nesting several deep works.
  /// @throw ormc::InvalidRequestError when a failed flush needs rollback() first; the flush's errors
  [[nodiscard]] NestedTransaction begin_nested();

  /// The Session's instance of `object`'s row, with `object`'s loaded column values copied onto it
  /// (changed values mark it dirty), as SQLAlchemy's session.merge(): from the identity map, else
  /// loaded with get(); when `object` has no primary key value or its row does not exist, a new
  /// pending copy is added and returned. `object` itself is not attached. Relationships whose
  /// cascade has `merge` (the default) are merged too: each object of a loaded collection or known
  /// reference of `object` is merged the same way, once per call, and the returned object's
  /// collection / reference is set to those (unloaded collections of `object` are left alone).
  /// Returns `object` itself when it already belongs to this Session.
  /// @throw ormc::InvalidRequestError for a null object or one whose row is marked deleted here
  template <class T>
  [[nodiscard]] std::shared_ptr<T> merge(const std::shared_ptr<T>& object) {
    return std::static_pointer_cast<T>(merge_object(object));
  }
  /// merge() for code that has only an Object.
  [[nodiscard]] std::shared_ptr<Object> merge_object(const std::shared_ptr<Object>& object);

  /// Reloads the object's columns from its row now. @throw ormc::ObjectDeletedError when gone.
  void refresh(const std::shared_ptr<Object>& object);
  /// Marks the object's attributes expired: the next access reloads them.
  void expire(const std::shared_ptr<Object>& object);
  /// Removes the object from the Session without touching its row.
  void expunge(const std::shared_ptr<Object>& object);

  /// The objects a select<T>() statement finds, as a ScalarResult (all/one/first/iteration/
  /// yield_per). The statement runs, after an autoflush, when the result is first read; the
  /// identity map wins over row values for objects already in the Session.
  /// @throw ormc::InvalidRequestError when the statement can't be compiled (e.g. an unknown join).
  template <class T>
  [[nodiscard]] ScalarResult<std::shared_ptr<T>> scalars(const Select<T>& stmt) {
    return ScalarResult<std::shared_ptr<T>>(open_cursor(stmt.data(), Type::Integer));
  }
  /// The values a select(expr) statement finds.
  template <class V>
  [[nodiscard]] ScalarResult<V> scalars(const ScalarSelect<V>& stmt) {
    return ScalarResult<V>(open_cursor(stmt.data(), sql_type_of<V>()));
  }
  /// The first object select<T>() finds, or nullptr.
  /// @throw ormc::DatabaseError and the autoflush's errors
  template <class T>
  [[nodiscard]] std::shared_ptr<T> scalar(const Select<T>& stmt) {
    return scalars(stmt).first();
  }
  /// The first row's value of select(expr), e.g. `session.scalar(select(count()).select_from<T>())`.
  /// For a std::optional V, no row gives std::nullopt.
  /// @throw ormc::NoResultFound when there is no row and V is not a std::optional.
  template <class V>
  [[nodiscard]] V scalar(const ScalarSelect<V>& stmt) {
    std::optional<V> first = scalars(stmt).first();
    if constexpr (detail::is_optional_v<V>) {
      return first ? std::move(*first) : V{};
    } else {
      if (!first) throw NoResultFound("session.scalar(): the statement returned no row");
      return std::move(*first);
    }
  }
  /// Runs INSERT rows (split into statements within the dialect's parameter limit); returns the
  /// number of rows inserted. Autoflushes first. @throw ormc::IntegrityError, ormc::DatabaseError
  template <class T>
  std::uint64_t execute(const Insert<T>& stmt) {
    return execute_data(stmt.data());
  }
  /// Bulk INSERT of typed rows, as SPEC §3 spells it (SQLAlchemy's `session.execute(insert(T), [...])`):
  /// each row a `T::Fields`; a collection's insert() fills its foreign key from the parent. Rows run
  /// as multi-row INSERTs (1,000 rows each, within the dialect's parameter limit) or, on PostgreSQL
  /// past 1,000 rows, as one COPY. Server-generated fields left empty (the key, server defaults) are
  /// left to the database. No objects are created. Returns the number of rows inserted.
  /// Autoflushes first. @throw ormc::InvalidRequestError when `stmt` has values() rows too;
  /// ormc::IntegrityError, ormc::DataError, ormc::DatabaseError
  /// @code
  ///   session.execute(account->account_transactions().insert(),
  ///                   {{.description = "transaction 1", .amount = Decimal("47.50")},
  ///                    {.description = "transaction 2", .amount = Decimal("-501.25")}});
  /// @endcode
  template <class T>
  std::uint64_t execute(const Insert<T>& stmt, std::initializer_list<typename T::Fields> rows) {
    return execute_rows(stmt.data(), fill_rows<T>(stmt.data(), rows), nullptr);
  }
  /// The same with the rows in a vector (moved from when given as an rvalue: strings are not copied).
  template <class T>
  std::uint64_t execute(const Insert<T>& stmt, std::vector<typename T::Fields> rows) {
    return execute_rows(stmt.data(), fill_rows<T>(stmt.data(), std::move(rows)), nullptr);
  }
  /// Runs `INSERT ... RETURNING` of its values() rows; returns the values of the expression (or,
  /// after returning(), the rows as persistent objects of this Session), in row order.
  template <class T, class V>
  std::vector<V> execute(const InsertReturning<T, V>& stmt) {
    detail::ReturnedRows returned = returned_rows<V>();
    execute_returning(stmt.data(), returned);
    return take<V>(std::move(returned));
  }
  /// Runs `INSERT ... RETURNING` of typed rows (always INSERT, never COPY); returns one value (or
  /// object) per row, in row order.
  template <class T, class V>
  std::vector<V> execute(const InsertReturning<T, V>& stmt, std::initializer_list<typename T::Fields> rows) {
    detail::ReturnedRows returned = returned_rows<V>();
    execute_rows(stmt.data(), fill_rows<T>(stmt.data(), rows), &returned);
    return take<V>(std::move(returned));
  }
  template <class T, class V>
  std::vector<V> execute(const InsertReturning<T, V>& stmt, std::vector<typename T::Fields> rows) {
    detail::ReturnedRows returned = returned_rows<V>();
    execute_rows(stmt.data(), fill_rows<T>(stmt.data(), std::move(rows)), &returned);
    return take<V>(std::move(returned));
  }
  /// Runs an UPDATE; returns the number of rows it matched. Autoflushes first; objects of T in the
  /// Session get the SET columns expired. @throw ormc::IntegrityError, ormc::DatabaseError
  template <class T>
  std::uint64_t execute(const Update<T>& stmt) {
    return execute_data(stmt.data());
  }
  /// Runs a DELETE; returns the number of rows deleted. Autoflushes first; objects of T in the
  /// Session are expired. @throw ormc::IntegrityError, ormc::DatabaseError
  template <class T>
  std::uint64_t execute(const Delete<T>& stmt) {
    return execute_data(stmt.data());
  }

  [[nodiscard]] bool is_modified(const std::shared_ptr<Object>& object) const;
  /// Entries in the identity map: objects of this Session that are still alive (clean objects
  /// nobody references are freed and leave the map). For tests and diagnostics.
  [[nodiscard]] std::size_t identity_map_size() const noexcept;
  [[nodiscard]] const Database& database() const noexcept;
  [[nodiscard]] detail::SessionCore& core() noexcept { return *core_; }

 private:
  [[nodiscard]] std::unique_ptr<detail::ResultCursor> open_cursor(const detail::SelectData& stmt, Type value_type);
  std::uint64_t execute_data(const detail::InsertData& stmt);
  std::uint64_t execute_rows(const detail::InsertData& stmt, const detail::InsertRows& rows,
                             detail::ReturnedRows* returned);
  void execute_returning(const detail::InsertData& stmt, detail::ReturnedRows& returned);

  /// `rows` through the generated T::ormc_insert_row(): copied once from an initializer list,
  /// moved from a vector.
  template <class T, class Range>
  static detail::InsertRows fill_rows(const detail::InsertData& stmt, Range&& rows) {
    detail::InsertRows out = detail::insert_rows_for(stmt);
    out.reserve(rows.size());
    for (auto& row : rows) T::ormc_insert_row(std::move(row), out);
    return out;
  }
  template <class V>
  static detail::ReturnedRows returned_rows() {
    detail::ReturnedRows r;
    if constexpr (detail::is_shared_ptr<V>::value) r.objects = true;
    else r.type = sql_type_of<V>();
    return r;
  }
  template <class V>
  static std::vector<V> take(detail::ReturnedRows returned) {
    std::vector<V> out;
    if constexpr (detail::is_shared_ptr<V>::value) {
      out.reserve(returned.rows.size());
      for (auto& o : returned.rows) out.push_back(std::static_pointer_cast<typename V::element_type>(std::move(o)));
    } else {
      out.reserve(returned.values.size());
      for (Value& v : returned.values) out.push_back(from_value<V>(std::move(v)));
    }
    return out;
  }
  std::uint64_t execute_data(const detail::UpdateData& stmt);
  std::uint64_t execute_data(const detail::DeleteData& stmt);

  std::unique_ptr<detail::SessionCore> core_;
};

}  // namespace ormc
