// Unlocking: sem_post() increments, or hands the unit to exactly one waiter;
// counts are conserved under concurrent posts and waits. XSH sem_post().
#include <limits.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/wait.h>

#include <vector>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

using posix_sem::SharedSem;
using posix_sem::value_of;

SIGIPC_TEST(PosixSemPost, PostIncrementsTheValue, "posix_sem.post.increments", "XSH sem_post()",
            "sem_post() with no waiters increments the value by one and returns 0") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 0));
  EXPECT_EQ(sem_post(&s), 0);
  EXPECT_EQ(value_of(&s), 1);
  EXPECT_EQ(sem_post(&s), 0);
  EXPECT_EQ(value_of(&s), 2);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemPost, EachPostReleasesExactlyOneOfSeveralWaiters,
            "posix_sem.post.wakes-exactly-one", "XSH sem_post()",
            "With several processes blocked in sem_wait(), each sem_post() lets exactly one of "
            "them return; the others stay blocked and the value stays 0") {
  SharedSem s(0);
  Pipe done;
  Gate ready[2];
  std::vector<Child> waiters;
  for (int i = 0; i < 2; ++i) {
    waiters.emplace_back([&, i] {
      ready[i].open();
      CHILD_CHECK_OK(sem_wait(s.get()));
      posix_sem::send_int(done.wr(), i);
    });
  }
  done.close_wr();
  for (int i = 0; i < 2; ++i) {
    ready[i].wait();
    ASSERT_TRUE(posix_sem::wait_until_sleeping(waiters[static_cast<size_t>(i)].pid()));
  }
  ASSERT_TRUE(posix_sem::nothing_to_read(done.rd())) << "a waiter returned before any post";

  ASSERT_SUCCEEDS(sem_post(s.get()));
  int first = -1;
  ASSERT_TRUE(posix_sem::recv_int(done.rd(), &first)) << "no waiter returned after a post";
  ASSERT_TRUE(first == 0 || first == 1) << first;
  EXPECT_CHILD_OK(waiters[static_cast<size_t>(first)].wait());
  // One unit, one waiter: the other must still be blocked.
  const size_t other = static_cast<size_t>(1 - first);
  EXPECT_TRUE(posix_sem::nothing_to_read(done.rd())) << "one post released two waiters";
  EXPECT_EQ(waiters[other].wait(WNOHANG).raw(), -1) << "the second waiter is gone";
  EXPECT_EQ(value_of(s.get()), 0);

  ASSERT_SUCCEEDS(sem_post(s.get()));
  int second = -1;
  ASSERT_TRUE(posix_sem::recv_int(done.rd(), &second)) << "the second post released nobody";
  EXPECT_EQ(second, static_cast<int>(other));
  EXPECT_CHILD_OK(waiters[other].wait());
  EXPECT_EQ(value_of(s.get()), 0);
}

SIGIPC_TEST(PosixSemPost, PostsAndWaitsFromManyProcessesAreConserved,
            "posix_sem.post.counts-conserved", "XSH sem_post()",
            "Concurrent sem_post() and sem_wait() calls from several processes are atomic: after "
            "P posts and W <= P successful waits the value is exactly P - W") {
  constexpr int kProcs = 4, kPostsEach = 2000, kWaitsEach = 1500;
  SharedSem s(0);
  std::vector<Child> workers;
  Gate start;
  for (int i = 0; i < kProcs; ++i) {
    workers.emplace_back([&] {
      start.wait();
      // Post first so every wait below can be satisfied: no deadlock whatever
      // the interleaving (kWaitsEach <= kPostsEach).
      for (int k = 0; k < kPostsEach; ++k) {
        CHILD_CHECK_OK(sem_post(s.get()));
        if (k < kWaitsEach) CHILD_CHECK_OK(sem_wait(s.get()));
      }
    });
  }
  for (int i = 0; i < kProcs; ++i) start.open();
  for (auto& w : workers) EXPECT_CHILD_OK(w.wait());
  EXPECT_EQ(value_of(s.get()), kProcs * (kPostsEach - kWaitsEach));
}

SIGIPC_TEST(PosixSemPost, PostAtSemValueMaxFailsWithEoverflow, "posix_sem.post.eoverflow-at-max",
            "Linux-only, sem_post(3)",
            "sem_post() of a semaphore at {SEM_VALUE_MAX} fails with EOVERFLOW and leaves the "
            "value unchanged") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, static_cast<unsigned>(SEM_VALUE_MAX)));
  EXPECT_FAILS_WITH(sem_post(&s), EOVERFLOW);
  EXPECT_EQ(value_of(&s), SEM_VALUE_MAX);
  // One below the maximum still posts: the limit is exactly SEM_VALUE_MAX.
  ASSERT_SUCCEEDS(sem_trywait(&s));
  EXPECT_SUCCEEDS(sem_post(&s));
  EXPECT_EQ(value_of(&s), SEM_VALUE_MAX);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemPost, NPostsReleaseNWaiters, "posix_sem.post.n-posts-release-n-waiters",
            "XSH sem_post()",
            "With three processes blocked in sem_wait(), three sem_post() calls release all three "
            "and leave the value 0") {
  constexpr int kWaiters = 3;
  SharedSem s(0);
  std::vector<Child> waiters;
  ASSERT_TRUE(posix_sem::StartBlockedWaiters(s, &waiters, kWaiters));
  for (int i = 0; i < kWaiters; ++i) ASSERT_SUCCEEDS(sem_post(s.get()));
  for (auto& w : waiters) EXPECT_CHILD_OK(w.wait());
  EXPECT_EQ(value_of(s.get()), 0);
}

SIGIPC_TEST(PosixSemPost, PostWithWaiterDoesNotRaiseTheValue, "posix_sem.post.waiter-consumes-unit",
            "XSH sem_post()",
            "When the value resulting from sem_post() is handed to a blocked waiter, that "
            "waiter's sem_wait() returns and the semaphore stays locked (a later sem_trywait() "
            "fails with EAGAIN)") {
  SharedSem s(0);
  Gate about_to_wait;
  Child c([&] {
    about_to_wait.open();
    CHILD_CHECK_OK(sem_wait(s.get()));
  });
  about_to_wait.wait();
  ASSERT_TRUE(posix_sem::wait_until_sleeping(c.pid()));
  ASSERT_SUCCEEDS(sem_post(s.get()));
  EXPECT_CHILD_OK(c.wait());
  EXPECT_FAILS_WITH(sem_trywait(s.get()), EAGAIN);
}

}  // namespace
}  // namespace sigipc
