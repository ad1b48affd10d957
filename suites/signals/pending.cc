// Pending signals: sigpending(), the non-queuing of standard signals, the
// pending set across delivery and fork(), and the stop/continue signals that
// discard each other while pending.
// XSH 2.4.1 "Signal Generation and Delivery", XSH sigpending(), XSH fork().
#include <signal.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

volatile sig_atomic_t g_usr1_count = 0;
void count_usr1(int) { g_usr1_count = g_usr1_count + 1; }

SIGIPC_TEST(SignalPending, SigpendingReportsBlockedSignal,
            "signal.pending.sigpending-reports-blocked", "XSH sigpending()",
            "A signal generated while blocked is reported by sigpending() until it is delivered") {
  SignalAction action(SIGUSR1, count_usr1);
  g_usr1_count = 0;
  SignalMask mask;
  mask.block(SIGUSR1);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  sigset_t pending;
  ASSERT_SUCCEEDS(sigpending(&pending));
  EXPECT_EQ(sigismember(&pending, SIGUSR1), 1) << "SIGUSR1 is blocked and was sent";
  EXPECT_EQ(sigismember(&pending, SIGUSR2), 0) << "SIGUSR2 was never sent";
  EXPECT_EQ(g_usr1_count, 0) << "a blocked signal must not be delivered";
}

SIGIPC_TEST(SignalPending, StandardSignalDoesNotQueue, "signal.pending.standard-not-queued",
            "XSH 2.4.1 Signal Generation and Delivery",
            "A standard signal generated several times while blocked is delivered once when "
            "unblocked") {
  SignalAction action(SIGUSR1, count_usr1);
  g_usr1_count = 0;
  SignalMask mask;
  mask.block(SIGUSR1);
  for (int i = 0; i < 5; ++i) ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  mask.unblock(SIGUSR1);
  EXPECT_EQ(g_usr1_count, 1);
}

SIGIPC_TEST(SignalPending, SigpendingReportsExactlyTheBlockedSignalsSent,
            "signal.pending.exact-set", "XSH sigpending()",
            "sigpending() reports each blocked signal that was generated and no other") {
  SignalMask mask;
  for (int sig : {SIGUSR1, SIGUSR2, SIGTERM, SIGHUP}) mask.block(sig);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR2));
  ASSERT_SUCCEEDS(kill(getpid(), SIGHUP));
  EXPECT_TRUE(signals::SameSignals(pending_set(), make_sigset({SIGUSR2, SIGHUP})));
}

SIGIPC_TEST(SignalPending, DeliveryClearsPendingSignal, "signal.pending.cleared-by-delivery",
            "XSH 2.4.1 Signal Generation and Delivery",
            "A pending signal leaves the pending set when it is delivered") {
  SignalAction action(SIGUSR1, count_usr1);
  SignalMask mask;
  mask.block(SIGUSR1);
  g_usr1_count = 0;
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  ASSERT_EQ(signals::pending_member(SIGUSR1), 1) << "setup: SIGUSR1 blocked and sent";
  mask.unblock(SIGUSR1);
  ASSERT_EQ(g_usr1_count, 1) << "unblocking must deliver SIGUSR1";
  // Blocked again, so that a leftover pending SIGUSR1 would be visible
  // rather than delivered a second time.
  mask.block(SIGUSR1);
  EXPECT_EQ(signals::pending_member(SIGUSR1), 0) << "SIGUSR1 still pending after delivery";
}

SIGIPC_TEST(SignalPending, ForkChildStartsWithEmptyPendingSet, "signal.pending.fork-child-empty",
            "XSH fork()",
            "The pending set of a child created by fork() is empty, whatever is pending in the "
            "parent") {
  SignalMask mask;
  mask.block(SIGUSR1);
  mask.block(SIGTERM);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  ASSERT_SUCCEEDS(kill(getpid(), SIGTERM));
  ASSERT_EQ(signals::pending_member(SIGUSR1), 1) << "setup: pending in the parent";
  const signals::SignalList all = signals::posix_signals();
  WaitStatus st = RunInChild([&all] {
    sigset_t pending_in_child, none;
    CHILD_CHECK_OK(sigpending(&pending_in_child));
    sigemptyset(&none);
    CHILD_CHECK_SAME_SIGNALS(pending_in_child, none, all);
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(signals::pending_member(SIGUSR1), 1) << "the parent's pending SIGUSR1 must remain";
}

// Both directions run in a child: the process ends with blocked stop signals
// pending, which must not reach the test process.
SIGIPC_TEST(SignalPending, StopSignalDiscardsPendingSigcont,
            "signal.generation.stop-discards-pending-cont",
            "XSH 2.4.1 Signal Generation and Delivery",
            "Generating a stop signal discards a pending SIGCONT") {
  WaitStatus st = RunInChild([] {
    sigset_t both;
    sigemptyset(&both);
    sigaddset(&both, SIGCONT);
    sigaddset(&both, SIGTSTP);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &both, nullptr));
    CHILD_CHECK_OK(raise(SIGCONT));
    sigset_t p;
    CHILD_CHECK_OK(sigpending(&p));
    CHILD_CHECK_EQ(sigismember(&p, SIGCONT), 1);  // setup
    CHILD_CHECK_OK(raise(SIGTSTP));
    CHILD_CHECK_OK(sigpending(&p));
    CHILD_CHECK_EQ(sigismember(&p, SIGCONT), 0);
    CHILD_CHECK_EQ(sigismember(&p, SIGTSTP), 1);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalPending, SigcontDiscardsPendingStopSignals,
            "signal.generation.cont-discards-pending-stop",
            "XSH 2.4.1 Signal Generation and Delivery",
            "Generating SIGCONT discards pending SIGTSTP, SIGTTIN and SIGTTOU") {
  WaitStatus st = RunInChild([] {
    sigset_t stops;
    sigemptyset(&stops);
    for (int sig : signals::kTtyStopSignals) sigaddset(&stops, sig);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &stops, nullptr));
    sigset_t p;
    for (int sig : signals::kTtyStopSignals) {
      CHILD_CHECK_OK(raise(sig));
      CHILD_CHECK_OK(sigpending(&p));
      CHILD_CHECK_EQ(sigismember(&p, sig), 1);  // setup
    }
    // SIGCONT itself is unblocked: its default action on a running process
    // is to be ignored.
    CHILD_CHECK_OK(raise(SIGCONT));
    CHILD_CHECK_OK(sigpending(&p));
    for (int sig : signals::kTtyStopSignals) CHILD_CHECK_EQ(sigismember(&p, sig), 0);
  });
  EXPECT_CHILD_OK(st);
}

}  // namespace
}  // namespace sigipc
