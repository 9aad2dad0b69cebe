#!/usr/bin/env bash
# Follows Docs/Operations.md from nothing to a running, enrolled site under a real systemd:
# install, sysusers, key ceremony, device enrolment, configuration, credentials, start, use,
# reload, watchdog, stop. Needs root and unshare(1). Nothing touches the host: systemd runs as
# PID 1 of new PID and mount namespaces, and /etc, /var, /usr/local and /usr/lib/sysusers.d
# are overlays, /run and /tmp tmpfs, that vanish with them. (Never let it see the host's /tmp:
# systemd empties /tmp as it boots.)
#
#   scripts/systemd-walkthrough.sh [BIN_DIR]     (default .build/debug; built if missing)
#
# Prints each step and what it checked; exits non-zero at the first check that fails.
# No pipefail: checks pipe into `grep -q`, which may close the pipe before the writer ends.
set -eu
cd "$(dirname "$0")/.."
REPO=$PWD
BIN_DIR=$(cd "${1:-.build/debug}" && pwd)
[ "$(id -u)" = 0 ] || { echo "systemd-walkthrough: needs root (namespaces, systemd as PID 1)" >&2; exit 2; }
for tool in unshare nsenter /lib/systemd/systemd systemctl journalctl systemd-sysusers; do
  command -v "$tool" >/dev/null || { echo "systemd-walkthrough: $tool is missing (make deps installs systemd)" >&2; exit 2; }
done
[ -x "$BIN_DIR/cairnd" ] && [ -x "$BIN_DIR/cairn" ] || { echo "systemd-walkthrough: no cairnd/cairn in $BIN_DIR" >&2; exit 2; }

WORK=$(mktemp -d /tmp/cairn-walkthrough.XXXXXX)
SD=""
cleanup() {
  if [ -n "${KEEP:-}" ]; then echo "kept: systemd host pid $SD, work $WORK"; return; fi
  if [ -n "$SD" ]; then kill -KILL "$SD" 2>/dev/null || true; fi
  # The namespace's mounts go with its last process; give the kernel a moment.
  sleep 0.2
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
ok() { printf '   ok: %s\n' "$*"; }
fail() { printf '   FAILED: %s\n' "$*" >&2; exit 1; }

# --- Boot systemd as PID 1 of its own namespaces ------------------------------------------
step "boot systemd as PID 1 of a new PID and mount namespace"
for d in etc var usrlocal sysusers; do mkdir -p "$WORK/$d.upper" "$WORK/$d.work"; done
cat > "$WORK/boot.sh" <<EOF
#!/bin/sh
set -e
mount -t overlay overlay -o lowerdir=/etc,upperdir=$WORK/etc.upper,workdir=$WORK/etc.work /etc
mount -t overlay overlay -o lowerdir=/var,upperdir=$WORK/var.upper,workdir=$WORK/var.work /var
mount -t overlay overlay -o lowerdir=/usr/local,upperdir=$WORK/usrlocal.upper,workdir=$WORK/usrlocal.work /usr/local
mkdir -p /usr/lib/sysusers.d
mount -t overlay overlay -o lowerdir=/usr/lib/sysusers.d,upperdir=$WORK/sysusers.upper,workdir=$WORK/sysusers.work /usr/lib/sysusers.d
mount -t tmpfs -o mode=755 tmpfs /run
# The repository and the binaries, reachable at fixed paths whatever /tmp becomes below (CI
# clones the repository under /tmp).
mkdir -p /run/walkthrough/repo /run/walkthrough/bin
mount --bind "$REPO" /run/walkthrough/repo
mount --bind "$BIN_DIR" /run/walkthrough/bin
# /tmp must be private: the booting systemd empties /tmp (systemd-tmpfiles, 'D /tmp'), which
# on the host's /tmp deleted everything there.
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /run/lock /var/tmp/ceremony
# As on a booted host: mounts made in a unit's namespace (credentials) propagate back.
mount --make-rshared /
export container=cairn-walkthrough
exec /lib/systemd/systemd --system --unit=multi-user.target --log-target=kmsg --log-level=notice
EOF
chmod +x "$WORK/boot.sh"
unshare --mount --pid --fork --mount-proc --uts --ipc --propagation private "$WORK/boot.sh" >"$WORK/boot.log" 2>&1 &
UNSHARE=$!
for _ in $(seq 100); do
  SD=$(pgrep -P "$UNSHARE" -x systemd || true)
  [ -n "$SD" ] && break
  sleep 0.1
done
[ -n "$SD" ] || { cat "$WORK/boot.log"; fail "systemd did not start"; }
in_ns() { nsenter -t "$SD" -m -p -u -i -- "$@"; }
state=""
for _ in $(seq 300); do
  state=$(in_ns systemctl is-system-running 2>/dev/null || true)
  case "$state" in running|degraded) break ;; esac
  sleep 0.1
