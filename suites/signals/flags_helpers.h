// Shared by the sigaction-flag, alternate-stack and SIGKILL/SIGSTOP suites
// (flags_*.cc, altstack_*.cc, killstop_*.cc): knowing that another process
// sleeps in a blocking call before signalling it, bounded waits that turn a
// hang into a failure, interrupting a blocking call in a child, and telling
// which stack a handler ran on.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace flagtest {

// ---- time bounds (safety nets only, never synchronisation) ----

// Seconds a bounded wait allows before it reports a failure: well inside the
// 10 s test limit, scaled like it by SIGIPC_TIMEOUT_MUL (slow emulators).
inline double safety_net_seconds() {
  double mul = 1;
  if (const char* env = getenv("SIGIPC_TIMEOUT_MUL")) {
    char* end = nullptr;
    double v = std::strtod(env, &end);
    if (end && !*end && v > 0) mul = v;
  }
  return 5.0 * mul;
}

inline double monotonic_seconds() {
  timespec t {};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

inline timespec to_timespec(double seconds) {
  if (seconds < 0) seconds = 0;
  timespec t {};
  t.tv_sec = static_cast<time_t>(seconds);
  t.tv_nsec = static_cast<long>((seconds - static_cast<double>(t.tv_sec)) * 1e9);
  return t;
}

// ---- another process's scheduler state ----

using ::sigipc::process_state;

enum class Blocked { kSleeping, kEnded, kTimedOut };

// Waits until pid sleeps interruptibly ('S'): the way to know that a child
// whose only blocking point is the call under test has entered it, so a
// signal sent now interrupts that call and not the code before it. Polls
// (yielding) rather than sleeping; the bound is a safety net only.
inline Blocked wait_until_sleeping(pid_t pid) {
  const double deadline = monotonic_seconds() + safety_net_seconds();
  for (;;) {
    char s = process_state(pid);
    if (s == 'S') return Blocked::kSleeping;
    if (s == 0 || s == 'Z' || s == 'X') return Blocked::kEnded;
    if (monotonic_seconds() > deadline) return Blocked::kTimedOut;
    sched_yield();
  }
}

// Asserts (in the test process) that the child sleeps in its blocking call.
#define FLAGTEST_ASSERT_SLEEPING(pid, what)                                                  \
  do {                                                                                       \
    ::sigipc::flagtest::Blocked sigipc_b_ = ::sigipc::flagtest::wait_until_sleeping(pid);    \
    ASSERT_NE(sigipc_b_, ::sigipc::flagtest::Blocked::kEnded)                                \
        << "the child ended before blocking in " << (what);                                 \
    ASSERT_NE(sigipc_b_, ::sigipc::flagtest::Blocked::kTimedOut)                             \
        << "the child never slept in " << (what) << " (safety net expired)";                \
  } while (0)

// ---- bounded waits for a child ----

// Waits for the child to report a state change selected by options (WUNTRACED,
// WCONTINUED or 0 for termination), re-checking on every SIGCHLD, at most
// safety_net_seconds(); nullopt when it never came. SIGCHLD must not have
// SA_NOCLDSTOP (it is SIG_DFL in a fresh test process).
inline std::optional<WaitStatus> wait_bounded(Child& c, int options) {
  SignalMask mask;
  mask.block(SIGCHLD);
  const sigset_t chld = make_sigset({SIGCHLD});
  const double deadline = monotonic_seconds() + safety_net_seconds();
  for (;;) {
    WaitStatus s = c.wait(options | WNOHANG);
    if (s.raw() != -1) return s;
    double left = deadline - monotonic_seconds();
    if (left <= 0) return std::nullopt;
    timespec t = to_timespec(left);
    sigtimedwait(&chld, nullptr, &t);
  }
}

// The child's next state change must be a stop by sig.
inline ::testing::AssertionResult StopsWithin(Child& c, int sig) {
  std::optional<WaitStatus> s = wait_bounded(c, WUNTRACED);
  if (!s) return ::testing::AssertionFailure() << "the child did not stop within the safety net";
  return StoppedBy(*s, sig);
}

// The child must end, killed by sig.
inline ::testing::AssertionResult KilledWithin(Child& c, int sig) {
  std::optional<WaitStatus> s = wait_bounded(c, 0);
  if (!s) return ::testing::AssertionFailure() << "the child did not end within the safety net";
  return KilledBy(*s, sig);
}

// The child must end by exiting with code.
inline ::testing::AssertionResult ExitsWithin(Child& c, int code) {
  std::optional<WaitStatus> s = wait_bounded(c, 0);
  if (!s) return ::testing::AssertionFailure() << "the child did not end within the safety net";
  return ExitedWith(*s, code);
}

// Takes one pending SIGCHLD (blocked by the caller) within the safety net;
// returns its si_code, or 0 when none came.
inline int take_sigchld_code(pid_t* from = nullptr) {
  const sigset_t chld = make_sigset({SIGCHLD});
  timespec t = to_timespec(safety_net_seconds());
  siginfo_t info {};
  int r;
  do {
    r = sigtimedwait(&chld, &info, &t);
  } while (r < 0 && errno == EINTR);
  if (r != SIGCHLD) return 0;
  if (from) *from = info.si_pid;
  return info.si_code;
}

inline const char* cld_code_name(int code) {
  switch (code) {
    case 0: return "no SIGCHLD";
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "another si_code";
  }
}

// ---- interrupting a blocking call ----

// Where interrupt_ack() writes: one byte per handler run.
inline volatile sig_atomic_t g_ack_fd = -1;
inline void interrupt_ack(int) {
  char c = '!';
  HANDLER_CHECK(write(g_ack_fd, &c, 1) == 1);
}

// Runs body in a child whose SIGUSR1 handler was installed by sigaction()
// with sa_flags. Once the child sleeps (in body's blocking call, its only
// blocking point), the test process sends SIGUSR1, waits until the handler
// has run, then calls release() so that a restarted call can complete.
// Returns the child's status (bounded; a child that never ends is a FAIL).
inline ::testing::AssertionResult InterruptOnce(int sa_flags, const std::function<void()>& body,
                                                const std::function<void()>& release,
                                                const char* what) {
  Pipe ack;
  g_ack_fd = ack.wr();
  Child c([&] {
    ack.close_rd();
    struct sigaction sa {};
    sa.sa_handler = interrupt_ack;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = sa_flags;
    CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
    body();
  });
  ack.close_wr();
  Blocked b = wait_until_sleeping(c.pid());
  if (b != Blocked::kSleeping)
    return ::testing::AssertionFailure()
           << what << ": the child " << (b == Blocked::kEnded ? "ended" : "never slept")
           << " before the signal could interrupt it";
  if (kill(c.pid(), SIGUSR1) != 0)
    return ::testing::AssertionFailure() << "kill(SIGUSR1) failed with " << ErrnoText(errno);
  // Bounded: a grandchild may hold the ack pipe open, so a dead child need
  // not mean EOF.
  pollfd p {ack.rd(), POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(safety_net_seconds() * 1000)) != 1)
    return ::testing::AssertionFailure() << what << ": the handler never ran";
  char byte;
  ssize_t n;
  do {
    n = read(ack.rd(), &byte, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) return ::testing::AssertionFailure() << what << ": the handler never ran";
  release();
  std::optional<WaitStatus> s = wait_bounded(c, 0);
  if (!s)
    return ::testing::AssertionFailure()
           << what << ": still blocked after the release (safety net expired)";
  ::testing::AssertionResult r = ExitedWith(*s, 0);
  if (!r) r << " (" << what << ")";
  return r;
}

// ---- stacks ----

// An address recorded by a handler (lock-free, so a handler may store it).
using AtomicAddr = std::atomic<std::uintptr_t>;
static_assert(AtomicAddr::is_always_lock_free, "handlers may only use lock-free atomics");

inline std::uintptr_t addr_of(const volatile void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

// Whether p lies in the calling thread's own stack (for the main thread,
// glibc reports the region the stack may grow into under RLIMIT_STACK).
inline bool on_thread_stack(std::uintptr_t p) {
  pthread_attr_t attr;
  if (int e = pthread_getattr_np(pthread_self(), &attr))
    setup_error_errno(__FILE__, __LINE__, "pthread_getattr_np()", e);
  void* lo = nullptr;
  size_t size = 0;
  int e = pthread_attr_getstack(&attr, &lo, &size);
  pthread_attr_destroy(&attr);
  if (e) setup_error_errno(__FILE__, __LINE__, "pthread_attr_getstack()", e);
  auto base = reinterpret_cast<std::uintptr_t>(lo);
  return p >= base && p < base + size;
}

// Room for a handler and the signal frame (xsave state on wide-vector CPUs
// exceeds the historic SIGSTKSZ): 64 KiB, or four times sysconf(_SC_SIGSTKSZ)
// if that is more.
inline std::size_t alt_stack_bytes() {
  long sys = sysconf(_SC_SIGSTKSZ);
  std::size_t want = 64 * 1024;
  if (sys > 0 && static_cast<std::size_t>(sys) * 4 > want) want = static_cast<std::size_t>(sys) * 4;
  return want;
}

// A handler that records the address of one of its own locals: where its
// frame lies.
inline AtomicAddr g_frame_addr {0};
inline void record_frame(int) {
  volatile char here = 0;
  g_frame_addr.store(addr_of(&here));
}

inline bool in_region(std::uintptr_t p, const void* base, std::size_t size) {
  auto b = reinterpret_cast<std::uintptr_t>(base);
  return p >= b && p < b + size;
}

// The current alternate-stack state of the calling thread (a setup error if
// the query fails).
inline stack_t query_alt_stack() {
  stack_t now {};
  if (sigaltstack(nullptr, &now) != 0)
    setup_error_errno(__FILE__, __LINE__, "sigaltstack(NULL, &old)", errno);
  return now;
}

// MINSIGSTKSZ as <signal.h> defines it for a POSIX application
// (_POSIX_C_SOURCE without _GNU_SOURCE), where it is the constant XBD
// <signal.h> asks for; glibc 2.34+ under _GNU_SOURCE turns MINSIGSTKSZ into
// sysconf(_SC_SIGSTKSZ). Defined in altstack_posix_minsigstksz.cc, a
// translation unit compiled in the POSIX environment.
long posix_minsigstksz();

}  // namespace flagtest
}  // namespace sigipc
