// sigqueue(): the value travels intact to an SA_SIGINFO handler, a signal
// sent to the caller is delivered before the call returns, the null signal
// only checks, and the errors ESRCH, EINVAL and EPERM. XSH sigqueue().
#include <signal.h>
#include <unistd.h>

#include <climits>
#include <cstdint>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/rt_helpers.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

using signals::g_log;
using signals::int_value;
using signals::ptr_value;
using signals::Receiver;

// A pid that names no process: a child that exited and was reaped. Nothing
// else forks in the test's private PID namespace, and pids are handed out in
// increasing order, so the number is not reused while the test runs.
pid_t reaped_pid() {
  Child c([] {});
  pid_t p = c.pid();
  WaitStatus st = c.wait();
  if (!st.exited()) setup_error(__FILE__, __LINE__, "the short-lived child " + st.describe());
  return p;
}

SIGIPC_TEST(SignalRtSigqueue, IntValueArrivesIntact, "signal.rt.value-int",
            "XSH sigqueue(); XSH 2.4.3 Signal Actions",
            "The int given to sigqueue() reaches the SA_SIGINFO handler unchanged in "
            "si_value.sival_int, extremes included") {
  const int values[] = {0, 1, -1, INT_MAX, INT_MIN, 0x5a5aa5a5};
  const int n = sizeof values / sizeof values[0];
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  for (int v : values) ASSERT_SUCCEEDS(sigqueue(getpid(), sig, int_value(v)));
  rx.unblock_all();
  ASSERT_EQ(g_log.size(), n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(g_log[i].value.sival_int, values[i]) << "value " << i;
}

int g_target = 0;

SIGIPC_TEST(SignalRtSigqueue, PointerValueArrivesIntact, "signal.rt.value-ptr",
            "XSH sigqueue(); XSH 2.4.3 Signal Actions",
            "The pointer given to sigqueue() reaches the SA_SIGINFO handler unchanged in "
            "si_value.sival_ptr, all bits included") {
  void* const values[] = {&g_target, nullptr,
                          reinterpret_cast<void*>(static_cast<uintptr_t>(-1) - 7),
                          reinterpret_cast<void*>(static_cast<uintptr_t>(0x7edcba98) << 16 | 1)};
  const int n = sizeof values / sizeof values[0];
  const int sig = SIGRTMAX;
  Receiver rx({sig});
  for (void* v : values) ASSERT_SUCCEEDS(sigqueue(getpid(), sig, ptr_value(v)));
  rx.unblock_all();
  ASSERT_EQ(g_log.size(), n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(g_log[i].value.sival_ptr, values[i]) << "value " << i;
}

SIGIPC_TEST(SignalRtSigqueue, SentAtLeastOnceWithoutSaSiginfo, "signal.rt.sent-without-sa-siginfo",
            "XSH sigqueue()",
            "For a signal whose handler lacks SA_SIGINFO, several sigqueue() calls while it is "
            "blocked still send it at least once") {
  for (int sig : {static_cast<int>(SIGRTMIN), SIGUSR1}) {
    Receiver rx({sig}, /*siginfo=*/false);
    for (int n = 0; n < 3; ++n) ASSERT_SUCCEEDS(sigqueue(getpid(), sig, int_value(n)));
    rx.unblock_all();
    EXPECT_GE(g_log.count_of(sig), 1) << SignalText(sig) << " never delivered";
  }
}

SIGIPC_TEST(SignalRtSigqueue, SignalToSelfDeliveredBeforeReturn,
            "signal.rt.self-delivered-before-return", "XSH sigqueue()",
            "sigqueue() of an unblocked signal to the calling single-threaded process delivers "
            "it before sigqueue() returns") {
  for (int sig : {static_cast<int>(SIGRTMIN), SIGUSR1}) {
    g_log.reset();
    SignalAction action(sig, signals::log_siginfo);
    ASSERT_SUCCEEDS(sigqueue(getpid(), sig, int_value(7)));
    EXPECT_EQ(g_log.count_of(sig), 1) << SignalText(sig) << " when sigqueue() returned";
  }
}

SIGIPC_TEST(SignalRtSigqueue, NullSignalChecksWithoutSending, "signal.rt.null-signal",
            "XSH sigqueue()",
            "sigqueue() with signal 0 succeeds for an existing process and generates no "
            "signal") {
  SignalMask mask;
  mask.block_all();
  ASSERT_SUCCEEDS(sigqueue(getpid(), 0, int_value(1)));
  sigset_t none;
  sigemptyset(&none);
  EXPECT_TRUE(signals::SameSignals(pending_set(), none)) << "pending after the null signal";
  Gate release;
  Child other([&release] { release.wait(); });
  EXPECT_SUCCEEDS(sigqueue(other.pid(), 0, int_value(1))) << "a live child";
  release.open();
  EXPECT_CHILD_OK(other.wait());
}

SIGIPC_TEST(SignalRtSigqueue, MissingProcessFailsWithEsrch, "signal.rt.esrch", "XSH sigqueue()",
            "sigqueue() to a pid that names no process fails with ESRCH, for a real signal and "
            "for the null signal") {
  const pid_t gone = reaped_pid();
  EXPECT_FAILS_WITH(sigqueue(gone, SIGRTMIN, int_value(1)), ESRCH);
  EXPECT_FAILS_WITH(sigqueue(gone, 0, int_value(1)), ESRCH);
}

SIGIPC_TEST(SignalRtSigqueue, InvalidSignalFailsWithEinval, "signal.rt.einval", "XSH sigqueue()",
            "sigqueue() with a signal number outside every valid signal fails with EINVAL") {
  // Blocked, so that a platform accepting a bad number leaves a trace
  // instead of a default action.
  SignalMask mask;
  mask.block_all();
  for (int bad : {-1, static_cast<int>(SIGRTMAX) + 1, NSIG + 1, INT_MAX, INT_MIN})
    EXPECT_FAILS_WITH(sigqueue(getpid(), bad, int_value(1)), EINVAL) << "signal " << bad;
}

SIGIPC_TEST(SignalRtSigqueue, UnprivilegedSenderFailsWithEperm, "signal.rt.eperm",
            "XSH sigqueue(); XSH kill()",
            "sigqueue() from a process without permission to signal the receiver (another user, "
            "no privilege) fails with EPERM") {
  SIGIPC_REQUIRE_USER_SWITCH();
  const int sig = SIGRTMIN;
  Receiver rx({sig});  // a wrongly accepted signal stays pending here
  const pid_t me = getpid();
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [me, sig] {
    CHILD_CHECK_ERRNO(sigqueue(me, sig, int_value(1)), EPERM);
    CHILD_CHECK_ERRNO(sigqueue(me, 0, int_value(1)), EPERM);
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(signals::pending_member(sig), 0) << "the refused signal was queued anyway";
}

}  // namespace
}  // namespace sigipc
