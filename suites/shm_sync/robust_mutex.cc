// Robust process-shared mutexes in a POSIX shared memory object whose owner
// process dies holding them. XSH pthread_mutexattr_setrobust(): with
// PTHREAD_MUTEX_ROBUST, when the owner terminates holding the mutex the next
// thread that acquires it is told with [EOWNERDEAD]. XSH pthread_mutex_lock():
// [EOWNERDEAD] returns with the mutex held by the caller; if it is unlocked
// without a call to pthread_mutex_consistent() it becomes permanently
// unusable and later locks fail with [ENOTRECOVERABLE]; XSH
// pthread_mutex_trylock() (the same page) fails with it likewise.
// XSH pthread_mutex_consistent() marks the state protected by it consistent
// again, after which it behaves normally.
#include <pthread.h>

#include <cerrno>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/shm_sync/shm_sync_helpers.h"

namespace sigipc {
namespace {

using shm_sync::Backing;
using shm_sync::Region;

// A robust process-shared mutex in a POSIX object, left locked by a child
// that exited holding it (the child's status is checked too).
class OrphanedMutex {
 public:
  OrphanedMutex() : region_(Backing::kPosix, sizeof(pthread_mutex_t)) {}
  pthread_mutex_t* get() const { return region_.as<pthread_mutex_t>(); }

  // In the test: initialise and let a child die holding the lock.
  void orphan() {
    pthread_mutexattr_t attr;
    ASSERT_RETURNS_ERRNO(pthread_mutexattr_init(&attr), 0);
    SHM_SYNC_INIT_OK(pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED));
    SHM_SYNC_INIT_OK(pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST));
    ASSERT_RETURNS_ERRNO(pthread_mutex_init(get(), &attr), 0);
    pthread_mutexattr_destroy(&attr);
    pthread_mutex_t* m = get();
    ASSERT_CHILD_OK(RunInChild([m] { CHILD_CHECK_EQ(pthread_mutex_lock(m), 0); }));
  }

 private:
  Region region_;
};

#define ORPHAN_OR_RETURN(o) \
  (o).orphan();             \
  if (::testing::Test::HasFatalFailure() || ::testing::Test::IsSkipped()) return

// Another process finds m locked (trylock: EBUSY).
::testing::AssertionResult HeldForOthers(pthread_mutex_t* m) {
  WaitStatus s = RunInChild([m] { CHILD_CHECK_EQ(pthread_mutex_trylock(m), EBUSY); });
  if (s.exited() && s.exit_code() == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "another process could take the mutex: the EOWNERDEAD locker does not hold it ("
         << s.describe() << ")";
}

SIGIPC_TEST(ShmSyncRobust, NextLockerAfterOwnerDiedGetsEownerdeadAndHoldsTheMutex,
            "shm_sync.robust.owner-died-eownerdead", "XSH pthread_mutexattr_setrobust()",
            "When the process owning a robust process-shared mutex exits holding it, the next "
            "pthread_mutex_lock() in another process returns EOWNERDEAD with the mutex held by "
            "the caller (a third process's trylock gets EBUSY)") {
  OrphanedMutex o;
  ORPHAN_OR_RETURN(o);
  ASSERT_RETURNS_ERRNO(pthread_mutex_lock(o.get()), EOWNERDEAD);
  EXPECT_TRUE(HeldForOthers(o.get()));
  EXPECT_RETURNS_ERRNO(pthread_mutex_consistent(o.get()), 0);
  EXPECT_RETURNS_ERRNO(pthread_mutex_unlock(o.get()), 0);
}

SIGIPC_TEST(ShmSyncRobust, ConsistentThenUnlockMakesTheMutexNormalAgain,
            "shm_sync.robust.consistent-restores", "XSH pthread_mutex_consistent()",
            "After EOWNERDEAD, pthread_mutex_consistent() and pthread_mutex_unlock() leave a "
            "robust process-shared mutex usable: the next lock, in another process, returns 0") {
  OrphanedMutex o;
  ORPHAN_OR_RETURN(o);
  ASSERT_RETURNS_ERRNO(pthread_mutex_lock(o.get()), EOWNERDEAD);
  EXPECT_RETURNS_ERRNO(pthread_mutex_consistent(o.get()), 0);
  EXPECT_RETURNS_ERRNO(pthread_mutex_unlock(o.get()), 0);
  pthread_mutex_t* m = o.get();
  EXPECT_CHILD_OK(RunInChild([m] {
    CHILD_CHECK_EQ(pthread_mutex_lock(m), 0);
    CHILD_CHECK_EQ(pthread_mutex_unlock(m), 0);
  }));
  EXPECT_RETURNS_ERRNO(pthread_mutex_lock(o.get()), 0);
  EXPECT_RETURNS_ERRNO(pthread_mutex_unlock(o.get()), 0);
}

SIGIPC_TEST(ShmSyncRobust, UnlockWithoutConsistentMakesLaterLocksFailEnotrecoverable,
            "shm_sync.robust.unlock-unrecovered", "XSH pthread_mutex_lock()",
            "A robust process-shared mutex unlocked after EOWNERDEAD without "
            "pthread_mutex_consistent() is unusable: later pthread_mutex_lock() calls, in "
            "another process and in this one, return ENOTRECOVERABLE") {
  OrphanedMutex o;
  ORPHAN_OR_RETURN(o);
  ASSERT_RETURNS_ERRNO(pthread_mutex_lock(o.get()), EOWNERDEAD);
  EXPECT_RETURNS_ERRNO(pthread_mutex_unlock(o.get()), 0);
  pthread_mutex_t* m = o.get();
  EXPECT_CHILD_OK(RunInChild([m] { CHILD_CHECK_EQ(pthread_mutex_lock(m), ENOTRECOVERABLE); }));
  EXPECT_RETURNS_ERRNO(pthread_mutex_lock(o.get()), ENOTRECOVERABLE);
}

SIGIPC_TEST(ShmSyncRobust, TrylockOfUnrecoverableMutexLeavesItUnrecoverable,
            "shm_sync.robust.trylock-unrecovered", "XSH pthread_mutex_trylock()",
            "pthread_mutex_trylock() of a robust process-shared mutex made not recoverable "
            "returns ENOTRECOVERABLE and leaves the mutex as it was: a later "
            "pthread_mutex_lock() in another process returns ENOTRECOVERABLE instead of "
            "blocking") {
  OrphanedMutex o;
  ORPHAN_OR_RETURN(o);
  ASSERT_RETURNS_ERRNO(pthread_mutex_lock(o.get()), EOWNERDEAD);
  ASSERT_RETURNS_ERRNO(pthread_mutex_unlock(o.get()), 0);
  pthread_mutex_t* m = o.get();
  ASSERT_CHILD_OK(RunInChild([m] { CHILD_CHECK_EQ(pthread_mutex_trylock(m), ENOTRECOVERABLE); }));
  Child locker([m] { CHILD_CHECK_EQ(pthread_mutex_lock(m), ENOTRECOVERABLE); });
  // The locker does nothing but the lock: asleep means blocked in it.
  if (wait_until_sleeping(locker.pid()))
    FAIL() << "pthread_mutex_lock() blocks on a mutex a trylock found not recoverable: the "
              "trylock that returned ENOTRECOVERABLE left the mutex locked";
  EXPECT_CHILD_OK(locker.wait());
}

}  // namespace
}  // namespace sigipc
