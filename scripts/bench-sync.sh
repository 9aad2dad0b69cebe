#!/usr/bin/env bash
# Issue 6 scenarios between two or three sites over TLS on loopback, from release builds:
#   replicate  site A holds BENCH_REPLICATE records of 1 KiB at SECRET; B starts empty, dials A
#              and receives them; deltas/s at B against Ed25519 verifications/s of one core
#              (package-benchmark's Limits, measured in this run).
#   bundle     the same deltas exported by A for a third site C and imported there (C never
#              connects); deltas/s against the replicate figure of this run.
# Appends its rows to .build-bench/results.tsv (scripts/bench.sh prints the table).
source "$(dirname "$0")/bench-lib.sh"
bin_paths
: "${VERIFY_PER_S:?run through scripts/bench.sh, which measures the limits first}"
N=$BENCH_REPLICATE

# A lab with a, b and c whose site a holds N records (cached like the large stores).
base="$BENCH_DIR/stores/repl-$N-$(code_version)"
if [ ! -f "$base/ready" ]; then
  rm -rf "$base"; mkdir -p "$base"
  log "generating site a with $N records of 1 KiB (cached in $base)…"
  cairn lab create "$base/lab" --agency bench:SECRET --device bench/a --device bench/b --device bench/c >/dev/null
  "$TOOLS/cairn-storegen" write --config "$base/lab/bench-a/cairnd.toml" --records "$N" --field-bytes 1000 --class SECRET >&2
  touch "$base/ready"
fi
LAB=$(copy_lab "$base/lab")
trap 'drop_lab "$LAB"' EXIT
A="$LAB/bench-a/cairnd.sock"; B="$LAB/bench-b/cairnd.sock"; C="$LAB/bench-c/cairnd.sock"
set_peers "$LAB/bench-a/cairnd.toml" 5
set_peers "$LAB/bench-b/cairnd.toml" 5 "bench-a = \"$(listen_of "$LAB" bench-a)\""
set_peers "$LAB/bench-c/cairnd.toml" 60

echo "== replicate: A holds $N records of 1 KiB at SECRET, B starts empty and receives them over TLS"
cairn lab up --wait 600 "$LAB" bench/a bench/c >/dev/null
start=$(now)
cairn lab up --wait 600 "$LAB" bench/b >/dev/null
perf_start "$(cat "$LAB/bench-b/cairnd.pid")" replicate-b
while true; do
  a=$(held "$LAB/bench-a"); b=$(held "$LAB/bench-b")
  # Held and merged: deltas that arrived before their key count once the key has opened them.
  [ "$b" -ge "$N" ] && [ "$b" -ge "$a" ] && [ "$(waiting "$LAB/bench-b")" = 0 ] && break
  [ "$(calc "$(now) - $start > 1800" %d)" = 1 ] && { echo "replicate: B holds $b of $a after 30 min"; exit 1; }
  sleep 0.05
done
end=$(now)
perf_stop
secs=$(calc "$end - $start")
rate=$(calc "$b / ($end - $start)" %.0f)
ratio=$(calc "$rate / $VERIFY_PER_S")
echo "replicate: $b deltas in $secs s = $rate deltas/s at B; Ed25519 verify/s of one core (this run): $VERIFY_PER_S; ratio $ratio"
pid=$(cat "$LAB/bench-b/cairnd.pid")
result "replicate ($N records of 1 KiB, A→B over TLS)" "deltas/s at B (ratio to one core's Ed25519 verify/s = $VERIFY_PER_S)" \
  "$rate/s (ratio $ratio)" "ratio ≥ 0.5" "$(verdict "$ratio >= 0.5")"
echo "replicate_rate=$rate" >"$BENCH_DIR/replicate.env"

echo "== bundle: A exports what C lacks ($b deltas), C imports it (no connection)"
cairn bundle vector --socket "$C" --out "$LAB/c.vector" >/dev/null
t0=$(now)
cairn bundle export --socket "$A" --for bench/c --since "$LAB/c.vector" --out "$LAB/to-c.cairn" --json >"$LAB/export.json"
t1=$(now)
cairn bundle import --socket "$C" "$LAB/to-c.cairn" --json >"$LAB/import.json"
# The import returns once everything is stored; a backlog its grant unlocked may still be being
# merged in the background: the clock stops when that is done too.
while [ "$(waiting "$LAB/bench-c")" != 0 ]; do sleep 0.05; done
t2=$(now)
c=$(held "$LAB/bench-c")
size=$(stat -c %s "$LAB/to-c.cairn")
export_rate=$(calc "$c / ($t1 - $t0)" %.0f)
import_rate=$(calc "$c / ($t2 - $t1)" %.0f)
both_rate=$(calc "$c / ($t2 - $t0)" %.0f)
ratio=$(calc "$both_rate / $rate")
echo "bundle: $c deltas, $(calc "$size / 1048576" %.1f) MiB; export $(calc "$t1 - $t0") s ($export_rate/s), import $(calc "$t2 - $t1") s ($import_rate/s); export+import $both_rate deltas/s = $ratio × replicate ($rate/s)"
[ "$c" -ge "$N" ] || { echo "bundle: C holds only $c deltas"; cat "$LAB/import.json"; exit 1; }
result "bundle export + import ($c deltas)" "deltas/s (export $export_rate/s, import $import_rate/s)" \
  "$both_rate/s (ratio $ratio to replicate)" "≥ 1.0 × replicate" "$(verdict "$ratio >= 1.0")"
