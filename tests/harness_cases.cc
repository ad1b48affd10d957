// Deliberately broken tests for the project's own tests: each shows one way a
// test can end, so the selftests can check that the harness reports it with
// the right status. Built into sigipc-harness-cases, never into sigipc.
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/names.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace {

#define HARNESS_CASE(Name, what) \
  SIGIPC_TEST(Harness, Name, "harness." what, "sigipc harness self-test", "harness case: " what)
#define HARNESS_CASE_T(Name, timeout, what)                                          \
  SIGIPC_TEST_T(Harness, Name, timeout, "harness." what, "sigipc harness self-test", \
                "harness case: " what)

// If SIGIPC_SELFTEST_FIFO names a FIFO, tell the selftest this test is running.
void announce_running() {
  const char* fifo = getenv("SIGIPC_SELFTEST_FIFO");
  if (!fifo) return;
  int fd = open(fifo, O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t w = write(fd, "r", 1);
    (void)w;
    close(fd);
  }
}

HARNESS_CASE(Pass, "pass") { EXPECT_EQ(getpid(), getpid()); }

HARNESS_CASE(FailedExpect, "failed-expect") { EXPECT_EQ(1 + 1, 3) << "arithmetic broke"; }

HARNESS_CASE(FailedErrnoCheck, "failed-errno-check") {
  // close(-1) fails with EBADF; expecting EAGAIN must print both names.
  EXPECT_FAILS_WITH(close(-1), EAGAIN);
}

HARNESS_CASE(ChildCheckFails, "child-check-fails") {
  // The parent deliberately ignores the child's status: the child's own
  // record must still make the test FAIL.
  RunInChild([] { CHILD_CHECK_EQ(2 + 2, 5); });
}

volatile sig_atomic_t g_handled = 0;
void failing_handler(int) {
  HANDLER_CHECK(false && "handler saw an impossible state");
  g_handled = 1;
}

HARNESS_CASE(HandlerCheckFails, "handler-check-fails") {
  SignalAction a(SIGUSR1, failing_handler);
  raise(SIGUSR1);
  EXPECT_EQ(g_handled, 1);
}

HARNESS_CASE(CrashSegv, "crash-segv") {
  coverage_flush();
  raise(SIGSEGV);
}

HARNESS_CASE(Abort, "crash-abort") {
  coverage_flush();
  abort();
}

HARNESS_CASE_T(Hang, 1.0, "hang") {
  announce_running();
  for (;;) pause();
}

HARNESS_CASE_T(HangInChildren, 1.0, "hang-in-children") {
  // Children in their own process groups too: the timeout must still kill them.
  Child a([] {
    for (;;) pause();
  });
  Child b([] {
    setpgid(0, 0);
    for (;;) pause();
  });
  a.wait();
}

HARNESS_CASE(LeakFd, "leak-fd") {
  int fds[2];
  ASSERT_SUCCEEDS(pipe(fds));
}

HARNESS_CASE(LeakChild, "leak-child") {
  pid_t p = xfork();
  if (p == 0) {
    for (;;) pause();
  }
}

HARNESS_CASE(LeakOrphan, "leak-orphan") {
  // The child leaves a grandchild behind and exits; the grandchild is
  // re-parented away from the test process.
  WaitStatus s = RunInChild([] {
    pid_t g = fork();
    if (g == 0) {
      for (;;) pause();
    }
  });
  EXPECT_CHILD_OK(s);
}

HARNESS_CASE(LeakSysvMsg, "leak-sysv-msg") {
  ASSERT_SUCCEEDS(msgget(IPC_PRIVATE, IPC_CREAT | 0600));
}

// Its own leak check never runs: what it created must still be found.
HARNESS_CASE(CrashLeavesSysvSem, "crash-leaves-sysv-sem") {
  ASSERT_SUCCEEDS(semget(IPC_PRIVATE, 1, IPC_CREAT | 0600));
  abort();
}

HARNESS_CASE(LeakPosixMq, "leak-posix-mq") {
  std::string name = UniqueName("leak");
  mq_attr attr{};
  attr.mq_maxmsg = 1;
  attr.mq_msgsize = 8;
  mqd_t q = mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
  ASSERT_NE(q, static_cast<mqd_t>(-1)) << ErrnoText(errno);
  mq_close(q);
}

HARNESS_CASE(LeakPosixShm, "leak-posix-shm") {
  std::string name = UniqueName("leak");
  int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
  ASSERT_SUCCEEDS(fd);
  close(fd);
}

HARNESS_CASE(LeakTempFile, "leak-temp-file") {
  int fd = open(UniqueTempPath("left").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  ASSERT_SUCCEEDS(fd);
  close(fd);
}

HARNESS_CASE(GuardsCleanUp, "guards-clean-up") {
  // Every guard type, created and dropped: nothing may be reported as leaked.
  MqName mq;
  mq_attr attr{};
  attr.mq_maxmsg = 1;
  attr.mq_msgsize = 8;
  MqHandle q(mq_open(mq.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600, &attr));
  ASSERT_TRUE(q.valid()) << ErrnoText(errno);
  ShmName shm;
  UniqueFd sfd(shm_open(shm.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600));
  ASSERT_TRUE(sfd) << ErrnoText(errno);
  SemName semn;
  SemHandle sem(sem_open(semn.c_str(), O_CREAT | O_EXCL, 0600, 1));
  ASSERT_NE(sem.get(), SEM_FAILED) << ErrnoText(errno);
  SysvId msg(SysvId::kMsg, create_sysv_msg(0600, nullptr));
  key_t key;
  SysvId semset(SysvId::kSem, create_sysv_sem(2, 0600, &key));
  SysvId shmseg(SysvId::kShm, create_sysv_shm(4096));
  ShmAttachment at(shmat(shmseg.get(), nullptr, 0));
  ASSERT_NE(at.get(), reinterpret_cast<void*>(-1)) << ErrnoText(errno);
  Mapping m = Mapping::shared_anonymous(4096);
  TempFifo fifo;
  AltStack stack(64 * 1024);
  IntervalTimer timer(ITIMER_REAL);
  Pipe p;
  Child c([] {});
  EXPECT_CHILD_OK(c.wait());
}

HARNESS_CASE(Unsupported, "unsupported") {
  SIGIPC_UNSUPPORTED("the machine lacks the frobnicator (harness case)");
}

// Makes and removes an object in an IPC namespace of its own: its id there
// may be the id of another program's object in the runner's namespace, which
// the runner must leave alone
// (HarnessIpcRecord.ObjectsOfTheTestsOwnNamespaceAreNotForeignOnes).
HARNESS_CASE(ObjectInItsOwnIpcNamespace, "object-in-own-ipc-namespace") {
  if (unshare(CLONE_NEWIPC) != 0) SIGIPC_UNSUPPORTED("unshare(CLONE_NEWIPC): " + ErrnoText(errno));
  const int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  ASSERT_GE(id, 0) << ErrnoText(errno);
  EXPECT_EQ(shmctl(id, IPC_RMID, nullptr), 0) << ErrnoText(errno);
}

HARNESS_CASE(SetupError, "setup-error") {
  // A failing setup step is the test's problem, not the platform's: ERROR.
  SETUP_OK(close(-1));
  ADD_FAILURE() << "not reached";
}

// A wrapper that keeps its own stderr (valgrind does) hands it on here as
// descriptor 200 (HarnessForkServer.WrapperMessagesReachTheTestsLog).
HARNESS_CASE(UnexpectedExit, "unexpected-exit") {
  if (fcntl(200, F_GETFD) >= 0) dprintf(200, "wrapper: the test process ends with 3\n");
  _exit(3);
}

HARNESS_CASE(ChildFallsThrough, "child-falls-through") {
  // A raw fork whose child forgets to _exit runs on inside GoogleTest.
  pid_t p = xfork();
  if (p > 0) xwaitpid(p);
}

HARNESS_CASE(EnvPassthrough, "env-passthrough") {
  const char* v = getenv("SIGIPC_SELFTEST_MARK");
  ASSERT_NE(v, nullptr) << "the runner did not pass SIGIPC_SELFTEST_MARK through";
  EXPECT_STREQ(v, "passed-through");
}

HARNESS_CASE(PidNamespaceKillAll, "pid-namespace-kill-all") {
  SIGIPC_REQUIRE_PID_NAMESPACE();
  WaitStatus s = RunInPidNamespace([] {
    CHILD_CHECK_EQ(getpid(), 1);
    pid_t c = fork();
    CHILD_CHECK_OK(c);
    if (c == 0) {
      for (;;) pause();
    }
    // kill(-1) from the namespace's init reaches every other process in it.
    CHILD_CHECK_OK(kill(-1, SIGKILL));
    int st;
    CHILD_CHECK_EQ(waitpid(c, &st, 0), c);
    CHILD_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  });
  EXPECT_CHILD_OK(s);
}

HARNESS_CASE(RunAsNobody, "run-as-nobody") {
  SIGIPC_REQUIRE_USER_SWITCH();
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [] {
    CHILD_CHECK_EQ(getuid(), kNobodyUid);
    CHILD_CHECK_EQ(geteuid(), kNobodyUid);
    CHILD_CHECK_ERRNO(setuid(0), EPERM);
    // The test's private folder is writable for the unprivileged user too.
    std::string path = UniqueTempPath("nobody");
    int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    CHILD_CHECK_OK(fd);
    close(fd);
    CHILD_CHECK_OK(unlink(path.c_str()));
  });
  EXPECT_CHILD_OK(s);
}

SIGIPC_EXEC_HELPER(exit_with_arg) { return args.empty() ? 99 : atoi(args[0].c_str()); }

HARNESS_CASE(ExecHelperRuns, "exec-helper-runs") {
  ExecArgv argv("exit_with_arg", {"42"});
  WaitStatus s = RunInChild([&] {
    argv.exec();
    child_exit(98);
  });
  EXPECT_TRUE(ExitedWith(s, 42));
}

}  // namespace
}  // namespace sigipc
