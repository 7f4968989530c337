#!/usr/bin/env bash
# Runs ormc_bench and the SQLAlchemy 1.4 workloads on SQLite and a throwaway PostgreSQL, then prints ormc,
# hand-written and SQLAlchemy side by side. Usage: bench/run_all.sh [N] [REPS]  (default 100000 3;
# ORMC_BENCH overrides the ormc_bench executable, default build/bench/ormc_bench).
set -euo pipefail

n=${1:-100000}
reps=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${ORMC_BENCH:-$root/build/bench/ormc_bench}
python=/usr/bin/python3   # Debian's python3-sqlalchemy (1.4) and python3-psycopg2 live there
[ -x "$bench" ] || { echo "run_all: $bench not built (cmake --build build)" >&2; exit 1; }
"$python" -c 'import sqlalchemy, psycopg2' 2>/dev/null \
  || { echo "run_all: needs python3-sqlalchemy and python3-psycopg2 (scripts/setup.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/ormc-run-all.XXXXXX)
trap 'rm -rf "$work"' EXIT
export ORMC_RUN_ALL_WORK=$work ORMC_RUN_ALL_N=$n ORMC_RUN_ALL_REPS=$reps ORMC_RUN_ALL_BENCH=$bench \
       ORMC_RUN_ALL_PY=$python ORMC_RUN_ALL_SQLA=$root/bench/sqlalchemy/sqla_bench.py \
       ORMC_RUN_ALL_FLOOR=$root/bench/server_floor.sh

# One server for both programs. Workload by workload, ormc_bench (ormc and hand-written, interleaved)
# runs right next to SQLAlchemy's runs of the same workload, and the server floor next to the insert
# workloads: the machine's speed drifts over minutes, so figures that are compared are measured together.
"$root/scripts/with-postgres.sh" bash -c '
  set -euo pipefail
  url=$ORMC_TEST_POSTGRESQL_URL
  w_dir=$ORMC_RUN_ALL_WORK
  for w in session_add_n write_only_add_n dynamic_append_n bulk_insert_n filter_limit10 stream_2n delete_parent \
           get_identity_map; do
    "$ORMC_RUN_ALL_BENCH" --n "$ORMC_RUN_ALL_N" --reps "$ORMC_RUN_ALL_REPS" --postgresql "$url" --only "$w" \
      | grep "^BENCH " | tee -a "$w_dir/ormc.txt"
    "$ORMC_RUN_ALL_PY" "$ORMC_RUN_ALL_SQLA" "sqlite:///$w_dir/sqla.db" "$ORMC_RUN_ALL_N" "$ORMC_RUN_ALL_REPS" "$w" \
      | tee -a "$w_dir/sqla.txt"
    "$ORMC_RUN_ALL_PY" "$ORMC_RUN_ALL_SQLA" "$url" "$ORMC_RUN_ALL_N" "$ORMC_RUN_ALL_REPS" "$w" | tee -a "$w_dir/sqla.txt"
    case $w in
      session_add_n | write_only_add_n | dynamic_append_n)
        "$ORMC_RUN_ALL_FLOOR" "$url" "$ORMC_RUN_ALL_N" "$ORMC_RUN_ALL_REPS" "$w" | tee -a "$w_dir/floor.txt" ;;
    esac
  done
  "$ORMC_RUN_ALL_BENCH" --no-sqlite --reps "$ORMC_RUN_ALL_REPS" --only generate_1000_entities \
    | grep "^BENCH " | tee -a "$w_dir/ormc.txt"
'

echo
echo "N=$n, $reps repetitions, medians; ratio = ormc / hand-written; SQLAlchemy / ormc = how many times faster ormc is"
awk '
  function field(line, key,   i, parts) {
    for (i = 1; i <= split(line, parts, " "); ++i) if (index(parts[i], key "=") == 1) return substr(parts[i], length(key) + 2)
    return ""
  }
  FNR == 1 { file++ }
  file == 1 && /^BENCH / {
    k = $2 " " $3; order[++count] = k
    ormc[k] = field($0, "ormc_s"); raw[k] = field($0, "raw_s"); ratio[k] = field($0, "ratio")
    ormc_rss[k] = field($0, "ormc_rss_mb"); raw_rss[k] = field($0, "raw_rss_mb")
  }
  file == 2 && /^SQLA / { k = $2 " " $3; sqla[k] = field($0, "s"); sqla_rss[k] = field($0, "rss_mb") }
  END {
    print "| backend | workload | ormc (s) | hand-written (s) | ormc / hand-written | SQLAlchemy 1.4 (s) | SQLAlchemy / ormc | peak RSS MB (ormc / hand-written / SQLAlchemy) |"
    print "| --- | --- | --- | --- | --- | --- | --- | --- |"
    # Workloads ran one after another on both backends: printed backend by backend.
    nb = split("sqlite postgresql generator", backends, " ")
    for (b = 1; b <= nb; ++b)
    for (i = 1; i <= count; ++i) {
      k = order[i]; split(k, bw, " ")
      if (bw[1] != backends[b]) continue
      s = (k in sqla) ? sprintf("%.4f", sqla[k]) : "-"
      x = (k in sqla && ormc[k] > 0) ? sprintf("%.1fx", sqla[k] / ormc[k]) : "-"
      rss = (ormc_rss[k] != "") ? ormc_rss[k] " / " raw_rss[k] " / " ((sqla_rss[k] != "") ? sqla_rss[k] : "-") : ""
      if (raw[k] + 0 == 0) {  # no hand-written counterpart (the generator line): "-", not 0
        printf "| %s | %s | %.4f | - | - | %s | %s | %s |\n", bw[1], bw[2], ormc[k], s, x, rss
        continue
      }
      printf "| %s | %s | %.4f | %.4f | %.2fx | %s | %s | %s |\n", bw[1], bw[2], ormc[k], raw[k], ratio[k], s, x, rss
    }
  }
' "$work/ormc.txt" "$work/sqla.txt"

# The server floor: about how many times faster than SQLAlchemy a client with zero cost of its own could be.
awk '
  /^SQLA postgresql / { split($4, kv, "="); sqla[$3] = kv[2] }
  /^FLOOR / { split($4, kv, "="); floor_s[$3] = kv[2]; order[++count] = $3 }
  FILENAME ~ /ormc.txt$/ && /^BENCH postgresql / { split($4, kv, "="); ormc[$3] = kv[2] }
  END {
    if (count == 0) exit
    printf "\nPostgreSQL server floor (bench/server_floor.sh: one INSERT ... SELECT generate_series, no client),\n"
    printf "measured next to each workload that needs the generated keys back:\n"
    for (i = 1; i <= count; ++i) {
      w = order[i]
      if (!(w in sqla) || floor_s[w] + 0 <= 0) continue
      printf "  %s: floor %.4f s, ormc %.4f s (%.2fx the floor); SQLAlchemy / floor = %.1fx (about the most any client could reach), SQLAlchemy / ormc = %.1fx\n", \
        w, floor_s[w], ormc[w], ormc[w] / floor_s[w], sqla[w] / floor_s[w], sqla[w] / ormc[w]
    }
  }
' "$work/sqla.txt" "$work/floor.txt" "$work/ormc.txt"
