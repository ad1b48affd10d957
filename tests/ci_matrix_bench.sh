#!/usr/bin/env bash
# ci/matrix --bench: each cell that measures writes DIR/<cell>/bench/bench.json
# through cell_run_bench (ci/cells/lib.sh), checked to say it ran where the
# cell says (emulated or not); the cell's summary names a few figures, and
# matrix.md and ci/merge-cells' matrix put the platforms side by side.
# Without --bench nothing is measured.
#   tests/ci_matrix_bench.sh SIGIPC FIXTURE_CELLS
# Cells are stand-ins (SIGIPC_MATRIX_CELLS) running one quick test with
# SIGIPC; their "sigipc bench" copies a fixture document (FIXTURE_CELLS/
# <native|qemu-x86_64>/bench/bench.json) instead of measuring.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 2 ] && [ -x "$1" ] && [ -d "$2" ] ||
  { echo "usage: tests/ci_matrix_bench.sh SIGIPC FIXTURE_CELLS" >&2; exit 2; }
sigipc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fixtures=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sigipc-ci-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

filter=$("$sigipc" list | awk 'NR == 1 {print $1}')
mkdir "$work/cells"
cat >"$work/fake-sigipc" <<EOF
#!/bin/sh
[ "\$1" = bench ] || exec "$sigipc" "\$@"
[ -z "\${BENCH_FAIL:-}" ] || { echo "sigipc bench: \$BENCH_FAIL" >&2; exit 3; }
while [ \$# -gt 0 ]; do [ "\$1" = --out ] && out=\$2; shift; done
mkdir -p "\$out" && cp "\$BENCH_DOC" "\$out/bench.json"
EOF
# cell NAME EMULATED DOC: a cell whose bench claims EMULATED, measured "as" DOC
# (the prefix, env, stands where an emulator would).
cell() {
  cat >"$work/cells/$1" <<EOF
#!/usr/bin/env bash
. "$repo/ci/cells/lib.sh"
out=\$(cell_parse_outdir "\$@")
"$sigipc" run --filter '$filter' --out "\$out" >/dev/null 2>&1
cell_run_bench "\$out" $2 "$work/fake-sigipc" env BENCH_DOC="$fixtures/$3/bench/bench.json" ${4:-}
EOF
}
cell native false native
cell emu true qemu-x86_64
cell liar true native
cell broken false native "BENCH_FAIL='no figures'"
chmod +x "$work/cells/"* "$work/fake-sigipc"

matrix() {  # OUT WANT_EXIT ARGS...
  local out=$1 want=$2 rc=0; shift 2
  SIGIPC_MATRIX_CELLS=$work/cells SIGIPC_NATIVE_SIGIPC=$sigipc \
    "$repo/ci/matrix" --out "$work/$out" "$@" >"$work/$out.log" 2>&1 || rc=$?
  [ "$rc" -eq "$want" ] || { cat "$work/$out.log" >&2; fail "ci/matrix $*: exit $rc, expected $want"; }
}

matrix plain 0 --cells native,emu
[ ! -e "$work/plain/native/bench" ] || fail "without --bench a cell measured"
grep -q 'Performance' "$work/plain/matrix.md" && fail "without --bench matrix.md has a performance section"

matrix bench 0 --cells native,emu --bench
for c in native emu; do
  [ -s "$work/bench/$c/bench/bench.json" ] || fail "--bench: no $c/bench/bench.json"
done
grep -q '^  bench (emulated): 20 latency rows, 1 unsupported; p50 signal-sigwaitinfo ' \
  "$work/bench/summary.txt" || fail "no bench line for the emulated cell: $(cat "$work/bench/summary.txt")"
grep -q '^  bench: 21 latency rows, 0 unsupported; ' "$work/bench/summary.txt" ||
  fail "no bench line for the native cell: $(cat "$work/bench/summary.txt")"
grep -q '^\[native\] bench took [0-9]* s$' "$work/bench/native.log" ||
  fail "the native cell's log does not say how long its bench took: $(cat "$work/bench/native.log")"
grep -q '^| mechanism | native | emu (emulated) |$' "$work/bench/matrix.md" ||
  fail "matrix.md does not lay the benches side by side"
grep -q '^| `pipe` | 4.* (×[89].*) |$' "$work/bench/matrix.md" ||
  fail "matrix.md has no ratio to native for pipe: $(grep pipe "$work/bench/matrix.md")"

# A cell whose bench did not run where it says (native figures in an
# emulated cell) is red.
matrix liar 1 --cells liar --bench
grep -q "bench.json says emulated 'False', expected true" "$work/liar/liar.log" ||
  fail "the lying cell's log does not say why: $(tail -3 "$work/liar/liar.log")"

# A bench that fails makes its cell red, with the end of its output.
matrix broken 1 --cells broken --bench
grep -q 'sigipc bench: no figures' "$work/broken/broken.log" &&
  grep -q 'sigipc bench failed (exit 3 after [0-9]* s; log: ' "$work/broken/broken.log" ||
  fail "the failing bench's cell log does not say why: $(tail -3 "$work/broken/broken.log")"

# One CI job per cell, merged: the bench columns come along.
matrix job1 0 --cells native --bench
matrix job2 0 --cells emu --bench
"$repo/ci/merge-cells" --sigipc "$sigipc" --out "$work/merged" "$work/job1" "$work/job2" \
  >"$work/merge.log" 2>&1 || { cat "$work/merge.log" >&2; fail "ci/merge-cells failed"; }
grep -q '^| mechanism | native | emu (emulated) |$' "$work/merged/matrix.md" ||
  fail "ci/merge-cells' matrix.md lacks the bench columns"
echo "ok: --bench measures each cell, checks where, and lays the platforms side by side"
