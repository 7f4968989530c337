// The PostgreSQL dialect: `$N` placeholders, native column types, serial keys and session settings.
#include "dialect/postgresql/postgresql_dialect.hpp"

#include <fmt/format.h>

#include "dialect/postgresql/postgresql_text.hpp"

namespace ormc::detail {
namespace {

class PostgresqlDialect final : public Dialect {
 public:
  [[nodiscard]] DialectKind kind() const noexcept override { return DialectKind::PostgreSQL; }
  [[nodiscard]] std::string_view name() const noexcept override { return "postgresql"; }

  void append_placeholder(std::string& sql, std::size_t index) const override {
    sql += '$';
    sql += std::to_string(index);
  }

  // The wire protocol counts parameters in 16 bits.
  [[nodiscard]] std::size_t max_parameters() const noexcept override { return 65535; }
  [[nodiscard]] bool supports_update_from() const noexcept override { return true; }
  [[nodiscard]] bool supports_delete_using() const noexcept override { return true; }
  [[nodiscard]] bool allows_forward_references() const noexcept override { return false; }

  // Autoincrement keys use serial types (not IDENTITY): they accept explicit values without
  // OVERRIDING SYSTEM VALUE, as SQLAlchemy's default PostgreSQL DDL does.
  [[nodiscard]] std::string column_type(const ColumnInfo& column) const override {
    switch (column.type) {
      case Type::SmallInteger: return column.autoincrement ? "smallserial" : "smallint";
      case Type::Integer: return column.autoincrement ? "serial" : "integer";
      case Type::BigInteger: return column.autoincrement ? "bigserial" : "bigint";
      case Type::Boolean: return "boolean";
      case Type::Float: return "real";
      case Type::Double: return "double precision";
      case Type::Numeric:
        if (column.precision == 0) return "numeric";
        return fmt::format("numeric({},{})", column.precision, column.scale);
      case Type::String:
        if (column.length == 0) return "text";
        return fmt::format("varchar({})", column.length);
      case Type::Text: return "text";
      case Type::Date: return "date";
      // Without time zone: values are UTC by convention (see server_default and connection_setup).
      case Type::DateTime: return "timestamp";
      case Type::Uuid: return "uuid";
      case Type::LargeBinary: return "bytea";
    }
    return "text";
  }

  [[nodiscard]] std::string value_type(const ColumnInfo& column) const override {
    switch (column.type) {
      case Type::Numeric: return "numeric";
      case Type::String: return column.length == 0 ? "text" : "varchar";
      default: break;
    }
    ColumnInfo plain = column;
    plain.autoincrement = false;  // "serial" is DDL shorthand, not a type to cast to
    return column_type(plain);
  }

  [[nodiscard]] bool inserts_from_arrays() const noexcept override { return true; }

  [[nodiscard]] std::vector<Value> column_arrays(std::span<const Value> rows, std::size_t width,
                                                 const std::string& sql) const override {
    std::vector<Value> arrays;
    arrays.reserve(width);
    for (std::size_t column = 0; column < width; ++column) arrays.emplace_back(array_literal(rows, width, column, sql));
    return arrays;
  }

  [[nodiscard]] std::string server_default(const ColumnInfo& column) const override {
    if (column.server_default.kind == ServerDefault::Kind::Now) {
      if (column.type == Type::Date) return "CURRENT_DATE";
      // now() is a timestamptz; converting it explicitly keeps the stored value UTC whatever the
      // TimeZone of the session that inserts the row.
      return "(now() AT TIME ZONE 'utc')";
    }
    return std::string(column.server_default.literal);
  }

  // Fixes every session setting the text forms depend on, whatever the server's configuration:
  // ISO dates, hex bytea, round-trip floats, UTF-8, UTC.
  [[nodiscard]] std::string connection_setup() const override {
    return "SET client_encoding TO 'UTF8'; SET DateStyle TO 'ISO, YMD'; SET bytea_output TO 'hex'; "
           "SET extra_float_digits TO 3; SET TIME ZONE 'UTC'";
  }
};

}  // namespace

std::unique_ptr<Dialect> make_postgresql_dialect() { return std::make_unique<PostgresqlDialect>(); }

}  // namespace ormc::detail
