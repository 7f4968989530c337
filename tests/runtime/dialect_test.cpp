// Table-driven DDL and quoting tests of both dialects, without a database.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "dialect/dialect.hpp"
#include "ormc/database.hpp"
#include "ormc/metadata.hpp"

namespace {

using ormc::ColumnInfo;
using ormc::DialectKind;
using ormc::ForeignKeyAction;
using ormc::ForeignKeyInfo;
using ormc::IndexInfo;
using ormc::ServerDefault;
using ormc::TableInfo;
using ormc::Type;

// Aggregates spelled positionally: designated initializers that leave a member without a
// default member initializer out trip -Wmissing-field-initializers.
constexpr TableInfo table(std::string_view name, std::span<const ColumnInfo> columns,
                          std::span<const IndexInfo> indexes = {}, std::span<const std::string_view> checks = {}) {
  return TableInfo{name, columns, indexes, checks};
}
constexpr ServerDefault now_default() { return ServerDefault{ServerDefault::Kind::Now, {}}; }
constexpr ServerDefault literal_default(std::string_view sql) {
  return ServerDefault{ServerDefault::Kind::Literal, sql};
}

// ---- the bank schema of SPEC §1.1, written by hand as generated code would -----------------------

constexpr ColumnInfo kAccountColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Integer, .primary_key = true, .autoincrement = true},
    {.attribute = "identifier", .name = "identifier", .type = Type::String, .length = 50, .unique = true},
};
constexpr TableInfo kAccount = table("account", kAccountColumns);

constexpr ForeignKeyInfo kTxAccountFk{.table = "account", .column = "id", .ondelete = ForeignKeyAction::Cascade};
constexpr ColumnInfo kTxColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Integer, .primary_key = true, .autoincrement = true},
    {.attribute = "account_id", .name = "account_id", .type = Type::Integer, .foreign_key = &kTxAccountFk},
    {.attribute = "description", .name = "description", .type = Type::String},
    {.attribute = "amount", .name = "amount", .type = Type::Numeric, .precision = 10, .scale = 2},
    {.attribute = "timestamp", .name = "timestamp", .type = Type::DateTime, .server_default = now_default()},
};
constexpr TableInfo kAccountTransaction = table("account_transaction", kTxColumns);

constexpr ForeignKeyInfo kAuditFk{.table = "audit", .column = "id", .ondelete = ForeignKeyAction::Cascade};
constexpr ForeignKeyInfo kAuditTxFk{
    .table = "account_transaction", .column = "id", .ondelete = ForeignKeyAction::Cascade};
constexpr ColumnInfo kAuditTxColumns[] = {
    {.attribute = "audit_id", .name = "audit_id", .type = Type::Integer, .primary_key = true, .foreign_key = &kAuditFk},
    {.attribute = "transaction_id",
     .name = "transaction_id",
     .type = Type::Integer,
     .primary_key = true,
     .foreign_key = &kAuditTxFk},
};
constexpr TableInfo kAuditTransaction = table("audit_transaction", kAuditTxColumns);

constexpr ColumnInfo kAuditColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Integer, .primary_key = true, .autoincrement = true},
};
constexpr TableInfo kAudit = table("audit", kAuditColumns);

// ---- a table whose names need quoting, with every remaining type ---------------------------------

constexpr std::uint16_t kUserIndexColumns[] = {2, 3};
constexpr std::uint16_t kUserUniqueColumns[] = {1, 2};
constexpr IndexInfo kUserIndexes[] = {
    {.name = {}, .columns = kUserIndexColumns},
    {.name = {}, .columns = kUserUniqueColumns, .unique = true},
    {.name = "by_select", .columns = std::span(kUserIndexColumns).first(1)},
};
constexpr std::string_view kUserChecks[] = {"\"order\" >= 0"};
constexpr ColumnInfo kUserColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Uuid, .primary_key = true},
    {.attribute = "order", .name = "order", .type = Type::SmallInteger},
    {.attribute = "select", .name = "select", .type = Type::BigInteger, .index = true},
    {.attribute = "active", .name = "Active", .type = Type::Boolean, .server_default = literal_default("true")},
    {.attribute = "ratio", .name = "ratio", .type = Type::Float, .nullable = true},
    {.attribute = "score", .name = "score", .type = Type::Double, .server_default = literal_default("-1.5")},
    {.attribute = "born", .name = "born", .type = Type::Date, .nullable = true},
    {.attribute = "avatar", .name = "avatar", .type = Type::LargeBinary, .nullable = true},
    {.attribute = "bio",
     .name = "bio",
     .type = Type::Text,
     .nullable = true,
     .server_default = literal_default("'it''s me'")},
    {.attribute = "email", .name = "email", .type = Type::String, .length = 200, .unique = true, .index = true},
    {.attribute = "total", .name = "total", .type = Type::Numeric},
};
constexpr TableInfo kUser = table("user", kUserColumns, kUserIndexes, kUserChecks);

