// Error paths of sigaltstack(), timer_create(), timer_settime() and
// setitimer(). glibc 2.36 / x86_64 (strace): each is the syscall of the same
// name, so the wrapper has only the failure to pass back (-1 and the errno);
// the stack and timers live in the kernel, which never ran the failed call,
// and are not checked afterwards. timer_create with SIGEV_THREAD first
// starts glibc's helper thread and allocates the timer's record, then makes
// the timer_create call: after its failure, a later SIGEV_THREAD timer must
// still work. alarm() is left out: XSH alarm() defines no errors and Linux's
// alarm(2) cannot fail.
#include <semaphore.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <string>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

injection::Run failed_altstack(const char* err_name, int err) {
  return injection::run({injection::rule("sigaltstack", "a0!=0", err_name)}, [err] {
    static char mem[1 << 16];
    stack_t ss{};
    ss.ss_sp = mem;
    ss.ss_size = sizeof mem;
    CHILD_CHECK_ERRNO(sigaltstack(&ss, nullptr), err);
  });
}

#define ALTSTACK_CASE(Name, id, ERR)                                                              \
  ERRPATH_CASE(Name, id, "XSH sigaltstack() RETURN VALUE, ERRORS",                                \
               "sigaltstack() whose kernel call fails with " #ERR " returns -1 with errno " #ERR, \
               failed_altstack, "sigaltstack", ERR)

ALTSTACK_CASE(SigaltstackEnomemIsReported, "injection.errpath.sigaltstack-enomem", ENOMEM)
ALTSTACK_CASE(SigaltstackEpermIsReported, "injection.errpath.sigaltstack-eperm", EPERM)
ALTSTACK_CASE(SigaltstackEinvalIsReported, "injection.errpath.sigaltstack-einval", EINVAL)

injection::Run failed_signal_timer_create(const char* err_name, int err) {
  return injection::run({injection::rule("timer_create", "", err_name)}, [err] {
    sigevent ev{};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    timer_t t{};
    CHILD_CHECK_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), err);
  });
}

#define TIMER_CREATE_CASE(Name, id, ERR)                                                           \
  ERRPATH_CASE(Name, id, "XSH timer_create() RETURN VALUE, ERRORS",                                \
               "timer_create() whose kernel call fails with " #ERR " returns -1 with errno " #ERR, \
               failed_signal_timer_create, "timer_create", ERR)

TIMER_CREATE_CASE(TimerCreateEagainIsReported, "injection.errpath.timer-create-eagain", EAGAIN)
TIMER_CREATE_CASE(TimerCreateEinvalIsReported, "injection.errpath.timer-create-einval", EINVAL)

// Posted by the expiry function, in the child that made the timer.
sem_t expired;
void post_expired(sigval) { sem_post(&expired); }

// The first timer_create(SIGEV_THREAD) fails with err; a second one succeeds,
// and its function runs when the timer, armed for 1 ms, expires (bounded
// wait: a libc whose helper is broken fails here, not hangs).
injection::Run failed_thread_timer_create(const char* err_name, int err) {
  return injection::run({injection::rule("timer_create", "", err_name) + "@1"}, [err] {
    CHILD_CHECK_OK(sem_init(&expired, 0, 0));
    sigevent ev{};
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = post_expired;
    timer_t t{};
    CHILD_CHECK_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), err);
    CHILD_CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t));
    itimerspec v{};
    v.it_value.tv_nsec = 1000000;
    CHILD_CHECK_OK(timer_settime(t, 0, &v, nullptr));
    timespec limit{};
    clock_gettime(CLOCK_REALTIME, &limit);
    limit.tv_sec += 5;
    CHILD_CHECK_OK(sem_timedwait(&expired, &limit));
    CHILD_CHECK_OK(timer_delete(t));
  });
}

ERRPATH_CASE_T(TimerCreateSigevThreadEagainLeavesLaterTimerWorking, injection::kSpawnTimeoutS,
               "injection.errpath.timer-create-thread-eagain",
               "XSH timer_create() RETURN VALUE, ERRORS; XSH 2.4.2 (SIGEV_THREAD)",
               "timer_create() with SIGEV_THREAD whose kernel call fails with EAGAIN returns -1 "
               "with errno EAGAIN, and a later SIGEV_THREAD timer still works: its function "
               "runs when it expires",
               failed_thread_timer_create, "timer_create", EAGAIN)

SIGIPC_TEST(ErrorPaths, TimerSettimeEinvalIsReported, "injection.errpath.timer-settime-einval",
            "XSH timer_settime() RETURN VALUE, ERRORS",
            "timer_settime() whose kernel call fails with EINVAL returns -1 with errno EINVAL") {
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
    CHILD_CHECK_OK(timer_delete(t));
  });
  EXPECT_INJECTED_AND_HELD(r, "timer_settime", EINVAL);
}

SIGIPC_TEST(ErrorPaths, SetitimerEinvalIsReported, "injection.errpath.setitimer-einval",
            "XSH setitimer() RETURN VALUE, ERRORS",
            "setitimer() whose kernel call fails with EINVAL returns -1 with errno EINVAL") {
  ERRPATH_REQUIRE_FILTERS();
  auto r =
      injection::run_blocking(SIGVTALRM, {injection::rule("setitimer", "a1!=0", "EINVAL")}, [] {
        itimerval v{};
        v.it_value.tv_sec = 1000;
        v.it_interval.tv_sec = 7;
        CHILD_CHECK_ERRNO(setitimer(ITIMER_VIRTUAL, &v, nullptr), EINVAL);
      });
  EXPECT_INJECTED_AND_HELD(r, "setitimer", EINVAL);
}

}  // namespace
}  // namespace sigipc
