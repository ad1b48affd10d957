#!/bin/sh
# Installs a built sigipc into a temporary prefix, checks the install tree,
# then configures, builds and runs (ctest) the downstream example against
# that prefix only: find_package(sigipc) and its dependencies, the installed
# headers and libraries, and fork-isolated tests of another project.
#   tests/install_downstream.sh BUILD_DIR EXAMPLE_DIR
# Nothing is left behind: the prefix and the example's build live in one
# temporary folder, removed on every exit.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR EXAMPLE_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd) example=$(cd "$2" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sigipc-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
# Whatever the runs below make in TMPDIR goes with the rest.
export TMPDIR="$tmp"
fail() { echo "install_downstream: $*" >&2; exit 1; }

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" --strip >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install failed"; }
for f in bin/sigipc share/sigipc/expectations/linux.yaml share/sigipc/schema/results.schema.json \
         share/man/man1/sigipc.1 share/bash-completion/completions/sigipc \
         lib/cmake/sigipc/sigipcConfig.cmake lib/cmake/sigipc/sigipcConfigVersion.cmake \
         lib/cmake/sigipc/sigipcTargets.cmake include/sigipc/fixtures/check.h \
         include/sigipc/injectors/syscall_fail.h include/sigipc/injectors/signal_injector.h \
         include/sigipc/runner/cli.h lib/libsigipc_fixtures.a lib/libsigipc_injectors.a; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
[ -x "$prefix/bin/sigipc" ] || fail "bin/sigipc is not executable"
echo "install tree:"
(cd "$prefix" && find . -type f | sort | sed 's/^/  /')

# The example is compiled with sigipc's compiler and, when sigipc's build
# uses one, its compiler launcher (ccache): paths under the temporary folder
# are made relative (CCACHE_BASEDIR) so a rerun hits the cache.
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
set -- -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
       -DCMAKE_CXX_COMPILER="$(cache_value CMAKE_CXX_COMPILER)"
launcher=$(cache_value CMAKE_CXX_COMPILER_LAUNCHER)
[ -n "$launcher" ] && set -- "$@" -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"
export CCACHE_BASEDIR="$tmp"
cmake -S "$example" -B "$tmp/example" "$@" >"$tmp/configure.log" 2>&1 \
  || { cat "$tmp/configure.log"; fail "the example does not configure against the installed prefix"; }
grep -q "$prefix/lib/cmake/sigipc" "$tmp/example/CMakeCache.txt" \
  || fail "the example found a sigipc package other than the installed one"
cmake --build "$tmp/example" -j2 >"$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log"; fail "the example does not build"; }
(cd "$tmp/example" && ctest --output-on-failure) || fail "the example's ctest failed"

# Every test of the example ran, in its own process, and passed (the
# injector tests may be UNSUPPORTED where seccomp is forbidden).
python3 - "$tmp/example/results/results.json" <<'PY' || fail "unexpected results"
import json, sys
tests = json.load(open(sys.argv[1]))["results"]
want = {"RecordIo.WriteAllDeliversMoreThanThePipeHoldsToAnotherProcess",
        "RecordIo.ReadAllJoinsPartialReadsFromAFifo",
        "RecordIo.WriteAllRetriesAWriteThatFailedWithEintr",
        "RecordIo.WriteAllReportsAnErrorOtherThanEintr",
        "RecordIo.RecordSurvivesSignalsInterruptingBothEnds"}
got = {t["id"]: t["status"] for t in tests}
if set(got) != want:
    sys.exit(f"tests run: {sorted(got)}")
for i, s in sorted(got.items()):
    print(f"  {s:12} {i}")
    if s not in ("PASS", "UNSUPPORTED") or (s == "UNSUPPORTED" and "Eintr" not in i):
        sys.exit(f"{i}: {s}")
PY
echo "the downstream example builds against $prefix and its tests pass"
