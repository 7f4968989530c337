// The SQLite dialect: `?N` placeholders, SQLite's type affinities and its spelling of server defaults.
#include "dialect/sqlite/sqlite_dialect.hpp"

#include <algorithm>
#include <cctype>

namespace ormc::detail {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

class SqliteDialect final : public Dialect {
 public:
  [[nodiscard]] DialectKind kind() const noexcept override { return DialectKind::SQLite; }
  [[nodiscard]] std::string_view name() const noexcept override { return "sqlite"; }

  void append_placeholder(std::string& sql, std::size_t index) const override {
    sql += '?';
    sql += std::to_string(index);
  }

  // SQLITE_MAX_VARIABLE_NUMBER's default since 3.32.
  [[nodiscard]] std::size_t max_parameters() const noexcept override { return 32766; }
  // UPDATE ... FROM exists since 3.33; DELETE has no USING.
  [[nodiscard]] bool supports_update_from() const noexcept override { return true; }
  [[nodiscard]] bool supports_delete_using() const noexcept override { return false; }
  [[nodiscard]] bool allows_forward_references() const noexcept override { return true; }

  // Affinity names (SPEC §1.4). A single-column autoincrement key must be exactly INTEGER so that
  // `INTEGER PRIMARY KEY` aliases the rowid.
  [[nodiscard]] std::string column_type(const ColumnInfo& column) const override {
    switch (column.type) {
      case Type::SmallInteger:
      case Type::Integer:
      case Type::BigInteger:
      case Type::Boolean: return "INTEGER";
      case Type::Float:
      case Type::Double: return "REAL";
      // Decimals are bound as text; NUMERIC affinity keeps comparisons and arithmetic numeric.
      case Type::Numeric: return "NUMERIC";
      case Type::String:
      case Type::Text:
      case Type::Date:
      case Type::DateTime:
      case Type::Uuid: return "TEXT";
      case Type::LargeBinary: return "BLOB";
    }
    return "TEXT";
  }

  [[nodiscard]] std::string server_default(const ColumnInfo& column) const override {
    if (column.server_default.kind == ServerDefault::Kind::Now) {
      if (column.type == Type::Date) return "(date('now'))";
      // %f is SS.SSS; the literal 000 pads it to microseconds so that defaults and bound
      // timestamps share one text form and text order stays time order.
      return "(strftime('%Y-%m-%d %H:%M:%f000','now'))";
    }
    const std::string_view literal = column.server_default.literal;
    if (column.type == Type::Boolean) {
      if (equals_ignoring_case(literal, "true")) return "1";
      if (equals_ignoring_case(literal, "false")) return "0";
    }
    return std::string(literal);
  }

  [[nodiscard]] std::string connection_setup() const override { return "PRAGMA foreign_keys=ON"; }
};

}  // namespace

std::unique_ptr<Dialect> make_sqlite_dialect() { return std::make_unique<SqliteDialect>(); }

}  // namespace ormc::detail
