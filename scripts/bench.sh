#!/usr/bin/env bash
# `make bench`: every benchmark scenario of issue 6, from release builds, then the table.
#
#   make bench                  the issue's sizes (1,000,000-delta stores; ~20–40 min, the first
#                               run longer while it generates and caches the stores)
#   BENCH_QUICK=1 make bench    small sizes, a few minutes (3.8 min measured)
#   BENCH_ONLY="writes gossip"  only some scenarios: limits writes sync large gossip keys thin
#
# Sizes are set by the BENCH_* variables described in scripts/bench-lib.sh. Each scenario prints
# its figures, the limit measured in this run and its verdict, and appends a row to
# .build-bench/results.tsv; scripts/bench-table.sh prints the table at the end (also written to
# .build-bench/results.md). Generated stores are cached under .build-bench/stores/.
source "$(dirname "$0")/bench-lib.sh"
ONLY=${BENCH_ONLY:-limits writes sync large gossip keys thin}
began=$(now)
if [ "${BENCH_SKIP_BUILD:-0}" = 1 ]; then
  log "BENCH_SKIP_BUILD=1: using the release binaries already built"
else
  log "building cairn and cairnd (release)…"
  swift build -c release --scratch-path "$BENCH_SCRATCH" --product cairnd >&2
  swift build -c release --scratch-path "$BENCH_SCRATCH" --product cairn >&2
  log "building the benchmark package (release, -enable-testing)…"
  (cd Benchmarks && swift build -c release "${BENCH_SWIFTC_FLAGS[@]}") >&2
fi
bin_paths
echo "binaries: cairnd built $(date -u -r "$BIN/cairnd" '+%Y-%m-%d %H:%M UTC'), tools $(date -u -r "$TOOLS/cairn-load" '+%H:%M UTC')"
: >"$RESULTS"
{
  echo "machine: $(machine_line)"
  echo "sizes: large store $BENCH_STORE_DELTAS records by $BENCH_STORE_STREAMS authors; replicate and bundle $BENCH_REPLICATE records;" \
    "reconcile d = $BENCH_RECONCILE_D; gossip $BENCH_GOSSIP_SITES sites, $BENCH_GOSSIP_WRITES writes;" \
    "local writes $BENCH_WRITES_1 (1 client) and $BENCH_WRITES_16 (16 clients)${BENCH_QUICK:+ (BENCH_QUICK=1)}"
} | tee "$BENCH_DIR/run.txt"

wants() { [[ " $ONLY " == *" $1 "* ]]; }

# The limit replicate is compared with: Ed25519 verifications/s of one core, this run.
VERIFY_PER_S=""
if wants limits || wants sync; then
  log "limits: Ed25519 on one core (cairn-limits)…"
  VERIFY_PER_S=$("$TOOLS/cairn-limits" --seconds 3 | sed -n 's/^ed25519_verify_per_s=//p')
  echo "limits (one core, cairn-limits, 3 s): Ed25519 verify $VERIFY_PER_S/s (1 KiB messages)"
fi
# package-benchmark's Limits (the same measurement with its statistics, plus signing), with
# BENCH_PB=1. Off by default: its plugin builds the dependency closure again in its own
# configuration (4 minutes on the quiet machine, over fifteen on a loaded one); when it fails,
# the figure from cairn-limits above stays the limit.
if { wants limits || wants sync; } && [ "${BENCH_PB:-0}" = 1 ]; then
  log "limits: Ed25519 on one core (package-benchmark Limits)…"
  rm -rf "$BENCH_DIR/limits"; mkdir -p "$BENCH_DIR/limits"
  (cd Benchmarks && swift package --disable-sandbox benchmark --target Limits --Xswiftc enable-testing \
    --no-progress --format jmh --path "$BENCH_DIR/limits") >"$BENCH_DIR/limits/log.txt" 2>&1 ||
    log "package-benchmark failed (see $BENCH_DIR/limits/log.txt); keeping the cairn-limits figure"
  eval "$(python3 - "$BENCH_DIR/limits" <<'PY'
