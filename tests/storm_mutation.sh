#!/bin/sh
# Mutation check of one signal-storm test: it must PASS on the real libc and
# FAIL under an LD_PRELOAD shim that breaks the rule it guards (a storm test
# that stays green under the shim checks nothing).
# Usage: storm_mutation.sh SIGIPC SHIM_LIBRARY TEST_ID
set -u
sigipc=$1 shim=$2 test=$3
out=$(mktemp -d) || exit 2
trap 'rm -rf "$out"' EXIT
get() {
  python3 - "$out/r/results.json" "$test" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    print("missing"); sys.exit(0)
print(next((t["status"] for t in r.get("results", []) if t["id"] == sys.argv[2]), "missing"))
PY
}
rm -rf "$out/r"; "$sigipc" run --filter "$test" --out "$out/r" --timeout-mul 3 >"$out/log" 2>&1
without=$(get)
rm -rf "$out/r"; LD_PRELOAD=$shim "$sigipc" run --filter "$test" --out "$out/r" --timeout-mul 3 >"$out/log" 2>&1
with=$(get)
echo "$test: $without without the shim, $with under $(basename "$shim")"
[ "$without" = PASS ] && [ "$with" = FAIL ]
