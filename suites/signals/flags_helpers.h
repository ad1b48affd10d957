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
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace signals {

// ---- time bounds (safety nets only, never synchronisation) ----
// Moved to fixtures/interrupt.h, shared with suites/injection/interrupt_*.cc.
using ::sigipc::monotonic_seconds;
using ::sigipc::safety_net_seconds;
using ::sigipc::to_timespec;

// ---- another process's scheduler state ----

using ::sigipc::process_state;

enum class Blocked { kSleeping, kEnded, kTimedOut };

// Waits until pid sleeps interruptibly ('S'): the way to know that a child
// whose only blocking point is the call under test has entered it, so a
// signal sent now interrupts that call and not the code before it. Polls
// (yielding) rather than sleeping; the bound is a safety net only.
inline Blocked sleep_state(pid_t pid) {
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
#define FLAGTEST_ASSERT_SLEEPING(pid, what)                                     \
  do {                                                                          \
    ::sigipc::signals::Blocked sigipc_b_ = ::sigipc::signals::sleep_state(pid); \
    ASSERT_NE(sigipc_b_, ::sigipc::signals::Blocked::kEnded)                    \
        << "the child ended before blocking in " << (what);                     \
    ASSERT_NE(sigipc_b_, ::sigipc::signals::Blocked::kTimedOut)                 \
        << "the child never slept in " << (what) << " (safety net expired)";    \
  } while (0)

// ---- bounded waits for a child ----

using ::sigipc::wait_bounded;  // fixtures/interrupt.h

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
  siginfo_t info{};
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
    case 0:
      return "no SIGCHLD";
    case CLD_EXITED:
      return "CLD_EXITED";
    case CLD_KILLED:
      return "CLD_KILLED";
    case CLD_DUMPED:
      return "CLD_DUMPED";
    case CLD_STOPPED:
      return "CLD_STOPPED";
    case CLD_CONTINUED:
      return "CLD_CONTINUED";
    default:
      return "another si_code";
  }
}

// ---- interrupting a blocking call ----
// InterruptOnce() (fixtures/interrupt.h) runs a blocking call in a child and
// interrupts it once it sleeps.
using ::sigipc::InterruptOnce;

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
#ifdef _SC_SIGSTKSZ  // glibc 2.34+; older glibc and musl have only the constant
  long sys = sysconf(_SC_SIGSTKSZ);
#else
  long sys = SIGSTKSZ;
#endif
  std::size_t want = 64 * 1024;
  if (sys > 0 && static_cast<std::size_t>(sys) * 4 > want) want = static_cast<std::size_t>(sys) * 4;
  return want;
}

// A handler that records the address of one of its own locals: where its
// frame lies.
inline AtomicAddr g_frame_addr{0};
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
  stack_t now{};
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
// SIGSTKSZ likewise (glibc 2.34+ under _GNU_SOURCE: sysconf(_SC_SIGSTKSZ)).
long posix_sigstksz();

}  // namespace signals
}  // namespace sigipc
