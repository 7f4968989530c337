// The compiler pipeline for one run: load (with imports) -> parse -> sema -> render -> write.
#pragma once

#include <iosfwd>

#include "driver/cli.hpp"

namespace ormc::driver {

/// Runs the compiler; diagnostics go to `err`. Returns the exit status (0 ok, 1 schema errors,
/// 2 usage errors such as an unreadable input).
int run(const Options& options, std::ostream& out, std::ostream& err);

/// main(): parse the command line and run.
int main_entry(int argc, const char* const* argv);

}  // namespace ormc::driver
