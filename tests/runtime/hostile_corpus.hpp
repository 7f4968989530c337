// Test support: the hostile strings of the hostile-input tests, and which of them a database can store as text.
#pragma once

#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include <ormc/value.hpp>

namespace ormc_test {

struct HostileString {
  std::string label;  ///< for failure messages (the value itself may be 1 MB or binary)
  std::string value;
};

/// Strings every backend must store and return byte for byte in a text column.
inline std::vector<HostileString> hostile_text_corpus() {
  std::vector<HostileString> out = {
      {"empty", ""},
      {"single quote", "'"},
      {"two single quotes", "''"},
      {"double quote", "\""},
      {"backslash", "\\"},
      {"backslash quote", "\\'"},
      {"drop table", "'; DROP TABLE note; --"},
      {"drop table, double quoted", "\"; DROP TABLE note; --"},
      {"bobby tables", "Robert'); DROP TABLE note;--"},
      {"comment", "/* x */ -- y"},
      {"semicolons", ";;;"},
      {"percent", "%"},
      {"underscore", "_"},
      {"like metacharacters", "50%_off_%"},
      {"postgres placeholder", "$1"},
      {"postgres placeholder cast", "$2::text"},
      {"sqlite placeholders", "? ?1 :name @p $name"},
      {"printf", "%s %d %n"},
      {"fmt braces", "{} {0} {{}}"},
      {"escape string", "E'\\x41'"},
      {"dollar quoting", "$$ $tag$ $$"},
      {"control characters", "\t\r\n\x01\x1b\x7f"},
      {"multi-line", "line 1\nline 2\r\n"},
      {"latin", "caf\xc3\xa9 na\xc3\xafve"},
      {"cjk", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"},
      {"emoji", "\xf0\x9f\x98\x80 \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7"},
      {"right-to-left override", "\xe2\x80\xae" "evil"},
      {"highest code point", "\xf4\x8f\xbf\xbf"},
      {"byte order mark", "\xef\xbb\xbf" "bom"},
      {"NULL word", "NULL"},
      {"spaces", "   "},
  };
  // 1 MB, with a quote and a backslash in the middle and a multi-byte character at the end.
  std::string big(1 << 20, 'x');
  big[big.size() / 2] = '\'';
  big[big.size() / 2 + 1] = '\\';
  big += "\xc3\xa9";
  out.push_back({"1 MB", std::move(big)});
  return out;
}

/// Strings PostgreSQL's text can't hold (SQLite keeps their bytes): NUL characters, invalid UTF-8.
inline std::vector<HostileString> hostile_non_text_corpus() {
  return {
      {"NUL alone", std::string("\0", 1)},
      {"NUL inside", std::string("a\0b", 3)},
      {"NUL then injection", std::string(1, '\0') + "'; DROP TABLE note; --"},
      {"invalid byte", "\xff\xfe"},
      {"truncated sequence", "\xc3\x28"},
      {"overlong slash", "\xc0\xaf"},
      {"surrogate half", "\xed\xa0\x80"},
      {"beyond U+10FFFF", "\xf4\x90\x80\x80"},
  };
}

inline ormc::Bytes to_bytes(const std::string& s) {
  ormc::Bytes out(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) out[i] = static_cast<std::byte>(s[i]);
  return out;
}

/// Byte strings for LargeBinary: empty, every byte value, 1 MB of pseudo-random bytes.
inline std::vector<ormc::Bytes> hostile_bytes() {
  ormc::Bytes every(256);
  for (int i = 0; i < 256; ++i) every[static_cast<std::size_t>(i)] = static_cast<std::byte>(i);
  ormc::Bytes random(1 << 20);
  std::mt19937 gen(8);
  for (auto& b : random) b = static_cast<std::byte>(gen() & 0xFF);
  return {ormc::Bytes{}, every, random, to_bytes(std::string("\0\0\0", 3)), to_bytes("\\x00'")};
}

}  // namespace ormc_test
