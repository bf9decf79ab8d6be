#!/usr/bin/env bash
# Benchmark of `whk listen` against bare net/http handlers, all driven in one run by the
# same Go load generator: CONNS keep-alive connections POST a signed 1 KiB Clment
# delivery (fresh id each time) for DUR to each receiver in turn:
#
#   floor   a bare handler that reads the body and answers 200, writing nothing
#   anchor  the same handler writing each body as its own file (temp file + rename):
#           the fair measure of --record DIR, whose cost is mostly the kernel's
#   whk listen --json                       (target: >= 0.75x floor req/s, p99 <= 1.3x)
#   whk listen --json --record LOG.ndjson   (target: >= 0.65x floor req/s)
#   whk listen --json --record DIR          (target: >= 0.85x anchor req/s)
#
#   bash internal/listener/bench/run.sh              # 10s per run, 32 connections
#   DUR=30s CONNS=32 bash internal/listener/bench/run.sh
#
# It prints requests per second and p50/p99 for each, the ratios, and checks that the
# NDJSON lines, record files and log lines equal the requests answered. Record the
# figures in docs/benchmarks.md, with the load average it prints.
#
# On this VM's ext4 (no journal), creating a file costs several times more after many
# files were deleted: ext4 will not reuse an inode freed less than 60 s ago (6 min while
# its inode block is not yet written back), and reads each candidate's inode block to
# find that out. This script syncs after deleting its records and the next run waits
# until 65 s have passed; delete nothing big on the machine while it runs (and sync
# after a big delete that came before). It also syncs after each run that wrote files,
# so that one run's write-back does not slow the next.
set -euo pipefail
cd "$(dirname "$0")/../../.."
DUR=${DUR:-10s}
CONNS=${CONNS:-32}
stamp=${TMPDIR:-/tmp}/whk-listen-bench.cleaned
if [ -f "$stamp" ]; then
  wait_s=$(( 65 - ($(date +%s) - $(stat -c %Y "$stamp")) ))
  if [ "$wait_s" -gt 0 ]; then
    echo "(waiting ${wait_s}s: the last run deleted its records, which slows file creation for 60 s)"
    sleep "$wait_s"
  fi
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
  sync
  touch "$stamp"
}
trap cleanup EXIT

go build -o "$work/whk" ./cmd/whk
go build -o "$work/loadgen" ./internal/listener/bench/loadgen
go build -o "$work/bare" ./internal/listener/bench/bare

# wait_url FILE: the first URL the receiver printed (bare: a line; whk: the ready line).
wait_url() {
  for _ in $(seq 1 500); do
    if [ -s "$1" ]; then
      head -n1 "$1" | grep -o 'http://[^"]*' && return 0
    fi
    sleep 0.01
  done
  echo "no URL in $1" >&2
  return 1
}

# run NAME CMD...: start a receiver whose first stdout line holds its URL, drive it,
# stop it with SIGTERM and keep the load generator's JSON line in $work/NAME.json.
run() {
  local name=$1; shift
  echo "== $name: $*"
  "$@" > "$work/$name.out" 2> "$work/$name.err" &
  local pid=$!
  pids+=("$pid")
  "$work/loadgen" -url "$(wait_url "$work/$name.out")" -c "$CONNS" -d "$DUR" > "$work/$name.json"
  kill -TERM "$pid"
  wait "$pid"
  cat "$work/$name.json"
  sync
}

# The runs that write nothing first; the anchor right before --record DIR, so that
# both create their files on a file system in the same state.
run floor "$work/bare"
run norec "$work/whk" listen --addr 127.0.0.1:0 --json -p clment --secret S
run log "$work/whk" listen --addr 127.0.0.1:0 --json --record "$work/rec.ndjson" -p clment --secret S
run anchor "$work/bare" -record "$work/anchor"
run dir "$work/whk" listen --addr 127.0.0.1:0 --json --record "$work/rec" -p clment --secret S

field() { sed -E "s/.*\"$2\":([0-9.]+).*/\1/" "$work/$1.json"; }
row() { printf '%-34s %10.0f %9s %9s\n' "$1" "$(field "$2" rps)" "$(field "$2" p50_ms)" "$(field "$2" p99_ms)"; }
# ratio A B TARGET: A's req/s and p99 against B's.
ratio() {
  awk -v a="$(field "$1" rps)" -v b="$(field "$2" rps)" -v p="$(field "$1" p99_ms)" -v q="$(field "$2" p99_ms)" -v n="$1 vs $2" -v t="$3" \
    'BEGIN { printf "%-16s req/s %.2fx, p99 %.2fx   (%s)\n", n, a/b, p/q, t }'
}
echo
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %10s %9s %9s\n' receiver 'req/s' 'p50 ms' 'p99 ms'
row "bare net/http (floor)" floor
row "bare net/http + file (anchor)" anchor
row "whk listen --json" norec
row "whk listen --json --record LOG" log
row "whk listen --json --record DIR" dir
ratio norec floor "target: req/s >= 0.75x, p99 <= 1.3x"
ratio log floor "target: req/s >= 0.65x"
ratio dir anchor "target: req/s >= 0.85x"
ratio dir floor "for reference"

status=0
# check NAME RECORDED: the NDJSON lines (less the ready line) and the records kept
# must both equal the requests answered.
check() {
  local answered lines
  answered=$(field "$1" answered)
  lines=$(( $(wc -l < "$work/$1.out") - 1 ))
  echo "$1: answered $answered, NDJSON lines $lines, recorded $2; $(tail -n1 "$work/$1.err")"
  if [ "$answered" != "$lines" ] || [ "$answered" != "$2" ]; then
    echo "MISMATCH: something answered was not printed or recorded" >&2
    status=1
  fi
}
check log "$(wc -l < "$work/rec.ndjson")"
check dir "$(find "$work/rec" -name '*.json' | wc -l)"
temps=$(find "$work/rec" -name '.*' -type f | wc -l)
if [ "$temps" != 0 ]; then
  echo "MISMATCH: $temps temp files left in the record directory" >&2
  status=1
fi
anchored=$(find "$work/anchor" -name '*.json' | wc -l)
if [ "$anchored" != "$(field anchor answered)" ]; then
  echo "MISMATCH: the anchor answered $(field anchor answered) and wrote $anchored files" >&2
  status=1
fi
exit $status
