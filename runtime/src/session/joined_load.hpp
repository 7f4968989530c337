// JoinedLoader: turns the rows of a select with joined eager loads into parents with their relationships filled.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ormc/collection.hpp"
#include "sql/joined_plan.hpp"

namespace ormc::detail {

class Rows;
class SessionCore;

/// Reads one row at a time. A reference is filled as soon as its row is read; a collection is
/// gathered over the rows (de-duplicated, in row order) and handed to its owner by finish().
/// What memory already has wins, as for any load: a loaded collection or a reference known or
/// changed in memory is left alone; objects come through the identity map (never duplicated, and
/// their unflushed column changes kept).
class JoinedLoader {
 public:
  JoinedLoader(SessionCore& session, const EntityInfo& entity, JoinedPlan plan);

  [[nodiscard]] const JoinedPlan& plan() const noexcept { return plan_; }
  /// The row's parent object (identity map first), with the joined targets of the row.
  /// @throw ormc::DataError
  std::shared_ptr<Object> load_row(const Rows& rows);
  /// Hands the gathered collections to their owners and forgets them.
  void finish();

 private:
  /// Whether the target of `step` is absent in this row (its primary key is NULL: outer join).
  [[nodiscard]] bool absent(const Rows& rows, const JoinedStep& step) const;
  void gather(std::size_t step, const std::shared_ptr<Object>& owner, const std::shared_ptr<Object>& target);

  struct Gathered {
    std::shared_ptr<Object> owner;  ///< alive until finish()
    LoadedCollectionState* state = nullptr;  ///< null: loaded already (left alone)
    LoadedCollectionState::Items items;
    std::unordered_set<const Object*> seen;  ///< other joins repeat a child's row
  };

  SessionCore& session_;
  const EntityInfo& entity_;
  JoinedPlan plan_;
  std::vector<std::shared_ptr<Object>> row_objects_;  ///< per step, for the current row
  std::map<std::pair<std::size_t, const Object*>, std::size_t> index_;  ///< (step, owner) -> gathered_
  std::vector<Gathered> gathered_;
};

}  // namespace ormc::detail
