// pause(): it returns -1 with EINTR only once a handler has run and
// returned; ignored and blocked signals do not end it; a terminating signal
// ends the process. XSH pause().
//
// pause() does not touch the mask, so the signals that must reach it during
// the wait come from a POSIX timer (a child cannot know when it waits).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"
#include "suites/signals/wait_helpers.h"

namespace sigipc {
namespace {

// How many times the handler has run to its end.
volatile sig_atomic_t g_left = 0;
void enter_and_leave(int) { g_left = g_left + 1; }

struct PauseRun {
  int ret;
  int err;
  int left_at_return;
};
PauseRun RunPause() {
  g_left = 0;
  errno = 0;
  int r = pause();
  return PauseRun{r, errno, g_left};
}

SIGIPC_TEST(SignalWaitPause, ReturnsMinusOneWithEintrAfterTheHandlerReturns,
            "signal.wait.pause-eintr-after-handler", "XSH pause()",
            "pause() returns only after a signal-catching function has returned, and then "
            "returns -1 with errno EINTR") {
  SignalAction action(SIGUSR1, enter_and_leave);
  signals::RepeatingSignal ticks(SIGUSR1, 1000);
  PauseRun run = RunPause();
  ticks.stop();
  EXPECT_EQ(run.ret, -1);
  EXPECT_EQ(run.err, EINTR) << ErrnoText(run.err);
  EXPECT_GE(run.left_at_return, 1) << "pause() returned before any handler had returned";
}

SIGIPC_TEST(SignalWaitPause, IgnoredSignalDoesNotEndThePause,
            "signal.wait.pause-ignored-signal-continues", "XSH pause()",
            "A signal whose action is SIG_IGN, generated while pause() waits, does not end it") {
  SignalAction ignored(SIGUSR2, SIG_IGN);
  SignalAction caught(SIGUSR1, enter_and_leave);
  // SIGUSR2 every millisecond from the start; the caught SIGUSR1 only after
  // 30 ms, by which time a pause() that ignored signals could end would
  // long have returned.
  signals::RepeatingSignal noise(SIGUSR2, 1000);
  signals::RepeatingSignal wake(SIGUSR1, 30000);
  PauseRun run = RunPause();
  wake.stop();
  noise.stop();
  EXPECT_EQ(run.err, EINTR) << ErrnoText(run.err);
  EXPECT_GE(run.left_at_return, 1) << "pause() returned on the ignored SIGUSR2";
}

SIGIPC_TEST(SignalWaitPause, BlockedSignalDoesNotEndThePause,
            "signal.wait.pause-blocked-signal-continues", "XSH pause()",
            "A pending blocked signal does not end pause(); it stays pending until a delivered "
            "signal ends the wait") {
  SignalAction caught(SIGUSR1, enter_and_leave);
  SignalAction other(SIGUSR2, enter_and_leave);
  SignalMask mask;
  mask.block(SIGUSR2);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR2));
  signals::RepeatingSignal wake(SIGUSR1, 30000);
  PauseRun run = RunPause();
  wake.stop();
  EXPECT_EQ(run.err, EINTR) << ErrnoText(run.err);
  EXPECT_GE(run.left_at_return, 1) << "pause() returned without a delivered signal";
  EXPECT_EQ(signals::pending_member(SIGUSR2), 1) << "the blocked SIGUSR2 left the pending set";
}

SIGIPC_TEST(SignalWaitPause, TerminatingSignalEndsTheProcess,
            "signal.wait.pause-terminate-never-returns", "XSH pause()",
            "A signal whose action is to terminate, delivered while pause() waits, ends the "
            "process; pause() does not return") {
  Gate ready;
  Child pauser([&ready] {
    ready.open();
    coverage_flush();
    pause();
    check_fail(__FILE__, __LINE__, "pause() returned although SIGTERM's action is to terminate",
               nullptr, true);
  });
  ready.wait();
  signals::wait_until_sleeping(pauser.pid());
  ASSERT_SUCCEEDS(kill(pauser.pid(), SIGTERM));
  EXPECT_TRUE(KilledBy(pauser.wait(), SIGTERM));
}

}  // namespace
}  // namespace sigipc
