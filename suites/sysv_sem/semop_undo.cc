// SEM_UNDO: per-process semadj values applied at exit, their fate across
// fork() and exec, and their clearing by SETVAL/SETALL. XSH semop(), XSH
// exit(), XSH fork(), XSH exec, XSH semctl().
#include <sys/sem.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "suites/sysv_sem/sysv_sem_helpers.h"

namespace sigipc {
namespace {

using sysv_sem::op1;
using sysv_sem::semun;
using sysv_sem::Set;
using sysv_sem::set_val;
using sysv_sem::val;

SIGIPC_TEST(SysvSemUndo, DecrementIsUndoneAtExit, "sysv_sem.undo.decrement-undone-at-exit",
            "XSH semop()",
            "A decrement made with SEM_UNDO is added back to semval when the process exits") {
  Set s(1);
  set_val(s.get(), 0, 2);
  WaitStatus st = RunInChild([&] {
    CHILD_CHECK_EQ(op1(s.get(), 0, -1, SEM_UNDO), 0);
    CHILD_CHECK_EQ(semctl(s.get(), 0, GETVAL), 1);
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(val(s.get(), 0), 2);
}

SIGIPC_TEST(SysvSemUndo, IncrementIsUndoneAtExit, "sysv_sem.undo.increment-undone-at-exit",
            "XSH semop()",
            "An increment made with SEM_UNDO is subtracted from semval when the process exits") {
  Set s(1);
  WaitStatus st = RunInChild([&] { CHILD_CHECK_EQ(op1(s.get(), 0, 3, SEM_UNDO), 0); });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemUndo, UndoAppliesWhenKilledBySignal, "sysv_sem.undo.applied-when-killed",
            "XSH semop()",
            "semadj is applied however the process terminates, also when killed by SIGKILL") {
  Set s(1);
  set_val(s.get(), 0, 1);
  Gate ready;
  Child child([&] {
    CHILD_CHECK_EQ(op1(s.get(), 0, -1, SEM_UNDO), 0);
    ready.open();
    for (;;) pause();
  });
  ready.close_opener();
  ready.wait();
  ASSERT_EQ(val(s.get(), 0), 0);
  ASSERT_SUCCEEDS(kill(child.pid(), SIGKILL));
  EXPECT_TRUE(KilledBy(child.wait(), SIGKILL));
  EXPECT_EQ(val(s.get(), 0), 1);
}

SIGIPC_TEST(SysvSemUndo, OperationWithoutUndoIsKeptAtExit, "sysv_sem.undo.none-without-flag",
            "XSH semop()",
            "An operation made without SEM_UNDO stays in effect after the process exits") {
  Set s(1);
  set_val(s.get(), 0, 2);
  EXPECT_CHILD_OK(RunInChild([&] { CHILD_CHECK_EQ(op1(s.get(), 0, -1), 0); }));
  EXPECT_EQ(val(s.get(), 0), 1);
}

SIGIPC_TEST(SysvSemUndo, SemadjIsNotInheritedByFork, "sysv_sem.undo.cleared-in-fork-child",
            "XSH fork()",
            "A fork() child starts with its semadj values cleared: its exit does not undo the "
            "parent's SEM_UNDO operations") {
  Set s(1);
  set_val(s.get(), 0, 2);
  WaitStatus st = RunInChild([&] {
    CHILD_CHECK_EQ(op1(s.get(), 0, -1, SEM_UNDO), 0);
    pid_t g = fork();
    CHILD_CHECK(g >= 0);
    if (g == 0) _exit(0);
    int raw = 0;
    CHILD_CHECK_EQ(waitpid(g, &raw, 0), g);
    CHILD_CHECK_EQ(semctl(s.get(), 0, GETVAL), 1);  // the grandchild's exit undid nothing
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(val(s.get(), 0), 2) << "the middle process's own adjustment is applied at its exit";
}

constexpr int kHelperRan = 42;
SIGIPC_EXEC_HELPER(sysv_sem_just_exit) { return kHelperRan; }

SIGIPC_TEST(SysvSemUndo, SemadjIsKeptAcrossExec, "sysv_sem.undo.kept-across-exec", "XSH exec",
            "semadj values are inherited by the new process image: the exec'd program's exit "
            "undoes the SEM_UNDO operation made before exec") {
  Set s(1);
  set_val(s.get(), 0, 1);
  ExecArgv argv("sysv_sem_just_exit", {});
  Child child([&] {
    CHILD_CHECK_EQ(op1(s.get(), 0, -1, SEM_UNDO), 0);
    argv.exec();
    SafeBuf b;
    b.str("exec of the sysv_sem_just_exit helper failed: ").errno_text(errno);
    emit("error", b.c_str());
    child_exit(kChildSetupErrorExit);
  });
  ASSERT_TRUE(ExitedWith(child.wait(), kHelperRan));
  EXPECT_EQ(val(s.get(), 0), 1);
}

// A child decrements with SEM_UNDO, lets the parent run clear(), and exits: if
// the adjustment survived clear(), semval changes at that exit.
void ExpectClearedBy(int id, const std::function<void()>& clear) {
  Gate done_op, cleared;
  Child child([&] {
    CHILD_CHECK_EQ(op1(id, 0, -1, SEM_UNDO), 0);
    done_op.open();
    cleared.wait();
  });
  done_op.wait();
  clear();
  cleared.open();
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(SysvSemUndo, SetvalClearsSemadjOfAllProcesses, "sysv_sem.undo.cleared-by-setval",
            "XSH semctl()",
            "SETVAL clears the semaphore's semadj in all processes: a later exit does not "
            "adjust the value set") {
  Set s(1);
  set_val(s.get(), 0, 1);
  ExpectClearedBy(s.get(), [&] { set_val(s.get(), 0, 5); });
  EXPECT_EQ(val(s.get(), 0), 5);
}

SIGIPC_TEST(SysvSemUndo, SetallClearsSemadjOfAllProcesses, "sysv_sem.undo.cleared-by-setall",
            "XSH semctl()",
            "SETALL clears semadj in all processes: a later exit does not adjust the values "
            "set") {
  Set s(2);
  set_val(s.get(), 0, 1);
  ExpectClearedBy(s.get(), [&] {
    unsigned short v[2] = {7, 8};
    semun u{};
    u.array = v;
    SETUP_OK(semctl(s.get(), 0, SETALL, u));
  });
  EXPECT_EQ(val(s.get(), 0), 7);
  EXPECT_EQ(val(s.get(), 1), 8);
}

SIGIPC_TEST(SysvSemUndo, UndoCannotTakeValueBelowZero, "sysv_sem.undo.clamped-at-zero",
            "Linux-only, semop(2)",
            "If applying semadj at exit would make semval negative, Linux sets it to 0 instead "
            "(semop(2) NOTES)") {
  Set s(1);
  Gate done_op, drained;
  Child child([&] {
    CHILD_CHECK_EQ(op1(s.get(), 0, 2, SEM_UNDO), 0);  // semadj -2
    done_op.open();
    drained.wait();
  });
  done_op.wait();
  ASSERT_EQ(op1(s.get(), 0, -1, IPC_NOWAIT), 0);  // semval 1 < 2
  drained.open();
  EXPECT_CHILD_OK(child.wait());
  EXPECT_EQ(val(s.get(), 0), 0);
}

}  // namespace
}  // namespace sigipc
