// Version of the runtime and the ABI number generated code is checked against.
#pragma once

/// Bumped whenever generated code and the runtime stop fitting together.
#define ORMC_RUNTIME_ABI_VERSION 3

namespace ormc {
inline constexpr int runtime_abi_version = ORMC_RUNTIME_ABI_VERSION;
}  // namespace ormc
