// The whole public API of the ormc runtime in one include.
#pragma once

#include "ormc/cycles.hpp"
#include "ormc/database.hpp"
#include "ormc/entity.hpp"
#include "ormc/errors.hpp"
#include "ormc/pages.hpp"
#include "ormc/session.hpp"
