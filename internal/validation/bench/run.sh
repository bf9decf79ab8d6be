#!/usr/bin/env bash
# The `whk validate` benchmark (issue 4). From the repository root:
#
#   internal/validation/bench/run.sh                 # 20,000 deliveries, 3 runs each, 256 MiB RSS file
#   N=20000 RUNS=5 BIG=1GiB internal/validation/bench/run.sh
#
# It generates N realistic Clment deliveries (5% with one mutation: missing field, wrong
# type, bad enum, bad date-time) as one file each and as one NDJSON file, then measures
# whole-process wall time (median of RUNS) and CPU time for:
#   - whk validate (jsonschema/v5, the default build) and whk built with -tags jsonschema_v6;
#   - ajv-cli 5 + ajv-formats (npm, installed into a temporary directory) given whk's
#     generated schemas/clment.schema.json; ajv-cli reads only whole files, so the NDJSON
#     row runs ajv-ndjson.js, the same Ajv2020 + ajv-formats setup in a line loop;
#   - bare: a minimal Go program that compiles that schema once and validates on all
#     cores with jsonschema/v5, and the same with v6.
# Every tool must report exactly the expected invalid files (or NDJSON lines), or the
# script fails. Last, whk's peak RSS on an NDJSON file of BIG bytes.
# Needs: go, node + npm (registry access), awk, GNU /usr/bin/time (else /proc is polled).
set -euo pipefail

