// The Mustache view of a schema's DDL for one dialect: creation order and every SQL spelling precomputed.
#pragma once

#include <kainjow/mustache.hpp>

#include "model/model.hpp"
#include "model/sql_types.hpp"

namespace ormc::codegen {

/// Data for the `ddl` partial: `tables` (CREATE TABLE), `deferred_foreign_keys` (ALTER TABLE), `indexes`.
kainjow::mustache::data ddl_view(const model::Schema& schema, model::SqlDialect dialect);

}  // namespace ormc::codegen
