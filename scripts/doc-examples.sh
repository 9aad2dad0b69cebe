#!/bin/bash
# Runs every `cairn` example of the docs and of the commands' help (issue 17), each as the
# shell line it is, against real daemons and real files, and writes one result line per example.
#
#   scripts/doc-examples.sh BIN_DIR EXAMPLES RESULTS
#
# EXAMPLES holds `place<TAB>line` lines (the test DocExamplesRunTests extracts them); RESULTS
# gets `place<TAB>exit status<TAB>last line of its output` for each, in the same order.
#
# The world the examples assume is built first with the CLI itself:
# - a lab as the docs draw it (alpha:SECRET, bravo:CONFIDENTIAL, police:SECRET; alpha/hq,
#   alpha/laptop:RESTRICTED, bravo/hq, police/laptop-7), and a lone site for `peer add`;
# - a key ceremony: agency keys sealed with a passphrase, a charter, device requests and
#   certificates, an amendment, a revocation made offline, an audit export, a bundle vector.
# Each example then runs in a copy of one of three working directories, chosen by what it does:
# `lab` (the lab's own agency keys and charter, which the daemons hold), `ceremony` (sealed keys
# of a second federation, the charter signed) or `draft` (the same, the charter not yet signed).
# What the docs leave to the reader is filled in: `/tmp/lab` and `/media/usb` name folders of
# this run, a record id names a record made for that example alone, hex keys and `<hex>` name
# the ceremony's keys, a peer an example adds is removed first (and added before a removal),
# and a break to acknowledge is made first (the lone site's audit tail cut while it is stopped).
# `cairn watch` runs until stopped: it is stopped after 3 s, and must not have ended by itself
# (status 100 + its own if it did).
set -u
BIN=$1 EXAMPLES=$2 RESULTS=$3
export PATH="$BIN:$PATH"
export CAIRND="$BIN/cairnd"
ROOT=$(mktemp -d /tmp/cairn-ex.XXXXXX)
LAB=$ROOT/lab
SOLO=$ROOT/solo
stop_labs() {
  # Every lab of the run: the shared ones and those the examples made and started.
  for lab in "$ROOT"/*/ "$ROOT"/run/*/*/; do
    [ -f "$lab/lab.json" ] && cairn lab down "$lab" >/dev/null 2>&1
  done
  rm -rf "$ROOT"
}
trap stop_labs EXIT
trap "exit 143" INT TERM
fail() { echo "doc-examples: $*" >&2; exit 3; }
PASS="a passphrase for the examples"

# --- the lab and the lone site -------------------------------------------------------------
cairn lab create "$LAB" --agency alpha:SECRET --agency bravo:CONFIDENTIAL --agency police:SECRET \
  --device alpha/hq --device alpha/laptop:RESTRICTED --device bravo/hq --device police/laptop-7 >/dev/null || fail "lab create"
cairn lab create "$SOLO" --agency alpha:SECRET --device alpha/hq >/dev/null || fail "solo lab create"
# The laptop knows its headquarters as `hq`, as a field laptop's configuration would.
sed -i 's/^alpha-hq = /hq = /' "$LAB/alpha-laptop/cairnd.toml"
cairn lab up --wait 180 "$LAB" >/dev/null || fail "lab up"
cairn lab up --wait 120 "$SOLO" >/dev/null || fail "solo lab up"
HQ=$LAB/alpha-hq/cairnd.sock LAPTOP=$LAB/alpha-laptop/cairnd.sock BRAVO=$LAB/bravo-hq/cairnd.sock

