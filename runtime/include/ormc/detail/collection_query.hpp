// Statements pre-bound to a collection's parent: the criterion that ties rows to their parent.
#pragma once

#include "ormc/detail/relationship_state.hpp"
#include "ormc/statement.hpp"

namespace ormc::detail {

/// SELECT of the relationship's rows: the parent criterion (through the association table for
/// many-to-many) and the relationship's order_by. A pending parent is flushed first so its key
/// is known. @throw ormc::InvalidRequestError when the parent has no row and is in no Session.
[[nodiscard]] SelectData collection_select(RelationshipState& state);
/// UPDATE / DELETE restricted to the relationship's rows (UPDATE ... FROM / DELETE ... USING the
/// association table for many-to-many, or the IN (subquery) form where the dialect lacks them).
[[nodiscard]] UpdateData collection_update(RelationshipState& state);
[[nodiscard]] DeleteData collection_delete(RelationshipState& state);
/// INSERT whose every row also sets the foreign key to the parent (one-to-many only).
/// @throw ormc::InvalidRequestError for many-to-many, saying to insert the rows and add_all() them.
[[nodiscard]] InsertData collection_insert(RelationshipState& state);

}  // namespace ormc::detail
