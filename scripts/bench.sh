#!/usr/bin/env bash
# First throughput and memory figures of one site, from release builds:
# writes/s through the control API with 1 and 8 concurrent clients, then the daemon's resident
# memory once the store holds RECORDS records (default 100,000), and its cold-start time.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${RECORDS:-100000}

swift build -c release
(cd Benchmarks && swift build -c release)
BIN=$(swift build -c release --show-bin-path)
LOAD=$(cd Benchmarks && swift build -c release --show-bin-path)/cairn-load
export PATH="$BIN:$PATH"
LAB=/tmp/cairn-bench-$$
trap 'cairn lab down "$LAB" >/dev/null 2>&1 || true; rm -rf "$LAB"' EXIT

cairn lab create "$LAB" --agency bench:SECRET --device bench/hq >/dev/null
cairn lab up "$LAB" >/dev/null
eval "$(cairn lab env "$LAB" bench/hq)"
pid=$(cat "$LAB"/bench-hq/cairnd.pid)
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$LOAD" --socket "$CAIRN_SOCKET" --clients 1 --records 2000 --pid "$pid"
"$LOAD" --socket "$CAIRN_SOCKET" --clients 8 --records 8000 --pid "$pid"
rest=$((RECORDS - 10000))
if [ "$rest" -gt 0 ]; then
  echo "filling the store to $RECORDS records…"
  "$LOAD" --socket "$CAIRN_SOCKET" --clients 8 --records "$rest" --pid "$pid"
fi
cairn lab down "$LAB" >/dev/null
start=$(date +%s.%N)
cairn lab up "$LAB" >/dev/null
ready=$(date +%s.%N)
pid=$(cat "$LAB"/bench-hq/cairnd.pid)
printf 'cold start with %d records: %.2f s to ready (includes the start-up store scan)\n' "$RECORDS" "$(awk -v a="$start" -v b="$ready" 'BEGIN{print b-a}')"
cairn status >/dev/null
echo "resident memory after start and status: $(grep VmRSS /proc/"$pid"/status | awk '{printf "%.1f MiB", $2/1024}')"
