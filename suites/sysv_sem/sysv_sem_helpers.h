// Helpers shared by the System V semaphore tests: checked IPC_STAT and
// IPC_INFO for setup, and waiting (without sleeps) until a blocked child is
// counted by GETNCNT/GETZCNT, which proves it is queued inside semop(). The
// semun argument, one-operation semop(), GETVAL/SETVAL and the set guard are
// shared with other families (fixtures/ipc_calls.h, fixtures/ipc_guards.h).
#pragma once

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace sysv_sem {

inline struct semid_ds stat_of(int id) {
  struct semid_ds ds {};
  semun u{};
  u.buf = &ds;
  SETUP_OK(semctl(id, 0, IPC_STAT, u));
  return ds;
}

// Linux's IPC_INFO limits (semvmx is not in /proc/sys/kernel/sem).
inline struct seminfo ipc_info() {
  struct seminfo si {};
  semun u{};
  u.__buf = &si;
  SETUP_OK(semctl(0, 0, IPC_INFO, u));
  return si;
}

// Waits until semctl(id, num, cmd) (GETNCNT or GETZCNT) equals n: then the
// child is queued in semop(). Fails if the child ends first or after a
// generous safety limit; polling the count is observation, not timing.
inline ::testing::AssertionResult WaitForCount(int id, int num, int cmd, int n, Child& child) {
  struct timespec start {
  }, now{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    int c = semctl(id, num, cmd);
    if (c == n) return ::testing::AssertionSuccess();
    if (c < 0)
      return ::testing::AssertionFailure() << "semctl(" << (cmd == GETNCNT ? "GETNCNT" : "GETZCNT")
                                           << ") failed with " << ErrnoText(errno);
    WaitStatus st = child.wait(WNOHANG);
    if (st.raw() != -1)
      return ::testing::AssertionFailure()
             << "the child " << st.describe() << " instead of blocking in semop() (count " << c
             << ", expected " << n << ")";
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec > 5)
      return ::testing::AssertionFailure() << "count stayed " << c << ", expected " << n;
    sched_yield();
  }
}

// The child has not ended (it is still blocked).
inline bool still_running(Child& child) { return child.wait(WNOHANG).raw() == -1; }

// Whether fd becomes readable within ms milliseconds (a safety net only).
inline bool readable_within(int fd, int ms) {
  struct pollfd p {
    fd, POLLIN, 0
  };
  int r;
  do r = poll(&p, 1, ms);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

// Sends sig to a child blocked in semop() until it reports (a byte on
// done_rd) that the call returned, retrying a bounded number of times; false
// if it never returns (a restarted or uninterruptible wait).
inline bool signal_until_returned(pid_t pid, int sig, int done_rd) {
  for (int i = 0; i < 25; ++i) {
    if (kill(pid, sig) != 0) return false;
    if (readable_within(done_rd, 200)) return true;
  }
  return false;
}

inline void ignore_signal_handler(int) {}

// Forks a child that makes blocking_call on semaphore 0 of id (expected to
// block decrementing it) with SIGUSR1 caught by a handler installed with
// SA_RESTART; once GETNCNT shows it queued, signals it until the call returns
// and checks, in the child, that it failed with EINTR (semop is never
// restarted, signal(7)).
inline void ExpectInterruptedWithEintr(int id, const std::function<int()>& blocking_call) {
  SignalAction act(SIGUSR1, ignore_signal_handler, SA_RESTART);
  Pipe done;
  Child child([&] {
    done.close_rd();
    CHILD_CHECK_ERRNO(blocking_call(), EINTR);
    CHILD_CHECK_EQ(write(done.wr(), "x", 1), 1);
  });
  done.close_wr();
  ASSERT_TRUE(WaitForCount(id, 0, GETNCNT, 1, child));
  EXPECT_TRUE(signal_until_returned(child.pid(), SIGUSR1, done.rd()))
      << "the call did not return after SIGUSR1 (restarted or not interruptible)";
  EXPECT_CHILD_OK(child.wait());
}

}  // namespace sysv_sem
}  // namespace sigipc
