// PTHREAD_PROCESS_SHARED mutexes, condition variables, rwlocks and barriers
// placed in shared memory (a POSIX object and a System V segment) and used by
// several forked processes, through the mapping inherited across fork() and
// through further mappings of the same memory at other addresses.
// XSH pthread_mutexattr_setpshared(), pthread_condattr_setpshared(),
// pthread_rwlockattr_setpshared(), pthread_barrierattr_setpshared(): with
// PTHREAD_PROCESS_SHARED the object may be operated on by any thread of any
// process with access to the memory where it is allocated. XSH 2.9.9: such an
// object may be used through any mapping of that memory.
#include <pthread.h>
#include <sched.h>

#include <atomic>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "suites/shm_sync/shm_sync_helpers.h"

namespace sigipc {
namespace {

using shm_sync::Backing;
using shm_sync::Region;
using shm_sync::Workers;

constexpr int kWorkers = 4;

// A few instructions between reading and writing the counter, so two
// processes inside the critical section at once lose an update.
void pause_briefly() {
  for (volatile int i = 0; i < 20; ++i) {
  }
}

// ---- mutex: no lost increment ----

struct Counted {
  pthread_mutex_t mutex;
  volatile long counter;
};

// Each worker adds rounds to the counter under the mutex, through the
// mapping at offset 0 of its own Region view (remap: a mapping made in the
// worker, at another address than the one the mutex was initialised at).
void CountUnderMutex(Backing backing, bool remap) {
  Region region(backing, sizeof(Counted));
  Counted* shared = region.as<Counted>();
  pthread_mutexattr_t attr;
  ASSERT_RETURNS_ERRNO(pthread_mutexattr_init(&attr), 0);
  SHM_SYNC_INIT_OK(pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED));
  ASSERT_RETURNS_ERRNO(pthread_mutex_init(&shared->mutex, &attr), 0);
  pthread_mutexattr_destroy(&attr);
  shared->counter = 0;
  constexpr int kRounds = 2000;
  Workers workers(kWorkers, [&](int) {
    Counted* c = shared;
    if (remap) {
      c = static_cast<Counted*>(region.map_again());
      CHILD_CHECK(c != shared);
    }
    for (int i = 0; i < kRounds; ++i) {
      CHILD_CHECK_EQ(pthread_mutex_lock(&c->mutex), 0);
      const long v = c->counter;
      pause_briefly();
      c->counter = v + 1;
      CHILD_CHECK_EQ(pthread_mutex_unlock(&c->mutex), 0);
    }
  });
  workers.wait_all();
  EXPECT_EQ(shared->counter, static_cast<long>(kWorkers) * kRounds)
      << "increments made under the mutex were lost (" << shm_sync::describe(backing) << ")";
  EXPECT_RETURNS_ERRNO(pthread_mutex_destroy(&shared->mutex), 0);
}

SIGIPC_TEST(ShmSyncMutex, ProcessSharedMutexInPosixObjectLosesNoIncrement,
            "shm_sync.mutex.pshared-posix-no-lost-update", "XSH pthread_mutexattr_setpshared()",
            "A PTHREAD_PROCESS_SHARED mutex in a POSIX shared memory object excludes 4 "
            "processes from each other: 4 x 2000 increments under it all count") {
  CountUnderMutex(Backing::kPosix, false);
}

SIGIPC_TEST(ShmSyncMutex, ProcessSharedMutexInSysvSegmentLosesNoIncrement,
            "shm_sync.mutex.pshared-sysv-no-lost-update", "XSH pthread_mutexattr_setpshared()",
            "A PTHREAD_PROCESS_SHARED mutex in a System V shared memory segment excludes 4 "
            "processes from each other: 4 x 2000 increments under it all count") {
  CountUnderMutex(Backing::kSysv, false);
}

SIGIPC_TEST(ShmSyncMutex, ProcessSharedMutexWorksThroughMappingsAtOtherAddresses,
            "shm_sync.mutex.pshared-other-mapping", "XSH 2.9.9",
            "A PTHREAD_PROCESS_SHARED mutex in a POSIX object, used by 4 processes each through "
            "a mapping of its own at another address than the one it was initialised at, "
            "loses no increment") {
  CountUnderMutex(Backing::kPosix, true);
}

SIGIPC_TEST(ShmSyncMutex, ProcessSharedMutexWorksThroughSysvAttachesAtOtherAddresses,
            "shm_sync.mutex.pshared-other-attach", "XSH 2.9.9",
            "A PTHREAD_PROCESS_SHARED mutex in a System V segment, used by 4 processes each "
            "through an shmat() of its own at another address, loses no increment") {
  CountUnderMutex(Backing::kSysv, true);
}

// ---- condition variable: a predicate handed back and forth ----

struct PingPong {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  volatile int turn;  // the worker whose move it is
};

void InitPingPong(PingPong* p) {
  pthread_mutexattr_t ma;
  ASSERT_RETURNS_ERRNO(pthread_mutexattr_init(&ma), 0);
  SHM_SYNC_INIT_OK(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED));
  ASSERT_RETURNS_ERRNO(pthread_mutex_init(&p->mutex, &ma), 0);
  pthread_mutexattr_destroy(&ma);
  pthread_condattr_t ca;
  ASSERT_RETURNS_ERRNO(pthread_condattr_init(&ca), 0);
  SHM_SYNC_INIT_OK(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED));
  ASSERT_RETURNS_ERRNO(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
  ASSERT_RETURNS_ERRNO(pthread_cond_init(&p->cond, &ca), 0);
  pthread_condattr_destroy(&ca);
  p->turn = 0;
}

