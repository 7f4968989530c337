// The dialect-independent half of DDL and identifier quoting, and make_dialect().
#include "dialect/dialect.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>

#include "dialect/postgresql/postgresql_dialect.hpp"
#include "dialect/sqlite/sqlite_dialect.hpp"

namespace ormc::detail {
namespace {

// Words that must be quoted as identifiers: PostgreSQL's reserved key words and SQLite's key words
// that its parser does not accept as names. One list for both dialects, so that SQL text builders
// produce the same identifiers whatever the dialect.
// clang-format off
constexpr std::array<std::string_view, 122> kReservedWords = {
    "add", "all", "alter", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "autoincrement", "between", "binary", "both", "case", "cast", "check", "collate",
    "collation", "column", "commit", "concurrently", "constraint", "create", "cross", "current_catalog",
    "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user",
    "default", "deferrable", "delete", "desc", "distinct", "do", "drop", "else", "end", "escape", "except",
    "exists", "false", "fetch", "filter", "for", "foreign", "freeze", "from", "full", "glob", "grant",
    "group", "having", "ilike", "in", "index", "indexed", "initially", "inner", "insert", "intersect", "into",
    "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp",
    "natural", "not", "nothing", "notnull", "null", "offset", "on", "only", "or", "order", "outer", "over",
    "overlaps", "placing", "primary", "references", "regexp", "returning", "right", "select", "session_user",
    "set", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to", "trailing",
    "transaction", "true", "union", "unique", "update", "user", "using", "values", "variadic", "verbose",
    "when", "where", "window", "with",
};
// clang-format on
static_assert(std::ranges::is_sorted(kReservedWords), "kReservedWords must stay sorted for binary search");

// PostgreSQL silently truncates identifiers to 63 bytes; generated names longer than that keep a
// prefix and a hash of the whole name, so they stay unique and identical on both dialects.
constexpr std::size_t kMaxIdentifierLength = 63;

bool needs_quotes(std::string_view id) {
  if (id.empty()) return true;
  const auto plain_start = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
  const auto plain = [&](char c) { return plain_start(c) || (c >= '0' && c <= '9'); };
  if (!plain_start(id.front()) || !std::all_of(id.begin() + 1, id.end(), plain)) return true;
  return std::ranges::binary_search(kReservedWords, id);
}

std::string bounded_name(std::string name) {
  if (name.size() <= kMaxIdentifierLength) return name;
  std::uint32_t hash = 2166136261u;  // FNV-1a: stable across platforms and runs
  for (unsigned char c : name) hash = (hash ^ c) * 16777619u;
  return fmt::format("{}_{:08x}", name.substr(0, kMaxIdentifierLength - 9), hash);
}

// `<prefix>_<table>_<col>[_<col>...]`, the naming SQLAlchemy's conventions use for ix_ / uq_ / fk_.
template <class Columns>
std::string generated_name(std::string_view prefix, const TableInfo& table, const Columns& column_names) {
  std::string name = fmt::format("{}_{}", prefix, table.name);
  for (std::string_view c : column_names) fmt::format_to(std::back_inserter(name), "_{}", c);
  return bounded_name(std::move(name));
}

std::string_view action_sql(ForeignKeyAction action) {
  switch (action) {
    case ForeignKeyAction::Cascade: return "CASCADE";
    case ForeignKeyAction::SetNull: return "SET NULL";
    case ForeignKeyAction::Restrict: return "RESTRICT";
    case ForeignKeyAction::NoAction: return "NO ACTION";
    case ForeignKeyAction::Unspecified: break;
  }
  return {};
}

std::size_t primary_key_count(const TableInfo& table) {
  return static_cast<std::size_t>(
      std::ranges::count_if(table.columns, [](const ColumnInfo& c) { return c.primary_key; }));
}

}  // namespace

void Dialect::append_identifier(std::string& sql, std::string_view identifier) const {
  if (!needs_quotes(identifier)) {
    sql += identifier;
    return;
  }
  sql += '"';
  for (char c : identifier) {
    if (c == '"') sql += '"';
    sql += c;
  }
  sql += '"';
}

std::string Dialect::quote_identifier(std::string_view identifier) const {
  std::string out;
  append_identifier(out, identifier);
  return out;
}

namespace {

/// The columns of the FOREIGN KEY constraint `column` belongs to, in table order: itself, or
/// every column of its composite group.
std::vector<const ColumnInfo*> foreign_key_columns(const TableInfo& table, const ColumnInfo& column) {
  const std::uint16_t group = column.foreign_key->composite;
  if (group == 0) return {&column};
  std::vector<const ColumnInfo*> out;
  for (const ColumnInfo& c : table.columns)
    if (c.foreign_key != nullptr && c.foreign_key->composite == group) out.push_back(&c);
  return out;
}

std::string foreign_key_clause(const Dialect& d, const TableInfo& table, const ColumnInfo& column) {
  const std::vector<const ColumnInfo*> columns = foreign_key_columns(table, column);
  const ForeignKeyInfo& fk = *column.foreign_key;
  const auto list = [&](std::string& sql, auto name_of) {
    sql += '(';
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) sql += ", ";
      d.append_identifier(sql, name_of(*columns[i]));
    }
    sql += ')';
  };
  std::string sql = "FOREIGN KEY ";
  list(sql, [](const ColumnInfo& c) { return c.name; });
  sql += " REFERENCES ";
  d.append_identifier(sql, fk.table);
  sql += ' ';
  list(sql, [](const ColumnInfo& c) { return c.foreign_key->column; });
  if (fk.ondelete != ForeignKeyAction::Unspecified)
    fmt::format_to(std::back_inserter(sql), " ON DELETE {}", action_sql(fk.ondelete));
  if (fk.onupdate != ForeignKeyAction::Unspecified)
    fmt::format_to(std::back_inserter(sql), " ON UPDATE {}", action_sql(fk.onupdate));
  return sql;
}

