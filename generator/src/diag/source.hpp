// A source file held in memory with its line table, and 1-based positions into it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ormc::diag {

/// The text of one input file and where each of its lines starts.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& text() const { return text_; }
  /// The text of 1-based line `line`, without its line terminator; empty past the end.
  [[nodiscard]] std::string_view line(std::uint32_t line) const;
  [[nodiscard]] std::uint32_t line_count() const { return static_cast<std::uint32_t>(line_starts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

/// A 1-based position and the length (in bytes) of the token it points at.
struct Location {
  const SourceFile* file = nullptr;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::uint32_t length = 1;

  [[nodiscard]] bool valid() const { return file != nullptr && line > 0; }
};

}  // namespace ormc::diag
