#!/usr/bin/env bash
# Shared by the scripts/bench*.sh scenarios of issue 6: sizes, binaries, the results file, lab
# helpers and the cache of generated stores. Sourced, never run.
#
# Sizes (environment; BENCH_QUICK=1 picks the small defaults, the full run the issue's):
#   BENCH_STORE_DELTAS   deltas of the large store (reconcile, in-sync round, cold start)  1,000,000 | 10,000
#   BENCH_STORE_STREAMS  authoring devices (streams at SECRET) in that store                  1,000 | 100
#   BENCH_REPLICATE      records site A holds for the replication run and the bundle        100,000 | 10,000
#   BENCH_RECONCILE_D    differences of the reconcile rounds                     "1 100 10000" | "1 100 1000"
#   BENCH_GOSSIP_SITES / BENCH_GOSSIP_WRITES                                           24 / 100 | 24 / 20
#   BENCH_WRITES_1 / BENCH_WRITES_16  writes of the local-write runs                 4000 / 32000 | 1000 / 8000
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  : "${BENCH_STORE_DELTAS:=10000}" "${BENCH_STORE_STREAMS:=100}" "${BENCH_REPLICATE:=10000}"
  : "${BENCH_RECONCILE_D:=1 100 1000}" "${BENCH_GOSSIP_SITES:=24}" "${BENCH_GOSSIP_WRITES:=20}"
  : "${BENCH_WRITES_1:=1000}" "${BENCH_WRITES_16:=8000}"
else
  : "${BENCH_STORE_DELTAS:=1000000}" "${BENCH_STORE_STREAMS:=1000}" "${BENCH_REPLICATE:=100000}"
  : "${BENCH_RECONCILE_D:=1 100 10000}" "${BENCH_GOSSIP_SITES:=24}" "${BENCH_GOSSIP_WRITES:=100}"
  : "${BENCH_WRITES_1:=4000}" "${BENCH_WRITES_16:=32000}"
fi
export BENCH_STORE_DELTAS BENCH_STORE_STREAMS BENCH_REPLICATE BENCH_RECONCILE_D
export BENCH_GOSSIP_SITES BENCH_GOSSIP_WRITES BENCH_WRITES_1 BENCH_WRITES_16

BENCH_DIR="$ROOT/.build-bench"
RESULTS="$BENCH_DIR/results.tsv"
mkdir -p "$BENCH_DIR"
# The package-benchmark targets and cairn-storegen use `@testable import`, so the benchmark
# package is always built with -enable-testing (the same flags every time: no rebuilds).
BENCH_SWIFTC_FLAGS=(-Xswiftc -enable-testing)

