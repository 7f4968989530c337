// Schema metadata tables that generated code defines as constant data and the runtime reads.
//
// Generated code is declarative (Diesel-style): tables of ColumnInfo / TableInfo / EntityInfo /
// RelationshipInfo plus thin accessors; all behaviour lives in the runtime.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ormc/value.hpp"

namespace ormc {

class Object;
class Database;
namespace detail {
class RelationshipState;
class CellReader;
}
enum class DialectKind : std::uint8_t;

/// ON DELETE / ON UPDATE action of a foreign key.
enum class ForeignKeyAction : std::uint8_t { Unspecified, Cascade, SetNull, Restrict, NoAction };

struct ForeignKeyInfo {
  std::string_view table{};   ///< SQL name of the referenced table
  std::string_view column{};  ///< SQL name of the referenced column
  ForeignKeyAction ondelete = ForeignKeyAction::Unspecified;
  ForeignKeyAction onupdate = ForeignKeyAction::Unspecified;
  /// Columns referencing a multi-column primary key share a number (1, 2, ... within their table)
  /// and form one FOREIGN KEY constraint, led by the first of them; 0: a constraint of its own.
  std::uint16_t composite = 0;
};

/// A default computed by the server (`server_default(...)`), spelled per dialect by the runtime.
struct ServerDefault {
  enum class Kind : std::uint8_t { None, Literal, Now };
  Kind kind = Kind::None;
  std::string_view literal{};  ///< SQL literal text for Kind::Literal (already quoted when a string)
};

struct ColumnInfo {
  std::string_view attribute{};  ///< name in the DSL and in C++
  std::string_view name{};       ///< SQL column name
  Type type = Type::Integer;
  std::uint32_t length = 0;    ///< String(n); 0 = unbounded
  std::uint16_t precision = 0; ///< Numeric(p, s)
  std::uint16_t scale = 0;
  bool nullable = false;
  bool primary_key = false;
  bool autoincrement = false;  ///< the database generates the value
  bool unique = false;
  bool index = false;
  ServerDefault server_default{};
  const ForeignKeyInfo* foreign_key = nullptr;
};

/// A multi-column UNIQUE constraint or index (entity options `unique(a, b)` / `index(a, b)`).
struct IndexInfo {
  std::string_view name{};
  std::span<const std::uint16_t> columns{};  ///< column positions in TableInfo::columns
  bool unique = false;
};

struct TableInfo {
  std::string_view name{};  ///< SQL table name
  std::span<const ColumnInfo> columns{};
  std::span<const IndexInfo> indexes{};
  std::span<const std::string_view> checks{};  ///< CHECK constraint expressions

  /// Position of the column with SQL name `name`, or -1.
  [[nodiscard]] int column_index(std::string_view name) const noexcept;
};

/// Reads or writes one mapped field of an object (one accessor per column).
struct FieldAccessor {
  Value (*get)(const Object&) = nullptr;
  void (*set)(Object&, Value&&) = nullptr;
  /// Decodes result cell `index` straight into the field: no Value in between (rows are read this way).
  void (*load)(Object&, const detail::CellReader&, std::size_t index, const ColumnInfo&) = nullptr;
};

enum class RelationshipKind : std::uint8_t { OneToMany, ManyToOne, OneToOne, ManyToMany };
enum class LoaderStrategy : std::uint8_t { Select, Joined, Selectin, Raise, Noload, Dynamic, WriteOnly };
enum class PassiveDeletes : std::uint8_t { False, True, All };
enum class CollectionClass : std::uint8_t { None, List, Set, Map };

/// Cascade flags (`cascade = "..."`), combined with |.
enum Cascade : std::uint16_t {
  CascadeNone = 0,
  CascadeSaveUpdate = 1 << 0,
  CascadeMerge = 1 << 1,
  CascadeDelete = 1 << 2,
  CascadeDeleteOrphan = 1 << 3,
  CascadeExpunge = 1 << 4,
  CascadeRefreshExpire = 1 << 5,
};

struct EntityInfo;

/// One ordering term of a relationship's or entity's order_by.
struct OrderTerm {
  std::uint16_t column = 0;  ///< column position in the target table
  bool descending = false;
};

/// A pair of joined columns: `local` in the relationship's own table side, `remote` on the other.
struct JoinPair {
  std::string_view local_table{};
  std::string_view local_column{};
  std::string_view remote_table{};
  std::string_view remote_column{};
};

/// Everything the compiler resolved about one relationship.
struct RelationshipInfo {
  std::string_view name{};
  RelationshipKind kind = RelationshipKind::OneToMany;
  const EntityInfo& (*target)() = nullptr;  ///< a function: entities may refer to each other
  LoaderStrategy lazy = LoaderStrategy::Select;
  std::uint16_t cascade = CascadeSaveUpdate | CascadeMerge;
  PassiveDeletes passive_deletes = PassiveDeletes::False;
  bool passive_updates = true;
  bool single_parent = false;
  bool post_update = false;
  bool viewonly = false;
  bool innerjoin = false;
  bool uselist = true;
  std::uint16_t join_depth = 0;
  CollectionClass collection = CollectionClass::None;
  int collection_key_column = -1;          ///< map(Target.attr): the key column of the target
  const TableInfo* secondary = nullptr;    ///< many-to-many association table
  std::span<const JoinPair> primaryjoin{};   ///< parent <-> child (or parent <-> secondary)
  std::span<const JoinPair> secondaryjoin{}; ///< secondary <-> child (many-to-many)
  std::span<const OrderTerm> order_by{};
  std::string_view back_populates{};         ///< the paired member on the target, or empty
  /// The owner's state object for this relationship (its pending adds/removes), or null where
  /// the generated class keeps none yet.
  detail::RelationshipState* (*state)(Object&) = nullptr;
};

/// A mapped class: its table, how to read/write its fields, how to make a blank instance.
struct EntityInfo {
  std::string_view name{};  ///< qualified C++ name, e.g. "bank::Account"
  const TableInfo* table = nullptr;
  std::span<const FieldAccessor> fields{};     ///< parallel to table->columns
  std::span<const std::uint16_t> primary_key{};  ///< column positions
  std::span<const RelationshipInfo> relationships{};
  std::span<const OrderTerm> order_by{};       ///< default ordering of queries
  bool eager_defaults = false;
  std::shared_ptr<Object> (*instantiate)() = nullptr;
};

/// All tables and entities of one schema; `create_all` emits their DDL in dependency order.
class MetaData {
 public:
  MetaData(std::span<const TableInfo* const> tables, std::span<const EntityInfo* const> entities)
      : tables_(tables), entities_(entities) {}

  [[nodiscard]] std::span<const TableInfo* const> tables() const noexcept { return tables_; }
  [[nodiscard]] std::span<const EntityInfo* const> entities() const noexcept { return entities_; }

  /// CREATE TABLE (and CREATE INDEX) statements for `dialect`, parents before children.
  [[nodiscard]] std::vector<std::string> create_statements(DialectKind dialect) const;
  /// Creates every table that does not exist yet. @throw ormc::DatabaseError
  void create_all(Database& db) const;
  /// Drops every table of this schema that exists (children first). @throw ormc::DatabaseError
  void drop_all(Database& db) const;

 private:
  std::span<const TableInfo* const> tables_{};
  std::span<const EntityInfo* const> entities_{};
};

}  // namespace ormc