done
case "$state" in running|degraded) ok "systemd $(in_ns systemctl --version | head -1 | cut -d' ' -f2) is PID 1 (host pid $SD), system $state" ;;
  *) fail "system state: $state" ;; esac

# --- Install -------------------------------------------------------------------------------
step "make install-files BIN_DIR=$BIN_DIR (what make install does after its release build)"
in_ns make -s -C /run/walkthrough/repo install-files BIN_DIR=/run/walkthrough/bin >/dev/null
in_ns test -x /usr/local/bin/cairnd && in_ns test -f /etc/systemd/system/cairnd.service \
  && in_ns test -f /usr/lib/sysusers.d/cairn.conf && in_ns test -f /etc/cairn/cairnd.toml.example \
  || fail "installed files missing"
ok "binaries, unit, sysusers snippet, example configuration in place"

step "systemd-sysusers creates the cairn account"
in_ns systemd-sysusers
in_ns getent passwd cairn | grep -q ':/var/lib/cairn:/usr/sbin/nologin' || fail "no cairn user"
ok "$(in_ns getent passwd cairn)"
in_ns chgrp cairn /etc/cairn

# --- Key ceremony (Docs/Operations.md, Key ceremony) ---------------------------------------
C=/var/tmp/ceremony
cairn() { in_ns /usr/local/bin/cairn "$@"; }
step "key ceremony: two agency root keys, a charter signed by both"
in_ns sh -c "umask 077; head -c 24 /dev/urandom | base64 > $C/alpha.pass; head -c 24 /dev/urandom | base64 > $C/bravo.pass"
hex() { grep -o '[0-9a-f]\{64\}' | head -1; }
ALPHA=$(cairn agency keygen --name alpha --out $C/alpha.key --passphrase-file $C/alpha.pass | hex)
BRAVO=$(cairn agency keygen --name bravo --out $C/bravo.key --passphrase-file $C/bravo.pass | hex)
cairn charter create --federation walkthrough --agency "alpha:$ALPHA:SECRET" --agency "bravo:$BRAVO:CONFIDENTIAL" \
  --threshold 2 --out $C/charter.cairn >/dev/null
