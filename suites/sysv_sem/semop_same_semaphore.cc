// Several operations on the same semaphore in one semop() call: XSH semop()
// performs the whole array atomically, in array order, so each operation sees
// the value the previous ones left, and a failing one undoes them all.
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

struct sembuf op(short sem_op, short flg) {
  struct sembuf b {};
  b.sem_num = 0;
  b.sem_op = sem_op;
  b.sem_flg = flg;
  return b;
}

SIGIPC_TEST(SysvSemSameSemaphore, BlockingLaterOperationUndoesEarlierOnesWithEagain,
            "sysv_sem.semop.same-semaphore-eagain", "XSH semop()",
            "With IPC_NOWAIT, an array whose later operation on a semaphore would block after an "
            "earlier one on the same semaphore fails with EAGAIN and leaves semval unchanged; an "
            "array that can proceed applies its operations in order") {
  sysv_sem::Set set(1);
  struct sembuf then_decrement[] = {op(1, IPC_NOWAIT), op(-2, IPC_NOWAIT)};
  EXPECT_FAILS_WITH(semop(set.get(), then_decrement, 2), EAGAIN);
  EXPECT_EQ(sysv_sem::val(set.get(), 0), 0) << "the +1 was kept";
  struct sembuf then_wait_zero[] = {op(1, IPC_NOWAIT), op(0, IPC_NOWAIT)};
  EXPECT_FAILS_WITH(semop(set.get(), then_wait_zero, 2), EAGAIN);
  EXPECT_EQ(sysv_sem::val(set.get(), 0), 0) << "the +1 was kept";
  struct sembuf proceeds[] = {op(3, IPC_NOWAIT), op(-1, IPC_NOWAIT), op(-2, IPC_NOWAIT)};
  EXPECT_SUCCEEDS(semop(set.get(), proceeds, 3));
  EXPECT_EQ(sysv_sem::val(set.get(), 0), 0);
}

SIGIPC_TEST(SysvSemSameSemaphore, OverflowByLaterOperationFailsWithErange,
            "sysv_sem.semop.same-semaphore-erange", "XSH semop()",
            "An array whose later operation would raise a semaphore above SEMVMX after an earlier "
            "one on the same semaphore fails with ERANGE and leaves semval unchanged") {
  sysv_sem::Set set(1);
  int semvmx = sysv_sem::ipc_info().semvmx;
  sysv_sem::set_val(set.get(), 0, semvmx);
  struct sembuf ops[] = {op(-1, IPC_NOWAIT), op(2, IPC_NOWAIT)};
  EXPECT_FAILS_WITH(semop(set.get(), ops, 2), ERANGE);
  EXPECT_EQ(sysv_sem::val(set.get(), 0), semvmx) << "the -1 was kept";
}

SIGIPC_TEST(SysvSemSameSemaphore, UndoOfSeveralOperationsIsTheirSumAtExit,
            "sysv_sem.semop.same-semaphore-undo", "XSH semop()",
            "SEM_UNDO on several operations on one semaphore in one call accumulates their "
            "adjustment, and the process's exit applies it: semval returns to its former value") {
  sysv_sem::Set set(1);
  sysv_sem::set_val(set.get(), 0, 1);
  WaitStatus st = RunInChild([&] {
    struct sembuf ops[] = {op(3, SEM_UNDO), op(-1, SEM_UNDO), op(2, SEM_UNDO)};
    CHILD_CHECK_OK(semop(set.get(), ops, 3));
    CHILD_CHECK_EQ(semctl(set.get(), 0, GETVAL), 5);
  });
  ASSERT_CHILD_OK(st);
  EXPECT_EQ(sysv_sem::val(set.get(), 0), 1) << "the exit did not undo +3-1+2";
}

}  // namespace
}  // namespace sigipc
