// sem_clockwait(): sem_timedwait() with the deadline measured on a chosen
// clock. XSH sem_clockwait() (POSIX.1-2024; glibc 2.30+).
#include <semaphore.h>
#include <time.h>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

posix_sem::TimedLock ClockLock(clockid_t c) {
  return [c](sem_t* s, const timespec* t) { return posix_sem::clockwait(s, c, t); };
}

SIGIPC_TEST(PosixSemClockwait, MonotonicDeadlineTimesOutNotEarly,
            "posix_sem.clockwait.monotonic-etimedout", "XSH sem_clockwait()",
            "sem_clockwait() with CLOCK_MONOTONIC on a locked semaphore fails with ETIMEDOUT "
            "once the CLOCK_MONOTONIC deadline has passed, never before") {
  EXPECT_TRUE(
      posix_sem::TimesOutNotBeforeDeadline(ClockLock(CLOCK_MONOTONIC), CLOCK_MONOTONIC, 60));
}

SIGIPC_TEST(PosixSemClockwait, RealtimeDeadlineTimesOutNotEarly,
            "posix_sem.clockwait.realtime-etimedout", "XSH sem_clockwait()",
            "sem_clockwait() with CLOCK_REALTIME on a locked semaphore fails with ETIMEDOUT once "
            "the CLOCK_REALTIME deadline has passed, never before") {
  EXPECT_TRUE(posix_sem::TimesOutNotBeforeDeadline(ClockLock(CLOCK_REALTIME), CLOCK_REALTIME, 60));
}

SIGIPC_TEST(PosixSemClockwait, UnsupportedClockFailsWithEinval,
            "posix_sem.clockwait.einval-bad-clock", "XSH sem_clockwait()",
            "sem_clockwait() that would block with a clock_id that names no clock fails with "
            "EINVAL") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 0));
  const timespec deadline = posix_sem::plus_ms(posix_sem::now(CLOCK_REALTIME), 2000);
  EXPECT_FAILS_WITH(posix_sem::clockwait(&s, static_cast<clockid_t>(4242), &deadline), EINVAL);
  EXPECT_EQ(posix_sem::value_of(&s), 0);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemClockwait, LocksAtOnceWhenAvailableEvenWithPastDeadline,
            "posix_sem.clockwait.available-ignores-past-deadline", "XSH sem_clockwait()",
            "sem_clockwait() on a semaphore that can be locked immediately succeeds even when "
            "the deadline has passed") {
  const timespec past{0, 0};
  EXPECT_TRUE(posix_sem::LocksAtOnceDespite(ClockLock(CLOCK_MONOTONIC), past));
}

SIGIPC_TEST(PosixSemClockwait, PastDeadlineOnLockedSemaphoreTimesOutAtOnce,
            "posix_sem.clockwait.past-deadline-etimedout", "XSH sem_clockwait()",
            "sem_clockwait() on a locked semaphore with a CLOCK_MONOTONIC deadline already "
            "passed fails with ETIMEDOUT without blocking") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 0));
  const timespec past = posix_sem::plus_ms(posix_sem::now(CLOCK_MONOTONIC), -100);
  EXPECT_FAILS_WITH(posix_sem::clockwait(&s, CLOCK_MONOTONIC, &past), ETIMEDOUT);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemClockwait, BadNsecWhenBlockingFailsWithEinval,
            "posix_sem.clockwait.einval-bad-nsec", "XSH sem_clockwait()",
            "sem_clockwait() that would block with tv_nsec < 0 or >= 1000 million fails with "
            "EINVAL") {
  EXPECT_TRUE(posix_sem::RejectsBadNsec(ClockLock(CLOCK_MONOTONIC), CLOCK_MONOTONIC, -1));
  EXPECT_TRUE(posix_sem::RejectsBadNsec(ClockLock(CLOCK_MONOTONIC), CLOCK_MONOTONIC, 1000000000L));
}

SIGIPC_TEST(PosixSemClockwait, PostBeforeDeadlineReleasesTheWaiter,
            "posix_sem.clockwait.post-releases", "XSH sem_clockwait()",
            "A process blocked in sem_clockwait() is released by sem_post() before the deadline "
            "and returns 0") {
  EXPECT_TRUE(posix_sem::PostReleasesTimedWaiter(ClockLock(CLOCK_MONOTONIC), CLOCK_MONOTONIC));
}

}  // namespace
}  // namespace sigipc
