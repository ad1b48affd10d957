// sem_timedwait(): an absolute CLOCK_REALTIME deadline, checked only when
// the call would block. XSH sem_timedwait().
#include <semaphore.h>
#include <time.h>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

const posix_sem::TimedLock kTimedwait = [](sem_t* s, const timespec* t) {
  return sem_timedwait(s, t);
};

SIGIPC_TEST(PosixSemTimedwait, LocksAtOnceWhenAvailableEvenWithPastDeadline,
            "posix_sem.timedwait.available-ignores-past-deadline", "XSH sem_timedwait()",
            "sem_timedwait() on a semaphore that can be locked immediately succeeds even when "
            "abstime has already passed (it never times out then)") {
  timespec past = posix_sem::plus_ms(posix_sem::now(CLOCK_REALTIME), -5000);
  EXPECT_TRUE(posix_sem::LocksAtOnceDespite(kTimedwait, past));
  EXPECT_TRUE(posix_sem::LocksAtOnceDespite(kTimedwait, timespec{0, 0}));
}

// "Need not be checked" permits, not requires, skipping the check: glibc
// checks tv_nsec first. What the page does require is "Under no circumstance
// shall the function fail with a timeout if the semaphore can be locked
// immediately", and a failed call leaves the semaphore unchanged.
::testing::AssertionResult LocksOrEinvalNeverTimesOut(long nsec) {
  sem_t s;
  if (sem_init(&s, 0, 1) != 0) setup_error_errno(__FILE__, __LINE__, "sem_init", errno);
  timespec bad = posix_sem::plus_ms(posix_sem::now(CLOCK_REALTIME), -1000);
  bad.tv_nsec = nsec;
  errno = 0;
  int r = sem_timedwait(&s, &bad);
  int e = errno;
  int v = posix_sem::value_of(&s);
  sem_destroy(&s);
  if (r == 0 && v == 0) return ::testing::AssertionSuccess();
  if (r == -1 && e == EINVAL && v == 1) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "tv_nsec " << nsec << ": returned " << r << " errno " << ErrnoText(e) << ", value " << v
         << " (want 0 and value 0, or EINVAL and value 1)";
}

SIGIPC_TEST(PosixSemTimedwait, AvailableWithInvalidAbstimeNeverTimesOut,
            "posix_sem.timedwait.available-invalid-abstime-no-timeout", "XSH sem_timedwait()",
            "sem_timedwait() on a semaphore that can be locked immediately, with an invalid and "
            "past abstime, never fails with ETIMEDOUT: it locks, or (abstime checked) fails with "
            "EINVAL leaving the value unchanged") {
  EXPECT_TRUE(LocksOrEinvalNeverTimesOut(1000000000L));
  EXPECT_TRUE(LocksOrEinvalNeverTimesOut(-1));
}

SIGIPC_TEST(PosixSemTimedwait, TimesOutWithEtimedoutNotBeforeTheDeadline,
            "posix_sem.timedwait.etimedout-at-deadline", "XSH sem_timedwait()",
            "sem_timedwait() on a locked semaphore waits until abstime (CLOCK_REALTIME) passes, "
            "then fails with ETIMEDOUT, never earlier, leaving the value 0") {
  EXPECT_TRUE(posix_sem::TimesOutNotBeforeDeadline(kTimedwait, CLOCK_REALTIME, 60));
}

SIGIPC_TEST(PosixSemTimedwait, PastDeadlineOnLockedSemaphoreTimesOutAtOnce,
            "posix_sem.timedwait.past-deadline-etimedout", "XSH sem_timedwait()",
            "sem_timedwait() on a locked semaphore with an abstime that has already passed fails "
            "with ETIMEDOUT without blocking") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 0));
  const timespec past = posix_sem::plus_ms(posix_sem::now(CLOCK_REALTIME), -1000);
  EXPECT_FAILS_WITH(sem_timedwait(&s, &past), ETIMEDOUT);
  const timespec epoch{0, 0};
  EXPECT_FAILS_WITH(sem_timedwait(&s, &epoch), ETIMEDOUT);
  EXPECT_EQ(posix_sem::value_of(&s), 0);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemTimedwait, NegativeNsecWhenBlockingFailsWithEinval,
            "posix_sem.timedwait.einval-nsec-negative", "XSH sem_timedwait()",
            "sem_timedwait() that would block with abstime->tv_nsec < 0 fails with EINVAL") {
  EXPECT_TRUE(posix_sem::RejectsBadNsec(kTimedwait, CLOCK_REALTIME, -1));
}

SIGIPC_TEST(PosixSemTimedwait, NsecOfOneBillionWhenBlockingFailsWithEinval,
            "posix_sem.timedwait.einval-nsec-too-large", "XSH sem_timedwait()",
            "sem_timedwait() that would block with abstime->tv_nsec >= 1000 million fails with "
            "EINVAL") {
  EXPECT_TRUE(posix_sem::RejectsBadNsec(kTimedwait, CLOCK_REALTIME, 1000000000L));
  EXPECT_TRUE(posix_sem::RejectsBadNsec(kTimedwait, CLOCK_REALTIME, 2000000000L));
}

SIGIPC_TEST(PosixSemTimedwait, PostBeforeDeadlineReleasesTheWaiter,
            "posix_sem.timedwait.post-releases", "XSH sem_timedwait()",
            "A process blocked in sem_timedwait() is released by sem_post() before abstime and "
            "returns 0") {
  EXPECT_TRUE(posix_sem::PostReleasesTimedWaiter(kTimedwait, CLOCK_REALTIME));
}

SIGIPC_TEST(PosixSemTimedwait, DeadlineIsAbsoluteNotRelative,
            "posix_sem.timedwait.absolute-deadline", "XSH sem_timedwait()",
            "abstime is an absolute time: {3 s, 0} (long past as an absolute time) makes a "
            "locked sem_timedwait() fail with ETIMEDOUT at once, not after 3 s") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 0));
  const timespec small{3, 0};
  const timespec start = posix_sem::now(CLOCK_MONOTONIC);
  EXPECT_FAILS_WITH(sem_timedwait(&s, &small), ETIMEDOUT);
  // A relative reading would take at least 3000 ms.
  EXPECT_LT(posix_sem::ms_between(posix_sem::now(CLOCK_MONOTONIC), start), 2900.0);
  sem_destroy(&s);
}

}  // namespace
}  // namespace sigipc
