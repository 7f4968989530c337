#!/usr/bin/env bash
# Generator benchmark: times ormc on synthetic schemas of 100 / 1,000 / 5,000 entities (3 relationships
# each) and a 50-entity header's compile cost against a TU of standard headers only.
# Usage: bench/generator/run.sh [build-dir]   (default: build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
ormc="$build/generator/ormc"
[ -x "$ormc" ] || { echo "run.sh: $ormc not found: build first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "| entities | relationships | ormc wall (s) | peak RSS (MB) | generated lines |"
echo "| --- | --- | --- | --- | --- |"
for n in 100 1000 5000; do
  python3 "$here/gen_schema.py" "$n" "$work/s$n.orm"
  rels=$(grep -c "relationship(" "$work/s$n.orm")
  best=""
  for rep in 1 2 3; do
    out=$( { /usr/bin/time -f "%e %M" "$ormc" -o "$work/out$n" "$work/s$n.orm" >/dev/null; } 2>&1 | tail -n 1)
    t=${out% *}
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; rss=${out#* }; fi
  done
  lines=$(cat "$work/out$n/s$n.orm.hpp" "$work/out$n/s$n.orm.cpp" | wc -l)
  echo "| $n | $rels | $best | $((rss / 1024)) | $lines |"
done

# Compile cost (-O0): a TU using one entity of a 50-entity schema vs a TU of standard headers only.
python3 "$here/gen_schema.py" 50 "$work/c50.orm"
"$ormc" -o "$work" "$work/c50.orm"
printf '#include "c50.orm.hpp"\nint main() { auto e = synthetic::E7::create(); e->set_name("x"); return static_cast<int>(e->name().size()); }\n' > "$work/use.cpp"
printf '#include <string>\n#include <vector>\n#include <memory>\n#include <optional>\n#include <chrono>\nint main() { std::vector<std::string> v{"x"}; return static_cast<int>(v.size()); }\n' > "$work/base.cpp"
time_of() {
  local best=""
  for rep in 1 2 3 4 5; do
    t=$( { /usr/bin/time -f "%e" g++ -std=c++20 -O0 -I"$here/../../runtime/include" -c "$1" -o /dev/null; } 2>&1 | tail -n 1)
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  echo "$best"
}
base=$(time_of "$work/base.cpp")
use=$(time_of "$work/use.cpp")
echo
echo "compile at -O0 (best of 5): standard headers only ${base}s, 50-entity header + one entity ${use}s, ratio $(awk "BEGIN{printf \"%.2f\", $use/$base}")"
echo "generated lines per entity: $(( ( $(wc -l < "$work/c50.orm.hpp") + $(wc -l < "$work/c50.orm.cpp") ) / 50 ))"
