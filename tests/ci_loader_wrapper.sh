#!/usr/bin/env bash
# The way README's "Your own libc" runs the suite against a libc tree that is
# not the system's: the runner started by a dynamic loader named as a
# command, and the same loader put in front of every test process
# (--wrapper). The system's own loader stands in for a tree's here: the
# runner must find its program behind the loader (/proc/self/exe names the
# loader), or every test process would start the loader on itself.
#   tests/ci_loader_wrapper.sh SIGIPC
set -euo pipefail
[ $# -eq 1 ] && [ -x "$1" ] || { echo "usage: tests/ci_loader_wrapper.sh SIGIPC" >&2; exit 2; }
sigipc=$(realpath "$1")
fail() { echo "FAIL: $*" >&2; exit 1; }
# The program's own loader (PT_INTERP), from the ELF program headers.
loader=$(python3 - "$sigipc" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
phoff, = struct.unpack_from('<Q', d, 0x20)
phentsize, phnum = struct.unpack_from('<HH', d, 0x36)
for i in range(phnum):
    p_type, _, p_offset, _, _, p_filesz = struct.unpack_from('<IIQQQQ', d, phoff + i * phentsize)
    if p_type == 3:
        print(d[p_offset:p_offset + p_filesz].rstrip(b'\0').decode())
EOF
)
[ -n "$loader" ] && [ -x "$loader" ] || { echo "SKIP: $sigipc names no dynamic loader"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/sigipc-ci-loader.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A few quick tests, one of which execs the program again (exec tests put
# the wrapper in front of what they exec).
mapfile -t ids < <("$sigipc" list | awk '{print $1}')
pick=("${ids[0]}")
for id in "${ids[@]}"; do
  case $id in *Exec*) pick+=("$id"); break ;; esac
done
filter=$(IFS=:; echo "${pick[*]}")
rc=0
"$loader" "$sigipc" run --wrapper "$loader" --filter "$filter" --out "$work/r" >"$work/log" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { tail -20 "$work/log" >&2; fail "the run through $loader exited $rc"; }
python3 - "$work/r/results.json" "$loader" "${#pick[@]}" <<'EOF' || fail "results through the loader are wrong"
import json, sys
r = json.load(open(sys.argv[1]))
want = int(sys.argv[3])
env = r['environment']
assert env.get('wrapper') == sys.argv[2], f"environment.wrapper is {env.get('wrapper')!r}"
res = r['results']
assert len(res) == want, f'{len(res)} results, expected {want}'
bad = [(t['id'], t['status'], t.get('message', '')[:200]) for t in res if t['status'] not in ('PASS', 'UNSUPPORTED')]
assert not bad, f'not passed: {bad}'
EOF
echo "ok: ${pick[*]} through $loader"
