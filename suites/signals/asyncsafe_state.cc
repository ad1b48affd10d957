// The state a handler may share with the code it interrupts (XSH 2.4.3):
// errno, saved and restored by the handler; volatile sig_atomic_t objects it
// assigns; and lock-free atomic objects (ISO C 7.14.1.1 and C++17
// [support.signal], the C standard POSIX.1-2024 builds on). The signal
// arrives from a POSIX timer at an arbitrary instruction of a spin loop.
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include <atomic>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/wait_helpers.h"

namespace sigipc {
namespace {

constexpr long kTickUs = 500;

volatile sig_atomic_t g_runs = 0;
volatile sig_atomic_t g_errno_inside = 0;

void fail_a_call_and_restore_errno(int) {
  const int saved = errno;
  errno = 0;
  close(-1);
  g_errno_inside = errno;
  errno = saved;
  g_runs = g_runs + 1;
}

SIGIPC_TEST(SignalAsyncSafeState, HandlerThatRestoresErrnoLeavesItIntact,
            "signal.asyncsafe.errno-saved-restored", "XSH 2.4.3 Signal Actions",
            "A handler may read and assign errno when it restores it before returning: inside, "
            "errno reports the handler's own failed call; the interrupted code finds its errno "
            "unchanged") {
  g_runs = 0;
  g_errno_inside = 0;
  SignalAction action(SIGUSR1, fail_a_call_and_restore_errno);
  signals::RepeatingSignal ticks(SIGUSR1, kTickUs);
  errno = EDOM;
  // No library call between setting errno and reading it back: only the
  // handlers run in between.
  const bool ran = signals::spin_until_runs(g_runs, 3);
  const int seen = errno;
  ticks.stop();
  ASSERT_TRUE(ran) << "the handler never ran";
  EXPECT_EQ(seen, EDOM) << "errno after the handlers: " << ErrnoText(seen);
  EXPECT_EQ(g_errno_inside, EBADF)
      << "errno inside the handler after close(-1): " << ErrnoText(g_errno_inside);
}

volatile sig_atomic_t g_value = 0;

// Alternates between the two ends of sig_atomic_t's range.
void store_extremes(int) {
  g_value = (g_runs % 2 == 0) ? SIG_ATOMIC_MAX : SIG_ATOMIC_MIN;
  g_runs = g_runs + 1;
}

// Whether a store can be seen torn is not checked: sig_atomic_t is an
// aligned machine word everywhere the suite runs, stored by one instruction
// a handler cannot split, so such a check could never fail.
SIGIPC_TEST(SignalAsyncSafeState, SigAtomicValueAssignedInAHandlerIsSeenWhole,
            "signal.asyncsafe.sig-atomic-visible", "XSH 2.4.3 Signal Actions",
            "A volatile sig_atomic_t that a handler assigns SIG_ATOMIC_MAX and SIG_ATOMIC_MIN "
            "is read back with those values by the code the handler interrupted") {
  g_runs = 0;
  g_value = 0;
  SignalAction action(SIGUSR1, store_extremes);
  signals::RepeatingSignal ticks(SIGUSR1, kTickUs);
  bool seen_max = false, seen_min = false;
  for (long long i = 0; i < 4000000000LL && !(seen_max && seen_min); ++i) {
    const sig_atomic_t v = g_value;
    if (v == SIG_ATOMIC_MAX)
      seen_max = true;
    else if (v == SIG_ATOMIC_MIN)
      seen_min = true;
  }
  ticks.stop();
  EXPECT_TRUE(seen_max) << "SIG_ATOMIC_MAX stored by the handler never seen (" << g_runs
                        << " handler runs)";
  EXPECT_TRUE(seen_min) << "SIG_ATOMIC_MIN stored by the handler never seen (" << g_runs
                        << " handler runs)";
}

std::atomic<int> g_counter{0};

void add_thousand(int) {
  g_counter.fetch_add(1000);
  g_runs = g_runs + 1;
}

// Where fetch_add is one instruction (x86 "lock xadd", AArch64 LSE "ldadd")
// a handler cannot land inside it and this cannot fail; it discriminates
// where the operation is a load-linked/store-conditional loop (armhf, AArch64
// without LSE) or is emulated (qemu-user), where a handler that lands between
// the load and the store must make the store fail and the loop retry.
SIGIPC_TEST(SignalAsyncSafeState, LockFreeAtomicUpdatesFromAHandlerAreNotLost,
            "signal.asyncsafe.lock-free-atomic", "XSH 2.4.3 Signal Actions",
            "fetch_add on a lock-free std::atomic<int> by a handler and by the code it "
            "interrupts loses no update (a check that discriminates only where the operation "
            "is an instruction sequence: load-linked/store-conditional or emulated)") {
  if (!std::atomic<int>::is_always_lock_free)
    SIGIPC_UNSUPPORTED("std::atomic<int> is not lock-free here: not usable in a handler");
  g_runs = 0;
  g_counter = 0;
  SignalAction action(SIGUSR1, add_thousand);
  long long main_adds = 0;
  {
    signals::RepeatingSignal ticks(SIGUSR1, kTickUs);
    while (g_runs < 20 && main_adds < 200000000LL) {
      g_counter.fetch_add(1);
      ++main_adds;
    }
  }
  ASSERT_GE(g_runs, 1) << "the handler never ran";
  EXPECT_EQ(g_counter.load(), main_adds + 1000LL * g_runs)
      << main_adds << " additions of 1 in the main flow, " << g_runs
      << " additions of 1000 in the handler";
}

}  // namespace
}  // namespace sigipc
