// Every real-time signal is an ordinary signal as well: it can be caught,
// blocked and ignored, and its default action terminates the process.
// XBD <signal.h>, XSH 2.4.3 Signal Actions, XSH sigprocmask().
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/rt_helpers.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

using signals::g_log;

SIGIPC_TEST(SignalRtEach, EveryRtSignalCanBeCaught, "signal.rt.catchable",
            "XBD <signal.h>; XSH 2.4.3 Signal Actions",
            "Each of SIGRTMIN..SIGRTMAX can be given a handler, which runs when the signal is "
            "sent") {
  const signals::SignalList rt = signals::rt_signals();
  for (int i = 0; i < rt.count; ++i) {
    const int sig = rt.sigs[i];
    g_log.reset();
    SignalAction action(sig, signals::log_signal_only);
    // XSH kill(): an unblocked signal sent to the caller is delivered
    // before kill() returns.
    ASSERT_SUCCEEDS(kill(getpid(), sig)) << SignalText(sig);
    ASSERT_EQ(g_log.size(), 1) << "handler runs for " << SignalText(sig);
    EXPECT_EQ(g_log[0].handler_sig, sig);
  }
}

SIGIPC_TEST(SignalRtEach, EveryRtSignalCanBeBlocked, "signal.rt.blockable",
            "XSH sigprocmask(); XSH 2.4.1 Signal Generation and Delivery",
            "Each of SIGRTMIN..SIGRTMAX sent while blocked stays pending and undelivered, and "
            "is delivered once unblocked") {
  const signals::SignalList rt = signals::rt_signals();
  for (int i = 0; i < rt.count; ++i) {
    const int sig = rt.sigs[i];
    g_log.reset();
    SignalAction action(sig, signals::log_signal_only);
    SignalMask mask;
    mask.block(sig);
    ASSERT_SUCCEEDS(kill(getpid(), sig)) << SignalText(sig);
    EXPECT_EQ(g_log.size(), 0) << SignalText(sig) << " delivered while blocked";
    EXPECT_EQ(signals::pending_member(sig), 1) << SignalText(sig) << " not pending";
    mask.unblock(sig);
    EXPECT_EQ(g_log.count_of(sig), 1) << SignalText(sig) << " after unblocking";
  }
}

SIGIPC_TEST(SignalRtEach, EveryRtSignalCanBeIgnored, "signal.rt.ignorable",
            "XSH 2.4.3 Signal Actions",
            "Under SIG_IGN, each of SIGRTMIN..SIGRTMAX sent to the process has no effect on it") {
  const signals::SignalList rt = signals::rt_signals();
  // In a child: a platform that does not ignore would end the test process.
  WaitStatus st = RunInChild([&rt] {
    for (int i = 0; i < rt.count; ++i) CHILD_CHECK(signal(rt.sigs[i], SIG_IGN) != SIG_ERR);
    for (int i = 0; i < rt.count; ++i) {
      CHILD_CHECK_OK(kill(getpid(), rt.sigs[i]));
      sigset_t pending;
      CHILD_CHECK_OK(sigpending(&pending));
      CHILD_CHECK_EQ(sigismember(&pending, rt.sigs[i]), 0);
    }
  });
  EXPECT_CHILD_OK(st) << "a child ignoring SIGRTMIN..SIGRTMAX sent itself each of them";
}

SIGIPC_TEST(SignalRtEach, EveryRtSignalTerminatesByDefault, "signal.rt.default-terminate",
            "XSH 2.4.3 Signal Actions",
            "Under SIG_DFL, each of SIGRTMIN..SIGRTMAX terminates the process abnormally") {
  const signals::SignalList rt = signals::rt_signals();
  for (int i = 0; i < rt.count; ++i) {
    Child c = signals::RaiseUnderDefaultAction(rt.sigs[i]);
    EXPECT_TRUE(KilledBy(c.wait(WUNTRACED), rt.sigs[i]))
        << "default action of " << SignalText(rt.sigs[i]);
  }
}

}  // namespace
}  // namespace sigipc
