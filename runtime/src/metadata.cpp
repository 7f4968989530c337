// MetaData's DDL: tables ordered by their foreign keys (cycles broken deterministically), create_all and drop_all.
#include "ormc/metadata.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dialect/dialect.hpp"
#include "engine.hpp"
#include "ormc/database.hpp"

namespace ormc {

int TableInfo::column_index(std::string_view column_name) const noexcept {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column_name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

/// A foreign key left out of its CREATE TABLE because the referenced table comes later.
struct DeferredForeignKey {
  const TableInfo* table;
  const ColumnInfo* column;
};

/// The order tables are created in (dropped in reverse), and the foreign keys added afterwards.
struct Plan {
  std::vector<const TableInfo*> order;
  std::vector<DeferredForeignKey> deferred;
};

// Parents before children; among the tables that are ready, the earliest in the metadata comes
// first, so the order only changes when the schema does. A self-reference needs nothing. When
// only tables of a cycle remain, the earliest of them is created first; on a dialect that can't
// name a table before it exists, its foreign keys into the rest of the cycle are deferred.
Plan plan(std::span<const TableInfo* const> tables, bool forward_references) {
  std::unordered_map<std::string_view, std::size_t> position;
  for (std::size_t i = 0; i < tables.size(); ++i) position.emplace(tables[i]->name, i);
  const auto parent_of = [&](const ColumnInfo& c) -> std::optional<std::size_t> {
    if (c.foreign_key == nullptr) return std::nullopt;
    const auto it = position.find(c.foreign_key->table);
    if (it == position.end()) return std::nullopt;  // a table of another schema: created by its own metadata
    return it->second;
  };

  Plan out;
  std::vector<bool> created(tables.size(), false);
  const auto ready = [&](std::size_t i) {
    return std::ranges::all_of(tables[i]->columns, [&](const ColumnInfo& c) {
      const auto parent = parent_of(c);
      return !parent || *parent == i || created[*parent];
    });
  };
  while (out.order.size() < tables.size()) {
    std::size_t next = tables.size();
    for (std::size_t i = 0; i < tables.size() && next == tables.size(); ++i) {
      if (!created[i] && ready(i)) next = i;
    }
    if (next == tables.size()) {
      next = static_cast<std::size_t>(std::ranges::find(created, false) - created.begin());
      if (!forward_references) {
        for (const ColumnInfo& c : tables[next]->columns) {
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

// Runs `statements` in one transaction through the engine, so that listeners and echo see them.
void run_in_transaction(Database& db, const std::vector<std::string>& statements) {
  detail::Engine& engine = db.engine();
  detail::PooledConnection conn = engine.acquire();
  conn->begin();
  try {
    for (const std::string& sql : statements) engine.execute_script(*conn, sql);
    conn->commit();
  } catch (...) {
    try {
      conn->rollback();
    } catch (...) {
      // the original error is the one worth reporting
    }
    throw;
  }
}

}  // namespace

std::vector<std::string> MetaData::create_statements(DialectKind dialect_kind) const {
  const std::unique_ptr<detail::Dialect> dialect = detail::make_dialect(dialect_kind);
  const Plan p = plan(tables_, dialect->allows_forward_references());
  std::vector<std::string> out;
  for (const TableInfo* table : p.order) {
    const bool has_deferred =
        std::ranges::any_of(p.deferred, [&](const DeferredForeignKey& d) { return d.table == table; });
    if (!has_deferred) {
      out.push_back(dialect->create_table(*table));
      continue;
    }
    std::vector<ColumnInfo> columns(table->columns.begin(), table->columns.end());
    for (const DeferredForeignKey& d : p.deferred) {
      if (d.table == table) columns[static_cast<std::size_t>(d.column - table->columns.data())].foreign_key = nullptr;
    }
    TableInfo without = *table;
    without.columns = columns;
    out.push_back(dialect->create_table(without));
  }
  // A composite foreign key is deferred column by column (they share a parent) but added once.
  for (const DeferredForeignKey& d : p.deferred)
    if (detail::leads_foreign_key(*d.table, *d.column)) out.push_back(dialect->add_foreign_key(*d.table, *d.column));
  for (const TableInfo* table : p.order) {
    for (std::string& sql : dialect->create_indexes(*table)) out.push_back(std::move(sql));
  }
  return out;
}

void MetaData::create_all(Database& db) const { run_in_transaction(db, create_statements(db.dialect())); }

void MetaData::drop_all(Database& db) const {
  const detail::Dialect& dialect = db.engine().dialect();
  const Plan p = plan(tables_, dialect.allows_forward_references());
  std::vector<std::string> statements;
  // The foreign keys that closed a cycle go first; then no table is referenced by one dropped later.
  for (const DeferredForeignKey& d : p.deferred)
    if (detail::leads_foreign_key(*d.table, *d.column)) statements.push_back(dialect.drop_foreign_key(*d.table, *d.column));
  for (auto it = p.order.rbegin(); it != p.order.rend(); ++it) statements.push_back(dialect.drop_table(**it));
  run_in_transaction(db, statements);
}

}  // namespace ormc