import glob, json, sys
for path in glob.glob(sys.argv[1] + "/*.json"):
    for element in json.load(open(path)):
        name = element["benchmark"].split(".")[-1]
        score = element["primaryMetric"]["score"]
        key = {"ed25519-verify-1KiB": "VERIFY_PER_S", "ed25519-sign-1KiB": "SIGN_PER_S"}.get(name)
        if key: print(f"{key}={score * 1000:.0f}")
PY
)"
  echo "limits (one core, package-benchmark, mean throughput): Ed25519 verify $VERIFY_PER_S/s, sign $SIGN_PER_S/s (1 KiB messages); used as the limit"
fi
export VERIFY_PER_S

if wants writes; then
  log "local writes through the control API…"
  mkdir -p "$BENCH_DIR/r"; LAB=$(mktemp -d "$BENCH_DIR/r/cw.XXXX"); rm -rf "$LAB"
  cairn lab create "$LAB" --agency bench:SECRET --device bench/hq >/dev/null
  cairn lab up --wait 600 "$LAB" >/dev/null
  S="$LAB/bench-hq/cairnd.sock"
  # The limit a lone writer meets: durable appends per second on the store's file system, this
  # run (each write is its own commit group when nothing else is waiting).
  fsync=$("$TOOLS/cairn-limits" --fsync "$LAB/bench-hq" --seconds 2)
  echo "limits (this run, the store's file system, cairn-limits --fsync): $fsync"
  fsync_rate=$(grep -o 'fdatasync_per_s=[0-9]*' <<<"$fsync" | cut -d= -f2)
  # Every client keeps one connection open (keep-alive) and gets the whole record back.
  "$TOOLS/cairn-load" --socket "$S" --clients 16 --records 320 --field-bytes 1000 --class SECRET >/dev/null  # warm-up
  for clients in 1 16; do
    n=$BENCH_WRITES_1; [ "$clients" = 16 ] && n=$BENCH_WRITES_16
    [ "$clients" = 16 ] && perf_start "$(cat "$LAB/bench-hq/cairnd.pid")" write-16
    out=$("$TOOLS/cairn-load" --socket "$S" --clients "$clients" --records "$n" --field-bytes 1000 --class SECRET)
    [ "$clients" = 16 ] && perf_stop
    echo "local write, $clients client(s): $out"
    rate=$(grep -o 'writes/s=[0-9]*' <<<"$out" | cut -d= -f2)
    p50=$(grep -o 'p50=[0-9.]*' <<<"$out" | cut -d= -f2); p99=$(grep -o 'p99=[0-9.]*' <<<"$out" | cut -d= -f2)
    if [ "$clients" = 16 ]; then
      result "local write, 16 clients (control API, 1 KiB, keep-alive)" "writes/s; p50/p99 latency" "$rate/s; p50 $p50 ms, p99 $p99 ms" \
        "≥ 5,000/s; p99 ≤ 5 ms" "$(verdict "$rate >= 5000 && $p99 <= 5")"
    else
      result "local write, 1 client (control API, 1 KiB, keep-alive)" "writes/s; p50/p99 latency (fdatasync $fsync_rate/s)" \
        "$rate/s; p50 $p50 ms, p99 $p99 ms" "p50 ≤ 0.5 ms" "$(verdict "$p50 <= 0.5")"
    fi
  done
  drop_lab "$LAB"
fi

if wants large; then log "in-sync round, reconcile, cold start on the large store…"; "$ROOT/scripts/bench-large.sh"; fi
if wants gossip; then log "gossip…"; "$ROOT/scripts/bench-gossip.sh"; fi
if wants keys; then log "keys in a 12-device lab…"; "$ROOT/scripts/bench-keys.sh"; fi
if wants sync; then log "replicate and bundle…"; "$ROOT/scripts/bench-sync.sh"; fi
# Issue 15: HQ and a laptop over a 64 kbit/s, 300 ms link (sizes: BENCH_THIN_* in bench-thin.sh).
if wants thin; then log "thin link…"; "$ROOT/scripts/bench-thin.sh"; fi

echo "total time: $(calc "($(now) - $began) / 60" %.1f) min" | tee -a "$BENCH_DIR/run.txt"
if [ -s "$RESULTS" ]; then
  "$ROOT/scripts/bench-table.sh"
else
  # BENCH_ONLY=limits measures the limits alone: no scenario of the table ran.
  echo "no table rows: the scenarios run ($ONLY) have no target of their own"
fi
