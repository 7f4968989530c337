// Diagnostics (errors, warnings, notes) collected during one compiler run and printed clang-style.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "diag/source.hpp"

namespace ormc::diag {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  Location where;
  std::string message;
  /// Follow-up notes printed after the main line ("note: ..."), each with an optional location.
  std::vector<Diagnostic> notes;
};

/// Collects every diagnostic of a run; printing happens once, in order, at the end.
class Sink {
 public:
  Diagnostic& error(Location where, std::string message);
  Diagnostic& warning(Location where, std::string message);
  /// Attaches a note to `parent` (usually the result of error()/warning()).
  static void note(Diagnostic& parent, Location where, std::string message);

  [[nodiscard]] std::size_t error_count() const { return errors_; }
  [[nodiscard]] std::size_t warning_count() const { return warnings_; }
  [[nodiscard]] const std::vector<Diagnostic>& all() const { return diagnostics_; }

  /// Prints `path:line:col: error: message`, the source line, and a caret under the token.
  void print(std::ostream& out) const;

 private:
  std::vector<Diagnostic> diagnostics_;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
};

/// Formats one diagnostic (and its notes) exactly as Sink::print does.
void print(std::ostream& out, const Diagnostic& d);

/// The closest of `candidates` to `name` by edit distance, or "" when none is close enough.
std::string closest_match(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace ormc::diag
