// Parses .orm text into an ast::File; the only interface of the layer that touches ANTLR.
#pragma once

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"

namespace ormc::parse {

/// Parses `source`. Syntax errors go to `sink` as `path:line:col: error:` diagnostics; the
/// returned tree holds whatever could be recovered (sema runs only when no error was reported).
/// Never throws for bad input, never overflows the stack on deep nesting.
ast::File parse_file(const diag::SourceFile& source, diag::Sink& sink);

}  // namespace ormc::parse
