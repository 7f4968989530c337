# Runs the large_collections sample on one backend and checks every step's output and statements.
# -DSAMPLE=<executable> -DBACKEND=sqlite|postgresql (PostgreSQL: the URL is $ENV{ORMC_TEST_POSTGRESQL_URL}).
include(${CMAKE_CURRENT_LIST_DIR}/../check_sample.cmake)
run_sample()

# 1. transient parent, whole collection: the account, then its three children in one INSERT.
expect(1 "SQL: INSERT INTO account \\(identifier\\)")
expect(1 "SQL: INSERT INTO account_transaction \\(account_id, description, amount\\) (VALUES|SELECT \\* FROM unnest)[^\n]*RETURNING id, timestamp")
expect(1 "-- 2 statements: 1 INSERT INTO account, 1 INSERT INTO account_transaction\n")
# 2. replacing the collection of a persistent parent: refused, no SQL.
expect(2 "InvalidRequestError: [^\n]*Account.account_transactions")
expect(2 "-- 0 statements\n")
# 3. add_all to a persistent parent: never a SELECT of the collection.
expect(3 "-- 2 statements: 1 INSERT INTO account_transaction, 1 SELECT\n")
expect(3 "SQL: SELECT [^\n]*FROM account WHERE")
# 4. select() with the parent criterion, the filter and LIMIT: the two debits.
expect(4 "SQL: SELECT [^\n]*FROM account_transaction WHERE account_transaction.account_id = [^\n]*ORDER BY account_transaction.timestamp, account_transaction.id LIMIT ")
expect(4 "description='withdrawal', amount=-29.50")
expect(4 "description='rent', amount=-800.00")
expect(4 "-- 1 statement: 1 SELECT\n")
# 5. remove() with delete-orphan: one DELETE carrying the parent criterion.
expect(5 "SQL: DELETE FROM account_transaction WHERE id = [^\n]* AND account_id = ")
expect(5 "-- 1 statement: 1 DELETE FROM account_transaction\n")
expect(5 "removed 'withdrawal'")
# 6. bulk insert(): one multi-row INSERT.
expect(6 "-- 1 statement: 1 INSERT INTO account_transaction\n")
expect(6 "inserted 4 rows")
# 7. INSERT ... RETURNING gives the new objects (no SELECT); then the audit row, then the association
# rows in one INSERT.
expect(7 "SQL: INSERT INTO account_transaction \\(account_id, description, amount\\) VALUES [^\n]* RETURNING account_transaction.id")
expect(7 "-- 3 statements: 1 INSERT INTO account_transaction, 1 INSERT INTO audit, 1 INSERT INTO audit_transaction\n")
expect(7 "SQL: INSERT INTO audit ")
expect(7 "SQL: INSERT INTO audit_transaction \\(audit_id, transaction_id\\) (VALUES|SELECT \\* FROM unnest)")
expect(7 "refers to 3 transactions")
# 8. bulk update() with the parent criterion.
expect(8 "SQL: UPDATE account_transaction SET amount = account_transaction.amount \\+ [^\n]*WHERE account_transaction.account_id = ")
expect(8 "updated 1 row")
# 9. bulk delete_() with the parent criterion.
expect(9 "SQL: DELETE FROM account_transaction WHERE account_transaction.account_id = [^\n]*BETWEEN")
expect(9 "-- 1 statement: 1 DELETE FROM account_transaction\n")
expect(9 "deleted 0 row")
# 10. many-to-many bulk update through the association table.
expect(10 "SQL: UPDATE account_transaction SET description = [^\n]*audit_transaction")
expect(10 "3 transaction\\(s\\) marked audited")
# 11. deleting the parent with passive_deletes: exactly one statement, a DELETE of the account.
expect(11 "SQL: DELETE FROM account WHERE id = ")
expect(11 "-- 1 statement: 1 DELETE FROM account\n")
expect_not(11 "SQL: (SELECT|UPDATE|DELETE FROM account_transaction)")
if(NOT out MATCHES "account_transaction rows left: 0 ")
  message(FATAL_ERROR "ON DELETE CASCADE left rows behind")
endif()
