// sigsuspend(): the mask it installs while waiting, its return (-1 with
// EINTR, after the handler) and the mask it restores, what does not end the
// wait (a signal its mask blocks, a signal whose action is to ignore), a
// terminating signal, and the signals its mask cannot block.
// XSH sigsuspend().
//
// Most cases need no second process: a signal made pending while blocked is
// delivered inside sigsuspend() as soon as its mask unblocks it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"
#include "suites/signals/wait_helpers.h"

namespace sigipc {
namespace {

using signals::SameSignals;

// The mask inside the SIGUSR1 handler, one flag per signal of g_all (walked
// by the handler, filled before it can run), and whether the handler ran to
// its end.
signals::SignalList g_all;
volatile sig_atomic_t g_blocked[NSIG];
volatile sig_atomic_t g_usr1_done = 0;
volatile sig_atomic_t g_usr2_runs = 0;

void record_mask(int) {
  sigset_t now;
  sigemptyset(&now);
  HANDLER_CHECK(sigprocmask(SIG_BLOCK, nullptr, &now) == 0);
  for (int i = 0; i < g_all.count; ++i) g_blocked[g_all.sigs[i]] = sigismember(&now, g_all.sigs[i]);
  g_usr1_done = g_usr1_done + 1;
}
void count_usr2(int) { g_usr2_runs = g_usr2_runs + 1; }

void reset() {
  g_all = signals::posix_signals();
  for (int s = 0; s < NSIG; ++s) g_blocked[s] = -1;
  g_usr1_done = 0;
  g_usr2_runs = 0;
}

sigset_t recorded_mask() {
  sigset_t m;
  sigemptyset(&m);
  for (int i = 0; i < g_all.count; ++i)
    if (g_blocked[g_all.sigs[i]] == 1) sigaddset(&m, g_all.sigs[i]);
  return m;
}

// sigsuspend(temp): what it returned and errno right after.
struct SuspendRun {
  int ret;
  int err;
};
SuspendRun Suspend(const sigset_t& temp) {
  errno = 0;
  int r = sigsuspend(&temp);
  return SuspendRun{r, errno};
}

SIGIPC_TEST(SignalWaitSigsuspend, InstallsTheGivenMaskWhileWaiting,
            "signal.wait.sigsuspend-replaces-mask", "XSH sigsuspend()",
            "While suspended the thread's mask is the one passed to sigsuspend(), replacing (not "
            "adding to) the previous one") {
  reset();
  SignalAction action(SIGUSR1, record_mask);
  SignalMask mask;
  mask.block(SIGUSR1);
  mask.block(SIGHUP);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  Suspend(make_sigset({SIGTERM, SIGUSR2}));
  ASSERT_EQ(g_usr1_done, 1) << "the handler did not run during sigsuspend()";
  // The handler adds its own signal; SIGHUP, blocked before, must be gone.
  EXPECT_TRUE(SameSignals(recorded_mask(), make_sigset({SIGTERM, SIGUSR2, SIGUSR1})))
      << "mask inside the handler (sigsuspend mask {SIGTERM, SIGUSR2}, old mask {SIGUSR1, "
         "SIGHUP})";
}

SIGIPC_TEST(SignalWaitSigsuspend, ReturnsMinusOneWithEintrAfterTheHandler,
            "signal.wait.sigsuspend-eintr-after-handler", "XSH sigsuspend()",
            "sigsuspend() returns only after the handler has returned, and then returns -1 with "
            "errno EINTR (never 0)") {
  reset();
  SignalAction action(SIGUSR1, record_mask);
  SignalMask mask;
  mask.block(SIGUSR1);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  sigset_t none;
  sigemptyset(&none);
  SuspendRun run = Suspend(none);
  EXPECT_EQ(run.ret, -1);
  EXPECT_EQ(run.err, EINTR) << ErrnoText(run.err);
  EXPECT_EQ(g_usr1_done, 1) << "sigsuspend() returned before the handler had run";
}

SIGIPC_TEST(SignalWaitSigsuspend, RestoresThePreviousMaskOnReturn,
            "signal.wait.sigsuspend-restores-mask", "XSH sigsuspend()",
            "When sigsuspend() returns after a handler, the mask is the one in force before the "
            "call") {
  reset();
  SignalAction action(SIGUSR1, record_mask);
  SignalMask mask;
  mask.block(SIGUSR1);
  mask.block(SIGHUP);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  const sigset_t before = current_mask();
  Suspend(make_sigset({SIGTERM}));
  ASSERT_EQ(g_usr1_done, 1);
  EXPECT_TRUE(SameSignals(current_mask(), before)) << "mask after sigsuspend() returned";
}

SIGIPC_TEST(SignalWaitSigsuspend, SignalBlockedByTheTemporaryMaskStaysPending,
            "signal.wait.sigsuspend-temp-mask-blocks", "XSH sigsuspend()",
            "A pending signal that sigsuspend()'s mask blocks is not delivered and does not end "
            "the wait; it stays pending") {
  reset();
  SignalAction usr1(SIGUSR1, record_mask);
  SignalAction usr2(SIGUSR2, count_usr2);
  SignalMask mask;
  mask.block(SIGUSR1);
  mask.block(SIGUSR2);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR2));
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  Suspend(make_sigset({SIGUSR2}));
  EXPECT_EQ(g_usr1_done, 1) << "SIGUSR1, which the mask let in, must end the wait";
  EXPECT_EQ(g_usr2_runs, 0) << "SIGUSR2 was delivered through sigsuspend()'s mask";
  EXPECT_EQ(signals::pending_member(SIGUSR2), 1) << "SIGUSR2 must still be pending";
}

