// Error paths of sigaltstack(), timer_create(), timer_settime() and
// setitimer(). glibc 2.36 / x86_64 (strace): each is the syscall of the same
// name; timer_create with SIGEV_THREAD first starts glibc's helper thread,
// then makes the timer_create call. alarm() is left out: XSH alarm() defines
// no errors and Linux's alarm(2) cannot fail.
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "fixtures/signal_guards.h"
#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

// A failed sigaltstack(ss, ...) leaves the stack that was installed.
injection::Run failed_altstack(const char* err_name, int err) {
  AltStack installed(1 << 16);
  return injection::run({injection::rule("sigaltstack", "a0!=0", err_name)}, [err] {
    stack_t before{};
    CHILD_CHECK_OK(sigaltstack(nullptr, &before));
    static char mem[1 << 16];
    stack_t ss{};
    ss.ss_sp = mem;
    ss.ss_size = sizeof mem;
    CHILD_CHECK_ERRNO(sigaltstack(&ss, nullptr), err);
    stack_t after{};
    CHILD_CHECK_OK(sigaltstack(nullptr, &after));
    CHILD_CHECK(after.ss_sp == before.ss_sp);
    CHILD_CHECK_EQ(after.ss_size, before.ss_size);
    CHILD_CHECK_EQ(after.ss_flags, before.ss_flags);
  });
}

#define ALTSTACK_CASE(Name, id, ERR)                                                             \
  ERRPATH_CASE(Name, id, "XSH sigaltstack() ERRORS",                                             \
               "sigaltstack() whose kernel call fails with " #ERR " returns -1 with errno " #ERR \
               " and the alternate stack in place stays as it was",                              \
               failed_altstack, "sigaltstack", ERR)

ALTSTACK_CASE(SigaltstackEnomemKeepsOldStack, "injection.errpath.sigaltstack-enomem-keeps-stack",
              ENOMEM)
ALTSTACK_CASE(SigaltstackEpermKeepsOldStack, "injection.errpath.sigaltstack-eperm-keeps-stack",
              EPERM)
ALTSTACK_CASE(SigaltstackEinvalKeepsOldStack, "injection.errpath.sigaltstack-einval-keeps-stack",
              EINVAL)

// POSIX timers of the calling process, from /proc/self/timers (Linux); -1
// when the file cannot be read.
int posix_timer_count() {
  std::ifstream f("/proc/self/timers");
  if (!f) return -1;
  int n = 0;
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("ID:", 0) == 0) ++n;
  return n;
}

injection::Run failed_timer_create(int notify, const char* err_name, int err) {
  return injection::run({injection::rule("timer_create", "", err_name)}, [notify, err] {
    int before = posix_timer_count();
    sigevent ev{};
    ev.sigev_notify = notify;
    ev.sigev_signo = SIGUSR1;
    if (notify == SIGEV_THREAD) ev.sigev_notify_function = [](sigval) {};
    timer_t t{};
    CHILD_CHECK_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), err);
    CHILD_CHECK_EQ(posix_timer_count(), before);
  });
}
injection::Run failed_signal_timer_create(const char* err_name, int err) {
  return failed_timer_create(SIGEV_SIGNAL, err_name, err);
}
injection::Run failed_thread_timer_create(const char* err_name, int err) {
  return failed_timer_create(SIGEV_THREAD, err_name, err);
}

#define TIMER_CREATE_CASE(Name, timeout_s, id, how, fn, ERR)                \
  ERRPATH_CASE_T(Name, timeout_s, id, "XSH timer_create() ERRORS",          \
                 "timer_create()" how " whose kernel call fails with " #ERR \
                 " returns -1 "                                             \
                 "with errno " #ERR " and no timer exists afterwards",      \
                 fn, "timer_create", ERR)

TIMER_CREATE_CASE(TimerCreateEagainCreatesNoTimer, kDefaultTimeoutS,
                  "injection.errpath.timer-create-eagain", "", failed_signal_timer_create, EAGAIN)
TIMER_CREATE_CASE(TimerCreateEinvalCreatesNoTimer, kDefaultTimeoutS,
                  "injection.errpath.timer-create-einval", "", failed_signal_timer_create, EINVAL)
TIMER_CREATE_CASE(TimerCreateSigevThreadEagainCreatesNoTimer, injection::kSpawnTimeoutS,
                  "injection.errpath.timer-create-thread-eagain", " with SIGEV_THREAD",
                  failed_thread_timer_create, EAGAIN)

SIGIPC_TEST(ErrorPaths, TimerSettimeEinvalLeavesTimerDisarmed,
            "injection.errpath.timer-settime-einval", "XSH timer_settime() ERRORS",
            "timer_settime() whose kernel call fails with EINVAL returns -1 with errno EINVAL "
            "and the timer stays disarmed") {
  ERRPATH_REQUIRE_FILTERS();
  auto r = injection::run_blocking(SIGUSR1, {injection::rule("timer_settime", "", "EINVAL")}, [] {
    sigevent ev{};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    timer_t t{};
    CHILD_CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t));
    itimerspec v{};
    v.it_value.tv_sec = 100;
    CHILD_CHECK_ERRNO(timer_settime(t, 0, &v, nullptr), EINVAL);
    itimerspec now{};
    CHILD_CHECK_OK(timer_gettime(t, &now));
    CHILD_CHECK(now.it_value.tv_sec == 0 && now.it_value.tv_nsec == 0);
    CHILD_CHECK_OK(timer_delete(t));
  });
  EXPECT_INJECTED_AND_HELD(r, "timer_settime", EINVAL);
}

SIGIPC_TEST(ErrorPaths, SetitimerEinvalKeepsOldTimer, "injection.errpath.setitimer-einval",
            "XSH setitimer() ERRORS",
            "setitimer() whose kernel call fails with EINVAL returns -1 with errno EINVAL and "
            "the interval timer keeps its previous setting") {
  ERRPATH_REQUIRE_FILTERS();
  auto r =
      injection::run_blocking(SIGVTALRM, {injection::rule("setitimer", "a1!=0", "EINVAL")}, [] {
        itimerval before{};
        CHILD_CHECK_OK(getitimer(ITIMER_VIRTUAL, &before));
        itimerval v{};
        v.it_value.tv_sec = 1000;
        v.it_interval.tv_sec = 7;
        CHILD_CHECK_ERRNO(setitimer(ITIMER_VIRTUAL, &v, nullptr), EINVAL);
        itimerval after{};
        CHILD_CHECK_OK(getitimer(ITIMER_VIRTUAL, &after));
        CHILD_CHECK(after.it_interval.tv_sec == 0 && after.it_interval.tv_usec == 0);
        CHILD_CHECK(after.it_value.tv_sec == 0 && after.it_value.tv_usec == 0);
      });
  EXPECT_INJECTED_AND_HELD(r, "setitimer", EINVAL);
}

}  // namespace
}  // namespace sigipc
