// Sleeps: nanosleep() and clock_nanosleep() interrupted by a handler end
// early. nanosleep() returns -1/EINTR and stores the time left in rmtp (XSH
// nanosleep()); clock_nanosleep() returns the error number EINTR itself,
// storing the time left for a relative sleep (XSH clock_nanosleep()).
//
// With SA_RESTART POSIX would allow a restart (XSH sigaction(): a restarted
// function with a timeout gets "an unspecified value that does not exceed the
// original duration"); Linux never restarts them (signal(7), "Sleep
// interfaces": they always fail with EINTR): Linux-only clauses. Nothing can
// release a sleep, so a restarted 30 s sleep outlasts the safety net and
// fails the test.
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>

#include <optional>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "suites/injection/interrupt_helpers.h"

namespace sigipc {
namespace {

// A time left was stored: normalised, positive, and within a second of the
// request. Whether it exceeds the request (Linux adds the timer slack) is
// RemainingTimeIsAtMostTheRequest's rule, not this one's.
bool stored_remaining(const timespec& rem) noexcept {
  const timespec req = injection::far_interval();
  if (rem.tv_nsec < 0 || rem.tv_nsec >= 1000000000L) return false;
  if (rem.tv_sec < 0 || (rem.tv_sec == 0 && rem.tv_nsec == 0)) return false;
  return rem.tv_sec <= req.tv_sec;
}

void ExpectNanosleepEintr(int sa_flags) {
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        const timespec req = injection::far_interval();
        timespec rem{-1, -1};
        CHILD_CHECK_ERRNO(nanosleep(&req, &rem), EINTR);
        CHILD_CHECK(stored_remaining(rem));
      },
      injection::release_nothing, "nanosleep(30 s)"));
}

void ExpectClockNanosleepEintr(int sa_flags) {
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        const timespec req = injection::far_interval();
        timespec rem{-1, -1};
        errno = 0;
        CHILD_CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem), EINTR);
        CHILD_CHECK(stored_remaining(rem));
      },
      injection::release_nothing, "clock_nanosleep(CLOCK_MONOTONIC, 30 s)"));
}

SIGIPC_TEST(Interruption, NanosleepFailsWithEintrWithoutSaRestart,
            "injection.interrupt.nanosleep.eintr", "XSH nanosleep() [EINTR]",
            "A nanosleep() interrupted by a handler installed without SA_RESTART returns -1 with "
            "EINTR and stores a remaining time no longer than the request") {
  ExpectNanosleepEintr(0);
}

SIGIPC_TEST(Interruption, NanosleepFailsWithEintrEvenUnderSaRestart,
            "injection.interrupt.nanosleep.eintr-despite-restart",
            "Linux-only, signal(7) (XSH sigaction() SA_RESTART would allow a restart)",
            "A nanosleep() interrupted by a handler installed with SA_RESTART still returns -1 "
            "with EINTR and the remaining time") {
  ExpectNanosleepEintr(SA_RESTART);
}

SIGIPC_TEST(Interruption, ClockNanosleepReturnsEintrWithoutSaRestart,
            "injection.interrupt.clock-nanosleep.eintr", "XSH clock_nanosleep() [EINTR]",
            "A relative clock_nanosleep() interrupted by a handler installed without SA_RESTART "
            "returns the error number EINTR and stores the remaining time") {
  ExpectClockNanosleepEintr(0);
}

SIGIPC_TEST(Interruption, ClockNanosleepReturnsEintrEvenUnderSaRestart,
            "injection.interrupt.clock-nanosleep.eintr-despite-restart",
            "Linux-only, signal(7) (XSH sigaction() SA_RESTART would allow a restart)",
            "A relative clock_nanosleep() interrupted by a handler installed with SA_RESTART "
            "still returns the error number EINTR") {
  ExpectClockNanosleepEintr(SA_RESTART);
}

SIGIPC_TEST(Interruption, AbsoluteClockNanosleepReturnsEintrEvenUnderSaRestart,
            "injection.interrupt.clock-nanosleep-abs.eintr-despite-restart",
            "Linux-only, signal(7); XSH clock_nanosleep() [EINTR]",
            "A clock_nanosleep() to an absolute CLOCK_MONOTONIC time interrupted by a handler "
            "installed with SA_RESTART returns the error number EINTR before that time") {
  EXPECT_INTERRUPT_OK(InterruptOnce(
      SA_RESTART,
      [&] {
        const timespec until = injection::far_deadline(CLOCK_MONOTONIC);
        CHILD_CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr), EINTR);
        timespec now{};
        CHILD_CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &now));
        CHILD_CHECK(now.tv_sec < until.tv_sec);
      },
      injection::release_nothing, "clock_nanosleep(TIMER_ABSTIME, now + 30 s)"));
}

