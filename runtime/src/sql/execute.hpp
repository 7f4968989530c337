// Running typed INSERT / UPDATE / DELETE statements for a Session (session.execute()).
#pragma once

#include <cstdint>
#include <vector>

#include "ormc/statement.hpp"

namespace ormc::detail {

class SessionCore;

/// Autoflushes, then inserts every row, several statements when the rows' parameters exceed the
/// dialect's limit. Returns the rows inserted. @throw ormc::IntegrityError, ormc::DatabaseError
std::uint64_t execute_insert(SessionCore& session, const InsertData& stmt);
/// Autoflushes, then inserts typed rows (`session.execute(insert, rows)`): per group of rows that
/// set the same columns, multi-row INSERTs of at most 1,000 rows within the parameter limit, or one
/// COPY on PostgreSQL when there are more and nothing is returned. With `returned`, what the
/// statement's RETURNING gives is collected per row, in row order. Returns the rows inserted.
/// @throw ormc::IntegrityError, ormc::DataError, ormc::DatabaseError
std::uint64_t execute_insert_rows(SessionCore& session, const InsertData& stmt, const InsertRows& rows,
                                  ReturnedRows* returned);
/// execute_insert() of values() rows with RETURNING, collected into `returned` in row order.
void execute_insert_returning(SessionCore& session, const InsertData& stmt, ReturnedRows& returned);
/// Autoflushes, updates, and expires the SET columns of the Session's objects of that entity.
/// Returns the rows matched. @throw ormc::IntegrityError, ormc::DatabaseError
std::uint64_t execute_update(SessionCore& session, const UpdateData& stmt);
/// Autoflushes, deletes, and expires the Session's objects of that entity (one whose row is gone
/// raises ObjectDeletedError when read). Returns the rows deleted. @throw ormc::DatabaseError
std::uint64_t execute_delete(SessionCore& session, const DeleteData& stmt);

}  // namespace ormc::detail
