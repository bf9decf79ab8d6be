#!/bin/sh
# Times one TAB press as the shell makes it: the whk binary answering `whk __complete`
# (process start and catalog load included), averaged over N runs (default 50).
# Usage: sh internal/cli/bench-complete.sh [N]
set -eu
cd "$(dirname "$0")/../.."
n=${1:-50}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/whk" ./cmd/whk
for args in "events show -p oneflow contract:" "--catalog docs/examples/catalog events show -p acme ''" "events show ''"; do
  start=$(date +%s%N)
  i=0
  while [ "$i" -lt "$n" ]; do
    eval "\"$tmp/whk\" __complete $args" >/dev/null 2>&1
    i=$((i + 1))
  done
  end=$(date +%s%N)
  echo "whk __complete $args: $(((end - start) / n / 1000)) µs per TAB ($n runs)"
done
