// injection.kernel: the signal calls that allocate, with a kernel
// allocation failed (kernel_faults_helpers.h). Allowed errnos, the resource
// errnos of each page's ERRORS: timer_create(2) EAGAIN, ENOMEM; sigqueue(3)
// EAGAIN ("the limit of signals which may be queued has been reached").
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "suites/injection/kernel_faults_helpers.h"

namespace sigipc {
namespace {

using kernel_faults::Call;

// Kernel timer ids of a process count up from 0; a fresh child has none.
constexpr int kTimerIdsChecked = 16;

sigevent g_sev;
timer_t g_timer;

Call timer_create_call() {
  Call c{"timer_create", {EAGAIN, ENOMEM}};
  c.prepare = [] {
    std::memset(&g_sev, 0, sizeof g_sev);
    g_sev.sigev_notify = SIGEV_SIGNAL;
    g_sev.sigev_signo = SIGUSR1;
  };
  c.invoke = [] { return static_cast<long>(timer_create(CLOCK_MONOTONIC, &g_sev, &g_timer)); };
  c.check_child = [](bool failed, long, SafeBuf& change) {
    if (!failed) {
      if (timer_delete(g_timer) != 0) change.str("succeeded, yet timer_delete failed");
      return;
    }
    for (int k = 0; k < kTimerIdsChecked; ++k) {
      itimerspec its{};
      timer_t id = reinterpret_cast<timer_t>(static_cast<intptr_t>(k));
      if (timer_gettime(id, &its) == 0) {
        change.str("a timer (id ").num(k).str(") exists");
        return;
      }
    }
  };
  return c;
}

KERNEL_FAULT_TEST(TimerCreateFailureLeavesNoTimer,
                  "injection.kernel.timer_create.failure-leaves-no-timer",
                  "Linux-only, timer_create(2) ERRORS; fault-injection.rst fail-nth",
                  "timer_create() whose Nth kernel allocation fails returns -1 with EAGAIN or "
                  "ENOMEM and leaves the process without a timer",
                  timer_create_call)

constexpr int kValue = 7;
pid_t g_self;

// sigqueue(self, sig) with sig blocked: a failure leaves it not pending; a
// success leaves it pending with the value it was sent with.
Call sigqueue_call(int sig, const char* tag) {
  Call c{"sigqueue", {EAGAIN}};
  c.tag = tag;
  static int s;
  s = sig;
  c.prepare = [] {
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, s);
    sigprocmask(SIG_BLOCK, &m, nullptr);
    g_self = getpid();
  };
  c.invoke = [] {
    union sigval v;
    v.sival_int = kValue;
    return static_cast<long>(sigqueue(g_self, s, v));
  };
  c.check_child = [](bool failed, long, SafeBuf& change) {
    sigset_t pending;
    sigpending(&pending);
    const bool is_pending = sigismember(&pending, s) == 1;
    if (failed) {
      if (is_pending) change.str("the signal is pending");
      return;
    }
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, s);
    const timespec zero{0, 0};
    siginfo_t si{};
    if (sigtimedwait(&m, &si, &zero) != s) {
      change.str("succeeded, yet the signal is not pending");
      return;
    }
    if (si.si_code != SI_QUEUE || si.si_value.sival_int != kValue)
      change.str("succeeded, yet the signal arrived with si_code ")
          .num(si.si_code)
          .str(" and value ")
          .num(si.si_value.sival_int)
          .str(", not SI_QUEUE and ")
          .num(kValue);
  };
  return c;
}

KERNEL_FAULT_TEST(SigqueueRealtimeFailureLeavesNothingPending,
                  "injection.kernel.sigqueue.realtime-failure-leaves-nothing-pending",
                  "XSH sigqueue() ERRORS; Linux-only, sigqueue(3); fault-injection.rst fail-nth",
                  "sigqueue() of a blocked real-time signal whose Nth kernel allocation fails "
                  "returns -1 with EAGAIN and leaves the signal not pending; when it succeeds the "
                  "signal is pending with its value",
                  [] { return sigqueue_call(SIGRTMIN, "sigqrt"); })

KERNEL_FAULT_TEST(SigqueueStandardSignalKeepsItsValue,
                  "injection.kernel.sigqueue.standard-failure-or-value-delivered",
                  "XSH sigqueue() DESCRIPTION, ERRORS; fault-injection.rst fail-nth",
                  "sigqueue() of a blocked standard signal whose Nth kernel allocation fails "
                  "either returns -1 with EAGAIN, leaving the signal not pending, or succeeds with "
                  "the signal pending with si_code SI_QUEUE and its value",
                  [] { return sigqueue_call(SIGUSR1, "sigqstd"); })

}  // namespace
}  // namespace sigipc
