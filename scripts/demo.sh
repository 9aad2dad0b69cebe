#!/usr/bin/env bash
# The Cairn demo: one agency site, records written, read, updated and deleted at several
# classification levels, through the real daemon and CLI. `KEEP=1 make demo` leaves it running.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=$(swift build --show-bin-path)
export PATH="$BIN:$PATH"
LAB=${LAB:-/tmp/cairn-demo-$$}

bold=""; plain=""
if [ -t 1 ]; then bold=$(tput bold 2>/dev/null || true); plain=$(tput sgr0 2>/dev/null || true); fi
say()  { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
run()  { printf '%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }

cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    say "The lab is still running (KEEP=1). Talk to it with:"
    echo "  export PATH=\"$BIN:\$PATH\""
    echo "  eval \"\$(cairn lab env $LAB unmiss/hq)\""
    echo "  cairn status"
    echo "Stop it with: cairn lab down $LAB"
  else
    say "Stopping the lab"
    cairn lab down "$LAB" || true
    rm -rf "$LAB"
  fi
}

say "Creating a lab: one agency (ceiling SECRET) with one site"
run cairn lab create "$LAB" --agency unmiss:SECRET --device unmiss/hq
trap cleanup EXIT

say "Starting the site's daemon"
run cairn lab up "$LAB"
eval "$(cairn lab env "$LAB" unmiss/hq)"

say "What the site is"
run cairn status

say "Writing records at three levels (each write is a signed, encrypted delta)"
run cairn record put --id inc-0412 --type incident --class UNCLASSIFIED \
  --field title="Road closed at Bentiu bridge" --field casualties=0 --tag north
run cairn record put --id poi-77 --type person --class CONFIDENTIAL \
  --field name="J. Doe" --field 'aliases:=["JD","Johnny"]' --tag watchlist
run cairn record put --id ta-9 --type threat-assessment --class SECRET \
  --field summary="Convoy route compromised" --field confidence=0.7 --tag north --tag urgent

say "Reading them back"
run cairn record get ta-9
run cairn record list
run cairn record list --class SECRET --json

say "Updating one field of a record (the others stay as they were)"
run cairn record put --id ta-9 --field confidence=0.9 --untag urgent
run cairn record get ta-9

say "Every change is in the record's history"
run cairn record history ta-9

say "Deleting a record (deletion is final and is itself a signed delta)"
run cairn record delete inc-0412
run cairn record list --deleted include

say "Bad input is refused with a clear message and nothing changes"
set +e
run cairn record put --type incident --class TOP-SECRET --field title=x; echo "exit code: $?"
run cairn record put --id ta-9 --field 'bad name=1'; echo "exit code: $?"
run cairn record get no-such-record; echo "exit code: $?"
set -e

say "Nothing readable at rest: searching the state directory for what we wrote"
if grep -rl -e "Convoy route" -e "watchlist" -e "Bentiu" "$LAB"/unmiss-hq/state/; then
  echo "plaintext found on disk!"; exit 1
else
  echo "no plaintext found in $(ls "$LAB"/unmiss-hq/state/ | tr '\n' ' ')"
fi
