// The signal functions a handler may call (XSH 2.4.3 list): raise(), kill(),
// sigqueue(), sigprocmask() and sigaction() work from inside a handler, with
// the same effect as from the main flow.
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"
#include "suites/signals/wait_helpers.h"

namespace sigipc {
namespace {

volatile sig_atomic_t g_inner_runs = 0;
volatile sig_atomic_t g_inner_runs_seen = -1;  // by the outer handler, after its call
volatile sig_atomic_t g_pending_seen = -1;
volatile sig_atomic_t g_call_ret = -2;

void reset() {
  g_inner_runs = 0;
  g_inner_runs_seen = -1;
  g_pending_seen = -1;
  g_call_ret = -2;
}

void count_inner(int) { g_inner_runs = g_inner_runs + 1; }

// The main flow is inside raise(SIGUSR1) when this runs.
void raise_inner(int) {
  const int saved = errno;
  g_call_ret = raise(SIGUSR2);
  g_inner_runs_seen = g_inner_runs;
  errno = saved;
}

SIGIPC_TEST(SignalAsyncSafeSignals, RaiseInAHandlerDeliversBeforeReturning,
            "signal.asyncsafe.raise-in-handler", "XSH raise()",
            "raise() called by a handler (itself run from raise()) delivers a caught, unblocked "
            "signal and returns only after that signal's handler has returned") {
  reset();
  SignalAction inner(SIGUSR2, count_inner);
  SignalAction outer(SIGUSR1, raise_inner);
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  EXPECT_EQ(g_call_ret, 0) << "raise(SIGUSR2) inside the handler";
  EXPECT_EQ(g_inner_runs_seen, 1) << "SIGUSR2's handler runs when raise() returned inside the "
                                     "SIGUSR1 handler";
}

std::atomic<int> g_target{-1};

void kill_target(int) {
  const int saved = errno;
  g_call_ret = kill(g_target.load(), SIGTERM);
  errno = saved;
}

SIGIPC_TEST(SignalAsyncSafeSignals, KillInAHandlerSignalsTheTarget,
            "signal.asyncsafe.kill-in-handler", "XSH 2.4.3 Signal Actions",
            "kill() called by a handler sends the signal: a child waiting in pause() dies by "
            "it") {
  reset();
  Gate ready;
  Child victim([&ready] {
    ready.open();
    coverage_flush();
    pause();
    check_fail(__FILE__, __LINE__, "pause() returned in the victim", nullptr, true);
  });
  ready.wait();
  g_target = victim.pid();
  SignalAction action(SIGUSR1, kill_target);
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  EXPECT_EQ(g_call_ret, 0) << "kill() inside the handler";
  EXPECT_TRUE(KilledBy(victim.wait(), SIGTERM));
}

std::atomic<int> g_rt_signal{0};  // SIGRTMIN is a libc call: read once, outside

void queue_two(int) {
  const int saved = errno;
  sigval v{};
  v.sival_int = 1234;
  int a = sigqueue(getpid(), g_rt_signal.load(), v);
  v.sival_int = 1235;
  int b = sigqueue(getpid(), g_rt_signal.load(), v);
  g_call_ret = (a == 0 && b == 0) ? 0 : -1;
  errno = saved;
}

SIGIPC_TEST(SignalAsyncSafeSignals, SigqueueInAHandlerQueuesItsValues,
            "signal.asyncsafe.sigqueue-in-handler", "XSH 2.4.3 Signal Actions",
            "sigqueue() called by a handler queues the signal with its value, as from the main "
            "flow") {
  reset();
  const int rt = SIGRTMIN;
  g_rt_signal = rt;
  SignalMask mask;
  mask.block(rt);
  SignalAction action(SIGUSR1, queue_two);
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  ASSERT_EQ(g_call_ret, 0) << "sigqueue() inside the handler failed";
  const sigset_t set = make_sigset({rt});
  for (int want : {1234, 1235}) {
    siginfo_t info{};
    const timespec zero{0, 0};
    ASSERT_EQ(sigtimedwait(&set, &info, &zero), rt) << "queued value " << want << " missing";
    EXPECT_EQ(info.si_code, SI_QUEUE);
    EXPECT_EQ(info.si_value.sival_int, want);
    EXPECT_EQ(info.si_pid, getpid());
  }
}

// Installed with SIGUSR2 in sa_mask: SIGUSR2 raised here stays pending until
// the handler's own sigprocmask() unblocks it.
void unblock_inside(int) {
  const int saved = errno;
  HANDLER_CHECK(raise(SIGUSR2) == 0);
  sigset_t pending;
  sigemptyset(&pending);
  HANDLER_CHECK(sigpending(&pending) == 0);
  g_pending_seen = sigismember(&pending, SIGUSR2);
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  g_call_ret = sigprocmask(SIG_UNBLOCK, &usr2, nullptr);
  g_inner_runs_seen = g_inner_runs;
  errno = saved;
}

SIGIPC_TEST(SignalAsyncSafeSignals, SigprocmaskInAHandlerTakesEffectAtOnce,
            "signal.asyncsafe.sigprocmask-in-handler", "XSH pthread_sigmask()",
            "sigprocmask() called by a handler changes the mask at once: unblocking a pending "
            "signal delivers it before sigprocmask() returns") {
  reset();
  SignalAction inner(SIGUSR2, count_inner);
  const sigset_t sa_mask = make_sigset({SIGUSR2});
  SignalAction outer(SIGUSR1, unblock_inside, 0, &sa_mask);
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  ASSERT_EQ(g_pending_seen, 1) << "setup: SIGUSR2 pending under the handler's sa_mask";
  EXPECT_EQ(g_call_ret, 0);
  EXPECT_EQ(g_inner_runs_seen, 1) << "SIGUSR2 was not delivered before sigprocmask() returned";
  EXPECT_EQ(g_inner_runs, 1);
}

volatile sig_atomic_t g_first_runs = 0;
volatile sig_atomic_t g_second_runs = 0;
volatile sig_atomic_t g_old_was_first = -1;
void first_handler(int) { g_first_runs = g_first_runs + 1; }
void second_handler(int) { g_second_runs = g_second_runs + 1; }

void switch_usr2_handler(int) {
  const int saved = errno;
  struct sigaction sa {};
  sa.sa_handler = second_handler;
  sigemptyset(&sa.sa_mask);
  struct sigaction old {};
  g_call_ret = sigaction(SIGUSR2, &sa, &old);
  g_old_was_first = old.sa_handler == first_handler ? 1 : 0;
  errno = saved;
}

SIGIPC_TEST(SignalAsyncSafeSignals, SigactionInAHandlerChangesTheAction,
            "signal.asyncsafe.sigaction-in-handler", "XSH 2.4.3 Signal Actions",
            "sigaction() called by a handler reports the old action and installs the new one "
            "for the signals that follow") {
  reset();
  g_first_runs = 0;
  g_second_runs = 0;
  g_old_was_first = -1;
  SignalAction usr2(SIGUSR2, first_handler);
  SignalAction usr1(SIGUSR1, switch_usr2_handler);
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  EXPECT_EQ(g_call_ret, 0);
  EXPECT_EQ(g_old_was_first, 1) << "the old action reported inside the handler";
  ASSERT_SUCCEEDS(raise(SIGUSR2));
  EXPECT_EQ(g_second_runs, 1) << "the action installed by the handler did not run";
  EXPECT_EQ(g_first_runs, 0);
}

}  // namespace
}  // namespace sigipc
