// `ormc --ddl` writes exactly the statements MetaData::create_statements() runs, for both dialects.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ddl_mirror.orm.hpp"

namespace {

/// The statements of a generated .sql file: `--` lines dropped, split at ";\n".
std::vector<std::string> statements_of(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return {};
  }
  std::string text, line;
  while (std::getline(in, line))
    if (line.rfind("--", 0) != 0) text += line + "\n";
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find(";\n", start)) != std::string::npos; start = end + 2) {
    const std::size_t first = text.find_first_not_of('\n', start);
    out.push_back(text.substr(first, end - first));
  }
  if (text.find_first_not_of('\n', start) != std::string::npos) out.push_back("<text after the last ';'>");
  return out;
}

int compare(const char* dialect_name, ormc::DialectKind dialect, const std::string& path) {
  const std::vector<std::string> want = ddl_mirror::metadata().create_statements(dialect);
  const std::vector<std::string> got = statements_of(path);
  int failures = 0;
  for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    const std::string w = i < want.size() ? want[i] : "<none>";
    const std::string g = i < got.size() ? got[i] : "<none>";
    if (w == g) continue;
    ++failures;
    std::cerr << dialect_name << " statement " << i << " differs\n  runtime: " << w << "\n  ormc:    " << g << "\n";
  }
  std::cout << dialect_name << ": " << want.size() << " statements, " << failures << " differ\n";
  return failures;
}

}  // namespace

int main() {
  int failures = compare("postgresql", ormc::DialectKind::PostgreSQL, ORMC_DDL_DIR "/ddl_mirror.postgresql.sql");
  failures += compare("sqlite", ormc::DialectKind::SQLite, ORMC_DDL_DIR "/ddl_mirror.sqlite.sql");
  return failures == 0 ? 0 : 1;
}
