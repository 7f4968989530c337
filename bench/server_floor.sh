#!/usr/bin/env bash
# The PostgreSQL server's own cost of the insert workloads, with no client at all: N members made by
# generate_series inside one INSERT ... SELECT ... RETURNING (foreign key checked, as in the workloads),
# plus its COMMIT. A program that needs the generated keys back can hardly insert those rows faster, so
# SQLAlchemy's seconds divided by this floor about bound the "times faster than SQLAlchemy" any client
# can reach on this server (COPY, which returns no keys, can beat it).
# Usage: bench/server_floor.sh URL [N] [REPS] [LABEL]; prints `FLOOR postgresql <LABEL> s=<median>`
# (LABEL defaults to insert_n; run_all.sh passes the workload the floor was measured next to).
set -euo pipefail

url=$1
n=${2:-100000}
reps=${3:-3}
label=${4:-insert_n}

# Own table names, so the benchmark's tables are left alone; dropped again on exit.
setup="SET client_min_messages = warning; DROP TABLE IF EXISTS floor_members; DROP TABLE IF EXISTS floor_organizations;
CREATE TABLE floor_organizations (org_id SERIAL PRIMARY KEY, org_name VARCHAR(50) NOT NULL);
CREATE TABLE floor_members (member_id SERIAL PRIMARY KEY, member_name VARCHAR(50) NOT NULL,
  org_id INTEGER REFERENCES floor_organizations (org_id) ON DELETE CASCADE);
INSERT INTO floor_organizations (org_name) VALUES ('org one');"
trap 'psql -qX "$url" -c "DROP TABLE IF EXISTS floor_members; DROP TABLE IF EXISTS floor_organizations" >/dev/null 2>&1 || true' EXIT
psql -qX -v ON_ERROR_STOP=1 "$url" -c "$setup" >/dev/null

times=()
for ((rep = 0; rep < reps; ++rep)); do
  psql -qX -v ON_ERROR_STOP=1 "$url" -c "TRUNCATE floor_members" >/dev/null
  # \timing reports each statement's round trip; the INSERT's and the COMMIT's are summed.
  out=$(psql -qX -v ON_ERROR_STOP=1 "$url" <<SQL
\\o /dev/null
\\timing on
BEGIN;
INSERT INTO floor_members (member_name, org_id)
  SELECT 'member ' || i, (SELECT min(org_id) FROM floor_organizations) FROM generate_series(0, $n - 1) AS i
  RETURNING member_id;
COMMIT;
SQL
)
  times+=("$(awk '/^Time: / { ms += $2 } END { printf "%.6f", ms / 1000 }' <<<"$out")")
done
median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "FLOOR postgresql $label s=$median"
