// SQL spellings per dialect and the DDL creation order: a line-by-line mirror of runtime/src/dialect and metadata.cpp.
#include "model/sql_types.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <unordered_map>

namespace ormc::model {
namespace {

// Must equal kReservedWords in runtime/src/dialect/dialect.cpp: the DDL test compares both outputs.
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

constexpr std::size_t kMaxIdentifierLength = 63;  // PostgreSQL truncates longer names silently

bool needs_quotes(std::string_view id) {
  if (id.empty()) return true;
  const auto plain_start = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
  const auto plain = [&](char c) { return plain_start(c) || (c >= '0' && c <= '9'); };
  if (!plain_start(id.front()) || !std::all_of(id.begin() + 1, id.end(), plain)) return true;
  return std::binary_search(kReservedWords.begin(), kReservedWords.end(), id);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

std::string postgresql_type(const Column& c) {
  switch (c.type) {
    case ColumnType::SmallInteger: return c.autoincrement ? "smallserial" : "smallint";
    case ColumnType::Integer: return c.autoincrement ? "serial" : "integer";
    case ColumnType::BigInteger: return c.autoincrement ? "bigserial" : "bigint";
    case ColumnType::Boolean: return "boolean";
    case ColumnType::Float: return "real";
    case ColumnType::Double: return "double precision";
    case ColumnType::Numeric:
      if (c.precision == 0) return "numeric";
      return "numeric(" + std::to_string(c.precision) + "," + std::to_string(c.scale) + ")";
    case ColumnType::String:
      if (c.length == 0) return "text";
      return "varchar(" + std::to_string(c.length) + ")";
    case ColumnType::Text: return "text";
    case ColumnType::Date: return "date";
    case ColumnType::DateTime: return "timestamp";
    case ColumnType::Uuid: return "uuid";
    case ColumnType::LargeBinary: return "bytea";
  }
  return "text";
}

std::string sqlite_type(const Column& c) {
  switch (c.type) {
    case ColumnType::SmallInteger:
    case ColumnType::Integer:
    case ColumnType::BigInteger:
    case ColumnType::Boolean: return "INTEGER";
    case ColumnType::Float:
    case ColumnType::Double: return "REAL";
    case ColumnType::Numeric: return "NUMERIC";
    case ColumnType::String:
    case ColumnType::Text:
    case ColumnType::Date:
    case ColumnType::DateTime:
    case ColumnType::Uuid: return "TEXT";
    case ColumnType::LargeBinary: return "BLOB";
  }
  return "TEXT";
}

}  // namespace

std::string sql_type(const Column& column, SqlDialect dialect) {
  return dialect == SqlDialect::PostgreSQL ? postgresql_type(column) : sqlite_type(column);
}

std::string sql_literal(const DefaultValue& d) {
  switch (d.kind) {
    case DefaultValue::Kind::String: {
      std::string out = "'";
      for (char ch : d.text) out += ch == '\'' ? std::string("''") : std::string(1, ch);
      return out + "'";
    }
    case DefaultValue::Kind::Boolean: return d.text == "true" ? "TRUE" : "FALSE";
    default: return d.text;
  }
}

std::string server_default_sql(const Column& column, SqlDialect dialect) {
  const DefaultValue& d = *column.server_default;
  if (d.kind == DefaultValue::Kind::Now) {
    if (dialect == SqlDialect::PostgreSQL)
      return column.type == ColumnType::Date ? "CURRENT_DATE" : "(now() AT TIME ZONE 'utc')";
    return column.type == ColumnType::Date ? "(date('now'))" : "(strftime('%Y-%m-%d %H:%M:%f000','now'))";
  }
  const std::string literal = sql_literal(d);
  if (dialect == SqlDialect::SQLite && column.type == ColumnType::Boolean) {
    if (equals_ignoring_case(literal, "true")) return "1";
    if (equals_ignoring_case(literal, "false")) return "0";
  }
  return literal;
}

std::string quote_identifier(std::string_view identifier) {
  if (!needs_quotes(identifier)) return std::string(identifier);
  std::string out = "\"";
  for (char c : identifier) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string generated_constraint_name(std::string_view prefix, std::string_view table,
                                      const std::vector<std::string_view>& columns) {
  std::string name = std::string(prefix) + "_" + std::string(table);
  for (std::string_view c : columns) (name += '_') += c;
  if (name.size() <= kMaxIdentifierLength) return name;
  std::uint32_t hash = 2166136261u;  // FNV-1a, as the runtime
  for (unsigned char c : name) hash = (hash ^ c) * 16777619u;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "_%08x", static_cast<unsigned>(hash));
  return name.substr(0, kMaxIdentifierLength - 9) + suffix;
}

std::vector<const Table*> metadata_tables(const Schema& schema) {
  std::vector<const Table*> tables;
  for (const auto& e : schema.entities) tables.push_back(&e->table);
  for (const auto& t : schema.tables) tables.push_back(t.get());
  return tables;
}

DdlPlan ddl_plan(const Schema& schema, SqlDialect dialect) {
  const std::vector<const Table*> tables = metadata_tables(schema);
  // By SQL name, as the runtime matches ForeignKeyInfo::table; a table of an imported schema is
  // created by that schema's metadata and imposes no order here.
  std::unordered_map<std::string_view, std::size_t> position;
  for (std::size_t i = 0; i < tables.size(); ++i) position.emplace(tables[i]->sql_name, i);
  const auto parent_of = [&](const Column& c) -> std::optional<std::size_t> {
    if (!c.foreign_key) return std::nullopt;
    const auto it = position.find(c.foreign_key->table->sql_name);
    if (it == position.end()) return std::nullopt;
    return it->second;
  };
  const bool forward_references = dialect == SqlDialect::SQLite;

  DdlPlan out;
  std::vector<bool> created(tables.size(), false);
  const auto ready = [&](std::size_t i) {
    return std::all_of(tables[i]->columns.begin(), tables[i]->columns.end(), [&](const Column& c) {
      const auto parent = parent_of(c);
      return !parent || *parent == i || created[*parent];
    });
  };
  while (out.order.size() < tables.size()) {
    std::size_t next = tables.size();
    for (std::size_t i = 0; i < tables.size() && next == tables.size(); ++i)
      if (!created[i] && ready(i)) next = i;
    if (next == tables.size()) {
      next = static_cast<std::size_t>(std::find(created.begin(), created.end(), false) - created.begin());
      if (!forward_references) {
        for (const Column& c : tables[next]->columns) {
          const auto parent = parent_of(c);
          if (parent && *parent != next && !created[*parent]) out.deferred.push_back({tables[next], &c});
        }
      }
    }
    created[next] = true;
    out.order.push_back(tables[next]);
  }
  return out;
}

}  // namespace ormc::model
