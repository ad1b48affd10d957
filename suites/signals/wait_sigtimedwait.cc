// sigtimedwait() and its timeout: immediate return with a pending signal,
// EAGAIN once the interval has passed (and not before), the zero timeout as
// a poll, a wake-up by a signal generated during the wait, and the invalid
// tv_nsec values Linux refuses. XSH sigtimedwait().
#include <signal.h>
#include <unistd.h>

#include <climits>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"
#include "suites/signals/wait_helpers.h"

namespace sigipc {
namespace {

using signals::monotonic_ns;
using signals::ms_since;
using signals::ms_timespec;

// Under load a short wait may overrun by seconds; it may never end early.
constexpr long kShortTimeoutMs = 50;
// A safety net, scaled like the test's limit (SIGIPC_TIMEOUT_MUL).
const long kLongTimeoutMs = static_cast<long>(safety_net_seconds() * 1000);

// A leftover SIGUSR1 (a broken platform did not take it) meets this handler
// when the mask is restored, rather than the default action.
void ignore_signal(int) {}

SIGIPC_TEST(SignalWaitSigtimedwait, ReturnsAtOnceWhenASignalIsPending,
            "signal.wait.sigtimedwait-pending-at-once", "XSH sigtimedwait()",
            "With a signal of the set already pending, sigtimedwait() returns it without waiting "
            "for the timeout") {
  SignalAction leftover(SIGUSR1, ignore_signal);
  SignalMask mask;
  mask.block(SIGUSR1);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  const sigset_t set = make_sigset({SIGUSR1});
  const timespec timeout = ms_timespec(kLongTimeoutMs);
  const long long start = monotonic_ns();
  siginfo_t info{};
  EXPECT_EQ(sigtimedwait(&set, &info, &timeout), SIGUSR1);
  EXPECT_LT(ms_since(start), kLongTimeoutMs / 2.0) << "ms spent with the signal already pending";
}

SIGIPC_TEST(SignalWaitSigtimedwait, FailsWithEagainWhenTheTimeoutExpires,
            "signal.wait.sigtimedwait-eagain", "XSH sigtimedwait()",
            "sigtimedwait() fails with EAGAIN when no signal of the set is generated within the "
            "timeout") {
  SignalMask mask;
  mask.block(SIGUSR1);
  const sigset_t set = make_sigset({SIGUSR1});
  const timespec timeout = ms_timespec(kShortTimeoutMs);
  EXPECT_FAILS_WITH(sigtimedwait(&set, nullptr, &timeout), EAGAIN);
}

SIGIPC_TEST(SignalWaitSigtimedwait, WaitsAtLeastTheTimeout,
            "signal.wait.sigtimedwait-not-before-timeout", "XSH sigtimedwait()",
            "With nothing pending, sigtimedwait() does not give up before the timeout has "
            "passed on CLOCK_MONOTONIC") {
  SignalMask mask;
  mask.block(SIGUSR1);
  const sigset_t set = make_sigset({SIGUSR1});
  const timespec timeout = ms_timespec(kShortTimeoutMs);
  const long long start = monotonic_ns();
  int r = sigtimedwait(&set, nullptr, &timeout);
  const double waited = ms_since(start);
  ASSERT_EQ(r, -1) << "no signal was sent";
  EXPECT_GE(waited, static_cast<double>(kShortTimeoutMs))
      << "ms waited for a " << kShortTimeoutMs << " ms timeout";
}

volatile sig_atomic_t g_watch = 0;
void note_watch(int) { g_watch = 1; }

SIGIPC_TEST(SignalWaitSigtimedwait, ZeroTimeoutPollsWithoutWaiting,
            "signal.wait.sigtimedwait-zero-timeout-polls", "XSH sigtimedwait()",
            "With a zero timeout and nothing pending, sigtimedwait() returns at once with "
            "EAGAIN") {
  // A zero timeout taken as "wait forever" would hang: a caught signal two
  // seconds on ends such a wait with EINTR, which the assertion reports.
  SignalAction watch(SIGUSR2, note_watch);
  g_watch = 0;
  signals::RepeatingSignal watchdog(SIGUSR2, 2000000);
  SignalMask mask;
  mask.block(SIGUSR1);
  const sigset_t set = make_sigset({SIGUSR1});
  const timespec zero{0, 0};
  const long long start = monotonic_ns();
  EXPECT_FAILS_WITH(sigtimedwait(&set, nullptr, &zero), EAGAIN);
  EXPECT_LT(ms_since(start), 1000.0) << "ms spent polling";
  EXPECT_EQ(g_watch, 0) << "the poll was still waiting two seconds on";
}

SIGIPC_TEST(SignalWaitSigtimedwait, ZeroTimeoutTakesAPendingSignal,
            "signal.wait.sigtimedwait-zero-timeout-takes-pending", "XSH sigtimedwait()",
            "With a zero timeout, sigtimedwait() still selects and clears a pending signal of "
            "the set") {
  SignalAction leftover(SIGUSR1, ignore_signal);
  SignalMask mask;
  mask.block(SIGUSR1);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  const sigset_t set = make_sigset({SIGUSR1});
  const timespec zero{0, 0};
  EXPECT_EQ(sigtimedwait(&set, nullptr, &zero), SIGUSR1);
  EXPECT_EQ(signals::pending_member(SIGUSR1), 0);
}

SIGIPC_TEST(SignalWaitSigtimedwait, WakesWhenASignalIsGeneratedDuringTheWait,
            "signal.wait.sigtimedwait-wakes-on-generation", "XSH sigtimedwait()",
            "A signal of the set generated while sigtimedwait() waits ends the wait before the "
            "timeout and is returned") {
  SignalMask mask;
  mask.block(SIGUSR1);
  const pid_t parent = getpid();
  Gate waiting;
  Child sender([&waiting, parent] {
    waiting.wait();
    signals::wait_until_sleeping(parent);
    CHILD_CHECK_OK(kill(parent, SIGUSR1));
  });
  const pid_t sender_pid = sender.pid();
  const sigset_t set = make_sigset({SIGUSR1});
  const timespec timeout = ms_timespec(kLongTimeoutMs);
  waiting.open();
  const long long start = monotonic_ns();
  siginfo_t info{};
  int r = sigtimedwait(&set, &info, &timeout);
  const double waited = ms_since(start);
  EXPECT_CHILD_OK(sender.wait());
  ASSERT_EQ(r, SIGUSR1) << "errno " << ErrnoText(errno) << " after " << waited << " ms";
  EXPECT_EQ(info.si_pid, sender_pid) << "the signal came from someone else";
  EXPECT_LT(waited, static_cast<double>(kLongTimeoutMs)) << "ms waited";
}

// POSIX lists EINVAL as "may fail"; the Linux page says it fails. Nothing is
// pending, so the call would have to wait (where POSIX would check, too).
SIGIPC_TEST(SignalWaitSigtimedwait, FailsWithEinvalForOutOfRangeNanoseconds,
            "signal.wait.sigtimedwait-einval-nsec", "Linux-only, sigwaitinfo(2)",
            "sigtimedwait() fails with EINVAL when the timeout's tv_nsec is negative or at least "
            "1000 million") {
  SignalMask mask;
  mask.block(SIGUSR1);
  const sigset_t set = make_sigset({SIGUSR1});
  for (long nsec : {-1L, 1000000000L, LONG_MAX, LONG_MIN}) {
    const timespec bad{0, nsec};
    EXPECT_FAILS_WITH(sigtimedwait(&set, nullptr, &bad), EINVAL) << "tv_nsec " << nsec;
  }
}

}  // namespace
}  // namespace sigipc
