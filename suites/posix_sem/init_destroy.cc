// Unnamed semaphores: sem_init() sets the value and the sharing scope,
// sem_destroy() releases an unused one. XSH sem_init(), XSH sem_destroy().
#include <limits.h>
#include <semaphore.h>
#include <sys/mman.h>

#include <atomic>
#include <thread>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

using posix_sem::SharedSem;
using posix_sem::value_of;

SIGIPC_TEST(PosixSemInit, InitSetsTheGivenValue, "posix_sem.init.sets-value", "XSH sem_init()",
            "sem_init() initialises the semaphore's value to value (seen through sem_getvalue())") {
  for (unsigned v : {0u, 1u, 7u, 32767u}) {
    sem_t s;
    ASSERT_SUCCEEDS(sem_init(&s, 0, v));
    int got = -1;
    EXPECT_SUCCEEDS(sem_getvalue(&s, &got));
    EXPECT_EQ(got, static_cast<int>(v)) << "initial value " << v;
    EXPECT_SUCCEEDS(sem_destroy(&s));
  }
}

SIGIPC_TEST(PosixSemInit, InitReturnsZeroOnSuccess, "posix_sem.init.returns-zero", "XSH sem_init()",
            "Upon successful completion sem_init() returns 0") {
  sem_t s;
  EXPECT_EQ(sem_init(&s, 0, 3), 0);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemInit, InitAcceptsSemValueMax, "posix_sem.init.accepts-sem-value-max",
            "XSH sem_init()",
            "sem_init() accepts value == {SEM_VALUE_MAX} (EINVAL only when it is exceeded)") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, static_cast<unsigned>(SEM_VALUE_MAX)));
  EXPECT_EQ(value_of(&s), SEM_VALUE_MAX);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemInit, InitAboveSemValueMaxFailsWithEinval,
            "posix_sem.init.value-above-max-einval", "XSH sem_init()",
            "sem_init() fails with EINVAL when value exceeds {SEM_VALUE_MAX}") {
  if (static_cast<unsigned long long>(SEM_VALUE_MAX) >= UINT_MAX)
    SIGIPC_UNSUPPORTED("SEM_VALUE_MAX is the largest unsigned value: no value exceeds it");
  sem_t s;
  EXPECT_FAILS_WITH(sem_init(&s, 0, static_cast<unsigned>(SEM_VALUE_MAX) + 1u), EINVAL);
  EXPECT_FAILS_WITH(sem_init(&s, 1, UINT_MAX), EINVAL);
}

SIGIPC_TEST(PosixSemInit, ProcessSharedSemaphoreInSharedMemoryWorksAcrossFork,
            "posix_sem.init.pshared-across-fork", "XSH sem_init()",
            "With pshared != 0 in memory shared by processes, any process with access to it can "
            "use the semaphore: a child's sem_post() releases the parent's sem_wait()") {
  SharedSem s(0);
  Child c([&] { CHILD_CHECK_OK(sem_post(s.get())); });
  EXPECT_CHILD_OK(c.wait());
  // A post in a private copy of the memory would leave the parent's value 0.
  EXPECT_EQ(posix_sem::value_of(s.get()), 1);
  EXPECT_SUCCEEDS(sem_trywait(s.get()));
}

SIGIPC_TEST(PosixSemInit, ProcessSharedSemaphoreValueIsVisibleInChild,
            "posix_sem.init.pshared-value-visible", "XSH sem_init()",
            "A process-shared semaphore initialised by the parent has the initial value in a "
            "child, and the child's sem_wait() decrements the one semaphore both see") {
  SharedSem s(5);
  Child c([&] {
    CHILD_CHECK_EQ(value_of(s.get()), 5);
    CHILD_CHECK_OK(sem_wait(s.get()));
  });
  EXPECT_CHILD_OK(c.wait());
  EXPECT_EQ(value_of(s.get()), 4);
}

SIGIPC_TEST(PosixSemInit, ThreadSharedSemaphoreWorksBetweenThreads,
            "posix_sem.init.pshared-zero-threads", "XSH sem_init()",
            "With pshared == 0 any thread of the process can use the semaphore: a thread's "
            "sem_post() releases another thread's sem_wait()") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 0));
  std::atomic<int> rc{-2};
  std::thread waiter([&] { rc = sem_wait(&s); });
  std::thread poster([&] { sem_post(&s); });
  poster.join();
  waiter.join();
  EXPECT_EQ(rc.load(), 0);
  EXPECT_EQ(value_of(&s), 0);
  sem_destroy(&s);
}

SIGIPC_TEST(PosixSemInit, DestroyOfUnusedSemaphoreSucceeds, "posix_sem.destroy.unused-succeeds",
            "XSH sem_destroy()",
            "sem_destroy() of an initialised semaphore no thread is blocked on returns 0") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 2));
  EXPECT_EQ(sem_destroy(&s), 0);
}

SIGIPC_TEST(PosixSemInit, DestroyedSemaphoreCanBeReinitialised, "posix_sem.destroy.reinit-allowed",
            "XSH sem_destroy()",
            "A destroyed semaphore object can be reinitialised with sem_init(), which sets the "
            "new value") {
  sem_t s;
  ASSERT_SUCCEEDS(sem_init(&s, 0, 4));
  ASSERT_SUCCEEDS(sem_destroy(&s));
  ASSERT_SUCCEEDS(sem_init(&s, 0, 1));
  EXPECT_EQ(value_of(&s), 1);
  EXPECT_SUCCEEDS(sem_trywait(&s));
  EXPECT_FAILS_WITH(sem_trywait(&s), EAGAIN);
  EXPECT_SUCCEEDS(sem_destroy(&s));
}

SIGIPC_TEST(PosixSemInit, ProcessSharedDestroyOfUnusedSemaphoreSucceeds,
            "posix_sem.destroy.pshared-unused-succeeds", "XSH sem_destroy()",
            "sem_destroy() of an unused process-shared semaphore returns 0") {
  Mapping m = Mapping::shared_anonymous(sizeof(sem_t));
  ASSERT_SUCCEEDS(sem_init(m.as<sem_t>(), 1, 0));
  EXPECT_EQ(sem_destroy(m.as<sem_t>()), 0);
}

}  // namespace
}  // namespace sigipc
