// Blocked semop() callers woken by SETVAL/SETALL, several zero waiters,
// sempid and sem_otime bookkeeping, the semadj range and cumulative
// adjustments, and interruption of semtimedop(). XSH semop(), XSH semctl().
#include <signal.h>
#include <sys/sem.h>
#include <time.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/sysv_sem/sysv_sem_helpers.h"

namespace sigipc {
namespace {

using sysv_sem::ipc_info;
using sysv_sem::op1;
using sysv_sem::semun;
using sysv_sem::Set;
using sysv_sem::set_val;
using sysv_sem::stat_of;
using sysv_sem::val;
using sysv_sem::WaitForCount;

SIGIPC_TEST(SysvSemWake, SetvalWakesBlockedDecrementer, "sysv_sem.wake.setval-wakes-decrementer",
            "XSH semctl()",
            "A process blocked on sem_op < 0 proceeds when SETVAL raises semval enough") {
  Set s(1);
  Child child([&] { CHILD_CHECK_EQ(op1(s.get(), 0, -2), 0); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETNCNT, 1, child));
  set_val(s.get(), 0, 3);
  EXPECT_CHILD_OK(child.wait());
  EXPECT_EQ(val(s.get(), 0), 1);
}

SIGIPC_TEST(SysvSemWake, SetallWakesBlockedDecrementer, "sysv_sem.wake.setall-wakes-decrementer",
            "XSH semctl()",
            "A process blocked on an array proceeds when SETALL makes every operation possible") {
  Set s(2);
  Child child([&] {
    struct sembuf ops[2] = {{0, -1, 0}, {1, -1, 0}};
    CHILD_CHECK_EQ(semop(s.get(), ops, 2), 0);
  });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETNCNT, 1, child));
  unsigned short v[2] = {1, 1};
  semun u{};
  u.array = v;
  ASSERT_SUCCEEDS(semctl(s.get(), 0, SETALL, u));
  EXPECT_CHILD_OK(child.wait());
  EXPECT_EQ(val(s.get(), 0), 0);
  EXPECT_EQ(val(s.get(), 1), 0);
}

SIGIPC_TEST(SysvSemWake, AllZeroWaitersProceedWhenValueReachesZero,
            "sysv_sem.wake.all-zero-waiters", "XSH semop()",
            "When semval becomes 0 every process waiting for zero on it proceeds") {
  Set s(1);
  set_val(s.get(), 0, 1);
  Child a([&] { CHILD_CHECK_EQ(op1(s.get(), 0, 0), 0); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETZCNT, 1, a));
  Child b([&] { CHILD_CHECK_EQ(op1(s.get(), 0, 0), 0); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETZCNT, 2, b));
  ASSERT_EQ(op1(s.get(), 0, -1), 0);
  EXPECT_CHILD_OK(a.wait());
  EXPECT_CHILD_OK(b.wait());
}

SIGIPC_TEST(SysvSemWake, FailedSemopLeavesSempid, "sysv_sem.op.sempid-unchanged-on-failure",
            "XSH semop()",
            "sempid is set only by a successful semop(): a failing call (EAGAIN) leaves GETPID "
            "at the last successful caller") {
  Set s(1);
  Child child([&] { CHILD_CHECK_ERRNO(op1(s.get(), 0, -1, IPC_NOWAIT), EAGAIN); });
  ASSERT_CHILD_OK(child.wait());
  EXPECT_EQ(semctl(s.get(), 0, GETPID), 0) << "no successful semop() yet";
}

SIGIPC_TEST(SysvSemWake, SetvalLeavesOtime, "sysv_sem.ctl.otime-not-set-by-setval",
            "XSH <sys/sem.h>",
            "sem_otime is the time of the last semop(): SETVAL does not set it") {
  Set s(1);
  set_val(s.get(), 0, 4);
  EXPECT_EQ(stat_of(s.get()).sem_otime, 0);
}

SIGIPC_TEST(SysvSemWake, SemadjOverflowFailsWithErange, "sysv_sem.op.erange-semadj", "XSH semop()",
            "An operation with SEM_UNDO that would take semadj beyond the system limit (SEMAEM) "
            "fails with ERANGE") {
  const int semaem = ipc_info().semaem;
  const int semvmx = ipc_info().semvmx;
  if (semaem > semvmx) SIGIPC_UNSUPPORTED("SEMAEM above SEMVMX: semval overflows first");
  Set s(1);
  WaitStatus st = RunInChild([&] {
    int id = s.get();
    // semadj goes to -SEMAEM while semval is brought back to 0 without undo.
    CHILD_CHECK_EQ(op1(id, 0, static_cast<short>(semaem), SEM_UNDO), 0);
    CHILD_CHECK_EQ(op1(id, 0, static_cast<short>(-semaem)), 0);
    // Linux allows semadj down to -(SEMAEM + 1): step there, then one more.
    int steps = 0;
    for (;;) {
      errno = 0;
      int r = op1(id, 0, 1, SEM_UNDO | IPC_NOWAIT);
      if (r != 0) {
        CHILD_CHECK_EQ(errno, ERANGE);
        break;
      }
      CHILD_CHECK_EQ(op1(id, 0, -1), 0);
      CHILD_CHECK(++steps <= 1);  // semadj already at -(SEMAEM + 2): no limit enforced
    }
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SysvSemWake, SemadjAccumulatesAcrossOperations, "sysv_sem.undo.cumulative",
            "XSH semop()",
            "semadj accumulates every SEM_UNDO operation of the process on the semaphore; at exit "
            "the net effect is undone") {
  Set s(1);
  set_val(s.get(), 0, 5);
  WaitStatus st = RunInChild([&] {
    CHILD_CHECK_EQ(op1(s.get(), 0, -3, SEM_UNDO), 0);
    CHILD_CHECK_EQ(op1(s.get(), 0, 1, SEM_UNDO), 0);
    CHILD_CHECK_EQ(op1(s.get(), 0, -1, SEM_UNDO), 0);
    CHILD_CHECK_EQ(op1(s.get(), 0, 4), 0);  // not undone
    CHILD_CHECK_EQ(semctl(s.get(), 0, GETVAL), 6);
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(val(s.get(), 0), 9) << "5 - 3 + 1 - 1 + 4, with the net -3 undone";
}

SIGIPC_TEST(SysvSemWake, SignalInterruptsSemtimedop, "sysv_sem.timedop.eintr",
            "Linux-only, semop(2)",
            "A caught signal ends a blocked semtimedop() with EINTR before its timeout, even "
            "with SA_RESTART") {
  Set s(1);
  sysv_sem::ExpectInterruptedWithEintr(s.get(), [&] {
    struct sembuf b = {0, -1, 0};
    struct timespec to = {60, 0};
    return semtimedop(s.get(), &b, 1, &to);
  });
}

SIGIPC_TEST(SysvSemWake, SemtimedopZeroWaitTimesOut, "sysv_sem.timedop.zero-wait-timeout",
            "Linux-only, semop(2)",
            "semtimedop() waiting for zero on a nonzero semaphore fails with EAGAIN when the "
            "timeout expires, and the waiter is no longer counted") {
  Set s(1);
  set_val(s.get(), 0, 1);
  struct sembuf b = {0, 0, 0};
  struct timespec to = {0, 20 * 1000 * 1000};
  EXPECT_FAILS_WITH(semtimedop(s.get(), &b, 1, &to), EAGAIN);
  EXPECT_EQ(semctl(s.get(), 0, GETZCNT), 0);
}

}  // namespace
}  // namespace sigipc
