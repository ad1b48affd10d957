// Per-operation flags and selective wakeups: IPC_NOWAIT belongs to each
// sembuf, and only operations on a semaphore can wake its waiters. Also
// removal waking every waiter and IPC_EXCL without IPC_CREAT. XSH semop(),
// XSH semget(), XSH semctl().
#include <sys/sem.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/sysv_sem/sysv_sem_helpers.h"

namespace sigipc {
namespace {

using sysv_sem::op1;
using sysv_sem::semun;
using sysv_sem::Set;
using sysv_sem::set_val;
using sysv_sem::stat_of;
using sysv_sem::still_running;
using sysv_sem::val;
using sysv_sem::WaitForCount;

SIGIPC_TEST(SysvSemFlags, NowaitOnBlockingOperationGivesEagain,
            "sysv_sem.flags.nowait-on-blocking-op", "XSH semop()",
            "IPC_NOWAIT is taken from the operation that cannot proceed: set there (and not on "
            "the others) semop() fails with EAGAIN and applies nothing") {
  Set s(2);
  set_val(s.get(), 0, 1);
  struct sembuf ops[2] = {{0, -1, 0}, {1, -1, IPC_NOWAIT}};
  EXPECT_FAILS_WITH(semop(s.get(), ops, 2), EAGAIN);
  EXPECT_EQ(val(s.get(), 0), 1);
}

SIGIPC_TEST(SysvSemFlags, NowaitOnOtherOperationStillBlocks,
            "sysv_sem.flags.nowait-on-other-op-blocks", "XSH semop()",
            "IPC_NOWAIT on an operation that can proceed does not stop the call from blocking on "
            "another operation that lacks it") {
  Set s(2);
  set_val(s.get(), 0, 1);
  Child child([&] {
    struct sembuf ops[2] = {{0, -1, IPC_NOWAIT}, {1, -1, 0}};
    CHILD_CHECK_EQ(semop(s.get(), ops, 2), 0);
  });
  ASSERT_TRUE(WaitForCount(s.get(), 1, GETNCNT, 1, child));
  EXPECT_TRUE(still_running(child));
  ASSERT_EQ(op1(s.get(), 1, 1), 0);
  EXPECT_CHILD_OK(child.wait());
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemFlags, IncrementOfOtherSemaphoreDoesNotWake,
            "sysv_sem.wake.other-semaphore-no-effect", "XSH semop()",
            "A process waiting on one semaphore of a set stays blocked when another semaphore of "
            "the set is incremented") {
  Set s(2);
  Child child([&] { CHILD_CHECK_EQ(op1(s.get(), 0, -1), 0); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETNCNT, 1, child));
  ASSERT_EQ(op1(s.get(), 1, 1), 0);
  EXPECT_EQ(semctl(s.get(), 0, GETNCNT), 1);
  EXPECT_TRUE(still_running(child));
  EXPECT_EQ(val(s.get(), 1), 1) << "the waiter took from the wrong semaphore";
  ASSERT_EQ(op1(s.get(), 0, 1), 0);
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(SysvSemFlags, RemovalWakesEveryWaiter, "sysv_sem.ctl.rmid-wakes-all", "XSH semctl()",
            "IPC_RMID wakes every process blocked on the set, each with EIDRM") {
  Set s(2);
  set_val(s.get(), 1, 1);
  Child a([&] { CHILD_CHECK_ERRNO(op1(s.get(), 0, -1), EIDRM); });
  ASSERT_TRUE(WaitForCount(s.get(), 0, GETNCNT, 1, a));
  Child b([&] { CHILD_CHECK_ERRNO(op1(s.get(), 1, 0), EIDRM); });
  ASSERT_TRUE(WaitForCount(s.get(), 1, GETZCNT, 1, b));
  ASSERT_SUCCEEDS(semctl(s.get(), 0, IPC_RMID));
  s.id.reset();
  EXPECT_CHILD_OK(a.wait());
  EXPECT_CHILD_OK(b.wait());
}

SIGIPC_TEST(SysvSemFlags, ExclWithoutCreatIsIgnored, "sysv_sem.get.excl-without-creat",
            "XSH semget()",
            "IPC_EXCL only matters together with IPC_CREAT: alone it finds the existing set") {
  Set s(1);
  EXPECT_EQ(semget(s.key, 1, IPC_EXCL | 0600), s.get());
}

SIGIPC_TEST(SysvSemFlags, IpcSetInvalidUidFailsWithEinval, "sysv_sem.ctl.ipc-set-einval-uid",
            "Linux-only, semctl(2)",
            "IPC_SET with a uid that is not valid ((uid_t)-1) fails with EINVAL and changes "
            "nothing") {
  Set s(1);
  struct semid_ds ds = stat_of(s.get());
  ds.sem_perm.uid = static_cast<uid_t>(-1);
  ds.sem_perm.mode = 0644;
  semun u{};
  u.buf = &ds;
  EXPECT_FAILS_WITH(semctl(s.get(), 0, IPC_SET, u), EINVAL);
  EXPECT_EQ(stat_of(s.get()).sem_perm.mode & 0777, 0600u);
}

}  // namespace
}  // namespace sigipc
