// sigwaitinfo(): its return value, the siginfo_t it fills for kill() and
// sigqueue(), the order among real-time signals and the one-instance-per-call
// dequeueing of queued signals. XSH sigtimedwait() (the page that also
// specifies sigwaitinfo()).
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

SIGIPC_TEST(SignalWaitSigwaitinfo, ReturnsTheSignalNumberAndStoresItInSiSigno,
            "signal.wait.sigwaitinfo-returns-number", "XSH sigtimedwait()",
            "sigwaitinfo() returns the number of the signal it selected and stores it in "
            "si_signo, for every signal that can be blocked") {
  SignalMask mask;
  mask.block_all();
  const signals::SignalList all = signals::posix_signals();
  for (int i = 0; i < all.count; ++i) {
    const int sig = all.sigs[i];
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    ASSERT_SUCCEEDS(kill(getpid(), sig)) << SignalText(sig);
    // XSH 2.4.1: a blocked signal generated for the process stays pending
    // until accepted. One that is not (qemu-user keeps the host's SIGSEGV
    // and SIGBUS for itself) would leave sigwaitinfo() waiting forever: a
    // FAIL naming the signal, not a TIMEOUT.
    if (signals::pending_member(sig) != 1) {
      ADD_FAILURE() << "kill() to self left the blocked " << SignalText(sig)
                    << " not pending (sigpending()), so sigwaitinfo() cannot select it";
      continue;
    }
    const sigset_t set = make_sigset({sig});
    siginfo_t info{};
    EXPECT_EQ(sigwaitinfo(&set, &info), sig) << SignalText(sig);
    EXPECT_EQ(info.si_signo, sig) << "si_signo for " << SignalText(sig);
  }
}

// XSH 2.4.3: for SI_USER and SI_QUEUE, si_pid and si_uid are the sender's
// process ID and real user ID. The sender is a child, so si_pid cannot be
// mistaken for the receiver's own.
SIGIPC_TEST(SignalWaitSigwaitinfo, SiginfoOfKillNamesTheSender,
            "signal.wait.sigwaitinfo-kill-siginfo", "XSH sigtimedwait()",
            "For a signal sent by kill(), sigwaitinfo() stores si_code SI_USER and the sender's "
            "process ID and real user ID in si_pid and si_uid") {
  SignalMask mask;
  mask.block(SIGUSR1);
  const pid_t parent = getpid();
  Child sender([parent] { CHILD_CHECK_OK(kill(parent, SIGUSR1)); });
  const pid_t sender_pid = sender.pid();
  ASSERT_CHILD_OK(sender.wait());
  const sigset_t set = make_sigset({SIGUSR1});
  siginfo_t info{};
  ASSERT_EQ(sigwaitinfo(&set, &info), SIGUSR1);
  EXPECT_EQ(info.si_code, SI_USER);
  EXPECT_EQ(info.si_pid, sender_pid) << "si_pid (the receiver is " << getpid() << ")";
  EXPECT_EQ(info.si_uid, getuid());
}

SIGIPC_TEST(SignalWaitSigwaitinfo, SiginfoOfSigqueueCarriesTheValue,
            "signal.wait.sigwaitinfo-sigqueue-siginfo", "XSH sigtimedwait()",
            "For a signal queued by sigqueue(), sigwaitinfo() stores si_code SI_QUEUE, the queued "
            "value in si_value and the sender in si_pid") {
  SignalMask mask;
  mask.block(SIGRTMIN);
  signals::queue_to_self(SIGRTMIN, 4242);
  const sigset_t set = make_sigset({SIGRTMIN});
  siginfo_t info{};
  ASSERT_EQ(sigwaitinfo(&set, &info), SIGRTMIN);
  EXPECT_EQ(info.si_code, SI_QUEUE);
  EXPECT_EQ(info.si_value.sival_int, 4242);
  EXPECT_EQ(info.si_pid, getpid());
  EXPECT_EQ(info.si_uid, getuid());
}

SIGIPC_TEST(SignalWaitSigwaitinfo, SelectsTheLowestPendingRealtimeSignal,
            "signal.wait.sigwaitinfo-rt-lowest-first", "XSH sigtimedwait()",
            "Among several pending real-time signals sigwaitinfo() selects the lowest-numbered "
            "one") {
  const int sigs[] = {SIGRTMAX, SIGRTMIN + 3, SIGRTMAX - 1, SIGRTMIN};  // not in order
  SignalMask mask;
  sigset_t set;
  sigemptyset(&set);
  for (int s : sigs) {
    mask.block(s);
    sigaddset(&set, s);
  }
  for (int s : sigs) signals::queue_to_self(s, s);
  for (int want : {SIGRTMIN, SIGRTMIN + 3, SIGRTMAX - 1, SIGRTMAX}) {
    siginfo_t info{};
    int got = sigwaitinfo(&set, &info);
    EXPECT_EQ(got, want) << "expected " << SignalText(want) << ", got " << SignalText(got);
    EXPECT_EQ(info.si_value.sival_int, got) << "the value queued with " << SignalText(got);
  }
}

SIGIPC_TEST(SignalWaitSigwaitinfo, TakesOneQueuedInstancePerCall,
            "signal.wait.sigwaitinfo-rt-one-instance", "XSH sigtimedwait()",
            "Each sigwaitinfo() call dequeues one queued instance; the signal stays pending until "
            "the last one is taken") {
  const int sig = SIGRTMIN + 1;
  SignalMask mask;
  mask.block(sig);
  constexpr int kQueued = 4;
  for (int v = 0; v < kQueued; ++v) signals::queue_to_self(sig, v);
  const sigset_t set = make_sigset({sig});
  for (int taken = 1; taken <= kQueued; ++taken) {
    ASSERT_EQ(sigwaitinfo(&set, nullptr), sig) << "instance " << taken;
    EXPECT_EQ(signals::pending_member(sig), taken < kQueued ? 1 : 0)
        << "after taking " << taken << " of " << kQueued << " queued instances";
  }
}

SIGIPC_TEST(SignalWaitSigwaitinfo, DequeuesValuesInTheOrderQueued,
            "signal.wait.sigwaitinfo-rt-values-fifo", "XSH sigtimedwait()",
            "sigwaitinfo() dequeues the first queued value of the selected signal: values come "
            "back in the order they were queued") {
  const int sig = SIGRTMIN + 2;
  SignalMask mask;
  mask.block(sig);
  const int values[] = {31, -7, 0, 1 << 30, 12};
  for (int v : values) signals::queue_to_self(sig, v);
  const sigset_t set = make_sigset({sig});
  for (int want : values) {
    siginfo_t info{};
    ASSERT_EQ(sigwaitinfo(&set, &info), sig);
    EXPECT_EQ(info.si_value.sival_int, want);
  }
}

SIGIPC_TEST(SignalWaitSigwaitinfo, NullInfoStillAcceptsTheSignal,
            "signal.wait.sigwaitinfo-null-info", "XSH sigtimedwait()",
            "sigwaitinfo() with a null info pointer still selects, returns and clears the signal") {
  SignalMask mask;
  mask.block(SIGUSR2);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR2));
  const sigset_t set = make_sigset({SIGUSR2});
  EXPECT_EQ(sigwaitinfo(&set, nullptr), SIGUSR2);
  EXPECT_EQ(signals::pending_member(SIGUSR2), 0);
}

}  // namespace
}  // namespace sigipc
