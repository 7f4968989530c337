// Running typed INSERT / UPDATE / DELETE statements for a Session (session.execute()).
#pragma once

#include <cstdint>

#include "ormc/statement.hpp"

namespace ormc::detail {

class SessionCore;

/// Autoflushes, then inserts every row, several statements when the rows' parameters exceed the
/// dialect's limit. Returns the rows inserted. @throw ormc::IntegrityError, ormc::DatabaseError
std::uint64_t execute_insert(SessionCore& session, const InsertData& stmt);
/// Autoflushes, updates, and expires the SET columns of the Session's objects of that entity.
/// Returns the rows matched. @throw ormc::IntegrityError, ormc::DatabaseError
std::uint64_t execute_update(SessionCore& session, const UpdateData& stmt);
/// Autoflushes, deletes, and expires the Session's objects of that entity (one whose row is gone
/// raises ObjectDeletedError when read). Returns the rows deleted. @throw ormc::DatabaseError
std::uint64_t execute_delete(SessionCore& session, const DeleteData& stmt);

}  // namespace ormc::detail
