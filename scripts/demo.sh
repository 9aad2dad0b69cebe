#!/usr/bin/env bash
# The Cairn demo: a federation of three agencies with different clearance ceilings and a field
# laptop, each site its own cairnd, syncing over mutual TLS 1.3 on loopback, plus an air-gapped
# vault. Records written at each level reach exactly the sites cleared for them; a laptop that
# works offline reconciles only what differs; records are reclassified and retracted; the vault
# is fed by a bundle file; a lost laptop is revoked and the keys rotated.
# `KEEP=1 make demo` leaves the lab running.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=$(swift build --show-bin-path)
export PATH="$BIN:$PATH"
LAB=${LAB:-/tmp/cairn-demo-$$}

bold=""; plain=""
if [ -t 1 ]; then bold=$(tput bold 2>/dev/null || true); plain=$(tput sgr0 2>/dev/null || true); fi
say()  { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
run()  { printf '%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }
sock() { echo "$LAB/${1/\//-}/cairnd.sock"; }
c()    { local device=$1; shift; cairn "$@" --socket "$(sock "$device")"; }
show() { local device=$1; shift; printf '%s[%s]$ cairn %s%s\n' "$bold" "$device" "$*" "$plain"; c "$device" "$@"; }

cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    say "The lab is still running (KEEP=1). Talk to a site with:"
    echo "  export PATH=\"$BIN:\$PATH\""
    echo "  eval \"\$(cairn lab env $LAB unmiss/hq)\""
    echo "  cairn status; cairn peer list"
    echo "Stop it with: cairn lab down $LAB"
  else
    say "Stopping the lab"
    cairn lab down "$LAB" || true
    rm -rf "$LAB"
  fi
}

# Waits until every site of the lab has a connection to every other site.
wait_connected() {
  local want=$1 deadline=$((SECONDS + 30))
  for device in unmiss/hq unmiss/laptop police/hq ngo/hq; do
    until [ "$(c "$device" peer list --json | grep -o '"connected" *: *true' | wc -l)" -ge "$want" ]; do
      [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $device to connect"; exit 1; }
      sleep 0.3
    done
  done
}

say "Creating a lab: three agencies with different ceilings, and a field laptop"
run cairn lab create "$LAB" \
  --agency unmiss:SECRET --agency police:CONFIDENTIAL --agency ngo:RESTRICTED \
  --device unmiss/hq --device unmiss/laptop --device police/hq --device ngo/hq --device unmiss/vault
trap cleanup EXIT

say "unmiss/vault is air-gapped: it has no peers and nobody lists it"
sed -i '/^\[peers\]/,/^$/{/=/d}' "$LAB/unmiss-vault/cairnd.toml"
sed -i '/^unmiss-vault = /d' "$LAB"/*/cairnd.toml
grep -A2 '^\[peers\]' "$LAB/unmiss-vault/cairnd.toml"

say "Starting the sites; each networked one dials every other over mutual TLS 1.3"
run cairn lab up "$LAB"
wait_connected 3
show unmiss/hq peer list

say "Writing at every level at the UN mission's headquarters (cleared SECRET)"
show unmiss/hq record put --id inc-1 --type incident --class UNCLASSIFIED --field title="Road closed at Bentiu bridge"
show unmiss/hq record put --id inc-2 --type incident --class RESTRICTED --field title="Checkpoint moved north" --tag north
show unmiss/hq record put --id poi-7 --type person --class CONFIDENTIAL --field name="J. Doe" --tag watchlist
show unmiss/hq record put --id ta-9 --type threat-assessment --class SECRET --field summary="Convoy route compromised" --field confidence=0.7
say "The police (cleared CONFIDENTIAL) add a record of their own"
show police/hq record put --id case-31 --type incident --class CONFIDENTIAL --field title="Vehicle seized at the border"

say "Forcing a round everywhere (gossip pushes at once anyway) and waiting for it"
for device in unmiss/hq police/hq ngo/hq unmiss/laptop; do c "$device" sync --wait >/dev/null; done
show unmiss/hq sync --wait

say "Each site holds exactly what its clearance allows"
for device in unmiss/laptop police/hq ngo/hq; do
  show "$device" record list
done

say "Need-to-know, checked in the stores themselves (sqlite3 on each state directory)"
for device in unmiss/hq unmiss/laptop police/hq ngo/hq; do
  printf '%-14s deltas per level: %s\n' "$device" \
    "$(sqlite3 "$LAB/${device/\//-}/state/cairn.sqlite" 'SELECT level || "=" || COUNT(*) FROM delta GROUP BY level ORDER BY level' | tr '\n' ' ')"
done
if grep -rl -e "Convoy route" -e "J. Doe" "$LAB"/ngo-hq/ "$LAB"/police-hq/state/ 2>/dev/null; then
  echo "plaintext found where it must not be!"; exit 1
fi
echo "no SECRET or CONFIDENTIAL text anywhere in ngo/hq, no plaintext in police/hq's store"

say "The laptop goes offline; the headquarters keeps writing"
run cairn lab down "$LAB" unmiss/laptop
show unmiss/hq record put --id ta-9 --field confidence=0.9
show unmiss/hq record put --id inc-3 --type incident --class RESTRICTED --field title="Bridge reopened"
show unmiss/hq record delete inc-1

say "The laptop comes back and catches up"
run cairn lab up "$LAB" unmiss/laptop
wait_connected 3
c unmiss/laptop sync --wait >/dev/null
show unmiss/laptop record get ta-9
show unmiss/laptop record list --deleted include

say "Field work: the laptop loses its link for days. It and the HQ both edit ta-9"
run cairn lab down "$LAB" unmiss/laptop
show unmiss/hq record put --id ta-9 --field confidence=0.95
# While the laptop works alone, every other networked site is out of its reach.
run cairn lab down "$LAB" unmiss/hq police/hq ngo/hq
run cairn lab up "$LAB" unmiss/laptop
show unmiss/laptop record put --id ta-9 --field confidence=0.6 --field note="seen from the ridge"
show unmiss/laptop record put --id inc-4 --type incident --class RESTRICTED --field title="Ford flooded at Mayom"
run cairn lab up "$LAB" unmiss/hq police/hq ngo/hq

say "The link is back: only what differs crosses, and the concurrent edit shows as a conflict"
wait_connected 3
for device in unmiss/laptop unmiss/hq; do c "$device" sync --wait >/dev/null; done
show unmiss/laptop record get ta-9
show unmiss/hq digest
show unmiss/laptop digest
[ "$(c unmiss/hq digest | tail -1)" = "$(c unmiss/laptop digest | tail -1)" ] || { echo "the laptop and the HQ differ!"; exit 1; }
show unmiss/laptop peer list

say "Reclassification: the UN mission raises poi-7 to SECRET; the police drop what they held"
show unmiss/hq record reclassify poi-7 --class SECRET
for device in unmiss/hq police/hq; do c "$device" sync --wait >/dev/null; done
sleep 1
printf '[police/hq]$ cairn record get poi-7\n'; c police/hq record get poi-7 || true
say "... and lowers ta-9 to CONFIDENTIAL, so the police may now read it"
show unmiss/hq record reclassify ta-9 --class CONFIDENTIAL
for device in unmiss/hq police/hq; do c "$device" sync --wait >/dev/null; done
sleep 1
show police/hq record get ta-9
say "Retraction: inc-2 was entered in error; every site drops it"
show unmiss/hq record retract inc-2 --reason "entered in error"
for device in unmiss/hq police/hq ngo/hq unmiss/laptop; do c "$device" sync --wait >/dev/null; done
sleep 1
show ngo/hq record list

say "The air-gapped vault: its admin exports what it holds; the HQ writes a bundle of what it lacks"
show unmiss/vault bundle vector --out "$LAB/vault.vector"
show unmiss/hq bundle export --for unmiss/vault --since "$LAB/vault.vector" --out "$LAB/vault.bundle"
say "The file is carried in; the vault checks it (dry run), imports it, and refuses it a second time"
show unmiss/vault bundle import "$LAB/vault.bundle" --dry-run
show unmiss/vault bundle import "$LAB/vault.bundle"
show unmiss/vault record list
printf '[unmiss/vault]$ cairn bundle import %s\n' "$LAB/vault.bundle"; c unmiss/vault bundle import "$LAB/vault.bundle" || true

say "The laptop is lost: its agency revokes it with the agency root key"
show unmiss/hq device revoke unmiss/laptop --key "$LAB/agencies/unmiss.key" --charter "$LAB/charter.cairn" \
  --reason "laptop lost in the field" --out "$LAB/laptop.revocation"
deadline=$((SECONDS + 20))
until c police/hq device list --json | grep -q '"withdrawn" *: *{'; do
  [ $SECONDS -lt $deadline ] || { echo "police/hq never heard of the revocation"; exit 1; }
  sleep 0.3
done
show police/hq device list
say "Every level the laptop could read has a new epoch key, granted to everyone still cleared but the laptop"
show unmiss/hq keys list
show unmiss/hq record put --id ta-10 --type threat-assessment --class SECRET --field summary="New route via Rubkona"
c unmiss/hq sync --wait >/dev/null
sleep 2
printf '[unmiss/laptop]$ cairn record get ta-10\n'; c unmiss/laptop record get ta-10 || true
echo "(the laptop still runs, but no site talks to it any more, and it holds no key written with after the rotation)"

say "What each site knows of its peers (status --json is the same, for scripts)"
show police/hq status

say "Every key granted and received is in the audit log"
show ngo/hq audit list
