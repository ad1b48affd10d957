// tkill(2) (Linux-only), the predecessor of tgkill(): it sends a signal to
// one thread named by its thread ID alone, and refuses a thread ID that is
// not positive with EINVAL. glibc has no wrapper: the rule is about the
// kernel interface, hence the raw system call.
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace {

long tkill(pid_t tid, int sig) { return syscall(SYS_tkill, tid, sig); }

SIGIPC_TEST(SignalTkill, TkillMakesTheSignalPendingForTheThread, "signal.tkill.sends-to-thread",
            "tkill(2) (Linux-only)",
            "tkill() with the caller's thread ID sends the signal to that thread: blocked, it "
            "becomes pending") {
  SignalMask mask;  // restores the mask and discards what stays pending
  mask.block(SIGUSR2);
  ASSERT_SUCCEEDS(tkill(static_cast<pid_t>(syscall(SYS_gettid)), SIGUSR2));
  sigset_t pending = pending_set();
  EXPECT_EQ(sigismember(&pending, SIGUSR2), 1);
}

SIGIPC_TEST(SignalTkill, TkillRefusesANonPositiveThreadId, "signal.tkill.invalid-tid-einval",
            "tkill(2) (Linux-only)", "tkill() with a thread ID of 0 or below fails with EINVAL") {
  SignalMask mask;
  mask.block(SIGUSR2);
  EXPECT_FAILS_WITH(tkill(0, SIGUSR2), EINVAL);
  EXPECT_FAILS_WITH(tkill(-1, SIGUSR2), EINVAL);
}

}  // namespace
}  // namespace sigipc
