// File helpers for the driver: reading inputs, writing outputs only when their content changed, depfiles.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ormc::driver {

/// The whole file, or nullopt (with `error` set) when it can't be read.
std::optional<std::string> read_text_file(const std::string& path, std::string& error);

/// Writes `content` to `path` unless the file already holds exactly that (its timestamp then
/// stays, so builds stay incremental). Writes through a temporary file and a rename.
/// Returns false with `error` set on failure.
bool write_if_changed(const std::string& path, const std::string& content, std::string& error);

/// A make-style depfile: every output depends on every input.
std::string depfile_text(const std::vector<std::string>& outputs, const std::vector<std::string>& inputs);

}  // namespace ormc::driver