# --- the three working directories ---------------------------------------------------------
W=$ROOT/work
mkdir -p "$W/lab" "$W/ceremony" "$W/draft"
# lab: the lab's agency keys (not sealed: lab keys are test keys) and charter.
(
  cd "$W/lab" || exit 1
  cp "$LAB"/agencies/*.key . && cp "$LAB/charter.cairn" charter.cairn
  cp "$LAB/police-laptop-7/device.cert" laptop-7.cert
  cp "$LAB/alpha-hq/device.cert" hq.cert
  cairnd init --agency alpha --device hq2 --out req >/dev/null || exit 1
  cp req/device.request hq.request && cp req/device.request device.request
  cairn device revoke police/laptop-7 --key police.key --charter charter.cairn --certificate laptop-7.cert \
    --reason "lost" --offline --out laptop-7.revocation >/dev/null || exit 1
  # An amendment that admits a fourth agency, signed by the lab's agencies (every member keeps
  # its key, so that the lab's devices stay certified once an example applies it).
  cairn agency keygen --name relief --out relief.key > relief.pub || exit 1
  pub() { jq -r ".agencies[] | select(.name == \"$1\") | .publicKey" "$LAB/lab.json"; }
  pub alpha > alpha.pub
  cairn charter create --federation "$(cairn charter show charter.cairn --json | jq -r .federation)" --previous charter.cairn \
    --agency "alpha:$(pub alpha):SECRET" --agency "bravo:$(pub bravo):CONFIDENTIAL" --agency "police:$(pub police):SECRET" \
    --agency relief:relief.pub:RESTRICTED --threshold 2 --out charter-v2.cairn >/dev/null || exit 1
  for key in alpha bravo police; do cairn charter sign charter-v2.cairn --key $key.key >/dev/null || exit 1; done
  CAIRN_SOCKET=$BRAVO cairn bundle vector --out bravo.vector >/dev/null || exit 1
  mkdir usb
  CAIRN_SOCKET=$HQ cairn bundle export --for bravo/hq --out usb/to-bravo.cairn >/dev/null || exit 1
  CAIRN_SOCKET=$HQ cairn audit export --out usb/audit-2026-12-07.json >/dev/null || exit 1
  CAIRN_SOCKET=$HQ cairn record put --id r-json --type incident --class CONFIDENTIAL --field title="Convoy stopped" >/dev/null || exit 1
  CAIRN_SOCKET=$HQ cairn record get r-json --json > r.json || exit 1
) || fail "the lab's working directory"
# ceremony and draft: a federation of three agencies whose keys are sealed with a passphrase.
(
  cd "$W/ceremony" || exit 1
  echo "$PASS" > pass.txt && cp pass.txt alpha.pass && cp pass.txt police.pass
  for agency in alpha bravo police; do
    cairn agency keygen --name $agency --out $agency.key --passphrase-file pass.txt > $agency.pub || exit 1
  done
  cairn agency keygen --name bravo --out bravo-2.key --passphrase-file pass.txt > bravo-2.pub || exit 1
  cairn charter create --federation coalition --agency alpha:alpha.pub:SECRET --agency bravo:bravo.pub:CONFIDENTIAL \
    --agency police:police.pub:SECRET --threshold 2 --out draft.cairn >/dev/null || exit 1
  cp draft.cairn "$W/draft/charter.cairn" && cp draft.cairn "$W/draft/draft.cairn"
  for agency in alpha bravo; do
    cairn charter sign draft.cairn --key $agency.key --passphrase-file pass.txt --out draft.$agency.cairn >/dev/null || exit 1
  done
  cairn charter merge draft.alpha.cairn draft.bravo.cairn --out charter.cairn >/dev/null || exit 1
  cairn charter create --federation coalition --previous charter.cairn --agency alpha:alpha.pub:SECRET \
    --agency bravo:bravo-2.pub:CONFIDENTIAL --agency police:police.pub:SECRET --threshold 2 --out charter-v2.cairn >/dev/null || exit 1
  for device in hq laptop-7; do
    agency=alpha; [ $device = laptop-7 ] && agency=police
    cairnd init --agency $agency --device $device --out req-$device --passphrase-file pass.txt >/dev/null || exit 1
    cp req-$device/device.request $device.request
    cairn device certify --request $device.request --key $agency.key --passphrase-file pass.txt --charter charter.cairn \
      --clearance SECRET --out $device.cert >/dev/null || exit 1
  done
  cp hq.request device.request
  cp ./*.key ./*.pub ./*.pass pass.txt hq.request device.request laptop-7.cert "$W/draft/"
) || fail "the ceremony's working directories"

# Every link of the lab up before the examples that sync.
connected() {
  for _ in $(seq 1 120); do
    CAIRN_SOCKET=$1 cairn peer list --json | jq -e '[.peers[] | select(.connected | not)] | length == 0' >/dev/null && return 0
    sleep 0.5
  done
  return 1
}
for socket in "$HQ" "$LAPTOP" "$BRAVO"; do connected "$socket" || fail "the links of $socket did not come up"; done

# --- the examples ----------------------------------------------------------------------------
# Hex keys the docs print, in the order of their agencies, stand for the ceremony's keys.
ALPHA_HEX=$(cat "$W/ceremony/alpha.pub")
: > "$RESULTS"
n=0
while IFS=$'\t' read -r place line; do
  n=$((n + 1))
  dir=$ROOT/run/$n
  socket=$HQ
  variant=lab
  if [[ $line == *passphrase* || $line == *"charter create"* || $line == *"charter merge"* ]]; then variant=ceremony; fi
  if [[ $line == *"charter sign"* ]]; then variant=draft; fi
  # A charter drafted from a key file without a passphrase: the lab's key files are not sealed.
  [[ $line == *"charter create"* && $line == *".key:"* && $line != *passphrase* ]] && variant=lab
  [[ $line == *"charter apply"* || $line == *"charter show charter-v2"* ]] && variant=lab
  mkdir -p "$dir" && cp -r "$W/$variant/." "$dir/"
  # The tests run as root; `sudo` may not even be installed.
  run=$(sed -E 's/^sudo (-u [^ ]+ )?//' <<<"$line")
  # Folders the docs name.
  run=${run//\/tmp\/lab2/$ROOT/lab2-$n}
  if [[ $line == *"lab create"* ]]; then
    run=${run//\/tmp\/lab/$ROOT/lab-$n}
  elif [[ $line == *"lab down"* || $line == *"CAIRND="* ]]; then
    # Stopping (or starting with another binary) a lab of its own, not the one the others use.
    cairn lab create "$ROOT/tlab" --agency alpha:SECRET --agency bravo:CONFIDENTIAL --device alpha/hq --device bravo/hq >/dev/null 2>&1
    cairn lab up --wait 120 "$ROOT/tlab" >/dev/null 2>&1
    run=${run//\/tmp\/lab/$ROOT/tlab}
  else
    run=${run//\/tmp\/lab/$LAB}
  fi
  mkdir -p "$dir/usb"
  run=${run//\/media\/usb/$dir/usb}
  run=${run//.build\/debug\/cairnd/$BIN/cairnd}
  # Keys the docs print or leave as `<hex>`.
  run=$(sed -E "s/alpha:([0-9a-f]{64}|<hex>):/alpha:$ALPHA_HEX:/g" <<<"$run")
  # A record of its own for each example that names one.
  for id in r-123 ta-9; do
    if [[ $run == *"$id"* ]]; then
      CAIRN_SOCKET=$HQ cairn record put --id "$id-$n" --type incident --class CONFIDENTIAL --field title="Convoy stopped" \
        --field draft=yes --tag urgent --tag north >/dev/null || fail "record $id-$n"
      run=${run//$id/$id-$n}
    fi
  done
  # Peers: the lone site has none but those the examples add.
  if [[ $line == *"peer add"* || $line == *"peer remove"* ]]; then
    socket=$SOLO/alpha-hq/cairnd.sock
    peer=$(awk '{for (i = 1; i < NF; i++) if ($i == "add" || $i == "remove") { print $(i + 1); exit }}' <<<"$line")
    CAIRN_SOCKET=$socket cairn peer remove "$peer" >/dev/null 2>&1
    [[ $line == *"peer remove"* ]] && CAIRN_SOCKET=$socket cairn peer add "$peer" 10.1.0.7:7401 >/dev/null
  fi
  # A break to acknowledge: the lone site's audit tail cut while it is stopped.
  if [[ $line == *"audit acknowledge --break 4181"* ]]; then
    socket=$SOLO/alpha-hq/cairnd.sock
    CAIRN_SOCKET=$socket cairn record put --type note --class SECRET --field n=1 >/dev/null || fail "a write before a break"
    head=$(CAIRN_SOCKET=$socket cairn audit list --json | jq '.[-1].seq')
    cairn lab down "$SOLO" >/dev/null || fail "solo lab down"
    sqlite3 "$SOLO/alpha-hq/state/cairn.sqlite" "DELETE FROM audit WHERE seq > $((head - 2))" || fail "cutting the audit tail"
    cairn lab up --wait 60 "$SOLO" >/dev/null || fail "solo lab up"
    seq=$(CAIRN_SOCKET=$socket cairn audit verify | grep -oE 'acknowledge --break [0-9]+' | tail -1 | cut -d' ' -f3)
    [ -n "$seq" ] || fail "no chain break after cutting the audit tail"
    run=${run//4181/$seq}
  fi
  [[ $line == *"sync --peer hq "* ]] && socket=$LAPTOP
  [[ $line == *"bundle import"* ]] && socket=$BRAVO
  # Outputs an example writes are not there before it (a fresh directory would not hold them).
  for out in $(grep -oE -- '--out [^ ]+' <<<"$run" | cut -c7-); do
    case $out in /*) rm -f "$out" ;; *) rm -f "${dir:?}/$out" ;; esac
  done
  if [[ $line == *"cairn watch"* ]]; then
    # Its own session, so that the whole pipeline can be stopped (the test runner's children
    # may not get SIGTERM or SIGINT: a watch is stopped with SIGKILL).
    (cd "$dir" && CAIRN_SOCKET=$socket exec setsid bash -c "$run" > "$dir/.output" 2>&1 <<<"$PASS") &
    watcher=$!
    sleep 3
    if kill -0 "$watcher" 2>/dev/null; then
      status=0   # still watching when stopped: what it should do
      kill -KILL -- "-$watcher" 2>/dev/null
      wait "$watcher" 2>/dev/null
    else
      wait "$watcher"
      status=$((100 + $?))   # it ended by itself
    fi
    out=$(cat "$dir/.output")
  else
    out=$(cd "$dir" && CAIRN_SOCKET=$socket timeout 120 bash -o pipefail -c "$run" 2>&1 <<<"$PASS")
    status=$?
  fi
  last=$(printf '%s\n' "$out" | grep -v '^$' | tail -1 | tr '\t' ' ' | cut -c1-300)
  printf '%s\t%s\t%s\n' "$place" "$status" "$last" >> "$RESULTS"
done < "$EXAMPLES"
