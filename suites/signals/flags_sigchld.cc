// The SIGCHLD flags: SA_NOCLDSTOP (no SIGCHLD for a child's stop or
// continuation, still one for its end) and SA_NOCLDWAIT (no zombies; wait
// blocks until every child has ended, then fails with ECHILD).
// XSH sigaction(), XSH wait().
//
// SIGCHLD stays blocked and is taken with sigtimedwait(), whose si_code says
// which event generated it. Standard signals do not queue, so the first
// SIGCHLD generated is the one whose si_code is seen; a later one is lost
// while it is pending.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/flags_helpers.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

using signals::cld_code_name;
using signals::take_sigchld_code;

// A catching function, so that sa_flags apply to a caught SIGCHLD; it never
// runs while SIGCHLD is blocked.
void unused_chld(int) {}

Child StopSelf() {
  return Child([] { CHILD_CHECK_OK(raise(SIGSTOP)); });
}

SIGIPC_TEST(SignalFlagsSigchld, SaNocldstopSuppressesSigchldOnStop,
            "signal.flags.nocldstop-no-sigchld-on-stop", "XSH sigaction()",
            "With SA_NOCLDSTOP on SIGCHLD, no SIGCHLD is generated when a child stops") {
  SignalMask mask;
  mask.block(SIGCHLD);
  SignalAction chld(SIGCHLD, unused_chld, SA_NOCLDSTOP);
  Child c = StopSelf();
  ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP));
  EXPECT_EQ(signals::pending_member(SIGCHLD), 0) << "a SIGCHLD is pending after the stop";
  ASSERT_SUCCEEDS(kill(c.pid(), SIGKILL));
  ASSERT_TRUE(KilledBy(c.wait(), SIGKILL));
  // Had the stop generated one, it would still be pending and come first.
  int code = take_sigchld_code();
  EXPECT_EQ(code, CLD_KILLED) << "first SIGCHLD: " << cld_code_name(code)
                              << " (the stop must not generate one; the kill must)";
}

SIGIPC_TEST(SignalFlagsSigchld, SaNocldstopSuppressesSigchldOnContinue,
            "signal.flags.nocldstop-no-sigchld-on-continue", "XSH sigaction()",
            "With SA_NOCLDSTOP on SIGCHLD, no SIGCHLD is generated when a stopped child is "
            "continued") {
  SignalMask mask;
  mask.block(SIGCHLD);
  SignalAction chld(SIGCHLD, unused_chld);  // SA_NOCLDSTOP only once the child is stopped
  Gate release;
  Child c([&] {
    CHILD_CHECK_OK(raise(SIGSTOP));
    release.wait();
  });
  ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP));
  ASSERT_EQ(take_sigchld_code(), CLD_STOPPED) << "setup: the stop's SIGCHLD, taken before the flag";
  chld.set(unused_chld, SA_NOCLDSTOP);
  ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
  WaitStatus st = c.wait(WCONTINUED);
  ASSERT_TRUE(st.continued()) << "setup: after SIGCONT the child " << st.describe();
  EXPECT_EQ(signals::pending_member(SIGCHLD), 0) << "a SIGCHLD is pending after the continue";
  release.open();
  ASSERT_TRUE(ExitedWith(c.wait(), 0));
  int code = take_sigchld_code();
  EXPECT_EQ(code, CLD_EXITED) << "first SIGCHLD: " << cld_code_name(code)
                              << " (the continue must not generate one; the exit must)";
}

SIGIPC_TEST(SignalFlagsSigchld, SaNocldstopKeepsSigchldOnExit,
            "signal.flags.nocldstop-sigchld-on-exit", "XSH sigaction(); XSH 2.4.3 Signal Actions",
            "With SA_NOCLDSTOP on SIGCHLD, a SIGCHLD is still generated when a child ends") {
  SignalMask mask;
  mask.block(SIGCHLD);
  SignalAction chld(SIGCHLD, unused_chld, SA_NOCLDSTOP);
  Child c([] {});
  const pid_t pid = c.pid();
  ASSERT_TRUE(ExitedWith(c.wait(), 0));
  pid_t from = -1;
  int code = take_sigchld_code(&from);
  EXPECT_EQ(code, CLD_EXITED) << "SIGCHLD for the exit: " << cld_code_name(code);
  EXPECT_EQ(from, pid) << "si_pid of the SIGCHLD";
}

