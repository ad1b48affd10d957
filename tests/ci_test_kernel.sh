#!/usr/bin/env bash
# The test kernel's pieces that can be checked without building or booting
# it: the configuration fragment holds every option the kernel-coverage cell
# relies on, ci/kernel/check-config names what Kconfig dropped, the gcov list
# names the signal and IPC code, and the guest's counter copy (ci/kernel/
# gcov.sh) lays a fake debugfs out as ci/kernel/coverage-report reads it.
#   tests/ci_test_kernel.sh REPO
set -euo pipefail
repo=$1
fragment=$repo/ci/kernel/test-kernel.config
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
tmp=$(mktemp -d /tmp/sigipc-ci-test-kernel.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# What the suite and the two capabilities need (the boot path, the
# interfaces under test, isolation, gcov, failslab with fail-nth, kmemleak).
required=(64BIT SMP SERIAL_8250_CONSOLE BLK_DEV_INITRD DEVTMPFS TMPFS SHMEM PROC_FS SYSFS
  SYSVIPC POSIX_MQUEUE NAMESPACES IPC_NS PID_NS USER_NS SECCOMP SECCOMP_FILTER EVENTFD SIGNALFD
  TIMERFD POSIX_TIMERS FUTEX EPOLL NET DEBUG_FS GCOV_KERNEL FAULT_INJECTION FAILSLAB
  FAULT_INJECTION_DEBUG_FS DEBUG_KMEMLEAK KALLSYMS SLUB)
for opt in "${required[@]}"; do
  grep -qx "CONFIG_$opt=y" "$fragment" || fail "the fragment does not set CONFIG_$opt=y"
done
grep -qx '# CONFIG_GCOV_PROFILE_ALL is not set' "$fragment" || fail "the fragment profiles the whole kernel"

# check-config: a .config that kept everything passes; one that dropped an
# option, or set one the fragment turns off, fails naming it.
grep -E '^CONFIG_[A-Z0-9_]+=y$' "$fragment" >"$tmp/full.config"
"$repo/ci/kernel/check-config" "$fragment" "$tmp/full.config" || fail "check-config refused a complete .config"
grep -v '^CONFIG_FAILSLAB=y$' "$tmp/full.config" >"$tmp/dropped.config"
if "$repo/ci/kernel/check-config" "$fragment" "$tmp/dropped.config" 2>"$tmp/err"; then
  fail "check-config accepted a .config without FAILSLAB"
fi
grep -q 'CONFIG_FAILSLAB' "$tmp/err" || fail "check-config did not name FAILSLAB: $(cat "$tmp/err")"
{ cat "$tmp/full.config"; echo CONFIG_SLOB=y; } >"$tmp/slob.config"
if "$repo/ci/kernel/check-config" "$fragment" "$tmp/slob.config" 2>"$tmp/err"; then
  fail "check-config accepted a .config with SLOB set"
fi
set +e; "$repo/ci/kernel/check-config" "$fragment" 2>/dev/null; [ $? -eq 2 ] || fail "check-config with one argument did not exit 2"; set -e

# The profiled files: the signal and IPC code.
for f in kernel/signal.c kernel/exit.c kernel/fork.c kernel/pid.c kernel/time/posix-timers.c \
  kernel/time/itimer.c kernel/time/alarmtimer.c ipc/ fs/pipe.c fs/eventfd.c fs/signalfd.c \
  kernel/seccomp.c arch/x86/kernel/signal.c; do
  grep -qx "$f" "$repo/ci/kernel/test-kernel.gcov" || fail "test-kernel.gcov does not name $f"
done

# gcov_collect on a fake debugfs, in the shell the guest runs (busybox sh
# when present, else sh).
build=/srv/kernel-build/linux
mkdir -p "$tmp/debugfs$build/kernel" "$tmp/debugfs$build/ipc" "$tmp/debugfs$build/arch/x86/kernel"
printf 'arch counters' >"$tmp/debugfs$build/arch/x86/kernel/signal.gcda"
printf 'signal counters' >"$tmp/debugfs$build/kernel/signal.gcda"
printf 'msg counters' >"$tmp/debugfs$build/ipc/msg.gcda"
ln -s /nonexistent/signal.gcno "$tmp/debugfs$build/kernel/signal.gcno"
shell="sh"
[ -x /bin/busybox ] && shell="/bin/busybox sh"
gcov="$tmp/debugfs" $shell -c ". '$repo/ci/kernel/gcov.sh' && gcov_collect family-x '$tmp/out'" ||
  fail "gcov_collect failed"
[ "$(cat "$tmp/out/kernel-gcov/build-path" 2>/dev/null)" = "$build" ] || fail "build-path is not $build"
[ "$(cat "$tmp/out/kernel-gcov/family-x/kernel/signal.gcda" 2>/dev/null)" = 'signal counters' ] ||
  fail "kernel/signal.gcda not copied whole"
[ "$(cat "$tmp/out/kernel-gcov/family-x/ipc/msg.gcda" 2>/dev/null)" = 'msg counters' ] || fail "ipc/msg.gcda not copied"
[ "$(cat "$tmp/out/kernel-gcov/family-x/arch/x86/kernel/signal.gcda" 2>/dev/null)" = 'arch counters' ] ||
  fail "arch/x86/kernel/signal.gcda not copied to its place in the tree"
[ ! -e "$tmp/out/kernel-gcov/family-x/kernel/signal.gcno" ] || fail "a .gcno link was copied"

[ "$fails" -eq 0 ] && echo "test kernel checks: all passed"
exit $((fails > 0))