# BENCH_SCRATCH: the scratch path of the release build of cairn and cairnd (default .build; a
# worktree that keeps its debug build in .build may use .build-release).
BENCH_SCRATCH=${BENCH_SCRATCH:-.build}
bin_paths() {
  BIN="$ROOT/$BENCH_SCRATCH/release"  # not --show-bin-path: it waits for the lock of a running build
  TOOLS="$ROOT/Benchmarks/.build/release"
  export PATH="$BIN:$PATH"
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# result SCENARIO FIGURE MEASURED TARGET VERDICT — one row of the table (tab-separated).
result() {
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RESULTS"
  printf '  => %s | %s | %s | target %s | %s\n' "$1" "$2" "$3" "$4" "$5"
}

# verdict CONDITION (awk expression over nothing) → "met" / "MISSED"
verdict() { awk "BEGIN { exit !($1) }" && echo met || echo MISSED; }

# calc EXPRESSION → a number (awk arithmetic, %.2f unless a format is given)
calc() { awk "BEGIN { printf \"${2:-%.2f}\", ($1) }"; }

now() { date +%s.%N; }

# How many stored deltas still wait for their key (not yet merged into records).
waiting() { sqlite3 -cmd '.timeout 5000' "$1/state/cairn.sqlite" "SELECT COUNT(*) FROM unapplied" 2>/dev/null || echo 0; }

# The sum of stream heads at every level: how many deltas a store holds (streams are contiguous).
held() { sqlite3 -cmd '.timeout 5000' "$1/state/cairn.sqlite" "SELECT COALESCE(SUM(sequence), 0) FROM stream" 2>/dev/null || echo 0; }

# Rewrites a lab site's [peers] (given as "name = \"host:port\"" lines, possibly none) and its
# anti-entropy period, so that benchmarks choose who dials whom and when rounds happen.
set_peers() {
  local config=$1 period=$2; shift 2
  awk -v period="$period" -v peers="$(printf '%s\n' "$@")" '
    /^\[peers\]/ { print; if (peers != "") print peers; skip = 1; next }
    /^\[/ { skip = 0 }
    skip && /=/ { next }
    /^anti_entropy_seconds/ { print "anti_entropy_seconds = " period; next }
    { print }' "$config" >"$config.new"
  mv "$config.new" "$config"
}

# listen_of LAB DIR → the host:port the site listens on
listen_of() { sed -n 's/^listen = "\(.*\)"/\1/p' "$1/$2/cairnd.toml"; }

machine_line() {
  echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC')"
}

# The version a cached store is keyed by: STORE_FORMAT (bump it when the stored form of deltas,
# envelopes or records changes in a way cairnd cannot migrate) and the generator's sources.
# Schema changes that ship as migrations need not invalidate the cache: cairnd migrates a cached
# store when it first opens it, before anything is timed (every scenario starts its own copy).
# 2: records keyed by id and level (a 0.3 store would be re-keyed at every scenario's start).
STORE_FORMAT=2
code_version() {
  { echo "format $STORE_FORMAT"; cat Benchmarks/Sources/cairn-storegen/*.swift; } | sha256sum | cut -c1-12
}

# store_lab DELTAS STREAMS → path of a cached lab (devices bench/a and bench/b, both stopped)
# whose two stores hold the same DELTAS records written by STREAMS authors at SECRET (plus the
# grants); generated on first use through cairn-storegen.
store_lab() {
  local deltas=$1 streams=$2
  local dir="$BENCH_DIR/stores/d$deltas-s$streams-$(code_version)"
  if [ -f "$dir/ready" ]; then echo "$dir/lab"; return; fi
  rm -rf "$dir"; mkdir -p "$dir"
  log "generating a store of $deltas records by $streams authors (cached in $dir)…"
  cairn lab create "$dir/lab" --agency bench:SECRET --device bench/a --device bench/b >/dev/null
  for d in a b; do set_peers "$dir/lab/bench-$d/cairnd.toml" 60; done
  local t0; t0=$(now)
  "$TOOLS/cairn-storegen" write --config "$dir/lab/bench-a/cairnd.toml" --records "$deltas" \
    --authors "$streams" --agency-key "$dir/lab/agencies/bench.key" --field-bytes 1000 --class SECRET >&2
  log "copying it to site b (every delta verified and stored as received)…"
  "$TOOLS/cairn-storegen" copy --from "$dir/lab/bench-a/cairnd.toml" --to "$dir/lab/bench-b/cairnd.toml" >&2
  log "store ready in $(calc "$(now) - $t0" %.0f) s"
  touch "$dir/ready"
  echo "$dir/lab"
}

# copy_lab SRC → a short temporary path holding a copy of the lab (socket paths must be short)
copy_lab() {
  local dest; dest=$(mkdir -p "$BENCH_DIR/r"; mktemp -d "$BENCH_DIR/r/cb.XXXX")
  cp -a "$1/." "$dest/"
  rm -f "$dest"/*/cairnd.pid "$dest"/*/cairnd.sock
  fresh_ports "$dest"
  echo "$dest"
}

# Gives every site of a copied lab a fresh free loopback port (the cached lab's may be taken).
fresh_ports() {
  local lab=$1 dir port
  for dir in "$lab"/*/; do
    [ -f "$dir/cairnd.toml" ] || continue
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    sed -i "s/^listen = \"127.0.0.1:[0-9]*\"/listen = \"127.0.0.1:$port\"/" "$dir/cairnd.toml"
  done
}

# down LAB — stops a lab's daemons and removes it (for traps)
drop_lab() { cairn lab down "$1" >/dev/null 2>&1 || true; rm -rf "$1"; }

rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# With BENCH_PERF=1, `perf_start PID NAME` records call graphs of a daemon until `perf_stop`,
# and perf_stop prints the top of the profile (kept in .build-bench/perf/NAME.*).
perf_start() {
  [ "${BENCH_PERF:-0}" = 1 ] || return 0
  mkdir -p "$BENCH_DIR/perf"
  PERF_NAME=$2
  perf record -q ${BENCH_PERF_ARGS:--g} -p "$1" -o "$BENCH_DIR/perf/$2.data" >/dev/null 2>&1 &
  PERF_PID=$!
  sleep 0.3
}
perf_stop() {
  [ "${BENCH_PERF:-0}" = 1 ] && [ -n "${PERF_PID:-}" ] || return 0
  kill -INT "$PERF_PID" 2>/dev/null || true
  wait "$PERF_PID" 2>/dev/null || true
  PERF_PID=""
  perf report -q --stdio --no-children --sort symbol -g none -i "$BENCH_DIR/perf/$PERF_NAME.data" 2>/dev/null \
    | grep -v '^$' | head -25 >"$BENCH_DIR/perf/$PERF_NAME.txt" || true
  echo "perf profile of $PERF_NAME (self time, top 25; .build-bench/perf/$PERF_NAME.txt):"
  sed 's/^/    /' "$BENCH_DIR/perf/$PERF_NAME.txt"
}
