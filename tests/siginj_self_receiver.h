// Shared by the signal injector's tests that aim it at their own process
// (siginj_sender_test.cc, siginj_timer_test.cc): one signal blocked in the
// calling thread for the receiver's life, so that whatever the injector sends
// stays pending until the test takes it with sigtimedwait, and a plan that
// sends only that signal. The mask is restored (and what is left pending
// discarded) on every exit path, an early ASSERT return included.
#pragma once

#include <signal.h>

#include <cerrno>
#include <cstdint>

#include "fixtures/signal_guards.h"
#include "injectors/signal_injector.h"

namespace sigipc::inject {

// What take() counted.
struct Taken {
  std::uint64_t count = 0, overruns = 0, wrong_code = 0;
};

class SelfReceiver {
 public:
  explicit SelfReceiver(int sig) : sig_(sig) {
    sigemptyset(&set_);
    sigaddset(&set_, sig);
    mask_.block(sig);
  }
  SelfReceiver(const SelfReceiver&) = delete;
  SelfReceiver& operator=(const SelfReceiver&) = delete;

  const sigset_t& set() const { return set_; }

  // A plan that sends only this signal (max_signals 0: until stopped).
  SignalPlan plan(double rate_hz, Via via, std::uint64_t max_signals = 0) const {
    SignalPlan p;
    p.signals = {sig_};
    p.rate_hz = rate_hz;
    p.via = via;
    p.max_signals = max_signals;
    return p;
  }

  // Takes every instance pending now without waiting; returns how many.
  std::uint64_t drain() {
    std::uint64_t n = 0;
    const timespec zero{};
    while (sigtimedwait(&set_, nullptr, &zero) == sig_) ++n;
    return n;
  }

  // Takes the signal until n arrived or none came for 2 s (a safety net, not
  // the test's clock); counts si_code other than code, and a timer's si_overrun.
  Taken take(std::uint64_t n, int code) {
    Taken t;
    const timespec safety{2, 0};
    while (t.count < n) {
      siginfo_t si{};
      int r = sigtimedwait(&set_, &si, &safety);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) break;
      ++t.count;
      if (si.si_code != code) ++t.wrong_code;
      if (si.si_code == SI_TIMER) t.overruns += static_cast<std::uint64_t>(si.si_overrun);
    }
    return t;
  }

 private:
  int sig_;
  sigset_t set_;
  SignalMask mask_;
};

}  // namespace sigipc::inject
