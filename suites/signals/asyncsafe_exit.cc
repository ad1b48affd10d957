// Ending the process from a handler: _exit() and _Exit() with their status,
// abort() with SIGABRT even while the handler's mask blocks it. Each runs in
// a child that waits in pause(), so the handler interrupts a blocked call.
// XSH _Exit(), XSH abort().
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <initializer_list>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"
#include "suites/signals/wait_helpers.h"

namespace sigipc {
namespace {

void exit_42(int) { _exit(42); }
void exit_43(int) { _Exit(43); }
void abort_now(int) { abort(); }

// A child that installs handler for SIGUSR1 (sa_mask as given), prepares
// with `prepare`, then waits in pause(); the parent sends SIGUSR1 once it
// waits and returns how the child ended.
WaitStatus SignalPausedChild(void (*handler)(int), std::initializer_list<int> sa_mask,
                             void (*prepare)() = nullptr) {
  const sigset_t mask = make_sigset(sa_mask);
  Gate ready;
  Child child([&] {
    if (prepare) prepare();
    struct sigaction sa {};
    sa.sa_handler = handler;
    sa.sa_mask = mask;
    CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
    ready.open();
    coverage_flush();
    pause();
    check_fail(__FILE__, __LINE__, "pause() returned: the handler did not end the process", nullptr,
               true);
  });
  ready.wait();
  signals::wait_until_sleeping(child.pid());
  if (kill(child.pid(), SIGUSR1) != 0) setup_error_errno(__FILE__, __LINE__, "kill()", errno);
  return child.wait();
}

SIGIPC_TEST(SignalAsyncSafeExit, ExitFromAHandlerEndsTheProcessWithItsStatus,
            "signal.asyncsafe.exit-in-handler", "XSH _Exit()",
            "_exit() and _Exit() called by a handler end the process at once with the status "
            "they were given") {
  EXPECT_TRUE(ExitedWith(SignalPausedChild(exit_42, {}), 42)) << "_exit(42) in the handler";
  EXPECT_TRUE(ExitedWith(SignalPausedChild(exit_43, {}), 43)) << "_Exit(43) in the handler";
}

SIGIPC_TEST(SignalAsyncSafeExit, AbortFromAHandlerTerminatesWithSigabrt,
            "signal.asyncsafe.abort-in-handler", "XSH abort()",
            "abort() called by a handler whose mask blocks SIGABRT still terminates the process "
            "by SIGABRT") {
  WaitStatus st = SignalPausedChild(abort_now, {SIGABRT}, child_disable_core_dumps);
  EXPECT_TRUE(KilledBy(st, SIGABRT));
}

}  // namespace
}  // namespace sigipc
