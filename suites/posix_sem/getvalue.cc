// sem_getvalue(): the value without changing it, what it reports while
// processes wait, and the one value every process sees. XSH sem_getvalue().
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

using posix_sem::SharedSem;
using posix_sem::value_of;

SIGIPC_TEST(PosixSemGetvalue, GetvalueStoresTheValueAndReturnsZero,
            "posix_sem.getvalue.reports-value", "XSH sem_getvalue()",
            "sem_getvalue() stores the semaphore's current value in *sval and returns 0") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 6));
  int v = -1;
  EXPECT_EQ(sem_getvalue(&s, &v), 0);
  EXPECT_EQ(v, 6);
  ASSERT_SUCCEEDS(sem_trywait(&s));
  EXPECT_EQ(sem_getvalue(&s, &v), 0);
  EXPECT_EQ(v, 5);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemGetvalue, GetvalueDoesNotChangeTheState, "posix_sem.getvalue.no-side-effect",
            "XSH sem_getvalue()",
            "sem_getvalue() does not affect the state of the semaphore: repeated calls report "
            "the same value and the number of available locks is unchanged") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 1));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(value_of(&s), 1) << "call " << i;
  EXPECT_SUCCEEDS(sem_trywait(&s));
  EXPECT_FAILS_WITH(sem_trywait(&s), EAGAIN);
  sem_destroy(&s);
}

void ReleaseAll(SharedSem& s, std::vector<Child>& waiters) {
  for (size_t i = 0; i < waiters.size(); ++i) ASSERT_SUCCEEDS(sem_post(s.get()));
  for (auto& w : waiters) EXPECT_CHILD_OK(w.wait());
}

SIGIPC_TEST(PosixSemGetvalue, GetvalueWithWaitersIsZeroOrMinusWaiterCount,
            "posix_sem.getvalue.locked-zero-or-negative", "XSH sem_getvalue()",
            "While the semaphore is locked with processes blocked on it, sem_getvalue() reports "
            "either 0 or a negative number whose absolute value is the number of waiters") {
  SharedSem s(0);
  std::vector<Child> waiters;
  ASSERT_TRUE(posix_sem::StartBlockedWaiters(s, &waiters, 2));
  int v = 1;
  ASSERT_SUCCEEDS(sem_getvalue(s.get(), &v));
  EXPECT_TRUE(v == 0 || v == -2) << "value " << v << " with 2 waiters";
  ReleaseAll(s, waiters);
}

SIGIPC_TEST(PosixSemGetvalue, LinuxGetvalueWithWaitersIsZero,
            "posix_sem.linux.getvalue-waiters-zero", "Linux-only, sem_getvalue(3)",
            "Of the two behaviours POSIX permits, Linux reports 0 (not a negative waiter count) "
            "while processes are blocked on the semaphore") {
  SharedSem s(0);
  std::vector<Child> waiters;
  ASSERT_TRUE(posix_sem::StartBlockedWaiters(s, &waiters, 1));
  EXPECT_EQ(value_of(s.get()), 0);
  ReleaseAll(s, waiters);
}

SIGIPC_TEST(PosixSemGetvalue, OtherProcessSeesTheSameNamedValue,
            "posix_sem.getvalue.named-shared-value", "XSH sem_getvalue()",
            "Another process that opens the same named semaphore reads the same value with "
            "sem_getvalue(), including changes made after it opened it") {
  SemName n;
  SemHandle h(posix_sem::create_named(n, 0600, 3));
  Gate opened, posted;
  Child c([&] {
    sem_t* s = sem_open(n.c_str(), 0);
    CHILD_CHECK(s != SEM_FAILED);
    CHILD_CHECK_EQ(value_of(s), 3);
    opened.open();
    posted.wait();
    CHILD_CHECK_EQ(value_of(s), 4);
  });
  opened.wait();
  ASSERT_SUCCEEDS(sem_post(h.get()));
  posted.open();
  EXPECT_CHILD_OK(c.wait());
}

}  // namespace
}  // namespace sigipc
