// sigwait() in a single-threaded process: what it returns, what it removes
// from the pending set, that an accepted signal takes no action, the order
// among real-time signals and how it reports errors. XSH sigwait().
#include <signal.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"
#include "suites/signals/wait_helpers.h"

namespace sigipc {
namespace {

// Every signal that can be blocked: sigwait() is only defined for signals
// blocked at the call (XSH sigwait()).
template <typename Fn>
void ForEachBlockableSignal(Fn fn) {
  const signals::SignalList all = signals::posix_signals();
  for (int i = 0; i < all.count; ++i) {
    int sig = all.sigs[i];
    if (sig != SIGKILL && sig != SIGSTOP) fn(sig);
  }
}

SIGIPC_TEST(SignalWaitSigwait, ReturnsZeroAndStoresTheSelectedSignal,
            "signal.wait.sigwait-returns-signal", "XSH sigwait()",
            "sigwait() returns 0 and stores the number of the pending signal it selected in "
            "*sig, for every signal that can be blocked") {
  SignalMask mask;
  mask.block_all();
  ForEachBlockableSignal([](int sig) {
    ASSERT_SUCCEEDS(kill(getpid(), sig)) << SignalText(sig);
    // Not pending (qemu-user keeps SIGSEGV and SIGBUS for itself): sigwait()
    // would wait forever; a FAIL naming the signal instead of a TIMEOUT.
    ASSERT_EQ(signals::pending_member(sig), 1)
        << "kill() to self left the blocked " << SignalText(sig) << " not pending";
    const sigset_t set = make_sigset({sig});
    int got = -1;
    EXPECT_EQ(sigwait(&set, &got), 0) << SignalText(sig);
    EXPECT_EQ(got, sig) << "sigwait() for " << SignalText(sig) << " stored " << got;
  });
}

SIGIPC_TEST(SignalWaitSigwait, RemovesTheSignalFromThePendingSet,
            "signal.wait.sigwait-clears-pending", "XSH sigwait()",
            "The signal sigwait() selects is atomically cleared from the pending set") {
  SignalMask mask;
  mask.block_all();
  ForEachBlockableSignal([](int sig) {
    ASSERT_SUCCEEDS(kill(getpid(), sig)) << SignalText(sig);
    ASSERT_EQ(signals::pending_member(sig), 1) << "setup: " << SignalText(sig) << " pending";
    const sigset_t set = make_sigset({sig});
    int got = -1;
    ASSERT_EQ(sigwait(&set, &got), 0) << SignalText(sig);
    EXPECT_EQ(signals::pending_member(sig), 0)
        << SignalText(sig) << " still pending after sigwait() returned it";
  });
}

volatile sig_atomic_t g_handled = 0;
void count_handled(int) { g_handled = g_handled + 1; }

// XSH 2.4.1: a signal is "accepted" when sigwait() selects and returns it;
// acceptance replaces delivery, so neither a handler nor a default action
// runs, then or when the signal is unblocked later.
SIGIPC_TEST(SignalWaitSigwait, AcceptedSignalTakesNoAction,
            "signal.wait.sigwait-accepts-without-action",
            "XSH 2.4.1 Signal Generation and Delivery",
            "A signal accepted by sigwait() is not delivered: its handler does not run and its "
            "default action (terminate) is not taken") {
  SignalAction action(SIGUSR1, count_handled);
  g_handled = 0;
  {
    SignalMask mask;
    mask.block(SIGUSR1);
    ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
    const sigset_t set = make_sigset({SIGUSR1});
    int got = -1;
    ASSERT_EQ(sigwait(&set, &got), 0);
  }
  EXPECT_EQ(g_handled, 0) << "the handler of the accepted SIGUSR1 ran";

  // SIGTERM under SIG_DFL would end the process: a child takes that risk.
  WaitStatus st = RunInChild([] {
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &term, nullptr));
    CHILD_CHECK_OK(raise(SIGTERM));
    int got = -1;
    CHILD_CHECK_EQ(sigwait(&term, &got), 0);
    CHILD_CHECK_EQ(got, SIGTERM);
    CHILD_CHECK_OK(sigprocmask(SIG_UNBLOCK, &term, nullptr));
  });
  EXPECT_CHILD_OK(st) << "SIGTERM accepted by sigwait() must not terminate the process";
}

