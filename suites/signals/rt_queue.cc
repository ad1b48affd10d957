// Queuing: each sigqueue() of a blocked real-time signal is its own pending
// instance, delivered separately; the signal stays pending until the last
// instance is delivered. Where POSIX leaves queuing to the implementation
// (kill(), no SA_SIGINFO, standard signals) the Linux behaviour is checked as
// such.
// XSH sigqueue(), XSH 2.4.2 Realtime Signal Generation and Delivery, signal(7).
#include <signal.h>
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
using signals::int_value;
using signals::Receiver;

constexpr int kInstances = 4;

// Takes one pending instance of sig without waiting; -1 (EAGAIN) if none.
int take_pending(int sig, siginfo_t* info) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  timespec zero{0, 0};
  return sigtimedwait(&s, info, &zero);
}

SIGIPC_TEST(SignalRtQueue, EachSigqueueOfBlockedRtSignalIsDelivered, "signal.rt.queued",
            "XSH sigqueue(); XSH 2.4.2 Realtime Signal Generation and Delivery",
            "With SA_SIGINFO set, N sigqueue() calls for a blocked real-time signal give N "
            "deliveries once it is unblocked (each of SIGRTMIN..SIGRTMAX)") {
  const signals::SignalList rt = signals::rt_signals();
  for (int i = 0; i < rt.count; ++i) {
    const int sig = rt.sigs[i];
    Receiver rx({sig});
    for (int n = 0; n < kInstances; ++n)
      ASSERT_SUCCEEDS(sigqueue(getpid(), sig, int_value(n))) << SignalText(sig);
    ASSERT_EQ(g_log.size(), 0) << SignalText(sig) << " delivered while blocked";
    rx.unblock_all();
    EXPECT_EQ(g_log.count_of(sig), kInstances) << "deliveries of " << SignalText(sig);
  }
}

// For each delivery, whether the signal was still pending inside its
// handler (where it is blocked, so a remaining instance stays pending).
volatile sig_atomic_t g_still_pending[kInstances];
volatile sig_atomic_t g_deliveries = 0;

void note_still_pending(int sig, siginfo_t*, void*) {
  sigset_t p;
  sigemptyset(&p);
  HANDLER_CHECK(sigpending(&p) == 0);
  if (g_deliveries < kInstances) g_still_pending[g_deliveries] = sigismember(&p, sig);
  g_deliveries = g_deliveries + 1;
}

SIGIPC_TEST(SignalRtQueue, StaysPendingUntilLastInstanceDelivered,
            "signal.rt.pending-until-queue-empty",
            "XSH 2.4.2 Realtime Signal Generation and Delivery",
            "A real-time signal delivered while more instances are queued remains pending; the "
            "pending indication is reset only with the delivery of the last instance") {
  const int sig = SIGRTMIN;
  g_deliveries = 0;
  SignalAction action(sig, note_still_pending);
  SignalMask mask;
  mask.block(sig);
  for (int n = 0; n < kInstances; ++n) ASSERT_SUCCEEDS(sigqueue(getpid(), sig, int_value(n)));
  mask.unblock(sig);
  ASSERT_EQ(g_deliveries, kInstances);
  for (int n = 0; n < kInstances; ++n)
    EXPECT_EQ(g_still_pending[n], n + 1 < kInstances ? 1 : 0)
        << "during delivery " << n << " of " << kInstances;
}

SIGIPC_TEST(SignalRtQueue, SigqueueToAnotherProcessQueuesEachInstance,
            "signal.rt.queued-to-other-process", "XSH sigqueue()",
            "Instances of a real-time signal that another process queues while it is blocked "
            "all arrive, with their values, from that process") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  const pid_t me = getpid();
  Child sender([me, sig] {
    for (int n = 0; n < kInstances; ++n) CHILD_CHECK_OK(sigqueue(me, sig, int_value(100 + n)));
  });
  const pid_t sender_pid = sender.pid();
  ASSERT_CHILD_OK(sender.wait());
  for (int n = 0; n < kInstances; ++n) {
    siginfo_t info{};
    ASSERT_EQ(take_pending(sig, &info), sig) << "instance " << n << " of " << kInstances;
    EXPECT_EQ(info.si_value.sival_int, 100 + n);
    EXPECT_EQ(info.si_pid, sender_pid);
  }
  siginfo_t extra{};
  EXPECT_EQ(take_pending(sig, &extra), -1) << "more instances than were sent";
}

SIGIPC_TEST(SignalRtQueue, KillQueuesRtSignals, "signal.rt.kill-queues", "Linux-only, signal(7)",
            "Linux queues real-time signals sent with kill(): N kills of a blocked real-time "
            "signal give N deliveries") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  for (int n = 0; n < kInstances; ++n) ASSERT_SUCCEEDS(kill(getpid(), sig));
  rx.unblock_all();
  EXPECT_EQ(g_log.count_of(sig), kInstances);
}

SIGIPC_TEST(SignalRtQueue, RtSignalsQueueWithoutSaSiginfo, "signal.rt.queued-without-sa-siginfo",
            "Linux-only, signal(7)",
            "Linux queues real-time signals whose handler lacks SA_SIGINFO (POSIX leaves this "
            "unspecified): N sigqueue() calls give N deliveries") {
  const int sig = SIGRTMIN;
  Receiver rx({sig}, /*siginfo=*/false);
  for (int n = 0; n < kInstances; ++n) ASSERT_SUCCEEDS(sigqueue(getpid(), sig, int_value(n)));
  rx.unblock_all();
  EXPECT_EQ(g_log.count_of(sig), kInstances);
}

// XBD <signal.h>: "It is implementation-defined whether realtime signal
// behavior is supported for other signals."
SIGIPC_TEST(SignalRtQueue, StandardSignalsDoNotQueueUnderSigqueue, "signal.rt.standard-not-queued",
            "Linux-only, signal(7)",
            "On Linux a standard signal sigqueue()d several times while blocked is delivered "
            "once, even with SA_SIGINFO set") {
  for (int sig : {SIGUSR1, SIGUSR2}) {
    Receiver rx({sig});
    for (int n = 0; n < kInstances; ++n) ASSERT_SUCCEEDS(sigqueue(getpid(), sig, int_value(n)));
    rx.unblock_all();
    EXPECT_EQ(g_log.count_of(sig), 1) << "deliveries of " << SignalText(sig);
  }
}

}  // namespace
}  // namespace sigipc
