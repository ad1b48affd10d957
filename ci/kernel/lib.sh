# shellcheck shell=bash
# The kernel cells (kernel-6.1, kernel-6.12, and ci/matrix --kernel IMAGE):
# a static x86_64 glibc sigipc
# in a busybox initramfs, booted under qemu-system-x86_64 (TCG), results back
# over the serial console, expectations applied on the host. Source after
# ci/cells/lib.sh. The static binary is the native cell's build relinked
# (ci/kernel/static-sigipc): one compile of the suite serves both.
#
#   kernel_cell SERIES OUTDIR   runs the cell for Debian's SERIES kernel (6.1, 6.12);
#                               returns 0 green, 1 red; exits 3 when unreachable
#   kernel_image_cell IMAGE OUTDIR
#                               the same for any x86_64 bzImage
#   kernel_coverage_report TREE OUTDIR
#                               the kernel-coverage cell's reports (gcovr)
#   kernel_injection_report OUTDIR
#                               its kernel-side failure injection results

# The static binary and the initramfs holding it, brought up to date by one
# holder of the kernels folder's lock at a time (kernel cells run in
# parallel); both are written under a temporary name and renamed into place,
# so a guest booting meanwhile reads the old initramfs or the new one, whole.
# Prints the initramfs path.
kernel_initramfs() {
  local native=$1 dir=$SIGIPC_MATRIX_BUILD/kernels
  local static=$dir/sigipc-static initrd=$dir/initramfs.cpio.gz
  mkdir -p "$dir"
  sigipc_lock "$dir/.initramfs.lock" || cell_die "cannot lock $dir/.initramfs.lock"
  "$SIGIPC_REPO/ci/kernel/static-sigipc" "${native%/*}" "$static" || cell_die "static link of sigipc failed"
  if [ ! -f "$initrd" ] || [ "$static" -nt "$initrd" ] || [ "$SIGIPC_REPO/ci/kernel/init" -nt "$initrd" ] ||
     [ "$SIGIPC_REPO/ci/kernel/initramfs" -nt "$initrd" ] || [ "$SIGIPC_REPO/ci/kernel/gcov.sh" -nt "$initrd" ] ||
     [ "$SIGIPC_REPO/ci/kernel/kmemleak.sh" -nt "$initrd" ]; then
    "$SIGIPC_REPO/ci/kernel/initramfs" "$static" "$initrd" || cell_die "initramfs build failed"
  fi
  sigipc_unlock "$dir/.initramfs.lock"
  printf '%s\n' "$initrd"
}

kernel_cell() {
  local series=$1 out=$2 vmlinuz rc=0
  cell_ensure_packages qemu-system-x86 busybox-static cpio file
  vmlinuz=$("$SIGIPC_REPO/ci/kernel/fetch" "$series" "$SIGIPC_MATRIX_BUILD/kernels") || rc=$?
  [ "$rc" -eq 3 ] && exit 3
  [ "$rc" -eq 0 ] || cell_die "could not fetch the $series kernel"
  kernel_boot_cell "$vmlinuz" "${vmlinuz##*/vmlinuz-"$series".}" "$out"
}

# Any x86_64 kernel image (a developer's own bzImage): its release comes from
# the image's setup header, and the guest must report the same one.
kernel_image_cell() {
  local image=$1 out=$2 release
  release=$("$SIGIPC_REPO/ci/kernel/release" "$image") || cell_die "cannot boot $image"
  cell_ensure_packages qemu-system-x86 busybox-static cpio file
  kernel_boot_cell "$image" "$release" "$out"
}

# Reports from the result stream the guest printed on its console, when its
# report folder never arrived (ci/kernel/unpack.py): every finished result,
# the rest listed as not run. A run cut short (a panic, a hang) is red,
# whatever the results before it said.
kernel_report_stream() {
  local out=$1 native=$2 rc=0 cut=""
  [ -f "$out/guest/stream-cut" ] && cut=$(cat "$out/guest/stream-cut")
  [ -n "$cut" ] && cell_log "$cut"
  if ! cell_report "$CELL_NAME" "$out/guest/results.jsonl" "$out" "$native"; then rc=1; fi
  [ -f "$out/results.json" ] ||
    cell_die "no reports from the guest's result stream (${cut:-stream complete}; console: $out/guest/console.log)"
  [ -n "$cut" ] && rc=1
  return "$rc"
}