// Two processes take turns rounds times: each waits on the condition
// variable until turn names it, then passes the turn and signals. A wake-up
// that does not reach the other process leaves it waiting past the deadline.
void PassTheTurn(Backing backing) {
  Region region(backing, sizeof(PingPong));
  PingPong* p = region.as<PingPong>();
  InitPingPong(p);
  if (::testing::Test::HasFatalFailure() || ::testing::Test::IsSkipped()) return;
  constexpr int kRounds = 300;
  Workers workers(2, [p](int me) {
    for (int i = 0; i < kRounds; ++i) {
      CHILD_CHECK_EQ(pthread_mutex_lock(&p->mutex), 0);
      const timespec deadline = shm_sync::monotonic_deadline(shm_sync::kWakeDeadlineS);
      int r = 0;
      while (p->turn != me && r == 0) r = pthread_cond_timedwait(&p->cond, &p->mutex, &deadline);
      if (r != 0) {
        pthread_mutex_unlock(&p->mutex);  // or the other worker blocks in lock for good
        check_fail(__FILE__, __LINE__, "pthread_cond_timedwait() == 0",
                   "the wait failed or timed out: the other process's signal never woke it", true);
      }
      p->turn = 1 - me;
      CHILD_CHECK_EQ(pthread_cond_signal(&p->cond), 0);
      CHILD_CHECK_EQ(pthread_mutex_unlock(&p->mutex), 0);
    }
  });
  workers.wait_all();
  EXPECT_RETURNS_ERRNO(pthread_cond_destroy(&p->cond), 0);
  EXPECT_RETURNS_ERRNO(pthread_mutex_destroy(&p->mutex), 0);
}

SIGIPC_TEST(ShmSyncCond, ProcessSharedCondInPosixObjectWakesTheOtherProcess,
            "shm_sync.cond.pshared-posix-wakes", "XSH pthread_condattr_setpshared()",
            "A PTHREAD_PROCESS_SHARED condition variable in a POSIX shared memory object wakes a "
            "waiter in another process: two processes hand a predicate back and forth 300 times, "
            "no wait lasts 3 s") {
  PassTheTurn(Backing::kPosix);
}

SIGIPC_TEST(ShmSyncCond, ProcessSharedCondInSysvSegmentWakesTheOtherProcess,
            "shm_sync.cond.pshared-sysv-wakes", "XSH pthread_condattr_setpshared()",
            "A PTHREAD_PROCESS_SHARED condition variable in a System V segment wakes a waiter in "
            "another process: two processes hand a predicate back and forth 300 times, no wait "
            "lasts 3 s") {
  PassTheTurn(Backing::kSysv);
}

// ---- rwlock: readers see consistent pairs ----

struct Pair {
  pthread_rwlock_t lock;
  volatile long a;
  volatile long b;  // equal to a whenever no writer holds the lock
};

// Workers 0 and 1 write (a then b, one step apart), 2 and 3 read and check
// a == b under the read lock.
void ReadPairsUnderRwlock(Backing backing) {
  Region region(backing, sizeof(Pair));
  Pair* p = region.as<Pair>();
  pthread_rwlockattr_t attr;
  ASSERT_RETURNS_ERRNO(pthread_rwlockattr_init(&attr), 0);
  SHM_SYNC_INIT_OK(pthread_rwlockattr_setpshared(&attr, PTHREAD_PROCESS_SHARED));
  ASSERT_RETURNS_ERRNO(pthread_rwlock_init(&p->lock, &attr), 0);
  pthread_rwlockattr_destroy(&attr);
  p->a = p->b = 0;
  constexpr int kRounds = 1000;
  Workers workers(4, [p](int i) {
    for (int n = 0; n < kRounds; ++n) {
      if (i < 2) {
        CHILD_CHECK_EQ(pthread_rwlock_wrlock(&p->lock), 0);
        p->a = p->a + 1;
        pause_briefly();
        p->b = p->b + 1;
      } else {
        CHILD_CHECK_EQ(pthread_rwlock_rdlock(&p->lock), 0);
        const long a = p->a;
        pause_briefly();
        CHILD_CHECK_EQ(p->b, a);
      }
      CHILD_CHECK_EQ(pthread_rwlock_unlock(&p->lock), 0);
    }
  });
  workers.wait_all();
  EXPECT_EQ(p->a, 2 * kRounds) << "writes made under the write lock were lost";
  EXPECT_EQ(p->b, 2 * kRounds);
  EXPECT_RETURNS_ERRNO(pthread_rwlock_destroy(&p->lock), 0);
}