// ---- self-reference and a two-table cycle --------------------------------------------------------

constexpr ForeignKeyInfo kNodeParentFk{
    .table = "node", .column = "id", .ondelete = ForeignKeyAction::SetNull, .onupdate = ForeignKeyAction::NoAction};
constexpr ColumnInfo kNodeColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::BigInteger, .primary_key = true, .autoincrement = true},
    {.attribute = "parent_id",
     .name = "parent_id",
     .type = Type::BigInteger,
     .nullable = true,
     .foreign_key = &kNodeParentFk},
};
constexpr TableInfo kNode = table("node", kNodeColumns);

constexpr ForeignKeyInfo kToB{.table = "b", .column = "id", .ondelete = ForeignKeyAction::Restrict};
constexpr ForeignKeyInfo kToA{.table = "a", .column = "id"};
constexpr ColumnInfo kAColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Integer, .primary_key = true, .autoincrement = true},
    {.attribute = "b_id", .name = "b_id", .type = Type::Integer, .nullable = true, .foreign_key = &kToB},
};
constexpr ColumnInfo kBColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Integer, .primary_key = true, .autoincrement = true},
    {.attribute = "a_id", .name = "a_id", .type = Type::Integer, .nullable = true, .foreign_key = &kToA},
};
constexpr TableInfo kA = table("a", kAColumns);
constexpr TableInfo kB = table("b", kBColumns);

// A two-column key referenced by a composite foreign key, in a cycle: zone -> site (one column)
// and site -> zone (both key columns, one constraint).
constexpr ForeignKeyInfo kToSite{.table = "site", .column = "id"};
constexpr ForeignKeyInfo kToZoneCode{
    .table = "zone", .column = "code", .ondelete = ForeignKeyAction::Cascade, .composite = 1};
constexpr ForeignKeyInfo kToZoneNum{
    .table = "zone", .column = "num", .ondelete = ForeignKeyAction::Cascade, .composite = 1};
constexpr ColumnInfo kZoneColumns[] = {
    {.attribute = "code", .name = "code", .type = Type::String, .primary_key = true},
    {.attribute = "num", .name = "num", .type = Type::Integer, .primary_key = true},
    {.attribute = "capital_id", .name = "capital_id", .type = Type::Integer, .nullable = true, .foreign_key = &kToSite},
};
constexpr ColumnInfo kSiteColumns[] = {
    {.attribute = "id", .name = "id", .type = Type::Integer, .primary_key = true, .autoincrement = true},
    {.attribute = "zone_code", .name = "zone_code", .type = Type::String, .foreign_key = &kToZoneCode},
    {.attribute = "zone_num", .name = "zone_num", .type = Type::Integer, .foreign_key = &kToZoneNum},
};
constexpr TableInfo kZone = table("zone", kZoneColumns);
constexpr TableInfo kSite = table("site", kSiteColumns);

struct DdlCase {
  const TableInfo* table;
  DialectKind dialect;
  std::string want_sql;
};

std::string name_of(DialectKind d) { return d == DialectKind::SQLite ? "sqlite" : "postgresql"; }

