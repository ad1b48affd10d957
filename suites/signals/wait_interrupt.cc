// Interrupting sigwaitinfo() and sigtimedwait(): a caught signal outside the
// set (with or without SA_RESTART), a stop and continue, and the signals that
// cannot be awaited at all. POSIX leaves EINTR here as "may fail" and
// requires the system documentation to say; Linux documents it in signal(7)
// and sigwaitinfo(2), so these rules are Linux-only.
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

constexpr long kTickUs = 1000;
// Bounds a wait that is never interrupted; scaled like the test's limit.
const long kWaitMs = static_cast<long>(safety_net_seconds() * 1000);

volatile sig_atomic_t g_caught = 0;
void count_caught(int) { g_caught = g_caught + 1; }

// SIGUSR1 is caught (installed with `flags`) and repeated until the wait on
// {SIGUSR2} returns; the result and errno of the wait are returned.
struct WaitOutcome {
  int ret;
  int err;
};
template <typename WaitFn>
WaitOutcome WaitWhileCaughtSignalRepeats(int flags, WaitFn wait) {
  SignalAction action(SIGUSR1, count_caught, flags);
  g_caught = 0;
  SignalMask mask;
  mask.block(SIGUSR2);
  const sigset_t set = make_sigset({SIGUSR2});
  signals::RepeatingSignal ticks(SIGUSR1, kTickUs);
  errno = 0;
  int r = wait(set);
  return WaitOutcome{r, errno};
}

int timed_wait(const sigset_t& set) {
  const timespec timeout = signals::ms_timespec(kWaitMs);
  return sigtimedwait(&set, nullptr, &timeout);
}

SIGIPC_TEST(SignalWaitInterrupt, SigwaitinfoFailsWithEintrWhenAHandlerRuns,
            "signal.wait.sigwaitinfo-eintr", "Linux-only, signal(7)",
            "A caught signal outside the set interrupts sigwaitinfo(), which fails with EINTR") {
  // sigwaitinfo() has no timeout: the watchdog bounds a wait that the
  // repeated SIGUSR1 never interrupts. It ends such a wait with EINTR too,
  // so fired() tells the two apart.
  signals::Watchdog watchdog(safety_net_seconds());
  WaitOutcome out = WaitWhileCaughtSignalRepeats(0, [](const sigset_t& set) {
    siginfo_t info{};
    return sigwaitinfo(&set, &info);
  });
  EXPECT_EQ(out.ret, -1);
  EXPECT_EQ(out.err, EINTR) << ErrnoText(out.err);
  EXPECT_FALSE(watchdog.fired()) << "only the watchdog ended the wait";
  EXPECT_GE(g_caught, 1);
}

SIGIPC_TEST(SignalWaitInterrupt, SigtimedwaitFailsWithEintrWhenAHandlerRuns,
            "signal.wait.sigtimedwait-eintr", "Linux-only, signal(7)",
            "A caught signal outside the set interrupts sigtimedwait(), which fails with EINTR "
            "before its timeout") {
  WaitOutcome out = WaitWhileCaughtSignalRepeats(0, timed_wait);
  EXPECT_EQ(out.ret, -1);
  EXPECT_EQ(out.err, EINTR) << ErrnoText(out.err) << " (EAGAIN: never interrupted in " << kWaitMs
                            << " ms)";
  EXPECT_GE(g_caught, 1);
}

SIGIPC_TEST(SignalWaitInterrupt, SigtimedwaitIsNotRestartedUnderSaRestart,
            "signal.wait.sigtimedwait-eintr-despite-sa-restart", "Linux-only, signal(7)",
            "sigtimedwait() fails with EINTR after a handler even when the handler was "
            "installed with SA_RESTART") {
  WaitOutcome out = WaitWhileCaughtSignalRepeats(SA_RESTART, timed_wait);
  EXPECT_EQ(out.ret, -1);
  EXPECT_EQ(out.err, EINTR) << ErrnoText(out.err) << " (EAGAIN: restarted until the " << kWaitMs
                            << " ms timeout)";
  EXPECT_GE(g_caught, 1);
}

// signal(7): on Linux, sigtimedwait() and sigwaitinfo() fail with EINTR
// after a stop signal and SIGCONT even with no handler installed.
SIGIPC_TEST(SignalWaitInterrupt, SigtimedwaitFailsWithEintrAfterStopAndContinue,
            "signal.wait.sigtimedwait-eintr-after-stop", "Linux-only, signal(7)",
            "A stop by SIGSTOP and resumption by SIGCONT make a blocked sigtimedwait() fail "
            "with EINTR, though no handler runs") {
  Gate ready;
  Child waiter([&ready] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));
    const timespec timeout = signals::ms_timespec(kWaitMs);
    ready.open();
    CHILD_CHECK_ERRNO(sigtimedwait(&set, nullptr, &timeout), EINTR);
  });
  ready.wait();
  // A stop that lands before the wait starts does nothing to it: repeat
  // until the child has left the wait (it exits then).
  for (int round = 0; round < 1000; ++round) {
    signals::wait_until_sleeping(waiter.pid());
    ASSERT_SUCCEEDS(kill(waiter.pid(), SIGSTOP));
    auto st = signals::wait_child_within(waiter, WUNTRACED, 5.0);
    ASSERT_TRUE(st.has_value()) << "the child neither stopped nor ended";
    if (!st->stopped()) {
      EXPECT_CHILD_OK(*st);
      return;
    }
    ASSERT_SUCCEEDS(kill(waiter.pid(), SIGCONT));
    st = signals::wait_child_within(waiter, WCONTINUED, 5.0);
    ASSERT_TRUE(st.has_value()) << "the child was not continued";
    if (!st->continued()) {
      EXPECT_CHILD_OK(*st);
      return;
    }
  }
  FAIL() << "the child was still waiting after 1000 stop/continue rounds";
}

}  // namespace
}  // namespace sigipc
