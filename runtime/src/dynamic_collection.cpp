// DynamicCollection's reads: where they go (the owner's Session, or its pending items), their SELECT and count(*).
#include "ormc/dynamic.hpp"

#include <algorithm>
#include <string>

#include "object_access.hpp"
#include "ormc/detail/collection_query.hpp"
#include "session/session_core.hpp"

namespace ormc::detail {
namespace {

bool has_row(Status s) { return s == Status::Persistent || s == Status::Deleted || s == Status::Detached; }

/// The Session a read runs in, autoflushed first (SPEC §4.6); nullptr when the parent has no row,
/// so its pending items are the whole collection. As SQLAlchemy's AppenderQuery.session: a parent in
/// a Session is flushed before the check, so a pending parent gets its row when autoflush is on.
SessionCore* read_session(RelationshipState& state) {
  const InstanceState& s = ObjectAccess::state(state.owner());
  if (s.session != nullptr) s.session->before_query();
  if (!has_row(s.status)) return nullptr;
  if (s.session == nullptr)
    throw InvalidRequestError("Parent of dynamic collection \"" + state.describe() +
                              "\" is detached (it has a row but belongs to no Session), so the collection can't be "
                              "queried; add the parent to a Session first");
  return s.session;
}

/// The parent's pending items with the query's OFFSET / LIMIT applied in memory; criteria and
/// ordering can't be evaluated there, so they are refused rather than silently ignored.
std::vector<std::shared_ptr<Object>> pending_items(const RelationshipState& state, const DynamicQueryData& q) {
  if (!q.where.empty() || !q.order_by.empty())
    throw InvalidRequestError("Dynamic collection \"" + state.describe() +
                              "\" belongs to a parent without a row: its items exist only in memory, where filter() "
                              "and order_by() can't be evaluated. Add the parent to a Session and flush it first");
  const auto& added = state.added();
  const auto begin = static_cast<std::size_t>(std::min<std::int64_t>(q.offset, static_cast<std::int64_t>(added.size())));
  std::size_t end = added.size();
  if (q.limit) end = std::min(end, begin + static_cast<std::size_t>(*q.limit));
  return {added.begin() + static_cast<std::ptrdiff_t>(begin), added.begin() + static_cast<std::ptrdiff_t>(end)};
}

}  // namespace

SelectData dynamic_select(RelationshipState& state, const DynamicQueryData& q) {
  SelectData data = collection_select(state);
  data.where.insert(data.where.end(), q.where.begin(), q.where.end());
  if (q.unordered) {
    data.order_by.clear();
    data.explicit_order = true;  // also keeps the entity's default order off
  }
  if (!q.order_by.empty()) {
    data.order_by.insert(data.order_by.end(), q.order_by.begin(), q.order_by.end());
    data.explicit_order = true;
  }
  if (q.offset > 0) data.offset = q.offset;
  data.limit = q.limit;
  return data;
}

DynamicRows dynamic_rows(RelationshipState& state, const DynamicQueryData& q) {
  DynamicRows rows;
  SessionCore* session = read_session(state);
  if (session == nullptr) {
    rows.pending = pending_items(state, q);
    return rows;
  }
  if (q.limit && *q.limit == 0) return rows;  // an empty slice: nothing to ask the database
  rows.cursor = std::make_unique<ResultCursor>(*session, dynamic_select(state, q), Type::Integer);
  return rows;
}

std::size_t dynamic_count(RelationshipState& state, const DynamicQueryData& q) {
  SessionCore* session = read_session(state);
  if (session == nullptr) return pending_items(state, q).size();
  if (q.limit && *q.limit == 0) return 0;
  // count(*) over the parent criterion and the filters; ORDER BY is irrelevant to a count and
  // OFFSET / LIMIT are applied to the total here, which gives what SQLAlchemy's
  // `SELECT count(*) FROM (SELECT ... LIMIT ? OFFSET ?)` gives, in a simpler statement.
  SelectData rel = collection_select(state);
  SelectData stmt;
  stmt.column = make_node({.kind = ExprNode::Kind::Raw, .op = "count(*)"});
  stmt.from = &state.info().target();
  stmt.where = std::move(rel.where);
  stmt.where.insert(stmt.where.end(), q.where.begin(), q.where.end());
  stmt.from_tables = std::move(rel.from_tables);
  ResultCursor cursor(*session, stmt, Type::BigInteger);
  std::int64_t total = 0;
  if (cursor.next()) total = cursor.value().as<std::int64_t>();
  cursor.close();
  std::int64_t n = std::max<std::int64_t>(0, total - q.offset);
  if (q.limit) n = std::min(n, *q.limit);
  return static_cast<std::size_t>(n);
}

void dynamic_check_non_negative(std::int64_t n, const char* what) {
  if (n < 0)
    throw InvalidRequestError(std::string(what) + " of a dynamic collection was given " + std::to_string(n) +
                              ": negative values are not supported (SQL has no \"from the end\" without counting first)");
}

DynamicQueryData dynamic_slice(DynamicQueryData q, std::int64_t start, std::int64_t stop) {
  dynamic_check_non_negative(start, "slice() start");
  dynamic_check_non_negative(stop, "slice() stop");
  // Python's rows[offset:offset + limit][start:stop]: the new window starts `start` further in
  // and ends at the nearer of the old end and `stop`.
  const std::int64_t end = q.limit ? std::min(stop, *q.limit) : stop;
  q.offset += start;
  q.limit = std::max<std::int64_t>(0, end - start);
  return q;
}

void dynamic_index_error(const RelationshipState& state, std::int64_t index) {
  throw NoResultFound("Index " + std::to_string(index) + " is out of range of dynamic collection \"" +
                      state.describe() + "\"");
}

}  // namespace ormc::detail
