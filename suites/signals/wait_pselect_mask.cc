// The signal mask of pselect() and ppoll(): the mask given replaces the
// caller's for the duration of the call, so a signal it unblocks interrupts
// the wait (EINTR), and the caller's mask is back when the call returns.
// XSH pselect(); ppoll(2) (Linux-only).
#include <poll.h>
#include <signal.h>
#include <sys/select.h>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace {

volatile sig_atomic_t g_caught = 0;
void note_caught(int) { g_caught = 1; }

// With SIGUSR1 blocked and pending, runs wait(empty mask) and checks the
// outcome the two pages specify for it.
template <typename Wait>
void expect_mask_swapped_in_and_restored(Wait wait) {
  SignalAction catcher(SIGUSR1, note_caught);
  SignalMask mask;
  mask.block(SIGUSR1);
  g_caught = 0;
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  ASSERT_EQ(g_caught, 0) << "blocked, the signal must stay pending";
  sigset_t none;
  sigemptyset(&none);
  errno = 0;
  EXPECT_EQ(wait(none), -1) << "the pending signal, unblocked by the call's mask, interrupts it";
  EXPECT_EQ(errno, EINTR) << ErrnoText(errno);
  EXPECT_EQ(g_caught, 1) << "the handler ran during the call";
  sigset_t after = current_mask();
  EXPECT_EQ(sigismember(&after, SIGUSR1), 1) << "the caller's mask is restored on return";
}

SIGIPC_TEST(SignalWaitPselect, PselectRunsUnderItsSigmask, "signal.wait.pselect-sigmask",
            "XSH pselect()",
            "pselect() replaces the caller's signal mask by sigmask for the call: a pending "
            "signal it unblocks is caught and pselect() fails with EINTR; the caller's mask is "
            "restored before it returns") {
  expect_mask_swapped_in_and_restored([](const sigset_t& m) {
    timespec limit{static_cast<time_t>(safety_net_seconds()), 0};
    return pselect(0, nullptr, nullptr, nullptr, &limit, &m);
  });
}

SIGIPC_TEST(SignalWaitPselect, PpollRunsUnderItsSigmask, "signal.wait.ppoll-sigmask",
            "ppoll(2) (Linux-only)",
            "ppoll() replaces the caller's signal mask by sigmask for the call: a pending signal "
            "it unblocks is caught and ppoll() fails with EINTR; the caller's mask is restored "
            "before it returns") {
  expect_mask_swapped_in_and_restored([](const sigset_t& m) {
    timespec limit{static_cast<time_t>(safety_net_seconds()), 0};
    return ppoll(nullptr, 0, &limit, &m);
  });
}

}  // namespace
}  // namespace sigipc
