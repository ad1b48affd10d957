// The signal of an expiring POSIX timer (timer_create() with SIGEV_SIGNAL):
// si_code SI_TIMER and the sigevent's value in si_value.
// XSH timer_create(), XBD <signal.h>, XSH 2.4.3 Signal Actions.
#include <signal.h>
#include <time.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/rt_helpers.h"

namespace sigipc {
namespace {

using signals::Receiver;

// A POSIX timer deleted on every exit path.
class PosixTimer {
 public:
  explicit PosixTimer(sigevent* ev) { SETUP_OK(timer_create(CLOCK_MONOTONIC, ev, &id_)); }
  ~PosixTimer() { timer_delete(id_); }
  PosixTimer(const PosixTimer&) = delete;
  PosixTimer& operator=(const PosixTimer&) = delete;
  timer_t id() const { return id_; }

 private:
  timer_t id_{};
};

// Arms a one-shot timer that sends sig with value and accepts the signal
// (blocked by the caller) into info. The timer is due in a millisecond; the
// safety net only bounds a timer that never fires.
int expire_once(int sig, sigval value, siginfo_t* info) {
  sigevent ev{};
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = sig;
  ev.sigev_value = value;
  PosixTimer timer(&ev);
  itimerspec due{};
  due.it_value.tv_nsec = 1000 * 1000;
  SETUP_OK(timer_settime(timer.id(), 0, &due, nullptr));
  return signals::accept_signal(sig, info);
}

SIGIPC_TEST(SignalSiginfoTimer, TimerExpiryGivesSiTimer, "signal.siginfo.code-si-timer",
            "XBD <signal.h>; XSH timer_create()",
            "The signal of an expiring timer made by timer_create() with SIGEV_SIGNAL carries "
            "si_code SI_TIMER and the sigevent's signal number") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  siginfo_t info{};
  ASSERT_EQ(expire_once(sig, signals::int_value(1), &info), sig)
      << "no timer signal within " << signals::kSafetyWaitS << " s: " << ErrnoText(errno);
  EXPECT_EQ(info.si_code, SI_TIMER);
  EXPECT_EQ(info.si_signo, sig);
}

int g_timer_cookie = 0;

SIGIPC_TEST(SignalSiginfoTimer, TimerSignalCarriesSigevValue, "signal.siginfo.timer-value",
            "XSH 2.4.3 Signal Actions; XSH timer_create()",
            "The signal of an expiring timer carries the sigevent's sigev_value in si_value "
            "(pointer and int)") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  siginfo_t info{};
  ASSERT_EQ(expire_once(sig, signals::ptr_value(&g_timer_cookie), &info), sig) << ErrnoText(errno);
  EXPECT_EQ(info.si_value.sival_ptr, &g_timer_cookie);
  ASSERT_EQ(expire_once(sig, signals::int_value(-20250), &info), sig) << ErrnoText(errno);
  EXPECT_EQ(info.si_value.sival_int, -20250);
}

}  // namespace
}  // namespace sigipc