cairn charter sign $C/charter.cairn --key $C/alpha.key --passphrase-file $C/alpha.pass >/dev/null
cairn charter sign $C/charter.cairn --key $C/bravo.key --passphrase-file $C/bravo.pass >/dev/null
cairn charter show $C/charter.cairn | grep -q 'Charter: verified' || fail "charter does not verify"
FINGERPRINT=$(cairn charter show $C/charter.cairn --json | grep -o '"fingerprint" *: *"[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
ok "charter verified, fingerprint $FINGERPRINT"

step "enrol the site's device: cairnd init, cairn device certify"
in_ns sh -c 'umask 077; head -c 32 /dev/urandom | base64 > /etc/cairn/device-passphrase'
in_ns /usr/local/bin/cairnd init --agency alpha --device hq --out /etc/cairn --passphrase-file /etc/cairn/device-passphrase >/dev/null
in_ns chown cairn:cairn /etc/cairn/device.keys
cairn device certify --request /etc/cairn/device.request --key $C/alpha.key --passphrase-file $C/alpha.pass \
  --charter $C/charter.cairn --clearance SECRET --days 365 --out $C/device.cert >/dev/null
in_ns install -m 0644 $C/device.cert /etc/cairn/device.cert
in_ns install -m 0644 $C/charter.cairn /etc/cairn/charter.cairn
ok "device.keys (sealed, 0600 cairn), device.cert (SECRET), charter.cairn in /etc/cairn"

# --- Configure and start -------------------------------------------------------------------
step "configure: the example file, the charter pinned, the passphrase as a credential"
in_ns install -m 0640 -g cairn /etc/cairn/cairnd.toml.example /etc/cairn/cairnd.toml
in_ns sed -i "s|^\[device\]|[device]\ncharter_fingerprint = \"$FINGERPRINT\"|" /etc/cairn/cairnd.toml
# As the daemon's user, as the unit's ExecStartPre= does: the device keys must be that uid's.
in_ns runuser -u cairn -- /usr/local/bin/cairnd --check-config /etc/cairn/cairnd.toml >/dev/null \
  || fail "check-config refused the configuration"
in_ns mkdir -p /etc/systemd/system/cairnd.service.d
in_ns sh -c 'cat > /etc/systemd/system/cairnd.service.d/walkthrough.conf' <<'EOF'
[Service]
LoadCredential=device-passphrase:/etc/cairn/device-passphrase
# Shorter than the shipped values so that the walk-through sees several pings and a
# watchdog restart within seconds.
WatchdogSec=4s
TimeoutAbortSec=3s
RestartSec=1s
EOF
in_ns chmod 0600 /etc/cairn/device-passphrase
ok "cairnd --check-config: ok; drop-in with LoadCredential= and WatchdogSec=4s"

step "systemctl enable --now cairnd (Type=notify: active only after READY=1)"
in_ns systemctl daemon-reload
in_ns systemctl enable --now cairnd 2>/dev/null || { in_ns journalctl -u cairnd --no-pager | tail -20; fail "cairnd did not start"; }
[ "$(in_ns systemctl is-active cairnd)" = active ] || fail "cairnd is not active"
MAIN=$(in_ns systemctl show -P MainPID cairnd)
ok "active, main pid $MAIN (in the namespace), status: $(in_ns systemctl show -P StatusText cairnd)"
in_ns journalctl -u cairnd --no-pager -o cat | grep -q 'daemon.ready' || fail "no daemon.ready in the journal"
ok "journal: $(in_ns journalctl -u cairnd --no-pager -o cat | grep -m1 'daemon.ready' | cut -c1-120)"
# errno=1 (EPERM) is the seccomp filter refusing a call. (errno=13, EACCES, is the kernel
# refusing an unprivileged process a higher priority: expected, and not the sandbox's doing.)
if in_ns journalctl -u cairnd --no-pager -o cat | grep -q 'errno=1$'; then
  in_ns journalctl -u cairnd --no-pager -o cat | grep -m3 'errno=1$'
  fail "the sandbox refuses a system call the runtime makes (see above)"
fi
ok "no system call refused by the sandbox was reported"

step "the sandbox is in force"
status=$(in_ns cat /proc/"$MAIN"/status)
echo "$status" | grep -q '^NoNewPrivs:[[:space:]]*1' || fail "NoNewPrivs is not set"
echo "$status" | grep -q '^Seccomp:[[:space:]]*2' || fail "no seccomp filter"
echo "$status" | grep -q '^CapEff:[[:space:]]*0000000000000000' || fail "effective capabilities remain"
echo "$status" | grep -q '^CapBnd:[[:space:]]*0000000000000000' || fail "bounding set not empty"
[ "$(in_ns stat -c '%U %a' /var/lib/cairn/)" = "cairn 700" ] || fail "state directory is $(in_ns stat -c '%U %a' /var/lib/cairn/)"
[ "$(in_ns stat -c '%U:%G %a' /run/cairn/)" = "cairn:cairn 750" ] || fail "runtime directory is $(in_ns stat -c '%U:%G %a' /run/cairn/)"
ok "NoNewPrivs 1, Seccomp 2, no capabilities; /var/lib/cairn cairn 0700; /run/cairn cairn:cairn 0750"
ok "exposure: $(systemd-analyze security --offline=true --no-pager /etc/systemd/system/cairnd.service 2>/dev/null | grep -o 'Overall exposure level.*' || in_ns systemd-analyze security --no-pager cairnd | grep -o 'Overall exposure level.*')"

step "use it: cairn status, record put, record get"
out=$(cairn status --socket /run/cairn/cairnd.sock 2>&1) || true
echo "$out" | grep -q 'alpha/hq' || { echo "$out"; fail "status does not name alpha/hq"; }
cairn record put --id inc-1 --socket /run/cairn/cairnd.sock --type incident --class SECRET --field summary=walk-through >/dev/null
cairn record get inc-1 --socket /run/cairn/cairnd.sock | grep -q 'walk-through' || fail "record not read back"
ok "$(cairn status --socket /run/cairn/cairnd.sock | grep -m1 -i 'device')"
ok "inc-1 written at SECRET and read back"

step "watchdog pings arrive"
first=$(in_ns systemctl show -P WatchdogTimestampMonotonic cairnd)
sleep 3
second=$(in_ns systemctl show -P WatchdogTimestampMonotonic cairnd)
[ -n "$first" ] && [ "$second" -gt "$first" ] || fail "watchdog timestamp did not advance ($first → $second)"
ok "WatchdogTimestampMonotonic advanced $first → $second"

step "a daemon that stops answering is killed by the watchdog and restarted"
in_ns kill -STOP "$MAIN"
restarted=""
for _ in $(seq 300); do
  now=$(in_ns systemctl show -P MainPID cairnd)
  if [ "$now" != "$MAIN" ] && [ "$now" != 0 ] && [ "$(in_ns systemctl is-active cairnd)" = active ]; then restarted=$now; break; fi
  sleep 0.1
done
[ -n "$restarted" ] || fail "no restart after the watchdog timeout"
in_ns journalctl --no-pager -o cat | grep -q 'cairnd.service: Watchdog timeout' || fail "systemd did not report a watchdog timeout"
ok "systemd: 'Watchdog timeout', restarted as pid $restarted"
MAIN=$restarted
cairn record get inc-1 --socket /run/cairn/cairnd.sock | grep -q 'walk-through' || fail "record lost across the watchdog restart"
ok "inc-1 still there"

step "systemctl reload (SIGHUP) keeps the daemon and its pid"
in_ns systemctl reload cairnd
sleep 1
[ "$(in_ns systemctl show -P MainPID cairnd)" = "$MAIN" ] && [ "$(in_ns systemctl is-active cairnd)" = active ] || fail "reload restarted or stopped cairnd"
ok "same pid $MAIN, active; journal: $(in_ns journalctl -u cairnd --no-pager -o cat | grep -m1 -i 'reload' | cut -c1-100)"

step "systemctl restart keeps the record (the store is in /var/lib/cairn)"
in_ns systemctl restart cairnd
cairn record get inc-1 --socket /run/cairn/cairnd.sock | grep -q 'walk-through' || fail "record lost across a restart"
ok "inc-1 still there after restart"

step "systemctl stop: STOPPING=1, clean exit"
in_ns systemctl stop cairnd
[ "$(in_ns systemctl show -P ExecMainStatus cairnd)" = 0 ] || fail "exit status $(in_ns systemctl show -P ExecMainStatus cairnd)"
[ "$(in_ns systemctl show -P Result cairnd)" = success ] || fail "result $(in_ns systemctl show -P Result cairnd)"
in_ns test ! -e /run/cairn/cairnd.sock || fail "socket left behind"
ok "exit status 0, result success, socket removed; journal: $(in_ns journalctl -u cairnd --no-pager -o cat | grep -i 'stop' | tail -1 | cut -c1-100)"

printf '\nsystemd walk-through: every step passed\n'
