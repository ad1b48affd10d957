// IPC_RMID of a set while processes are blocked in semop() calls of several
// operations, and while a process holds SEM_UNDO adjustments for it: every
// blocked call returns -1 with EIDRM (XSH semop()), and the holder's exit
// finds nothing to undo.
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/sysv_sem/sysv_sem_helpers.h"

namespace sigipc {
namespace {

struct sembuf op(unsigned short num, short sem_op, short flg = 0) {
  struct sembuf b {};
  b.sem_num = num;
  b.sem_op = sem_op;
  b.sem_flg = flg;
  return b;
}

SIGIPC_TEST(SysvSemRmid, RemovalWakesMultiOperationWaitersWithEidrm,
            "sysv_sem.op.eidrm-wakes-multi-op-waiters", "XSH semop()",
            "Removing a set wakes a process blocked in a semop() of several decrements and one "
            "blocked in a semop() of several waits for zero, each returning -1 with EIDRM, also "
            "while another process holds SEM_UNDO adjustments for the set") {
  sysv_sem::Set set(2);
  Gate adjusted, release;
  // Holds an adjustment of -1 on semaphore 0 (semval 1) until released.
  Child holder([&] {
    CHILD_CHECK_OK(sysv_sem::op1(set.get(), 0, 1, SEM_UNDO));
    adjusted.open();
    release.wait();
  });
  adjusted.wait();
  // semval 1 and 0: the decrements block on semaphore 1, the zero wait on 0.
  Child decrements([&] {
    struct sembuf ops[] = {op(0, -1), op(1, -1)};
    CHILD_CHECK_ERRNO(semop(set.get(), ops, 2), EIDRM);
  });
  Child zeros([&] {
    struct sembuf ops[] = {op(0, 0), op(1, 0)};
    CHILD_CHECK_ERRNO(semop(set.get(), ops, 2), EIDRM);
  });
  ASSERT_TRUE(sysv_sem::WaitForCount(set.get(), 1, GETNCNT, 1, decrements));
  ASSERT_TRUE(sysv_sem::WaitForCount(set.get(), 0, GETZCNT, 1, zeros));
  ASSERT_SUCCEEDS(semctl(set.get(), 0, IPC_RMID));
  set.id.reset();
  EXPECT_CHILD_OK(decrements.wait());
  EXPECT_CHILD_OK(zeros.wait());
  release.open();
  EXPECT_CHILD_OK(holder.wait()) << "the holder of the adjustment";
}

}  // namespace
}  // namespace sigipc
