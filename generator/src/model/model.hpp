// The checked, immutable model of a schema: what sema proves and what templates read.
//
// Everything a template needs is computed here (or in codegen/names for C++ spellings):
// SQL names, SQL types per dialect, resolved relationship kinds and join columns.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diag/source.hpp"

namespace ormc::model {

using diag::Location;

/// The DSL's column types (SPEC §1.4).
enum class ColumnType {
  SmallInteger, Integer, BigInteger, Boolean, Float, Double, Numeric,
  String, Text, Date, DateTime, Uuid, LargeBinary,
};

/// The DSL spelling ("BigInteger").
const char* type_name(ColumnType type);

enum class ForeignKeyAction { Unspecified, Cascade, SetNull, Restrict, NoAction };

struct Table;
struct Column;
struct Entity;

struct ForeignKey {
  const Table* table = nullptr;    ///< referenced table
  const Column* column = nullptr;  ///< referenced column
  ForeignKeyAction ondelete = ForeignKeyAction::Unspecified;
  ForeignKeyAction onupdate = ForeignKeyAction::Unspecified;
  Location where;
  /// Columns referencing every column of a multi-column primary key share a group number (1, 2,
  /// ... within their table) and become one FOREIGN KEY constraint; 0: a constraint of its own.
  std::uint16_t composite = 0;
};

/// A literal default: `default(...)` (client side) or `server_default(...)`.
struct DefaultValue {
  enum class Kind { Integer, Float, String, Boolean, Now };
  Kind kind = Kind::Integer;
  std::string text;  ///< the literal as written (strings decoded)
};

struct Column {
  std::string attribute;  ///< the DSL member name (also the C++ accessor, modulo escaping)
  std::string sql_name;   ///< `column("...")`, else the attribute
  ColumnType type = ColumnType::Integer;
  std::uint32_t length = 0;     ///< String(n)
  std::uint16_t precision = 0;  ///< Numeric(p, s)
  std::uint16_t scale = 0;
  bool nullable = false;
  bool primary_key = false;
  bool autoincrement = false;
  bool unique = false;
  bool index = false;
  bool deferred = false;
  std::string deferred_group;
  std::optional<DefaultValue> default_value;
  std::optional<DefaultValue> server_default;
  std::optional<ForeignKey> foreign_key;
  std::size_t position = 0;  ///< index in Table::columns
  Location where;
};

struct Index {
  std::string name;  ///< may be empty: the runtime/DDL derives one
  std::vector<std::size_t> columns;
  bool unique = false;
  Location where;
};

struct Table {
  std::string dsl_name;  ///< the name it is referred to by in the DSL (entity or table name)
  std::string sql_name;
  std::vector<Column> columns;
  std::vector<std::size_t> primary_key;  ///< column positions
  std::vector<Index> indexes;            ///< multi-column unique(...) / index(...) options
  std::vector<std::string> checks;
  const Entity* entity = nullptr;        ///< null for plain `table` declarations
  Location where;

  [[nodiscard]] const Column* find_column(const std::string& attribute) const;
};

enum class RelationshipKind { OneToMany, ManyToOne, OneToOne, ManyToMany };
enum class LoaderStrategy { Select, Joined, Selectin, Raise, Noload, Dynamic, WriteOnly };
enum class PassiveDeletes { False, True, All };
enum class CollectionClass { None, List, Set, Map };

/// Cascade flags, as the runtime's ormc::Cascade.
enum Cascade : std::uint16_t {
  CascadeNone = 0,
  CascadeSaveUpdate = 1 << 0,
  CascadeMerge = 1 << 1,
  CascadeDelete = 1 << 2,
  CascadeDeleteOrphan = 1 << 3,
  CascadeExpunge = 1 << 4,
  CascadeRefreshExpire = 1 << 5,
};

struct OrderTerm {
  const Column* column = nullptr;
  bool descending = false;
};

/// Two joined columns; `local` is on the relationship owner's side of the join.
struct JoinPair {
  const Column* local = nullptr;
  const Column* remote = nullptr;
};

struct Relationship {
  std::string name;
  const Entity* owner = nullptr;
  const Entity* target = nullptr;
  RelationshipKind kind = RelationshipKind::OneToMany;
  bool uselist = true;   ///< `Target[]`
  bool nullable = true;  ///< scalar `Target?` (always true for collections)
  LoaderStrategy lazy = LoaderStrategy::Select;
  std::uint16_t cascade = CascadeSaveUpdate | CascadeMerge;
  PassiveDeletes passive_deletes = PassiveDeletes::False;
  bool passive_updates = true;
  bool single_parent = false;
  bool post_update = false;
  bool viewonly = false;
  bool innerjoin = false;
  int join_depth = 0;
  CollectionClass collection = CollectionClass::None;  ///< None for scalars
  const Column* collection_key = nullptr;              ///< map(Target.attr)
  const Table* secondary = nullptr;
  std::vector<JoinPair> primaryjoin;    ///< owner <-> target, or owner <-> secondary
  std::vector<JoinPair> secondaryjoin;  ///< secondary <-> target (many-to-many)
  std::vector<OrderTerm> order_by;
  std::string back_populates;           ///< paired member on the target (from back_populates or backref)
  bool from_backref = false;            ///< created by another relationship's `backref`
  Location where;
};

struct Entity {
  std::string name;  ///< the DSL/C++ class name
  Table table;
  std::vector<Relationship> relationships;
  std::vector<OrderTerm> order_by;
  bool eager_defaults = false;
  Location where;
};


/// One compiled .orm file, frozen after sema.
struct Schema {
  std::string source_name;               ///< file name as given on the command line (for headers)
  std::vector<std::string> namespace_parts;  ///< `schema a.b;` -> {"a", "b"}
  std::vector<std::unique_ptr<Entity>> entities;  ///< declared in this file, in source order
  std::vector<std::unique_ptr<Table>> tables;     ///< plain `table` declarations, in source order
  std::vector<std::shared_ptr<const Schema>> imports;  ///< directly imported files
};

}  // namespace ormc::model
