// Renders a checked schema through the registered templates into output files (in memory).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "codegen/registry.hpp"
#include "model/model.hpp"

namespace ormc::codegen {

struct OutputFile {
  std::string name;     ///< file name (no directory)
  std::string content;
};

struct RenderOptions {
  bool ddl_postgresql = false;
  bool ddl_sqlite = false;
};

/// A template failed to parse or render (only possible with --templates overrides).
class TemplateError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Every output of `schema`, deterministic: the same model always gives the same bytes.
/// @throw TemplateError
std::vector<OutputFile> render(const model::Schema& schema, const TemplateSource& templates,
                               const RenderOptions& options);

}  // namespace ormc::codegen