TEST(DialectTest, CreateTable) {
  const DdlCase cases[] = {
      {&kAccount, DialectKind::SQLite,
       "CREATE TABLE IF NOT EXISTS account (id INTEGER PRIMARY KEY, identifier TEXT NOT NULL UNIQUE)"},
      {&kAccount, DialectKind::PostgreSQL,
       "CREATE TABLE IF NOT EXISTS account (id serial PRIMARY KEY, identifier varchar(50) NOT NULL UNIQUE)"},
      {&kAccountTransaction, DialectKind::SQLite,
       "CREATE TABLE IF NOT EXISTS account_transaction (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, "
       "description TEXT NOT NULL, amount NUMERIC NOT NULL, "
       "timestamp TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f000','now')), "
       "FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE)"},
      {&kAccountTransaction, DialectKind::PostgreSQL,
       "CREATE TABLE IF NOT EXISTS account_transaction (id serial PRIMARY KEY, account_id integer NOT NULL, "
       "description text NOT NULL, amount numeric(10,2) NOT NULL, "
       "timestamp timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'), "
       "FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE)"},
      {&kAuditTransaction, DialectKind::SQLite,
       "CREATE TABLE IF NOT EXISTS audit_transaction (audit_id INTEGER NOT NULL, transaction_id INTEGER NOT NULL, "
       "PRIMARY KEY (audit_id, transaction_id), FOREIGN KEY (audit_id) REFERENCES audit (id) ON DELETE CASCADE, "
       "FOREIGN KEY (transaction_id) REFERENCES account_transaction (id) ON DELETE CASCADE)"},
      {&kAuditTransaction, DialectKind::PostgreSQL,
       "CREATE TABLE IF NOT EXISTS audit_transaction (audit_id integer NOT NULL, transaction_id integer NOT NULL, "
       "PRIMARY KEY (audit_id, transaction_id), FOREIGN KEY (audit_id) REFERENCES audit (id) ON DELETE CASCADE, "
       "FOREIGN KEY (transaction_id) REFERENCES account_transaction (id) ON DELETE CASCADE)"},
      {&kUser, DialectKind::SQLite,
       "CREATE TABLE IF NOT EXISTS \"user\" (id TEXT NOT NULL PRIMARY KEY, \"order\" INTEGER NOT NULL, "
       "\"select\" INTEGER NOT NULL, \"Active\" INTEGER NOT NULL DEFAULT 1, ratio REAL, "
       "score REAL NOT NULL DEFAULT -1.5, born TEXT, avatar BLOB, bio TEXT DEFAULT 'it''s me', "
       "email TEXT NOT NULL, total NUMERIC NOT NULL, CHECK (\"order\" >= 0))"},
      {&kUser, DialectKind::PostgreSQL,
       "CREATE TABLE IF NOT EXISTS \"user\" (id uuid NOT NULL PRIMARY KEY, \"order\" smallint NOT NULL, "
       "\"select\" bigint NOT NULL, \"Active\" boolean NOT NULL DEFAULT true, ratio real, "
       "score double precision NOT NULL DEFAULT -1.5, born date, avatar bytea, bio text DEFAULT 'it''s me', "
       "email varchar(200) NOT NULL, total numeric NOT NULL, CHECK (\"order\" >= 0))"},
      {&kNode, DialectKind::SQLite,
       "CREATE TABLE IF NOT EXISTS node (id INTEGER PRIMARY KEY, parent_id INTEGER, "
       "FOREIGN KEY (parent_id) REFERENCES node (id) ON DELETE SET NULL ON UPDATE NO ACTION)"},
      {&kNode, DialectKind::PostgreSQL,
       "CREATE TABLE IF NOT EXISTS node (id bigserial PRIMARY KEY, parent_id bigint, "
       "FOREIGN KEY (parent_id) REFERENCES node (id) ON DELETE SET NULL ON UPDATE NO ACTION)"},
  };
  for (const DdlCase& c : cases) {
    EXPECT_EQ(ormc::detail::make_dialect(c.dialect)->create_table(*c.table), c.want_sql)
        << c.table->name << " on " << name_of(c.dialect);
  }
}

TEST(DialectTest, CreateIndexesNamesThemAfterTableAndColumns) {
  const std::vector<std::string> want = {
      "CREATE INDEX IF NOT EXISTS ix_user_select ON \"user\" (\"select\")",
      "CREATE UNIQUE INDEX IF NOT EXISTS ix_user_email ON \"user\" (email)",
      "CREATE INDEX IF NOT EXISTS \"ix_user_select_Active\" ON \"user\" (\"select\", \"Active\")",
      "CREATE UNIQUE INDEX IF NOT EXISTS uq_user_order_select ON \"user\" (\"order\", \"select\")",
      "CREATE INDEX IF NOT EXISTS by_select ON \"user\" (\"select\")",
  };
  for (DialectKind d : {DialectKind::SQLite, DialectKind::PostgreSQL}) {
    EXPECT_EQ(ormc::detail::make_dialect(d)->create_indexes(kUser), want) << name_of(d);
    EXPECT_TRUE(ormc::detail::make_dialect(d)->create_indexes(kAccount).empty());
  }
}

TEST(DialectTest, LongGeneratedNamesStayWithinPostgresLimit) {
  static constexpr ColumnInfo columns[] = {
      {.attribute = "c", .name = "a_rather_long_column_name_that_goes_on", .type = Type::Integer, .index = true},
  };
  static constexpr TableInfo long_table = table("a_table_with_a_long_name_for_testing", columns);
  const auto sql = ormc::detail::make_dialect(DialectKind::PostgreSQL)->create_indexes(long_table);
  ASSERT_EQ(sql.size(), 1u);
  const std::string prefix = "CREATE INDEX IF NOT EXISTS ";
  const std::string name = sql[0].substr(prefix.size(), sql[0].find(" ON ") - prefix.size());
  EXPECT_EQ(name.size(), 63u) << name;
  EXPECT_EQ(name.substr(0, 40), "ix_a_table_with_a_long_name_for_testing_");
  // deterministic: the same input gives the same name
  EXPECT_EQ(ormc::detail::make_dialect(DialectKind::SQLite)->create_indexes(long_table), sql);
}

