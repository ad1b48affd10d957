// Helpers shared by the POSIX message queue data-path tests (mq_send*,
// mq_receive*, mq_timed*, mq_notify*): CLOCK_REALTIME arithmetic, a result
// record a forked caller passes back through a pipe, and "is this process
// blocked in that system call" so blocking is proved without sleeps. The
// queue that owns its name and descriptor is posix_mq::Queue
// (fixtures/ipc_guards.h).
#pragma once

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/posix_mq/mq_helpers.h"

namespace sigipc {
namespace posix_mq {

// Safety net for events that are due (a woken caller, a sent notification):
// a FAIL after this long instead of a hang until the runner's TIMEOUT. Scaled
// like the test's limit by SIGIPC_TIMEOUT_MUL (emulators run 5-20x slower);
// set once at start-up, so forked children read a plain variable.
inline const int kSafetyMs = static_cast<int>(safety_net_seconds() * 1000);

// /proc/sys/fs/mqueue/msg_max: the most messages a queue may hold here
// (root without CAP_SYS_RESOURCE cannot exceed it).
inline long msg_max() {
  auto v = read_proc_number("/proc/sys/fs/mqueue/msg_max");
  return v ? static_cast<long>(*v) : 10;
}

inline timespec now_realtime() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return t;
}
inline bool reached(const timespec& deadline, const timespec& now) {
  return now.tv_sec > deadline.tv_sec ||
         (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}
inline double seconds_between(const timespec& a, const timespec& b) {
  return static_cast<double>(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
}

// What a forked caller's mq_* call did, written to a pipe in one write()
// (async-signal-safe) and read by the test process.
struct CallResult {
  long ret;
  int err;
  unsigned prio;
  char data[32];
};

inline void report(int fd, long ret, int err, unsigned prio = 0, const char* data = nullptr,
                   size_t len = 0) noexcept {
  CallResult r{};
  r.ret = ret;
  r.err = err;
  r.prio = prio;
  if (data) memcpy(r.data, data, len < sizeof r.data ? len : sizeof r.data);
  CHILD_CHECK(write(fd, &r, sizeof r) == static_cast<ssize_t>(sizeof r));
}

// Reads one CallResult, waiting at most timeout_ms; false when none came.
inline bool await_result(int fd, CallResult* out, int timeout_ms = kSafetyMs) {
  pollfd p{fd, POLLIN, 0};
  int r;
  do r = poll(&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  if (r <= 0) return false;
  return read(fd, out, sizeof *out) == static_cast<ssize_t>(sizeof *out);
}

// Nothing written to fd yet (the call has not returned).
inline bool still_empty(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) == 0;
}

// Which blocking call a caller is expected to sleep in.
enum class Wait { kSend, kReceive };

// The calls this ABI's libc may use for one direction (0: none). 32-bit ABIs
// with a 64-bit time_t use the *_time64 calls (glibc 2.36 tries them first).
struct CallNumbers {
  long plain, time64;
  bool has(long nr) const { return nr == plain || (time64 != 0 && nr == time64); }
};
inline CallNumbers numbers_of(Wait w) {
#ifdef SYS_mq_timedsend_time64
  return w == Wait::kSend ? CallNumbers{SYS_mq_timedsend, SYS_mq_timedsend_time64}
                          : CallNumbers{SYS_mq_timedreceive, SYS_mq_timedreceive_time64};
#else
  return w == Wait::kSend ? CallNumbers{SYS_mq_timedsend, 0} : CallNumbers{SYS_mq_timedreceive, 0};
#endif
}

// True once pid sleeps in the mq_send()/mq_receive() family call on queue q
// it was started for. Polls with sched_yield, bounded by kSafetyMs: a
// last-resort observation, used only to order events, never as the verdict
// of a rule.
//
// /proc/<pid>/syscall gives the number and arguments of the call a blocked
// task is in ("running" otherwise). The number cannot identify the call: it
// is in the ABI the kernel sees, which under qemu-user is the host's (x86_64
// 243 for an aarch64 guest's mq_timedreceive, 183 in its own ABI), and a
// 32-bit libc may use the *_time64 calls. The first argument can: every
// mq_timed* call takes the queue descriptor there, libcs pass mqd_t through
// as the descriptor, and emulators hand descriptors to the host unchanged.
// So the call is identified by q; the number must only not be this ABI's
// call of the other direction (a child that sent and then waits to receive
// on q is not waiting in mq_send()). The callers' children make no other
// call on q that can sleep.
inline bool blocked_in(pid_t pid, mqd_t q, Wait w) {
  const CallNumbers other = numbers_of(w == Wait::kSend ? Wait::kReceive : Wait::kSend);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/syscall", static_cast<int>(pid));
  timespec start{}, now{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char buf[256] = {};
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0) close(fd);
    // Without /proc/<pid>/syscall (kernel option, emulators) only the state
    // letter is left: the callers' children do nothing else that sleeps.
    bool in_call = n <= 0;
    if (!in_call && buf[0] >= '0' && buf[0] <= '9') {
      char* end = nullptr;
      const long nr = strtol(buf, &end, 10);
      const unsigned long arg0 = strtoul(end, nullptr, 16);
      in_call = arg0 == static_cast<unsigned long>(q) && !other.has(nr);
    }
    if (in_call && process_state(pid) == 'S') return true;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (seconds_between(start, now) * 1000 > kSafetyMs) return false;
    sched_yield();
  }
}
inline bool blocked_in_receive(pid_t pid, mqd_t q) { return blocked_in(pid, q, Wait::kReceive); }
inline bool blocked_in_send(pid_t pid, mqd_t q) { return blocked_in(pid, q, Wait::kSend); }

// For interruption tests: in a forked child, a handler for sig that writes
// one byte to handled_fd (so the test sees it ran), with or without
// SA_RESTART. Async-signal-safe.
inline int g_handled_fd = -1;
inline void note_handled(int) {
  int saved = errno;
  char c = 'h';
  HANDLER_CHECK(write(g_handled_fd, &c, 1) == 1);
  errno = saved;
}
inline void child_install_noting_handler(int sig, int handled_fd, bool restart) noexcept {
  g_handled_fd = handled_fd;
  struct sigaction sa {};
  sa.sa_handler = note_handled;
  sa.sa_flags = restart ? SA_RESTART : 0;
  sigemptyset(&sa.sa_mask);
  CHILD_CHECK_OK(sigaction(sig, &sa, nullptr));
}

// Waits for one byte on fd (bounded); false when none came.
inline bool await_byte(int fd, int timeout_ms = kSafetyMs) {
  pollfd p{fd, POLLIN, 0};
  int r;
  do r = poll(&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  char c;
  return r > 0 && read(fd, &c, 1) == 1;
}

// Once pid is blocked in the call w on q, signals it until it reports a
// result on result_fd; the first signal after it blocked must interrupt the
// call, the retries only cover a platform that lost a signal. False when no
// result came.
inline bool interrupt_until_returns(pid_t pid, mqd_t q, Wait w, int sig, int result_fd,
                                    CallResult* out) {
  if (!blocked_in(pid, q, w)) return false;
  for (int i = 0; i < 50; ++i) {
    if (kill(pid, sig) != 0) return false;
    if (await_result(result_fd, out, 100)) return true;
  }
  return false;
}

// A notification sigevent for SIGEV_SIGNAL.
inline sigevent signal_event(int sig, int value) {
  sigevent ev{};
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = sig;
  ev.sigev_value.sival_int = value;
  return ev;
}

// Takes a pending (blocked) sig: waits up to wait_ms; -1 when none came.
inline int take_signal(int sig, siginfo_t* info, int wait_ms) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  timespec limit{wait_ms / 1000, (wait_ms % 1000) * 1000000L};
  int r;
  do r = sigtimedwait(&s, info, &limit);
  while (r < 0 && errno == EINTR);
  return r;
}

// How long a test waits to see that a notification it must not get stays
// away. Linux generates the signal inside mq_send(), but POSIX does not say
// the notification is synchronous: a platform that sends it later from
// elsewhere would pass a zero-length check vacuously. A bound, not a
// synchronisation: a correct platform waits it out in full.
constexpr int kNoSignalWaitMs = 150;

// True when no sig arrived (blocked, taken if it did) within
// kNoSignalWaitMs.
inline bool no_signal_arrives(int sig) {
  siginfo_t info{};
  return take_signal(sig, &info, kNoSignalWaitMs) == -1;
}

}  // namespace posix_mq
}  // namespace sigipc