kernel_boot_cell() {
  local vmlinuz=$1 release=$2 out=$3 rc=0
  # Callers test this function's status, which turns errexit off inside it:
  # each step that can fail says so itself.
  local native; native=$(cell_native_sigipc) || exit 1
  local initrd; initrd=$(kernel_initramfs "$native") || exit 1
  cell_log "booting $release under qemu-system-x86_64 -accel tcg"
  mkdir -p "$out/guest"
  # TCG runs the guest several times slower than the host: scale the limits.
  local boot=0
  # SIGIPC_CELL_ARGS (e.g. --shard 1/2) reach the guest's sigipc run too.
  local extra=(); read -ra extra <<<"${SIGIPC_CELL_ARGS:-}"
  # ci/matrix --bench: sigipc bench in the guest too (ci/kernel/init).
  local append=${SIGIPC_KERNEL_APPEND:-}
  [ "${SIGIPC_CELL_BENCH:-0}" = 1 ] && append="${append:+$append }sigipc.bench=1"
  SIGIPC_KERNEL_APPEND=$append "$SIGIPC_REPO/ci/kernel/boot" "$vmlinuz" "$initrd" "$out/guest" \
    --timeout-mul "${SIGIPC_KERNEL_TIMEOUT_MUL:-6}" --fork-server "${extra[@]}" || boot=$?
  case $boot in
    0) cell_report "$CELL_NAME" "$out/guest/results.json" "$out" "$native" || rc=$? ;;
    3) kernel_report_stream "$out" "$native" || rc=$? ;;
    *) cell_die "the guest sent no usable results (console: $out/guest/console.log)" ;;
  esac
  cell_check_env "$out" kernel_release "$release"
  cell_check_env "$out" emulator none
  cell_summary "$out"
  if [ "${SIGIPC_CELL_BENCH:-0}" = 1 ]; then
    [ -d "$out/guest/bench" ] && cp -r "$out/guest/bench" "$out/bench"
    cell_check_bench "$out" true
  fi
  return "$rc"
}

# The kernel-coverage cell's kernel-side failure injection results: each
# object kmemleak found leaked, mapped to the call and N that allocated it,
# into OUTDIR/kernel-injection. Returns 1 when a leak is attributed to a call
# (or the report could not be made).
kernel_injection_report() {
  local out=$1 rc=0
  "$SIGIPC_REPO/ci/kernel/kmemleak-attribute" "$out" --kmemleak "$out/guest/kmemleak.txt" \
    --out "$out/kernel-injection" >"$out/kernel-injection.log" 2>&1 || rc=$?
  tail -3 "$out/kernel-injection.log" >&2
  [ "$rc" -eq 0 ] || cell_log "kernel-side failure injection: red (exit $rc, $out/kernel-injection/)"
  return "$rc"
}

# The kernel-coverage cell's reports from what its guest sent: gcovr over the
# test kernel's tree (ci/kernel/coverage-report) into OUTDIR/kernel-coverage.
# Returns 1 when the report could not be made.
kernel_coverage_report() {
  local tree=$1 out=$2
  cell_log "kernel coverage report (gcovr over $tree)"
  "$SIGIPC_REPO/ci/kernel/coverage-report" --tree "$tree" --gcov "$out/guest/kernel-gcov" \
    --out "$out/kernel-coverage" >"$out/kernel-coverage.log" 2>&1 ||
    { tail -5 "$out/kernel-coverage.log" >&2; cell_log "the kernel coverage report failed"; return 1; }
  [ -f "$out/kernel-coverage/summary.md" ] && sed -n '1,40p' "$out/kernel-coverage/summary.md" >&2
  return 0
}
