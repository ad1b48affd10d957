// semop(): what each kind of operation does to semval, when it blocks and
// what wakes it. XSH semop().
#include <sys/sem.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/sysv_sem/sysv_sem_helpers.h"

namespace sigipc {
namespace {

using sysv_sem::op1;
using sysv_sem::Set;
using sysv_sem::set_val;
using sysv_sem::still_running;
using sysv_sem::val;
using sysv_sem::WaitForCount;

SIGIPC_TEST(SysvSemOp, PositiveOpAddsToValue, "sysv_sem.op.positive-adds", "XSH semop()",
            "sem_op > 0 adds sem_op to semval and semop() returns 0") {
  Set s(1);
  set_val(s.get(), 0, 3);
  EXPECT_EQ(op1(s.get(), 0, 4), 0);
  EXPECT_EQ(val(s.get(), 0), 7);
}

SIGIPC_TEST(SysvSemOp, NegativeOpSubtractsWhenValueSuffices, "sysv_sem.op.negative-subtracts",
            "XSH semop()",
            "sem_op < 0 with semval >= |sem_op| subtracts |sem_op| from semval without "
            "blocking") {
  Set s(1);
  set_val(s.get(), 0, 5);
  EXPECT_EQ(op1(s.get(), 0, -5, IPC_NOWAIT), 0);
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemOp, NegativeOpWithNowaitFailsWithEagain, "sysv_sem.op.negative-nowait-eagain",
            "XSH semop()",
            "sem_op < 0 with semval < |sem_op| and IPC_NOWAIT fails with EAGAIN, leaving semval "
            "unchanged") {
  Set s(1);
  set_val(s.get(), 0, 1);
  EXPECT_FAILS_WITH(op1(s.get(), 0, -2, IPC_NOWAIT), EAGAIN);
  EXPECT_EQ(val(s.get(), 0), 1);
}

SIGIPC_TEST(SysvSemOp, NegativeOpBlocksUntilValueSuffices, "sysv_sem.op.negative-blocks",
            "XSH semop()",
            "sem_op < 0 with semval < |sem_op| suspends the caller until semval becomes large "
            "enough, then subtracts") {
  Set s(1);
  Child child([&] { CHILD_CHECK_EQ(op1(s.get(), 0, -1), 0); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETNCNT, 1, child));
  EXPECT_TRUE(still_running(child));
  EXPECT_EQ(val(s.get(), 0), 0);
  ASSERT_EQ(op1(s.get(), 0, 1), 0);
  EXPECT_CHILD_OK(child.wait());
  EXPECT_EQ(val(s.get(), 0), 0) << "the woken child subtracted the 1 posted";
}

SIGIPC_TEST(SysvSemOp, BlockedDecrementStaysBlockedUntilEnough,
            "sysv_sem.op.negative-waits-for-full-amount", "XSH semop()",
            "A caller blocked on sem_op == -2 stays blocked while semval is 1 and proceeds only "
            "once semval reaches 2") {
  Set s(1);
  Child child([&] { CHILD_CHECK_EQ(op1(s.get(), 0, -2), 0); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETNCNT, 1, child));
  ASSERT_EQ(op1(s.get(), 0, 1), 0);
  // The increment has been fully processed (semop returned); a wrongly woken
  // child would have taken the 1 or left the wait queue.
  EXPECT_EQ(val(s.get(), 0), 1);
  EXPECT_EQ(semctl(s.get(), 0, GETNCNT), 1);
  EXPECT_TRUE(still_running(child));
  ASSERT_EQ(op1(s.get(), 0, 1), 0);
  EXPECT_CHILD_OK(child.wait());
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemOp, ZeroOpReturnsAtOnceWhenValueIsZero, "sysv_sem.op.zero-immediate",
            "XSH semop()", "sem_op == 0 with semval == 0 returns 0 at once") {
  Set s(1);
  EXPECT_EQ(op1(s.get(), 0, 0, IPC_NOWAIT), 0);
}

SIGIPC_TEST(SysvSemOp, ZeroOpWithNowaitFailsWithEagain, "sysv_sem.op.zero-nowait-eagain",
            "XSH semop()", "sem_op == 0 with semval != 0 and IPC_NOWAIT fails with EAGAIN") {
  Set s(1);
  set_val(s.get(), 0, 2);
  EXPECT_FAILS_WITH(op1(s.get(), 0, 0, IPC_NOWAIT), EAGAIN);
  EXPECT_EQ(val(s.get(), 0), 2);
}

SIGIPC_TEST(SysvSemOp, ZeroOpBlocksUntilValueIsZero, "sysv_sem.op.zero-blocks", "XSH semop()",
            "sem_op == 0 with semval != 0 suspends the caller until semval becomes 0") {
  Set s(1);
  set_val(s.get(), 0, 1);
  Child child([&] { CHILD_CHECK_EQ(op1(s.get(), 0, 0), 0); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETZCNT, 1, child));
  EXPECT_TRUE(still_running(child));
  ASSERT_EQ(op1(s.get(), 0, -1), 0);
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(SysvSemOp, SetvalToZeroWakesZeroWaiter, "sysv_sem.op.zero-woken-by-setval",
            "XSH semctl()",
            "A caller waiting for zero proceeds when semctl(SETVAL) sets semval to 0") {
  Set s(1);
  set_val(s.get(), 0, 3);
  Child child([&] { CHILD_CHECK_EQ(op1(s.get(), 0, 0), 0); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETZCNT, 1, child));
  set_val(s.get(), 0, 0);
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(SysvSemOp, OperationsOnSeveralSemaphoresInOneCall, "sysv_sem.op.several-semaphores",
            "XSH semop()",
            "One semop() call applies each operation of its array to the semaphore its sem_num "
            "names") {
  Set s(3);
  struct sembuf ops[3] = {{0, 2, 0}, {2, 5, 0}, {1, 1, 0}};
  ASSERT_EQ(semop(s.get(), ops, 3), 0);
  EXPECT_EQ(val(s.get(), 0), 2);
  EXPECT_EQ(val(s.get(), 1), 1);
  EXPECT_EQ(val(s.get(), 2), 5);
}

SIGIPC_TEST(SysvSemOp, LaterOperationSeesEarlierOneInSameCall,
            "sysv_sem.op.array-order-same-semaphore", "XSH semop()",
            "Operations of one array apply in array order: {+1, -1} on a semaphore at 0 "
            "succeeds without blocking") {
  Set s(1);
  struct sembuf ops[2] = {{0, 1, 0}, {0, -1, IPC_NOWAIT}};
  EXPECT_EQ(semop(s.get(), ops, 2), 0);
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemOp, NowaitArrayIsAllOrNothing, "sysv_sem.op.atomic-nowait-none-applied",
            "XSH semop()",
            "If one operation of an array cannot proceed and IPC_NOWAIT is set, semop() fails "
            "with EAGAIN and no operation of the array is applied") {
  Set s(2);
  set_val(s.get(), 0, 1);
  struct sembuf ops[2] = {{0, -1, IPC_NOWAIT}, {1, -1, IPC_NOWAIT}};
  EXPECT_FAILS_WITH(semop(s.get(), ops, 2), EAGAIN);
  EXPECT_EQ(val(s.get(), 0), 1) << "the first operation was applied";
  EXPECT_EQ(val(s.get(), 1), 0);
}

SIGIPC_TEST(SysvSemOp, BlockedArrayAppliesNothingUntilAllCan, "sysv_sem.op.atomic-blocked",
            "XSH semop()",
            "A caller blocked on an array applies none of its operations while one cannot "
            "proceed, and all of them once every one can") {
  Set s(2);
  set_val(s.get(), 0, 1);
  Child child([&] {
    struct sembuf ops[2] = {{0, -1, 0}, {1, -1, 0}};
    CHILD_CHECK_EQ(semop(s.get(), ops, 2), 0);
  });
  ASSERT_TRUE(WaitForCount(s.get(), 1, GETNCNT, 1, child));
  EXPECT_EQ(val(s.get(), 0), 1) << "the first operation was applied while blocked";
  // Semaphore 0 is still available to others while the array waits.
  ASSERT_EQ(op1(s.get(), 0, -1, IPC_NOWAIT), 0);
  ASSERT_EQ(op1(s.get(), 0, 1), 0);
  ASSERT_EQ(op1(s.get(), 1, 1), 0);
  EXPECT_CHILD_OK(child.wait());
  EXPECT_EQ(val(s.get(), 0), 0);
  EXPECT_EQ(val(s.get(), 1), 0);
}

SIGIPC_TEST(SysvSemOp, NcntCountsEachBlockedDecrementer, "sysv_sem.ctl.getncnt-counts-waiters",
            "XSH semctl()",
            "GETNCNT returns the number of processes waiting for semval to increase (two blocked "
            "children: 2)") {
  Set s(1);
  Child a([&] { CHILD_CHECK_EQ(op1(s.get(), 0, -1), 0); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETNCNT, 1, a));
  Child b([&] { CHILD_CHECK_EQ(op1(s.get(), 0, -1), 0); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETNCNT, 2, b));
  EXPECT_EQ(semctl(s.get(), 0, GETZCNT), 0);
  ASSERT_EQ(op1(s.get(), 0, 2), 0);
  EXPECT_CHILD_OK(a.wait());
  EXPECT_CHILD_OK(b.wait());
  EXPECT_EQ(semctl(s.get(), 0, GETNCNT), 0) << "waiters that proceeded are no longer counted";
}

SIGIPC_TEST(SysvSemOp, ZcntCountsZeroWaiters, "sysv_sem.ctl.getzcnt-counts-waiters", "XSH semctl()",
            "GETZCNT returns the number of processes waiting for semval to become 0, and drops "
            "once they proceed") {
  Set s(1);
  set_val(s.get(), 0, 1);
  Child a([&] { CHILD_CHECK_EQ(op1(s.get(), 0, 0), 0); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETZCNT, 1, a));
  EXPECT_EQ(semctl(s.get(), 0, GETNCNT), 0);
  set_val(s.get(), 0, 0);
  EXPECT_CHILD_OK(a.wait());
  EXPECT_EQ(semctl(s.get(), 0, GETZCNT), 0);
}

}  // namespace
}  // namespace sigipc
