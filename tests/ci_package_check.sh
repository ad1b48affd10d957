#!/usr/bin/env bash
# The matrix cells' package check (ci/cells/lib.sh) gives the right answer
# every time, and parallel cells take turns at apt.
#   tests/ci_package_check.sh [ROUNDS]
#
# apt reads a private registry here (APT_CONFIG: a local flat repository
# holding one package, one virtual name without a candidate), so the answers
# do not depend on the machine's lists and no network is used. apt-get is a
# recording stub in the install checks: nothing is installed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-25}
work=$(mktemp -d "${TMPDIR:-/tmp}/sigipc-ci-packages.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- the private registry
mkdir -p "$work/repo" "$work/lists/partial" "$work/cache/archives/partial" "$work/bin"
cat >"$work/repo/Packages" <<'EOF'
Package: sigipc-probe-available
Version: 1.0-1
Architecture: all
Maintainer: sigipc <sigipc@example.org>
Provides: sigipc-probe-virtual
Filename: ./sigipc-probe-available_1.0-1_all.deb
Size: 1000
Description: package the registry offers

EOF
echo "deb [trusted=yes] file:$work/repo ./" >"$work/sources.list"
: >"$work/status"
cat >"$work/apt.conf" <<EOF
Dir::Etc::SourceList "$work/sources.list";
Dir::Etc::SourceParts "/dev/null";
Dir::State::Lists "$work/lists";
Dir::State::status "$work/status";
Dir::Cache "$work/cache";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "/dev/null";
APT::Sandbox::User "$(id -un)";
EOF
export APT_CONFIG=$work/apt.conf
apt-get update -qq >/dev/null 2>&1 || fail "apt-get update of the private registry failed"
policy=$(apt-cache policy sigipc-probe-available)
[[ $policy == *"Candidate: 1.0-1"* ]] || fail "the private registry is not read: $policy"

CELL_NAME="test"
. "$repo/ci/cells/lib.sh"
check() { cell_package_available "$1"; }
expect_answers() {  # LABEL: every round, the available package yes, the others no
  local i
  for ((i = 0; i < rounds; i++)); do
    check sigipc-probe-available || fail "$1: round $i: an available package looks missing"
    ! check sigipc-probe-missing || fail "$1: round $i: an unknown package looks available"
    ! check sigipc-probe-virtual || fail "$1: round $i: a name without a candidate looks available"
  done
}
expect_answers "apt-cache"

# --- apt-cache writing long after the line the check looks for (as it does
# on a machine with full lists, where the fault was seen). A reader that
# stops at its first match makes it die of SIGPIPE: the old check, run here
# first, must fail, or this stub does not reproduce the fault.
cat >"$work/bin/apt-cache" <<'EOF'
#!/bin/sh
/usr/bin/apt-cache "$@" || exit
# 200 kB, more than a pipe holds (no pipefail in sh: head ends yes quietly).
yes "        500 http://deb.debian.org/debian bookworm/main amd64 Packages" | head -n 3000
EOF
chmod +x "$work/bin/apt-cache"
old_style=$(PATH=$work/bin:$PATH bash -c 'set -o pipefail
  apt-cache policy sigipc-probe-available 2>/dev/null | grep -q "Candidate: [^(]" && echo yes || echo no')
[ "$old_style" = no ] || fail "the slow-writer stub does not reproduce the SIGPIPE fault (grep -q said yes)"
PATH=$work/bin:$PATH expect_answers "apt-cache writing after the match"
rm "$work/bin/apt-cache"

# --- cell_ensure_packages with a recording apt-get: installs what the
# registry offers, says unreachable (exit 3) for what it does not, and
# parallel callers never overlap inside apt.
cat >"$work/bin/apt-get" <<'EOF'
#!/bin/sh
# Records each call; a second caller inside at the same time is an overlap.
mkdir "$STUB_DIR/inside" 2>/dev/null || echo overlap >>"$STUB_DIR/overlaps"
echo "$*" >>"$STUB_DIR/calls"
/usr/bin/apt-cache policy sigipc-probe-available >/dev/null
rmdir "$STUB_DIR/inside"
EOF
cat >"$work/bin/sudo" <<'EOF'
#!/bin/sh
exec "$@"
EOF
chmod +x "$work/bin/apt-get" "$work/bin/sudo"
ensure() {
  PATH=$work/bin:$PATH STUB_DIR=$work SIGIPC_APT_LOCK=$work/apt.lock \
    bash -c 'CELL_NAME=test; . "$1/ci/cells/lib.sh"; shift; cell_ensure_packages "$@"' sh "$repo" "$@"
}
: >"$work/calls"
ensure dpkg || fail "an installed package made cell_ensure_packages fail"
[ ! -s "$work/calls" ] || fail "apt-get ran although every package was installed: $(cat "$work/calls")"
ensure sigipc-probe-available 2>"$work/err" || fail "installing an available package failed: $(cat "$work/err")"
grep -q 'install .*sigipc-probe-available' "$work/calls" || fail "apt-get install was not called: $(cat "$work/calls")"
rc=0
ensure sigipc-probe-missing 2>"$work/err" || rc=$?
[ "$rc" -eq 3 ] || fail "a missing package gave exit $rc, not 3 (unreachable)"
grep -q "^UNREACHABLE: package sigipc-probe-missing is not in this machine's Debian registry" "$work/err" ||
  fail "no UNREACHABLE line for a missing package: $(cat "$work/err")"

: >"$work/calls"
pids=()
for i in 1 2 3 4 5 6; do ensure sigipc-probe-available 2>/dev/null & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || fail "a parallel install failed"; done
[ "$(grep -c install "$work/calls")" -eq 6 ] || fail "expected 6 installs: $(cat "$work/calls")"
[ ! -e "$work/overlaps" ] || fail "apt-get ran in two cells at once ($(wc -l <"$work/overlaps") overlaps)"
echo "ok: $rounds rounds of each answer, twice; install, unreachable and lock checks"
