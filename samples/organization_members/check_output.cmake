# Runs the organization_members sample on one backend and checks every step's output and statements.
# -DSAMPLE=<executable> -DBACKEND=sqlite|postgresql (PostgreSQL: the URL is $ENV{ORMC_TEST_POSTGRESQL_URL}).
include(${CMAKE_CURRENT_LIST_DIR}/../check_sample.cmake)
run_sample()

# 1. flush one: the org, then its 3 members in one multi-row INSERT.
expect(1 "SQL: INSERT INTO organizations \\(org_name\\) VALUES")
# (PostgreSQL sends the rows as one array per column: one statement text for any number of rows.)
if(BACKEND STREQUAL "postgresql")
  set(three_members "SQL: INSERT INTO members \\(member_name, org_id\\) SELECT \\* FROM unnest\\(\\$1::varchar\\[\\], \\$2::integer\\[\\]\\)[^\n]*\n *\\['\\{\"[^\"]*\",\"[^\"]*\",\"[^\"]*\"\\}', '\\{[0-9]+,[0-9]+,[0-9]+\\}'\\]")
else()
  set(three_members "SQL: INSERT INTO members \\(member_name, org_id\\) VALUES \\([^)]*\\), \\([^)]*\\), \\([^)]*\\)")
endif()
expect(1 "${three_members}")
expect(1 "-- 2 statements: 1 INSERT INTO members, 1 INSERT INTO organizations\n")
# 2. the filtered subset: one SELECT of members with the parent criterion, LIKE and LIMIT.
expect(2 "SQL: SELECT [^\n]*FROM members WHERE members.org_id = [^\n]* AND members.member_name LIKE [^\n]* LIMIT ")
expect(2 "name='member two'")
expect(2 "name='member three'")
expect_not(2 "name='member one'")
expect(2 "-- 2 statements: 2 SELECT\n")
# 3. count(*) and a LIMIT/OFFSET page, never a load of the collection.
expect(3 "SQL: SELECT count\\(\\*\\) FROM members WHERE members.org_id = ")
expect(3 "count\\(\\) = 3\n")
expect(3 "SQL: SELECT [^\n]*FROM members WHERE members.org_id = [^\n]*ORDER BY members.member_id LIMIT [^\n]* OFFSET ")
expect(3 "slice\\(1, 3\\): [^\n]*name='member two'")
expect(3 "slice\\(1, 3\\): [^\n]*name='member three'")
# 4. flush two: one INSERT of the 3 new members; the only SELECT is the org's own.
expect(4 "${three_members}")
expect(4 "the flush sent 1 statement\\(s\\)")
expect(4 "-- 2 statements: 1 INSERT INTO members, 1 SELECT\n")
expect_not(4 "SQL: SELECT [^\n]*FROM members")
# 5. flush three: one DELETE of the org; the members are neither loaded nor deleted one by one.
expect(5 "SQL: DELETE FROM organizations WHERE org_id = ")
expect(5 "the flush sent 1 statement\\(s\\)")
expect(5 "-- 2 statements: 1 DELETE FROM organizations, 1 SELECT\n")
expect_not(5 "SQL: (SELECT [^\n]*FROM members|DELETE FROM members|UPDATE)")
# 6. the database's ON DELETE CASCADE left no members.
expect(6 "SQL: SELECT count\\(\\*\\) FROM members WHERE members.org_id = ")
expect(6 "members left: 0\n")
