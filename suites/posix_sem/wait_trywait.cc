// Locking: sem_wait() decrements or blocks, sem_trywait() decrements or fails
// with EAGAIN. XSH sem_wait() (sem_trywait() shares the page).
#include <semaphore.h>
#include <signal.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

using posix_sem::SharedSem;
using posix_sem::value_of;

SIGIPC_TEST(PosixSemWait, WaitOnPositiveValueDecrementsByOne, "posix_sem.wait.decrements",
            "XSH sem_wait()",
            "sem_wait() on a semaphore with value > 0 locks it by decrementing the value by one "
            "and returns 0 (1 -> 0, 3 -> 2)") {
  for (unsigned v : {1u, 3u}) {
    sem_t s;
    ASSERT_SUCCEEDS(sem_init(&s, 0, v));
    EXPECT_EQ(sem_wait(&s), 0);
    EXPECT_EQ(value_of(&s), static_cast<int>(v) - 1) << "initial value " << v;
    sem_destroy(&s);
  }
}

SIGIPC_TEST(PosixSemWait, WaitAtZeroBlocksUntilPost, "posix_sem.wait.blocks-until-post",
            "XSH sem_wait()",
            "sem_wait() at value 0 does not return until the semaphore is unlocked by "
            "sem_post(); it then returns 0 with the value back at 0") {
  SharedSem s(0);
  Pipe status;
  Gate about_to_wait;
  Child c([&] {
    about_to_wait.open();
    posix_sem::send_int(status.wr(), posix_sem::outcome(sem_wait(s.get())));
  });
  status.close_wr();
  about_to_wait.wait();
  ASSERT_TRUE(posix_sem::wait_until_sleeping(c.pid())) << "the child never blocked";
  // Asleep in sem_wait with nothing posted: it must not have completed.
  EXPECT_TRUE(posix_sem::nothing_to_read(status.rd())) << "sem_wait returned at value 0";
  EXPECT_EQ(value_of(s.get()), 0);
  ASSERT_SUCCEEDS(sem_post(s.get()));
  int rc = -1;
  ASSERT_TRUE(posix_sem::recv_int(status.rd(), &rc)) << "the waiter never reported";
  EXPECT_EQ(rc, 0) << ErrnoText(rc);
  EXPECT_CHILD_OK(c.wait());
  EXPECT_EQ(value_of(s.get()), 0) << "the post was not consumed by the woken waiter";
}

SIGIPC_TEST(PosixSemWait, TrywaitAtZeroFailsWithEagainAndLeavesValue,
            "posix_sem.trywait.zero-eagain", "XSH sem_trywait()",
            "sem_trywait() when the semaphore is locked (value 0) fails with EAGAIN without "
            "blocking, and the value stays 0") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 0));
  EXPECT_FAILS_WITH(sem_trywait(&s), EAGAIN);
  EXPECT_EQ(value_of(&s), 0);
  // The failure changed nothing: one post gives exactly one lock.
  ASSERT_SUCCEEDS(sem_post(&s));
  EXPECT_SUCCEEDS(sem_trywait(&s));
  EXPECT_FAILS_WITH(sem_trywait(&s), EAGAIN);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemWait, TrywaitOnPositiveValueDecrements, "posix_sem.trywait.decrements",
            "XSH sem_trywait()",
            "sem_trywait() on a semaphore with value > 0 locks it (value - 1) and returns 0") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 2));
  EXPECT_EQ(sem_trywait(&s), 0);
  EXPECT_EQ(value_of(&s), 1);
  EXPECT_EQ(sem_trywait(&s), 0);
  EXPECT_EQ(value_of(&s), 0);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemWait, TrywaitDoesNotBlockWhileOthersWait,
            "posix_sem.trywait.no-block-with-waiters", "XSH sem_trywait()",
            "sem_trywait() fails with EAGAIN at once even while another process is blocked in "
            "sem_wait() on the same semaphore") {
  SharedSem s(0);
  Gate about_to_wait;
  Child c([&] {
    about_to_wait.open();
    CHILD_CHECK_OK(sem_wait(s.get()));
  });
  about_to_wait.wait();
  ASSERT_TRUE(posix_sem::wait_until_sleeping(c.pid()));
  EXPECT_FAILS_WITH(sem_trywait(s.get()), EAGAIN);
  ASSERT_SUCCEEDS(sem_post(s.get()));
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(PosixSemWait, WaitLocksOnlyAsManyTimesAsTheValue, "posix_sem.wait.counts-down-to-zero",
            "XSH sem_wait()",
            "A semaphore of value n admits exactly n sem_wait()/sem_trywait() locks before it "
            "is locked (the next sem_trywait() fails with EAGAIN)") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 4));
  for (int i = 0; i < 4; ++i) ASSERT_SUCCEEDS(i % 2 ? sem_wait(&s) : sem_trywait(&s)) << i;
  EXPECT_FAILS_WITH(sem_trywait(&s), EAGAIN);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemWait, WaitOnNamedSemaphoreBlocksUntilPostFromAnotherProcess,
            "posix_sem.wait.named-cross-process", "XSH sem_wait()",
            "A sem_wait() blocked on a named semaphore is released by a sem_post() from another "
            "process that opened the same name") {
  SemName n;
  SemHandle h(posix_sem::create_named(n, 0600, 0));
  Gate about_to_wait;
  Child waiter([&] {
    sem_t* s = sem_open(n.c_str(), 0);
    CHILD_CHECK(s != SEM_FAILED);
    about_to_wait.open();
    CHILD_CHECK_OK(sem_wait(s));
  });
  about_to_wait.wait();
  ASSERT_TRUE(posix_sem::wait_until_sleeping(waiter.pid()));
  EXPECT_EQ(waiter.wait(WNOHANG).raw(), -1) << "sem_wait returned at value 0";
  Child poster([&] {
    sem_t* s = sem_open(n.c_str(), 0);
    CHILD_CHECK(s != SEM_FAILED);
    CHILD_CHECK_OK(sem_post(s));
  });
  EXPECT_CHILD_OK(poster.wait());
  EXPECT_CHILD_OK(waiter.wait());
  EXPECT_EQ(value_of(h.get()), 0);
}

}  // namespace
}  // namespace sigipc
