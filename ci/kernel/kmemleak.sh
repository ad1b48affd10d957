# kmemleak around a run of the injection.kernel family, for a kernel built
# with CONFIG_DEBUG_KMEMLEAK. Sourced by the guest's /init (busybox sh):
#   kmemleak_begin            before the run: mount debugfs (the family's
#                             failslab knobs live there), forget what boot
#                             leaked
#   kmemleak_collect OUTDIR   after it, once the report folder OUTDIR
#                             exists: OUTDIR/kmemleak.txt
# The host maps each leaked object to the call and N that allocated it
# (ci/kernel/kmemleak-attribute): the family names each child "kf<tag>@<N>",
# and kmemleak records the allocating task's name.
kmemleak_file=/sys/kernel/debug/kmemleak

kmemleak_begin() {
  grep -qs ' /sys/kernel/debug ' /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug
  [ -w "$kmemleak_file" ] || return 0
  # Objects leaked before the run are reported once by this scan, then
  # cleared, so only later leaks are listed at the end.
  echo scan >"$kmemleak_file"
  echo clear >"$kmemleak_file"
}

kmemleak_collect() {
  [ -d "$1" ] || { echo "kmemleak_collect: no folder $1" >&2; return 0; }
  if [ ! -w "$kmemleak_file" ]; then
    echo "# kmemleak: absent (no CONFIG_DEBUG_KMEMLEAK, or debugfs not mounted)" >"$1/kmemleak.txt"
    return 0
  fi
  # kmemleak reports no object younger than MSECS_MIN_AGE, 5 s
  # (mm/kmemleak.c): the last children of the run must age past it.
  sleep 6
  # Two scans: an object whose only reference was overwritten during the
  # first is reported by the second (Documentation/dev-tools/kmemleak.rst).
  echo scan >"$kmemleak_file"
  echo scan >"$kmemleak_file"
  # An empty report means no leak only when it could be read: say which.
  if cat "$kmemleak_file" >"$1/kmemleak.txt.tmp" 2>/dev/null; then
    echo "# kmemleak: scanned" >"$1/kmemleak.txt"
  else
    echo "# kmemleak: unreadable (disabled?)" >"$1/kmemleak.txt"
  fi
  dmesg | grep -i 'kmemleak' | sed 's/^/# dmesg: /' >>"$1/kmemleak.txt"
  cat "$1/kmemleak.txt.tmp" >>"$1/kmemleak.txt"
  rm -f "$1/kmemleak.txt.tmp"
}
