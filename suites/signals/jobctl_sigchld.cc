// SIGCHLD for a child that stops or continues, and SA_NOCLDSTOP, which
// suppresses both. SIGCHLD is caught (so it is never discarded as ignored),
// kept blocked, and taken with sigtimedwait to read its siginfo.
// XSH 2.4.3 Signal Actions, XSH sigaction().
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::StoppableChild;

void never_runs(int) {}

// The next SIGCHLD (blocked), or si_signo 0 after the safety net.
siginfo_t next_sigchld() {
  siginfo_t si{};
  if (signals::await_signal(SIGCHLD, &si) != SIGCHLD) si.si_signo = 0;
  return si;
}

::testing::AssertionResult SigchldSays(const siginfo_t& si, int code, int status, pid_t pid) {
  if (si.si_signo != SIGCHLD)
    return ::testing::AssertionFailure() << "no SIGCHLD within " << signals::kSafetyNetS << " s";
  if (si.si_code == code && si.si_status == status && si.si_pid == pid)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "SIGCHLD with si_code " << si.si_code << " (want " << code
                                       << "), si_status " << si.si_status << " (want " << status
                                       << "), si_pid " << si.si_pid << " (want " << pid << ")";
}

SIGIPC_TEST(SignalJobControl, StoppedChildSendsSigchld, "signal.jobctl.sigchld-on-stop",
            "XSH 2.4.3 Signal Actions",
            "When a child stops, SIGCHLD is sent to the parent with si_code CLD_STOPPED and the "
            "stop signal in si_status") {
  SignalAction action(SIGCHLD, never_runs);
  SignalMask mask;
  mask.block(SIGCHLD);
  Gate ready, release;
  Child c = StoppableChild(ready, release);
  ready.wait();
  ASSERT_SUCCEEDS(kill(c.pid(), SIGTSTP));
  EXPECT_TRUE(SigchldSays(next_sigchld(), CLD_STOPPED, SIGTSTP, c.pid()));
}

SIGIPC_TEST(SignalJobControl, ContinuedChildSendsSigchld, "signal.jobctl.sigchld-on-continue",
            "XSH 2.4.3 Signal Actions",
            "When a stopped child continues, SIGCHLD is sent to the parent with si_code "
            "CLD_CONTINUED") {
  SignalAction action(SIGCHLD, never_runs);
  SignalMask mask;
  mask.block(SIGCHLD);
  Gate ready, release;
  Child c = StoppableChild(ready, release);
  ready.wait();
  ASSERT_SUCCEEDS(kill(c.pid(), SIGSTOP));
  ASSERT_TRUE(SigchldSays(next_sigchld(), CLD_STOPPED, SIGSTOP, c.pid())) << "setup";
  ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
  EXPECT_TRUE(SigchldSays(next_sigchld(), CLD_CONTINUED, SIGCONT, c.pid()));
  release.open();
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(SignalJobControl, SaNocldstopSuppressesStopAndContinueSigchld,
            "signal.jobctl.nocldstop", "XSH sigaction()",
            "With SA_NOCLDSTOP no SIGCHLD is generated when a child stops or continues; one is "
            "still generated when it exits") {
  SignalAction action(SIGCHLD, never_runs, SA_NOCLDSTOP);
  SignalMask mask;
  mask.block(SIGCHLD);
  Gate ready, release;
  Child c = StoppableChild(ready, release);
  ready.wait();
  ASSERT_SUCCEEDS(kill(c.pid(), SIGSTOP));
  ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP));
  EXPECT_EQ(signals::pending_member(SIGCHLD), 0) << "SIGCHLD generated for the stop";
  ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
  ASSERT_TRUE(c.wait(WCONTINUED).continued());
  release.open();
  pid_t pid = c.pid();
  ASSERT_CHILD_OK(c.wait());
  // A continue notification may be sent by the child only once it runs
  // again; it would have come before the exit's. Standard signals do not
  // queue, so the first SIGCHLD's siginfo is the one that stays pending.
  EXPECT_TRUE(SigchldSays(next_sigchld(), CLD_EXITED, 0, pid))
      << "the only SIGCHLD must be the exit's";
}

}  // namespace
}  // namespace sigipc