SIGIPC_TEST(SignalFlagsSigchld, SigchldGeneratedOnStopWithoutSaNocldstop,
            "signal.flags.sigchld-on-stop", "XSH sigaction()",
            "Without SA_NOCLDSTOP on SIGCHLD, a SIGCHLD is generated when a child stops") {
  SignalMask mask;
  mask.block(SIGCHLD);
  SignalAction chld(SIGCHLD, unused_chld);
  Child c = StopSelf();
  const pid_t pid = c.pid();
  ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP));
  pid_t from = -1;
  int code = take_sigchld_code(&from);  // the child stays stopped: nothing else can generate one
  EXPECT_EQ(code, CLD_STOPPED) << "SIGCHLD for the stop: " << cld_code_name(code);
  EXPECT_EQ(from, pid) << "si_pid of the SIGCHLD";
}

SIGIPC_TEST(SignalFlagsSigchld, SaNocldwaitLeavesNoZombies, "signal.flags.nocldwait-no-zombies",
            "XSH sigaction(); XSH wait()",
            "With SA_NOCLDWAIT on SIGCHLD, an ended child does not become a zombie: waitpid() "
            "cannot report it (ECHILD) and it is never in the zombie state") {
  // Blocked: whether SIGCHLD is generated is unspecified, and a caught one
  // would interrupt waitpid().
  SignalMask mask;
  mask.block(SIGCHLD);
  SignalAction chld(SIGCHLD, unused_chld, SA_NOCLDWAIT);
  // Raw fork: when the rule holds nobody reaps it, and Child's destructor
  // would aim at a freed pid.
  pid_t pid = xfork();
  if (pid == 0) child_exit(0);
  int status = 0;
  // Blocks until the child has ended (the next test's rule), then has nothing
  // to report.
  EXPECT_FAILS_WITH(waitpid(pid, &status, 0), ECHILD);
  // Not kill(pid, 0): an auto-reaped child may linger for an instant while
  // the kernel releases it ('X' in /proc); a zombie ('Z') stays.
  EXPECT_NE(signals::process_state(pid), 'Z') << "the ended child is a zombie";
}

SIGIPC_TEST(SignalFlagsSigchld, SaNocldwaitWaitBlocksUntilAllChildrenEnd,
            "signal.flags.nocldwait-wait-blocks-then-echild", "XSH sigaction(); XSH wait()",
            "With SA_NOCLDWAIT on SIGCHLD, wait() blocks until all children have ended and then "
            "fails with ECHILD") {
  Gate go;
  // The waiting process is a child, so that the test process can release
  // its last child while it sleeps in wait().
  Child waiter([&] {
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &chld, nullptr));
    struct sigaction sa {};
    sa.sa_handler = unused_chld;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NOCLDWAIT;
    CHILD_CHECK_OK(sigaction(SIGCHLD, &sa, nullptr));
    // Only the two children hold the write end: EOF on it means both have
    // ended (a process's descriptors close before its parent can learn of
    // its end).
    int alive[2];
    CHILD_CHECK_OK(pipe(alive));
    pid_t quick = fork();
    if (quick == 0) child_exit(0);
    CHILD_CHECK_OK(quick);
    pid_t slow = fork();
    if (slow == 0) {
      go.wait();
      child_exit(0);
    }
    CHILD_CHECK_OK(slow);
    CHILD_CHECK_OK(close(alive[1]));
    CHILD_CHECK_OK(fcntl(alive[0], F_SETFL, O_NONBLOCK));
    int st = 0;
    CHILD_CHECK_ERRNO(wait(&st), ECHILD);
    char c;
    CHILD_CHECK_EQ(read(alive[0], &c, 1), 0);  // -1 (EAGAIN): a child was still running
  });
  FLAGTEST_ASSERT_SLEEPING(waiter.pid(), "wait() while a child is still running");
  go.open();
  EXPECT_TRUE(signals::ExitsWithin(waiter, 0));
}

}  // namespace
}  // namespace sigipc
