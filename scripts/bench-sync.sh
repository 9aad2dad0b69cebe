#!/usr/bin/env bash
# Replication between two sites, from release builds: site A holds RECORDS records of 1 KiB at
# SECRET; site B starts empty, connects, and receives them over TLS. Prints the deltas stored per
# second at B next to the Ed25519 verifications per second of one core measured in the same run,
# then the bytes of a reconciliation round in which nothing differs.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${RECORDS:-20000}

swift build -c release
(cd Benchmarks && swift build -c release)
BIN=$(swift build -c release --show-bin-path)
TOOLS=$(cd Benchmarks && swift build -c release --show-bin-path)
export PATH="$BIN:$PATH"
LAB=/tmp/cairn-bench-sync-$$
trap 'cairn lab down "$LAB" >/dev/null 2>&1 || true; rm -rf "$LAB"' EXIT

cairn lab create "$LAB" --agency bench:SECRET --device bench/a --device bench/b >/dev/null
cairn lab up "$LAB" bench/a >/dev/null
A="$LAB/bench-a/cairnd.sock"; B="$LAB/bench-b/cairnd.sock"
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "filling site A with $RECORDS records of 1 KiB at SECRET…"
"$TOOLS/cairn-load" --socket "$A" --clients 8 --records "$RECORDS" --field-bytes 1000 --class SECRET
# Streams are contiguous, so the sum of their heads is the number of deltas held; reading the
# small stream table keeps the poll from competing with the daemon the way COUNT(*) would.
count() { sqlite3 "$LAB/$1/state/cairn.sqlite" "SELECT COALESCE(SUM(sequence), 0) FROM stream WHERE level = 'SECRET'"; }
want=$(count bench-a)

cairn lab up "$LAB" bench/b >/dev/null
start=$(date +%s.%N)
while true; do
  have=$(count bench-b 2>/dev/null || echo 0)
  [ "$have" -ge "$want" ] && break
  sleep 0.05
done
end=$(date +%s.%N)
limits=$("$TOOLS/cairn-limits" --seconds 2)
verify=${limits#ed25519_verify_per_s=}
awk -v n="$want" -v a="$start" -v b="$end" -v v="$verify" 'BEGIN {
  r = n / (b - a);
  printf "replicate: %d SECRET deltas from A to B in %.2f s = %.0f deltas/s at B\n", n, b - a, r;
  printf "ed25519 verifications/s, one core, same run: %.0f; ratio replicate/verify = %.2f\n", v, r / v }'

cairn sync --socket "$A" --wait >/dev/null
printf 'in-sync round with %s deltas in each store: ' "$want"
round=$(cairn sync --socket "$A" --wait --json | tr -d ' \n')
sent=$(echo "$round" | grep -o '"bytesSent":[0-9]*' | cut -d: -f2)
received=$(echo "$round" | grep -o '"bytesReceived":[0-9]*' | cut -d: -f2)
echo "$sent bytes sent + $received bytes received = $((sent + received)) bytes (frames after TLS)"
