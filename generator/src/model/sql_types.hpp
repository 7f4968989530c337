// SQL spellings per dialect — types, server defaults, quoted identifiers, DDL order — mirroring the runtime's DDL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/model.hpp"

namespace ormc::model {

enum class SqlDialect { PostgreSQL, SQLite };

/// The column's SQL type: `varchar(50)`, `serial`, `INTEGER`, ... (runtime Dialect::column_type).
std::string sql_type(const Column& column, SqlDialect dialect);

/// The literal of a non-`now()` server default as the runtime stores it (strings quoted, booleans TRUE/FALSE).
std::string sql_literal(const DefaultValue& value);

/// The DEFAULT expression of a column with a server default (runtime Dialect::server_default).
std::string server_default_sql(const Column& column, SqlDialect dialect);

/// `name`, or `"name"` when it is not a plain lower-case identifier or is a reserved word.
std::string quote_identifier(std::string_view identifier);

/// `<prefix>_<table>_<col>...`, cut to 63 bytes with a hash suffix (ix_ / uq_ / fk_ names).
std::string generated_constraint_name(std::string_view prefix, std::string_view table,
                                      const std::vector<std::string_view>& columns);

/// A foreign key left out of its CREATE TABLE and added by ALTER TABLE afterwards (cycles, PostgreSQL).
struct DeferredForeignKey {
  const Table* table = nullptr;
  const Column* column = nullptr;
};

/// Creation order of a schema's tables, as MetaData::create_statements plans it.
struct DdlPlan {
  std::vector<const Table*> order;
  std::vector<DeferredForeignKey> deferred;
};

/// The tables of `schema` in the order its generated metadata() lists them (entities, then tables).
std::vector<const Table*> metadata_tables(const Schema& schema);

/// Parents first; a cycle is broken at its earliest table, whose foreign keys into the rest of the
/// cycle are deferred on a dialect (PostgreSQL) that can't reference a table before it exists.
DdlPlan ddl_plan(const Schema& schema, SqlDialect dialect);

}  // namespace ormc::model
