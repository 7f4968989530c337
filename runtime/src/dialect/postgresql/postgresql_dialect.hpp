// Factory of the PostgreSQL dialect (its class stays private to postgresql_dialect.cpp).
#pragma once

#include <memory>

#include "dialect/dialect.hpp"

namespace ormc::detail {

/// The PostgreSQL dialect: `$N` placeholders, native types of SPEC §1.4, serial primary keys.
[[nodiscard]] std::unique_ptr<Dialect> make_postgresql_dialect();

}  // namespace ormc::detail
