// The unit of work's SQL text per dialect, without a database: {statement, dialect, want_sql}.
#include <gtest/gtest.h>

#include "dialect/dialect.hpp"
#include "session/crud_sql.hpp"

namespace {

using ormc::DialectKind;

constexpr ormc::ColumnInfo kColumns[] = {
    {.attribute = "id", .name = "id", .type = ormc::Type::Integer, .primary_key = true, .autoincrement = true},
    {.attribute = "name", .name = "name", .type = ormc::Type::String},
    {.attribute = "group", .name = "group", .type = ormc::Type::String},
};
constexpr ormc::TableInfo kUser{.name = "user", .columns = kColumns};
constexpr std::uint16_t kKey[] = {0};
constexpr std::uint16_t kNameGroup[] = {1, 2};

struct Row {
  const char* what;
  DialectKind dialect;
  std::string (*build)(const ormc::detail::Dialect&);
  const char* want;
};

const Row kRows[] = {
    {"insert 2 rows", DialectKind::PostgreSQL,
     [](const auto& d) { return ormc::detail::insert_sql(d, kUser, kNameGroup, 2, kKey); },
     R"(INSERT INTO "user" (name, "group") VALUES ($1, $2), ($3, $4) RETURNING id)"},
    {"insert 2 rows", DialectKind::SQLite,
     [](const auto& d) { return ormc::detail::insert_sql(d, kUser, kNameGroup, 2, kKey); },
     R"(INSERT INTO "user" (name, "group") VALUES (?1, ?2), (?3, ?4) RETURNING id)"},
    {"insert defaults", DialectKind::SQLite,
     [](const auto& d) { return ormc::detail::insert_sql(d, kUser, {}, 1, kKey); },
     R"(INSERT INTO "user" DEFAULT VALUES RETURNING id)"},
    {"update", DialectKind::PostgreSQL,
     [](const auto& d) { return ormc::detail::update_sql(d, kUser, kNameGroup, kKey); },
     R"(UPDATE "user" SET name = $1, "group" = $2 WHERE id = $3)"},
    // Batched UPDATE: key first in each VALUES tuple; PostgreSQL casts (serial is cast as integer).
    {"update 2 rows", DialectKind::PostgreSQL,
     [](const auto& d) { return ormc::detail::update_from_values_sql(d, kUser, kNameGroup, kKey, 2); },
     R"(UPDATE "user" SET name = v.name, "group" = v."group" FROM (VALUES ($1::integer, $2::text, $3::text), )"
     R"(($4::integer, $5::text, $6::text)) AS v(id, name, "group") WHERE "user".id = v.id)"},
    {"update 2 rows", DialectKind::SQLite,
     [](const auto& d) { return ormc::detail::update_from_values_sql(d, kUser, kNameGroup, kKey, 2); },
     R"(UPDATE "user" SET name = v.column2, "group" = v.column3 FROM (VALUES (?1, ?2, ?3), (?4, ?5, ?6)) AS v )"
     R"(WHERE "user".id = v.column1)"},
    {"delete 3", DialectKind::PostgreSQL, [](const auto& d) { return ormc::detail::delete_sql(d, kUser, kKey, 3); },
     R"(DELETE FROM "user" WHERE id IN ($1, $2, $3))"},
    {"delete 1", DialectKind::SQLite, [](const auto& d) { return ormc::detail::delete_sql(d, kUser, kKey, 1); },
     R"(DELETE FROM "user" WHERE id = ?1)"},
    {"select by key", DialectKind::SQLite, [](const auto& d) { return ormc::detail::select_by_key_sql(d, kUser, kKey); },
     R"(SELECT "user".id, "user".name, "user"."group" FROM "user" WHERE "user".id = ?1)"},
};

TEST(CrudSql, TableDriven) {
  for (const Row& row : kRows) {
    auto dialect = ormc::detail::make_dialect(row.dialect);
    EXPECT_EQ(row.build(*dialect), row.want) << row.what << " (" << dialect->name() << ")";
  }
}

}  // namespace
