// raise() and abort(): the caller signalling itself. abort() runs in a child
// that cannot dump core, and its end is read from the wait status.
// XSH raise(), XSH abort().
#include <setjmp.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

std::atomic<int> g_hits{0};
void count_hit(int) { g_hits.fetch_add(1); }

SIGIPC_TEST(SignalSend, RaiseRunsTheHandlerBeforeReturning, "signal.send.raise-delivers",
            "XSH raise()",
            "raise(sig) of an unblocked, caught signal runs the handler before raise() returns") {
  SignalAction action(SIGUSR1, count_hit);
  g_hits = 0;
  ASSERT_EQ(raise(SIGUSR1), 0);
  EXPECT_EQ(g_hits.load(), 1) << "the handler had not run when raise() returned";
}

SIGIPC_TEST(SignalSend, RaiseReportsSuccessAndInvalidSignals, "signal.send.raise-return",
            "XSH raise()",
            "raise() returns 0 on success, and a non-zero value with errno EINVAL for a number "
            "that is not a signal") {
  SignalAction action(SIGUSR1, count_hit);
  EXPECT_EQ(raise(SIGUSR1), 0);
  for (int sig : {-1, NSIG}) {
    errno = 0;
    int r = raise(sig);
    EXPECT_NE(r, 0) << "raise(" << sig << ")";
    EXPECT_EQ(errno, EINVAL) << "raise(" << sig << "): errno " << ErrnoText(errno);
  }
}

// ---- abort() ----

// In the child: no core file, and coverage data out before the signal.
void prepare_to_abort() noexcept {
  child_disable_core_dumps();
  coverage_flush();
}

void returning_handler(int) {}

SIGIPC_TEST(SignalSend, AbortEndsTheProcessEvenIfTheHandlerReturns,
            "signal.send.abort-handler-returns", "XSH abort()",
            "abort() terminates the process by SIGABRT when a SIGABRT handler returns") {
  Child c([] {
    struct sigaction sa {};
    sa.sa_handler = returning_handler;
    sigemptyset(&sa.sa_mask);
    CHILD_CHECK_OK(sigaction(SIGABRT, &sa, nullptr));
    prepare_to_abort();
    abort();
  });
  EXPECT_TRUE(KilledBy(c.wait(), SIGABRT));
}

std::atomic<int> g_report_fd{-1};
void report_signal(int sig) {
  unsigned char b = static_cast<unsigned char>(sig);
  HANDLER_CHECK(write(g_report_fd.load(), &b, 1) == 1);
}

SIGIPC_TEST(SignalSend, AbortRunsTheSigabrtHandlerFirst, "signal.send.abort-calls-handler",
            "XSH abort()",
            "abort() raises SIGABRT, so a SIGABRT handler runs (and sees SIGABRT) before the "
            "process ends") {
  Pipe report;
  Child c([&report] {
    report.close_rd();
    g_report_fd = report.wr();
    struct sigaction sa {};
    sa.sa_handler = report_signal;
    sigemptyset(&sa.sa_mask);
    CHILD_CHECK_OK(sigaction(SIGABRT, &sa, nullptr));
    prepare_to_abort();
    abort();
  });
  report.close_wr();
  WaitStatus st = c.wait();
  unsigned char seen = 0;
  EXPECT_EQ(read(report.rd(), &seen, 1), 1) << "the handler never ran; the child " << st.describe();
  EXPECT_EQ(seen, SIGABRT) << "the handler was called with " << SignalText(seen);
}

SIGIPC_TEST(SignalSend, AbortOverridesIgnoredSigabrt, "signal.send.abort-ignored", "XSH abort()",
            "abort() terminates the process by SIGABRT even when SIGABRT is ignored") {
  Child c([] {
    CHILD_CHECK(signal(SIGABRT, SIG_IGN) != SIG_ERR);
    prepare_to_abort();
    abort();
  });
  EXPECT_TRUE(KilledBy(c.wait(), SIGABRT));
}

SIGIPC_TEST(SignalSend, AbortOverridesBlockedSigabrt, "signal.send.abort-blocked", "XSH abort()",
            "abort() terminates the process by SIGABRT even when SIGABRT is blocked") {
  Child c([] {
    signals::child_block(SIGABRT);
    prepare_to_abort();
    abort();
  });
  EXPECT_TRUE(KilledBy(c.wait(), SIGABRT));
}

sigjmp_buf g_escape;
void escaping_handler(int) { siglongjmp(g_escape, 1); }

SIGIPC_TEST(SignalSend, AbortDoesNotEndTheProcessIfTheHandlerDoesNotReturn,
            "signal.send.abort-handler-escapes", "XSH abort()",
            "abort() does not terminate the process when the SIGABRT handler does not return "
            "(it leaves with siglongjmp)") {
  Child c([] {
    struct sigaction sa {};
    sa.sa_handler = escaping_handler;
    sigemptyset(&sa.sa_mask);
    CHILD_CHECK_OK(sigaction(SIGABRT, &sa, nullptr));
    prepare_to_abort();
    if (sigsetjmp(g_escape, 1) == 0) abort();
    // Reached only through the handler's siglongjmp: the process goes on.
  });
  EXPECT_CHILD_OK(c.wait());
}

}  // namespace
}  // namespace sigipc
