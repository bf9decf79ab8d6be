#!/usr/bin/env bash
# Benchmark of `whk replay` against the limit: a minimal Go keep-alive sender with the
# same concurrency and an HMAC per request, both sending to the same minimal receiver on
# 127.0.0.1. Prints req/s for both, the ratio, whk's peak RSS at two --count sizes and
# the receiver's counts (deliveries and distinct ids) against the number sent.
#
#   bash internal/delivery/bench/run.sh            # 20,000 deliveries, 32 in flight
#   N=20000 C=32 BIG=100000 bash internal/delivery/bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
N=${N:-20000}        # deliveries per run (Contract-as-Code has 10 events: N/10 --count)
C=${C:-32}           # concurrency of both senders
BIG=${BIG:-100000}   # deliveries of the second run, for memory growth
tmp=$(mktemp -d)
trap 'kill $rpid 2>/dev/null || true; rm -rf "$tmp"' EXIT

go build -o "$tmp/whk" ./cmd/whk
go build -o "$tmp/receiver" ./internal/delivery/bench/receiver
go build -o "$tmp/sender" ./internal/delivery/bench/sender

"$tmp/receiver" > "$tmp/url" 2> "$tmp/receiver.log" &
rpid=$!
for _ in $(seq 50); do [ -s "$tmp/url" ] && break; sleep 0.1; done
url=$(cat "$tmp/url")
count() { curl -s "${url}count?reset=$1"; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== limit: Go keep-alive sender, $C workers, HMAC per request, $N deliveries"
limit=$("$tmp/sender" -to "$url" -n "$N" -workers "$C")
echo "$limit"
echo "receiver (deliveries, distinct ids): $(count 1)"

run_whk() { # deliveries
  /usr/bin/time -f "%M" -o "$tmp/rss" "$tmp/whk" replay -p lac --to "$url" --secret bench-secret \
    --count $(( $1 / 10 )) --concurrency "$C" > /dev/null 2> "$tmp/whk.err" || { cat "$tmp/whk.err"; exit 1; }
  grep ' sent in ' "$tmp/whk.err"
  echo "whk peak RSS: $(cat "$tmp/rss") KiB"
  echo "receiver (deliveries, distinct ids): $(count 1)"
}
echo "== whk replay -p lac --count $(( N / 10 )) --concurrency $C ($N deliveries)"
small=$(run_whk "$N"); echo "$small"
echo "== whk replay -p lac --count $(( BIG / 10 )) --concurrency $C ($BIG deliveries)"
run_whk "$BIG"

lim=$(echo "$limit" | sed -E 's/.*: ([0-9]+) req\/s.*/\1/')
got=$(echo "$small" | sed -nE 's/.*\(([0-9]+)\/s\).*/\1/p')
echo "== whk/limit: $got / $lim req/s = $(( 100 * got / lim ))%"
