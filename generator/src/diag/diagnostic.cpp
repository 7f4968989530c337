// The diagnostic sink, the clang-style printer (source line + caret) and name suggestions.
#include "diag/diagnostic.hpp"

#include <algorithm>
#include <cctype>
#include <ostream>
#include <string_view>
#include <tuple>
#include <utility>

namespace ormc::diag {

namespace {

// Lines longer than this (minified or binary input) are shown as a window around the caret,
// so one diagnostic can't print megabytes.
constexpr std::size_t kMaxSnippetBytes = 240;
constexpr std::size_t kWindowBeforeCaret = 80;
// Suggestions are for typos in names; comparing huge strings would only cost time.
constexpr std::size_t kMaxSuggestedNameLength = 256;

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

/// Makes the shown line safe to print: control characters (tabs excepted, so the caret line
/// can mirror them) become spaces, and bytes that are not well-formed UTF-8 become '?', so
/// diagnostics stay readable text even for a binary file. One byte in, one byte out: the
/// caret offsets stay valid.
void make_printable(std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      if ((lead < 0x20 && lead != '\t') || lead == 0x7F) text[i] = ' ';
      ++i;
      continue;
    }
    const std::size_t length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                               : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
    std::size_t valid = 1;
    while (length != 0 && valid < length && i + valid < text.size() && is_utf8_continuation(text[i + valid])) ++valid;
    if (length == 0 || valid < length) {
      text[i] = '?';
      ++i;
    } else {
      i += length;
    }
  }
}

/// The part of the source line that is shown, and where the caret goes in it.
struct Snippet {
  std::string text;
  std::size_t caret = 0;  ///< byte offset in `text`
  std::size_t token_end = 0;  ///< byte offset in `text` where the `~` run stops
};

Snippet make_snippet(std::string_view line, const Location& where) {
  // Columns past the end (e.g. "expected ';'" after the last token) put the caret just after it.
  const std::size_t caret = std::min<std::size_t>(std::max<std::uint32_t>(where.column, 1) - 1, line.size());
  const std::size_t length = std::max<std::uint32_t>(where.length, 1);
  std::size_t begin = 0;
  std::size_t end = line.size();
  if (line.size() > kMaxSnippetBytes) {
    begin = caret > kWindowBeforeCaret ? caret - kWindowBeforeCaret : 0;
    while (begin > 0 && is_utf8_continuation(line[begin])) --begin;
    end = std::min(line.size(), begin + kMaxSnippetBytes);
    while (end < line.size() && is_utf8_continuation(line[end])) ++end;
  }
  const std::string_view before = begin > 0 ? "..." : "";
  Snippet snippet;
  snippet.text.append(before).append(line.substr(begin, end - begin));
  snippet.caret = before.size() + (caret - begin);
  snippet.token_end = std::min(snippet.caret + length, snippet.text.size());
  if (end < line.size()) snippet.text.append("...");
  make_printable(snippet.text);
  return snippet;
}

void print_source_line(std::ostream& out, const Location& where) {
  if (where.line > where.file->line_count()) return;
  const Snippet snippet = make_snippet(where.file->line(where.line), where);
  std::string caret_line;
  for (std::size_t i = 0; i < snippet.caret && i < snippet.text.size(); ++i) {
    const char c = snippet.text[i];
    if (c == '\t') {
      caret_line += '\t';
    } else if (!is_utf8_continuation(c)) {  // one column per character, not per byte
      caret_line += ' ';
    }
  }
  caret_line += '^';
  for (std::size_t i = snippet.caret + 1; i < snippet.token_end; ++i) {
    if (!is_utf8_continuation(snippet.text[i])) caret_line += '~';
  }
  out << snippet.text << '\n' << caret_line << '\n';
}

void print_one(std::ostream& out, const Diagnostic& d) {
  if (d.where.valid()) {
    out << d.where.file->path() << ':' << d.where.line << ':' << std::max<std::uint32_t>(d.where.column, 1)
        << ": ";
  } else if (d.where.file != nullptr) {
    out << d.where.file->path() << ": ";
  }
  out << severity_name(d.severity) << ": " << d.message << '\n';
  if (d.where.valid()) print_source_line(out, d.where);
}

char fold_case(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

/// Optimal string alignment distance ignoring ASCII case: Levenshtein plus the swap of two
/// adjacent letters as one edit, the commonest typo (`emial` -> `email`, `tabel` -> `table`).
/// Three rolling rows, O(|b|) memory.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> before(b.size() + 1);  // row i-2, for transpositions
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (fold_case(a[i - 1]) == fold_case(b[j - 1]) ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
      if (i > 1 && j > 1 && fold_case(a[i - 1]) == fold_case(b[j - 2]) && fold_case(a[i - 2]) == fold_case(b[j - 1]))
        current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

Diagnostic& Sink::error(Location where, std::string message) {
  ++errors_;
  diagnostics_.push_back(Diagnostic{Severity::Error, where, std::move(message), {}});
  return diagnostics_.back();
}

Diagnostic& Sink::warning(Location where, std::string message) {
  ++warnings_;
  diagnostics_.push_back(Diagnostic{Severity::Warning, where, std::move(message), {}});
  return diagnostics_.back();
}

void Sink::note(Diagnostic& parent, Location where, std::string message) {
  parent.notes.push_back(Diagnostic{Severity::Note, where, std::move(message), {}});
}

void Sink::print(std::ostream& out) const {
  // Passes find problems in their own order; a reader wants them file by file (in the order the
  // files first appear), top to bottom. The sort is stable, so one place keeps the passes' order.
  std::vector<const SourceFile*> files;
  const auto file_rank = [&](const SourceFile* f) {
    const auto it = std::find(files.begin(), files.end(), f);
    if (it != files.end()) return static_cast<std::size_t>(it - files.begin());
    files.push_back(f);
    return files.size() - 1;
  };
  struct Keyed {
    std::size_t file;
    std::uint32_t line, column;
    const Diagnostic* d;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(diagnostics_.size());
  for (const Diagnostic& d : diagnostics_) keyed.push_back({file_rank(d.where.file), d.where.line, d.where.column, &d});
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  for (const Keyed& k : keyed) diag::print(out, *k.d);
}

void print(std::ostream& out, const Diagnostic& d) {
  print_one(out, d);
  for (const Diagnostic& note : d.notes) print(out, note);
}

std::string closest_match(const std::string& name, const std::vector<std::string>& candidates) {
  if (name.empty() || name.size() > kMaxSuggestedNameLength) return {};
  const std::size_t threshold = std::max<std::size_t>(1, name.size() / 3);
  const std::string* best = nullptr;
  std::size_t best_distance = threshold + 1;
  for (const std::string& candidate : candidates) {
    if (candidate == name) continue;  // suggesting the very name that failed helps no one
    const std::size_t length_gap =
        candidate.size() > name.size() ? candidate.size() - name.size() : name.size() - candidate.size();
    if (length_gap > threshold) continue;  // the distance is at least the length difference
    const std::size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {  // strict: ties keep the earlier candidate
      best = &candidate;
      best_distance = distance;
    }
  }
  return best != nullptr ? *best : std::string();
}

}  // namespace ormc::diag
