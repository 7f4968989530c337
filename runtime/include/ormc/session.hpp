// ormc::Session: the unit of work — identity map, change tracking, flush in dependency order, transactions.
#pragma once

#include <array>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include "ormc/database.hpp"
#include "ormc/object.hpp"
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

  /// Marks a persistent object for deletion (DELETE at the next flush); a pending one is just
  /// expunged. As SQLAlchemy's session.delete(). @throw ormc::InvalidRequestError if not in this Session.
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

  /// Reloads the object's columns from its row now. @throw ormc::ObjectDeletedError when gone.
  void refresh(const std::shared_ptr<Object>& object);
  /// Marks the object's attributes expired: the next access reloads them.
  void expire(const std::shared_ptr<Object>& object);
  /// Removes the object from the Session without touching its row.
  void expunge(const std::shared_ptr<Object>& object);

  [[nodiscard]] bool is_modified(const std::shared_ptr<Object>& object) const;
  [[nodiscard]] const Database& database() const noexcept;
  [[nodiscard]] detail::SessionCore& core() noexcept { return *core_; }

 private:
  std::unique_ptr<detail::SessionCore> core_;
};

}  // namespace ormc
