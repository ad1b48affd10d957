// Helpers shared by the POSIX semaphore tests: clock arithmetic for timed
// waits, and sleep-free ways to observe that a process is blocked. The
// unnamed process-shared semaphore forked children share is
// posix_sem::SharedSem (fixtures/ipc_guards.h).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <semaphore.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fixtures/check.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"

namespace sigipc {
namespace posix_sem {

// Whether fd has nothing to read right now (a status pipe a blocked child has
// not written to).
inline bool nothing_to_read(int fd) {
  pollfd p{fd, POLLIN, 0};
  int r = poll(&p, 1, 0);
  if (r < 0) setup_error_errno(__FILE__, __LINE__, "poll", errno);
  return r == 0;
}

// Whether fd becomes readable within timeout_ms (a safety net, never a
// synchronisation delay: callers expect the data).
inline bool readable_within(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) setup_error_errno(__FILE__, __LINE__, "poll", errno);
    return r > 0;
  }
}

using ::sigipc::wait_until_sleeping;

// Child side: writes one int to fd (async-signal-safe, whole or nothing for
// a pipe since sizeof(int) <= PIPE_BUF).
inline void send_int(int fd, int v) noexcept {
  ssize_t w;
  do w = write(fd, &v, sizeof v);
  while (w < 0 && errno == EINTR);
  CHILD_CHECK_EQ(w, static_cast<ssize_t>(sizeof v));
}

// Parent side: reads one int from fd (blocking; a dead writer gives EOF and
// false).
inline bool recv_int(int fd, int* v) {
  ssize_t r;
  do r = read(fd, v, sizeof *v);
  while (r < 0 && errno == EINTR);
  return r == static_cast<ssize_t>(sizeof *v);
}

// Encodes a call's outcome for a status pipe: 0 for success, else errno.
inline int outcome(int ret) noexcept { return ret == 0 ? 0 : errno; }

// Starts n children blocked in sem_wait() on s and returns once all sleep.
inline ::testing::AssertionResult StartBlockedWaiters(SharedSem& s, std::vector<Child>* out,
                                                      int n) {
  for (int i = 0; i < n; ++i) {
    Gate ready;
    out->emplace_back([&] {
      ready.open();
      CHILD_CHECK_OK(sem_wait(s.get()));
    });
    ready.wait();
    if (!wait_until_sleeping(out->back().pid()))
      return ::testing::AssertionFailure() << "waiter " << i << " never blocked";
  }
  return ::testing::AssertionSuccess();
}

// ---- time ----
inline timespec now(clockid_t c) {
  timespec t{};
  if (clock_gettime(c, &t) != 0) setup_error_errno(__FILE__, __LINE__, "clock_gettime", errno);
  return t;
}
inline timespec plus_ms(timespec t, long ms) {
  t.tv_sec += ms / 1000;
  t.tv_nsec += (ms % 1000) * 1000000L;
  if (t.tv_nsec >= 1000000000L) {
    t.tv_sec += 1;
    t.tv_nsec -= 1000000000L;
  }
  if (t.tv_nsec < 0) {
    t.tv_sec -= 1;
    t.tv_nsec += 1000000000L;
  }
  return t;
}
// a - b in milliseconds.
inline double ms_between(const timespec& a, const timespec& b) {
  return static_cast<double>(a.tv_sec - b.tv_sec) * 1e3 +
         static_cast<double>(a.tv_nsec - b.tv_nsec) / 1e6;
}
// Whether the clock c has reached t.
inline bool reached(clockid_t c, const timespec& t) {
  timespec n = now(c);
  return n.tv_sec > t.tv_sec || (n.tv_sec == t.tv_sec && n.tv_nsec >= t.tv_nsec);
}

