#!/usr/bin/env bash
# Issue 15, thin links: HQ and a field laptop, two cairnd processes on loopback whose only link
# is cairn-thinlink (Benchmarks/Sources/ThinLink): each direction its own 64 kbit/s bottleneck
# followed by 300 ms of delay, the TCP handshake's round trip included. Both hold the same
# BENCH_THIN_RECORDS records (a cached store from cairn-storegen; HQ is its site a, the laptop
# its site b). For each d of BENCH_THIN_D the laptop is disconnected, d records are written at
# HQ, and the laptop reconnects (`cairn peer add` of HQ through the proxy):
#   seconds  from `peer add` until the laptop holds and has merged every delta HQ holds and has
#            finished the two rounds of the connection (its own and HQ's)
#   bytes    what the proxy carried each way, TLS included, once the link has gone quiet
#   floor    what any protocol needs over this link: the TCP and TLS 1.3 handshakes (two round
#            trips and the handshake's bytes, measured: the proxy's bytes less the frames cairnd
#            counted, so the TLS records' framing is in it too), one round trip to ask and be
#            answered, and the differing envelopes at the link's rate
#   target   issue 15 (d = 1): 3 round trips + 1.1 × transfer + TLS, with TLS as in the floor
# Appends its rows to .build-bench/results.tsv.
#
# Sizes and link (environment):
#   BENCH_THIN_RECORDS   records both sites hold                      100,000 | 10,000 (BENCH_QUICK=1)
#   BENCH_THIN_AUTHORS   authoring devices (streams at SECRET) in that store                    100
#   BENCH_THIN_D         differences to reconnect with                                    "0 1 100"
#   BENCH_THIN_BITS      link rate each way, bits/s                                          64000
#   BENCH_THIN_DELAY_MS  one-way delay, ms                                                     300
source "$(dirname "$0")/bench-lib.sh"
bin_paths
if [ "${BENCH_QUICK:-0}" = 1 ]; then : "${BENCH_THIN_RECORDS:=10000}"; else : "${BENCH_THIN_RECORDS:=100000}"; fi
: "${BENCH_THIN_AUTHORS:=100}" "${BENCH_THIN_D:=0 1 100}" "${BENCH_THIN_BITS:=64000}" "${BENCH_THIN_DELAY_MS:=300}"
RATE=$(calc "$BENCH_THIN_BITS / 8" %.3f)   # bytes/s each way
RTT=$(calc "2 * $BENCH_THIN_DELAY_MS / 1000" %.3f)
LINK="$(calc "$BENCH_THIN_BITS / 1000" %g) kbit/s, $BENCH_THIN_DELAY_MS ms each way"

echo "thin link: $LINK; $BENCH_THIN_RECORDS records by $BENCH_THIN_AUTHORS authors; d = $BENCH_THIN_D" | tee -a "$BENCH_DIR/run.txt"
echo "== thin link: the proxy measured against its model first"
if ! "$TOOLS/cairn-thinlink" selftest --bytes 16000 --rate-bits "$BENCH_THIN_BITS" --delay-ms "$BENCH_THIN_DELAY_MS" | sed 's/^/  selftest: /'; then
  echo "  the proxy did not keep its schedule on this machine just now: read the figures below with that in mind"
fi

