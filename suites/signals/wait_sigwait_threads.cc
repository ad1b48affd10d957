// sigwait() in a multithreaded process, with the awaited signal blocked in
// every thread (XSH sigwait() leaves an unblocked one undefined): which
// thread accepts a process-directed or a thread-directed signal, and that one
// signal ends at most one wait. XSH sigwait(), XSH 2.4.1.
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

// A safety net only, scaled like the test's limit (SIGIPC_TIMEOUT_MUL).
const int kReportTimeoutMs = static_cast<int>(safety_net_seconds() * 1000);

// The body of a waiting thread: sigwait({SIGUSR1}), then one report byte,
// its tag if sigwait() returned SIGUSR1 and '!' otherwise.
void wait_and_report(char tag, int reports) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  int got = -1;
  char c = (sigwait(&set, &got) == 0 && got == SIGUSR1) ? tag : '!';
  if (write(reports, &c, 1) != 1) check_fail(__FILE__, __LINE__, "report write", nullptr, false);
}

// A thread blocked in sigwait({SIGUSR1}). Threads inherit the creator's
// mask, so the caller blocks SIGUSR1 first.
class SigwaitThread {
 public:
  SigwaitThread(char tag, int reports) : thread_(wait_and_report, tag, reports) {}
  // A thread still waiting (an early ASSERT, or the rule under test broke)
  // is released by a signal aimed at it alone; one that has returned
  // discards it on exit, so the process's pending set is never touched.
  ~SigwaitThread() {
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }
  pthread_t handle() { return thread_.native_handle(); }

 private:
  std::thread thread_;
};

// The next report byte, or '\0' if none arrives in time.
char next_report(int fd) {
  pollfd p{fd, POLLIN, 0};
  int r;
  do {
    r = poll(&p, 1, kReportTimeoutMs);
  } while (r < 0 && errno == EINTR);
  if (r <= 0) return '\0';
  char c = '\0';
  return read(fd, &c, 1) == 1 ? c : '\0';
}

SIGIPC_TEST(SignalWaitSigwaitThreads, ThreadDirectedSignalReturnsOnlyInTargetThread,
            "signal.wait.sigwait-thread-directed-only-target", "XSH sigwait()",
            "A signal generated for one thread by pthread_kill() returns from sigwait() only in "
            "that thread, though another thread waits for it too") {
  SignalMask mask;
  mask.block(SIGUSR1);
  Pipe reports;
  SigwaitThread a('A', reports.wr());
  SigwaitThread b('B', reports.wr());
  ASSERT_EQ(pthread_kill(b.handle(), SIGUSR1), 0);
  char first = next_report(reports.rd());
  EXPECT_EQ(first, 'B') << "the signal sent to thread B returned in '" << first
                        << "' ('\\0': no return within " << kReportTimeoutMs << " ms)";
}

SIGIPC_TEST(SignalWaitSigwaitThreads, OneSignalEndsAtMostOneWait,
            "signal.wait.sigwait-one-waiter-per-signal", "XSH sigwait()",
            "When several threads wait in sigwait() for the same signal, one generation of it "
            "returns from at most one of the waits") {
  SignalMask mask;
  mask.block(SIGUSR1);
  Pipe reports;
  {
    SigwaitThread a('A', reports.wr());
    SigwaitThread b('B', reports.wr());
    ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
    char first = next_report(reports.rd());
    ASSERT_NE(first, '\0') << "no thread returned from sigwait() for the first SIGUSR1";
    // A second generation for the thread still waiting. Had the first signal
    // ended both waits, this one stays pending and is seen below.
    ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
    char second = next_report(reports.rd());
    EXPECT_NE(second, '\0');
    EXPECT_NE(second, first) << "one thread returned twice";
  }
  EXPECT_EQ(signals::pending_member(SIGUSR1), 0)
      << "one SIGUSR1 ended two waits: the second generation was never accepted";
}

}  // namespace
}  // namespace sigipc
