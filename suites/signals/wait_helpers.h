// Shared by the waiting-call suites (wait_*.cc) and the async-signal-safety
// suites (asyncsafe_*.cc): a repeating signal source that interrupts a call
// once it blocks, a watchdog that turns a would-be hang into an EINTR the
// test reports, and bounded waits for a child's state.
//
// Why a repeating source: a blocked call cannot announce that it has started
// to wait, and these suites use no sleeps for ordering. A signal repeated
// until the call under test returns lands inside the wait sooner or later;
// a tick that lands before the call only costs coverage, never correctness.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <optional>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/result_channel.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace signals {

// CLOCK_MONOTONIC in nanoseconds: the clock XSH sigtimedwait() names for
// measuring its interval. Async-signal-safe (clock_gettime is on the list).
inline long long monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

inline double ms_since(long long start_ns) noexcept {
  return static_cast<double>(monotonic_ns() - start_ns) / 1e6;
}

inline timespec ms_timespec(long ms) noexcept {
  return timespec{ms / 1000, (ms % 1000) * 1000000L};
}

// Sends sig to this process from a POSIX timer (CLOCK_MONOTONIC), the first
// time after first_us (default: period_us) and then every period_us (0: only
// once), until stop() or destruction.
// Declare it after the SignalAction it feeds, so the timer is gone before the
// action is restored.
class RepeatingSignal {
 public:
  RepeatingSignal(int sig, long period_us, long first_us = 0) {
    sigevent ev{};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = sig;
    if (timer_create(CLOCK_MONOTONIC, &ev, &id_) != 0)
      setup_error_errno(__FILE__, __LINE__, "timer_create()", errno);
    armed_ = true;
    long first = first_us > 0 ? first_us : period_us;
    itimerspec its{};
    its.it_value = timespec{first / 1000000, (first % 1000000) * 1000};
    its.it_interval = timespec{period_us / 1000000, (period_us % 1000000) * 1000};
    if (timer_settime(id_, 0, &its, nullptr) != 0) {
      const int err = errno;
      stop();
      setup_error_errno(__FILE__, __LINE__, "timer_settime()", err);
    }
  }
  ~RepeatingSignal() { stop(); }
  RepeatingSignal(const RepeatingSignal&) = delete;
  RepeatingSignal& operator=(const RepeatingSignal&) = delete;

  void stop() noexcept {
    if (armed_) timer_delete(id_);
    armed_ = false;
  }

 private:
  timer_t id_{};
  bool armed_ = false;
};

inline volatile sig_atomic_t g_watchdog_fired = 0;
inline void watchdog_handler(int) { g_watchdog_fired = 1; }

// A safety net for calls that SA_RESTART (or a retrying library) would keep
// blocked forever on a broken platform: after `seconds`, a handler installed
// without SA_RESTART runs, so the blocked call fails with EINTR and the test
// reports a FAIL instead of a TIMEOUT. fired() says whether it went off.
// The signal is SIGHUP because Linux delivers the lowest-numbered pending
// signal first, and the first handler decides whether the interrupted call
// restarts: a tick of a RepeatingSignal (SIGUSR1, SA_RESTART) expiring at
// the same instant must not restart the call the watchdog is meant to end.
class Watchdog {
 public:
  static constexpr int kSignal = SIGHUP;
  explicit Watchdog(double seconds) : action_(kSignal, watchdog_handler) {
    g_watchdog_fired = 0;
    // Fires at the deadline, then every 100 ms: one expiry can land while
    // an SA_RESTART handler runs, and then that handler's restart decision
    // wins; a later one reaches the blocked call itself.
    timer_.emplace(kSignal, 100000L, static_cast<long>(seconds * 1e6));
  }
  bool fired() const { return g_watchdog_fired != 0; }

 private:
  SignalAction action_;
  std::optional<RepeatingSignal> timer_;
};

using ::sigipc::wait_until_sleeping;

// The child's next state change matching options (WUNTRACED, WCONTINUED)
// within `seconds`, or nullopt: waitpid(WNOHANG) woken by SIGCHLD, which is
// blocked meanwhile, so "the child never stopped" is a FAIL and not a hang.
inline std::optional<WaitStatus> wait_child_within(Child& child, int options, double seconds) {
  SignalMask mask;
  mask.block(SIGCHLD);
  const sigset_t chld = make_sigset({SIGCHLD});
  const long long deadline = monotonic_ns() + static_cast<long long>(seconds * 1e9);
  for (;;) {
    WaitStatus s = child.wait(options | WNOHANG);
    if (s.raw() != -1) return s;
    long long left = deadline - monotonic_ns();
    if (left <= 0) return std::nullopt;
    timespec ts{static_cast<time_t>(left / 1000000000LL), static_cast<long>(left % 1000000000LL)};
    if (sigtimedwait(&chld, nullptr, &ts) < 0 && errno == EAGAIN) return std::nullopt;
  }
}

// Spins (no library calls, so errno and the interrupted code stay as they
// are) until the handler counter `runs` reaches `target` or `limit`
// iterations pass; returns whether the target was reached. The signal comes
// from a RepeatingSignal; the limit only bounds a handler that never runs.
inline bool spin_until_runs(const volatile sig_atomic_t& runs, int target,
                            long long limit = 4000000000LL) noexcept {
  for (long long i = 0; i < limit; ++i)
    if (runs >= target) return true;
  return runs >= target;
}

// Queues sig with value to this process (a setup step, not a rule).
inline void queue_to_self(int sig, int value) {
  sigval v{};
  v.sival_int = value;
  if (sigqueue(getpid(), sig, v) != 0)
    setup_error_errno(__FILE__, __LINE__, "sigqueue(getpid(), ...)", errno);
}

}  // namespace signals
}  // namespace sigipc
