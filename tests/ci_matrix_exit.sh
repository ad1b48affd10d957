#!/usr/bin/env bash
# ci/matrix is green only when every requested cell was tested: a requested
# cell that is unreachable makes it exit 3 unless --allow-unreachable, a red
# cell exits 1, and the last line counts the cells tested, red and
# unreachable; ci/merge-cells joins jobs' folders into one matrix.
#   tests/ci_matrix_exit.sh SIGIPC
# Cells are stand-ins (SIGIPC_MATRIX_CELLS): "good" and "bad" run one quick
# test with SIGIPC and exit 0 or 1, "gone" says it is unreachable.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] && [ -x "$1" ] || { echo "usage: tests/ci_matrix_exit.sh SIGIPC" >&2; exit 2; }
sigipc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d "${TMPDIR:-/tmp}/sigipc-ci-matrix.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

filter=$("$sigipc" list | awk 'NR == 1 {print $1}')
[ -n "$filter" ] || fail "sigipc list printed no test"
mkdir "$work/cells"
cat >"$work/cells/good" <<EOF
#!/bin/sh
"$sigipc" run --filter '$filter' --out "\$1" >/dev/null 2>&1
EOF
cat >"$work/cells/bad" <<EOF
#!/bin/sh
# matrix: opt-in
"$sigipc" run --filter '$filter' --out "\$1" >/dev/null 2>&1
exit 1
EOF
cat >"$work/cells/gone" <<'EOF'
#!/bin/sh
echo "UNREACHABLE: no such platform here" >&2
exit 3
EOF
chmod +x "$work/cells/"*

n=0
expect() {  # WANT_EXIT WANT_LAST_LINE_GLOB ARGS...
  local want=$1 line=$2 rc=0; shift 2
  n=$((n + 1))
  SIGIPC_MATRIX_CELLS=$work/cells SIGIPC_NATIVE_SIGIPC=$sigipc \
    "$repo/ci/matrix" --out "$work/out$n" "$@" >"$work/log$n" 2>&1 || rc=$?
  [ "$rc" -eq "$want" ] || { cat "$work/log$n" >&2; fail "ci/matrix $*: exit $rc, expected $want"; }
  [ "$want" -eq 2 ] && return 0
  local last; last=$(tail -n 1 "$work/out$n/summary.txt")
  # shellcheck disable=SC2053
  [[ $last == $line ]] || fail "ci/matrix $*: summary line '$last', expected '$line'"
}

expect 0 'matrix: cells requested 1, tested 1, red 0, unreachable 0; * s in all' --cells good
expect 3 'matrix: cells requested 2, tested 1, red 0, unreachable 1 (gone); *' --cells good,gone
grep -q '^gone .*unreachable.*(no such platform here)' "$work/out$n/summary.txt" ||
  fail "the unreachable cell's line lacks its reason: $(cat "$work/out$n/summary.txt")"
expect 0 'matrix: cells requested 2, tested 1, red 0, unreachable 1 (gone; allowed); *' --cells good,gone --allow-unreachable
# The default set (every cell not opt-in: good, gone) is requested too.
expect 3 'matrix: cells requested 2, tested 1, red 0, unreachable 1 (gone); *'
expect 0 'matrix: cells requested 2, tested 1, red 0, unreachable 1 (gone; allowed); *' --allow-unreachable=gone
expect 3 'matrix: cells requested 2, tested 1, red 0, unreachable 1 (gone); *' --allow-unreachable=good
expect 1 'matrix: cells requested 3, tested 2, red 1, unreachable 1 (gone; allowed); *' --cells good,bad,gone --allow-unreachable
expect 3 'matrix: cells requested 1, tested 0, red 0, unreachable 1 (gone); *' --cells gone
expect 0 'matrix: cells requested 1, tested 0, red 0, unreachable 1 (gone; allowed); *' --cells gone --allow-unreachable
expect 2 '' --allow-unreachable=nosuch

# ci/merge-cells joins the folders of jobs that ran one cell each (as the CI
# templates' merge job does) into one matrix report.
expect 1 'matrix: cells requested 1, tested 1, red 1, unreachable 0; *' --cells bad
only_bad=$work/out$n
"$repo/ci/merge-cells" --sigipc "$sigipc" --out "$work/merged" "$work/out1" "$only_bad" >"$work/merge.log" 2>&1 ||
  { cat "$work/merge.log" >&2; fail "ci/merge-cells failed"; }
[ -s "$work/merged/matrix.html" ] && [ -s "$work/merged/matrix.md" ] || fail "ci/merge-cells wrote no matrix report"
grep -q '^good ' "$work/merged/summary.txt" && grep -q '^bad ' "$work/merged/summary.txt" ||
  fail "the merged summary lacks a job's cell line: $(cat "$work/merged/summary.txt")"
rc=0
"$repo/ci/merge-cells" --sigipc "$sigipc" --out "$work/merged2" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "ci/merge-cells without job folders: exit $rc, expected 2"
echo "ok: $n matrix runs, two merges"
