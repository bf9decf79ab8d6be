#!/usr/bin/env bash
# Sign and verify a 1 KiB body per scheme, and bare crypto/hmac + hmac.Equal, then
# print min and median ns/op per benchmark and the HMAC verify / bare ratio (target
# <= 1.2x). Usage: bash internal/signing/bench.sh [COUNT] [BENCHTIME]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-5}
benchtime=${2:-5000x}
go test ./internal/signing -run '^$' -bench . -benchtime "$benchtime" -count "$count" -benchmem |
  awk '/^Benchmark/ { name=$1; sub(/-[0-9]+$/, "", name); print name, $3, $(NF-1) }' |
  sort -k1,1 -k2,2n |
  awk '
  function flush() {
    if (cur == "") return
    med = (n % 2) ? xs[(n+1)/2] : (xs[n/2] + xs[n/2+1]) / 2
    printf "%-34s %12.0f %12.0f %10s\n", cur, xs[1], med, al
    mins[cur] = xs[1]; meds[cur] = med
  }
  BEGIN { printf "%-34s %12s %12s %10s\n", "benchmark", "min ns/op", "median ns/op", "allocs/op" }
  $1 != cur { flush(); cur = $1; n = 0 }
  { xs[++n] = $2; al = $3 }
  END {
    flush()
    v = "BenchmarkVerify/clment"; b = "BenchmarkBareHMAC"
    if ((v in mins) && (b in mins))
      printf "HMAC verify / bare: %.2fx by min, %.2fx by median (target <= 1.2x)\n", mins[v]/mins[b], meds[v]/meds[b]
  }'
