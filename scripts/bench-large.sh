#!/usr/bin/env bash
# Issue 6 scenarios on a large store (BENCH_STORE_DELTAS records by BENCH_STORE_STREAMS authoring
# devices, generated once by cairn-storegen and cached), with two cairnd processes on loopback:
#   in-sync round  both sites hold the same store; bytes of one reconciliation round
#   reconcile      d deltas differ (one written at A for d = 1, else split between A and B while
#                  they are disconnected); B is added as A's peer: bytes on that connection ÷
#                  bytes of the differing envelopes, and the wall time until both hold everything
#   cold start     site A restarted on the store: seconds until it answers, resident memory
# Appends its rows to .build-bench/results.tsv.
source "$(dirname "$0")/bench-lib.sh"
bin_paths
DELTAS=$BENCH_STORE_DELTAS STREAMS=$BENCH_STORE_STREAMS
base=$(store_lab "$DELTAS" "$STREAMS")
log "copying the cached lab ($(du -sh "$base" | cut -f1))…"
LAB=$(copy_lab "$base")
trap 'drop_lab "$LAB"' EXIT
A="$LAB/bench-a/cairnd.sock"; B="$LAB/bench-b/cairnd.sock"
set_peers "$LAB/bench-a/cairnd.toml" 60
set_peers "$LAB/bench-b/cairnd.toml" 60
B_ADDR=$(listen_of "$LAB" bench-b)
cairn lab up --wait 600 "$LAB" >/dev/null
cairn peer add --socket "$A" bench-b "$B_ADDR" >/dev/null
sync_json() { cairn sync --socket "$A" --wait --wait-seconds 600 --json | tr -d ' \n'; }
# The first connection moves the grants each site issued to devices it learned of (a few per
# device); after it both stores hold exactly the same deltas. (B's copy was ingested before B
# held A's keys, so the grants also unlock B's whole backlog, merged in the background: nothing
# is measured until that is done.)
sync_json >/dev/null
for _ in $(seq 1 1800); do
  common=$(held "$LAB/bench-a")
  [ "$common" = "$(held "$LAB/bench-b")" ] && [ "$(waiting "$LAB/bench-b")" = 0 ] && [ "$(waiting "$LAB/bench-a")" = 0 ] && break
  sleep 0.5
done
[ "$common" = "$(held "$LAB/bench-b")" ] || { echo "the stores still differ: $common at A, $(held "$LAB/bench-b") at B"; exit 1; }
streams=$(sqlite3 -cmd '.timeout 5000' "$LAB/bench-a/state/cairn.sqlite" "SELECT COUNT(*) FROM stream")
echo "store: $common deltas in $streams streams ($DELTAS records by $STREAMS authors at SECRET, plus grants), $(du -sh "$LAB/bench-a/state" | cut -f1) per site"
echo "== in-sync round: $common deltas, $streams streams on each side"
best=""
for i in 1 2 3; do
  round=$(sync_json)
  sent=$(grep -o '"bytesSent":[0-9]*' <<<"$round" | head -1 | cut -d: -f2)
  received=$(grep -o '"bytesReceived":[0-9]*' <<<"$round" | head -1 | cut -d: -f2)
  bytes=$((sent + received))
  echo "round $i: $sent bytes sent + $received received = $bytes bytes (frames after TLS)"
  best=${best:-$bytes}; [ "$bytes" -lt "$best" ] && best=$bytes
done
result "in-sync round ($common deltas, $streams streams)" "bytes per round (sent + received, best of 3)" "$best B" "≤ 1 KiB" \
  "$(verdict "$best <= 1024")"

