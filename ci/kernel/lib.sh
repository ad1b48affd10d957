# shellcheck shell=bash
# The kernel cells (kernel-6.1, kernel-6.12): a static x86_64 glibc sigipc
# in a busybox initramfs, booted under qemu-system-x86_64 (TCG), results back
# over the serial console, expectations applied on the host. Source after
# ci/cells/lib.sh. The static binary is the native cell's build relinked
# (ci/kernel/static-sigipc): one compile of the suite serves both.
#
#   kernel_cell SERIES OUTDIR   runs the cell for Debian's SERIES kernel (6.1, 6.12);
#                               returns 0 green, 1 red; exits 3 when unreachable

kernel_cell() {
  local series=$1 out=$2 vmlinuz rc=0
  cell_ensure_packages qemu-system-x86 busybox-static cpio file
  vmlinuz=$("$SIGIPC_REPO/ci/kernel/fetch" "$series" "$SIGIPC_MATRIX_BUILD/kernels") || rc=$?
  [ "$rc" -eq 3 ] && exit 3
  [ "$rc" -eq 0 ] || cell_die "could not fetch the $series kernel"
  local release=${vmlinuz##*/vmlinuz-"$series".}
  local native; native=$(cell_native_sigipc)
  SIGIPC_BIN=$SIGIPC_MATRIX_BUILD/kernels/sigipc-static
  flock "$SIGIPC_MATRIX_BUILD/kernels/.static.lock" \
    "$SIGIPC_REPO/ci/kernel/static-sigipc" "${native%/*}" "$SIGIPC_BIN" || cell_die "static link of sigipc failed"
  local initrd=$SIGIPC_MATRIX_BUILD/kernels/initramfs.cpio.gz
  if [ ! -f "$initrd" ] || [ "$SIGIPC_BIN" -nt "$initrd" ] || [ "$SIGIPC_REPO/ci/kernel/init" -nt "$initrd" ] ||
     [ "$SIGIPC_REPO/ci/kernel/initramfs" -nt "$initrd" ]; then
    # Two kernel cells may run at once: one builds the initramfs, the other waits.
    flock "$SIGIPC_MATRIX_BUILD/kernels/.initramfs.lock" \
      "$SIGIPC_REPO/ci/kernel/initramfs" "$SIGIPC_BIN" "$initrd" || cell_die "initramfs build failed"
  fi
  cell_log "booting $release under qemu-system-x86_64 -accel tcg"
  mkdir -p "$out/guest"
  # TCG runs the guest several times slower than the host: scale the limits.
  "$SIGIPC_REPO/ci/kernel/boot" "$vmlinuz" "$initrd" "$out/guest" --timeout-mul "${SIGIPC_KERNEL_TIMEOUT_MUL:-6}" --fork-server ||
    cell_die "the guest sent no usable results (console: $out/guest/console.log)"
  rc=0
  cell_report "$CELL_NAME" "$out/guest/results.json" "$out" "$native" || rc=$?
  cell_check_env "$out" kernel_release "$release"
  cell_check_env "$out" emulator none
  cell_summary "$out"
  return "$rc"
}