std::string foreign_key_name(const TableInfo& table, const ColumnInfo& column) {
  std::vector<std::string_view> names;
  for (const ColumnInfo* c : foreign_key_columns(table, column)) names.push_back(c->name);
  return generated_name("fk", table, names);
}

}  // namespace

std::string Dialect::create_table(const TableInfo& table) const {
  const bool single_pk = primary_key_count(table) == 1;
  std::string sql = "CREATE TABLE IF NOT EXISTS ";
  append_identifier(sql, table.name);
  sql += " (";
  bool first = true;
  const auto separate = [&] {
    if (!first) sql += ", ";
    first = false;
  };
  for (const ColumnInfo& c : table.columns) {
    separate();
    append_identifier(sql, c.name);
    sql += ' ';
    sql += column_type(c);
    const bool inline_pk = c.primary_key && single_pk;
    // serial / INTEGER PRIMARY KEY: the database fills the value and NOT NULL is implied.
    const bool generated = inline_pk && c.autoincrement;
    if (!generated && (!c.nullable || c.primary_key)) sql += " NOT NULL";
    if (!generated && c.server_default.kind != ServerDefault::Kind::None) {
      sql += " DEFAULT ";
      sql += server_default(c);
    }
    if (inline_pk) sql += " PRIMARY KEY";
    // unique + index becomes a unique index (create_indexes), as in SQLAlchemy.
    else if (c.unique && !c.index)
      sql += " UNIQUE";
  }
  if (!single_pk && primary_key_count(table) > 1) {
    separate();
    sql += "PRIMARY KEY (";
    bool first_pk = true;
    for (const ColumnInfo& c : table.columns) {
      if (!c.primary_key) continue;
      if (!first_pk) sql += ", ";
      first_pk = false;
      append_identifier(sql, c.name);
    }
    sql += ')';
  }
  for (const ColumnInfo& c : table.columns) {
    if (c.foreign_key == nullptr || !leads_foreign_key(table, c)) continue;
    separate();
    sql += foreign_key_clause(*this, table, c);
  }
  for (std::string_view check : table.checks) {
    separate();
    fmt::format_to(std::back_inserter(sql), "CHECK ({})", check);
  }
  sql += ')';
  return sql;
}

std::vector<std::string> Dialect::create_indexes(const TableInfo& table) const {
  std::vector<std::string> out;
  const auto emit = [&](const std::string& name, bool unique, const std::vector<std::string_view>& columns) {
    std::string sql = unique ? "CREATE UNIQUE INDEX IF NOT EXISTS " : "CREATE INDEX IF NOT EXISTS ";
    append_identifier(sql, name);
    sql += " ON ";
    append_identifier(sql, table.name);
    sql += " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) sql += ", ";
      append_identifier(sql, columns[i]);
    }
    sql += ')';
    out.push_back(std::move(sql));
  };
  for (const ColumnInfo& c : table.columns) {
    if (c.index) emit(generated_name("ix", table, std::array{c.name}), c.unique, {c.name});
  }
  for (const IndexInfo& index : table.indexes) {
    std::vector<std::string_view> columns;
    for (std::uint16_t pos : index.columns) columns.push_back(table.columns[pos].name);
    const std::string name =
        index.name.empty() ? generated_name(index.unique ? "uq" : "ix", table, columns) : std::string(index.name);
    emit(name, index.unique, columns);
  }
  return out;
}

std::string Dialect::drop_table(const TableInfo& table) const {
  return "DROP TABLE IF EXISTS " + quote_identifier(table.name);
}

std::string Dialect::add_foreign_key(const TableInfo& table, const ColumnInfo& column) const {
  const std::string name = quote_identifier(foreign_key_name(table, column));
  return fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}, ADD CONSTRAINT {} {}", quote_identifier(table.name),
                     name, name, foreign_key_clause(*this, table, column));
}

std::string Dialect::drop_foreign_key(const TableInfo& table, const ColumnInfo& column) const {
  return fmt::format("ALTER TABLE IF EXISTS {} DROP CONSTRAINT IF EXISTS {}", quote_identifier(table.name),
                     quote_identifier(foreign_key_name(table, column)));
}

std::vector<Value> Dialect::column_arrays(std::span<const Value>, std::size_t, const std::string&) const {
  throw std::logic_error(fmt::format("the {} dialect does not insert rows from arrays", name()));
}

bool leads_foreign_key(const TableInfo& table, const ColumnInfo& column) {
  const std::uint16_t group = column.foreign_key->composite;
  if (group == 0) return true;
  for (const ColumnInfo& c : table.columns)
    if (c.foreign_key != nullptr && c.foreign_key->composite == group) return &c == &column;
  return false;
}

std::unique_ptr<Dialect> make_dialect(DialectKind kind) {
  switch (kind) {
    case DialectKind::SQLite: return make_sqlite_dialect();
    case DialectKind::PostgreSQL: return make_postgresql_dialect();
  }
  return make_sqlite_dialect();
}

}  // namespace ormc::detail
