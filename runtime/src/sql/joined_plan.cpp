// Builds the JoinedPlan of an entity select: the joined eager loads, their aliases and column positions.
#include "sql/joined_plan.hpp"

#include <algorithm>
#include <map>
#include <string_view>

#include "relationship_kinds.hpp"

namespace ormc::detail {

bool JoinedStep::collection() const noexcept { return rel->kind != RelationshipKind::ManyToOne; }

bool JoinedStep::multi_row() const noexcept { return collection() && rel->uselist; }

bool JoinedPlan::has_collection() const noexcept { return first_collection() != nullptr; }

const JoinedStep* JoinedPlan::first_collection() const noexcept {
  for (const JoinedStep& s : steps)
    if (s.multi_row()) return &s;
  return nullptr;
}

namespace {

/// The shapes a join can load: a reference or a loaded collection with a join condition (and,
/// for many-to-many, the association table and its second condition).
bool joinable(const RelationshipInfo& rel) {
  if (rel.target == nullptr || rel.primaryjoin.empty()) return false;
  if (!is_reference(rel) && !is_loaded_collection(rel)) return false;
  return rel.kind != RelationshipKind::ManyToMany || (rel.secondary != nullptr && !rel.secondaryjoin.empty());
}

class Planner {
 public:
  explicit Planner(std::size_t first_column) : next_column_(first_column) {}

  /// The joined relationships of `entity` (reached through step `parent`, along `path`).
  void walk(const SelectData& stmt, const EntityInfo& entity, int parent, std::vector<const EntityInfo*>& path,
            bool parent_inner) {
    for (const RelationshipInfo& rel : entity.relationships) {
      if (!joinable(rel)) continue;
      const bool top = parent < 0;
      bool by_option = false;
      LoaderStrategy strategy = rel.lazy;
      if (top) {
        for (const LoaderOption& option : stmt.loader_options) {
          if (option.relationship != &rel) continue;
          strategy = option.strategy;
          by_option = true;
        }
      }
      if (strategy != LoaderStrategy::Joined) continue;
      const EntityInfo& target = rel.target();
      // SQLAlchemy's cycle rule for configured joined loaders (an option's own path is exempt):
      // join_depth counts relationships from the selected entity; without it, stop at an entity
      // already on the path.
      if (!by_option) {
        const std::size_t depth = path.size();  // relationships on the path including this one
        if (rel.join_depth != 0) {
          if (depth > rel.join_depth) continue;
        } else if (std::find(path.begin(), path.end(), &target) != path.end()) {
          continue;
        }
      }
      JoinedStep step;
      step.rel = &rel;
      step.owner = &entity;
      step.parent = parent;
      // INNER only while every join above is inner: an inner join under an outer one would drop
      // the outer row (SQLAlchemy's innerjoin="unnested" rendering).
      step.inner = rel.innerjoin && parent_inner;
      step.alias = alias_for(target.table->name);
      if (rel.kind == RelationshipKind::ManyToMany) step.secondary_alias = alias_for(rel.secondary->name);
      step.first = next_column_;
      next_column_ += target.table->columns.size();
      steps_.push_back(std::move(step));
      const int index = static_cast<int>(steps_.size() - 1);
      path.push_back(&target);
      walk(stmt, target, index, path, steps_.back().inner);
      path.pop_back();
    }
  }

  std::vector<JoinedStep> take() { return std::move(steps_); }

 private:
  /// `<table>_<n>`: numbered per table, so a self-referential chain reads rel_node_1, rel_node_2.
  std::string alias_for(std::string_view table) {
    const int n = ++aliases_[std::string(table)];
    return std::string(table) + "_" + std::to_string(n);
  }

  std::size_t next_column_;
  std::vector<JoinedStep> steps_;
  std::map<std::string, int> aliases_;
};

}  // namespace

JoinedPlan joined_plan(const SelectData& stmt) {
  JoinedPlan plan;
  if (stmt.entity == nullptr || stmt.no_eager_joins) return plan;
  // The usual select has no joined relationship at all: answer without building anything.
  const bool any_option = std::any_of(stmt.loader_options.begin(), stmt.loader_options.end(),
                                      [](const LoaderOption& o) { return o.strategy == LoaderStrategy::Joined; });
  const bool any_configured = std::any_of(stmt.entity->relationships.begin(), stmt.entity->relationships.end(),
                                          [](const RelationshipInfo& r) { return r.lazy == LoaderStrategy::Joined; });
  if (!any_option && !any_configured) return plan;
  Planner planner(stmt.entity->table->columns.size() + stmt.extra_columns.size());
  std::vector<const EntityInfo*> path{stmt.entity};
  planner.walk(stmt, *stmt.entity, -1, path, true);
  plan.steps = planner.take();
  return plan;
}

}  // namespace ormc::detail
