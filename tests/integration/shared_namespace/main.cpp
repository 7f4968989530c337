// Two schemas with one `schema` namespace link into one program; each keeps its own metadata().
#include <cstdio>

#include "first.orm.hpp"
#include "second.orm.hpp"

std::size_t first_table_count();

int main() {
  // Both headers are visible here, so plain shared::metadata() would be ambiguous: qualify.
  const auto& first = shared::ormc_schema_first::metadata();
  const auto& second = shared::ormc_schema_second::metadata();
  const bool ok = first.tables().size() == 1 && first.tables()[0]->name == "author" &&
                  second.tables().size() == 2 && second.tables()[0]->name == "book" && first_table_count() == 1 &&
                  shared::Author::ormc_entity_info().table == first.tables()[0];
  std::printf("first: %zu tables, second: %zu tables: %s\n", first.tables().size(), second.tables().size(),
              ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
