// ResultCursor: runs a SELECT for a Session, buffered or streamed (PostgreSQL server-side cursor, SQLite stepping).
//
// PostgreSQL: `DECLARE ormc_cursor_<k> NO SCROLL CURSOR FOR <select>` inside the Session's
// transaction, then `FETCH FORWARD <n> FROM ormc_cursor_<k>` whenever the previous batch is used
// up, and `CLOSE` at the end. Only one batch of raw rows is in client memory at a time; rows become
// objects one by one. Every one of these statements goes through the Engine's statement log.
// SQLite: the driver already steps a read-only statement lazily, one row per next().
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "connection.hpp"
#include "ormc/errors.hpp"
#include "ormc/result.hpp"
#include "relationship_kinds.hpp"
#include "session/joined_load.hpp"
#include "session/row_values.hpp"
#include "session/session_core.hpp"
#include "sql/compiler.hpp"

namespace ormc::detail {

struct ResultCursor::Impl {
  SessionCore& session;
  CompiledSql sql;
  const EntityInfo* entity = nullptr;   // entity select
  const ColumnInfo* column = nullptr;   // scalar select of a bare column: decoded as that column
  Type value_type = Type::Integer;
  std::size_t yield_per = 0;
  /// The entity's relationships this select loads with an IN query per batch (selectin).
  std::vector<const RelationshipInfo*> selectin;
  /// Loader options other than selectinload: set on each loaded object's unloaded collection.
  std::vector<std::pair<const RelationshipInfo*, LoaderStrategy>> overrides;

  /// Joined eager loads (lazy = "joined", joinedload()); null for every other select.
  std::unique_ptr<JoinedLoader> joined;
  /// With a joined collection the whole result is read at the first next(): the distinct parents,
  /// in the order of their first row, then handed out one by one.
  std::vector<std::shared_ptr<Object>> parents;
  std::size_t parent_position = 0;

  std::unique_ptr<Rows> rows;
  bool started = false;
  bool done = false;
  bool holds_session = false;  // claimed by the first next(), released after the last row (or close())

  // PostgreSQL server-side cursor
  bool server_cursor = false;
  std::size_t slot = 0;
  std::string name;
  std::uint64_t transaction = 0;  // the transaction the cursor was declared in
  std::size_t batch_rows = 0;     // rows read from the current FETCH

  Impl(SessionCore& s, CompiledSql compiled) : session(s), sql(std::move(compiled)) {}

  void start() {
    started = true;
    session.before_query();
    if (yield_per > 0 && session.engine().kind() == DialectKind::PostgreSQL) {
      slot = session.acquire_cursor_slot();
      name = fmt::format("ormc_cursor_{}", slot + 1);
      server_cursor = true;
      session.execute(fmt::format("DECLARE {} NO SCROLL CURSOR FOR {}", name, sql.sql), sql.params);
      transaction = session.transaction_serial();
      fetch();
    } else {
      rows = session.execute(sql.sql, sql.params);
    }
  }

  void fetch() {
    rows.reset();
    rows = session.execute(fmt::format("FETCH FORWARD {} FROM {}", yield_per, name), {});
    batch_rows = 0;
  }

  /// Reads every row of a joined collection load: parents de-duplicated, collections gathered.
  void read_joined_parents() {
    std::unordered_set<const Object*> seen;
    while (rows->next()) {
      std::shared_ptr<Object> parent = joined->load_row(*rows);
      if (seen.insert(parent.get()).second) parents.push_back(std::move(parent));
    }
    close();
    joined->finish();
  }

  bool next() {
    if (joined && joined->plan().has_collection()) [[unlikely]] {
      if (!started) {
        start();
        read_joined_parents();
      }
      if (parent_position < parents.size()) {
        ++parent_position;
        return true;
      }
      parents.clear();
      return false;
    }
    if (done) return false;
    if (!started) start();
    if (rows->next()) {
      ++batch_rows;
      return true;
    }
    // A short batch was the last one; a full one may be followed by more.
    if (server_cursor && batch_rows == yield_per) {
      fetch();
      if (rows->next()) {
        ++batch_rows;
        return true;
      }
    }
    close();
    return false;
  }

