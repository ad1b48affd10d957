// injection.kernel: the signal calls that allocate, with a kernel
// allocation failed (kernel_faults_helpers.h). Allowed errnos, the resource
// errnos of each page's ERRORS: timer_create(2) EAGAIN, ENOMEM; sigqueue(3)
// EAGAIN ("the limit of signals which may be queued has been reached");
// kill(2) and pidfd_send_signal(2) list none.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "fixtures/linux_calls.h"
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

// The blocked signal sig is pending and arrives with si_code code, si_pid
// of this process and, for SI_QUEUE, the value. Appends what differs.
void check_arrival(int sig, int code, SafeBuf& change) {
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, sig);
  const timespec zero{0, 0};
  siginfo_t si{};
  if (sigtimedwait(&m, &si, &zero) != sig) {
    change.str("succeeded, yet the signal is not pending");
    return;
  }
  const bool value_ok = code != SI_QUEUE || si.si_value.sival_int == kValue;
  if (si.si_code != code || si.si_pid != g_self || !value_ok)
    change.str("succeeded, yet the signal arrived with si_code ")
        .num(si.si_code)
        .str(", si_pid ")
        .num(si.si_pid)
        .str(" and value ")
        .num(si.si_value.sival_int)
        .str(", expected si_code ")
        .num(code)
        .str(" and si_pid ")
        .num(g_self);
}

void block_and_note_self(int sig) {
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, sig);
  sigprocmask(SIG_BLOCK, &m, nullptr);
  g_self = getpid();
}

Call kill_call() {
  Call c{"kill", {}};
  c.prepare = [] { block_and_note_self(SIGUSR2); };
  c.invoke = [] { return static_cast<long>(kill(g_self, SIGUSR2)); };
  c.check_child = [](bool failed, long, SafeBuf& change) {
    if (!failed) check_arrival(SIGUSR2, SI_USER, change);
  };
  return c;
}

KERNEL_FAULT_TEST(KillStandardSignalArrivesWithSender,
                  "injection.kernel.kill.standard-signal-arrives-with-sender",
                  "XSH kill() ERRORS; XSH 2.4.3 Signal Actions (si_code SI_USER, si_pid); "
                  "fault-injection.rst fail-nth",
                  "kill() of a blocked standard signal to the caller whose Nth kernel allocation "
                  "fails still succeeds (kill() has no resource errno) and the signal is pending "
                  "with si_code SI_USER and the sender's pid",
                  kill_call)

int g_pidfd = -1;

Call pidfd_send_signal_call() {
  Call c{"pidfd_send_signal", {}};
  c.tag = "pidfdsig";
  c.prepare = [] {
    block_and_note_self(SIGRTMIN);
    g_pidfd = pidfd_open(g_self, 0);
  };
  c.invoke = [] {
    siginfo_t si{};
    si.si_signo = SIGRTMIN;
    si.si_code = SI_QUEUE;
    si.si_pid = g_self;
    si.si_uid = getuid();
    si.si_value.sival_int = kValue;
    return static_cast<long>(pidfd_send_signal(g_pidfd, SIGRTMIN, &si, 0));
  };
  c.check_child = [](bool failed, long, SafeBuf& change) {
    sigset_t pending;
    sigpending(&pending);
    if (failed && sigismember(&pending, SIGRTMIN) == 1) change.str("the signal is pending");
    if (!failed) check_arrival(SIGRTMIN, SI_QUEUE, change);
  };
  return c;
}

KERNEL_FAULT_TEST(PidfdSendSignalRealtimeFailureLeavesNothingPending,
                  "injection.kernel.pidfd_send_signal.realtime-failure-leaves-nothing-pending",
                  "Linux-only, pidfd_send_signal(2) ERRORS; fault-injection.rst fail-nth",
                  "pidfd_send_signal() of a blocked real-time signal with SI_QUEUE data whose Nth "
                  "kernel allocation fails returns -1 only with an errno its page documents and "
                  "leaves the signal not pending; when it succeeds the signal is pending with its "
                  "value",
                  pidfd_send_signal_call)

}  // namespace
}  // namespace sigipc
