// semop() and semtimedop() errors: limits, bad arguments, removal and
// interruption. XSH semop(); semtimedop() is Linux-only (semop(2)).
#include <signal.h>
#include <sys/sem.h>
#include <time.h>

#include <vector>

#include "fixtures/check.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/sysv_sem/sysv_sem_helpers.h"

namespace sigipc {
namespace {

using sysv_sem::ipc_info;
using sysv_sem::op1;
using sysv_sem::Set;
using sysv_sem::set_val;
using sysv_sem::val;
using sysv_sem::WaitForCount;

SIGIPC_TEST(SysvSemOpErr, ResultAboveSemvmxFailsWithErange, "sysv_sem.op.erange-above-semvmx",
            "XSH semop()",
            "An operation that would make semval exceed the system limit (SEMVMX) fails with "
            "ERANGE and leaves semval unchanged") {
  int semvmx = ipc_info().semvmx;
  Set s(1);
  set_val(s.get(), 0, semvmx);
  EXPECT_FAILS_WITH(op1(s.get(), 0, 1, IPC_NOWAIT), ERANGE);
  EXPECT_EQ(val(s.get(), 0), semvmx);
}

SIGIPC_TEST(SysvSemOpErr, TooManyOperationsFailsWithE2big, "sysv_sem.op.e2big-above-semopm",
            "XSH semop()",
            "nsops greater than the per-call limit (SEMOPM, /proc/sys/kernel/sem) fails with "
            "E2BIG") {
  Limits l = probe_limits();
  if (l.sem_semopm <= 0) SIGIPC_UNSUPPORTED("SEMOPM not readable from /proc/sys/kernel/sem");
  if (l.sem_semopm > (1 << 20)) SIGIPC_UNSUPPORTED("SEMOPM too large to build the array");
  Set s(1);
  std::vector<struct sembuf> ops(static_cast<size_t>(l.sem_semopm + 1));
  for (auto& o : ops) o = {0, 1, IPC_NOWAIT};
  EXPECT_FAILS_WITH(semop(s.get(), ops.data(), ops.size()), E2BIG) << "SEMOPM " << l.sem_semopm;
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemOpErr, SemnumOutOfRangeFailsWithEfbig, "sysv_sem.op.efbig-semnum", "XSH semop()",
            "sem_num not less than the number of semaphores in the set fails with EFBIG") {
  Set s(2);
  EXPECT_FAILS_WITH(op1(s.get(), 2, 1, IPC_NOWAIT), EFBIG);
}

SIGIPC_TEST(SysvSemOpErr, InvalidSemidFailsWithEinval, "sysv_sem.op.einval-semid", "XSH semop()",
            "semop() with a semid that is not a semaphore identifier fails with EINVAL") {
  EXPECT_FAILS_WITH(op1(-1, 0, 1, IPC_NOWAIT), EINVAL);
}

SIGIPC_TEST(SysvSemOpErr, ZeroNsopsFailsWithEinval, "sysv_sem.op.einval-zero-nsops",
            "Linux-only, semop(2)", "semop() with nsops 0 fails with EINVAL") {
  Set s(1);
  struct sembuf b = {0, 1, 0};
  EXPECT_FAILS_WITH(semop(s.get(), &b, 0), EINVAL);
}

SIGIPC_TEST(SysvSemOpErr, RemovedSetIsNoLongerUsable, "sysv_sem.op.removed-id", "XSH semop()",
            "semop() on the identifier of a removed set fails (EIDRM: removed; EINVAL: no "
            "longer a valid identifier)") {
  Set s(1);
  int id = s.get();
  ASSERT_SUCCEEDS(semctl(id, 0, IPC_RMID));
  s.id.reset();
  errno = 0;
  EXPECT_EQ(op1(id, 0, 1, IPC_NOWAIT), -1);
  EXPECT_TRUE(errno == EIDRM || errno == EINVAL) << ErrnoText(errno);
}

SIGIPC_TEST(SysvSemOpErr, RemovalWakesBlockedWaiterWithEidrm, "sysv_sem.op.eidrm-wakes-waiter",
            "XSH semop()",
            "A process blocked in semop() returns -1 with EIDRM when the set is removed") {
  Set s(1);
  Child child([&] { CHILD_CHECK_ERRNO(op1(s.get(), 0, -1), EIDRM); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETNCNT, 1, child));
  ASSERT_SUCCEEDS(semctl(s.get(), 0, IPC_RMID));
  s.id.reset();
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(SysvSemOpErr, RemovalWakesZeroWaiterWithEidrm, "sysv_sem.op.eidrm-wakes-zero-waiter",
            "XSH semop()",
            "A process blocked waiting for zero returns -1 with EIDRM when the set is removed") {
  Set s(1);
  set_val(s.get(), 0, 1);
  Child child([&] { CHILD_CHECK_ERRNO(op1(s.get(), 0, 0), EIDRM); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETZCNT, 1, child));
  ASSERT_SUCCEEDS(semctl(s.get(), 0, IPC_RMID));
  s.id.reset();
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(SysvSemOpErr, SignalInterruptsWaitWithEintrEvenUnderSaRestart,
            "sysv_sem.op.eintr-never-restarted", "XSH semop()",
            "A caught signal ends a blocked semop() with EINTR; Linux never restarts semop(), "
            "even with SA_RESTART (signal(7))") {
  Set s(1);
  sysv_sem::ExpectInterruptedWithEintr(s.get(), [&] { return op1(s.get(), 0, -1); });
}

SIGIPC_TEST(SysvSemOpErr, InterruptedWaiterLeavesNcnt, "sysv_sem.op.eintr-decrements-semncnt",
            "XSH semop()",
            "When a signal interrupts a blocked semop(), semncnt is decremented (GETNCNT back to "
            "0)") {
  Set s(1);
  sysv_sem::ExpectInterruptedWithEintr(s.get(), [&] { return op1(s.get(), 0, -1); });
  EXPECT_EQ(semctl(s.get(), 0, GETNCNT), 0) << "the interrupted waiter is still counted";
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemOpErr, ResultEqualToSemvmxIsAccepted, "sysv_sem.op.semvmx-reachable",
            "XSH semop()",
            "An operation that makes semval exactly SEMVMX succeeds (the limit is inclusive)") {
  int semvmx = ipc_info().semvmx;
  Set s(1);
  set_val(s.get(), 0, semvmx - 1);
  EXPECT_EQ(op1(s.get(), 0, 1, IPC_NOWAIT), 0);
  EXPECT_EQ(val(s.get(), 0), semvmx);
}

SIGIPC_TEST(SysvSemOpErr, ExactlySemopmOperationsAreAccepted, "sysv_sem.op.semopm-inclusive",
            "XSH semop()",
            "An array of exactly SEMOPM operations is accepted and all of them are applied") {
  Limits l = probe_limits();
  if (l.sem_semopm <= 0) SIGIPC_UNSUPPORTED("SEMOPM not readable from /proc/sys/kernel/sem");
  int semvmx = ipc_info().semvmx;
  if (l.sem_semopm > semvmx) SIGIPC_UNSUPPORTED("SEMOPM increments of 1 would exceed SEMVMX");
  Set s(1);
  std::vector<struct sembuf> ops(static_cast<size_t>(l.sem_semopm));
  for (auto& o : ops) o = {0, 1, IPC_NOWAIT};
  EXPECT_EQ(semop(s.get(), ops.data(), ops.size()), 0) << ErrnoText(errno);
  EXPECT_EQ(val(s.get(), 0), l.sem_semopm);
}

// ---- semtimedop (Linux-only) ----

double elapsed_s(const timespec& a, const timespec& b) {
  return static_cast<double>(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
}

SIGIPC_TEST(SysvSemOpErr, SemtimedopTimesOutWithEagain, "sysv_sem.timedop.timeout-eagain",
            "Linux-only, semop(2)",
            "semtimedop() whose operation cannot proceed fails with EAGAIN once the timeout "
            "expires, not before") {
  Set s(1);
  struct sembuf b = {0, -1, 0};
  struct timespec to = {0, 50 * 1000 * 1000};
  timespec t0{}, t1{};
  clock_gettime(CLOCK_MONOTONIC, &t0);
  EXPECT_FAILS_WITH(semtimedop(s.get(), &b, 1, &to), EAGAIN);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  EXPECT_GE(elapsed_s(t0, t1), 0.049) << "returned before the 50 ms timeout";
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemOpErr, SemtimedopProceedsAtOnce, "sysv_sem.timedop.immediate",
            "Linux-only, semop(2)",
            "semtimedop() whose operations can proceed applies them and returns 0 without "
            "waiting for the timeout") {
  Set s(1);
  set_val(s.get(), 0, 1);
  struct sembuf b = {0, -1, 0};
  struct timespec to = {60, 0};
  timespec t0{}, t1{};
  clock_gettime(CLOCK_MONOTONIC, &t0);
  EXPECT_EQ(semtimedop(s.get(), &b, 1, &to), 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  EXPECT_LT(elapsed_s(t0, t1), 30.0);
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemOpErr, SemtimedopRejectsInvalidTimeout, "sysv_sem.timedop.einval-timeout",
            "Linux-only, semop(2)",
            "semtimedop() with tv_nsec outside [0, 1e9) fails with EINVAL") {
  Set s(1);
  struct sembuf b = {0, -1, 0};
  struct timespec to = {0, 1000 * 1000 * 1000};
  EXPECT_FAILS_WITH(semtimedop(s.get(), &b, 1, &to), EINVAL);
}

SIGIPC_TEST(SysvSemOpErr, SemtimedopNullTimeoutBlocksLikeSemop, "sysv_sem.timedop.null-timeout",
            "Linux-only, semop(2)",
            "semtimedop() with a NULL timeout blocks like semop() until the operation can "
            "proceed") {
  Set s(1);
  Child child([&] {
    struct sembuf b = {0, -1, 0};
    CHILD_CHECK_EQ(semtimedop(s.get(), &b, 1, nullptr), 0);
  });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETNCNT, 1, child));
  EXPECT_TRUE(sysv_sem::still_running(child));
  ASSERT_EQ(op1(s.get(), 0, 1), 0);
  EXPECT_CHILD_OK(child.wait());
}

}  // namespace
}  // namespace sigipc
