#!/bin/sh
# The rule-id check must see what it guards: on a copy of suites/ with one id
# pasted from two literals, one id also written in a second file, and one id
# moved into a comment, check_rule_ids.py must fail and name exactly those
# three ids; on the untouched copy it must pass.
# Usage: rule_ids_mutation.sh PYTHON SIGIPC SOURCE_DIR
set -u
python=$1 sigipc=$2 src=$3
check=$src/tests/check_rule_ids.py
out=$(mktemp -d) || exit 2
trap 'rm -rf "$out"' EXIT
cp -R "$src/suites" "$out/suites" || exit 2

if ! "$python" "$check" "$sigipc" "$out/suites" >"$out/log"; then
  echo "the check fails on an untouched copy of suites/:"; cat "$out/log"; exit 1
fi

ids=$("$sigipc" list | cut -f3) || exit 2
pasted=$(echo "$ids" | grep -m1 '^injection\.errpath\.')
doubled=$(echo "$ids" | grep -m1 '^signal\.')
hidden=$(echo "$ids" | grep -m1 '^pipe\.')
file_of() { grep -rlF "\"$1\"" "$out/suites" | head -n1; }
# "a.b.c" -> "a.b." "c": the id no longer stands whole.
f=$(file_of "$pasted") && sed -i "s/\"${pasted%.*}\.\(${pasted##*.}\)\"/\"${pasted%.*}.\" \"\1\"/" "$f"
echo "const char* const kSecondCopy = \"$doubled\";" >>"$(file_of "$doubled")"
f=$(file_of "$hidden") && sed -i "s/\"$hidden\"/\/* \"$hidden\" *\/ kSomeName/" "$f"

"$python" "$check" "$sigipc" "$out/suites" >"$out/log"
rc=$?
cat "$out/log"
bad=$(grep -c '^[^ ]* (' "$out/log")
for id in "$pasted" "$doubled" "$hidden"; do
  grep -qF "$id (" "$out/log" || { echo "FAIL: $id was broken but not reported"; exit 1; }
done
[ "$rc" -eq 1 ] && [ "$bad" -eq 3 ] || { echo "FAIL: exit $rc with $bad ids reported (want 1, 3)"; exit 1; }
echo "ok: the three broken ids, and only they, were reported"
