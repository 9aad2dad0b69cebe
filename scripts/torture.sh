#!/usr/bin/env bash
# `make torture`: the long runs of the crash, network-fault and flood harness (Docs/Torture.md).
#
#   make torture                               100 kill -9s, 20 s per network fault (~10 min)
#   CAIRN_TORTURE_KILLS=300 make torture       more kills
#   CAIRN_TORTURE_FAULT_SECONDS=60 make torture  longer faults
#   CAIRN_TORTURE_SEED=N make torture          replay a run's choices (printed by every run)
#
# The same tests run in `make test` with the defaults (5 kills, 2 s per fault). The summary
# lines of both tests are kept in .build/torture.log.
set -euo pipefail
cd "$(dirname "$0")/.."
export CAIRN_TORTURE_KILLS=${CAIRN_TORTURE_KILLS:-100}
export CAIRN_TORTURE_FAULT_SECONDS=${CAIRN_TORTURE_FAULT_SECONDS:-20}
SWIFT=${SWIFT:-swift}
log=.build/torture.log
began=$(date +%s)
$SWIFT build --build-tests
echo "torture: $CAIRN_TORTURE_KILLS kills, $CAIRN_TORTURE_FAULT_SECONDS s per fault${CAIRN_TORTURE_SEED:+, seed $CAIRN_TORTURE_SEED}"
set +e
$SWIFT test --skip-build --filter Torture 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
echo
grep -E '^torture-(crash|network|flood):' "$log" || true
echo "torture: exit $status after $(( $(date +%s) - began )) s (log: $log)"
exit "$status"
