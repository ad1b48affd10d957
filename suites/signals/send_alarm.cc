// alarm(): what it returns, that a new request replaces the old one, that
// alarm(0) cancels, and that SIGALRM comes after (never before) the seconds
// asked for. SIGALRM stays blocked and is taken with sigtimedwait, so a stray
// alarm never ends the test process. XSH alarm().
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

// Cancels any alarm on every exit path.
struct AlarmCancel {
  ~AlarmCancel() { alarm(0); }
};

SIGIPC_TEST(SignalSend, AlarmWithoutEarlierRequestReturnsZero, "signal.send.alarm-returns-zero",
            "XSH alarm()", "alarm() returns 0 when no earlier alarm request has time left") {
  SignalMask mask;
  mask.block(SIGALRM);
  AlarmCancel cancel;
  EXPECT_EQ(alarm(100), 0u) << "the test process starts without an alarm";
}

SIGIPC_TEST(SignalSend, AlarmReturnsSecondsLeftAndReplacesTheRequest, "signal.send.alarm-replaces",
            "XSH alarm()",
            "alarm() returns the seconds left of the earlier request and reschedules SIGALRM "
            "(requests are not stacked)") {
  SignalMask mask;
  mask.block(SIGALRM);
  AlarmCancel cancel;
  ASSERT_EQ(alarm(100), 0u);
  // Generous bounds: seconds may pass between the calls under load.
  unsigned left = alarm(50);
  EXPECT_GE(left, 90u);
  EXPECT_LE(left, 100u);
  left = alarm(0);
  EXPECT_GE(left, 40u) << "the second request must have replaced the first";
  EXPECT_LE(left, 50u) << "the first request (100 s) was still the one scheduled";
}

SIGIPC_TEST(SignalSend, AlarmZeroCancelsThePendingRequest, "signal.send.alarm-zero-cancels",
            "XSH alarm()",
            "alarm(0) cancels the pending alarm request, returning its seconds left, and no "
            "SIGALRM follows") {
  SignalMask mask;
  mask.block(SIGALRM);
  AlarmCancel cancel;
  ASSERT_EQ(alarm(1), 0u);
  EXPECT_EQ(alarm(0), 1u) << "about one second was left";
  EXPECT_EQ(alarm(0), 0u) << "nothing may be left after alarm(0)";
  // The cancelled request was due after 1 s; twice that without SIGALRM.
  EXPECT_EQ(signals::await_signal(SIGALRM, nullptr, 2), -1)
      << "SIGALRM arrived after alarm(0) had cancelled the request";
}

double now_s() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

SIGIPC_TEST(SignalSend, AlarmGeneratesSigalrmAfterTheSeconds, "signal.send.alarm-delivers",
            "XSH alarm()",
            "alarm(n) generates SIGALRM for the process once n real-time seconds have elapsed, "
            "not earlier") {
  SignalMask mask;
  mask.block(SIGALRM);
  AlarmCancel cancel;
  const double start = now_s();
  ASSERT_EQ(alarm(1), 0u);
  siginfo_t si{};
  int sig = signals::await_signal(SIGALRM, &si);
  const double elapsed = now_s() - start;
  ASSERT_EQ(sig, SIGALRM) << "no SIGALRM within " << signals::kSafetyNetS << " s of alarm(1)";
  // 10 ms below a second allows only for reading the clock; any load makes
  // it later, never earlier.
  EXPECT_GE(elapsed, 0.99) << "SIGALRM came " << elapsed << " s after alarm(1)";
}

}  // namespace
}  // namespace sigipc
