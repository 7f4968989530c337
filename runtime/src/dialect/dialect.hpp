// The SQL dialect: every textual difference between PostgreSQL and SQLite lives behind this interface.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ormc/database.hpp"
#include "ormc/metadata.hpp"
#include "ormc/value.hpp"

namespace ormc::detail {

class Dialect {
 public:
  virtual ~Dialect() = default;
  [[nodiscard]] virtual DialectKind kind() const noexcept = 0;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;

  /// Appends the placeholder for 1-based parameter `index` ("$3" on PostgreSQL, "?3" on SQLite).
  virtual void append_placeholder(std::string& sql, std::size_t index) const = 0;
  /// Appends `identifier`, quoted only when it must be (reserved word, upper case, odd characters).
  void append_identifier(std::string& sql, std::string_view identifier) const;
  [[nodiscard]] std::string quote_identifier(std::string_view identifier) const;

  /// Most bound parameters one statement may carry.
  [[nodiscard]] virtual std::size_t max_parameters() const noexcept = 0;
  [[nodiscard]] virtual bool supports_returning() const noexcept { return true; }
  /// UPDATE ... FROM / DELETE ... USING are available.
  [[nodiscard]] virtual bool supports_update_from() const noexcept = 0;
  [[nodiscard]] virtual bool supports_delete_using() const noexcept = 0;

  /// The column's type as DDL ("varchar(50)", "INTEGER", ...), including the
  /// autoincrement spelling where the dialect puts it in the type (PostgreSQL serial/identity).
  [[nodiscard]] virtual std::string column_type(const ColumnInfo& column) const = 0;
  /// The type to cast a bound value to for `column`: column_type() without serial shorthand, length,
  /// precision or scale. A cast to varchar(50) or numeric(10,2) would silently cut or round what the
  /// column should refuse; cast to the bare type, the value meets the column's own assignment rules
  /// ("value too long", "numeric field overflow"), as a plain INSERT or UPDATE parameter does.
  [[nodiscard]] virtual std::string value_type(const ColumnInfo& column) const { return column_type(column); }
  /// Whether a multi-row INSERT sends each column as one array parameter,
  /// `INSERT INTO t (a, b) SELECT * FROM unnest($1::text[], $2::integer[])`, instead of a VALUES
  /// list with a parameter per value: one statement text for any number of rows, and less server
  /// time per row than parsing thousands of parameters.
  [[nodiscard]] virtual bool inserts_from_arrays() const noexcept { return false; }
  /// The array parameters of such an INSERT: one per column of `rows` (row-major, `width` values per
  /// row). Only called when inserts_from_arrays(). @throw ormc::DataError for a value the dialect
  /// cannot carry, naming `sql`
  [[nodiscard]] virtual std::vector<Value> column_arrays(std::span<const Value> rows, std::size_t width,
                                                         const std::string& sql) const;
  /// The DEFAULT clause body for a server default, e.g. "CURRENT_TIMESTAMP".
  [[nodiscard]] virtual std::string server_default(const ColumnInfo& column) const = 0;
  /// Full CREATE TABLE statement (columns, PK, UNIQUE, FOREIGN KEY ... ON DELETE/UPDATE, CHECK).
  [[nodiscard]] virtual std::string create_table(const TableInfo& table) const;
  /// CREATE INDEX statements for the table's `index` columns and `index(...)` options.
  [[nodiscard]] std::vector<std::string> create_indexes(const TableInfo& table) const;
  [[nodiscard]] virtual std::string drop_table(const TableInfo& table) const;

  /// Whether CREATE TABLE may name a table in REFERENCES that does not exist yet (SQLite only checks
  /// foreign keys when rows change). When false, MetaData breaks a cycle of foreign keys between
  /// tables by creating one table without the closing foreign key and adding it with add_foreign_key().
  [[nodiscard]] virtual bool allows_forward_references() const noexcept = 0;
  /// ALTER TABLE adding `column`'s foreign key as constraint `fk_<table>_<column>` (replacing it when
  /// present, so that create_all stays repeatable).
  [[nodiscard]] virtual std::string add_foreign_key(const TableInfo& table, const ColumnInfo& column) const;
  /// ALTER TABLE dropping the constraint add_foreign_key() made, when the table and it exist.
  [[nodiscard]] virtual std::string drop_foreign_key(const TableInfo& table, const ColumnInfo& column) const;
  /// SQL run once on every new connection (SQLite: PRAGMA foreign_keys=ON, ...).
  [[nodiscard]] virtual std::string connection_setup() const { return {}; }
};

[[nodiscard]] std::unique_ptr<Dialect> make_dialect(DialectKind kind);

/// Whether `column` (which has a foreign key) is the first column of its FOREIGN KEY constraint:
/// a constraint of its own, or the first of a composite group (ForeignKeyInfo::composite). Only
/// the leading column's constraint is created, added or dropped.
[[nodiscard]] bool leads_foreign_key(const TableInfo& table, const ColumnInfo& column);

}  // namespace ormc::detail
