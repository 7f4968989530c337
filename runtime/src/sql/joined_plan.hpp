// Which relationships a select<T>() loads with joins (lazy = "joined", joinedload()), and where their columns sit.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ormc/statement.hpp"

namespace ormc::detail {

/// One LEFT OUTER (or INNER) JOIN of joined eager loading: `rel`, declared on the entity of step
/// `parent` (-1: the selected entity), joined to its target under `alias`.
struct JoinedStep {
  const RelationshipInfo* rel = nullptr;
  const EntityInfo* owner = nullptr;  ///< the entity declaring `rel`
  int parent = -1;
  std::string alias;            ///< the target table's alias, e.g. rel_parent_1
  std::string secondary_alias;  ///< many-to-many: the association table's alias
  std::size_t first = 0;        ///< the target's first column in the result row
  bool inner = false;           ///< INNER JOIN (innerjoin = true under inner joins only)
  /// Backed by a LoadedCollectionState (one-to-many, many-to-many, or the side of a one-to-one
  /// without the foreign key); otherwise a many-to-one reference.
  [[nodiscard]] bool collection() const noexcept;
  /// A collection that holds several rows (uselist): the parent's row repeats per child.
  [[nodiscard]] bool multi_row() const noexcept;
};

/// The joins of one entity select, in the order their columns follow the entity's (and the
/// statement's extra columns) in each row.
struct JoinedPlan {
  std::vector<JoinedStep> steps;
  [[nodiscard]] bool empty() const noexcept { return steps.empty(); }
  /// Some step is a multi-row collection: parents repeat in the rows and must be de-duplicated.
  [[nodiscard]] bool has_collection() const noexcept;
  /// The first multi-row collection step (for error messages), or null.
  [[nodiscard]] const JoinedStep* first_collection() const noexcept;
};

/// The joined eager loads of `stmt` (empty for a scalar select and for an entity without joined
/// relationships or joinedload() options). A relationship loads joined when a joinedload() option
/// names it (the top level only; the last option naming it wins) or it is configured lazy = "joined".
/// Configured ones chain into the targets' relationships as SQLAlchemy's JoinedLoader does: with
/// join_depth, up to that many relationships deep; without, not into an entity already on the path
/// (so a self-referential relationship needs join_depth, and back_populates pairs stop).
[[nodiscard]] JoinedPlan joined_plan(const SelectData& stmt);

}  // namespace ormc::detail
