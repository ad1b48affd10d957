#!/bin/sh
# Builds the Debian packages with CPack and checks them: the runtime .deb
# holds the command, its data, man page and completion, and depends on the
# shared libraries sigipc really uses; installed with dpkg, it puts a working sigipc
# on PATH. The real installation is done when running as root on a machine
# where no sigipc package is installed yet, and is purged again on every exit;
# otherwise the package is unpacked into the temporary folder and run from
# there.
#   tests/install_deb.sh BUILD_DIR
set -eu
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
# A run killed by SIGKILL (no trap runs) would leave its package installed,
# and every later run would then take it for the machine's own and keep it:
# the marker says this test installed it, and the next run purges it.
marker=/var/tmp/sigipc-deb-test.installed
if [ -f "$marker" ] && [ "$(id -u)" -eq 0 ]; then
  echo "install_deb: purging the sigipc package a killed run of this test left installed"
  dpkg --purge sigipc >/dev/null 2>&1 || true
  rm -f "$marker"
fi
# The same for the temporary folders of killed runs: each names its owner.
for old in "${TMPDIR:-/tmp}"/sigipc-deb-test.*; do
  [ -f "$old/owner.pid" ] && ! kill -0 "$(cat "$old/owner.pid")" 2>/dev/null && rm -rf "$old"
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sigipc-deb-test.XXXXXX")
echo $$ >"$tmp/owner.pid"
installed=""
cleanup() {
  [ -z "$installed" ] || { dpkg --purge sigipc >/dev/null 2>&1 && rm -f "$marker"; } || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE
# Whatever the runs below make in TMPDIR goes with the rest.
export TMPDIR="$tmp"
fail() { echo "install_deb: $*" >&2; exit 1; }

# The .deb generator only: the .tar.gz holds the same tree as
# `cmake --install`, which install_downstream.sh checks and uses.
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/packages" >"$tmp/cpack.log" 2>&1 \
  || { cat "$tmp/cpack.log"; fail "cpack failed"; }
deb=$(ls "$tmp"/packages/sigipc_*.deb) dev=$(ls "$tmp"/packages/sigipc-dev_*.deb)
for p in "$deb" "$dev"; do
  echo "$(basename "$p"): $(stat -c %s "$p") bytes"
done

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libseccomp2 libyaml-cpp0.7 libc6; do
  echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib"
done
# GoogleTest is linked statically (Debian ships only libgtest.a).
echo "$depends" | grep -q gtest && fail "Depends names GoogleTest"
dpkg-deb -c "$deb" >"$tmp/deb.list"
for f in ./usr/bin/sigipc ./usr/share/sigipc/expectations/linux.yaml \
         ./usr/share/sigipc/schema/results.schema.json ./usr/share/man/man1/sigipc.1 \
         ./usr/share/bash-completion/completions/sigipc; do
  grep -q " $f\$" "$tmp/deb.list" || fail "$(basename "$deb") lacks $f"
done
grep -q "/include/\|\.a\$" "$tmp/deb.list" && fail "the runtime package holds development files"
dpkg-deb -c "$dev" >"$tmp/dev.list"
grep -q " ./usr/lib/cmake/sigipc/sigipcConfig.cmake\$" "$tmp/dev.list" || fail "$(basename "$dev") lacks the CMake package"

if [ "$(id -u)" -eq 0 ] && ! dpkg-query -W sigipc >/dev/null 2>&1; then
  installed=yes
  : >"$marker"
  dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i failed"; }
  sigipc=$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v sigipc) \
    || fail "no sigipc on PATH after dpkg -i"
  [ "$sigipc" = /usr/bin/sigipc ] || fail "sigipc on PATH is $sigipc, not the package's"
  share=/usr/share/sigipc
  how="installed with dpkg -i"
else
  dpkg-deb -x "$deb" "$tmp/root"
  sigipc=$tmp/root/usr/bin/sigipc share=$tmp/root/usr/share/sigipc
  how="unpacked (not root, or a sigipc package is already installed)"
fi
"$sigipc" --version || fail "$sigipc --version failed"
(cd "$tmp" && "$sigipc" run --filter 'pipe.read.*' --jobs 2 --out "$tmp/run" \
    --expect "$share/expectations/linux.yaml" >"$tmp/run.log" 2>&1) \
  || { cat "$tmp/run.log"; fail "sigipc run from the package failed"; }
tail -n 1 "$tmp/run.log"
if [ -n "$installed" ]; then
  dpkg --purge sigipc >/dev/null || fail "dpkg --purge failed"
  rm -f "$marker"
  installed=""
  [ ! -e /usr/bin/sigipc ] || fail "/usr/bin/sigipc left after dpkg --purge"
fi
echo "$(basename "$deb"): $how, ran, removed"
