#!/usr/bin/env bash
# Issue 15 keys scenario: a lab of 12 daemons (4 agencies, 3 devices each, all cleared SECRET,
# every pair peered: `cairn lab create`'s default), one record written at SECRET by the first;
# once every site holds it and nothing has changed for QUIET seconds, the deltas each site holds.
# Set CAIRN_BIN to the directory of the `cairn` and `cairnd` to run (default: the release build).
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
bin_paths
[ -n "${CAIRN_BIN:-}" ] && export PATH="$CAIRN_BIN:$PATH"
QUIET=${QUIET:-10}
LAB=$(mktemp -d /tmp/ck.XXXX)
trap 'drop_lab "$LAB"' EXIT
rm -rf "$LAB"
devices=()
for a in a1 a2 a3 a4; do for d in d1 d2 d3; do devices+=(--device "$a/$d"); done; done
cairn lab create "$LAB" --agency a1:SECRET --agency a2:SECRET --agency a3:SECRET --agency a4:SECRET "${devices[@]}" >/dev/null
socks=$(ls -d "$LAB"/a*-d*/ | sed 's|/$|/cairnd.sock|')
log "starting 12 daemons ($(command -v cairnd))…"
cairn lab up --wait 300 "$LAB" >/dev/null
held() { for s in $socks; do cairn status --socket "$s" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["deltas"])'; done | tr '\n' ' '; }
first=$(echo "$socks" | head -n 1)
sleep 5
cairn record put --socket "$first" --class SECRET --type note --field v=1 >/dev/null
start=$(date +%s); last=""; stable=0
while [ $(( $(date +%s) - start )) -lt 300 ]; do
  now=$(held)
  if [ "$now" = "$last" ]; then stable=$((stable + 1)); else stable=0; last=$now; fi
  [ "$stable" -ge "$QUIET" ] && break
  sleep 1
done
echo "deltas held per site after $(( $(date +%s) - start )) s: $last"
max=$(tr ' ' '\n' <<<"$last" | sort -n | tail -n 1)
result "deltas held per site, 12 devices, 4 levels, 1 record" "deltas (max over sites)" "$max" "≤ 120 (moonshot ≤ 60)" \
  "$(verdict "$max <= 120")"
