// Error paths of sigtimedwait(), sigwaitinfo() and sigwait(). glibc 2.36 /
// x86_64 (strace): all three -> rt_sigtimedwait (x86_64 has no _time64
// variant). sigtimedwait() and sigwaitinfo() are that one call: their
// wrappers have the failure to pass back (-1 and the errno), and the pending
// set, kept by the kernel that never ran the failed call, is not checked.
// sigwait() does more in libc: it returns the error number instead of -1,
// and glibc retries the kernel wait after EINTR, so its tests check that the
// signal is still pending after a failure and taken after a retry.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

bool is_pending(int sig) {
  sigset_t p;
  sigemptyset(&p);
  if (sigpending(&p) != 0) return false;
  return sigismember(&p, sig) == 1;
}

sigset_t only(int sig) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  return s;
}

// SIGUSR1 is blocked (inherited from the test process) and made pending in
// the child before the failed wait.
injection::Run failed_timedwait(const char* err_name, int err) {
  return injection::run_blocking(SIGUSR1, {injection::rule("rt_sigtimedwait", "", err_name)},
                                 [err] {
                                   CHILD_CHECK_OK(kill(getpid(), SIGUSR1));
                                   sigset_t set = only(SIGUSR1);
                                   siginfo_t info{};
                                   timespec zero{0, 0};
                                   CHILD_CHECK_ERRNO(sigtimedwait(&set, &info, &zero), err);
                                 });
}

#define SIGTIMEDWAIT_CASE(Name, id, ERR)                                                           \
  ERRPATH_CASE(Name, id, "XSH sigtimedwait() RETURN VALUE, ERRORS",                                \
               "sigtimedwait() whose kernel call fails with " #ERR " returns -1 with errno " #ERR, \
               failed_timedwait, "rt_sigtimedwait", ERR)

SIGTIMEDWAIT_CASE(SigtimedwaitEagainIsReported, "injection.errpath.sigtimedwait-eagain", EAGAIN)
SIGTIMEDWAIT_CASE(SigtimedwaitEintrIsReported, "injection.errpath.sigtimedwait-eintr", EINTR)
SIGTIMEDWAIT_CASE(SigtimedwaitEinvalIsReported, "injection.errpath.sigtimedwait-einval", EINVAL)

SIGIPC_TEST(ErrorPaths, SigwaitinfoEintrIsReported, "injection.errpath.sigwaitinfo-eintr",
            "XSH sigwaitinfo() RETURN VALUE, ERRORS",
            "sigwaitinfo() whose kernel call fails with EINTR returns -1 with errno EINTR") {
  ERRPATH_REQUIRE_FILTERS();
  auto r = injection::run_blocking(SIGUSR1, {injection::rule("rt_sigtimedwait", "", "EINTR")}, [] {
    CHILD_CHECK_OK(kill(getpid(), SIGUSR1));
    sigset_t set = only(SIGUSR1);
    CHILD_CHECK_ERRNO(sigwaitinfo(&set, nullptr), EINTR);
  });
  EXPECT_INJECTED_AND_HELD(r, "rt_sigtimedwait", EINTR);
}

SIGIPC_TEST(ErrorPaths, SigwaitReturnsEinvalAndLeavesSignalPending,
            "injection.errpath.sigwait-einval-returned", "XSH sigwait() RETURN VALUE and ERRORS",
            "sigwait() whose kernel call fails with EINVAL returns EINVAL (the error number, "
            "not -1) and the signal stays pending") {
  ERRPATH_REQUIRE_FILTERS();
  auto r = injection::run_blocking(SIGUSR1, {injection::rule("rt_sigtimedwait", "", "EINVAL")}, [] {
    CHILD_CHECK_OK(kill(getpid(), SIGUSR1));
    sigset_t set = only(SIGUSR1);
    int sig = 0;
    CHILD_CHECK_EQ(sigwait(&set, &sig), EINVAL);
    CHILD_CHECK(is_pending(SIGUSR1));
  });
  EXPECT_INJECTED_AND_HELD(r, "rt_sigtimedwait", EINVAL);
}

SIGIPC_TEST(ErrorPaths, SigwaitNeverReportsEintr, "injection.errpath.sigwait-no-eintr",
            "XSH sigwait() ERRORS; Linux sigwait(3) ERRORS (EINVAL only)",
            "sigwait() whose kernel wait fails once with EINTR does not report EINTR (it is "
            "not among its errors): it waits again and returns 0 with the pending signal") {
  ERRPATH_REQUIRE_FILTERS();
  auto r =
      injection::run_blocking(SIGUSR1, {injection::rule("rt_sigtimedwait", "", "EINTR@1")}, [] {
        CHILD_CHECK_OK(kill(getpid(), SIGUSR1));
        sigset_t set = only(SIGUSR1);
        int sig = 0;
        CHILD_CHECK_EQ(sigwait(&set, &sig), 0);
        CHILD_CHECK_EQ(sig, SIGUSR1);
        CHILD_CHECK(!is_pending(SIGUSR1));
      });
  EXPECT_INJECTED_AND_HELD(r, "rt_sigtimedwait", EINTR);
}

}  // namespace
}  // namespace sigipc