N=${N:-20000}
RUNS=${RUNS:-3}
BIG=${BIG:-256MiB}
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"
work=$(mktemp -d "${TMPDIR:-/tmp}/whk-validate-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
schema=$repo/schemas/clment.schema.json

echo "== building" >&2
go build -o "$work/whk" ./cmd/whk
go build -tags jsonschema_v6 -o "$work/whk-v6" ./cmd/whk
go build -o "$work/bare-v5" ./internal/validation/bench/bare
go build -tags bare_v6 -o "$work/bare-v6" ./internal/validation/bench/bare
echo "== generating $N deliveries" >&2
go run ./internal/validation/bench/gen -n "$N" -out "$work/corpus"
corpus=$work/corpus
sort "$corpus/expected-invalid.txt" >"$work/want-files"
sort -n "$corpus/expected-invalid-lines.txt" >"$work/want-lines"

echo "== installing ajv-cli 5 and ajv-formats into $work/ajv" >&2
mkdir -p "$work/ajv"
(cd "$work/ajv" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund ajv-cli@5 ajv-formats@2 >/dev/null)
cp internal/validation/bench/ajv-ndjson.js "$work/ajv/"
ajv_version=$(cd "$work/ajv" && node -p "require('ajv-cli/package.json').version + ' (ajv ' + require('ajv/package.json').version + ', ajv-formats ' + require('ajv-formats/package.json').version + ')'")

# measure NAME OUTFILE CMD...: runs CMD RUNS times with stdout+stderr to OUTFILE and
# prints "wall cpu rss" of the median run (by wall time).
measure() {
	local out=$2
	shift 2
	local runs=()
	for ((i = 0; i < RUNS; i++)); do
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$out" 2>&1 || true
			# (time writes "Command exited with non-zero status" first when it did)
			read -r wall user sys rss < <(tail -1 "$work/time")
		else
			local start end
			start=$(date +%s.%N)
			"$@" >"$out" 2>&1 || true
			end=$(date +%s.%N)
			wall=$(awk "BEGIN {printf \"%.2f\", $end - $start}") user=0 sys=0 rss=0
		fi
		runs+=("$wall $(awk "BEGIN {printf \"%.2f\", $user + $sys}") $rss")
	done
	printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}

# check NAME GOT WANT: the tool found exactly the expected invalid items.
check() {
	if ! diff -q "$2" "$3" >/dev/null; then
		echo "$1 reported different invalid items:" >&2
		diff "$2" "$3" | head -10 >&2
		exit 1
	fi
}

rows=()
row() { # tool input wall cpu rss
	local rate cpurate
	rate=$(awk "BEGIN {printf \"%d\", $N / $3}")
	cpurate=$(awk "BEGIN {printf \"%d\", $N / $4}")
	rows+=("| $1 | $2 | $3 | $4 | $rate | $cpurate | $(($5 / 1024)) |")
}

cd "$corpus"
echo "== measuring ($RUNS runs each)" >&2
for bin in whk whk-v6; do
	read -r wall cpu rss < <(measure "$bin" "$work/out" "$work/$bin" validate files)
	sed -n 's|^files/\([^:]*\):.*|\1|p' "$work/out" | sort -u >"$work/got"
	check "$bin (files)" "$work/got" "$work/want-files"
	row "$bin validate" "files" "$wall" "$cpu" "$rss"
	read -r wall cpu rss < <(measure "$bin" "$work/out" "$work/$bin" validate corpus.ndjson)
	sed -n 's|^corpus.ndjson:\([0-9]*\):.*|\1|p' "$work/out" | sort -nu >"$work/got"
	check "$bin (NDJSON)" "$work/got" "$work/want-lines"
	row "$bin validate" "NDJSON" "$wall" "$cpu" "$rss"
done

read -r wall cpu rss < <(measure ajv "$work/out" "$work/ajv/node_modules/.bin/ajv" validate --spec=draft2020 -c ajv-formats -s "$schema" -d 'files/*.json' --errors=line)
sed -n 's|^files/\(.*\) invalid$|\1|p' "$work/out" | sort -u >"$work/got"
check "ajv-cli (files)" "$work/got" "$work/want-files"
row "ajv-cli $ajv_version" "files" "$wall" "$cpu" "$rss"
read -r wall cpu rss < <(measure ajv "$work/out" node "$work/ajv/ajv-ndjson.js" "$schema" corpus.ndjson)
sort -nu "$work/out" >"$work/got"
check "ajv (NDJSON)" "$work/got" "$work/want-lines"
row "ajv-ndjson.js (same ajv setup)" "NDJSON" "$wall" "$cpu" "$rss"

for lib in v5 v6; do
	read -r wall cpu rss < <(measure bare "$work/out" "$work/bare-$lib" "$schema" files)
	grep -v '^$' "$work/out" | sort -u >"$work/got"
	check "bare $lib (files)" "$work/got" "$work/want-files"
	row "bare jsonschema/$lib" "files" "$wall" "$cpu" "$rss"
	read -r wall cpu rss < <(measure bare "$work/out" "$work/bare-$lib" -ndjson "$schema" corpus.ndjson)
	grep -v '^$' "$work/out" | sort -nu >"$work/got"
	check "bare $lib (NDJSON)" "$work/got" "$work/want-lines"
	row "bare jsonschema/$lib" "NDJSON" "$wall" "$cpu" "$rss"
done

echo "== peak RSS on a $BIG NDJSON file" >&2
(cd "$repo" && go run ./internal/validation/bench/gen -n "$N" -big "$work/big.ndjson" -bigsize "$BIG")
size=$(wc -c <"$work/big.ndjson")
lines=$(wc -l <"$work/big.ndjson")
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$work/whk" validate "$work/big.ndjson" >/dev/null 2>&1 || true
	read -r bwall buser bsys brss < <(tail -1 "$work/time")
else
	"$work/whk" validate "$work/big.ndjson" >/dev/null 2>&1 &
	pid=$! brss=0
	while kill -0 "$pid" 2>/dev/null; do
		hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		[ "${hwm:-0}" -gt "$brss" ] && brss=$hwm
		sleep 0.05
	done
	bwall="?"
fi

cat <<EOF

Corpus: $N Clment deliveries, $(wc -l <"$work/want-files") of them mutated; machine: $(nproc) cores,
load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Median of $RUNS runs; CPU = user + system.
Every tool reported exactly the expected invalid items.

| tool | input | wall s | CPU s | items/s (wall) | items per CPU-second | peak RSS MiB |
| --- | --- | --- | --- | --- | --- | --- |
$(printf '%s\n' "${rows[@]}")

Peak RSS of whk validate on an NDJSON file of $((size / 1048576)) MiB ($lines deliveries): $((brss / 1024)) MiB, in ${bwall} s.
EOF
