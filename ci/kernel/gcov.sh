# shellcheck shell=sh
# The test kernel's gcov counters, copied out of debugfs for one unit of a
# run (sourced by ci/kernel/init, which is busybox sh; tested on a fake
# debugfs by tests/ci_test_kernel.sh). debugfs mirrors the build tree:
# $gcov/<build path>/kernel/signal.gcda (and a .gcno link beside each).
# They are read with cat: debugfs reports no sizes, so tar and cp -a would
# copy nothing.
#   gcov_collect UNIT DEST   DEST/kernel-gcov/UNIT/<path in the tree>.gcda,
#                            and DEST/kernel-gcov/build-path
gcov=${gcov:-/sys/kernel/debug/gcov}

gcov_collect() {
  _unit=$1 _top=$2/kernel-gcov
  # The tree's root holds kernel/signal.gcda; arch/x86/kernel/signal.gcda
  # matches too, deeper: the shortest match is the root's.
  _build=""
  for _f in $(find "$gcov" -path '*/kernel/signal.gcda'); do
    if [ -z "$_build" ] || [ ${#_f} -lt ${#_build} ]; then _build=$_f; fi
  done
  [ -n "$_build" ] || { echo "gcov_collect: no kernel/signal.gcda under $gcov" >&2; return 1; }
  _build=${_build%/kernel/signal.gcda}
  mkdir -p "$_top/$_unit"
  echo "${_build#"$gcov"}" >"$_top/build-path"
  find "$gcov" -type f -name '*.gcda' | while read -r _f; do
    _rel=${_f#"$_build"/}
    mkdir -p "$_top/$_unit/$(dirname "$_rel")"
    cat "$_f" >"$_top/$_unit/$_rel"
  done
}