TEST(DialectTest, DropTable) {
  for (DialectKind d : {DialectKind::SQLite, DialectKind::PostgreSQL}) {
    EXPECT_EQ(ormc::detail::make_dialect(d)->drop_table(kUser), "DROP TABLE IF EXISTS \"user\"");
    EXPECT_EQ(ormc::detail::make_dialect(d)->drop_table(kAccount), "DROP TABLE IF EXISTS account");
  }
}

struct QuoteCase {
  std::string_view identifier;
  std::string_view want;
};

TEST(DialectTest, QuotesIdentifiersOnlyWhenNeeded) {
  // clang-format off
  const QuoteCase cases[] = {
      {"account", "account"},       {"account_transaction", "account_transaction"},
      {"_x1", "_x1"},               {"timestamp", "timestamp"},
      {"user", "\"user\""},         {"order", "\"order\""},
      {"group", "\"group\""},       {"table", "\"table\""},
      {"select", "\"select\""},     {"from", "\"from\""},
      {"where", "\"where\""},       {"check", "\"check\""},
      {"default", "\"default\""},   {"primary", "\"primary\""},
      {"references", "\"references\""}, {"column", "\"column\""},
      {"desc", "\"desc\""},         {"asc", "\"asc\""},
      {"Account", "\"Account\""},   {"1st", "\"1st\""},
      {"with space", "\"with space\""}, {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"", "\"\""},                 {"é", "\"é\""},
  };
  // clang-format on
  for (DialectKind d : {DialectKind::SQLite, DialectKind::PostgreSQL}) {
    const auto dialect = ormc::detail::make_dialect(d);
    for (const QuoteCase& c : cases) EXPECT_EQ(dialect->quote_identifier(c.identifier), c.want) << name_of(d);
  }
}

TEST(DialectTest, PlaceholdersAndLimits) {
  const auto sqlite = ormc::detail::make_dialect(DialectKind::SQLite);
  const auto pg = ormc::detail::make_dialect(DialectKind::PostgreSQL);
  std::string a = "x = ", b = "x = ";
  sqlite->append_placeholder(a, 12);
  pg->append_placeholder(b, 12);
  EXPECT_EQ(a, "x = ?12");
  EXPECT_EQ(b, "x = $12");
  EXPECT_EQ(sqlite->max_parameters(), 32766u);
  EXPECT_EQ(pg->max_parameters(), 65535u);
  EXPECT_EQ(sqlite->name(), "sqlite");
  EXPECT_EQ(pg->name(), "postgresql");
  EXPECT_EQ(sqlite->kind(), DialectKind::SQLite);
  EXPECT_EQ(pg->kind(), DialectKind::PostgreSQL);
  EXPECT_TRUE(sqlite->supports_update_from());
  EXPECT_FALSE(sqlite->supports_delete_using());
  EXPECT_TRUE(pg->supports_delete_using());
  EXPECT_EQ(sqlite->connection_setup(), "PRAGMA foreign_keys=ON");
}

TEST(MetaDataTest, CreateStatementsPutParentsFirst) {
  // Listed children first on purpose.
  constexpr const TableInfo* tables[] = {&kAuditTransaction, &kAccountTransaction, &kAudit, &kAccount};
  const ormc::MetaData md(tables, {});
  for (DialectKind d : {DialectKind::SQLite, DialectKind::PostgreSQL}) {
    const auto sql = md.create_statements(d);
    ASSERT_EQ(sql.size(), 4u);
    EXPECT_EQ(sql[0].substr(0, 36), "CREATE TABLE IF NOT EXISTS audit (id");
    EXPECT_EQ(sql[1].substr(0, 38), "CREATE TABLE IF NOT EXISTS account (id");
    EXPECT_EQ(sql[2].substr(0, 50), "CREATE TABLE IF NOT EXISTS account_transaction (id");
    EXPECT_EQ(sql[3].substr(0, 45), "CREATE TABLE IF NOT EXISTS audit_transaction ");
  }
}

