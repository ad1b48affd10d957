// The queue limit: sigqueue() fails with EAGAIN once {SIGQUEUE_MAX} signals
// are pending, a delivered signal frees its place, and on Linux the limit
// (RLIMIT_SIGPENDING) counts standard signals too, is shared by the processes
// of a user, and never stops kill(). Each test runs in a child with a limit
// of kLimit in a user namespace of its own (signals::child_private_queue_limit)
// so that parallel tests cannot use up its places.
// XSH sigqueue(), XBD <limits.h>, setrlimit(2).
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/rt_helpers.h"

namespace sigipc {
namespace {

using signals::g_log;
using signals::int_value;
using signals::Receiver;

constexpr rlim_t kLimit = 4;
constexpr const char* kNoUserNs =
    "a user namespace (for a signal-queue count private to the test) could not be created";

// In the child: sigqueue() fills every place of the limit, then fails.
void child_fill_queue(int sig) noexcept {
  for (rlim_t n = 0; n < kLimit; ++n) CHILD_CHECK_OK(sigqueue(getpid(), sig, int_value(n)));
  CHILD_CHECK_ERRNO(sigqueue(getpid(), sig, int_value(-1)), EAGAIN);
}

SIGIPC_TEST(SignalRtQueueLimit, SigqueueAtLimitFailsWithEagain, "signal.rt.eagain",
            "XSH sigqueue(); XBD <limits.h>",
            "sigqueue() fails with EAGAIN once the limit of queued signals ({SIGQUEUE_MAX}, "
            "here RLIMIT_SIGPENDING) is reached, after every place below it succeeded") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});  // inherited: blocked, SA_SIGINFO handler
  WaitStatus st = RunInChild([sig] {
    signals::child_private_queue_limit(kLimit);
    child_fill_queue(sig);
  });
  SIGIPC_UNSUPPORTED_IF_CHILD_SAID(st, kNoUserNs);
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalRtQueueLimit, DeliveryFreesQueuePlace, "signal.rt.eagain-cleared-by-delivery",
            "XSH sigqueue()",
            "Signals count against the queue limit only while pending: once the queued ones are "
            "delivered, sigqueue() succeeds again") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  WaitStatus st = RunInChild([sig] {
    signals::child_private_queue_limit(kLimit);
    child_fill_queue(sig);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    CHILD_CHECK_OK(sigprocmask(SIG_UNBLOCK, &s, nullptr));
    CHILD_CHECK_EQ(g_log.count.load(), kLimit);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &s, nullptr));
    CHILD_CHECK_OK(sigqueue(getpid(), sig, int_value(0)));
  });
  SIGIPC_UNSUPPORTED_IF_CHILD_SAID(st, kNoUserNs);
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalRtQueueLimit, KillSucceedsBeyondLimit, "signal.rt.kill-beyond-limit",
            "Linux-only, setrlimit(2)",
            "At the queue limit kill() still sends one instance of a signal not already "
            "pending, real-time or standard: it returns 0 and the signal is pending") {
  const int sig = SIGRTMIN, other_rt = SIGRTMIN + 1;
  Receiver rx({sig, other_rt, SIGUSR1});
  WaitStatus st = RunInChild([sig, other_rt] {
    signals::child_private_queue_limit(kLimit);
    child_fill_queue(sig);
    for (int s : {other_rt, static_cast<int>(SIGUSR1)}) {
      CHILD_CHECK_OK(kill(getpid(), s));
      sigset_t pending;
      CHILD_CHECK_OK(sigpending(&pending));
      CHILD_CHECK_EQ(sigismember(&pending, s), 1);
    }
  });
  SIGIPC_UNSUPPORTED_IF_CHILD_SAID(st, kNoUserNs);
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalRtQueueLimit, PendingStandardSignalsCountAgainstLimit,
            "signal.rt.limit-counts-standard", "Linux-only, setrlimit(2)",
            "Pending standard signals take places of RLIMIT_SIGPENDING: with two pending, "
            "sigqueue() fails with EAGAIN two places earlier") {
  const int sig = SIGRTMIN;
  Receiver rx({sig, SIGUSR1, SIGUSR2});
  WaitStatus st = RunInChild([sig] {
    signals::child_private_queue_limit(kLimit);
    CHILD_CHECK_OK(kill(getpid(), SIGUSR1));
    CHILD_CHECK_OK(kill(getpid(), SIGUSR2));
    for (rlim_t n = 0; n < kLimit - 2; ++n) CHILD_CHECK_OK(sigqueue(getpid(), sig, int_value(0)));
    CHILD_CHECK_ERRNO(sigqueue(getpid(), sig, int_value(0)), EAGAIN);
  });
  SIGIPC_UNSUPPORTED_IF_CHILD_SAID(st, kNoUserNs);
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalRtQueueLimit, LimitIsSharedByProcessesOfOneUser, "signal.rt.limit-per-user",
            "Linux-only, setrlimit(2)",
            "RLIMIT_SIGPENDING counts the signals queued to every process of the real user: "
            "what another process of the user holds pending leaves fewer places") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  WaitStatus st = RunInChild([sig] {
    signals::child_private_queue_limit(kLimit);
    // Made here, so that each waiting side holds the only opener it must
    // close to see a dead peer as EOF.
    Gate filled, release;
    // The grandchild shares the user namespace, uid and limit.
    pid_t holder = fork();
    CHILD_CHECK_OK(holder);
    if (holder == 0) {
      release.close_opener();
      for (int n = 0; n < 2; ++n) CHILD_CHECK_OK(sigqueue(getpid(), sig, int_value(n)));
      filled.open();
      release.wait();
      child_exit(0);
    }
    filled.close_opener();
    filled.wait();
    for (rlim_t n = 0; n < kLimit - 2; ++n) CHILD_CHECK_OK(sigqueue(getpid(), sig, int_value(0)));
    CHILD_CHECK_ERRNO(sigqueue(getpid(), sig, int_value(0)), EAGAIN);
    release.open();
    int hs = 0;
    CHILD_CHECK_EQ(waitpid(holder, &hs, 0), holder);
    CHILD_CHECK(WIFEXITED(hs) && WEXITSTATUS(hs) == 0);
  });
  SIGIPC_UNSUPPORTED_IF_CHILD_SAID(st, kNoUserNs);
  EXPECT_CHILD_OK(st);
}

}  // namespace
}  // namespace sigipc
