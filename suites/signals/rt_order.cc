// Delivery order of pending real-time signals to their handlers: the
// lowest-numbered first, instances of one signal in the order they were sent.
// The order between standard and real-time signals is unspecified by POSIX
// and checked only as Linux documents it. (The same selection by sigwait()
// and sigwaitinfo() belongs to the wait_* suites.)
// XSH 2.4.2 Realtime Signal Generation and Delivery, XSH sigqueue(), signal(7).
#include <signal.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/rt_helpers.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

using signals::g_log;
using signals::int_value;
using signals::Receiver;

constexpr int kInstances = 8;

// "SIGRTMIN+3 SIGRTMIN ..." for failure messages.
std::string logged_signals() {
  std::string s;
  for (int i = 0; i < g_log.size(); ++i) s += SignalText(g_log[i].handler_sig) + " ";
  return s;
}

// Queues one instance of every real-time signal, highest number first, so
// that send order and number order disagree.
void queue_every_rt_signal_descending(const signals::SignalList& rt) {
  for (int i = rt.count - 1; i >= 0; --i)
    if (sigqueue(getpid(), rt.sigs[i], int_value(i)) != 0)
      setup_error_errno(__FILE__, __LINE__, "sigqueue()", errno);
}

SIGIPC_TEST(SignalRtOrder, LowestNumberedRtSignalDeliveredFirst, "signal.rt.order-by-number",
            "XSH 2.4.2 Realtime Signal Generation and Delivery; XSH sigqueue()",
            "When several real-time signals are pending and unblocked, the lowest-numbered is "
            "delivered first, whatever order they were sent in") {
  const signals::SignalList rt = signals::rt_signals();
  Receiver rx(rt);
  queue_every_rt_signal_descending(rt);
  rx.unblock_all();
  ASSERT_EQ(g_log.size(), rt.count) << "delivered: " << logged_signals();
  for (int i = 0; i < rt.count; ++i)
    EXPECT_EQ(g_log[i].handler_sig, rt.sigs[i])
        << "delivery " << i << "; order was: " << logged_signals();
}

SIGIPC_TEST(SignalRtOrder, InstancesDeliveredInSendOrder, "signal.rt.fifo-delivery",
            "XSH 2.4.2 Realtime Signal Generation and Delivery",
            "Queued instances of one real-time signal reach its handler in the order they were "
            "sent (FIFO), each with its own value") {
  for (int sig : {static_cast<int>(SIGRTMIN), static_cast<int>(SIGRTMAX)}) {
    Receiver rx({sig});
    for (int n = 0; n < kInstances; ++n) ASSERT_SUCCEEDS(sigqueue(getpid(), sig, int_value(n)));
    rx.unblock_all();
    ASSERT_EQ(g_log.size(), kInstances) << SignalText(sig);
    for (int n = 0; n < kInstances; ++n)
      EXPECT_EQ(g_log[n].value.sival_int, n) << SignalText(sig) << ", delivery " << n;
  }
}

// signal(7): "If both standard and real-time signals are pending for a
// process, POSIX leaves it unspecified which is delivered first. Linux ...
// gives priority to standard signals in this case."
SIGIPC_TEST(SignalRtOrder, StandardSignalsDeliveredBeforeRealtime, "signal.rt.standard-before-rt",
            "Linux-only, signal(7)",
            "On Linux, pending standard signals are delivered before pending real-time "
            "signals, even when the real-time ones were sent first") {
  const int rt_lo = SIGRTMIN, rt_hi = SIGRTMAX;
  Receiver rx({SIGUSR1, SIGUSR2, rt_lo, rt_hi});
  ASSERT_SUCCEEDS(sigqueue(getpid(), rt_lo, int_value(0)));
  ASSERT_SUCCEEDS(sigqueue(getpid(), rt_hi, int_value(0)));
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR2));
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  rx.unblock_all();
  ASSERT_EQ(g_log.size(), 4) << "delivered: " << logged_signals();
  for (int i = 0; i < 2; ++i)
    EXPECT_LT(g_log[i].handler_sig, rt_lo)
        << "delivery " << i << "; order was: " << logged_signals();
}

}  // namespace
}  // namespace sigipc
