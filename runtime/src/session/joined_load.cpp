// JoinedLoader: fills references and collections from the joined columns of each row (joined eager loading).
#include "session/joined_load.hpp"

#include <algorithm>

#include "connection.hpp"
#include "ormc/result.hpp"
#include "relationship_kinds.hpp"
#include "session/session_core.hpp"

namespace ormc::detail {

JoinedLoader::JoinedLoader(SessionCore& session, const EntityInfo& entity, JoinedPlan plan)
    : session_(session), entity_(entity), plan_(std::move(plan)), row_objects_(plan_.steps.size()) {}

bool JoinedLoader::absent(const Rows& rows, const JoinedStep& step) const {
  for (std::uint16_t c : step.rel->target().primary_key)
    if (rows.is_null(step.first + c)) return true;
  return false;
}

namespace {

/// Whether `target`'s back_populates collection of `rel` is loaded and holds `owner` (it keeps
/// the pair together; a strong reference back would be a cycle).
bool held_back(const Object& owner, const RelationshipInfo& rel, Object& target) {
  const RelationshipInfo* pair = paired_relationship(rel);
  const LoadedCollectionState* coll = pair ? loaded_collection_state(target, *pair) : nullptr;
  if (coll == nullptr || !coll->loaded()) return false;
  for (const auto& item : coll->loaded_items())
    if (item.get() == &owner) return true;
  return false;
}

}  // namespace

std::shared_ptr<Object> JoinedLoader::load_row(const Rows& rows) {
  std::shared_ptr<Object> root = session_.object_from_row(entity_, rows, 0);
  for (std::size_t i = 0; i < plan_.steps.size(); ++i) {
    const JoinedStep& step = plan_.steps[i];
    const std::shared_ptr<Object>& owner = step.parent < 0 ? root : row_objects_[static_cast<std::size_t>(step.parent)];
    row_objects_[i].reset();
    if (!owner) continue;  // the owner's own join found nothing: neither do its joins
    std::shared_ptr<Object> target;
    if (!absent(rows, step)) target = session_.object_from_row(step.rel->target(), rows, step.first);
    if (step.collection()) {
      gather(i, owner, target);
    } else if (ReferenceState* ref = reference_state(*owner, *step.rel)) {
      // A reference the user set (unflushed) or memory already knows stays as it is.
      if (!ref->changed() && !ref->known()) {
        ref->joined_loaded(target);
        if (target && held_back(*owner, *step.rel, *target)) ref->release_hold(target.get());
      }
    }
    row_objects_[i] = std::move(target);
  }
  return root;
}

void JoinedLoader::gather(std::size_t step, const std::shared_ptr<Object>& owner, const std::shared_ptr<Object>& target) {
  auto [it, fresh] = index_.try_emplace({step, owner.get()}, gathered_.size());
  if (fresh) {
    Gathered g;
    g.owner = owner;
    LoadedCollectionState* state = loaded_collection_state(*owner, *plan_.steps[step].rel);
    // A collection loaded before this query stays as it is (SQLAlchemy without populate_existing).
    if (state != nullptr && !state->loaded()) g.state = state;
    gathered_.push_back(std::move(g));
  }
  Gathered& g = gathered_[it->second];
  if (g.state != nullptr && target && g.seen.insert(target.get()).second) g.items.push_back(target);
}

void JoinedLoader::finish() {
  for (Gathered& g : gathered_)
    if (g.state != nullptr) g.state->accept_loaded(std::move(g.items));
  gathered_.clear();
  index_.clear();
  for (auto& o : row_objects_) o.reset();
}

bool SessionCore::has_joined_loads(const EntityInfo& entity) noexcept {
  return std::any_of(entity.relationships.begin(), entity.relationships.end(),
                     [](const RelationshipInfo& r) { return r.lazy == LoaderStrategy::Joined; });
}

std::shared_ptr<Object> SessionCore::get_joined(const EntityInfo& entity, std::span<const Value> key) {
  SelectData data;
  data.entity = &entity;
  for (std::size_t i = 0; i < key.size(); ++i) {
    auto column = make_node({.kind = ExprNode::Kind::Column, .entity = &entity, .column = entity.primary_key[i]});
    data.where.push_back(binary("=", column, make_node({.kind = ExprNode::Kind::Param, .value = key[i]})));
  }
  data.explicit_order = true;  // one row: no ORDER BY of the entity's (joined collections keep theirs)
  ResultCursor cursor(*this, data, Type::Integer);
  if (!cursor.next()) return nullptr;
  std::shared_ptr<Object> object = cursor.object();
  cursor.close();
  return object;
}

}  // namespace ormc::detail
