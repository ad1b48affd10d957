#!/bin/sh
# Runs every rule whose check is "this stamp is the current time" (the
# fixture fixtures/timestamp.h) under one condition and checks each verdict:
#   plain          no shim: every rule PASS
#   time-ahead     time() one second ahead of the stamping clock: PASS
#   time-precise   time() reads the precise clock (as musl's does): PASS
#   stamps-stale   IPC_STAT and stat() report stamps two seconds old: FAIL
#   stamps-unchanged  IPC_STAT reports each stamp as at creation: FAIL for
#                  every rule about a call that updates a stamp (a creation
#                  stamp is right under it)
# Usage: timestamp_rules.sh SIGIPC SHIM_DIR CONDITION
set -u
sigipc=$1 shims=$2 condition=$3

# Rules about a stamp a call updates on an existing object or file.
updates="SysvMsgSet.SetUpdatesCtime SysvMsgStat.SendSetsStime SysvMsgStat.ReceiveSetsRtime
SysvSemCtl.OtimeIsSetBySemop SysvSemCtl.SetvalUpdatesCtime SysvSemCtl.IpcSetUpdatesCtime
SysvShmCtl.SetUpdatesCtime SysvShmNattch.AttachAndDetachTimesAreSet"
# Rules about the stamps a new object or entry gets, and file times.
creations="SysvMsgGet.CreationInitialisesCountsAndTimes SysvSemGet.NewSetCtimeIsCurrentTime
SysvShmGet.CtimeIsCreationTime FifoCreate.MkfifoUpdatesParentDirectoryMtime
FifoIo.WriteMarksModificationTime FifoIo.ReadMarksAccessTime"

case $condition in
  plain)            preload= expect=PASS rules="$updates $creations" ;;
  time-ahead)       preload=shim_time_ahead expect=PASS rules="$updates $creations" ;;
  time-precise)     preload=shim_time_precise expect=PASS rules="$updates $creations" ;;
  stamps-stale)     preload=shim_stamps_stale expect=FAIL rules="$updates $creations" ;;
  stamps-unchanged) preload=shim_stamps_unchanged expect=FAIL rules="$updates" ;;
  *) echo "timestamp_rules.sh: unknown condition '$condition'" >&2; exit 2 ;;
esac

out=$(mktemp -d) || exit 2
trap 'rm -rf "$out"' EXIT
set --
for r in $rules; do set -- "$@" --filter "$r"; done
if [ -n "$preload" ]; then
  LD_PRELOAD=$shims/lib$preload.so "$sigipc" run "$@" --out "$out/r" --jobs 8 >"$out/log" 2>&1
else
  "$sigipc" run "$@" --out "$out/r" --jobs 8 >"$out/log" 2>&1
fi
python3 - "$out/r/results.json" "$expect" "$condition" $rules <<'PY'
import json, sys
path, expect, condition, rules = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
try:
    results = {t["id"]: t for t in json.load(open(path))["results"]}
except Exception as e:
    sys.exit(f"no readable {path}: {e}")
wrong = 0
for rule in rules:
    t = results.get(rule, {})
    status = t.get("status", "missing")
    ok = status == expect
    wrong += not ok
    msg = (t.get("message") or "").splitlines()
    print(f"{'ok ' if ok else 'BAD'} {rule}: {status} ({condition}, expected {expect})"
          + (f"\n      {msg[0][:200]}" if msg and not ok or msg and expect == "FAIL" else ""))
sys.exit(1 if wrong else 0)
PY