// XSH nanosleep(): rmtp receives "the amount of time remaining in the interval
// (the requested time minus the time actually slept)": never more than the
// request, and less by the time slept. Linux computes it from the timer's
// hard expiry, which lies the timer slack (50 us by default) after the
// requested end (kernel/time/hrtimer.c, do_nanosleep: hrtimer_expires_
// remaining), so a sleep interrupted within the slack would report more
// time left than it asked for: a window of 50 us that only a widened slack
// (PR_SET_TIMERSLACK) makes reproducible. The rule is checked at the
// default slack instead: the test process sends the signal kSleptNs after
// it saw the child asleep, a duration the rule needs to pass (not a
// synchronisation), so the child has slept at least that long. What rmtp
// holds beyond the request minus the time measured around the call (the
// slack, on Linux) is noted as an observation, not a verdict.
constexpr long long kSleptNs = 2000000;

long long ns_of(const timespec& t) noexcept { return t.tv_sec * 1000000000LL + t.tv_nsec; }

// In the child: the sleep, interrupted by SIGUSR1 (interrupt_ack) after at
// least kSleptNs; checks and notes what rmtp holds.
void sleep_and_check_remaining(bool clock_variant) {
  struct sigaction sa {};
  sa.sa_handler = interrupt_ack;
  sigemptyset(&sa.sa_mask);
  CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
#ifdef PR_SET_TIMERSLACK
  prctl(PR_SET_TIMERSLACK, 0UL, 0, 0, 0);  // 0: the default slack (best effort)
#endif
  const timespec req = injection::far_interval();
  timespec rem{-1, -1};
  const double t0 = monotonic_seconds();
  if (clock_variant)
    CHILD_CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem), EINTR);
  else
    CHILD_CHECK_ERRNO(nanosleep(&req, &rem), EINTR);
  const long long measured = static_cast<long long>((monotonic_seconds() - t0) * 1e9);
  // Half of kSleptNs as the margin: a rmtp that ignores the time slept fails.
  if (ns_of(rem) > ns_of(req) - kSleptNs / 2 || rem.tv_nsec < 0 || rem.tv_nsec >= 1000000000L) {
    SafeBuf b;
    b.str("rmtp holds ").num(rem.tv_sec).str(" s + ").num(rem.tv_nsec);
    b.str(" ns after at least ").num(kSleptNs).str(" ns of a ").num(req.tv_sec).str(" s sleep");
    check_fail(__FILE__, __LINE__, "remaining time <= request - time slept", b.c_str(), true);
  }
  const long long excess = ns_of(rem) - (ns_of(req) - measured);
  if (excess > 0) {
    SafeBuf b;
    b.str("rmtp exceeds the request minus the time measured around the call by ").num(excess);
    b.str(" ns (Linux: the timer slack)");
    note(b.c_str());
  }
}

void ExpectRemainingAtMostRequest(bool clock_variant) {
  Pipe ack;
  g_ack_fd = ack.wr();
  Child c([&] {
    ack.close_rd();
    sleep_and_check_remaining(clock_variant);
  });
  ack.close_wr();
  ASSERT_TRUE(wait_until_sleeping(c.pid(), safety_net_seconds()))
      << "the child ended or never slept in the call";
  const double seen = monotonic_seconds();
  for (double left; (left = seen + kSleptNs / 1e9 - monotonic_seconds()) > 0;) {
    const timespec t = to_timespec(left);
    nanosleep(&t, nullptr);
  }
  ASSERT_EQ(kill(c.pid(), SIGUSR1), 0) << ErrnoText(errno);
  std::optional<WaitStatus> s = wait_bounded(c, 0);
  ASSERT_TRUE(s) << "still asleep after the signal (safety net expired)";
  EXPECT_CHILD_OK(*s);
}

SIGIPC_TEST(Interruption, NanosleepRemainingTimeIsAtMostTheRequest,
            "injection.interrupt.nanosleep.remaining-at-most-request", "XSH nanosleep()",
            "The time a nanosleep() interrupted by a handler stores in rmtp is the requested "
            "time minus the time slept: less than the request once time has passed (checked at "
            "the default timer slack)") {
  ExpectRemainingAtMostRequest(false);
}

SIGIPC_TEST(Interruption, ClockNanosleepRemainingTimeIsAtMostTheRequest,
            "injection.interrupt.clock-nanosleep.remaining-at-most-request",
            "XSH clock_nanosleep()",
            "The time a relative clock_nanosleep() interrupted by a handler stores in rmtp is "
            "the requested time minus the time slept: less than the request once time has "
            "passed (checked at the default timer slack)") {
  ExpectRemainingAtMostRequest(true);
}

}  // namespace
}  // namespace sigipc
