// Statements pre-bound to a collection's parent: SELECT / UPDATE / DELETE / INSERT with the parent criterion.
#include "ormc/detail/collection_query.hpp"

#include <string>

#include "object_access.hpp"
#include "join_columns.hpp"
#include "ormc/errors.hpp"
#include "session/session_core.hpp"

namespace ormc::detail {
namespace {

ExprPtr param(Value v) { return make_node({.kind = ExprNode::Kind::Param, .value = std::move(v)}); }

/// The parent's value of its own join column, with its row known (a pending parent is flushed).
Value owner_value(RelationshipState& state, std::string_view column) {
  Object& owner = state.owner();
  InstanceState& s = ObjectAccess::state(owner);
  if (s.status == Status::Pending && s.session) s.session->autoflush();
  // A deleted parent still has its key: after its DELETE is flushed, a dynamic collection's
  // count() shows what the database's ON DELETE left (nothing, with CASCADE).
  if (s.status != Status::Persistent && s.status != Status::Detached && s.status != Status::Deleted)
    throw InvalidRequestError("Collection \"" + state.describe() + "\" can't be queried: its parent has no row yet (" +
                              (s.status == Status::Pending ? "flush the Session first" : "add it to a Session first") +
                              ")");
  const std::uint16_t position = column_of(*owner.ormc_entity().table, column);
  // An expired parent's primary key is its identity: the parent criterion doesn't need its row
  // reloaded (SQLAlchemy's with_parent takes the key from the identity too).
  if (s.expired && s.identity) {
    const auto& primary_key = owner.ormc_entity().primary_key;
    for (std::size_t i = 0; i < primary_key.size() && i < s.identity->key.size(); ++i)
      if (primary_key[i] == position) return s.identity->key[i];
  }
  if (s.expired && s.session) s.session->load_expired(owner);
  return ObjectAccess::get(owner, position);
}

struct Criterion {
  std::vector<ExprPtr> where;
  std::vector<const TableInfo*> from_tables;
};

Criterion parent_criterion(RelationshipState& state) {
  const RelationshipInfo& rel = state.info();
  const EntityInfo& target = rel.target();
  Criterion c;
  if (rel.kind == RelationshipKind::ManyToMany) {
    // parent.key = secondary.parent_fk AND target.key = secondary.target_fk
    const TableInfo& secondary = *rel.secondary;
    for (const JoinPair& p : rel.primaryjoin) {
      auto col = make_node({.kind = ExprNode::Kind::TableColumn, .table = &secondary,
                            .column = column_of(secondary, p.remote_column)});
      c.where.push_back(binary("=", col, param(owner_value(state, p.local_column))));
    }
    for (const JoinPair& p : rel.secondaryjoin) {
      auto sec = make_node({.kind = ExprNode::Kind::TableColumn, .table = &secondary,
                            .column = column_of(secondary, p.local_column)});
      auto tgt = make_node({.kind = ExprNode::Kind::Column, .entity = &target,
                            .column = column_of(*target.table, p.remote_column)});
      c.where.push_back(binary("=", tgt, sec));
    }
    c.from_tables.push_back(&secondary);
    return c;
  }
  if (rel.kind != RelationshipKind::OneToMany && rel.kind != RelationshipKind::OneToOne)
    throw InvalidRequestError("\"" + state.describe() + "\" is not a collection");
  for (const JoinPair& p : rel.primaryjoin) {
    auto col = make_node({.kind = ExprNode::Kind::Column, .entity = &target, .column = column_of(*target.table, p.remote_column)});
    c.where.push_back(binary("=", col, param(owner_value(state, p.local_column))));
  }
  return c;
}

}  // namespace

SelectData collection_select(RelationshipState& state) {
  const RelationshipInfo& rel = state.info();
  const EntityInfo& target = rel.target();
  Criterion c = parent_criterion(state);
  SelectData data;
  data.entity = &target;
  data.where = std::move(c.where);
  data.from_tables = std::move(c.from_tables);
  for (const OrderTerm& t : rel.order_by) {
    auto col = make_node({.kind = ExprNode::Kind::Column, .entity = &target, .column = t.column});
    data.order_by.push_back(OrderBy{col, t.descending ? SortOrder::Descending : SortOrder::Default});
  }
  data.explicit_order = !rel.order_by.empty();
  return data;
}

namespace {
/// UPDATE / DELETE data restricted to the relationship's rows.
template <class Data>
Data restricted_to_collection(RelationshipState& state) {
  Criterion c = parent_criterion(state);
  Data data;
  data.entity = &state.info().target();
  data.where = std::move(c.where);
  data.from_tables = std::move(c.from_tables);
  return data;
}
}  // namespace

UpdateData collection_update(RelationshipState& state) { return restricted_to_collection<UpdateData>(state); }
DeleteData collection_delete(RelationshipState& state) { return restricted_to_collection<DeleteData>(state); }

InsertData collection_insert(RelationshipState& state) {
  const RelationshipInfo& rel = state.info();
  if (rel.kind != RelationshipKind::OneToMany)
    throw InvalidRequestError("Collection \"" + state.describe() +
                              "\" is many-to-many: insert() can't set an association row. Insert the rows with "
                              "ormc::insert<T>() (or add them to a Session), then add_all() them to the collection");
  // The rows get the parent's key: a parent without a row (and no Session to flush it) has none.
  const InstanceState& s = ObjectAccess::state(state.owner());
  if (s.status == Status::Transient || (s.status == Status::Pending && !s.session))
    throw InvalidRequestError("Collection \"" + state.describe() +
                              "\": insert() fills the foreign key from the parent, which has no row yet; add the "
                              "parent to a Session and flush it first (or add() children instead)");
  InsertData data;
  data.entity = &rel.target();
  for (const JoinPair& p : rel.primaryjoin)
    data.fixed.push_back({column_of(*rel.target().table, p.remote_column), param(owner_value(state, p.local_column))});
  return data;
}

}  // namespace ormc::detail
