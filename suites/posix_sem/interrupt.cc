// A caught signal during a blocked sem_wait()/sem_timedwait()/sem_clockwait():
// without SA_RESTART the call fails with EINTR and leaves the semaphore
// unchanged; with SA_RESTART it is restarted (XSH sigaction(): an
// interruptible function "shall restart and shall not fail with [EINTR]";
// Linux signal(7) lists sem_wait/sem_timedwait as restarted since 2.6.22).
// The signal comes from the parent, another process, so it is never a
// self-interruption; without SA_RESTART it is resent until the call returns.
#include <semaphore.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

using posix_sem::SharedSem;

volatile sig_atomic_t g_handler_fd = -1;

void note_signal(int) {
  int saved = errno;
  char c = 'h';
  ssize_t w = write(g_handler_fd, &c, 1);
  HANDLER_CHECK(w == 1);
  errno = saved;
}

// Starts a child that catches SIGUSR1 with flags and calls lock on s (value
// 0) with a far deadline, reporting the outcome through status.
Child StartBlockedLock(SharedSem& s, const posix_sem::TimedLock& lock, int flags, Pipe& status,
                       Pipe& handled) {
  Gate ready;
  const timespec deadline = posix_sem::plus_ms(posix_sem::now(CLOCK_REALTIME), 60000);
  Child c([&] {
    g_handler_fd = handled.wr();
    struct sigaction sa {};
    sa.sa_handler = note_signal;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
    ready.open();
    posix_sem::send_int(status.wr(), posix_sem::outcome(lock(s.get(), &deadline)));
  });
  status.close_wr();
  ready.wait();
  if (!posix_sem::wait_until_sleeping(c.pid()))
    setup_error(__FILE__, __LINE__, "the child never blocked");
  return c;
}

// Without SA_RESTART: SIGUSR1 until the call reports (bounded); it must be
// EINTR, after the handler ran, with the value still 0.
void ExpectInterrupted(const posix_sem::TimedLock& lock) {
  SharedSem s(0);
  Pipe status, handled;
  Child c = StartBlockedLock(s, lock, 0, status, handled);
  bool reported = false;
  for (int tries = 0; tries < 50 && !reported; ++tries) {
    ASSERT_SUCCEEDS(kill(c.pid(), SIGUSR1));
    reported = posix_sem::readable_within(status.rd(), 100);
  }
  ASSERT_TRUE(reported) << "the blocked call never returned while signals arrived";
  int rc = -1;
  ASSERT_TRUE(posix_sem::recv_int(status.rd(), &rc));
  EXPECT_EQ(rc, EINTR) << "outcome " << ErrnoText(rc);
  EXPECT_TRUE(posix_sem::readable_within(handled.rd(), 0)) << "the handler never ran";
  EXPECT_CHILD_OK(c.wait());
  EXPECT_EQ(posix_sem::value_of(s.get()), 0) << "the interrupted call changed the semaphore";
}

// With SA_RESTART: one SIGUSR1 while blocked; after the handler ran the call
// must not have failed; a post then completes it with 0. The value is checked
// only after a call that returned 0: after a failed one it is that failure's
// consequence, not a second reason to fail.
void ExpectRestarted(const posix_sem::TimedLock& lock) {
  SharedSem s(0);
  Pipe status, handled;
  Child c = StartBlockedLock(s, lock, SA_RESTART, status, handled);
  ASSERT_SUCCEEDS(kill(c.pid(), SIGUSR1));
  ASSERT_TRUE(posix_sem::readable_within(handled.rd(), 10000)) << "the handler never ran";
  ASSERT_SUCCEEDS(sem_post(s.get()));
  int rc = -1;
  ASSERT_TRUE(posix_sem::recv_int(status.rd(), &rc)) << "the waiter never reported";
  ASSERT_EQ(rc, 0) << "the call returned " << ErrnoText(rc) << " instead of restarting";
  EXPECT_CHILD_OK(c.wait());
  EXPECT_EQ(posix_sem::value_of(s.get()), 0);
}

const posix_sem::TimedLock kWait = [](sem_t* s, const timespec*) { return sem_wait(s); };
const posix_sem::TimedLock kTimedwait = [](sem_t* s, const timespec* t) {
  return sem_timedwait(s, t);
};
const posix_sem::TimedLock kClockwait = [](sem_t* s, const timespec* t) {
  // The deadline was taken on CLOCK_REALTIME; far enough on either clock.
  return posix_sem::clockwait(s, CLOCK_REALTIME, t);
};

SIGIPC_TEST(PosixSemInterrupt, WaitInterruptedByHandlerFailsWithEintr, "posix_sem.wait.eintr",
            "XSH sem_wait()",
            "A sem_wait() blocked at value 0 and interrupted by a caught signal (no SA_RESTART) "
            "returns -1 with EINTR and leaves the semaphore unchanged") {
  ExpectInterrupted(kWait);
}

SIGIPC_TEST(PosixSemInterrupt, TimedwaitInterruptedByHandlerFailsWithEintr,
            "posix_sem.timedwait.eintr", "XSH sem_timedwait()",
            "A blocked sem_timedwait() interrupted by a caught signal (no SA_RESTART) returns -1 "
            "with EINTR and leaves the semaphore unchanged") {
  ExpectInterrupted(kTimedwait);
}

SIGIPC_TEST(PosixSemInterrupt, ClockwaitInterruptedByHandlerFailsWithEintr,
            "posix_sem.clockwait.eintr", "XSH sem_clockwait()",
            "A blocked sem_clockwait() interrupted by a caught signal (no SA_RESTART) returns -1 "
            "with EINTR and leaves the semaphore unchanged") {
  ExpectInterrupted(kClockwait);
}

SIGIPC_TEST(PosixSemInterrupt, WaitIsRestartedUnderSaRestart, "posix_sem.wait.sa-restart",
            "XSH sigaction()",
            "A sem_wait() blocked when a signal caught with SA_RESTART arrives is restarted: it "
            "does not fail with EINTR and returns 0 after a later sem_post()") {
  ExpectRestarted(kWait);
}

SIGIPC_TEST(PosixSemInterrupt, TimedwaitIsRestartedUnderSaRestart, "posix_sem.timedwait.sa-restart",
            "XSH sigaction()",
            "A sem_timedwait() blocked when a signal caught with SA_RESTART arrives is "
            "restarted: it does not fail with EINTR and returns 0 after a later sem_post()") {
  ExpectRestarted(kTimedwait);
}

SIGIPC_TEST(PosixSemInterrupt, ClockwaitIsRestartedUnderSaRestart, "posix_sem.clockwait.sa-restart",
            "XSH sigaction()",
            "A sem_clockwait() blocked when a signal caught with SA_RESTART arrives is "
            "restarted: it does not fail with EINTR and returns 0 after a later sem_post()") {
  ExpectRestarted(kClockwait);
}

}  // namespace
}  // namespace sigipc
