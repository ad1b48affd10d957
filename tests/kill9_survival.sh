#!/bin/bash
# Opt-in (not part of ctest): kills `sigipc run` with SIGKILL at a random
# point, TRIES times, rebuilds the reports from the result stream with
# `sigipc report`, and prints for each try how many tests the runner had
# reported finished (its per-test progress lines on stderr, printed after
# the stream line) against how many results the rebuilt report holds.
#   tests/kill9_survival.sh BUILD_DIR [TRIES] [FILTER]
set -u
build=${1:?usage: kill9_survival.sh BUILD_DIR [TRIES] [FILTER]}
tries=${2:-10}
filter=${3:-*}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-4s %-9s %-9s %-9s %-8s %s\n' try kill_at_s finished rebuilt not_run lost
for i in $(seq 1 "$tries"); do
  out=$work/run$i
  delay=$(python3 -c "import random; print(round(random.uniform(0.5, 8.0), 2))")
  TMPDIR=$work "$build/sigipc" run --out "$out" --filter "$filter" --jobs 2 >/dev/null 2>"$work/err$i" &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  finished=$(grep -c '^\[ *[0-9]*/[0-9]*\]' "$work/err$i")
  "$build/sigipc" report "$out" --out "$work/rep$i" >/dev/null 2>&1
  read -r rebuilt not_run < <(python3 -c "
import json,sys
j=json.load(open('$work/rep$i/results.json'))
print(len(j['results']), len(j['summary']['not_run']))")
  lost=$(( finished > rebuilt ? finished - rebuilt : 0 ))
  printf '%-4s %-9s %-9s %-9s %-8s %s\n' "$i" "$delay" "$finished" "$rebuilt" "$not_run" "$lost"
done