  void close() {
    done = true;
    rows.reset();
    if (!server_cursor) return;
    server_cursor = false;
    // The cursor ended with its transaction (commit / rollback during the loop): nothing to close.
    const bool same_transaction = session.transaction_serial() == transaction && session.in_transaction();
    session.release_cursor_slot(slot);
    if (same_transaction) session.execute("CLOSE " + name, {});
  }
};

namespace {

/// A loader option on a many-to-one for the objects of one batch: noload leaves the reference empty
/// now (as SQLAlchemy's noload sets None), lazyload / raiseload decide at access.
void override_references(const RelationshipInfo& rel, LoaderStrategy strategy,
                         std::span<const std::shared_ptr<Object>> objects) {
  for (const auto& object : objects) {
    ReferenceState* ref = object ? reference_state(*object, rel) : nullptr;
    if (ref == nullptr || ref->loaded()) continue;
    if (strategy == LoaderStrategy::Noload) ref->accept_loaded(nullptr, false);
    else ref->set_strategy(strategy);
  }
}

}  // namespace

ResultCursor::ResultCursor(SessionCore& session, const SelectData& stmt, Type value_type)
    : impl_(std::make_unique<Impl>(session, compile_select(session.engine().dialect(), stmt))) {
  impl_->entity = stmt.entity;
  impl_->value_type = value_type;
  if (JoinedPlan plan = joined_plan(stmt); !plan.empty()) [[unlikely]]
    impl_->joined = std::make_unique<JoinedLoader>(session, *stmt.entity, std::move(plan));
  if (stmt.entity != nullptr) {
    for (const RelationshipInfo& rel : stmt.entity->relationships) {
      if (!is_loaded_collection(rel) && !is_reference(rel)) continue;
      // The configured strategy, unless a loader option of this query names the relationship.
      LoaderStrategy strategy = rel.lazy;
      bool optioned = false;
      for (const LoaderOption& option : stmt.loader_options) {
        if (option.relationship != &rel) continue;
        strategy = option.strategy;
        optioned = true;
      }
      if (strategy == LoaderStrategy::Selectin) impl_->selectin.push_back(&rel);
      // joinedload() is the join itself (a collection it couldn't fill loads lazily, as joined does).
      else if (optioned && strategy != LoaderStrategy::Joined) impl_->overrides.push_back({&rel, strategy});
    }
  }
  if (stmt.column && stmt.column->kind == ExprNode::Kind::Column)
    impl_->column = &stmt.column->entity->table->columns[stmt.column->column];
}

ResultCursor::~ResultCursor() {
  try {
    impl_->close();
  } catch (...) {
    // A destructor must not throw; a CLOSE that failed leaves a cursor the transaction's end frees.
  }
  release_session();
}

void ResultCursor::release_session() noexcept {
  if (!impl_->holds_session) return;
  impl_->holds_session = false;
  impl_->session.release_use();
}

void ResultCursor::set_yield_per(std::size_t rows) {
  // A parent's rows could straddle two batches and its collection come out partial: refused, as
  // SQLAlchemy refuses yield_per with joined collection eager loading.
  if (const JoinedStep* step = impl_->joined ? impl_->joined->plan().first_collection() : nullptr)
    throw InvalidRequestError("yield_per() can't be used with joined eager loading of the collection '" +
                              std::string(step->owner->name) + "." + std::string(step->rel->name) +
                              "': a parent's rows may span batches; use selectinload() or lazyload() for it");
  impl_->yield_per = rows;
}

bool ResultCursor::next() {
  // The cursor holds its Session from the first row to the last (or close()), as a UseGuard holds it
  // for one call: claiming it again for every row cost a locked instruction per streamed row. Until
  // then another thread is refused the Session, as during any call.
  if (!impl_->holds_session) {
    impl_->session.claim_use();
    impl_->holds_session = true;
  } else if (!impl_->session.used_by_this_thread()) {
    UseGuard check(impl_->session);  // refuses the read: another thread holds the Session
  }
  bool more = false;
  try {
    more = impl_->next();
  } catch (...) {
    release_session();
    throw;
  }
  if (!more) release_session();
  return more;
}

std::shared_ptr<Object> ResultCursor::object() const {
  if (impl_->joined) [[unlikely]] {
    if (impl_->joined->plan().has_collection()) {
      if (impl_->parent_position == 0 || impl_->parent_position > impl_->parents.size())
        throw InvalidRequestError("no current row of an entity select");
      return impl_->parents[impl_->parent_position - 1];
    }
    if (!impl_->rows) throw InvalidRequestError("no current row of an entity select");
    // References only: each row is whole, so its object is finished at once.
    std::shared_ptr<Object> object = impl_->joined->load_row(*impl_->rows);
    impl_->joined->finish();
    return object;
  }
  if (!impl_->rows || impl_->entity == nullptr) throw InvalidRequestError("no current row of an entity select");
  return impl_->session.object_from_row(*impl_->entity, *impl_->rows, 0);
}

Value ResultCursor::value() const {
  if (!impl_->rows) throw InvalidRequestError("no current row");
  if (impl_->column != nullptr) return read_column(*impl_->rows, 0, *impl_->column);
  return impl_->rows->get(0, impl_->value_type);
}

bool ResultCursor::eager() const noexcept {
  return !impl_->selectin.empty() || !impl_->overrides.empty() || impl_->joined != nullptr;
}

void ResultCursor::load_eager(std::span<const std::shared_ptr<Object>> objects) {
  for (const auto& [rel, strategy] : impl_->overrides) {
    if (is_reference(*rel)) {
      override_references(*rel, strategy, objects);
      continue;
    }
    for (const auto& object : objects) {
      LoadedCollectionState* coll = object ? loaded_collection_state(*object, *rel) : nullptr;
      if (coll == nullptr || coll->loaded()) continue;
      // noload: empty now (SQLAlchemy sets an empty collection at load); lazyload / raiseload:
      // decided at access.
      if (strategy == LoaderStrategy::Noload) coll->accept_loaded({});
      else coll->set_strategy(strategy);
    }
  }
  for (const RelationshipInfo* rel : impl_->selectin) impl_->session.selectin_load_query(*rel, objects);
}

void ResultCursor::close() {
  UseGuard guard(impl_->session);
  release_session();
  impl_->close();
}

}  // namespace ormc::detail