SIGIPC_TEST(SignalWaitSigwait, SuspendsUntilASignalInTheSetIsGenerated,
            "signal.wait.sigwait-suspends-until-generated", "XSH sigwait()",
            "With no signal of the set pending, sigwait() suspends the thread until one is "
            "generated and then returns it") {
  SignalMask mask;
  mask.block(SIGUSR1);
  mask.block(SIGUSR2);
  ASSERT_EQ(signals::pending_member(SIGUSR1), 0) << "setup: nothing pending yet";
  const pid_t parent = getpid();
  Gate waiting;
  Child sender([&waiting, parent] {
    waiting.wait();
    signals::wait_until_sleeping(parent);
    // SIGUSR2 is outside the set: it must not end the wait.
    CHILD_CHECK_OK(kill(parent, SIGUSR2));
    CHILD_CHECK_OK(kill(parent, SIGUSR1));
  });
  waiting.open();
  const sigset_t set = make_sigset({SIGUSR1});
  int got = -1;
  EXPECT_EQ(sigwait(&set, &got), 0);
  EXPECT_EQ(got, SIGUSR1);
  EXPECT_CHILD_OK(sender.wait());
  EXPECT_EQ(signals::pending_member(SIGUSR2), 1) << "SIGUSR2 was not in the set";
}

SIGIPC_TEST(SignalWaitSigwait, TakesOnlySignalsInTheSet, "signal.wait.sigwait-only-from-set",
            "XSH sigwait()",
            "sigwait() selects a signal from its set and leaves pending signals outside the set "
            "pending") {
  SignalMask mask;
  mask.block(SIGUSR1);
  mask.block(SIGUSR2);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR2));
  const sigset_t set = make_sigset({SIGUSR2});
  int got = -1;
  ASSERT_EQ(sigwait(&set, &got), 0);
  EXPECT_EQ(got, SIGUSR2) << "only SIGUSR2 was in the set";
  EXPECT_EQ(signals::pending_member(SIGUSR1), 1) << "SIGUSR1, outside the set, was taken";
}

SIGIPC_TEST(SignalWaitSigwait, SelectsTheLowestPendingRealtimeSignal,
            "signal.wait.sigwait-rt-lowest-first", "XSH sigwait()",
            "Among several pending real-time signals sigwait() selects the lowest-numbered one") {
  const int sigs[] = {SIGRTMAX, SIGRTMIN + 2, SIGRTMIN + 1};  // queued highest first
  SignalMask mask;
  sigset_t set;
  sigemptyset(&set);
  for (int s : sigs) {
    mask.block(s);
    sigaddset(&set, s);
  }
  for (int s : sigs) signals::queue_to_self(s, s);
  for (int want : {SIGRTMIN + 1, SIGRTMIN + 2, SIGRTMAX}) {
    int got = -1;
    ASSERT_EQ(sigwait(&set, &got), 0);
    EXPECT_EQ(got, want) << "expected " << SignalText(want) << ", got " << SignalText(got);
  }
}

SIGIPC_TEST(SignalWaitSigwait, RemainingQueuedInstancesStayPending,
            "signal.wait.sigwait-rt-remainder-queued", "XSH sigwait()",
            "With several instances of a real-time signal queued, sigwait() takes the first and "
            "the rest remain queued") {
  const int sig = SIGRTMIN;
  SignalMask mask;
  mask.block(sig);
  for (int v = 1; v <= 3; ++v) signals::queue_to_self(sig, v);
  const sigset_t set = make_sigset({sig});
  for (int taken = 1; taken <= 3; ++taken) {
    int got = -1;
    ASSERT_EQ(sigwait(&set, &got), 0) << "instance " << taken;
    ASSERT_EQ(got, sig);
    EXPECT_EQ(signals::pending_member(sig), taken < 3 ? 1 : 0)
        << "after taking " << taken << " of 3 queued instances";
  }
}

// The handler of the interrupting signal makes the awaited signal pending
// only after a few interruptions, so the wait is interrupted while blocked.
volatile sig_atomic_t g_interruptions = 0;
void interrupt_then_release(int) {
  g_interruptions = g_interruptions + 1;
  if (g_interruptions == 5) HANDLER_CHECK(kill(getpid(), SIGUSR2) == 0);
}

// glibc restarts the wait after a caught signal (the man page says sigwait()
// reports errors only by number); an implementation may instead report
// EINTR, but as the number, never as -1 with errno.
SIGIPC_TEST(SignalWaitSigwait, ReportsFailureAsAnErrorNumberNotMinusOne,
            "signal.wait.sigwait-error-number", "XSH sigwait()",
            "When a caught signal interrupts it, sigwait() returns 0 with a signal from the set "
            "or a positive error number, never -1") {
  SignalAction action(SIGUSR1, interrupt_then_release);
  g_interruptions = 0;
  SignalMask mask;
  mask.block(SIGUSR2);
  signals::RepeatingSignal ticks(SIGUSR1, 1000);
  const sigset_t set = make_sigset({SIGUSR2});
  int got = -1;
  errno = 0;
  int r = sigwait(&set, &got);
  int err = errno;
  ticks.stop();
  ASSERT_NE(r, -1) << "sigwait() returned -1 (errno " << ErrnoText(err) << ")";
  if (r == 0)
    EXPECT_EQ(got, SIGUSR2) << "sigwait() returned 0 with " << SignalText(got);
  else
    EXPECT_GT(r, 0) << "sigwait() returned " << r;
  EXPECT_GE(g_interruptions, 1);
}

}  // namespace
}  // namespace sigipc