// In a child, SIGURG (default action: ignore, XBD <signal.h>) is made
// pending while blocked, so sigsuspend() with an empty mask delivers it on
// entry; that must not end the wait. The test process sends the caught
// SIGUSR1 only once /proc shows the child asleep (sigsuspend() is its only
// blocking point, fixtures/interrupt.h), so a wait wrongly ended by SIGURG
// has returned by then whatever the load: the child then finds its handler
// never ran and ends before it could be interrupted.
volatile sig_atomic_t g_caught_usr1 = 0;
void note_usr1(int sig) {
  g_caught_usr1 = 1;
  interrupt_ack(sig);
}

void suspend_with_ignored_signal_pending() {
  struct sigaction sa {};
  sa.sa_handler = note_usr1;
  sigemptyset(&sa.sa_mask);
  CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
  sa.sa_handler = SIG_DFL;
  CHILD_CHECK_OK(sigaction(SIGURG, &sa, nullptr));
  const sigset_t both = make_sigset({SIGURG, SIGUSR1});
  CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &both, nullptr));
  CHILD_CHECK_OK(kill(getpid(), SIGURG));
  CHILD_CHECK_EQ(signals::pending_member(SIGURG), 1);
  sigset_t none;
  sigemptyset(&none);
  errno = 0;
  const int r = sigsuspend(&none);
  const int err = errno;
  if (!g_caught_usr1)
    check_fail(__FILE__, __LINE__, "sigsuspend() returned on SIGURG, whose action is to ignore",
               nullptr, true);
  CHILD_CHECK_EQ(r, -1);
  CHILD_CHECK_EQ(err, EINTR);
  CHILD_CHECK_EQ(signals::pending_member(SIGURG), 0);  // delivered inside sigsuspend()
}

SIGIPC_TEST(SignalWaitSigsuspend, SignalWhoseActionIsIgnoreDoesNotEndTheWait,
            "signal.wait.sigsuspend-ignored-signal-continues", "XSH sigsuspend()",
            "Delivery of a signal whose action is to ignore it does not end sigsuspend(); only "
            "a caught or terminating signal does") {
  EXPECT_TRUE(InterruptOnce(
      0, suspend_with_ignored_signal_pending, [] {}, "sigsuspend() with SIGURG pending"));
}

SIGIPC_TEST(SignalWaitSigsuspend, TerminatingSignalEndsTheProcess,
            "signal.wait.sigsuspend-terminate-never-returns", "XSH sigsuspend()",
            "A signal delivered during sigsuspend() whose action is to terminate ends the "
            "process; sigsuspend() never returns") {
  WaitStatus st = RunInChild([] {
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &term, nullptr));
    CHILD_CHECK_OK(raise(SIGTERM));
    sigset_t none;
    sigemptyset(&none);
    coverage_flush();
    sigsuspend(&none);
    check_fail(__FILE__, __LINE__,
               "sigsuspend() returned although SIGTERM's action is to terminate", nullptr, true);
  });
  EXPECT_TRUE(KilledBy(st, SIGTERM));
}

}  // namespace
}  // namespace sigipc
