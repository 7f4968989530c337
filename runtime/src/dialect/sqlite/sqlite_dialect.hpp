// Factory of the SQLite dialect (its class stays private to sqlite_dialect.cpp).
#pragma once

#include <memory>

#include "dialect/dialect.hpp"

namespace ormc::detail {

/// The SQLite dialect: `?N` placeholders, type affinities of SPEC §1.4, PRAGMA foreign_keys on connect.
[[nodiscard]] std::unique_ptr<Dialect> make_sqlite_dialect();

}  // namespace ormc::detail
