// Everything generated entity code needs from the runtime (included by every generated header):
// generated files include nothing but <ormc/...> headers.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ormc/collection.hpp"
#include "ormc/column.hpp"
#include "ormc/decimal.hpp"
#include "ormc/detail/cell_reader.hpp"
#include "ormc/dynamic.hpp"
#include "ormc/map_collection.hpp"
#include "ormc/metadata.hpp"
#include "ormc/object.hpp"
#include "ormc/reference.hpp"
#include "ormc/set_collection.hpp"
#include "ormc/uuid.hpp"
#include "ormc/value.hpp"
#include "ormc/version.hpp"
#include "ormc/write_only.hpp"
