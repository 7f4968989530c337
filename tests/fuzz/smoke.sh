#!/usr/bin/env bash
# CTest fuzz.smoke: builds the clang++ libFuzzer tree beside the normal build, then fuzzes a few thousand inputs.
#
# usage: smoke.sh CMAKE GENERATOR MAKE_PROGRAM SOURCE_DIR FUZZ_BUILD_DIR RUNS
# The normal build is g++, so this configures its own tree (cmake/OrmcFuzz.cmake) and rebuilds
# it incrementally on later runs. Without clang++-14 and libFuzzer it fails when CI is set and is
# skipped (exit 77) otherwise. ORMC_FUZZ_CXX names another clang++ (default clang++-14).
set -euo pipefail
cmake="$1"; generator="$2"; make_program="$3"; src="$4"; build="$5"; runs="$6"

clang="$(command -v "${ORMC_FUZZ_CXX:-clang++-14}" || true)"
if [ -z "$clang" ] || [ ! -f "$("$clang" -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a" ]; then
  message="fuzz: needs clang++-14 and libFuzzer (Debian packages clang-14 and libclang-rt-14-dev; scripts/setup.sh installs them)"
  if [ -n "${CI:-}" ]; then
    echo "$message" >&2
    exit 1
  fi
  echo "$message: skipped"
  exit 77
fi

"$cmake" -S "$src" -B "$build" -G "$generator" -DCMAKE_MAKE_PROGRAM="$make_program" \
  -DCMAKE_CXX_COMPILER="$clang" -DORMC_FUZZ=ON >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
"$cmake" --build "$build" --target ormc_fuzz -j 2

log="$build/smoke.log"
# -seed: the same inputs every run; -max_total_time: a cap on a loaded machine, not the goal.
status=0
"$src/tests/fuzz/run.sh" --fresh "$build/tests/fuzz/ormc_fuzz" "$build/smoke" \
  -runs="$runs" -seed=1 -max_total_time=150 -print_final_stats=1 >"$log" 2>&1 || status=$?
grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE)' "$log" | tail -n 40
if [ "$status" -ne 0 ]; then
  echo "fuzz: ormc_fuzz failed (exit $status); the input is in $build/smoke/artifacts/" >&2
  exit 1
fi
grep -E '^Done [0-9]+ runs' "$log" || { echo "fuzz: libFuzzer did not report its runs" >&2; exit 1; }
