// Tests of diagnostics: source lines, the clang-style printer with carets, notes, suggestions.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "diag/diagnostic.hpp"

namespace ormc::diag {
namespace {

Location at(const SourceFile& file, std::uint32_t line, std::uint32_t column, std::uint32_t length) {
  return Location{&file, line, column, length};
}

std::string printed(const Sink& sink) {
  std::ostringstream out;
  sink.print(out);
  return out.str();
}

TEST(DiagSourceFile, LinesWithoutTerminators) {
  const SourceFile file("a.orm", "first\r\nsecond\n\nlast");
  EXPECT_EQ(file.path(), "a.orm");
  EXPECT_EQ(file.line_count(), 4u);
  EXPECT_EQ(file.line(1), "first");  // the '\r' of a CRLF is not shown
  EXPECT_EQ(file.line(2), "second");
  EXPECT_EQ(file.line(3), "");
  EXPECT_EQ(file.line(4), "last");
  EXPECT_EQ(file.line(0), "");
  EXPECT_EQ(file.line(5), "");
}

TEST(DiagSourceFile, TrailingNewlineStartsAnEmptyLine) {
  const SourceFile file("a.orm", "x\n");
  EXPECT_EQ(file.line_count(), 2u);
  EXPECT_EQ(file.line(2), "");
  EXPECT_EQ(SourceFile("e.orm", "").line_count(), 1u);
}

TEST(DiagPrint, ErrorWithNoteAsInTheSpec) {
  const SourceFile file("path/as/given.orm", "entity Account {\n  x: Integer;\n    id: Acount;\n}\n");
  Sink sink;
  Diagnostic& error = sink.error(at(file, 3, 9, 6), "unknown entity 'Acount'");
  Sink::note(error, at(file, 1, 8, 7), "did you mean 'Account'?");
  EXPECT_EQ(printed(sink),
            "path/as/given.orm:3:9: error: unknown entity 'Acount'\n"
            "    id: Acount;\n"
            "        ^~~~~~\n"
            "path/as/given.orm:1:8: note: did you mean 'Account'?\n"
            "entity Account {\n"
            "       ^~~~~~~\n");
}

TEST(DiagPrint, CaretFollowsTabs) {
  const SourceFile file("t.orm", "\tid:\t\tAcount;\n");
  Sink sink;
  sink.error(at(file, 1, 7, 6), "unknown entity 'Acount'");
  EXPECT_EQ(printed(sink),
            "t.orm:1:7: error: unknown entity 'Acount'\n"
            "\tid:\t\tAcount;\n"
            "\t   \t\t^~~~~~\n");
}

TEST(DiagPrint, NoteWithoutLocationAndWarning) {
  const SourceFile file("w.orm", "a: B relationship(passive_deletes = true);\n");
  Sink sink;
  Diagnostic& warning = sink.warning(at(file, 1, 19, 15), "passive_deletes without ondelete");
  Sink::note(warning, Location{}, "add ondelete = \"cascade\" to the foreign key");
  EXPECT_EQ(sink.warning_count(), 1u);
  EXPECT_EQ(sink.error_count(), 0u);
  EXPECT_EQ(printed(sink),
            "w.orm:1:19: warning: passive_deletes without ondelete\n"
            "a: B relationship(passive_deletes = true);\n"
            "                  ^~~~~~~~~~~~~~~\n"
            "note: add ondelete = \"cascade\" to the foreign key\n");
}

TEST(DiagPrint, FileWithoutPositionAndNoFileAtAll) {
  const SourceFile file("x.orm", "");
  Sink sink;
  sink.error(Location{&file, 0, 0, 1}, "cannot read file");
  sink.error(Location{}, "no input files");
  EXPECT_EQ(printed(sink), "x.orm: error: cannot read file\nerror: no input files\n");
  EXPECT_EQ(sink.error_count(), 2u);
  ASSERT_EQ(sink.all().size(), 2u);
  EXPECT_EQ(sink.all()[1].message, "no input files");
}

TEST(DiagPrint, ColumnJustPastTheEndOfTheLine) {
  const SourceFile file("t.orm", "id: Integer\n");
  std::ostringstream out;
  print(out, Diagnostic{Severity::Error, at(file, 1, 12, 1), "expected ';'", {}});
  EXPECT_EQ(out.str(), "t.orm:1:12: error: expected ';'\nid: Integer\n           ^\n");
}

TEST(DiagPrint, TokenRunningPastTheLineIsCut) {
  const SourceFile file("t.orm", "ab\ncd\n");
  std::ostringstream out;
  print(out, Diagnostic{Severity::Error, at(file, 1, 2, 40), "m", {}});
  EXPECT_EQ(out.str(), "t.orm:1:2: error: m\nab\n ^\n");
}

TEST(DiagPrint, CaretCountsCharactersNotBytes) {
  // "é" and "→" are 2 and 3 bytes but one column each on a terminal.
  const SourceFile file("u.orm", "x: Y default(\"\xC3\xA9\") \xE2\x86\x92 z;\n");
  std::ostringstream out;
  print(out, Diagnostic{Severity::Error, at(file, 1, 20, 3), "unexpected character", {}});  // the arrow
  EXPECT_EQ(out.str(),
            "u.orm:1:20: error: unexpected character\n"
            "x: Y default(\"\xC3\xA9\") \xE2\x86\x92 z;\n" +
                std::string(18, ' ') + "^\n");
}

TEST(DiagPrint, UnprintableBytesAreMasked) {
  const SourceFile file("b.orm", std::string("a\x01\xFF\x7F b", 6));
  std::ostringstream out;
  print(out, Diagnostic{Severity::Error, at(file, 1, 6, 1), "m", {}});
  EXPECT_EQ(out.str(), "b.orm:1:6: error: m\na ?  b\n     ^\n");
}

TEST(DiagPrint, LongLinesShowAWindowAroundTheCaret) {
  const std::string line = std::string(1000, 'a') + "Acount" + std::string(1000, 'b');
  const SourceFile file("long.orm", line);
  std::ostringstream out;
  print(out, Diagnostic{Severity::Error, at(file, 1, 1001, 6), "unknown entity 'Acount'", {}});
  const std::string text = out.str();
  const std::string expected_snippet = "..." + std::string(80, 'a') + "Acount" + std::string(154, 'b') + "...\n";
  const std::string expected_caret = std::string(83, ' ') + "^~~~~~\n";
  EXPECT_EQ(text, "long.orm:1:1001: error: unknown entity 'Acount'\n" + expected_snippet + expected_caret);
}

TEST(DiagSink, KeepsOrderAndNotes) {
  const SourceFile file("s.orm", "a\nb\n");
  Sink sink;
  sink.error(at(file, 2, 1, 1), "second line first");
  Diagnostic& warning = sink.warning(at(file, 1, 1, 1), "then the first");
  Sink::note(warning, at(file, 2, 1, 1), "see here");
  ASSERT_EQ(sink.all().size(), 2u);
  EXPECT_EQ(sink.all()[0].severity, Severity::Error);
  EXPECT_EQ(sink.all()[1].severity, Severity::Warning);
  ASSERT_EQ(sink.all()[1].notes.size(), 1u);
  EXPECT_EQ(sink.all()[1].notes[0].severity, Severity::Note);
  EXPECT_EQ(sink.all()[1].notes[0].message, "see here");
}

TEST(DiagClosestMatch, FindsTyposIgnoringCase) {
  const std::vector<std::string> entities{"Account", "AccountTransaction", "BankAudit"};
  EXPECT_EQ(closest_match("Acount", entities), "Account");
  EXPECT_EQ(closest_match("account", entities), "Account");  // differs only in case
  EXPECT_EQ(closest_match("BankAudti", entities), "BankAudit");
  EXPECT_EQ(closest_match("AccountTransactoin", entities), "AccountTransaction");
}

TEST(DiagClosestMatch, NothingWhenTooFar) {
  const std::vector<std::string> names{"id", "name", "amount"};
  EXPECT_EQ(closest_match("xy", names), "");
  EXPECT_EQ(closest_match("description", names), "");
  EXPECT_EQ(closest_match("", names), "");
  EXPECT_EQ(closest_match("name", {}), "");
  EXPECT_EQ(closest_match("name", names), "");  // the same name is no suggestion
}

TEST(DiagClosestMatch, ThresholdGrowsWithLength) {
  EXPECT_EQ(closest_match("ab", {"ax"}), "ax");               // 1 edit allowed for short names
  EXPECT_EQ(closest_match("abcdef", {"abxyef"}), "abxyef");   // 6 / 3 = 2 edits
  EXPECT_EQ(closest_match("abcdef", {"axxxef"}), "");         // 3 edits is too many
}

TEST(DiagClosestMatch, SwappedNeighboursCountAsOneEdit) {
  // Plain Levenshtein counts a swap as 2 edits, over the 1 allowed for 5-letter names.
  EXPECT_EQ(closest_match("emial", {"id", "email", "name"}), "email");
  EXPECT_EQ(closest_match("tabel", {"table", "order_by", "unique"}), "table");
  EXPECT_EQ(closest_match("TABEL", {"table"}), "table");  // with case folded
  EXPECT_EQ(closest_match("ba", {"ab"}), "ab");
  // Two swaps in a 6-letter name are 2 edits: allowed; a swap plus 2 substitutions is not.
  EXPECT_EQ(closest_match("baedcf", {"abdecf"}), "abdecf");
  EXPECT_EQ(closest_match("baxycf", {"abdecf"}), "");
  // Optimal string alignment, not full Damerau: no edits inside a transposed pair ("ca" -> "abc" is 3).
  EXPECT_EQ(closest_match("ca", {"abc"}), "");
}

TEST(DiagClosestMatch, TiesGoToTheEarlierCandidate) {
  EXPECT_EQ(closest_match("Acount", {"Amount", "Account"}), "Amount");
  EXPECT_EQ(closest_match("Acount", {"Account", "Amount"}), "Account");
  EXPECT_EQ(closest_match("Acount", {"Acounts", "Acoun", "Account"}), "Acounts");
  EXPECT_EQ(closest_match("nam", {"names", "name"}), "name");  // closer beats earlier
}

}  // namespace
}  // namespace ormc::diag