TEST(MetaDataTest, CycleIsBrokenWithAlterTableOnPostgresOnly) {
  constexpr const TableInfo* tables[] = {&kB, &kNode, &kA, &kUser};
  const ormc::MetaData md(tables, {});
  const std::vector<std::string> want_pg = {
      "CREATE TABLE IF NOT EXISTS node (id bigserial PRIMARY KEY, parent_id bigint, FOREIGN KEY (parent_id) "
      "REFERENCES node (id) ON DELETE SET NULL ON UPDATE NO ACTION)",
      "CREATE TABLE IF NOT EXISTS \"user\" (id uuid NOT NULL PRIMARY KEY, \"order\" smallint NOT NULL, "
      "\"select\" bigint NOT NULL, \"Active\" boolean NOT NULL DEFAULT true, ratio real, "
      "score double precision NOT NULL DEFAULT -1.5, born date, avatar bytea, bio text DEFAULT 'it''s me', "
      "email varchar(200) NOT NULL, total numeric NOT NULL, CHECK (\"order\" >= 0))",
      "CREATE TABLE IF NOT EXISTS b (id serial PRIMARY KEY, a_id integer)",
      "CREATE TABLE IF NOT EXISTS a (id serial PRIMARY KEY, b_id integer, FOREIGN KEY (b_id) REFERENCES b (id) "
      "ON DELETE RESTRICT)",
      "ALTER TABLE b DROP CONSTRAINT IF EXISTS fk_b_a_id, ADD CONSTRAINT fk_b_a_id FOREIGN KEY (a_id) "
      "REFERENCES a (id)",
      "CREATE INDEX IF NOT EXISTS ix_user_select ON \"user\" (\"select\")",
      "CREATE UNIQUE INDEX IF NOT EXISTS ix_user_email ON \"user\" (email)",
      "CREATE INDEX IF NOT EXISTS \"ix_user_select_Active\" ON \"user\" (\"select\", \"Active\")",
      "CREATE UNIQUE INDEX IF NOT EXISTS uq_user_order_select ON \"user\" (\"order\", \"select\")",
      "CREATE INDEX IF NOT EXISTS by_select ON \"user\" (\"select\")",
  };
  EXPECT_EQ(md.create_statements(DialectKind::PostgreSQL), want_pg);

  const auto sqlite = md.create_statements(DialectKind::SQLite);
  ASSERT_EQ(sqlite.size(), 9u);  // no ALTER TABLE: SQLite resolves REFERENCES lazily
  EXPECT_EQ(sqlite[2],
            "CREATE TABLE IF NOT EXISTS b (id INTEGER PRIMARY KEY, a_id INTEGER, "
            "FOREIGN KEY (a_id) REFERENCES a (id))");
  EXPECT_EQ(sqlite[3].substr(0, 29), "CREATE TABLE IF NOT EXISTS a ");
}

TEST(MetaDataTest, ColumnIndexFindsBySqlName) {
  EXPECT_EQ(kUser.column_index("Active"), 3);
  EXPECT_EQ(kUser.column_index("active"), -1);
  EXPECT_EQ(kAccountTransaction.column_index("timestamp"), 4);
}

}  // namespace

// Columns of one composite group become one FOREIGN KEY constraint, inline or (closing a cycle on
// PostgreSQL) added and dropped once by ALTER TABLE under one name.
TEST(MetaDataTest, CompositeForeignKeyIsOneConstraint) {
  constexpr const TableInfo* tables[] = {&kSite, &kZone};
  const ormc::MetaData md(tables, {});
  const std::vector<std::string> want_pg = {
      "CREATE TABLE IF NOT EXISTS site (id serial PRIMARY KEY, zone_code text NOT NULL, zone_num integer NOT NULL)",
      "CREATE TABLE IF NOT EXISTS zone (code text NOT NULL, num integer NOT NULL, capital_id integer, "
      "PRIMARY KEY (code, num), FOREIGN KEY (capital_id) REFERENCES site (id))",
      "ALTER TABLE site DROP CONSTRAINT IF EXISTS fk_site_zone_code_zone_num, ADD CONSTRAINT "
      "fk_site_zone_code_zone_num FOREIGN KEY (zone_code, zone_num) REFERENCES zone (code, num) ON DELETE CASCADE",
  };
  EXPECT_EQ(md.create_statements(DialectKind::PostgreSQL), want_pg);
  const auto sqlite = md.create_statements(DialectKind::SQLite);
  ASSERT_EQ(sqlite.size(), 2u);
  EXPECT_EQ(sqlite[0],
            "CREATE TABLE IF NOT EXISTS site (id INTEGER PRIMARY KEY, zone_code TEXT NOT NULL, zone_num INTEGER "
            "NOT NULL, FOREIGN KEY (zone_code, zone_num) REFERENCES zone (code, num) ON DELETE CASCADE)");
}

