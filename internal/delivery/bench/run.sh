#!/usr/bin/env bash
# Benchmark of `whk replay` against the limit: a minimal Go keep-alive sender with the
# same concurrency and an HMAC per request. Both send to the same minimal receiver on
# 127.0.0.1, in alternating rounds (a shared machine drifts; alternating keeps the two
# comparable), and the median round of each is compared. Also prints whk's peak RSS at
# two --count sizes and the receiver's counts (deliveries, distinct ids) against the
# number sent.
#
#   bash internal/delivery/bench/run.sh
#   N=20000 C=32 BIG=100000 ROUNDS=5 bash internal/delivery/bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
N=${N:-20000}        # deliveries per round (Contract-as-Code has 10 events: --count N/10)
C=${C:-32}           # concurrency of both senders
BIG=${BIG:-100000}   # deliveries of the memory run
ROUNDS=${ROUNDS:-5}
tmp=$(mktemp -d)
rpid=
trap '[ -n "$rpid" ] && kill "$rpid" 2>/dev/null; rm -rf "$tmp"' EXIT

go build -o "$tmp/whk" ./cmd/whk
go build -o "$tmp/receiver" ./internal/delivery/bench/receiver
go build -o "$tmp/sender" ./internal/delivery/bench/sender

"$tmp/receiver" > "$tmp/url" 2> "$tmp/receiver.log" &
rpid=$!
for _ in $(seq 50); do [ -s "$tmp/url" ] && break; sleep 0.1; done
url=$(cat "$tmp/url")
counts() { curl -s "${url}count?reset=1"; } # "deliveries distinct-ids", then reset
check() { # expected
  read -r got ids < <(counts)
  if [ "$got" != "$1" ] || [ "$ids" != "$1" ]; then echo "  receiver: $got deliveries, $ids distinct ids, want $1 (LOST OR DUPLICATED)"; fail=1
  else echo "  receiver: $got deliveries, $ids distinct ids = sent"; fi
}
cpu_us() { awk -v n="$2" '{printf "%.1f", ($1 + $2) * 1e6 / n}' "$1"; } # CPU µs per delivery
whk_replay() { # deliveries -> prints req/s; peak RSS KiB in $tmp/rss, CPU in $tmp/cpu
  /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$tmp/whk" replay -p lac --to "$url" --secret bench-secret \
    --count $(( $1 / 10 )) --concurrency "$C" > /dev/null 2> "$tmp/whk.err" || { cat "$tmp/whk.err" >&2; kill $$; }
  awk '{print $3}' "$tmp/time" > "$tmp/rss"; awk '{print $1, $2}' "$tmp/time" > "$tmp/cpu"
  sed -nE 's/.*\(([0-9]+)\/s\).*/\1/p' "$tmp/whk.err"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

fail=0
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(go env GOVERSION)"
echo "limit:   $tmp/sender -to URL -n $N -workers $C   (Go keep-alive, HMAC-SHA256 per request)"
echo "whk:     whk replay -p lac --to URL --secret bench-secret --count $(( N / 10 )) --concurrency $C > /dev/null"
: > "$tmp/limit.txt"; : > "$tmp/whk.txt"
for r in $(seq "$ROUNDS"); do
  l=$(/usr/bin/time -f "%U %S" -o "$tmp/lcpu" "$tmp/sender" -to "$url" -n "$N" -workers "$C" | sed -E 's/.*: ([0-9]+) req\/s.*/\1/')
  echo "round $r: limit $l req/s, $(cpu_us "$tmp/lcpu" "$N") µs CPU/delivery"; echo "$l" >> "$tmp/limit.txt"; check "$N"
  w=$(whk_replay "$N")
  echo "round $r: whk   $w req/s, $(cpu_us "$tmp/cpu" "$N") µs CPU/delivery, peak RSS $(cat "$tmp/rss") KiB"; echo "$w" >> "$tmp/whk.txt"; check "$N"
done
lim=$(median < "$tmp/limit.txt"); got=$(median < "$tmp/whk.txt")
echo "median: limit $lim req/s, whk $got req/s, whk/limit $(( 100 * got / lim ))%"
small=$(cat "$tmp/rss")
w=$(whk_replay "$BIG")
echo "memory: peak RSS $small KiB at $N deliveries, $(cat "$tmp/rss") KiB at $BIG ($w req/s)"; check "$BIG"
exit $fail
