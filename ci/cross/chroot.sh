# shellcheck shell=bash
# The other-glibc cells (bullseye, trixie): a Debian chroot made with
# debootstrap (cached in the matrix build folder), sigipc built inside with
# the release's own compiler and packages, and run there. Source after
# ci/cells/lib.sh.
#
#   chroot_cell SUITE OUTDIR   returns the run's status (0 green, 1 red); exits 3
#                              when the release cannot be fetched here
#
# Every mount lives in a private mount namespace (unshare -m) around the
# chroot: when the cell ends, normally or not, the kernel drops them all, so
# no bind mount of /dev or the repository outlives the cell.

chroot_packages="build-essential cmake pkg-config libgtest-dev libgmock-dev libseccomp-dev nlohmann-json3-dev libcli11-dev libyaml-cpp-dev"

# The release's own packages, less the header-only ones it does not have
# (bullseye has no libcli11-dev): those come as copies of the host's headers
# into the chroot's /usr/local, which holds nothing else.
chroot_host_headers() {
  case $1 in
    bullseye) echo libcli11-dev ;;
  esac
}

chroot_cell() {
  local suite=$1 out=$2 root=$SIGIPC_MATRIX_BUILD/chroot-$1 rc=0
  cell_ensure_packages debootstrap util-linux
  # One debootstrap of a release at a time; the one that waited finds it
  # complete (.complete is written last).
  mkdir -p "$SIGIPC_MATRIX_BUILD"
  sigipc_lock "$root.lock" || cell_die "cannot lock $root.lock"
  if [ ! -f "$root/.complete" ]; then
    cell_log "debootstrap $suite into $root (once; cached)"
    rm -rf "$root"
    mkdir -p "$root"
    local pkgs=" $chroot_packages " p
    for p in $(chroot_host_headers "$suite"); do pkgs=${pkgs/ $p / }; done
    pkgs=$(echo $pkgs)
    nice -n 5 debootstrap --variant=minbase --include="${pkgs// /,}" \
      "$suite" "$root" http://deb.debian.org/debian >"$SIGIPC_MATRIX_BUILD/chroot-$suite.log" 2>&1 || {
      tail -5 "$SIGIPC_MATRIX_BUILD/chroot-$suite.log" >&2
      grep -q -e 'Failed getting release file' -e 'Couldn.t download' -e 'Release signed by unknown key' \
        "$SIGIPC_MATRIX_BUILD/chroot-$suite.log" && cell_unreachable "debootstrap $suite: release not fetchable from this machine's Debian registry"
      cell_die "debootstrap $suite failed (log $SIGIPC_MATRIX_BUILD/chroot-$suite.log)"
    }
    for p in $(chroot_host_headers "$suite"); do
      case $p in
        libcli11-dev)
          cell_ensure_packages libcli11-dev
          mkdir -p "$root/usr/local/include" "$root/usr/local/share/cmake"
          cp -r /usr/include/CLI "$root/usr/local/include/"
          cp -r /usr/share/cmake/CLI11 "$root/usr/local/share/cmake/" ;;
      esac
    done
    touch "$root/.complete"
  fi
  sigipc_unlock "$root.lock"
  mkdir -p "$root/src" "$root/out" "$root/build"
  cell_log "building and running inside the $suite chroot"
  # The cell's own file first: the first entry naming a test decides (as in
  # cell_expect_args).
  # SIGIPC_CELL_ARGS: extra words for sigipc run, as in cell_run_suite.
  local expect=()
  [ -f "$SIGIPC_REPO/ci/expectations/$CELL_NAME.yaml" ] && expect+=(--expect "/src/ci/expectations/$CELL_NAME.yaml")
  expect+=(--expect /src/ci/expectations/linux.yaml)
  # The build folder stays in the chroot (its compiler's objects only); the
  # repository comes in read-only; results go straight to OUTDIR.
  # A private IPC namespace too: a chrooted process cannot create the user
  # namespace the runner's per-test isolation needs, and without one the
  # message queue and SysV limits would be shared with everything else on the
  # host. For the same reason tests run one at a time (--jobs 1): the tests
  # that count system-wide IPC objects must see only their own (about 20 s).
  unshare --mount --ipc --propagation private -- sh -eu -c '
    root=$1 repo=$2 out=$3 jobs=$4; shift 4
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    mount --bind "$repo" "$root/src"
    mount -o remount,bind,ro "$root/src"
    mount --bind "$out" "$root/out"
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root CI=1 sh -eu -c "
      if [ ! -f /build/CMakeCache.txt ]; then
        cmake -S /src -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGIPC_BUILD_TESTS=OFF \
          -DSIGIPC_BUILD_BENCH=OFF >/out/configure.log 2>&1 || { tail -20 /out/configure.log >&2; exit 4; }
      fi
      nice -n 5 cmake --build /build --target sigipc -j$jobs >/out/build.log 2>&1 ||
        { grep -m20 -E \"error|Error\" /out/build.log >&2; exit 4; }
      /build/sigipc run --out /out --jobs 1 $* >/out/run.log 2>&1
    "
  ' sh "$root" "$SIGIPC_REPO" "$out" "${SIGIPC_MATRIX_BUILD_JOBS:-2}" "${expect[@]}" \
    ${SIGIPC_CELL_ARGS:-} || rc=$?
  [ "$rc" -eq 4 ] && cell_die "build inside the $suite chroot failed (logs in $out)"
  [ -f "$out/results.json" ] || { tail -5 "$out/run.log" >&2 2>/dev/null; cell_die "no results.json (exit $rc)"; }
  return "$rc"
}
