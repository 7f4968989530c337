// The template view: the model turned into Mustache data, every spelling precomputed (templates stay thin).
#pragma once

#include <kainjow/mustache.hpp>

#include "model/model.hpp"

namespace ormc::codegen {

/// Data for the schema-level templates. `header_name` is the generated header's file name.
kainjow::mustache::data schema_view(const model::Schema& schema, const std::string& header_name);

}  // namespace ormc::codegen
