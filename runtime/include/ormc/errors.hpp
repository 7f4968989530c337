// The exception tree of ormc: every error the runtime raises derives from ormc::Error.
#pragma once

#include <stdexcept>
#include <string>

namespace ormc {

/// Base of every ormc exception. Carries the SQL being executed (if any) and the database's message.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, std::string sql = {}, std::string db_message = {})
      : std::runtime_error(message), sql_(std::move(sql)), db_message_(std::move(db_message)) {}
  /// The SQL text that failed, or empty when the error did not come from a statement.
  [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
  /// The database's own error text, or empty.
  [[nodiscard]] const std::string& db_message() const noexcept { return db_message_; }

 private:
  std::string sql_;
  std::string db_message_;
};

/// Misuse of the API: wrong state, an operation the relationship does not allow, ...
class InvalidRequestError : public Error {
  using Error::Error;
};
/// A row expected to exist (or to be unique) did not match.
class NoResultFound : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};
class MultipleResultsFound : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};
/// A map collection (`collection = map(...)`) has no member with the key asked for (Python's KeyError).
class KeyNotFound : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};
/// An UPDATE or DELETE matched a different number of rows than the unit of work expected.
class StaleDataError : public Error {
  using Error::Error;
};
/// Access to an object whose row was deleted.
class ObjectDeletedError : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};
/// The database could not be reached, or the connection broke.
class ConnectionError : public Error {
  using Error::Error;
};
/// Any error reported by the database while executing a statement.
class DatabaseError : public Error {
  using Error::Error;
};
/// The database could not do the operation for a reason outside the statement itself: a lock
/// held by another connection (SQLite "database is locked" after the busy timeout), a database
/// opened read-only, a full disk (SQLAlchemy's OperationalError). Retrying later may succeed.
class OperationalError : public DatabaseError {
  using DatabaseError::DatabaseError;
};
/// A constraint (unique, foreign key, not null, check) was violated.
class IntegrityError : public DatabaseError {
 public:
  IntegrityError(const std::string& message, std::string sql, std::string db_message, std::string constraint)
      : DatabaseError(message, std::move(sql), std::move(db_message)), constraint_(std::move(constraint)) {}
  /// The violated constraint's name when the database reports it (PostgreSQL), else empty.
  [[nodiscard]] const std::string& constraint() const noexcept { return constraint_; }

 private:
  std::string constraint_;
};
/// A value could not be converted between C++ and SQL (out of range, malformed text).
class DataError : public DatabaseError {
  using DatabaseError::DatabaseError;
};

}  // namespace ormc