SIGIPC_TEST(ShmSyncRwlock, ProcessSharedRwlockInPosixObjectShowsReadersWholeWrites,
            "shm_sync.rwlock.pshared-posix-consistent", "XSH pthread_rwlockattr_setpshared()",
            "A PTHREAD_PROCESS_SHARED rwlock in a POSIX shared memory object: readers in 2 "
            "processes never see a pair half-written by writers in 2 others, and no write is "
            "lost") {
  ReadPairsUnderRwlock(Backing::kPosix);
}

SIGIPC_TEST(ShmSyncRwlock, ProcessSharedRwlockInSysvSegmentShowsReadersWholeWrites,
            "shm_sync.rwlock.pshared-sysv-consistent", "XSH pthread_rwlockattr_setpshared()",
            "A PTHREAD_PROCESS_SHARED rwlock in a System V segment: readers in 2 processes never "
            "see a pair half-written by writers in 2 others, and no write is lost") {
  ReadPairsUnderRwlock(Backing::kSysv);
}

// ---- barrier: one serial thread a round, nobody through early ----

constexpr int kBarrierRounds = 100;

struct Rounds {
  pthread_barrier_t barrier;
  std::atomic<int> arrived[kBarrierRounds];
  std::atomic<int> serial[kBarrierRounds];
};

void MeetAtBarrier(Backing backing) {
  Region region(backing, sizeof(Rounds));
  Rounds* r = new (region.get()) Rounds();
  pthread_barrierattr_t attr;
  ASSERT_RETURNS_ERRNO(pthread_barrierattr_init(&attr), 0);
  SHM_SYNC_INIT_OK(pthread_barrierattr_setpshared(&attr, PTHREAD_PROCESS_SHARED));
  ASSERT_RETURNS_ERRNO(pthread_barrier_init(&r->barrier, &attr, 3), 0);
  pthread_barrierattr_destroy(&attr);
  Workers workers(3, [r](int) {
    for (int n = 0; n < kBarrierRounds; ++n) {
      r->arrived[n].fetch_add(1);
      const int ret = pthread_barrier_wait(&r->barrier);
      CHILD_CHECK(ret == 0 || ret == PTHREAD_BARRIER_SERIAL_THREAD);
      if (ret == PTHREAD_BARRIER_SERIAL_THREAD) r->serial[n].fetch_add(1);
      CHILD_CHECK_EQ(r->arrived[n].load(), 3);  // nobody returns before all arrived
    }
  });
  workers.wait_all();
  for (int n = 0; n < kBarrierRounds; ++n)
    EXPECT_EQ(r->serial[n].load(), 1)
        << "round " << n << ": PTHREAD_BARRIER_SERIAL_THREAD went to that many processes";
  EXPECT_RETURNS_ERRNO(pthread_barrier_destroy(&r->barrier), 0);
}

SIGIPC_TEST(ShmSyncBarrier, ProcessSharedBarrierInPosixObjectHasOneSerialProcessPerRound,
            "shm_sync.barrier.pshared-posix-serial-once", "XSH pthread_barrierattr_setpshared()",
            "A PTHREAD_PROCESS_SHARED barrier of 3 in a POSIX shared memory object releases 3 "
            "processes only when all arrived, and returns PTHREAD_BARRIER_SERIAL_THREAD to "
            "exactly one of them in each of 100 rounds") {
  MeetAtBarrier(Backing::kPosix);
}

SIGIPC_TEST(ShmSyncBarrier, ProcessSharedBarrierInSysvSegmentHasOneSerialProcessPerRound,
            "shm_sync.barrier.pshared-sysv-serial-once", "XSH pthread_barrierattr_setpshared()",
            "A PTHREAD_PROCESS_SHARED barrier of 3 in a System V segment releases 3 processes "
            "only when all arrived, and returns PTHREAD_BARRIER_SERIAL_THREAD to exactly one of "
            "them in each of 100 rounds") {
  MeetAtBarrier(Backing::kSysv);
}

}  // namespace
}  // namespace sigipc
