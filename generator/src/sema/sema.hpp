// Semantic analysis: one parsed file (plus its already-analysed imports) -> a checked, frozen model.
#pragma once

#include <memory>
#include <span>

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"
#include "model/model.hpp"

namespace ormc::sema {

/// Checks `file` and builds its model. Entities and tables of `imports` (directly imported
/// files, already analysed) are visible by name. Every problem is reported to `sink` (all of
/// them, not just the first); the result is null when any error was reported.
/// Source name: the file's path as given (used in generated header comments).
std::shared_ptr<const model::Schema> analyze(const ast::File& file,
                                             std::span<const std::shared_ptr<const model::Schema>> imports,
                                             diag::Sink& sink);

}  // namespace ormc::sema
