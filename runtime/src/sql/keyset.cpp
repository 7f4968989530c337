// Keyset pagination: the "rows after the last one" criterion in a statement's order plus the primary key.
#include <string>
#include <utility>

#include "object_access.hpp"
#include "ormc/errors.hpp"
#include "ormc/pages.hpp"

namespace ormc::detail {
namespace {

struct KeyColumn {
  std::uint16_t column;
  bool descending;
};

std::string entity_name(const EntityInfo& e) { return std::string(e.name); }

/// The statement's order as columns of its entity, then every primary-key column not in it: a
/// total order, so "after the last row" is exact even when order values repeat.
std::vector<KeyColumn> keyset_order(const SelectData& stmt) {
  const EntityInfo& entity = *stmt.entity;
  std::vector<KeyColumn> order;
  if (stmt.explicit_order) {
    for (const OrderBy& term : stmt.order_by) {
      if (term.expr->kind != ExprNode::Kind::Column || term.expr->entity != &entity)
        throw InvalidRequestError("pages(): keyset pagination orders by columns of " + entity_name(entity) +
                                  " only; an order_by() term is another expression");
      order.push_back({term.expr->column, term.order == SortOrder::Descending});
    }
  } else {
    for (const OrderTerm& t : entity.order_by) order.push_back({t.column, t.descending});
  }
  for (std::uint16_t k : entity.primary_key) {
    bool present = false;
    for (const KeyColumn& c : order) present = present || c.column == k;
    if (!present) order.push_back({k, false});
  }
  return order;
}

ExprPtr column_node(const EntityInfo& e, std::uint16_t c) {
  return make_node({.kind = ExprNode::Kind::Column, .entity = &e, .column = c});
}
ExprPtr param_node(Value v) { return make_node({.kind = ExprNode::Kind::Param, .value = std::move(v)}); }

}  // namespace

SelectData keyset_page(const SelectData& stmt, const Object* last, std::size_t page_size) {
  if (stmt.entity == nullptr) throw InvalidRequestError("pages(): only select<T>() statements can be paged");
  if (stmt.limit || stmt.offset)
    throw InvalidRequestError("pages(): the statement already has limit()/offset(); pages are sized by pages(stmt, n)");
  const EntityInfo& entity = *stmt.entity;
  const std::vector<KeyColumn> order = keyset_order(stmt);

  SelectData page = stmt;
  page.order_by.clear();
  for (const KeyColumn& c : order)
    page.order_by.push_back(OrderBy{column_node(entity, c.column), c.descending ? SortOrder::Descending : SortOrder::Default});
  page.explicit_order = true;
  page.limit = static_cast<std::int64_t>(page_size);
  if (last == nullptr) return page;

  // (c1 > v1) OR (c1 = v1 AND c2 > v2) OR ... with < for descending columns: portable to both
  // dialects and correct for mixed directions, where a row-value comparison is not.
  std::vector<Value> values;
  for (const KeyColumn& c : order) {
    Value v = ObjectAccess::get(*last, c.column);
    if (v.is_null())
      throw InvalidRequestError("pages(): the last row's '" + std::string(entity.table->columns[c.column].name) +
                                "' is NULL; keyset pagination needs non-NULL order columns");
    values.push_back(std::move(v));
  }
  ExprPtr after;
  for (std::size_t i = 0; i < order.size(); ++i) {
    ExprPtr term = binary(order[i].descending ? "<" : ">", column_node(entity, order[i].column), param_node(values[i]));
    for (std::size_t j = i; j-- > 0;)
      term = binary("AND", binary("=", column_node(entity, order[j].column), param_node(values[j])), term);
    after = after ? binary("OR", after, term) : term;
  }
  page.where.push_back(after);
  return page;
}

}  // namespace ormc::detail
