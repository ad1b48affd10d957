// Pending signals: sigpending() and the non-queuing of standard signals.
// XSH 2.4.1 "Signal Generation and Delivery", XSH sigpending().
#include <signal.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"

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

SIGIPC_TEST(SignalPending, StandardSignalDoesNotQueue,
            "signal.pending.standard-not-queued", "XSH 2.4.1 Signal Generation and Delivery",
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

}  // namespace
}  // namespace sigipc