// ---- timed locks (sem_timedwait, sem_clockwait) ----
// sem_clockwait() is new in POSIX.1-2024 (glibc 2.30+); musl (1.2.4) has
// none. Tests call it through clockwait(), which fails with ENOSYS where libc
// lacks it, so they fail with that fact on such a libc instead of breaking
// the build. Outside glibc the declaration is a weak reference (null when no
// libc object defines it).
}  // namespace posix_sem
}  // namespace sigipc
#if !defined(__GLIBC__)
extern "C" int sem_clockwait(sem_t*, clockid_t, const timespec*) __attribute__((weak));
#endif
namespace sigipc {
namespace posix_sem {
inline int clockwait(sem_t* s, clockid_t c, const timespec* t) {
#if !defined(__GLIBC__)
  if (::sem_clockwait == nullptr) {
    errno = ENOSYS;
    return -1;
  }
#endif
  return ::sem_clockwait(s, c, t);
}

// A timed lock call with its clock bound: (sem, abstime) -> 0 or -1/errno.
using TimedLock = std::function<int(sem_t*, const timespec*)>;

// On a locked (value 0) semaphore, lock with a deadline ms ahead on clock c
// must fail with ETIMEDOUT, not before the deadline (no upper bound beyond a
// generous safety limit: the machine may be loaded), leaving the value 0.
inline ::testing::AssertionResult TimesOutNotBeforeDeadline(const TimedLock& lock, clockid_t c,
                                                            long ms) {
  sem_t s;
  if (sem_init(&s, 0, 0) != 0) setup_error_errno(__FILE__, __LINE__, "sem_init", errno);
  const timespec start = now(c);
  const timespec deadline = plus_ms(start, ms);
  errno = 0;
  int r = lock(&s, &deadline);
  int e = errno;
  const bool deadline_passed = reached(c, deadline);
  const double took = ms_between(now(c), start);
  const int v = value_of(&s);
  sem_destroy(&s);
  if (r != -1 || e != ETIMEDOUT)
    return ::testing::AssertionFailure()
           << "expected -1 with ETIMEDOUT, got " << r << " errno " << ErrnoText(e);
  if (!deadline_passed)
    return ::testing::AssertionFailure() << "returned ETIMEDOUT after " << took << " ms, before "
                                         << "the " << ms << " ms deadline";
  if (took > 10000.0 + static_cast<double>(ms))
    return ::testing::AssertionFailure() << "timed out only after " << took << " ms";
  if (v != 0) return ::testing::AssertionFailure() << "value " << v << " after the timeout";
  return ::testing::AssertionSuccess();
}

// On a semaphore with value 1, lock with abstime must succeed at once
// whatever abstime holds (XSH sem_timedwait(): the validity of abstime need
// not be checked when the semaphore can be locked immediately; it never times
// out then).
inline ::testing::AssertionResult LocksAtOnceDespite(const TimedLock& lock,
                                                     const timespec& abstime) {
  sem_t s;
  if (sem_init(&s, 0, 1) != 0) setup_error_errno(__FILE__, __LINE__, "sem_init", errno);
  errno = 0;
  int r = lock(&s, &abstime);
  int e = errno;
  const int v = value_of(&s);
  sem_destroy(&s);
  if (r != 0)
    return ::testing::AssertionFailure() << "returned " << r << " with " << ErrnoText(e)
                                         << " although the semaphore could be locked at once";
  if (v != 0) return ::testing::AssertionFailure() << "value " << v << " after locking (want 0)";
  return ::testing::AssertionSuccess();
}

// On a locked semaphore, lock with an abstime whose tv_nsec is out of range
// must fail with EINVAL (instead of blocking) and leave the value 0.
inline ::testing::AssertionResult RejectsBadNsec(const TimedLock& lock, clockid_t c, long nsec) {
  sem_t s;
  if (sem_init(&s, 0, 0) != 0) setup_error_errno(__FILE__, __LINE__, "sem_init", errno);
  // A deadline in the future, so only the bad field can end the call at once.
  timespec t = plus_ms(now(c), 2000);
  t.tv_nsec = nsec;
  errno = 0;
  int r = lock(&s, &t);
  int e = errno;
  const int v = value_of(&s);
  sem_destroy(&s);
  if (r != -1 || e != EINVAL)
    return ::testing::AssertionFailure() << "tv_nsec " << nsec << ": expected -1 with EINVAL, got "
                                         << r << " errno " << ErrnoText(e);
  if (v != 0) return ::testing::AssertionFailure() << "value " << v << " after the failure";
  return ::testing::AssertionSuccess();
}

// A process blocked in lock (far deadline) is released by a sem_post() and
// returns 0 long before its deadline.
inline ::testing::AssertionResult PostReleasesTimedWaiter(const TimedLock& lock, clockid_t c) {
  Mapping m = Mapping::shared_anonymous(sizeof(sem_t));
  sem_t* s = m.as<sem_t>();
  if (sem_init(s, 1, 0) != 0) setup_error_errno(__FILE__, __LINE__, "sem_init", errno);
  const timespec deadline = plus_ms(now(c), 60000);
  Pipe status;
  Gate ready;
  ::testing::AssertionResult res = ::testing::AssertionSuccess();
  {
    Child ch([&] {
      ready.open();
      send_int(status.wr(), outcome(lock(s, &deadline)));
    });
    status.close_wr();
    ready.wait();
    if (!wait_until_sleeping(ch.pid())) {
      res = ::testing::AssertionFailure() << "the waiter never blocked";
    } else if (!nothing_to_read(status.rd())) {
      res = ::testing::AssertionFailure() << "the timed lock returned at value 0";
    } else {
      sem_post(s);
      int rc = -1;
      if (!recv_int(status.rd(), &rc))
        res = ::testing::AssertionFailure() << "the waiter never reported";
      else if (rc != 0)
        res = ::testing::AssertionFailure() << "woken waiter got " << ErrnoText(rc);
      WaitStatus ws = ch.wait();
      if (res && !(ws.exited() && ws.exit_code() == 0))
        res = ::testing::AssertionFailure() << "waiter " << ws.describe();
    }
  }
  sem_destroy(s);
  return res;
}

// ---- named semaphores ----
// sem_open() of a new name with O_CREAT|O_EXCL as a setup step.
inline sem_t* create_named(const SemName& n, mode_t mode, unsigned value) {
  sem_t* s = sem_open(n.c_str(), O_CREAT | O_EXCL, mode, value);
  if (s == SEM_FAILED) setup_error_errno(__FILE__, __LINE__, "sem_open(O_CREAT|O_EXCL)", errno);
  return s;
}

// glibc keeps a named semaphore "/x" as the file /dev/shm/sem.x (the layout
// sem_overview(7) describes); musl uses /dev/shm/x, and XSH sem_open() leaves
// the object's form to the implementation. Rules observed through that file
// are glibc's: elsewhere they are UNSUPPORTED (REQUIRE_GLIBC_SEM_FILE).
inline std::string glibc_sem_file(const SemName& n) {
  return std::string("/dev/shm/sem.") + (n.c_str() + 1);
}
#ifdef __GLIBC__
#define REQUIRE_GLIBC_SEM_FILE() \
  do {                           \
  } while (0)
#else
#define REQUIRE_GLIBC_SEM_FILE()                                             \
  SIGIPC_UNSUPPORTED(                                                        \
      "the rule is glibc's layout of named semaphores (/dev/shm/sem.NAME); " \
      "this libc keeps them elsewhere")
#endif

// The umask for one scope, restored on destruction.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t m) : saved_(umask(m)) {}
  ~ScopedUmask() { umask(saved_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t saved_;
};

}  // namespace posix_sem
}  // namespace sigipc