base=$(store_lab "$BENCH_THIN_RECORDS" "$BENCH_THIN_AUTHORS")
log "copying the cached lab ($(du -sh "$base" | cut -f1))…"
LAB=$(copy_lab "$base")
PROXY_PID=""
cleanup() {
  [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
  drop_lab "$LAB"
}
trap cleanup EXIT
HQ_DIR="$LAB/bench-a"; LT_DIR="$LAB/bench-b"
HQ="$HQ_DIR/cairnd.sock"; LT="$LT_DIR/cairnd.sock"
set_peers "$HQ_DIR/cairnd.toml" 60
set_peers "$LT_DIR/cairnd.toml" 60
HQ_ADDR=$(listen_of "$LAB" bench-a)
cairn lab up --wait 600 "$LAB" >/dev/null

# The first connection runs at loopback speed, not over the link: it moves the grants each site
# issued to the devices it learned of and unlocks the laptop's copy of the store (ingested
# before it held HQ's keys), as in scripts/bench-large.sh. Nothing is measured until both hold
# exactly the same deltas, all merged.
cairn peer add --socket "$LT" hq "$HQ_ADDR" >/dev/null
for _ in $(seq 1 3600); do
  common=$(held "$HQ_DIR")
  [ "$common" = "$(held "$LT_DIR")" ] && [ "$(waiting "$LT_DIR")" = 0 ] && [ "$(waiting "$HQ_DIR")" = 0 ] && break
  sleep 0.5
done
[ "$common" = "$(held "$LT_DIR")" ] || { echo "the stores still differ: $common at HQ, $(held "$LT_DIR") at the laptop"; exit 1; }
cairn peer remove --socket "$LT" hq >/dev/null
streams=$(sqlite3 -cmd '.timeout 5000' "$HQ_DIR/state/cairn.sqlite" "SELECT COUNT(*) FROM stream")
devices=$(sqlite3 -cmd '.timeout 5000' "$HQ_DIR/state/cairn.sqlite" "SELECT COUNT(*) FROM device" 2>/dev/null || echo "?")
echo "store: $common deltas in $streams streams ($BENCH_THIN_RECORDS records by $BENCH_THIN_AUTHORS authors at SECRET, plus grants), $devices devices known, on both sites"

"$TOOLS/cairn-thinlink" proxy --upstream "$HQ_ADDR" --rate-bits "$BENCH_THIN_BITS" --delay-ms "$BENCH_THIN_DELAY_MS" \
  --stats "$LAB/link.stats" >"$LAB/link.out" 2>"$LAB/link.log" &
PROXY_PID=$!
for _ in $(seq 1 100); do grep -q '^listening ' "$LAB/link.out" 2>/dev/null && break; sleep 0.05; done
PROXY_ADDR=$(sed -n 's/^listening //p' "$LAB/link.out")
[ -n "$PROXY_ADDR" ] || { echo "cairn-thinlink did not start:"; cat "$LAB/link.log"; exit 1; }

link_stat() { sed -n "s/^$1=//p" "$LAB/link.stats"; }
# Rounds the laptop finished with any peer (it has one): two per connection.
rounds() { cairn metrics --socket "$LT" | awk '/^cairn_sync_rounds_total[{ ]/ { n += $NF } END { printf "%d", n }'; }
frames() {  # frames() → "SENT RECEIVED" on the laptop's current connection to HQ
  cairn peer list --socket "$LT" --json | python3 -c '
import json, sys
for p in json.load(sys.stdin)["peers"]:
    if p["name"] == "hq": print(p["bytesSent"], p["bytesReceived"])'
}
max_rowid() { sqlite3 -cmd '.timeout 5000' "$1/state/cairn.sqlite" "SELECT COALESCE(MAX(rowid), 0) FROM delta"; }
envelope_bytes() { sqlite3 -cmd '.timeout 5000' "$1/state/cairn.sqlite" "SELECT COALESCE(SUM(LENGTH(envelope)), 0) FROM delta WHERE rowid > $2"; }
write_at() {  # write_at SOCKET N
  [ "$2" -gt 0 ] || return 0
  local clients=1; [ "$2" -ge 100 ] && clients=10
  "$TOOLS/cairn-load" --socket "$1" --clients "$clients" --records "$2" --field-bytes 1000 --class SECRET >/dev/null
}
wait_closed() {  # until the proxy holds no connection (a removed peer's goes through the link too)
  for _ in $(seq 1 600); do [ "$(link_stat open)" = 0 ] && return 0; sleep 0.1; done
  echo "the previous connection is still open on the link after 60 s"; exit 1
}

for d in $BENCH_THIN_D; do
  echo "== thin link, d = $d: $d records written at HQ while the laptop was away; the laptop reconnects"
  wait_closed
  before_rowid=$(max_rowid "$HQ_DIR")
  write_at "$HQ" "$d"
  diff_bytes=$(envelope_bytes "$HQ_DIR" "$before_rowid")
  target_held=$(held "$HQ_DIR")
  up0=$(link_stat bytes_up); down0=$(link_stat bytes_down); rounds0=$(rounds)
  start=$(now)
  cairn peer add --socket "$LT" hq "$PROXY_ADDR" >/dev/null
  while true; do
    if [ "$(held "$LT_DIR")" -ge "$target_held" ] && [ "$(waiting "$LT_DIR")" = 0 ] && [ "$(rounds)" -ge $((rounds0 + 2)) ]; then break; fi
    [ "$(calc "$(now) - $start > 900" %d)" = 1 ] && { echo "d=$d: not converged after 15 min"; exit 1; }
    sleep 0.02
  done
  wall=$(calc "$(now) - $start" %.2f)
  # The bytes of the reconnection: everything until the link has been quiet for 2 s (the last
  # acknowledgements), before anti-entropy (60 s) or keep-alive rounds (40 s) would add more.
  for _ in $(seq 1 600); do
    [ "$(calc "$(date +%s.%N) - $(link_stat last_delivery_at) > 2" %d)" = 1 ] && break
    sleep 0.1
  done
  up=$(($(link_stat bytes_up) - up0)); down=$(($(link_stat bytes_down) - down0))
  read -r sent received <<<"$(frames)"
  tls=$((up - sent + down - received))
  floor=$(calc "3 * $RTT + ($tls + $diff_bytes) / $RATE")
  tls_s=$(calc "2 * $RTT + $tls / $RATE")
  target=$(calc "$tls_s + 3 * $RTT + 1.1 * $diff_bytes / $RATE")
  times=$(calc "$wall / $floor" %.1f)
  echo "thin link d=$d: converged in $wall s; floor $floor s ($times ×); up $up B (frames $sent), down $down B (frames $received);" \
    "TLS handshake and record framing $tls B; differing envelopes $diff_bytes B ($(calc "$diff_bytes / $RATE") s at the link's rate)"
  if [ "$d" = 1 ]; then
    target_text="≤ 3 round trips + 1.1 × transfer + TLS = $target s"; verdict=$(verdict "$wall <= $target")
  else
    target_text="(no target)"; verdict="—"
  fi
  result "thin link ($LINK; $common deltas, d = $d)" "seconds to converge (floor); bytes up / down" \
    "$wall s (floor $floor s, $times ×); $up B / $down B" "$target_text" "$verdict"
  cairn peer remove --socket "$LT" hq >/dev/null
done
wait_closed
echo "link: $(link_stat connections) connections; deliveries late by $(link_stat mean_late_ms) ms on average, $(link_stat max_late_ms) ms at most (the proxy's timing on this machine, and receivers not reading)"
