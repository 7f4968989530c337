// A TU that sees one schema of the namespace: plain shared::metadata() names it.
#include "first.orm.hpp"

std::size_t first_table_count() { return shared::metadata().tables().size(); }
