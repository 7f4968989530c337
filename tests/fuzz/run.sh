#!/usr/bin/env bash
# Runs the ormc libFuzzer target: replays tests/fuzz/regressions, then fuzzes from the seed schemas.
#
# usage: tests/fuzz/run.sh [--fresh] FUZZER WORKDIR [libFuzzer options...]
#   FUZZER   the ormc_fuzz binary (cmake -DCMAKE_CXX_COMPILER=clang++-14 -DORMC_FUZZ=ON build)
#   WORKDIR  receives seeds/ (rebuilt every run), corpus/ (inputs libFuzzer finds; kept unless
#            --fresh) and artifacts/ (crash-*, leak-*, timeout-*, slow-unit-* inputs)
# Seeds are every .orm of the repository that is an input (goldens, golden diagnostics, samples,
# runtime test schemas): libFuzzer reads folders recursively, so they are copied flat into
# seeds/ rather than pointing it at folders that also hold generated golden outputs. Hostile
# shapes mutation rarely builds (nesting past the limit, integer extremes, bad bytes, imports)
# are in tests/fuzz/seeds/, read in place.
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
fresh=0
if [ "${1:-}" = "--fresh" ]; then fresh=1; shift; fi
fuzzer="$(realpath "$1")"; work="$(realpath -m "$2")"; shift 2

rm -rf "$work/seeds"
[ "$fresh" = 1 ] && rm -rf "$work/corpus" "$work/artifacts"
mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts"
while IFS= read -r f; do
  rel="${f#"$src"/}"
  cp "$f" "$work/seeds/${rel//\//_}"
done < <(find "$src/tests/golden" "$src/samples" "$src/tests/runtime/schemas" -name '*.orm' | sort)
echo "fuzz: $(find "$work/seeds" -type f | wc -l) seed schemas"

# Every input that once crashed ormc must now pass (files given as arguments run once each).
regressions=("$src"/tests/fuzz/regressions/*)
if [ -e "${regressions[0]}" ]; then
  echo "fuzz: replaying ${#regressions[@]} regression inputs"
  "$fuzzer" -timeout=10 "${regressions[@]}"
fi

cd "$work"  # libFuzzer may write fuzz-*.log files into the current directory
exec "$fuzzer" -dict="$src/tests/fuzz/ormc.dict" -timeout=10 -report_slow_units=2 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$work/seeds" "$src/tests/fuzz/seeds" \
  "$src/tests/fuzz/regressions"