peer_bytes() {
  cairn peer list --socket "$A" --json | python3 -c '
import json, sys
for p in json.load(sys.stdin)["peers"]:
    if p["name"] == "bench-b": print(p["bytesSent"] + p["bytesReceived"])'
}
max_rowid() { sqlite3 -cmd '.timeout 5000' "$1/state/cairn.sqlite" "SELECT COALESCE(MAX(rowid), 0) FROM delta"; }
envelope_bytes() { sqlite3 -cmd '.timeout 5000' "$1/state/cairn.sqlite" "SELECT COALESCE(SUM(LENGTH(envelope)), 0) FROM delta WHERE rowid > $2"; }
write_at() {  # write_at SOCKET N
  [ "$2" -gt 0 ] || return 0
  local clients=1; [ "$2" -ge 100 ] && clients=10
  "$TOOLS/cairn-load" --socket "$1" --clients "$clients" --records "$2" --field-bytes 1000 --class SECRET >/dev/null
}
# d = 0 first: what opening a connection costs when nothing differs (hello, certificates,
# vectors), printed so the rounds below can be read net of it.
opening=0
for d in 0 $BENCH_RECONCILE_D; do
  echo "== reconcile: $d differing deltas"
  cairn peer remove --socket "$A" bench-b >/dev/null
  sleep 0.5
  ra=$(max_rowid "$LAB/bench-a"); rb=$(max_rowid "$LAB/bench-b"); base_held=$(held "$LAB/bench-a")
  if [ "$d" = 1 ]; then at_a=1; else at_a=$(((d + 1) / 2)); fi
  write_at "$A" "$at_a"; write_at "$B" "$((d - at_a))"
  diff_bytes=$(($(envelope_bytes "$LAB/bench-a" "$ra") + $(envelope_bytes "$LAB/bench-b" "$rb")))
  if [ "$d" = 0 ]; then
    cairn peer add --socket "$A" bench-b "$B_ADDR" >/dev/null
    sync_json >/dev/null; sleep 1
    opening=$(peer_bytes)
    echo "reconcile d=0: opening a connection and one round with nothing to send: $opening bytes"
    continue
  fi
  target=$(($(held "$LAB/bench-a") + $(held "$LAB/bench-b") - base_held))
  [ "$d" = 10000 ] && perf_start "$(cat "$LAB/bench-b/cairnd.pid")" reconcile-b
  start=$(now)
  cairn peer add --socket "$A" bench-b "$B_ADDR" >/dev/null
  while [ "$(held "$LAB/bench-a")" -lt "$target" ] || [ "$(held "$LAB/bench-b")" -lt "$target" ]; do
    [ "$(calc "$(now) - $start > 600" %d)" = 1 ] && { echo "reconcile d=$d did not finish in 10 min"; exit 1; }
    sleep 0.01
  done
  wall=$(calc "$(now) - $start" %.3f)
  perf_stop
  sleep 1  # the last acknowledgements
  bytes=$(peer_bytes)
  ratio=$(calc "$bytes / $diff_bytes" %.3f)
  limit=$(calc "1.1 * $diff_bytes + 4096" %.0f)
  net=$(calc "($bytes - $opening) / $diff_bytes" %.3f)
  echo "reconcile d=$d ($at_a at A, $((d - at_a)) at B): $bytes bytes on the connection for $diff_bytes bytes of differing envelopes = $ratio × ($net × net of the $opening-byte opening); limit 1.1 × + 4 KiB = $limit B; wall $wall s (peer add → both hold all)"
  cond="$bytes <= $limit"; target_text="≤ 1.1 × + 4 KiB"
  if [ "$d" = 100 ]; then cond="$cond && $wall <= 1.0"; target_text="$target_text; ≤ 1 s"; fi
  result "reconcile ($common deltas, d = $d)" "bytes exchanged ÷ differing bytes; wall time" \
    "$ratio × ($bytes B for $diff_bytes B; $net × net of the $opening B connection opening); $wall s" "$target_text" "$(verdict "$cond")"
done

echo "== cold start: site A restarted on its store of $(held "$LAB/bench-a") deltas"
cairn lab down "$LAB" bench/a >/dev/null
sync; sleep 1
start=$(now)
cairn lab up --wait 600 "$LAB" bench/a >/dev/null
ready=$(calc "$(now) - $start")
pid=$(cat "$LAB/bench-a/cairnd.pid")
cairn status --socket "$A" >/dev/null
rss=$(rss_mib "$pid")
echo "cold start: $ready s to ready (lab up → control API answers; page cache warm), $rss MiB resident after start and a status request"
result "cold start ($common deltas)" "seconds to ready; resident memory" "$ready s; $rss MiB" "≤ 2 s; ≤ 256 MiB" \
  "$(verdict "$ready <= 2 && $rss <= 256")"
